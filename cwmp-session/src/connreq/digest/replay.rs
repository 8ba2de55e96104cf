//! [`NcTracker`]: `nc` replay protection for the server side.

#[cfg(doc)]
use super::NonceIssuer;
use std::collections::{BTreeMap, BTreeSet};

use super::{Verified, VerifyError};

/// `nc` replay tracking: the highest `nc` seen per live nonce, bounded in size. Every
/// [`NonceIssuer`] holds one; use it directly beside [`NonceIssuer::verify_stateless`].
///
/// Entries older than the nonce lifetime are dropped by [`NcTracker::check`]; when full, the
/// oldest nonce is evicted, and later requests with a nonce issued no later than it are
/// rejected as replays, forcing a new challenge — safe, never a false accept.
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NcTracker {
    seen: BTreeMap<String, (u64, u32)>,
    capacity: usize,
    /// The issue time of the newest evicted nonce: unknown nonces up to it may be replays.
    #[cfg_attr(feature = "serde", serde(default))]
    evicted_up_to: Option<u64>,
    /// The nonces of `seen` by issue time, so that expiry and eviction take the oldest
    /// without a scan (rebuilt from `seen` after deserialization).
    #[cfg_attr(feature = "serde", serde(skip))]
    by_time: BTreeSet<(u64, String)>,
}

impl NcTracker {
    /// A tracker remembering at most `capacity` nonces.
    pub fn new(capacity: usize) -> Self {
        Self {
            seen: BTreeMap::new(),
            capacity: capacity.max(1),
            evicted_up_to: None,
            by_time: BTreeSet::new(),
        }
    }

    /// Records a [`Verified`] request; [`VerifyError::Replayed`] when its `nc` is not greater than
    /// the last one seen for the nonce (or it has no `nc` and the nonce was already used).
    /// `lifetime_secs` and `now` expire old entries. Costs O(log n) in the nonces remembered
    /// (plus the expired ones it drops).
    pub fn check(&mut self, v: &Verified, now: u64, lifetime_secs: u64) -> Result<(), VerifyError> {
        if self.by_time.len() != self.seen.len() {
            self.by_time = self
                .seen
                .iter()
                .map(|(nonce, (at, _))| (*at, nonce.clone()))
                .collect();
        }
        while let Some((at, _)) = self.by_time.first() {
            if now.saturating_sub(*at) <= lifetime_secs {
                break;
            }
            if let Some((_, nonce)) = self.by_time.pop_first() {
                self.seen.remove(&nonce);
            }
        }
        if self
            .evicted_up_to
            .is_some_and(|t| now.saturating_sub(t) > lifetime_secs)
        {
            // Every nonce that old has expired: the verifier refuses it as stale.
            self.evicted_up_to = None;
        }
        let nc = v.nc.unwrap_or(1);
        match self.seen.get_mut(&v.nonce) {
            Some((_, last)) if nc <= *last => Err(VerifyError::Replayed),
            Some((_, last)) => {
                *last = nc;
                Ok(())
            }
            None if self.evicted_up_to.is_some_and(|t| v.issued_at <= t) => {
                Err(VerifyError::Replayed)
            }
            None => {
                if self.seen.len() >= self.capacity.max(1) {
                    if let Some((at, oldest)) = self.by_time.pop_first() {
                        self.seen.remove(&oldest);
                        self.evicted_up_to = Some(self.evicted_up_to.map_or(at, |t| t.max(at)));
                    }
                }
                self.seen.insert(v.nonce.clone(), (v.issued_at, nc));
                self.by_time.insert((v.issued_at, v.nonce.clone()));
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(nonce: &str, issued_at: u64, nc: u32) -> Verified {
        Verified {
            username: "cpe".into(),
            nonce: nonce.into(),
            issued_at,
            nc: Some(nc),
        }
    }

    #[test]
    fn expired_nonces_go_oldest_first_and_the_index_survives_a_reload() {
        let mut t = NcTracker::new(100);
        for i in 0..50u64 {
            assert_eq!(
                t.check(&used(&format!("n{i}"), 1000 + i, 1), 1000 + i, 300),
                Ok(())
            );
        }
        // At 1319 the 19 issued before 1019 have expired: 31 remain, with the new one.
        assert_eq!(t.check(&used("late", 1319, 1), 1319, 300), Ok(()));
        assert_eq!((t.seen.len(), t.by_time.len()), (32, 32));
        assert!(!t.seen.contains_key("n18") && t.seen.contains_key("n19"));
        assert_eq!(
            t.check(&used("n30", 1030, 1), 1320, 300),
            Err(VerifyError::Replayed)
        );
        // As after deserialization (the index is not serialized): rebuilt before use.
        t.by_time.clear();
        assert_eq!(t.check(&used("n30", 1030, 2), 1320, 300), Ok(()));
        assert_eq!(t.by_time.len(), t.seen.len());
        assert_eq!(
            t.check(&used("n30", 1030, 2), 1321, 300),
            Err(VerifyError::Replayed)
        );
    }

    #[test]
    fn a_full_tracker_evicts_the_oldest_and_refuses_what_it_may_have_seen() {
        let mut t = NcTracker::new(2);
        assert_eq!(t.check(&used("b", 20, 1), 30, 300), Ok(()));
        assert_eq!(t.check(&used("a", 10, 1), 30, 300), Ok(()));
        assert_eq!(t.check(&used("c", 25, 1), 30, 300), Ok(()));
        // "a" (issued at 10) went: unknown nonces issued until then may be replays.
        assert!(!t.seen.contains_key("a"));
        assert_eq!(
            t.check(&used("a", 10, 2), 31, 300),
            Err(VerifyError::Replayed)
        );
        assert_eq!(t.check(&used("d", 11, 1), 31, 300), Ok(()));
    }
}
