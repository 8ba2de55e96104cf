//! Time: Periodic Inform, Heartbeat, ScheduleInform, retry wait and notification throttle.

use core::time::Duration;
use std::time::Instant;

use cwmp_types::{EventCode, EventStruct};

use super::{CpeSession, Event, Failure, Output, SessionKind, Step};
use crate::RetryPolicy;
use crate::schedule::{HeartbeatPolicy, PeriodicInform, phase_of, until_next};

impl CpeSession {
    /// Applies `PeriodicInformEnable/Interval/Time` as set by the ACS (or restored from
    /// storage after the ACS set them). Replaces the fallback interval for good. `unix_now`
    /// is the wall clock (seconds since the Unix epoch) at `now`, for the phase.
    pub fn set_periodic_inform(&mut self, now: Instant, unix_now: i64, settings: PeriodicInform) {
        self.advance(now);
        self.periodic = Some(settings);
        self.periodic_next = settings.enable().then(|| {
            later(
                now,
                until_next(
                    unix_now,
                    phase_of(&settings.time()),
                    settings.interval(),
                    self.rng.next_u64(),
                ),
            )
        });
        self.check_due();
    }

    /// Applies `HeartbeatPolicy` (Annex O): `14 HEARTBEAT` sessions at
    /// `InitiationTime + k·ReportingInterval`.
    pub fn set_heartbeat(&mut self, now: Instant, unix_now: i64, policy: HeartbeatPolicy) {
        self.advance(now);
        self.heartbeat = Some(policy);
        self.heartbeat_due = false;
        self.heartbeat_next = policy.enable().then(|| {
            later(
                now,
                until_next(
                    unix_now,
                    phase_of(&policy.initiation_time()),
                    policy.reporting_interval(),
                    self.rng.next_u64(),
                ),
            )
        });
        self.check_due();
    }

    /// Applies new `CWMPRetryMinimumWaitInterval`/`CWMPRetryIntervalMultiplier` values (used
    /// from the next failure on).
    pub fn set_retry_policy(&mut self, policy: RetryPolicy) {
        self.config.retry_policy = policy;
    }

    /// Applies a new `DefaultActiveNotificationThrottle`: the least time since the last
    /// successful session before a session opened only for `4 VALUE CHANGE`.
    pub fn set_active_notification_throttle(&mut self, throttle: Duration) {
        self.config.active_notification_throttle = throttle;
    }

    /// When to call `handle_input(Input::Timeout(..))` next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let mut t: Option<Instant> = None;
        let mut min = |x: Option<Instant>| {
            if let Some(x) = x {
                t = Some(t.map_or(x, |t| t.min(x)));
            }
        };
        if let Some(a) = &self.active {
            if let Step::AwaitingHttp { deadline } = a.step {
                min(Some(deadline));
            }
        } else if self.announced.is_none() && self.session_wanted {
            min(self.retry_at);
            min(self.throttle_until());
        }
        min(self.periodic_next);
        min(self.heartbeat_next);
        min(self.scheduled.iter().map(|(t, _)| *t).min());
        t
    }

    pub(super) fn want(&mut self, value_change: bool) {
        if !self.session_wanted {
            self.value_change_only = value_change;
        } else if !value_change {
            self.value_change_only = false;
        }
        self.session_wanted = true;
    }

    pub(super) fn throttle_until(&self) -> Option<Instant> {
        if !self.value_change_only || self.config.active_notification_throttle.is_zero() {
            return None;
        }
        let t = later(self.last_success?, self.config.active_notification_throttle);
        (t > self.now).then_some(t)
    }

    pub(super) fn on_timers(&mut self) {
        let now = self.now;
        if let Some(a) = &self.active {
            if let Step::AwaitingHttp { deadline } = a.step {
                if now >= deadline {
                    self.fail(Failure::Timeout);
                }
            }
        }
        if let Some(t) = self.periodic_next {
            if now >= t {
                let interval = match self.periodic {
                    Some(p) => Duration::from_secs(u64::from(p.interval())),
                    None => self
                        .config
                        .fallback_periodic_interval
                        .unwrap_or(Duration::from_secs(900)),
                };
                self.periodic_next = Some(next_tick(t, interval, now));
                // A single code: cannot fill the queue when already present.
                if self
                    .queue
                    .push(EventStruct::new(EventCode::Periodic))
                    .is_ok()
                {
                    self.want(false);
                }
            }
        }
        if let (Some(t), Some(p)) = (self.heartbeat_next, self.heartbeat) {
            if now >= t {
                let interval = Duration::from_secs(u64::from(p.reporting_interval()));
                self.heartbeat_next = Some(next_tick(t, interval, now));
                self.heartbeat_due = true;
            }
        }
        let mut fired = Vec::new();
        self.scheduled.retain(|(t, key)| {
            if now >= *t {
                fired.push(key.clone());
                false
            } else {
                true
            }
        });
        for key in fired {
            let a = self.queue.push(EventStruct::new(EventCode::Scheduled));
            let b = self.queue.push_echo(EventStruct::with_command_key(
                EventCode::m_schedule_inform(),
                key,
            ));
            if a.is_ok() || b.is_ok() {
                self.want(false);
            }
        }
    }

    pub(super) fn check_due(&mut self) {
        if self.active.is_some() || self.announced.is_some() {
            return;
        }
        let regular = self.session_wanted
            && self.retry_at.is_none_or(|t| self.now >= t)
            && self.throttle_until().is_none();
        let kind = if regular {
            SessionKind::Regular
        } else if self.heartbeat_due {
            SessionKind::Heartbeat
        } else {
            return;
        };
        self.announced = Some(kind);
        self.outputs
            .push_back(Output::Event(Event::InformDue { kind }));
    }
}

/// `t + d`, saturating at about a century ahead (an `Instant` cannot represent more
/// everywhere).
pub(super) fn later(t: Instant, d: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 86_400);
    t.checked_add(d.min(CENTURY)).unwrap_or(t)
}

/// The first `start + k·interval` (k ≥ 1) after `now`, for a timer that fired at `start`.
pub(super) fn next_tick(start: Instant, interval: Duration, now: Instant) -> Instant {
    let interval = interval.max(Duration::from_secs(1));
    let behind = now.saturating_duration_since(start);
    let k = behind.as_nanos() / interval.as_nanos() + 1;
    let k = u32::try_from(k).unwrap_or(u32::MAX);
    later(start, interval.saturating_mul(k))
}
