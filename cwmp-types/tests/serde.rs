//! The `serde` form reads like the spec: field names are the spec's argument names, and every
//! message survives a JSON round trip.
#![cfg(feature = "serde")]

use std::collections::BTreeSet;

use cwmp_types::*;
use serde_json::{Value, json};

/// The keys of the JSON object `v` serializes to.
fn keys<T: serde::Serialize>(v: &T) -> BTreeSet<String> {
    match serde_json::to_value(v).unwrap() {
        Value::Object(map) => map.keys().cloned().collect(),
        other => panic!("not an object: {other}"),
    }
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

/// Asserts that `v` serializes to an object with exactly these keys.
macro_rules! assert_keys {
    ($v:expr, [$($k:literal),* $(,)?]) => {
        assert_eq!(keys(&$v), set(&[$($k),*]), "{}", stringify!($v));
    };
}

#[test]
fn inform_dump_reads_like_the_spec() {
    let mut inform = Inform::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", "SN123"),
        vec![
            EventStruct::new(EventCode::Bootstrap),
            EventStruct::with_command_key(EventCode::m_reboot(), "key1"),
        ],
    );
    inform.current_time = "2024-01-31T12:00:00Z".parse::<DateTime>().unwrap().into();
    inform.parameter_list.push(ParameterValueStruct::new(
        "Device.ManagementServer.PeriodicInformInterval",
        ParameterValue::unsigned_int(300),
    ));
    let mut envelope = Envelope::with_id("42", inform);
    envelope.header.supported_cwmp_versions = Some(vec![CwmpVersion::V1_0, CwmpVersion::V1_4]);
    envelope.header.session_timeout = Some(60);

    let expected = json!({
        "Namespace": "urn:dslforum-org:cwmp-1-2",
        "Header": {
            "ID": "42",
            "IDMustUnderstand": true,
            "SessionTimeout": 60,
            "SupportedCWMPVersions": ["1.0", "1.4"],
        },
        "Body": {
            "Inform": {
                "DeviceId": {
                    "Manufacturer": "Acme",
                    "OUI": "00D09E",
                    "ProductClass": "Router",
                    "SerialNumber": "SN123",
                },
                "Event": [
                    { "EventCode": "0 BOOTSTRAP", "CommandKey": "" },
                    { "EventCode": "M Reboot", "CommandKey": "key1" },
                ],
                "MaxEnvelopes": 1,
                "CurrentTime": "2024-01-31T12:00:00Z",
                "RetryCount": 0,
                "ParameterList": [
                    {
                        "Name": "Device.ManagementServer.PeriodicInformInterval",
                        "Value": { "Text": "300", "Type": "unsignedInt" },
                    },
                ],
            },
        },
    });
    assert_eq!(serde_json::to_value(&envelope).unwrap(), expected);
    let back: Envelope = serde_json::from_value(expected).unwrap();
    assert_eq!(back, envelope);
}

#[test]
fn fault_dump_uses_soap_and_cwmp_names() {
    let fault = Fault::set_parameter_values(vec![SetParameterValuesFault::new(
        "Device.X",
        FaultCode::InvalidParameterName,
    )]);
    let expected = json!({
        "faultcode": "Client",
        "faultstring": "CWMP fault",
        "FaultCode": 9003,
        "FaultString": "Invalid arguments",
        "SetParameterValuesFault": [
            { "ParameterName": "Device.X", "FaultCode": 9005, "FaultString": "Invalid parameter name" },
        ],
    });
    assert_eq!(serde_json::to_value(&fault).unwrap(), expected);
    assert_eq!(
        serde_json::to_value(Body::Fault(fault)).unwrap(),
        json!({ "Fault": expected })
    );
}

#[test]
fn struct_field_names_are_the_spec_argument_names() {
    assert_keys!(
        DeviceIdStruct::default(),
        ["Manufacturer", "OUI", "ProductClass", "SerialNumber"]
    );
    assert_keys!(
        EventStruct::new(EventCode::Boot),
        ["EventCode", "CommandKey"]
    );
    assert_keys!(ParameterValueStruct::default(), ["Name", "Value"]);
    assert_keys!(ParameterInfoStruct::default(), ["Name", "Writable"]);
    assert_keys!(
        SetParameterAttributesStruct::default(),
        [
            "Name",
            "NotificationChange",
            "Notification",
            "AccessListChange",
            "AccessList"
        ]
    );
    assert_keys!(
        ParameterAttributeStruct::default(),
        ["Name", "Notification", "AccessList"]
    );
    assert_keys!(FaultStruct::default(), ["FaultCode", "FaultString"]);
    assert_keys!(QueuedTransferStruct::default(), ["CommandKey", "State"]);
    assert_keys!(
        AllQueuedTransferStruct::default(),
        [
            "CommandKey",
            "State",
            "IsDownload",
            "FileType",
            "FileSize",
            "TargetFileName"
        ]
    );
    assert_keys!(
        TimeWindowStruct::default(),
        [
            "WindowStart",
            "WindowEnd",
            "WindowMode",
            "UserMessage",
            "MaxRetries"
        ]
    );
    assert_keys!(ArgStruct::default(), ["Name", "Value"]);
    assert_keys!(
        OptionStruct::default(),
        [
            "OptionName",
            "VoucherSN",
            "State",
            "Mode",
            "StartDate",
            "ExpirationDate",
            "IsTransferable"
        ]
    );
    assert_keys!(
        InstallOpStruct::default(),
        ["URL", "UUID", "Username", "Password", "ExecutionEnvRef"]
    );
    assert_keys!(
        UpdateOpStruct::default(),
        ["UUID", "Version", "URL", "Username", "Password"]
    );
    assert_keys!(
        UninstallOpStruct::default(),
        ["UUID", "Version", "ExecutionEnvRef"]
    );
    assert_keys!(
        OpResultStruct::default(),
        [
            "UUID",
            "DeploymentUnitRef",
            "Version",
            "CurrentState",
            "Resolved",
            "ExecutionUnitRefList",
            "StartTime",
            "CompleteTime",
            "Fault"
        ]
    );
    assert_keys!(
        AutonomousOpResultStruct::default(),
        [
            "UUID",
            "DeploymentUnitRef",
            "Version",
            "CurrentState",
            "Resolved",
            "ExecutionUnitRefList",
            "StartTime",
            "CompleteTime",
            "Fault",
            "OperationPerformed"
        ]
    );
    assert_keys!(
        SetParameterValuesFault::new("A", FaultCode::InvalidParameterValue),
        ["ParameterName", "FaultCode", "FaultString"]
    );
    assert_eq!(
        serde_json::to_value(Operation::Install(InstallOpStruct::default()))
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["InstallOpStruct"]
    );
    assert_eq!(
        keys(&Operation::Update(UpdateOpStruct::default())),
        set(&["UpdateOpStruct"])
    );
    assert_eq!(
        keys(&Operation::Uninstall(UninstallOpStruct::default())),
        set(&["UninstallOpStruct"])
    );
}

#[test]
fn rpc_field_names_are_the_spec_argument_names() {
    assert_keys!(GetRpcMethods::default(), []);
    assert_keys!(GetRpcMethodsResponse::default(), ["MethodList"]);
    assert_keys!(
        SetParameterValues::default(),
        ["ParameterList", "ParameterKey"]
    );
    assert_keys!(SetParameterValuesResponse::default(), ["Status"]);
    assert_keys!(GetParameterValues::default(), ["ParameterNames"]);
    assert_keys!(GetParameterValuesResponse::default(), ["ParameterList"]);
    assert_keys!(GetParameterNames::default(), ["ParameterPath", "NextLevel"]);
    assert_keys!(GetParameterNamesResponse::default(), ["ParameterList"]);
    assert_keys!(SetParameterAttributes::default(), ["ParameterList"]);
    assert_keys!(GetParameterAttributes::default(), ["ParameterNames"]);
    assert_keys!(GetParameterAttributesResponse::default(), ["ParameterList"]);
    assert_keys!(AddObject::default(), ["ObjectName", "ParameterKey"]);
    assert_keys!(AddObjectResponse::default(), ["InstanceNumber", "Status"]);
    assert_keys!(DeleteObject::default(), ["ObjectName", "ParameterKey"]);
    assert_keys!(DeleteObjectResponse::default(), ["Status"]);
    assert_keys!(Reboot::default(), ["CommandKey"]);
    assert_keys!(
        Download::default(),
        [
            "CommandKey",
            "FileType",
            "URL",
            "Username",
            "Password",
            "FileSize",
            "TargetFileName",
            "DelaySeconds",
            "SuccessURL",
            "FailureURL"
        ]
    );
    assert_keys!(
        DownloadResponse::default(),
        ["Status", "StartTime", "CompleteTime"]
    );
    assert_keys!(
        Upload::default(),
        [
            "CommandKey",
            "FileType",
            "URL",
            "Username",
            "Password",
            "DelaySeconds"
        ]
    );
    assert_keys!(
        UploadResponse::default(),
        ["Status", "StartTime", "CompleteTime"]
    );
    assert_keys!(GetQueuedTransfersResponse::default(), ["TransferList"]);
    assert_keys!(GetAllQueuedTransfersResponse::default(), ["TransferList"]);
    assert_keys!(ScheduleInform::default(), ["DelaySeconds", "CommandKey"]);
    assert_keys!(SetVouchers::default(), ["VoucherList"]);
    assert_keys!(GetOptions::default(), ["OptionName"]);
    assert_keys!(GetOptionsResponse::default(), ["OptionList"]);
    assert_keys!(
        ScheduleDownload::default(),
        [
            "CommandKey",
            "FileType",
            "URL",
            "Username",
            "Password",
            "FileSize",
            "TargetFileName",
            "TimeWindowList"
        ]
    );
    assert_keys!(CancelTransfer::default(), ["CommandKey"]);
    assert_keys!(ChangeDuState::default(), ["Operations", "CommandKey"]);
    assert_keys!(
        Inform::default(),
        [
            "DeviceId",
            "Event",
            "MaxEnvelopes",
            "CurrentTime",
            "RetryCount",
            "ParameterList"
        ]
    );
    assert_keys!(InformResponse::default(), ["MaxEnvelopes"]);
    assert_keys!(
        TransferComplete::default(),
        ["CommandKey", "FaultStruct", "StartTime", "CompleteTime"]
    );
    assert_keys!(
        AutonomousTransferComplete::default(),
        [
            "AnnounceURL",
            "TransferURL",
            "IsDownload",
            "FileType",
            "FileSize",
            "TargetFileName",
            "FaultStruct",
            "StartTime",
            "CompleteTime"
        ]
    );
    assert_keys!(DuStateChangeComplete::default(), ["Results", "CommandKey"]);
    assert_keys!(AutonomousDuStateChangeComplete::default(), ["Results"]);
    assert_keys!(RequestDownload::default(), ["FileType", "FileTypeArg"]);
    assert_keys!(Kicked::default(), ["Command", "Referer", "Arg", "Next"]);
    assert_keys!(KickedResponse::default(), ["NextURL"]);
}

#[test]
fn header_names_are_the_spec_element_names() {
    let mut header = Header::with_id("x");
    header.hold_requests = Some(false);
    header.no_more_requests = Some(true);
    header.use_cwmp_version = Some(CwmpVersion::V1_4);
    assert_keys!(
        header,
        [
            "ID",
            "IDMustUnderstand",
            "HoldRequests",
            "NoMoreRequests",
            "UseCWMPVersion"
        ]
    );
    // Absent entries are omitted, and a missing header reads as the default one.
    assert_keys!(Header::default(), ["IDMustUnderstand"]);
    let e: Envelope = serde_json::from_value(json!({ "Body": { "GetRPCMethods": {} } })).unwrap();
    assert_eq!(e, Envelope::new(GetRpcMethods::default()));
}

#[test]
fn body_keys_are_the_method_element_names() {
    let bodies: Vec<Body> = vec![
        GetRpcMethods::default().into(),
        GetRpcMethodsResponse::default().into(),
        ChangeDuState::default().into(),
        ChangeDuStateResponse::default().into(),
        DuStateChangeComplete::default().into(),
        AutonomousDuStateChangeCompleteResponse::default().into(),
        InformResponse::new().into(),
    ];
    for body in bodies {
        assert_eq!(keys(&body), set(&[body.method_name()]));
        let back: Body = serde_json::from_value(serde_json::to_value(&body).unwrap()).unwrap();
        assert_eq!(back, body);
    }
}

#[test]
fn values_and_codes_serialize_as_wire_text() {
    assert_eq!(
        serde_json::to_value(EventCode::Vendor("00D09E Thing".into())).unwrap(),
        json!("X 00D09E Thing")
    );
    assert_eq!(
        serde_json::to_value(FaultCode::CpeVendor(9801)).unwrap(),
        json!(9801)
    );
    assert_eq!(
        serde_json::to_value(DateTimeField::Invalid("2019-03-05T11:54::14".into())).unwrap(),
        json!("2019-03-05T11:54::14")
    );
    assert_eq!(
        serde_json::to_value(ValueType::Other("X_ACME_Blob".into())).unwrap(),
        json!("X_ACME_Blob")
    );
    // A prefixed type name reads as its local name.
    let v: ValueType = serde_json::from_value(json!("xsd:base64Binary")).unwrap();
    assert_eq!(v, ValueType::Base64);
    assert_eq!(
        serde_json::to_value(ParameterName::from_wire("Device.")).unwrap(),
        json!("Device.")
    );
    assert_eq!(
        serde_json::to_value(CwmpNamespace::Cwmp1_0).unwrap(),
        json!("urn:dslforum-org:cwmp-1-0")
    );
    assert!(serde_json::from_value::<DateTime>(json!("garbage")).is_err());
}

#[cfg(feature = "proptest")]
mod round_trip {
    use cwmp_types::strategy;
    use cwmp_types::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn every_envelope_survives_json(e in strategy::envelope()) {
            let text = serde_json::to_string(&e).unwrap();
            let back: Envelope = serde_json::from_str(&text)
                .map_err(|err| TestCaseError::fail(format!("{err}: {text}")))?;
            prop_assert_eq!(back, e);
        }

        #[test]
        fn the_body_key_is_the_method_name(b in strategy::body()) {
            let v = serde_json::to_value(&b).unwrap();
            let key = v.as_object().unwrap().keys().next().unwrap().clone();
            match &b {
                Body::Request(Request::Unknown(_)) => prop_assert_eq!(key, "UnknownRequest"),
                Body::Response(Response::Unknown(_)) => prop_assert_eq!(key, "UnknownResponse"),
                b => prop_assert_eq!(key, b.method_name()),
            }
        }
    }
}
