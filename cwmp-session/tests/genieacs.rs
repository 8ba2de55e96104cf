//! A CPE against what GenieACS really answers, with the harness: the exact bytes of its
//! answer to a CPE request it does not implement, a Fault under `<soap-env:Body:Fault>`.

mod harness;

use cwmp_session::cpe::SessionKind;
use cwmp_session::{CpeRequest, EventQueue, PeriodicInform};
use cwmp_types::*;
use harness::*;

/// GenieACS's answer to AutonomousTransferComplete, Kicked, DUStateChangeComplete, ...
fn genieacs_8000(id: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap-env:Envelope xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><soap-env:Header><cwmp:ID soap-env:mustUnderstand=\"1\">{id}</cwmp:ID></soap-env:Header><soap-env:Body><soap-env:Body:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>8000</FaultCode><FaultString>Method not supported</FaultString></cwmp:Fault></detail></soap-env:Body:Fault></soap-env:Body></soap-env:Envelope>"
    )
    .into_bytes()
}

fn autonomous_transfer_complete() -> CpeRequest {
    CpeRequest::AutonomousTransferComplete(AutonomousTransferComplete::new(
        "http://files.example/fw.bin",
        true,
        "1 Firmware Upgrade Image",
        FaultStruct::default(),
        DateTime::from_unix(1_700_000_000),
        DateTime::from_unix(1_700_000_060),
    ))
}

#[test]
fn genieacs_method_not_supported_fault_drops_the_request_for_good() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    let h = p
        .cpe
        .queue_request(p.now, autonomous_transfer_complete())
        .unwrap();
    // The Inform goes to the ACS; GenieACS's bytes answer the CPE request (echoing its ID);
    // the empty POST goes to the ACS again.
    p.net.push_back(Net::Pass);
    p.net.push_back(Net::Respond {
        status: 200,
        body: genieacs_8000("2"),
        location: None,
    });
    p.run_sessions(1);
    assert_eq!(
        p.posted(),
        ["Inform", "AutonomousTransferComplete", "empty"],
        "{:#?}",
        p.trace
    );
    assert_eq!(decode(&p.posts[1].body).header.id.as_deref(), Some("2"));
    // Read as the Fault it means: 8000, the request is dropped, the session succeeds.
    let end = &p.cpe_app.ends[0];
    assert!(end.result.is_ok(), "{end:?}");
    assert_eq!(p.cpe_app.faulted.len(), 1);
    let (handle, fault, retained) = &p.cpe_app.faulted[0];
    assert_eq!(*handle, h);
    assert_eq!(fault.fault_code, FaultCode::AcsMethodNotSupported);
    assert!(!retained);
    assert!(p.cpe.event_queue().is_empty());

    // The next session (a periodic one) carries neither the request nor its event.
    let unix_now = p.unix_now();
    p.cpe
        .set_periodic_inform(p.now, unix_now, PeriodicInform::every(300).unwrap());
    p.run_sessions(2);
    assert_eq!(p.cpe_app.ends[1].kind, SessionKind::Regular);
    assert!(p.cpe_app.ends[1].result.is_ok());
    assert_eq!(event_codes(p.last_inform()), ["2 PERIODIC"]);
    let posted = p.posted();
    assert_eq!(&posted[3..], ["Inform", "empty"]);
    assert!(p.acs_app.cpe_requests.is_empty());
}
