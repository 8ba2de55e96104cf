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

mod commands;
mod config;
mod events;
mod inbound;
mod not_understood;
mod outbound;
mod timers;

use std::borrow::Cow;
use std::collections::VecDeque;
use std::time::Instant;

use bytes::Bytes;
use cwmp_types::{CwmpVersion, Request};

#[cfg(doc)]
use crate::RetryPolicy;
use crate::auth::AuthState;
#[cfg(doc)]
use crate::http::{HttpRequest, SendReason};
use crate::queue::{EventQueue, Snapshot};
use crate::rng::SplitMix64;
use crate::schedule::{HeartbeatPolicy, PeriodicInform};
use crate::{Misuse, RpcHandle, SessionError};

use outbound::{encode, envelope};
use timers::later;

/// Most ScheduleInform timers armed at once.
pub const MAX_SCHEDULED_INFORMS: usize = 64;

/// Most `stale=true` challenges answered in a row for one message (they do not count as
/// refusals; this only stops an ACS that renews the nonce forever).
pub const MAX_STALE_RENEWALS: u32 = 8;

pub use crate::auth::ChallengeError;

pub use config::{Config, InformArgs};
pub use events::{
    Deferred, Event, Failure, Input, Output, SessionEnd, SessionKind, State, TransportError,
};

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
    /// `auth` is the previous session's, not yet answered by the ACS in this one.
    preemptive: bool,
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
    /// The last session's challenge and the URL it was for ([`Config::preemptive_auth`]).
    kept_auth: Option<(String, AuthState)>,
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
            kept_auth: None,
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

    // ------------------------------------------------------------------ outputs

    /// The next thing to do, if any.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
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

    fn succeed(&mut self) {
        let Some(a) = self.active.take() else { return };
        self.kept_auth = a.auth.map(|auth| (a.url, auth));
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
        // A challenge the ACS refused is not offered again.
        self.kept_auth = match failure {
            Failure::AuthenticationFailed | Failure::UnusableChallenge(_) => None,
            _ => a.auth.map(|auth| (a.url, auth)),
        };
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
