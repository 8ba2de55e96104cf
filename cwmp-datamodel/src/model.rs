//! The instance tree: objects, tables, instances and parameters, with their values and
//! attributes; the firmware-side API.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;
use std::sync::Arc;

use cwmp_types::{FaultCode, ParameterName, ParameterValue};

use crate::binding::{Applied, Binding, Value};
use crate::check::{check_text, initial_text};
use crate::notify::Notify;
use crate::schema::{ActiveNotify, ParamSpec, Schema, parent_object};

const UNBOUND: u16 = u16::MAX;

/// One parameter's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Param {
    /// Index into the model's flat parameter table.
    pub(crate) id: u32,
    /// The Notification attribute (0–6).
    pub(crate) notification: u8,
    /// The stored value (empty for bound parameters).
    pub(crate) value: String,
    /// The AccessList attribute.
    pub(crate) access_list: Box<[Box<str>]>,
}

/// A node of the tree, keyed by its instance path (objects with their trailing dot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    /// A single-instance object, or an instance of a table.
    Object { obj: u32 },
    /// A multi-instance object's table (`Device.IP.Interface.`).
    Table { obj: u32, next: u32, count: u32 },
    /// A parameter.
    Param(Param),
}

/// A path the model does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no such parameter or object in the schema: {0}")]
pub struct UnknownPath(pub String);

/// The CPE's parameter tree: a [`Schema`], the instances that exist, stored values,
/// [bindings](Binding), attributes and pending notifications.
///
/// Build it with [`DataModel::new`] (every single-instance object of the schema exists with
/// its defaults; tables start empty), bind live parameters with [`DataModel::bind`], create
/// the device's fixed instances with [`DataModel::add_instance`] and restore what was
/// persisted with [`DataModel::restore`] (feature `serde`). Then answer the ACS with
/// [`DataModel::answer`] (or, with the `session` feature, [`DataModel::answer_session`]).
///
/// The schema is never changed by the tree, so trees can share one: many devices simulated in
/// one process hold one copy when each is built from a clone of one `Arc<Schema>`.
pub struct DataModel {
    pub(crate) schema: Arc<Schema>,
    /// Flat parameter id → (object index, parameter index).
    pub(crate) ids: Vec<(u32, u32)>,
    /// Object index → its first flat parameter id.
    first_id: Vec<u32>,
    /// Object index → child object indices.
    children: Vec<Vec<u32>>,
    pub(crate) nodes: BTreeMap<Box<str>, Node>,
    bindings: Vec<Box<dyn Binding + Send>>,
    bound: Vec<u16>,
    pub(crate) notify: Notify,
    pub(crate) accept_can_deny: bool,
    pub(crate) alias_addressing: bool,
}

impl fmt::Debug for DataModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataModel")
            .field("schema", &self.schema)
            .field("nodes", &self.nodes.len())
            .field("bindings", &self.bindings.len())
            .field("notify", &self.notify)
            .finish_non_exhaustive()
    }
}

impl DataModel {
    /// A tree for `schema`: the root and every single-instance object below it (not below a
    /// table) exist, their parameters at their defaults; tables are empty.
    ///
    /// `schema` is a [`Schema`] of its own or an `Arc<Schema>` shared with other trees:
    ///
    /// ```
    /// use std::sync::Arc;
    /// use cwmp_datamodel::{DataModel, Schema};
    ///
    /// let schema = Arc::new(Schema::tr181().select(&["Device.DeviceInfo."]));
    /// let devices: Vec<DataModel> = (0..3).map(|_| DataModel::new(Arc::clone(&schema))).collect();
    /// assert!(Arc::ptr_eq(devices[0].shared_schema(), devices[2].shared_schema()));
    /// assert_eq!(Arc::strong_count(&schema), 4);
    /// ```
    pub fn new(schema: impl Into<Arc<Schema>>) -> Self {
        let schema: Arc<Schema> = schema.into();
        let n = schema.objects().len();
        let mut ids = Vec::new();
        let mut first_id = Vec::with_capacity(n);
        let mut children = vec![Vec::new(); n];
        for (i, o) in schema.objects().iter().enumerate() {
            first_id.push(ids.len() as u32);
            for j in 0..o.params.len() {
                ids.push((i as u32, j as u32));
            }
            if let Some(parent) = parent_object(&o.path).and_then(|p| schema.object_index(p)) {
                children[parent].push(i as u32);
            }
        }
        let bound = vec![UNBOUND; ids.len()];
        let mut model = Self {
            schema,
            ids,
            first_id,
            children,
            nodes: BTreeMap::new(),
            bindings: Vec::new(),
            bound,
            notify: Notify::default(),
            accept_can_deny: false,
            alias_addressing: false,
        };
        if n > 0 {
            let root = model.schema.root().to_owned();
            model.create_object(&root, 0);
        }
        model
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The schema as the handle the tree holds, to build more trees on the same copy
    /// (`DataModel::new(Arc::clone(model.shared_schema()))`).
    pub fn shared_schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// The parameter spec of a flat id.
    pub(crate) fn spec(&self, id: u32) -> &ParamSpec {
        let (o, p) = self.ids[id as usize];
        &self.schema.object_at(o as usize).params[p as usize]
    }

    /// Creates an object node (and its parameters and sub-objects) at `path`.
    fn create_object(&mut self, path: &str, obj: usize) {
        self.nodes
            .insert(path.into(), Node::Object { obj: obj as u32 });
        let first = self.first_id[obj];
        let count = self.schema.object_at(obj).params.len() as u32;
        for id in first..first + count {
            let spec = self.spec(id);
            let name = format!("{path}{}", spec.name);
            let notification = match spec.active_notify {
                ActiveNotify::ForceEnabled | ActiveNotify::ForceDefaultEnabled => 2,
                _ => 0,
            };
            let value = if self.bound[id as usize] == UNBOUND {
                initial_text(spec)
            } else {
                String::new()
            };
            self.nodes.insert(
                name.into(),
                Node::Param(Param {
                    id,
                    notification,
                    value,
                    access_list: Box::default(),
                }),
            );
        }
        for k in self.children[obj].clone() {
            let child = self.schema.object_at(k as usize);
            let leaf = &child.path[self.schema.object_at(obj).path.len()..];
            if let Some(table_leaf) = leaf.strip_suffix("{i}.") {
                let table = format!("{path}{table_leaf}");
                self.nodes.insert(
                    table.into(),
                    Node::Table {
                        obj: k,
                        next: 1,
                        count: 0,
                    },
                );
            } else {
                let sub = format!("{path}{leaf}");
                self.create_object(&sub, k as usize);
            }
        }
    }

    /// Connects the parameter `path` (`Device.DeviceInfo.UpTime`), or every parameter at or
    /// below the object `path` (`Device.Ethernet.Interface.{i}.Stats.`), to a binding. Paths
    /// are schema paths (`{i}` for instance numbers). Returns how many parameters it covers.
    /// Bindings are `Send` so that the tree can live in a task of a multi-threaded runtime
    /// (share state with `Arc` and atomics or a mutex).
    pub fn bind(
        &mut self,
        path: &str,
        binding: impl Binding + Send + 'static,
    ) -> Result<usize, UnknownPath> {
        let slot = self.bindings.len() as u16;
        let mut covered = Vec::new();
        for (id, &(o, p)) in self.ids.iter().enumerate() {
            let obj = self.schema.object_at(o as usize);
            let hit = if path.ends_with('.') {
                obj.path.starts_with(path)
            } else {
                path.len() == obj.path.len() + obj.params[p as usize].name.len()
                    && path.starts_with(obj.path.as_str())
                    && path.ends_with(obj.params[p as usize].name.as_str())
            };
            if hit {
                covered.push(id);
            }
        }
        if covered.is_empty() || slot == UNBOUND {
            return Err(UnknownPath(path.to_owned()));
        }
        self.bindings.push(Box::new(binding));
        for &id in &covered {
            self.bound[id] = slot;
        }
        for node in self.nodes.values_mut() {
            if let Node::Param(p) = node {
                if self.bound[p.id as usize] == slot {
                    p.value.clear();
                }
            }
        }
        Ok(covered.len())
    }

    pub(crate) fn binding_of(&self, id: u32) -> Option<usize> {
        let b = self.bound[id as usize];
        (b != UNBOUND).then_some(b as usize)
    }

    pub(crate) fn binding_mut(&mut self, slot: usize) -> &mut (dyn Binding + Send) {
        self.bindings[slot].as_mut()
    }

    /// The current text of a parameter node: from its binding, or stored.
    pub(crate) fn read(&self, path: &str, p: &Param) -> Result<String, FaultCode> {
        match self.binding_of(p.id) {
            Some(b) => self.bindings[b].get(path).map(|v| v.to_text()),
            None => Ok(p.value.clone()),
        }
    }

    pub(crate) fn param(&self, path: &str) -> Option<&Param> {
        match self.nodes.get(path) {
            Some(Node::Param(p)) => Some(p),
            _ => None,
        }
    }

    /// The nodes at or below `prefix` (every node for the empty prefix), in path order.
    pub(crate) fn subtree<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Node)> + 'a {
        self.nodes
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (&**k, v))
    }

    /// A parameter's current value with its type, as the firmware sees it (hidden values too).
    pub fn get(&self, path: &str) -> Option<ParameterValue> {
        let p = self.param(path)?;
        let text = self.read(path, p).ok()?;
        Some(ParameterValue::new(text, self.spec(p.id).value_type()))
    }

    /// A parameter's current value, typed.
    pub fn get_value(&self, path: &str) -> Option<Value> {
        let p = self.param(path)?;
        let spec = self.spec(p.id);
        match self.binding_of(p.id) {
            Some(b) => self.bindings[b].get(path).ok(),
            None => Value::parse(spec, &p.value).ok(),
        }
    }

    /// Sets a stored parameter from the device side (a change not made by the ACS's
    /// SetParameterValues: the LAN GUI, DHCP, a firmware upgrade). The value must fit the
    /// schema (read-only enumeration values allowed) and keep unique keys unique (else 9007).
    /// A different value is a value change,
    /// checked against the parameter's Notification attribute (see [`DataModel::changed`]).
    /// Returns whether the value changed.
    pub fn set(&mut self, path: &str, value: impl Into<Value>) -> Result<bool, FaultCode> {
        let text = value.into().to_text();
        let Some(Node::Param(p)) = self.nodes.get(path) else {
            return Err(FaultCode::InvalidParameterName);
        };
        let id = p.id;
        if self.binding_of(id).is_some() {
            return Err(FaultCode::NonWritableParameter);
        }
        check_text(self.spec(id), &text, false)?;
        if p.value == text {
            return Ok(false);
        }
        let new = BTreeMap::from([(path, text.as_str())]);
        if !self.unique_key_violations(&new).is_empty() {
            return Err(FaultCode::InvalidParameterValue);
        }
        if let Some(Node::Param(p)) = self.nodes.get_mut(path) {
            p.value = text;
        }
        self.changed(path);
        Ok(true)
    }

    /// Stores a value without any check or notification (restoring state, the tree's own
    /// bookkeeping such as NumberOfEntries and ParameterKey).
    pub(crate) fn store_raw(&mut self, path: &str, text: String) -> bool {
        if let Some(Node::Param(p)) = self.nodes.get_mut(path) {
            if self.bound[p.id as usize] == UNBOUND {
                p.value = text;
                return true;
            }
        }
        false
    }

    /// The instance numbers of a table (`Device.IP.Interface.`), ascending.
    pub fn instances(&self, table: &str) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .subtree(table)
            .filter_map(|(k, n)| match n {
                Node::Object { .. } => {
                    let rest = &k[table.len()..];
                    let num = rest.strip_suffix('.')?;
                    num.parse().ok()
                }
                _ => None,
            })
            .collect();
        v.sort_unstable();
        v
    }

    /// Whether an object or parameter exists at this instance path.
    pub fn exists(&self, path: &str) -> bool {
        self.nodes.contains_key(path)
    }

    /// Adds an instance from the device side (the device's own interfaces, a new DHCP
    /// lease): no writability check, the next instance number, defaults, NumberOfEntries.
    /// 9004 at maxEntries, 9005 if `table` is not a table.
    pub fn add_instance(&mut self, table: &str) -> Result<u32, FaultCode> {
        self.add_instance_inner(table, None, false)
    }

    /// Adds an instance with a given number (restoring the device's fixed instances). 9003
    /// if the number is in use.
    pub fn add_instance_numbered(&mut self, table: &str, number: u32) -> Result<u32, FaultCode> {
        self.add_instance_inner(table, Some(number), false)
    }

    pub(crate) fn add_instance_inner(
        &mut self,
        table: &str,
        number: Option<u32>,
        by_acs: bool,
    ) -> Result<u32, FaultCode> {
        let Some(Node::Table { obj, next, count }) = self.nodes.get(table).cloned() else {
            return Err(FaultCode::InvalidParameterName);
        };
        let spec = self.schema.object_at(obj as usize);
        if spec.max_entries.is_some_and(|m| count >= m) {
            return Err(FaultCode::ResourcesExceeded);
        }
        let n = match number {
            Some(0) => return Err(FaultCode::InvalidArguments),
            Some(n) if self.nodes.contains_key(format!("{table}{n}.").as_str()) => {
                return Err(FaultCode::InvalidArguments);
            }
            Some(n) => n,
            None => next,
        };
        if n == u32::MAX {
            return Err(FaultCode::ResourcesExceeded);
        }
        let path = format!("{table}{n}.");
        self.create_object(&path, obj as usize);
        if let Some(Node::Table { next, count, .. }) = self.nodes.get_mut(table) {
            *next = (*next).max(n + 1);
            *count += 1;
        }
        self.assign_alias(table, &path, obj as usize);
        self.recount(table, by_acs);
        Ok(n)
    }

    /// Gives a new instance a unique `cpe-` Alias, as TR-181's Alias data type asks of
    /// values the CPE assigns.
    fn assign_alias(&mut self, table: &str, path: &str, obj: usize) {
        let has_alias = self
            .schema
            .object_at(obj)
            .params
            .iter()
            .any(|p| p.name == "Alias");
        let alias_path = format!("{path}Alias");
        if !has_alias || self.param(&alias_path).is_none_or(|p| !p.value.is_empty()) {
            return;
        }
        let taken: Vec<String> = self
            .instances(table)
            .iter()
            .filter_map(|i| {
                self.param(&format!("{table}{i}.Alias"))
                    .map(|p| p.value.clone())
            })
            .collect();
        let num = &path[table.len()..path.len() - 1];
        let mut candidate = format!("cpe-{num}");
        let mut k = 1;
        while taken.contains(&candidate) {
            k += 1;
            candidate = format!("cpe-{num}-{k}");
        }
        self.store_raw(&alias_path, candidate);
    }

    /// Deletes an instance (`Device.IP.Interface.3.`) from the device side.
    pub fn delete_instance(&mut self, path: &str) -> Result<(), FaultCode> {
        let table = self
            .table_of_instance(path)
            .ok_or(FaultCode::InvalidParameterName)?;
        self.remove_instance(&table, path, false);
        Ok(())
    }

    /// The table of an instance path, if `path` is an existing instance.
    pub(crate) fn table_of_instance(&self, path: &str) -> Option<String> {
        let body = path.strip_suffix('.')?;
        let cut = body.rfind('.')?;
        let num = &body[cut + 1..];
        if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) || num.starts_with('0') {
            return None;
        }
        let table = &path[..=cut];
        match (self.nodes.get(table), self.nodes.get(path)) {
            (Some(Node::Table { .. }), Some(Node::Object { .. })) => Some(table.to_owned()),
            _ => None,
        }
    }

    pub(crate) fn remove_instance(&mut self, table: &str, path: &str, by_acs: bool) {
        let doomed: Vec<Box<str>> = self.subtree(path).map(|(k, _)| k.into()).collect();
        for k in doomed {
            self.nodes.remove(&k);
            self.notify.forget(&k);
        }
        if let Some(Node::Table { count, .. }) = self.nodes.get_mut(table) {
            *count = count.saturating_sub(1);
        }
        self.recount(table, by_acs);
    }

    /// Updates the NumberOfEntries parameter that counts `table`'s instances (a value change
    /// unless the ACS caused it).
    fn recount(&mut self, table: &str, by_acs: bool) {
        let Some(Node::Table { obj, count, .. }) = self.nodes.get(table) else {
            return;
        };
        let count = *count;
        let Some(name) = self
            .schema
            .object_at(*obj as usize)
            .num_entries_parameter
            .clone()
        else {
            return;
        };
        let body = &table[..table.len() - 1];
        let Some(cut) = body.rfind('.') else { return };
        let parent = &table[..=cut];
        let path = format!("{parent}{name}");
        if let Some(Node::Param(p)) = self.nodes.get(path.as_str()) {
            let old = p.value.clone();
            let new = count.to_string();
            if old != new && self.store_raw(&path, new) && !by_acs {
                self.changed(&path);
            }
        }
    }

    /// Answers how a partial or full name the ACS sent maps onto instance numbers: `[alias]`
    /// segments are replaced by the instance whose Alias has that value (Alias-based
    /// addressing, TR-069 Amendment 6, §3.6.1 and Appendix II), when enabled.
    pub(crate) fn resolve<'a>(&self, name: &'a str) -> Result<Cow<'a, str>, FaultCode> {
        if !name.contains('[') {
            return Ok(Cow::Borrowed(name));
        }
        if !self.alias_addressing {
            return Err(FaultCode::InvalidParameterName);
        }
        let mut out = String::with_capacity(name.len());
        let mut rest = name;
        while let Some(start) = rest.find('[') {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find(']')
                .ok_or(FaultCode::InvalidParameterName)?
                + start;
            let alias = &rest[start + 1..end];
            let n = self
                .find_alias(&out, alias)
                .ok_or(FaultCode::InvalidParameterName)?;
            out.push_str(&n.to_string());
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(Cow::Owned(out))
    }

    /// Whether names the CPE returns use `[alias]` for instances: Alias-based addressing on
    /// and `ManagementServer.InstanceMode` is `InstanceAlias` (TR-069 Amendment 6, §3.6.1).
    pub(crate) fn instance_alias_mode(&self) -> bool {
        self.alias_addressing
            && self
                .param(&format!(
                    "{}ManagementServer.InstanceMode",
                    self.schema.root()
                ))
                .is_some_and(|p| p.value == "InstanceAlias")
    }

    /// `path` as returned to the ACS: in InstanceAlias mode every instance number whose
    /// instance has a non-empty Alias becomes `[alias]`.
    pub(crate) fn returned_name(&self, path: &str, alias_mode: bool) -> ParameterName {
        if !alias_mode {
            return ParameterName::from_wire(path);
        }
        let mut out = String::with_capacity(path.len() + 8);
        let mut end = 0;
        for seg in path.split_inclusive('.') {
            let table = &path[..end];
            end += seg.len();
            let num = seg.strip_suffix('.').unwrap_or(seg);
            let alias = (!num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()))
                .then(|| self.param(&format!("{table}{num}.Alias")))
                .flatten()
                .filter(|p| !p.value.is_empty());
            match alias {
                Some(p) => {
                    out.push('[');
                    out.push_str(&p.value);
                    out.push(']');
                    out.push_str(&seg[num.len()..]);
                }
                None => out.push_str(seg),
            }
        }
        ParameterName::from_wire(out)
    }

    /// The instance of `table` whose Alias is `alias`.
    pub(crate) fn find_alias(&self, table: &str, alias: &str) -> Option<u32> {
        if !matches!(self.nodes.get(table), Some(Node::Table { .. })) {
            return None;
        }
        self.instances(table).into_iter().find(|i| {
            self.param(&format!("{table}{i}.Alias"))
                .is_some_and(|p| p.value == alias)
        })
    }

    /// Enables Alias-based addressing (`[alias]` in names; TR-069 Amendment 6, §3.6.1): for
    /// CWMP 1.3 and later, when `ManagementServer.AliasBasedAddressing` is true. The
    /// `session` glue sets it from the session's version.
    pub fn set_alias_addressing(&mut self, on: bool) {
        self.alias_addressing = on;
    }

    /// Whether to accept active notification on `activeNotify="canDeny"` parameters (default:
    /// refused with 9009, which keeps counters from opening a session at every change).
    pub fn set_accept_can_deny(&mut self, accept: bool) {
        self.accept_can_deny = accept;
    }

    /// Commits one bound value (for SetParameterValues).
    pub(crate) fn commit_bound(
        &mut self,
        slot: usize,
        path: &str,
        value: &Value,
    ) -> Result<Applied, FaultCode> {
        self.bindings[slot].commit(path, value)
    }

    /// The schema path (`Device.IP.Interface.{i}.Enable`) of an instance path.
    pub fn schema_path(path: &str) -> String {
        let mut out = String::with_capacity(path.len() + 4);
        for (i, seg) in path.split('.').enumerate() {
            if i > 0 {
                out.push('.');
            }
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                out.push_str("{i}");
            } else {
                out.push_str(seg);
            }
        }
        out
    }

    /// The bindings responsible for instances created below `path` (for AddObject and
    /// DeleteObject), one per slot.
    pub(crate) fn instance_bindings(&self, obj: u32) -> Vec<usize> {
        let first = self.first_id[obj as usize];
        let n = self.schema.object_at(obj as usize).params.len() as u32;
        let mut v: Vec<usize> = (first..first + n)
            .filter_map(|id| self.binding_of(id))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// The table part (`Device.IP.Interface.`) of an instance path (`Device.IP.Interface.3.`).
pub(crate) fn instance_parent(path: &str) -> Option<&str> {
    let body = path.strip_suffix('.')?;
    let cut = body.rfind('.')?;
    let num = &body[cut + 1..];
    (!num.is_empty() && num.bytes().all(|b| b.is_ascii_digit())).then(|| &path[..=cut])
}
