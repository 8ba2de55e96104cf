//! What an [`AcsSession`](crate::AcsSession) notices about its CPE, as typed codes the
//! application can match on (re-exported from [`acs`](crate::acs)), and the `cwmp:ID`
//! matching policy.

/// What an ACS [`Diagnostic`](crate::acs::Diagnostic) is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticCode {
    // ---- quirks (tolerated)
    /// An empty POST with a `Content-Type` or a whitespace body.
    EmptyPostWithContent,
    /// The deprecated `NoMoreRequests` header.
    NoMoreRequests,
    /// `MaxEnvelopes` other than 1 in the Inform (ignored).
    MaxEnvelopes,
    /// An Inform without `cwmp:ID`.
    InformWithoutId,
    /// A response or fault without `cwmp:ID` (accepted: it cannot name another request).
    ResponseWithoutId,
    /// A response or fault whose `cwmp:ID` is not the outstanding request's: accepted or
    /// rejected by [`ResponseIdPolicy`].
    ResponseIdMismatch,
    // ---- violations (the session ends, unless said otherwise)
    /// A POST after the session ended.
    PostAfterEnd,
    /// A body that does not decode.
    UndecodableBody,
    /// The first message of a session is not an Inform.
    NoInform,
    /// A second Inform in one session.
    SecondInform,
    /// A response or fault while no request is outstanding.
    ResponseToNoRequest,
    /// An empty POST while a request is outstanding.
    EmptyPostInsteadOfResponse,
    /// A CPE request while an ACS request is outstanding.
    RequestWhileOutstanding,
    /// A CPE request while `HoldRequests` is set.
    RequestWhileHeld,
    /// A CPE request after the CPE's empty POST.
    RequestAfterEmptyPost,
    /// A response that names another method than the request (the session goes on; the
    /// request fails with `RpcFailure::MismatchedResponse`).
    MismatchedResponse,
    /// A message this session had to send cannot be encoded.
    Unencodable,
    /// A header entry with `mustUnderstand="1"` that the session does not understand (SOAP 1.1
    /// §4.2.3): answered with a `MustUnderstand` fault and the session goes on; the detail
    /// names the entries.
    HeaderNotUnderstood,
    /// A message with a not-understood `mustUnderstand="1"` header entry that arrived out of
    /// turn.
    NotUnderstoodOutOfTurn,
    // ---- time
    /// Nothing happened within `acs::Config::session_timeout`; the detail names the step.
    TimedOut,
}

impl DiagnosticCode {
    /// A short English description (also the `400` body and the
    /// `EndReason::ProtocolViolation` text of violations).
    pub const fn message(self) -> &'static str {
        match self {
            Self::EmptyPostWithContent => "empty POST with a Content-Type or whitespace body",
            Self::NoMoreRequests => "deprecated NoMoreRequests header",
            Self::MaxEnvelopes => "MaxEnvelopes other than 1 (ignored)",
            Self::InformWithoutId => "Inform without cwmp:ID",
            Self::ResponseWithoutId => "response without cwmp:ID",
            Self::ResponseIdMismatch => "response cwmp:ID differs from the request's",
            Self::PostAfterEnd => "POST to an ended session",
            Self::UndecodableBody => "undecodable body",
            Self::NoInform => "the first message of a session must be an Inform",
            Self::SecondInform => {
                "second Inform in one session (start a new AcsSession on every Inform)"
            }
            Self::ResponseToNoRequest => "a response or fault to no request",
            Self::EmptyPostInsteadOfResponse => "empty POST instead of a response",
            Self::RequestWhileOutstanding => "a CPE request while an ACS request is outstanding",
            Self::RequestWhileHeld => "a CPE request while HoldRequests is set",
            Self::RequestAfterEmptyPost => "a CPE request after the CPE's empty POST",
            Self::MismatchedResponse => "response names another method than the request",
            Self::Unencodable => "cannot encode the message to send",
            Self::HeaderNotUnderstood => "header entry with mustUnderstand=1 not understood",
            Self::NotUnderstoodOutOfTurn => {
                "a message with a not-understood mustUnderstand header out of turn"
            }
            Self::TimedOut => "the session timed out",
        }
    }
}

/// What an [`AcsSession`](crate::AcsSession) does with a response or fault whose `cwmp:ID`
/// is not the one of the outstanding request (TR-069 §3.5: the response carries the
/// request's ID). A response without any `cwmp:ID` is always accepted, with a
/// [`DiagnosticCode::ResponseWithoutId`] quirk: some CPEs send no SOAP Header at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ResponseIdPolicy {
    /// Reject it as a protocol violation: a [`DiagnosticCode::ResponseIdMismatch`] violation,
    /// `400`, and the session ends (the request fails as unanswered). The default.
    #[default]
    Reject,
    /// Accept it as the outstanding request's answer, with a
    /// [`DiagnosticCode::ResponseIdMismatch`] quirk (for CPEs known to echo a wrong ID).
    Accept,
}
