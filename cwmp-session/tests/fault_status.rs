//! Faults under HTTP error statuses: the SOAP 1.1 HTTP binding answers a fault with `500`,
//! and the CPE handles such a fault exactly as one under `200`.

mod harness;

use cwmp_session::cpe::Failure;
use cwmp_session::http::SendReason;
use cwmp_session::{CpeRequest, EventQueue};
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
    let h = p
        .cpe
        .queue_request(
            p.now,
            CpeRequest::AutonomousTransferComplete(autonomous_transfer_complete()),
        )
        .unwrap();
    p.acs_app.cpe_request_faults.push_back((
        "AutonomousTransferComplete".into(),
        FaultCode::AcsRetryRequest,
    ));
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
