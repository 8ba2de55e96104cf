//! ACS messages with a header entry marked `mustUnderstand="1"` that this CPE does not
//! understand (SOAP 1.1 §4.2.3, which TR-069 follows for its header entries): never processed.

use cwmp_soap::Decoded;
use cwmp_types::{Body, Fault};

use super::{CpeSession, Failure, LastMessage, Sent, encode, envelope};
use crate::http::SendReason;

impl CpeSession {
    /// An ACS request is answered with a `MustUnderstand` fault (echoing its `cwmp:ID`) and the
    /// session goes on; the application never sees the request. A response or a fault (the
    /// InformResponse, the answer to a CPE request), which SOAP gives no way to answer, fails
    /// the session with [`Failure::NotUnderstood`]: its events and requests stay queued for
    /// the retry.
    pub(super) fn on_not_understood(&mut self, decoded: Decoded) {
        let Some(a) = &mut self.active else { return };
        let names = decoded.not_understood.into_iter().map(|n| n.name).collect();
        let env = decoded.envelope;
        let answerable = matches!(a.last.sent, Sent::EmptyPost | Sent::Reply { .. })
            && matches!(env.body, Body::Request(_));
        if !answerable {
            self.fail(Failure::NotUnderstood(names));
            return;
        }
        let fault = envelope(env.header.id, Fault::must_understand().into(), a.version);
        match encode(&fault) {
            Ok(body) => {
                a.last = LastMessage {
                    body,
                    soap_action: None,
                    sent: Sent::Reply { deferred: None },
                };
                self.rearm();
                self.send_last(SendReason::Continue);
            }
            Err(_) => self.fail(Failure::NotUnderstood(names)),
        }
    }
}
