//! SOAP 1.1 §4.2.3 (which TR-069 follows for its header entries) in both machines: a message
//! with a header entry marked `mustUnderstand="1"` that the receiver does not understand is
//! never processed; a request is answered with a `MustUnderstand` fault and the session goes on.

mod harness;

use cwmp_session::EventQueue;
use cwmp_session::acs::{self, AcsSession, DiagnosticKind, Event, Output, RpcFailure};
use cwmp_session::cpe::Failure;
use cwmp_session::http::{HttpResponse, IncomingRequest};
use cwmp_types::*;
use harness::*;

/// A hand-written peer's misspelt HoldRequests, marked mustUnderstand.
const MISSPELT: &str = r#"<cwmp:HoldRequest soap-env:mustUnderstand="1">1</cwmp:HoldRequest>"#;

/// The envelope with the misspelt entry added to its Header.
fn with_misspelt(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(body.to_vec()).expect("UTF-8");
    assert!(text.contains("</soap-env:Header>"), "{text}");
    text.replacen(
        "</soap-env:Header>",
        &format!("{MISSPELT}</soap-env:Header>"),
        1,
    )
    .into_bytes()
}

fn gpv(name: &str) -> Request {
    GetParameterValues::new([name]).into()
}

// ------------------------------------------------------------------------------ CPE

#[test]
fn cpe_answers_an_acs_request_it_cannot_process_with_must_understand_and_goes_on() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.cpe_app.params = vec![
        ("Device.A".into(), "1".into()),
        ("Device.B".into(), "2".into()),
    ];
    p.acs_app
        .scripts
        .push_back(vec![gpv("Device.A"), gpv("Device.B")]);
    // Inform, then the empty POST whose answer (GetParameterValues of A) gets the entry.
    p.net.push_back(Net::Pass);
    p.net
        .push_back(Net::Rewrite(|status, body| (status, with_misspelt(&body))));
    p.run_sessions(1);
    assert!(p.cpe_app.ends[0].result.is_ok(), "{:?}", p.cpe_app.ends[0]);
    // The application saw only the second request.
    assert_eq!(p.cpe_app.requests, [gpv("Device.B")]);
    assert_eq!(
        p.posted(),
        ["Inform", "empty", "Fault", "GetParameterValuesResponse"]
    );
    // The fault echoes the request's cwmp:ID and has no CWMP detail.
    assert_eq!(p.answered()[1], (200, "GetParameterValues".to_string()));
    let fault = decode(&p.posts[2].body);
    assert_eq!(fault.body, Body::Fault(Fault::must_understand()));
    assert_eq!(fault.header.id.as_deref(), Some("1"));
    // The ACS got the fault for that request, and the response for the next.
    assert_eq!(p.acs_app.faults.len(), 1);
    assert_eq!(p.acs_app.faults[0].1, Fault::must_understand());
    assert_eq!(p.acs_app.responses.len(), 1);
    assert_eq!(p.acs_app.ends, [acs::EndReason::Completed]);
    assert!(p.cpe.event_queue().is_empty());
}

#[test]
fn cpe_fails_the_session_on_an_inform_response_it_cannot_process() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.net
        .push_back(Net::Rewrite(|status, body| (status, with_misspelt(&body))));
    p.run_sessions(1);
    assert_eq!(
        p.cpe_app.ends[0].result,
        Err(Failure::NotUnderstood(vec!["cwmp:HoldRequest".into()]))
    );
    assert_eq!(p.posted(), ["Inform"]);
    // Not delivered: the events wait for the retry, which succeeds.
    assert!(!p.cpe.event_queue().is_empty());
    p.run_sessions(2);
    assert!(p.cpe_app.ends[1].result.is_ok());
    assert_eq!(event_codes(p.last_inform()), ["0 BOOTSTRAP", "1 BOOT"]);
    assert!(p.cpe.event_queue().is_empty());
}

// ------------------------------------------------------------------------------ ACS

/// An ACS session fed raw POSTs.
struct Acs {
    s: AcsSession,
    events: Vec<Event>,
}

impl Acs {
    fn new() -> Self {
        Self {
            s: AcsSession::new(acs::Config::default(), now()),
            events: Vec::new(),
        }
    }

    fn post(&mut self, body: &[u8]) -> HttpResponse {
        self.try_post(body).expect("an answer to this POST")
    }

    /// Posts a body; the answer, if the session gave one without the application.
    fn try_post(&mut self, body: &[u8]) -> Option<HttpResponse> {
        self.s
            .handle_input(acs::Input::HttpRequest {
                now: now(),
                request: IncomingRequest::new(body),
            })
            .unwrap();
        let mut out = None;
        while let Some(o) = self.s.poll_output() {
            match o {
                Output::SendHttp(r) => {
                    assert!(out.is_none(), "two responses");
                    out = Some(r);
                }
                Output::Event(e) => self.events.push(e),
                other => panic!("{other:?}"),
            }
        }
        out
    }

    fn not_understood_diagnostics(&self) -> usize {
        self.events
            .iter()
            .filter(|e| {
                matches!(e, Event::Diagnostic(d) if d.kind == DiagnosticKind::Violation
                    && d.message == "header entry with mustUnderstand=1 not understood"
                    && d.detail == "cwmp:HoldRequest")
            })
            .count()
    }
}

fn now() -> std::time::SystemTime {
    std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000)
}

fn inform_post(id: &str) -> Vec<u8> {
    let inform = Inform::new(Pair::device(), vec![EventStruct::new(EventCode::Periodic)]);
    encode(&Envelope::with_id(id, inform))
}

fn must_understand_answer(r: &HttpResponse, id: &str) {
    assert_eq!(r.status, 200);
    let env = decode(&r.body);
    assert_eq!(env.body, Body::Fault(Fault::must_understand()));
    assert_eq!(env.header.id.as_deref(), Some(id));
}

#[test]
fn acs_answers_an_inform_it_cannot_process_and_still_waits_for_one() {
    let mut a = Acs::new();
    let r = a.post(&with_misspelt(&inform_post("i1")));
    must_understand_answer(&r, "i1");
    assert_eq!(a.not_understood_diagnostics(), 1);
    assert!(!a.events.iter().any(|e| matches!(e, Event::Inform { .. })));
    assert!(!a.s.is_ended());
    // The CPE's next Inform starts the session.
    let r = a.post(&inform_post("i2"));
    assert_eq!(r.status, 200);
    assert_eq!(decode(&r.body).body.method_name(), "InformResponse");
    assert!(a.events.iter().any(|e| matches!(e, Event::Inform { .. })));
}

#[test]
fn acs_answers_a_cpe_request_it_cannot_process_and_goes_on() {
    let mut a = Acs::new();
    a.post(&inform_post("i1"));
    let tc = TransferComplete::new(
        "k",
        FaultStruct::default(),
        DateTime::from_unix(1),
        DateTime::from_unix(2),
    );
    let r = a.post(&with_misspelt(&encode(&Envelope::with_id("c1", tc))));
    must_understand_answer(&r, "c1");
    assert_eq!(a.not_understood_diagnostics(), 1);
    assert!(
        !a.events
            .iter()
            .any(|e| matches!(e, Event::CpeRequest { .. }))
    );
    // The CPE goes on with its empty POST; the ACS with its requests.
    assert!(a.try_post(b"").is_none());
    assert!(
        a.events
            .iter()
            .any(|e| matches!(e, Event::AwaitingRequests))
    );
    a.s.finish(now());
    let mut out = None;
    while let Some(o) = a.s.poll_output() {
        if let Output::SendHttp(r) = o {
            out = Some(r);
        }
    }
    assert_eq!(out.expect("204").status, 204);
    assert!(a.s.is_ended());
}

#[test]
fn acs_fails_a_request_whose_answer_it_cannot_process_and_sends_the_next() {
    let mut a = Acs::new();
    a.post(&inform_post("i1"));
    let first = a.s.queue_request(now(), gpv("Device.A")).unwrap();
    let second = a.s.queue_request(now(), gpv("Device.B")).unwrap();
    let r = a.post(b"");
    let sent = decode(&r.body);
    assert_eq!(sent.body, Body::Request(gpv("Device.A")));
    let id = sent.header.id.unwrap();
    let answer = Envelope::with_id(id, GetParameterValuesResponse::new(vec![]));
    let r = a.post(&with_misspelt(&encode(&answer)));
    // Not processed: the request failed, and the next one goes out.
    assert!(a.events.iter().any(|e| matches!(e,
        Event::RpcFailed { handle, reason: RpcFailure::NotUnderstood(names) }
            if *handle == first && names == &["cwmp:HoldRequest".to_string()])));
    assert!(
        !a.events
            .iter()
            .any(|e| matches!(e, Event::RpcResponse { .. }))
    );
    assert_eq!(a.not_understood_diagnostics(), 1);
    let next = decode(&r.body);
    assert_eq!(next.body, Body::Request(gpv("Device.B")));
    let answer = Envelope::with_id(
        next.header.id.unwrap(),
        GetParameterValuesResponse::new(vec![]),
    );
    assert!(a.try_post(&encode(&answer)).is_none());
    assert!(a.events.iter().any(|e| matches!(e,
        Event::RpcResponse { handle, .. } if *handle == second)));
}

// ------------------------------------------------------------------------------ the option

/// With `decode.ignore_unknown_headers` both machines process such messages, as GenieACS does.
#[test]
fn both_machines_can_ignore_unknown_headers() {
    let mut config = Pair::config();
    config.decode.ignore_unknown_headers = true;
    let mut p = Pair::new(config, EventQueue::bootstrap());
    p.cpe_app.params = vec![("Device.A".into(), "1".into())];
    p.acs_app.scripts.push_back(vec![gpv("Device.A")]);
    p.net.push_back(Net::Pass);
    p.net
        .push_back(Net::Rewrite(|status, body| (status, with_misspelt(&body))));
    p.run_sessions(1);
    assert!(p.cpe_app.ends[0].result.is_ok());
    assert_eq!(p.cpe_app.requests, [gpv("Device.A")]);
    assert_eq!(p.acs_app.responses.len(), 1);
    assert!(p.acs_app.faults.is_empty());

    let mut config = acs::Config::default();
    config.decode.ignore_unknown_headers = true;
    let mut a = Acs {
        s: AcsSession::new(config, now()),
        events: Vec::new(),
    };
    let r = a.post(&with_misspelt(&inform_post("i1")));
    assert_eq!(decode(&r.body).body.method_name(), "InformResponse");
    assert_eq!(a.not_understood_diagnostics(), 0);
}
