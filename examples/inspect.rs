//! Reads CWMP captures: `decode FILE` prints JSON, `encode FILE.json` prints XML.
//!
//! ```text
//! cargo run -p cwmp-examples --example inspect -- decode capture.xml
//! cargo run -p cwmp-examples --example inspect -- encode message.json
//! ```
//! The logic lives in `cwmp_examples::inspect` so that tests call it in-process.

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let code = cwmp_examples::inspect::run(
        &args,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
