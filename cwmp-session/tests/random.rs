//! Property tests: random transport outcomes, bodies, application actions and orders fed to
//! each machine. Neither may panic, grow without bound, or fail to end.

use std::time::{Duration, Instant, SystemTime};

use cwmp_session::acs::{self, AcsSession};
use cwmp_session::cpe::{self, CpeSession, InformArgs, TransportError};
use cwmp_session::http::{IncomingRequest, IncomingResponse};
use cwmp_session::{
    CpeRequest, EventQueue, MAX_INFORM_EVENTS, MAX_QUEUED_EVENTS, Reply, RpcHandle,
};
use cwmp_types::*;
use proptest::prelude::*;

use cwmp_session::strategy::{cpe_request, peer_body};
use cwmp_types::strategy as strat;

#[derive(Debug, Clone)]
enum CpeStep {
    Wait(u32),
    Http {
        status: u16,
        body: Vec<u8>,
        location: bool,
    },
    Fail(u8),
    Event(EventCode, bool),
    Request(CpeRequest),
    Reply(Option<Response>, FaultCode),
    Abort,
}

fn cpe_step() -> impl Strategy<Value = CpeStep> {
    prop_oneof![
        2 => (0u32..4000).prop_map(CpeStep::Wait),
        6 => (
            prop_oneof![
                6 => Just(200u16), 2 => Just(204u16), 1 => Just(401u16), 1 => Just(302u16),
                1 => Just(307u16), 1 => Just(500u16), 1 => 100u16..600
            ],
            peer_body(),
            any::<bool>()
        )
            .prop_map(|(status, body, location)| CpeStep::Http { status, body, location }),
        1 => (0u8..3).prop_map(CpeStep::Fail),
        2 => (strat::event_code(), any::<bool>()).prop_map(|(c, t)| CpeStep::Event(c, t)),
        1 => cpe_request().prop_map(CpeStep::Request),
        3 => (proptest::option::of(strat::response()), strat::fault_code())
            .prop_map(|(r, f)| CpeStep::Reply(r, f)),
        1 => Just(CpeStep::Abort),
    ]
}

struct CpeDriver {
    cpe: CpeSession,
    now: Instant,
    pending: Option<RpcHandle>,
    ended: usize,
}

impl CpeDriver {
    fn drain(&mut self) {
        let mut n = 0;
        while let Some(o) = self.cpe.poll_output() {
            n += 1;
            assert!(n < 64, "output flood");
            match o {
                cpe::Output::Event(cpe::Event::InformDue { .. }) => {
                    self.cpe
                        .start_session(self.now, InformArgs::new(DateTime::UNKNOWN, vec![]))
                        .expect("start when due");
                }
                cpe::Output::Event(cpe::Event::AcsRequest { handle, .. }) => {
                    self.pending = Some(handle)
                }
                cpe::Output::Event(cpe::Event::SessionEnded(_)) => {
                    self.ended += 1;
                    self.pending = None;
                }
                _ => {}
            }
        }
        let q = self.cpe.event_queue();
        assert!(q.events().count() <= MAX_QUEUED_EVENTS);
        assert!(q.inform_events().len() <= MAX_INFORM_EVENTS);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn cpe_survives_anything(seed in any::<u64>(), steps in proptest::collection::vec(cpe_step(), 1..40)) {
        let now = Instant::now();
        let mut config = cpe::Config::new(DeviceIdStruct::new("A", "00D09E", "P", "S"), "http://acs/");
        config.seed = seed;
        let mut d = CpeDriver { cpe: CpeSession::new(config, now, EventQueue::bootstrap()), now, pending: None, ended: 0 };
        d.drain();
        for step in steps {
            match step {
                CpeStep::Wait(s) => {
                    d.now += Duration::from_secs(u64::from(s));
                    d.cpe.handle_input(cpe::Input::Timeout(d.now)).unwrap();
                }
                CpeStep::Http { status, body, location } => {
                    let mut r = IncomingResponse::new(status, &body);
                    if location { r = r.with_location("http://elsewhere/"); }
                    // Misuse (no POST outstanding) is an error, never a panic.
                    let outstanding = matches!(d.cpe.state(), cpe::State::AwaitingResponse);
                    let res = d.cpe.handle_input(cpe::Input::HttpResponse { now: d.now, response: r });
                    prop_assert_eq!(res.is_ok(), outstanding);
                }
                CpeStep::Fail(k) => {
                    let error = [TransportError::Connect, TransportError::Tls, TransportError::ConnectionLost][k as usize];
                    let _ = d.cpe.handle_input(cpe::Input::TransportFailed { now: d.now, error });
                }
                CpeStep::Event(code, trigger) => {
                    let _ = d.cpe.queue_event(d.now, EventStruct::new(code), trigger);
                }
                CpeStep::Request(request) => {
                    let _ = d.cpe.queue_request(d.now, request);
                }
                CpeStep::Reply(resp, fault) => {
                    if let Some(h) = d.pending {
                        let reply = match resp { Some(r) => Reply::Response(r), None => Reply::fault(fault) };
                        if d.cpe.respond(d.now, h, reply).is_ok() {
                            d.pending = None;
                        }
                    }
                }
                CpeStep::Abort => { let _ = d.cpe.abort(d.now); }
            }
            d.drain();
        }
        // It always ends: answer what is asked, let time pass; within a few rounds the
        // session is over (each POST times out after 30 s at most).
        for _ in 0..200 {
            if !d.cpe.is_in_session() { break; }
            if let Some(h) = d.pending.take() {
                let _ = d.cpe.respond(d.now, h, Reply::fault(FaultCode::InternalError));
            } else {
                d.now += Duration::from_secs(31);
                d.cpe.handle_input(cpe::Input::Timeout(d.now)).unwrap();
            }
            d.drain();
        }
        prop_assert!(!d.cpe.is_in_session());
        // The bootstrap event started a session at once, and every session ends with an event.
        prop_assert!(d.ended >= 1);
    }
}

#[derive(Debug, Clone)]
enum AcsStep {
    Post(Vec<u8>, bool),
    Queue(Request),
    Respond(Option<Response>, FaultCode),
    Hold(bool),
    Finish,
    Wait(u32),
    Abort,
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    Reload,
}

fn acs_step() -> impl Strategy<Value = AcsStep> {
    prop_oneof![
        8 => (peer_body(), any::<bool>()).prop_map(|(b, ct)| AcsStep::Post(b, ct)),
        3 => strat::request().prop_map(AcsStep::Queue),
        3 => (proptest::option::of(strat::response()), strat::fault_code())
            .prop_map(|(r, f)| AcsStep::Respond(r, f)),
        1 => any::<bool>().prop_map(AcsStep::Hold),
        1 => Just(AcsStep::Finish),
        1 => (0u32..120).prop_map(AcsStep::Wait),
        1 => Just(AcsStep::Abort),
        1 => Just(AcsStep::Reload),
    ]
}

fn inform_wire() -> Vec<u8> {
    let mut out = Vec::new();
    let e = Envelope::with_id(
        "1",
        Inform::new(
            DeviceIdStruct::new("A", "00D09E", "P", "S"),
            vec![EventStruct::new(EventCode::Boot)],
        ),
    );
    cwmp_soap::encode(&e, &mut out).unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn acs_survives_anything(start_with_inform in any::<bool>(), steps in proptest::collection::vec(acs_step(), 1..40)) {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut now = t0;
        let mut s = AcsSession::new(acs::Config::default(), now);
        let mut handles: Vec<RpcHandle> = Vec::new();
        let mut owed = false;
        let feed = |s: &mut AcsSession, body: &[u8], ct: bool, now: SystemTime, owed: &mut bool| {
            let mut r = IncomingRequest::new(body);
            if ct { r = r.with_content_type("text/xml"); }
            let res = s.handle_input(acs::Input::HttpRequest { now, request: r });
            if *owed { assert!(res.is_err()); } else { assert!(res.is_ok()); *owed = true; }
        };
        let drain = |s: &mut AcsSession, handles: &mut Vec<RpcHandle>, owed: &mut bool| {
            let mut n = 0;
            let mut responses = 0;
            while let Some(o) = s.poll_output() {
                n += 1;
                assert!(n < 2100, "output flood");
                match o {
                    acs::Output::SendHttp(r) => {
                        responses += 1;
                        assert!(matches!(r.status, 200 | 204 | 400));
                        assert_eq!(r.status == 204, r.body.is_empty());
                        *owed = false;
                    }
                    acs::Output::Event(acs::Event::CpeRequest { handle, answered: false, .. }) => handles.push(handle),
                    _ => {}
                }
            }
            assert!(responses <= 1, "one response per POST");
            assert!(s.queued_requests() <= s.config().max_queued_requests);
        };
        if start_with_inform {
            feed(&mut s, &inform_wire(), false, now, &mut owed);
            drain(&mut s, &mut handles, &mut owed);
        }
        for step in steps {
            match step {
                AcsStep::Post(b, ct) => {
                    if owed {
                        let r = s.handle_input(acs::Input::HttpRequest { now, request: IncomingRequest::new(&b) });
                        prop_assert!(r.is_err());
                    } else {
                        feed(&mut s, &b, ct, now, &mut owed);
                    }
                }
                AcsStep::Queue(r) => { let _ = s.queue_request(now, r); }
                AcsStep::Respond(resp, fault) => {
                    if let Some(h) = handles.pop() {
                        let reply = match resp { Some(r) => Reply::Response(r), None => Reply::fault(fault) };
                        let _ = s.respond(now, h, reply);
                    }
                }
                AcsStep::Hold(h) => s.set_hold_requests(h),
                AcsStep::Finish => s.finish(now),
                AcsStep::Wait(secs) => {
                    now += Duration::from_secs(u64::from(secs));
                    s.handle_input(acs::Input::Timeout(now)).unwrap();
                }
                AcsStep::Abort => s.abort(now),
                AcsStep::Reload => {
                    #[cfg(feature = "serde")]
                    {
                        // Drain first (outputs are not serialized), then move to "another node".
                        drain(&mut s, &mut handles, &mut owed);
                        let json = serde_json::to_string(&s.save().unwrap()).unwrap();
                        let saved = serde_json::from_str(&json).unwrap();
                        let back = AcsSession::restore(saved, s.config().clone()).unwrap();
                        prop_assert_eq!(serde_json::to_string(&back.save().unwrap()).unwrap(), json);
                        s = back;
                    }
                }
            }
            drain(&mut s, &mut handles, &mut owed);
        }
        // It always ends: past the session timeout, it is over.
        now += Duration::from_secs(3600);
        s.handle_input(acs::Input::Timeout(now)).unwrap();
        drain(&mut s, &mut handles, &mut owed);
        prop_assert!(s.is_ended());
        prop_assert_eq!(s.poll_timeout(), None);
    }
}
