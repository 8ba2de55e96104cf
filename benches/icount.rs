//! A fixed number of decodes of one input, by cwmp-soap or by the quick-xml floor, of
//! encodes of it, or of whole sessions (`cwmp_benches::sessions`), for counting instructions
//! under valgrind: unlike time, the count does not depend on what else the machine is doing,
//! so it tells small changes apart on a busy machine.
//!
//! ```sh
//! cargo bench -p cwmp-benches --bench icount --no-run
//! B=$(ls -t target/release/deps/icount-* | grep -v '\.d$' | head -1)
//! valgrind --tool=cachegrind --cache-sim=no $B ours gpv_resp_1000 20   # or `floor`
//! valgrind --tool=cachegrind --cache-sim=no $B encode gpv_resp_1000 20 # the encoder
//! valgrind --tool=cachegrind --cache-sim=no $B session acs 40         # or `pair`
//! ```
//! Subtracting the count of a run with fewer iterations leaves the cost per decode (encode,
//! session).

use std::hint::black_box;
use std::time::Instant;

use cwmp_benches::{floor, sessions};

fn main() {
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with("--")).collect();
    let [_, who, name, n] = args.as_slice() else {
        // `cargo bench` without arguments runs every bench target: nothing to do here.
        eprintln!(
            "usage: icount ours|floor|encode <input> <iterations> | icount session acs|pair <iterations>"
        );
        return;
    };
    let n: usize = n.parse().expect("iterations");
    if who == "session" {
        let names = sessions::names();
        let values = sessions::values();
        let (inform, gpv_response) = sessions::acs_inputs();
        let t0 = Instant::now();
        for _ in 0..n {
            black_box(match name.as_str() {
                "acs" => {
                    sessions::acs_session(black_box(&inform), black_box(&gpv_response), &names)
                }
                "pair" => sessions::pair_session(t0, black_box(&names), black_box(&values)),
                other => panic!("no session named {other} (acs or pair)"),
            });
        }
        return;
    }
    let Some(case) = cwmp_benches::cases().into_iter().find(|c| c.name == name) else {
        panic!("no input named {name}");
    };
    let mut out = Vec::with_capacity(case.xml.len());
    for _ in 0..n {
        match who.as_str() {
            "ours" => {
                black_box(cwmp_soap::decode(black_box(&case.xml)).is_ok());
            }
            "encode" => {
                out.clear();
                black_box(cwmp_soap::encode(black_box(&case.envelope), &mut out).is_ok());
            }
            _ => {
                black_box(floor(black_box(&case.xml)));
            }
        }
    }
}
