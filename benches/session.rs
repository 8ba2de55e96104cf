//! A whole CWMP session in memory, including encode and decode of every message:
//! Inform, InformResponse, empty POST, GetParameterValues of 50 parameters, its response,
//! 204 (`cwmp_benches::sessions`). Measured for the ACS side alone (what a server spends per
//! session) and for both sides together. Throughput is in sessions per second.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cwmp_benches::sessions::{acs_inputs, acs_session, names, pair_session, values};

fn bench(c: &mut Criterion) {
    let names = names();
    let values = values();
    let (inform_bytes, gpv_response) = acs_inputs();

    let mut g = c.benchmark_group("session");
    g.throughput(Throughput::Elements(1));
    g.bench_function("acs_side_gpv50", |b| {
        b.iter(|| acs_session(black_box(&inform_bytes), black_box(&gpv_response), &names))
    });
    let t0 = Instant::now();
    g.bench_function("cpe_and_acs_gpv50", |b| {
        b.iter(|| pair_session(t0, black_box(&names), black_box(&values)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
