//! The CPE agent's in-memory parameter tree: a TR-181 `Device.` subset that answers the
//! parameter RPCs with the faults TR-069 prescribes.
//!
//! Objects are kept implicitly: an object exists when a parameter lies below it, or when it
//! is a table (`Device.IP.Interface.`) or one of its instances.

use std::collections::{BTreeMap, BTreeSet};

use cwmp_types::{
    AddObject, AddObjectResponse, DeleteObject, DeleteObjectResponse, Fault, FaultCode,
    GetParameterAttributes, GetParameterAttributesResponse, GetParameterNames,
    GetParameterNamesResponse, GetParameterValues, GetParameterValuesResponse,
    ParameterAttributeStruct, ParameterInfoStruct, ParameterName, ParameterValue,
    ParameterValueStruct, PathKind, SetParameterAttributes, SetParameterAttributesResponse,
    SetParameterValues, SetParameterValuesFault, SetParameterValuesResponse, ValueType,
};

/// The multi-instance table of the tree.
pub const IP_INTERFACE_TABLE: &str = "Device.IP.Interface.";
/// Where the ParameterKey of the last successful change is stored.
pub const PARAMETER_KEY: &str = "Device.ManagementServer.ParameterKey";

/// An extra check on a parameter's value, beyond its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Constraint {
    None,
    /// Inclusive unsigned range.
    Range(u64, u64),
    /// String length limit.
    MaxLen(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Param {
    value: ParameterValue,
    writable: bool,
    constraint: Constraint,
    notification: i32,
    access_list: Vec<String>,
    /// Active notification (2) is refused for this parameter (9009), as for counters.
    deny_active: bool,
}

impl Param {
    fn ro(value: ParameterValue) -> Self {
        Self {
            value,
            writable: false,
            constraint: Constraint::None,
            notification: 0,
            access_list: Vec::new(),
            deny_active: false,
        }
    }
    fn rw(value: ParameterValue, constraint: Constraint) -> Self {
        Self {
            writable: true,
            constraint,
            ..Self::ro(value)
        }
    }
}

/// Who the device is: the fixed DeviceInfo values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceIdentity {
    /// `Manufacturer`
    pub manufacturer: String,
    /// `ManufacturerOUI`
    pub oui: String,
    /// `ProductClass`
    pub product_class: String,
    /// `SerialNumber`
    pub serial_number: String,
}

impl DeviceIdentity {
    /// The identity the examples give a CPE with this serial number.
    pub fn example(serial_number: impl Into<String>) -> Self {
        Self {
            manufacturer: "cwmp-rs".to_owned(),
            oui: "00D09E".to_owned(),
            product_class: "ExampleGateway".to_owned(),
            serial_number: serial_number.into(),
        }
    }
}

impl DeviceIdentity {
    /// The Inform's DeviceId.
    pub fn into_device_id(self) -> cwmp_types::DeviceIdStruct {
        cwmp_types::DeviceIdStruct::new(
            self.manufacturer,
            self.oui,
            self.product_class,
            self.serial_number,
        )
    }
}

/// The in-memory parameter tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterTree {
    params: BTreeMap<String, Param>,
    /// Per table: the next instance number (never reused).
    tables: BTreeMap<String, u32>,
}

fn fault(code: FaultCode, text: impl Into<String>) -> Fault {
    Fault::with_string(code, text.into())
}

impl ParameterTree {
    /// A tree for this device, ACS URL and software version, with one IP interface.
    pub fn new(id: &DeviceIdentity, acs_url: &str, software_version: &str) -> Self {
        let mut t = Self {
            params: BTreeMap::new(),
            tables: BTreeMap::new(),
        };
        let s = |x: &str| ParameterValue::string(x);
        let di = "Device.DeviceInfo.";
        t.ins(di, "Manufacturer", Param::ro(s(&id.manufacturer)));
        t.ins(di, "ManufacturerOUI", Param::ro(s(&id.oui)));
        t.ins(di, "ProductClass", Param::ro(s(&id.product_class)));
        t.ins(di, "SerialNumber", Param::ro(s(&id.serial_number)));
        t.ins(di, "HardwareVersion", Param::ro(s("HW-1.0")));
        t.ins(di, "SoftwareVersion", Param::ro(s(software_version)));
        let mut up = Param::ro(ParameterValue::unsigned_int(0));
        up.deny_active = true;
        t.ins(di, "UpTime", up);
        t.ins(
            di,
            "ProvisioningCode",
            Param::rw(s(""), Constraint::MaxLen(64)),
        );
        let ms = "Device.ManagementServer.";
        t.ins(ms, "URL", Param::rw(s(acs_url), Constraint::MaxLen(256)));
        t.ins(ms, "Username", Param::rw(s(""), Constraint::MaxLen(256)));
        let mut pw = Param::rw(s(""), Constraint::MaxLen(256));
        pw.deny_active = true;
        t.ins(ms, "Password", pw);
        t.ins(
            ms,
            "PeriodicInformEnable",
            Param::rw(ParameterValue::boolean(true), Constraint::None),
        );
        t.ins(
            ms,
            "PeriodicInformInterval",
            Param::rw(
                ParameterValue::unsigned_int(900),
                Constraint::Range(1, u64::from(u32::MAX)),
            ),
        );
        t.ins(
            ms,
            "PeriodicInformTime",
            Param::rw(
                ParameterValue::new("0001-01-01T00:00:00Z", ValueType::DateTime),
                Constraint::None,
            ),
        );
        t.ins(ms, "ParameterKey", Param::ro(s("")));
        t.ins(ms, "ConnectionRequestURL", Param::ro(s("")));
        t.ins(
            ms,
            "ConnectionRequestUsername",
            Param::rw(s(""), Constraint::MaxLen(256)),
        );
        let mut crpw = Param::rw(s(""), Constraint::MaxLen(256));
        crpw.deny_active = true;
        t.ins(ms, "ConnectionRequestPassword", crpw);
        t.ins(
            ms,
            "CWMPRetryMinimumWaitInterval",
            Param::rw(ParameterValue::unsigned_int(5), Constraint::Range(1, 65535)),
        );
        t.ins(
            ms,
            "CWMPRetryIntervalMultiplier",
            Param::rw(
                ParameterValue::unsigned_int(2000),
                Constraint::Range(1000, 65535),
            ),
        );
        t.tables.insert(IP_INTERFACE_TABLE.to_owned(), 1);
        t.ins(
            "Device.IP.",
            "InterfaceNumberOfEntries",
            Param::ro(ParameterValue::unsigned_int(0)),
        );
        let first = t.add_instance(IP_INTERFACE_TABLE);
        t.set_internal(
            &format!("{IP_INTERFACE_TABLE}{first}.Alias"),
            ParameterValue::string("wan"),
        );
        t
    }

    fn ins(&mut self, object: &str, leaf: &str, p: Param) {
        self.params.insert(format!("{object}{leaf}"), p);
    }

    fn add_instance(&mut self, table: &str) -> u32 {
        let next = self.tables.get_mut(table).expect("known table");
        let n = *next;
        *next += 1;
        let obj = format!("{table}{n}.");
        self.ins(
            &obj,
            "Enable",
            Param::rw(ParameterValue::boolean(false), Constraint::None),
        );
        self.ins(
            &obj,
            "Alias",
            Param::rw(
                ParameterValue::string(format!("cpe-{n}")),
                Constraint::MaxLen(64),
            ),
        );
        self.ins(
            &obj,
            "Name",
            Param::ro(ParameterValue::string(format!("ip{n}"))),
        );
        self.ins(&obj, "Status", Param::ro(ParameterValue::string("Down")));
        self.ins(
            &obj,
            "MaxMTUSize",
            Param::rw(
                ParameterValue::unsigned_int(1500),
                Constraint::Range(64, 65535),
            ),
        );
        self.recount(table);
        n
    }

    fn recount(&mut self, table: &str) {
        let count = self.instances(table).len();
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        let counter = format!(
            "{}NumberOfEntries",
            table.strip_suffix('.').unwrap_or(table)
        );
        self.set_internal(&counter, ParameterValue::unsigned_int(count));
    }

    /// The instance numbers currently in `table`.
    pub fn instances(&self, table: &str) -> BTreeSet<u32> {
        self.params
            .range(table.to_owned()..)
            .take_while(|(k, _)| k.starts_with(table))
            .filter_map(|(k, _)| k[table.len()..].split('.').next()?.parse().ok())
            .collect()
    }

    /// The value of a full parameter name.
    pub fn get(&self, name: &str) -> Option<&ParameterValue> {
        self.params.get(name).map(|p| &p.value)
    }

    /// Sets a value from the device itself (UpTime, ConnectionRequestURL, ...), bypassing
    /// writability; returns false for an unknown name.
    pub fn set_internal(&mut self, name: &str, value: ParameterValue) -> bool {
        match self.params.get_mut(name) {
            Some(p) => {
                p.value = value;
                true
            }
            None => false,
        }
    }

    /// Whether `path` (ending in `.`) names an object of the tree.
    pub fn object_exists(&self, path: &str) -> bool {
        path.is_empty()
            || self.tables.contains_key(path)
            || self
                .params
                .range(path.to_owned()..)
                .next()
                .is_some_and(|(k, _)| k.starts_with(path))
    }

    fn covered<'a>(&'a self, path: &'a str) -> impl Iterator<Item = (&'a String, &'a Param)> + 'a {
        self.params
            .range(path.to_owned()..)
            .take_while(move |(k, _)| k.starts_with(path))
    }

    /// The parameters an Inform carries (the DeviceInfo and ManagementServer forced ones).
    pub fn inform_parameters(&self) -> Vec<ParameterValueStruct> {
        [
            "Device.DeviceInfo.HardwareVersion",
            "Device.DeviceInfo.SoftwareVersion",
            "Device.DeviceInfo.ProvisioningCode",
            "Device.ManagementServer.ParameterKey",
            "Device.ManagementServer.ConnectionRequestURL",
        ]
        .into_iter()
        .filter_map(|n| Some(ParameterValueStruct::new(n, self.get(n)?.clone())))
        .collect()
    }

    /// Answers GetParameterValues (9005 for an unknown name or path).
    pub fn get_parameter_values(
        &self,
        req: &GetParameterValues,
    ) -> Result<GetParameterValuesResponse, Fault> {
        let mut out = Vec::new();
        for name in &req.parameter_names {
            let n = name.as_str();
            match name.kind() {
                PathKind::Full => match self.params.get(n) {
                    Some(p) => out.push(ParameterValueStruct::new(n, p.value.clone())),
                    None => return Err(fault(FaultCode::InvalidParameterName, n)),
                },
                _ => {
                    if !self.object_exists(n) {
                        return Err(fault(FaultCode::InvalidParameterName, n));
                    }
                    out.extend(
                        self.covered(n)
                            .map(|(k, p)| ParameterValueStruct::new(k.as_str(), p.value.clone())),
                    );
                }
            }
        }
        Ok(GetParameterValuesResponse::new(out))
    }

    /// Answers GetParameterNames: 9005 for an unknown path, 9003 for NextLevel true on a
    /// full parameter name.
    pub fn get_parameter_names(
        &self,
        req: &GetParameterNames,
    ) -> Result<GetParameterNamesResponse, Fault> {
        let path = req.parameter_path.as_str();
        if req.parameter_path.kind() == PathKind::Full {
            let p = self
                .params
                .get(path)
                .ok_or_else(|| fault(FaultCode::InvalidParameterName, path))?;
            if req.next_level {
                return Err(fault(
                    FaultCode::InvalidArguments,
                    "NextLevel true on a parameter name",
                ));
            }
            return Ok(GetParameterNamesResponse::new(vec![
                ParameterInfoStruct::new(path, p.writable),
            ]));
        }
        if !self.object_exists(path) {
            return Err(fault(FaultCode::InvalidParameterName, path));
        }
        // Every object on the way from `path` to each parameter, in tree order.
        let mut entries: BTreeMap<String, bool> = BTreeMap::new();
        for (k, p) in self.covered(path) {
            let rest = &k[path.len()..];
            let segs: Vec<&str> = rest.split('.').collect();
            let mut prefix = path.to_owned();
            for (i, seg) in segs.iter().enumerate() {
                let last = i + 1 == segs.len();
                if last {
                    prefix.push_str(seg);
                    entries.insert(prefix.clone(), p.writable);
                } else {
                    prefix.push_str(seg);
                    prefix.push('.');
                    let writable = self.object_writable(&prefix);
                    entries.insert(prefix.clone(), writable);
                }
                if req.next_level {
                    break;
                }
            }
        }
        if !req.next_level && !path.is_empty() {
            entries.insert(path.to_owned(), self.object_writable(path));
        }
        for table in self.tables.keys() {
            // An empty table is still an object.
            if table.starts_with(path) && table.len() > path.len() {
                let depth = table[path.len()..].trim_end_matches('.').split('.').count();
                if !req.next_level || depth == 1 {
                    entries.entry(table.clone()).or_insert(true);
                }
            }
        }
        Ok(GetParameterNamesResponse::new(
            entries
                .into_iter()
                .map(|(k, w)| ParameterInfoStruct::new(k, w))
                .collect(),
        ))
    }

    /// Tables accept AddObject and their instances DeleteObject: both are "writable" objects.
    fn object_writable(&self, path: &str) -> bool {
        self.tables.contains_key(path) || self.instance_table(path).is_some()
    }

    /// The table of an instance path `Table.N.`.
    fn instance_table<'a>(&self, path: &'a str) -> Option<&'a str> {
        let body = path.strip_suffix('.')?;
        let (table, n) = body.rsplit_once('.')?;
        n.parse::<u32>().ok()?;
        let table = &path[..=table.len()];
        self.tables.contains_key(table).then_some(table)
    }

    /// Answers GetParameterAttributes (9005 for an unknown name).
    pub fn get_parameter_attributes(
        &self,
        req: &GetParameterAttributes,
    ) -> Result<GetParameterAttributesResponse, Fault> {
        let mut out = Vec::new();
        for name in &req.parameter_names {
            let n = name.as_str();
            let found: Vec<_> = if name.kind() == PathKind::Full {
                self.params.get_key_value(n).into_iter().collect()
            } else if self.object_exists(n) {
                self.covered(n).collect()
            } else {
                Vec::new()
            };
            if found.is_empty() && !(name.is_partial() && self.object_exists(n)) {
                return Err(fault(FaultCode::InvalidParameterName, n));
            }
            out.extend(found.into_iter().map(|(k, p)| {
                ParameterAttributeStruct::new(k.as_str(), p.notification, p.access_list.clone())
            }));
        }
        let mut resp = GetParameterAttributesResponse::default();
        resp.parameter_list = out;
        Ok(resp)
    }

    /// Answers SetParameterAttributes, all or nothing: 9005 for an unknown name, 9003 for a
    /// notification outside 0–6, 9009 for active notification on a parameter that refuses it.
    pub fn set_parameter_attributes(
        &mut self,
        req: &SetParameterAttributes,
    ) -> Result<SetParameterAttributesResponse, Fault> {
        let mut changes: Vec<(String, Option<i32>, Option<Vec<String>>)> = Vec::new();
        for s in &req.parameter_list {
            let n = s.name.as_str();
            let targets: Vec<(String, bool)> = if s.name.kind() == PathKind::Full {
                match self.params.get(n) {
                    Some(p) => vec![(n.to_owned(), p.deny_active)],
                    None => return Err(fault(FaultCode::InvalidParameterName, n)),
                }
            } else if self.object_exists(n) {
                self.covered(n)
                    .map(|(k, p)| (k.clone(), p.deny_active))
                    .collect()
            } else {
                return Err(fault(FaultCode::InvalidParameterName, n));
            };
            if s.notification_change && !(0..=6).contains(&s.notification) {
                return Err(fault(
                    FaultCode::InvalidArguments,
                    format!("Notification {} out of range", s.notification),
                ));
            }
            for (k, deny_active) in targets {
                if s.notification_change && s.notification == 2 && deny_active {
                    return Err(fault(FaultCode::NotificationRequestRejected, k));
                }
                changes.push((
                    k,
                    s.notification_change.then_some(s.notification),
                    s.access_list_change.then(|| s.access_list.clone()),
                ));
            }
        }
        for (k, notif, acl) in changes {
            let p = self.params.get_mut(&k).expect("checked above");
            if let Some(n) = notif {
                p.notification = n;
            }
            if let Some(a) = acl {
                p.access_list = a;
            }
        }
        Ok(SetParameterAttributesResponse::default())
    }

    /// Answers SetParameterValues, all or nothing. On failure a 9003 fault lists each bad
    /// parameter (9005 unknown, 9006 wrong type, 9007 bad value, 9008 read-only); a name given
    /// twice is a plain 9003. On success the ParameterKey is stored.
    pub fn set_parameter_values(
        &mut self,
        req: &SetParameterValues,
    ) -> Result<SetParameterValuesResponse, Fault> {
        let mut seen = BTreeSet::new();
        for s in &req.parameter_list {
            if !seen.insert(s.name.as_str()) {
                return Err(fault(
                    FaultCode::InvalidArguments,
                    format!("{} given twice", s.name),
                ));
            }
        }
        let mut faults = Vec::new();
        for s in &req.parameter_list {
            let n = s.name.as_str();
            let code = match self.params.get(n) {
                None => Some(FaultCode::InvalidParameterName),
                Some(p) if !p.writable => Some(FaultCode::NonWritableParameter),
                Some(p) => check_value(p, &s.value),
            };
            if let Some(code) = code {
                faults.push(SetParameterValuesFault::new(n, code));
            }
        }
        if !faults.is_empty() {
            return Err(Fault::set_parameter_values(faults));
        }
        for s in &req.parameter_list {
            let p = self.params.get_mut(s.name.as_str()).expect("checked above");
            // Stored in the declared type, whatever xsi:type the ACS used.
            p.value = ParameterValue::new(s.value.trimmed(), p.value.value_type.clone());
        }
        self.set_internal(PARAMETER_KEY, ParameterValue::string(&req.parameter_key));
        Ok(SetParameterValuesResponse::new(0))
    }

    /// Answers AddObject: 9005 unless the name is a table; instance numbers are never reused.
    pub fn add_object(&mut self, req: &AddObject) -> Result<AddObjectResponse, Fault> {
        let n = req.object_name.as_str();
        if !self.tables.contains_key(n) {
            return Err(fault(FaultCode::InvalidParameterName, n));
        }
        let instance = self.add_instance(n);
        self.set_internal(PARAMETER_KEY, ParameterValue::string(&req.parameter_key));
        Ok(AddObjectResponse::new(instance, 0))
    }

    /// Answers DeleteObject: 9005 unless the name is an existing instance.
    pub fn delete_object(&mut self, req: &DeleteObject) -> Result<DeleteObjectResponse, Fault> {
        let n = req.object_name.as_str();
        let Some(table) = self.instance_table(n).map(str::to_owned) else {
            return Err(fault(FaultCode::InvalidParameterName, n));
        };
        if !self.object_exists(n) {
            return Err(fault(FaultCode::InvalidParameterName, n));
        }
        self.params.retain(|k, _| !k.starts_with(n));
        self.recount(&table);
        self.set_internal(PARAMETER_KEY, ParameterValue::string(&req.parameter_key));
        Ok(DeleteObjectResponse::new(0))
    }
}

/// 9006 when the declared xsi:type differs (xsd:string is accepted for any type, as many
/// ACSes send everything as strings), 9007 when the text does not fit the type or constraint.
fn check_value(p: &Param, v: &ParameterValue) -> Option<FaultCode> {
    let declared = &p.value.value_type;
    if v.value_type != *declared && v.value_type != ValueType::String {
        return Some(FaultCode::InvalidParameterType);
    }
    let typed = ParameterValue::new(v.trimmed(), declared.clone());
    if typed.check().is_err() {
        return Some(FaultCode::InvalidParameterValue);
    }
    let ok = match p.constraint {
        Constraint::None => true,
        Constraint::Range(lo, hi) => typed.as_u64().is_ok_and(|x| (lo..=hi).contains(&x)),
        Constraint::MaxLen(max) => v.text.chars().count() <= max,
    };
    (!ok).then_some(FaultCode::InvalidParameterValue)
}

/// `ParameterName` from a string literal (for tests and callers building requests).
pub fn name(s: &str) -> ParameterName {
    ParameterName::from_wire(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cwmp_types::SetParameterAttributesStruct;

    fn tree() -> ParameterTree {
        ParameterTree::new(
            &DeviceIdentity::example("SN1"),
            "http://acs.example/",
            "1.0.0",
        )
    }

    fn spv(list: &[(&str, ParameterValue)], key: &str) -> SetParameterValues {
        SetParameterValues::new(
            list.iter()
                .map(|(n, v)| ParameterValueStruct::new(*n, v.clone()))
                .collect(),
            key,
        )
    }

    fn sattr(list: Vec<SetParameterAttributesStruct>) -> SetParameterAttributes {
        let mut s = SetParameterAttributes::default();
        s.parameter_list = list;
        s
    }

    fn names(r: &GetParameterNamesResponse) -> Vec<&str> {
        r.parameter_list.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn gpv_partial_path_and_full_name() {
        let t = tree();
        let r = t
            .get_parameter_values(&GetParameterValues::new(["Device.DeviceInfo."]))
            .unwrap();
        assert_eq!(r.parameter_list.len(), 8);
        assert!(
            r.parameter_list
                .iter()
                .any(|p| p.name.as_str() == "Device.DeviceInfo.SerialNumber"
                    && p.value.text == "SN1")
        );
        let r = t
            .get_parameter_values(&GetParameterValues::new([
                "Device.ManagementServer.PeriodicInformInterval",
            ]))
            .unwrap();
        assert_eq!(r.parameter_list[0].value, ParameterValue::unsigned_int(900));
    }

    #[test]
    fn gpv_unknown_is_9005() {
        let t = tree();
        for n in ["Device.Nope.", "Device.DeviceInfo.Nope", "Device.DeviceInf"] {
            let f = t
                .get_parameter_values(&GetParameterValues::new([n]))
                .unwrap_err();
            assert_eq!(f.fault_code, FaultCode::InvalidParameterName, "{n}");
        }
    }

    #[test]
    fn spv_success_stores_value_and_key() {
        let mut t = tree();
        let r = t
            .set_parameter_values(&spv(
                &[(
                    "Device.ManagementServer.PeriodicInformInterval",
                    ParameterValue::unsigned_int(60),
                )],
                "k1",
            ))
            .unwrap();
        assert_eq!(r.status, 0);
        assert_eq!(
            t.get("Device.ManagementServer.PeriodicInformInterval"),
            Some(&ParameterValue::unsigned_int(60))
        );
        assert_eq!(t.get(PARAMETER_KEY).unwrap().text, "k1");
    }

    #[test]
    fn spv_is_atomic_and_lists_every_fault() {
        let mut t = tree();
        let before = t.clone();
        let f = t
            .set_parameter_values(&spv(
                &[
                    (
                        "Device.ManagementServer.PeriodicInformEnable",
                        ParameterValue::boolean(false),
                    ),
                    ("Device.Nope", ParameterValue::string("x")),
                    (
                        "Device.ManagementServer.PeriodicInformInterval",
                        ParameterValue::boolean(true),
                    ),
                    (
                        "Device.ManagementServer.CWMPRetryMinimumWaitInterval",
                        ParameterValue::unsigned_int(0),
                    ),
                    (
                        "Device.DeviceInfo.SerialNumber",
                        ParameterValue::string("x"),
                    ),
                ],
                "k2",
            ))
            .unwrap_err();
        assert_eq!(f.fault_code, FaultCode::InvalidArguments);
        let codes: Vec<_> = f
            .set_parameter_values_faults
            .iter()
            .map(|x| (x.parameter_name.as_str(), x.fault_code.code()))
            .collect();
        assert_eq!(
            codes,
            [
                ("Device.Nope", 9005),
                ("Device.ManagementServer.PeriodicInformInterval", 9006),
                ("Device.ManagementServer.CWMPRetryMinimumWaitInterval", 9007),
                ("Device.DeviceInfo.SerialNumber", 9008),
            ]
        );
        assert_eq!(t, before, "nothing applied, ParameterKey unchanged");
    }

    #[test]
    fn spv_accepts_string_typed_values_and_rejects_bad_text() {
        let mut t = tree();
        t.set_parameter_values(&spv(
            &[(
                "Device.ManagementServer.PeriodicInformInterval",
                ParameterValue::string(" 30 "),
            )],
            "",
        ))
        .unwrap();
        assert_eq!(
            t.get("Device.ManagementServer.PeriodicInformInterval"),
            Some(&ParameterValue::unsigned_int(30))
        );
        let f = t
            .set_parameter_values(&spv(
                &[(
                    "Device.ManagementServer.PeriodicInformInterval",
                    ParameterValue::string("soon"),
                )],
                "",
            ))
            .unwrap_err();
        assert_eq!(f.set_parameter_values_faults[0].fault_code.code(), 9007);
    }

    #[test]
    fn spv_duplicate_name_is_9003() {
        let mut t = tree();
        let n = "Device.ManagementServer.Username";
        let f = t
            .set_parameter_values(&spv(
                &[
                    (n, ParameterValue::string("a")),
                    (n, ParameterValue::string("b")),
                ],
                "",
            ))
            .unwrap_err();
        assert_eq!(f.fault_code, FaultCode::InvalidArguments);
        assert!(f.set_parameter_values_faults.is_empty());
    }

    #[test]
    fn add_object_never_reuses_instance_numbers() {
        let mut t = tree();
        let a = t
            .add_object(&AddObject::new(IP_INTERFACE_TABLE, "a"))
            .unwrap();
        assert_eq!(a.instance_number, 2);
        assert_eq!(t.get(PARAMETER_KEY).unwrap().text, "a");
        assert_eq!(
            t.get("Device.IP.InterfaceNumberOfEntries"),
            Some(&ParameterValue::unsigned_int(2))
        );
        t.delete_object(&DeleteObject::new("Device.IP.Interface.2.", "d"))
            .unwrap();
        assert_eq!(t.instances(IP_INTERFACE_TABLE), BTreeSet::from([1]));
        let b = t
            .add_object(&AddObject::new(IP_INTERFACE_TABLE, "b"))
            .unwrap();
        assert_eq!(b.instance_number, 3);
        t.set_parameter_values(&spv(
            &[
                (
                    "Device.IP.Interface.3.Enable",
                    ParameterValue::boolean(true),
                ),
                ("Device.IP.Interface.3.Alias", ParameterValue::string("lan")),
            ],
            "c",
        ))
        .unwrap();
        assert_eq!(t.get("Device.IP.Interface.3.Alias").unwrap().text, "lan");
    }

    #[test]
    fn add_and_delete_object_faults() {
        let mut t = tree();
        for n in [
            "Device.DeviceInfo.",
            "Device.IP.Interface.1.",
            "Device.Foo.",
        ] {
            let f = t.add_object(&AddObject::new(n, "")).unwrap_err();
            assert_eq!(f.fault_code, FaultCode::InvalidParameterName, "{n}");
        }
        for n in [
            "Device.IP.Interface.9.",
            "Device.IP.Interface.",
            "Device.DeviceInfo.",
        ] {
            let f = t.delete_object(&DeleteObject::new(n, "")).unwrap_err();
            assert_eq!(f.fault_code, FaultCode::InvalidParameterName, "{n}");
        }
        assert_eq!(t.get(PARAMETER_KEY).unwrap().text, "");
    }

    #[test]
    fn gpn_next_level_and_full_tree() {
        let t = tree();
        let r = t
            .get_parameter_names(&GetParameterNames::new("Device.", true))
            .unwrap();
        assert_eq!(
            names(&r),
            [
                "Device.DeviceInfo.",
                "Device.IP.",
                "Device.ManagementServer."
            ]
        );
        let r = t
            .get_parameter_names(&GetParameterNames::new("Device.IP.", false))
            .unwrap();
        assert!(names(&r).contains(&"Device.IP."));
        assert!(names(&r).contains(&"Device.IP.Interface."));
        assert!(names(&r).contains(&"Device.IP.Interface.1."));
        assert!(names(&r).contains(&"Device.IP.Interface.1.MaxMTUSize"));
        let table = r
            .parameter_list
            .iter()
            .find(|p| p.name.as_str() == "Device.IP.Interface.")
            .unwrap();
        assert!(table.writable);
        let status = r
            .parameter_list
            .iter()
            .find(|p| p.name.as_str() == "Device.IP.Interface.1.Status")
            .unwrap();
        assert!(!status.writable);
    }

    #[test]
    fn gpn_faults() {
        let t = tree();
        let f = t
            .get_parameter_names(&GetParameterNames::new("Device.Nope.", false))
            .unwrap_err();
        assert_eq!(f.fault_code, FaultCode::InvalidParameterName);
        let f = t
            .get_parameter_names(&GetParameterNames::new("Device.DeviceInfo.UpTime", true))
            .unwrap_err();
        assert_eq!(f.fault_code, FaultCode::InvalidArguments);
        let r = t
            .get_parameter_names(&GetParameterNames::new("Device.DeviceInfo.UpTime", false))
            .unwrap();
        assert_eq!(names(&r), ["Device.DeviceInfo.UpTime"]);
    }

    #[test]
    fn empty_table_is_still_an_object() {
        let mut t = tree();
        t.delete_object(&DeleteObject::new("Device.IP.Interface.1.", ""))
            .unwrap();
        let r = t
            .get_parameter_names(&GetParameterNames::new("Device.IP.", true))
            .unwrap();
        assert_eq!(
            names(&r),
            ["Device.IP.Interface.", "Device.IP.InterfaceNumberOfEntries"]
        );
        assert!(
            t.get_parameter_values(&GetParameterValues::new([IP_INTERFACE_TABLE]))
                .unwrap()
                .parameter_list
                .is_empty()
        );
    }

    #[test]
    fn attributes_set_get_and_9009() {
        let mut t = tree();
        let n = "Device.ManagementServer.PeriodicInformInterval";
        t.set_parameter_attributes(&sattr(vec![SetParameterAttributesStruct::notification(
            n, 2,
        )]))
        .unwrap();
        let r = t
            .get_parameter_attributes(&GetParameterAttributes::new([n]))
            .unwrap();
        assert_eq!(r.parameter_list[0].notification, 2);

        let before = t.clone();
        let f = t
            .set_parameter_attributes(&sattr(vec![
                SetParameterAttributesStruct::notification(n, 1),
                SetParameterAttributesStruct::notification("Device.DeviceInfo.UpTime", 2),
            ]))
            .unwrap_err();
        assert_eq!(f.fault_code, FaultCode::NotificationRequestRejected);
        assert_eq!(t, before, "all or nothing");
        let f = t
            .set_parameter_attributes(&sattr(vec![SetParameterAttributesStruct::notification(
                n, 7,
            )]))
            .unwrap_err();
        assert_eq!(f.fault_code, FaultCode::InvalidArguments);
        let f = t
            .get_parameter_attributes(&GetParameterAttributes::new(["Device.X"]))
            .unwrap_err();
        assert_eq!(f.fault_code, FaultCode::InvalidParameterName);
    }

    #[test]
    fn inform_parameters_follow_the_tree() {
        let mut t = tree();
        t.set_internal(
            "Device.ManagementServer.ConnectionRequestURL",
            ParameterValue::string("http://127.0.0.1:7547/cr"),
        );
        let p = t.inform_parameters();
        assert_eq!(p.len(), 5);
        assert!(p.iter().any(|x| x.value.text == "http://127.0.0.1:7547/cr"));
    }
}
