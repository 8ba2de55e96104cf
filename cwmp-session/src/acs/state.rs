//! The state of a session that is not public: its phase, the request outstanding and the
//! response owed.

use cwmp_types::Request;

use crate::RpcHandle;

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
