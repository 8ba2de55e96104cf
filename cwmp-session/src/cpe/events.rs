//! What goes in and out of a [`CpeSession`]: inputs, outputs, events, failures, states.

use std::time::Instant;

use cwmp_soap::{DecodeError, Warning};
use cwmp_types::{
    ChangeDuState, CwmpVersion, Download, Fault, Request, Response, ScheduleDownload, Upload,
};

use super::ChallengeError;
#[cfg(doc)]
use super::{Config, CpeSession};
use crate::RpcHandle;
use crate::http::{HttpRequest, IncomingResponse};
#[cfg(doc)]
use crate::queue::EventQueue;

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
