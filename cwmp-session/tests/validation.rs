//! "Strict out": both machines check everything the application hands them to send against
//! the spec's limits, and refuse it with `SessionError::Validation` before anything is queued
//! or sent. Values the ACS chose and the CPE only echoes (a Reboot's CommandKey) still go back.

use std::time::{Duration, Instant, SystemTime};

use cwmp_session::acs::{self, AcsSession};
use cwmp_session::cpe::{self, CpeSession, Deferred, InformArgs};
use cwmp_session::http::{IncomingRequest, IncomingResponse};
use cwmp_session::{
    CpeRequest, EventQueue, HeartbeatPolicy, PeriodicInform, Reply, RetryPolicy, RpcHandle,
    SessionError, TransferKind,
};
use cwmp_types::*;

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn enc(env: &Envelope) -> Vec<u8> {
    let mut out = Vec::new();
    cwmp_soap::encode(env, &mut out).unwrap();
    out
}

fn too_long(field: &'static str, max: usize) -> SessionError {
    SessionError::Validation(ValidationError::too_long(field, max))
}

fn inform() -> Vec<u8> {
    enc(&Envelope::with_id(
        "1",
        Inform::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", "SN0001"),
            vec![EventStruct::new(EventCode::Periodic)],
        ),
    ))
}

/// An ACS session past the Inform, waiting for the CPE's next POST.
fn acs_after_inform() -> AcsSession {
    let mut s = AcsSession::new(acs::Config::default(), t0());
    let body = inform();
    s.handle_input(acs::Input::HttpRequest {
        now: t0(),
        request: IncomingRequest::new(&body),
    })
    .unwrap();
    while s.poll_output().is_some() {}
    s
}

#[test]
fn acs_refuses_to_queue_a_request_that_breaks_a_limit() {
    let mut s = acs_after_inform();
    let reboot = Reboot::new("k".repeat(100));
    assert_eq!(
        s.queue_request(t0(), reboot),
        Err(too_long("CommandKey", 32))
    );
    assert_eq!(s.queued_requests(), 0);
    let mut spa = SetParameterAttributes::default();
    spa.parameter_list
        .push(SetParameterAttributesStruct::notification(
            "Device.DeviceInfo.UpTime",
            7,
        ));
    assert_eq!(
        s.queue_request(t0(), spa),
        Err(SessionError::Validation(ValidationError::out_of_range(
            "Notification",
            0,
            6
        )))
    );
    // A valid one is queued and sent at the CPE's empty POST.
    s.queue_request(t0(), Reboot::new("k".repeat(32))).unwrap();
    assert_eq!(s.queued_requests(), 1);
}

#[test]
fn acs_refuses_a_reply_that_breaks_a_limit_and_keeps_the_request_open() {
    let mut s = acs_after_inform();
    let kicked = enc(&Envelope::with_id(
        "2",
        Kicked::new("cmd", "http://ref.example/", "", "http://next.example/"),
    ));
    s.handle_input(acs::Input::HttpRequest {
        now: t0(),
        request: IncomingRequest::new(&kicked),
    })
    .unwrap();
    let mut handle = None;
    while let Some(o) = s.poll_output() {
        if let acs::Output::Event(acs::Event::CpeRequest { handle: h, .. }) = o {
            handle = Some(h);
        }
    }
    let h = handle.expect("the Kicked reaches the application");
    let long = format!("http://next.example/{}", "x".repeat(1100));
    assert_eq!(
        s.respond(t0(), h, Reply::response(KickedResponse::new(long))),
        Err(too_long("NextURL", 1024))
    );
    // An ACS faults with an 8000-series code, never a CPE's.
    assert!(matches!(
        s.respond(t0(), h, Reply::fault(FaultCode::InternalError)),
        Err(SessionError::Validation(e)) if e.field == "FaultCode"
    ));
    assert!(s.poll_output().is_none(), "nothing was sent");
    s.respond(
        t0(),
        h,
        Reply::response(KickedResponse::new("http://next.example/")),
    )
    .unwrap();
    assert!(matches!(
        s.poll_output(),
        Some(acs::Output::SendHttp(r)) if r.status == 200
    ));
}

/// A CPE with one session running up to the ACS's first request.
struct Cpe {
    s: CpeSession,
    now: Instant,
}

impl Cpe {
    fn new(queue: EventQueue) -> Self {
        let now = Instant::now();
        let config = cpe::Config::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", "SN0001"),
            "http://acs.example/cwmp",
        );
        Self {
            s: CpeSession::new(config, now, queue),
            now,
        }
    }

    fn args() -> InformArgs {
        InformArgs::new(DateTime::from_unix(1_700_000_000), Vec::new())
    }

    /// Feeds an answer; returns the events and whether a POST is due.
    fn feed(&mut self, status: u16, body: &[u8]) -> (Vec<cpe::Event>, bool) {
        self.s
            .handle_input(cpe::Input::HttpResponse {
                now: self.now,
                response: IncomingResponse::new(status, body),
            })
            .unwrap();
        self.drain()
    }

    fn drain(&mut self) -> (Vec<cpe::Event>, bool) {
        let mut events = Vec::new();
        let mut post = false;
        while let Some(o) = self.s.poll_output() {
            match o {
                cpe::Output::SendHttp(_) => post = true,
                cpe::Output::Event(e) => events.push(e),
                other => panic!("{other:?}"),
            }
        }
        (events, post)
    }

    /// Starts the due session, gets the InformResponse, and receives `request`.
    fn receive(&mut self, request: impl Into<Request>) -> RpcHandle {
        self.drain();
        self.s.start_session(self.now, Self::args()).unwrap();
        self.drain();
        self.feed(200, &enc(&Envelope::with_id("1", InformResponse::new())));
        let (events, _) = self.feed(200, &enc(&Envelope::with_id("a1", request.into())));
        events
            .into_iter()
            .find_map(|e| match e {
                cpe::Event::AcsRequest { handle, .. } => Some(handle),
                _ => None,
            })
            .expect("the request reaches the application")
    }
}

#[test]
fn cpe_refuses_a_reply_that_breaks_a_limit_and_keeps_the_request_open() {
    let mut c = Cpe::new(EventQueue::bootstrap());
    let h = c.receive(GetParameterValues::new(["Device.DeviceInfo.UpTime"]));
    let bad = GetParameterValuesResponse::new(vec![ParameterValueStruct::new(
        format!("Device.{}", "X".repeat(300)),
        ParameterValue::string("1"),
    )]);
    assert_eq!(
        c.s.respond(c.now, h, Reply::response(bad)),
        Err(too_long("Name", 256))
    );
    // A CPE faults with a 9000-series code, never an ACS's.
    assert!(matches!(
        c.s.respond(c.now, h, Reply::fault(FaultCode::AcsRetryRequest)),
        Err(SessionError::Validation(e)) if e.field == "FaultCode"
    ));
    assert_eq!(c.s.state(), cpe::State::AwaitingApplication(h));
    let good = GetParameterValuesResponse::new(vec![ParameterValueStruct::new(
        "Device.DeviceInfo.UpTime",
        ParameterValue::unsigned_int(42),
    )]);
    c.s.respond(c.now, h, Reply::response(good)).unwrap();
    assert_eq!(c.s.state(), cpe::State::AwaitingResponse);
}

#[test]
fn cpe_refuses_events_requests_and_inform_args_that_break_a_limit() {
    let mut c = Cpe::new(EventQueue::new());
    let before = c.s.event_queue().clone();
    assert_eq!(
        c.s.queue_event(
            c.now,
            EventStruct::with_command_key(EventCode::m_reboot(), "k".repeat(33)),
            true
        ),
        Err(too_long("CommandKey", 32))
    );
    assert!(matches!(
        c.s.queue_event(c.now, EventStruct::new(EventCode::Other("NOT A CODE".into())), true),
        Err(SessionError::Validation(e)) if e.field == "EventCode"
    ));
    let mut tc = TransferComplete::default();
    tc.command_key = "k".repeat(40);
    assert_eq!(
        c.s.queue_request(
            c.now,
            CpeRequest::TransferComplete {
                kind: TransferKind::Download,
                body: tc
            }
        ),
        Err(too_long("CommandKey", 32))
    );
    assert_eq!(c.s.event_queue(), &before, "nothing was queued");
    assert_eq!(c.s.poll_output(), None, "no session became due");

    // EventQueue's own API checks the same.
    let mut q = EventQueue::new();
    assert_eq!(
        q.push(EventStruct::with_command_key(
            EventCode::m_reboot(),
            "k".repeat(33)
        )),
        Err(too_long("CommandKey", 32))
    );
    assert!(q.is_empty());

    // The Inform's parameters: refused, and the session stays due.
    let mut c = Cpe::new(EventQueue::bootstrap());
    c.drain();
    let bad = InformArgs::new(
        DateTime::from_unix(1_700_000_000),
        vec![ParameterValueStruct::new(
            "Device..Bad",
            ParameterValue::string("1"),
        )],
    );
    assert!(matches!(
        c.s.start_session(c.now, bad),
        Err(SessionError::Validation(e)) if e.field == "Name"
    ));
    assert!(!c.s.is_in_session());
    assert!(matches!(c.s.state(), cpe::State::InformDue(_)));
    c.s.start_session(c.now, Cpe::args()).unwrap();
    assert!(c.s.is_in_session());

    // A DeviceId field over 64 characters in the config.
    let mut config = cpe::Config::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", "S".repeat(65)),
        "http://acs.example/cwmp",
    );
    config.seed = 1;
    let mut s = CpeSession::new(config, c.now, EventQueue::bootstrap());
    assert!(matches!(
        s.start_session(c.now, Cpe::args()),
        Err(SessionError::Validation(e)) if e.field == "SerialNumber"
    ));
}

#[test]
fn an_acs_chosen_command_key_is_echoed_even_when_it_breaks_the_limit() {
    // The ACS (not this crate's) sends a Reboot with a 40-character CommandKey; the CPE
    // reports `M Reboot` with exactly that key after the reboot.
    let key = "r".repeat(40);
    let mut c = Cpe::new(EventQueue::bootstrap());
    let h = c.receive(Reboot::new(key.clone()));
    c.s.respond(c.now, h, Reply::response(RebootResponse::default()))
        .unwrap();
    c.drain();
    let (events, _) = c.feed(204, b"");
    let end = events
        .iter()
        .find_map(|e| match e {
            cpe::Event::SessionEnded(end) => Some(end),
            _ => None,
        })
        .expect("the session ended");
    assert_eq!(
        end.deferred,
        [Deferred::Reboot {
            command_key: key.clone()
        }]
    );
    assert!(
        c.s.event_queue()
            .events()
            .any(|e| e.event_code == EventCode::m_reboot() && e.command_key == key)
    );
}

#[test]
fn peer_set_policies_out_of_range_are_validation_errors_not_misuse() {
    // The application applies what a SetParameterValues set; these are answered with 9007.
    assert_eq!(
        RetryPolicy::new(0, 2000),
        Err(SessionError::Validation(ValidationError::out_of_range(
            "CWMPRetryMinimumWaitInterval",
            1,
            65535
        )))
    );
    assert_eq!(
        RetryPolicy::new(5, 999),
        Err(SessionError::Validation(ValidationError::out_of_range(
            "CWMPRetryIntervalMultiplier",
            1000,
            65535
        )))
    );
    assert!(matches!(
        PeriodicInform::new(true, 0, DateTime::UNKNOWN),
        Err(SessionError::Validation(e)) if e.field == "PeriodicInformInterval"
    ));
    assert!(matches!(
        HeartbeatPolicy::new(true, 29, DateTime::UNKNOWN),
        Err(SessionError::Validation(e)) if e.field == "HeartbeatPolicy.ReportingInterval"
    ));
    assert!(RetryPolicy::new(1, 1000).is_ok());
    assert!(PeriodicInform::every(1).is_ok());
}
