//! Faults under HTTP error statuses: the SOAP 1.1 HTTP binding answers a fault with `500`,
//! and the CPE handles such a fault exactly as one under `200`; the ACS sends its faults
//! under the status its `Config::fault_status` names (`200` by default).

mod harness;

use cwmp_session::acs::{self, AcsSession, EndReason, FaultStatus};
use cwmp_session::cpe::Failure;
use cwmp_session::http::{CONTENT_TYPE_XML, HttpResponse, IncomingRequest, SendReason};
use cwmp_session::{CpeRequest, EventQueue, Reply};
use cwmp_types::*;
use harness::*;

/// The ACS's answer, with a SOAP Fault moved under status 500 as the SOAP binding does.
fn fault_as_500(status: u16, body: Vec<u8>) -> (u16, Vec<u8>) {
    match cwmp_soap::decode(&body) {
        Ok(d) if matches!(d.envelope.body, Body::Fault(_)) => (500, body),
        _ => (status, body),
    }
}

fn fault_body(code: FaultCode) -> Vec<u8> {
    encode(&Envelope::with_id("1", Fault::new(code)))
}

#[test]
fn fault_8006_under_500_makes_the_cpe_fall_back_to_an_older_version() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.net.push_back(Net::Respond {
        status: 500,
        body: fault_body(FaultCode::AcsVersionIncompatible),
        location: None,
    });
    p.run_sessions(2);
    assert!(matches!(
        &p.cpe_app.ends[0].result,
        Err(Failure::InformFault(f)) if f.fault_code == FaultCode::AcsVersionIncompatible
    ));
    let first = decode(&p.posts[0].body);
    let second = decode(&p.posts[1].body);
    assert_eq!(first.namespace, CwmpNamespace::Cwmp1_2);
    assert_eq!(second.namespace, CwmpNamespace::Cwmp1_1);
    assert!(second.header.supported_cwmp_versions.is_none());
    assert_eq!(p.cpe_app.ends[1].result, Ok(()));
    assert_eq!(p.cpe_app.established, [CwmpVersion::V1_1]);
}

#[test]
fn fault_8005_under_500_resends_the_same_request() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    let h = p.queue_transfer_complete_to_retry(1);
    p.net.push_back(Net::Pass);
    p.net.push_back(Net::Rewrite(fault_as_500));
    p.run_sessions(1);
    assert_eq!(
        p.posted(),
        [
            "Inform",
            "AutonomousTransferComplete",
            "AutonomousTransferComplete",
            "empty"
        ]
    );
    assert_eq!(p.answered()[1], (500, "Fault".to_owned()));
    assert_eq!(p.posts[2].reason, SendReason::RetryRequest);
    assert_eq!(p.posts[1].body, p.posts[2].body);
    assert_eq!(p.cpe_app.acked[0].0, h);
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
}

#[test]
fn other_faults_under_error_statuses_go_to_the_application() {
    for status in [500, 400, 503] {
        let mut p = Pair::new(Pair::config(), EventQueue::new());
        let h = p
            .cpe
            .queue_request(p.now, CpeRequest::RequestDownload(request_download()))
            .unwrap();
        p.net.push_back(Net::Pass);
        p.net.push_back(Net::Respond {
            status,
            body: encode(&Envelope::with_id(
                "2",
                Fault::new(FaultCode::AcsResourcesExceeded),
            )),
            location: None,
        });
        p.run_sessions(1);
        assert_eq!(p.cpe_app.faulted.len(), 1, "status {status}");
        let (handle, fault, retained) = &p.cpe_app.faulted[0];
        assert_eq!(*handle, h);
        assert_eq!(fault.fault_code, FaultCode::AcsResourcesExceeded);
        assert!(*retained);
        // The session goes on to its empty POST and ends well.
        assert_eq!(p.posted(), ["Inform", "RequestDownload", "empty"]);
        assert_eq!(p.cpe_app.ends[0].result, Ok(()));
        assert_eq!(p.cpe.event_queue().requests().len(), 1);
    }
}

#[test]
fn error_statuses_without_a_fault_still_fail_the_session() {
    let bodies: [(u16, Vec<u8>); 4] = [
        (500, Vec::new()),
        (
            500,
            b"<html><body>Internal Server Error</body></html>".to_vec(),
        ),
        // An envelope that is no fault does not make an error status a success.
        (500, encode(&Envelope::with_id("1", InformResponse::new()))),
        (404, b"not found".to_vec()),
    ];
    for (status, body) in bodies {
        let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
        p.net.push_back(Net::Respond {
            status,
            body,
            location: None,
        });
        p.run_sessions(1);
        assert_eq!(p.cpe_app.ends[0].result, Err(Failure::HttpStatus(status)));
        assert_eq!(p.cpe.retry_count(), 1);
        assert!(p.cpe_app.established.is_empty());
    }
}

// ------------------------------------------------------------------------------ ACS

fn acs_config(fault_status: FaultStatus) -> acs::Config {
    let mut c = acs::Config::default();
    c.fault_status = fault_status;
    c
}

fn inform(id: &str) -> Envelope {
    Envelope::with_id(
        id,
        Inform::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", "SN1"),
            vec![EventStruct::new(EventCode::Periodic)],
        ),
    )
}

fn fault_code(r: &HttpResponse) -> Option<FaultCode> {
    match decode(&r.body).body {
        Body::Fault(f) => Some(f.fault_code),
        _ => None,
    }
}

/// `(status, fault code, session ended)` of each response that carries an envelope, after
/// checking its content type.
fn seen(r: &HttpResponse) -> (u16, Option<FaultCode>, bool) {
    assert_eq!(r.content_type, Some(CONTENT_TYPE_XML), "{r:?}");
    (r.status, fault_code(r), r.session_ended)
}

/// Every fault the ACS sends, under the configured status; everything else as before.
fn acs_faults_under(fault_status: FaultStatus, expected: u16) {
    let config = acs_config(fault_status);

    // 8006: no common version.
    let mut env = inform("1");
    env.header.supported_cwmp_versions = Some(vec![CwmpVersion::V1_0]);
    let mut only_1_4 = config.clone();
    only_1_4.versions = vec![CwmpVersion::V1_4];
    let mut a = AcsAlone::new(only_1_4);
    let r = a.post(&encode(&env));
    assert_eq!(
        seen(&r),
        (expected, Some(FaultCode::AcsVersionIncompatible), true)
    );
    assert_eq!(a.ended(), Some(&EndReason::VersionIncompatible));

    // MustUnderstand: an Inform with a header entry this ACS does not understand.
    let text = String::from_utf8(encode(&inform("1"))).unwrap();
    let misunderstood = text.replacen(
        "</soap-env:Header>",
        r#"<cwmp:HoldRequest soap-env:mustUnderstand="1">1</cwmp:HoldRequest></soap-env:Header>"#,
        1,
    );
    let mut a = AcsAlone::new(config.clone());
    let r = a.post(misunderstood.as_bytes());
    assert_eq!((r.status, r.session_ended), (expected, false));
    assert_eq!(r.content_type, Some(CONTENT_TYPE_XML));
    assert_eq!(decode(&r.body).body, Body::Fault(Fault::must_understand()));

    // The session: the InformResponse under 200 whatever the setting.
    let mut a = AcsAlone::new(config.clone());
    assert_eq!(seen(&a.post(&encode(&inform("1")))), (200, None, false));
    // 8000 for an ACS method called by the CPE.
    let r = a.post(&encode(&Envelope::with_id(
        "2",
        GetParameterValues::new(["Device."]),
    )));
    assert_eq!(
        seen(&r),
        (expected, Some(FaultCode::AcsMethodNotSupported), false)
    );
    // A response from the application under 200, a fault (8005) under the setting.
    // (Each with its own cwmp:ID: the same bytes again would be a retry, answered again.)
    let tc = |id: &str| encode(&Envelope::with_id(id, TransferComplete::default()));
    a.reply = Some(Reply::response(TransferCompleteResponse::default()));
    assert_eq!(seen(&a.post(&tc("3"))), (200, None, false));
    a.reply = Some(Reply::fault(FaultCode::AcsRetryRequest));
    assert_eq!(
        seen(&a.post(&tc("4"))),
        (expected, Some(FaultCode::AcsRetryRequest), false)
    );
    // 8002 when the session is aborted while the application owes an answer.
    a.s.handle_input(acs::Input::HttpRequest {
        now: a.now,
        request: IncomingRequest::new(&tc("5")),
    })
    .unwrap();
    assert_eq!(a.drain(), None, "the application has not answered");
    a.s.abort(a.now);
    let r = a.drain().unwrap();
    assert_eq!(
        seen(&r),
        (expected, Some(FaultCode::AcsInternalError), true)
    );
    assert_eq!(a.ended(), Some(&EndReason::Aborted));

    // A protocol violation is no fault: 400 with a text reason whatever the setting.
    let mut a = AcsAlone::new(config);
    let r = a.post(&encode(&Envelope::with_id(
        "1",
        TransferComplete::default(),
    )));
    assert_eq!(r.status, 400);
    assert_eq!(r.content_type, Some("text/plain; charset=utf-8"));
}

#[test]
fn the_acs_sends_its_faults_under_200_by_default() {
    assert_eq!(acs::Config::default().fault_status, FaultStatus::Ok200);
    acs_faults_under(FaultStatus::default(), 200);
}

#[test]
fn the_acs_sends_its_faults_under_500_when_configured() {
    assert_eq!(FaultStatus::InternalServerError500.code(), 500);
    acs_faults_under(FaultStatus::InternalServerError500, 500);
}

#[test]
fn a_cpe_resends_on_8005_from_an_acs_that_faults_under_500() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    p.acs_config.fault_status = FaultStatus::InternalServerError500;
    let h = p.queue_transfer_complete_to_retry(1);
    p.run_sessions(1);
    assert_eq!(
        p.answered(),
        [
            (200, "InformResponse".to_owned()),
            (500, "Fault".to_owned()),
            (200, "AutonomousTransferCompleteResponse".to_owned()),
            (204, "empty".to_owned()),
        ]
    );
    assert_eq!(p.posts[2].reason, SendReason::RetryRequest);
    assert_eq!(p.cpe_app.acked[0].0, h);
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
}

#[test]
fn a_cpe_ends_its_session_on_8006_from_an_acs_that_faults_under_500() {
    let mut config = Pair::config();
    config.versions = vec![CwmpVersion::V1_4];
    let mut p = Pair::new(config, EventQueue::bootstrap());
    p.acs_config.versions = vec![CwmpVersion::V1_0];
    p.acs_config.fault_status = FaultStatus::InternalServerError500;
    p.run_sessions(1);
    assert_eq!(p.answered(), [(500, "Fault".to_owned())]);
    assert!(matches!(
        &p.cpe_app.ends[0].result,
        Err(Failure::InformFault(f)) if f.fault_code == FaultCode::AcsVersionIncompatible
    ));
    assert_eq!(p.acs_app.ends, [EndReason::VersionIncompatible]);
}

/// A fault under 500 is answered again, the same, when its POST is retried on another node.
#[cfg(feature = "serde")]
#[test]
fn a_retried_post_gets_its_fault_again_under_500_after_a_restore() {
    let config = acs_config(FaultStatus::InternalServerError500);
    let mut a = AcsAlone::new(config.clone());
    a.post(&encode(&inform("1")));
    let call = encode(&Envelope::with_id(
        "2",
        GetParameterValues::new(["Device."]),
    ));
    let first = a.post(&call);
    assert_eq!(first.status, 500);
    let json = serde_json::to_string(&a.s.save().unwrap()).unwrap();
    let mut b = AcsAlone::new(config);
    b.s = AcsSession::restore(serde_json::from_str(&json).unwrap(), b.s.config().clone()).unwrap();
    assert!(b.s.is_retry(&call));
    assert_eq!(b.post(&call), first);
}
