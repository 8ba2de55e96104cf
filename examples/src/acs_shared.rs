//! The example ACS on a shared [`Store`]: any node continues any session.
//!
//! Every POST runs the compare-and-set loop of `cwmp_session`'s "Running an ACS cluster":
//! load the session and its device's record (one round trip), restore the `AcsSession` with
//! this node's config, feed the POST, let the policy react, and write session and record back
//! only if nobody wrote in between (one round trip); else do it again. A POST that repeats the
//! last one (a retry, or a copy racing on another node) is answered from the state and writes
//! nothing. Counts, signals and Connection Requests happen only after the write.
//!
//! An Inform (that is not a retry) takes the device's lock, ends the device's live session
//! if it has one (one session per device), and starts a new session under a random cookie.
//! A cookie of another device's session is never continued or ended by it. A sweeper runs on
//! whichever node holds the sweeper lock and ends sessions past their deadline.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cwmp_session::acs::{self, Route, SavedSession};
use cwmp_session::http::is_empty_body;
use cwmp_session::{AcsSession, RpcHandle};
use cwmp_soap::Peek;
use cwmp_types::Request;
use hyper::StatusCode;
use hyper::header::{HeaderValue, SET_COOKIE};

use super::{DeviceRecord, Running, State, connection_request};
use crate::http::{SESSION_COOKIE, SessionKey};
use crate::store::{Store, StoreError, Write};
use crate::support::Stats;
use crate::transport::{IncomingRequest, Reply};

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

/// A session as stored: the library's state and what the policy tracks beside it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct SessionRecord {
    saved: SavedSession,
    serial: Option<String>,
    asked: Vec<(RpcHandle, Request)>,
    authenticated: bool,
}

/// What a written session leaves for after the write.
struct Committed {
    reply: Reply,
    running: Running,
    connection_request: Option<String>,
}

impl State {
    /// The library config of this node's sessions.
    fn session_config(&self) -> acs::Config {
        let mut config = acs::Config::default();
        config.session_timeout = self.config.session_timeout;
        config.auto_answer_cpe_requests = true;
        config
    }

    fn restore(&self, stored: &[u8], device: Option<Vec<u8>>) -> Option<Running> {
        let record: SessionRecord = serde_json::from_slice(stored).ok()?;
        let session = AcsSession::restore(record.saved, self.session_config()).ok()?;
        let device = record.serial.clone().and_then(|serial| {
            let d = device.and_then(|d| serde_json::from_slice::<DeviceRecord>(&d).ok())?;
            Some((serial, d))
        });
        Some(Running {
            keys: Vec::new(),
            session,
            serial: record.serial,
            asked: record.asked.into_iter().collect(),
            authenticated: record.authenticated,
            device,
            stats: Arc::new(Stats::default()),
        })
    }

    /// Writes a session (and its device's record) over `expected`; `Ok(false)` if another
    /// node wrote first.
    async fn write(
        &self,
        store: &Store,
        key: &str,
        expected: Option<u64>,
        running: &Running,
        connection_request: bool,
    ) -> Result<bool, StoreError> {
        let saved = running
            .session
            .save()
            .map_err(|e| StoreError(e.to_string()))?;
        let revision = saved.revision();
        let deadline = saved.deadline();
        let record = SessionRecord {
            saved,
            serial: running.serial.clone(),
            asked: running.asked.iter().map(|(h, r)| (*h, r.clone())).collect(),
            authenticated: running.authenticated,
        };
        let state = serde_json::to_vec(&record).map_err(|e| StoreError(e.to_string()))?;
        let device = match &running.device {
            Some((serial, d)) => Some((
                serial.as_str(),
                serde_json::to_vec(d).map_err(|e| StoreError(e.to_string()))?,
            )),
            None => None,
        };
        store
            .compare_and_set(Write {
                key,
                expected,
                revision,
                state: &state,
                deadline,
                device: device.as_ref().map(|(s, d)| (*s, d.as_slice())),
                connection_request_due: connection_request
                    .then(|| SystemTime::now() + CONNECTION_REQUEST_RETRY),
            })
            .await
    }

    /// A session is over: the device is free, and may be due a Connection Request (decided
    /// here, before the write, so that only one node sends it).
    fn end_on_device(running: &mut Running) -> Option<String> {
        let (_, d) = running.device.as_mut()?;
        d.in_session = false;
        d.session = None;
        if d.policy.wants_connection_request() && !d.connection_request_sent {
            d.connection_request_sent = true;
            d.connection_request_url.clone()
        } else {
            None
        }
    }

    /// After a write: counts, the local copy of the device's record, signals, and the
    /// Connection Request.
    fn committed(self: &Arc<Self>, store: &Arc<Store>, running: &Running, cr: Option<String>) {
        for (mine, theirs) in [
            (&self.stats.sessions, &running.stats.sessions),
            (&self.stats.rpcs, &running.stats.rpcs),
            (&self.stats.failures, &running.stats.failures),
        ] {
            mine.fetch_add(
                theirs.load(std::sync::atomic::Ordering::Relaxed),
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        let Some((serial, record)) = &running.device else {
            return;
        };
        self.devices
            .lock()
            .expect("lock")
            .insert(serial.clone(), record.clone());
        self.signal(serial);
        if let Some(url) = cr {
            self.send_connection_request(store, serial, url);
        }
    }

    /// Sends a Connection Request in the background; a failure goes on the device's record.
    fn send_connection_request(self: &Arc<Self>, store: &Arc<Store>, serial: &str, url: String) {
        {
            let state = self.clone();
            let store = store.clone();
            let serial = serial.to_owned();
            tokio::spawn(async move {
                let random = state.random();
                let creds = &state.config.connection_request_credentials;
                if let Err(e) = connection_request(&url, creds, &random).await {
                    Stats::bump(&state.stats.failures);
                    // The device has no session until the request succeeds: nobody else
                    // writes its record meanwhile.
                    if let Ok(Some(bytes)) = store.device(&serial).await {
                        if let Ok(mut d) = serde_json::from_slice::<DeviceRecord>(&bytes) {
                            d.policy.problems.push(format!("connection request: {e}"));
                            if let Ok(bytes) = serde_json::to_vec(&d) {
                                let _ = store.put_device(&serial, &bytes).await;
                            }
                            state
                                .devices
                                .lock()
                                .expect("lock")
                                .insert(serial.clone(), d);
                        }
                    }
                    state.signal(&serial);
                }
            });
        }
    }

    /// One POST with a shared store.
    pub(super) async fn handle_shared(
        self: &Arc<Self>,
        store: &Arc<Store>,
        req: IncomingRequest,
    ) -> Reply {
        if let Some(reply) = self.precheck(&req) {
            return reply;
        }
        let peek = (!is_empty_body(&req.body))
            .then(|| cwmp_soap::peek(&req.body).ok())
            .flatten();
        let key = match &req.key {
            SessionKey::Cookie(c) => Some(c.clone()),
            SessionKey::Peer(p) => self.peers.lock().expect("lock").get(p).cloned(),
        };
        let mut lock = None;
        let result = self
            .post_shared(store, &req, key, peek.as_ref(), &mut lock)
            .await;
        if let Some(name) = lock {
            let _ = store.unlock(&name, &self.node_token).await;
        }
        match result {
            Ok(Ok((committed, new_key))) => {
                let Committed {
                    mut reply,
                    running,
                    connection_request,
                } = committed;
                self.committed(store, &running, connection_request);
                if let Some(key) = new_key.filter(|_| !running.session.is_ended()) {
                    reply = reply.with_header(
                        SET_COOKIE,
                        HeaderValue::from_str(&format!("{SESSION_COOKIE}={key}; Path=/; HttpOnly"))
                            .expect("a cookie is a valid header value"),
                    );
                    // A CPE that drops the cookie keeps its connection, which stays here.
                    self.peers.lock().expect("lock").insert(req.peer, key);
                }
                reply
            }
            Ok(Err(reply)) => reply,
            Err(e) => {
                if self.config.verbose {
                    eprintln!("acs: {e}");
                }
                Reply::status(StatusCode::SERVICE_UNAVAILABLE)
            }
        }
    }

    /// The compare-and-set loop of one POST; `Ok(Err(reply))` answers without a write
    /// (authentication, a retry), the key is set for a new session.
    #[allow(clippy::type_complexity)]
    async fn post_shared(
        self: &Arc<Self>,
        store: &Arc<Store>,
        req: &IncomingRequest,
        key: Option<String>,
        peek: Option<&Peek>,
        lock: &mut Option<String>,
    ) -> Result<Result<(Committed, Option<String>), Reply>, StoreError> {
        let mut authenticated = self.config.cpe_credentials.is_none();
        loop {
            let now = SystemTime::now();
            let (stored, device) = match &key {
                Some(k) => store.load_with_device(k).await?,
                None => (None, None),
            };
            let existing = stored.and_then(|s| {
                let running = self.restore(&s.state, device)?;
                Some((s.revision, running))
            });
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
                    if !authenticated {
                        if let Err(reply) = self.authenticate(req) {
                            return Ok(Err(reply));
                        }
                        authenticated = true;
                    }
                    let device = match peek.and_then(|p| p.device_id.as_ref()) {
                        Some(id) if peek.is_some_and(Peek::is_inform) => Some(
                            self.take_device(store, &id.serial_number, lock, now)
                                .await?,
                        ),
                        _ => None,
                    };
                    let mut rng = self.rng.lock().expect("lock");
                    let new_key = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
                    drop(rng);
                    let running = Running {
                        keys: Vec::new(),
                        session: AcsSession::new(self.session_config(), now),
                        serial: None,
                        asked: HashMap::new(),
                        authenticated: true,
                        device,
                        stats: Arc::new(Stats::default()),
                    };
                    (new_key, None, running, true)
                }
            };
            let before = running.session.revision();
            let reply = self.feed(&mut running, req, now);
            if !new && running.session.revision() == before {
                // A retry of the last POST, answered from the state: nothing to write.
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
            if self
                .write(store, &session_key, expected, &running, cr)
                .await?
            {
                let committed = Committed {
                    reply,
                    running,
                    connection_request,
                };
                return Ok(Ok((committed, new.then_some(session_key))));
            }
        }
    }

    /// Takes the device's lock for an Inform, ends its live session if it has one, and returns
    /// its record (a new one for a device seen for the first time).
    async fn take_device(
        self: &Arc<Self>,
        store: &Arc<Store>,
        serial: &str,
        lock: &mut Option<String>,
        now: SystemTime,
    ) -> Result<(String, DeviceRecord), StoreError> {
        let name = format!("device:{serial}");
        if lock.is_none() {
            if !store
                .lock(&name, &self.node_token, DEVICE_LOCK_TTL, DEVICE_LOCK_WAIT)
                .await?
            {
                return Err(StoreError(format!("{serial}: device lock not free")));
            }
            *lock = Some(name);
        }
        let record = |bytes: Option<Vec<u8>>| {
            bytes
                .and_then(|b| serde_json::from_slice::<DeviceRecord>(&b).ok())
                .unwrap_or_else(|| self.new_device_record())
        };
        let d = record(store.device(serial).await?);
        if let Some(previous) = d.session.clone() {
            self.end_session(store, &previous, now).await?;
            return Ok((serial.to_owned(), record(store.device(serial).await?)));
        }
        Ok((serial.to_owned(), d))
    }

    /// Ends a live session (its device walked away from it with a new Inform).
    async fn end_session(
        self: &Arc<Self>,
        store: &Arc<Store>,
        key: &str,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        loop {
            let (stored, device) = store.load_with_device(key).await?;
            let Some(stored) = stored else {
                return Ok(());
            };
            let Some(mut running) = self.restore(&stored.state, device) else {
                return Ok(());
            };
            if running.session.is_ended() {
                return Ok(());
            }
            if self.config.verbose {
                let serial = running.serial.as_deref().unwrap_or("(no Inform)");
                eprintln!("acs: {serial}: session abandoned by a new Inform");
            }
            running.session.abort(now);
            let _ = self.drain(&mut running, now);
            let cr = Self::end_on_device(&mut running);
            if self
                .write(store, key, Some(stored.revision), &running, cr.is_some())
                .await?
            {
                self.committed(store, &running, cr);
                return Ok(());
            }
        }
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

    /// One round of the sweeper, on the node that gets the sweeper's lock: ends the sessions
    /// past their deadline, as the in-process ACS does, with the same events.
    pub(super) async fn sweep(self: &Arc<Self>, store: &Arc<Store>) {
        let now = SystemTime::now();
        match store
            .try_lock("sweeper", &self.node_token, SWEEPER_LOCK_TTL)
            .await
        {
            Ok(true) => {}
            _ => return,
        }
        if let Ok(due) = store.due(now, SWEEP_BATCH).await {
            for key in due {
                if let Err(e) = self.expire_shared(store, &key, now).await {
                    if self.config.verbose {
                        eprintln!("acs: sweeping {key}: {e}");
                    }
                }
            }
        }
        if let Err(e) = self.resend_connection_requests(store, now).await {
            if self.config.verbose {
                eprintln!("acs: connection requests: {e}");
            }
        }
        let _ = store.unlock("sweeper", &self.node_token).await;
    }

    async fn expire_shared(
        self: &Arc<Self>,
        store: &Arc<Store>,
        key: &str,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        loop {
            let (stored, device) = store.load_with_device(key).await?;
            let Some(stored) = stored else {
                return store.forget_deadline(key).await;
            };
            let Some(mut running) = self.restore(&stored.state, device) else {
                return store.forget_deadline(key).await;
            };
            let before = running.session.revision();
            let _ = running.session.handle_input(acs::Input::Timeout(now));
            let _ = self.drain(&mut running, now);
            if running.session.revision() == before {
                // Not due after all (a POST moved its deadline).
                return Ok(());
            }
            let cr = if running.session.is_ended() {
                Self::end_on_device(&mut running)
            } else {
                None
            };
            if self
                .write(store, key, Some(stored.revision), &running, cr.is_some())
                .await?
            {
                self.committed(store, &running, cr);
                return Ok(());
            }
        }
    }

    /// Sends again the Connection Requests whose device has not come since (the node that
    /// sent one may have died before it went out); forgets those of devices that came.
    async fn resend_connection_requests(
        self: &Arc<Self>,
        store: &Arc<Store>,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        let again = Some(now + CONNECTION_REQUEST_RETRY);
        for serial in store.due_connection_requests(now, SWEEP_BATCH).await? {
            let record = store
                .device(&serial)
                .await?
                .and_then(|b| serde_json::from_slice::<DeviceRecord>(&b).ok());
            match record {
                Some(d) if d.policy.wants_connection_request() && !d.in_session => {
                    store.schedule_connection_request(&serial, again).await?;
                    if let Some(url) = d.connection_request_url {
                        self.send_connection_request(store, &serial, url);
                    }
                }
                Some(d) if d.in_session => {
                    store.schedule_connection_request(&serial, again).await?;
                }
                _ => store.schedule_connection_request(&serial, None).await?,
            }
        }
        Ok(())
    }
}

impl super::Acs {
    /// With a shared store: copies the device's record from the store into this node's view
    /// (what [`Acs::progress`](super::Acs::progress) and friends read).
    pub(super) async fn refresh_device(&self, serial: &str) {
        let Some(store) = &self.state.config.store else {
            return;
        };
        if let Ok(Some(bytes)) = store.device(serial).await {
            if let Ok(d) = serde_json::from_slice::<DeviceRecord>(&bytes) {
                self.state
                    .devices
                    .lock()
                    .expect("lock")
                    .insert(serial.to_owned(), d);
            }
        }
    }

    /// With a shared store: copies every device's record from the store into this node's
    /// view, so that [`Acs::progress`](super::Acs::progress) reports the whole fleet, whichever
    /// node served each device. Without a store, nothing to do.
    pub async fn refresh_from_store(&self) -> Result<(), StoreError> {
        let Some(store) = &self.state.config.store else {
            return Ok(());
        };
        let records = store.devices().await?;
        let mut devices = self.state.devices.lock().expect("lock");
        for (serial, bytes) in records {
            if let Ok(d) = serde_json::from_slice::<DeviceRecord>(&bytes) {
                devices.insert(serial, d);
            }
        }
        Ok(())
    }
}
