//! What goes in and out of an [`AcsSession`](super::AcsSession): [`Input`], [`Output`],
//! [`Event`] and what they carry.

use std::borrow::Cow;
use std::time::SystemTime;

use cwmp_soap::{EncodeError, Warning};
use cwmp_types::{CwmpVersion, Fault, Inform, Request, Response};

use super::DiagnosticCode;
use crate::RpcHandle;
use crate::http::{HttpResponse, IncomingRequest};

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
    /// ([`AcsSession::respond`](super::AcsSession::respond)).
    ApplicationReply(String),
    /// The application's next request or [`AcsSession::finish`](super::AcsSession::finish).
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
    /// Nothing happened within [`Config::session_timeout`](super::Config::session_timeout).
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
    /// application may call [`AcsSession::set_hold_requests`](super::AcsSession::set_hold_requests) and queue requests first.
    Inform {
        /// The Inform.
        inform: Box<Inform>,
        /// The session's CWMP version.
        version: CwmpVersion,
    },
    /// The CPE sent a request (TransferComplete, …). Answer it with
    /// [`AcsSession::respond`](super::AcsSession::respond) unless `answered` (auto-answer is on).
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
    /// The CPE waits for the next request: call [`AcsSession::queue_request`](super::AcsSession::queue_request) or
    /// [`AcsSession::finish`](super::AcsSession::finish).
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
    /// Time passed (call at [`AcsSession::poll_timeout`](super::AcsSession::poll_timeout); early or repeated calls are harmless).
    Timeout(SystemTime),
}
