//! The glue to `cwmp-session`'s [`CpeSession`] (feature `session`).

use std::time::{Duration, Instant};

use cwmp_session::cpe::Event;
use cwmp_session::{CpeSession, HeartbeatPolicy, PeriodicInform, Reply, RetryPolicy, SessionError};
use cwmp_types::{CwmpVersion, DateTime, EventCode, EventStruct, Request, parse_bool};

use crate::model::DataModel;

/// Which ManagementServer settings the ACS changed in one request; the ones the session
/// owns are applied to it already, the others are for the application's transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Effects {
    /// `URL` (applied: `0 BOOTSTRAP` is queued for the new ACS).
    pub acs_url: bool,
    /// `PeriodicInformEnable/Interval/Time` (applied).
    pub periodic_inform: bool,
    /// `CWMPRetryMinimumWaitInterval`/`CWMPRetryIntervalMultiplier` (applied).
    pub retry_policy: bool,
    /// `DefaultActiveNotificationThrottle` (applied).
    pub throttle: bool,
    /// `HeartbeatPolicy.*` (applied).
    pub heartbeat: bool,
    /// `Username`/`Password`: the HTTP client's credentials for the ACS (the transport's).
    pub acs_credentials: bool,
    /// `ConnectionRequestUsername`/`Password`: the Connection Request server's (the
    /// transport's).
    pub connection_request_credentials: bool,
}

impl Effects {
    /// Every setting (to apply everything at start-up).
    pub fn all() -> Self {
        Self {
            acs_url: true,
            periodic_inform: true,
            retry_policy: true,
            throttle: true,
            heartbeat: true,
            acs_credentials: true,
            connection_request_credentials: true,
        }
    }

    /// Every setting but the URL: what to apply at start-up, when the URL is already in the
    /// session's `Config` (applying it again would queue `0 BOOTSTRAP`).
    pub fn startup() -> Self {
        Self {
            acs_url: false,
            ..Self::all()
        }
    }

    /// Whether anything changed.
    pub fn any(&self) -> bool {
        *self != Self::default()
    }

    fn note(&mut self, leaf: &str) {
        match leaf {
            "URL" => self.acs_url = true,
            "PeriodicInformEnable" | "PeriodicInformInterval" | "PeriodicInformTime" => {
                self.periodic_inform = true;
            }
            "CWMPRetryMinimumWaitInterval" | "CWMPRetryIntervalMultiplier" => {
                self.retry_policy = true;
            }
            "DefaultActiveNotificationThrottle" => self.throttle = true,
            "Username" | "Password" => self.acs_credentials = true,
            "ConnectionRequestUsername" | "ConnectionRequestPassword" => {
                self.connection_request_credentials = true;
            }
            l if l.starts_with("HeartbeatPolicy.") => self.heartbeat = true,
            _ => {}
        }
    }
}

/// The ManagementServer values a CPE's session and transport run on, read from the tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ManagementServerState {
    /// `URL`
    pub url: String,
    /// `Username`
    pub username: String,
    /// `Password`
    pub password: String,
    /// `ConnectionRequestUsername`
    pub connection_request_username: String,
    /// `ConnectionRequestPassword`
    pub connection_request_password: String,
    /// `PeriodicInformEnable`, `PeriodicInformInterval`, `PeriodicInformTime`, when valid.
    pub periodic_inform: Option<PeriodicInform>,
    /// The retry policy, when both parameters are valid.
    pub retry_policy: Option<RetryPolicy>,
    /// `DefaultActiveNotificationThrottle` in seconds.
    pub throttle: Duration,
    /// `HeartbeatPolicy`, when the tree has it and it is valid.
    pub heartbeat: Option<HeartbeatPolicy>,
}

impl DataModel {
    fn ms(&self, leaf: &str) -> Option<String> {
        self.get(&format!("{}ManagementServer.{leaf}", self.schema.root()))
            .map(|v| v.text)
    }

    fn ms_u32(&self, leaf: &str) -> Option<u32> {
        self.ms(leaf).and_then(|t| t.trim().parse().ok())
    }

    fn ms_time(&self, leaf: &str) -> DateTime {
        self.ms(leaf)
            .and_then(|t| cwmp_types::DateTimeField::parse(&t).valid())
            .unwrap_or(DateTime::UNKNOWN)
    }

    fn ms_bool(&self, leaf: &str) -> Option<bool> {
        self.ms(leaf).and_then(|t| parse_bool(&t).ok())
    }

    /// The ManagementServer values as the session and transport need them.
    pub fn management_server(&self) -> ManagementServerState {
        let periodic = match (
            self.ms_bool("PeriodicInformEnable"),
            self.ms_u32("PeriodicInformInterval"),
        ) {
            (Some(e), Some(i)) => {
                PeriodicInform::new(e, i, self.ms_time("PeriodicInformTime")).ok()
            }
            _ => None,
        };
        let retry = match (
            self.ms_u32("CWMPRetryMinimumWaitInterval"),
            self.ms_u32("CWMPRetryIntervalMultiplier"),
        ) {
            (Some(m), Some(x)) => RetryPolicy::new(m, x).ok(),
            _ => None,
        };
        let heartbeat = match (
            self.ms_bool("HeartbeatPolicy.Enable"),
            self.ms_u32("HeartbeatPolicy.ReportingInterval"),
        ) {
            (Some(e), Some(i)) => {
                HeartbeatPolicy::new(e, i, self.ms_time("HeartbeatPolicy.InitiationTime")).ok()
            }
            _ => None,
        };
        ManagementServerState {
            url: self.ms("URL").unwrap_or_default(),
            username: self.ms("Username").unwrap_or_default(),
            password: self.ms("Password").unwrap_or_default(),
            connection_request_username: self.ms("ConnectionRequestUsername").unwrap_or_default(),
            connection_request_password: self.ms("ConnectionRequestPassword").unwrap_or_default(),
            periodic_inform: periodic,
            retry_policy: retry,
            throttle: Duration::from_secs(
                self.ms_u32("DefaultActiveNotificationThrottle")
                    .unwrap_or(0)
                    .into(),
            ),
            heartbeat,
        }
    }

    /// Applies the ManagementServer settings `what` names to the session: periodic inform,
    /// retry policy, throttle, heartbeat, and the ACS URL (a new URL queues `0 BOOTSTRAP`,
    /// so at start-up pass an `Effects` without `acs_url` and put the URL in the session's
    /// `Config`). `unix_now` is the wall clock at `now` (seconds since the Unix epoch).
    /// Give `PeriodicInformEnable` and `PeriodicInformInterval` your factory defaults first:
    /// TR-181 defines none, and a disabled periodic inform replaces the session's fallback.
    pub fn apply_management_server(
        &self,
        cpe: &mut CpeSession,
        now: Instant,
        unix_now: i64,
        what: Effects,
    ) -> Result<(), SessionError> {
        let ms = self.management_server();
        if what.periodic_inform {
            if let Some(p) = ms.periodic_inform {
                cpe.set_periodic_inform(now, unix_now, p);
            }
        }
        if what.retry_policy {
            if let Some(r) = ms.retry_policy {
                cpe.set_retry_policy(r);
            }
        }
        if what.throttle {
            cpe.set_active_notification_throttle(ms.throttle);
        }
        if what.heartbeat {
            if let Some(h) = ms.heartbeat {
                cpe.set_heartbeat(now, unix_now, h);
            }
        }
        if what.acs_url && !ms.url.is_empty() && cpe.config().acs_url != ms.url {
            cpe.set_acs_url(now, ms.url)?;
        }
        Ok(())
    }

    /// Answers a request `CpeSession` handed out ([`cwmp_session::cpe::Event::AcsRequest`])
    /// if it is a parameter RPC, with the [`Reply`] for [`CpeSession::respond`]; ManagementServer
    /// parameters the ACS set take effect on the session at once (the [`Effects`] say which,
    /// and which the transport must pick up: credentials). `None` for other methods.
    pub fn answer_session(
        &mut self,
        cpe: &mut CpeSession,
        now: Instant,
        unix_now: i64,
        request: &Request,
    ) -> Option<(Reply, Effects)> {
        let mut effects = Effects::default();
        let reply = match request {
            Request::SetParameterValues(r) => match self.set_values_inner(r) {
                Ok(outcome) => {
                    let prefix = format!("{}ManagementServer.", self.schema.root());
                    for path in &outcome.changed {
                        if let Some(leaf) = path.strip_prefix(prefix.as_str()) {
                            effects.note(leaf);
                        }
                    }
                    Reply::response(outcome.response)
                }
                Err(f) => Reply::Fault(f),
            },
            other => match self.answer(other)? {
                Ok(r) => Reply::Response(r),
                Err(f) => Reply::Fault(f),
            },
        };
        if effects.any() {
            // A setting the session refuses was refused by the schema's ranges already.
            let _ = self.apply_management_server(cpe, now, unix_now, effects);
        }
        Some((reply, effects))
    }

    /// Tells the session about value changes (TR-069 Amendment 6, §3.2.1): queues
    /// `4 VALUE CHANGE`, opening a session for an active change (the session holds it back
    /// until DefaultActiveNotificationThrottle has passed since the last session), or riding
    /// with the next session for passive ones. Call it after [`DataModel::changed`] or
    /// [`DataModel::set`], and before each [`DataModel::inform_parameters`].
    pub fn notify_session(
        &mut self,
        cpe: &mut CpeSession,
        now: Instant,
    ) -> Result<(), SessionError> {
        if let Some(ev) = self.take_value_change() {
            if let Err(e) =
                cpe.queue_event(now, EventStruct::new(EventCode::ValueChange), ev.trigger)
            {
                // Keep it for the next attempt.
                self.notify.untold = Some(ev.trigger);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Follows the session's events: when the ACS accepts the Inform
    /// ([`Event::SessionEstablished`]) the changes it carried are delivered, and Alias-based
    /// addressing is on for CWMP 1.3 and later when `ManagementServer.AliasBasedAddressing`
    /// is true (TR-069 Amendment 6, §3.6.1).
    pub fn on_session_event(&mut self, event: &Event) {
        if let Event::SessionEstablished { version } = event {
            self.inform_delivered();
            let supported = self.ms_bool("AliasBasedAddressing").unwrap_or(false);
            self.set_alias_addressing(supported && *version >= CwmpVersion::V1_3);
        }
    }
}
