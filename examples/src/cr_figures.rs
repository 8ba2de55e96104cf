//! The figures of BENCHMARKS.md's "Connection Requests behind NAT": what an XMPP connection
//! costs the agent, and how long the ACS waits from its Connection Request to the CPE's Inform
//! over each path, measured with the real servers (Prosody, coturn) on loopback.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cwmp_session::connreq::Credentials;
use cwmp_types::EventCode;
use tokio::sync::watch;

use crate::acs::{Acs, AcsConfig};
use crate::cpe::{self, AgentConfig};
use crate::demo::current_rss_kib;
use crate::nat_demo::{DOMAIN, DemoServers};
use crate::natcr::Path;
use crate::support::Stats;
use crate::transport;
use crate::xmpp::CpeXmpp;

/// What `n` XMPP connections of agents cost.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct XmppMemory {
    /// Connections up at once.
    pub connections: usize,
    /// Resident memory of this process before they were opened (KiB).
    pub rss_before_kib: u64,
    /// With all of them up (KiB).
    pub rss_after_kib: u64,
    /// Prosody's resident memory with all of them up (KiB).
    pub server_rss_kib: u64,
    /// How long it took to bring them all up.
    pub connect_time: Duration,
}

impl XmppMemory {
    /// Agent-side resident memory per connection (KiB).
    pub fn per_connection_kib(&self) -> f64 {
        self.rss_after_kib.saturating_sub(self.rss_before_kib) as f64
            / self.connections.max(1) as f64
    }
}

fn rss_of(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// Opens `n` agent-side XMPP connections ([`CpeXmpp`], each its own account on a private
/// Prosody) and measures this process's resident memory before and with all of them up (after
/// 50 warm-up connections, so the runtime's and allocator's fixed costs are paid first).
pub async fn xmpp_memory(n: usize) -> std::io::Result<XmppMemory> {
    let warm_up = 50;
    let servers = tokio::task::spawn_blocking(move || DemoServers::start(Path::Xmpp, n + warm_up))
        .await
        .map_err(std::io::Error::other)??;
    let credentials = Arc::new(Mutex::new(Credentials::new("acs", "acs-secret")));
    let connect = |range: std::ops::Range<usize>| {
        range
            .map(|i| {
                let account = servers
                    .cpe_account(i)
                    .ok_or_else(|| std::io::Error::other("no Prosody"))?;
                CpeXmpp::start(&account, vec![format!("acs@{DOMAIN}")], credentials.clone())
                    .map_err(std::io::Error::other)
            })
            .collect::<std::io::Result<Vec<_>>>()
    };
    let mut warm = connect(0..warm_up)?;
    for c in &mut warm {
        c.online(Duration::from_secs(60)).await;
    }
    let mut report = XmppMemory {
        rss_before_kib: current_rss_kib().unwrap_or(0),
        ..XmppMemory::default()
    };
    let started = Instant::now();
    let mut clients = connect(warm_up..warm_up + n)?;
    for c in &mut clients {
        if c.online(Duration::from_secs(120)).await.is_some() {
            report.connections += 1;
        }
    }
    report.connect_time = started.elapsed();
    // Let the streams settle (roster, presence, buffers) before reading the figure.
    tokio::time::sleep(Duration::from_millis(500)).await;
    report.rss_after_kib = current_rss_kib().unwrap_or(0);
    report.server_rss_kib = servers.xmpp_server_pid().map_or(0, rss_of);
    Ok(report)
}

/// Times from the ACS's Connection Request to the CPE's Inform over one path.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Latency {
    /// The path.
    pub path: Option<Path>,
    /// CPEs running (all holding their XMPP connection or UDP binding).
    pub cpes: usize,
    /// One sample per CPE, sorted.
    pub samples: Vec<Duration>,
    /// Requests that failed, with the reason of the first.
    pub failures: usize,
    /// The first failure.
    pub first_failure: Option<String>,
}

impl Latency {
    /// The `q` quantile (0..=1) of the samples (nearest rank).
    pub fn quantile(&self, q: f64) -> Duration {
        if self.samples.is_empty() {
            return Duration::ZERO;
        }
        let rank = (q * self.samples.len() as f64).ceil() as usize;
        self.samples[rank.clamp(1, self.samples.len()) - 1]
    }
}

/// Starts `cpes` agents reachable over `path` (as in the demo), takes them through the
/// scenario, then sends each, one after the other, a Connection Request and measures the time
/// until the ACS receives its Inform with `6 CONNECTION REQUEST`.
pub async fn latency(path: Path, cpes: usize) -> std::io::Result<Latency> {
    let servers = tokio::task::spawn_blocking(move || DemoServers::start(path, cpes))
        .await
        .map_err(std::io::Error::other)??;
    let config = AcsConfig {
        xmpp: servers.acs_account(),
        ..AcsConfig::default()
    };
    let acs = Acs::start(
        transport::bind("127.0.0.1:0").await?,
        config,
        Arc::new(Stats::default()),
    );
    let (stop, stopped) = watch::channel(false);
    let stats = Arc::new(Stats::default());
    let mut agents = Vec::with_capacity(cpes);
    let serials: Vec<String> = (0..cpes).map(|i| format!("LAT{i:06}")).collect();
    // Started 100 at a time, each batch through the scenario before the next: a thousand
    // XMPP logins at once (SCRAM on both sides) would keep the 2 cores busy for seconds.
    for (batch, chunk) in serials.chunks(100).enumerate() {
        for (k, serial) in chunk.iter().enumerate() {
            let mut agent = AgentConfig::new(serial.clone(), acs.url());
            agent.connection_request_listen = "127.0.0.1:0".into();
            servers.configure(&mut agent, batch * 100 + k);
            agents.push(tokio::spawn(cpe::run(
                agent,
                stats.clone(),
                stopped.clone(),
            )));
        }
        for serial in chunk {
            if !acs.wait_for(serial, Duration::from_secs(120)).await {
                let _ = stop.send(true);
                return Err(std::io::Error::other(format!(
                    "{serial} did not finish the scenario: {:?}",
                    acs.progress().2.first()
                )));
            }
        }
    }
    let mut report = Latency {
        path: Some(path),
        cpes,
        ..Latency::default()
    };
    let mut informs = acs.informs();
    for serial in &serials {
        let started = Instant::now();
        if let Err(e) = acs.connection_request(serial).await {
            report.failures += 1;
            report.first_failure.get_or_insert(e);
            continue;
        }
        let seen = tokio::time::timeout(Duration::from_secs(10), async {
            while let Ok((s, events)) = informs.recv().await {
                if s == *serial && events.contains(&EventCode::ConnectionRequest) {
                    return true;
                }
            }
            false
        })
        .await;
        match seen {
            Ok(true) => report.samples.push(started.elapsed()),
            _ => {
                report.failures += 1;
                report
                    .first_failure
                    .get_or_insert_with(|| format!("{serial}: no Inform within 10 s"));
            }
        }
    }
    let _ = stop.send(true);
    for a in agents {
        let _ = a.await;
    }
    report.samples.sort();
    Ok(report)
}
