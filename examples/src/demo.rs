//! The demo: an ACS and N CPE agents on loopback, each CPE running the provisioning
//! scenario of [`crate::policy`] to the end.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, watch};

use crate::acs::{Acs, AcsConfig, ProgressSignals};
use crate::cpe::{self, AgentConfig, AgentReport};
use crate::nat_demo::DemoServers;
use crate::natcr::Path;
use crate::store::{Store, StoreConfig};
use crate::support::{Stats, peak_rss_kib};
use crate::transport;

/// Demo settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DemoConfig {
    /// How many CPEs run the scenario.
    pub cpes: usize,
    /// How many CPEs are alive at once (each holds a listener and, in a session, a connection).
    pub concurrency: usize,
    /// Longest time one CPE may take for the whole scenario.
    pub cpe_deadline: Duration,
    /// Print progress lines on stderr.
    pub progress: bool,
    /// Log every Inform and session end of the ACS on stderr.
    pub acs_log: bool,
    /// How the ACS reaches the CPEs for the scenario's Connection Request: HTTP (each CPE
    /// listens), XMPP (a private Prosody; the CPEs open no listening socket) or UDP (a private
    /// coturn for STUN; no HTTP listener).
    pub connection_request: Path,
    /// Where the ACS keeps sessions and device records: `memory` (this process) or
    /// `redis://HOST:PORT` (shared by the nodes).
    pub store: String,
    /// ACS nodes; with more than one, each CPE sends each POST to a random node over a
    /// connection kept per node (as an HTTP load balancer with keep-alive backend
    /// connections spreads requests). More than one node with the `memory` store share an
    /// in-process store.
    pub acs_nodes: usize,
    /// With at least two nodes on a store: once node 0 has answered this many requests, it is
    /// killed abruptly, as a SIGKILL would (its runtime shut down: its tasks, connections and
    /// store client dropped mid-exchange), and the CPEs fail over to the other nodes.
    pub kill_node_after: Option<u64>,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            cpes: 100,
            concurrency: 500,
            cpe_deadline: Duration::from_secs(120),
            progress: true,
            acs_log: false,
            connection_request: Path::Http,
            store: "memory".into(),
            acs_nodes: 1,
            kill_node_after: None,
        }
    }
}

/// What a demo run did.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DemoReport {
    /// CPEs that completed the scenario.
    pub cpes_done: usize,
    /// Sessions the ACS completed.
    pub sessions: u64,
    /// RPCs exchanged (ACS requests answered by CPEs, and CPE requests).
    pub rpcs: u64,
    /// Failed sessions, failed scenario steps and CPEs that missed their deadline.
    pub failures: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// The first CPE's sessions, message by message.
    pub transcript: Vec<String>,
    /// What went wrong, per device.
    pub problems: Vec<String>,
    /// Most CPE sessions open at the ACS at once.
    pub peak_open_sessions: usize,
    /// Most CPE agents alive at once (each with its listener, tree and, in a session, its
    /// connection).
    pub peak_live_cpes: usize,
    /// Peak resident memory of the process (KiB), where /proc exists.
    pub peak_rss_kib: Option<u64>,
    /// Resident memory before the CPEs started (KiB).
    pub baseline_rss_kib: Option<u64>,
    /// With several nodes: the requests each node answered.
    pub per_node: Vec<u64>,
    /// CPU time of the ACS nodes' threads during the run (HTTP, authentication, sessions,
    /// policy, their Redis client), where `/proc` tells (a killed node's threads are gone and
    /// not counted).
    pub acs_cpu: Option<crate::cpu::CpuTime>,
    /// CPU time of the Redis server during the run (on Redis).
    pub store_cpu: Option<Duration>,
    /// With a shared store: the requests the nodes sent it (Redis round trips; 0 in memory).
    pub store_round_trips: Option<u64>,
    /// With [`DemoConfig::kill_node_after`]: what the killing of node 0 cost.
    pub failover: Option<Failover>,
}

/// What a run with node 0 killed mid-run ([`DemoConfig::kill_node_after`]) shows, from the
/// CPEs' side: every device provisioned once, none twice.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Failover {
    /// The requests node 0 had answered when it stopped (`None`: the run ended before it
    /// reached [`DemoConfig::kill_node_after`]).
    pub killed_after: Option<u64>,
    /// Requests node 0 answered after it was killed (0 unless it was not really dead).
    pub answered_after_kill: u64,
    /// CPEs that completed the scenario.
    pub cpes_done: usize,
    /// CPEs that did not complete it, or whose agent saw no reboot or no acknowledged
    /// TransferComplete.
    pub not_provisioned: usize,
    /// CPEs whose agent saw more than one reboot or more than one acknowledged
    /// TransferComplete: a step applied twice.
    pub duplicates: usize,
    /// CPE sessions given up (failed, then retried as the Session Retry Policy says): those
    /// cut off by the kill, among others.
    pub sessions_given_up: u64,
}

impl Failover {
    /// The report line.
    pub fn summary(&self) -> String {
        let killed = match self.killed_after {
            Some(n) => format!("node 0 killed after {n} requests"),
            None => "node 0 not killed (the run ended first)".to_owned(),
        };
        format!(
            "failover: {killed}, {} answered after; CPEs done: {}  not provisioned: {}  \
             duplicates: {}  sessions given up: {}",
            self.answered_after_kill,
            self.cpes_done,
            self.not_provisioned,
            self.duplicates,
            self.sessions_given_up
        )
    }
}

impl DemoReport {
    /// The summary line.
    pub fn summary(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        format!(
            "CPEs: {}  sessions: {}  RPCs: {}  failures: {}  time: {:.2}s  sessions/s: {:.0}",
            self.cpes_done,
            self.sessions,
            self.rpcs,
            self.failures,
            secs,
            self.sessions as f64 / secs
        )
    }
}

/// Counts the CPE agents alive at once.
#[derive(Debug, Default)]
struct Live {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// One live agent; leaving drops the count.
struct Alive<'a>(&'a Live);

impl Live {
    fn enter(&self) -> Alive<'_> {
        let n = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(n, Ordering::Relaxed);
        Alive(self)
    }
}

impl Drop for Alive<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::Relaxed);
    }
}

pub(crate) fn current_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Runs the demo.
pub async fn run(config: DemoConfig) -> std::io::Result<DemoReport> {
    let baseline_rss_kib = current_rss_kib();
    let acs_stats = Arc::new(Stats::default());
    let cpe_stats = Arc::new(Stats::default());
    let (path, cpes) = (config.connection_request, config.cpes);
    let servers = tokio::task::spawn_blocking(move || DemoServers::start(path, cpes))
        .await
        .map_err(std::io::Error::other)??;
    let servers = Arc::new(servers);
    let mut acs_config = AcsConfig {
        verbose: config.acs_log,
        xmpp: servers.acs_account(),
        ..AcsConfig::default()
    };
    // Every agent of the demo connects from 127.0.0.1: the per-address cap is the total one.
    acs_config.limits.max_connections_per_address = acs_config.limits.max_connections;
    let cluster = Cluster::start(&config, acs_config, &acs_stats).await?;
    if config.kill_node_after.is_some() && cluster.nodes.len() < 2 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "killing a node needs at least two nodes",
        ));
    }
    let killer = config.kill_node_after.map(|after| {
        tokio::spawn(kill_node_0(
            cluster.nodes[0].clone(),
            cluster.spread_over[0].parse().ok(),
            cluster.runtimes.clone(),
            after,
        ))
    });
    let acs = cluster.watcher.clone();
    let cpe_url = cluster.url.clone();
    let spread_over = cluster.spread_over.clone();
    // The devices' firmware holds its schema before they boot: parsed once, not timed.
    crate::device::schema();
    let acs_cpu_before = crate::cpu::threads_cpu(ACS_THREADS);
    let store_cpu_before = cluster.store_cpu().await;
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(config.concurrency.max(1)));
    let live = Arc::new(Live::default());
    let mut tasks = Vec::with_capacity(config.cpes);
    for i in 0..config.cpes {
        let acs = acs.clone();
        let gate = gate.clone();
        let live = live.clone();
        let stats = cpe_stats.clone();
        let servers = servers.clone();
        let deadline = config.cpe_deadline;
        let (cpe_url, spread_over) = (cpe_url.clone(), spread_over.clone());
        // With a node killed, a session cut off leaves its RPCs unanswered (a problem at
        // the ACS) and the next session carries on: wait for the device until its deadline.
        let patient = config.kill_node_after.is_some();
        tasks.push(tokio::spawn(async move {
            let _permit = gate
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            let serial = format!("DEMO{i:06}");
            let mut agent = AgentConfig::new(serial.clone(), cpe_url);
            agent.connection_request_listen = "127.0.0.1:0".into();
            // Several nodes: each POST to a random one.
            agent.spread_over = spread_over;
            agent.transcript = i == 0;
            servers.configure(&mut agent, i);
            let _alive = live.enter();
            run_one(&acs, agent, stats, deadline, patient).await
        }));
    }
    let mut report = DemoReport {
        baseline_rss_kib,
        ..DemoReport::default()
    };
    let mut failover = Failover::default();
    let total = config.cpes;
    let mut last_print = Instant::now();
    let mut pending = tasks.into_iter();
    let mut current = pending.next();
    while let Some(task) = current.as_mut() {
        tokio::select! {
            result = task => {
                match result {
                    Ok((serial, cpe_report, done)) => {
                        let (reboots, transfers) =
                            (cpe_report.reboots, cpe_report.transfers_reported);
                        if !done || reboots == 0 || transfers == 0 {
                            failover.not_provisioned += 1;
                        }
                        if reboots > 1 || transfers > 1 {
                            failover.duplicates += 1;
                        }
                        failover.sessions_given_up += cpe_report.failed_sessions;
                        if done {
                            report.cpes_done += 1;
                        } else {
                            report.failures += 1;
                            report.problems.push(format!("{serial}: did not finish the scenario"));
                        }
                        for p in &cpe_report.problems {
                            report.problems.push(format!("{serial}: {p}"));
                        }
                        if !cpe_report.transcript.is_empty() {
                            report.transcript = cpe_report.transcript;
                        }
                    }
                    Err(e) => {
                        report.failures += 1;
                        failover.not_provisioned += 1;
                        report.problems.push(format!("a CPE task failed: {e}"));
                    }
                }
                current = pending.next();
            }
            () = tokio::time::sleep(Duration::from_millis(250)) => {}
        }
        if config.progress && last_print.elapsed() >= Duration::from_secs(1) {
            last_print = Instant::now();
            let (_, done, _) = acs.progress();
            eprintln!(
                "  progress: {done}/{total} CPEs done, {} sessions, {} open",
                acs_stats.sessions.load(Ordering::Relaxed),
                acs.open_sessions()
            );
        }
    }
    report.elapsed = started.elapsed();
    if let Some(killer) = killer {
        failover.killed_after = match killer.is_finished() {
            // (The dead node's port is held until here.)
            true => killer.await.ok().map(|(n, _port)| n),
            false => {
                killer.abort();
                None
            }
        };
        failover.answered_after_kill = failover.killed_after.map_or(0, |n| {
            cluster.nodes[0].requests_answered().saturating_sub(n)
        });
        failover.cpes_done = report.cpes_done;
        report.failover = Some(failover);
    }
    report.acs_cpu = crate::cpu::threads_cpu(ACS_THREADS)
        .zip(acs_cpu_before)
        .map(|(after, before)| after.since(&before));
    report.store_cpu = cluster
        .store_cpu()
        .await
        .zip(store_cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    if cluster.nodes.len() > 1 {
        report.per_node = cluster.nodes.iter().map(Acs::requests_answered).collect();
    }
    report.store_round_trips =
        (!cluster.stores.is_empty()).then(|| cluster.stores.iter().map(|s| s.round_trips()).sum());
    let _ = acs.refresh_from_store().await;
    let (_, _, problems) = acs.progress();
    for (serial, p) in problems {
        report.problems.push(format!("{serial} (ACS): {p}"));
    }
    report.sessions = acs_stats.sessions.load(Ordering::Relaxed);
    report.rpcs = acs_stats.rpcs.load(Ordering::Relaxed);
    report.failures +=
        acs_stats.failures.load(Ordering::Relaxed) + cpe_stats.failures.load(Ordering::Relaxed);
    report.peak_open_sessions = acs.peak_open_sessions();
    report.peak_live_cpes = live.peak.load(Ordering::Relaxed);
    report.peak_rss_kib = peak_rss_kib();
    Ok(report)
}

/// Name prefix of the threads the ACS nodes run on (their CPU time is the ACS's share).
const ACS_THREADS: &str = "acs-node";

/// The demo's ACS: one node, or nodes on a shared store, on a runtime of their own (so that
/// their CPU time can be told from the CPEs').
struct Cluster {
    /// Where CPEs post (the first node).
    url: String,
    /// The nodes' `host:port`, when there are several: the CPEs spread their POSTs over them.
    spread_over: Vec<String>,
    /// The node the demo asks for progress: the only node without a store, else a node on
    /// the store that gets no CPE traffic (its polling is not counted in the round trips).
    watcher: Acs,
    /// The nodes that serve CPEs.
    nodes: Vec<Acs>,
    /// The store handles of the nodes that serve CPEs (Redis only).
    stores: Vec<Arc<Store>>,
    /// The watcher's store handle (Redis only): asks the server for its CPU time.
    watcher_store: Option<Arc<Store>>,
    /// The nodes' runtimes: one for all on the in-process store, else one per node (so that
    /// one node can be killed); `None` once killed.
    runtimes: Runtimes,
}

type Runtimes = Arc<Mutex<Vec<Option<tokio::runtime::Runtime>>>>;

impl Drop for Cluster {
    fn drop(&mut self) {
        let mut runtimes = self.runtimes.lock().unwrap_or_else(|e| e.into_inner());
        for runtime in runtimes.iter_mut().filter_map(Option::take) {
            runtime.shutdown_background();
        }
    }
}

/// Kills node 0 once it has answered `after` requests: its runtime is shut down, which drops
/// its tasks (listener, connections mid-exchange, store client) where they stand, as a
/// SIGKILL of a node process would. Returns the requests it had answered when its threads
/// had stopped, and a socket bound to its address without listening: connections to the dead
/// node are refused, as with a dead host's port, for the rest of the run (else the port may be
/// handed to one of the CPEs' own listeners, and the CPEs would post to a stranger).
async fn kill_node_0(
    node: Acs,
    addr: Option<std::net::SocketAddr>,
    runtimes: Runtimes,
    after: u64,
) -> (u64, Option<tokio::net::TcpSocket>) {
    while node.requests_answered() < after {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let runtime = runtimes.lock().unwrap_or_else(|e| e.into_inner())[0].take();
    if let Some(runtime) = runtime {
        // `shutdown_background`, then a wait for the worker threads to have left the tasks
        // they were polling, so that the count below is the node's last.
        let _ = tokio::task::spawn_blocking(move || {
            runtime.shutdown_timeout(Duration::from_secs(5));
        })
        .await;
    }
    let port = addr.and_then(|addr| {
        let socket = tokio::net::TcpSocket::new_v4().ok()?;
        socket.set_reuseaddr(true).ok()?;
        socket.bind(addr).ok()?;
        Some(socket)
    });
    (node.requests_answered(), port)
}

impl Cluster {
    async fn start(
        config: &DemoConfig,
        acs_config: AcsConfig,
        stats: &Arc<Stats>,
    ) -> std::io::Result<Self> {
        let nodes = config.acs_nodes.max(1);
        let in_process = config.store == "memory" && nodes == 1;
        // Two worker threads for the ACS, split between the nodes.
        let runtime = |workers: usize| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .thread_name(ACS_THREADS)
                .enable_all()
                .build()
        };
        let mut runtimes = Vec::new();
        for _ in 0..if in_process { 1 } else { nodes } {
            runtimes.push(runtime((2 / nodes).max(1))?);
        }
        let open = |spec: String| async move {
            Store::open(&spec, StoreConfig::default())
                .await
                .map(Arc::new)
                .map_err(|e| std::io::Error::other(e.to_string()))
        };
        // With the memory store and several nodes, one store shared by the nodes.
        let memory = if config.store == "memory" && !in_process {
            Some(open(config.store.clone()).await?)
        } else {
            None
        };
        // The watcher hears at once of a device a node finished.
        let signals = Arc::new(ProgressSignals::default());
        let mut acs_config = acs_config;
        acs_config.progress_signals = Some(signals);
        let mut acs = Vec::new();
        let mut addrs = Vec::new();
        let mut stores = Vec::new();
        // One runtime per node (the in-process store has one node).
        for node_runtime in &runtimes {
            let (node_config, stats) = (acs_config.clone(), stats.clone());
            let (spec, memory) = (config.store.clone(), memory.clone());
            // Started on the node's runtime: its connections and Redis client run there.
            let started = node_runtime.spawn(async move {
                let listener = transport::bind("127.0.0.1:0").await?;
                let addr = listener.local_addr()?;
                let mut node_config = node_config;
                node_config.public_base_url = Some(format!("http://{addr}"));
                let store = if in_process {
                    None
                } else {
                    let store = match memory {
                        Some(m) => m,
                        None => open(spec).await?,
                    };
                    node_config
                        .use_store(store.clone())
                        .await
                        .map_err(|e| std::io::Error::other(e.to_string()))?;
                    Some(store)
                };
                std::io::Result::Ok((addr, Acs::start(listener, node_config, stats), store))
            });
            let (addr, node, store) = started.await.map_err(std::io::Error::other)??;
            addrs.push(addr.to_string());
            acs.push(node);
            stores.extend(store.filter(|s| s.is_shared()));
        }
        if in_process {
            return Ok(Self {
                url: acs[0].url(),
                spread_over: Vec::new(),
                watcher: acs[0].clone(),
                nodes: acs,
                stores,
                watcher_store: None,
                runtimes: Arc::new(Mutex::new(runtimes.into_iter().map(Some).collect())),
            });
        }
        // The watcher: on this runtime, with a store connection of its own.
        let watcher_store = match &memory {
            Some(m) => m.clone(),
            None => open(config.store.clone()).await?,
        };
        let mut watcher_config = acs_config;
        watcher_config.public_base_url = Some(format!("http://{}", addrs[0]));
        watcher_config
            .use_store(watcher_store.clone())
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let watcher = Acs::start(
            transport::bind("127.0.0.1:0").await?,
            watcher_config,
            Arc::new(Stats::default()),
        );
        Ok(Self {
            url: acs[0].url(),
            spread_over: if nodes > 1 { addrs } else { Vec::new() },
            watcher,
            nodes: acs,
            stores,
            watcher_store: watcher_store.is_shared().then_some(watcher_store),
            runtimes: Arc::new(Mutex::new(runtimes.into_iter().map(Some).collect())),
        })
    }

    /// The Redis server's CPU time so far.
    async fn store_cpu(&self) -> Option<Duration> {
        self.watcher_store.as_ref()?.server_cpu().await
    }
}

/// Runs one CPE until the ACS has seen it through the scenario (or its deadline passes; or,
/// unless `patient`, the ACS noted a problem for it).
async fn run_one(
    acs: &Acs,
    agent: AgentConfig,
    stats: Arc<Stats>,
    deadline: Duration,
    patient: bool,
) -> (String, AgentReport, bool) {
    let serial = agent.serial.clone();
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(cpe::run(agent, stats, stopped));
    let until = Instant::now() + deadline;
    let mut done = acs.wait_for(&serial, deadline).await;
    // `wait_for` stops at the first problem the ACS noted; a patient wait goes on until the
    // device is done or its deadline passes.
    while patient && !done && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(100)).await;
        done = acs
            .wait_for(&serial, until.saturating_duration_since(Instant::now()))
            .await;
    }
    let _ = stop.send(true);
    let report = match task.await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            let mut r = AgentReport::default();
            r.problems.push(format!("agent could not start: {e}"));
            return (serial, r, false);
        }
        Err(e) => {
            let mut r = AgentReport::default();
            r.problems.push(format!("agent task failed: {e}"));
            return (serial, r, false);
        }
    };
    (serial, report, done)
}

/// Memory of sessions held open at an ACS (see [`measure_open_sessions`]).
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct OpenSessionsMemory {
    /// Sessions the ACS held open at once.
    pub open: usize,
    /// Resident memory before they were opened (KiB).
    pub rss_before_kib: u64,
    /// Resident memory with all of them open (KiB).
    pub rss_after_kib: u64,
}

impl OpenSessionsMemory {
    /// Resident memory per open session (KiB).
    pub fn per_session_kib(&self) -> f64 {
        self.rss_after_kib.saturating_sub(self.rss_before_kib) as f64 / self.open.max(1) as f64
    }
}

/// Measures what open sessions cost an ACS: `n` bare TCP clients each POST an Inform (each
/// its own device) and then keep their connection without sending anything more, so the ACS
/// holds `n` sessions (AcsSession, the policy's queued RPCs, the HTTP connection) at once.
/// The clients are plain sockets with one small request each, so the growth of resident
/// memory is the ACS's side.
pub async fn measure_open_sessions(n: usize) -> std::io::Result<OpenSessionsMemory> {
    use cwmp_types::{DeviceIdStruct, Envelope, EventCode, EventStruct, Inform};

    let mut config = AcsConfig {
        cpe_credentials: None,
        session_timeout: Duration::from_secs(600),
        max_sessions: n + 100,
        ..AcsConfig::default()
    };
    // Every client is on 127.0.0.1 and holds its connection: room for all of them.
    config.limits.max_connections = n + 100;
    config.limits.max_connections_per_address = n + 100;
    config.limits.idle_timeout = Duration::from_secs(600);
    let listener = transport::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let acs = Acs::start(listener, config, Arc::new(Stats::default()));
    // Warm up the allocator and the runtime with a few sessions first.
    let mut report = OpenSessionsMemory::default();
    let mut clients = Vec::with_capacity(n);
    let warm_up = n.min(50);
    for i in 0..n + warm_up {
        if i == warm_up {
            report.rss_before_kib = current_rss_kib().unwrap_or(0);
        }
        let inform = Inform::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", format!("HOLD{i:06}")),
            vec![EventStruct::new(EventCode::Bootstrap)],
        );
        let mut body = Vec::new();
        cwmp_soap::encode(&Envelope::with_id("1", inform), &mut body)
            .map_err(std::io::Error::other)?;
        let stream = tokio::net::TcpStream::connect(addr).await?;
        let head = format!(
            "POST /cwmp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        );
        write_all(&stream, head.as_bytes()).await?;
        write_all(&stream, &body).await?;
        // Read the InformResponse: headers, then Content-Length bytes.
        let mut got = Vec::new();
        let mut buf = [0u8; 2048];
        loop {
            let k = read_some(&stream, &mut buf).await?;
            if k == 0 {
                return Err(std::io::Error::other("the ACS closed the connection"));
            }
            got.extend_from_slice(&buf[..k]);
            if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                if !head.starts_with("http/1.1 200") {
                    return Err(std::io::Error::other(format!("the ACS answered {head}")));
                }
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if got.len() >= end + 4 + len {
                    break;
                }
            }
        }
        clients.push(stream);
    }
    report.open = acs.open_sessions().saturating_sub(warm_up);
    report.rss_after_kib = current_rss_kib().unwrap_or(0);
    drop(clients);
    Ok(report)
}

async fn write_all(stream: &tokio::net::TcpStream, mut buf: &[u8]) -> std::io::Result<()> {
    while !buf.is_empty() {
        stream.writable().await?;
        match stream.try_write(buf) {
            Ok(k) => buf = &buf[k..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

async fn read_some(stream: &tokio::net::TcpStream, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        stream.readable().await?;
        match stream.try_read(buf) {
            Ok(k) => return Ok(k),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
}
