//! Value changes and their notification (TR-069 Amendment 6, §3.2.1 and §A.3.3.1; the
//! Notification attribute of §A.3.2.4).

use std::collections::BTreeMap;

use cwmp_types::{ParameterName, ParameterValue, ParameterValueStruct};

use crate::model::{DataModel, Node};

/// How a value change is to be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Notification {
    /// Passive (Notification 1, 4 or 6): the next Inform, whatever opens it, carries the
    /// parameter and `4 VALUE CHANGE`.
    Passive,
    /// Active (Notification 2): the change opens a session (with `4 VALUE CHANGE`), no
    /// sooner than DefaultActiveNotificationThrottle after the last one.
    Active,
}

/// What the session must be told after changes: queue `4 VALUE CHANGE`, opening a session
/// (`trigger`) for an active change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ValueChangeEvent {
    /// Whether a session must be opened for it (an active notification).
    pub trigger: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Notify {
    /// Changed parameters waiting for an Inform: path → (active, sequence number).
    pending: BTreeMap<Box<str>, (bool, u64)>,
    seq: u64,
    /// The last sequence number an Inform's ParameterList was built with.
    reported: Option<u64>,
    /// A change the session has not been told about: `Some(true)` if one is active.
    pub(crate) untold: Option<bool>,
}

impl Notify {
    pub(crate) fn forget(&mut self, path: &str) {
        self.pending.remove(path);
    }
}

impl DataModel {
    /// Reports that a parameter's value changed other than by the ACS's SetParameterValues
    /// (a bound value the system changed, a firmware upgrade changing SoftwareVersion, the
    /// LAN GUI). The change is checked against the parameter's Notification attribute: off
    /// (0, or lightweight only: 3, 5) is ignored, passive waits for the next Inform, active
    /// asks for a session. A parameter changing again before it is reported is reported
    /// once, with its value at the time of the Inform. Returns how it will be reported.
    pub fn changed(&mut self, path: &str) -> Option<Notification> {
        let Some(Node::Param(p)) = self.nodes.get(path) else {
            return None;
        };
        let kind = match p.notification {
            2 => Notification::Active,
            1 | 4 | 6 => Notification::Passive,
            _ => return None,
        };
        let active = kind == Notification::Active;
        self.notify.seq += 1;
        let seq = self.notify.seq;
        let entry = self
            .notify
            .pending
            .entry(path.into())
            .or_insert((active, seq));
        entry.0 |= active;
        entry.1 = seq;
        self.notify.untold = Some(self.notify.untold.unwrap_or(false) | active);
        Some(kind)
    }

    /// The value-change event the session has not been told about yet (then forgotten):
    /// queue `4 VALUE CHANGE` with `trigger` on the `CpeSession` (the `session` feature's
    /// [`DataModel::notify_session`] does it).
    pub fn take_value_change(&mut self) -> Option<ValueChangeEvent> {
        self.notify
            .untold
            .take()
            .map(|trigger| ValueChangeEvent { trigger })
    }

    /// The changed parameters waiting for an Inform, with whether each is active.
    pub fn pending_changes(&self) -> impl Iterator<Item = (&str, Notification)> + '_ {
        self.notify.pending.iter().map(|(k, (a, _))| {
            (
                &**k,
                if *a {
                    Notification::Active
                } else {
                    Notification::Passive
                },
            )
        })
    }

    /// The Inform's ParameterList (TR-069 Amendment 6, §A.3.3.1): every instance of every
    /// `forcedInform` parameter, then every changed parameter waiting for an Inform, with
    /// current values (hidden ones empty). Remembers what it included so that
    /// [`DataModel::inform_delivered`] clears exactly that.
    pub fn inform_parameters(&mut self) -> Vec<ParameterValueStruct> {
        let mut out: Vec<ParameterValueStruct> = Vec::new();
        for (k, n) in &self.nodes {
            if let Node::Param(p) = n {
                let spec = self.spec(p.id);
                if spec.forced_inform {
                    out.push(self.inform_entry(k, p));
                }
            }
        }
        for k in self.notify.pending.keys() {
            if out.iter().any(|v| v.name.as_str() == &**k) {
                continue;
            }
            if let Some(Node::Param(p)) = self.nodes.get(k) {
                out.push(self.inform_entry(k, p));
            }
        }
        self.notify.reported = Some(self.notify.seq);
        out
    }

    fn inform_entry(&self, path: &str, p: &crate::model::Param) -> ParameterValueStruct {
        let spec = self.spec(p.id);
        let text = if spec.hidden || spec.command {
            String::new()
        } else {
            self.read(path, p).unwrap_or_default()
        };
        ParameterValueStruct::new(
            ParameterName::from_wire(path),
            ParameterValue::new(text, spec.value_type()),
        )
    }

    /// Puts back a pending change from [`crate::Stored`]; false if `path` is no parameter.
    pub(crate) fn restore_change(&mut self, path: &str, active: bool) -> bool {
        if !matches!(self.nodes.get(path), Some(Node::Param(_))) {
            return false;
        }
        self.notify.seq += 1;
        let seq = self.notify.seq;
        self.notify.pending.insert(path.into(), (active, seq));
        self.notify.untold = Some(self.notify.untold.unwrap_or(false) | active);
        true
    }

    /// Forgets every pending change: call it after the device has set up its tree at
    /// start-up (the values it starts with are not changes).
    pub fn clear_changes(&mut self) {
        self.notify.pending.clear();
        self.notify.untold = None;
        self.notify.reported = None;
    }

    /// The ACS accepted the Inform built by the last [`DataModel::inform_parameters`]: the
    /// changes it carried are delivered and cleared; changes made since stay pending.
    pub fn inform_delivered(&mut self) {
        if let Some(r) = self.notify.reported.take() {
            self.notify.pending.retain(|_, (_, seq)| *seq > r);
        }
    }
}
