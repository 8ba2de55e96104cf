//! The example CPE agent: [`CpeSession`] driven by a real HTTP client.
//!
//! * HTTP: one connection per session (or one per POST, to mimic CPEs that do that), cookies,
//!   gzip request bodies on demand (plain again after a `415`), digest or Basic authentication
//!   to the ACS after a `401`, redirects (the session machine bounds them).
//! * Time and randomness: the machine's deadlines are slept on with tokio; its retry waits
//!   follow the Session Retry Policy with a per-device seed.
//! * The device: a TR-181 tree from `cwmp-datamodel` ([`Device`]) answers the ACS, and the
//!   ManagementServer parameters the ACS sets take effect through the tree's session glue
//!   (URL, periodic Inform, retry policy, credentials of both directions). Changes the device
//!   makes itself are notified as their Notification attributes say (an active one opens a
//!   `4 VALUE CHANGE` session). Reboot, FactoryReset and Download are carried out after the
//!   session (simulated reboot with the event queue kept in "flash", or in a state file across
//!   restarts of the process; a real, bounded HTTP GET of the file after its DelaySeconds,
//!   its size checked), with their follow-ups (`1 BOOT` + `M Reboot`, `7 TRANSFER COMPLETE` +
//!   TransferComplete).
//! * A Connection Request listener on a random per-device path checks digest credentials
//!   (refusing replays), rate-limits what it accepts, and starts a session with
//!   `6 CONNECTION REQUEST` ([`crlisten`]).
//! * Every exchange with the ACS is bounded by the session's response timeout and a connect
//!   timeout: an ACS that stops answering fails the session (`TransportFailed`), which is
//!   retried as the Session Retry Policy says.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cwmp_datamodel::{DataModel, Effects, ReadOnly, Stored, Value};
use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::basic;
use cwmp_session::cpe::{Config, Deferred, Event, InformArgs, Input, Output, TransportError};
use cwmp_session::http::{IncomingResponse, SendReason};
use cwmp_session::{CpeRequest, CpeSession, EventQueue, Reply, RetryPolicy, TransferKind};
use cwmp_types::{
    DateTime, Download, EventCode, EventStruct, FaultCode, FaultStruct, Request, TransferComplete,
};
use hyper::header::WWW_AUTHENTICATE;
use hyper::{StatusCode, Uri};
use tokio::sync::watch;

use crate::crlisten::{self, ListenOptions};
use crate::device::{Device, DeviceIdentity, describe};
use crate::http::{ContentCoding, SplitMix64, hex, os_random};
use crate::limits::Limits;
use crate::natcr::{NatConfig, NatPaths};
use crate::support::Stats;
use crate::transport::{self, ClientError, SessionClient};

/// CPE agent settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AgentConfig {
    /// The device's serial number.
    pub serial: String,
    /// `ManagementServer.URL`.
    pub acs_url: String,
    /// `ManagementServer.Username/Password`: the session machine answers the ACS's challenges
    /// with them ([`Config::credentials`]).
    pub acs_credentials: Credentials,
    /// Where the Connection Request listener binds (`0.0.0.0:7547` by default).
    pub connection_request_listen: String,
    /// Credentials the ACS must present on a Connection Request.
    pub connection_request_credentials: Credentials,
    /// Send request bodies gzip-compressed.
    pub gzip: bool,
    /// Never return cookies (a quirky CPE; the ACS must find the session by address).
    pub drop_cookies: bool,
    /// Open a new TCP connection for every POST (a quirky CPE; the ACS must find the session
    /// by its cookie). Together with `drop_cookies` no ACS can follow the session.
    pub reconnect_each_post: bool,
    /// ACS nodes (`host:port`) to spread the POSTs over, each to a random node over a
    /// connection kept per node (empty: the ACS URL's host only).
    pub spread_over: Vec<String>,
    /// Session Retry Policy.
    pub retry_policy: RetryPolicy,
    /// Periodic Inform interval until the ACS sets one.
    pub fallback_periodic_interval: Option<Duration>,
    /// How long the simulated reboot takes.
    pub reboot_time: Duration,
    /// Simulate a power loss in the middle of the first Download: the device restarts and
    /// reports the TransferComplete after the boot.
    pub restart_during_download: bool,
    /// Seed for retry jitter, nonces and cnonces.
    pub seed: u64,
    /// Record a transcript of every message.
    pub transcript: bool,
    /// Print every transcript line on stdout as it happens (instead of recording it).
    pub echo: bool,
    /// Where the event queue and the tree's stored part (values, attributes, instance
    /// numbers, changes not yet reported) are persisted (JSON), so that a restart of the agent
    /// process is a reboot of the device: the queue is loaded with `1 BOOT` added, instead of
    /// starting over with `0 BOOTSTRAP`, and the tree keeps what the ACS set. `None` keeps
    /// them in memory only (simulated reboots still keep them).
    pub state_file: Option<std::path::PathBuf>,
    /// The ConnectionRequestURL to report, when the listener's own address is not what the
    /// ACS reaches (behind NAT, or listening on `0.0.0.0`); by default `http://ADDR/cr` of
    /// the listener (with `127.0.0.1` for an unspecified address) and a random path
    /// (`/cr/` and 32 hex digits) that the listener checks.
    pub connection_request_url: Option<String>,
    /// Connection Requests acted on per minute on average (at most 3 in a burst); more are
    /// answered `503`.
    pub connection_request_rate: u32,
    /// What the Connection Request listener's HTTP server allows a peer.
    pub connection_request_limits: Limits,
    /// How long the session waits for each ACS response (the session machine's
    /// `response_timeout`) before the session fails.
    pub response_timeout: Duration,
    /// Longest wait for a TCP connection to the ACS (then the session fails as the
    /// connection could not be made). A response is awaited as long as the session machine's
    /// response timeout allows.
    pub connect_timeout: Duration,
    /// Connection Requests over XMPP or UDP (STUN), and whether the HTTP listener runs.
    pub nat: NatConfig,
}

impl AgentConfig {
    /// Settings for a device with this serial number talking to `acs_url`.
    pub fn new(serial: impl Into<String>, acs_url: impl Into<String>) -> Self {
        let serial = serial.into();
        let seed = serial.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        Self {
            serial,
            acs_url: acs_url.into(),
            acs_credentials: Credentials::new("cpe", "cpe-secret"),
            connection_request_listen: "0.0.0.0:7547".into(),
            connection_request_credentials: Credentials::new("acs", "acs-secret"),
            gzip: false,
            drop_cookies: false,
            reconnect_each_post: false,
            spread_over: Vec::new(),
            retry_policy: RetryPolicy::default(),
            fallback_periodic_interval: Some(Duration::from_secs(15 * 60)),
            reboot_time: Duration::from_millis(50),
            restart_during_download: false,
            seed,
            transcript: false,
            echo: false,
            state_file: None,
            connection_request_url: None,
            connection_request_rate: ListenOptions::default().per_minute,
            connection_request_limits: Limits::default(),
            connect_timeout: Duration::from_secs(10),
            response_timeout: Config::new(
                cwmp_types::DeviceIdStruct::new("", "", "", ""),
                String::new(),
            )
            .response_timeout,
            nat: NatConfig::default(),
        }
    }
}

/// What an agent did.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct AgentReport {
    /// Sessions that ended (successful or not).
    pub sessions: u64,
    /// Sessions that failed.
    pub failed_sessions: u64,
    /// Simulated reboots.
    pub reboots: u64,
    /// TransferCompletes the ACS acknowledged.
    pub transfers_reported: u64,
    /// The transcript (when enabled).
    pub transcript: Vec<String>,
    /// Problems (failed sessions with their reasons, failed downloads, ...).
    pub problems: Vec<String>,
}

/// What survives a (simulated) reboot besides the parameter tree (which the [`Device`]
/// keeps): the device's flash.
#[derive(Debug)]
struct Flash {
    queue: EventQueue,
    /// A Download interrupted by a power loss, resumed after the boot.
    interrupted_download: Option<Download>,
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

struct Agent {
    config: AgentConfig,
    stats: Arc<Stats>,
    client: SessionClient,
    /// The ACS asked for Basic over plain HTTP this session: the session machine answers
    /// Digest, and Basic over `https` only, so the agent adds Basic itself.
    basic: bool,
    rng: SplitMix64,
    report: AgentReport,
    restart_done: bool,
    /// Downloads waiting for their DelaySeconds, earliest first.
    scheduled_downloads: Vec<(Instant, Download)>,
    /// What the Connection Request listener accepts.
    cr_credentials: Arc<std::sync::Mutex<Credentials>>,
    /// The tree's stored part as of the last session's end (persisted with the queue).
    stored: Option<Stored>,
}

/// Runs a CPE agent until `shutdown` becomes `true`.
pub async fn run(
    config: AgentConfig,
    stats: Arc<Stats>,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<AgentReport> {
    // Without the HTTP listener (a device reached over XMPP or UDP only) no port is open and
    // the ConnectionRequestURL is empty.
    let listener = match config.nat.no_http {
        true => None,
        false => Some(
            transport::bind_with_backlog(
                &config.connection_request_listen,
                config.connection_request_limits.backlog,
            )
            .await?,
        ),
    };
    let cr_url = match &listener {
        Some(listener) => {
            let local = listener.local_addr()?;
            let host = if local.ip().is_unspecified() {
                std::net::SocketAddr::new([127, 0, 0, 1].into(), local.port())
            } else {
                local
            };
            config
                .connection_request_url
                .clone()
                .unwrap_or_else(|| format!("http://{host}/cr/{}", hex(&os_random::<16>())))
        }
        None => String::new(),
    };
    let cr_path = cr_url
        .parse::<Uri>()
        .map(|u| u.path().to_owned())
        .unwrap_or_else(|_| "/".to_owned());
    let rng = SplitMix64::new(config.seed);
    // Shared with the agent, which changes them when the ACS sets
    // ManagementServer.ConnectionRequestUsername/Password.
    let cr_credentials = Arc::new(std::sync::Mutex::new(
        config.connection_request_credentials.clone(),
    ));
    let verifier = crlisten::digest_verifier(cr_credentials.clone());
    if config.echo && !cr_url.is_empty() {
        println!("Connection Request URL: {cr_url}");
    }
    let listen_options = ListenOptions {
        path: Some(cr_path),
        per_minute: config.connection_request_rate,
        limits: config.connection_request_limits.clone(),
        ..ListenOptions::default()
    };
    let mut connection_requests =
        listener.map(|l| crlisten::listen_with(l, listen_options, verifier));
    let mut nat = NatPaths::start(&config.nat, cr_credentials.clone()).await?;

    let identity = DeviceIdentity::example(config.serial.clone());
    // The factory settings: what a factory reset goes back to.
    let factory = config.clone();
    let mut device = factory_device(&identity, &factory, &cr_url);
    let (queue, stored) = match &config.state_file {
        Some(path) => load_state(path)?,
        None => (EventQueue::bootstrap(), None),
    };
    let mut restore_warnings = Vec::new();
    if let Some(stored) = &stored {
        restore_warnings = device.model.restore(stored);
    }
    let mut flash = Flash {
        queue,
        interrupted_download: None,
    };
    let mut client = SessionClient::default();
    client.coding = config.gzip.then_some(ContentCoding::Gzip);
    client.drop_cookies = config.drop_cookies;
    client.reconnect_each_post = config.reconnect_each_post;
    client.spread_over = config.spread_over.clone();
    client.connect_timeout = Some(config.connect_timeout);
    let mut agent = Agent {
        client,
        config,
        stats,
        basic: false,
        rng,
        report: AgentReport::default(),
        restart_done: false,
        scheduled_downloads: Vec::new(),
        cr_credentials,
        stored,
    };
    for w in restore_warnings {
        agent.note(format!(
            "     (state file: {} skipped: {})",
            w.path, w.reason
        ));
    }

    // Each turn of this loop is one boot of the device.
    loop {
        // The ManagementServer settings in the tree (the ACS may have changed them) are the
        // ones this boot runs on.
        let ms = device.model.management_server();
        agent.config.acs_credentials = Credentials::new(ms.username, ms.password);
        let cr = Credentials::new(
            ms.connection_request_username,
            ms.connection_request_password,
        );
        agent.config.connection_request_credentials = cr.clone();
        *agent.cr_credentials.lock().expect("lock") = cr;
        let mut session_config = Config::new(identity.clone().into_device_id(), ms.url);
        session_config.retry_policy = agent.config.retry_policy;
        session_config.fallback_periodic_interval = agent.config.fallback_periodic_interval;
        session_config.seed = agent.rng.next_u64();
        session_config.response_timeout = agent.config.response_timeout;
        // The machine answers the ACS's challenges itself.
        session_config.credentials = Some(agent.config.acs_credentials.clone());
        let mut cpe = CpeSession::new(session_config, Instant::now(), flash.queue.clone());
        let startup = Effects::startup();
        if let Err(e) =
            device
                .model
                .apply_management_server(&mut cpe, Instant::now(), unix_now(), startup)
        {
            agent
                .report
                .problems
                .push(format!("ManagementServer settings: {e}"));
        }
        // A transfer cut short by the power loss is finished now, and reported with the
        // boot's events.
        if let Some(download) = flash.interrupted_download.take() {
            agent.download(&mut cpe, &download).await;
        }
        match agent
            .run_boot(
                &mut cpe,
                &mut device,
                &mut connection_requests,
                &mut nat,
                &mut shutdown,
            )
            .await
        {
            BootEnd::Shutdown => return Ok(agent.report),
            BootEnd::Reboot {
                interrupted_download,
            } => {
                agent.report.reboots += 1;
                flash.queue = cpe.event_queue().clone();
                flash.queue.on_reboot();
                flash.interrupted_download = interrupted_download;
                device.rebooted();
                agent.note("     (CPE reboots)".into());
                tokio::time::sleep(agent.config.reboot_time).await;
            }
            BootEnd::FactoryReset => {
                agent.report.reboots += 1;
                flash.queue = cpe.event_queue().clone();
                flash.queue.on_factory_reset();
                device = factory_device(&identity, &factory, &cr_url);
                agent.stored = None;
                tokio::time::sleep(agent.config.reboot_time).await;
            }
        }
    }
}

/// The device fresh from the factory: the tree with the ACS URL, the Connection Request
/// URL, the credentials, the periodic Inform and the retry policy of the agent's
/// configuration.
fn factory_device(identity: &DeviceIdentity, config: &AgentConfig, cr_url: &str) -> Device {
    let mut device = Device::new(identity, &config.acs_url, "1.0.0");
    // The listener's address is the system's (a new path at every start), not a stored value.
    let url = cr_url.to_owned();
    let read = move |_: &str| Ok(Value::from(url.as_str()));
    device
        .model
        .bind(CR_URL, ReadOnly(read))
        .expect("in the schema");
    let periodic = config.fallback_periodic_interval;
    let interval = periodic.map_or(3600, |d| {
        u32::try_from(d.as_secs().max(1)).unwrap_or(u32::MAX)
    });
    let retry = &config.retry_policy;
    for (leaf, value) in [
        ("Username", config.acs_credentials.username.clone()),
        ("Password", config.acs_credentials.password.clone()),
        (
            "ConnectionRequestUsername",
            config.connection_request_credentials.username.clone(),
        ),
        (
            "ConnectionRequestPassword",
            config.connection_request_credentials.password.clone(),
        ),
        ("PeriodicInformEnable", periodic.is_some().to_string()),
        ("PeriodicInformInterval", interval.to_string()),
        (
            "CWMPRetryMinimumWaitInterval",
            retry.minimum_wait_interval().to_string(),
        ),
        (
            "CWMPRetryIntervalMultiplier",
            retry.interval_multiplier().to_string(),
        ),
    ] {
        let path = format!("Device.ManagementServer.{leaf}");
        if let Err(e) = device.model.set(&path, value.as_str()) {
            // A configuration the schema refuses keeps the schema's default.
            eprintln!(
                "{}: {path} = {value:?} refused ({e:?})",
                identity.serial_number
            );
        }
    }
    device.model.clear_changes();
    device
}

const CR_URL: &str = "Device.ManagementServer.ConnectionRequestURL";

/// Longest a Download may take.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest file a Download accepts (the simulated flash).
const MAX_DOWNLOAD: usize = 64 << 20;

enum BootEnd {
    Shutdown,
    Reboot {
        interrupted_download: Option<Download>,
    },
    FactoryReset,
}

impl Agent {
    fn note(&mut self, line: String) {
        if self.config.echo {
            println!("{line}");
        } else if self.config.transcript {
            self.report.transcript.push(line);
        }
    }

    /// Picks up the ManagementServer settings the ACS changed that are the transport's (the
    /// session's are applied by the tree already): the credentials of both directions.
    fn take_effects(&mut self, cpe: &mut CpeSession, model: &DataModel, effects: Effects) {
        if !effects.any() {
            return;
        }
        let ms = model.management_server();
        if effects.acs_url {
            self.note(format!("     (ManagementServer.URL is now {})", ms.url));
        }
        if effects.acs_credentials {
            self.config.acs_credentials = Credentials::new(ms.username, ms.password);
            cpe.set_credentials(Some(self.config.acs_credentials.clone()));
        }
        if effects.connection_request_credentials {
            let creds = Credentials::new(
                ms.connection_request_username,
                ms.connection_request_password,
            );
            self.config.connection_request_credentials = creds.clone();
            *self.cr_credentials.lock().expect("lock") = creds;
        }
    }

    /// Writes the event queue and the tree's stored part to the state file (when there is
    /// one).
    fn persist(&mut self, cpe: &CpeSession) {
        if let Some(path) = &self.config.state_file {
            if let Err(e) = save_state(path, cpe.event_queue(), self.stored.as_ref()) {
                self.report
                    .problems
                    .push(format!("cannot save {}: {e}", path.display()));
            }
        }
    }

    fn noting(&self) -> bool {
        self.config.transcript || self.config.echo
    }

    /// Drives the machine until the device reboots or the agent is shut down.
    async fn run_boot(
        &mut self,
        cpe: &mut CpeSession,
        device: &mut Device,
        connection_requests: &mut Option<crlisten::ConnectionRequests>,
        nat: &mut NatPaths,
        shutdown: &mut watch::Receiver<bool>,
    ) -> BootEnd {
        loop {
            // Changes the device made (a Status following its Enable, ...) are told to the
            // session: `4 VALUE CHANGE`, with a session of its own for an active one.
            if let Err(e) = device.model.notify_session(cpe, Instant::now()) {
                self.report.problems.push(format!("value change: {e}"));
            }
            while let Some(output) = cpe.poll_output() {
                match output {
                    Output::SendHttp(request) => self.send(cpe, request).await,
                    Output::Event(Event::InformDue { .. }) => {
                        self.note(format!("---- session {} ----", self.report.sessions + 1));
                        let mut published = Vec::new();
                        nat.add_inform_parameters(&mut published);
                        device.publish(&published);
                        if let Err(e) = device.model.notify_session(cpe, Instant::now()) {
                            self.report.problems.push(format!("value change: {e}"));
                        }
                        let mut parameters = device.model.inform_parameters();
                        parameters.retain(|p| !published.iter().any(|q| q.name == p.name));
                        parameters.extend(published);
                        let args = InformArgs::new(DateTime::from_unix(unix_now()), parameters);
                        if let Err(e) = cpe.start_session(Instant::now(), args) {
                            self.report
                                .problems
                                .push(format!("cannot start a session: {e}"));
                        }
                    }
                    Output::Event(Event::AcsRequest { handle, request }) => {
                        Stats::bump(&self.stats.rpcs);
                        let now = Instant::now();
                        let answered = device.model.answer_session(cpe, now, unix_now(), &request);
                        let reply = match answered {
                            Some((reply, effects)) => {
                                if matches!(request, Request::SetParameterValues(_)) {
                                    device.follow_settings();
                                }
                                self.take_effects(cpe, &device.model, effects);
                                reply
                            }
                            None => match device.answer(&request) {
                                Ok(response) => Reply::Response(response),
                                Err(fault) => Reply::Fault(fault),
                            },
                        };
                        if let Err(e) = cpe.respond(Instant::now(), handle, reply) {
                            self.report.problems.push(format!("cannot answer: {e}"));
                        }
                        // What the device changed in answer (a Status following its Enable).
                        if let Err(e) = device.model.notify_session(cpe, Instant::now()) {
                            self.report.problems.push(format!("value change: {e}"));
                        }
                    }
                    Output::Event(Event::CpeRequestAcknowledged { .. }) => {
                        self.report.transfers_reported += 1;
                    }
                    Output::Event(Event::SessionEstablished { version }) => {
                        device
                            .model
                            .on_session_event(&Event::SessionEstablished { version });
                    }
                    Output::Event(Event::SessionEnded(end)) => {
                        if self.config.state_file.is_some() {
                            self.stored = Some(device.model.stored());
                        }
                        self.persist(cpe);
                        self.report.sessions += 1;
                        Stats::bump(&self.stats.sessions);
                        self.client.end_session();
                        self.basic = false;
                        if let Err(failure) = &end.result {
                            self.report.failed_sessions += 1;
                            Stats::bump(&self.stats.failures);
                            self.report
                                .problems
                                .push(format!("session failed: {failure}"));
                            let retry = end.retry_at.map_or(String::new(), |at| {
                                format!(
                                    "; retry {} in {:.1}s",
                                    end.retry_count,
                                    at.saturating_duration_since(Instant::now()).as_secs_f64()
                                )
                            });
                            self.note(format!("     session failed: {failure}{retry}"));
                        }
                        // The device's own record of deferred actions duplicates the
                        // machine's; the machine's list is the one acted on.
                        device.take_deferred();
                        for action in end.deferred {
                            match action {
                                Deferred::Reboot { .. } => {
                                    return BootEnd::Reboot {
                                        interrupted_download: None,
                                    };
                                }
                                Deferred::FactoryReset => return BootEnd::FactoryReset,
                                Deferred::Download(download) => {
                                    if self.config.restart_during_download && !self.restart_done {
                                        self.restart_done = true;
                                        self.note("     (power lost during the download)".into());
                                        return BootEnd::Reboot {
                                            interrupted_download: Some(download),
                                        };
                                    }
                                    if download.delay_seconds > 0 {
                                        let delay =
                                            Duration::from_secs(download.delay_seconds.into());
                                        self.note(format!(
                                            "     (download in {}s)",
                                            download.delay_seconds
                                        ));
                                        self.scheduled_downloads
                                            .push((Instant::now() + delay, download));
                                        self.scheduled_downloads.sort_by_key(|(at, _)| *at);
                                    } else {
                                        self.download(cpe, &download).await;
                                    }
                                }
                                other => {
                                    self.report
                                        .problems
                                        .push(format!("unexpected deferred action {other:?}"));
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            let deadline = cpe.poll_timeout();
            let next_download = self.scheduled_downloads.first().map(|(at, _)| *at);
            tokio::select! {
                () = sleep_until(deadline) => {
                    let _ = cpe.handle_input(Input::Timeout(Instant::now()));
                }
                () = sleep_until(next_download) => {
                    let (_, download) = self.scheduled_downloads.remove(0);
                    self.download(cpe, &download).await;
                }
                Some(()) = async {
                    match connection_requests.as_mut() {
                        Some(c) => c.recv().await,
                        None => std::future::pending().await,
                    }
                } => {
                    self.note("ACS → CPE  GET Connection Request (digest verified)".into());
                    let event = EventStruct::new(EventCode::ConnectionRequest);
                    if let Err(e) = cpe.queue_event(Instant::now(), event, true) {
                        self.report.problems.push(format!("connection request: {e}"));
                    }
                }
                notice = nat.recv() => {
                    for line in notice.lines {
                        self.note(line);
                    }
                    let codes = [
                        (notice.connection_request, EventCode::ConnectionRequest),
                        (notice.value_change, EventCode::ValueChange),
                    ];
                    for (due, code) in codes {
                        if due {
                            let event = EventStruct::new(code);
                            if let Err(e) = cpe.queue_event(Instant::now(), event, true) {
                                self.report.problems.push(format!("connection request: {e}"));
                            }
                        }
                    }
                }
                changed = shutdown.changed() => {
                    // A dropped sender stops the agent too (rather than waking this loop
                    // forever).
                    if changed.is_err() || *shutdown.borrow() {
                        return BootEnd::Shutdown;
                    }
                }
            }
        }
    }

    /// Sends one POST and feeds the outcome to the machine.
    async fn send(&mut self, cpe: &mut CpeSession, request: cwmp_session::http::HttpRequest) {
        if self.noting() {
            let line = if request.body.is_empty() {
                "(empty POST)".to_owned()
            } else {
                describe(
                    cwmp_soap::decode(&request.body)
                        .ok()
                        .map(|d| d.envelope.body)
                        .as_ref(),
                )
            };
            self.note(format!("CPE → ACS  {line}"));
        }
        match request.reason {
            SendReason::NewSession => {
                self.client.end_session();
                self.basic = false;
            }
            // A redirect goes to a target that has not asked for credentials yet.
            SendReason::Redirect => self.basic = false,
            _ => {}
        }
        // The machine's answer to the ACS's challenge (Digest with the next nonce count, as
        // the ACS authenticates each request), or Basic when that is what the ACS asked for
        // over plain HTTP.
        let authorization = request.authorization.clone().or_else(|| {
            self.basic
                .then(|| basic::authorization(&self.config.acs_credentials))
        });
        // The machine's response deadline (set as it sent this request) bounds the whole
        // exchange (connect, send, answer): an ACS that stops answering fails the session
        // instead of hanging the agent. (`poll_timeout` is not it: it also carries the
        // periodic and scheduled Informs.)
        let deadline = Some(Instant::now() + self.config.response_timeout);
        let exchange = async {
            match request.url.parse::<Uri>() {
                Ok(url) => {
                    let soap_action = request.soap_action.is_some();
                    let body = request.body.clone();
                    let auth = authorization.as_deref();
                    let mut outcome = self
                        .client
                        .post(&url, body.clone(), auth, soap_action)
                        .await;
                    if outcome
                        .as_ref()
                        .is_ok_and(|r| r.status == StatusCode::UNSUPPORTED_MEDIA_TYPE)
                        && self
                            .client
                            .coding
                            .is_some_and(|c| c != ContentCoding::Identity)
                    {
                        // The ACS does not take compressed bodies: send them plain from now on
                        // (as CPEs that compress do), and resend this one at once.
                        self.client.coding = None;
                        self.note(
                            "ACS → CPE  415 Unsupported Media Type (resent, and every body from \
                         now on, uncompressed)"
                                .into(),
                        );
                        outcome = self.client.post(&url, body, auth, soap_action).await;
                    }
                    outcome
                }
                Err(e) => Err(ClientError::BadUrl(e.to_string())),
            }
        };
        let outcome = tokio::select! {
            outcome = exchange => outcome,
            () = sleep_until(deadline) => Err(ClientError::TimedOut),
        };
        let now = Instant::now();
        match outcome {
            Ok(response) => {
                // The challenges offered, as one list (RFC 9110 §11.6.1), for the machine.
                let challenge = (response.status == StatusCode::UNAUTHORIZED)
                    .then(|| {
                        let offered: Vec<&str> = response
                            .headers
                            .get_all(WWW_AUTHENTICATE)
                            .iter()
                            .filter_map(|v| v.to_str().ok())
                            .collect();
                        offered.join(", ")
                    })
                    .filter(|c| !c.is_empty());
                // Basic alone over plain HTTP: the machine refuses to send the password in
                // clear text; the example ACS's `--basic` asks for it all the same, so the
                // agent answers it (the machine resends without `Authorization`).
                let basic_only = challenge.as_deref().is_some_and(|c| {
                    let schemes = auth_schemes(c);
                    !request.url.to_ascii_lowercase().starts_with("https://")
                        && schemes.iter().any(|s| s.eq_ignore_ascii_case("basic"))
                        && !schemes.iter().any(|s| s.eq_ignore_ascii_case("digest"))
                });
                if basic_only {
                    self.basic = true;
                }
                if self.noting() {
                    let line = match response.status {
                        StatusCode::OK if !response.body.is_empty() => describe(
                            cwmp_soap::decode(&response.body)
                                .ok()
                                .map(|d| d.envelope.body)
                                .as_ref(),
                        ),
                        StatusCode::OK | StatusCode::NO_CONTENT => {
                            format!("{} (session over)", response.status)
                        }
                        other => other.to_string(),
                    };
                    self.note(format!("ACS → CPE  {line}"));
                }
                let location = response.redirect.as_ref().map(ToString::to_string);
                let content_type = response
                    .headers
                    .get(hyper::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok());
                let mut incoming = IncomingResponse::new(response.status.as_u16(), &response.body);
                if let Some(l) = &location {
                    incoming = incoming.with_location(l);
                }
                if let Some(ct) = content_type {
                    incoming = incoming.with_content_type(ct);
                }
                if let Some(c) = challenge.as_deref().filter(|_| !basic_only) {
                    incoming = incoming.with_www_authenticate(c);
                }
                let _ = cpe.handle_input(Input::HttpResponse {
                    now,
                    response: incoming,
                });
            }
            Err(e) => {
                self.note(format!("     transport failed: {e}"));
                let error = match e {
                    ClientError::BadUrl(_) | ClientError::Io(_) => TransportError::Connect,
                    ClientError::TimedOut => {
                        // The connection may still be busy with the late exchange.
                        self.client.drop_connection();
                        TransportError::ConnectionLost
                    }
                    _ => TransportError::ConnectionLost,
                };
                let _ = cpe.handle_input(Input::TransportFailed { now, error });
            }
        }
    }

    /// Carries out a Download (an HTTP GET of the file) and queues its TransferComplete.
    async fn download(&mut self, cpe: &mut CpeSession, download: &Download) {
        let start = DateTime::from_unix(unix_now());
        let fetched = match download.url.parse::<Uri>() {
            Ok(url) => {
                let fetch =
                    transport::fetch_from_cluster(&url, MAX_DOWNLOAD, &self.config.spread_over);
                tokio::time::timeout(DOWNLOAD_TIMEOUT, fetch).await
            }
            Err(_) => Ok(Err(ClientError::BadUrl(download.url.clone()))),
        };
        let fault = match fetched {
            Ok(Ok((StatusCode::OK, file))) => {
                if download.file_size == 0
                    || u64::try_from(file.len()) == Ok(download.file_size.into())
                {
                    FaultStruct::success()
                } else {
                    let mut f = FaultStruct::failure(FaultCode::FileCorrupted);
                    f.fault_string = format!(
                        "got {} bytes, FileSize says {}",
                        file.len(),
                        download.file_size
                    );
                    f
                }
            }
            Ok(Ok((status, _))) => transfer_failure(format!("the file server answered {status}")),
            Ok(Err(e)) => transfer_failure(e.to_string()),
            Err(_) => transfer_failure(format!("no file within {DOWNLOAD_TIMEOUT:?}")),
        };
        if !fault.is_success() {
            self.report
                .problems
                .push(format!("download failed: {}", fault.fault_string));
        }
        let complete = DateTime::from_unix(unix_now());
        let body = TransferComplete::new(download.command_key.clone(), fault, start, complete);
        let request = CpeRequest::TransferComplete {
            kind: TransferKind::Download,
            body,
        };
        if let Err(e) = cpe.queue_request(Instant::now(), request) {
            self.report
                .problems
                .push(format!("cannot queue TransferComplete: {e}"));
        }
        // The TransferComplete must survive a restart until the ACS acknowledges it.
        self.persist(cpe);
    }
}

/// The auth-schemes of a `WWW-Authenticate` list: the first token of each challenge (a token
/// that follows a comma and is not a `name=value` parameter).
fn auth_schemes(header: &str) -> Vec<&str> {
    let mut schemes = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    let mut pieces = Vec::new();
    for (i, c) in header.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                pieces.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(&header[start..]);
    for piece in pieces {
        let first = piece.split_whitespace().next().unwrap_or("");
        if !first.is_empty() && !first.contains('=') {
            schemes.push(first);
        }
    }
    schemes
}

fn transfer_failure(reason: String) -> FaultStruct {
    let mut fault = FaultStruct::failure(FaultCode::FileTransferFailure);
    fault.fault_string = reason;
    fault
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(t) => tokio::time::sleep_until(tokio::time::Instant::from_std(t)).await,
        None => std::future::pending().await,
    }
}

/// Loads the persisted event queue and tree: the agent process (re)starting is a boot of the
/// device. A missing file is a first start (`0 BOOTSTRAP`, the factory tree); a file holding
/// only an event queue (as older agents wrote) keeps the factory tree.
fn load_state(path: &std::path::Path) -> std::io::Result<(EventQueue, Option<Stored>)> {
    let bad = |e: serde_json::Error| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(bad)?;
            let (mut queue, stored): (EventQueue, _) = match json.get("queue") {
                Some(queue) => {
                    let queue = serde_json::from_value(queue.clone()).map_err(bad)?;
                    let stored = match json.get("model") {
                        Some(m) if !m.is_null() => {
                            Some(serde_json::from_value(m.clone()).map_err(bad)?)
                        }
                        _ => None,
                    };
                    (queue, stored)
                }
                None => (serde_json::from_value(json).map_err(bad)?, None),
            };
            queue.on_reboot();
            Ok((queue, stored))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((EventQueue::bootstrap(), None)),
        Err(e) => Err(e),
    }
}

/// Saves the event queue and the tree (written to a temporary file, then renamed over the old
/// one).
fn save_state(
    path: &std::path::Path,
    queue: &EventQueue,
    model: Option<&Stored>,
) -> std::io::Result<()> {
    let state = serde_json::json!({ "queue": queue, "model": model });
    let json = serde_json::to_vec(&state).map_err(std::io::Error::other)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path)
}
