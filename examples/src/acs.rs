//! The example ACS server: [`AcsSession`] behind the hyper transport of [`crate::transport`].
//!
//! * Every request is authenticated before any stored session is looked at: it carries a
//!   valid `Authorization` (HTTP digest with replay protection, or Basic if configured; see
//!   [`Authenticator`]), or it arrives on a TCP connection that has authenticated. A session
//!   is bound to the identity that started it, and only a request of that identity reaches it.
//! * Sessions are keyed by a random 128-bit `cwmpsession` cookie the server sets on its first
//!   response, or by the peer address for CPEs that drop cookies ([`SessionKey`]). An Inform
//!   always starts a new session whatever cookie it carries (some CPEs present the previous
//!   session's cookie on their next Inform); it ends an open
//!   session of the same device and identity, and touches nothing else.
//! * With per-device credentials ([`CpeCredentials`]) an Inform whose DeviceId does not
//!   belong to the username is refused with `403`, and no device record is made for it.
//! * Request bodies may be gzip or deflate (answered in the same coding), or refused with
//!   `415` if configured.
//! * Each device follows the [`Provisioning`] policy; when the policy asks for it, the ACS
//!   sends a Connection Request (HTTP GET, answering the CPE's digest challenge).
//! * `GET /firmware.bin` serves the file the scenario's Download points at.
//! * With [`AcsConfig::store`], sessions and device records live in a [`Store`] shared by any
//!   number of ACS nodes (the `shared` module: compare-and-set per POST, a sweeper any node
//!   runs, one session per device); without it (the default), in this process's memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use cwmp_session::acs::{self, EndReason, Event, Output, Route};
use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::digest::{self, Challenge};
use cwmp_session::http::is_empty_body;
use cwmp_session::{AcsSession, Reply as RpcReply, RpcHandle};
use cwmp_types::{
    EventCode, FaultCode, Inform, KickedResponse, Request, Response, TransferCompleteResponse,
};
use hyper::header::{
    ALLOW, AUTHORIZATION, CONTENT_ENCODING, HeaderValue, SET_COOKIE, WWW_AUTHENTICATE,
};
use hyper::{Method, StatusCode, Uri};
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::acs_sessions::{Running, Sessions};
use crate::credentials::{Authenticator, CpeCredentials, Refusal};
use crate::http::{ContentCoding, SESSION_COOKIE, SessionKey, hex, os_random};
use crate::limits::Limits;
use crate::natcr::{self, Delivery, Targets};
use crate::policy::{Provisioning, Stage};
use crate::store::{Store, StoreError};
use crate::support::{Stats, log_text};
use crate::transport::{self, Gate, Handler, IncomingRequest, Reply, RequestHead, ServerOptions};
use crate::xmpp::{AcsXmpp, XmppAccount};

#[path = "acs_cache.rs"]
mod cache;
#[path = "acs_events.rs"]
mod events;
#[path = "acs_record.rs"]
mod record;
#[path = "acs_shared.rs"]
mod shared;

/// The realm of the ACS's challenges.
const REALM: &str = "cwmp-rs ACS";
/// How long a digest nonce of the ACS is valid.
const NONCE_LIFETIME_SECS: u64 = 300;

/// Longest a Connection Request (both GETs) may take.
pub(crate) const CONNECTION_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Problems kept per device record.
const MAX_PROBLEMS: usize = 32;
/// Longest ConnectionRequestURL kept (TR-069 Table: string(256)).
const MAX_URL: usize = 256;
/// The file served at `/firmware.bin` (what the scenario's Download fetches).
pub const FIRMWARE: &[u8] = &[0x5a; 1024];

/// ACS settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AcsConfig {
    /// Credentials CPEs must present (HTTP digest); `None` accepts every CPE.
    pub cpe_credentials: Option<CpeCredentials>,
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
    /// What the HTTP server allows a peer.
    pub limits: Limits,
    /// Device records kept at most: an Inform of a further device gets `503`.
    pub max_devices: usize,
    /// Sessions open at once at most: a further Inform gets `503`.
    pub max_sessions: usize,
    /// The ACS's own XMPP account, for Connection Requests to devices that publish a JID.
    pub xmpp: Option<XmppAccount>,
    /// Keep sessions and device records in this store, shared with other ACS nodes (set it
    /// with [`AcsConfig::use_store`]); `None` keeps them in this process.
    pub store: Option<Arc<Store>>,
    /// The secret of the digest nonces, the same on every node of a cluster (a CPE's
    /// authenticated resend may reach another node than its challenge); `None`: a random one
    /// of this node.
    pub nonce_secret: Option<[u8; 32]>,
    /// The wake-ups of [`Acs::wait_for`], shared by the nodes of one process (a node that
    /// writes a device's record wakes the waiter on another node at once, instead of at its
    /// next poll of the store); `None`: this node's own.
    pub progress_signals: Option<Arc<ProgressSignals>>,
    /// The HTTP status of responses carrying a SOAP Fault (200 by default, as deployed ACSs
    /// send them; 500 as the SOAP 1.1 HTTP binding does).
    pub fault_status: acs::FaultStatus,
}

/// The per-device wake-ups of [`Acs::wait_for`]; see [`AcsConfig::progress_signals`].
#[derive(Debug, Default)]
pub struct ProgressSignals(Mutex<HashMap<String, Arc<Notify>>>);

impl AcsConfig {
    /// Keeps sessions and device records in `store`, and takes the cluster's nonce secret
    /// from it ([`Store::shared_secret`]: the first node's random candidate wins).
    pub async fn use_store(&mut self, store: Arc<Store>) -> Result<(), StoreError> {
        self.nonce_secret = Some(store.shared_secret(os_random()).await?);
        self.store = Some(store);
        Ok(())
    }
}

impl Default for AcsConfig {
    fn default() -> Self {
        Self {
            cpe_credentials: Some(CpeCredentials::shared(Credentials::new(
                "cpe",
                "cpe-secret",
            ))),
            connection_request_credentials: Credentials::new("acs", "acs-secret"),
            periodic_interval: 3600,
            session_timeout: Duration::from_secs(30),
            verbose: false,
            public_base_url: None,
            refuse_compressed: false,
            download_delay_seconds: 0,
            basic_auth: false,
            limits: Limits::default(),
            max_devices: 100_000,
            max_sessions: 10_000,
            xmpp: None,
            store: None,
            nonce_secret: None,
            progress_signals: None,
            fault_status: acs::FaultStatus::default(),
        }
    }
}

/// What the ACS knows about one device.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct DeviceRecord {
    policy: Provisioning,
    connection_request_url: Option<String>,
    connection_request_sent: bool,
    /// Its JID and UDP address for Connection Requests behind NAT.
    targets: Targets,
    /// A session of this device is open.
    in_session: bool,
    /// With a shared store: the key of the device's live session.
    #[serde(default)]
    session: Option<String>,
    /// With a shared store: the digest nonces its recent Informs used, with the highest `nc`
    /// and when (unix seconds), so that an Inform replayed to any node is refused.
    #[serde(default)]
    inform_nonces: Vec<(String, u32, u64)>,
}

/// The server state shared by every connection.
#[derive(Debug)]
struct State {
    config: AcsConfig,
    base_url: String,
    sessions: Mutex<Sessions>,
    devices: Mutex<HashMap<String, DeviceRecord>>,
    auth: Authenticator,
    /// Devices that completed the scenario, and problems recorded (for [`Acs::summary`]).
    done: AtomicUsize,
    problem_count: AtomicUsize,
    stats: Arc<Stats>,
    /// With a shared store: the sessions this node wrote last, for their next POST.
    shared_cache: Mutex<HashMap<String, cache::Cached>>,
    /// With a shared store: the length of the last session state this node wrote, to size
    /// the next one's buffer.
    state_len: AtomicUsize,
    /// Requests this node answered (past the gate).
    answered: std::sync::atomic::AtomicU64,
    /// Signalled whenever a device completes the scenario or fails.
    progress: Notify,
    /// Per-device signals for [`Acs::wait_for`]: only the waiter of that device wakes.
    watchers: Arc<ProgressSignals>,
    /// The ACS's XMPP connection, when it has an account.
    xmpp: Option<AcsXmpp>,
    /// Every Inform's serial number and events, for [`Acs::informs`].
    informs: tokio::sync::broadcast::Sender<(String, Vec<EventCode>)>,
    /// With a shared store: this node's token for locks, and the sessions of CPEs that drop
    /// cookies, by their connection (a connection stays on one node).
    node_token: String,
    peers: Mutex<HashMap<std::net::SocketAddr, (std::sync::Weak<transport::Connection>, String)>>,
}

/// A running ACS: its address, statistics and per-device state.
#[derive(Debug, Clone)]
pub struct Acs {
    state: Arc<State>,
}

impl Acs {
    /// Starts the ACS on `listener` (its CWMP URL is `http://ADDR/cwmp`), with a task that
    /// feeds session timeouts.
    pub fn start(listener: TcpListener, config: AcsConfig, stats: Arc<Stats>) -> Self {
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        let xmpp = config.xmpp.as_ref().and_then(|account| {
            AcsXmpp::start(account)
                .inspect_err(|e| eprintln!("acs: XMPP account {}: {e}", account.jid))
                .ok()
        });
        let state = Arc::new(State {
            xmpp,
            informs: tokio::sync::broadcast::channel(1024).0,
            base_url: config
                .public_base_url
                .clone()
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| format!("http://{addr}")),
            auth: match config.nonce_secret {
                Some(secret) => Authenticator::with_secret(
                    REALM,
                    NONCE_LIFETIME_SECS,
                    config.basic_auth,
                    secret,
                ),
                None => Authenticator::new(REALM, NONCE_LIFETIME_SECS, config.basic_auth),
            },
            node_token: hex(&os_random::<16>()),
            peers: Mutex::new(HashMap::new()),
            done: AtomicUsize::new(0),
            problem_count: AtomicUsize::new(0),
            sessions: Mutex::new(Sessions::default()),
            devices: Mutex::new(HashMap::new()),
            stats,
            answered: std::sync::atomic::AtomicU64::new(0),
            shared_cache: Mutex::new(HashMap::new()),
            state_len: AtomicUsize::new(0),
            progress: Notify::new(),
            watchers: config.progress_signals.clone().unwrap_or_default(),
            config,
        });
        let s = state.clone();
        let handler: Handler = Arc::new(move |req| {
            let s = s.clone();
            Box::pin(async move {
                s.answered.fetch_add(1, Ordering::Relaxed);
                match s.config.store.clone() {
                    Some(store) => s.handle_shared(&store, req).await,
                    None => s.handle(req),
                }
            })
        });
        let s = state.clone();
        let gate: Gate = Arc::new(move |head: &RequestHead<'_>| s.admit(head));
        let options = ServerOptions::new(state.config.limits.clone()).with_gate(gate);
        tokio::spawn(transport::serve_with(listener, options, handler));
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

    /// Devices seen, devices done and problems recorded, from counters (cheap to call often).
    pub fn summary(&self) -> (usize, usize, usize) {
        let devices = self.state.devices.lock().expect("lock").len();
        (
            devices,
            self.state.done.load(Ordering::Relaxed),
            self.state.problem_count.load(Ordering::Relaxed),
        )
    }

    /// Devices seen, devices done, and the problems recorded (by serial number): walks every
    /// record (see [`Acs::summary`] for the counts alone).
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
            .0
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
        self.state.watchers.0.lock().expect("lock").remove(serial);
        done
    }

    /// Waits until some device makes progress (or a second passes).
    pub async fn changed(&self) {
        let _ = tokio::time::timeout(Duration::from_secs(1), self.state.progress.notified()).await;
    }

    /// Sends a Connection Request to a device now, by the path its last Inform allows: XMPP
    /// when it published a JID (and this ACS has an XMPP account), else UDP, else HTTP.
    pub async fn connection_request(&self, serial: &str) -> Result<Delivery, String> {
        let targets = {
            let devices = self.state.devices.lock().expect("lock");
            let d = devices.get(serial).ok_or("unknown device")?;
            d.connection_request_targets()
        };
        self.state.send_connection_request(serial, &targets).await
    }

    /// Every Inform from now on: the device's serial number and the events it carries (a
    /// receiver that falls more than 1,024 Informs behind loses the oldest).
    pub fn informs(&self) -> tokio::sync::broadcast::Receiver<(String, Vec<EventCode>)> {
        self.state.informs.subscribe()
    }

    /// Sessions currently open.
    pub fn open_sessions(&self) -> usize {
        self.state.sessions.lock().expect("lock").by_id.len()
    }

    /// Requests this node answered (those the gate let through).
    pub fn requests_answered(&self) -> u64 {
        self.state.answered.load(Ordering::Relaxed)
    }

    /// Most sessions open at once so far (counted whenever a session is stored between two
    /// POSTs of its CPE).
    pub fn peak_open_sessions(&self) -> usize {
        self.state.sessions.lock().expect("lock").peak
    }
}

impl DeviceRecord {
    fn connection_request_targets(&self) -> Targets {
        let mut targets = self.targets.clone();
        targets.url = self.connection_request_url.clone();
        targets
    }
}

impl State {
    fn challenge(&self, stale: bool) -> Reply {
        Reply::status(StatusCode::UNAUTHORIZED).with_header(
            WWW_AUTHENTICATE,
            HeaderValue::from_str(&self.auth.challenge(stale))
                .expect("a challenge is a valid header value"),
        )
    }

    /// Admits a request from its head: the firmware file to anyone, POSTs to authenticated
    /// CPEs (a valid `Authorization`, or a connection that has authenticated). Returns the
    /// identity; nothing of the body has been read yet.
    fn admit(&self, head: &RequestHead<'_>) -> Result<Option<String>, Reply> {
        let parts = head.parts;
        if parts.method == Method::GET && parts.uri.path() == "/firmware.bin" {
            return Ok(None);
        }
        if parts.method != Method::POST {
            return Err(Reply::status(StatusCode::METHOD_NOT_ALLOWED)
                .with_header(ALLOW, HeaderValue::from_static("POST, GET")));
        }
        if self.config.refuse_compressed
            && parts
                .headers
                .get(CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    ContentCoding::from_header(Some(v)) != Some(ContentCoding::Identity)
                })
        {
            return Err(Reply::status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        let Some(creds) = &self.config.cpe_credentials else {
            return Ok(None);
        };
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            // A connection that authenticated carries its identity to its next requests.
            return match head.connection.identity() {
                Some(identity) => Ok(Some(identity)),
                None => Err(self.challenge(false)),
            };
        };
        let header = header.to_str().map_err(|_| self.challenge(false))?;
        let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        match self
            .auth
            .verify(header, "POST", target, |user| creds.password_of(user))
        {
            Ok(user) => {
                head.connection.set_identity(Some(user.clone()));
                Ok(Some(user))
            }
            // Some CPEs repeat the same Authorization on every POST of a session: accepted on
            // the connection that authenticated as that user, a replay anywhere else.
            Err(Refusal::Replayed(user)) if head.connection.identity().as_ref() == Some(&user) => {
                Ok(Some(user))
            }
            Err(Refusal::Stale) => Err(self.challenge(true)),
            Err(Refusal::Challenge | Refusal::Replayed(_)) => Err(self.challenge(false)),
        }
    }

    /// The library config of this node's sessions (given again when a stored one is
    /// restored).
    fn session_config(&self) -> acs::Config {
        let mut config = acs::Config::default();
        config.session_timeout = self.config.session_timeout;
        config.auto_answer_cpe_requests = true;
        config.fault_status = self.config.fault_status;
        config
    }

    /// One HTTP request, admitted by [`State::admit`].
    fn handle(self: &Arc<Self>, req: IncomingRequest) -> Reply {
        if req.method == Method::GET && req.uri.path() == "/firmware.bin" {
            return Reply::ok(Bytes::from_static(FIRMWARE));
        }
        let now = SystemTime::now();
        // A request continues the session its cookie or connection finds, if that session
        // belongs to the same identity, except an Inform that is not a retry of the session's
        // last POST (`acs::Route`, from a peek of the body): it starts a new session (some
        // CPEs present the previous session's cookie, or reuse its connection), and the one
        // found stays as it is (ended by `abandon_previous` if it is the same device's).
        let peek = (!is_empty_body(&req.body))
            .then(|| cwmp_soap::peek(&req.body).ok())
            .flatten();
        let mut existing =
            self.sessions
                .lock()
                .expect("lock")
                .take(&req.key, req.peer, &req.identity);
        if let Some(found) =
            existing.take_if(|r| r.session.route(&req.body, peek.as_ref()) != Route::Continue)
        {
            self.sessions.lock().expect("lock").put(found);
        }
        let mut running = match existing {
            Some(r) => r,
            None => {
                if self.sessions.lock().expect("lock").by_id.len() >= self.config.max_sessions {
                    return Reply::status(StatusCode::SERVICE_UNAVAILABLE);
                }
                let config = self.session_config();
                let id = {
                    let mut sessions = self.sessions.lock().expect("lock");
                    sessions.next_id += 1;
                    sessions.next_id
                };
                Running {
                    id,
                    keys: vec![SessionKey::Peer(req.peer)],
                    identity: req.identity.clone(),
                    cookie: None,
                    session: AcsSession::new(config, now),
                    serial: None,
                    asked: HashMap::new(),
                    refused: None,
                    device: None,
                    stats: self.stats.clone(),
                }
            }
        };
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
        if let Some(status) = running.refused {
            // Nothing is kept of a refused session.
            self.sessions.lock().expect("lock").forget(&running);
            return Reply::status(status);
        }
        if running.session.is_ended() {
            self.sessions.lock().expect("lock").forget(&running);
            self.finished(&running);
            return reply;
        }
        if running.cookie.is_none() {
            // First response of the session: set a cookie no one can guess. A CPE that drops
            // it is still found by its connection's address.
            let cookie = hex(&os_random::<16>());
            reply = reply.with_header(
                SET_COOKIE,
                HeaderValue::from_str(&format!("{SESSION_COOKIE}={cookie}; Path=/; HttpOnly"))
                    .expect("a cookie is a valid header value"),
            );
            running.keys.push(SessionKey::Cookie(cookie.clone()));
            running.cookie = Some(cookie);
        }
        let peer = SessionKey::Peer(req.peer);
        if !running.keys.contains(&peer) {
            running.keys.push(peer);
        }
        self.sessions.lock().expect("lock").put(running);
        reply
    }
}

/// Sends a Connection Request: a GET, then the same GET with digest credentials when the CPE
/// challenges. Succeeds on 200 or 204.
pub async fn connection_request(
    url: &str,
    credentials: &Credentials,
    random: &[u8],
) -> Result<(), String> {
    let uri: Uri = url.parse().map_err(|e| format!("{url:?}: {e}"))?;
    // The GET with credentials goes on the connection that got the 401, if the CPE keeps it.
    let mut client = transport::GetClient::default();
    let (status, headers) = client.get(&uri, None).await.map_err(|e| e.to_string())?;
    let status = if status == StatusCode::UNAUTHORIZED {
        let challenge = headers
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| Challenge::parse(v).ok())
            .ok_or("401 without a usable digest challenge")?;
        let cnonce = hex(random);
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let auth = digest::authorization(&challenge, credentials, "GET", path, &cnonce, 1);
        client
            .get(&uri, Some(&auth))
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
