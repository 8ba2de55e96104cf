//! Misbehaving peers, at scale: responses out of order, duplicate IDs, 10,000 queued RPCs,
//! a CPE that never sends its empty POST, an ACS that never answers. Each ends in an outcome
//! with its reason; nothing grows without bound; every session ends.

mod harness;

use std::time::{Duration, Instant};

use cwmp_session::acs::{self, EndReason, Event, Output, RpcFailure, Step};
use cwmp_session::cpe::{self, CpeSession, Failure, InformArgs};
use cwmp_session::http::{HttpResponse, IncomingRequest};
use cwmp_session::{CpeRequest, EventQueue, Limit, MAX_QUEUED_REQUESTS, RpcHandle, SessionError};
use cwmp_types::*;
use harness::AcsAlone;

fn enc(env: &Envelope) -> Vec<u8> {
    let mut out = Vec::new();
    cwmp_soap::encode(env, &mut out).unwrap();
    out
}

fn inform() -> Vec<u8> {
    enc(&Envelope::with_id(
        "1",
        Inform::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", "SN1"),
            vec![EventStruct::new(EventCode::Periodic)],
        ),
    ))
}

fn id_of(r: &HttpResponse) -> String {
    cwmp_soap::decode(&r.body)
        .unwrap()
        .envelope
        .header
        .id
        .unwrap()
}

/// The CPE answers the second request before the first (it cannot have seen it: the ACS
/// sends one at a time), then answers the first twice.
#[test]
fn responses_out_of_order_and_duplicated() {
    // With the default policy the first stray cwmp:ID ends the session (see
    // tests/codec_events.rs); accepted, each response goes to the outstanding request.
    let mut config = acs::Config::default();
    config.response_id_policy = acs::ResponseIdPolicy::Accept;
    let mut a = AcsAlone::new(config);
    let first =
        a.s.queue_request(a.now, GetParameterValues::new(["Device.A"]))
            .unwrap();
    let second = a.s.queue_request(a.now, GetRpcMethods::default()).unwrap();
    a.s.finish(a.now);
    assert_eq!(a.post(&inform()).status, 200);
    let r = a.post(b"");
    let id1 = id_of(&r);
    // The answer to a request that was never sent, under an ID that was never used.
    let r = a.post(&enc(&Envelope::with_id(
        "never-sent",
        GetRpcMethodsResponse::new(["Inform"]),
    )));
    // The outstanding request fails with the mismatched response kept; the next goes out.
    assert!(a.events.iter().any(|e| matches!(
        e,
        Event::RpcFailed { handle, reason: RpcFailure::MismatchedResponse(Response::GetRpcMethods(_)) }
            if *handle == first
    )));
    assert_eq!(r.status, 200);
    let id2 = id_of(&r);
    assert_ne!(id1, id2);
    // The real answer to the first request arrives late, with its (old, duplicate) ID:
    // it names another method than the outstanding GetRPCMethods.
    let r = a.post(&enc(&Envelope::with_id(
        id1.clone(),
        GetParameterValuesResponse::new(vec![]),
    )));
    assert!(a.events.iter().any(|e| matches!(
        e,
        Event::RpcFailed { handle, reason: RpcFailure::MismatchedResponse(Response::GetParameterValues(_)) }
            if *handle == second
    )));
    assert_eq!((r.status, r.session_ended), (204, true));
    // And once more, the same bytes: a retry of the last POST, answered again; nothing new.
    let events = a.events.len();
    let again = a.post(&enc(&Envelope::with_id(
        id1.clone(),
        GetParameterValuesResponse::new(vec![]),
    )));
    assert_eq!(again, r);
    assert_eq!(a.events.len(), events);
    // Another late answer after the end: refused, the session stays ended.
    let r = a.post(&enc(&Envelope::with_id(
        id1,
        GetParameterValuesResponse::new(vec![ParameterValueStruct::new(
            "Device.A",
            ParameterValue::string(""),
        )]),
    )));
    assert_eq!(r.status, 400);
    assert_eq!(a.ended(), Some(&EndReason::Completed));
}

/// Two CPE requests with the same cwmp:ID, and the same response twice.
#[test]
fn duplicate_ids_from_the_cpe() {
    let mut a = AcsAlone::new(acs::Config::default());
    a.s.queue_request(a.now, GetRpcMethods::default()).unwrap();
    a.s.finish(a.now);
    a.post(&inform());
    // The CPE reuses the Inform's ID for its TransferComplete; the ACS answers under that ID.
    let tc = TransferComplete::new(
        "k",
        FaultStruct::success(),
        DateTime::UNKNOWN,
        DateTime::UNKNOWN,
    );
    let mut pending = None;
    a.s.handle_input(acs::Input::HttpRequest {
        now: a.now,
        request: IncomingRequest::new(&enc(&Envelope::with_id("1", tc.clone()))),
    })
    .unwrap();
    while let Some(o) = a.s.poll_output() {
        if let Output::Event(Event::CpeRequest { handle, .. }) = o {
            pending = Some(handle);
        }
    }
    let handle: RpcHandle = pending.expect("the TransferComplete reaches the application");
    a.s.respond(
        a.now,
        handle,
        cwmp_session::Reply::Response(TransferCompleteResponse::default().into()),
    )
    .unwrap();
    let r = a.drain().unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        cwmp_soap::decode(&r.body)
            .unwrap()
            .envelope
            .header
            .id
            .as_deref(),
        Some("1")
    );
    // The same bytes again: a retry, answered with the same response, not applied twice.
    a.s.handle_input(acs::Input::HttpRequest {
        now: a.now,
        request: IncomingRequest::new(&enc(&Envelope::with_id("1", tc.clone()))),
    })
    .unwrap();
    assert_eq!(a.s.poll_output(), Some(Output::SendHttp(r)));
    assert_eq!(a.s.poll_output(), None);
    // The same request under another ID: a new request to answer, not a crash or a mix-up.
    a.s.handle_input(acs::Input::HttpRequest {
        now: a.now,
        request: IncomingRequest::new(&enc(&Envelope::with_id("1b", tc))),
    })
    .unwrap();
    let mut again = None;
    while let Some(o) = a.s.poll_output() {
        if let Output::Event(Event::CpeRequest { handle, .. }) = o {
            again = Some(handle);
        }
    }
    let again = again.unwrap();
    assert_ne!(again, handle, "each request has its own handle");
    a.s.respond(
        a.now,
        again,
        cwmp_session::Reply::Response(TransferCompleteResponse::default().into()),
    )
    .unwrap();
    assert_eq!(a.drain().unwrap().status, 200);
    // Then the empty POST, the GetRPCMethods, and its response sent twice (a retry: the
    // same 204 again), then another response to nothing.
    let r = a.post(b"");
    let id = id_of(&r);
    let resp = enc(&Envelope::with_id(
        id.clone(),
        GetRpcMethodsResponse::new(["Inform"]),
    ));
    assert_eq!(a.post(&resp).status, 204);
    assert_eq!(a.post(&resp).status, 204, "a retry of the last POST");
    let other = enc(&Envelope::with_id(
        id,
        GetRpcMethodsResponse::new(["Kicked"]),
    ));
    assert_eq!(
        a.post(&other).status,
        400,
        "a response to nothing, after the end"
    );
    assert_eq!(a.ended(), Some(&EndReason::Completed));
}

/// 10,000 RPCs: past the configured bound the queue refuses; with a bound of 10,000 every
/// one is sent, answered and matched, one at a time.
#[test]
fn ten_thousand_queued_rpcs() {
    let mut a = AcsAlone::new(acs::Config::default());
    let limit = a.s.config().max_queued_requests;
    let mut refused = 0;
    for i in 0..10_000 {
        match a
            .s
            .queue_request(a.now, GetParameterValues::new([format!("Device.X.{i}")]))
        {
            Ok(_) => {}
            Err(SessionError::LimitExceeded(Limit::RequestQueueFull)) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(a.s.queued_requests(), limit);
    assert_eq!(refused, 10_000 - limit);

    let mut config = acs::Config::default();
    config.max_queued_requests = 10_000;
    let mut a = AcsAlone::new(config);
    for i in 0..10_000 {
        a.s.queue_request(a.now, GetParameterValues::new([format!("Device.X.{i}")]))
            .unwrap();
    }
    a.s.finish(a.now);
    a.post(&inform());
    let mut r = a.post(b"");
    let mut answered = 0;
    while !r.session_ended {
        let request = cwmp_soap::decode(&r.body).unwrap().envelope;
        let Body::Request(Request::GetParameterValues(gpv)) = &request.body else {
            panic!("{:?}", request.body);
        };
        let name = gpv.parameter_names[0].as_str().to_owned();
        assert_eq!(name, format!("Device.X.{answered}"), "in queue order");
        let resp = GetParameterValuesResponse::new(vec![ParameterValueStruct::new(
            name.as_str(),
            ParameterValue::string("v"),
        )]);
        r = a.post(&enc(&Envelope::with_id(request.header.id.unwrap(), resp)));
        answered += 1;
        assert!(a.s.queued_requests() <= 10_000);
    }
    assert_eq!(answered, 10_000);
    assert_eq!(
        a.events
            .iter()
            .filter(|e| matches!(e, Event::RpcResponse { .. }))
            .count(),
        10_000
    );
    assert_eq!(a.ended(), Some(&EndReason::Completed));

    // On the CPE, the queue of its own requests is bounded too.
    let now = Instant::now();
    let config = cpe::Config::new(DeviceIdStruct::new("A", "00D09E", "P", "S"), "http://acs/");
    let mut c = CpeSession::new(config, now, EventQueue::new());
    let mut accepted = 0;
    for _ in 0..10_000 {
        if c.queue_request(now, CpeRequest::GetRpcMethods).is_ok() {
            accepted += 1;
        }
    }
    assert_eq!(accepted, MAX_QUEUED_REQUESTS);
    assert_eq!(c.event_queue().requests().len(), MAX_QUEUED_REQUESTS);
}

/// After the InformResponse the CPE goes silent: the session times out at the configured
/// time, saying it waited for the CPE's next message; a late empty POST starts nothing.
#[test]
fn a_cpe_that_never_sends_its_empty_post() {
    let mut a = AcsAlone::new(acs::Config::default());
    a.s.queue_request(a.now, GetRpcMethods::default()).unwrap();
    assert_eq!(a.post(&inform()).status, 200);
    let waiting = a.s.waiting_for().unwrap();
    assert_eq!(waiting.step, Step::CpeMessage);
    let deadline = a.s.poll_timeout().unwrap();
    assert_eq!(deadline, a.now + a.s.config().session_timeout);
    // Polled often before the deadline: nothing happens.
    for s in (1..60).step_by(7) {
        a.s.handle_input(acs::Input::Timeout(a.now + Duration::from_secs(s)))
            .unwrap();
        assert!(a.drain().is_none());
        assert!(!a.s.is_ended());
    }
    a.s.handle_input(acs::Input::Timeout(deadline)).unwrap();
    assert!(
        a.drain().is_none(),
        "nothing to answer: the CPE sent nothing"
    );
    assert!(matches!(
        a.ended(),
        Some(EndReason::TimedOut { step: Step::CpeMessage, since }) if *since == waiting.since
    ));
    assert!(a.events.iter().any(|e| matches!(
        e,
        Event::RpcFailed {
            reason: RpcFailure::NotSent,
            ..
        }
    )));
    assert_eq!(a.s.poll_timeout(), None);
    assert_eq!(a.post(b"").status, 204);
}

/// The ACS accepts the connection and never answers: each attempt times out after the
/// response timeout, the retries follow the back-off, and the events are kept throughout.
#[test]
fn an_acs_that_never_answers() {
    let start = Instant::now();
    let config = cpe::Config::new(DeviceIdStruct::new("A", "00D09E", "P", "S"), "http://acs/");
    let timeout = config.response_timeout;
    let mut c = CpeSession::new(config, start, EventQueue::bootstrap());
    let mut now = start;
    let mut failures = Vec::new();
    let mut posts = 0;
    while failures.len() < 6 {
        while let Some(o) = c.poll_output() {
            match o {
                cpe::Output::SendHttp(_) => posts += 1, // sent; no answer will ever come
                cpe::Output::Event(cpe::Event::InformDue { .. }) => c
                    .start_session(now, InformArgs::new(DateTime::UNKNOWN, vec![]))
                    .unwrap(),
                cpe::Output::Event(cpe::Event::SessionEnded(end)) => {
                    failures.push((now.duration_since(start), end));
                }
                _ => {}
            }
        }
        let next = c
            .poll_timeout()
            .expect("a deadline: the response timeout or the retry");
        assert!(next >= now);
        now = next;
        c.handle_input(cpe::Input::Timeout(now)).unwrap();
    }
    assert_eq!(
        posts, 6,
        "one Inform per attempt, never resent within a session"
    );
    for (i, (_, end)) in failures.iter().enumerate() {
        assert_eq!(end.result, Err(Failure::Timeout));
        assert_eq!(end.retry_count, u32::try_from(i).unwrap() + 1);
    }
    // Each attempt waited exactly the response timeout; between attempts, the back-off grew.
    let policy = c.config().retry_policy;
    for w in failures.windows(2) {
        let (t_prev, prev) = &w[0];
        let (t_next, _) = &w[1];
        let wait = *t_next - *t_prev - timeout;
        let (lo, hi) = policy.window(prev.retry_count);
        assert!(wait >= lo && wait <= hi, "{wait:?} not in {lo:?}..{hi:?}");
    }
    assert_eq!(c.retry_count(), 6);
    assert!(
        c.event_queue().contains(&EventCode::Bootstrap),
        "kept until delivered"
    );
    assert!(!c.is_in_session());
}
