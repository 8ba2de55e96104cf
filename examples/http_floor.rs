//! The HTTP floor under the ACS's CPU per session: the example ACS's HTTP server answering
//! canned CWMP bodies to the CPE agents' HTTP client, sessions of a connection and 5 POSTs
//! (see `cwmp_examples::http_floor`). It prints the server's CPU per session.
//!
//! ```sh
//! cargo run --release -p cwmp-examples --example http_floor -- [--sessions N] [--concurrency N]
//! ```

use std::process::ExitCode;

use cwmp_examples::http_floor;
use cwmp_examples::support::Flags;

const USAGE: &str = "usage: http_floor [--sessions N] [--concurrency N]

  --sessions N     sessions to run (default 20000)
  --concurrency N  clients at once, each running sessions one after another (default 500)";

fn main() -> ExitCode {
    let parsed = Flags::command_line(
        &[("sessions", true), ("concurrency", true), ("help", false)],
        USAGE,
        |flags| {
            let sessions: u64 = flags.parse_or("sessions", 20_000)?;
            let concurrency: u64 = flags.parse_or("concurrency", 500)?;
            Ok((sessions, concurrency.max(1)))
        },
    );
    let (sessions, concurrency) = match parsed {
        Ok(p) => p,
        Err(code) => return code,
    };
    match http_floor::run(sessions, concurrency) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("http_floor: {e}");
            ExitCode::FAILURE
        }
    }
}
