//! Encode throughput of cwmp-soap on every input (bytes written per second).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn encode(c: &mut Criterion) {
    for case in cwmp_benches::cases() {
        let mut group = c.benchmark_group(format!("encode/{}", case.name));
        group.throughput(Throughput::Bytes(case.xml.len() as u64));
        let mut out = Vec::with_capacity(case.xml.len());
        group.bench_function("cwmp-soap", |b| {
            b.iter(|| {
                out.clear();
                if cwmp_soap::encode(black_box(&case.envelope), &mut out).is_err() {
                    unreachable!("the inputs encode");
                }
                black_box(out.len())
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = encode
}
criterion_main!(benches);
