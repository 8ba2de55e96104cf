//! Property tests: a failing SetParameterValues never changes the tree; GetParameterNames and
//! GetParameterValues agree on every name; the tree's invariants hold after any sequence.

mod common;

use common::*;
use cwmp_datamodel::DataModel;
use cwmp_types::*;
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "Device.ManagementServer.PeriodicInformInterval",
    "Device.ManagementServer.PeriodicInformEnable",
    "Device.ManagementServer.URL",
    "Device.ManagementServer.Password",
    "Device.ManagementServer.InstanceMode",
    "Device.ManagementServer.CWMPRetryIntervalMultiplier",
    "Device.DeviceInfo.Manufacturer",
    "Device.DeviceInfo.UpTime",
    "Device.IP.IPv4Enable",
    "Device.IP.Interface.1.Enable",
    "Device.IP.Interface.1.Alias",
    "Device.IP.Interface.2.Alias",
    "Device.IP.Interface.2.MaxMTUSize",
    "Device.IP.Interface.1.IPv4Address.1.IPAddress",
    "Device.X_00D09E_Fan.1.Speed",
    "Device.Nope",
    "Device.IP.",
    "",
];

const TEXTS: &[&str] = &[
    "0",
    "1",
    "true",
    "false",
    "120",
    "64",
    "65535",
    "70000",
    "-1",
    " 7 ",
    "",
    "cpe-1",
    "wan",
    "1wan",
    "InstanceAlias",
    "Nope",
    "192.0.2.1",
    "http://a/",
    "x y ",
];

const TYPES: &[ValueType] = &[
    ValueType::String,
    ValueType::UnsignedInt,
    ValueType::Int,
    ValueType::Boolean,
    ValueType::DateTime,
];

#[derive(Debug, Clone)]
enum Op {
    Spv(Vec<(usize, usize, usize)>),
    Add(usize),
    Delete(usize, u32),
    Spa(usize, i32),
    Set(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop::collection::vec((0..NAMES.len(), 0..TEXTS.len(), 0..TYPES.len()), 1..5)
            .prop_map(Op::Spv),
        (0..3usize).prop_map(Op::Add),
        (0..3usize, 1..4u32).prop_map(|(t, n)| Op::Delete(t, n)),
        (0..NAMES.len(), 0..8i32).prop_map(|(n, v)| Op::Spa(n, v)),
        (0..NAMES.len(), 0..TEXTS.len()).prop_map(|(n, t)| Op::Set(n, t)),
    ]
}

const TABLES: &[&str] = &[
    "Device.IP.Interface.",
    "Device.X_00D09E_Fan.",
    "Device.IP.Interface.1.IPv4Address.",
];

fn apply(m: &mut DataModel, op: &Op) {
    match op {
        Op::Spv(items) => {
            let list: Vec<(&str, ParameterValue)> = items
                .iter()
                .map(|&(n, t, ty)| (NAMES[n], ParameterValue::new(TEXTS[t], TYPES[ty].clone())))
                .collect();
            let _ = spv(m, &list, "k");
        }
        Op::Add(t) => {
            let _ = add(m, TABLES[*t], "");
        }
        Op::Delete(t, n) => {
            let _ = delete(m, &format!("{}{n}.", TABLES[*t]), "");
        }
        Op::Spa(n, v) => {
            let _ = spa(m, NAMES[*n], *v);
        }
        Op::Set(n, t) => {
            let _ = m.set(NAMES[*n], TEXTS[*t]);
        }
    }
}

fn check_invariants(m: &DataModel) {
    let names = gpn(m, "", false).unwrap();
    let values = gpv(m, &[""]).unwrap();
    let params: Vec<&str> = names
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !n.ends_with('.'))
        .collect();
    let valued: Vec<&str> = values.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(params, valued, "GPN and GPV name the same parameters");
    for (n, _) in &names {
        if n.ends_with('.') {
            // Every object GPN lists answers GPN and GPV itself.
            let below = gpn(m, n, true).unwrap();
            assert!(below.iter().all(|(b, _)| b.starts_with(n.as_str())));
            gpv(m, &[n]).unwrap();
        } else {
            assert_eq!(gpv(m, &[n]).unwrap().len(), 1);
        }
    }
    assert_eq!(
        value(m, "Device.IP.InterfaceNumberOfEntries"),
        m.instances("Device.IP.Interface.").len().to_string()
    );
    // Alias is unique among all instances.
    let mut aliases: Vec<String> = m
        .instances("Device.IP.Interface.")
        .iter()
        .map(|i| value(m, &format!("Device.IP.Interface.{i}.Alias")))
        .collect();
    let n = aliases.len();
    aliases.sort();
    aliases.dedup();
    assert_eq!(aliases.len(), n, "unique aliases");
}

fn seeded() -> DataModel {
    let mut m = model();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    add(&mut m, "Device.IP.Interface.", "").unwrap();
    add(&mut m, "Device.IP.Interface.1.IPv4Address.", "").unwrap();
    add(&mut m, "Device.X_00D09E_Fan.", "").unwrap();
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_failing_set_never_changes_the_tree(
        ops in prop::collection::vec(op(), 0..6),
        items in prop::collection::vec((0..NAMES.len(), 0..TEXTS.len(), 0..TYPES.len()), 1..6),
    ) {
        let mut m = seeded();
        for o in &ops {
            apply(&mut m, o);
        }
        let before = snapshot(&m);
        let stored = m.stored();
        let list: Vec<(&str, ParameterValue)> = items
            .iter()
            .map(|&(n, t, ty)| (NAMES[n], ParameterValue::new(TEXTS[t], TYPES[ty].clone())))
            .collect();
        match spv(&mut m, &list, "prop-key") {
            Err(_) => {
                prop_assert_eq!(snapshot(&m), before);
                prop_assert_eq!(m.stored(), stored);
            }
            Ok(_) => {
                prop_assert_eq!(value(&m, "Device.ManagementServer.ParameterKey"), "prop-key");
                for (n, v) in &list {
                    if !n.ends_with("Password") {
                        let expect = if v.value_type == ValueType::String && !matches!(*n, "Device.ManagementServer.PeriodicInformInterval" | "Device.ManagementServer.CWMPRetryIntervalMultiplier" | "Device.ManagementServer.PeriodicInformEnable" | "Device.IP.IPv4Enable" | "Device.IP.Interface.1.Enable" | "Device.IP.Interface.2.MaxMTUSize" | "Device.X_00D09E_Fan.1.Speed") {
                            v.text.clone()
                        } else {
                            v.text.trim().to_owned()
                        };
                        prop_assert_eq!(value(&m, n), expect, "{}", n);
                    }
                }
            }
        }
        check_invariants(&m);
    }

    #[test]
    fn names_and_values_agree_after_any_sequence(ops in prop::collection::vec(op(), 0..24)) {
        let mut m = seeded();
        for o in &ops {
            apply(&mut m, o);
            check_invariants(&m);
        }
    }
}
