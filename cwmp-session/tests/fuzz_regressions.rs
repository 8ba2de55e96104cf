//! Inputs found by the fuzz targets (fuzz/), kept as regression tests.

use std::time::Instant;

use cwmp_session::cpe::{self, CpeSession, Event, InformArgs, Output};
use cwmp_session::{CpeRequest, EventQueue, SessionError};
use cwmp_types::*;

/// fuzz `cpe_session`: an event code holding a character XML cannot carry was queued, and every
/// later Inform failed to encode, so no session could ever start again. Such an event is now
/// refused when queued, and the queue keeps working.
#[test]
fn an_event_that_cannot_be_encoded_is_refused_when_queued() {
    let now = Instant::now();
    let config = cpe::Config::new(DeviceIdStruct::new("A", "00D09E", "P", "S"), "http://acs/");
    let mut cpe = CpeSession::new(config, now, EventQueue::new());
    let bad = EventStruct::new(EventCode::parse("X 00D09E bad\u{1}"));
    assert!(matches!(
        cpe.queue_event(now, bad, true),
        Err(SessionError::InvalidMessage(_))
    ));
    let mut bad_key = EventStruct::new(EventCode::Method("Reboot".into()));
    bad_key.command_key = "\u{0}".into();
    assert!(cpe.queue_event(now, bad_key, true).is_err());
    let mut tc = TransferComplete::default();
    tc.command_key = "\u{b}".into();
    let request = CpeRequest::TransferComplete {
        kind: cwmp_session::TransferKind::Download,
        body: tc,
    };
    assert!(cpe.queue_request(now, request).is_err());
    // A good event still starts a session whose Inform encodes.
    cpe.queue_event(now, EventStruct::new(EventCode::ValueChange), true)
        .unwrap();
    let mut started = false;
    while let Some(output) = cpe.poll_output() {
        match output {
            Output::Event(Event::InformDue { .. }) => {
                cpe.start_session(now, InformArgs::new(DateTime::UNKNOWN, vec![]))
                    .unwrap();
            }
            Output::SendHttp(request) => {
                let inform = cwmp_soap::decode(&request.body).unwrap().envelope;
                let Body::Request(Request::Inform(inform)) = inform.body else {
                    panic!()
                };
                assert_eq!(inform.event.len(), 1);
                assert_eq!(inform.event[0].event_code, EventCode::ValueChange);
                started = true;
            }
            _ => {}
        }
    }
    assert!(started);
}
