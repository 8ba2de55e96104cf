//! [`Config`]: the settings of an ACS, given to every session (also at restore).

use core::time::Duration;

use cwmp_soap::DecodeOptions;
use cwmp_types::CwmpVersion;

use super::ResponseIdPolicy;

/// The ACS methods a CPE may call, as listed when GetRPCMethods is auto-answered.
pub const ACS_METHODS: &[&str] = &[
    "Inform",
    "GetRPCMethods",
    "TransferComplete",
    "AutonomousTransferComplete",
    "DUStateChangeComplete",
    "AutonomousDUStateChangeComplete",
    "RequestDownload",
    "Kicked",
];

/// ACS settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Config {
    /// The CWMP versions this ACS supports (default 1.0–1.4).
    pub versions: Vec<CwmpVersion>,
    /// How long the session waits for the CPE's next POST, or for the application, before
    /// it ends as timed out (default 60 s).
    pub session_timeout: Duration,
    /// Answer CPE requests without the application: TransferComplete,
    /// AutonomousTransferComplete, DUStateChangeComplete, AutonomousDUStateChangeComplete
    /// and RequestDownload with their empty responses, GetRPCMethods with [`ACS_METHODS`],
    /// unknown methods with fault 8000. Kicked still goes to the application (it needs a
    /// NextURL). The application still sees every request as an event. Default `false`.
    pub auto_answer_cpe_requests: bool,
    /// Most requests the application may queue (default 1024).
    pub max_queued_requests: usize,
    /// How the CPE's bodies are decoded: limits, leniency switches, and the charset used
    /// when the `Content-Type` names none (default: [`DecodeOptions::default`]). Its
    /// `ignore_unknown_headers` processes messages with a `mustUnderstand="1"` header entry
    /// this side does not understand, as GenieACS does, instead of answering a
    /// `MustUnderstand` fault (SOAP 1.1 §4.2.3).
    #[cfg_attr(feature = "serde", serde(default))]
    pub decode: DecodeOptions,
    /// What a response with another request's `cwmp:ID` does (default: rejected).
    #[cfg_attr(feature = "serde", serde(default))]
    pub response_id_policy: ResponseIdPolicy,
    /// The HTTP status of every response whose body is a SOAP Fault (default: `200`, what
    /// deployed ACSs send; see [`FaultStatus`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub fault_status: FaultStatus,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            versions: CwmpVersion::ALL.to_vec(),
            session_timeout: Duration::from_secs(60),
            auto_answer_cpe_requests: false,
            max_queued_requests: 1024,
            decode: DecodeOptions::default(),
            response_id_policy: ResponseIdPolicy::default(),
            fault_status: FaultStatus::default(),
        }
    }
}

/// The HTTP status under which the ACS sends a SOAP Fault: the fault answering a CPE request
/// it refuses or the application faults (8000, 8002, 8005, …), the 8006 answering an Inform
/// in no common version, a `MustUnderstand` fault.
///
/// TR-069 does not say which status a fault goes under. The SOAP 1.1 HTTP binding (SOAP 1.1
/// §6.2) sends a response carrying a Fault with `500 Internal Server Error`; GenieACS and the
/// ACSs deployed in the field send `200`, and CPEs read the envelope under either. Responses
/// without a fault (InformResponse, requests, responses to CPE requests) always go under
/// `200`, the protocol violations this ACS refuses without an envelope under `400`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FaultStatus {
    /// `200 OK`, as GenieACS and deployed ACSs send faults (the default).
    #[default]
    Ok200,
    /// `500 Internal Server Error`, as the SOAP 1.1 HTTP binding sends faults (§6.2).
    InternalServerError500,
}

impl FaultStatus {
    /// The status code.
    pub fn code(self) -> u16 {
        match self {
            Self::Ok200 => 200,
            Self::InternalServerError500 => 500,
        }
    }
}
