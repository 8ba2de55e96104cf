//! The demo: an ACS and N CPEs on loopback, each running a provisioning scenario.
//!
//! ```sh
//! cargo run --release -p cwmp-examples --example demo -- [--cpes N] [--concurrency N] [--quiet]
//! cargo run --release -p cwmp-examples --example demo -- --store redis://127.0.0.1:6379 --acs-nodes 2
//! cargo run --release -p cwmp-examples --example demo -- --store redis://127.0.0.1:6379 --acs-nodes 2 --kill-node 3000
//! ```

use std::process::ExitCode;

use cwmp_examples::demo::{self, DemoConfig};
use cwmp_examples::support::{Flags, open_files_limit};

const USAGE: &str = "usage: demo [--cpes N] [--concurrency N] [--deadline SECONDS] [--quiet]
            [--acs-log] [--hold-sessions N] [--connection-request http|udp|xmpp]
            [--store memory|redis://HOST:PORT] [--acs-nodes N] [--kill-node N]

  --cpes N           CPEs that run the scenario (default 100)
  --concurrency N    CPEs alive at once (default 500)
  --deadline S       longest time one CPE may take (default 120)
  --quiet            no progress lines
  --acs-log          the ACS logs every Inform and session end on stderr
  --hold-sessions N  afterwards, hold N sessions open at a second ACS (bare TCP clients that
                     send an Inform and nothing more) and print the memory per open session
                     (with --cpes 0 for a clean figure: memory the CPE run freed is reused
                     first)
  --connection-request http|udp|xmpp
                     how the ACS reaches the CPEs for the scenario's Connection Request:
                     http (default; each CPE listens), xmpp (a private Prosody with an account
                     per CPE; the CPEs open no listening socket) or udp (signed datagrams, a
                     private coturn for STUN; no HTTP listener)
  --store S          where the ACS keeps sessions and device records: memory (default) or
                     redis://HOST:PORT (use an empty Redis: the demo's serial numbers are
                     the same on every run)
  --acs-nodes N      N ACS nodes on the store; each CPE sends each POST to a random node over
                     a connection kept per node, as an HTTP load balancer with keep-alive
                     backend connections would (default 1; with memory, the nodes share an
                     in-process store)
  --kill-node N      with --acs-nodes 2 or more: once node 0 has answered N requests, kill it
                     abruptly, as a SIGKILL would (its connections and store client dropped
                     mid-exchange); the CPEs fail over to the live nodes. Prints the failover
                     counts: after how many requests node 0 died (and what it answered after),
                     CPEs done, CPEs not provisioned, duplicates (CPEs that saw a reboot or an
                     acknowledged TransferComplete twice) and sessions given up (retried)";

fn main() -> ExitCode {
    let parsed = Flags::command_line(
        &[
            ("cpes", true),
            ("concurrency", true),
            ("deadline", true),
            ("quiet", false),
            ("hold-sessions", true),
            ("acs-log", false),
            ("connection-request", true),
            ("store", true),
            ("acs-nodes", true),
            ("kill-node", true),
            ("help", false),
        ],
        USAGE,
        |flags| {
            let mut config = DemoConfig::default();
            let hold: usize = flags.parse_or("hold-sessions", 0)?;
            config.cpes = flags.parse_or("cpes", config.cpes)?;
            config.concurrency = flags.parse_or("concurrency", config.concurrency)?;
            config.cpe_deadline = std::time::Duration::from_secs(
                flags.parse_or("deadline", config.cpe_deadline.as_secs())?,
            );
            config.progress = !flags.has("quiet");
            config.acs_log = flags.has("acs-log");
            config.store = flags.get("store").unwrap_or("memory").to_owned();
            if config.store != "memory" && !config.store.starts_with("redis://") {
                return Err(format!(
                    "--store {:?}: expected memory or redis://HOST:PORT",
                    config.store
                ));
            }
            config.acs_nodes = flags.parse_or("acs-nodes", config.acs_nodes)?.max(1);
            if flags.has("kill-node") {
                if config.acs_nodes < 2 {
                    return Err("--kill-node needs --acs-nodes 2 or more".to_owned());
                }
                config.kill_node_after = Some(flags.parse_or("kill-node", 0)?);
            }
            if let Some(path) = flags.get("connection-request") {
                config.connection_request = path.parse()?;
            }
            Ok((config, hold))
        },
    );
    let (mut config, mut hold) = match parsed {
        Ok(c) => c,
        Err(code) => return code,
    };
    // Each live CPE holds up to four descriptors (its listener, its connection, the ACS's
    // side of it, a Connection Request): stay well inside the process's limit.
    if let Some(limit) = open_files_limit() {
        let fit = usize::try_from(limit.saturating_sub(200) / 4)
            .unwrap_or(usize::MAX)
            .max(1);
        // Holding a session open takes two (the client's socket and the ACS's).
        let hold_fit = usize::try_from(limit.saturating_sub(200) / 2).unwrap_or(usize::MAX);
        if hold > hold_fit {
            eprintln!("note: holding {hold_fit} sessions open (open file limit {limit})");
            hold = hold_fit;
        }
        if config.concurrency > fit {
            eprintln!(
                "note: at most {fit} CPEs at a time (open file limit {limit}; raise it with \
                 `ulimit -n` for more)"
            );
            config.concurrency = fit;
        }
    }
    println!(
        "cwmp-rs demo: {} ACS node(s) on 127.0.0.1 (store: {}) and {} CPEs ({} at a time), each running: \
         0 BOOTSTRAP; GetParameterValues Device.DeviceInfo.; SetParameterValues \
         PeriodicInformInterval; AddObject + SetParameterValues; GetParameterNames; \
         Download -> TransferComplete; Reboot -> 1 BOOT + M Reboot; Connection Request -> \
         6 CONNECTION REQUEST (over {})",
        config.acs_nodes, config.store, config.cpes, config.concurrency, config.connection_request
    );
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
    let report = match runtime.block_on(demo::run(config)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("demo failed to start: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !report.transcript.is_empty() {
        println!("\nTranscript of CPE DEMO000000:");
        for line in &report.transcript {
            println!("  {line}");
        }
        println!();
    }
    for p in report.problems.iter().take(20) {
        eprintln!("problem: {p}");
    }
    if report.problems.len() > 20 {
        eprintln!("... and {} more problems", report.problems.len() - 20);
    }
    if let (Some(peak), Some(base)) = (report.peak_rss_kib, report.baseline_rss_kib) {
        let per_cpe = peak.saturating_sub(base) as f64 / report.peak_live_cpes.max(1) as f64;
        println!(
            "memory: peak RSS {peak} KiB (baseline {base} KiB); at most {} CPEs alive and {} \
             sessions open at the ACS at once; {per_cpe:.1} KiB per live CPE (agent, its ACS \
             session and connections)",
            report.peak_live_cpes, report.peak_open_sessions
        );
    }
    if hold > 0 {
        match runtime.block_on(demo::measure_open_sessions(hold)) {
            Ok(m) => println!(
                "ACS memory: {} sessions held open: RSS {} -> {} KiB, {:.1} KiB per open session",
                m.open,
                m.rss_before_kib,
                m.rss_after_kib,
                m.per_session_kib()
            ),
            Err(e) => eprintln!("cannot hold {hold} sessions open: {e}"),
        }
    }
    for (i, n) in report.per_node.iter().enumerate() {
        println!("ACS node {i}: {n} requests answered");
    }
    if let Some(cpu) = report.acs_cpu {
        let sessions = report.sessions.max(1) as f64;
        let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / sessions;
        print!(
            "ACS CPU: {:.2}s, {:.1} µs per session ({:.1} user, {:.1} kernel)",
            cpu.total().as_secs_f64(),
            per(cpu.total()),
            per(cpu.user),
            per(cpu.system)
        );
        if let Some(redis) = report.store_cpu {
            print!(
                "; Redis server CPU: {:.2}s, {:.1} µs per session",
                redis.as_secs_f64(),
                redis.as_secs_f64() * 1e6 / sessions
            );
        }
        println!();
    }
    if let Some(trips) = report.store_round_trips {
        println!(
            "store: {trips} Redis round trips by the nodes, {:.1} per session",
            trips as f64 / report.sessions.max(1) as f64
        );
    }
    println!("{}", report.summary());
    // With a node killed, sessions fail on the way (and are retried): what counts is that
    // every device was provisioned, and none twice.
    let clean = match &report.failover {
        Some(f) => {
            println!("{}", f.summary());
            f.not_provisioned == 0 && f.duplicates == 0
        }
        None => report.failures == 0 && report.problems.is_empty(),
    };
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
