//! The example ACS server: AcsSession behind hyper, with digest authentication of CPEs, the
//! demo's provisioning policy per device, and Connection Requests to CPEs.
//!
//! ```sh
//! cargo run -p cwmp-examples --example acs_server -- --listen 127.0.0.1:7557
//! ```
//! CPEs post to `http://LISTEN/cwmp`; the firmware of the scenario's Download is served at
//! `/firmware.bin`. The server runs until it is interrupted (Ctrl-C).
//!
//! With `--store redis://HOST:PORT`, sessions and device records live in Redis, and any
//! number of `acs_server` processes on the same Redis serve the same CPEs behind a load
//! balancer (any node continues any session).

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use cwmp_examples::acs::{Acs, AcsConfig};
use cwmp_examples::credentials::CpeCredentials;
use cwmp_examples::limits::{self, Limits};
use cwmp_examples::store::{Store, StoreConfig};
use cwmp_examples::support::{Flags, Stats};
use cwmp_examples::transport;
use cwmp_examples::xmpp::XmppAccount;
use cwmp_session::connreq::Credentials;

const USAGE: &str = "usage: acs_server [--listen ADDR] [--public-url http://HOST:PORT]
    [--username U --password P | --no-auth] [--credentials-file FILE] [--credential-secret S]
    [--basic] [--cr-username U] [--cr-password P]
    [--periodic-interval SECONDS] [--session-timeout SECONDS] [--no-compression] [--quiet]
    [--max-devices N] [--max-sessions N] [--xmpp JID,PASSWORD,SERVER]
    [--store memory|redis://HOST:PORT] [--fault-status 200|500] [HTTP limits]

  --listen ADDR          where to listen (default 127.0.0.1:7557); CPEs post to http://ADDR/cwmp
  --public-url URL       base URL CPEs reach this server at (for the Download's firmware URL)
  --username/--password  one credential every CPE may present (HTTP digest; default
                         cpe / cpe-secret unless per-device credentials are given)
  --credentials-file F   per-device credentials, one `username password` a line; a CPE may
                         only Inform as the device its username names (OUI-[ProductClass-]Serial)
  --credential-secret S  per-device passwords derived from S for usernames
                         OUI-[ProductClass-]SerialNumber (cpe_agent --credential-secret S)
  --no-auth              accept CPEs without authentication
  --basic                challenge CPEs with HTTP Basic instead of digest
  --cr-username/--cr-password  credentials for Connection Requests (default acs / acs-secret)
  --periodic-interval S  the PeriodicInformInterval the policy sets (default 3600)
  --session-timeout S    how long a session waits for the CPE's next POST (default 30)
  --no-compression       answer gzip/deflate request bodies with 415
  --quiet                no per-session log lines
  --max-devices N        device records kept at most (default 100000); more get 503
  --max-sessions N       sessions open at once (default 10000); more get 503 (with --store
                         redis://, both caps hold for the whole cluster, counted in Redis)
  --xmpp JID,PASSWORD,SERVER  the ACS's XMPP account (SERVER is host:port, plain TCP): Connection
                         Requests go over XMPP to devices that publish a ConnReqJabberID, else
                         over UDP to a UDPConnectionRequestAddress, else over HTTP
  --store S              where sessions and device records live: memory (default, this
                         process) or redis://HOST:PORT[/DB], shared by every acs_server on that
                         Redis (a cluster behind a load balancer that keeps each client
                         connection on one backend connection; digest nonces verified by every
                         node, a replayed Inform refused by every node)
  --fault-status 200|500 the HTTP status of responses carrying a SOAP Fault (default 200,
                         as deployed ACSs send them; 500 as the SOAP 1.1 HTTP binding does)
HTTP limits:
";

const FLAGS: &[(&str, bool)] = &[
    ("listen", true),
    ("public-url", true),
    ("username", true),
    ("password", true),
    ("no-auth", false),
    ("basic", false),
    ("cr-username", true),
    ("cr-password", true),
    ("periodic-interval", true),
    ("session-timeout", true),
    ("no-compression", false),
    ("quiet", false),
    ("credentials-file", true),
    ("credential-secret", true),
    ("max-devices", true),
    ("max-sessions", true),
    ("xmpp", true),
    ("store", true),
    ("fault-status", true),
    ("help", false),
];

fn config(flags: &Flags) -> Result<(String, AcsConfig, String), String> {
    let mut config = AcsConfig::default();
    let listen = flags.get("listen").unwrap_or("127.0.0.1:7557").to_owned();
    if flags.has("no-auth") {
        config.cpe_credentials = None;
    } else {
        let per_device = flags.has("credentials-file") || flags.has("credential-secret");
        let shared = flags.has("username") || flags.has("password") || !per_device;
        let mut creds = if shared {
            CpeCredentials::shared(Credentials::new(
                flags.get("username").unwrap_or("cpe"),
                flags.get("password").unwrap_or("cpe-secret"),
            ))
        } else {
            CpeCredentials::per_device()
        };
        if let Some(path) = flags.get("credentials-file") {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            creds = creds
                .with_table(CpeCredentials::parse_file(&text).map_err(|e| format!("{path}: {e}"))?);
        }
        if let Some(secret) = flags.get("credential-secret") {
            creds = creds.with_derivation(secret.as_bytes().to_vec());
        }
        config.cpe_credentials = Some(creds);
    }
    config.limits = Limits::from_flags(flags)?;
    config.max_devices = flags.parse_or("max-devices", config.max_devices)?;
    config.max_sessions = flags.parse_or("max-sessions", config.max_sessions)?;
    if let Some(u) = flags.get("cr-username") {
        config.connection_request_credentials.username = u.to_owned();
    }
    if let Some(p) = flags.get("cr-password") {
        config.connection_request_credentials.password = p.to_owned();
    }
    config.periodic_interval = flags.parse_or("periodic-interval", config.periodic_interval)?;
    config.session_timeout =
        Duration::from_secs(flags.parse_or("session-timeout", config.session_timeout.as_secs())?);
    config.public_base_url = flags.get("public-url").map(str::to_owned);
    config.refuse_compressed = flags.has("no-compression");
    config.basic_auth = flags.has("basic");
    config.verbose = !flags.has("quiet");
    if let Some(x) = flags.get("xmpp") {
        config.xmpp = Some(XmppAccount::parse(x).map_err(|e| format!("--xmpp: {e}"))?);
    }
    config.fault_status = match flags.get("fault-status").unwrap_or("200") {
        "200" => cwmp_session::acs::FaultStatus::Ok200,
        "500" => cwmp_session::acs::FaultStatus::InternalServerError500,
        other => return Err(format!("--fault-status {other:?}: expected 200 or 500")),
    };
    let store = flags.get("store").unwrap_or("memory").to_owned();
    if store != "memory" && !store.starts_with("redis://") {
        return Err(format!(
            "--store {store:?}: expected memory or redis://HOST:PORT"
        ));
    }
    Ok((listen, config, store))
}

fn main() -> ExitCode {
    let flags: Vec<_> = FLAGS.iter().chain(limits::FLAGS).copied().collect();
    let usage = format!("{USAGE}{}", limits::USAGE);
    let (listen, mut config, store) = match Flags::command_line(&flags, &usage, config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match transport::bind_with_backlog(&listen, config.limits.backlog).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on {listen}: {e}");
                return ExitCode::FAILURE;
            }
        };
        if store != "memory" {
            let shared = match Store::open(&store, StoreConfig::default()).await {
                Ok(s) => Arc::new(s),
                Err(e) => {
                    eprintln!("cannot open the store {store}: {e}");
                    return ExitCode::FAILURE;
                }
            };
            if let Err(e) = config.use_store(shared).await {
                eprintln!("cannot read the cluster's nonce secret from {store}: {e}");
                return ExitCode::FAILURE;
            }
        }
        let stats = Arc::new(Stats::default());
        let scheme = if config.basic_auth { "Basic" } else { "digest" };
        let auth = match &config.cpe_credentials {
            Some(c) => match c.shared_credential() {
                Some(s) => format!("{scheme}, shared credential {:?}", s.username),
                None => format!("{scheme}, per-device credentials"),
            },
            None => "no authentication".to_owned(),
        };
        let local = listener
            .local_addr()
            .map_or_else(|_| listen.clone(), |a| a.to_string());
        let acs = Acs::start(listener, config, stats.clone());
        println!("ACS listening: CPEs post to {} ({auth})", acs.url());
        println!("firmware for the Download: {}", acs.firmware_url());
        println!("sessions and device records: {store}; this node listens on {local}");
        let mut last = 0;
        loop {
            acs.changed().await;
            let sessions = stats.sessions.load(Ordering::Relaxed);
            if sessions != last {
                last = sessions;
                let (devices, done, problems) = acs.summary();
                println!(
                    "devices: {devices}  scenario done: {done}  sessions: {sessions}  \
                     RPCs: {}  failures: {}  problems: {problems}  open sessions: {}",
                    stats.rpcs.load(Ordering::Relaxed),
                    stats.failures.load(Ordering::Relaxed),
                    acs.open_sessions()
                );
            }
        }
    })
}
