//! Instances the ACS creates: by AddObject, and by SetParameterValues naming an instance by
//! an alias that does not exist yet (AutoCreateInstances, TR-069 Amendment 6, Appendix II).

use std::collections::BTreeMap;

use cwmp_types::{FaultCode, parse_bool};

use crate::binding::Applied;
use crate::check::alias_ok;
use crate::model::{DataModel, Node};

impl DataModel {
    /// Creates an instance of `table` for the ACS: the next number, defaults, the given Alias
    /// (or a `cpe-` one), refused (9001) if its defaults repeat another instance's unique
    /// key, then announced to the bindings (undone if one refuses). Returns the number and
    /// when the bindings apply it.
    pub(crate) fn create_for_acs(
        &mut self,
        table: &str,
        obj: u32,
        alias: Option<&str>,
    ) -> Result<(u32, Applied), FaultCode> {
        let n = self.add_instance_inner(table, None, true)?;
        let path = format!("{table}{n}.");
        if let Some(a) = alias {
            self.store_raw(&format!("{path}Alias"), a.to_owned());
        }
        // Defaults that would repeat another instance's unique key (a table without an
        // enable parameter whose key parameters all have defaults) cannot be created.
        let keys: Vec<(String, String)> = self
            .schema
            .object_at(obj as usize)
            .unique_keys
            .iter()
            .flat_map(|k| k.parameters.iter())
            .filter_map(|name| {
                let p = format!("{path}{name}");
                let v = self.param(&p).and_then(|x| self.read(&p, x).ok())?;
                Some((p, v))
            })
            .collect();
        let probe: BTreeMap<&str, &str> =
            keys.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
        if !self.unique_key_violations(&probe).is_empty() {
            self.remove_instance(table, &path, true);
            return Err(FaultCode::RequestDenied);
        }
        let mut status = Applied::Now;
        let slots = self.instance_bindings(obj);
        for (k, &s) in slots.iter().enumerate() {
            match self.binding_mut(s).add_instance(&path) {
                Ok(Applied::Later) => status = Applied::Later,
                Ok(_) => {}
                Err(c) => {
                    for &done in slots[..k].iter().rev() {
                        let _ = self.binding_mut(done).delete_instance(&path);
                    }
                    self.remove_instance(table, &path, true);
                    return Err(c);
                }
            }
        }
        Ok((n, status))
    }

    /// Removes instances created for a request that then failed, newest first, and gives
    /// their tables back the instance counter they had: the failed request changes nothing
    /// (the ACS never saw those numbers).
    pub(crate) fn undo_created(&mut self, created: Vec<(String, String, u32)>) {
        for (table, path, obj) in created.into_iter().rev() {
            for s in self.instance_bindings(obj) {
                let _ = self.binding_mut(s).delete_instance(&path);
            }
            self.remove_instance(&table, &path, true);
            let number = path[table.len()..path.len() - 1].parse::<u32>().ok();
            if let (Some(Node::Table { next, .. }), Some(n)) =
                (self.nodes.get_mut(table.as_str()), number)
            {
                *next = n;
            }
        }
    }

    /// With Alias-based addressing and `ManagementServer.AutoCreateInstances` true, creates
    /// the instances a name's unknown `[alias]` segments ask for (TR-069 Amendment 6,
    /// Appendix II), recording them in `created` so a failing request can undo them. Does
    /// nothing otherwise; resolution then reports the name as unknown.
    pub(crate) fn auto_create(
        &mut self,
        name: &str,
        created: &mut Vec<(String, String, u32)>,
    ) -> Result<(), FaultCode> {
        let flag = format!("{}ManagementServer.AutoCreateInstances", self.schema.root());
        let on = self
            .param(&flag)
            .is_some_and(|p| parse_bool(&p.value).unwrap_or(false));
        if !self.alias_addressing || !on {
            return Ok(());
        }
        let mut prefix = String::with_capacity(name.len());
        let mut rest = name;
        while let Some(start) = rest.find('[') {
            prefix.push_str(&rest[..start]);
            let end = rest[start..]
                .find(']')
                .ok_or(FaultCode::InvalidParameterName)?
                + start;
            let alias = &rest[start + 1..end];
            let table = self.resolve(&prefix)?.into_owned();
            let n = match self.find_alias(&table, alias) {
                Some(n) => n,
                None => {
                    let obj = match self.nodes.get(table.as_str()) {
                        Some(Node::Table { obj, .. })
                            if self.schema.object_at(*obj as usize).writable =>
                        {
                            *obj
                        }
                        _ => return Err(FaultCode::InvalidParameterName),
                    };
                    if !alias_ok(alias) {
                        return Err(FaultCode::InvalidParameterValue);
                    }
                    let (n, _) = self.create_for_acs(&table, obj, Some(alias))?;
                    created.push((table.clone(), format!("{table}{n}."), obj));
                    n
                }
            };
            prefix.push_str(&n.to_string());
            rest = &rest[end + 1..];
        }
        Ok(())
    }
}
