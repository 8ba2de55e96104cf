//! [`NcTracker`]: `nc` replay protection for the server side.

#[cfg(doc)]
use super::NonceIssuer;
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
    seen: std::collections::BTreeMap<String, (u64, u32)>,
    capacity: usize,
    /// The issue time of the newest evicted nonce: unknown nonces up to it may be replays.
    #[cfg_attr(feature = "serde", serde(default))]
    evicted_up_to: Option<u64>,
}

impl NcTracker {
    /// A tracker remembering at most `capacity` nonces.
    pub fn new(capacity: usize) -> Self {
        Self {
            seen: Default::default(),
            capacity: capacity.max(1),
            evicted_up_to: None,
        }
    }

    /// Records a [`Verified`] request; [`VerifyError::Replayed`] when its `nc` is not greater than
    /// the last one seen for the nonce (or it has no `nc` and the nonce was already used).
    /// `lifetime_secs` and `now` expire old entries.
    pub fn check(&mut self, v: &Verified, now: u64, lifetime_secs: u64) -> Result<(), VerifyError> {
        self.seen
            .retain(|_, (at, _)| now.saturating_sub(*at) <= lifetime_secs);
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
                    if let Some((oldest, at)) = self
                        .seen
                        .iter()
                        .min_by_key(|(_, (at, _))| *at)
                        .map(|(k, (at, _))| (k.clone(), *at))
                    {
                        self.seen.remove(&oldest);
                        self.evicted_up_to = Some(self.evicted_up_to.map_or(at, |t| t.max(at)));
                    }
                }
                self.seen.insert(v.nonce.clone(), (v.issued_at, nc));
                Ok(())
            }
        }
    }
}
