//! The `datamodel` target: arbitrary sequences of parameter RPCs and device-side changes
//! against a TR-181 tree.

use cwmp_datamodel::{DataModel, Schema};
use cwmp_types::{
    AddObject, DeleteObject, FaultCode, GetParameterAttributes, GetParameterNames,
    GetParameterValues, ParameterValue, ParameterValueStruct, SetParameterAttributes,
    SetParameterAttributesStruct, SetParameterValues, ValueType,
};

use crate::input::{Input, request};

thread_local! {
    // Parsed once: the schema text is large.
    static SCHEMA: Schema = Schema::tr181().select(&[
        "Device.DeviceInfo.",
        "Device.ManagementServer.",
        "Device.IP.Interface.",
        "Device.NAT.",
    ]);
}

const NAMES: &[&str] = &[
    "",
    "Device.",
    "Device.ManagementServer.",
    "Device.ManagementServer.PeriodicInformInterval",
    "Device.ManagementServer.URL",
    "Device.ManagementServer.Password",
    "Device.ManagementServer.ParameterKey",
    "Device.ManagementServer.AutoCreateInstances",
    "Device.DeviceInfo.",
    "Device.DeviceInfo.UpTime",
    "Device.DeviceInfo.SoftwareVersion",
    "Device.DeviceInfo.ProvisioningCode",
    "Device.IP.",
    "Device.IP.Interface.",
    "Device.IP.Interface.1.",
    "Device.IP.Interface.1.Enable",
    "Device.IP.Interface.1.Alias",
    "Device.IP.Interface.2.Alias",
    "Device.IP.Interface.1.IPv4Address.",
    "Device.IP.Interface.1.IPv4Address.1.IPAddress",
    "Device.IP.Interface.[cpe-1].Enable",
    "Device.IP.Interface.[wan].",
    "Device.NAT.PortMapping.",
    "Device.NAT.PortMapping.1.ExternalPort",
    "Device.NAT.PortMapping.1.Enable",
    "Device.NAT.PortMapping.1.Alias",
];

const TYPES: &[ValueType] = &[
    ValueType::String,
    ValueType::UnsignedInt,
    ValueType::Int,
    ValueType::Boolean,
    ValueType::DateTime,
    ValueType::UnsignedLong,
    ValueType::Base64,
];

fn text(input: &mut Input<'_>) -> String {
    String::from_utf8_lossy(input.bytes(300)).into_owned()
}

fn name(input: &mut Input<'_>) -> String {
    let b = input.u8();
    match b % 4 {
        0 | 1 => NAMES[usize::from(input.u8()) % NAMES.len()].to_owned(),
        2 => format!(
            "{}{}",
            NAMES[usize::from(input.u8()) % NAMES.len()],
            input.u8() % 5
        ),
        _ => text(input),
    }
}

fn value(input: &mut Input<'_>) -> ParameterValue {
    let t = TYPES[usize::from(input.u8()) % TYPES.len()].clone();
    let s = match input.u8() % 4 {
        0 => input.u32().to_string(),
        1 => ["true", "0", "wan", "cpe-1", " 5 ", ""][usize::from(input.u8()) % 6].to_owned(),
        _ => text(input),
    };
    ParameterValue::new(s, t)
}

type Snapshot = (
    Vec<(String, String)>,
    Vec<(String, bool)>,
    Vec<(String, i32, Vec<String>)>,
);

fn snapshot(m: &DataModel) -> Snapshot {
    let values = m
        .get_parameter_values(&GetParameterValues::new([""]))
        .expect("the whole tree reads")
        .parameter_list
        .into_iter()
        .map(|p| (p.name.into_string(), p.value.text))
        .collect();
    let names = m
        .get_parameter_names(&GetParameterNames::new("", false))
        .expect("the whole tree lists")
        .parameter_list
        .into_iter()
        .map(|p| (p.name.into_string(), p.writable))
        .collect();
    let attrs = m
        .get_parameter_attributes(&GetParameterAttributes::new([""]))
        .expect("every attribute reads")
        .parameter_list
        .into_iter()
        .map(|a| (a.name.into_string(), a.notification, a.access_list))
        .collect();
    (values, names, attrs)
}

fn invariants(m: &DataModel) {
    let (values, names, _) = snapshot(m);
    let params: Vec<&str> = names
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !n.ends_with('.'))
        .collect();
    let valued: Vec<&str> = values.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(params, valued, "GPN and GPV name the same parameters");
    for table in ["Device.IP.Interface.", "Device.NAT.PortMapping."] {
        let count = m.instances(table).len().to_string();
        let counter = match table {
            "Device.IP.Interface." => "Device.IP.InterfaceNumberOfEntries",
            _ => "Device.NAT.PortMappingNumberOfEntries",
        };
        assert_eq!(m.get(counter).map(|v| v.text), Some(count), "{counter}");
    }
}

/// Runs the input as a program of requests; panics on a broken invariant.
pub fn datamodel(data: &[u8]) {
    let mut input = Input::new(data);
    let mut m = DataModel::new(SCHEMA.with(Clone::clone));
    let mut steps = 0;
    while !input.is_empty() && steps < 64 {
        steps += 1;
        match input.u8() % 12 {
            0 => {
                let n: Vec<String> = (0..1 + input.u8() % 3).map(|_| name(&mut input)).collect();
                let _ = m.get_parameter_values(&GetParameterValues::new(n));
            }
            1 => {
                let list: Vec<ParameterValueStruct> = (0..1 + input.u8() % 4)
                    .map(|_| ParameterValueStruct::new(name(&mut input), value(&mut input)))
                    .collect();
                let before = snapshot(&m);
                let stored = m.stored();
                let key = text(&mut input);
                match m.set_parameter_values(&SetParameterValues::new(list, key.clone())) {
                    Err(f) => {
                        assert_eq!(snapshot(&m), before, "a failed SPV changed the tree");
                        assert_eq!(m.stored(), stored);
                        assert!(
                            f.set_parameter_values_faults.is_empty()
                                || f.fault_code == FaultCode::InvalidArguments
                        );
                    }
                    Ok(r) => {
                        assert!(r.status == 0 || r.status == 1);
                        assert_eq!(
                            m.get("Device.ManagementServer.ParameterKey")
                                .map(|v| v.text),
                            Some(key)
                        );
                    }
                }
            }
            2 => {
                let next = input.u8() & 1 == 1;
                let _ = m.get_parameter_names(&GetParameterNames::new(name(&mut input), next));
            }
            3 => {
                let mut s = SetParameterAttributesStruct::notification(
                    name(&mut input),
                    i32::from(input.u8() % 9) - 1,
                );
                if input.u8() & 1 == 1 {
                    s.access_list_change = true;
                    s.access_list = vec![text(&mut input)];
                }
                let before = snapshot(&m);
                if m.set_parameter_attributes(&SetParameterAttributes::new(vec![s]))
                    .is_err()
                {
                    assert_eq!(snapshot(&m), before, "a failed SPA changed the tree");
                }
            }
            4 => {
                let _ =
                    m.get_parameter_attributes(&GetParameterAttributes::new([name(&mut input)]));
            }
            5 => {
                let n = name(&mut input);
                if let Ok(r) = m.add_object(&AddObject::new(n.as_str(), "k")) {
                    assert!(r.instance_number > 0);
                }
            }
            6 => {
                let _ = m.delete_object(&DeleteObject::new(name(&mut input), "k"));
            }
            7 => {
                let n = name(&mut input);
                let _ = m.set(&n, text(&mut input));
            }
            8 => {
                let list = m.inform_parameters();
                assert!(list.iter().all(|p| !p.name.as_str().ends_with('.')));
                let _ = m.take_value_change();
                if input.u8() & 1 == 1 {
                    m.inform_delivered();
                }
            }
            9 => {
                if let Some(r) = request(input.seed()) {
                    let _ = m.answer(&r);
                }
            }
            10 => m.set_alias_addressing(input.u8() & 1 == 1),
            _ => {
                // What is persisted comes back the same.
                let stored = m.stored();
                let mut fresh = DataModel::new(SCHEMA.with(Clone::clone));
                let warnings = fresh.restore(&stored);
                assert!(warnings.is_empty(), "{warnings:?}");
                assert_eq!(fresh.stored(), stored);
            }
        }
        invariants(&m);
    }
}
