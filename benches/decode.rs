//! Decode throughput on every input, side by side in one run:
//! - `cwmp-soap`: `cwmp_soap::decode`, building the whole envelope;
//! - `quick-xml-floor`: quick-xml's namespace-resolving event loop over the same bytes,
//!   reading every event and building nothing (no parser over quick-xml can beat it);
//! - `cwmp-crate`: `cwmp::parse_bytes` of the `cwmp` crate 0.2 (xml-rs based).

use std::hint::black_box;

use cwmp_benches::floor;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Checks once, before timing, that each contender really reads the input.
fn check(case: &cwmp_benches::Case) {
    match cwmp_soap::decode(&case.xml) {
        Ok(d) => assert_eq!(d.envelope, case.envelope, "{}: cwmp-soap", case.name),
        Err(e) => panic!("{}: cwmp-soap cannot decode its own output: {e}", case.name),
    }
    assert!(floor(&case.xml) > 10);
    match cwmp::parse_bytes(&case.xml) {
        Ok(env) => {
            // The crate's fields are private: count the parameters in its Debug form.
            let debug = format!("{env:?}");
            let want = match &case.envelope.body {
                cwmp_types::Body::Request(cwmp_types::Request::Inform(m)) => m.parameter_list.len(),
                cwmp_types::Body::Request(cwmp_types::Request::SetParameterValues(m)) => {
                    m.parameter_list.len()
                }
                cwmp_types::Body::Response(cwmp_types::Response::GetParameterValues(m)) => {
                    m.parameter_list.len()
                }
                cwmp_types::Body::Response(cwmp_types::Response::GetParameterNames(m)) => {
                    m.parameter_list.len()
                }
                _ => 0,
            };
            let got = debug.matches("ParameterValue {").count()
                + debug.matches("ParameterInfoStruct {").count();
            assert_eq!(
                got, want,
                "{}: cwmp crate read {got} of {want} parameters",
                case.name
            );
        }
        Err(e) => panic!("{}: the cwmp crate cannot parse the input: {e}", case.name),
    }
}

fn decode(c: &mut Criterion) {
    for case in cwmp_benches::cases() {
        check(&case);
        let mut group = c.benchmark_group(format!("decode/{}", case.name));
        group.throughput(Throughput::Bytes(case.xml.len() as u64));
        let xml = case.xml.as_slice();
        group.bench_function("cwmp-soap", |b| {
            b.iter(|| cwmp_soap::decode(black_box(xml)).is_ok())
        });
        group.bench_function("quick-xml-floor", |b| b.iter(|| floor(black_box(xml))));
        group.bench_function("cwmp-crate", |b| {
            b.iter(|| cwmp::parse_bytes(black_box(xml)).is_ok())
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
    targets = decode
}
criterion_main!(benches);
