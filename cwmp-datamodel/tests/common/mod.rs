//! A small TR-181 device shared by the tests.
#![allow(dead_code, unreachable_pub)]

use cwmp_datamodel::{DataModel, ObjectSpec, ParamSpec, Schema};
use cwmp_types::*;

/// TR-181's DeviceInfo, ManagementServer and IP subtrees, plus a vendor table with at most
/// two entries.
pub fn schema() -> Schema {
    let mut s = Schema::tr181().select(&[
        "Device.DeviceInfo.",
        "Device.ManagementServer.",
        "Device.IP.",
        "Device.NAT.PortMapping.{i}.",
    ]);
    let mut fans = ObjectSpec::new("Device.X_00D09E_Fan.{i}.");
    fans.writable = true;
    fans.min_entries = 0;
    fans.max_entries = Some(2);
    fans.params.push(
        ParamSpec::new("Speed", ValueType::UnsignedInt)
            .writable()
            .with_range(Some(0), Some(100))
            .with_default("50"),
    );
    s.add_object(fans).unwrap();
    s
}

pub fn model() -> DataModel {
    DataModel::new(schema())
}

pub fn gpv(m: &DataModel, names: &[&str]) -> Result<Vec<(String, String)>, Fault> {
    m.get_parameter_values(&GetParameterValues::new(names.iter().copied()))
        .map(|r| {
            r.parameter_list
                .into_iter()
                .map(|p| (p.name.into_string(), p.value.text))
                .collect()
        })
}

pub fn value(m: &DataModel, name: &str) -> String {
    gpv(m, &[name]).unwrap().remove(0).1
}

pub fn gpn(m: &DataModel, path: &str, next_level: bool) -> Result<Vec<(String, bool)>, Fault> {
    m.get_parameter_names(&GetParameterNames::new(path, next_level))
        .map(|r| {
            r.parameter_list
                .into_iter()
                .map(|p| (p.name.into_string(), p.writable))
                .collect()
        })
}

pub fn spv(m: &mut DataModel, items: &[(&str, ParameterValue)], key: &str) -> Result<i32, Fault> {
    let list = items
        .iter()
        .map(|(n, v)| ParameterValueStruct::new(*n, v.clone()))
        .collect();
    m.set_parameter_values(&SetParameterValues::new(list, key))
        .map(|r| r.status)
}

pub fn add(m: &mut DataModel, table: &str, key: &str) -> Result<u32, Fault> {
    m.add_object(&AddObject::new(table, key))
        .map(|r| r.instance_number)
}

pub fn delete(m: &mut DataModel, obj: &str, key: &str) -> Result<i32, Fault> {
    m.delete_object(&DeleteObject::new(obj, key))
        .map(|r| r.status)
}

pub fn spa(m: &mut DataModel, name: &str, notification: i32) -> Result<(), Fault> {
    m.set_parameter_attributes(&SetParameterAttributes::new(vec![
        SetParameterAttributesStruct::notification(name, notification),
    ]))
    .map(drop)
}

pub fn notification(m: &DataModel, name: &str) -> i32 {
    m.get_parameter_attributes(&GetParameterAttributes::new([name]))
        .unwrap()
        .parameter_list[0]
        .notification
}

/// Every value, every name with its writable flag, every attribute.
pub type Snapshot = (
    Vec<(String, String)>,
    Vec<(String, bool)>,
    Vec<(String, i32, Vec<String>)>,
);

/// Every observable part of the tree: all values, all attributes, every name.
pub fn snapshot(m: &DataModel) -> Snapshot {
    let attrs = m
        .get_parameter_attributes(&GetParameterAttributes::new([""]))
        .unwrap()
        .parameter_list
        .into_iter()
        .map(|a| (a.name.into_string(), a.notification, a.access_list))
        .collect();
    (gpv(m, &[""]).unwrap(), gpn(m, "", false).unwrap(), attrs)
}
