//! Known-answer tests of the parameter RPCs, one rule each, with the TR-069 Amendment 6
//! section that states it.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use cwmp_datamodel::{Applied, Binding, ReadOnly, Value};
use cwmp_types::*;

const PII: &str = "Device.ManagementServer.PeriodicInformInterval";
const KEY: &str = "Device.ManagementServer.ParameterKey";

// ------------------------------------------------------------------ GetParameterValues

#[test]
fn gpv_full_name_carries_the_schema_type() {
    // §A.3.2.2: ParameterList with each Value's type.
    let m = model();
    let r = m
        .get_parameter_values(&GetParameterValues::new([PII]))
        .unwrap();
    assert_eq!(r.parameter_list.len(), 1);
    assert_eq!(r.parameter_list[0].value.value_type, ValueType::UnsignedInt);
    assert_eq!(
        r.parameter_list[0].value.text, "1",
        "smallest value in range"
    );
}

#[test]
fn gpv_partial_path_lists_every_parameter_below_and_no_object() {
    // §A.3.2.2: a partial path stands for every parameter below it.
    let mut m = model();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    let all = gpv(&m, &["Device.IP."]).unwrap();
    assert!(
        all.iter()
            .all(|(n, _)| n.starts_with("Device.IP.") && !n.ends_with('.'))
    );
    assert!(
        all.iter()
            .any(|(n, _)| n == "Device.IP.Interface.1.Stats.BytesSent")
    );
    assert!(all.iter().any(|(n, _)| n == "Device.IP.IPv4Enable"));
    let mut names: Vec<_> = all.iter().map(|(n, _)| n.clone()).collect();
    names.dedup();
    assert_eq!(names.len(), all.len(), "no duplicates");
}

#[test]
fn gpv_empty_path_is_the_whole_tree() {
    // §A.3.2.2: the empty path names the top of the hierarchy.
    let m = model();
    let all = gpv(&m, &[""]).unwrap();
    let params = gpn(&m, "", false)
        .unwrap()
        .into_iter()
        .filter(|(n, _)| !n.ends_with('.'))
        .count();
    assert_eq!(all.len(), params);
    assert!(
        all.iter()
            .any(|(n, _)| n == "Device.DeviceInfo.SoftwareVersion")
    );
}

#[test]
fn gpv_unknown_names_are_9005() {
    // §A.3.2.2: 9005 Invalid parameter name.
    let m = model();
    for bad in [
        "Device.DeviceInfo.Nope",
        "Device.DeviceInfo",
        "Device.DeviceInfo.UpTime.",
        "Device.IP.Interface.1.",
        "Device.IP.Interface.1.Enable",
        "InternetGatewayDevice.",
        "Device.IP.Interface.[wan].",
    ] {
        let f = gpv(&m, &["Device.DeviceInfo.UpTime", bad]).unwrap_err();
        assert_eq!(f.fault_code, FaultCode::InvalidParameterName, "{bad}");
    }
}

#[test]
fn gpv_hidden_parameters_read_back_empty() {
    // TR-106 `hidden`: the value is hidden from the ACS (passwords) and reads back empty.
    let mut m = model();
    spv(
        &mut m,
        &[(
            "Device.ManagementServer.Password",
            ParameterValue::string("s3cret"),
        )],
        "",
    )
    .unwrap();
    assert_eq!(value(&m, "Device.ManagementServer.Password"), "");
    assert_eq!(
        m.get("Device.ManagementServer.Password").unwrap().text,
        "s3cret"
    );
}

#[test]
fn gpv_values_come_live_from_bindings() {
    // Live values (uptime, counters) are read at every request, never frozen.
    let mut m = model();
    let uptime = Arc::new(Mutex::new(10u32));
    let u = uptime.clone();
    m.bind(
        "Device.DeviceInfo.UpTime",
        ReadOnly(move |_: &str| Ok(Value::from(*u.lock().unwrap()))),
    )
    .unwrap();
    assert_eq!(value(&m, "Device.DeviceInfo.UpTime"), "10");
    *uptime.lock().unwrap() = 11;
    assert_eq!(value(&m, "Device.DeviceInfo.UpTime"), "11");
    let all = gpv(&m, &["Device.DeviceInfo."]).unwrap();
    assert!(all.contains(&("Device.DeviceInfo.UpTime".into(), "11".into())));
}

// ------------------------------------------------------------------ GetParameterNames

#[test]
fn gpn_empty_path_next_level_names_the_root_only() {
    // §A.3.2.3: empty path, NextLevel true → the root object.
    let m = model();
    assert_eq!(
        gpn(&m, "", true).unwrap(),
        vec![("Device.".to_owned(), false)]
    );
    let all = gpn(&m, "", false).unwrap();
    assert_eq!(all[0].0, "Device.");
    assert!(all.iter().any(|(n, _)| n == "Device.ManagementServer.URL"));
}

#[test]
fn gpn_next_level_true_lists_direct_children_only() {
    // §A.3.2.3: NextLevel true → the object's immediate children, objects with their dot.
    let mut m = model();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    let names = gpn(&m, "Device.IP.", true).unwrap();
    assert!(
        names.contains(&("Device.IP.Interface.".into(), true)),
        "table writable: AddObject allowed"
    );
    assert!(names.contains(&("Device.IP.IPv4Enable".into(), true)));
    assert!(names.contains(&("Device.IP.IPv4Capable".into(), false)));
    assert!(!names.iter().any(|(n, _)| n == "Device.IP."));
    assert!(
        !names
            .iter()
            .any(|(n, _)| n.starts_with("Device.IP.Interface.1"))
    );
    let inst = gpn(&m, "Device.IP.Interface.", true).unwrap();
    assert_eq!(
        inst,
        vec![("Device.IP.Interface.1.".into(), true)],
        "instance: DeleteObject allowed"
    );
}

#[test]
fn gpn_next_level_false_includes_the_object_itself_and_all_below() {
    // §A.3.2.3: NextLevel false → the object named and everything below it.
    let m = model();
    let names = gpn(&m, "Device.DeviceInfo.", false).unwrap();
    assert_eq!(
        names[0],
        ("Device.DeviceInfo.".into(), false),
        "single-instance object"
    );
    assert!(
        names
            .iter()
            .all(|(n, _)| n.starts_with("Device.DeviceInfo."))
    );
    assert!(names.contains(&("Device.DeviceInfo.VendorConfigFile.".into(), false)));
}

#[test]
fn gpn_full_name_gives_the_parameter_and_refuses_next_level() {
    // §A.3.2.3: a full parameter name with NextLevel true is invalid (9003).
    let m = model();
    assert_eq!(gpn(&m, PII, false).unwrap(), vec![(PII.to_owned(), true)]);
    assert_eq!(
        gpn(&m, PII, true).unwrap_err().fault_code,
        FaultCode::InvalidArguments
    );
    assert_eq!(
        gpn(&m, "Device.Nope.", false).unwrap_err().fault_code,
        FaultCode::InvalidParameterName
    );
}

// ------------------------------------------------------------------ SetParameterValues

#[test]
fn spv_success_applies_all_and_sets_the_parameter_key() {
    // §A.3.2.1: Status 0, values applied, ParameterKey = the request's key.
    let mut m = model();
    let status = spv(
        &mut m,
        &[
            (PII, ParameterValue::unsigned_int(300)),
            (
                "Device.ManagementServer.URL",
                ParameterValue::string("http://acs.example/"),
            ),
        ],
        "key-1",
    )
    .unwrap();
    assert_eq!(status, 0);
    assert_eq!(value(&m, PII), "300");
    assert_eq!(value(&m, KEY), "key-1");
}

#[test]
fn spv_failure_lists_each_bad_parameter_and_changes_nothing() {
    // §A.3.2.1: atomic; 9003 with a SetParameterValuesFault per parameter.
    let mut m = model();
    spv(&mut m, &[(PII, ParameterValue::unsigned_int(60))], "old").unwrap();
    let before = snapshot(&m);
    let f = spv(
        &mut m,
        &[
            (PII, ParameterValue::unsigned_int(300)),
            ("Device.ManagementServer.Nope", ParameterValue::string("x")),
            (
                "Device.ManagementServer.PeriodicInformEnable",
                ParameterValue::int(1),
            ),
            (
                "Device.ManagementServer.CWMPRetryMinimumWaitInterval",
                ParameterValue::unsigned_int(0),
            ),
            (
                "Device.DeviceInfo.Manufacturer",
                ParameterValue::string("x"),
            ),
        ],
        "new",
    )
    .unwrap_err();
    assert_eq!(f.fault_code, FaultCode::InvalidArguments);
    let codes: Vec<(String, u32)> = f
        .set_parameter_values_faults
        .iter()
        .map(|s| (s.parameter_name.clone(), s.fault_code.code()))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("Device.ManagementServer.Nope".into(), 9005),
            ("Device.ManagementServer.PeriodicInformEnable".into(), 9006),
            (
                "Device.ManagementServer.CWMPRetryMinimumWaitInterval".into(),
                9007
            ),
            ("Device.DeviceInfo.Manufacturer".into(), 9008),
        ]
    );
    assert_eq!(snapshot(&m), before);
    assert_eq!(value(&m, KEY), "old", "ParameterKey only on success");
}

#[test]
fn spv_same_name_twice_is_9003() {
    // §A.3.2.1: a parameter must not appear more than once.
    let mut m = model();
    let f = spv(
        &mut m,
        &[
            (PII, ParameterValue::unsigned_int(5)),
            (PII, ParameterValue::unsigned_int(6)),
        ],
        "",
    )
    .unwrap_err();
    assert_eq!(f.fault_code, FaultCode::InvalidArguments);
    assert!(f.set_parameter_values_faults.is_empty());
    assert_eq!(value(&m, PII), "1");
}

#[test]
fn spv_checks_enumeration_size_and_string_type_leniency() {
    // §A.3.2.1 9007 for enumeration and size; values sent as xsd:string are accepted for
    // any type when the text fits it.
    let mut m = model();
    let bad_enum = spv(
        &mut m,
        &[(
            "Device.ManagementServer.InstanceMode",
            ParameterValue::string("Nope"),
        )],
        "",
    );
    assert_eq!(
        bad_enum.unwrap_err().set_parameter_values_faults[0]
            .fault_code
            .code(),
        9007
    );
    let long = "x".repeat(257);
    let bad_size = spv(
        &mut m,
        &[(
            "Device.ManagementServer.Username",
            ParameterValue::string(long),
        )],
        "",
    );
    assert_eq!(
        bad_size.unwrap_err().set_parameter_values_faults[0]
            .fault_code
            .code(),
        9007
    );
    spv(&mut m, &[(PII, ParameterValue::string(" 120 "))], "").unwrap();
    assert_eq!(value(&m, PII), "120", "numbers without their whitespace");
}

#[test]
fn spv_stores_strings_exactly_as_sent() {
    let mut m = model();
    spv(
        &mut m,
        &[(
            "Device.ManagementServer.Username",
            ParameterValue::string("  a b\t"),
        )],
        "",
    )
    .unwrap();
    assert_eq!(value(&m, "Device.ManagementServer.Username"), "  a b\t");
}

#[derive(Debug, Default)]
struct Log {
    events: Vec<String>,
    value: u64,
}

/// A binding recording its phases; refuses values above 1000 at validation and 666 at
/// commit; 7 applies only after a reboot.
#[derive(Debug, Clone)]
struct Recorder(Arc<Mutex<Log>>);

impl Binding for Recorder {
    fn get(&self, _: &str) -> Result<Value, FaultCode> {
        Ok(Value::from(self.0.lock().unwrap().value))
    }
    fn validate(&mut self, path: &str, v: &Value) -> Result<(), FaultCode> {
        self.0
            .lock()
            .unwrap()
            .events
            .push(format!("validate {path}={v}"));
        if v.as_u64().unwrap() > 1000 {
            return Err(FaultCode::InvalidParameterValue);
        }
        Ok(())
    }
    fn commit(&mut self, path: &str, v: &Value) -> Result<Applied, FaultCode> {
        let mut log = self.0.lock().unwrap();
        log.events.push(format!("commit {path}={v}"));
        match v.as_u64().unwrap() {
            666 => Err(FaultCode::InternalError),
            n => {
                log.value = n;
                Ok(if n == 7 { Applied::Later } else { Applied::Now })
            }
        }
    }
    fn rollback(&mut self, path: &str) {
        self.0
            .lock()
            .unwrap()
            .events
            .push(format!("rollback {path}"));
    }
}

#[test]
fn spv_bindings_validate_all_then_commit_and_roll_back() {
    // §A.3.2.1: all validated before any is applied; a failed commit undoes the others.
    let mut m = model();
    let log = Arc::new(Mutex::new(Log::default()));
    m.bind(PII, Recorder(log.clone())).unwrap();
    m.bind(
        "Device.ManagementServer.DefaultActiveNotificationThrottle",
        Recorder(log.clone()),
    )
    .unwrap();
    let t = "Device.ManagementServer.DefaultActiveNotificationThrottle";
    // Validation failure: nothing committed.
    let f = spv(
        &mut m,
        &[
            (PII, ParameterValue::unsigned_int(5)),
            (t, ParameterValue::unsigned_int(5000)),
        ],
        "",
    )
    .unwrap_err();
    assert_eq!(f.set_parameter_values_faults[0].parameter_name, t);
    assert!(
        log.lock()
            .unwrap()
            .events
            .iter()
            .all(|e| e.starts_with("validate"))
    );
    // Commit failure: the first is rolled back.
    log.lock().unwrap().events.clear();
    let f = spv(
        &mut m,
        &[
            (PII, ParameterValue::unsigned_int(5)),
            (t, ParameterValue::unsigned_int(666)),
        ],
        "k",
    )
    .unwrap_err();
    assert_eq!(f.fault_code, FaultCode::InternalError);
    assert_eq!(
        log.lock().unwrap().events,
        vec![
            format!("validate {PII}=5"),
            format!("validate {t}=666"),
            format!("commit {PII}=5"),
            format!("commit {t}=666"),
            format!("rollback {PII}"),
        ]
    );
    assert_ne!(value(&m, KEY), "k");
    // Applied later: Status 1.
    assert_eq!(
        spv(&mut m, &[(PII, ParameterValue::unsigned_int(7))], "").unwrap(),
        1
    );
}

#[test]
fn spv_refuses_a_duplicate_unique_key() {
    // TR-106 unique keys (Alias: unique among all instances) → 9007.
    let mut m = model();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    assert_eq!(value(&m, "Device.IP.Interface.1.Alias"), "cpe-1");
    assert_eq!(value(&m, "Device.IP.Interface.2.Alias"), "cpe-2");
    let f = spv(
        &mut m,
        &[(
            "Device.IP.Interface.2.Alias",
            ParameterValue::string("cpe-1"),
        )],
        "",
    )
    .unwrap_err();
    assert_eq!(f.set_parameter_values_faults[0].fault_code.code(), 9007);
    // Swapping both in one request is fine.
    spv(
        &mut m,
        &[
            ("Device.IP.Interface.1.Alias", ParameterValue::string("wan")),
            ("Device.IP.Interface.2.Alias", ParameterValue::string("lan")),
        ],
        "",
    )
    .unwrap();
    // An alias must start with a letter.
    let f = spv(
        &mut m,
        &[("Device.IP.Interface.2.Alias", ParameterValue::string("1x"))],
        "",
    )
    .unwrap_err();
    assert_eq!(f.set_parameter_values_faults[0].fault_code.code(), 9007);
}

// ------------------------------------------------------------------ attributes

#[test]
fn spa_partial_path_sets_every_parameter_below() {
    // §A.3.2.4: a partial path applies to all parameters below; §A.3.2.5 reads them back.
    let mut m = model();
    spa(&mut m, "Device.ManagementServer.", 1).unwrap();
    let attrs = m
        .get_parameter_attributes(&GetParameterAttributes::new(["Device.ManagementServer."]))
        .unwrap();
    assert!(attrs.parameter_list.len() > 20);
    assert!(
        attrs.parameter_list.iter().all(|a| a.notification == 1
            || a.name.as_str().ends_with("ConnectionRequestURL")
            || a.name.as_str().ends_with("ConnReqJabberID")),
        "forceEnabled parameters keep 2"
    );
}

#[test]
fn spa_active_notification_is_refused_where_the_schema_can_deny_it() {
    // §A.3.2.4: 9009 Notification request rejected (activeNotify="canDeny").
    let mut m = model();
    let f = spa(&mut m, "Device.DeviceInfo.UpTime", 2).unwrap_err();
    assert_eq!(f.fault_code, FaultCode::NotificationRequestRejected);
    spa(&mut m, "Device.DeviceInfo.UpTime", 1).unwrap();
    m.set_accept_can_deny(true);
    spa(&mut m, "Device.DeviceInfo.UpTime", 2).unwrap();
    assert_eq!(notification(&m, "Device.DeviceInfo.UpTime"), 2);
}

#[test]
fn spa_forced_active_parameters_stay_active() {
    // TR-106 activeNotify forceEnabled: active notification always on (9009 otherwise);
    // forceDefaultEnabled: active by default, changeable.
    let mut m = model();
    assert_eq!(notification(&m, "Device.DeviceInfo.SoftwareVersion"), 2);
    let f = spa(&mut m, "Device.DeviceInfo.SoftwareVersion", 0).unwrap_err();
    assert_eq!(f.fault_code, FaultCode::NotificationRequestRejected);
    assert_eq!(
        notification(&m, "Device.ManagementServer.ConnectionRequestURL"),
        2
    );
    spa(&mut m, "Device.ManagementServer.ConnectionRequestURL", 0).unwrap();
    assert_eq!(
        notification(&m, "Device.ManagementServer.ConnectionRequestURL"),
        0
    );
}

#[test]
fn spa_is_all_or_nothing_and_checks_its_arguments() {
    // §A.3.2.4: one bad entry and nothing changes; Notification is 0–6.
    let mut m = model();
    let req = SetParameterAttributes::new(vec![
        SetParameterAttributesStruct::notification(PII, 1),
        SetParameterAttributesStruct::notification("Device.Nope", 1),
    ]);
    assert_eq!(
        m.set_parameter_attributes(&req).unwrap_err().fault_code,
        FaultCode::InvalidParameterName
    );
    assert_eq!(notification(&m, PII), 0);
    assert_eq!(
        spa(&mut m, PII, 7).unwrap_err().fault_code,
        FaultCode::InvalidArguments
    );
    let mut acl = SetParameterAttributesStruct::notification(PII, 0);
    acl.notification_change = false;
    acl.access_list_change = true;
    acl.access_list = vec!["Subscriber".into()];
    m.set_parameter_attributes(&SetParameterAttributes::new(vec![acl]))
        .unwrap();
    let a = m
        .get_parameter_attributes(&GetParameterAttributes::new([PII]))
        .unwrap();
    assert_eq!(
        a.parameter_list[0].access_list,
        vec!["Subscriber".to_owned()]
    );
    assert_eq!(a.parameter_list[0].notification, 0);
}

// ------------------------------------------------------------------ AddObject / DeleteObject

#[test]
fn add_object_numbers_increase_and_are_never_reused() {
    // §A.3.2.6: the CPE assigns the instance number; never reused while the device runs.
    let mut m = model();
    assert_eq!(add(&mut m, "Device.IP.Interface.", "a").unwrap(), 1);
    assert_eq!(add(&mut m, "Device.IP.Interface.", "b").unwrap(), 2);
    assert_eq!(value(&m, KEY), "b");
    assert_eq!(delete(&mut m, "Device.IP.Interface.2.", "c").unwrap(), 0);
    assert_eq!(value(&m, KEY), "c");
    assert_eq!(add(&mut m, "Device.IP.Interface.", "").unwrap(), 3);
    assert_eq!(m.instances("Device.IP.Interface."), vec![1, 3]);
}

#[test]
fn add_object_applies_defaults_and_counts_entries() {
    // §A.3.2.6 with TR-106 defaults and numEntriesParameter.
    let mut m = model();
    assert_eq!(value(&m, "Device.IP.InterfaceNumberOfEntries"), "0");
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    add(&mut m, "Device.IP.Interface.1.IPv4Address.", "").unwrap();
    assert_eq!(value(&m, "Device.IP.InterfaceNumberOfEntries"), "1");
    assert_eq!(
        value(&m, "Device.IP.Interface.1.IPv4AddressNumberOfEntries"),
        "1"
    );
    assert_eq!(value(&m, "Device.IP.Interface.1.Enable"), "false");
    assert_eq!(value(&m, "Device.IP.Interface.1.Status"), "Down");
    assert_eq!(
        value(&m, "Device.IP.Interface.1.IPv4Address.1.AddressingType"),
        "Static"
    );
    delete(&mut m, "Device.IP.Interface.1.", "").unwrap();
    assert_eq!(value(&m, "Device.IP.InterfaceNumberOfEntries"), "0");
    assert!(gpv(&m, &["Device.IP.Interface.1.IPv4Address.1.Enable"]).is_err());
}

#[test]
fn add_object_stops_at_max_entries() {
    // §A.3.2.6: 9004 Resources exceeded.
    let mut m = model();
    add(&mut m, "Device.X_00D09E_Fan.", "").unwrap();
    add(&mut m, "Device.X_00D09E_Fan.", "").unwrap();
    let f = add(&mut m, "Device.X_00D09E_Fan.", "k").unwrap_err();
    assert_eq!(f.fault_code, FaultCode::ResourcesExceeded);
    assert_ne!(value(&m, KEY), "k");
    assert_eq!(value(&m, "Device.X_00D09E_Fan.1.Speed"), "50");
}

#[test]
fn add_and_delete_refuse_what_is_not_a_table_or_instance() {
    // §A.3.2.6/§A.3.2.7: 9005 for names that are not (deletable) tables or instances.
    let mut m = model();
    for bad in [
        "Device.IP.",
        "Device.Nope.",
        "Device.IP.Interface",
        "Device.DeviceInfo.VendorConfigFile.",
    ] {
        assert_eq!(
            add(&mut m, bad, "").unwrap_err().fault_code,
            FaultCode::InvalidParameterName,
            "{bad}"
        );
    }
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    for bad in [
        "Device.IP.Interface.",
        "Device.IP.Interface.2.",
        "Device.IP.Interface.01.",
        "Device.IP.",
    ] {
        assert_eq!(
            delete(&mut m, bad, "").unwrap_err().fault_code,
            FaultCode::InvalidParameterName,
            "{bad}"
        );
    }
}

#[test]
fn alias_based_addressing_names_instances_by_alias() {
    // §3.6.1 and Appendix II: `[alias]` in place of the instance number (CWMP 1.3+).
    let mut m = model();
    assert_eq!(
        add(&mut m, "Device.IP.Interface.[wan].", "")
            .unwrap_err()
            .fault_code,
        FaultCode::InvalidParameterName
    );
    m.set_alias_addressing(true);
    let n = add(&mut m, "Device.IP.Interface.[wan].", "").unwrap();
    assert_eq!(value(&m, &format!("Device.IP.Interface.{n}.Alias")), "wan");
    assert_eq!(value(&m, "Device.IP.Interface.[wan].Enable"), "false");
    spv(
        &mut m,
        &[(
            "Device.IP.Interface.[wan].Enable",
            ParameterValue::boolean(true),
        )],
        "",
    )
    .unwrap();
    assert_eq!(value(&m, &format!("Device.IP.Interface.{n}.Enable")), "1");
    assert_eq!(
        add(&mut m, "Device.IP.Interface.[wan].", "")
            .unwrap_err()
            .fault_code,
        FaultCode::InvalidParameterValue
    );
    delete(&mut m, "Device.IP.Interface.[wan].", "").unwrap();
    assert!(m.instances("Device.IP.Interface.").is_empty());
}

#[test]
fn answer_dispatches_parameter_rpcs_only() {
    let mut m = model();
    let r = m.answer(&Request::GetParameterNames(GetParameterNames::new(
        "", true,
    )));
    assert!(matches!(r, Some(Ok(Response::GetParameterNames(_)))));
    assert!(m.answer(&Request::Reboot(Reboot::new("k"))).is_none());
}

#[test]
fn add_object_refuses_defaults_that_repeat_a_unique_key() {
    // TR-106 unique keys at AddObject: a table without an enable parameter whose key has a
    // default can hold one instance with that default.
    let mut s = schema();
    let mut t = cwmp_datamodel::ObjectSpec::new("Device.X_00D09E_Rule.{i}.");
    t.writable = true;
    t.min_entries = 0;
    t.max_entries = None;
    let mut key = cwmp_datamodel::schema::UniqueKey::default();
    key.functional = true;
    key.parameters = vec!["Name".into()];
    t.unique_keys = vec![key];
    t.params.push(
        cwmp_datamodel::ParamSpec::new("Name", ValueType::String)
            .writable()
            .with_default("rule"),
    );
    s.add_object(t).unwrap();
    let mut m = cwmp_datamodel::DataModel::new(s);
    assert_eq!(add(&mut m, "Device.X_00D09E_Rule.", "").unwrap(), 1);
    let f = add(&mut m, "Device.X_00D09E_Rule.", "k").unwrap_err();
    assert_eq!(f.fault_code, FaultCode::RequestDenied);
    assert_eq!(m.instances("Device.X_00D09E_Rule."), vec![1]);
    spv(
        &mut m,
        &[(
            "Device.X_00D09E_Rule.1.Name",
            ParameterValue::string("first"),
        )],
        "",
    )
    .unwrap();
    assert_eq!(
        add(&mut m, "Device.X_00D09E_Rule.", "").unwrap(),
        3,
        "2 is never reused"
    );
}

#[test]
fn auto_create_instances_makes_the_named_instance_and_undoes_it_on_failure() {
    // Appendix II: with AutoCreateInstances, SetParameterValues on `Table.[alias].` creates it.
    let mut m = model();
    m.set_alias_addressing(true);
    let name = "Device.IP.Interface.[wan].Enable";
    let off = spv(&mut m, &[(name, ParameterValue::boolean(true))], "").unwrap_err();
    assert_eq!(
        off.set_parameter_values_faults[0].fault_code,
        FaultCode::InvalidParameterName
    );
    m.set("Device.ManagementServer.AutoCreateInstances", true)
        .unwrap();
    // A failing request leaves no instance behind.
    let bad = spv(
        &mut m,
        &[
            (name, ParameterValue::boolean(true)),
            ("Device.Nope", ParameterValue::string("")),
        ],
        "",
    );
    assert!(bad.is_err());
    let before = m.stored();
    assert!(m.instances("Device.IP.Interface.").is_empty());
    assert_eq!(value(&m, "Device.IP.InterfaceNumberOfEntries"), "0");
    assert_eq!(
        before.next_instance["Device.IP.Interface."], 1,
        "nothing changed"
    );
    spv(&mut m, &[(name, ParameterValue::boolean(true))], "k").unwrap();
    let n = m.instances("Device.IP.Interface.");
    assert_eq!(n, vec![1]);
    assert_eq!(
        value(&m, &format!("Device.IP.Interface.{}.Alias", n[0])),
        "wan"
    );
    assert_eq!(
        value(&m, &format!("Device.IP.Interface.{}.Enable", n[0])),
        "1"
    );
    // The next request finds it.
    spv(&mut m, &[(name, ParameterValue::boolean(false))], "").unwrap();
    assert_eq!(m.instances("Device.IP.Interface.").len(), 1);
}

#[test]
fn instance_alias_mode_returns_names_with_aliases() {
    // §3.6.1: with InstanceMode InstanceAlias, returned names use instance aliases.
    let mut m = model();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    add(&mut m, "Device.IP.Interface.1.IPv4Address.", "").unwrap();
    spv(
        &mut m,
        &[("Device.IP.Interface.1.Alias", ParameterValue::string("wan"))],
        "",
    )
    .unwrap();
    m.set("Device.ManagementServer.InstanceMode", "InstanceAlias")
        .unwrap();
    // Only with Alias-based addressing on.
    assert!(
        gpv(&m, &["Device.IP.Interface.1.Enable"]).unwrap()[0]
            .0
            .contains(".1.")
    );
    m.set_alias_addressing(true);
    let v = gpv(&m, &["Device.IP.Interface.1.IPv4Address."]).unwrap();
    assert!(
        v.iter()
            .any(|(n, _)| n == "Device.IP.Interface.[wan].IPv4Address.[cpe-1].IPAddress"),
        "{v:?}"
    );
    let names = gpn(&m, "Device.IP.Interface.", true).unwrap();
    assert_eq!(names, vec![("Device.IP.Interface.[wan].".to_owned(), true)]);
    let a = m
        .get_parameter_attributes(&GetParameterAttributes::new([
            "Device.IP.Interface.[wan].Enable",
        ]))
        .unwrap();
    assert_eq!(
        a.parameter_list[0].name.as_str(),
        "Device.IP.Interface.[wan].Enable"
    );
    // GPN and GPV still agree on every name.
    let listed: Vec<String> = gpn(&m, "", false)
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| !n.ends_with('.'))
        .collect();
    let valued: Vec<String> = gpv(&m, &[""])
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(listed, valued);
}
