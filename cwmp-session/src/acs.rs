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
//! # HTTP statuses
//!
//! Envelopes go under `200`, except a SOAP Fault (8000 to an ACS method called by the CPE,
//! the application's faults to CPE requests, 8002 when the session ends before it answered
//! one, 8006, `MustUnderstand`), which goes under [`Config::fault_status`]: `200` by default
//! as deployed ACSs and GenieACS send it, or `500` as the SOAP 1.1 HTTP binding does (SOAP 1.1
//! §6.2; TR-069 names no status for faults). The end of a session goes out as an empty `204`,
//! a protocol violation as `400` with a short text reason. The configuration is not part of
//! a [`SavedSession`]: a retry of a POST is answered with the response as it was first sent.
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

mod commands;
mod config;
mod events;
mod inbound;
mod not_understood;
mod outbound;
mod route;
mod saved;
mod state;

use core::time::Duration;
use std::collections::VecDeque;
use std::time::SystemTime;

use cwmp_types::{CwmpVersion, DeviceIdStruct, Request};

pub use crate::diagnostic::{DiagnosticCode, ResponseIdPolicy};
use crate::{Misuse, RpcHandle, SessionError};

pub use config::{ACS_METHODS, Config, FaultStatus};
pub use events::{
    Diagnostic, DiagnosticKind, EndReason, Event, Input, Output, RpcFailure, Step, Waiting,
};
use outbound::encode;
pub use route::Route;
pub use saved::{SavedSession, StateError};
use state::{Outstanding, Owed, Phase, SessionState};

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
    /// Everything but the config and the outputs: what [`AcsSession::save`] keeps.
    state: SessionState,
    /// Requests whose outcome the last input or command reported, readable with
    /// [`AcsSession::request`] until the next input.
    retired: Vec<(RpcHandle, Request)>,
    outputs: VecDeque<Output>,
}

impl AcsSession {
    /// A session waiting for its Inform.
    pub fn new(config: Config, now: SystemTime) -> Self {
        Self {
            config,
            state: SessionState::new(now),
            retired: Vec::new(),
            outputs: VecDeque::new(),
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
                if self.state.phase != Phase::Ended {
                    let deadline = self.deadline();
                    if self.state.now >= deadline {
                        let reason = if self.state.phase == Phase::MaybeDone {
                            EndReason::Completed
                        } else {
                            self.diagnostic(
                                DiagnosticKind::Timeout,
                                DiagnosticCode::TimedOut,
                                format!("waiting for {:?}", self.state.step),
                            );
                            EndReason::TimedOut {
                                step: self.state.step.clone(),
                                since: self.state.since,
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
                if self.state.owed.is_some() {
                    return Err(Misuse::ResponsePending.into());
                }
                let digest = saved::digest(request.body);
                if let Some(response) = self.state.retry_response(Some(&digest), request.body) {
                    self.outputs.push_back(Output::SendHttp(response.clone()));
                    return Ok(());
                }
                self.state.revision += 1;
                self.state.post_digest = Some(digest);
                self.state.post_len = u64::try_from(request.body.len()).ok();
                self.on_post(request);
                Ok(())
            }
        }
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
        (self.state.phase != Phase::Ended).then(|| self.deadline())
    }

    // ------------------------------------------------------------------ getters

    /// What the session waits for and since when (`None` once ended).
    pub fn waiting_for(&self) -> Option<Waiting> {
        self.state.waiting_for()
    }

    /// Whether the session is over.
    pub fn is_ended(&self) -> bool {
        self.state.phase == Phase::Ended
    }

    /// Why the session ended.
    pub fn end_reason(&self) -> Option<&EndReason> {
        self.state.end_reason.as_ref()
    }

    /// The CPE's DeviceId (after the Inform).
    pub fn device_id(&self) -> Option<&DeviceIdStruct> {
        self.state.device_id.as_ref()
    }

    /// The session's CWMP version (after the Inform).
    pub fn version(&self) -> Option<CwmpVersion> {
        (self.state.phase != Phase::AwaitInform).then_some(self.state.version)
    }

    /// Requests queued and not yet sent.
    pub fn queued_requests(&self) -> usize {
        self.state.queue.len()
    }

    /// The request behind a handle [`queue_request`](Self::queue_request) returned: while it
    /// is queued or outstanding, and until the next input after its outcome
    /// ([`Event::RpcResponse`], [`Event::RpcFault`], [`Event::RpcFailed`]) was reported, so
    /// the application can read it while handling that event (and queue a `NotSent` one
    /// again in the next session).
    pub fn request(&self, handle: RpcHandle) -> Option<&Request> {
        self.state
            .queue
            .iter()
            .chain(self.retired.iter())
            .find(|(h, _)| *h == handle)
            .map(|(_, r)| r)
            .or_else(|| {
                self.state
                    .outstanding
                    .as_ref()
                    .filter(|o| o.handle == handle)
                    .and_then(|o| o.request.as_ref())
            })
    }

    /// The `cwmp:SessionTimeout` of the CPE's Inform (CWMP 1.3+): how long the CPE waits
    /// for this ACS before it abandons the session. `None` when it sent none.
    pub fn cpe_session_timeout(&self) -> Option<Duration> {
        self.state
            .cpe_session_timeout
            .map(|s| Duration::from_secs(u64::from(s)))
    }

    /// `HoldRequests` as the CPE last received it: whether it currently holds back its own
    /// requests (what [`set_hold_requests`](Self::set_hold_requests) changes takes effect
    /// with the next envelope).
    pub fn cpe_hold_requests(&self) -> bool {
        self.state.hold_sent
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    // ------------------------------------------------------------------ internals

    fn deadline(&self) -> SystemTime {
        self.state
            .since
            .checked_add(self.config.session_timeout)
            .unwrap_or(self.state.since)
    }

    fn advance(&mut self, now: SystemTime) {
        if now > self.state.now {
            self.state.now = now;
        }
    }

    fn handle(&mut self) -> RpcHandle {
        let h = RpcHandle::new(self.state.next_handle);
        self.state.next_handle += 1;
        h
    }

    fn wait(&mut self, step: Step) {
        self.state.step = step;
        self.state.since = self.state.now;
    }

    fn event(&mut self, e: Event) {
        self.state.revision += 1;
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
}
