//! What the CPE sends: the last message again, the next CPE request or the empty POST.

use std::borrow::Cow;

use bytes::Bytes;
use cwmp_types::{Body, CwmpVersion, Envelope, Fault, FaultCode};

use super::timers::later;
use super::{CpeSession, Event, LastMessage, Output, Sent, Step};
use crate::SessionError;
use crate::http::{CONTENT_TYPE_XML, HttpRequest, SendReason};

impl CpeSession {
    pub(super) fn send_last(&mut self, reason: SendReason) {
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

    pub(super) fn rearm(&mut self) {
        let deadline = later(self.now, self.config.response_timeout);
        if let Some(a) = &mut self.active {
            a.step = Step::AwaitingHttp { deadline };
        }
    }

    /// After the InformResponse, a response to a CPE request, or an empty ACS response that
    /// released HoldRequests: the next CPE request, or the empty POST.
    pub(super) fn send_next_cpe_message(&mut self) {
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
}

pub(super) fn envelope(id: Option<String>, body: Body, version: CwmpVersion) -> Envelope {
    let mut env = Envelope::new(body).in_namespace(version.namespace());
    env.header.id = id;
    env
}

pub(super) fn encode(env: &Envelope) -> Result<Bytes, SessionError> {
    let mut out = Vec::with_capacity(1024);
    cwmp_soap::encode(env, &mut out)?;
    Ok(Bytes::from(out))
}
