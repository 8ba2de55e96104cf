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

/// Small generators for the messages (self-contained; every method family is covered).
mod strat {
    use cwmp_types::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    pub(crate) fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-zA-Z0-9 ._<>&'\"-]{0,12}",
            Just("Device.DeviceInfo.".to_owned()),
        ]
    }

    pub(crate) fn cwmp_version() -> impl Strategy<Value = CwmpVersion> {
        prop_oneof![
            select(CwmpVersion::ALL.to_vec()),
            (0u8..3, 0u8..9).prop_map(|(a, b)| CwmpVersion::new(a, b)),
        ]
    }

    pub(crate) fn cwmp_namespace() -> impl Strategy<Value = CwmpNamespace> {
        select(CwmpNamespace::ALL.to_vec())
    }

    pub(crate) fn fault_code() -> impl Strategy<Value = FaultCode> {
        prop_oneof![
            select(FaultCode::NAMED.to_vec()),
            (0u32..10_000).prop_map(FaultCode::from_code),
        ]
    }

    pub(crate) fn event_code() -> impl Strategy<Value = EventCode> {
        prop_oneof![
            select(EventCode::standard().collect::<Vec<_>>()),
            select(vec!["Reboot", "Download", "ScheduleInform", "X_ACME_Foo"])
                .prop_map(|m| EventCode::Method(m.to_owned())),
            Just(EventCode::Vendor("00D09E Thing".into())),
            text().prop_map(|t| EventCode::parse(&t)),
        ]
    }

    fn params() -> impl Strategy<Value = Vec<ParameterValueStruct>> {
        proptest::collection::vec(
            (text(), text()).prop_map(|(n, v)| {
                ParameterValueStruct::new(n.as_str(), ParameterValue::string(v))
            }),
            0..4,
        )
    }

    pub(crate) fn request() -> impl Strategy<Value = Request> {
        prop_oneof![
            Just(Request::GetRpcMethods(GetRpcMethods::default())),
            proptest::collection::vec(text(), 0..4).prop_map(|n| GetParameterValues::new(n).into()),
            (params(), text()).prop_map(|(p, k)| SetParameterValues::new(p, k).into()),
            (text(), any::<bool>()).prop_map(|(p, n)| GetParameterNames::new(p, n).into()),
            text().prop_map(|k| Reboot::new(k).into()),
            (text(), text())
                .prop_map(|(k, u)| Download::new(k, "1 Firmware Upgrade Image", u).into()),
            (text(), text())
                .prop_map(|(k, u)| Upload::new(k, "1 Vendor Configuration File", u).into()),
            Just(Request::FactoryReset(FactoryReset::default())),
            (any::<u32>(), text()).prop_map(|(d, k)| ScheduleInform::new(d, k).into()),
            text().prop_map(|k| {
                let mut c = ChangeDuState::default();
                c.command_key = k;
                c.into()
            }),
            text().prop_map(|k| {
                let mut s = ScheduleDownload::default();
                s.command_key = k;
                s.into()
            }),
            text().prop_map(|k| CancelTransfer::new(k).into()),
            (text(), proptest::collection::vec(event_code(), 0..4)).prop_map(|(s, e)| {
                Inform::new(
                    DeviceIdStruct::new("A", "00D09E", "P", s),
                    e.into_iter().map(EventStruct::new).collect(),
                )
                .into()
            }),
            text().prop_map(|k| TransferComplete::new(
                k,
                FaultStruct::success(),
                DateTime::UNKNOWN,
                DateTime::UNKNOWN
            )
            .into()),
            Just(Request::AutonomousTransferComplete(Default::default())),
            Just(Request::DuStateChangeComplete(Default::default())),
            Just(Request::AutonomousDuStateChangeComplete(Default::default())),
            Just(Request::RequestDownload(Default::default())),
            Just(Request::Kicked(Default::default())),
            select(vec!["X_ACME_Foo", "X_ACME_Bar"])
                .prop_map(|n| Request::Unknown(UnknownMethod::new(n, "<A>1</A>"))),
        ]
    }

    pub(crate) fn response() -> impl Strategy<Value = Response> {
        prop_oneof![
            Just(Response::Inform(InformResponse::new())),
            proptest::collection::vec(text(), 0..3)
                .prop_map(|m| GetRpcMethodsResponse::new(m).into()),
            params().prop_map(|p| GetParameterValuesResponse::new(p).into()),
            (0i32..2).prop_map(|s| SetParameterValuesResponse::new(s).into()),
            Just(Response::Reboot(RebootResponse::default())),
            Just(Response::Download(DownloadResponse::pending())),
            Just(Response::FactoryReset(FactoryResetResponse::default())),
            Just(Response::ScheduleInform(ScheduleInformResponse::default())),
            Just(Response::ChangeDuState(ChangeDuStateResponse::default())),
            Just(Response::ScheduleDownload(
                ScheduleDownloadResponse::default()
            )),
            Just(Response::TransferComplete(
                TransferCompleteResponse::default()
            )),
            Just(Response::RequestDownload(RequestDownloadResponse::default())),
            text().prop_map(|u| KickedResponse::new(u).into()),
            select(vec!["X_ACME_FooResponse", "X_ACME_BarResponse"])
                .prop_map(|n| Response::Unknown(UnknownMethod::new(n, "<R>ok</R>"))),
        ]
    }

    pub(crate) fn envelope() -> impl Strategy<Value = Envelope> {
        let body = prop_oneof![
            3 => request().prop_map(Body::Request),
            3 => response().prop_map(Body::Response),
            1 => fault_code().prop_map(|c| Body::Fault(Fault::new(c))),
        ];
        (
            cwmp_namespace(),
            proptest::option::of(text()),
            proptest::option::of(any::<bool>()),
            proptest::option::of(cwmp_version()),
            proptest::option::of(proptest::collection::vec(cwmp_version(), 1..4)),
            body,
        )
            .prop_map(|(ns, id, hold, use_v, supported, body)| {
                let mut e = Envelope::new(body).in_namespace(ns);
                e.header.id = id;
                e.header.hold_requests = hold;
                e.header.use_cwmp_version = use_v;
                e.header.supported_cwmp_versions = supported;
                e
            })
    }
}

/// A body the peer might send.
#[derive(Debug, Clone)]
enum Wire {
    Empty,
    Whitespace,
    Garbage(Vec<u8>),
    /// A random envelope (any method, header, namespace).
    Envelope(Box<Envelope>),
    /// A plausible reply: InformResponse with random header bits.
    InformResponse {
        hold: Option<bool>,
        version: Option<CwmpVersion>,
        ns: CwmpNamespace,
    },
    /// A fault with a random code.
    Fault(FaultCode),
    /// A truncated real envelope.
    Truncated(Box<Envelope>, usize),
}

fn wire() -> impl Strategy<Value = Wire> {
    prop_oneof![
        2 => Just(Wire::Empty),
        1 => Just(Wire::Whitespace),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Wire::Garbage),
        4 => strat::envelope().prop_map(|e| Wire::Envelope(Box::new(e))),
        3 => (
            proptest::option::of(any::<bool>()),
            proptest::option::of(strat::cwmp_version()),
            strat::cwmp_namespace()
        )
            .prop_map(|(hold, version, ns)| Wire::InformResponse { hold, version, ns }),
        1 => strat::fault_code().prop_map(Wire::Fault),
        1 => (strat::envelope(), any::<usize>())
            .prop_map(|(e, n)| Wire::Truncated(Box::new(e), n)),
    ]
}

fn bytes(w: &Wire) -> Vec<u8> {
    let mut out = Vec::new();
    match w {
        Wire::Empty => {}
        Wire::Whitespace => out.extend_from_slice(b"\r\n  "),
        Wire::Garbage(g) => out.extend_from_slice(g),
        Wire::Envelope(e) => {
            let _ = cwmp_soap::encode(e, &mut out);
        }
        Wire::InformResponse { hold, version, ns } => {
            let mut e = Envelope::with_id("1", InformResponse::new()).in_namespace(*ns);
            e.header.hold_requests = *hold;
            e.header.use_cwmp_version = *version;
            let _ = cwmp_soap::encode(&e, &mut out);
        }
        Wire::Fault(code) => {
            let e = Envelope::with_id("1", Fault::new(*code));
            let _ = cwmp_soap::encode(&e, &mut out);
        }
        Wire::Truncated(e, n) => {
            let _ = cwmp_soap::encode(e, &mut out);
            let n = if out.is_empty() { 0 } else { n % out.len() };
            out.truncate(n);
        }
    }
    out
}

#[derive(Debug, Clone)]
enum CpeStep {
    Wait(u32),
    Http {
        status: u16,
        body: Wire,
        location: bool,
    },
    Fail(u8),
    Event(EventCode, bool),
    Request(u8),
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
            wire(),
            any::<bool>()
        )
            .prop_map(|(status, body, location)| CpeStep::Http { status, body, location }),
        1 => (0u8..3).prop_map(CpeStep::Fail),
        2 => (strat::event_code(), any::<bool>()).prop_map(|(c, t)| CpeStep::Event(c, t)),
        1 => (0u8..7).prop_map(CpeStep::Request),
        3 => (proptest::option::of(strat::response()), strat::fault_code())
            .prop_map(|(r, f)| CpeStep::Reply(r, f)),
        1 => Just(CpeStep::Abort),
    ]
}

fn cpe_request(kind: u8) -> CpeRequest {
    match kind {
        0 => CpeRequest::TransferComplete {
            kind: cwmp_session::TransferKind::Download,
            body: TransferComplete::new(
                "k",
                FaultStruct::success(),
                DateTime::UNKNOWN,
                DateTime::UNKNOWN,
            ),
        },
        1 => CpeRequest::AutonomousTransferComplete(Default::default()),
        2 => CpeRequest::DuStateChangeComplete(Default::default()),
        3 => CpeRequest::AutonomousDuStateChangeComplete(Default::default()),
        4 => CpeRequest::RequestDownload(Default::default()),
        5 => CpeRequest::Kicked(Default::default()),
        _ => CpeRequest::GetRpcMethods,
    }
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
        if let Some(t) = self.cpe.poll_timeout() {
            // Deadlines never lie in the past by more than one step's worth.
            let _ = t;
        }
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
                    let b = bytes(&body);
                    let mut r = IncomingResponse::new(status, &b);
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
                CpeStep::Request(k) => {
                    let _ = d.cpe.queue_request(d.now, cpe_request(k));
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
    }
}

#[derive(Debug, Clone)]
enum AcsStep {
    Post(Wire, bool),
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
        8 => (wire(), any::<bool>()).prop_map(|(w, ct)| AcsStep::Post(w, ct)),
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
                AcsStep::Post(w, ct) => {
                    let b = bytes(&w);
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
                        let json = serde_json::to_string(&s).unwrap();
                        let back: AcsSession = serde_json::from_str(&json).unwrap();
                        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
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
