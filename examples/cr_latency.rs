//! Figures for Connection Requests behind NAT: the agent-side memory of N XMPP connections,
//! and the time from the ACS's Connection Request to the CPE's Inform over XMPP, UDP and HTTP
//! (median and p99), with a private Prosody and coturn on loopback.
//!
//! ```sh
//! cargo run --release -p cwmp-examples --example cr_latency -- --cpes 1000
//! ```

use std::process::ExitCode;

use cwmp_examples::cr_figures;
use cwmp_examples::natcr::Path;
use cwmp_examples::support::Flags;

const USAGE: &str = "usage: cr_latency [--cpes N] [--paths xmpp,udp,http] [--no-memory]

  --cpes N        CPEs (and XMPP connections) per measurement (default 1000)
  --paths LIST    the paths to time (default xmpp,udp,http)
  --no-memory     skip the memory of N agent-side XMPP connections";

fn main() -> ExitCode {
    let parsed = Flags::command_line(
        &[
            ("cpes", true),
            ("paths", true),
            ("no-memory", false),
            ("help", false),
        ],
        USAGE,
        |flags| {
            let cpes: usize = flags.parse_or("cpes", 1000)?;
            let paths = flags
                .get("paths")
                .unwrap_or("xmpp,udp,http")
                .split(',')
                .map(str::parse)
                .collect::<Result<Vec<Path>, String>>()?;
            Ok((cpes, paths, !flags.has("no-memory")))
        },
    );
    let (cpes, paths, memory) = match parsed {
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
    let mut ok = true;
    if memory {
        match runtime.block_on(cr_figures::xmpp_memory(cpes)) {
            Ok(m) => println!(
                "XMPP: {} agent-side connections up in {:.1}s: RSS {} -> {} KiB, {:.1} KiB per \
                 connection; Prosody RSS {} KiB",
                m.connections,
                m.connect_time.as_secs_f64(),
                m.rss_before_kib,
                m.rss_after_kib,
                m.per_connection_kib(),
                m.server_rss_kib
            ),
            Err(e) => {
                eprintln!("memory: {e}");
                ok = false;
            }
        }
    }
    for path in paths {
        match runtime.block_on(cr_figures::latency(path, cpes)) {
            Ok(l) => {
                let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
                println!(
                    "{path}: {} CPEs, {} requests timed: median {:.2} ms, p99 {:.2} ms, max \
                     {:.2} ms; {} failed{}",
                    l.cpes,
                    l.samples.len(),
                    ms(l.quantile(0.5)),
                    ms(l.quantile(0.99)),
                    ms(l.quantile(1.0)),
                    l.failures,
                    l.first_failure
                        .as_deref()
                        .map_or(String::new(), |f| format!(" (first: {f})"))
                );
                ok &= l.failures == 0;
            }
            Err(e) => {
                eprintln!("{path}: {e}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
