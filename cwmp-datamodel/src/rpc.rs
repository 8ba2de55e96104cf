//! The parameter RPCs the ACS calls, with TR-069 Amendment 6's semantics (Annex A.3.2).

use std::collections::{BTreeMap, HashSet};

use cwmp_types::{
    AddObject, AddObjectResponse, DeleteObject, DeleteObjectResponse, Fault, FaultCode,
    GetParameterAttributes, GetParameterAttributesResponse, GetParameterNames,
    GetParameterNamesResponse, GetParameterValues, GetParameterValuesResponse,
    ParameterAttributeStruct, ParameterInfoStruct, ParameterValue, ParameterValueStruct, Request,
    Response, SetParameterAttributes, SetParameterAttributesResponse, SetParameterValues,
    SetParameterValuesFault, SetParameterValuesResponse,
};

use crate::binding::{Applied, Value};
use crate::check::{alias_ok, check_set, stored_text};
use crate::model::{DataModel, Node};
use crate::schema::ActiveNotify;

/// An AccessList attribute as stored.
type AccessList = Box<[Box<str>]>;

fn fault(code: FaultCode, what: &str) -> Fault {
    Fault::with_string(code, format!("{}: {what}", code.description()))
}

/// What a successful SetParameterValues changed (for the session glue).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SetOutcome {
    pub(crate) response: SetParameterValuesResponse,
    pub(crate) changed: Vec<String>,
}

impl DataModel {
    /// Answers a parameter RPC: GetParameterValues, SetParameterValues, GetParameterNames,
    /// Set/GetParameterAttributes, AddObject, DeleteObject. `None` for every other method
    /// (Reboot, Download, …), which the application answers itself.
    pub fn answer(&mut self, request: &Request) -> Option<Result<Response, Fault>> {
        Some(match request {
            Request::GetParameterValues(r) => self.get_parameter_values(r).map(Into::into),
            Request::SetParameterValues(r) => self.set_parameter_values(r).map(Into::into),
            Request::GetParameterNames(r) => self.get_parameter_names(r).map(Into::into),
            Request::SetParameterAttributes(r) => self.set_parameter_attributes(r).map(Into::into),
            Request::GetParameterAttributes(r) => self.get_parameter_attributes(r).map(Into::into),
            Request::AddObject(r) => self.add_object(r).map(Into::into),
            Request::DeleteObject(r) => self.delete_object(r).map(Into::into),
            _ => return None,
        })
    }

    /// The parameters a name covers (TR-069 Amendment 6, §A.3.2.2): a full name is itself,
    /// a partial path (an object) every parameter below it, the empty name every parameter.
    /// 9005 for anything that does not exist.
    fn covered(&self, name: &str) -> Result<Vec<String>, FaultCode> {
        let path = self.resolve(name)?;
        if path.is_empty() || path.ends_with('.') {
            if !path.is_empty()
                && !matches!(
                    self.nodes.get(&*path),
                    Some(Node::Object { .. } | Node::Table { .. })
                )
            {
                return Err(FaultCode::InvalidParameterName);
            }
            Ok(self
                .subtree(&path)
                .filter(|(_, n)| matches!(n, Node::Param(_)))
                .map(|(k, _)| k.to_owned())
                .collect())
        } else if self.param(&path).is_some() {
            Ok(vec![path.into_owned()])
        } else {
            Err(FaultCode::InvalidParameterName)
        }
    }

    /// GetParameterValues (TR-069 Amendment 6, §A.3.2.2): full names and partial paths (every
    /// parameter below), the empty path for the whole tree; 9005 for a name that does not
    /// exist. Values come from the bindings where bound (never a frozen copy); `hidden`
    /// parameters (passwords) and `command` parameters read back as empty strings. With
    /// InstanceMode `InstanceAlias` (§3.6.1) names carry `[alias]` for instance numbers, as in
    /// GetParameterNames and GetParameterAttributes.
    pub fn get_parameter_values(
        &self,
        req: &GetParameterValues,
    ) -> Result<GetParameterValuesResponse, Fault> {
        let alias_mode = self.instance_alias_mode();
        let mut out = Vec::with_capacity(
            if req.parameter_names.len() == 1 && req.parameter_names[0].is_partial() {
                self.nodes.len()
            } else {
                req.parameter_names.len()
            },
        );
        for name in &req.parameter_names {
            let path = self
                .resolve(name.as_str())
                .map_err(|c| fault(c, name.as_str()))?;
            if path.is_empty() || path.ends_with('.') {
                if !path.is_empty()
                    && !matches!(
                        self.nodes.get(&*path),
                        Some(Node::Object { .. } | Node::Table { .. })
                    )
                {
                    return Err(fault(FaultCode::InvalidParameterName, name.as_str()));
                }
                for (k, n) in self.subtree(&path) {
                    if let Node::Param(p) = n {
                        out.push(self.value_struct(k, p, alias_mode)?);
                    }
                }
            } else {
                match self.param(&path) {
                    Some(p) => out.push(self.value_struct(&path, p, alias_mode)?),
                    None => return Err(fault(FaultCode::InvalidParameterName, name.as_str())),
                }
            }
        }
        Ok(GetParameterValuesResponse::new(out))
    }

    fn value_struct(
        &self,
        path: &str,
        p: &crate::model::Param,
        alias_mode: bool,
    ) -> Result<ParameterValueStruct, Fault> {
        let spec = self.spec(p.id);
        let text = if spec.hidden || spec.command {
            String::new()
        } else {
            self.read(path, p).map_err(|c| fault(c, path))?
        };
        Ok(ParameterValueStruct::new(
            self.returned_name(path, alias_mode),
            ParameterValue::new(text, spec.value_type()),
        ))
    }

    /// Whether the ACS may write a parameter now (`writeOnceReadOnly` while still empty).
    fn writable(&self, path: &str, p: &crate::model::Param) -> bool {
        let spec = self.spec(p.id);
        spec.writable || spec.write_once && self.read(path, p).is_ok_and(|v| v.is_empty())
    }

    fn info(&self, path: &str, node: &Node, alias_mode: bool) -> ParameterInfoStruct {
        let writable = match node {
            Node::Param(p) => self.writable(path, p),
            // A table is writable when the ACS may add instances, an instance when it may
            // delete it; a single-instance object never.
            Node::Table { obj, .. } => self.schema.object_at(*obj as usize).writable,
            Node::Object { obj } => {
                let o = self.schema.object_at(*obj as usize);
                o.is_multi_instance() && o.writable
            }
        };
        ParameterInfoStruct::new(self.returned_name(path, alias_mode), writable)
    }

    /// GetParameterNames (TR-069 Amendment 6, §A.3.2.3). The empty path with NextLevel true
    /// names the root object only; with NextLevel false everything. A partial path with
    /// NextLevel false gives the object itself and everything below it, with NextLevel true
    /// its direct children only. A full parameter name gives that parameter, and is 9003 with
    /// NextLevel true. Objects keep their trailing dot; Writable is AddObject's permission
    /// for a table, DeleteObject's for an instance. 9005 for a path that does not exist.
    pub fn get_parameter_names(
        &self,
        req: &GetParameterNames,
    ) -> Result<GetParameterNamesResponse, Fault> {
        let name = req.parameter_path.as_str();
        let path = self.resolve(name).map_err(|c| fault(c, name))?;
        let alias_mode = self.instance_alias_mode();
        let mut out = Vec::new();
        if path.is_empty() {
            if req.next_level {
                let root = self.schema.root();
                if let Some(n) = self.nodes.get(root) {
                    out.push(self.info(root, n, alias_mode));
                }
            } else {
                out.extend(self.subtree("").map(|(k, n)| self.info(k, n, alias_mode)));
            }
        } else if path.ends_with('.') {
            if !matches!(
                self.nodes.get(&*path),
                Some(Node::Object { .. } | Node::Table { .. })
            ) {
                return Err(fault(FaultCode::InvalidParameterName, name));
            }
            for (k, n) in self.subtree(&path) {
                let rest = &k[path.len()..];
                let child = !rest.is_empty()
                    && match rest.find('.') {
                        None => true,
                        Some(i) => i + 1 == rest.len(),
                    };
                if !req.next_level || child {
                    out.push(self.info(k, n, alias_mode));
                }
            }
        } else {
            let Some(Node::Param(_)) = self.nodes.get(&*path) else {
                return Err(fault(FaultCode::InvalidParameterName, name));
            };
            if req.next_level {
                return Err(fault(
                    FaultCode::InvalidArguments,
                    "NextLevel true with a full parameter name",
                ));
            }
            out.push(self.info(&path, &self.nodes[&*path], alias_mode));
        }
        Ok(GetParameterNamesResponse::new(out))
    }

    /// SetParameterValues (TR-069 Amendment 6, §A.3.2.1), atomic: every parameter is checked
    /// (exists: 9005; writable: 9008; `xsi:type`: 9006; type, range, enumeration, size and
    /// the bindings' own checks: 9007; unique keys: 9007) before any is applied. Any failure
    /// answers 9003 with one SetParameterValuesFault per failing parameter and changes
    /// nothing; a name given twice is a plain 9003. On success ParameterKey takes the
    /// request's key; `Status` is 1 when a binding applies a change only later (reboot).
    /// The ACS's own changes raise no notification. With Alias-based addressing and
    /// `ManagementServer.AutoCreateInstances` true, a name with an unknown `[alias]` creates
    /// that instance (Appendix II), undone if the request fails.
    pub fn set_parameter_values(
        &mut self,
        req: &SetParameterValues,
    ) -> Result<SetParameterValuesResponse, Fault> {
        self.set_values_inner(req).map(|o| o.response)
    }

    pub(crate) fn set_values_inner(
        &mut self,
        req: &SetParameterValues,
    ) -> Result<SetOutcome, Fault> {
        let mut created = Vec::new();
        let out = self.set_values_created(req, &mut created);
        if out.is_err() {
            // Instances created for `[alias]` names go with the failed request.
            self.undo_created(created);
        }
        out
    }

    fn set_values_created(
        &mut self,
        req: &SetParameterValues,
        created: &mut Vec<(String, String, u32)>,
    ) -> Result<SetOutcome, Fault> {
        struct Plan {
            path: String,
            text: String,
            slot: Option<usize>,
            value: Value,
        }
        let mut faults = Vec::new();
        let mut plans: Vec<Plan> = Vec::new();
        let mut seen = HashSet::new();
        for item in &req.parameter_list {
            let name = item.name.as_str();
            if name.contains('[') {
                if let Err(c) = self.auto_create(name, created) {
                    faults.push(SetParameterValuesFault::new(name, c));
                    continue;
                }
            }
            let path = match self.resolve(name) {
                Ok(p) => p.into_owned(),
                Err(c) => {
                    faults.push(SetParameterValuesFault::new(name, c));
                    continue;
                }
            };
            if !seen.insert(path.clone()) {
                return Err(fault(
                    FaultCode::InvalidArguments,
                    &format!("{name} given twice"),
                ));
            }
            let Some(p) = self.param(&path) else {
                faults.push(SetParameterValuesFault::new(
                    name,
                    FaultCode::InvalidParameterName,
                ));
                continue;
            };
            if !self.writable(&path, p) {
                faults.push(SetParameterValuesFault::new(
                    name,
                    FaultCode::NonWritableParameter,
                ));
                continue;
            }
            let spec = self.spec(p.id);
            if let Err(c) = check_set(spec, &item.value) {
                faults.push(SetParameterValuesFault::new(name, c));
                continue;
            }
            let text = stored_text(spec, &item.value);
            let value = match Value::parse(spec, &text) {
                Ok(v) => v,
                Err(c) => {
                    faults.push(SetParameterValuesFault::new(name, c));
                    continue;
                }
            };
            let id = p.id;
            let slot = self.binding_of(id);
            if let Some(s) = slot {
                if let Err(c) = self.binding_mut(s).validate(&path, &value) {
                    faults.push(SetParameterValuesFault::new(name, c));
                    continue;
                }
            }
            plans.push(Plan {
                path,
                text,
                slot,
                value,
            });
        }
        if faults.is_empty() {
            let new: BTreeMap<&str, &str> = plans
                .iter()
                .map(|p| (p.path.as_str(), p.text.as_str()))
                .collect();
            for path in self.unique_key_violations(&new) {
                faults.push(SetParameterValuesFault::new(
                    path,
                    FaultCode::InvalidParameterValue,
                ));
            }
        }
        if !faults.is_empty() {
            return Err(Fault::set_parameter_values(faults));
        }
        // Commit the bound parameters; roll back in reverse order if one fails.
        let mut status = Applied::Now;
        let mut committed: Vec<(usize, &str)> = Vec::new();
        for plan in &plans {
            if let Some(s) = plan.slot {
                match self.commit_bound(s, &plan.path, &plan.value) {
                    Ok(a) => {
                        if a == Applied::Later {
                            status = Applied::Later;
                        }
                        committed.push((s, &plan.path));
                    }
                    Err(c) => {
                        for (s, path) in committed.iter().rev() {
                            self.binding_mut(*s).rollback(path);
                        }
                        return Err(match c {
                            FaultCode::InvalidParameterName
                            | FaultCode::InvalidParameterType
                            | FaultCode::InvalidParameterValue
                            | FaultCode::NonWritableParameter => {
                                Fault::set_parameter_values(vec![SetParameterValuesFault::new(
                                    plan.path.as_str(),
                                    c,
                                )])
                            }
                            c => fault(c, &plan.path),
                        });
                    }
                }
            }
        }
        let mut changed = Vec::with_capacity(plans.len());
        for plan in plans {
            if plan.slot.is_none() {
                self.store_raw(&plan.path, plan.text);
            }
            changed.push(plan.path);
        }
        self.set_parameter_key(&req.parameter_key);
        Ok(SetOutcome {
            response: SetParameterValuesResponse::new(i32::from(status == Applied::Later)),
            changed,
        })
    }

    /// `ManagementServer.ParameterKey` takes the key of the last successful
    /// SetParameterValues, AddObject or DeleteObject (TR-069 Amendment 6, §A.3.2.1).
    fn set_parameter_key(&mut self, key: &str) {
        let path = format!("{}ManagementServer.ParameterKey", self.schema.root());
        self.store_raw(&path, key.to_owned());
    }

    /// The parameters of `new` whose values would make two instances share a unique key
    /// (TR-106: functional keys among enabled instances when the object has an enable
    /// parameter, non-functional keys such as Alias among all instances; keys whose values
    /// are all empty are not assigned yet).
    pub(crate) fn unique_key_violations(&self, new: &BTreeMap<&str, &str>) -> Vec<String> {
        let mut bad = Vec::new();
        let mut tables: Vec<(String, u32)> = Vec::new();
        for path in new.keys() {
            let Some((inst, _)) = crate::schema::split_param(path) else {
                continue;
            };
            if let Some(t) = self.table_of_instance(inst) {
                if let Some(Node::Table { obj, .. }) = self.nodes.get(t.as_str()) {
                    if !tables.iter().any(|(x, _)| *x == t) {
                        tables.push((t, *obj));
                    }
                }
            }
        }
        for (table, obj) in tables {
            let spec = self.schema.object_at(obj as usize);
            if spec.unique_keys.is_empty() {
                continue;
            }
            let val = |inst: &str, name: &str| -> String {
                let p = format!("{inst}{name}");
                match new.get(p.as_str()) {
                    Some(v) => (*v).to_owned(),
                    None => self
                        .param(&p)
                        .and_then(|x| self.read(&p, x).ok())
                        .unwrap_or_default(),
                }
            };
            let insts: Vec<String> = self
                .instances(&table)
                .iter()
                .map(|i| format!("{table}{i}."))
                .collect();
            for key in &spec.unique_keys {
                // A key whose values are all still empty is not assigned yet (the CPE fills
                // in a `Name`, the ACS a functional key of a new instance).
                let applies = |inst: &str, values: &[String]| -> bool {
                    if values.iter().all(String::is_empty) {
                        return false;
                    }
                    if !key.functional {
                        return true;
                    }
                    match &spec.enable_parameter {
                        Some(e) => {
                            let v = val(inst, e);
                            v == "1" || v.eq_ignore_ascii_case("true")
                        }
                        None => true,
                    }
                };
                let mut seen: BTreeMap<Vec<String>, &str> = BTreeMap::new();
                for inst in &insts {
                    let values: Vec<String> = key.parameters.iter().map(|n| val(inst, n)).collect();
                    if !applies(inst, &values) {
                        continue;
                    }
                    if let Some(other) = seen.insert(values, inst) {
                        for i in [inst.as_str(), other] {
                            for n in key.parameters.iter().chain(spec.enable_parameter.iter()) {
                                let p = format!("{i}{n}");
                                if new.contains_key(p.as_str()) && !bad.contains(&p) {
                                    bad.push(p);
                                }
                            }
                        }
                    }
                }
            }
        }
        bad
    }

    /// SetParameterAttributes (TR-069 Amendment 6, §A.3.2.4), all or nothing: partial paths
    /// apply to every parameter below; 9005 for an unknown name; 9003 for a Notification
    /// outside 0–6; 9009 for active notification on a parameter whose `activeNotify` is
    /// `canDeny` (unless accepted, [`DataModel::set_accept_can_deny`]) and for turning it off
    /// on a `forceEnabled` one.
    pub fn set_parameter_attributes(
        &mut self,
        req: &SetParameterAttributes,
    ) -> Result<SetParameterAttributesResponse, Fault> {
        let mut changes: Vec<(String, Option<u8>, Option<AccessList>)> = Vec::new();
        for s in &req.parameter_list {
            let name = s.name.as_str();
            let targets = self.covered(name).map_err(|c| fault(c, name))?;
            if s.notification_change && !(0..=6).contains(&s.notification) {
                return Err(fault(
                    FaultCode::InvalidArguments,
                    &format!("Notification {} is not 0-6", s.notification),
                ));
            }
            if s.access_list_change && s.access_list.iter().any(|e| e.chars().count() > 64) {
                return Err(fault(
                    FaultCode::InvalidArguments,
                    "AccessList entry too long",
                ));
            }
            for path in targets {
                let spec = self.spec(self.param(&path).map_or(0, |p| p.id));
                if s.notification_change {
                    let active = matches!(s.notification, 2);
                    let refused = match spec.active_notify {
                        ActiveNotify::CanDeny => active && !self.accept_can_deny,
                        ActiveNotify::ForceEnabled => s.notification != 2,
                        _ => false,
                    };
                    if refused {
                        return Err(fault(FaultCode::NotificationRequestRejected, &path));
                    }
                }
                changes.push((
                    path,
                    s.notification_change.then_some(s.notification as u8),
                    s.access_list_change
                        .then(|| s.access_list.iter().map(|a| a.as_str().into()).collect()),
                ));
            }
        }
        for (path, notification, access) in changes {
            if let Some(Node::Param(p)) = self.nodes.get_mut(path.as_str()) {
                if let Some(n) = notification {
                    p.notification = n;
                }
                if let Some(a) = access {
                    p.access_list = a;
                }
            }
        }
        Ok(SetParameterAttributesResponse::default())
    }

    /// GetParameterAttributes (TR-069 Amendment 6, §A.3.2.5): Notification and AccessList of
    /// every parameter a name covers; 9005 for an unknown name.
    pub fn get_parameter_attributes(
        &self,
        req: &GetParameterAttributes,
    ) -> Result<GetParameterAttributesResponse, Fault> {
        let alias_mode = self.instance_alias_mode();
        let mut out = Vec::new();
        for name in &req.parameter_names {
            for path in self
                .covered(name.as_str())
                .map_err(|c| fault(c, name.as_str()))?
            {
                if let Some(p) = self.param(&path) {
                    out.push(ParameterAttributeStruct::new(
                        self.returned_name(&path, alias_mode),
                        i32::from(p.notification),
                        p.access_list.iter().map(|a| a.to_string()).collect(),
                    ));
                }
            }
        }
        Ok(GetParameterAttributesResponse::new(out))
    }

    /// AddObject (TR-069 Amendment 6, §A.3.2.6): ObjectName is a table the ACS may add to
    /// (else 9005); the instance number is the next one and never reused while the device
    /// runs (nor after a restore: the counter is persisted); the new instance's parameters
    /// take their defaults; NumberOfEntries follows; 9004 at maxEntries. With Alias-based
    /// addressing (§3.6.1) `Table.[alias].` creates the instance with that Alias (9007 if
    /// taken or invalid); otherwise the CPE gives it a unique `cpe-` Alias. An instance whose
    /// defaults would repeat another's unique key is refused (9001). On success ParameterKey
    /// takes the request's key.
    pub fn add_object(&mut self, req: &AddObject) -> Result<AddObjectResponse, Fault> {
        let name = req.object_name.as_str();
        let (table_name, alias) = match name.strip_suffix("].") {
            Some(body) if self.alias_addressing => match body.rfind('[') {
                Some(i) => (&name[..i], Some(&body[i + 1..])),
                None => return Err(fault(FaultCode::InvalidParameterName, name)),
            },
            _ => (name, None),
        };
        let table = self
            .resolve(table_name)
            .map_err(|c| fault(c, name))?
            .into_owned();
        let obj = match self.nodes.get(table.as_str()) {
            Some(Node::Table { obj, .. }) if self.schema.object_at(*obj as usize).writable => *obj,
            _ => return Err(fault(FaultCode::InvalidParameterName, name)),
        };
        if let Some(a) = alias {
            if !alias_ok(a) || self.find_alias(&table, a).is_some() {
                return Err(fault(FaultCode::InvalidParameterValue, name));
            }
        }
        let (n, status) = self
            .create_for_acs(&table, obj, alias)
            .map_err(|c| fault(c, name))?;
        self.set_parameter_key(&req.parameter_key);
        Ok(AddObjectResponse::new(
            n,
            i32::from(status == Applied::Later),
        ))
    }

    /// DeleteObject (TR-069 Amendment 6, §A.3.2.7): ObjectName is an existing instance of a
    /// table the ACS may delete from (else 9005); it goes with everything below it, and
    /// NumberOfEntries follows. On success ParameterKey takes the request's key.
    pub fn delete_object(&mut self, req: &DeleteObject) -> Result<DeleteObjectResponse, Fault> {
        let name = req.object_name.as_str();
        let path = self.resolve(name).map_err(|c| fault(c, name))?.into_owned();
        let Some(table) = self.table_of_instance(&path) else {
            return Err(fault(FaultCode::InvalidParameterName, name));
        };
        let Some(Node::Table { obj, .. }) = self.nodes.get(table.as_str()).cloned() else {
            return Err(fault(FaultCode::InvalidParameterName, name));
        };
        if !self.schema.object_at(obj as usize).writable {
            return Err(fault(FaultCode::InvalidParameterName, name));
        }
        let mut status = Applied::Now;
        for s in self.instance_bindings(obj) {
            match self.binding_mut(s).delete_instance(&path) {
                Ok(Applied::Later) => status = Applied::Later,
                Ok(_) => {}
                Err(c) => return Err(fault(c, name)),
            }
        }
        self.remove_instance(&table, &path, true);
        self.set_parameter_key(&req.parameter_key);
        Ok(DeleteObjectResponse::new(i32::from(
            status == Applied::Later,
        )))
    }
}
