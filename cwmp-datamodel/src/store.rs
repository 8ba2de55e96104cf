//! The persistent part of the tree: stored values, attributes and instance counters.

use std::collections::BTreeMap;

use crate::check::{check_text, initial_text};
use crate::model::{DataModel, Node};
use crate::notify::Notification;

/// A parameter's attributes, when not at their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct StoredAttributes {
    /// The Notification attribute.
    pub notification: u8,
    /// The AccessList attribute.
    pub access_list: Vec<String>,
}

/// What survives a reboot (TR-069 keeps values, attributes and instance numbers across
/// reboots): every stored (unbound) value, non-default attributes, and each table's next
/// instance number, so numbers are never reused. Serialize it with the `serde` feature.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
#[non_exhaustive]
pub struct Stored {
    /// Instance path → value text.
    pub values: BTreeMap<String, String>,
    /// Instance path → attributes.
    pub attributes: BTreeMap<String, StoredAttributes>,
    /// Table path → next instance number.
    pub next_instance: BTreeMap<String, u32>,
    /// Changed parameters not yet reported in an Inform → whether the change was active
    /// (a change before a reboot is still reported after it).
    pub pending_changes: BTreeMap<String, bool>,
}

/// Something of a [`Stored`] that [`DataModel::restore`] could not take (the rest is taken).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RestoreWarning {
    /// The path concerned.
    pub path: String,
    /// Why it was skipped.
    pub reason: &'static str,
}

impl DataModel {
    /// The persistent part of the tree (bound parameters are the system's to persist).
    pub fn stored(&self) -> Stored {
        let mut s = Stored::default();
        for (k, n) in &self.nodes {
            match n {
                Node::Param(p) => {
                    if self.binding_of(p.id).is_none() {
                        s.values.insert(k.to_string(), p.value.clone());
                    }
                    let default_notification = self.default_notification(p.id);
                    if p.notification != default_notification || !p.access_list.is_empty() {
                        s.attributes.insert(
                            k.to_string(),
                            StoredAttributes {
                                notification: p.notification,
                                access_list: p.access_list.iter().map(|a| a.to_string()).collect(),
                            },
                        );
                    }
                }
                Node::Table { next, .. } => {
                    s.next_instance.insert(k.to_string(), *next);
                }
                Node::Object { .. } => {}
            }
        }
        s.pending_changes = self
            .pending_changes()
            .map(|(p, n)| (p.to_owned(), n == Notification::Active))
            .collect();
        s
    }

    fn default_notification(&self, id: u32) -> u8 {
        use crate::schema::ActiveNotify;
        match self.spec(id).active_notify {
            ActiveNotify::ForceEnabled | ActiveNotify::ForceDefaultEnabled => 2,
            _ => 0,
        }
    }

    /// Takes back what [`DataModel::stored`] saved (at start-up, after binding): instances
    /// are recreated with their numbers, values and attributes restored, instance counters
    /// never go back, changes not yet reported stay pending (and are told to the session
    /// again). What no longer fits the schema (a removed parameter, a value the schema
    /// refuses) is skipped with a warning; no new notification is raised.
    pub fn restore(&mut self, stored: &Stored) -> Vec<RestoreWarning> {
        let mut warnings = Vec::new();
        let warn = |w: &mut Vec<RestoreWarning>, path: &str, reason| {
            w.push(RestoreWarning {
                path: path.to_owned(),
                reason,
            });
        };
        let paths = stored.values.keys().chain(stored.attributes.keys());
        for path in paths {
            if !self.ensure_instances(path) {
                warn(&mut warnings, path, "its object is not in the schema");
            }
        }
        for (path, text) in &stored.values {
            let Some(Node::Param(p)) = self.nodes.get(path.as_str()) else {
                warn(&mut warnings, path, "not a parameter of the schema");
                continue;
            };
            if self.binding_of(p.id).is_some() {
                continue;
            }
            let spec = self.spec(p.id);
            if *text != initial_text(spec) && check_text(spec, text, false).is_err() {
                warn(&mut warnings, path, "value refused by the schema");
                continue;
            }
            self.store_raw(path, text.clone());
        }
        for (path, a) in &stored.attributes {
            match self.nodes.get_mut(path.as_str()) {
                Some(Node::Param(p)) if a.notification <= 6 => {
                    p.notification = a.notification;
                    p.access_list = a.access_list.iter().map(|s| s.as_str().into()).collect();
                }
                _ => warn(&mut warnings, path, "attributes of no parameter"),
            }
        }
        for (path, active) in &stored.pending_changes {
            if !self.restore_change(path, *active) {
                warn(&mut warnings, path, "pending change of no parameter");
            }
        }
        for (table, n) in &stored.next_instance {
            match self.nodes.get_mut(table.as_str()) {
                Some(Node::Table { next, .. }) => *next = (*next).max(*n),
                _ => warn(&mut warnings, table, "not a table of the schema"),
            }
        }
        warnings
    }

    /// Creates the instances a path lies in (`Device.IP.Interface.3.IPv4Address.1.Enable`
    /// needs interface 3 and its address 1). False if the path cannot be placed.
    fn ensure_instances(&mut self, path: &str) -> bool {
        let mut end = 0;
        while let Some(dot) = path[end..].find('.') {
            let prefix = &path[..end + dot + 1];
            end += dot + 1;
            if self.nodes.contains_key(prefix) {
                continue;
            }
            let Some(table) = crate::model::instance_parent(prefix) else {
                return false;
            };
            let num: u32 = match prefix[table.len()..prefix.len() - 1].parse() {
                Ok(n) if n > 0 => n,
                _ => return false,
            };
            if !matches!(self.nodes.get(table), Some(Node::Table { .. })) {
                return false;
            }
            let table = table.to_owned();
            if self.add_instance_inner(&table, Some(num), true).is_err() {
                return false;
            }
        }
        true
    }
}
