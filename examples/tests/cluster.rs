//! The example ACS as a cluster on a real `redis-server` (started by each test on a free
//! loopback port): nodes behind the load balancer, with CPEs that open a new connection for
//! each POST so that every POST goes to the other node, racing duplicate POSTs, and a node
//! (an `acs_server --store redis://…` process) killed with SIGKILL in the middle of a run.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use common::redis::RedisServer;
use cwmp_examples::acs::{Acs, AcsConfig};
use cwmp_examples::balancer::{self, BalancerStats, Pick};
use cwmp_examples::cpe::{self, AgentConfig, AgentReport};
use cwmp_examples::store::{Store, StoreConfig};
use cwmp_examples::support::Stats;
use cwmp_examples::transport::{SessionClient, bind};
use cwmp_types::{DeviceIdStruct, Envelope, EventCode, EventStruct, Inform};
use hyper::Uri;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Longest a fleet may take to complete the scenario (a run takes a few seconds).
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(40);

/// A node's settings: the shared store, the balancer's URL for the firmware.
async fn node_config(store: Arc<Store>, public: &str) -> AcsConfig {
    let mut config = AcsConfig::default();
    config.use_store(store).await.unwrap();
    config.public_base_url = Some(public.to_owned());
    config.session_timeout = Duration::from_secs(10);
    config
}

/// CPE agents running until stopped.
struct Fleet {
    serials: Vec<String>,
    agents: Vec<(
        watch::Sender<bool>,
        JoinHandle<std::io::Result<AgentReport>>,
    )>,
}

fn start_cpes(n: usize, url: &str, prefix: &str) -> Fleet {
    let mut fleet = Fleet {
        serials: Vec::new(),
        agents: Vec::new(),
    };
    for i in 0..n {
        let serial = format!("{prefix}{i:04}");
        let mut agent = AgentConfig::new(serial.clone(), url.to_owned());
        agent.connection_request_listen = "127.0.0.1:0".into();
        agent.retry_policy = cwmp_session::RetryPolicy::new(1, 1000).unwrap();
        // A new TCP connection for each POST: the balancer sends each to the next node.
        agent.reconnect_each_post = true;
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(cpe::run(agent, Arc::new(Stats::default()), stopped));
        fleet.serials.push(serial);
        fleet.agents.push((stop, task));
    }
    fleet
}

impl Fleet {
    async fn stop(self) -> Vec<AgentReport> {
        let mut reports = Vec::new();
        for (stop, task) in self.agents {
            let _ = stop.send(true);
            reports.push(task.await.unwrap().unwrap());
        }
        reports
    }
}

/// The device records in the store, as JSON, by serial number.
async fn records(store: &Store) -> Vec<(String, serde_json::Value)> {
    let mut out: Vec<_> = store
        .devices()
        .await
        .unwrap()
        .into_iter()
        .map(|(s, b)| (s, serde_json::from_slice(&b).unwrap()))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn done(record: &serde_json::Value) -> bool {
    record["policy"]["stage"] == "Done" && record["in_session"] == false
}

/// Waits until every device completed the scenario (by the store's records); what is
/// missing after `SCENARIO_TIMEOUT`.
async fn wait_all_done(store: &Store, serials: &[String]) -> Result<(), String> {
    let give_up = tokio::time::Instant::now() + SCENARIO_TIMEOUT;
    loop {
        let records = records(store).await;
        let finished = serials
            .iter()
            .filter(|s| records.iter().any(|(k, r)| k == *s && done(r)))
            .count();
        if finished == serials.len() {
            return Ok(());
        }
        if tokio::time::Instant::now() > give_up {
            let missing: Vec<_> = records.iter().filter(|(_, r)| !done(r)).collect();
            return Err(format!(
                "{finished}/{} devices done: {missing:#?}",
                serials.len()
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What every device must show once the run is over: the scenario done once, no RPC
/// recorded as wrong by the ACS (faulted, failed, answered by a mismatched response), and on
/// the CPE side one download and one reboot. With `node_died`, a session that the CPE gave
/// up when its node died (ended as aborted by the CPE's next Inform, or timed out) is
/// allowed; returns how many there were.
async fn assert_provisioned_once(
    store: &Store,
    reports: &[AgentReport],
    serials: &[String],
    node_died: bool,
) -> usize {
    let records = records(store).await;
    assert_eq!(records.len(), serials.len());
    let mut abandoned = 0;
    for (serial, r) in &records {
        assert!(done(r), "{serial}: {r}");
        for p in r["policy"]["problems"].as_array().unwrap() {
            let p = p.as_str().unwrap();
            let given_up =
                p == "session ended: Aborted" || p.starts_with("session ended: TimedOut");
            assert!(node_died && given_up, "{serial}: {p}");
            abandoned += 1;
        }
        assert_eq!(r["connection_request_sent"], true, "{serial}");
    }
    for (serial, report) in serials.iter().zip(reports) {
        assert_eq!(report.reboots, 1, "{serial}: {report:?}");
        assert_eq!(report.transfers_reported, 1, "{serial}: {report:?}");
    }
    abandoned
}

/// A connection of its own to the test's Redis (as another process would have).
async fn open(redis: &RedisServer) -> Arc<Store> {
    Arc::new(
        Store::open(&redis.url(), StoreConfig::default())
            .await
            .unwrap(),
    )
}

/// A load balancer in front of `backends`; its URL and counts.
async fn balance(backends: Vec<SocketAddr>, pick: Pick) -> (String, Arc<BalancerStats>) {
    let listener = bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (url, balancer::start(listener, backends, pick, 7))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_each_post_to_the_next_node_in_turn() {
    let redis = RedisServer::start();
    let (a, b) = (
        bind("127.0.0.1:0").await.unwrap(),
        bind("127.0.0.1:0").await.unwrap(),
    );
    let backends = vec![a.local_addr().unwrap(), b.local_addr().unwrap()];
    let (url, lb) = balance(backends, Pick::RoundRobin).await;
    let stats = [Arc::new(Stats::default()), Arc::new(Stats::default())];
    let nodes = [
        Acs::start(
            a,
            node_config(open(&redis).await, &url).await,
            stats[0].clone(),
        ),
        Acs::start(
            b,
            node_config(open(&redis).await, &url).await,
            stats[1].clone(),
        ),
    ];
    let fleet = start_cpes(20, &format!("{url}/cwmp"), "TWO");
    let serials = fleet.serials.clone();
    let check = open(&redis).await;
    let finished = wait_all_done(&check, &serials).await;
    let reports = fleet.stop().await;
    if let Err(e) = finished {
        panic!("{e}\n{reports:#?}");
    }
    assert_eq!(
        assert_provisioned_once(&check, &reports, &serials, false).await,
        0
    );
    // Both nodes served, in turns.
    for (i, n) in lb.answered.iter().enumerate() {
        assert!(n.load(Ordering::Relaxed) > 100, "node {i}: {lb:?}");
    }
    assert_eq!(lb.retried.load(Ordering::Relaxed), 0);
    // Every RPC counted once across the nodes: the same count as one node in memory gives.
    let total = |f: fn(&Stats) -> u64| stats.iter().map(|s| f(s)).sum::<u64>();
    let (rpcs, sessions) = (
        total(|s| s.rpcs.load(Ordering::Relaxed)),
        total(|s| s.sessions.load(Ordering::Relaxed)),
    );
    let (one_rpcs, one_sessions) = one_node_in_memory().await;
    assert_eq!(rpcs, 20 * one_rpcs);
    assert_eq!(sessions, 20 * one_sessions);
    assert_eq!(total(|s| s.failures.load(Ordering::Relaxed)), 0);
    // Each node knows the whole fleet from the store.
    nodes[0].refresh_from_store().await.unwrap();
    let (devices, finished, problems) = nodes[0].progress();
    assert_eq!((devices, finished, problems.len()), (20, 20, 0));
}

/// One CPE through the scenario against one in-memory node: the RPCs and sessions it takes.
async fn one_node_in_memory() -> (u64, u64) {
    let stats = Arc::new(Stats::default());
    let acs = Acs::start(
        bind("127.0.0.1:0").await.unwrap(),
        AcsConfig::default(),
        stats.clone(),
    );
    let fleet = start_cpes(1, &acs.url(), "ONE");
    assert!(acs.wait_for(&fleet.serials[0], SCENARIO_TIMEOUT).await);
    fleet.stop().await;
    (
        stats.rpcs.load(Ordering::Relaxed),
        stats.sessions.load(Ordering::Relaxed),
    )
}

fn inform(serial: &str) -> Bytes {
    let mut out = Vec::new();
    let env = Envelope::with_id(
        "1",
        Inform::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", serial),
            vec![EventStruct::new(EventCode::Bootstrap)],
        ),
    );
    cwmp_soap::encode(&env, &mut out).unwrap();
    Bytes::from(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_duplicate_posts_on_two_nodes_are_applied_once() {
    let redis = RedisServer::start();
    let mut nodes = Vec::new();
    let mut stats = Vec::new();
    let mut urls = Vec::new();
    for _ in 0..2 {
        let store = Arc::new(
            Store::open(&redis.url(), StoreConfig::default())
                .await
                .unwrap(),
        );
        let s = Arc::new(Stats::default());
        let mut config = node_config(store, "http://127.0.0.1:1").await;
        config.cpe_credentials = None;
        let listener = bind("127.0.0.1:0").await.unwrap();
        urls.push(
            format!("http://{}/cwmp", listener.local_addr().unwrap())
                .parse::<Uri>()
                .unwrap(),
        );
        nodes.push(Acs::start(listener, config, s.clone()));
        stats.push(s);
    }
    let races = 50;
    for i in 0..races {
        // The Inform on one node; its cookie then goes with both copies of each POST.
        let mut first = SessionClient::default();
        let r = first
            .post(&urls[0], inform(&format!("RACE{i:04}")), None, true)
            .await
            .unwrap();
        assert_eq!(r.status, 200);
        let mut body = Bytes::new(); // the empty POST
        loop {
            let mut second = SessionClient::default();
            second.jar = first.jar.clone();
            let (x, y) = tokio::join!(
                first.post(&urls[0], body.clone(), None, true),
                second.post(&urls[1], body.clone(), None, true)
            );
            let (x, y) = (x.unwrap(), y.unwrap());
            assert_eq!((x.status, &x.body), (y.status, &y.body), "race {i}");
            if x.body.is_empty() {
                break; // 204: the session is over
            }
            // Answer the request (whatever it is) with a fault: the policy records it and
            // moves on; answered twice, it would be recorded twice.
            let request = cwmp_soap::decode(&x.body).unwrap().envelope;
            let mut fault = cwmp_types::Fault::new(cwmp_types::FaultCode::InternalError);
            fault.fault_string = "racing".into();
            let mut out = Vec::new();
            cwmp_soap::encode(
                &Envelope::with_id(request.header.id.unwrap(), fault),
                &mut out,
            )
            .unwrap();
            body = Bytes::from(out);
        }
    }
    let store = Store::open(&redis.url(), StoreConfig::default())
        .await
        .unwrap();
    let records = records(&store).await;
    assert_eq!(records.len(), races);
    for (serial, r) in &records {
        // The policy's three first requests of a new device each got one fault, each
        // recorded once.
        let problems = r["policy"]["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 3, "{serial}: {problems:?}");
    }
    let sessions: u64 = stats
        .iter()
        .map(|s| s.sessions.load(Ordering::Relaxed))
        .sum();
    assert_eq!(sessions, races as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_run_loses_nothing_and_applies_nothing_twice() {
    let redis = RedisServer::start();
    // The balancer's port first (the nodes need its URL for the firmware), then the nodes.
    let listener = bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let node = || {
        common::acs_server(&[
            "--store",
            &redis.url(),
            "--public-url",
            &url,
            "--session-timeout",
            "10",
        ])
    };
    // (Their CWMP URL is the balancer's: their own address is on the store line.)
    let address = |p: &mut common::Proc| -> SocketAddr {
        let line = p.wait_line("this node listens on", Duration::from_secs(20));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    let (mut victim, _, _) = node();
    let (mut survivor, _, _) = node();
    let (a, b) = (address(&mut victim), address(&mut survivor));
    eprintln!("nodes at {a} and {b}");
    let lb = balancer::start(listener, vec![a, b], Pick::RoundRobin, 11);
    let fleet = start_cpes(20, &format!("{url}/cwmp"), "KILL");
    let serials = fleet.serials.clone();
    let store = Store::open(&redis.url(), StoreConfig::default())
        .await
        .unwrap();
    // Kill the first node once the run is well under way: some devices done, most not.
    let give_up = tokio::time::Instant::now() + SCENARIO_TIMEOUT;
    loop {
        let finished = records(&store)
            .await
            .iter()
            .filter(|(_, r)| done(r))
            .count();
        let answered = lb.answered[0].load(Ordering::Relaxed);
        if finished >= 1 || answered > 300 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < give_up,
            "the run did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("killing the first node");
    victim.signal("KILL");
    let (clean_exit, _) = victim.finish(Duration::from_secs(10));
    assert!(!clean_exit, "killed");
    // Answers it wrote before dying may still be in the balancer's socket buffers.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = lb.answered[0].load(Ordering::Relaxed);
    let finished = wait_all_done(&store, &serials).await;
    let reports = fleet.stop().await;
    if let Err(e) = finished {
        panic!("{e}\n{reports:#?}");
    }
    let abandoned = assert_provisioned_once(&store, &reports, &serials, true).await;
    eprintln!("sessions given up when the node died: {abandoned}");
    assert_eq!(
        lb.answered[0].load(Ordering::Relaxed),
        before,
        "the dead node answered"
    );
    assert!(lb.answered[1].load(Ordering::Relaxed) > 0);
    drop(survivor);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_spreads_cpes_over_two_nodes_on_redis() {
    let redis = RedisServer::start();
    let mut config = cwmp_examples::demo::DemoConfig::default();
    config.cpes = 30;
    config.progress = false;
    config.store = redis.url();
    config.acs_nodes = 2;
    let report = cwmp_examples::demo::run(config).await.unwrap();
    assert_eq!(report.cpes_done, 30, "{:?}", report.problems);
    assert_eq!((report.failures, report.problems.len()), (0, 0));
    // The scenario's four sessions per CPE, every POST on a random node.
    assert_eq!(report.sessions, 30 * 4);
    assert_eq!(report.per_node.len(), 2);
    assert!(
        report.per_node.iter().all(|n| *n > 100),
        "{:?}",
        report.per_node
    );
    // Each POST costs the nodes a few Redis round trips: some, and not unbounded.
    let trips = report.store_round_trips.unwrap();
    assert!(
        trips > report.sessions && trips < report.sessions * 40,
        "{trips}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cpe_that_drops_cookies_is_found_by_its_connection_on_a_shared_store() {
    let redis = RedisServer::start();
    let listener = bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let acs = Acs::start(
        listener,
        node_config(open(&redis).await, &url).await,
        Arc::new(Stats::default()),
    );
    let mut agent = AgentConfig::new("NOCOOKIE".to_owned(), acs.url());
    agent.connection_request_listen = "127.0.0.1:0".into();
    agent.drop_cookies = true;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(cpe::run(agent, Arc::new(Stats::default()), stopped));
    let done = acs.wait_for("NOCOOKIE", SCENARIO_TIMEOUT).await;
    let _ = stop.send(true);
    let report = task.await.unwrap().unwrap();
    assert!(done, "{report:?} {:?}", acs.progress());
    assert_eq!((report.reboots, report.transfers_reported), (1, 1));
    assert_eq!(acs.progress().2, Vec::<(String, String)>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_fails_over_when_a_node_is_killed_mid_run() {
    let redis = RedisServer::start();
    let mut config = cwmp_examples::demo::DemoConfig::default();
    config.cpes = 40;
    config.progress = false;
    config.store = redis.url();
    config.acs_nodes = 2;
    config.kill_node_after = Some(150);
    let report = cwmp_examples::demo::run(config).await.unwrap();
    let failover = report.failover.clone().unwrap();
    eprintln!("{}", failover.summary());
    let killed = failover.killed_after.expect("node 0 was killed mid-run");
    assert!(killed >= 150, "{killed}");
    assert_eq!(failover.answered_after_kill, 0, "the dead node answered");
    assert_eq!(report.per_node[0], killed);
    assert_eq!(
        (
            failover.cpes_done,
            failover.not_provisioned,
            failover.duplicates
        ),
        (40, 0, 0),
        "{:#?}",
        report.problems
    );
    // The survivor took the rest of the run.
    assert!(report.per_node[1] > 0, "{:?}", report.per_node);
}
