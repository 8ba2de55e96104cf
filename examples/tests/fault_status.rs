//! The HTTP status of the example ACS's SOAP Faults (`AcsConfig::fault_status`,
//! `acs_server --fault-status`), over real loopback HTTP: 200 by default, 500 when asked; the
//! fault itself is the same.

mod common;

use std::sync::Arc;

use bytes::Bytes;
use cwmp_examples::acs::{Acs, AcsConfig};
use cwmp_examples::support::Stats;
use cwmp_examples::transport::{SessionClient, bind};
use cwmp_session::acs::FaultStatus;
use cwmp_types::{
    Body, DeviceIdStruct, Envelope, EventCode, EventStruct, FaultCode, GetParameterValues, Inform,
};
use hyper::{StatusCode, Uri};

fn envelope(body: impl Into<Body>) -> Bytes {
    let mut out = Vec::new();
    cwmp_soap::encode(&Envelope::with_id("7", body), &mut out).unwrap();
    Bytes::from(out)
}

/// Inform, then an ACS method posted by the "CPE": the ACS answers fault 8000.
async fn fault_status_of(url: &str) -> (StatusCode, StatusCode, FaultCode) {
    let url: Uri = url.parse().unwrap();
    let mut client = SessionClient::default();
    let inform = Inform::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", "FS1"),
        vec![EventStruct::new(EventCode::Periodic)],
    );
    let r = client
        .post(&url, envelope(inform), None, true)
        .await
        .unwrap();
    let inform_status = r.status;
    let gpv = GetParameterValues::new(["Device."]);
    let r = client.post(&url, envelope(gpv), None, true).await.unwrap();
    let decoded = cwmp_soap::decode(&r.body).unwrap();
    let Body::Fault(fault) = decoded.envelope.body else {
        panic!("not a fault: {:?}", decoded.envelope.body);
    };
    (inform_status, r.status, fault.fault_code)
}

async fn start(status: FaultStatus) -> Acs {
    let mut config = AcsConfig::default();
    config.cpe_credentials = None;
    config.fault_status = status;
    Acs::start(
        bind("127.0.0.1:0").await.unwrap(),
        config,
        Arc::new(Stats::default()),
    )
}

#[tokio::test]
async fn faults_go_under_200_by_default_and_under_500_when_configured() {
    let acs = start(FaultStatus::default()).await;
    let (inform, fault, code) = fault_status_of(&acs.url()).await;
    assert_eq!((inform, fault), (StatusCode::OK, StatusCode::OK));
    assert_eq!(code, FaultCode::AcsMethodNotSupported);
    let acs = start(FaultStatus::InternalServerError500).await;
    let (inform, fault, code) = fault_status_of(&acs.url()).await;
    assert_eq!(
        (inform, fault),
        (StatusCode::OK, StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert_eq!(code, FaultCode::AcsMethodNotSupported);
}

#[tokio::test]
async fn acs_server_takes_the_fault_status_from_its_command_line() {
    let (_server, url, _) = common::acs_server(&["--no-auth", "--fault-status", "500"]);
    let (_, fault, _) = fault_status_of(&url).await;
    assert_eq!(fault, StatusCode::INTERNAL_SERVER_ERROR);
    let bad = std::process::Command::new(common::example("acs_server"))
        .args(["--listen", "127.0.0.1:0", "--fault-status", "404"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success(), "{stderr}");
    assert!(stderr.contains("--fault-status \"404\""), "{stderr}");
}
