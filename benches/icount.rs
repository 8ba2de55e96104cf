//! A fixed number of decodes of one input, by cwmp-soap or by the quick-xml floor, for
//! counting instructions under valgrind: unlike time, the count does not depend on what
//! else the machine is doing, so it tells small changes apart on a busy machine.
//!
//! ```sh
//! cargo bench -p cwmp-benches --bench icount --no-run
//! B=$(ls -t target/release/deps/icount-* | grep -v '\.d$' | head -1)
//! valgrind --tool=cachegrind --cache-sim=no $B ours gpv_resp_1000 20   # or `floor`
//! ```
//! Subtracting the count of a run with fewer iterations leaves the cost per decode.

use std::hint::black_box;

use cwmp_benches::floor;

fn main() {
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with("--")).collect();
    let [_, who, name, n] = args.as_slice() else {
        // `cargo bench` without arguments runs every bench target: nothing to do here.
        eprintln!("usage: icount ours|floor <input> <iterations>");
        return;
    };
    let Some(case) = cwmp_benches::cases().into_iter().find(|c| c.name == name) else {
        panic!("no input named {name}");
    };
    let n: usize = n.parse().expect("iterations");
    for _ in 0..n {
        if who == "ours" {
            black_box(cwmp_soap::decode(black_box(&case.xml)).is_ok());
        } else {
            black_box(floor(black_box(&case.xml)));
        }
    }
}
