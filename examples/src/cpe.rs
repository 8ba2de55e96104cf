//! The example CPE agent: [`CpeSession`] driven by a real HTTP client.
//!
//! * HTTP: one connection per session (or one per POST, to mimic CPEs that do that), cookies,
//!   gzip request bodies on demand (plain again after a `415`), the session machine's answers
//!   to the ACS's `401` challenges (`Config::credentials`; Basic over plain HTTP, which the
//!   machine refuses, added by the agent), redirects (the session machine bounds them); with
//!   several ACS nodes, a node that cannot be connected to is left for the others.
//! * Time and randomness: the machine's deadlines are slept on with tokio; its retry waits
//!   follow the Session Retry Policy with a per-device seed.
//! * The device: a TR-181 tree from `cwmp-datamodel` ([`Device`](crate::device::Device)) answers the ACS, and the
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
//!
//! The code: this file (settings, report, the boot loop), `cpe_boot.rs` (one boot: the
//! machine driven through sessions), `cpe_http.rs` (POSTs to the ACS, the Download's GET),
//! `cpe_flash.rs` (the factory device and the state file).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cwmp_datamodel::{DataModel, Effects, Stored};
use cwmp_session::connreq::Credentials;
use cwmp_session::cpe::Config;
use cwmp_session::{CpeSession, EventQueue, RetryPolicy};
use cwmp_types::Download;
use hyper::Uri;
use tokio::sync::watch;

use crate::crlisten::{self, ListenOptions};
use crate::device::DeviceIdentity;
use crate::http::{ContentCoding, SplitMix64, hex, os_random};
use crate::limits::Limits;
use crate::natcr::{NatConfig, NatPaths};
use crate::support::Stats;
use crate::transport::{self, SessionClient};

#[path = "cpe_boot.rs"]
mod boot;
#[path = "cpe_flash.rs"]
mod flash;
#[path = "cpe_http.rs"]
mod http;

use flash::{factory_device, load_state, save_state};

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
    /// Answer the last session's digest challenge on the next session's Inform (as many CPEs
    /// do), instead of waiting for a `401` (default true; `cwmp_session::cpe::Config::
    /// preemptive_auth`).
    pub preemptive_auth: bool,
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
            preemptive_auth: true,
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
        session_config.preemptive_auth = agent.config.preemptive_auth;
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
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(t) => tokio::time::sleep_until(tokio::time::Instant::from_std(t)).await,
        None => std::future::pending().await,
    }
}
