//! The example CPE agent: CpeSession with a real HTTP client (cookies, digest, gzip,
//! redirects, Session Retry Policy back-off, periodic Inform), a TR-181 tree (`cwmp-datamodel`),
//! simulated Reboot/Download with their follow-ups, and a Connection Request listener.
//!
//! ```sh
//! cargo run -p cwmp-examples --example acs_server &
//! cargo run -p cwmp-examples --example cpe_agent -- --acs http://127.0.0.1:7557/cwmp --cr-listen 127.0.0.1:7547
//! ```
//! The agent prints every message it sends and receives, and runs until it is interrupted
//! (or for `--duration SECONDS`).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use cwmp_examples::cpe::{self, AgentConfig};
use cwmp_examples::credentials::{derive_password, device_username};
use cwmp_examples::device::DeviceIdentity;
use cwmp_examples::limits::{self, Limits};
use cwmp_examples::support::{Flags, Stats};
use cwmp_examples::xmpp::XmppAccount;
use cwmp_session::RetryPolicy;
use cwmp_session::connreq::Credentials;

const USAGE: &str = "usage: cpe_agent --acs URL [--serial SN] [--username U] [--password P]
    [--cr-listen ADDR] [--cr-url URL] [--cr-username U] [--cr-password P]
    [--periodic-interval SECONDS] [--retry-min-wait SECONDS] [--retry-multiplier PERMILLE]
    [--gzip] [--drop-cookies] [--reconnect-each-post] [--restart-during-download] [--seed N] [--state FILE]
    [--duration SECONDS] [--credential-secret S] [--cr-rate N] [--connect-timeout SECONDS]
    [--response-timeout SECONDS]
    [--xmpp JID,PASSWORD,SERVER [--xmpp-allow JID,...]] [--udp-listen ADDR [--stun HOST:PORT]]
    [--no-http-cr]
    [HTTP limits of the Connection Request listener]

  --acs URL              the ACS's URL (ManagementServer.URL; default http://127.0.0.1:7557/cwmp)
  --serial SN            the device's serial number (default CPE000001)
  --username/--password  credentials for the ACS's digest challenge (default cpe / cpe-secret)
  --credential-secret S  per-device credentials: username OUI-ProductClass-SerialNumber and
                         the password derived from S (acs_server --credential-secret S)
  --cr-listen ADDR       where the Connection Request listener binds (default 0.0.0.0:7547)
  --cr-url URL           the ConnectionRequestURL to report, whose path the listener checks
                         (default http://ADDR/cr/ and 32 random hex digits)
  --cr-rate N            Connection Requests acted on per minute (default 6, 3 in a burst);
                         more are answered 503
  --connect-timeout S    longest wait for a connection to the ACS (default 10); a response
                         is awaited at most the response timeout
  --response-timeout S   how long each ACS response may take before the session fails
                         (default 30)
  --cr-username/--cr-password  what the ACS must present on a Connection Request
                         (default acs / acs-secret)
  --periodic-interval S  periodic Inform interval until the ACS sets one (default 900)
  --retry-min-wait S     Session Retry Policy minimum wait (default 5)
  --retry-multiplier M   Session Retry Policy interval multiplier, in thousandths (default 2000)
  --gzip                 send gzip-compressed request bodies
  --drop-cookies         never return cookies (the ACS must find the session by connection)
  --reconnect-each-post  a new connection for every POST (the ACS must use the cookie)
  --restart-during-download  lose power in the middle of the first Download
  --seed N               seed for retry jitter and nonces (default: from the serial number)
  --state FILE           persist the event queue and the tree there: restarting the agent is a reboot
                         (1 BOOT, pending events kept) instead of a first start (0 BOOTSTRAP)
  --duration S           stop after S seconds (default: run until interrupted)
  --xmpp JID,PASSWORD,SERVER  keep an XMPP connection (SERVER is host:port, plain TCP) for
                         Connection Requests (TR-069 Annex K); the bound JID is published in
                         ManagementServer.ConnReqJabberID
  --xmpp-allow JID,...   the JIDs allowed to send them (a bare JID allows any resource;
                         default: any sender)
  --udp-listen ADDR      accept signed UDP Connection Requests there (Annex G), published in
                         ManagementServer.UDPConnectionRequestAddress
  --stun HOST:PORT       learn that address from a STUN server and keep the NAT binding open
  --no-http-cr           open no HTTP Connection Request listener (ConnectionRequestURL empty)
HTTP limits of the Connection Request listener:
";

const FLAGS: &[(&str, bool)] = &[
    ("acs", true),
    ("serial", true),
    ("username", true),
    ("password", true),
    ("cr-listen", true),
    ("cr-url", true),
    ("cr-username", true),
    ("cr-password", true),
    ("periodic-interval", true),
    ("retry-min-wait", true),
    ("retry-multiplier", true),
    ("gzip", false),
    ("drop-cookies", false),
    ("reconnect-each-post", false),
    ("restart-during-download", false),
    ("seed", true),
    ("state", true),
    ("duration", true),
    ("credential-secret", true),
    ("cr-rate", true),
    ("connect-timeout", true),
    ("response-timeout", true),
    ("xmpp", true),
    ("xmpp-allow", true),
    ("udp-listen", true),
    ("stun", true),
    ("no-http-cr", false),
    ("help", false),
];

fn config(flags: &Flags) -> Result<(AgentConfig, Option<Duration>), String> {
    let acs = flags.get("acs").unwrap_or("http://127.0.0.1:7557/cwmp");
    let serial = flags.get("serial").unwrap_or("CPE000001");
    let mut config = AgentConfig::new(serial, acs);
    if let Some(secret) = flags.get("credential-secret") {
        let id = DeviceIdentity::example(serial);
        let user = device_username(&id.oui, &id.product_class, &id.serial_number);
        let password = derive_password(secret.as_bytes(), &user);
        config.acs_credentials = Credentials::new(user, password);
    }
    if let Some(u) = flags.get("username") {
        config.acs_credentials.username = u.to_owned();
    }
    if let Some(p) = flags.get("password") {
        config.acs_credentials.password = p.to_owned();
    }
    if let Some(a) = flags.get("cr-listen") {
        config.connection_request_listen = a.to_owned();
    }
    config.connection_request_url = flags.get("cr-url").map(str::to_owned);
    if let Some(u) = flags.get("cr-username") {
        config.connection_request_credentials.username = u.to_owned();
    }
    if let Some(p) = flags.get("cr-password") {
        config.connection_request_credentials.password = p.to_owned();
    }
    let periodic = flags.parse_or("periodic-interval", 900u64)?;
    config.fallback_periodic_interval = (periodic > 0).then(|| Duration::from_secs(periodic));
    if flags.has("retry-min-wait") || flags.has("retry-multiplier") {
        let policy = RetryPolicy::new(
            flags.parse_or("retry-min-wait", 5u32)?,
            flags.parse_or("retry-multiplier", 2000u32)?,
        )
        .map_err(|e| format!("retry policy: {e}"))?;
        config.retry_policy = policy;
    }
    config.gzip = flags.has("gzip");
    config.drop_cookies = flags.has("drop-cookies");
    config.reconnect_each_post = flags.has("reconnect-each-post");
    config.restart_during_download = flags.has("restart-during-download");
    config.seed = flags.parse_or("seed", config.seed)?;
    config.state_file = flags.get("state").map(std::path::PathBuf::from);
    config.echo = true;
    config.connection_request_rate = flags.parse_or("cr-rate", config.connection_request_rate)?;
    config.connect_timeout =
        Duration::from_secs(flags.parse_or("connect-timeout", config.connect_timeout.as_secs())?);
    config.connection_request_limits = Limits::from_flags(flags)?;
    config.response_timeout =
        Duration::from_secs(flags.parse_or("response-timeout", config.response_timeout.as_secs())?);
    if let Some(x) = flags.get("xmpp") {
        config.nat.xmpp = Some(XmppAccount::parse(x).map_err(|e| format!("--xmpp: {e}"))?);
    }
    if let Some(allowed) = flags.get("xmpp-allow") {
        config.nat.xmpp_allowed = allowed.split(',').map(str::to_owned).collect();
    }
    config.nat.udp_listen = flags.get("udp-listen").map(str::to_owned);
    if let Some(stun) = flags.get("stun") {
        let addr = std::net::ToSocketAddrs::to_socket_addrs(stun)
            .ok()
            .and_then(|mut a| a.next())
            .ok_or_else(|| format!("--stun: cannot resolve {stun:?}"))?;
        config.nat.stun_server = Some(addr);
    }
    config.nat.no_http = flags.has("no-http-cr");
    if config.nat.no_http && config.nat.xmpp.is_none() && config.nat.udp_listen.is_none() {
        return Err("--no-http-cr needs --xmpp or --udp-listen".into());
    }
    let duration = match flags.get("duration") {
        Some(_) => Some(Duration::from_secs(flags.parse_or("duration", 0u64)?)),
        None => None,
    };
    Ok((config, duration))
}

fn main() -> ExitCode {
    let flags: Vec<_> = FLAGS.iter().chain(limits::FLAGS).copied().collect();
    let usage = format!("{USAGE}{}", limits::USAGE);
    let (config, duration) = match Flags::command_line(&flags, &usage, config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut paths = Vec::new();
    if !config.nat.no_http {
        paths.push(format!("HTTP on {}", config.connection_request_listen));
    }
    if let Some(x) = &config.nat.xmpp {
        paths.push(format!("XMPP as {} via {}", x.jid, x.server));
    }
    if let Some(u) = &config.nat.udp_listen {
        paths.push(format!("UDP on {u}"));
    }
    println!(
        "CPE {} -> ACS {} (Connection Requests: {})",
        config.serial,
        config.acs_url,
        paths.join(", ")
    );
    runtime.block_on(async move {
        // The sender lives as long as the agent: dropping it would not stop the agent.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let stop = Arc::new(stop);
        if let Some(d) = duration {
            let stop = stop.clone();
            tokio::spawn(async move {
                tokio::time::sleep(d).await;
                let _ = stop.send(true);
            });
        }
        let result = cpe::run(config, Arc::new(Stats::default()), stopped).await;
        drop(stop);
        match result {
            Ok(report) => {
                println!(
                    "sessions: {}  failed: {}  reboots: {}  transfers reported: {}",
                    report.sessions,
                    report.failed_sessions,
                    report.reboots,
                    report.transfers_reported
                );
                for p in &report.problems {
                    eprintln!("problem: {p}");
                }
                if report.failed_sessions == 0 && report.problems.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => {
                eprintln!("cannot start the agent: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
