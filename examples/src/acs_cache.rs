//! A node's copies of the sessions it wrote last: the next POST of a session, which often
//! comes to the same node, then needs no load from the store, only the compare-and-set.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cwmp_session::AcsSession;
use cwmp_session::acs::Step;
use cwmp_session::http::is_empty_body;
use cwmp_soap::Peek;

use super::State;
use crate::acs_sessions::Running;

/// How long a node keeps its copy of a session it wrote.
const CACHE_FOR: Duration = Duration::from_secs(2);

/// This node's copy of a session it wrote last: its revision, the session, and the bytes of
/// its device's record as stored.
#[derive(Debug)]
pub(super) struct Cached {
    pub(super) revision: u64,
    pub(super) running: Running,
    pub(super) device: Option<Vec<u8>>,
    /// When it was kept.
    pub(super) kept: Instant,
}

/// Whether `session` waits for this POST: the method the CPE answers, its empty POST or one
/// of its requests. (A retry of the session's last POST is not what it waits for: it is
/// answered from the stored state, loaded, without hashing the body once more here.)
pub(super) fn waits_for(session: &AcsSession, body: &[u8], peek: Option<&Peek>) -> bool {
    let Some(waiting) = session.waiting_for() else {
        return false;
    };
    match (&waiting.step, peek) {
        (Step::CpeResponse(method), Some(p)) => {
            p.method == "Fault"
                || p.method
                    .strip_suffix("Response")
                    .is_some_and(|m| m == method.as_str())
        }
        (Step::CpeMessage | Step::CpeAfterHold, None) => is_empty_body(body),
        (Step::CpeMessage | Step::CpeAfterHold, Some(p)) => {
            !p.is_inform() && !p.method.ends_with("Response") && p.method != "Fault"
        }
        _ => false,
    }
}

impl State {
    /// Takes this node's copy of the session `key`, if it has one.
    pub(super) fn take_cached(&self, key: &str) -> Option<Cached> {
        self.shared_cache.lock().expect("lock").remove(key)
    }

    /// Keeps a session written by this node for its next POST (which may well come here):
    /// that POST then needs no load, only the compare-and-set, which fails, and returns the
    /// stored state, if another node wrote since. Ended sessions are not kept; the copies
    /// are bounded by `max_sessions`, and kept [`CACHE_FOR`] (a CPE answers at once; a copy
    /// older than that has most likely moved on at another node, or its CPE is gone).
    pub(super) fn put_cached(&self, key: String, cached: Cached) {
        if cached.running.session.is_ended() {
            return;
        }
        let mut cache = self.shared_cache.lock().expect("lock");
        if cache.len() >= self.config.max_sessions {
            Self::prune(&mut cache, Instant::now());
        }
        if cache.len() < self.config.max_sessions {
            cache.insert(key, cached);
        }
    }

    /// Drops the copies kept longer than [`CACHE_FOR`].
    pub(super) fn prune(cache: &mut HashMap<String, Cached>, now: Instant) {
        cache.retain(|_, c| now.duration_since(c.kept) < CACHE_FOR);
    }
}
