//! Periodic Inform and HTTP Heartbeat settings, and the phase alignment they share.

use core::time::Duration;

use cwmp_types::{DateTime, ValidationError};

use crate::SessionError;

/// `ManagementServer.PeriodicInform{Enable,Interval,Time}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PeriodicInformRepr"))]
pub struct PeriodicInform {
    enable: bool,
    interval: u32,
    time: DateTime,
}

impl PeriodicInform {
    /// Settings from the three parameters. `interval` is in seconds and at least 1;
    /// `time` is the phase reference (informs happen at `time ± k·interval`); the Unknown
    /// Time (`0001-01-01T00:00:00Z`) lets the CPE pick the phase. An `interval` of 0 is
    /// refused with [`SessionError::Validation`] (a CPE answers the SetParameterValues with
    /// fault 9007).
    pub fn new(enable: bool, interval: u32, time: DateTime) -> Result<Self, SessionError> {
        if interval == 0 {
            return Err(ValidationError::out_of_range(
                "PeriodicInformInterval",
                1,
                i64::from(u32::MAX),
            )
            .into());
        }
        Ok(Self {
            enable,
            interval,
            time,
        })
    }

    /// Enabled every `interval` seconds with the CPE picking the phase.
    pub fn every(interval: u32) -> Result<Self, SessionError> {
        Self::new(true, interval, DateTime::UNKNOWN)
    }

    /// `PeriodicInformEnable`.
    pub fn enable(&self) -> bool {
        self.enable
    }

    /// `PeriodicInformInterval` in seconds.
    pub fn interval(&self) -> u32 {
        self.interval
    }

    /// `PeriodicInformTime`.
    pub fn time(&self) -> DateTime {
        self.time
    }
}

/// `ManagementServer.HeartbeatPolicy.{Enable,ReportingInterval,InitiationTime}` (Annex O).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "HeartbeatPolicyRepr"))]
pub struct HeartbeatPolicy {
    enable: bool,
    reporting_interval: u32,
    initiation_time: DateTime,
}

impl HeartbeatPolicy {
    /// The smallest `ReportingInterval` Annex O allows, in seconds.
    pub const MIN_REPORTING_INTERVAL: u32 = 30;

    /// Settings from the three parameters; `reporting_interval` is in seconds, at least 30
    /// (else [`SessionError::Validation`], answered with fault 9007).
    pub fn new(
        enable: bool,
        reporting_interval: u32,
        initiation_time: DateTime,
    ) -> Result<Self, SessionError> {
        if reporting_interval < Self::MIN_REPORTING_INTERVAL {
            return Err(ValidationError::out_of_range(
                "HeartbeatPolicy.ReportingInterval",
                i64::from(Self::MIN_REPORTING_INTERVAL),
                i64::from(u32::MAX),
            )
            .into());
        }
        Ok(Self {
            enable,
            reporting_interval,
            initiation_time,
        })
    }

    /// `Enable`.
    pub fn enable(&self) -> bool {
        self.enable
    }

    /// `ReportingInterval` in seconds.
    pub fn reporting_interval(&self) -> u32 {
        self.reporting_interval
    }

    /// `InitiationTime`.
    pub fn initiation_time(&self) -> DateTime {
        self.initiation_time
    }
}

/// Unchecked serde forms; deserializing goes through the constructors' range checks.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct PeriodicInformRepr {
    enable: bool,
    interval: u32,
    time: DateTime,
}

#[cfg(feature = "serde")]
impl TryFrom<PeriodicInformRepr> for PeriodicInform {
    type Error = SessionError;
    fn try_from(r: PeriodicInformRepr) -> Result<Self, SessionError> {
        Self::new(r.enable, r.interval, r.time)
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct HeartbeatPolicyRepr {
    enable: bool,
    reporting_interval: u32,
    initiation_time: DateTime,
}

#[cfg(feature = "serde")]
impl TryFrom<HeartbeatPolicyRepr> for HeartbeatPolicy {
    type Error = SessionError;
    fn try_from(r: HeartbeatPolicyRepr) -> Result<Self, SessionError> {
        Self::new(r.enable, r.reporting_interval, r.initiation_time)
    }
}

/// How long from `unix_now` until the next instant of the grid `phase + k·interval`
/// (strictly later than `unix_now`). `phase` is `None` for the Unknown Time: the caller's
/// `random` then picks the phase uniformly within one interval.
pub(crate) fn until_next(
    unix_now: i64,
    phase: Option<i64>,
    interval: u32,
    random: u64,
) -> Duration {
    let interval = i64::from(interval.max(1));
    let phase = phase.unwrap_or_else(|| {
        let offset = ((u128::from(random) * interval as u128) >> 64) as i64;
        unix_now + 1 + offset - interval
    });
    let elapsed = unix_now - phase;
    let next = phase + (elapsed.div_euclid(interval) + 1) * interval;
    Duration::from_secs((next - unix_now) as u64)
}

/// The phase of a reference time: `None` for the Unknown Time (year 0001).
pub(crate) fn phase_of(time: &DateTime) -> Option<i64> {
    (!time.is_unknown()).then(|| time.to_unix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_to_past_and_future_references() {
        // Reference 1000, interval 300: grid ... 700, 1000, 1300 ...
        assert_eq!(
            until_next(1100, Some(1000), 300, 0),
            Duration::from_secs(200)
        );
        assert_eq!(
            until_next(1000, Some(1000), 300, 0),
            Duration::from_secs(300)
        );
        assert_eq!(until_next(999, Some(1000), 300, 0), Duration::from_secs(1));
        // A future reference still produces the very next aligned inform.
        assert_eq!(
            until_next(150, Some(1000), 300, 0),
            Duration::from_secs(250)
        );
        assert_eq!(until_next(1_000_000, Some(5), 86_400, 0).as_secs(), 36_805);
    }

    #[test]
    fn unknown_time_uses_the_callers_randomness() {
        let a = until_next(5000, None, 600, 0);
        let b = until_next(5000, None, 600, u64::MAX);
        let c = until_next(5000, None, 600, u64::MAX / 2);
        for d in [a, b, c] {
            assert!(
                d >= Duration::from_secs(1) && d <= Duration::from_secs(600),
                "{d:?}"
            );
        }
        assert_ne!(a, b);
        assert_eq!(c, until_next(5000, None, 600, u64::MAX / 2));
    }

    #[test]
    fn ranges() {
        assert!(PeriodicInform::every(0).is_err());
        assert!(PeriodicInform::every(1).is_ok());
        assert!(HeartbeatPolicy::new(true, 29, DateTime::UNKNOWN).is_err());
        assert!(HeartbeatPolicy::new(true, 30, DateTime::UNKNOWN).is_ok());
        assert_eq!(phase_of(&DateTime::UNKNOWN), None);
        assert_eq!(phase_of(&DateTime::from_unix(77)), Some(77));
    }
}
