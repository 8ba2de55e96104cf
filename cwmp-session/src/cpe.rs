//! The CPE side: [`CpeSession`] drives every session a device opens to its ACS.
//!
//! One `CpeSession` lives as long as the management client: it owns the [`EventQueue`],
//! the retry state, the Periodic Inform, Heartbeat and ScheduleInform timers, and the
//! session that is running, if any. See the crate docs for the run loop.
//!
//! # Transport outcomes
//!
//! | outcome | what happens |
//! |---|---|
//! | `200` with an envelope | the session goes on (InformResponse, a response to a CPE request, or an ACS request for the application) |
//! | `204`, or `200` with an empty body | the ACS has nothing more: the session ends successfully (or, if that response released HoldRequests, the held-back CPE requests are sent first) |
//! | `401` | the same message again with [`SendReason::Authenticate`]: with [`Config::credentials`] the machine answers the `WWW-Authenticate` challenge itself ([`HttpRequest::authorization`]; Digest, or Basic over `https`), else the transport adds `Authorization`; [`Config::max_auth_attempts`] `401`s in a row fail the session, but a `stale=true` challenge with a new nonce only renews the nonce and never counts (at most [`MAX_STALE_RENEWALS`] in a row) |
//! | `301`/`302`/`303`/`307`/`308` with `Location` | the same message again to that URL, which is kept for the rest of the session; more than [`Config::max_redirects`] per session fail it |
//! | any other status with a SOAP Fault as its body (the SOAP 1.1 HTTP binding uses `500`) | the fault is handled exactly as under `200` (8005 resends, 8006 to the Inform lowers the version, …) |
//! | any other status | the session fails ([`Failure::HttpStatus`]) |
//! | [`Input::TransportFailed`] | the session fails |
//! | no response within [`Config::response_timeout`] | the session fails |
//! | a body that does not decode | the session fails |
//! | an ACS request with a `mustUnderstand="1"` header entry the CPE does not understand | answered with a `MustUnderstand` SOAP fault, never shown to the application; the session goes on |
//! | an InformResponse, response or fault with such an entry | not processed: the session fails ([`Failure::NotUnderstood`]) |
//! | a fault to the Inform | the session fails (8006 also lowers the version for the next attempt) |
//! | fault 8005 to a CPE request | the same request again, at most [`Config::max_request_retries`] times, then it waits for the next session |
//! | another fault to a CPE request | it waits for the next session (8000 and 8003 drop it) |
//! | an ACS message that breaks the session rules | the session fails ([`Failure::ProtocolViolation`]) |
//!
//! A failed regular session keeps every undelivered event, increments the retry count and
//! schedules the retry per [`RetryPolicy`]; a successful one resets the count.
//!
//! # Version negotiation (TR-069 Amendment 6, §3.5 and §3.7)
//!
//! * The Inform uses the namespace of the highest configured version; with 1.4 it carries
//!   `SupportedCWMPVersions` (every configured version up to it).
//! * `UseCWMPVersion` in the InformResponse picks the session version; a version this CPE
//!   does not support fails the session.
//! * Without it (a pre-1.4 ACS), an answer in an older namespace selects that version if
//!   supported (else the session fails); an answer in the same namespace to a 1.4 Inform
//!   means the highest configured version below 1.4 of that namespace (1.3).
//! * Fault 8006 to the Inform: the session fails, and later attempts offer the highest
//!   configured version of an older namespace (1.4 → 1.1 → 1.0), without
//!   `SupportedCWMPVersions`, until [`CpeSession::set_acs_url`] or a restart.

mod not_understood;

use core::time::Duration;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::time::Instant;

use bytes::Bytes;
use cwmp_soap::{Charset, DecodeError, DecodeOptions, Warning};
use cwmp_types::{
    Body, ChangeDuState, CwmpVersion, DateTime, DeviceIdStruct, Download, Envelope, EventCode,
    EventStruct, Fault, FaultCode, Inform, ParameterValueStruct, Request, Response,
    ScheduleDownload, Upload, Validate,
};

use crate::auth::{AuthState, is_stale_renewal};
use crate::connreq::Credentials;
use crate::http::{CONTENT_TYPE_XML, HttpRequest, IncomingResponse, SendReason, is_empty_body};
use crate::queue::{CpeRequest, EventQueue, Snapshot};
use crate::rng::SplitMix64;
use crate::schedule::{HeartbeatPolicy, PeriodicInform, phase_of, until_next};
use crate::{Limit, Misuse, Reply, RetryPolicy, RpcHandle, SessionError};

/// Most ScheduleInform timers armed at once.
pub const MAX_SCHEDULED_INFORMS: usize = 64;

/// Most `stale=true` challenges answered in a row for one message (they do not count as
/// refusals; this only stops an ACS that renews the nonce forever).
pub const MAX_STALE_RENEWALS: u32 = 8;

pub use crate::auth::ChallengeError;

/// CPE settings. Build with [`Config::new`] and adjust the public fields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Config {
    /// The Inform's `DeviceId`.
    pub device_id: DeviceIdStruct,
    /// `ManagementServer.URL`.
    pub acs_url: String,
    /// The CWMP versions this CPE supports (default: 1.0–1.4). The Inform uses the
    /// highest; with 1.4 it also carries `SupportedCWMPVersions`.
    pub versions: Vec<CwmpVersion>,
    /// The Session Retry Policy (`CWMPRetryMinimumWaitInterval`, `CWMPRetryIntervalMultiplier`).
    pub retry_policy: RetryPolicy,
    /// How long to wait for each HTTP response before the session fails (TR-069: at least
    /// 30 s; default 30 s).
    pub response_timeout: Duration,
    /// The Periodic Inform interval used until the ACS configures Periodic Inform through
    /// [`CpeSession::set_periodic_inform`] (default 15 minutes; `None` disables it). Without
    /// it a device that missed its first provisioning stays out of contact until power-cycled.
    pub fallback_periodic_interval: Option<Duration>,
    /// Redirects followed per session (default 5).
    pub max_redirects: u32,
    /// Consecutive `401`s accepted for one message before the session fails (default 2:
    /// the challenge, then one answer with credentials). A `stale=true` renewal of the nonce
    /// does not count.
    pub max_auth_attempts: u32,
    /// `ManagementServer.Username` and `.Password` (default `None`). With them the machine
    /// answers the ACS's `401` challenges itself and fills [`HttpRequest::authorization`];
    /// without them the transport adds `Authorization`.
    pub credentials: Option<Credentials>,
    /// How often one CPE request is resent in a session after fault 8005 (default 4).
    pub max_request_retries: u32,
    /// `cwmp:SessionTimeout` (seconds) sent in the Inform header when the session version is
    /// 1.3 or later (default `None`: not sent).
    pub session_timeout: Option<u32>,
    /// `DefaultActiveNotificationThrottle`: the least time since the last successful session
    /// before a session opened only for `4 VALUE CHANGE` (default zero).
    pub active_notification_throttle: Duration,
    /// How the ACS's bodies are decoded: limits, leniency switches, and the charset used
    /// when the `Content-Type` names none (default: [`DecodeOptions::default`]). Its
    /// `ignore_unknown_headers` processes messages with a `mustUnderstand="1"` header entry
    /// this side does not understand, as GenieACS does, instead of answering a
    /// `MustUnderstand` fault (SOAP 1.1 §4.2.3).
    #[cfg_attr(feature = "serde", serde(default))]
    pub decode: DecodeOptions,
    /// Seed of the internal PRNG (SplitMix64) that picks retry waits within the spec's window
    /// and the phase of Unknown-Time schedules. Give each device a different seed (e.g. from
    /// its serial number and a hardware random number) so a fleet does not retry in lockstep.
    pub seed: u64,
}

impl Config {
    /// Defaults for a device and its ACS URL.
    pub fn new(device_id: DeviceIdStruct, acs_url: impl Into<String>) -> Self {
        Self {
            device_id,
            acs_url: acs_url.into(),
            versions: CwmpVersion::ALL.to_vec(),
            retry_policy: RetryPolicy::default(),
            response_timeout: Duration::from_secs(30),
            fallback_periodic_interval: Some(Duration::from_secs(15 * 60)),
            max_redirects: 5,
            max_auth_attempts: 2,
            credentials: None,
            max_request_retries: 4,
            session_timeout: None,
            active_notification_throttle: Duration::ZERO,
            decode: DecodeOptions::default(),
            seed: 0,
        }
    }
}

/// What the application passes to start a session: the Inform's dynamic parts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InformArgs {
    /// `CurrentTime` (the Unknown Time if the device has no clock yet).
    pub current_time: DateTime,
    /// `ParameterList`: the forced-inform parameters and every changed parameter with
    /// Notification 1 or 2.
    pub parameter_list: Vec<ParameterValueStruct>,
}

impl InformArgs {
    /// Args with a time and a parameter list.
    pub fn new(current_time: DateTime, parameter_list: Vec<ParameterValueStruct>) -> Self {
        Self {
            current_time,
            parameter_list,
        }
    }
}

/// What a session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionKind {
    /// A session for the queued events (and retries, periodic informs, …).
    Regular,
    /// An Annex O heartbeat: only `14 HEARTBEAT`, no CPE requests, not retried.
    Heartbeat,
}

/// A transport failure the caller reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The TCP connection could not be opened (DNS, refused, unreachable).
    #[error("could not connect")]
    Connect,
    /// The TLS handshake or certificate check failed.
    #[error("TLS failure")]
    Tls,
    /// The request could not be sent, or the connection closed before a response (after
    /// the one reconnect the spec allows between complete exchanges).
    #[error("connection lost")]
    ConnectionLost,
}

/// Why a session ended unsuccessfully.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Failure {
    /// The transport failed.
    #[error("transport: {0}")]
    Transport(TransportError),
    /// No HTTP response within [`Config::response_timeout`].
    #[error("no response within the timeout")]
    Timeout,
    /// An HTTP status other than 2xx (after 401 and 3xx handling) without a SOAP Fault as
    /// its body.
    #[error("HTTP status {0}")]
    HttpStatus(u16),
    /// More redirects than [`Config::max_redirects`].
    #[error("too many redirects")]
    TooManyRedirects,
    /// The ACS kept answering `401`.
    #[error("authentication failed")]
    AuthenticationFailed,
    /// The ACS's challenge cannot be answered with [`Config::credentials`].
    #[error("cannot answer the ACS's challenge: {0}")]
    UnusableChallenge(ChallengeError),
    /// The ACS's body could not be decoded.
    #[error("undecodable response: {0}")]
    UndecodableResponse(DecodeError),
    /// The ACS answered the Inform with a fault (8006 lowers the version for the next try).
    #[error("Inform answered with {0}")]
    InformFault(Fault),
    /// The ACS chose a CWMP version this CPE does not support.
    #[error("ACS chose unsupported CWMP version {0}")]
    UnsupportedVersion(CwmpVersion),
    /// The ACS broke the session protocol.
    #[error("protocol violation: {0}")]
    ProtocolViolation(&'static str),
    /// The application aborted the session.
    #[error("aborted by the application")]
    Aborted,
    /// The ACS's InformResponse, response or fault carried header entries marked
    /// `mustUnderstand="1"` that this CPE does not understand (named here), so it was not
    /// processed (SOAP 1.1 §4.2.3). An ACS request with such entries is answered with a
    /// `MustUnderstand` fault instead, and the session goes on.
    #[error("not-understood mustUnderstand header entries: {}", .0.join(", "))]
    NotUnderstood(Vec<String>),
}

/// An action the CPE performs once the session has ended (TR-069 §3.7.1: reboot, factory
/// reset and transfers wait for the session to close). Its follow-up is reported in a later
/// session: `M Reboot` is queued by the machine; after the reboot call
/// [`EventQueue::on_reboot`], after a factory reset [`EventQueue::on_factory_reset`]; a
/// transfer's result is reported with [`CpeSession::queue_request`]`(CpeRequest::TransferComplete { .. })`
/// and a ChangeDUState's with `CpeRequest::DuStateChangeComplete`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Deferred {
    /// Reboot (the machine has queued `M Reboot` with this CommandKey).
    Reboot {
        /// The Reboot's CommandKey.
        command_key: String,
    },
    /// Factory reset.
    FactoryReset,
    /// A Download answered with Status 1.
    Download(Download),
    /// An Upload answered with Status 1.
    Upload(Upload),
    /// An accepted ScheduleDownload.
    ScheduleDownload(ScheduleDownload),
    /// An accepted ChangeDUState.
    ChangeDuState(ChangeDuState),
}

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionEnd {
    /// What the session was for.
    pub kind: SessionKind,
    /// `Ok` for a successful session, else why it failed.
    pub result: Result<(), Failure>,
    /// Actions to perform now, in the order the ACS requested them (also after a failed
    /// session: the ACS received the responses).
    pub deferred: Vec<Deferred>,
    /// When the retry session will be due (failed regular sessions).
    pub retry_at: Option<Instant>,
    /// The retry count after this session (0 after a success).
    pub retry_count: u32,
}

/// Something the application must know or do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A session is due: call [`CpeSession::start_session`] with the Inform's time and
    /// parameters ([`CpeSession::event_queue`] shows the events it will carry).
    InformDue {
        /// What the session is for.
        kind: SessionKind,
    },
    /// The ACS accepted the Inform; the session runs in this version.
    SessionEstablished {
        /// The session's CWMP version.
        version: CwmpVersion,
    },
    /// The ACS sent a request: answer it with [`CpeSession::respond`].
    ///
    /// It is handed over as received (lenient in), limits unchecked. What the application
    /// must send back later goes through strict out: a Download whose CommandKey is longer
    /// than 32 characters could never be reported by its TransferComplete
    /// ([`CpeSession::queue_request`] refuses it), so answer such a request with fault 9003
    /// (check it with [`cwmp_types::Validate`]). The machine itself echoes a Reboot's or
    /// ScheduleInform's CommandKey as received.
    AcsRequest {
        /// Pass it back to `respond`.
        handle: RpcHandle,
        /// The request.
        request: Request,
    },
    /// The ACS acknowledged a queued CPE request; it has left the queue.
    CpeRequestAcknowledged {
        /// The handle `queue_request` returned.
        handle: RpcHandle,
        /// The ACS's response (e.g. the method list of GetRPCMethods).
        response: Response,
    },
    /// The ACS answered a queued CPE request with a fault.
    CpeRequestFaulted {
        /// The handle `queue_request` returned.
        handle: RpcHandle,
        /// The fault.
        fault: Fault,
        /// Whether the request stays queued for a later session (every fault except 8000
        /// Method not supported and 8003 Invalid arguments, which would fail again).
        retained: bool,
    },
    /// The ACS's last message decoded, but the decoder had to repair or guess (an
    /// `arrayType` that lies about its count, a missing element, a charset conversion, …);
    /// comes before the events of that message. Worth logging against the ACS.
    DecodeWarnings(Vec<Warning>),
    /// The session ended.
    SessionEnded(SessionEnd),
}

/// What the caller must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Output {
    /// Send this HTTP POST and report the outcome with [`Input::HttpResponse`] or
    /// [`Input::TransportFailed`].
    SendHttp(HttpRequest),
    /// Tell the application.
    Event(Event),
}

/// Things that happened: network outcomes and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input<'a> {
    /// The ACS answered the last POST.
    HttpResponse {
        /// The caller's clock.
        now: Instant,
        /// The response.
        response: IncomingResponse<'a>,
    },
    /// The last POST could not be sent or got no response.
    TransportFailed {
        /// The caller's clock.
        now: Instant,
        /// What failed.
        error: TransportError,
    },
    /// Time passed (call at [`CpeSession::poll_timeout`]; early or repeated calls are harmless).
    Timeout(Instant),
}

/// Where the machine is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// No session; nothing due.
    Idle,
    /// A failed session will be retried at this time.
    RetryWait(Instant),
    /// [`Event::InformDue`] was emitted; waiting for [`CpeSession::start_session`].
    InformDue(SessionKind),
    /// A session is running; waiting for the ACS's HTTP response.
    AwaitingResponse,
    /// A session is running; waiting for the application to answer an ACS request.
    AwaitingApplication(RpcHandle),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Sent {
    Inform,
    CpeRequest {
        handle: RpcHandle,
        method: &'static str,
    },
    EmptyPost,
    Reply {
        deferred: Option<PendingAction>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PendingAction {
    Deferred(Deferred),
    ScheduleInform { delay: u32, command_key: String },
}

#[derive(Debug, Clone)]
struct LastMessage {
    body: Bytes,
    soap_action: Option<Cow<'static, str>>,
    sent: Sent,
}

#[derive(Debug, Clone)]
enum Step {
    AwaitingHttp {
        deadline: Instant,
    },
    AwaitingApp {
        handle: RpcHandle,
        request: Box<Request>,
        id: Option<String>,
    },
}

#[derive(Debug, Clone)]
struct Active {
    kind: SessionKind,
    url: String,
    redirects: u32,
    auth_attempts: u32,
    stale_renewals: u32,
    /// The challenge answered on every POST (with [`Config::credentials`]).
    auth: Option<AuthState>,
    request_retries: u32,
    version: CwmpVersion,
    snapshot: Snapshot,
    /// CPE requests still to send in this session.
    requests: VecDeque<RpcHandle>,
    hold: bool,
    empty_post_since_hold_released: bool,
    next_id: u64,
    last: LastMessage,
    step: Step,
    deferred: Vec<Deferred>,
}

/// The CPE side of CWMP: one instance per management client, for its whole life.
///
/// * Inputs: [`handle_input`](Self::handle_input) (HTTP outcomes and time).
/// * Commands: [`start_session`](Self::start_session), [`respond`](Self::respond),
///   [`queue_event`](Self::queue_event), [`queue_request`](Self::queue_request), the
///   `set_*` methods and [`abort`](Self::abort).
/// * Outputs: after every input or command, call [`poll_output`](Self::poll_output) until
///   it returns `None`, then read [`poll_timeout`](Self::poll_timeout).
/// * Getters: [`state`](Self::state), [`event_queue`](Self::event_queue), …
///
/// Time comes only from the caller and must not go backwards (an earlier `Instant` is
/// treated as the latest one seen). Randomness comes from [`Config::seed`].
#[derive(Debug)]
pub struct CpeSession {
    config: Config,
    queue: EventQueue,
    rng: SplitMix64,
    now: Instant,
    outputs: VecDeque<Output>,
    active: Option<Active>,
    announced: Option<SessionKind>,
    session_wanted: bool,
    value_change_only: bool,
    retry_at: Option<Instant>,
    last_success: Option<Instant>,
    periodic: Option<PeriodicInform>,
    periodic_next: Option<Instant>,
    heartbeat: Option<HeartbeatPolicy>,
    heartbeat_next: Option<Instant>,
    heartbeat_due: bool,
    scheduled: Vec<(Instant, String)>,
    version_ceiling: Option<CwmpVersion>,
    next_handle: u64,
}

impl CpeSession {
    /// A client for `config`, resuming from a (persisted) queue. If the queue holds anything
    /// (after [`EventQueue::on_reboot`] it holds at least `1 BOOT`), a session is due at once.
    pub fn new(config: Config, now: Instant, queue: EventQueue) -> Self {
        let periodic_next = config.fallback_periodic_interval.map(|d| later(now, d));
        let mut s = Self {
            rng: SplitMix64::new(config.seed),
            config,
            session_wanted: !queue.is_empty(),
            queue,
            now,
            outputs: VecDeque::new(),
            active: None,
            announced: None,
            value_change_only: false,
            retry_at: None,
            last_success: None,
            periodic: None,
            periodic_next,
            heartbeat: None,
            heartbeat_next: None,
            heartbeat_due: false,
            scheduled: Vec::new(),
            version_ceiling: None,
            next_handle: 0,
        };
        s.check_due();
        s
    }

    // ------------------------------------------------------------------ inputs

    /// Feeds an HTTP outcome or the passage of time.
    ///
    /// Errors only on misuse: an HTTP outcome while no POST is outstanding.
    pub fn handle_input(&mut self, input: Input<'_>) -> Result<(), SessionError> {
        match input {
            Input::Timeout(now) => {
                self.advance(now);
                self.on_timers();
            }
            Input::HttpResponse { now, response } => {
                self.advance(now);
                self.expect_http()?;
                self.on_http(response);
            }
            Input::TransportFailed { now, error } => {
                self.advance(now);
                self.expect_http()?;
                self.fail(Failure::Transport(error));
            }
        }
        self.check_due();
        Ok(())
    }

    // ------------------------------------------------------------------ commands

    /// Starts the due session (or a regular one if none is announced) with the Inform's
    /// time and parameters. Emits the Inform as [`Output::SendHttp`].
    pub fn start_session(&mut self, now: Instant, args: InformArgs) -> Result<(), SessionError> {
        self.advance(now);
        if self.active.is_some() {
            return Err(Misuse::SessionActive.into());
        }
        // Strict out: what the application and the config put in the Inform.
        self.config.device_id.validate()?;
        args.parameter_list
            .iter()
            .try_for_each(Validate::validate)?;
        let kind = self.announced.take().unwrap_or(SessionKind::Regular);
        let (snapshot, retry_count) = match kind {
            SessionKind::Regular => {
                self.session_wanted = false;
                self.value_change_only = false;
                self.retry_at = None;
                (self.queue.snapshot(), self.queue.retry_count())
            }
            SessionKind::Heartbeat => {
                self.heartbeat_due = false;
                let snap = Snapshot {
                    events: vec![EventStruct::new(EventCode::Heartbeat)],
                    ..Snapshot::default()
                };
                (snap, 0)
            }
        };
        let version = self.initial_version();
        let mut inform = Inform::new(self.config.device_id.clone(), snapshot.events.clone());
        inform.current_time = args.current_time.into();
        inform.retry_count = retry_count;
        inform.parameter_list = args.parameter_list;
        let mut env = Envelope::with_id("1", inform).in_namespace(version.namespace());
        if version >= CwmpVersion::V1_4 {
            let mut offered: Vec<CwmpVersion> = self
                .config
                .versions
                .iter()
                .copied()
                .filter(|v| *v <= version)
                .collect();
            offered.sort();
            offered.dedup();
            env.header.supported_cwmp_versions = Some(offered);
        }
        if version >= CwmpVersion::V1_3 {
            env.header.session_timeout = self.config.session_timeout;
        }
        let body = encode(&env)?;
        let requests = snapshot.requests.iter().copied().collect();
        let deadline = later(now, self.config.response_timeout);
        self.active = Some(Active {
            kind,
            url: self.config.acs_url.clone(),
            redirects: 0,
            auth_attempts: 0,
            stale_renewals: 0,
            auth: None,
            request_retries: 0,
            version,
            snapshot,
            requests,
            hold: false,
            empty_post_since_hold_released: false,
            next_id: 2,
            last: LastMessage {
                body,
                soap_action: Some(Cow::Borrowed("Inform")),
                sent: Sent::Inform,
            },
            step: Step::AwaitingHttp { deadline },
            deferred: Vec::new(),
        });
        self.send_last(SendReason::NewSession);
        Ok(())
    }

    /// Answers the ACS request `handle` with a response (of the same method) or a fault.
    pub fn respond(
        &mut self,
        now: Instant,
        handle: RpcHandle,
        reply: impl Into<Reply>,
    ) -> Result<(), SessionError> {
        self.advance(now);
        let reply = reply.into();
        let active = self.active.as_mut().ok_or(Misuse::NoSession)?;
        let Step::AwaitingApp {
            handle: h,
            request,
            id,
        } = &active.step
        else {
            return Err(Misuse::UnknownHandle.into());
        };
        if *h != handle {
            return Err(Misuse::UnknownHandle.into());
        }
        reply.validate_from(true)?;
        let deferred = match &reply {
            Reply::Response(r) => {
                if r.request_name() != request.method_name() {
                    return Err(Misuse::WrongResponse {
                        expected: request.method_name().to_owned(),
                        got: r.method_name().to_owned(),
                    }
                    .into());
                }
                deferred_action(request, r)
            }
            Reply::Fault(_) => None,
        };
        if let Some(PendingAction::ScheduleInform { .. }) = deferred {
            if self.scheduled.len() >= MAX_SCHEDULED_INFORMS {
                return Err(Limit::ScheduledInformsFull.into());
            }
        }
        let body: Body = match reply {
            Reply::Response(r) => r.into(),
            Reply::Fault(f) => f.into(),
        };
        let env = envelope(id.clone(), body, active.version);
        let bytes = encode(&env)?;
        active.last = LastMessage {
            body: bytes,
            soap_action: None,
            sent: Sent::Reply { deferred },
        };
        active.step = Step::AwaitingHttp {
            deadline: later(now, self.config.response_timeout),
        };
        active.request_retries = 0;
        self.send_last(SendReason::Continue);
        Ok(())
    }

    /// Queues an event. With `trigger` a session becomes due (active notification, connection
    /// request, …); without, the event waits for the next session (passive notification).
    /// `0 BOOTSTRAP` and `6 CONNECTION REQUEST` cut a running retry wait short (the retry
    /// count still grows if that session fails too).
    pub fn queue_event(
        &mut self,
        now: Instant,
        event: EventStruct,
        trigger: bool,
    ) -> Result<(), SessionError> {
        self.advance(now);
        let urgent = matches!(
            event.event_code,
            EventCode::Bootstrap | EventCode::ConnectionRequest
        );
        let value_change = event.event_code == EventCode::ValueChange;
        self.queue.push(event)?;
        if trigger {
            self.want(value_change);
            if urgent {
                self.retry_at = None;
            }
        }
        self.check_due();
        Ok(())
    }

    /// Queues a CPE request (TransferComplete, …) with its events; it is sent in the next
    /// session and kept until the ACS acknowledges it. Every request except `GetRPCMethods`
    /// makes a session due.
    pub fn queue_request(
        &mut self,
        now: Instant,
        request: CpeRequest,
    ) -> Result<RpcHandle, SessionError> {
        self.advance(now);
        let trigger = !matches!(request, CpeRequest::GetRpcMethods);
        let h = self.queue.push_request(request)?;
        if trigger {
            self.want(false);
        }
        self.check_due();
        Ok(h)
    }

    /// Applies `PeriodicInformEnable/Interval/Time` as set by the ACS (or restored from
    /// storage after the ACS set them). Replaces the fallback interval for good. `unix_now`
    /// is the wall clock (seconds since the Unix epoch) at `now`, for the phase.
    pub fn set_periodic_inform(&mut self, now: Instant, unix_now: i64, settings: PeriodicInform) {
        self.advance(now);
        self.periodic = Some(settings);
        self.periodic_next = settings.enable().then(|| {
            later(
                now,
                until_next(
                    unix_now,
                    phase_of(&settings.time()),
                    settings.interval(),
                    self.rng.next_u64(),
                ),
            )
        });
        self.check_due();
    }

    /// Applies `HeartbeatPolicy` (Annex O): `14 HEARTBEAT` sessions at
    /// `InitiationTime + k·ReportingInterval`.
    pub fn set_heartbeat(&mut self, now: Instant, unix_now: i64, policy: HeartbeatPolicy) {
        self.advance(now);
        self.heartbeat = Some(policy);
        self.heartbeat_due = false;
        self.heartbeat_next = policy.enable().then(|| {
            later(
                now,
                until_next(
                    unix_now,
                    phase_of(&policy.initiation_time()),
                    policy.reporting_interval(),
                    self.rng.next_u64(),
                ),
            )
        });
        self.check_due();
    }

    /// Applies new `CWMPRetryMinimumWaitInterval`/`CWMPRetryIntervalMultiplier` values (used
    /// from the next failure on).
    pub fn set_retry_policy(&mut self, policy: RetryPolicy) {
        self.config.retry_policy = policy;
    }

    /// Applies a new `DefaultActiveNotificationThrottle`: the least time since the last
    /// successful session before a session opened only for `4 VALUE CHANGE`.
    pub fn set_active_notification_throttle(&mut self, throttle: Duration) {
        self.config.active_notification_throttle = throttle;
    }

    /// Changes `ManagementServer.URL`: a new ACS, so `0 BOOTSTRAP` is queued (which discards
    /// what was queued for the previous ACS except `1 BOOT`) and a session becomes due. The
    /// running session, if any, continues with the old URL.
    pub fn set_acs_url(
        &mut self,
        now: Instant,
        url: impl Into<String>,
    ) -> Result<(), SessionError> {
        self.config.acs_url = url.into();
        self.version_ceiling = None;
        self.queue_event(now, EventStruct::new(EventCode::Bootstrap), true)
    }

    /// Ends the running session unsuccessfully (e.g. the device shuts down): events stay
    /// queued and the retry policy applies.
    pub fn abort(&mut self, now: Instant) -> Result<(), SessionError> {
        self.advance(now);
        if self.active.is_none() {
            return Err(Misuse::NoSession.into());
        }
        self.fail(Failure::Aborted);
        self.check_due();
        Ok(())
    }

    // ------------------------------------------------------------------ outputs

    /// The next thing to do, if any.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When to call `handle_input(Input::Timeout(..))` next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let mut t: Option<Instant> = None;
        let mut min = |x: Option<Instant>| {
            if let Some(x) = x {
                t = Some(t.map_or(x, |t| t.min(x)));
            }
        };
        if let Some(a) = &self.active {
            if let Step::AwaitingHttp { deadline } = a.step {
                min(Some(deadline));
            }
        } else if self.announced.is_none() && self.session_wanted {
            min(self.retry_at);
            min(self.throttle_until());
        }
        min(self.periodic_next);
        min(self.heartbeat_next);
        min(self.scheduled.iter().map(|(t, _)| *t).min());
        t
    }

    // ------------------------------------------------------------------ getters

    /// Where the machine is.
    pub fn state(&self) -> State {
        match &self.active {
            Some(a) => match a.step {
                Step::AwaitingHttp { .. } => State::AwaitingResponse,
                Step::AwaitingApp { handle, .. } => State::AwaitingApplication(handle),
            },
            None => match (self.announced, self.retry_at) {
                (Some(k), _) => State::InformDue(k),
                (None, Some(t)) if self.session_wanted => State::RetryWait(t),
                _ => State::Idle,
            },
        }
    }

    /// Whether a session is running.
    pub fn is_in_session(&self) -> bool {
        self.active.is_some()
    }

    /// The queue to persist (events, CPE requests, retry count).
    pub fn event_queue(&self) -> &EventQueue {
        &self.queue
    }

    /// The session retry count.
    pub fn retry_count(&self) -> u32 {
        self.queue.retry_count()
    }

    /// The running session's CWMP version (the offered one until the InformResponse).
    pub fn version(&self) -> Option<CwmpVersion> {
        self.active.as_ref().map(|a| a.version)
    }

    /// Whether the ACS holds back this CPE's requests: its last envelope in the running
    /// session carried `HoldRequests` true (`false` outside a session).
    pub fn hold_requests(&self) -> bool {
        self.active.as_ref().is_some_and(|a| a.hold)
    }

    /// The URL the running session posts to (differs from the config after a redirect).
    pub fn url(&self) -> Option<&str> {
        self.active.as_ref().map(|a| a.url.as_str())
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The next Periodic Inform (or fallback) time.
    pub fn next_periodic_inform(&self) -> Option<Instant> {
        self.periodic_next
    }

    // ------------------------------------------------------------------ internals

    fn advance(&mut self, now: Instant) {
        if now > self.now {
            self.now = now;
        }
    }

    fn expect_http(&self) -> Result<(), SessionError> {
        match &self.active {
            Some(Active {
                step: Step::AwaitingHttp { .. },
                ..
            }) => Ok(()),
            Some(_) => Err(Misuse::UnknownHandle.into()),
            None => Err(Misuse::NoSession.into()),
        }
    }

    fn want(&mut self, value_change: bool) {
        if !self.session_wanted {
            self.value_change_only = value_change;
        } else if !value_change {
            self.value_change_only = false;
        }
        self.session_wanted = true;
    }

    fn throttle_until(&self) -> Option<Instant> {
        if !self.value_change_only || self.config.active_notification_throttle.is_zero() {
            return None;
        }
        let t = later(self.last_success?, self.config.active_notification_throttle);
        (t > self.now).then_some(t)
    }

    fn initial_version(&self) -> CwmpVersion {
        self.config
            .versions
            .iter()
            .copied()
            .filter(|v| self.version_ceiling.is_none_or(|c| *v <= c))
            .max()
            .unwrap_or(CwmpVersion::V1_0)
    }

    fn on_timers(&mut self) {
        let now = self.now;
        if let Some(a) = &self.active {
            if let Step::AwaitingHttp { deadline } = a.step {
                if now >= deadline {
                    self.fail(Failure::Timeout);
                }
            }
        }
        if let Some(t) = self.periodic_next {
            if now >= t {
                let interval = match self.periodic {
                    Some(p) => Duration::from_secs(u64::from(p.interval())),
                    None => self
                        .config
                        .fallback_periodic_interval
                        .unwrap_or(Duration::from_secs(900)),
                };
                self.periodic_next = Some(next_tick(t, interval, now));
                // A single code: cannot fill the queue when already present.
                if self
                    .queue
                    .push(EventStruct::new(EventCode::Periodic))
                    .is_ok()
                {
                    self.want(false);
                }
            }
        }
        if let (Some(t), Some(p)) = (self.heartbeat_next, self.heartbeat) {
            if now >= t {
                let interval = Duration::from_secs(u64::from(p.reporting_interval()));
                self.heartbeat_next = Some(next_tick(t, interval, now));
                self.heartbeat_due = true;
            }
        }
        let mut fired = Vec::new();
        self.scheduled.retain(|(t, key)| {
            if now >= *t {
                fired.push(key.clone());
                false
            } else {
                true
            }
        });
        for key in fired {
            let a = self.queue.push(EventStruct::new(EventCode::Scheduled));
            let b = self.queue.push_echo(EventStruct::with_command_key(
                EventCode::m_schedule_inform(),
                key,
            ));
            if a.is_ok() || b.is_ok() {
                self.want(false);
            }
        }
    }

    fn check_due(&mut self) {
        if self.active.is_some() || self.announced.is_some() {
            return;
        }
        let regular = self.session_wanted
            && self.retry_at.is_none_or(|t| self.now >= t)
            && self.throttle_until().is_none();
        let kind = if regular {
            SessionKind::Regular
        } else if self.heartbeat_due {
            SessionKind::Heartbeat
        } else {
            return;
        };
        self.announced = Some(kind);
        self.outputs
            .push_back(Output::Event(Event::InformDue { kind }));
    }

    fn send_last(&mut self, reason: SendReason) {
        let Some(a) = &mut self.active else { return };
        let authorization = match (&mut a.auth, &self.config.credentials) {
            (Some(auth), Some(credentials)) => Some(auth.authorization(credentials, &a.url)),
            _ => None,
        };
        let empty = a.last.body.is_empty();
        self.outputs.push_back(Output::SendHttp(HttpRequest {
            url: a.url.clone(),
            body: a.last.body.clone(),
            content_type: (!empty).then_some(CONTENT_TYPE_XML),
            soap_action: a.last.soap_action.clone(),
            is_empty_post: empty,
            reason,
            authorization,
        }));
    }

    fn rearm(&mut self) {
        let deadline = later(self.now, self.config.response_timeout);
        if let Some(a) = &mut self.active {
            a.step = Step::AwaitingHttp { deadline };
        }
    }

    fn on_http(&mut self, response: IncomingResponse<'_>) {
        let status = response.status;
        let Some(a) = &mut self.active else { return };
        if status == 401 {
            let challenge = response.www_authenticate;
            let stale = challenge.is_some_and(|h| is_stale_renewal(h, a.auth.as_ref()));
            if stale && a.stale_renewals < MAX_STALE_RENEWALS {
                // A new nonce for right credentials: no refusal.
                a.stale_renewals += 1;
            } else {
                a.auth_attempts += 1;
                if a.auth_attempts >= self.config.max_auth_attempts.max(1) {
                    self.fail(Failure::AuthenticationFailed);
                    return;
                }
            }
            if let (Some(header), Some(_)) = (challenge, &self.config.credentials) {
                match AuthState::from_challenge(header, &a.url, self.rng.next_u64()) {
                    Ok(auth) => a.auth = Some(auth),
                    Err(e) => {
                        self.fail(Failure::UnusableChallenge(e));
                        return;
                    }
                }
            }
            self.rearm();
            self.send_last(SendReason::Authenticate);
            return;
        }
        a.auth_attempts = 0;
        a.stale_renewals = 0;
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let Some(location) = response.location.filter(|l| !l.trim().is_empty()) else {
                self.fail(Failure::HttpStatus(status));
                return;
            };
            a.redirects += 1;
            if a.redirects > self.config.max_redirects {
                self.fail(Failure::TooManyRedirects);
                return;
            }
            a.url = location.trim().to_owned();
            // Credentials go to the new target only when it asks for them.
            a.auth = None;
            self.rearm();
            self.send_last(SendReason::Redirect);
            return;
        }
        // The SOAP 1.1 HTTP binding sends a fault with status 500 (many ACSes do): an
        // error status whose body is a SOAP Fault is handled exactly as under 200.
        let fault = if (200..300).contains(&status) {
            None
        } else {
            match decode_response(&response, &self.config.decode) {
                Ok(d) if matches!(d.envelope.body, Body::Fault(_)) => Some(d),
                _ => {
                    self.fail(Failure::HttpStatus(status));
                    return;
                }
            }
        };
        // The ACS received our last message: a reply's deferred action now counts.
        if let Sent::Reply { deferred } = &mut a.last.sent {
            match deferred.take() {
                Some(PendingAction::Deferred(d)) => {
                    if let Deferred::Reboot { command_key } = &d {
                        // M Reboot is reported after the reboot (with 1 BOOT). A full
                        // queue of M events drops it rather than failing the session.
                        let _ = self.queue.push_echo(EventStruct::with_command_key(
                            EventCode::m_reboot(),
                            command_key.clone(),
                        ));
                    }
                    a.deferred.push(d);
                }
                Some(PendingAction::ScheduleInform { delay, command_key }) => {
                    let at = later(self.now, Duration::from_secs(u64::from(delay)));
                    self.scheduled.push((at, command_key));
                }
                None => {}
            }
        }
        if let Some(d) = fault {
            self.on_decoded(d);
            return;
        }
        if is_empty_body(response.body) {
            self.on_empty();
            return;
        }
        match decode_response(&response, &self.config.decode) {
            Ok(d) => self.on_decoded(d),
            Err(e) => self.fail(Failure::UndecodableResponse(e)),
        }
    }

    fn on_decoded(&mut self, mut decoded: cwmp_soap::Decoded) {
        if !decoded.warnings.is_empty() {
            let warnings = std::mem::take(&mut decoded.warnings);
            self.outputs
                .push_back(Output::Event(Event::DecodeWarnings(warnings)));
        }
        if decoded.is_understood() {
            self.on_envelope(decoded.envelope);
        } else {
            self.on_not_understood(decoded);
        }
    }

    fn on_empty(&mut self) {
        let Some(a) = &mut self.active else { return };
        match a.last.sent {
            Sent::Inform => self.fail(Failure::ProtocolViolation("empty response to the Inform")),
            Sent::CpeRequest { .. } => self.fail(Failure::ProtocolViolation(
                "empty response to a CPE request",
            )),
            Sent::EmptyPost | Sent::Reply { .. } => {
                set_hold(a, false);
                if !a.empty_post_since_hold_released && !a.requests.is_empty() {
                    self.send_next_cpe_message();
                } else {
                    self.succeed();
                }
            }
        }
    }

    fn on_envelope(&mut self, env: Envelope) {
        let Some(a) = &mut self.active else { return };
        let hold = env.header.hold_requests.unwrap_or(false);
        match (&a.last.sent, env.body) {
            (Sent::Inform, Body::Response(Response::Inform(_))) => {
                let sent = a.version;
                let ours = &self.config.versions;
                let chosen = match env.header.use_cwmp_version {
                    Some(v) => ours.contains(&v).then_some(v).ok_or(v),
                    None => {
                        let ns = env.namespace.base_version().namespace().base_version();
                        let sent_ns = sent.namespace().base_version();
                        if ns < sent_ns {
                            // The ACS answered in an older namespace: use that version.
                            ours.contains(&ns).then_some(ns).ok_or(ns)
                        } else if ns > sent_ns {
                            // A newer namespace than offered: not a version we offered.
                            Err(ns)
                        } else if sent >= CwmpVersion::V1_4 {
                            // A pre-1.4 ACS ignores SupportedCWMPVersions and answers in
                            // the shared 1-2 namespace: the highest pre-1.4 version of it.
                            ours.iter()
                                .copied()
                                .filter(|v| {
                                    *v < CwmpVersion::V1_4 && v.namespace() == sent.namespace()
                                })
                                .max()
                                .ok_or(CwmpVersion::V1_3)
                        } else {
                            Ok(sent)
                        }
                    }
                };
                let version = match chosen {
                    Ok(v) => v,
                    Err(v) => {
                        self.fail(Failure::UnsupportedVersion(v));
                        return;
                    }
                };
                a.version = version;
                set_hold(a, hold);
                let seqs = core::mem::take(&mut a.snapshot.seqs);
                self.queue.delivered(&seqs);
                self.outputs
                    .push_back(Output::Event(Event::SessionEstablished { version }));
                self.send_next_cpe_message();
            }
            (Sent::Inform, Body::Fault(f)) => {
                if f.fault_code == FaultCode::AcsVersionIncompatible {
                    let sent_ns = a.version.namespace().base_version();
                    self.version_ceiling = self
                        .config
                        .versions
                        .iter()
                        .copied()
                        .filter(|v| v.namespace().base_version() < sent_ns)
                        .max()
                        .or(self.version_ceiling);
                }
                self.fail(Failure::InformFault(f));
            }
            (Sent::Inform, _) => self.fail(Failure::ProtocolViolation(
                "the ACS did not answer the Inform with InformResponse",
            )),
            (Sent::CpeRequest { handle, method }, Body::Response(r)) => {
                if r.request_name() != *method {
                    self.fail(Failure::ProtocolViolation(
                        "the ACS answered a CPE request with another method's response",
                    ));
                    return;
                }
                let handle = *handle;
                set_hold(a, hold);
                a.requests.retain(|h| *h != handle);
                a.request_retries = 0;
                self.queue.acknowledge(handle);
                self.outputs
                    .push_back(Output::Event(Event::CpeRequestAcknowledged {
                        handle,
                        response: r,
                    }));
                self.send_next_cpe_message();
            }
            (Sent::CpeRequest { handle, .. }, Body::Fault(f)) => {
                let handle = *handle;
                set_hold(a, hold);
                if f.fault_code == FaultCode::AcsRetryRequest
                    && a.request_retries < self.config.max_request_retries
                {
                    a.request_retries += 1;
                    self.rearm();
                    self.send_last(SendReason::RetryRequest);
                    return;
                }
                a.request_retries = 0;
                a.requests.retain(|h| *h != handle);
                let retained = !matches!(
                    f.fault_code,
                    FaultCode::AcsMethodNotSupported | FaultCode::AcsInvalidArguments
                );
                if !retained {
                    self.queue.acknowledge(handle);
                }
                self.outputs
                    .push_back(Output::Event(Event::CpeRequestFaulted {
                        handle,
                        fault: f,
                        retained,
                    }));
                self.send_next_cpe_message();
            }
            (Sent::CpeRequest { .. }, _) => self.fail(Failure::ProtocolViolation(
                "the ACS sent a request instead of answering the CPE's request",
            )),
            (Sent::EmptyPost | Sent::Reply { .. }, Body::Request(request)) => {
                set_hold(a, hold);
                let id = env.header.id;
                if request.caller() == cwmp_types::Caller::Cpe {
                    // An ACS method sent to the CPE: not for the application.
                    let env = envelope(
                        id,
                        Fault::new(FaultCode::MethodNotSupported).into(),
                        a.version,
                    );
                    match encode(&env) {
                        Ok(body) => {
                            a.last = LastMessage {
                                body,
                                soap_action: None,
                                sent: Sent::Reply { deferred: None },
                            };
                            self.rearm();
                            self.send_last(SendReason::Continue);
                        }
                        Err(_) => self.fail(Failure::ProtocolViolation(
                            "cannot answer the ACS's request",
                        )),
                    }
                    return;
                }
                let handle = RpcHandle::new(self.next_handle);
                self.next_handle += 1;
                a.step = Step::AwaitingApp {
                    handle,
                    request: Box::new(request.clone()),
                    id,
                };
                self.outputs
                    .push_back(Output::Event(Event::AcsRequest { handle, request }));
            }
            (Sent::EmptyPost | Sent::Reply { .. }, _) => self.fail(Failure::ProtocolViolation(
                "the ACS sent a response or fault while no CPE request was outstanding",
            )),
        }
    }

    /// After the InformResponse, a response to a CPE request, or an empty ACS response that
    /// released HoldRequests: the next CPE request, or the empty POST.
    fn send_next_cpe_message(&mut self) {
        let Some(a) = &mut self.active else { return };
        let next = if a.hold || a.empty_post_since_hold_released {
            None
        } else {
            loop {
                let Some(&h) = a.requests.front() else {
                    break None;
                };
                match self.queue.request(h) {
                    Some(r) => break Some((h, r.method_name(), r.to_request())),
                    // Dropped from the queue meanwhile (e.g. by a BOOTSTRAP).
                    None => {
                        a.requests.pop_front();
                    }
                }
            }
        };
        match next {
            Some((handle, method, request)) => {
                let id = a.next_id.to_string();
                a.next_id += 1;
                let env = envelope(Some(id), request.into(), a.version);
                match encode(&env) {
                    Ok(body) => {
                        a.last = LastMessage {
                            body,
                            soap_action: Some(Cow::Borrowed(method)),
                            sent: Sent::CpeRequest { handle, method },
                        };
                    }
                    Err(_) => {
                        // Unencodable request (bad text in it): drop it and go on.
                        a.requests.pop_front();
                        self.queue.acknowledge(handle);
                        self.outputs
                            .push_back(Output::Event(Event::CpeRequestFaulted {
                                handle,
                                fault: Fault::with_string(
                                    FaultCode::AcsInvalidArguments,
                                    "request cannot be encoded",
                                ),
                                retained: false,
                            }));
                        self.send_next_cpe_message();
                        return;
                    }
                }
            }
            None => {
                if !a.hold {
                    a.empty_post_since_hold_released = true;
                }
                a.last = LastMessage {
                    body: Bytes::new(),
                    soap_action: None,
                    sent: Sent::EmptyPost,
                };
            }
        }
        self.rearm();
        self.send_last(SendReason::Continue);
    }

    fn succeed(&mut self) {
        let Some(a) = self.active.take() else { return };
        self.last_success = Some(self.now);
        if a.kind == SessionKind::Regular {
            self.queue.set_retry_count(0);
            self.retry_at = None;
        }
        // Events and requests that arrived during the session already made the next one
        // due; what is merely left over (a request the ACS faulted, events beyond the 64 of
        // one Inform) rides along with the next session instead of forcing one at once,
        // which would loop against an ACS that keeps faulting.
        self.outputs
            .push_back(Output::Event(Event::SessionEnded(SessionEnd {
                kind: a.kind,
                result: Ok(()),
                deferred: a.deferred,
                retry_at: None,
                retry_count: self.queue.retry_count(),
            })));
    }

    fn fail(&mut self, failure: Failure) {
        let Some(a) = self.active.take() else { return };
        let retry_at = match a.kind {
            SessionKind::Regular => {
                let n = self.queue.retry_count().saturating_add(1);
                self.queue.set_retry_count(n);
                let wait = self.config.retry_policy.wait(n, self.rng.next_u64());
                let at = later(self.now, wait);
                self.retry_at = Some(at);
                self.session_wanted = true;
                self.value_change_only = false;
                Some(at)
            }
            // Heartbeats are not retried.
            SessionKind::Heartbeat => None,
        };
        self.outputs
            .push_back(Output::Event(Event::SessionEnded(SessionEnd {
                kind: a.kind,
                result: Err(failure),
                deferred: a.deferred,
                retry_at,
                retry_count: self.queue.retry_count(),
            })));
    }
}

/// `t + d`, saturating at about a century ahead (an `Instant` cannot represent more
/// everywhere).
fn later(t: Instant, d: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 86_400);
    t.checked_add(d.min(CENTURY)).unwrap_or(t)
}

/// The first `start + k·interval` (k ≥ 1) after `now`, for a timer that fired at `start`.
fn next_tick(start: Instant, interval: Duration, now: Instant) -> Instant {
    let interval = interval.max(Duration::from_secs(1));
    let behind = now.saturating_duration_since(start);
    let k = behind.as_nanos() / interval.as_nanos() + 1;
    let k = u32::try_from(k).unwrap_or(u32::MAX);
    later(start, interval.saturating_mul(k))
}

/// Decodes the ACS's body with `options`, in the charset its `Content-Type` names if any.
fn decode_response(
    response: &IncomingResponse<'_>,
    options: &DecodeOptions,
) -> Result<cwmp_soap::Decoded, DecodeError> {
    match response.content_type.map(Charset::from_content_type) {
        Some(charset) if charset != Charset::Detect && charset != options.charset => {
            let mut options = options.clone();
            options.charset = charset;
            cwmp_soap::decode_with(response.body, &options)
        }
        _ => cwmp_soap::decode_with(response.body, options),
    }
}

fn set_hold(a: &mut Active, hold: bool) {
    if a.hold && !hold {
        a.empty_post_since_hold_released = false;
    }
    a.hold = hold;
}

fn envelope(id: Option<String>, body: Body, version: CwmpVersion) -> Envelope {
    let mut env = Envelope::new(body).in_namespace(version.namespace());
    env.header.id = id;
    env
}

fn encode(env: &Envelope) -> Result<Bytes, SessionError> {
    let mut out = Vec::with_capacity(1024);
    cwmp_soap::encode(env, &mut out)?;
    Ok(Bytes::from(out))
}

fn deferred_action(request: &Request, response: &Response) -> Option<PendingAction> {
    Some(match (request, response) {
        (Request::Reboot(r), Response::Reboot(_)) => PendingAction::Deferred(Deferred::Reboot {
            command_key: r.command_key.clone(),
        }),
        (Request::FactoryReset(_), Response::FactoryReset(_)) => {
            PendingAction::Deferred(Deferred::FactoryReset)
        }
        (Request::Download(r), Response::Download(resp)) if resp.status == 1 => {
            PendingAction::Deferred(Deferred::Download(r.clone()))
        }
        (Request::Upload(r), Response::Upload(resp)) if resp.status == 1 => {
            PendingAction::Deferred(Deferred::Upload(r.clone()))
        }
        (Request::ScheduleDownload(r), Response::ScheduleDownload(_)) => {
            PendingAction::Deferred(Deferred::ScheduleDownload(r.clone()))
        }
        (Request::ChangeDuState(r), Response::ChangeDuState(_)) => {
            PendingAction::Deferred(Deferred::ChangeDuState(r.clone()))
        }
        (Request::ScheduleInform(r), Response::ScheduleInform(_)) => {
            PendingAction::ScheduleInform {
                delay: r.delay_seconds,
                command_key: r.command_key.clone(),
            }
        }
        _ => return None,
    })
}
