//! The example ACS on a shared [`Store`]: any node continues any session.
//!
//! Every POST is authenticated first, by the transport's gate ([`State::admit`]), exactly as
//! without a store; then it runs the compare-and-set loop of `cwmp_session`'s "Running an ACS
//! cluster": load the session and its device's record (one round trip), restore the
//! `AcsSession` with this node's config, feed the POST, let the policy react, and write
//! session and record back only if nobody wrote in between (one round trip); else do it
//! again. A POST that repeats the last one (a retry, or a copy racing on another node) is
//! answered from the state and writes nothing. Counts, signals and Connection Requests happen
//! only after the write.
//!
//! A stored session carries the identity that started it: a request of another identity
//! never reaches it (it starts a session of its own, as in memory). An Inform (that is not a
//! retry) is checked against the identity (per-device credentials) before anything is
//! touched, then takes the device's lock, ends the device's live session if it has one (one
//! session per device), and starts a new session under a random 128-bit cookie. A sweeper
//! runs on whichever node holds the sweeper lock: it ends sessions past their deadline and
//! sends again the Connection Requests a node may have lost by dying.
//!
//! Digest nonces use the secret shared through the store, so any node verifies any node's
//! nonce. Each node refuses an `Authorization` it has seen; an Inform's `(nonce, nc)` is also
//! kept in its device's record, so an Inform replayed to any node of the cluster is refused
//! before the device's live session is touched. A later POST of a session replayed to
//! another node within the nonce's lifetime is accepted there (it needs the session's cookie
//! too; a copy of the session's last POST is answered from the state and applies nothing, any
//! other is out of turn for the session). "This TCP connection authenticated" is trusted as
//! without a store: behind a balancer that keeps each client connection on its own backend
//! connection ([`crate::balancer`] does), never behind one that mixes clients on a connection.
//!
//! A node keeps the sessions it wrote last (bounded, those past their deadline dropped) and
//! works on its copy when the POST is the one the copy waits for: then the POST costs one
//! round trip, the compare-and-set, which fails and returns the stored state if another node
//! wrote since. Caps on live sessions and on device records hold for the whole cluster: the
//! compare-and-set that creates one counts them in the same atomic step.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use cwmp_session::AcsSession;
use cwmp_session::acs::{self, Route};
use cwmp_session::connreq::digest::AuthorizationParams;
use cwmp_session::http::is_empty_body;
use cwmp_soap::Peek;
use hyper::StatusCode;
use hyper::header::{HeaderValue, SET_COOKIE};

use super::cache::{Cached, waits_for};
use super::record::{SessionRecord, SessionRecordRef};
use super::{DeviceRecord, MAX_PROBLEMS, State};
use crate::acs_sessions::Running;
use crate::http::{SESSION_COOKIE, SessionKey, hex, os_random};
use crate::natcr::{self, Targets};
use crate::policy::Stage;
use crate::store::{Caps, CasOutcome, Store, StoreError, Write};
use crate::support::{Stats, log_text};
use crate::transport::{IncomingRequest, Reply};

#[path = "acs_sweeper.rs"]
mod sweeper;

/// How long an Inform may hold its device's lock (ending the previous session and writing
/// the new one), and how long another Inform of the device waits for it.
const DEVICE_LOCK_TTL: Duration = Duration::from_secs(10);
const DEVICE_LOCK_WAIT: Duration = Duration::from_secs(5);
/// The sweeper's lock, taken by one node per round.
const SWEEPER_LOCK_TTL: Duration = Duration::from_secs(2);
/// Sessions one sweep ends at most.
const SWEEP_BATCH: usize = 256;
/// When a Connection Request is sent again if its device has not come (the node that sent
/// it may have died before it went out).
const CONNECTION_REQUEST_RETRY: Duration = Duration::from_secs(5);
/// Longest serial number used as a store key (TR-069 Table 36: string(64)).
const MAX_SERIAL: usize = 64;

/// A written session, and what follows the write.
struct Committed {
    reply: Reply,
    running: Running,
    connection_request: Option<Targets>,
    /// The device's record was written (not the same as loaded).
    device_changed: bool,
}

/// Nonces an Inform's record remembers at most.
const INFORM_NONCES: usize = 16;

/// Records the digest `(nonce, nc)` of an Inform in its device's record; `false` if the
/// record shows it used already (a replay, whichever node saw it first). Entries older than
/// a nonce's lifetime are dropped (the verifier refuses such nonces as stale anyway).
fn first_use_of_nonce(record: &mut DeviceRecord, req: &IncomingRequest, now: SystemTime) -> bool {
    let Some(params) = req
        .headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| AuthorizationParams::parse(v).ok())
    else {
        return true;
    };
    let nc = params.qop_auth.map_or(1, |(nc, _)| nc);
    let now = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let nonces = &mut record.inform_nonces;
    nonces.retain(|(_, _, at)| now.saturating_sub(*at) <= super::NONCE_LIFETIME_SECS);
    match nonces.iter_mut().find(|(n, _, _)| *n == params.nonce) {
        Some((_, last, _)) if *last >= nc => return false,
        Some((_, last, at)) => (*last, *at) = (nc, now),
        None => {
            if nonces.len() >= INFORM_NONCES {
                nonces.remove(0);
            }
            nonces.push((params.nonce, nc, now));
        }
    }
    true
}

impl State {
    fn restore(&self, key: &str, stored: &[u8], device: Option<Vec<u8>>) -> Option<Running> {
        let record: SessionRecord = serde_json::from_slice(stored).ok()?;
        let session = AcsSession::restore(record.saved, self.session_config()).ok()?;
        let device = record.serial.clone().and_then(|serial| {
            let d = device.and_then(|d| serde_json::from_slice::<DeviceRecord>(&d).ok())?;
            Some((serial, d))
        });
        Some(Running {
            id: 0,
            keys: Vec::new(),
            identity: record.identity,
            cookie: Some(key.to_owned()),
            session,
            serial: record.serial,
            asked: record.asked.into_iter().collect(),
            refused: None,
            device,
            stats: Arc::new(Stats::default()),
        })
    }

    /// Writes a session (and its device's record, if it differs from `loaded_device`) over
    /// `expected`, releasing `unlock`; on a conflict, what is stored now. Returns the device
    /// record's bytes as written, and whether they differ from `loaded_device`.
    #[allow(clippy::too_many_arguments)]
    async fn write(
        &self,
        store: &Store,
        key: &str,
        expected: Option<u64>,
        running: &Running,
        connection_request: bool,
        loaded_device: Option<&[u8]>,
        unlock: Option<(&str, &str)>,
    ) -> Result<(CasOutcome, Option<Vec<u8>>, bool), StoreError> {
        let saved = running
            .session
            .save()
            .map_err(|e| StoreError(e.to_string()))?;
        let revision = saved.revision();
        let deadline = saved.deadline();
        let record = SessionRecordRef {
            saved: &saved,
            serial: &running.serial,
            asked: running.asked.iter().map(|(h, r)| (*h, r)).collect(),
            identity: &running.identity,
        };
        // Sized by the last state written, with room to grow: mostly no regrowth.
        let last = self.state_len.load(Ordering::Relaxed);
        let mut state = Vec::with_capacity(last + last / 4 + 256);
        serde_json::to_writer(&mut state, &record).map_err(|e| StoreError(e.to_string()))?;
        self.state_len.store(state.len(), Ordering::Relaxed);
        let device = match &running.device {
            Some((serial, d)) => Some((
                serial.as_str(),
                serde_json::to_vec(d).map_err(|e| StoreError(e.to_string()))?,
            )),
            None => None,
        };
        let device_changed = match (&device, loaded_device) {
            (Some((_, now)), Some(before)) => now.as_slice() != before,
            _ => true,
        };
        let outcome = store
            .compare_and_set_or_load(Write {
                key,
                expected,
                revision,
                state: &state,
                deadline,
                device: device.as_ref().map(|(s, d)| (*s, d.as_slice())),
                device_changed,
                unlock,
                caps: Some(Caps {
                    sessions: self.config.max_sessions,
                    devices: self.config.max_devices,
                }),
                connection_request_due: connection_request
                    .then(|| SystemTime::now() + CONNECTION_REQUEST_RETRY),
            })
            .await?;
        Ok((outcome, device.map(|(_, d)| d), device_changed))
    }

    /// A session is over: the device is free, and may be due a Connection Request (decided
    /// here, before the write, so that only one node sends it).
    fn end_on_device(running: &mut Running) -> Option<Targets> {
        let (_, d) = running.device.as_mut()?;
        d.in_session = false;
        d.session = None;
        if d.policy.wants_connection_request() && !d.connection_request_sent {
            d.connection_request_sent = true;
            Some(d.connection_request_targets())
        } else {
            None
        }
    }

    /// Puts a device's record into this node's view, keeping the counters of
    /// [`Acs::summary`](super::Acs::summary) (this node's view of the fleet).
    fn cache(&self, serial: &str, record: DeviceRecord) {
        let done = record.policy.stage == Stage::Done;
        let problems = record.policy.problems.len();
        let old = self
            .devices
            .lock()
            .expect("lock")
            .insert(serial.to_owned(), record);
        let (was_done, had) = old.map_or((false, 0), |o| {
            (o.policy.stage == Stage::Done, o.policy.problems.len())
        });
        if done && !was_done {
            self.done.fetch_add(1, Ordering::Relaxed);
        } else if was_done && !done {
            self.done.fetch_sub(1, Ordering::Relaxed);
        }
        if problems > had {
            self.problem_count
                .fetch_add(problems - had, Ordering::Relaxed);
        }
    }

    /// After a write: counts, the local copy of the device's record, signals, and the
    /// Connection Request.
    fn committed(
        self: &Arc<Self>,
        store: &Arc<Store>,
        running: &Running,
        cr: Option<Targets>,
        device_changed: bool,
    ) {
        for (mine, theirs) in [
            (&self.stats.sessions, &running.stats.sessions),
            (&self.stats.rpcs, &running.stats.rpcs),
            (&self.stats.failures, &running.stats.failures),
        ] {
            mine.fetch_add(theirs.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        let Some((serial, record)) = &running.device else {
            return;
        };
        if device_changed {
            // This node's view of the fleet, and whoever waits for the device.
            self.cache(serial, record.clone());
            self.signal(serial);
        }
        if let Some(targets) = cr {
            self.send_connection_request_shared(store, serial, targets);
        }
    }

    /// Sends a Connection Request in the background; a failure goes on the device's record.
    fn send_connection_request_shared(
        self: &Arc<Self>,
        store: &Arc<Store>,
        serial: &str,
        targets: Targets,
    ) {
        let state = self.clone();
        let store = store.clone();
        let serial = serial.to_owned();
        tokio::spawn(async move {
            let credentials = &state.config.connection_request_credentials;
            let result =
                natcr::deliver(&targets, state.xmpp.as_ref(), credentials, os_random::<8>()).await;
            let Err((path, e)) = result else {
                return;
            };
            if state.config.verbose {
                eprintln!(
                    "acs: {}: connection request over {path}: {}",
                    log_text(&serial),
                    log_text(&e)
                );
            }
            Stats::bump(&state.stats.failures);
            // The device has no session until the request succeeds: nobody else writes its
            // record meanwhile.
            if let Ok(Some(bytes)) = store.device(&serial).await {
                if let Ok(mut d) = serde_json::from_slice::<DeviceRecord>(&bytes) {
                    d.policy
                        .problems
                        .push(format!("connection request over {path}: {e}"));
                    d.policy.problems.truncate(MAX_PROBLEMS);
                    if let Ok(bytes) = serde_json::to_vec(&d) {
                        let _ = store.put_device(&serial, &bytes).await;
                    }
                    state.cache(&serial, d);
                }
            }
            state.signal(&serial);
        });
    }

    /// One POST with a shared store (already admitted by the gate).
    pub(super) async fn handle_shared(
        self: &Arc<Self>,
        store: &Arc<Store>,
        req: IncomingRequest,
    ) -> Reply {
        if req.method == hyper::Method::GET && req.uri.path() == "/firmware.bin" {
            return Reply::ok(bytes::Bytes::from_static(super::FIRMWARE));
        }
        let peek = (!is_empty_body(&req.body))
            .then(|| cwmp_soap::peek(&req.body).ok())
            .flatten();
        let key = match &req.key {
            SessionKey::Cookie(c) => Some(c.clone()),
            SessionKey::Peer(p) => self
                .peers
                .lock()
                .expect("lock")
                .get(p)
                .map(|(_, key)| key.clone()),
        };
        let mut lock = None;
        let result = self
            .post_shared(store, &req, key.clone(), peek.as_ref(), &mut lock)
            .await;
        if let Some(name) = lock {
            let _ = store.unlock(&name, &self.node_token).await;
        }
        match result {
            Ok(Ok((committed, new_key, device, revision))) => {
                let Committed {
                    mut reply,
                    running,
                    connection_request,
                    device_changed,
                } = committed;
                self.committed(store, &running, connection_request, device_changed);
                let session_key = new_key.clone().or(key);
                let mut peers = self.peers.lock().expect("lock");
                if running.session.is_ended() {
                    peers.remove(&req.peer);
                } else if let Some(key) = new_key {
                    reply = reply.with_header(
                        SET_COOKIE,
                        HeaderValue::from_str(&format!("{SESSION_COOKIE}={key}; Path=/; HttpOnly"))
                            .expect("a cookie is a valid header value"),
                    );
                    // A CPE that drops the cookie keeps its connection, which stays here.
                    // Bounded by the connections open: those of closed ones go when it fills.
                    if peers.len() >= self.config.max_sessions {
                        peers.retain(|_, (connection, _)| connection.strong_count() > 0);
                    }
                    if peers.len() < self.config.max_sessions {
                        peers.insert(req.peer, (Arc::downgrade(&req.connection), key));
                    }
                }
                drop(peers);
                if let Some(k) = session_key {
                    let stats = Arc::new(Stats::default());
                    let running = Running { stats, ..running };
                    self.put_cached(
                        k,
                        Cached {
                            revision,
                            running,
                            device,
                            kept: Instant::now(),
                        },
                    );
                }
                reply
            }
            Ok(Err(reply)) => reply,
            Err(e) => {
                if self.config.verbose {
                    eprintln!("acs: {}", log_text(&e.to_string()));
                }
                Reply::status(StatusCode::SERVICE_UNAVAILABLE)
            }
        }
    }

    /// The compare-and-set loop of one POST; `Ok(Err(reply))` answers without a write
    /// (a refusal, a retry), the key is set for a new session.
    #[allow(clippy::type_complexity)]
    async fn post_shared(
        self: &Arc<Self>,
        store: &Arc<Store>,
        req: &IncomingRequest,
        key: Option<String>,
        peek: Option<&Peek>,
        lock: &mut Option<String>,
    ) -> Result<Result<(Committed, Option<String>, Option<Vec<u8>>, u64), Reply>, StoreError> {
        // What the store holds under `key`, when a failed compare-and-set told.
        let mut current = None;
        // This node's copy, if the POST is what that copy waits for: a copy that waits for
        // something else is stale (another node went on with the session), and working on it
        // would only be thrown away by the compare-and-set.
        let mut cached = key
            .as_deref()
            .and_then(|k| self.take_cached(k))
            .filter(|c| waits_for(&c.running.session, &req.body, peek));
        loop {
            let now = SystemTime::now();
            let (existing, mut loaded_device) = match cached.take() {
                Some(c) => (Some((c.revision, c.running)), c.device),
                None => {
                    let (stored, device) = match (current.take(), &key) {
                        (Some(known), _) => known,
                        (None, Some(k)) => store.load_with_device(k).await?,
                        (None, None) => (None, None),
                    };
                    let loaded = device.clone();
                    // A session of another identity is not found (as in memory).
                    let existing = stored.and_then(|s| {
                        let running = self.restore(key.as_deref()?, &s.state, device)?;
                        (running.identity == req.identity).then_some((s.revision, running))
                    });
                    (existing, loaded)
                }
            };
            let route = match &existing {
                Some((_, r)) => r.session.route(&req.body, peek),
                None => Route::NewSession {
                    end_previous: false,
                },
            };
            let (session_key, expected, mut running, new) = match (route, existing) {
                (Route::Continue, Some((revision, running))) => (
                    key.clone().unwrap_or_default(),
                    Some(revision),
                    running,
                    false,
                ),
                _ => {
                    let device = match peek.and_then(|p| p.device_id.as_ref()) {
                        Some(id) if peek.is_some_and(Peek::is_inform) => {
                            if id.serial_number.chars().count() > MAX_SERIAL {
                                return Ok(Err(Reply::status(StatusCode::BAD_REQUEST)));
                            }
                            // Checked before the device's live session is touched.
                            if let (Some(creds), Some(identity)) =
                                (&self.config.cpe_credentials, &req.identity)
                            {
                                if !creds.may_speak_for(identity, id) {
                                    if self.config.verbose {
                                        eprintln!(
                                            "acs: {} refused: an Inform for {}",
                                            log_text(identity),
                                            log_text(&id.serial_number)
                                        );
                                    }
                                    return Ok(Err(Reply::status(StatusCode::FORBIDDEN)));
                                }
                            }
                            let Some((serial, record, bytes)) = self
                                .take_device(store, &id.serial_number, req, lock, now)
                                .await?
                            else {
                                // Each node refuses an Authorization it saw; this refuses
                                // an Inform's that any node saw.
                                if self.config.verbose {
                                    eprintln!(
                                        "acs: {}: a replayed Inform",
                                        log_text(&id.serial_number)
                                    );
                                }
                                return Ok(Err(self.challenge(false)));
                            };
                            loaded_device = bytes;
                            Some((serial, record))
                        }
                        _ => {
                            loaded_device = None;
                            None
                        }
                    };
                    let new_key = hex(&os_random::<16>());
                    let running = Running {
                        id: 0,
                        keys: Vec::new(),
                        identity: req.identity.clone(),
                        cookie: Some(new_key.clone()),
                        session: AcsSession::new(self.session_config(), now),
                        serial: None,
                        asked: HashMap::new(),
                        refused: None,
                        device,
                        stats: Arc::new(Stats::default()),
                    };
                    (new_key, None, running, true)
                }
            };
            let before = running.session.revision();
            let reply = self.feed(&mut running, req, now);
            if let Some(status) = running.refused {
                // Nothing is kept of a refused session.
                return Ok(Err(Reply::status(status)));
            }
            if !new && running.session.revision() == before {
                // A retry of the last POST, answered from the state: nothing to write.
                let revision = expected.unwrap_or_default();
                let device = loaded_device;
                self.put_cached(
                    session_key,
                    Cached {
                        revision,
                        running,
                        device,
                        kept: Instant::now(),
                    },
                );
                return Ok(Err(reply));
            }
            if new && running.device.is_none() && running.session.is_ended() {
                // A POST that is no session's (an empty POST, a stray answer): nothing to
                // keep, as in memory.
                return Ok(Err(reply));
            }
            if new {
                if let Some((_, d)) = &mut running.device {
                    d.session = Some(session_key.clone());
                }
            }
            let connection_request = if running.session.is_ended() {
                Self::end_on_device(&mut running)
            } else {
                None
            };
            let cr = connection_request.is_some();
            let unlock = lock.as_deref().map(|name| (name, self.node_token.as_str()));
            let (outcome, written_device, device_changed) = self
                .write(
                    store,
                    &session_key,
                    expected,
                    &running,
                    cr,
                    loaded_device.as_deref(),
                    unlock,
                )
                .await?;
            match outcome {
                CasOutcome::Written => {
                    // The write released the device's lock.
                    *lock = None;
                    let revision = running.session.revision();
                    let committed = Committed {
                        reply,
                        running,
                        connection_request,
                        device_changed,
                    };
                    return Ok(Ok((
                        committed,
                        new.then_some(session_key),
                        written_device,
                        revision,
                    )));
                }
                // Another node wrote first: redo the work on what it wrote (a new session's
                // key is fresh: load again).
                CasOutcome::Conflict(stored, device) if !new => current = Some((stored, device)),
                CasOutcome::Full(cap) => {
                    if self.config.verbose {
                        eprintln!("acs: the cluster's cap on {cap:?} is reached: 503");
                    }
                    return Ok(Err(Reply::status(StatusCode::SERVICE_UNAVAILABLE)));
                }
                _ => {}
            }
        }
    }

    /// Takes the device's lock for an Inform, ends its live session if it has one, and returns
    /// its record (a new one for a device seen for the first time) and the bytes it was read
    /// from; `None`, with nothing touched, if the record shows the Inform's Authorization
    /// used already. Lock and record come in one round trip.
    async fn take_device(
        self: &Arc<Self>,
        store: &Arc<Store>,
        serial: &str,
        req: &IncomingRequest,
        lock: &mut Option<String>,
        now: SystemTime,
    ) -> Result<Option<(String, DeviceRecord, Option<Vec<u8>>)>, StoreError> {
        let name = format!("device:{serial}");
        let mut bytes = if lock.is_none() {
            let got = store
                .lock_and_get_device(
                    &name,
                    &self.node_token,
                    DEVICE_LOCK_TTL,
                    DEVICE_LOCK_WAIT,
                    serial,
                )
                .await?;
            let Some(bytes) = got else {
                return Err(StoreError(format!("{serial}: device lock not free")));
            };
            *lock = Some(name);
            bytes
        } else {
            store.device(serial).await?
        };
        let record = |bytes: &Option<Vec<u8>>| {
            bytes
                .as_deref()
                .and_then(|b| serde_json::from_slice::<DeviceRecord>(b).ok())
                .unwrap_or_else(|| self.new_device_record())
        };
        let mut d = record(&bytes);
        if !first_use_of_nonce(&mut d, req, now) {
            return Ok(None);
        }
        if let Some(previous) = d.session.clone() {
            self.end_session(store, &previous, now).await?;
            bytes = store.device(serial).await?;
            d = record(&bytes);
            // The same check on the record as it is now: it still holds.
            first_use_of_nonce(&mut d, req, now);
        }
        Ok(Some((serial.to_owned(), d, bytes)))
    }

    /// Ends a live session (its device walked away from it with a new Inform).
    async fn end_session(
        self: &Arc<Self>,
        store: &Arc<Store>,
        key: &str,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        // This node's copy (if any) is about to be stale.
        drop(self.take_cached(key));
        loop {
            let Some((revision, mut running)) = self.load_running(store, key).await? else {
                return Ok(());
            };
            if running.session.is_ended() {
                return Ok(());
            }
            if self.config.verbose {
                let serial = running.serial.as_deref().unwrap_or("(no Inform)");
                eprintln!(
                    "acs: {}: session abandoned by a new Inform",
                    log_text(serial)
                );
            }
            running.session.abort(now);
            let _ = self.drain(&mut running, now);
            if self.write_back(store, key, revision, running).await? {
                return Ok(());
            }
        }
    }

    /// The session stored under `key` and its revision, restored with its device's record.
    pub(super) async fn load_running(
        &self,
        store: &Store,
        key: &str,
    ) -> Result<Option<(u64, Running)>, StoreError> {
        let (stored, device) = store.load_with_device(key).await?;
        Ok(stored.and_then(|s| Some((s.revision, self.restore(key, &s.state, device)?))))
    }

    /// Writes back a stored session that this node moved on outside a POST (ended by a new
    /// Inform, timed out): its device freed if it ended, then what follows a write; `false`
    /// if another node wrote first.
    pub(super) async fn write_back(
        self: &Arc<Self>,
        store: &Arc<Store>,
        key: &str,
        revision: u64,
        mut running: Running,
    ) -> Result<bool, StoreError> {
        let cr = if running.session.is_ended() {
            Self::end_on_device(&mut running)
        } else {
            None
        };
        let (outcome, _, _) = self
            .write(
                store,
                key,
                Some(revision),
                &running,
                cr.is_some(),
                None,
                None,
            )
            .await?;
        if outcome != CasOutcome::Written {
            return Ok(false);
        }
        self.committed(store, &running, cr, true);
        Ok(true)
    }

    /// Feeds a POST to a session and lets the policy react; the reply to send.
    fn feed(
        self: &Arc<Self>,
        running: &mut Running,
        req: &IncomingRequest,
        now: SystemTime,
    ) -> Reply {
        let mut request = cwmp_session::http::IncomingRequest::new(&req.body);
        if let Some(ct) = req
            .headers
            .get(hyper::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
        {
            request = request.with_content_type(ct);
        }
        if running
            .session
            .handle_input(acs::Input::HttpRequest { now, request })
            .is_err()
        {
            return Reply::status(StatusCode::INTERNAL_SERVER_ERROR);
        }
        self.drain(running, now)
            .unwrap_or_else(|| Reply::status(StatusCode::INTERNAL_SERVER_ERROR))
    }
}
