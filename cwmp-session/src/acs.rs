//! The ACS side: [`AcsSession`] serves one CWMP session of one CPE.
//!
//! The caller keys sessions by whatever it likes (a cookie, the TCP connection, the
//! device id) and creates a new `AcsSession` for every POST that carries an Inform (some
//! CPEs present the previous session's cookie with their next Inform). See the crate docs
//! for the run loop.
//!
//! A POST with a header entry marked `mustUnderstand="1"` that this ACS does not understand is
//! never processed (SOAP 1.1 §4.2.3): an Inform or CPE request is answered with a
//! `MustUnderstand` SOAP fault and the session goes on; an answer to a queued request fails
//! it with [`RpcFailure::NotUnderstood`] and the next request goes out.
//!
//! # Time
//!
//! The ACS side takes the caller's wall clock as [`SystemTime`] (never reading it itself),
//! because its state is serializable (feature `serde`) and may continue on another node of
//! a cluster, where a process-local `Instant` means nothing. To keep a session between POSTs
//! outside the process, [`AcsSession::save`] it (after draining [`AcsSession::poll_output`]:
//! saving refuses pending outputs) and [`AcsSession::restore`] it with the node's [`Config`];
//! see [`SavedSession`] and the crate docs' "Running an ACS cluster".
//!
//! # What the application learns
//!
//! * [`Event::Diagnostic`]: quirks, violations and the session timeout, each with a typed
//!   [`DiagnosticCode`] to match on (and its English text).
//! * [`Event::DecodeWarnings`]: what the decoder repaired or guessed in the CPE's last POST
//!   (decoded with [`Config::decode`]), before that POST's events.
//! * [`AcsSession::request`]: the request behind a handle, also while its outcome event is
//!   handled; [`AcsSession::cpe_session_timeout`] and [`AcsSession::cpe_hold_requests`].
//!
//! # `cwmp:ID` matching
//!
//! Every request goes out with a fresh `cwmp:ID`, and the CPE's response must carry it. A
//! response or fault with another ID is rejected by default (a
//! [`DiagnosticCode::ResponseIdMismatch`] violation, `400`, the session ends and the request
//! fails as unanswered); with [`ResponseIdPolicy::Accept`] in [`Config::response_id_policy`]
//! it is taken as the outstanding request's answer, with a quirk diagnostic. A response
//! without any `cwmp:ID` is accepted with a [`DiagnosticCode::ResponseWithoutId`] quirk.

mod not_understood;

use core::time::Duration;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::time::SystemTime;

use bytes::Bytes;
use cwmp_soap::{Charset, DecodeOptions, EncodeError, Warning};
use cwmp_types::{
    Body, Caller, CwmpNamespace, CwmpVersion, DeviceIdStruct, Envelope, Fault, FaultCode, Inform,
    InformResponse, Request, Response, Validate,
};

pub use crate::diagnostic::{DiagnosticCode, ResponseIdPolicy};
use crate::http::{CONTENT_TYPE_XML, HttpResponse, IncomingRequest, is_empty_body};
use crate::{Limit, Misuse, Reply, RpcHandle, SessionError};

mod route;
mod saved;

pub use route::Route;
pub use saved::{SavedSession, StateError};

/// The ACS methods a CPE may call, as listed when GetRPCMethods is auto-answered.
pub const ACS_METHODS: &[&str] = &[
    "Inform",
    "GetRPCMethods",
    "TransferComplete",
    "AutonomousTransferComplete",
    "DUStateChangeComplete",
    "AutonomousDUStateChangeComplete",
    "RequestDownload",
    "Kicked",
];

/// ACS settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Config {
    /// The CWMP versions this ACS supports (default 1.0–1.4).
    pub versions: Vec<CwmpVersion>,
    /// How long the session waits for the CPE's next POST, or for the application, before
    /// it ends as timed out (default 60 s).
    pub session_timeout: Duration,
    /// Answer CPE requests without the application: TransferComplete,
    /// AutonomousTransferComplete, DUStateChangeComplete, AutonomousDUStateChangeComplete
    /// and RequestDownload with their empty responses, GetRPCMethods with [`ACS_METHODS`],
    /// unknown methods with fault 8000. Kicked still goes to the application (it needs a
    /// NextURL). The application still sees every request as an event. Default `false`.
    pub auto_answer_cpe_requests: bool,
    /// Most requests the application may queue (default 1024).
    pub max_queued_requests: usize,
    /// How the CPE's bodies are decoded: limits, leniency switches, and the charset used
    /// when the `Content-Type` names none (default: [`DecodeOptions::default`]). Its
    /// `ignore_unknown_headers` processes messages with a `mustUnderstand="1"` header entry
    /// this side does not understand, as GenieACS does, instead of answering a
    /// `MustUnderstand` fault (SOAP 1.1 §4.2.3).
    #[cfg_attr(feature = "serde", serde(default))]
    pub decode: DecodeOptions,
    /// What a response with another request's `cwmp:ID` does (default: rejected).
    #[cfg_attr(feature = "serde", serde(default))]
    pub response_id_policy: ResponseIdPolicy,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            versions: CwmpVersion::ALL.to_vec(),
            session_timeout: Duration::from_secs(60),
            auto_answer_cpe_requests: false,
            max_queued_requests: 1024,
            decode: DecodeOptions::default(),
            response_id_policy: ResponseIdPolicy::default(),
        }
    }
}

/// What a session is waiting for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Step {
    /// The Inform (the session's first POST).
    Inform,
    /// The CPE's next POST (a CPE request or its empty POST).
    CpeMessage,
    /// The CPE's response to this method.
    CpeResponse(String),
    /// The application's answer to the CPE's request of this method
    /// ([`AcsSession::respond`]).
    ApplicationReply(String),
    /// The application's next request or [`AcsSession::finish`].
    ApplicationRequests,
    /// A possible POST after a `204` that released HoldRequests (the CPE may still send the
    /// requests it held back); a timeout here ends the session as completed.
    CpeAfterHold,
}

/// Which step a session waits for, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Waiting {
    /// The step.
    pub step: Step,
    /// Since when.
    pub since: SystemTime,
}

/// How the session ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum EndReason {
    /// Completed normally (204 after the CPE's empty POST).
    Completed,
    /// An empty POST without a session (answered 204, as GenieACS does).
    NoSession,
    /// The CPE offered no CWMP version this ACS supports (answered fault 8006).
    VersionIncompatible,
    /// Nothing happened within [`Config::session_timeout`].
    TimedOut {
        /// What the session was waiting for.
        step: Step,
        /// Since when.
        since: SystemTime,
    },
    /// The CPE broke the protocol (answered 400).
    ProtocolViolation(Cow<'static, str>),
    /// The application aborted the session.
    Aborted,
}

/// Why a queued request produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RpcFailure {
    /// The CPE answered with another method's response (kept here).
    MismatchedResponse(Response),
    /// The request could not be encoded.
    Unencodable(EncodeError),
    /// The session ended before the request was sent; queue it in the next session.
    NotSent,
    /// The session ended while the request was outstanding.
    Unanswered,
    /// The CPE's answer carried header entries marked `mustUnderstand="1"` that this ACS does
    /// not understand (named here), so it was not processed (SOAP 1.1 §4.2.3).
    NotUnderstood(Vec<String>),
}

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A known device quirk in HTTP or session handling, tolerated.
    Quirk,
    /// A protocol violation (the session may have ended because of it).
    Violation,
    /// The session timed out ([`DiagnosticCode::TimedOut`]).
    Timeout,
}

/// A note about the CPE's behaviour, for logs; [`code`](Self::code) says what it is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Quirk, violation or timeout.
    pub kind: DiagnosticKind,
    /// What happened, to match on.
    pub code: DiagnosticCode,
    /// What happened, in English (`code.message()`).
    pub message: &'static str,
    /// Detail (an id, a method name, a decode error), may be empty.
    pub detail: String,
}

/// Something the application must know or do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The session's Inform. The InformResponse is sent when the outputs are drained, so the
    /// application may call [`AcsSession::set_hold_requests`] and queue requests first.
    Inform {
        /// The Inform.
        inform: Box<Inform>,
        /// The session's CWMP version.
        version: CwmpVersion,
    },
    /// The CPE sent a request (TransferComplete, …). Answer it with
    /// [`AcsSession::respond`] unless `answered` (auto-answer is on).
    CpeRequest {
        /// Pass it to `respond`.
        handle: RpcHandle,
        /// The request.
        request: Request,
        /// Whether the session already answered it.
        answered: bool,
    },
    /// The CPE answered a queued request.
    RpcResponse {
        /// The handle `queue_request` returned.
        handle: RpcHandle,
        /// The response.
        response: Response,
    },
    /// The CPE answered a queued request with a fault.
    RpcFault {
        /// The handle `queue_request` returned.
        handle: RpcHandle,
        /// The fault.
        fault: Fault,
    },
    /// A queued request produced no response.
    RpcFailed {
        /// The handle `queue_request` returned.
        handle: RpcHandle,
        /// Why.
        reason: RpcFailure,
    },
    /// The CPE waits for the next request: call [`AcsSession::queue_request`] or
    /// [`AcsSession::finish`].
    AwaitingRequests,
    /// A quirk, violation or timeout worth logging.
    Diagnostic(Diagnostic),
    /// The CPE's last POST decoded, but the decoder had to repair or guess (an `arrayType`
    /// that lies about its count, a missing element, a charset conversion, …); comes before
    /// the events of that POST. Worth logging against the device.
    DecodeWarnings(Vec<Warning>),
    /// The session is over.
    SessionEnded(EndReason),
}

/// What the caller must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Output {
    /// Send this HTTP response to the CPE's last POST.
    SendHttp(HttpResponse),
    /// Tell the application.
    Event(Event),
}

/// Things that happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input<'a> {
    /// A POST of this session arrived.
    HttpRequest {
        /// The caller's wall clock.
        now: SystemTime,
        /// The request.
        request: IncomingRequest<'a>,
    },
    /// Time passed (call at [`AcsSession::poll_timeout`]; early or repeated calls are harmless).
    Timeout(SystemTime),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
enum Phase {
    AwaitInform,
    Active,
    /// 204 sent after HoldRequests was released without a later empty POST.
    MaybeDone,
    Ended,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Outstanding {
    handle: RpcHandle,
    id: String,
    method: String,
    /// The request, for [`AcsSession::request`]; `None` only in a session saved by the
    /// first release (format 0), which did not keep it.
    #[cfg_attr(feature = "serde", serde(default))]
    request: Option<Request>,
}

/// The HTTP response the session owes for the last POST, built when the outputs drain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
enum Owed {
    InformResponse {
        id: Option<String>,
    },
    NextRequest,
    CpeReply {
        handle: RpcHandle,
        id: Option<String>,
        method: String,
    },
}

/// The ACS side of one CWMP session.
///
/// * Inputs: [`handle_input`](Self::handle_input) (each POST of the session, and time).
/// * Commands: [`queue_request`](Self::queue_request), [`respond`](Self::respond),
///   [`set_hold_requests`](Self::set_hold_requests), [`finish`](Self::finish),
///   [`abort`](Self::abort).
/// * Outputs: after every input or command, call [`poll_output`](Self::poll_output) until
///   it returns `None` (handling events as they come: the HTTP response is built after the
///   events before it), then read [`poll_timeout`](Self::poll_timeout).
/// * Getters: [`waiting_for`](Self::waiting_for), [`is_ended`](Self::is_ended), …
///
/// Time comes only from the caller and must not go backwards (an earlier time is treated as
/// the latest one seen).
#[derive(Debug, Clone)]
pub struct AcsSession {
    config: Config,
    phase: Phase,
    end_reason: Option<EndReason>,
    device_id: Option<DeviceIdStruct>,
    version: CwmpVersion,
    namespace: CwmpNamespace,
    use_version_header: bool,
    hold: bool,
    hold_sent: bool,
    cpe_done: bool,
    finish: bool,
    announced_awaiting: bool,
    queue: VecDeque<(RpcHandle, Request)>,
    outstanding: Option<Outstanding>,
    owed: Option<Owed>,
    next_id: u64,
    next_handle: u64,
    now: SystemTime,
    step: Step,
    since: SystemTime,
    /// The Inform's `cwmp:SessionTimeout` (seconds).
    cpe_session_timeout: Option<u32>,
    /// Requests whose outcome the last input or command reported, readable with
    /// [`AcsSession::request`] until the next input.
    retired: Vec<(RpcHandle, Request)>,
    outputs: VecDeque<Output>,
    /// Increases with every change ([`AcsSession::revision`]).
    revision: u64,
    /// The digest of the POST being answered.
    post_digest: Option<saved::Digest>,
    /// The last POST answered and its response, to answer a retry of it again.
    last: Option<saved::LastExchange>,
}

impl AcsSession {
    /// A session waiting for its Inform.
    pub fn new(config: Config, now: SystemTime) -> Self {
        Self {
            config,
            phase: Phase::AwaitInform,
            end_reason: None,
            device_id: None,
            version: CwmpVersion::V1_2,
            namespace: CwmpNamespace::Cwmp1_2,
            use_version_header: false,
            hold: false,
            hold_sent: false,
            cpe_done: false,
            finish: false,
            announced_awaiting: false,
            queue: VecDeque::new(),
            outstanding: None,
            owed: None,
            next_id: 1,
            next_handle: 0,
            now,
            step: Step::Inform,
            since: now,
            cpe_session_timeout: None,
            retired: Vec::new(),
            outputs: VecDeque::new(),
            revision: 0,
            post_digest: None,
            last: None,
        }
    }

    // ------------------------------------------------------------------ inputs

    /// Feeds a POST of this session, or the passage of time.
    ///
    /// Errors only on misuse: a POST while the response to the previous one is still owed.
    ///
    /// A POST whose body is the same as the last one answered (a retry by the CPE or a proxy
    /// that did not get the response) is answered with the same response again and changes
    /// nothing ([`AcsSession::is_retry`]).
    pub fn handle_input(&mut self, input: Input<'_>) -> Result<(), SessionError> {
        self.retired.clear();
        match input {
            Input::Timeout(now) => {
                self.advance(now);
                if self.phase != Phase::Ended {
                    let deadline = self.deadline();
                    if self.now >= deadline {
                        let reason = if self.phase == Phase::MaybeDone {
                            EndReason::Completed
                        } else {
                            self.diagnostic(
                                DiagnosticKind::Timeout,
                                DiagnosticCode::TimedOut,
                                format!("waiting for {:?}", self.step),
                            );
                            EndReason::TimedOut {
                                step: self.step.clone(),
                                since: self.since,
                            }
                        };
                        self.answer_owed_on_end();
                        self.end(reason);
                    }
                }
                Ok(())
            }
            Input::HttpRequest { now, request } => {
                self.advance(now);
                if self.owed.is_some() {
                    return Err(Misuse::ResponsePending.into());
                }
                let digest = saved::digest(request.body);
                if let Some(response) = self.retry_response(&digest, request.body) {
                    self.outputs.push_back(Output::SendHttp(response));
                    return Ok(());
                }
                self.revision += 1;
                self.post_digest = Some(digest);
                self.on_post(request);
                Ok(())
            }
        }
    }

    // ------------------------------------------------------------------ commands

    /// Queues a request for the CPE; requests go out one at a time after the CPE's empty
    /// POST, each with a fresh `cwmp:ID`.
    pub fn queue_request(
        &mut self,
        now: SystemTime,
        request: impl Into<Request>,
    ) -> Result<RpcHandle, SessionError> {
        self.advance(now);
        let request = request.into();
        if self.phase == Phase::Ended {
            return Err(Misuse::NoSession.into());
        }
        if request.caller() == Caller::Cpe {
            return Err(Misuse::WrongDirection(request.method_name().to_owned()).into());
        }
        request.validate()?;
        if self.queue.len() >= self.config.max_queued_requests {
            return Err(Limit::RequestQueueFull.into());
        }
        let handle = self.handle();
        self.queue.push_back((handle, request));
        self.announced_awaiting = false;
        self.revision += 1;
        Ok(handle)
    }

    /// Answers the CPE request `handle` (a response of the same method, or a fault).
    pub fn respond(
        &mut self,
        now: SystemTime,
        handle: RpcHandle,
        reply: impl Into<Reply>,
    ) -> Result<(), SessionError> {
        self.advance(now);
        let Some(Owed::CpeReply {
            handle: h,
            id,
            method,
        }) = &self.owed
        else {
            return Err(Misuse::UnknownHandle.into());
        };
        if *h != handle {
            return Err(Misuse::UnknownHandle.into());
        }
        let reply = reply.into();
        reply.validate_from(false)?;
        // Fault 8005 asks the CPE to send the same request again: not a retry to answer again.
        let resend_asked =
            matches!(&reply, Reply::Fault(f) if f.fault_code == FaultCode::AcsRetryRequest);
        let body: Body = match reply {
            Reply::Response(r) => {
                if r.request_name() != method {
                    return Err(Misuse::WrongResponse {
                        expected: method.clone(),
                        got: r.method_name().to_owned(),
                    }
                    .into());
                }
                r.into()
            }
            Reply::Fault(f) => f.into(),
        };
        let env = self.envelope(id.clone(), body);
        let bytes = encode(&env)?;
        self.owed = None;
        self.mark_sent();
        self.send(200, bytes, false);
        if resend_asked {
            self.last = None;
        }
        self.wait(Step::CpeMessage);
        Ok(())
    }

    /// Sets `HoldRequests` on the envelopes sent from now on (`true`: the CPE must not send
    /// requests; `false`: it may again, even after its empty POST).
    pub fn set_hold_requests(&mut self, hold: bool) {
        if self.hold != hold {
            self.hold = hold;
            self.revision += 1;
        }
    }

    /// No more requests will be queued: the session ends with `204` once the queue is sent.
    pub fn finish(&mut self, now: SystemTime) {
        self.advance(now);
        if !self.finish {
            self.finish = true;
            self.revision += 1;
        }
    }

    /// Ends the session now (a pending POST gets fault 8002 if it was a CPE request, else
    /// an empty `204`).
    pub fn abort(&mut self, now: SystemTime) {
        self.advance(now);
        if self.phase == Phase::Ended {
            return;
        }
        self.answer_owed_on_end();
        self.end(EndReason::Aborted);
    }

    // ------------------------------------------------------------------ outputs

    /// The next thing to do, if any. The response to the last POST is built once the
    /// events before it are drained.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<Output> {
        if let Some(o) = self.outputs.pop_front() {
            return Some(o);
        }
        self.produce_owed();
        self.outputs.pop_front()
    }

    /// When to call `handle_input(Input::Timeout(..))` next (the session timeout).
    #[must_use]
    pub fn poll_timeout(&self) -> Option<SystemTime> {
        (self.phase != Phase::Ended).then(|| self.deadline())
    }

    // ------------------------------------------------------------------ getters

    /// What the session waits for and since when (`None` once ended).
    pub fn waiting_for(&self) -> Option<Waiting> {
        (self.phase != Phase::Ended).then(|| Waiting {
            step: self.step.clone(),
            since: self.since,
        })
    }

    /// Whether the session is over.
    pub fn is_ended(&self) -> bool {
        self.phase == Phase::Ended
    }

    /// Why the session ended.
    pub fn end_reason(&self) -> Option<&EndReason> {
        self.end_reason.as_ref()
    }

    /// The CPE's DeviceId (after the Inform).
    pub fn device_id(&self) -> Option<&DeviceIdStruct> {
        self.device_id.as_ref()
    }

    /// The session's CWMP version (after the Inform).
    pub fn version(&self) -> Option<CwmpVersion> {
        (self.phase != Phase::AwaitInform).then_some(self.version)
    }

    /// Requests queued and not yet sent.
    pub fn queued_requests(&self) -> usize {
        self.queue.len()
    }

    /// The request behind a handle [`queue_request`](Self::queue_request) returned: while it
    /// is queued or outstanding, and until the next input after its outcome
    /// ([`Event::RpcResponse`], [`Event::RpcFault`], [`Event::RpcFailed`]) was reported, so
    /// the application can read it while handling that event (and queue a `NotSent` one
    /// again in the next session).
    pub fn request(&self, handle: RpcHandle) -> Option<&Request> {
        self.queue
            .iter()
            .chain(self.retired.iter())
            .find(|(h, _)| *h == handle)
            .map(|(_, r)| r)
            .or_else(|| {
                self.outstanding
                    .as_ref()
                    .filter(|o| o.handle == handle)
                    .and_then(|o| o.request.as_ref())
            })
    }

    /// The `cwmp:SessionTimeout` of the CPE's Inform (CWMP 1.3+): how long the CPE waits
    /// for this ACS before it abandons the session. `None` when it sent none.
    pub fn cpe_session_timeout(&self) -> Option<Duration> {
        self.cpe_session_timeout
            .map(|s| Duration::from_secs(u64::from(s)))
    }

    /// `HoldRequests` as the CPE last received it: whether it currently holds back its own
    /// requests (what [`set_hold_requests`](Self::set_hold_requests) changes takes effect
    /// with the next envelope).
    pub fn cpe_hold_requests(&self) -> bool {
        self.hold_sent
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    // ------------------------------------------------------------------ internals

    fn deadline(&self) -> SystemTime {
        self.since
            .checked_add(self.config.session_timeout)
            .unwrap_or(self.since)
    }

    fn advance(&mut self, now: SystemTime) {
        if now > self.now {
            self.now = now;
        }
    }

    fn handle(&mut self) -> RpcHandle {
        let h = RpcHandle::new(self.next_handle);
        self.next_handle += 1;
        h
    }

    fn wait(&mut self, step: Step) {
        self.step = step;
        self.since = self.now;
    }

    fn event(&mut self, e: Event) {
        self.revision += 1;
        self.outputs.push_back(Output::Event(e));
    }

    fn diagnostic(&mut self, kind: DiagnosticKind, code: DiagnosticCode, detail: String) {
        self.event(Event::Diagnostic(Diagnostic {
            kind,
            code,
            message: code.message(),
            detail,
        }));
    }

    fn send(&mut self, status: u16, body: Bytes, session_ended: bool) {
        let response = http_response(status, body, session_ended);
        self.revision += 1;
        // Every response answers the last POST: kept to answer a retry of it again.
        self.last = self.post_digest.map(|digest| saved::LastExchange {
            digest,
            response: response.clone(),
        });
        self.outputs.push_back(Output::SendHttp(response));
    }

    /// An envelope was sent: track what the CPE now believes about HoldRequests.
    fn mark_sent(&mut self) {
        self.mark_hold(self.hold);
    }

    fn mark_hold(&mut self, hold: bool) {
        if self.hold_sent && !hold {
            self.cpe_done = false;
        }
        self.hold_sent = hold;
    }

    fn envelope(&self, id: Option<String>, body: Body) -> Envelope {
        let mut env = Envelope::new(body).in_namespace(self.namespace);
        env.header.id = id;
        if self.hold {
            env.header.hold_requests = Some(true);
        }
        env
    }

    fn violation(&mut self, code: DiagnosticCode, detail: String) {
        let message = code.message();
        self.diagnostic(DiagnosticKind::Violation, code, detail);
        self.send(400, Bytes::from_static(message.as_bytes()), true);
        self.end(EndReason::ProtocolViolation(Cow::Borrowed(message)));
    }

    fn end(&mut self, reason: EndReason) {
        if self.phase == Phase::Ended {
            return;
        }
        self.phase = Phase::Ended;
        if let Some(o) = self.outstanding.take() {
            self.retired.extend(o.request.map(|r| (o.handle, r)));
            self.event(Event::RpcFailed {
                handle: o.handle,
                reason: RpcFailure::Unanswered,
            });
        }
        while let Some((handle, request)) = self.queue.pop_front() {
            self.retired.push((handle, request));
            self.event(Event::RpcFailed {
                handle,
                reason: RpcFailure::NotSent,
            });
        }
        self.end_reason = Some(reason.clone());
        self.event(Event::SessionEnded(reason));
    }

    /// The session ends while the CPE still waits for an answer: a CPE request gets fault
    /// 8002 (Internal error), anything else an empty 204.
    fn answer_owed_on_end(&mut self) {
        match self.owed.take() {
            Some(Owed::CpeReply { id, .. }) => {
                let env = self.envelope(id, Fault::new(FaultCode::AcsInternalError).into());
                match encode(&env) {
                    Ok(b) => self.send(200, b, true),
                    Err(_) => self.send(204, Bytes::new(), true),
                }
            }
            Some(_) => self.send(204, Bytes::new(), true),
            None => {}
        }
    }

    fn on_post(&mut self, request: IncomingRequest<'_>) {
        if self.phase == Phase::Ended {
            if is_empty_body(request.body) {
                self.send(204, Bytes::new(), true);
            } else {
                self.diagnostic(
                    DiagnosticKind::Violation,
                    DiagnosticCode::PostAfterEnd,
                    String::new(),
                );
                self.send(400, Bytes::from_static(b"session ended"), true);
            }
            return;
        }
        if is_empty_body(request.body) {
            if !request.body.is_empty() || request.content_type.is_some() {
                self.diagnostic(
                    DiagnosticKind::Quirk,
                    DiagnosticCode::EmptyPostWithContent,
                    request.content_type.unwrap_or_default().to_owned(),
                );
            }
            self.on_empty_post();
            return;
        }
        let charset = request.content_type.map(Charset::from_content_type);
        let decoded = match charset {
            Some(c) if c != Charset::Detect && c != self.config.decode.charset => {
                let mut options = self.config.decode.clone();
                options.charset = c;
                cwmp_soap::decode_with(request.body, &options)
            }
            _ => cwmp_soap::decode_with(request.body, &self.config.decode),
        };
        let env = match decoded {
            Ok(mut d) => {
                if !d.warnings.is_empty() {
                    self.event(Event::DecodeWarnings(std::mem::take(&mut d.warnings)));
                }
                if !d.is_understood() {
                    self.on_not_understood(d);
                    return;
                }
                d.envelope
            }
            Err(e) => {
                self.violation(DiagnosticCode::UndecodableBody, e.to_string());
                return;
            }
        };
        match (self.phase, env.body) {
            (Phase::AwaitInform, Body::Request(Request::Inform(inform))) => {
                self.on_inform(env.namespace, env.header, inform);
            }
            (Phase::AwaitInform, _) => {
                self.violation(DiagnosticCode::NoInform, String::new());
            }
            (_, Body::Request(Request::Inform(_))) => {
                self.violation(DiagnosticCode::SecondInform, String::new());
            }
            (Phase::MaybeDone | Phase::Active, Body::Request(request)) => {
                self.on_cpe_request(env.header.id, request);
            }
            (Phase::Active, body @ (Body::Response(_) | Body::Fault(_))) => {
                self.on_cpe_response(env.header.id, body);
            }
            (_, _) => {
                self.violation(DiagnosticCode::ResponseToNoRequest, String::new());
            }
        }
    }

    fn on_empty_post(&mut self) {
        match self.phase {
            Phase::AwaitInform => {
                self.send(204, Bytes::new(), true);
                self.end(EndReason::NoSession);
            }
            Phase::MaybeDone => {
                self.send(204, Bytes::new(), true);
                self.end(EndReason::Completed);
            }
            Phase::Active => {
                if let Some(o) = &self.outstanding {
                    let detail = o.method.clone();
                    self.violation(DiagnosticCode::EmptyPostInsteadOfResponse, detail);
                    return;
                }
                if !self.hold_sent {
                    self.cpe_done = true;
                }
                self.owed = Some(Owed::NextRequest);
                self.wait(Step::ApplicationRequests);
            }
            Phase::Ended => {}
        }
    }

    fn on_inform(&mut self, namespace: CwmpNamespace, header: cwmp_types::Header, inform: Inform) {
        let ours = &self.config.versions;
        let version = match &header.supported_cwmp_versions {
            Some(theirs) => match CwmpVersion::max_common(ours, theirs) {
                Some(v) => {
                    self.use_version_header = true;
                    v
                }
                None => {
                    self.namespace = namespace;
                    let env = self.envelope(
                        header.id.clone(),
                        Fault::new(FaultCode::AcsVersionIncompatible).into(),
                    );
                    match encode(&env) {
                        Ok(b) => self.send(200, b, true),
                        Err(_) => self.send(400, Bytes::new(), true),
                    }
                    self.device_id = Some(inform.device_id);
                    self.end(EndReason::VersionIncompatible);
                    return;
                }
            },
            None => {
                let implied = implied_version(namespace, &header);
                if ours.contains(&implied) {
                    implied
                } else {
                    ours.iter()
                        .copied()
                        .filter(|v| *v <= implied)
                        .max()
                        .or_else(|| ours.iter().copied().min())
                        .unwrap_or(implied)
                }
            }
        };
        // Echo the CPE's namespace when it belongs to the chosen version's family (some
        // CPEs use cwmp-1-3/1-4), else use the version's own.
        self.namespace = if namespace.base_version().namespace() == version.namespace() {
            namespace
        } else {
            version.namespace()
        };
        self.version = version;
        if header.no_more_requests.is_some() {
            self.diagnostic(
                DiagnosticKind::Quirk,
                DiagnosticCode::NoMoreRequests,
                String::new(),
            );
        }
        if inform.max_envelopes != 1 {
            self.diagnostic(
                DiagnosticKind::Quirk,
                DiagnosticCode::MaxEnvelopes,
                inform.max_envelopes.to_string(),
            );
        }
        if header.id.is_none() {
            self.diagnostic(
                DiagnosticKind::Quirk,
                DiagnosticCode::InformWithoutId,
                String::new(),
            );
        }
        self.cpe_session_timeout = header.session_timeout;
        self.device_id = Some(inform.device_id.clone());
        self.phase = Phase::Active;
        self.owed = Some(Owed::InformResponse { id: header.id });
        self.wait(Step::CpeMessage);
        self.event(Event::Inform {
            inform: Box::new(inform),
            version,
        });
    }

    fn on_cpe_request(&mut self, id: Option<String>, request: Request) {
        if let Some(o) = &self.outstanding {
            let detail = o.method.clone();
            self.violation(DiagnosticCode::RequestWhileOutstanding, detail);
            return;
        }
        if self.hold_sent {
            self.violation(
                DiagnosticCode::RequestWhileHeld,
                request.method_name().to_owned(),
            );
            return;
        }
        if self.cpe_done {
            self.violation(
                DiagnosticCode::RequestAfterEmptyPost,
                request.method_name().to_owned(),
            );
            return;
        }
        self.phase = Phase::Active;
        let handle = self.handle();
        let method = request.method_name().to_owned();
        // Methods the ACS never serves get 8000 at once.
        let auto = if request.caller() == Caller::Acs {
            Some(Reply::fault(FaultCode::AcsMethodNotSupported))
        } else if self.config.auto_answer_cpe_requests {
            auto_answer(&request)
        } else {
            None
        };
        let answered = auto.is_some();
        self.event(Event::CpeRequest {
            handle,
            request,
            answered,
        });
        match auto {
            Some(reply) => {
                let body: Body = match reply {
                    Reply::Response(r) => r.into(),
                    Reply::Fault(f) => f.into(),
                };
                let env = self.envelope(id, body);
                match encode(&env) {
                    Ok(b) => {
                        self.mark_sent();
                        self.send(200, b, false);
                        self.wait(Step::CpeMessage);
                    }
                    Err(_) => self.violation(DiagnosticCode::Unencodable, method),
                }
            }
            None => {
                self.owed = Some(Owed::CpeReply {
                    handle,
                    id,
                    method: method.clone(),
                });
                self.wait(Step::ApplicationReply(method));
            }
        }
    }

    fn on_cpe_response(&mut self, id: Option<String>, body: Body) {
        let Some(expected) = self.outstanding.as_ref().map(|o| o.id.clone()) else {
            self.violation(DiagnosticCode::ResponseToNoRequest, String::new());
            return;
        };
        match &id {
            None => {
                let method = self.outstanding.as_ref().map(|o| o.method.clone());
                self.diagnostic(
                    DiagnosticKind::Quirk,
                    DiagnosticCode::ResponseWithoutId,
                    method.unwrap_or_default(),
                );
            }
            Some(i) if *i != expected => {
                let detail = format!("sent {expected}, got {i}");
                match self.config.response_id_policy {
                    ResponseIdPolicy::Accept => self.diagnostic(
                        DiagnosticKind::Quirk,
                        DiagnosticCode::ResponseIdMismatch,
                        detail,
                    ),
                    // The request stays outstanding: the session's end fails it.
                    _ => {
                        self.violation(DiagnosticCode::ResponseIdMismatch, detail);
                        return;
                    }
                }
            }
            Some(_) => {}
        }
        let Some(o) = self.outstanding.take() else {
            return;
        };
        self.retired.extend(o.request.map(|r| (o.handle, r)));
        match body {
            Body::Response(r) if r.request_name() == o.method => {
                self.event(Event::RpcResponse {
                    handle: o.handle,
                    response: r,
                });
            }
            Body::Response(r) => {
                self.diagnostic(
                    DiagnosticKind::Violation,
                    DiagnosticCode::MismatchedResponse,
                    format!("sent {}, got {}", o.method, r.method_name()),
                );
                self.event(Event::RpcFailed {
                    handle: o.handle,
                    reason: RpcFailure::MismatchedResponse(r),
                });
            }
            Body::Fault(fault) => self.event(Event::RpcFault {
                handle: o.handle,
                fault,
            }),
            _ => {}
        }
        self.owed = Some(Owed::NextRequest);
        self.wait(Step::ApplicationRequests);
    }

    fn produce_owed(&mut self) {
        match self.owed.clone() {
            None | Some(Owed::CpeReply { .. }) => {}
            Some(Owed::InformResponse { id }) => {
                let mut env = self.envelope(id, InformResponse::new().into());
                if self.use_version_header {
                    env.header.use_cwmp_version = Some(self.version);
                }
                match encode(&env) {
                    Ok(b) => {
                        self.owed = None;
                        self.mark_sent();
                        self.send(200, b, false);
                        self.wait(Step::CpeMessage);
                    }
                    Err(e) => {
                        self.owed = None;
                        self.violation(DiagnosticCode::Unencodable, e.to_string());
                    }
                }
            }
            Some(Owed::NextRequest) => {
                while let Some((handle, request)) = self.queue.pop_front() {
                    let id = self.next_id.to_string();
                    self.next_id += 1;
                    let method = request.method_name().to_owned();
                    let env = self.envelope(Some(id.clone()), request.into());
                    let encoded = encode(&env);
                    let Body::Request(request) = env.body else {
                        continue; // built from a request: never taken
                    };
                    match encoded {
                        Ok(b) => {
                            self.owed = None;
                            self.mark_sent();
                            self.outstanding = Some(Outstanding {
                                handle,
                                id,
                                method: method.clone(),
                                request: Some(request),
                            });
                            self.send(200, b, false);
                            self.wait(Step::CpeResponse(method));
                            return;
                        }
                        Err(e) => {
                            self.retired.push((handle, request));
                            self.event(Event::RpcFailed {
                                handle,
                                reason: RpcFailure::Unencodable(e),
                            });
                        }
                    }
                }
                if self.finish {
                    self.owed = None;
                    // An empty response counts as HoldRequests false.
                    self.mark_hold(false);
                    if self.cpe_done {
                        self.send(204, Bytes::new(), true);
                        self.end(EndReason::Completed);
                    } else {
                        // HoldRequests was released by this 204: the CPE may still send
                        // the requests it held back.
                        self.send(204, Bytes::new(), false);
                        self.phase = Phase::MaybeDone;
                        self.wait(Step::CpeAfterHold);
                    }
                } else if !self.announced_awaiting {
                    self.announced_awaiting = true;
                    self.event(Event::AwaitingRequests);
                }
            }
        }
    }
}

/// The version an Inform's envelope implies without SupportedCWMPVersions (1-2 with a
/// SessionTimeout header means 1.3; cwmp-1-3/1-4 namespaces as GenieACS maps them).
fn implied_version(namespace: CwmpNamespace, header: &cwmp_types::Header) -> CwmpVersion {
    match namespace {
        CwmpNamespace::Cwmp1_2 if header.session_timeout.is_some() => CwmpVersion::V1_3,
        ns => ns.base_version(),
    }
}

fn auto_answer(request: &Request) -> Option<Reply> {
    use cwmp_types::{
        AutonomousDuStateChangeCompleteResponse, AutonomousTransferCompleteResponse,
        DuStateChangeCompleteResponse, GetRpcMethodsResponse, RequestDownloadResponse,
        TransferCompleteResponse,
    };
    Some(match request {
        Request::TransferComplete(_) => Reply::response(TransferCompleteResponse::default()),
        Request::AutonomousTransferComplete(_) => {
            Reply::response(AutonomousTransferCompleteResponse::default())
        }
        Request::DuStateChangeComplete(_) => {
            Reply::response(DuStateChangeCompleteResponse::default())
        }
        Request::AutonomousDuStateChangeComplete(_) => {
            Reply::response(AutonomousDuStateChangeCompleteResponse::default())
        }
        Request::RequestDownload(_) => Reply::response(RequestDownloadResponse::default()),
        Request::GetRpcMethods(_) => {
            Reply::response(GetRpcMethodsResponse::new(ACS_METHODS.iter().copied()))
        }
        Request::Unknown(_) => Reply::fault(FaultCode::AcsMethodNotSupported),
        _ => return None,
    })
}

/// The response the session sends: the content type follows from the status and the body.
fn http_response(status: u16, body: Bytes, session_ended: bool) -> HttpResponse {
    let content_type = if body.is_empty() {
        None
    } else if status == 200 {
        Some(CONTENT_TYPE_XML)
    } else {
        Some("text/plain; charset=utf-8")
    };
    HttpResponse {
        status,
        body,
        content_type,
        session_ended,
    }
}

fn encode(env: &Envelope) -> Result<Bytes, EncodeError> {
    let mut out = Vec::with_capacity(512);
    cwmp_soap::encode(env, &mut out)?;
    Ok(Bytes::from(out))
}
