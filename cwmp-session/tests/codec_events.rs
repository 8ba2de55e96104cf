//! What the codec knows reaches the application: decode options from the configs, decode
//! warnings as events on both sides, typed ACS diagnostics (a timeout too), the CPE's
//! SessionTimeout and HoldRequests state, the request behind a handle, and the cwmp:ID policy.

mod harness;

use std::time::{Duration, SystemTime};

use cwmp_session::EventQueue;
use cwmp_session::acs::{
    self, AcsSession, DiagnosticCode, DiagnosticKind, EndReason, Event, Output, ResponseIdPolicy,
    RpcFailure,
};
use cwmp_session::cpe::Failure;
use cwmp_session::http::{HttpResponse, IncomingRequest};
use cwmp_soap::{Charset, DecodeErrorKind, WarningKind};
use cwmp_types::*;
use harness::*;

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn enc(env: &Envelope) -> Vec<u8> {
    let mut out = Vec::new();
    cwmp_soap::encode(env, &mut out).unwrap();
    out
}

fn inform_env() -> Envelope {
    Envelope::with_id(
        "1",
        Inform::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", "SN1"),
            vec![EventStruct::new(EventCode::Periodic)],
        ),
    )
}

fn id_of(r: &HttpResponse) -> String {
    cwmp_soap::decode(&r.body)
        .unwrap()
        .envelope
        .header
        .id
        .unwrap()
}

#[test]
fn acs_decodes_with_its_configured_options() {
    let body = enc(&inform_env());
    let mut config = acs::Config::default();
    config.decode.max_envelope_bytes = body.len() - 1;
    let mut a = AcsAlone::new(config);
    assert_eq!(a.post(&body).status, 400);
    assert!(a.events.iter().any(|e| matches!(
        e,
        Event::Diagnostic(d) if d.code == DiagnosticCode::UndecodableBody
            && d.detail.contains(&DecodeErrorKind::TooLarge.reason().to_string())
    )));

    // A Latin-1 CPE that declares no charset: read as ISO-8859-1 with a warning by default,
    // refused when the configuration says UTF-8, read without a guess when it says Latin-1.
    let latin1 = String::from_utf8(body.clone())
        .unwrap()
        .replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "")
        .replace(">Acme<", ">Soci\u{e9}t\u{e9}<");
    let bytes: Vec<u8> = latin1.chars().map(|c| c as u8).collect();
    let mut plain = AcsAlone::new(acs::Config::default());
    assert_eq!(plain.post(&bytes).status, 200, "guessed");
    assert!(plain.events.iter().any(|e| matches!(
        e,
        Event::DecodeWarnings(w) if w.iter().any(|w| w.kind == WarningKind::CharsetGuessed)
    )));
    let mut config = acs::Config::default();
    config.decode.charset = Charset::Utf8;
    assert_eq!(AcsAlone::new(config).post(&bytes).status, 400, "not UTF-8");
    let mut config = acs::Config::default();
    config.decode.charset = Charset::Latin1;
    let mut a = AcsAlone::new(config);
    assert_eq!(a.post(&bytes).status, 200);
    assert_eq!(a.s.device_id().unwrap().manufacturer, "Soci\u{e9}t\u{e9}");
    // The Content-Type's charset still wins over the configured one.
    let mut config = acs::Config::default();
    config.decode.charset = Charset::Latin1;
    let mut a = AcsAlone::new(config);
    let utf8 = enc(&{
        let mut e = inform_env();
        if let Body::Request(Request::Inform(i)) = &mut e.body {
            i.device_id.manufacturer = "Soci\u{e9}t\u{e9}".into();
        }
        e
    });
    a.s.handle_input(acs::Input::HttpRequest {
        now: a.now,
        request: IncomingRequest::new(&utf8).with_content_type("text/xml; charset=utf-8"),
    })
    .unwrap();
    a.drain();
    assert_eq!(a.s.device_id().unwrap().manufacturer, "Soci\u{e9}t\u{e9}");
}

#[test]
fn acs_reports_decode_warnings_before_the_message() {
    let body = String::from_utf8(enc(&inform_env()))
        .unwrap()
        .replace("EventStruct[1]", "EventStruct[5]");
    let mut a = AcsAlone::new(acs::Config::default());
    assert_eq!(a.post(body.as_bytes()).status, 200);
    let warnings = a
        .events
        .iter()
        .position(|e| matches!(e, Event::DecodeWarnings(w) if w.iter().any(|w| w.kind == WarningKind::ArrayTypeMismatch)))
        .expect("the lying arrayType is reported");
    let inform = a
        .events
        .iter()
        .position(|e| matches!(e, Event::Inform { .. }))
        .unwrap();
    assert!(warnings < inform);
    // A clean message produces none.
    let mut a = AcsAlone::new(acs::Config::default());
    a.post(&enc(&inform_env()));
    assert!(
        !a.events
            .iter()
            .any(|e| matches!(e, Event::DecodeWarnings(_)))
    );
}

#[test]
fn cpe_decodes_with_its_configured_options_and_reports_warnings() {
    // An ACS request whose arrayType lies: the CPE application hears of it.
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.acs_app.scripts.push_back(vec![
        GetParameterValues::new(["Device.DeviceInfo.UpTime"]).into(),
    ]);
    p.cpe_app.params = vec![("Device.DeviceInfo.UpTime".into(), "42".into())];
    fn lie(status: u16, body: Vec<u8>) -> (u16, Vec<u8>) {
        let text = String::from_utf8(body)
            .unwrap()
            .replace("string[1]", "string[3]");
        (status, text.into_bytes())
    }
    p.net.push_back(Net::Pass);
    p.net.push_back(Net::Rewrite(lie));
    p.run_sessions(1);
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
    assert!(
        p.cpe_app
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::ArrayTypeMismatch),
        "{:?}",
        p.cpe_app.warnings
    );

    // Limits from the config.
    let mut config = Pair::config();
    config.decode.max_envelope_bytes = 64;
    let mut p = Pair::new(config, EventQueue::bootstrap());
    p.run_sessions(1);
    assert!(matches!(
        &p.cpe_app.ends[0].result,
        Err(Failure::UndecodableResponse(e)) if e.kind == DecodeErrorKind::TooLarge
    ));
}

#[test]
fn diagnostics_are_typed_and_a_timeout_produces_one() {
    let mut a = AcsAlone::new(acs::Config::default());
    a.post(&enc(&inform_env()));
    a.s.handle_input(acs::Input::Timeout(t0() + Duration::from_secs(61)))
        .unwrap();
    a.drain();
    assert_eq!(
        a.diagnostics(),
        [(DiagnosticKind::Timeout, DiagnosticCode::TimedOut)]
    );
    assert!(matches!(
        a.events.last(),
        Some(Event::SessionEnded(EndReason::TimedOut { .. }))
    ));

    let mut a = AcsAlone::new(acs::Config::default());
    a.post(&enc(&inform_env()));
    // Another Inform (the same bytes again would be a retry of the first, answered again).
    let mut second = inform_env();
    second.header.id = Some("second".into());
    assert_eq!(a.post(&enc(&second)).status, 400);
    assert_eq!(
        a.diagnostics(),
        [(DiagnosticKind::Violation, DiagnosticCode::SecondInform)]
    );
}

#[test]
fn the_cpes_session_timeout_and_hold_requests_are_readable() {
    let mut env = inform_env();
    env.header.session_timeout = Some(120);
    let mut config = acs::Config::default();
    config.decode.max_depth = 20;
    config.decode.charset = Charset::Latin1;
    config.response_id_policy = ResponseIdPolicy::Accept;
    let mut a = AcsAlone::new(config);
    assert_eq!(a.s.cpe_session_timeout(), None);
    a.post(&enc(&env));
    assert_eq!(a.s.cpe_session_timeout(), Some(Duration::from_secs(120)));
    #[cfg(feature = "serde")]
    {
        // Stored between POSTs: the new state and settings survive.
        while a.s.poll_output().is_some() {}
        let json = serde_json::to_string(&a.s.save().unwrap()).unwrap();
        let saved: acs::SavedSession = serde_json::from_str(&json).unwrap();
        let back = AcsSession::restore(saved, a.s.config().clone()).unwrap();
        assert_eq!(back.cpe_session_timeout(), Some(Duration::from_secs(120)));
        let json = serde_json::to_string(a.s.config()).unwrap();
        assert_eq!(
            &serde_json::from_str::<acs::Config>(&json).unwrap(),
            a.s.config()
        );
        let mut cpe = Pair::config();
        cpe.decode.max_text_len = 1000;
        cpe.credentials = Some(cwmp_session::connreq::Credentials::new("u", "p"));
        let json = serde_json::to_string(&cpe).unwrap();
        assert_eq!(
            serde_json::from_str::<cwmp_session::cpe::Config>(&json).unwrap(),
            cpe
        );
    }

    // HoldRequests on both sides.
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.acs_app.hold_at_inform.push_back(true);
    // Stop right after the InformResponse (the CPE then sends its empty POST).
    p.net.push_back(Net::Pass);
    p.net.push_back(Net::Drop);
    p.pump();
    assert!(p.cpe.hold_requests());
    assert!(p.acs.as_ref().unwrap().cpe_hold_requests());
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.net.push_back(Net::Pass);
    p.net.push_back(Net::Drop);
    p.pump();
    assert!(!p.cpe.hold_requests());
    assert!(!p.acs.as_ref().unwrap().cpe_hold_requests());
}

#[test]
fn the_request_behind_a_handle_is_readable() {
    let mut a = AcsAlone::new(acs::Config::default());
    let gpv: Request = GetParameterValues::new(["Device.A."]).into();
    let h1 = a.s.queue_request(a.now, gpv.clone()).unwrap();
    let h2 = a.s.queue_request(a.now, Reboot::new("rb")).unwrap();
    assert_eq!(a.s.request(h1), Some(&gpv));
    a.post(&enc(&inform_env()));
    let r = a.post(b"");
    assert_eq!(a.s.request(h1), Some(&gpv), "outstanding");
    // The response: readable while its event is handled.
    a.s.handle_input(acs::Input::HttpRequest {
        now: a.now,
        request: IncomingRequest::new(&enc(&Envelope::with_id(
            id_of(&r),
            GetParameterValuesResponse::new(vec![]),
        ))),
    })
    .unwrap();
    let mut seen = false;
    while let Some(o) = a.s.poll_output() {
        if let Output::Event(Event::RpcResponse { handle, .. }) = o {
            assert_eq!(a.s.request(handle), Some(&gpv));
            seen = true;
        }
    }
    assert!(seen);
    assert!(matches!(a.s.request(h2), Some(Request::Reboot(_))));
    // Gone with the next input.
    a.s.handle_input(acs::Input::Timeout(a.now)).unwrap();
    assert_eq!(a.s.request(h1), None);
    // Unsent requests when the session ends: readable to queue them again.
    let h3 = a.s.queue_request(a.now, GetRpcMethods::default()).unwrap();
    a.s.abort(a.now);
    a.drain();
    assert!(matches!(a.s.request(h3), Some(Request::GetRpcMethods(_))));
    assert!(a.events.iter().any(|e| matches!(
        e,
        Event::RpcFailed { handle, reason: RpcFailure::NotSent } if *handle == h3
    )));
}

#[test]
fn a_response_with_another_cwmp_id_is_rejected_by_default() {
    let mut a = AcsAlone::new(acs::Config::default());
    let h =
        a.s.queue_request(a.now, GetParameterValues::new(["Device.A"]))
            .unwrap();
    a.post(&enc(&inform_env()));
    let r = a.post(b"");
    let wrong = enc(&Envelope::with_id(
        format!("{}-other", id_of(&r)),
        GetParameterValuesResponse::new(vec![]),
    ));
    let answer = a.post(&wrong);
    assert_eq!(answer.status, 400);
    assert!(answer.session_ended);
    assert_eq!(
        a.diagnostics(),
        [(
            DiagnosticKind::Violation,
            DiagnosticCode::ResponseIdMismatch
        )]
    );
    assert!(a.events.iter().any(|e| matches!(
        e,
        Event::RpcFailed { handle, reason: RpcFailure::Unanswered } if *handle == h
    )));
    assert!(
        !a.events
            .iter()
            .any(|e| matches!(e, Event::RpcResponse { .. }))
    );

    // Accepted with a quirk when the config says so.
    let mut config = acs::Config::default();
    config.response_id_policy = ResponseIdPolicy::Accept;
    let mut a = AcsAlone::new(config);
    let h =
        a.s.queue_request(a.now, GetParameterValues::new(["Device.A"]))
            .unwrap();
    a.s.finish(a.now);
    a.post(&enc(&inform_env()));
    a.post(b"");
    a.post(&wrong);
    assert_eq!(
        a.diagnostics(),
        [(DiagnosticKind::Quirk, DiagnosticCode::ResponseIdMismatch)]
    );
    assert!(
        a.events
            .iter()
            .any(|e| matches!(e, Event::RpcResponse { handle, .. } if *handle == h))
    );

    // No cwmp:ID at all (CPEs without a SOAP Header): accepted with a quirk either way.
    let mut a = AcsAlone::new(acs::Config::default());
    let h =
        a.s.queue_request(a.now, GetParameterValues::new(["Device.A"]))
            .unwrap();
    a.s.finish(a.now);
    a.post(&enc(&inform_env()));
    a.post(b"");
    a.post(&enc(&Envelope::new(GetParameterValuesResponse::new(
        vec![],
    ))));
    assert_eq!(
        a.diagnostics(),
        [(DiagnosticKind::Quirk, DiagnosticCode::ResponseWithoutId)]
    );
    assert!(
        a.events
            .iter()
            .any(|e| matches!(e, Event::RpcResponse { handle, .. } if *handle == h))
    );
}
