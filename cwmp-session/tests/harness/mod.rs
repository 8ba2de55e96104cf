//! A virtual-time harness: a `CpeSession` wired to `AcsSession`s in memory through the real
//! encoder and decoder, with a programmable network in between.
#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

use cwmp_session::acs::{self, AcsSession};
use cwmp_session::cpe::{self, CpeSession, Deferred, InformArgs, SessionEnd, TransportError};
use cwmp_session::http::{HttpRequest, IncomingRequest, IncomingResponse, SendReason};
use cwmp_session::{EventQueue, Reply, RpcHandle};
use cwmp_types::*;

mod acs_alone;
// (Each test binary compiles the harness; not every one drives an ACS alone.)
#[allow(unused_imports)]
pub use acs_alone::AcsAlone;

pub const ACS_URL: &str = "http://acs.example/cwmp";
/// The wall clock at the harness's `t0`.
pub const UNIX_T0: i64 = 1_700_000_000;

/// What the network does with one CPE POST.
#[derive(Debug, Clone)]
pub enum Net {
    /// Deliver it to the ACS.
    Pass,
    /// Answer it without the ACS.
    Respond {
        status: u16,
        body: Vec<u8>,
        location: Option<String>,
    },
    /// The transport fails.
    Fail(TransportError),
    /// No answer ever (the CPE times out).
    Drop,
    /// Deliver it to the ACS, but change the ACS's answer.
    Rewrite(fn(u16, Vec<u8>) -> (u16, Vec<u8>)),
}

/// One line of the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trace {
    /// A CPE POST: (reason, url, method name or "empty").
    Post(SendReason, String, String),
    /// An HTTP answer to the CPE: (status, method name or "empty").
    Answer(u16, String),
}

pub fn body_name(body: &[u8]) -> String {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return "empty".into();
    }
    match cwmp_soap::decode(body) {
        Ok(d) => d.envelope.body.method_name().to_owned(),
        Err(e) => format!("undecodable: {e}"),
    }
}

pub fn decode(body: &[u8]) -> Envelope {
    cwmp_soap::decode(body).expect("decodes").envelope
}

pub fn encode(env: &Envelope) -> Vec<u8> {
    let mut out = Vec::new();
    cwmp_soap::encode(env, &mut out).expect("encodes");
    out
}

/// The CPE application: a tiny data model and a log.
#[derive(Debug, Default)]
pub struct CpeApp {
    pub params: Vec<(String, String)>,
    pub requests: Vec<Request>,
    pub deferred: Vec<Deferred>,
    pub ends: Vec<SessionEnd>,
    pub acked: Vec<(RpcHandle, Response)>,
    pub faulted: Vec<(RpcHandle, Fault, bool)>,
    pub informs: Vec<Inform>,
    pub established: Vec<CwmpVersion>,
    /// Answer the next ACS requests with these faults first.
    pub fault_next: VecDeque<FaultCode>,
    /// Decode warnings about the ACS's messages.
    pub warnings: Vec<cwmp_soap::Warning>,
}

impl CpeApp {
    pub fn answer(&mut self, request: &Request) -> Reply {
        if let Some(code) = self.fault_next.pop_front() {
            return Reply::fault(code);
        }
        match request {
            Request::GetParameterValues(g) => {
                let mut list = Vec::new();
                for n in &g.parameter_names {
                    match self.params.iter().find(|(k, _)| k == n.as_str()) {
                        Some((k, v)) => list.push(ParameterValueStruct::new(
                            k.as_str(),
                            ParameterValue::string(v.as_str()),
                        )),
                        None => return Reply::fault(FaultCode::InvalidParameterName),
                    }
                }
                Reply::response(GetParameterValuesResponse::new(list))
            }
            Request::SetParameterValues(s) => {
                for p in &s.parameter_list {
                    let name = p.name.as_str().to_owned();
                    let value = p.value.to_string();
                    match self.params.iter_mut().find(|(k, _)| *k == name) {
                        Some(slot) => slot.1 = value,
                        None => self.params.push((name, value)),
                    }
                }
                Reply::response(SetParameterValuesResponse::new(0))
            }
            Request::Reboot(_) => Reply::response(RebootResponse::default()),
            Request::FactoryReset(_) => Reply::response(FactoryResetResponse::default()),
            Request::Download(_) => Reply::response(DownloadResponse::pending()),
            Request::ScheduleInform(_) => Reply::response(ScheduleInformResponse::default()),
            Request::GetRpcMethods(_) => Reply::response(GetRpcMethodsResponse::new([
                "GetRPCMethods",
                "GetParameterValues",
                "SetParameterValues",
                "Reboot",
                "Download",
                "ScheduleInform",
                "X_ACME_Frobnicate",
            ])),
            Request::Unknown(u) if u.name == "X_ACME_Frobnicate" => {
                Reply::response(Response::Unknown(UnknownMethod::new(
                    "X_ACME_FrobnicateResponse",
                    "<Result>frobbed</Result>",
                )))
            }
            _ => Reply::fault(FaultCode::MethodNotSupported),
        }
    }
}

/// The ACS application: per-session scripts of requests, and a log.
#[derive(Debug, Default)]
pub struct AcsApp {
    /// Requests to queue in each successive session (popped at each Inform).
    pub scripts: VecDeque<Vec<Request>>,
    /// Set HoldRequests at the Inform of each successive session (popped at each Inform).
    pub hold_at_inform: VecDeque<bool>,
    /// Answers to CPE requests, by method name, in order (default: the empty response).
    pub cpe_request_faults: VecDeque<(String, FaultCode)>,
    pub informs: Vec<(Inform, CwmpVersion)>,
    pub cpe_requests: Vec<Request>,
    pub responses: Vec<(RpcHandle, Response)>,
    pub faults: Vec<(RpcHandle, Fault)>,
    pub failures: Vec<(RpcHandle, acs::RpcFailure)>,
    pub diagnostics: Vec<acs::Diagnostic>,
    /// Decode warnings about the CPE's messages.
    pub warnings: Vec<cwmp_soap::Warning>,
    pub ends: Vec<acs::EndReason>,
    /// Release HoldRequests when the queue drains (set when hold was set).
    pub release_hold_when_idle: bool,
}

/// The pair and the virtual clock.
pub struct Pair {
    pub t0: Instant,
    pub now: Instant,
    pub cpe: CpeSession,
    pub acs: Option<AcsSession>,
    pub acs_config: acs::Config,
    pub cpe_app: CpeApp,
    pub acs_app: AcsApp,
    /// What the network does with the next POSTs (front first; empty: pass).
    pub net: VecDeque<Net>,
    pub trace: Vec<Trace>,
    /// Every CPE POST as sent.
    pub posts: Vec<HttpRequest>,
    /// A request in flight that the network dropped.
    dropped: bool,
}

impl Pair {
    pub fn new(config: cpe::Config, queue: EventQueue) -> Self {
        let t0 = Instant::now();
        Self::at(t0, config, queue)
    }

    pub fn at(t0: Instant, config: cpe::Config, queue: EventQueue) -> Self {
        Self {
            t0,
            now: t0,
            cpe: CpeSession::new(config, t0, queue),
            acs: None,
            acs_config: acs::Config::default(),
            cpe_app: CpeApp::default(),
            acs_app: AcsApp::default(),
            net: VecDeque::new(),
            trace: Vec::new(),
            posts: Vec::new(),
            dropped: false,
        }
    }

    pub fn device() -> DeviceIdStruct {
        DeviceIdStruct::new("Acme", "00D09E", "Router", "SN0001")
    }

    pub fn config() -> cpe::Config {
        let mut c = cpe::Config::new(Self::device(), ACS_URL);
        c.seed = 42;
        c
    }

    /// The wall clock now.
    pub fn unix_now(&self) -> i64 {
        UNIX_T0 + self.now.duration_since(self.t0).as_secs() as i64
    }

    pub fn sys_now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH
            + Duration::from_secs(self.unix_now() as u64)
            + Duration::from_nanos(u64::from(self.now.duration_since(self.t0).subsec_nanos()))
    }

    pub fn elapsed(&self) -> Duration {
        self.now.duration_since(self.t0)
    }

    /// Drains the CPE until it is quiet (no output); runs the whole message exchange.
    pub fn pump(&mut self) {
        let mut guard = 0;
        while let Some(out) = self.cpe.poll_output() {
            guard += 1;
            assert!(guard < 10_000, "runaway session");
            match out {
                cpe::Output::SendHttp(req) => self.deliver(req),
                cpe::Output::Event(e) => self.cpe_event(e),
                other => panic!("unexpected CPE output {other:?}"),
            }
        }
    }

    fn cpe_event(&mut self, e: cpe::Event) {
        let now = self.now;
        match e {
            cpe::Event::InformDue { .. } => {
                let args = InformArgs::new(
                    DateTime::from_unix(self.unix_now()),
                    vec![ParameterValueStruct::new(
                        "Device.DeviceInfo.SoftwareVersion",
                        ParameterValue::string("1.0"),
                    )],
                );
                self.cpe.start_session(now, args).expect("start");
            }
            cpe::Event::AcsRequest { handle, request } => {
                let reply = self.cpe_app.answer(&request);
                self.cpe_app.requests.push(request);
                self.cpe.respond(now, handle, reply).expect("respond");
            }
            cpe::Event::SessionEnded(end) => {
                self.cpe_app.deferred.extend(end.deferred.iter().cloned());
                self.cpe_app.ends.push(end);
            }
            cpe::Event::CpeRequestAcknowledged { handle, response } => {
                self.cpe_app.acked.push((handle, response));
            }
            cpe::Event::CpeRequestFaulted {
                handle,
                fault,
                retained,
            } => self.cpe_app.faulted.push((handle, fault, retained)),
            cpe::Event::SessionEstablished { version } => self.cpe_app.established.push(version),
            cpe::Event::DecodeWarnings(w) => self.cpe_app.warnings.extend(w),
            other => panic!("unexpected CPE event {other:?}"),
        }
    }

    fn deliver(&mut self, req: HttpRequest) {
        let name = body_name(&req.body);
        if name == "Inform" {
            if let Body::Request(Request::Inform(i)) = decode(&req.body).body {
                self.cpe_app.informs.push(i);
            }
        }
        self.trace
            .push(Trace::Post(req.reason, req.url.clone(), name));
        self.posts.push(req.clone());
        let net = self.net.pop_front().unwrap_or(Net::Pass);
        let now = self.now;
        let (status, body, location) = match net {
            Net::Drop => {
                self.dropped = true;
                return;
            }
            Net::Fail(error) => {
                self.cpe
                    .handle_input(cpe::Input::TransportFailed { now, error })
                    .expect("transport failure");
                return;
            }
            Net::Respond {
                status,
                body,
                location,
            } => (status, body, location),
            Net::Pass => {
                let (s, b) = self.post_to_acs(&req);
                (s, b, None)
            }
            Net::Rewrite(f) => {
                let (s, b) = self.post_to_acs(&req);
                let (s, b) = f(s, b);
                (s, b, None)
            }
        };
        self.trace.push(Trace::Answer(status, body_name(&body)));
        let mut response = IncomingResponse::new(status, &body);
        if let Some(l) = &location {
            response = response.with_location(l);
        }
        self.cpe
            .handle_input(cpe::Input::HttpResponse { now, response })
            .expect("response");
    }

    /// One POST through the current (or a new) ACS session; the ACS app reacts.
    pub fn post_to_acs(&mut self, req: &HttpRequest) -> (u16, Vec<u8>) {
        let sys = self.sys_now();
        if body_name(&req.body) == "Inform" || self.acs.is_none() {
            // Keyed like a real server: a new session for every Inform.
            self.acs = Some(AcsSession::new(self.acs_config.clone(), sys));
        }
        let acs = self.acs.as_mut().unwrap();
        let mut request = IncomingRequest::new(&req.body);
        if let Some(ct) = req.content_type {
            request = request.with_content_type(ct);
        }
        acs.handle_input(acs::Input::HttpRequest { now: sys, request })
            .expect("acs input");
        self.drain_acs().expect("the ACS answers every POST")
    }

    /// Drains the ACS; returns the HTTP response if one came out.
    pub fn drain_acs(&mut self) -> Option<(u16, Vec<u8>)> {
        let sys = self.sys_now();
        let acs = self.acs.as_mut().unwrap();
        let app = &mut self.acs_app;
        let mut answer = None;
        while let Some(out) = acs.poll_output() {
            match out {
                acs::Output::SendHttp(r) => {
                    assert!(answer.is_none(), "two responses to one POST");
                    if matches!(r.status, 200 | 500) {
                        assert_eq!(r.content_type, Some(cwmp_session::http::CONTENT_TYPE_XML));
                    }
                    answer = Some((r.status, r.body.to_vec()));
                }
                acs::Output::Event(e) => match e {
                    acs::Event::Inform { inform, version } => {
                        app.informs.push((*inform, version));
                        if app.hold_at_inform.pop_front().unwrap_or(false) {
                            acs.set_hold_requests(true);
                            app.release_hold_when_idle = true;
                        }
                        for r in app.scripts.pop_front().unwrap_or_default() {
                            acs.queue_request(sys, r).unwrap();
                        }
                    }
                    acs::Event::CpeRequest {
                        handle,
                        request,
                        answered,
                    } => {
                        let method = request.method_name().to_owned();
                        app.cpe_requests.push(request);
                        if !answered {
                            let fault = app
                                .cpe_request_faults
                                .iter()
                                .position(|(m, _)| *m == method)
                                .map(|i| app.cpe_request_faults.remove(i).unwrap().1);
                            let reply = match fault {
                                Some(code) => Reply::Fault(Fault::new(code)),
                                None => empty_response(&method),
                            };
                            acs.respond(sys, handle, reply).unwrap();
                        }
                    }
                    acs::Event::RpcResponse { handle, response } => {
                        app.responses.push((handle, response))
                    }
                    acs::Event::RpcFault { handle, fault } => app.faults.push((handle, fault)),
                    acs::Event::RpcFailed { handle, reason } => app.failures.push((handle, reason)),
                    acs::Event::AwaitingRequests => {
                        if app.release_hold_when_idle {
                            app.release_hold_when_idle = false;
                            acs.set_hold_requests(false);
                        }
                        acs.finish(sys);
                    }
                    acs::Event::Diagnostic(d) => app.diagnostics.push(d),
                    acs::Event::DecodeWarnings(w) => app.warnings.extend(w),
                    acs::Event::SessionEnded(r) => app.ends.push(r),
                    other => panic!("unexpected ACS event {other:?}"),
                },
                other => panic!("unexpected ACS output {other:?}"),
            }
        }
        answer
    }

    /// Advances virtual time to the CPE's next deadline (at most `max`), feeds it, pumps.
    /// Returns false when there is no deadline within `max`.
    pub fn tick(&mut self, max: Duration) -> bool {
        let Some(t) = self.cpe.poll_timeout() else {
            return false;
        };
        if t > self.now + max {
            return false;
        }
        self.now = self.now.max(t);
        self.dropped = false;
        self.cpe
            .handle_input(cpe::Input::Timeout(self.now))
            .unwrap();
        let sys = self.sys_now();
        if let Some(acs) = &mut self.acs {
            acs.handle_input(acs::Input::Timeout(sys)).unwrap();
            let _ = self.drain_acs();
        }
        self.pump();
        true
    }

    /// Pumps, then ticks until `cond` holds (or `max` virtual time passed).
    pub fn run_until(&mut self, max: Duration, mut cond: impl FnMut(&Self) -> bool) {
        let end = self.now + max;
        self.pump();
        while !cond(self) {
            let left = end.saturating_duration_since(self.now);
            assert!(
                self.tick(left),
                "condition not met within {max:?} (trace: {:#?})",
                self.trace
            );
        }
    }

    /// Queues an AutonomousTransferComplete that the ACS's application answers with fault
    /// 8005 (retry) the first `retries` times; its handle.
    pub fn queue_transfer_complete_to_retry(&mut self, retries: usize) -> RpcHandle {
        let request =
            cwmp_session::CpeRequest::AutonomousTransferComplete(autonomous_transfer_complete());
        let handle = self.cpe.queue_request(self.now, request).unwrap();
        for _ in 0..retries {
            self.acs_app.cpe_request_faults.push_back((
                "AutonomousTransferComplete".into(),
                FaultCode::AcsRetryRequest,
            ));
        }
        handle
    }

    /// Runs until the number of finished CPE sessions reaches `n`.
    pub fn run_sessions(&mut self, n: usize) {
        self.run_until(Duration::from_secs(30 * 86_400), |p| {
            p.cpe_app.ends.len() >= n
        });
    }

    /// The method names the CPE posted, in order.
    pub fn posted(&self) -> Vec<String> {
        self.trace
            .iter()
            .filter_map(|t| match t {
                Trace::Post(_, _, m) => Some(m.clone()),
                Trace::Answer(..) => None,
            })
            .collect()
    }

    /// The answers the CPE got, in order.
    pub fn answered(&self) -> Vec<(u16, String)> {
        self.trace
            .iter()
            .filter_map(|t| match t {
                Trace::Answer(s, m) => Some((*s, m.clone())),
                Trace::Post(..) => None,
            })
            .collect()
    }

    pub fn last_inform(&self) -> &Inform {
        self.cpe_app.informs.last().expect("an Inform was sent")
    }
}

pub fn event_codes(inform: &Inform) -> Vec<String> {
    inform
        .event
        .iter()
        .map(|e| {
            if e.command_key.is_empty() {
                e.event_code.to_string()
            } else {
                format!("{}/{}", e.event_code, e.command_key)
            }
        })
        .collect()
}

pub fn empty_response(method: &str) -> Reply {
    match method {
        "TransferComplete" => Reply::response(TransferCompleteResponse::default()),
        "AutonomousTransferComplete" => {
            Reply::response(AutonomousTransferCompleteResponse::default())
        }
        "DUStateChangeComplete" => Reply::response(DuStateChangeCompleteResponse::default()),
        "AutonomousDUStateChangeComplete" => {
            Reply::response(AutonomousDuStateChangeCompleteResponse::default())
        }
        "RequestDownload" => Reply::response(RequestDownloadResponse::default()),
        "GetRPCMethods" => {
            Reply::response(GetRpcMethodsResponse::new(["Inform", "TransferComplete"]))
        }
        "Kicked" => Reply::response(KickedResponse::new("http://next.example/")),
        _ => Reply::fault(FaultCode::AcsMethodNotSupported),
    }
}

/// A RequestDownload within the spec's limits (the machines refuse to send others).
pub fn request_download() -> RequestDownload {
    let mut r = RequestDownload::default();
    r.file_type = "1 Firmware Upgrade Image".into();
    r
}

/// An AutonomousTransferComplete within the spec's limits.
pub fn autonomous_transfer_complete() -> AutonomousTransferComplete {
    let mut r = AutonomousTransferComplete::default();
    r.file_type = "1 Firmware Upgrade Image".into();
    r
}

/// A ChangeDUState with one install operation.
pub fn change_du_state(command_key: &str) -> ChangeDuState {
    let mut r = ChangeDuState::default();
    r.command_key = command_key.into();
    r.operations = vec![Operation::Install(InstallOpStruct::new(
        "http://du.example/app.ipk",
    ))];
    r
}

/// A DUStateChangeComplete with one installed unit.
pub fn du_state_change_complete(command_key: &str) -> DuStateChangeComplete {
    let mut r = DuStateChangeComplete::default();
    r.command_key = command_key.into();
    r.results = vec![OpResultStruct::new(
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
        "Installed",
        FaultStruct::default(),
    )];
    r
}
