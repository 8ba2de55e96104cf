//! What an ACS cluster adds per POST and per session on the library side:
//!
//! * `peek` of an Inform (method, ID, namespace, DeviceId) against a full `decode`;
//! * an ACS session (Inform, empty POST, GetParameterValues of 50 and its response, 204)
//!   kept in memory, against the same session saved after every POST as JSON and restored
//!   for the next one (`save` + `serde_json` + `restore`, what a shared store costs the node
//!   besides the round trips).

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cwmp_session::acs::{self, AcsSession, SavedSession};
use cwmp_session::http::IncomingRequest;
use cwmp_types::*;

fn encode(env: &Envelope) -> Vec<u8> {
    let mut out = Vec::new();
    cwmp_soap::encode(env, &mut out).expect("encodes");
    out
}

fn names() -> Vec<String> {
    (0..50)
        .map(|i| format!("Device.Services.X_ACME_Bench.Entry.{i}.Value"))
        .collect()
}

/// One ACS session; with `through_store`, saved as JSON after each POST and restored.
fn session(inform: &[u8], gpv_response: &[u8], names: &[String], through_store: bool) -> usize {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut stored: Option<Vec<u8>> = None;
    let mut live = Some(AcsSession::new(acs::Config::default(), now));
    let mut sent = 0;
    for body in [inform, b"".as_slice(), gpv_response] {
        let mut s = match (live.take(), &stored) {
            (Some(s), _) => s,
            (None, Some(json)) => {
                let saved: SavedSession = serde_json::from_slice(json).expect("reads");
                AcsSession::restore(saved, acs::Config::default()).expect("format")
            }
            (None, None) => unreachable!("a session is live or stored"),
        };
        s.handle_input(acs::Input::HttpRequest {
            now,
            request: IncomingRequest::new(body),
        })
        .expect("one POST at a time");
        while let Some(o) = s.poll_output() {
            match o {
                acs::Output::Event(acs::Event::Inform { .. }) => {
                    s.queue_request(
                        now,
                        GetParameterValues::new(names.iter().map(String::as_str)),
                    )
                    .expect("queues");
                    s.finish(now);
                }
                acs::Output::SendHttp(r) => sent += r.body.len(),
                _ => {}
            }
        }
        if through_store {
            stored = Some(serde_json::to_vec(&s.save().expect("drained")).expect("writes"));
        } else {
            live = Some(s);
        }
    }
    sent
}

fn bench(c: &mut Criterion) {
    let inform = encode(&cwmp_benches::inform());
    let mut g = c.benchmark_group("cluster");
    g.throughput(Throughput::Bytes(inform.len() as u64));
    g.bench_function("peek_inform", |b| {
        b.iter(|| cwmp_soap::peek(black_box(&inform)).expect("peeks"))
    });
    g.bench_function("decode_inform", |b| {
        b.iter(|| cwmp_soap::decode(black_box(&inform)).expect("decodes"))
    });
    let names = names();
    let gpv_response = encode(&Envelope::with_id(
        "1",
        GetParameterValuesResponse::new((0..50).map(cwmp_benches::parameter).collect()),
    ));
    g.throughput(Throughput::Elements(1));
    g.bench_function("acs_session_in_memory", |b| {
        b.iter(|| session(black_box(&inform), black_box(&gpv_response), &names, false))
    });
    g.bench_function("acs_session_saved_each_post", |b| {
        b.iter(|| session(black_box(&inform), black_box(&gpv_response), &names, true))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
