//! Errors returned by the session machines, sorted by who must act.
//!
//! Only the caller's mistakes come back as `Err`. What the peer does wrong (a bad HTTP
//! status, an undecodable body, a fault, a protocol violation) is an *outcome*, reported
//! through the machines' events, because the caller cannot fix it by calling differently.

use cwmp_soap::EncodeError;
use cwmp_types::ValidationError;

/// Why a call into a session machine was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The caller broke the session contract (wrong state, stale handle, wrong method).
    #[error("API misuse: {0}")]
    ApiMisuse(#[from] Misuse),
    /// A message the application handed in cannot be encoded (e.g. a vendor method whose raw
    /// XML is not well-formed, or a NUL character in a string).
    #[error("the message cannot be encoded: {0}")]
    InvalidMessage(#[from] EncodeError),
    /// A configured or protocol limit would be exceeded (queue full, too many timers).
    #[error("limit exceeded: {0}")]
    LimitExceeded(Limit),
    /// A value breaks a limit or pattern of the spec (a `CommandKey` longer than 32
    /// characters, a `Notification` of 7, a `CWMPRetryMinimumWaitInterval` of 0, …): nothing
    /// was queued or sent. Both machines check everything the application hands them to send.
    /// When the value came from the peer (a `SetParameterValues` the application applies
    /// through [`RetryPolicy::new`](crate::RetryPolicy::new) or
    /// [`PeriodicInform::new`](crate::PeriodicInform::new)), the CPE answers it with fault
    /// 9007 (Invalid parameter value).
    #[error("invalid value: {0}")]
    Validation(#[from] ValidationError),
}

/// The ways a caller can break the session contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Misuse {
    /// A session is already running.
    #[error("a session is already running")]
    SessionActive,
    /// No session is running, or it has ended.
    #[error("no session is running")]
    NoSession,
    /// The handle is unknown, already answered, or belongs to an earlier session.
    #[error("unknown or already answered handle")]
    UnknownHandle,
    /// The reply answers another method than the one the handle stands for.
    #[error("reply {got} does not answer {expected}")]
    WrongResponse {
        /// The request's method name.
        expected: String,
        /// The reply's element name.
        got: String,
    },
    /// The method cannot be sent in this direction (e.g. an ACS queuing an `Inform`, or a
    /// CPE queuing `GetParameterValues`).
    #[error("{0} cannot be sent by this side")]
    WrongDirection(String),
    /// A new POST arrived while the response to the previous one is still owed (drain
    /// `poll_output` and answer each POST before feeding the next).
    #[error("the response to the previous POST is still pending")]
    ResponsePending,
}

/// Which limit was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Limit {
    /// The event queue holds its maximum number of events.
    #[error("event queue full")]
    EventQueueFull,
    /// The queue of CPE requests is full.
    #[error("request queue full")]
    RequestQueueFull,
    /// Too many ScheduleInform timers are armed.
    #[error("too many scheduled informs")]
    ScheduledInformsFull,
}

impl From<Limit> for SessionError {
    fn from(l: Limit) -> Self {
        Self::LimitExceeded(l)
    }
}
