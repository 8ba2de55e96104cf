//! [`SessionState`]: what an [`AcsSession`](super::AcsSession) keeps from one input to the
//! next, and what a [`SavedSession`](super::SavedSession) carries.

use std::collections::VecDeque;
use std::time::SystemTime;

use cwmp_types::{CwmpNamespace, CwmpVersion, DeviceIdStruct, Request};

use super::saved::{Digest, LastExchange};
use super::{EndReason, Step, Waiting};
use crate::RpcHandle;

/// The session's state, but for its [`Config`](super::Config) and the outputs not yet drained:
/// the fields an [`AcsSession`](super::AcsSession) works on, and the ones a
/// [`SavedSession`](super::SavedSession) serializes (flattened beside its `format` and
/// `deadline`). The serialized names are part of the saved format: renaming or removing a
/// field is a new format; a field added needs `serde(default)` with a default that means
/// what the older release did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(super) struct SessionState {
    /// Increases with every change ([`AcsSession::revision`](super::AcsSession::revision));
    /// absent in format 0.
    #[cfg_attr(feature = "serde", serde(default))]
    pub(super) revision: u64,
    /// The digest of the POST being answered (hex); absent in format 0.
    #[cfg_attr(feature = "serde", serde(default, with = "super::saved::digest_hex"))]
    pub(super) post_digest: Option<Digest>,
    /// The length of the POST being answered (absent when written by a release before it:
    /// a retry is then told by its digest alone).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub(super) post_len: Option<u64>,
    /// The last POST answered and its response, to answer a retry of it again; absent in
    /// format 0.
    #[cfg_attr(
        feature = "serde",
        serde(default, with = "super::saved::last_exchange")
    )]
    pub(super) last: Option<LastExchange>,
    pub(super) phase: Phase,
    pub(super) end_reason: Option<EndReason>,
    pub(super) device_id: Option<DeviceIdStruct>,
    pub(super) version: CwmpVersion,
    pub(super) namespace: CwmpNamespace,
    pub(super) use_version_header: bool,
    pub(super) hold: bool,
    pub(super) hold_sent: bool,
    pub(super) cpe_done: bool,
    pub(super) finish: bool,
    pub(super) announced_awaiting: bool,
    pub(super) queue: VecDeque<(RpcHandle, Request)>,
    pub(super) outstanding: Option<Outstanding>,
    pub(super) owed: Option<Owed>,
    pub(super) next_id: u64,
    pub(super) next_handle: u64,
    pub(super) now: SystemTime,
    pub(super) step: Step,
    pub(super) since: SystemTime,
    /// The Inform's `cwmp:SessionTimeout` (seconds); absent before format 1.
    #[cfg_attr(feature = "serde", serde(default))]
    pub(super) cpe_session_timeout: Option<u32>,
}

impl SessionState {
    /// A session waiting for its Inform.
    pub(super) fn new(now: SystemTime) -> Self {
        Self {
            revision: 0,
            post_digest: None,
            post_len: None,
            last: None,
            phase: Phase::AwaitInform,
            end_reason: None,
            device_id: None,
            version: CwmpVersion::V1_2,
            namespace: CwmpNamespace::Cwmp1_2,
            use_version_header: false,
            hold: false,
            hold_sent: false,
            cpe_done: false,
            finish: false,
            announced_awaiting: false,
            queue: VecDeque::new(),
            outstanding: None,
            owed: None,
            next_id: 1,
            next_handle: 0,
            now,
            step: Step::Inform,
            since: now,
            cpe_session_timeout: None,
        }
    }

    /// What the session waits for and since when (`None` once ended).
    pub(super) fn waiting_for(&self) -> Option<Waiting> {
        (self.phase != Phase::Ended).then(|| Waiting {
            step: self.step.clone(),
            since: self.since,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(super) enum Phase {
    AwaitInform,
    Active,
    /// 204 sent after HoldRequests was released without a later empty POST.
    MaybeDone,
    Ended,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(super) struct Outstanding {
    pub(super) handle: RpcHandle,
    pub(super) id: String,
    pub(super) method: String,
    /// The request, for [`AcsSession::request`]; `None` only in a session saved by the
    /// first release (format 0), which did not keep it.
    #[cfg_attr(feature = "serde", serde(default))]
    pub(super) request: Option<Request>,
}

/// The HTTP response the session owes for the last POST, built when the outputs drain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(super) enum Owed {
    InformResponse {
        id: Option<String>,
    },
    NextRequest,
    CpeReply {
        handle: RpcHandle,
        id: Option<String>,
        method: String,
    },
}
