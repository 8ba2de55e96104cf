//! The ACS machine alone, fed the exact bytes real CPEs send: quirks are tolerated with a
//! diagnostic, protocol violations get the right status and end the session.

use std::time::{Duration, SystemTime};

use cwmp_session::acs::{
    self, AcsSession, DiagnosticKind, EndReason, Event, Output, RpcFailure, Step,
};
use cwmp_session::http::{HttpResponse, IncomingRequest};
use cwmp_session::{Misuse, Reply, SessionError};
use cwmp_types::*;

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// The session, and everything it produced.
struct Acs {
    s: AcsSession,
    now: SystemTime,
    events: Vec<Event>,
}

impl Acs {
    fn new() -> Self {
        Self::with(acs::Config::default())
    }

    fn with(config: acs::Config) -> Self {
        Self {
            s: AcsSession::new(config, t0()),
            now: t0(),
            events: Vec::new(),
        }
    }

    /// Posts a body; returns the response (after draining, finishing when idle if `finish`).
    fn post(&mut self, body: &[u8]) -> Option<HttpResponse> {
        self.post_ct(body, None)
    }

    fn post_ct(&mut self, body: &[u8], ct: Option<&str>) -> Option<HttpResponse> {
        let mut r = IncomingRequest::new(body);
        if let Some(ct) = ct {
            r = r.with_content_type(ct);
        }
        self.s
            .handle_input(acs::Input::HttpRequest {
                now: self.now,
                request: r,
            })
            .unwrap();
        self.drain()
    }

    fn drain(&mut self) -> Option<HttpResponse> {
        let mut out = None;
        while let Some(o) = self.s.poll_output() {
            match o {
                Output::SendHttp(r) => {
                    assert!(out.is_none());
                    out = Some(r);
                }
                Output::Event(e) => self.events.push(e),
                other => panic!("{other:?}"),
            }
        }
        out
    }

    fn diagnostics(&self) -> Vec<(DiagnosticKind, &'static str)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Diagnostic(d) => Some((d.kind, d.message)),
                _ => None,
            })
            .collect()
    }

    fn ended(&self) -> Option<&EndReason> {
        self.events.iter().find_map(|e| match e {
            Event::SessionEnded(r) => Some(r),
            _ => None,
        })
    }
}

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

fn body_of(r: &HttpResponse) -> Envelope {
    cwmp_soap::decode(&r.body).unwrap().envelope
}

/// A ZyXEL-style Inform: NoMoreRequests, MaxEnvelopes 0, no cwmp:ID, default namespace
/// prefixes, CurrentTime without a zone.
const QUIRKY_INFORM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">
<SOAP-ENV:Header>
<cwmp:NoMoreRequests>0</cwmp:NoMoreRequests>
</SOAP-ENV:Header>
<SOAP-ENV:Body>
<cwmp:Inform>
<DeviceId><Manufacturer>ZyXEL</Manufacturer><OUI>001349</OUI><ProductClass>P2601</ProductClass><SerialNumber>S100</SerialNumber></DeviceId>
<Event SOAP-ENC:arrayType="cwmp:EventStruct[1]"><EventStruct><EventCode>2 PERIODIC</EventCode><CommandKey></CommandKey></EventStruct></Event>
<MaxEnvelopes>0</MaxEnvelopes>
<CurrentTime>2012-01-01T10:00:00</CurrentTime>
<RetryCount>0</RetryCount>
<ParameterList SOAP-ENC:arrayType="cwmp:ParameterValueStruct[0]"></ParameterList>
</cwmp:Inform>
</SOAP-ENV:Body>
</SOAP-ENV:Envelope>"#;

/// A GetParameterValuesResponse without any Header (no cwmp:ID).
const GPV_RESPONSE_NO_ID: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soap:Body><cwmp:GetParameterValuesResponse><ParameterList>
<ParameterValueStruct><Name>Device.DeviceInfo.UpTime</Name><Value xsi:type="xsd:unsignedInt">7</Value></ParameterValueStruct>
</ParameterList></cwmp:GetParameterValuesResponse></soap:Body></soap:Envelope>"#;

#[test]
fn quirky_cpe_session() {
    let mut a = Acs::new();
    a.s.queue_request(a.now, GetParameterValues::new(["Device.DeviceInfo.UpTime"]))
        .unwrap();
    a.s.finish(a.now);
    let r = a.post(QUIRKY_INFORM.as_bytes()).unwrap();
    assert_eq!(r.status, 200);
    let env = body_of(&r);
    // InformResponse in the CPE's 1.0 namespace, MaxEnvelopes 1, no cwmp:ID to echo, no
    // UseCWMPVersion (the CPE did not offer SupportedCWMPVersions).
    assert_eq!(env.namespace, CwmpNamespace::Cwmp1_0);
    assert!(matches!(&env.body, Body::Response(Response::Inform(i)) if i.max_envelopes == 1));
    assert_eq!(env.header.id, None);
    assert_eq!(env.header.use_cwmp_version, None);
    assert_eq!(a.s.version(), Some(CwmpVersion::V1_0));
    assert_eq!(a.s.device_id().unwrap().serial_number, "S100");
    // The empty POST, with the Content-Type some CPEs still send.
    let r = a.post_ct(b"", Some("text/xml")).unwrap();
    let gpv = body_of(&r);
    assert_eq!(gpv.body.method_name(), "GetParameterValues");
    assert_eq!(gpv.namespace, CwmpNamespace::Cwmp1_0);
    assert!(gpv.header.id.is_some());
    // The response has no cwmp:ID: matched to the one outstanding request anyway.
    let r = a.post(GPV_RESPONSE_NO_ID.as_bytes()).unwrap();
    assert_eq!(r.status, 204);
    assert!(r.session_ended && r.body.is_empty() && r.content_type.is_none());
    assert!(a.events.iter().any(|e| matches!(
        e,
        Event::RpcResponse { response: Response::GetParameterValues(g), .. }
            if g.parameter_list[0].value.to_string() == "7"
    )));
    let d = a.diagnostics();
    for m in [
        "deprecated NoMoreRequests header",
        "MaxEnvelopes other than 1 (ignored)",
        "Inform without cwmp:ID",
        "empty POST with a Content-Type or whitespace body",
        "response without cwmp:ID",
    ] {
        assert!(d.contains(&(DiagnosticKind::Quirk, m)), "{m}: {d:?}");
    }
    assert_eq!(a.ended(), Some(&EndReason::Completed));
}

#[test]
fn unknown_session_with_empty_post_gets_204() {
    let mut a = Acs::new();
    let r = a.post(b"").unwrap();
    assert_eq!((r.status, r.session_ended), (204, true));
    assert_eq!(a.ended(), Some(&EndReason::NoSession));
}

#[test]
fn inform_must_come_first() {
    let mut a = Acs::new();
    let r = a
        .post(&enc(&Envelope::with_id("5", GetRpcMethods::default())))
        .unwrap();
    assert_eq!((r.status, r.session_ended), (400, true));
    assert!(matches!(a.ended(), Some(EndReason::ProtocolViolation(_))));
    assert!(a.diagnostics()[0].0 == DiagnosticKind::Violation);
}

#[test]
fn second_inform_is_refused() {
    let mut a = Acs::new();
    assert_eq!(a.post(&inform()).unwrap().status, 200);
    // (The same bytes again would be a retry, answered again: see tests/cluster.rs.)
    let mut second = cwmp_soap::decode(&inform()).unwrap().envelope;
    second.header.id = Some("2".into());
    let r = a.post(&enc(&second)).unwrap();
    assert_eq!((r.status, r.session_ended), (400, true));
    assert!(
        matches!(a.ended(), Some(EndReason::ProtocolViolation(m)) if m.contains("second Inform"))
    );
}

#[test]
fn response_to_nothing_is_refused() {
    let mut a = Acs::new();
    a.post(&inform()).unwrap();
    let r = a
        .post(&enc(&Envelope::with_id(
            "9",
            GetParameterValuesResponse::new(vec![]),
        )))
        .unwrap();
    assert_eq!(r.status, 400);
    assert!(a.s.is_ended());
    // Posting to the ended session: 400 again, an empty POST 204.
    assert_eq!(a.post(b"<x/>").unwrap().status, 400);
    assert_eq!(a.post(b"").unwrap().status, 204);
}

#[test]
fn response_naming_another_method_is_reported_and_the_session_goes_on() {
    // Accepting another request's cwmp:ID, as this test's CPE needs.
    let mut config = acs::Config::default();
    config.response_id_policy = acs::ResponseIdPolicy::Accept;
    let mut a = Acs::with(config);
    let h1 =
        a.s.queue_request(a.now, GetParameterValues::new(["A.B"]))
            .unwrap();
    let h2 = a.s.queue_request(a.now, GetRpcMethods::default()).unwrap();
    a.s.finish(a.now);
    a.post(&inform()).unwrap();
    let r = a.post(b"").unwrap();
    let id = body_of(&r).header.id.unwrap();
    // Wrong method, and a different cwmp:ID.
    let r = a
        .post(&enc(&Envelope::with_id(
            format!("{id}x"),
            SetParameterValuesResponse::new(0),
        )))
        .unwrap();
    assert_eq!(body_of(&r).body.method_name(), "GetRPCMethods");
    assert!(a.events.iter().any(|e| matches!(
        e,
        Event::RpcFailed { handle, reason: RpcFailure::MismatchedResponse(Response::SetParameterValues(_)) } if *handle == h1
    )));
    let d = a.diagnostics();
    assert!(d.contains(&(
        DiagnosticKind::Violation,
        "response names another method than the request"
    )));
    assert!(d.contains(&(
        DiagnosticKind::Quirk,
        "response cwmp:ID differs from the request's"
    )));
    let id2 = body_of(&r).header.id.unwrap();
    assert_ne!(id, id2, "fresh cwmp:ID per request");
    let r = a
        .post(&enc(&Envelope::with_id(
            id2,
            Fault::new(FaultCode::MethodNotSupported),
        )))
        .unwrap();
    assert_eq!(r.status, 204);
    assert!(a.events.iter().any(|e| matches!(
        e,
        Event::RpcFault { handle, fault } if *handle == h2 && fault.fault_code == FaultCode::MethodNotSupported
    )));
}

#[test]
fn cpe_request_while_an_acs_request_is_outstanding_is_refused() {
    let mut a = Acs::new();
    a.s.queue_request(a.now, GetRpcMethods::default()).unwrap();
    a.post(&inform()).unwrap();
    a.post(b"").unwrap();
    let r = a
        .post(&enc(&Envelope::with_id("2", TransferComplete::default())))
        .unwrap();
    assert_eq!(r.status, 400);
    assert!(a.events.iter().any(|e| matches!(
        e,
        Event::RpcFailed {
            reason: RpcFailure::Unanswered,
            ..
        }
    )));
}

#[test]
fn cpe_request_under_hold_requests_is_refused() {
    let mut a = Acs::new();
    a.s.set_hold_requests(true);
    let r = a.post(&inform()).unwrap();
    assert_eq!(body_of(&r).header.hold_requests, Some(true));
    let r = a
        .post(&enc(&Envelope::with_id("2", TransferComplete::default())))
        .unwrap();
    assert_eq!(r.status, 400);
    assert!(
        matches!(a.ended(), Some(EndReason::ProtocolViolation(m)) if m.contains("HoldRequests"))
    );
}

#[test]
fn cpe_requests_answered_by_the_application_or_automatically() {
    // By the application, with a waiting step while it thinks.
    let mut a = Acs::new();
    a.post(&inform()).unwrap();
    assert!(
        a.post(&enc(&Envelope::with_id("7", TransferComplete::default())))
            .is_none()
    );
    let handle = a
        .events
        .iter()
        .find_map(|e| match e {
            Event::CpeRequest {
                handle,
                answered: false,
                ..
            } => Some(*handle),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        a.s.waiting_for().unwrap().step,
        Step::ApplicationReply("TransferComplete".into())
    );
    // A POST before the answer is the caller's mistake.
    assert_eq!(
        a.s.handle_input(acs::Input::HttpRequest {
            now: a.now,
            request: IncomingRequest::new(b"")
        }),
        Err(SessionError::ApiMisuse(Misuse::ResponsePending))
    );
    // The wrong response is refused, the right one sent with the CPE's cwmp:ID.
    assert!(
        a.s.respond(a.now, handle, Reply::response(RebootResponse::default()))
            .is_err()
    );
    a.s.respond(
        a.now,
        handle,
        Reply::response(TransferCompleteResponse::default()),
    )
    .unwrap();
    let r = a.drain().unwrap();
    let env = body_of(&r);
    assert_eq!(env.id(), Some("7"));
    assert_eq!(env.body.method_name(), "TransferCompleteResponse");
    assert!(
        a.s.respond(a.now, handle, Reply::fault(FaultCode::AcsInternalError))
            .is_err()
    );

    // Automatically.
    let mut config = acs::Config::default();
    config.auto_answer_cpe_requests = true;
    let mut a = Acs::with(config);
    a.post(&inform()).unwrap();
    let r = a
        .post(&enc(&Envelope::with_id("3", GetRpcMethods::default())))
        .unwrap();
    let env = body_of(&r);
    assert!(
        matches!(&env.body, Body::Response(Response::GetRpcMethods(g)) if g.method_list.contains(&"TransferComplete".to_owned()))
    );
    // An ACS-bound call of a CPE method gets 8000 whatever the setting.
    let r = a
        .post(&enc(&Envelope::with_id(
            "4",
            GetParameterValues::new(["X."]),
        )))
        .unwrap();
    assert!(
        matches!(&body_of(&r).body, Body::Fault(f) if f.fault_code == FaultCode::AcsMethodNotSupported)
    );
}

#[test]
fn version_negotiation_on_the_acs() {
    // SupportedCWMPVersions present: the highest common version in UseCWMPVersion.
    let mut env = Envelope::with_id(
        "1",
        Inform::new(DeviceIdStruct::new("A", "00D09E", "P", "S"), vec![]),
    );
    env.header.supported_cwmp_versions = Some(vec![CwmpVersion::V1_0, CwmpVersion::V1_3]);
    let mut a = Acs::new();
    let r = a.post(&enc(&env)).unwrap();
    assert_eq!(body_of(&r).header.use_cwmp_version, Some(CwmpVersion::V1_3));
    // None in common: 8006 and the end.
    let mut config = acs::Config::default();
    config.versions = vec![CwmpVersion::V1_4];
    let mut a = Acs::with(config);
    let r = a.post(&enc(&env)).unwrap();
    assert!(r.session_ended);
    assert!(
        matches!(&body_of(&r).body, Body::Fault(f) if f.fault_code == FaultCode::AcsVersionIncompatible)
    );
    assert_eq!(a.ended(), Some(&EndReason::VersionIncompatible));
    // Without the header: SessionTimeout in 1-2 means 1.3; no UseCWMPVersion sent.
    let mut env = Envelope::with_id(
        "1",
        Inform::new(DeviceIdStruct::new("A", "00D09E", "P", "S"), vec![]),
    );
    env.header.session_timeout = Some(60);
    let mut a = Acs::new();
    let r = a.post(&enc(&env)).unwrap();
    assert_eq!(body_of(&r).header.use_cwmp_version, None);
    assert_eq!(a.s.version(), Some(CwmpVersion::V1_3));
    // A cwmp-1-4 namespace (seen in the wild) is echoed.
    let env = Envelope::with_id(
        "1",
        Inform::new(DeviceIdStruct::new("A", "00D09E", "P", "S"), vec![]),
    )
    .in_namespace(CwmpNamespace::Cwmp1_4);
    let mut a = Acs::new();
    let r = a.post(&enc(&env)).unwrap();
    assert_eq!(body_of(&r).namespace, CwmpNamespace::Cwmp1_4);
}

#[test]
fn timeouts_name_the_step_and_answer_a_waiting_cpe() {
    let mut a = Acs::new();
    a.post(&inform()).unwrap();
    assert_eq!(a.s.waiting_for().unwrap().step, Step::CpeMessage);
    a.now += Duration::from_secs(5);
    assert!(a.post(b"").is_none(), "waits for the application");
    let w = a.s.waiting_for().unwrap();
    assert_eq!(w.step, Step::ApplicationRequests);
    assert_eq!(w.since, a.now);
    assert!(
        a.events
            .iter()
            .any(|e| matches!(e, Event::AwaitingRequests))
    );
    // Nothing from the application: at the timeout the CPE gets 204 and the session ends.
    let deadline = a.s.poll_timeout().unwrap();
    assert_eq!(deadline, a.now + Duration::from_secs(60));
    a.s.handle_input(acs::Input::Timeout(deadline)).unwrap();
    let r = a.drain().unwrap();
    assert_eq!((r.status, r.session_ended), (204, true));
    assert!(matches!(
        a.ended(),
        Some(EndReason::TimedOut { step: Step::ApplicationRequests, since }) if *since == w.since
    ));
    assert_eq!(a.s.poll_timeout(), None);
    assert!(a.s.queue_request(a.now, GetRpcMethods::default()).is_err());
}

#[test]
fn queue_request_refuses_acs_methods() {
    let mut a = Acs::new();
    assert!(matches!(
        a.s.queue_request(a.now, TransferComplete::default()),
        Err(SessionError::ApiMisuse(Misuse::WrongDirection(_)))
    ));
}

#[test]
fn hold_requests_is_set_by_the_application_at_the_inform() {
    let mut a = Acs::new();
    a.s.handle_input(acs::Input::HttpRequest {
        now: a.now,
        request: IncomingRequest::new(&inform()),
    })
    .unwrap();
    // The Inform event comes first; the InformResponse is built after it.
    let Some(Output::Event(Event::Inform { inform, version })) = a.s.poll_output() else {
        panic!()
    };
    assert_eq!(inform.device_id.serial_number, "SN1");
    assert_eq!(version, CwmpVersion::V1_2);
    a.s.set_hold_requests(true);
    let Some(Output::SendHttp(r)) = a.s.poll_output() else {
        panic!()
    };
    assert_eq!(body_of(&r).header.hold_requests, Some(true));
}

#[cfg(feature = "serde")]
#[test]
fn a_session_continues_on_another_node() {
    let mut a = Acs::new();
    a.s.queue_request(a.now, GetParameterValues::new(["Device.DeviceInfo.UpTime"]))
        .unwrap();
    a.s.finish(a.now);
    a.post(&inform()).unwrap();
    let r = a.post(b"").unwrap();
    let id = body_of(&r).header.id.unwrap();
    // Store between POSTs, load on another node.
    let json = serde_json::to_string(&a.s.save().unwrap()).unwrap();
    let mut b = Acs::new();
    b.s =
        AcsSession::restore(serde_json::from_str(&json).unwrap(), acs::Config::default()).unwrap();
    assert_eq!(
        b.s.waiting_for().unwrap().step,
        Step::CpeResponse("GetParameterValues".into())
    );
    let r = b
        .post(&enc(&Envelope::with_id(
            id,
            GetParameterValuesResponse::new(vec![]),
        )))
        .unwrap();
    assert_eq!((r.status, r.session_ended), (204, true));
    assert_eq!(b.ended(), Some(&EndReason::Completed));
}
