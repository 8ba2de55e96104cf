//! proptest strategies for what a session is fed (feature `proptest`): the requests a CPE
//! application queues and the HTTP bodies a peer may send. The property tests of this crate and
//! the session fuzz targets draw from the same ones.

use cwmp_types::strategy as types;
use cwmp_types::{Envelope, Fault, InformResponse, Request, Validate};
use proptest::prelude::*;

use crate::{CpeRequest, TransferKind};

/// The request a CPE application queues, if `request` is one (`TransferComplete` reports the
/// transfer `kind`).
fn as_cpe_request(request: Request, kind: TransferKind) -> Option<CpeRequest> {
    Some(match request {
        Request::TransferComplete(body) => CpeRequest::TransferComplete { kind, body },
        Request::AutonomousTransferComplete(b) => CpeRequest::AutonomousTransferComplete(b),
        Request::DuStateChangeComplete(b) => CpeRequest::DuStateChangeComplete(b),
        Request::AutonomousDuStateChangeComplete(b) => {
            CpeRequest::AutonomousDuStateChangeComplete(b)
        }
        Request::RequestDownload(b) => CpeRequest::RequestDownload(b),
        Request::Kicked(b) => CpeRequest::Kicked(b),
        Request::GetRpcMethods(_) => CpeRequest::GetRpcMethods,
        _ => return None,
    })
}

/// Any request a CPE application may queue with
/// [`CpeSession::queue_request`](crate::CpeSession::queue_request), with arbitrary contents
/// within the spec's limits (the queue refuses others with
/// [`SessionError::Validation`](crate::SessionError::Validation)).
pub fn cpe_request() -> impl Strategy<Value = CpeRequest> {
    let kind = prop_oneof![
        Just(TransferKind::Download),
        Just(TransferKind::Upload),
        Just(TransferKind::ScheduleDownload),
    ];
    (types::request(), kind).prop_filter_map("not a valid request a CPE queues", |(r, k)| {
        as_cpe_request(r, k).filter(|c| c.to_request().validate().is_ok())
    })
}

/// An HTTP body a peer may send: empty, whitespace, garbage, any envelope, a plausible
/// `InformResponse` with arbitrary header bits and namespace, a fault with any code, or a
/// valid envelope cut short.
pub fn peer_body() -> impl Strategy<Value = Vec<u8>> {
    fn encoded(envelope: &Envelope) -> Vec<u8> {
        let mut out = Vec::new();
        // What does not encode (a generated oddity) is sent as nothing.
        let _ = cwmp_soap::encode(envelope, &mut out);
        out
    }
    prop_oneof![
        2 => Just(Vec::new()),
        1 => Just(b"\r\n  ".to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..64),
        4 => types::envelope().prop_map(|e| encoded(&e)),
        3 => (
            proptest::option::of(any::<bool>()),
            proptest::option::of(types::cwmp_version()),
            types::cwmp_namespace(),
        )
            .prop_map(|(hold, version, namespace)| {
                let mut e = Envelope::with_id("1", InformResponse::new()).in_namespace(namespace);
                e.header.hold_requests = hold;
                e.header.use_cwmp_version = version;
                encoded(&e)
            }),
        1 => types::fault_code().prop_map(|code| encoded(&Envelope::with_id("1", Fault::new(code)))),
        1 => (types::envelope(), any::<usize>()).prop_map(|(e, n)| {
            let mut out = encoded(&e);
            out.truncate(if out.is_empty() { 0 } else { n % out.len() });
            out
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    /// Every kind of request is drawn, and each one can be queued.
    #[test]
    fn cpe_requests_cover_every_kind_and_queue() {
        let mut runner = TestRunner::deterministic();
        let strategy = cpe_request();
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..400 {
            let r = strategy.new_tree(&mut runner).unwrap().current();
            seen.insert(r.method_name());
            let mut queue = crate::EventQueue::new();
            queue.push_request(r).unwrap();
        }
        assert_eq!(seen.len(), 7, "{seen:?}");
    }
}
