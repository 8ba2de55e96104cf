//! The Session Retry Policy of TR-069 §3.2.1.1.
//!
//! After the n-th consecutive unsuccessful session (n = the retry count after the increment,
//! capped at 10) the CPE waits a uniformly random time in
//! `[m·(k/1000)^(n−1), m·(k/1000)^n]` seconds, where m is
//! `ManagementServer.CWMPRetryMinimumWaitInterval` (1–65535, default 5) and k is
//! `ManagementServer.CWMPRetryIntervalMultiplier` (1000–65535, default 2000). With the
//! defaults that is the spec's table: 5–10 s, 10–20 s, … 2560–5120 s for the 10th and later.

use core::time::Duration;

use cwmp_types::ValidationError;

use crate::SessionError;

/// The retry count above which the window stops growing.
pub const MAX_RETRY_EXPONENT: u32 = 10;

/// `CWMPRetryMinimumWaitInterval` and `CWMPRetryIntervalMultiplier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RetryPolicyRepr"))]
pub struct RetryPolicy {
    minimum_wait_interval: u32,
    interval_multiplier: u32,
}

/// Unchecked serde form; deserializing goes through [`RetryPolicy::new`]'s range checks.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RetryPolicyRepr {
    minimum_wait_interval: u32,
    interval_multiplier: u32,
}

#[cfg(feature = "serde")]
impl TryFrom<RetryPolicyRepr> for RetryPolicy {
    type Error = SessionError;
    fn try_from(r: RetryPolicyRepr) -> Result<Self, SessionError> {
        Self::new(r.minimum_wait_interval, r.interval_multiplier)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            minimum_wait_interval: 5,
            interval_multiplier: 2000,
        }
    }
}

impl RetryPolicy {
    /// A policy from `CWMPRetryMinimumWaitInterval` (seconds, 1–65535) and
    /// `CWMPRetryIntervalMultiplier` (thousandths, 1000–65535). Values outside the ranges are
    /// refused with [`SessionError::Validation`] (a CPE answers the SetParameterValues that
    /// set them with fault 9007).
    pub fn new(minimum_wait_interval: u32, interval_multiplier: u32) -> Result<Self, SessionError> {
        if !(1..=65535).contains(&minimum_wait_interval) {
            return Err(
                ValidationError::out_of_range("CWMPRetryMinimumWaitInterval", 1, 65535).into(),
            );
        }
        if !(1000..=65535).contains(&interval_multiplier) {
            return Err(
                ValidationError::out_of_range("CWMPRetryIntervalMultiplier", 1000, 65535).into(),
            );
        }
        Ok(Self {
            minimum_wait_interval,
            interval_multiplier,
        })
    }

    /// `CWMPRetryMinimumWaitInterval` in seconds.
    pub fn minimum_wait_interval(&self) -> u32 {
        self.minimum_wait_interval
    }

    /// `CWMPRetryIntervalMultiplier` in thousandths.
    pub fn interval_multiplier(&self) -> u32 {
        self.interval_multiplier
    }

    /// The wait window `[low, high]` before retry number `retry_count` (1 for the first
    /// retry). `retry_count` 0 (no failure yet) gives a zero window; counts above 10 give
    /// the 10th window. Exact to the nanosecond; saturates at `u64::MAX` seconds.
    pub fn window(&self, retry_count: u32) -> (Duration, Duration) {
        if retry_count == 0 {
            return (Duration::ZERO, Duration::ZERO);
        }
        let n = retry_count.min(MAX_RETRY_EXPONENT);
        let low = self.scaled(n - 1);
        let high = self.scaled(n);
        (to_duration(low), to_duration(high))
    }

    /// The wait before retry number `retry_count`, picked uniformly in [`window`](Self::window)
    /// by `random` (any `u64` from the caller's random source; the full `u64` range maps onto
    /// the window).
    pub fn wait(&self, retry_count: u32, random: u64) -> Duration {
        if retry_count == 0 {
            return Duration::ZERO;
        }
        let n = retry_count.min(MAX_RETRY_EXPONENT);
        let low = self.scaled(n - 1);
        let high = self.scaled(n);
        let span = high - low + 1;
        // random/2^64 · span without overflow: span < 2^95 (capped in `scaled`).
        let r = u128::from(random);
        let offset = r * (span >> 64) + ((r * (span & u128::from(u64::MAX))) >> 64);
        let pick = low + offset.min(span - 1);
        to_duration(pick)
    }

    /// m·(k/1000)^e in nanoseconds: exact rational arithmetic (numerator and a power-of-ten
    /// denominator) while the numerator fits in a `u128`, which covers every default and
    /// realistic setting; beyond that (waits of millions of years) stepwise rounding.
    fn scaled(&self, e: u32) -> u128 {
        let base = u128::from(self.minimum_wait_interval) * 1_000_000_000;
        let k = u128::from(self.interval_multiplier);
        let mut num = base;
        let mut den: u128 = 1;
        for _ in 0..e {
            match num.checked_mul(k) {
                Some(v) => {
                    num = v;
                    den *= 1000;
                    // Keep the fraction small: divide out common factors of 10.
                    while den > 1 && num % 10 == 0 {
                        num /= 10;
                        den /= 10;
                    }
                }
                None => {
                    // Astronomically long wait: stepwise rounding is fine here.
                    num = (num / den).saturating_mul(k) / 1000;
                    den = 1;
                }
            }
        }
        (num / den).min(MAX_NANOS)
    }
}

/// The longest wait representable: `u64::MAX` seconds.
const MAX_NANOS: u128 = u64::MAX as u128 * 1_000_000_000;

fn to_duration(nanos: u128) -> Duration {
    let secs = nanos / 1_000_000_000;
    if secs > u128::from(u64::MAX) {
        return Duration::MAX;
    }
    Duration::new(secs as u64, (nanos % 1_000_000_000) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_table_matches_spec() {
        let p = RetryPolicy::default();
        let table = [
            (5, 10),
            (10, 20),
            (20, 40),
            (40, 80),
            (80, 160),
            (160, 320),
            (320, 640),
            (640, 1280),
            (1280, 2560),
            (2560, 5120),
        ];
        for (i, (lo, hi)) in table.iter().enumerate() {
            let n = i as u32 + 1;
            assert_eq!(
                p.window(n),
                (Duration::from_secs(*lo), Duration::from_secs(*hi)),
                "retry {n}"
            );
        }
        assert_eq!(p.window(11), p.window(10));
        assert_eq!(p.window(5000), p.window(10));
        assert_eq!(p.window(0), (Duration::ZERO, Duration::ZERO));
    }

    #[test]
    fn fractional_multiplier_is_exact() {
        // k = 1500: 1.5^n; m = 3.
        let p = RetryPolicy::new(3, 1500).unwrap();
        assert_eq!(
            p.window(1),
            (Duration::from_secs(3), Duration::from_millis(4500))
        );
        assert_eq!(
            p.window(3),
            (
                Duration::from_millis(6750),
                Duration::from_nanos(10_125_000_000)
            )
        );
        // k = 1000: constant window [m, m].
        let c = RetryPolicy::new(7, 1000).unwrap();
        assert_eq!(
            c.window(9),
            (Duration::from_secs(7), Duration::from_secs(7))
        );
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let p = RetryPolicy::new(65535, 65535).unwrap();
        let (lo, hi) = p.window(10);
        assert!(lo <= hi);
        assert!(hi > Duration::from_secs(1_000_000_000));
        let w = p.wait(10, u64::MAX);
        assert!(w >= lo && w <= hi);
    }

    #[test]
    fn wait_covers_the_window() {
        let p = RetryPolicy::default();
        assert_eq!(p.wait(1, 0), Duration::from_secs(5));
        let top = p.wait(1, u64::MAX);
        assert!(top <= Duration::from_secs(10) && top > Duration::from_millis(9999));
        let mid = p.wait(2, u64::MAX / 2);
        assert!(mid > Duration::from_millis(14_999) && mid < Duration::from_millis(15_001));
        assert_eq!(p.wait(0, 12345), Duration::ZERO);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn deserializing_checks_ranges() {
        let p: RetryPolicy =
            serde_json::from_str(r#"{"minimum_wait_interval":7,"interval_multiplier":1500}"#)
                .unwrap();
        assert_eq!(p, RetryPolicy::new(7, 1500).unwrap());
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<RetryPolicy>(&json).unwrap(), p);
        assert!(
            serde_json::from_str::<RetryPolicy>(
                r#"{"minimum_wait_interval":0,"interval_multiplier":2000}"#
            )
            .is_err()
        );
    }

    #[test]
    fn ranges_are_enforced() {
        assert!(RetryPolicy::new(0, 2000).is_err());
        assert!(RetryPolicy::new(65536, 2000).is_err());
        assert!(RetryPolicy::new(5, 999).is_err());
        assert!(RetryPolicy::new(5, 65536).is_err());
        assert!(RetryPolicy::new(1, 1000).is_ok());
        assert!(RetryPolicy::new(65535, 65535).is_ok());
    }
}
