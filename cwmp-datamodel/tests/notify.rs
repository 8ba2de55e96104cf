//! Notification and the Inform's ParameterList (TR-069 Amendment 6, §3.2.1, §A.3.2.4,
//! §A.3.3.1), and persistence.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use common::*;
use cwmp_datamodel::{Notification, ReadOnly, Value};
use cwmp_types::*;

const PII: &str = "Device.ManagementServer.PeriodicInformInterval";
const PROV: &str = "Device.DeviceInfo.ProvisioningCode";

fn names(list: &[ParameterValueStruct]) -> Vec<&str> {
    list.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn forced_inform_parameters_are_in_every_inform() {
    // §A.3.3.1: the ParameterList carries every forcedInform parameter.
    let mut m = model();
    for _ in 0..2 {
        let list = m.inform_parameters();
        let n = names(&list);
        for p in [
            "Device.DeviceInfo.HardwareVersion",
            "Device.DeviceInfo.SoftwareVersion",
            PROV,
            "Device.ManagementServer.ParameterKey",
            "Device.ManagementServer.ConnectionRequestURL",
            "Device.ManagementServer.AliasBasedAddressing",
            "Device.RootDataModelVersion",
        ] {
            assert!(n.contains(&p) || !m.exists(p), "{p} in {n:?}");
        }
        assert!(!n.contains(&PII));
        m.inform_delivered();
    }
}

#[test]
fn passive_changes_wait_for_the_next_inform_and_are_cleared_when_delivered() {
    // §A.3.2.4 Notification 1: reported in the next Inform; cleared once delivered.
    let mut m = model();
    spa(&mut m, PII, 1).unwrap();
    assert_eq!(m.set(PII, 600u32), Ok(true));
    assert_eq!(m.take_value_change().map(|e| e.trigger), Some(false));
    let list = m.inform_parameters();
    let entry = list
        .iter()
        .find(|p| p.name.as_str() == PII)
        .expect("changed parameter reported");
    assert_eq!(entry.value.text, "600");
    // A change after the Inform was built stays pending.
    spa(&mut m, "Device.ManagementServer.Username", 1).unwrap();
    m.set("Device.ManagementServer.Username", "u").unwrap();
    m.inform_delivered();
    let left: Vec<_> = m.pending_changes().map(|(p, _)| p.to_owned()).collect();
    assert_eq!(left, vec!["Device.ManagementServer.Username".to_owned()]);
    let next = m.inform_parameters();
    assert!(!names(&next).contains(&PII));
    assert!(names(&next).contains(&"Device.ManagementServer.Username"));
}

#[test]
fn active_changes_ask_for_a_session_and_off_changes_are_silent() {
    // §3.2.1: an active notification opens a session; Notification 0 reports nothing.
    let mut m = model();
    assert_eq!(m.set(PII, 30u32), Ok(true));
    assert_eq!(m.take_value_change(), None);
    assert_eq!(m.pending_changes().count(), 0);
    spa(&mut m, PII, 2).unwrap();
    assert_eq!(m.set(PII, 30u32), Ok(false), "same value: no change");
    assert_eq!(m.take_value_change(), None);
    m.set(PII, 31u32).unwrap();
    m.set(PII, 32u32).unwrap();
    assert_eq!(m.take_value_change().map(|e| e.trigger), Some(true));
    assert_eq!(m.take_value_change(), None, "told once");
    let pending: Vec<_> = m.pending_changes().collect();
    assert_eq!(pending, vec![(PII, Notification::Active)], "reported once");
    let list = m.inform_parameters();
    assert_eq!(list.iter().filter(|p| p.name.as_str() == PII).count(), 1);
    assert_eq!(
        list.iter()
            .find(|p| p.name.as_str() == PII)
            .unwrap()
            .value
            .text,
        "32"
    );
}

#[test]
fn the_acs_own_changes_do_not_notify() {
    // §A.3.2.4: a change made by the ACS (SetParameterValues) raises no notification.
    let mut m = model();
    spa(&mut m, PII, 2).unwrap();
    spv(&mut m, &[(PII, ParameterValue::unsigned_int(99))], "").unwrap();
    assert_eq!(m.take_value_change(), None);
    assert_eq!(m.pending_changes().count(), 0);
    // Nor does the NumberOfEntries the ACS's AddObject changes.
    spa(&mut m, "Device.IP.InterfaceNumberOfEntries", 2).unwrap();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    assert_eq!(m.take_value_change(), None);
    // The device adding an instance is a change.
    m.add_instance("Device.IP.Interface.").unwrap();
    assert_eq!(m.take_value_change().map(|e| e.trigger), Some(true));
}

#[test]
fn bound_parameters_report_changes_through_changed() {
    let mut m = model();
    let v = Arc::new(AtomicU32::new(1));
    let v2 = v.clone();
    m.bind(
        "Device.DeviceInfo.UpTime",
        ReadOnly(move |_: &str| Ok(Value::from(v2.load(Ordering::Relaxed)))),
    )
    .unwrap();
    spa(&mut m, "Device.DeviceInfo.UpTime", 1).unwrap();
    v.store(5, Ordering::Relaxed);
    assert_eq!(
        m.changed("Device.DeviceInfo.UpTime"),
        Some(Notification::Passive)
    );
    let list = m.inform_parameters();
    assert_eq!(
        list.iter()
            .find(|p| p.name.as_str() == "Device.DeviceInfo.UpTime")
            .unwrap()
            .value
            .text,
        "5"
    );
    assert_eq!(
        m.set("Device.DeviceInfo.UpTime", 3u32),
        Err(FaultCode::NonWritableParameter)
    );
}

#[test]
fn hidden_values_never_reach_an_inform() {
    let mut m = model();
    spa(&mut m, "Device.ManagementServer.Password", 1).unwrap();
    m.set("Device.ManagementServer.Password", "s3cret").unwrap();
    let list = m.inform_parameters();
    let p = list
        .iter()
        .find(|p| p.name.as_str() == "Device.ManagementServer.Password")
        .unwrap();
    assert_eq!(p.value.text, "");
}

#[test]
fn stored_state_restores_values_instances_attributes_and_counters() {
    let mut m = model();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    add(&mut m, "Device.IP.Interface.2.IPv4Address.", "").unwrap();
    delete(&mut m, "Device.IP.Interface.1.", "").unwrap();
    spv(
        &mut m,
        &[
            (
                "Device.IP.Interface.2.IPv4Address.1.IPAddress",
                ParameterValue::string("192.0.2.1"),
            ),
            (PII, ParameterValue::unsigned_int(77)),
        ],
        "k",
    )
    .unwrap();
    spa(&mut m, PII, 1).unwrap();
    let stored = m.stored();
    let json = serde_json::to_string(&stored).unwrap();
    let back: cwmp_datamodel::Stored = serde_json::from_str(&json).unwrap();
    let mut r = model();
    let w = r.restore(&back);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(snapshot(&r), snapshot(&m));
    assert_eq!(r.pending_changes().count(), 0);
    assert_eq!(r.stored(), stored);
    // Instance 1 was deleted before the reboot: still never reused.
    assert_eq!(add(&mut r, "Device.IP.Interface.", "").unwrap(), 3);
}

#[test]
fn restore_skips_what_no_longer_fits_with_a_warning() {
    let mut m = model();
    let mut s = m.stored();
    s.values.insert("Device.Gone.Param".into(), "1".into());
    s.values.insert(PII.into(), "0".into());
    s.values
        .insert("Device.ManagementServer.URL".into(), "http://kept/".into());
    let w = m.restore(&s);
    let paths: Vec<&str> = w.iter().map(|w| w.path.as_str()).collect();
    assert!(paths.contains(&"Device.Gone.Param"), "{w:?}");
    assert!(paths.contains(&PII));
    assert_eq!(value(&m, "Device.ManagementServer.URL"), "http://kept/");
    assert_eq!(value(&m, PII), "1");
}

#[test]
fn vendor_objects_come_from_json() {
    let mut s = schema();
    s.extend_from_json(
        r#"{"objects": [{"path": "Device.X_00D09E_Led.", "parameters": [
                {"name": "Color", "type": "string", "writable": true,
                 "enumeration": ["red", "green"], "default": "green"}]}],
            "parameters": [{"object": "Device.DeviceInfo.", "name": "X_00D09E_Board",
                 "type": "unsignedInt"}]}"#,
    )
    .unwrap();
    let mut m = cwmp_datamodel::DataModel::new(s);
    assert_eq!(value(&m, "Device.X_00D09E_Led.Color"), "green");
    assert_eq!(value(&m, "Device.DeviceInfo.X_00D09E_Board"), "0");
    let f = spv(
        &mut m,
        &[("Device.X_00D09E_Led.Color", ParameterValue::string("blue"))],
        "",
    )
    .unwrap_err();
    assert_eq!(f.set_parameter_values_faults[0].fault_code.code(), 9007);
    let mut bad = schema();
    let e = bad
        .extend_from_json(r#"{"objects": [{"path": "Device.Nope.Sub."}]}"#)
        .unwrap_err();
    assert!(e.reason.contains("parent"), "{e}");
    assert!(bad.extend_from_json("{\"objects\": [").is_err());
}

#[test]
fn start_up_values_are_not_changes() {
    // A forced-active parameter the device sets while building its tree is no value change.
    let mut m = model();
    m.set("Device.DeviceInfo.SoftwareVersion", "1.0").unwrap();
    assert_eq!(m.pending_changes().count(), 1);
    m.clear_changes();
    assert_eq!(m.take_value_change(), None);
    assert_eq!(m.pending_changes().count(), 0);
    m.set("Device.DeviceInfo.SoftwareVersion", "1.1").unwrap();
    assert_eq!(m.take_value_change().map(|e| e.trigger), Some(true));
}

#[test]
fn device_side_sets_keep_unique_keys_unique() {
    // Found by the property test: the device, too, cannot give two instances one Alias.
    let mut m = model();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    assert_eq!(
        m.set("Device.IP.Interface.2.Alias", "cpe-1"),
        Err(FaultCode::InvalidParameterValue)
    );
    assert_eq!(value(&m, "Device.IP.Interface.2.Alias"), "cpe-2");
    assert_eq!(m.set("Device.IP.Interface.2.Alias", "lan"), Ok(true));
}

#[test]
fn changes_not_yet_reported_survive_a_reboot() {
    let mut m = model();
    spa(&mut m, PII, 1).unwrap();
    m.set(PII, 900u32).unwrap();
    let stored = m.stored();
    assert_eq!(stored.pending_changes.get(PII), Some(&false));
    let mut r = model();
    assert!(r.restore(&stored).is_empty());
    assert_eq!(r.take_value_change().map(|e| e.trigger), Some(false));
    let list = r.inform_parameters();
    assert_eq!(
        list.iter()
            .find(|p| p.name.as_str() == PII)
            .unwrap()
            .value
            .text,
        "900"
    );
    r.inform_delivered();
    assert!(r.stored().pending_changes.is_empty());
}
