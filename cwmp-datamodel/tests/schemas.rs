//! Both generated schemas load whole into a tree that answers the parameter RPCs.

use cwmp_datamodel::{DataModel, Schema};
use cwmp_types::*;

fn check(schema: Schema, writable: &str, table: &str) {
    let root = schema.root().to_owned();
    let params = schema.parameter_count();
    let mut m = DataModel::new(schema);
    let names = m
        .get_parameter_names(&GetParameterNames::new("", false))
        .unwrap()
        .parameter_list;
    let values = m
        .get_parameter_values(&GetParameterValues::new([""]))
        .unwrap()
        .parameter_list;
    let listed: Vec<&str> = names
        .iter()
        .map(|n| n.name.as_str())
        .filter(|n| !n.ends_with('.'))
        .collect();
    let valued: Vec<&str> = values.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(listed, valued);
    assert!(
        valued.len() > 100 && valued.len() < params,
        "{} of {params}",
        valued.len()
    );
    assert_eq!(names[0].name.as_str(), root);
    let n = m
        .add_object(&AddObject::new(table, "k"))
        .unwrap()
        .instance_number;
    assert_eq!(n, 1);
    let spv = SetParameterValues::new(
        vec![ParameterValueStruct::new(
            writable,
            ParameterValue::unsigned_int(600),
        )],
        "k2",
    );
    assert_eq!(m.set_parameter_values(&spv).unwrap().status, 0);
    let after = m
        .get_parameter_values(&GetParameterValues::new([writable]))
        .unwrap();
    assert_eq!(after.parameter_list[0].value.text, "600");
}

#[test]
fn the_whole_tr181_schema_loads_and_answers() {
    check(
        Schema::tr181(),
        "Device.ManagementServer.PeriodicInformInterval",
        "Device.IP.Interface.",
    );
}

#[test]
fn the_whole_tr098_schema_loads_and_answers() {
    check(
        Schema::tr098(),
        "InternetGatewayDevice.ManagementServer.PeriodicInformInterval",
        "InternetGatewayDevice.LANDevice.",
    );
}

#[test]
fn the_tree_can_move_between_threads() {
    fn send<T: Send>() {}
    send::<DataModel>();
    send::<Schema>();
}
