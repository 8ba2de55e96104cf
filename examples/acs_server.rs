//! The example ACS server: AcsSession behind hyper, with digest authentication of CPEs, the
//! demo's provisioning policy per device, and Connection Requests to CPEs.
//!
//! ```sh
//! cargo run -p cwmp-examples --example acs_server -- --listen 127.0.0.1:7557
//! ```
//! CPEs post to `http://LISTEN/cwmp`; the firmware of the scenario's Download is served at
//! `/firmware.bin`. The server runs until it is interrupted (Ctrl-C).

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use cwmp_examples::acs::{Acs, AcsConfig};
use cwmp_examples::support::{Flags, Stats};
use cwmp_examples::transport;
use cwmp_examples::xmpp::XmppAccount;

const USAGE: &str = "usage: acs_server [--listen ADDR] [--public-url http://HOST:PORT]
    [--username U --password P | --no-auth] [--basic] [--cr-username U] [--cr-password P]
    [--periodic-interval SECONDS] [--session-timeout SECONDS] [--no-compression] [--quiet]
    [--xmpp JID,PASSWORD,SERVER]

  --listen ADDR          where to listen (default 127.0.0.1:7557); CPEs post to http://ADDR/cwmp
  --public-url URL       base URL CPEs reach this server at (for the Download's firmware URL)
  --username/--password  what CPEs must present (HTTP digest; default cpe / cpe-secret)
  --no-auth              accept CPEs without authentication
  --basic                challenge CPEs with HTTP Basic instead of digest
  --cr-username/--cr-password  credentials for Connection Requests (default acs / acs-secret)
  --periodic-interval S  the PeriodicInformInterval the policy sets (default 3600)
  --session-timeout S    how long a session waits for the CPE's next POST (default 30)
  --no-compression       answer gzip/deflate request bodies with 415
  --quiet                no per-session log lines
  --xmpp JID,PASSWORD,SERVER  the ACS's XMPP account (SERVER is host:port, plain TCP): Connection
                         Requests go over XMPP to devices that publish a ConnReqJabberID, else
                         over UDP to a UDPConnectionRequestAddress, else over HTTP";

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
    ("xmpp", true),
    ("help", false),
];

fn config(flags: &Flags) -> Result<(String, AcsConfig), String> {
    let mut config = AcsConfig::default();
    let listen = flags.get("listen").unwrap_or("127.0.0.1:7557").to_owned();
    if flags.has("no-auth") {
        config.cpe_credentials = None;
    } else if let Some(c) = &mut config.cpe_credentials {
        if let Some(u) = flags.get("username") {
            c.username = u.to_owned();
        }
        if let Some(p) = flags.get("password") {
            c.password = p.to_owned();
        }
    }
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
    Ok((listen, config))
}

fn main() -> ExitCode {
    let (listen, config) = match Flags::command_line(FLAGS, USAGE, config) {
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
        let listener = match transport::bind(&listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on {listen}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let stats = Arc::new(Stats::default());
        let auth = match &config.cpe_credentials {
            Some(c) if config.basic_auth => format!("Basic as {:?}", c.username),
            Some(c) => format!("digest as {:?}", c.username),
            None => "no authentication".to_owned(),
        };
        let acs = Acs::start(listener, config, stats.clone());
        println!("ACS listening: CPEs post to {} ({auth})", acs.url());
        println!("firmware for the Download: {}", acs.firmware_url());
        let mut last = 0;
        loop {
            acs.changed().await;
            let sessions = stats.sessions.load(Ordering::Relaxed);
            if sessions != last {
                last = sessions;
                let (devices, done, problems) = acs.progress();
                println!(
                    "devices: {devices}  scenario done: {done}  sessions: {sessions}  \
                     RPCs: {}  failures: {}  problems: {}  open sessions: {}",
                    stats.rpcs.load(Ordering::Relaxed),
                    stats.failures.load(Ordering::Relaxed),
                    problems.len(),
                    acs.open_sessions()
                );
            }
        }
    })
}
