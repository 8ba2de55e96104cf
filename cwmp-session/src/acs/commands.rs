//! The application's commands to an [`AcsSession`]: queue a request, answer a CPE request,
//! set HoldRequests, finish, abort.

use std::time::SystemTime;

use cwmp_types::{Body, Caller, FaultCode, Request, Validate};

use super::{AcsSession, EndReason, Owed, Phase, Step, encode};
use crate::{Limit, Misuse, Reply, RpcHandle, SessionError};

impl AcsSession {
    /// Queues a request for the CPE; requests go out one at a time after the CPE's empty
    /// POST, each with a fresh `cwmp:ID`.
    pub fn queue_request(
        &mut self,
        now: SystemTime,
        request: impl Into<Request>,
    ) -> Result<RpcHandle, SessionError> {
        self.advance(now);
        let request = request.into();
        if self.state.phase == Phase::Ended {
            return Err(Misuse::NoSession.into());
        }
        if request.caller() == Caller::Cpe {
            return Err(Misuse::WrongDirection(request.method_name().to_owned()).into());
        }
        request.validate()?;
        if self.state.queue.len() >= self.config.max_queued_requests {
            return Err(Limit::RequestQueueFull.into());
        }
        let handle = self.handle();
        self.state.queue.push_back((handle, request));
        self.state.announced_awaiting = false;
        self.state.revision += 1;
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
        }) = &self.state.owed
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
        self.state.owed = None;
        self.mark_sent();
        self.send(self.envelope_status(&env.body), bytes, false);
        if resend_asked {
            self.state.last = None;
        }
        self.wait(Step::CpeMessage);
        Ok(())
    }

    /// Sets `HoldRequests` on the envelopes sent from now on (`true`: the CPE must not send
    /// requests; `false`: it may again, even after its empty POST).
    pub fn set_hold_requests(&mut self, hold: bool) {
        if self.state.hold != hold {
            self.state.hold = hold;
            self.state.revision += 1;
        }
    }

    /// No more requests will be queued: the session ends with `204` once the queue is sent.
    pub fn finish(&mut self, now: SystemTime) {
        self.advance(now);
        if !self.state.finish {
            self.state.finish = true;
            self.state.revision += 1;
        }
    }

    /// Ends the session now (a pending POST gets fault 8002 if it was a CPE request, else
    /// an empty `204`).
    pub fn abort(&mut self, now: SystemTime) {
        self.advance(now);
        if self.state.phase == Phase::Ended {
            return;
        }
        self.answer_owed_on_end();
        self.end(EndReason::Aborted);
    }
}
