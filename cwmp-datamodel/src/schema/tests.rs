//! Unit tests of the schema: the embedded schemas, selection, errors, vendor extensions.

use super::*;

#[test]
fn both_embedded_schemas_load() {
    let s = Schema::tr181();
    assert_eq!(s.model(), "Device:2.16");
    assert_eq!(s.root(), "Device.");
    assert!(s.parameter_count() > 5000, "{}", s.parameter_count());
    let url = s.parameter("Device.ManagementServer.URL").unwrap();
    assert!(url.writable);
    assert_eq!(url.max_length, Some(2048));
    let t = Schema::tr098();
    assert_eq!(t.model(), "InternetGatewayDevice:1.14");
    assert!(t.parameter_count() > 1500);
}

#[test]
fn select_keeps_matches_and_their_ancestors() {
    let s = Schema::tr181().select(&[
        "Device.DeviceInfo.",
        "Device.ManagementServer.URL",
        "Device.*.Interface.{i}.Enable",
    ]);
    assert!(s.object("Device.").is_some());
    assert!(s.parameter("Device.DeviceInfo.SoftwareVersion").is_some());
    assert!(
        s.object("Device.DeviceInfo.VendorConfigFile.{i}.")
            .is_some()
    );
    assert!(s.parameter("Device.ManagementServer.URL").is_some());
    assert!(s.parameter("Device.ManagementServer.Username").is_none());
    assert!(s.parameter("Device.IP.Interface.{i}.Enable").is_some());
    assert!(s.parameter("Device.IP.Interface.{i}.Name").is_none());
    assert!(s.object("Device.IP.").is_some());
    assert!(
        s.object("Device.IP.Interface.{i}.IPv4Address.{i}.")
            .is_none()
    );
}

#[test]
fn bad_text_is_an_error_with_its_line() {
    let e = Schema::parse("M\tX:1\nO\tX.\t-\t1\t1\t\t\t\nP\tA\tw\tnumber\t-\n").unwrap_err();
    assert_eq!((e.line, e.offset), (3, 20));
    let e = Schema::parse("M\tX:1\nP\tA\tw\tint\t-\n").unwrap_err();
    assert_eq!(e.line, 2);
    let e = Schema::parse("O\tX.\t-\t1\t1\t\t\t\nO\tX.Y.Z.\t-\t1\t1\t\t\t\n").unwrap_err();
    assert!(e.reason.contains("parent"), "{e}");
}

#[test]
fn vendor_parameters_are_added_in_code() {
    let mut s = Schema::tr181().select(&["Device.DeviceInfo."]);
    s.add_object(ObjectSpec::new("Device.X_00D09E_Fan."))
        .unwrap();
    s.add_parameter(
        "Device.X_00D09E_Fan.",
        ParamSpec::new("Speed", ValueType::UnsignedInt)
            .writable()
            .with_range(Some(0), Some(100)),
    )
    .unwrap();
    assert!(s.parameter("Device.X_00D09E_Fan.Speed").unwrap().writable);
    assert!(
        s.add_object(ObjectSpec::new("Device.X_00D09E_Fan."))
            .is_err()
    );
    assert!(s.add_object(ObjectSpec::new("Device.Nope.Sub.")).is_err());
}

#[test]
fn parameters_of_types_without_a_tr106_name_are_refused() {
    let vendor = || ParamSpec::new("Blob", ValueType::Other("X_ACME_Blob".into()));
    let mut s = Schema::tr181().select(&["Device.DeviceInfo."]);
    let e = s.add_parameter("Device.DeviceInfo.", vendor()).unwrap_err();
    assert!(e.reason.contains("unknown type X_ACME_Blob"), "{e}");
    let mut obj = ObjectSpec::new("Device.X_00D09E_Box.");
    obj.params.push(vendor());
    let e = s.add_object(obj).unwrap_err();
    assert!(e.reason.contains("Device.X_00D09E_Box.Blob"), "{e}");
    assert!(s.object("Device.X_00D09E_Box.").is_none());
    // `xsd:decimal` on the wire is the data model's decimal.
    s.add_parameter(
        "Device.DeviceInfo.",
        ParamSpec::new("X_00D09E_Ratio", ValueType::Other("decimal".into())),
    )
    .unwrap();
    let p = s.parameter("Device.DeviceInfo.X_00D09E_Ratio").unwrap();
    assert_eq!(p.base, BaseType::Decimal);
    let e = Schema::parse("M\tX:1\nO\tX.\t-\t1\t1\t\t\t\nP\tA\tw\tX_ACME_Blob\t-\n").unwrap_err();
    assert!(e.reason.contains("unknown type"), "{e}");
}

#[cfg(feature = "serde")]
#[test]
fn json_extensions_name_tr106_types() {
    let mut s = Schema::tr181().select(&["Device.DeviceInfo."]);
    let e = s
        .extend_from_json(
            r#"{"parameters": [{"object": "Device.DeviceInfo.", "name": "X_00D09E_N",
                "type": "number"}]}"#,
        )
        .unwrap_err();
    assert!(e.reason.contains("TR-106"), "{e}");
    s.extend_from_json(
        r#"{"parameters": [{"object": "Device.DeviceInfo.", "name": "X_00D09E_N",
            "type": "hexBinary"}]}"#,
    )
    .unwrap();
    let p = s.parameter("Device.DeviceInfo.X_00D09E_N").unwrap();
    assert_eq!(p.base, BaseType::Value(ValueType::HexBinary));
}

#[test]
fn ranges_honour_steps() {
    let r = Range {
        min: Some(1),
        max: Some(9),
        step: Some(2),
    };
    assert!(r.contains(1) && r.contains(9) && !r.contains(2) && !r.contains(11));
}
