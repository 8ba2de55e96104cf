//! The application's commands: open a session, answer the ACS, queue events and requests,
//! change the ACS URL, abort.

use std::borrow::Cow;
use std::time::Instant;

use cwmp_types::{
    Body, CwmpVersion, Envelope, EventCode, EventStruct, Inform, Request, Response, Validate,
};

#[cfg(doc)]
use super::Output;
use super::outbound::{encode, envelope};
use super::timers::later;
use super::{
    Active, CpeSession, Deferred, Failure, InformArgs, LastMessage, MAX_SCHEDULED_INFORMS,
    PendingAction, Sent, SessionKind, Step,
};
use crate::connreq::Credentials;
use crate::http::SendReason;
use crate::queue::{CpeRequest, Snapshot};
use crate::{Limit, Misuse, Reply, RpcHandle, SessionError};

impl CpeSession {
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
        let kept = self.kept_auth.take().filter(|(url, _)| {
            self.config.preemptive_auth
                && self.config.credentials.is_some()
                && *url == self.config.acs_url
        });
        let preemptive = kept.is_some();
        self.active = Some(Active {
            kind,
            url: self.config.acs_url.clone(),
            redirects: 0,
            auth_attempts: 0,
            stale_renewals: 0,
            auth: kept.map(|(_, auth)| auth),
            preemptive,
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

    /// Changes `ManagementServer.Username` and `.Password` ([`Config::credentials`](super::Config::credentials);
    /// `None`: the transport adds `Authorization`). The next `Authorization` the machine
    /// computes uses them, in the running session too (the challenge it answered is kept).
    pub fn set_credentials(&mut self, credentials: Option<Credentials>) {
        self.config.credentials = credentials;
        self.kept_auth = None;
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

    pub(super) fn initial_version(&self) -> CwmpVersion {
        self.config
            .versions
            .iter()
            .copied()
            .filter(|v| self.version_ceiling.is_none_or(|c| *v <= c))
            .max()
            .unwrap_or(CwmpVersion::V1_0)
    }
}

pub(super) fn deferred_action(request: &Request, response: &Response) -> Option<PendingAction> {
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
