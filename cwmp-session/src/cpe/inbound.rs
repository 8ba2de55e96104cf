//! The ACS's HTTP responses: status handling (auth, redirects, faults) and the envelopes
//! they carry.

use core::time::Duration;

use cwmp_soap::{Charset, DecodeError, DecodeOptions};
use cwmp_types::{Body, CwmpVersion, Envelope, EventCode, EventStruct, Fault, FaultCode, Response};

use super::outbound::{encode, envelope};
use super::timers::later;
use super::{
    Active, CpeSession, Deferred, Event, Failure, LastMessage, MAX_STALE_RENEWALS, Output,
    PendingAction, Sent, Step,
};
use crate::RpcHandle;
use crate::auth::{AuthState, is_stale_renewal};
use crate::http::{IncomingResponse, SendReason, is_empty_body};

impl CpeSession {
    pub(super) fn on_http(&mut self, response: IncomingResponse<'_>) {
        let status = response.status;
        let Some(a) = &mut self.active else { return };
        if status == 401 {
            let challenge = response.www_authenticate;
            let stale = challenge.is_some_and(|h| is_stale_renewal(h, a.auth.as_ref()));
            if a.preemptive {
                // The previous session's challenge, no longer good: answer the new one.
                a.preemptive = false;
            } else if stale && a.stale_renewals < MAX_STALE_RENEWALS {
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
        a.preemptive = false;
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

    pub(super) fn on_decoded(&mut self, mut decoded: cwmp_soap::Decoded) {
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

    pub(super) fn on_empty(&mut self) {
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

    pub(super) fn on_envelope(&mut self, env: Envelope) {
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
}

/// Decodes the ACS's body with `options`, in the charset its `Content-Type` names if any.
pub(super) fn decode_response(
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

pub(super) fn set_hold(a: &mut Active, hold: bool) {
    if a.hold && !hold {
        a.empty_post_since_hold_released = false;
    }
    a.hold = hold;
}
