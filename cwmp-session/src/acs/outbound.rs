//! What an [`AcsSession`] sends: the owed response built when the outputs drain, the HTTP
//! responses, and the end of the session.

use std::borrow::Cow;

use bytes::Bytes;
use cwmp_soap::EncodeError;
use cwmp_types::{Body, Envelope, Fault, FaultCode, InformResponse};

use super::{
    AcsSession, DiagnosticCode, DiagnosticKind, EndReason, Event, Output, Outstanding, Owed, Phase,
    RpcFailure, Step, saved,
};
use crate::http::{CONTENT_TYPE_XML, HttpResponse};

impl AcsSession {
    /// The status of a response carrying an envelope with this body: a SOAP Fault goes under
    /// [`Config::fault_status`](super::Config::fault_status), anything else under `200`.
    pub(super) fn envelope_status(&self, body: &Body) -> u16 {
        match body {
            Body::Fault(_) => self.config.fault_status.code(),
            _ => 200,
        }
    }

    pub(super) fn send(&mut self, status: u16, body: Bytes, session_ended: bool) {
        let response = http_response(status, body, session_ended);
        self.state.revision += 1;
        // Every response answers the last POST: kept to answer a retry of it again.
        self.state.last = self.state.post_digest.map(|digest| saved::LastExchange {
            digest,
            post_len: self.state.post_len,
            response: response.clone(),
        });
        self.outputs.push_back(Output::SendHttp(response));
    }

    /// An envelope was sent: track what the CPE now believes about HoldRequests.
    pub(super) fn mark_sent(&mut self) {
        self.mark_hold(self.state.hold);
    }

    pub(super) fn mark_hold(&mut self, hold: bool) {
        if self.state.hold_sent && !hold {
            self.state.cpe_done = false;
        }
        self.state.hold_sent = hold;
    }

    pub(super) fn envelope(&self, id: Option<String>, body: Body) -> Envelope {
        let mut env = Envelope::new(body).in_namespace(self.state.namespace);
        env.header.id = id;
        if self.state.hold {
            env.header.hold_requests = Some(true);
        }
        env
    }

    pub(super) fn violation(&mut self, code: DiagnosticCode, detail: String) {
        let message = code.message();
        self.diagnostic(DiagnosticKind::Violation, code, detail);
        self.send(400, Bytes::from_static(message.as_bytes()), true);
        self.end(EndReason::ProtocolViolation(Cow::Borrowed(message)));
    }

    pub(super) fn end(&mut self, reason: EndReason) {
        if self.state.phase == Phase::Ended {
            return;
        }
        self.state.phase = Phase::Ended;
        if let Some(o) = self.state.outstanding.take() {
            self.retired.extend(o.request.map(|r| (o.handle, r)));
            self.event(Event::RpcFailed {
                handle: o.handle,
                reason: RpcFailure::Unanswered,
            });
        }
        while let Some((handle, request)) = self.state.queue.pop_front() {
            self.retired.push((handle, request));
            self.event(Event::RpcFailed {
                handle,
                reason: RpcFailure::NotSent,
            });
        }
        self.state.end_reason = Some(reason.clone());
        self.event(Event::SessionEnded(reason));
    }

    /// The session ends while the CPE still waits for an answer: a CPE request gets fault
    /// 8002 (Internal error), anything else an empty 204.
    pub(super) fn answer_owed_on_end(&mut self) {
        match self.state.owed.take() {
            Some(Owed::CpeReply { id, .. }) => {
                let env = self.envelope(id, Fault::new(FaultCode::AcsInternalError).into());
                match encode(&env) {
                    Ok(b) => self.send(self.envelope_status(&env.body), b, true),
                    Err(_) => self.send(204, Bytes::new(), true),
                }
            }
            Some(_) => self.send(204, Bytes::new(), true),
            None => {}
        }
    }

    pub(super) fn produce_owed(&mut self) {
        match self.state.owed.clone() {
            None | Some(Owed::CpeReply { .. }) => {}
            Some(Owed::InformResponse { id }) => {
                let mut env = self.envelope(id, InformResponse::new().into());
                if self.state.use_version_header {
                    env.header.use_cwmp_version = Some(self.state.version);
                }
                match encode(&env) {
                    Ok(b) => {
                        self.state.owed = None;
                        self.mark_sent();
                        self.send(200, b, false);
                        self.wait(Step::CpeMessage);
                    }
                    Err(e) => {
                        self.state.owed = None;
                        self.violation(DiagnosticCode::Unencodable, e.to_string());
                    }
                }
            }
            Some(Owed::NextRequest) => {
                while let Some((handle, request)) = self.state.queue.pop_front() {
                    let id = self.state.next_id.to_string();
                    self.state.next_id += 1;
                    let method = request.method_name().to_owned();
                    let env = self.envelope(Some(id.clone()), request.into());
                    let encoded = encode(&env);
                    let Body::Request(request) = env.body else {
                        continue; // built from a request: never taken
                    };
                    match encoded {
                        Ok(b) => {
                            self.state.owed = None;
                            self.mark_sent();
                            self.state.outstanding = Some(Outstanding {
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
                if self.state.finish {
                    self.state.owed = None;
                    // An empty response counts as HoldRequests false.
                    self.mark_hold(false);
                    if self.state.cpe_done {
                        self.send(204, Bytes::new(), true);
                        self.end(EndReason::Completed);
                    } else {
                        // HoldRequests was released by this 204: the CPE may still send
                        // the requests it held back.
                        self.send(204, Bytes::new(), false);
                        self.state.phase = Phase::MaybeDone;
                        self.wait(Step::CpeAfterHold);
                    }
                } else if !self.state.announced_awaiting {
                    self.state.announced_awaiting = true;
                    self.event(Event::AwaitingRequests);
                }
            }
        }
    }
}

/// The response the session sends: the content type follows from the status and the body.
/// Envelopes go under `200`, or `500` for a fault ([`FaultStatus`](super::FaultStatus)); the
/// short reasons of a refusal under `400`, as text.
pub(super) fn http_response(status: u16, body: Bytes, session_ended: bool) -> HttpResponse {
    let content_type = if body.is_empty() {
        None
    } else if matches!(status, 200 | 500) {
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

pub(super) fn encode(env: &Envelope) -> Result<Bytes, EncodeError> {
    let mut out = Vec::with_capacity(512);
    cwmp_soap::encode(env, &mut out)?;
    Ok(Bytes::from(out))
}
