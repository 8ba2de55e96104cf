//! The tree the cwmp-datamodel benchmarks measure: TR-181's DeviceInfo and ManagementServer
//! from the generated schema, plus a vendor table of 10-parameter entries, 10,000 parameters
//! in all.

use cwmp_datamodel::{DataModel, ObjectSpec, ParamSpec, Schema};
use cwmp_types::{AddObject, ParameterValue, ParameterValueStruct, SetParameterValues, ValueType};

/// The vendor table.
pub(crate) const TABLE: &str = "Device.X_00D09E_Bench.";

/// Parameters in the tree.
pub(crate) const PARAMETERS: usize = 10_000;

/// The schema: the TR-181 subset and the vendor table.
pub(crate) fn schema() -> Schema {
    let mut s = Schema::tr181().select(&["Device.DeviceInfo.", "Device.ManagementServer."]);
    let mut entry = ObjectSpec::new(format!("{TABLE}{{i}}."));
    entry.writable = true;
    entry.min_entries = 0;
    entry.max_entries = None;
    let string = |n: &str, len| {
        ParamSpec::new(n, ValueType::String)
            .writable()
            .with_max_length(len)
    };
    entry.params = vec![
        ParamSpec::new("Enable", ValueType::Boolean)
            .writable()
            .with_default("false"),
        string("Alias", 64),
        string("Name", 64),
        string("Description", 256),
        ParamSpec::new("Mode", ValueType::String)
            .writable()
            .with_enumeration(["Auto", "Manual", "Off"]),
        ParamSpec::new("Port", ValueType::UnsignedInt)
            .writable()
            .with_range(Some(1), Some(65535)),
        string("Address", 15),
        ParamSpec::new("Status", ValueType::String).with_enumeration(["Up", "Down"]),
        ParamSpec::new("BytesSent", ValueType::UnsignedLong),
        ParamSpec::new("LastChange", ValueType::UnsignedInt),
    ];
    s.add_object(entry).expect("a new object");
    s
}

/// A tree of [`PARAMETERS`] parameters (rounded up to whole entries), every entry's values set.
pub(crate) fn tree(schema: Schema) -> DataModel {
    let mut m = DataModel::new(schema);
    let base = m
        .get_parameter_names(&cwmp_types::GetParameterNames::new("", false))
        .unwrap();
    let fixed = base
        .parameter_list
        .iter()
        .filter(|p| !p.name.as_str().ends_with('.'))
        .count();
    let entries = (PARAMETERS - fixed).div_ceil(10);
    for i in 0..entries {
        let n = m
            .add_object(&AddObject::new(TABLE, ""))
            .expect("unbounded table")
            .instance_number;
        let e = format!("{TABLE}{n}.");
        let spv = SetParameterValues::new(
            vec![
                ParameterValueStruct::new(
                    format!("{e}Name"),
                    ParameterValue::string(format!("entry {i}")),
                ),
                ParameterValueStruct::new(
                    format!("{e}Description"),
                    ParameterValue::string("a benchmark entry"),
                ),
                ParameterValueStruct::new(
                    format!("{e}Address"),
                    ParameterValue::string("192.0.2.1"),
                ),
                ParameterValueStruct::new(
                    format!("{e}Port"),
                    ParameterValue::unsigned_int(8000 + i as u32),
                ),
            ],
            "",
        );
        m.set_parameter_values(&spv).expect("valid values");
    }
    m
}

/// A SetParameterValues of `n` writable parameters of different entries.
pub(crate) fn spv(n: usize, round: u32) -> SetParameterValues {
    let list = (1..=n)
        .map(|i| {
            let v = if i % 2 == 0 {
                (
                    "Port",
                    ParameterValue::unsigned_int(1 + (round + i as u32) % 65535),
                )
            } else {
                ("Name", ParameterValue::string(format!("name {round} {i}")))
            };
            ParameterValueStruct::new(format!("{TABLE}{i}.{}", v.0), v.1)
        })
        .collect();
    SetParameterValues::new(list, format!("k{round}"))
}
