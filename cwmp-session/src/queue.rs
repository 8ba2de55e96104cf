//! The CPE's event queue: undelivered Inform events and the CPE requests that must follow
//! them, with the retention rules of TR-069 (TR-069 Amendment 6, §3.7.1.5 and Table 7).
//!
//! # Rules implemented
//!
//! | rule | behaviour |
//! |---|---|
//! | Single vs Multiple | a standard numbered code (and a vendor `X` code) is queued at most once; every `M …` event is queued per occurrence with its CommandKey |
//! | delivery | an event is delivered when an `InformResponse` arrives for an Inform that carried it; until then it stays queued, whatever happens to the session |
//! | re-occurrence during a session | a Single event that occurs again after the Inform was sent stays queued for the next session |
//! | follow-up RPCs | `7 TRANSFER COMPLETE` + `M Download`/`M Upload`/`M ScheduleDownload`, `10`, `11` + `M ChangeDUState`, `12`, `9`, `5` are not stored as events but derived from the queued [`CpeRequest`]s, so they are reported in every Inform until the ACS acknowledges the request |
//! | `0 BOOTSTRAP` | discards everything queued for the previous ACS (events and requests) except `1 BOOT` |
//! | reboot ([`EventQueue::on_reboot`]) | drops `1 BOOT`, `2 PERIODIC`, `4 VALUE CHANGE`, `6 CONNECTION REQUEST`, `8 DIAGNOSTICS COMPLETE`, `13 WAKEUP`, `14 HEARTBEAT`; keeps everything else (`0 BOOTSTRAP`, `3 SCHEDULED` + `M ScheduleInform`, `M Reboot`, vendor events, every queued request with its events) and the retry count; then queues a fresh `1 BOOT` |
//! | factory reset ([`EventQueue::on_factory_reset`]) | clears everything, then queues `0 BOOTSTRAP` and `1 BOOT` |
//!
//! Choices for the spec's uncertain cells: `3 SCHEDULED` and `9 REQUEST DOWNLOAD` survive a
//! reboot (the ACS asked for the first; the second is bound to its pending request);
//! `4 VALUE CHANGE` and `8 DIAGNOSTICS COMPLETE` do not (values and diagnostic results are
//! re-read after a boot; the application queues a new event if it still applies);
//! `13 WAKEUP` does not (a boot is not a wake-up); vendor `X` events do (the vendor decides).
//!
//! The queue is `serde`-serializable (feature `serde`) so firmware can persist it across
//! reboots; it also carries the session retry count, which the spec keeps across reboots.

use cwmp_types::{
    AutonomousDuStateChangeComplete, AutonomousTransferComplete, Body, DuStateChangeComplete,
    Envelope, EventCode, EventStruct, Inform, Kicked, Request, RequestDownload, TransferComplete,
    Validate,
};

use crate::{Limit, RpcHandle, SessionError};

/// Most free events (not derived from requests) the queue holds.
pub const MAX_QUEUED_EVENTS: usize = 256;
/// Most CPE requests the queue holds.
pub const MAX_QUEUED_REQUESTS: usize = 64;
/// Most events in one Inform (cwmp XSD: `EventStruct` array of at most 64).
pub const MAX_INFORM_EVENTS: usize = 64;

/// Which ACS request a `TransferComplete` reports on (decides its `M …` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum TransferKind {
    /// A `Download` (`M Download`).
    Download,
    /// An `Upload` (`M Upload`).
    Upload,
    /// A `ScheduleDownload` (`M ScheduleDownload`).
    ScheduleDownload,
}

impl TransferKind {
    /// The method name of the `M …` event.
    pub const fn method_name(self) -> &'static str {
        match self {
            Self::Download => "Download",
            Self::Upload => "Upload",
            Self::ScheduleDownload => "ScheduleDownload",
        }
    }
}

/// A request the CPE sends to the ACS after the InformResponse (TR-069 Annex A.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CpeRequest {
    /// `TransferComplete`, reported with `7 TRANSFER COMPLETE` and `M <kind>` (its CommandKey).
    TransferComplete {
        /// Which ACS request started the transfer.
        kind: TransferKind,
        /// The report.
        body: TransferComplete,
    },
    /// `AutonomousTransferComplete`, reported with `10 AUTONOMOUS TRANSFER COMPLETE`.
    AutonomousTransferComplete(AutonomousTransferComplete),
    /// `DUStateChangeComplete`, reported with `11 DU STATE CHANGE COMPLETE` and
    /// `M ChangeDUState` (its CommandKey).
    DuStateChangeComplete(DuStateChangeComplete),
    /// `AutonomousDUStateChangeComplete`, reported with `12 AUTONOMOUS DU STATE CHANGE COMPLETE`.
    AutonomousDuStateChangeComplete(AutonomousDuStateChangeComplete),
    /// `RequestDownload`, reported with `9 REQUEST DOWNLOAD`.
    RequestDownload(RequestDownload),
    /// `GetRPCMethods` (no event; rides along with the next session).
    GetRpcMethods,
    /// `Kicked` (deprecated), reported with `5 KICKED`.
    Kicked(Kicked),
}

impl CpeRequest {
    /// The wire method name.
    pub const fn method_name(&self) -> &'static str {
        match self {
            Self::TransferComplete { .. } => "TransferComplete",
            Self::AutonomousTransferComplete(_) => "AutonomousTransferComplete",
            Self::DuStateChangeComplete(_) => "DUStateChangeComplete",
            Self::AutonomousDuStateChangeComplete(_) => "AutonomousDUStateChangeComplete",
            Self::RequestDownload(_) => "RequestDownload",
            Self::GetRpcMethods => "GetRPCMethods",
            Self::Kicked(_) => "Kicked",
        }
    }

    /// The RPC request sent on the wire.
    pub fn to_request(&self) -> Request {
        match self {
            Self::TransferComplete { body, .. } => Request::TransferComplete(body.clone()),
            Self::AutonomousTransferComplete(r) => Request::AutonomousTransferComplete(r.clone()),
            Self::DuStateChangeComplete(r) => Request::DuStateChangeComplete(r.clone()),
            Self::AutonomousDuStateChangeComplete(r) => {
                Request::AutonomousDuStateChangeComplete(r.clone())
            }
            Self::RequestDownload(r) => Request::RequestDownload(r.clone()),
            Self::GetRpcMethods => Request::GetRpcMethods(Default::default()),
            Self::Kicked(r) => Request::Kicked(r.clone()),
        }
    }

    /// The Inform events that must accompany this request (empty for `GetRPCMethods`).
    pub fn events(&self) -> Vec<EventStruct> {
        match self {
            Self::TransferComplete { kind, body } => vec![
                EventStruct::new(EventCode::TransferComplete),
                EventStruct::with_command_key(
                    EventCode::Method(kind.method_name().to_owned()),
                    body.command_key.clone(),
                ),
            ],
            Self::AutonomousTransferComplete(_) => {
                vec![EventStruct::new(EventCode::AutonomousTransferComplete)]
            }
            Self::DuStateChangeComplete(r) => vec![
                EventStruct::new(EventCode::DuStateChangeComplete),
                EventStruct::with_command_key(
                    EventCode::m_change_du_state(),
                    r.command_key.clone(),
                ),
            ],
            Self::AutonomousDuStateChangeComplete(_) => {
                vec![EventStruct::new(EventCode::AutonomousDuStateChangeComplete)]
            }
            Self::RequestDownload(_) => vec![EventStruct::new(EventCode::RequestDownload)],
            Self::GetRpcMethods => Vec::new(),
            Self::Kicked(_) => vec![EventStruct::new(EventCode::Kicked)],
        }
    }
}

/// A queued CPE request and its handle.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PendingRequest {
    /// The handle returned when it was queued (reported again on acknowledgement).
    pub handle: RpcHandle,
    /// The request.
    pub request: CpeRequest,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct QueuedEvent {
    event: EventStruct,
    /// Bumped on every occurrence; delivery removes only the occurrence that was sent.
    seq: u64,
}

/// What one Inform carries: its events, and which queue entries they stand for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) events: Vec<EventStruct>,
    /// `(index-free)` sequence numbers of the free events included.
    pub(crate) seqs: Vec<u64>,
    /// Requests whose events are all in the Inform, in queue order.
    pub(crate) requests: Vec<RpcHandle>,
}

/// Undelivered events, pending CPE requests and the session retry count (see the module
/// docs for the rules). Persist it (feature `serde`) whenever it changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EventQueue {
    events: Vec<QueuedEvent>,
    requests: Vec<PendingRequest>,
    retry_count: u32,
    next_seq: u64,
    next_handle: u64,
}

fn rank(code: &EventCode) -> u32 {
    match code {
        EventCode::Method(_) => 100,
        EventCode::Vendor(_) => 101,
        EventCode::Other(_) => 102,
        c => u32::from(c.number().unwrap_or(99)),
    }
}

impl EventQueue {
    /// An empty queue with retry count 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// A queue holding `0 BOOTSTRAP` and `1 BOOT`: the first start after installation.
    pub fn bootstrap() -> Self {
        let mut q = Self::new();
        q.on_factory_reset();
        q
    }

    /// Queues an event with the retention rules (Single codes once, `M …` per occurrence,
    /// `0 BOOTSTRAP` discarding what was queued for the previous ACS except `1 BOOT`).
    /// Events that belong to a request (`7`, `M Download`, …) may also be queued directly;
    /// they are then delivered like any other event.
    ///
    /// The event is checked against the spec's limits first (a `CommandKey` of at most 32
    /// characters, a valid event code): [`SessionError::Validation`] if it breaks one.
    pub fn push(&mut self, event: EventStruct) -> Result<(), SessionError> {
        event.validate()?;
        self.push_echo(event)
    }

    /// [`push`](Self::push) without the spec's limits, for events that echo what the ACS
    /// sent (the CommandKey of a Reboot or ScheduleInform): the ACS must get back what it
    /// chose, even when it broke a limit. The text must still be encodable.
    pub(crate) fn push_echo(&mut self, event: EventStruct) -> Result<(), SessionError> {
        let mut probe = Inform::default();
        probe.event.push(event.clone());
        encodable(Request::Inform(probe))?;
        let seq = self.bump_seq();
        if event.event_code == EventCode::Bootstrap {
            self.events
                .retain(|e| e.event.event_code == EventCode::Boot);
            self.requests.clear();
        }
        if event.event_code.is_single() {
            if let Some(e) = self
                .events
                .iter_mut()
                .find(|e| e.event.event_code == event.event_code)
            {
                e.seq = seq;
                return Ok(());
            }
        }
        if self.events.len() >= MAX_QUEUED_EVENTS {
            return Err(Limit::EventQueueFull.into());
        }
        self.events.push(QueuedEvent { event, seq });
        Ok(())
    }

    /// Queues a CPE request; its events are reported in every Inform until the ACS
    /// acknowledges it.
    ///
    /// The request is checked against the spec's limits first ([`SessionError::Validation`]).
    pub fn push_request(&mut self, request: CpeRequest) -> Result<RpcHandle, SessionError> {
        if self.requests.len() >= MAX_QUEUED_REQUESTS {
            return Err(Limit::RequestQueueFull.into());
        }
        let wire = request.to_request();
        wire.validate()?;
        encodable(wire)?;
        let handle = RpcHandle::queue(self.next_handle);
        self.next_handle += 1;
        self.requests.push(PendingRequest { handle, request });
        Ok(handle)
    }

    /// The free (not request-bound) events, oldest first.
    pub fn events(&self) -> impl Iterator<Item = &EventStruct> + '_ {
        self.events.iter().map(|e| &e.event)
    }

    /// The pending CPE requests, oldest first.
    pub fn requests(&self) -> &[PendingRequest] {
        &self.requests
    }

    /// Whether the queue has an event with this code (free or derived from a request).
    pub fn contains(&self, code: &EventCode) -> bool {
        self.events().any(|e| &e.event_code == code)
            || self
                .requests
                .iter()
                .any(|r| r.request.events().iter().any(|e| &e.event_code == code))
    }

    /// The events the next Inform will carry (at most 64: `0 BOOTSTRAP`, `1 BOOT` and the
    /// other numbered codes first, then `M …` and vendor events in queue order).
    pub fn inform_events(&self) -> Vec<EventStruct> {
        self.snapshot().events
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.requests.is_empty()
    }

    /// The session retry count (the Inform's `RetryCount`).
    pub fn retry_count(&self) -> u32 {
        self.retry_count
    }

    /// Applies a reboot (see the module docs): drops the events a boot makes meaningless,
    /// keeps the rest, keeps the retry count, and queues `1 BOOT`.
    pub fn on_reboot(&mut self) {
        self.events.retain(|e| {
            !matches!(
                e.event.event_code,
                EventCode::Boot
                    | EventCode::Periodic
                    | EventCode::ValueChange
                    | EventCode::ConnectionRequest
                    | EventCode::DiagnosticsComplete
                    | EventCode::Wakeup
                    | EventCode::Heartbeat
            )
        });
        // Cannot fail: a Single code is always accepted after the retain above removed it,
        // unless the queue is full of M events, in which case the boot is still recorded by
        // replacing the oldest entry.
        if self.push_echo(EventStruct::new(EventCode::Boot)).is_err() {
            self.events.remove(0);
            let seq = self.bump_seq();
            self.events.push(QueuedEvent {
                event: EventStruct::new(EventCode::Boot),
                seq,
            });
        }
    }

    /// Applies a factory reset: everything is forgotten, then `0 BOOTSTRAP` and `1 BOOT`
    /// are queued and the retry count is 0.
    pub fn on_factory_reset(&mut self) {
        self.events.clear();
        self.requests.clear();
        self.retry_count = 0;
        let s1 = self.bump_seq();
        let s2 = self.bump_seq();
        self.events.push(QueuedEvent {
            event: EventStruct::new(EventCode::Bootstrap),
            seq: s1,
        });
        self.events.push(QueuedEvent {
            event: EventStruct::new(EventCode::Boot),
            seq: s2,
        });
    }

    fn bump_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub(crate) fn set_retry_count(&mut self, n: u32) {
        self.retry_count = n;
    }

    /// The Inform's events and what they stand for.
    pub(crate) fn snapshot(&self) -> Snapshot {
        let mut free: Vec<&QueuedEvent> = self.events.iter().collect();
        free.sort_by_key(|e| rank(&e.event.event_code)); // stable: queue order within a rank
        let mut events: Vec<(EventStruct, Option<u64>)> = Vec::new();
        for e in free {
            events.push((e.event.clone(), Some(e.seq)));
        }
        for r in &self.requests {
            for ev in r.request.events() {
                let dup = ev.event_code.is_single()
                    && events.iter().any(|(e, _)| e.event_code == ev.event_code);
                if !dup {
                    events.push((ev, None));
                }
            }
        }
        events.sort_by_key(|(e, _)| rank(&e.event_code));
        events.truncate(MAX_INFORM_EVENTS);
        let requests = self
            .requests
            .iter()
            .filter(|r| {
                r.request.events().iter().all(|ev| {
                    events.iter().any(|(e, _)| {
                        e.event_code == ev.event_code
                            && (ev.event_code.is_single() || e.command_key == ev.command_key)
                    })
                })
            })
            .map(|r| r.handle)
            .collect();
        Snapshot {
            seqs: events.iter().filter_map(|(_, s)| *s).collect(),
            events: events.into_iter().map(|(e, _)| e).collect(),
            requests,
        }
    }

    /// The InformResponse arrived: the free events of the snapshot are delivered.
    pub(crate) fn delivered(&mut self, seqs: &[u64]) {
        self.events.retain(|e| !seqs.contains(&e.seq));
    }

    /// The ACS acknowledged a request: it and its events leave the queue.
    pub(crate) fn acknowledge(&mut self, handle: RpcHandle) -> Option<CpeRequest> {
        let i = self.requests.iter().position(|r| r.handle == handle)?;
        Some(self.requests.remove(i).request)
    }

    pub(crate) fn request(&self, handle: RpcHandle) -> Option<&CpeRequest> {
        self.requests
            .iter()
            .find(|r| r.handle == handle)
            .map(|r| &r.request)
    }
}

/// Refuses what could never be sent (text with characters XML cannot carry), so a queued
/// event or request can never make a later Inform or POST impossible to encode.
fn encodable(body: impl Into<Body>) -> Result<(), SessionError> {
    let mut scratch = Vec::new();
    cwmp_soap::encode(&Envelope::new(body), &mut scratch)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cwmp_types::FaultStruct;

    fn codes(q: &EventQueue) -> Vec<String> {
        q.inform_events()
            .iter()
            .map(|e| {
                if e.command_key.is_empty() {
                    e.event_code.to_string()
                } else {
                    format!("{}/{}", e.event_code, e.command_key)
                }
            })
            .collect()
    }

    fn tc(key: &str) -> CpeRequest {
        CpeRequest::TransferComplete {
            kind: TransferKind::Download,
            body: TransferComplete::new(
                key,
                FaultStruct::success(),
                cwmp_types::DateTime::UNKNOWN,
                cwmp_types::DateTime::UNKNOWN,
            ),
        }
    }

    #[test]
    fn single_codes_once_multiple_per_occurrence() {
        let mut q = EventQueue::new();
        q.push(EventStruct::new(EventCode::Periodic)).unwrap();
        q.push(EventStruct::new(EventCode::Periodic)).unwrap();
        q.push(EventStruct::with_command_key(EventCode::m_reboot(), "a"))
            .unwrap();
        q.push(EventStruct::with_command_key(EventCode::m_reboot(), "b"))
            .unwrap();
        q.push(EventStruct::new(EventCode::Boot)).unwrap();
        assert_eq!(
            codes(&q),
            ["1 BOOT", "2 PERIODIC", "M Reboot/a", "M Reboot/b"]
        );
    }

    #[test]
    fn bootstrap_discards_previous_acs_except_boot() {
        let mut q = EventQueue::new();
        q.push(EventStruct::new(EventCode::Boot)).unwrap();
        q.push(EventStruct::new(EventCode::ValueChange)).unwrap();
        q.push(EventStruct::with_command_key(EventCode::m_reboot(), "a"))
            .unwrap();
        q.push_request(tc("dl")).unwrap();
        q.push(EventStruct::new(EventCode::Bootstrap)).unwrap();
        assert_eq!(codes(&q), ["0 BOOTSTRAP", "1 BOOT"]);
        assert!(q.requests().is_empty());
    }

    #[test]
    fn request_events_derived_until_acknowledged() {
        let mut q = EventQueue::new();
        let h1 = q.push_request(tc("k1")).unwrap();
        let h2 = q.push_request(tc("k2")).unwrap();
        q.push(EventStruct::new(EventCode::Boot)).unwrap();
        assert_eq!(
            codes(&q),
            [
                "1 BOOT",
                "7 TRANSFER COMPLETE",
                "M Download/k1",
                "M Download/k2"
            ]
        );
        let snap = q.snapshot();
        assert_eq!(snap.requests, [h1, h2]);
        q.delivered(&snap.seqs);
        // BOOT delivered, the transfer events stay until the requests are acknowledged.
        assert_eq!(
            codes(&q),
            ["7 TRANSFER COMPLETE", "M Download/k1", "M Download/k2"]
        );
        assert!(q.acknowledge(h1).is_some());
        assert_eq!(codes(&q), ["7 TRANSFER COMPLETE", "M Download/k2"]);
        assert!(q.acknowledge(h2).is_some());
        assert!(q.is_empty());
        assert!(q.acknowledge(h2).is_none());
    }

    #[test]
    fn reoccurrence_during_session_survives_delivery() {
        let mut q = EventQueue::new();
        q.push(EventStruct::new(EventCode::ValueChange)).unwrap();
        let snap = q.snapshot();
        q.push(EventStruct::new(EventCode::ValueChange)).unwrap();
        q.delivered(&snap.seqs);
        assert_eq!(codes(&q), ["4 VALUE CHANGE"]);
    }

    #[test]
    fn reboot_keeps_the_right_events() {
        let mut q = EventQueue::new();
        for c in [
            EventCode::Bootstrap,
            EventCode::Boot,
            EventCode::Periodic,
            EventCode::Scheduled,
            EventCode::ValueChange,
            EventCode::ConnectionRequest,
            EventCode::DiagnosticsComplete,
            EventCode::Wakeup,
            EventCode::Heartbeat,
            EventCode::Vendor("00D09E Thing".into()),
        ] {
            q.push(EventStruct::new(c)).unwrap();
        }
        q.push(EventStruct::with_command_key(EventCode::m_reboot(), "rb"))
            .unwrap();
        q.push(EventStruct::with_command_key(
            EventCode::m_schedule_inform(),
            "si",
        ))
        .unwrap();
        q.push_request(tc("dl")).unwrap();
        q.set_retry_count(3);
        q.on_reboot();
        assert_eq!(
            codes(&q),
            [
                "0 BOOTSTRAP",
                "1 BOOT",
                "3 SCHEDULED",
                "7 TRANSFER COMPLETE",
                "M Reboot/rb",
                "M ScheduleInform/si",
                "M Download/dl",
                "X 00D09E Thing"
            ]
        );
        assert_eq!(q.retry_count(), 3);
    }

    #[test]
    fn factory_reset_and_limits() {
        let mut q = EventQueue::new();
        q.set_retry_count(4);
        q.push_request(tc("x")).unwrap();
        q.on_factory_reset();
        assert_eq!(codes(&q), ["0 BOOTSTRAP", "1 BOOT"]);
        assert_eq!(q.retry_count(), 0);
        assert_eq!(q, EventQueue::bootstrap().with_seq_of(&q));
        for i in 0..MAX_QUEUED_EVENTS - 2 {
            q.push(EventStruct::with_command_key(
                EventCode::m_reboot(),
                i.to_string(),
            ))
            .unwrap();
        }
        assert_eq!(
            q.push(EventStruct::with_command_key(EventCode::m_reboot(), "x")),
            Err(SessionError::LimitExceeded(Limit::EventQueueFull))
        );
        // Single codes already present are still accepted.
        q.push(EventStruct::new(EventCode::Boot)).unwrap();
        assert_eq!(q.inform_events().len(), MAX_INFORM_EVENTS);
        q.on_reboot();
        assert!(q.contains(&EventCode::Boot));
        for _ in 0..MAX_QUEUED_REQUESTS {
            q.push_request(CpeRequest::GetRpcMethods).unwrap();
        }
        assert!(q.push_request(CpeRequest::GetRpcMethods).is_err());
    }

    impl EventQueue {
        fn with_seq_of(mut self, other: &Self) -> Self {
            self.next_seq = other.next_seq;
            self.next_handle = other.next_handle;
            for (a, b) in self.events.iter_mut().zip(&other.events) {
                a.seq = b.seq;
            }
            self
        }
    }
}
