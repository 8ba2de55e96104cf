//! CPE messages with a header entry marked `mustUnderstand="1"` that this ACS does not
//! understand (SOAP 1.1 §4.2.3, which TR-069 follows for its header entries): never processed.

use cwmp_soap::Decoded;
use cwmp_types::{Body, Fault, Request};

use super::{
    AcsSession, DiagnosticCode, DiagnosticKind, Event, Owed, Phase, RpcFailure, Step, encode,
};

impl AcsSession {
    /// An Inform or a CPE request is answered with a `MustUnderstand` fault (echoing its
    /// `cwmp:ID`, under [`Config::fault_status`](super::Config::fault_status) like every fault
    /// of this ACS) and the session goes on: after an
    /// Inform it still waits for one, after a CPE request the CPE goes on with its next
    /// message. A response or a fault to the outstanding request (which SOAP gives no way to
    /// answer) fails that request with [`RpcFailure::NotUnderstood`], and the session goes on
    /// with the next request. Anything else is a protocol violation, as it would be
    /// understood.
    pub(super) fn on_not_understood(&mut self, decoded: Decoded) {
        let names: Vec<String> = decoded.not_understood.into_iter().map(|n| n.name).collect();
        let env = decoded.envelope;
        self.diagnostic(
            DiagnosticKind::Violation,
            DiagnosticCode::HeaderNotUnderstood,
            names.join(", "),
        );
        match (self.state.phase, env.body) {
            (Phase::AwaitInform, Body::Request(Request::Inform(_))) => {
                self.state.namespace = env.namespace;
                self.answer_must_understand(env.header.id);
            }
            (Phase::MaybeDone | Phase::Active, Body::Request(r))
                if self.state.outstanding.is_none() && !matches!(r, Request::Inform(_)) =>
            {
                self.answer_must_understand(env.header.id);
                self.wait(Step::CpeMessage);
            }
            (Phase::Active, Body::Response(_) | Body::Fault(_))
                if self.state.outstanding.is_some() =>
            {
                if let Some(o) = self.state.outstanding.take() {
                    self.event(Event::RpcFailed {
                        handle: o.handle,
                        reason: RpcFailure::NotUnderstood(names),
                    });
                    self.retired.extend(o.request.map(|r| (o.handle, r)));
                }
                self.state.owed = Some(Owed::NextRequest);
                self.wait(Step::ApplicationRequests);
            }
            _ => self.violation(DiagnosticCode::NotUnderstoodOutOfTurn, names.join(", ")),
        }
    }

    fn answer_must_understand(&mut self, id: Option<String>) {
        let env = self.envelope(id, Fault::must_understand().into());
        match encode(&env) {
            Ok(b) => {
                self.mark_sent();
                self.send(self.envelope_status(&env.body), b, false);
            }
            Err(e) => self.violation(DiagnosticCode::Unencodable, e.to_string()),
        }
    }
}
