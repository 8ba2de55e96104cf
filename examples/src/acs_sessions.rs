//! The example ACS's open sessions: each [`Running`] session with the identity it is bound
//! to, and [`Sessions`], the store that finds them by cookie or peer address (and by device,
//! to end a session its device has walked away from).

use std::collections::HashMap;
use std::sync::Arc;

use cwmp_session::{AcsSession, RpcHandle};
use cwmp_types::Request;
use hyper::StatusCode;

use crate::acs::DeviceRecord;
use crate::http::SessionKey;
use crate::support::Stats;

/// One running CWMP session.
#[derive(Debug)]
pub(crate) struct Running {
    pub(crate) id: u64,
    /// The keys that find it (its cookie, and the peer addresses it was used from).
    pub(crate) keys: Vec<SessionKey>,
    /// The identity that authenticated when it started (`None` without authentication):
    /// only requests of this identity reach it.
    pub(crate) identity: Option<String>,
    /// The cookie set on its first response.
    pub(crate) cookie: Option<String>,
    pub(crate) session: AcsSession,
    pub(crate) serial: Option<String>,
    /// Queued requests by handle, to pair answers with what was asked.
    pub(crate) asked: HashMap<RpcHandle, Request>,
    /// The session is refused (the Inform's DeviceId does not belong to the identity, is
    /// oversized, or there is no room for the device): the status to answer.
    pub(crate) refused: Option<StatusCode>,
    /// With a shared store: the device's record, loaded with the session and written back
    /// with it.
    pub(crate) device: Option<(String, DeviceRecord)>,
    /// Where the session's counts go (with a shared store, added to the ACS's once written).
    pub(crate) stats: Arc<Stats>,
}

/// Open sessions, and the keys (cookie, peer address) that find them.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    pub(crate) by_id: HashMap<u64, Running>,
    pub(crate) keys: HashMap<SessionKey, u64>,
    /// The open session of each device (by serial number).
    pub(crate) by_serial: HashMap<String, u64>,
    pub(crate) next_id: u64,
    /// Most sessions stored at once (sessions between two POSTs of their CPE).
    pub(crate) peak: usize,
}

impl Sessions {
    /// Takes out the session `key` (or, for an unknown cookie, the peer address) finds, if it
    /// belongs to `identity`; a session of another identity is left as it is.
    pub(crate) fn take(
        &mut self,
        key: &SessionKey,
        peer: std::net::SocketAddr,
        identity: &Option<String>,
    ) -> Option<Running> {
        let id = self
            .keys
            .get(key)
            .or_else(|| self.keys.get(&SessionKey::Peer(peer)))
            .copied()?;
        if self.by_id.get(&id)?.identity != *identity {
            return None;
        }
        self.by_id.remove(&id)
    }

    pub(crate) fn put(&mut self, running: Running) {
        for k in &running.keys {
            self.keys.insert(k.clone(), running.id);
        }
        if let Some(serial) = &running.serial {
            self.by_serial.insert(serial.clone(), running.id);
        }
        self.peak = self.peak.max(self.by_id.len() + 1);
        self.by_id.insert(running.id, running);
    }

    /// Drops the keys and the device entry that still point at this session.
    pub(crate) fn forget(&mut self, running: &Running) {
        for k in &running.keys {
            if self.keys.get(k) == Some(&running.id) {
                self.keys.remove(k);
            }
        }
        if let Some(serial) = &running.serial {
            if self.by_serial.get(serial) == Some(&running.id) {
                self.by_serial.remove(serial);
            }
        }
    }
}
