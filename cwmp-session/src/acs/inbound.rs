//! What an [`AcsSession`] does with a POST: the Inform and version negotiation, CPE requests,
//! responses to the outstanding request, the empty POST.

use bytes::Bytes;
use cwmp_soap::Charset;
use cwmp_types::{Body, Caller, CwmpNamespace, CwmpVersion, Fault, FaultCode, Inform, Request};

use super::{
    ACS_METHODS, AcsSession, DiagnosticCode, DiagnosticKind, EndReason, Event, Owed, Phase,
    ResponseIdPolicy, RpcFailure, Step, encode,
};
use crate::Reply;
use crate::http::{IncomingRequest, is_empty_body};

impl AcsSession {
    pub(super) fn on_post(&mut self, request: IncomingRequest<'_>) {
        if self.state.phase == Phase::Ended {
            if is_empty_body(request.body) {
                self.send(204, Bytes::new(), true);
            } else {
                self.diagnostic(
                    DiagnosticKind::Violation,
                    DiagnosticCode::PostAfterEnd,
                    String::new(),
                );
                self.send(400, Bytes::from_static(b"session ended"), true);
            }
            return;
        }
        if is_empty_body(request.body) {
            if !request.body.is_empty() || request.content_type.is_some() {
                self.diagnostic(
                    DiagnosticKind::Quirk,
                    DiagnosticCode::EmptyPostWithContent,
                    request.content_type.unwrap_or_default().to_owned(),
                );
            }
            self.on_empty_post();
            return;
        }
        let charset = request.content_type.map(Charset::from_content_type);
        let decoded = match charset {
            Some(c) if c != Charset::Detect && c != self.config.decode.charset => {
                let mut options = self.config.decode.clone();
                options.charset = c;
                cwmp_soap::decode_with(request.body, &options)
            }
            _ => cwmp_soap::decode_with(request.body, &self.config.decode),
        };
        let env = match decoded {
            Ok(mut d) => {
                if !d.warnings.is_empty() {
                    self.event(Event::DecodeWarnings(std::mem::take(&mut d.warnings)));
                }
                if !d.is_understood() {
                    self.on_not_understood(d);
                    return;
                }
                d.envelope
            }
            Err(e) => {
                self.violation(DiagnosticCode::UndecodableBody, e.to_string());
                return;
            }
        };
        match (self.state.phase, env.body) {
            (Phase::AwaitInform, Body::Request(Request::Inform(inform))) => {
                self.on_inform(env.namespace, env.header, inform);
            }
            (Phase::AwaitInform, _) => {
                self.violation(DiagnosticCode::NoInform, String::new());
            }
            (_, Body::Request(Request::Inform(_))) => {
                self.violation(DiagnosticCode::SecondInform, String::new());
            }
            (Phase::MaybeDone | Phase::Active, Body::Request(request)) => {
                self.on_cpe_request(env.header.id, request);
            }
            (Phase::Active, body @ (Body::Response(_) | Body::Fault(_))) => {
                self.on_cpe_response(env.header.id, body);
            }
            (_, _) => {
                self.violation(DiagnosticCode::ResponseToNoRequest, String::new());
            }
        }
    }

    pub(super) fn on_empty_post(&mut self) {
        match self.state.phase {
            Phase::AwaitInform => {
                self.send(204, Bytes::new(), true);
                self.end(EndReason::NoSession);
            }
            Phase::MaybeDone => {
                self.send(204, Bytes::new(), true);
                self.end(EndReason::Completed);
            }
            Phase::Active => {
                if let Some(o) = &self.state.outstanding {
                    let detail = o.method.clone();
                    self.violation(DiagnosticCode::EmptyPostInsteadOfResponse, detail);
                    return;
                }
                if !self.state.hold_sent {
                    self.state.cpe_done = true;
                }
                self.state.owed = Some(Owed::NextRequest);
                self.wait(Step::ApplicationRequests);
            }
            Phase::Ended => {}
        }
    }

    pub(super) fn on_inform(
        &mut self,
        namespace: CwmpNamespace,
        header: cwmp_types::Header,
        inform: Inform,
    ) {
        let ours = &self.config.versions;
        let version = match &header.supported_cwmp_versions {
            Some(theirs) => match CwmpVersion::max_common(ours, theirs) {
                Some(v) => {
                    self.state.use_version_header = true;
                    v
                }
                None => {
                    self.state.namespace = namespace;
                    let env = self.envelope(
                        header.id.clone(),
                        Fault::new(FaultCode::AcsVersionIncompatible).into(),
                    );
                    match encode(&env) {
                        Ok(b) => self.send(self.envelope_status(&env.body), b, true),
                        Err(_) => self.send(400, Bytes::new(), true),
                    }
                    self.state.device_id = Some(inform.device_id);
                    self.end(EndReason::VersionIncompatible);
                    return;
                }
            },
            None => {
                let implied = implied_version(namespace, &header);
                if ours.contains(&implied) {
                    implied
                } else {
                    ours.iter()
                        .copied()
                        .filter(|v| *v <= implied)
                        .max()
                        .or_else(|| ours.iter().copied().min())
                        .unwrap_or(implied)
                }
            }
        };
        // Echo the CPE's namespace when it belongs to the chosen version's family (some
        // CPEs use cwmp-1-3/1-4), else use the version's own.
        self.state.namespace = if namespace.base_version().namespace() == version.namespace() {
            namespace
        } else {
            version.namespace()
        };
        self.state.version = version;
        if header.no_more_requests.is_some() {
            self.diagnostic(
                DiagnosticKind::Quirk,
                DiagnosticCode::NoMoreRequests,
                String::new(),
            );
        }
        if inform.max_envelopes != 1 {
            self.diagnostic(
                DiagnosticKind::Quirk,
                DiagnosticCode::MaxEnvelopes,
                inform.max_envelopes.to_string(),
            );
        }
        if header.id.is_none() {
            self.diagnostic(
                DiagnosticKind::Quirk,
                DiagnosticCode::InformWithoutId,
                String::new(),
            );
        }
        self.state.cpe_session_timeout = header.session_timeout;
        self.state.device_id = Some(inform.device_id.clone());
        self.state.phase = Phase::Active;
        self.state.owed = Some(Owed::InformResponse { id: header.id });
        self.wait(Step::CpeMessage);
        self.event(Event::Inform {
            inform: Box::new(inform),
            version,
        });
    }

    pub(super) fn on_cpe_request(&mut self, id: Option<String>, request: Request) {
        if let Some(o) = &self.state.outstanding {
            let detail = o.method.clone();
            self.violation(DiagnosticCode::RequestWhileOutstanding, detail);
            return;
        }
        if self.state.hold_sent {
            self.violation(
                DiagnosticCode::RequestWhileHeld,
                request.method_name().to_owned(),
            );
            return;
        }
        if self.state.cpe_done {
            self.violation(
                DiagnosticCode::RequestAfterEmptyPost,
                request.method_name().to_owned(),
            );
            return;
        }
        self.state.phase = Phase::Active;
        let handle = self.handle();
        let method = request.method_name().to_owned();
        // Methods the ACS never serves get 8000 at once.
        let auto = if request.caller() == Caller::Acs {
            Some(Reply::fault(FaultCode::AcsMethodNotSupported))
        } else if self.config.auto_answer_cpe_requests {
            auto_answer(&request)
        } else {
            None
        };
        let answered = auto.is_some();
        self.event(Event::CpeRequest {
            handle,
            request,
            answered,
        });
        match auto {
            Some(reply) => {
                let body: Body = match reply {
                    Reply::Response(r) => r.into(),
                    Reply::Fault(f) => f.into(),
                };
                let env = self.envelope(id, body);
                match encode(&env) {
                    Ok(b) => {
                        self.mark_sent();
                        self.send(self.envelope_status(&env.body), b, false);
                        self.wait(Step::CpeMessage);
                    }
                    Err(_) => self.violation(DiagnosticCode::Unencodable, method),
                }
            }
            None => {
                self.state.owed = Some(Owed::CpeReply {
                    handle,
                    id,
                    method: method.clone(),
                });
                self.wait(Step::ApplicationReply(method));
            }
        }
    }

    pub(super) fn on_cpe_response(&mut self, id: Option<String>, body: Body) {
        let Some(expected) = self.state.outstanding.as_ref().map(|o| o.id.clone()) else {
            self.violation(DiagnosticCode::ResponseToNoRequest, String::new());
            return;
        };
        match &id {
            None => {
                let method = self.state.outstanding.as_ref().map(|o| o.method.clone());
                self.diagnostic(
                    DiagnosticKind::Quirk,
                    DiagnosticCode::ResponseWithoutId,
                    method.unwrap_or_default(),
                );
            }
            Some(i) if *i != expected => {
                let detail = format!("sent {expected}, got {i}");
                match self.config.response_id_policy {
                    ResponseIdPolicy::Accept => self.diagnostic(
                        DiagnosticKind::Quirk,
                        DiagnosticCode::ResponseIdMismatch,
                        detail,
                    ),
                    // The request stays outstanding: the session's end fails it.
                    _ => {
                        self.violation(DiagnosticCode::ResponseIdMismatch, detail);
                        return;
                    }
                }
            }
            Some(_) => {}
        }
        let Some(o) = self.state.outstanding.take() else {
            return;
        };
        self.retired.extend(o.request.map(|r| (o.handle, r)));
        match body {
            Body::Response(r) if r.request_name() == o.method => {
                self.event(Event::RpcResponse {
                    handle: o.handle,
                    response: r,
                });
            }
            Body::Response(r) => {
                self.diagnostic(
                    DiagnosticKind::Violation,
                    DiagnosticCode::MismatchedResponse,
                    format!("sent {}, got {}", o.method, r.method_name()),
                );
                self.event(Event::RpcFailed {
                    handle: o.handle,
                    reason: RpcFailure::MismatchedResponse(r),
                });
            }
            Body::Fault(fault) => self.event(Event::RpcFault {
                handle: o.handle,
                fault,
            }),
            _ => {}
        }
        self.state.owed = Some(Owed::NextRequest);
        self.wait(Step::ApplicationRequests);
    }
}

/// The version an Inform's envelope implies without SupportedCWMPVersions (1-2 with a
/// SessionTimeout header means 1.3; cwmp-1-3/1-4 namespaces as GenieACS maps them).
fn implied_version(namespace: CwmpNamespace, header: &cwmp_types::Header) -> CwmpVersion {
    match namespace {
        CwmpNamespace::Cwmp1_2 if header.session_timeout.is_some() => CwmpVersion::V1_3,
        ns => ns.base_version(),
    }
}

fn auto_answer(request: &Request) -> Option<Reply> {
    use cwmp_types::{
        AutonomousDuStateChangeCompleteResponse, AutonomousTransferCompleteResponse,
        DuStateChangeCompleteResponse, GetRpcMethodsResponse, RequestDownloadResponse,
        TransferCompleteResponse,
    };
    Some(match request {
        Request::TransferComplete(_) => Reply::response(TransferCompleteResponse::default()),
        Request::AutonomousTransferComplete(_) => {
            Reply::response(AutonomousTransferCompleteResponse::default())
        }
        Request::DuStateChangeComplete(_) => {
            Reply::response(DuStateChangeCompleteResponse::default())
        }
        Request::AutonomousDuStateChangeComplete(_) => {
            Reply::response(AutonomousDuStateChangeCompleteResponse::default())
        }
        Request::RequestDownload(_) => Reply::response(RequestDownloadResponse::default()),
        Request::GetRpcMethods(_) => {
            Reply::response(GetRpcMethodsResponse::new(ACS_METHODS.iter().copied()))
        }
        Request::Unknown(_) => Reply::fault(FaultCode::AcsMethodNotSupported),
        _ => return None,
    })
}
