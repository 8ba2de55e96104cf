//! cwmp-datamodel on a tree of 10,000 parameters ([`tree`]): GetParameterValues of
//! `Device.` (walk and response built), GetParameterNames of `Device.` with NextLevel false,
//! and an atomic SetParameterValues of 100 parameters (validated, applied, ParameterKey).
//! Heap figures: `cargo bench -p cwmp-benches --bench datamodel_heap`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cwmp_types::{GetParameterNames, GetParameterValues};

#[path = "datamodel_tree.rs"]
mod tree;

fn bench(c: &mut Criterion) {
    let mut model = tree::tree(tree::schema());
    let mut g = c.benchmark_group("datamodel");
    g.throughput(Throughput::Elements(tree::PARAMETERS as u64));
    let gpv = GetParameterValues::new(["Device."]);
    g.bench_function("gpv_device_10000", |b| {
        b.iter(|| black_box(model.get_parameter_values(black_box(&gpv)).unwrap()));
    });
    let gpn = GetParameterNames::new("Device.", false);
    g.bench_function("gpn_next_level_false_10000", |b| {
        b.iter(|| black_box(model.get_parameter_names(black_box(&gpn)).unwrap()));
    });
    g.throughput(Throughput::Elements(100));
    let requests: Vec<_> = (0..64).map(|r| tree::spv(100, r)).collect();
    let mut round = 0;
    g.bench_function("spv_100", |b| {
        b.iter(|| {
            round = (round + 1) % requests.len();
            black_box(model.set_parameter_values(&requests[round]).unwrap())
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
