//! What real captures showed, each decoded as what it means with a warning saying what was
//! repaired: undeclared non-UTF-8 bytes, a single-valued element repeated in its struct,
//! names wrapped in blanks, GenieACS's empty unused `Notification`.

use cwmp_soap::{
    Charset, DecodeErrorKind, DecodeOptions, Warning, WarningKind, decode, decode_with,
};
use cwmp_types::*;

const OPEN: &str = r#"<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">1</cwmp:ID></soap-env:Header><soap-env:Body>"#;
const CLOSE: &str = "</soap-env:Body></soap-env:Envelope>";

fn env(body: &str) -> String {
    format!("{OPEN}{body}{CLOSE}")
}

fn kinds(w: &[Warning]) -> Vec<WarningKind> {
    w.iter().map(|w| w.kind).collect()
}

fn inform(events: &str, params: &str) -> String {
    env(&format!(
        "<cwmp:Inform><DeviceId><Manufacturer>Acme</Manufacturer><OUI>00D09E</OUI><ProductClass>Cell</ProductClass><SerialNumber>SN1</SerialNumber></DeviceId><Event soap-enc:arrayType=\"cwmp:EventStruct[1]\">{events}</Event><MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2024-01-01T00:00:00Z</CurrentTime><RetryCount>0</RetryCount><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\">{params}</ParameterList></cwmp:Inform>"
    ))
}

const ONE_PARAM: &str = "<ParameterValueStruct><Name>Device.DeviceInfo.SoftwareVersion</Name><Value xsi:type=\"xsd:string\">1.0</Value></ParameterValueStruct>";

fn the_inform(d: &cwmp_soap::Decoded) -> &Inform {
    match &d.envelope.body {
        Body::Request(Request::Inform(i)) => i,
        other => panic!("{other:?}"),
    }
}

// ------------------------------------------------------------------ bytes that are not UTF-8

/// A raw `0xFF` inside a Value, no charset declared anywhere: read as ISO-8859-1.
#[test]
fn undeclared_bytes_that_are_not_utf8_are_read_as_latin1() {
    let param = "<ParameterValueStruct><Name>Device.DeviceInfo.Description</Name><Value xsi:type=\"xsd:string\">caf#-#</Value></ParameterValueStruct>";
    for decl in ["", "<?xml version=\"1.0\"?>\n"] {
        let mut bytes = format!("{decl}{}", inform("<EventStruct><EventCode>2 PERIODIC</EventCode><CommandKey></CommandKey></EventStruct>", param)).into_bytes();
        let first = bytes.iter().position(|&b| b == b'#').unwrap();
        bytes[first] = 0xE9; // é
        let second = bytes.iter().position(|&b| b == b'#').unwrap();
        bytes[second] = 0xFF; // ÿ
        let d = decode(&bytes).unwrap_or_else(|e| panic!("{decl:?}: {e}"));
        let value = &the_inform(&d).parameter_list[0].value;
        assert_eq!(value.text, "café-ÿ");
        assert_eq!(
            kinds(&d.warnings),
            [WarningKind::CharsetGuessed],
            "{decl:?}"
        );
        assert_eq!(d.warnings[0].offset, first as u64);
        assert_eq!(d.warnings[0].context, "ISO-8859-1");
    }
}

#[test]
fn declared_utf8_that_is_not_is_still_an_error() {
    let body = inform(
        "<EventStruct><EventCode>2 PERIODIC</EventCode><CommandKey/></EventStruct>",
        "<ParameterValueStruct><Name>Device.X</Name><Value xsi:type=\"xsd:string\">#</Value></ParameterValueStruct>",
    );
    let mut bytes = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{body}").into_bytes();
    let at = bytes.iter().position(|&b| b == b'#').unwrap();
    bytes[at] = 0xFF;
    let e = decode(&bytes).unwrap_err();
    assert_eq!(
        (e.kind, e.offset),
        (DecodeErrorKind::InvalidEncoding, at as u64)
    );
    // So is a charset from the Content-Type; a declared Latin-1 is no guess.
    let mut plain = body.into_bytes();
    let at = plain.iter().position(|&b| b == b'#').unwrap();
    plain[at] = 0xFF;
    let mut opts = DecodeOptions::default();
    opts.charset = Charset::from_content_type("text/xml; charset=utf-8");
    assert_eq!(
        decode_with(&plain, &opts).unwrap_err().kind,
        DecodeErrorKind::InvalidEncoding
    );
    opts.charset = Charset::Latin1;
    let d = decode_with(&plain, &opts).unwrap();
    assert_eq!(kinds(&d.warnings), [WarningKind::CharsetConverted]);
}

// ------------------------------------------------------------------ repeated elements

/// A small cell's Inform: two EventCodes in one EventStruct. Both are events.
#[test]
fn two_event_codes_in_one_event_struct_are_two_events() {
    let xml = inform(
        "<EventStruct><EventCode>1 BOOT</EventCode><EventCode>4 VALUE CHANGE</EventCode><CommandKey>k</CommandKey></EventStruct>",
        ONE_PARAM,
    );
    let d = decode(xml.as_bytes()).unwrap();
    let inform = the_inform(&d);
    assert_eq!(
        inform.event,
        [
            EventStruct::with_command_key(EventCode::Boot, "k"),
            EventStruct::with_command_key(EventCode::ValueChange, "k"),
        ]
    );
    // One EventStruct, as declared: the only repair is the second code.
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement]);
    let w = &d.warnings[0];
    assert_eq!(w.offset as usize, xml.find("<EventCode>4 VALUE").unwrap());
    assert!(
        w.context.contains("EventCode") && w.context.contains("4 VALUE CHANGE"),
        "{w}"
    );
}

#[test]
fn a_repeated_command_key_keeps_the_first_and_names_the_dropped_one() {
    let xml = inform(
        "<EventStruct><EventCode>M Reboot</EventCode><CommandKey>first</CommandKey><CommandKey>second</CommandKey></EventStruct>",
        ONE_PARAM,
    );
    let d = decode(xml.as_bytes()).unwrap();
    assert_eq!(
        the_inform(&d).event,
        [EventStruct::with_command_key(
            EventCode::m_reboot(),
            "first"
        )]
    );
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement]);
    let w = &d.warnings[0];
    assert_eq!(w.offset as usize, xml.find("<CommandKey>second").unwrap());
    assert!(w.context.starts_with("CommandKey: "), "{w}");
    assert!(w.context.contains("<CommandKey>second</CommandKey>"), "{w}");
}

#[test]
fn repeated_single_values_in_method_arguments_keep_the_first_with_a_warning() {
    let xml =
        env("<cwmp:Reboot><CommandKey>a</CommandKey><CommandKey>b</CommandKey></cwmp:Reboot>");
    let d = decode(xml.as_bytes()).unwrap();
    assert_eq!(d.envelope.body, Body::Request(Reboot::new("a").into()));
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement]);
    assert!(
        d.warnings[0]
            .context
            .contains("dropped <CommandKey>b</CommandKey>")
    );

    // Name and Value of a ParameterValueStruct, a FaultCode of a FaultStruct.
    let xml = env(
        "<cwmp:SetParameterValues><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\"><ParameterValueStruct><Name>Device.A</Name><Name>Device.B</Name><Value xsi:type=\"xsd:string\">1</Value><Value xsi:type=\"xsd:string\">2</Value></ParameterValueStruct></ParameterList><ParameterKey/></cwmp:SetParameterValues>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    let want = SetParameterValues::new(
        vec![ParameterValueStruct::new(
            "Device.A",
            ParameterValue::string("1"),
        )],
        "",
    );
    assert_eq!(d.envelope.body, Body::Request(want.into()));
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement; 2]);
    assert!(d.warnings[0].context.contains("Device.B"));
    assert!(d.warnings[1].context.contains(">2</Value>"));

    let xml = env(
        "<cwmp:TransferComplete><CommandKey>k</CommandKey><FaultStruct><FaultCode>9010</FaultCode><FaultCode>0</FaultCode><FaultString>x</FaultString></FaultStruct><StartTime>2024-01-01T00:00:00Z</StartTime><CompleteTime>2024-01-01T00:00:01Z</CompleteTime></cwmp:TransferComplete>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    let Body::Request(Request::TransferComplete(t)) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(t.fault_struct.fault_code, FaultCode::FileTransferFailure);
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement]);
}

/// Two lists where one is expected: the items of both fit the message.
#[test]
fn a_repeated_list_keeps_the_items_of_both() {
    let xml = env(
        "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"xsd:string[1]\"><string>Device.A</string></ParameterNames><ParameterNames soap-enc:arrayType=\"xsd:string[2]\"><string>Device.B</string><string>Device.C</string></ParameterNames></cwmp:GetParameterValues>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    assert_eq!(
        d.envelope.body,
        Body::Request(GetParameterValues::new(["Device.A", "Device.B", "Device.C"]).into())
    );
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement]);
    assert!(d.warnings[0].context.contains("ParameterNames"));
}

/// Event codes repeated past the array limit stop at it, like any array.
#[test]
fn repeated_event_codes_count_against_the_array_limit() {
    let codes: String = (0..5)
        .map(|_| "<EventCode>2 PERIODIC</EventCode>")
        .collect();
    let xml = inform(
        &format!("<EventStruct>{codes}<CommandKey/></EventStruct>"),
        ONE_PARAM,
    );
    let mut opts = DecodeOptions::default();
    opts.max_array_items = 4;
    let e = decode_with(xml.as_bytes(), &opts).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::TooManyItems);
    opts.max_array_items = 5;
    let d = decode_with(xml.as_bytes(), &opts).unwrap();
    assert_eq!(the_inform(&d).event.len(), 5);
}

// ------------------------------------------------------------------ blanks around names

#[test]
fn names_and_paths_wrapped_in_blanks_are_trimmed() {
    let xml = env(
        "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"xsd:string[2]\">\n  <string>\n    Device.DeviceInfo.\n  </string>\n  <string>Device.DeviceInfo.UpTime</string>\n</ParameterNames></cwmp:GetParameterValues>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    assert_eq!(
        d.envelope.body,
        Body::Request(
            GetParameterValues::new(["Device.DeviceInfo.", "Device.DeviceInfo.UpTime"]).into()
        )
    );
    assert_eq!(kinds(&d.warnings), [WarningKind::TrimmedName]);
    assert_eq!(d.warnings[0].context, "Device.DeviceInfo.");
    assert_eq!(
        d.warnings[0].offset as usize,
        xml.find("<string>\n").unwrap()
    );

    let xml = env(
        "<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\"><ParameterValueStruct><Name>\tDevice.DeviceInfo.UpTime </Name><Value xsi:type=\"xsd:unsignedInt\"> 42 </Value></ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    let want = GetParameterValuesResponse::new(vec![ParameterValueStruct::new(
        "Device.DeviceInfo.UpTime",
        ParameterValue::unsigned_int(42),
    )]);
    assert_eq!(d.envelope.body, Body::Response(want.into()));
    assert_eq!(kinds(&d.warnings), [WarningKind::TrimmedName]);

    // An object path: trimmed, and still checked for its dot.
    for (path, want) in [
        (
            "\n   Device.IP.Interface.\n",
            vec![WarningKind::TrimmedName],
        ),
        (
            " Device.IP.Interface ",
            vec![WarningKind::TrimmedName, WarningKind::ObjectNameWithoutDot],
        ),
    ] {
        let xml = env(&format!(
            "<cwmp:AddObject><ObjectName>{path}</ObjectName><ParameterKey/></cwmp:AddObject>"
        ));
        let d = decode(xml.as_bytes()).unwrap();
        let Body::Request(Request::AddObject(a)) = &d.envelope.body else {
            panic!()
        };
        assert_eq!(a.object_name, path.trim());
        assert_eq!(kinds(&d.warnings), want, "{path:?}");
    }
    // Names without blanks: no warning.
    let xml = env(
        "<cwmp:GetParameterNames><ParameterPath>Device.</ParameterPath><NextLevel>1</NextLevel></cwmp:GetParameterNames>",
    );
    assert!(decode(xml.as_bytes()).unwrap().warnings.is_empty());
}

// ------------------------------------------------------------------ GenieACS's Notification

/// GenieACS's SetParameterAttributes changing only the AccessList: an empty Notification,
/// unused since NotificationChange is false, needs no warning.
#[test]
fn an_empty_unused_notification_is_no_repair() {
    let spa = |change: &str| {
        env(&format!(
            "<cwmp:SetParameterAttributes><ParameterList soap-enc:arrayType=\"cwmp:SetParameterAttributesStruct[1]\"><SetParameterAttributesStruct><Name>Device.DeviceInfo.SoftwareVersion</Name><NotificationChange>{change}</NotificationChange><Notification></Notification><AccessListChange>true</AccessListChange><AccessList soap-enc:arrayType=\"xsd:string[1]\"><string>Subscriber</string></AccessList></SetParameterAttributesStruct></ParameterList></cwmp:SetParameterAttributes>"
        ))
    };
    let d = decode(spa("false").as_bytes()).unwrap();
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    let Body::Request(Request::SetParameterAttributes(s)) = &d.envelope.body else {
        panic!()
    };
    let p = &s.parameter_list[0];
    assert!(!p.notification_change && p.access_list_change);
    assert_eq!(p.notification, 0);
    assert_eq!(p.access_list, ["Subscriber"]);
    // Used (NotificationChange true), an empty Notification is a repair worth saying.
    let d = decode(spa("true").as_bytes()).unwrap();
    assert_eq!(kinds(&d.warnings), [WarningKind::InvalidNumber]);
    // Unused but not a number: still said.
    let bad = spa("false").replace(
        "<Notification></Notification>",
        "<Notification>x</Notification>",
    );
    assert_eq!(
        kinds(&decode(bad.as_bytes()).unwrap().warnings),
        [WarningKind::InvalidNumber]
    );
}

#[test]
fn a_repeated_fault_code_in_a_soap_fault_keeps_the_first() {
    let xml = env(
        "<soap-env:Fault><faultcode>soap-env:Client</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>9005</FaultCode><FaultCode>9002</FaultCode><FaultString>Invalid parameter name</FaultString><FaultString>x</FaultString></cwmp:Fault></detail></soap-env:Fault>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    let Body::Fault(f) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(f.fault_code, FaultCode::InvalidParameterName);
    assert_eq!(f.fault_string, "Invalid parameter name");
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement; 2]);
    assert!(
        d.warnings[0]
            .context
            .contains("<FaultCode>9002</FaultCode>")
    );
}

#[test]
fn repeated_fields_of_faults_and_du_results_keep_the_first() {
    let xml = env(
        "<soap-env:Fault><faultcode>Client</faultcode><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring><faultstring>again</faultstring><detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString></cwmp:Fault></detail></soap-env:Fault>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    let Body::Fault(f) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(f.soap_fault_code, SoapFaultCode::Client);
    assert_eq!(f.soap_fault_string, "CWMP fault");
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement; 2]);
    assert!(
        d.warnings[0]
            .context
            .contains("<faultcode>Server</faultcode>")
    );
    assert!(d.warnings[1].context.contains("again"));

    let xml = env(
        "<cwmp:DUStateChangeComplete><Results soap-enc:arrayType=\"cwmp:OpResultStruct[1]\"><OpResultStruct><UUID>u1</UUID><UUID>u2</UUID><DeploymentUnitRef>d</DeploymentUnitRef><Version>1</Version><CurrentState>Installed</CurrentState><Resolved>1</Resolved><ExecutionUnitRefList></ExecutionUnitRefList><StartTime>2024-01-01T00:00:00Z</StartTime><CompleteTime>2024-01-01T00:00:01Z</CompleteTime><Fault><FaultCode>0</FaultCode><FaultString></FaultString></Fault></OpResultStruct></Results><CommandKey>k1</CommandKey><CommandKey>k2</CommandKey></cwmp:DUStateChangeComplete>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    let Body::Request(Request::DuStateChangeComplete(c)) = &d.envelope.body else {
        panic!("{:?}", d.envelope.body)
    };
    assert_eq!(c.results[0].uuid, "u1");
    assert_eq!(c.command_key, "k1");
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement; 2]);
    assert!(
        d.warnings[0]
            .context
            .starts_with("UUID: the first kept, dropped <UUID>u2</UUID>")
    );

    let xml = env(
        "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:UninstallOpStruct\"><UUID>u</UUID><Version/><ExecutionEnvRef/></Operations><CommandKey>a</CommandKey><CommandKey>b</CommandKey></cwmp:ChangeDUState>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    let Body::Request(Request::ChangeDuState(c)) = &d.envelope.body else {
        panic!("{:?}", d.envelope.body)
    };
    assert_eq!(c.command_key, "a");
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement]);
}

#[test]
fn a_repeated_header_entry_keeps_the_first() {
    let xml = OPEN.replace(
        "</soap-env:Header>",
        "<cwmp:ID soap-env:mustUnderstand=\"1\">2</cwmp:ID><cwmp:HoldRequests>1</cwmp:HoldRequests><cwmp:HoldRequests>0</cwmp:HoldRequests></soap-env:Header>",
    ) + "<cwmp:GetRPCMethods/>" + CLOSE;
    let d = decode(xml.as_bytes()).unwrap();
    assert_eq!(d.envelope.header.id.as_deref(), Some("1"));
    assert_eq!(d.envelope.header.hold_requests, Some(true));
    assert_eq!(kinds(&d.warnings), [WarningKind::RepeatedElement; 2]);
    assert!(
        d.warnings[0]
            .context
            .starts_with("ID: the first kept, dropped <cwmp:ID")
    );
}
