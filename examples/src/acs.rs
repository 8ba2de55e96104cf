//! The example ACS server: [`AcsSession`] behind the hyper transport of [`crate::transport`].
//!
//! * Sessions are keyed by the `cwmpsession` cookie the server sets on its first response,
//!   or by the peer address for CPEs that drop cookies ([`SessionKey`]). An Inform always
//!   starts a new session, whatever cookie it carries (some CPEs present the previous
//!   session's cookie on their next Inform).
//! * CPEs authenticate with HTTP digest (stateless HMAC nonces of
//!   [`cwmp_session::connreq::digest::NonceIssuer`]), or Basic if configured, on the first
//!   POST of a session.
//! * Request bodies may be gzip or deflate (answered in the same coding), or refused with
//!   `415` if configured.
//! * Each device follows the [`Provisioning`] policy; when the policy asks for it, the ACS
//!   sends a Connection Request (HTTP GET, answering the CPE's digest challenge).
//! * `GET /firmware.bin` serves the file the scenario's Download points at.
//! * With [`AcsConfig::store`], sessions and device records live in a [`Store`] shared by any
//!   number of ACS nodes (see the `shared` module: compare-and-set per POST, a sweeper any
//!   node runs, one session per device); without it, in this process's memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use cwmp_session::acs::{self, EndReason, Event, Output};
use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::basic;
use cwmp_session::connreq::digest::{self, Algorithm, Challenge, NonceIssuer, VerifyError};
use cwmp_session::{AcsSession, Reply as RpcReply, RpcHandle};
use cwmp_types::{FaultCode, Inform, KickedResponse, Request, Response, TransferCompleteResponse};
use hyper::header::{AUTHORIZATION, HeaderValue, SET_COOKIE, WWW_AUTHENTICATE};
use hyper::{Method, StatusCode, Uri};
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::http::{ContentCoding, SESSION_COOKIE, SessionKey, SplitMix64};
use crate::policy::{Provisioning, Stage};
use crate::store::Store;
use crate::support::Stats;
use crate::transport::{self, Handler, IncomingRequest, Reply};

#[path = "acs_shared.rs"]
mod shared;

/// The realm of the ACS's challenges.
const REALM: &str = "cwmp-rs ACS";

/// The file served at `/firmware.bin` (what the scenario's Download fetches).
pub const FIRMWARE: &[u8] = &[0x5a; 1024];

/// ACS settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AcsConfig {
    /// Credentials CPEs must present (HTTP digest); `None` accepts every CPE.
    pub cpe_credentials: Option<Credentials>,
    /// Credentials for Connection Requests to CPEs.
    pub connection_request_credentials: Credentials,
    /// PeriodicInformInterval the policy sets (seconds).
    pub periodic_interval: u32,
    /// How long a session may wait for the CPE's next POST.
    pub session_timeout: Duration,
    /// Print every diagnostic (quirks, violations) and session end on stderr.
    pub verbose: bool,
    /// The base URL CPEs reach the server at (`http://host:port`), for the firmware URL of
    /// the Download; by default `http://` and the listener's address.
    pub public_base_url: Option<String>,
    /// Answer compressed request bodies with 415, as ACSs without gzip support do (CPEs
    /// then fall back to plain bodies).
    pub refuse_compressed: bool,
    /// DelaySeconds of the scenario's Download.
    pub download_delay_seconds: u32,
    /// Challenge CPEs with HTTP Basic instead of digest (what ACSs do behind HTTPS).
    pub basic_auth: bool,
    /// Keep sessions and device records in this store, shared with other ACS nodes; `None`
    /// keeps them in this process.
    pub store: Option<Arc<Store>>,
    /// The secret of the digest nonces, the same on every node of a cluster (a CPE's
    /// authenticated resend may reach another node than its challenge): see
    /// [`Store::shared_secret`]. `None`: a random one of this node.
    pub nonce_secret: Option<[u8; 32]>,
}

impl Default for AcsConfig {
    fn default() -> Self {
        Self {
            cpe_credentials: Some(Credentials::new("cpe", "cpe-secret")),
            connection_request_credentials: Credentials::new("acs", "acs-secret"),
            periodic_interval: 3600,
            session_timeout: Duration::from_secs(30),
            verbose: false,
            public_base_url: None,
            refuse_compressed: false,
            download_delay_seconds: 0,
            basic_auth: false,
            store: None,
            nonce_secret: None,
        }
    }
}

/// What the ACS knows about one device.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct DeviceRecord {
    policy: Provisioning,
    connection_request_url: Option<String>,
    connection_request_sent: bool,
    /// A session of this device is open.
    in_session: bool,
    /// With a shared store: the key of the device's live session.
    #[serde(default)]
    session: Option<String>,
}

/// One running CWMP session.
#[derive(Debug)]
struct Running {
    /// The keys that find it (its cookie, and the peer address it started from).
    keys: Vec<SessionKey>,
    session: AcsSession,
    serial: Option<String>,
    /// Queued requests by handle, to pair answers with what was asked.
    asked: HashMap<RpcHandle, Request>,
    /// Authenticated (or no authentication configured).
    authenticated: bool,
    /// With a shared store: the device's record, loaded with the session and written back
    /// with it.
    device: Option<(String, DeviceRecord)>,
    /// Where the session's counts go (with a shared store, added to the ACS's once written).
    stats: Arc<Stats>,
}

/// Open sessions, and the keys (cookie, peer address) that find them.
#[derive(Debug, Default)]
struct Sessions {
    by_id: HashMap<u64, Running>,
    keys: HashMap<SessionKey, u64>,
    next_id: u64,
    /// Most sessions stored at once (sessions between two POSTs of their CPE).
    peak: usize,
}

impl Sessions {
    fn take(&mut self, key: &SessionKey) -> Option<(u64, Running)> {
        let id = *self.keys.get(key)?;
        self.by_id.remove(&id).map(|r| (id, r))
    }

    fn put(&mut self, id: u64, running: Running) {
        for k in &running.keys {
            self.keys.insert(k.clone(), id);
        }
        self.by_id.insert(id, running);
        self.peak = self.peak.max(self.by_id.len());
    }

    fn forget(&mut self, running: &Running) {
        for k in &running.keys {
            self.keys.remove(k);
        }
    }
}

/// The server state shared by every connection.
#[derive(Debug)]
struct State {
    config: AcsConfig,
    base_url: String,
    sessions: Mutex<Sessions>,
    devices: Mutex<HashMap<String, DeviceRecord>>,
    issuer: NonceIssuer,
    rng: Mutex<SplitMix64>,
    stats: Arc<Stats>,
    /// Signalled whenever a device completes the scenario or fails.
    progress: Notify,
    /// Per-device signals for [`Acs::wait_for`]: only the waiter of that device wakes.
    watchers: Mutex<HashMap<String, Arc<Notify>>>,
    /// With a shared store: this node's token for locks, and the sessions of CPEs that drop
    /// cookies, by their connection (a connection stays on one node).
    node_token: String,
    peers: Mutex<HashMap<std::net::SocketAddr, String>>,
}

/// A running ACS: its address, statistics and per-device state.
#[derive(Debug, Clone)]
pub struct Acs {
    state: Arc<State>,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Acs {
    /// Starts the ACS on `listener` (its CWMP URL is `http://ADDR/cwmp`), with a task that
    /// feeds session timeouts.
    pub fn start(listener: TcpListener, config: AcsConfig, stats: Arc<Stats>) -> Self {
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        let mut seed = [0u8; 32];
        let mut rng = SplitMix64::new(unix_now() ^ u64::from(addr.port()) << 32);
        for chunk in seed.chunks_mut(8) {
            chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
        }
        if let Some(secret) = config.nonce_secret {
            // Every node of a cluster verifies the nonces of the others.
            seed = secret;
        }
        let node_token = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
        let state = Arc::new(State {
            base_url: config
                .public_base_url
                .clone()
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| format!("http://{addr}")),
            issuer: NonceIssuer::new(&seed, REALM, Algorithm::Md5, 300),
            rng: Mutex::new(rng),
            sessions: Mutex::new(Sessions::default()),
            devices: Mutex::new(HashMap::new()),
            config,
            stats,
            progress: Notify::new(),
            watchers: Mutex::new(HashMap::new()),
            node_token,
            peers: Mutex::new(HashMap::new()),
        });
        let s = state.clone();
        let handler: Handler = Arc::new(move |req| {
            let s = s.clone();
            Box::pin(async move {
                match s.config.store.clone() {
                    Some(store) => s.handle_shared(&store, req).await,
                    None => s.handle(req),
                }
            })
        });
        tokio::spawn(transport::serve(listener, handler));
        let s = state.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                match s.config.store.clone() {
                    Some(store) => s.sweep(&store).await,
                    None => s.expire(),
                }
            }
        });
        Self { state }
    }

    /// The URL CPEs post to.
    pub fn url(&self) -> String {
        format!("{}/cwmp", self.state.base_url)
    }

    /// The URL of the firmware file.
    pub fn firmware_url(&self) -> String {
        format!("{}/firmware.bin", self.state.base_url)
    }

    /// Devices seen, devices done, and the problems recorded (by serial number).
    pub fn progress(&self) -> (usize, usize, Vec<(String, String)>) {
        let devices = self.state.devices.lock().expect("lock");
        let done = devices
            .values()
            .filter(|d| d.policy.stage == Stage::Done)
            .count();
        let problems = devices
            .iter()
            .flat_map(|(s, d)| {
                d.policy
                    .problems
                    .iter()
                    .map(move |p| (s.clone(), p.clone()))
            })
            .collect();
        (devices.len(), done, problems)
    }

    /// The scenario stage of a device.
    pub fn stage(&self, serial: &str) -> Option<Stage> {
        let devices = self.state.devices.lock().expect("lock");
        devices.get(serial).map(|d| d.policy.stage)
    }

    /// Whether a device has completed the scenario and its last session is over.
    pub fn completed(&self, serial: &str) -> bool {
        let devices = self.state.devices.lock().expect("lock");
        devices
            .get(serial)
            .is_some_and(|d| d.policy.stage == Stage::Done && !d.in_session)
    }

    /// Waits until the device has completed the scenario (`true`), a session of it ended
    /// with problems recorded, or `timeout` passed (`false`).
    pub async fn wait_for(&self, serial: &str, timeout: Duration) -> bool {
        let notify = self
            .state
            .watchers
            .lock()
            .expect("lock")
            .entry(serial.to_owned())
            .or_insert_with(|| Arc::new(Notify::new()))
            .clone();
        let deadline = tokio::time::Instant::now() + timeout;
        let done = loop {
            let notified = notify.notified();
            tokio::pin!(notified);
            // Registered before the state is checked: a signal in between is not lost.
            notified.as_mut().enable();
            // With a shared store, the device's last session may have been on another node.
            self.refresh_device(serial).await;
            let (done, failed) = {
                let devices = self.state.devices.lock().expect("lock");
                devices.get(serial).map_or((false, false), |d| {
                    (
                        d.policy.stage == Stage::Done && !d.in_session,
                        !d.policy.problems.is_empty() && !d.in_session,
                    )
                })
            };
            if done || failed {
                break done;
            }
            let wake = match &self.state.config.store {
                Some(_) => deadline.min(tokio::time::Instant::now() + Duration::from_millis(250)),
                None => deadline,
            };
            if tokio::time::timeout_at(wake, notified).await.is_err()
                && tokio::time::Instant::now() >= deadline
            {
                break false;
            }
        };
        self.state.watchers.lock().expect("lock").remove(serial);
        done
    }

    /// Waits until some device makes progress (or a second passes).
    pub async fn changed(&self) {
        let _ = tokio::time::timeout(Duration::from_secs(1), self.state.progress.notified()).await;
    }

    /// Sessions currently open.
    pub fn open_sessions(&self) -> usize {
        self.state.sessions.lock().expect("lock").by_id.len()
    }

    /// Most sessions open at once so far (counted whenever a session is stored between two
    /// POSTs of its CPE).
    pub fn peak_open_sessions(&self) -> usize {
        self.state.sessions.lock().expect("lock").peak
    }
}

impl State {
    fn random(&self) -> [u8; 8] {
        self.rng.lock().expect("lock").next_u64().to_le_bytes()
    }

    fn challenge(&self, stale: bool) -> Reply {
        let value = if self.config.basic_auth {
            basic::challenge(REALM)
        } else {
            self.issuer.challenge(unix_now(), &self.random(), stale)
        };
        Reply::status(StatusCode::UNAUTHORIZED).with_header(
            WWW_AUTHENTICATE,
            HeaderValue::from_str(&value).expect("a challenge is a valid header value"),
        )
    }

    /// The answer to a request that is not a CWMP POST (the firmware file, other methods), or
    /// to a compressed one when those are refused.
    fn precheck(&self, req: &IncomingRequest) -> Option<Reply> {
        if req.method == Method::GET && req.uri.path() == "/firmware.bin" {
            return Some(Reply::ok(Bytes::from_static(FIRMWARE)));
        }
        if req.method != Method::POST {
            return Some(Reply::status(StatusCode::METHOD_NOT_ALLOWED));
        }
        if self.config.refuse_compressed && req.coding != ContentCoding::Identity {
            return Some(Reply::status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        None
    }

    /// One HTTP request.
    fn handle(self: &Arc<Self>, req: IncomingRequest) -> Reply {
        if let Some(reply) = self.precheck(&req) {
            return reply;
        }
        let now = SystemTime::now();
        let mut existing = self.sessions.lock().expect("lock").take(&req.key);
        if let Some((_, old)) = existing.take_if(|_| carries_inform(&req.body)) {
            // An Inform always starts a new session (some CPEs present the
            // previous session's cookie, or reuse its connection): the CPE has walked away
            // from the old one.
            self.sessions.lock().expect("lock").forget(&old);
            if self.config.verbose {
                let serial = old.serial.as_deref().unwrap_or("(no Inform)");
                eprintln!("acs: {serial}: session abandoned by a new Inform");
            }
        }
        let (id, mut running, new) = match existing {
            Some((id, r)) => (id, r, false),
            None => {
                let mut config = acs::Config::default();
                config.session_timeout = self.config.session_timeout;
                config.auto_answer_cpe_requests = true;
                let id = {
                    let mut sessions = self.sessions.lock().expect("lock");
                    sessions.next_id += 1;
                    sessions.next_id
                };
                let running = Running {
                    keys: vec![req.key.clone()],
                    session: AcsSession::new(config, now),
                    serial: None,
                    asked: HashMap::new(),
                    authenticated: self.config.cpe_credentials.is_none(),
                    device: None,
                    stats: self.stats.clone(),
                };
                (id, running, true)
            }
        };
        if !running.authenticated {
            if let Err(reply) = self.authenticate(&req) {
                // Nothing is kept for a peer that has not authenticated yet.
                if !new {
                    self.sessions.lock().expect("lock").forget(&running);
                }
                return reply;
            }
            running.authenticated = true;
        }
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
            // Only API misuse errs (a POST while a response is owed): cannot happen here,
            // as every POST is answered before the session is stored again.
            return Reply::status(StatusCode::INTERNAL_SERVER_ERROR);
        }
        let mut reply = self
            .drain(&mut running, now)
            .unwrap_or_else(|| Reply::status(StatusCode::INTERNAL_SERVER_ERROR));
        if running.session.is_ended() {
            self.sessions.lock().expect("lock").forget(&running);
            self.finished(&running);
            return reply;
        }
        if matches!(req.key, SessionKey::Peer(_)) && running.keys.len() == 1 {
            // First response of the session: set the cookie. A CPE that drops it is still
            // found by its connection's address.
            let cookie = format!("{id:016x}");
            reply = reply.with_header(
                SET_COOKIE,
                HeaderValue::from_str(&format!("{SESSION_COOKIE}={cookie}; Path=/; HttpOnly"))
                    .expect("a cookie is a valid header value"),
            );
            running.keys.push(SessionKey::Cookie(cookie));
        } else if !running.keys.contains(&req.key) {
            running.keys.push(req.key.clone());
        }
        self.sessions.lock().expect("lock").put(id, running);
        reply
    }

    fn authenticate(&self, req: &IncomingRequest) -> Result<(), Reply> {
        let Some(creds) = &self.config.cpe_credentials else {
            return Ok(());
        };
        let Some(header) = req.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
            return Err(self.challenge(false));
        };
        if self.config.basic_auth {
            return basic::verify(header, creds).map_err(|_| self.challenge(false));
        }
        match self
            .issuer
            .verify(header, "POST", req.uri.path(), unix_now(), |user| {
                (user == creds.username).then(|| creds.password.clone())
            }) {
            Ok(_) => Ok(()),
            Err(VerifyError::Stale) => Err(self.challenge(true)),
            Err(_) => Err(self.challenge(false)),
        }
    }

    /// Handles every output of a session; returns the HTTP reply it produced.
    fn drain(self: &Arc<Self>, running: &mut Running, now: SystemTime) -> Option<Reply> {
        let mut reply = None;
        while let Some(output) = running.session.poll_output() {
            match output {
                Output::SendHttp(r) => {
                    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
                    reply = Some(Reply {
                        status,
                        body: r.body,
                        headers: Vec::new(),
                    });
                }
                Output::Event(event) => self.on_event(running, event, now),
                _ => {}
            }
        }
        reply
    }

    fn on_event(self: &Arc<Self>, running: &mut Running, event: Event, now: SystemTime) {
        match event {
            Event::Inform { inform, .. } => {
                let serial = inform.device_id.serial_number.clone();
                if self.config.verbose {
                    let events: Vec<_> =
                        inform.event.iter().map(|e| e.event_code.as_str()).collect();
                    eprintln!("acs: {serial}: Inform [{}]", events.join(", "));
                }
                let begin = |record: &mut DeviceRecord| {
                    record.in_session = true;
                    if let Some(url) = connection_request_url(&inform) {
                        record.connection_request_url = Some(url);
                    }
                    record.policy.on_inform(&inform)
                };
                let requests = match &mut running.device {
                    // With a shared store, the record loaded for the serial number the POST
                    // was routed by; another one in the Inform is refused.
                    Some((s, record)) if *s == serial => begin(record),
                    Some(_) => {
                        running.session.abort(now);
                        Vec::new()
                    }
                    None => {
                        let mut devices = self.devices.lock().expect("lock");
                        let record = devices
                            .entry(serial.clone())
                            .or_insert_with(|| self.new_device_record());
                        begin(record)
                    }
                };
                running.serial = Some(serial);
                self.queue(running, requests, now);
                self.progress.notify_waiters();
            }
            Event::CpeRequest {
                handle,
                request,
                answered,
            } => {
                Stats::bump(&running.stats.rpcs);
                let follow_ups = match &request {
                    Request::TransferComplete(tc) => self
                        .with_device(running, |d| d.policy.on_transfer_complete(tc))
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                if !answered {
                    let reply = match &request {
                        Request::Kicked(_) => {
                            RpcReply::Response(KickedResponse::new(self.base_url.clone()).into())
                        }
                        Request::TransferComplete(_) => {
                            RpcReply::Response(TransferCompleteResponse::default().into())
                        }
                        _ => RpcReply::fault(FaultCode::MethodNotSupported),
                    };
                    let _ = running.session.respond(now, handle, reply);
                }
                self.queue(running, follow_ups, now);
            }
            Event::RpcResponse { handle, response } => {
                Stats::bump(&running.stats.rpcs);
                self.answered(running, handle, Ok(&response), now);
            }
            Event::RpcFault { handle, fault } => {
                Stats::bump(&running.stats.rpcs);
                self.answered(running, handle, Err(&fault), now);
            }
            Event::RpcFailed { handle, reason } => {
                let req = running.asked.remove(&handle);
                self.with_device(running, |d| {
                    d.policy.problems.push(format!(
                        "{} failed: {reason:?}",
                        req.as_ref().map_or("?", Request::method_name)
                    ));
                });
            }
            Event::AwaitingRequests => running.session.finish(now),
            Event::Diagnostic(d) if self.config.verbose => {
                eprintln!(
                    "acs: {:?} {:?}: {} {}",
                    running.serial, d.kind, d.message, d.detail
                );
            }
            Event::SessionEnded(reason) => {
                Stats::bump(&running.stats.sessions);
                if !matches!(reason, EndReason::Completed | EndReason::NoSession) {
                    Stats::bump(&running.stats.failures);
                    self.with_device(running, |d| {
                        d.policy.problems.push(format!("session ended: {reason:?}"));
                    });
                }
                if self.config.verbose {
                    let serial = running.serial.as_deref().unwrap_or("(no Inform)");
                    eprintln!("acs: {serial}: session ended: {reason:?}");
                }
            }
            _ => {}
        }
    }

    /// A record for a device seen for the first time.
    fn new_device_record(&self) -> DeviceRecord {
        let mut policy = Provisioning::new(
            self.config.periodic_interval,
            format!("{}/firmware.bin", self.base_url),
        );
        policy.download_delay_seconds = self.config.download_delay_seconds;
        DeviceRecord {
            policy,
            connection_request_url: None,
            connection_request_sent: false,
            in_session: false,
            session: None,
        }
    }

    fn with_device<T>(
        &self,
        running: &mut Running,
        f: impl FnOnce(&mut DeviceRecord) -> T,
    ) -> Option<T> {
        if let Some((_, record)) = &mut running.device {
            return Some(f(record));
        }
        let serial = running.serial.as_ref()?;
        let mut devices = self.devices.lock().expect("lock");
        devices.get_mut(serial).map(f)
    }

    fn answered(
        &self,
        running: &mut Running,
        handle: RpcHandle,
        answer: Result<&Response, &cwmp_types::Fault>,
        now: SystemTime,
    ) {
        let Some(req) = running.asked.remove(&handle) else {
            return;
        };
        let follow_ups = self
            .with_device(running, |d| d.policy.on_answer(&req, answer))
            .unwrap_or_default();
        self.queue(running, follow_ups, now);
    }

    fn queue(&self, running: &mut Running, requests: Vec<Request>, now: SystemTime) {
        for r in requests {
            match running.session.queue_request(now, r.clone()) {
                Ok(handle) => {
                    running.asked.insert(handle, r);
                }
                Err(e) => {
                    self.with_device(running, |d| {
                        d.policy
                            .problems
                            .push(format!("cannot queue {}: {e}", r.method_name()));
                    });
                }
            }
        }
    }

    /// A session is over: forget it, and send a Connection Request if the policy wants one.
    fn finished(self: &Arc<Self>, running: &Running) {
        let Some(serial) = &running.serial else {
            return;
        };
        let target = {
            let mut devices = self.devices.lock().expect("lock");
            let Some(d) = devices.get_mut(serial) else {
                return;
            };
            d.in_session = false;
            if d.policy.wants_connection_request() && !d.connection_request_sent {
                d.connection_request_sent = true;
                d.connection_request_url.clone()
            } else {
                None
            }
        };
        self.signal(serial);
        if let Some(url) = target {
            let state = self.clone();
            let serial = serial.clone();
            tokio::spawn(async move {
                if let Err(e) = connection_request(
                    &url,
                    &state.config.connection_request_credentials,
                    &state.random(),
                )
                .await
                {
                    Stats::bump(&state.stats.failures);
                    {
                        let mut devices = state.devices.lock().expect("lock");
                        if let Some(d) = devices.get_mut(&serial) {
                            d.policy.problems.push(format!("connection request: {e}"));
                        }
                    }
                    state.signal(&serial);
                }
            });
        }
    }

    /// Wakes whoever waits on this device, and on any progress.
    fn signal(&self, serial: &str) {
        self.progress.notify_waiters();
        if let Some(n) = self.watchers.lock().expect("lock").get(serial) {
            n.notify_one();
        }
    }

    /// Feeds the clock to every session; ends the ones that timed out.
    fn expire(self: &Arc<Self>) {
        let now = SystemTime::now();
        let due: Vec<u64> = {
            let sessions = self.sessions.lock().expect("lock");
            sessions
                .by_id
                .iter()
                .filter(|(_, r)| r.session.poll_timeout().is_some_and(|t| t <= now))
                .map(|(id, _)| *id)
                .collect()
        };
        for id in due {
            let Some(mut running) = self.sessions.lock().expect("lock").by_id.remove(&id) else {
                continue;
            };
            let _ = running.session.handle_input(acs::Input::Timeout(now));
            let _ = self.drain(&mut running, now);
            if running.session.is_ended() {
                self.sessions.lock().expect("lock").forget(&running);
                self.finished(&running);
            } else {
                self.sessions.lock().expect("lock").put(id, running);
            }
        }
    }
}

/// Whether a POST body carries an Inform: an element named `Inform` (any prefix). A cheap
/// look before the session machine decodes the body; a parameter name such as
/// `PeriodicInformInterval` in a response does not match.
fn carries_inform(body: &[u8]) -> bool {
    const NAME: &[u8] = b"Inform";
    body.windows(NAME.len() + 2).any(|w| {
        matches!(w[0], b'<' | b':')
            && &w[1..=NAME.len()] == NAME
            && matches!(
                w[NAME.len() + 1],
                b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n'
            )
    })
}

/// `Device.ManagementServer.ConnectionRequestURL` (or the TR-098 one) from the Inform.
fn connection_request_url(inform: &Inform) -> Option<String> {
    inform
        .parameter_list
        .iter()
        .find(|p| {
            p.name
                .as_str()
                .ends_with("ManagementServer.ConnectionRequestURL")
        })
        .map(|p| p.value.text.clone())
        .filter(|u| !u.is_empty())
}

/// Sends a Connection Request: a GET, then the same GET with digest credentials when the CPE
/// challenges. Succeeds on 200 or 204.
pub async fn connection_request(
    url: &str,
    credentials: &Credentials,
    random: &[u8],
) -> Result<(), String> {
    let uri: Uri = url.parse().map_err(|e| format!("{url:?}: {e}"))?;
    let (status, headers) = transport::get(&uri, None)
        .await
        .map_err(|e| e.to_string())?;
    let status = if status == StatusCode::UNAUTHORIZED {
        let challenge = headers
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| Challenge::parse(v).ok())
            .ok_or("401 without a usable digest challenge")?;
        let cnonce: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let auth = digest::authorization(&challenge, credentials, "GET", path, &cnonce, 1);
        transport::get(&uri, Some(&auth))
            .await
            .map_err(|e| e.to_string())?
            .0
    } else {
        status
    };
    if status == StatusCode::OK || status == StatusCode::NO_CONTENT {
        Ok(())
    } else {
        Err(format!("the CPE answered {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inform_is_recognised_by_its_element_only() {
        assert!(carries_inform(b"<soap:Body><cwmp:Inform><DeviceId>"));
        assert!(carries_inform(
            b"<Body><Inform xmlns=\"urn:dslforum-org:cwmp-1-0\">"
        ));
        assert!(carries_inform(b"<cwmp:Inform\n>"));
        assert!(!carries_inform(b""));
        assert!(!carries_inform(b"<cwmp:InformResponse>"));
        assert!(!carries_inform(
            b"<Name>Device.ManagementServer.PeriodicInformInterval</Name>"
        ));
        assert!(!carries_inform(b"<cwmp:GetParameterValuesResponse>"));
    }
}
