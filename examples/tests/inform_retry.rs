//! The example ACS routes an Inform by a peek of its body and `acs::Route`: a retry of the
//! Inform (the same bytes again, with the session's cookie: a CPE or proxy that lost the
//! response) is answered again by its session and applied once; a new Inform with the same
//! cookie starts a new session.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cwmp_examples::acs::{Acs, AcsConfig};
use cwmp_examples::support::Stats;
use cwmp_examples::transport::{SessionClient, bind};
use cwmp_types::{DeviceIdStruct, Envelope, EventCode, EventStruct, Inform};
use hyper::Uri;

fn inform(id: &str) -> Bytes {
    let mut out = Vec::new();
    let env = Envelope::with_id(
        id,
        Inform::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", "RETRY1"),
            vec![EventStruct::new(EventCode::Periodic)],
        ),
    );
    cwmp_soap::encode(&env, &mut out).unwrap();
    Bytes::from(out)
}

#[tokio::test]
async fn a_retried_inform_is_answered_again_and_applied_once() {
    let mut config = AcsConfig::default();
    config.cpe_credentials = None;
    let listener = bind("127.0.0.1:0").await.unwrap();
    let url: Uri = format!("http://{}/cwmp", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    let acs = Acs::start(listener, config, Arc::new(Stats::default()));
    let mut informs = acs.informs();
    let mut cpe = SessionClient::default();
    let first = cpe.post(&url, inform("1"), None, true).await.unwrap();
    assert_eq!(first.status, 200);
    assert!(cpe.jar.header().is_some(), "the session's cookie");
    // The same Inform again, with the cookie: the same answer, no second Inform applied.
    let again = cpe.post(&url, inform("1"), None, true).await.unwrap();
    assert_eq!((again.status, &again.body), (first.status, &first.body));
    assert_eq!(acs.open_sessions(), 1);
    // A new Inform of the device (another cwmp:ID) with the same cookie: a new session.
    let next = cpe.post(&url, inform("2"), None, true).await.unwrap();
    assert_eq!(next.status, 200);
    let mut seen = Vec::new();
    while let Ok(Ok(i)) = tokio::time::timeout(Duration::from_millis(200), informs.recv()).await {
        seen.push(i.0);
    }
    assert_eq!(seen, ["RETRY1", "RETRY1"], "two Informs applied, not three");
}
