//! The CPE's settings ([`Config`]) and what it puts in each Inform ([`InformArgs`]).

use core::time::Duration;

use cwmp_soap::DecodeOptions;
use cwmp_types::{CwmpVersion, DateTime, DeviceIdStruct, ParameterValueStruct};

use crate::RetryPolicy;
use crate::connreq::Credentials;
#[cfg(doc)]
use crate::http::HttpRequest;

#[cfg(doc)]
use super::CpeSession;

/// CPE settings. Build with [`Config::new`] and adjust the public fields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Config {
    /// The Inform's `DeviceId`.
    pub device_id: DeviceIdStruct,
    /// `ManagementServer.URL`.
    pub acs_url: String,
    /// The CWMP versions this CPE supports (default: 1.0–1.4). The Inform uses the
    /// highest; with 1.4 it also carries `SupportedCWMPVersions`.
    pub versions: Vec<CwmpVersion>,
    /// The Session Retry Policy (`CWMPRetryMinimumWaitInterval`, `CWMPRetryIntervalMultiplier`).
    pub retry_policy: RetryPolicy,
    /// How long to wait for each HTTP response before the session fails (TR-069: at least
    /// 30 s; default 30 s).
    pub response_timeout: Duration,
    /// The Periodic Inform interval used until the ACS configures Periodic Inform through
    /// [`CpeSession::set_periodic_inform`] (default 15 minutes; `None` disables it). Without
    /// it a device that missed its first provisioning stays out of contact until power-cycled.
    pub fallback_periodic_interval: Option<Duration>,
    /// Redirects followed per session (default 5).
    pub max_redirects: u32,
    /// Consecutive `401`s accepted for one message before the session fails (default 2:
    /// the challenge, then one answer with credentials). A `stale=true` renewal of the nonce
    /// does not count.
    pub max_auth_attempts: u32,
    /// `ManagementServer.Username` and `.Password` (default `None`). With them the machine
    /// answers the ACS's `401` challenges itself and fills [`HttpRequest::authorization`];
    /// without them the transport adds `Authorization`. [`CpeSession::set_credentials`]
    /// changes them on a running machine (when the ACS sets them).
    pub credentials: Option<Credentials>,
    /// Answer the last session's digest challenge on the first POST of the next session to
    /// the same URL, with the next nonce count (RFC 7616 §3.4 lets a client reuse a nonce),
    /// instead of waiting for a new `401` (default `false`). Saves one HTTP exchange per
    /// session while the ACS keeps the nonce valid; when it refuses, the machine answers the
    /// new challenge and that refusal does not count against `max_auth_attempts`.
    pub preemptive_auth: bool,
    /// How often one CPE request is resent in a session after fault 8005 (default 4).
    pub max_request_retries: u32,
    /// `cwmp:SessionTimeout` (seconds) sent in the Inform header when the session version is
    /// 1.3 or later (default `None`: not sent).
    pub session_timeout: Option<u32>,
    /// `DefaultActiveNotificationThrottle`: the least time since the last successful session
    /// before a session opened only for `4 VALUE CHANGE` (default zero).
    pub active_notification_throttle: Duration,
    /// How the ACS's bodies are decoded: limits, leniency switches, and the charset used
    /// when the `Content-Type` names none (default: [`DecodeOptions::default`]). Its
    /// `ignore_unknown_headers` processes messages with a `mustUnderstand="1"` header entry
    /// this side does not understand, as GenieACS does, instead of answering a
    /// `MustUnderstand` fault (SOAP 1.1 §4.2.3).
    #[cfg_attr(feature = "serde", serde(default))]
    pub decode: DecodeOptions,
    /// Seed of the internal PRNG (SplitMix64) that picks retry waits within the spec's window
    /// and the phase of Unknown-Time schedules. Give each device a different seed (e.g. from
    /// its serial number and a hardware random number) so a fleet does not retry in lockstep.
    pub seed: u64,
}

impl Config {
    /// Defaults for a device and its ACS URL.
    pub fn new(device_id: DeviceIdStruct, acs_url: impl Into<String>) -> Self {
        Self {
            device_id,
            acs_url: acs_url.into(),
            versions: CwmpVersion::ALL.to_vec(),
            retry_policy: RetryPolicy::default(),
            response_timeout: Duration::from_secs(30),
            fallback_periodic_interval: Some(Duration::from_secs(15 * 60)),
            max_redirects: 5,
            max_auth_attempts: 2,
            credentials: None,
            preemptive_auth: false,
            max_request_retries: 4,
            session_timeout: None,
            active_notification_throttle: Duration::ZERO,
            decode: DecodeOptions::default(),
            seed: 0,
        }
    }
}

/// What the application passes to start a session: the Inform's dynamic parts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InformArgs {
    /// `CurrentTime` (the Unknown Time if the device has no clock yet).
    pub current_time: DateTime,
    /// `ParameterList`: the forced-inform parameters and every changed parameter with
    /// Notification 1 or 2.
    pub parameter_list: Vec<ParameterValueStruct>,
}

impl InformArgs {
    /// Args with a time and a parameter list.
    pub fn new(current_time: DateTime, parameter_list: Vec<ParameterValueStruct>) -> Self {
        Self {
            current_time,
            parameter_list,
        }
    }
}
