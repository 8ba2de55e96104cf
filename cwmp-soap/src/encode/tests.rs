//! Unit tests of the encoder: exact bytes for a few messages, and every error.

use cwmp_types::*;

use crate::{BooleanStyle, EncodeError, EncodeOptions, encode, encode_with};

const OPEN: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    "<soap-env:Envelope",
    " xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\"",
    " xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\"",
    " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"",
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
);

fn to_string(env: &Envelope) -> String {
    let mut out = Vec::new();
    encode(env, &mut out).expect("encodes");
    String::from_utf8(out).expect("UTF-8")
}

fn with_style(env: &Envelope, booleans: BooleanStyle) -> String {
    let options = EncodeOptions { booleans };
    let mut out = Vec::new();
    encode_with(env, &options, &mut out).expect("encodes");
    String::from_utf8(out).expect("UTF-8")
}

/// The expected bytes: envelope start in `ns`, then `rest`.
fn expect(ns: &str, rest: &str) -> String {
    format!("{OPEN} xmlns:cwmp=\"{ns}\">{rest}")
}

fn dt(s: &str) -> DateTimeField {
    DateTimeField::Valid(s.parse().expect("dateTime"))
}

fn download_response(start: DateTimeField, complete: DateTimeField) -> DownloadResponse {
    let mut m = DownloadResponse::pending();
    m.status = 0;
    m.start_time = start;
    m.complete_time = complete;
    m
}

#[test]
fn inform_exact_bytes() {
    let mut inform = Inform::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", "SN123"),
        vec![
            EventStruct::new(EventCode::Boot),
            EventStruct::with_command_key(EventCode::m_reboot(), "rb1"),
        ],
    );
    inform.current_time = dt("2024-01-31T12:00:00Z");
    inform.retry_count = 2;
    inform.parameter_list = vec![
        ParameterValueStruct::new(
            "Device.DeviceInfo.SoftwareVersion",
            ParameterValue::string("1.2.3"),
        ),
        ParameterValueStruct::new(
            "Device.ManagementServer.PeriodicInformInterval",
            ParameterValue::unsigned_int(300),
        ),
    ];
    let mut env = Envelope::with_id("42", inform).in_namespace(CwmpNamespace::Cwmp1_0);
    env.header.session_timeout = Some(60);
    env.header.supported_cwmp_versions = Some(vec![CwmpVersion::V1_0, CwmpVersion::V1_4]);
    assert_eq!(
        to_string(&env),
        expect(
            "urn:dslforum-org:cwmp-1-0",
            concat!(
                "<soap-env:Header>",
                "<cwmp:ID soap-env:mustUnderstand=\"1\">42</cwmp:ID>",
                "<cwmp:SessionTimeout soap-env:mustUnderstand=\"0\">60</cwmp:SessionTimeout>",
                "<cwmp:SupportedCWMPVersions soap-env:mustUnderstand=\"0\">1.0,1.4</cwmp:SupportedCWMPVersions>",
                "</soap-env:Header>",
                "<soap-env:Body><cwmp:Inform>",
                "<DeviceId><Manufacturer>Acme</Manufacturer><OUI>00D09E</OUI>",
                "<ProductClass>Router</ProductClass><SerialNumber>SN123</SerialNumber></DeviceId>",
                "<Event soap-enc:arrayType=\"cwmp:EventStruct[2]\">",
                "<EventStruct><EventCode>1 BOOT</EventCode><CommandKey></CommandKey></EventStruct>",
                "<EventStruct><EventCode>M Reboot</EventCode><CommandKey>rb1</CommandKey></EventStruct>",
                "</Event>",
                "<MaxEnvelopes>1</MaxEnvelopes>",
                "<CurrentTime>2024-01-31T12:00:00Z</CurrentTime>",
                "<RetryCount>2</RetryCount>",
                "<ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[2]\">",
                "<ParameterValueStruct><Name>Device.DeviceInfo.SoftwareVersion</Name>",
                "<Value xsi:type=\"xsd:string\">1.2.3</Value></ParameterValueStruct>",
                "<ParameterValueStruct><Name>Device.ManagementServer.PeriodicInformInterval</Name>",
                "<Value xsi:type=\"xsd:unsignedInt\">300</Value></ParameterValueStruct>",
                "</ParameterList>",
                "</cwmp:Inform></soap-env:Body></soap-env:Envelope>"
            )
        )
    );
}

#[test]
fn get_parameter_values_exact_bytes_without_header() {
    let env = Envelope::new(GetParameterValues::new([
        "Device.DeviceInfo.",
        "Device.ManagementServer.URL",
    ]));
    assert_eq!(
        to_string(&env),
        expect(
            "urn:dslforum-org:cwmp-1-2",
            concat!(
                "<soap-env:Body><cwmp:GetParameterValues>",
                "<ParameterNames soap-enc:arrayType=\"xsd:string[2]\">",
                "<string>Device.DeviceInfo.</string><string>Device.ManagementServer.URL</string>",
                "</ParameterNames>",
                "</cwmp:GetParameterValues></soap-env:Body></soap-env:Envelope>"
            )
        )
    );
}

#[test]
fn empty_arrays_and_empty_methods() {
    let env = Envelope::with_id("1", GetParameterValuesResponse::new(Vec::new()));
    assert!(to_string(&env).contains(
        "<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[0]\"></ParameterList></cwmp:GetParameterValuesResponse>"
    ));
    let env = Envelope::with_id("1", RebootResponse::default());
    assert!(
        to_string(&env)
            .contains("<soap-env:Body><cwmp:RebootResponse></cwmp:RebootResponse></soap-env:Body>")
    );
}

#[test]
fn fault_with_set_parameter_values_faults_exact_bytes() {
    let mut fault = Fault::set_parameter_values(vec![
        SetParameterValuesFault::new("Device.X.Y", FaultCode::NonWritableParameter),
        SetParameterValuesFault::new("Device.X.Z", FaultCode::InvalidParameterType),
    ]);
    fault.fault_string = "Invalid arguments".into();
    let env = Envelope::with_id("7", fault);
    assert_eq!(
        to_string(&env),
        expect(
            "urn:dslforum-org:cwmp-1-2",
            concat!(
                "<soap-env:Header><cwmp:ID soap-env:mustUnderstand=\"1\">7</cwmp:ID></soap-env:Header>",
                "<soap-env:Body><soap-env:Fault>",
                "<faultcode>soap-env:Client</faultcode><faultstring>CWMP fault</faultstring>",
                "<detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString>",
                "<SetParameterValuesFault><ParameterName>Device.X.Y</ParameterName>",
                "<FaultCode>9008</FaultCode><FaultString>Attempt to set a non-writable parameter</FaultString>",
                "</SetParameterValuesFault>",
                "<SetParameterValuesFault><ParameterName>Device.X.Z</ParameterName>",
                "<FaultCode>9006</FaultCode><FaultString>Invalid parameter type</FaultString>",
                "</SetParameterValuesFault>",
                "</cwmp:Fault></detail></soap-env:Fault></soap-env:Body></soap-env:Envelope>"
            )
        )
    );
    let server = to_string(&Envelope::new(Fault::new(FaultCode::InternalError)));
    assert!(server.contains("<faultcode>soap-env:Server</faultcode>"));
    assert!(server.contains(
        "<FaultCode>9002</FaultCode><FaultString>Internal error</FaultString></cwmp:Fault>"
    ));
}

#[test]
fn every_header_entry_and_never_no_more_requests() {
    let mut env = Envelope::with_id("a", InformResponse::new());
    env.header.id_must_understand = false;
    env.header.hold_requests = Some(true);
    env.header.no_more_requests = Some(true);
    env.header.use_cwmp_version = Some(CwmpVersion::V1_4);
    let s = to_string(&env);
    assert!(s.contains(concat!(
        "<soap-env:Header>",
        "<cwmp:ID soap-env:mustUnderstand=\"0\">a</cwmp:ID>",
        "<cwmp:HoldRequests soap-env:mustUnderstand=\"1\">1</cwmp:HoldRequests>",
        "<cwmp:UseCWMPVersion soap-env:mustUnderstand=\"1\">1.4</cwmp:UseCWMPVersion>",
        "</soap-env:Header>",
        "<soap-env:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>"
    )), "{s}");
    assert!(!s.contains("NoMoreRequests"));
    // NoMoreRequests alone does not make a Header.
    let mut env = Envelope::new(InformResponse::new());
    env.header.no_more_requests = Some(false);
    assert!(!to_string(&env).contains("Header"));
    let mut env = Envelope::new(InformResponse::new());
    env.header.hold_requests = Some(false);
    assert!(to_string(&env).contains(
        "<soap-env:Header><cwmp:HoldRequests soap-env:mustUnderstand=\"1\">0</cwmp:HoldRequests></soap-env:Header>"
    ));
    assert!(with_style(&env, BooleanStyle::Words).contains(">false</cwmp:HoldRequests>"));
}

#[test]
fn text_is_escaped() {
    let env = Envelope::with_id(
        "<&>\"'",
        SetParameterValues::new(
            vec![ParameterValueStruct::new(
                "Device.X.<Y>",
                ParameterValue::string("a<b & c>d \"q\" 'a'\r\n\tz ]]> é \u{FFFD} \u{10000}"),
            )],
            "k&",
        ),
    );
    let s = to_string(&env);
    assert!(
        s.contains("<cwmp:ID soap-env:mustUnderstand=\"1\">&lt;&amp;&gt;\"'</cwmp:ID>"),
        "{s}"
    );
    assert!(s.contains("<Name>Device.X.&lt;Y&gt;</Name>"), "{s}");
    assert!(s.contains(
        "<Value xsi:type=\"xsd:string\">a&lt;b &amp; c&gt;d \"q\" 'a'&#13;\n\tz ]]&gt; é \u{FFFD} \u{10000}</Value>"
    ), "{s}");
    assert!(s.contains("<ParameterKey>k&amp;</ParameterKey>"));
}

#[test]
fn boolean_styles_everywhere_but_values() {
    let gpn = Envelope::new(GetParameterNames::new("Device.", true));
    assert!(to_string(&gpn).contains("<NextLevel>1</NextLevel>"));
    assert!(with_style(&gpn, BooleanStyle::Words).contains("<NextLevel>true</NextLevel>"));
    let gpn = Envelope::new(GetParameterNames::new("", false));
    assert!(to_string(&gpn).contains("<ParameterPath></ParameterPath><NextLevel>0</NextLevel>"));
    assert!(with_style(&gpn, BooleanStyle::Words).contains("<NextLevel>false</NextLevel>"));

    let resp = Envelope::new(GetParameterNamesResponse::new(vec![
        ParameterInfoStruct::new("Device.A.", true),
        ParameterInfoStruct::new("Device.A.B", false),
    ]));
    let s = to_string(&resp);
    assert!(s.contains(concat!(
        "<ParameterList soap-enc:arrayType=\"cwmp:ParameterInfoStruct[2]\">",
        "<ParameterInfoStruct><Name>Device.A.</Name><Writable>1</Writable></ParameterInfoStruct>",
        "<ParameterInfoStruct><Name>Device.A.B</Name><Writable>0</Writable></ParameterInfoStruct>",
        "</ParameterList>"
    )), "{s}");
    assert!(with_style(&resp, BooleanStyle::Words).contains("<Writable>true</Writable>"));

    let mut spa = SetParameterAttributesStruct::notification("Device.A.", 2);
    spa.access_list = vec!["Subscriber".into()];
    let mut m = SetParameterAttributes::default();
    m.parameter_list = vec![spa];
    let env = Envelope::new(m);
    assert!(to_string(&env).contains(concat!(
        "<SetParameterAttributesStruct><Name>Device.A.</Name>",
        "<NotificationChange>1</NotificationChange><Notification>2</Notification>",
        "<AccessListChange>0</AccessListChange>",
        "<AccessList soap-enc:arrayType=\"xsd:string[1]\"><string>Subscriber</string></AccessList>",
        "</SetParameterAttributesStruct>"
    )));
    assert!(with_style(&env, BooleanStyle::Words).contains(
        "<NotificationChange>true</NotificationChange><Notification>2</Notification><AccessListChange>false</AccessListChange>"
    ));

    // A boolean Value keeps the application's text in either style.
    let spv = Envelope::new(SetParameterValues::new(
        vec![
            ParameterValueStruct::new("Device.A", ParameterValue::boolean(true)),
            ParameterValueStruct::new("Device.B", ParameterValue::new("false", ValueType::Boolean)),
        ],
        "",
    ));
    for style in [BooleanStyle::Numeric, BooleanStyle::Words] {
        let s = with_style(&spv, style);
        assert!(
            s.contains("<Value xsi:type=\"xsd:boolean\">1</Value>"),
            "{s}"
        );
        assert!(
            s.contains("<Value xsi:type=\"xsd:boolean\">false</Value>"),
            "{s}"
        );
    }
}

#[test]
fn value_types() {
    let values = [
        (ParameterValue::int(-5), "xsd:int\">-5"),
        (
            ParameterValue::long(i64::MIN),
            "xsd:long\">-9223372036854775808",
        ),
        (
            ParameterValue::unsigned_long(u64::MAX),
            "xsd:unsignedLong\">18446744073709551615",
        ),
        (ParameterValue::base64(b"foo"), "xsd:base64\">Zm9v"),
        (
            ParameterValue::hex_binary(b"\x01\xab"),
            "xsd:hexBinary\">01AB",
        ),
        (
            ParameterValue::new("2024-01-01T00:00:00Z", ValueType::DateTime),
            "xsd:dateTime\">2024-01-01T00:00:00Z",
        ),
        (
            ParameterValue::new("v", ValueType::Other("X_ACME_Type".into())),
            "xsd:X_ACME_Type\">v",
        ),
    ];
    for (v, want) in values {
        let env = Envelope::new(GetParameterValuesResponse::new(vec![
            ParameterValueStruct::new("Device.A", v),
        ]));
        let s = to_string(&env);
        assert!(
            s.contains(&format!("<Value xsi:type=\"{want}</Value>")),
            "{s}"
        );
    }
}

#[test]
fn date_times_as_display() {
    for t in [
        "2024-01-31T12:00:00Z",
        "2015-01-19T23:08:24",
        "2015-10-05T02:23:01.337Z",
        "2015-10-05T02:23:01.000+01:00",
        "2015-10-05T02:23:01.123456789-07:30",
        "0001-01-01T00:00:43",
        "9999-12-31T23:59:59+14:00",
    ] {
        let env = Envelope::new(download_response(
            dt(t),
            DateTimeField::Invalid("2019-03-05T11:54::14 <x>".into()),
        ));
        let s = to_string(&env);
        assert!(s.contains(&format!("<StartTime>{t}</StartTime>")), "{s}");
        assert!(s.contains("<CompleteTime>2019-03-05T11:54::14 &lt;x&gt;</CompleteTime>"));
    }
    // Odd field values still match Display exactly.
    let mut d = DateTime::UNKNOWN;
    d.year = 65535;
    d.nanosecond = 1_999_999_999;
    d.fraction_digits = 12;
    d.offset_minutes = Some(-(14 * 60 + 5));
    let env = Envelope::new(download_response(
        DateTimeField::Valid(d),
        DateTimeField::UNKNOWN,
    ));
    let s = to_string(&env);
    assert!(s.contains(&format!("<StartTime>{d}</StartTime>")), "{s}");
    assert!(s.contains("<CompleteTime>0001-01-01T00:00:00Z</CompleteTime>"));
}

#[test]
fn change_du_state_uses_the_xsd_form_and_omits_empty_optionals() {
    let mut install = InstallOpStruct::default();
    install.url = "http://x/du.ipk".into();
    install.execution_env_ref = "Device.SoftwareModules.ExecEnv.1.".into();
    let update = UpdateOpStruct::default();
    let mut uninstall = UninstallOpStruct::default();
    uninstall.uuid = "a3a3a3a3-0000-1111-2222-333333333333".into();
    uninstall.version = "2".into();
    let mut m = ChangeDuState::default();
    m.operations = vec![
        Operation::Install(install),
        Operation::Update(update),
        Operation::Uninstall(uninstall),
    ];
    let env = Envelope::new(m);
    let s = to_string(&env);
    assert!(
        s.contains(concat!(
            "<cwmp:ChangeDUState>",
            "<Operations xsi:type=\"cwmp:InstallOpStruct\"><URL>http://x/du.ipk</URL>",
            "<ExecutionEnvRef>Device.SoftwareModules.ExecEnv.1.</ExecutionEnvRef></Operations>",
            "<Operations xsi:type=\"cwmp:UpdateOpStruct\"></Operations>",
            "<Operations xsi:type=\"cwmp:UninstallOpStruct\">",
            "<UUID>a3a3a3a3-0000-1111-2222-333333333333</UUID><Version>2</Version></Operations>",
            "<CommandKey></CommandKey></cwmp:ChangeDUState>"
        )),
        "{s}"
    );
}

#[test]
fn option_struct_expiration_date_only_when_some() {
    let mut o = OptionStruct::default();
    o.option_name = "Opt".into();
    o.start_date = dt("2020-01-01T00:00:00Z");
    let mut with = o.clone();
    with.expiration_date = Some(dt("2021-01-01T00:00:00Z"));
    let mut m = GetOptionsResponse::default();
    m.option_list = vec![o, with];
    let env = Envelope::new(m);
    let s = to_string(&env);
    assert!(s.contains(concat!(
        "<OptionList soap-enc:arrayType=\"cwmp:OptionStruct[2]\">",
        "<OptionStruct><OptionName>Opt</OptionName><VoucherSN>0</VoucherSN><State>0</State><Mode>0</Mode>",
        "<StartDate>2020-01-01T00:00:00Z</StartDate><IsTransferable>0</IsTransferable></OptionStruct>",
        "<OptionStruct><OptionName>Opt</OptionName><VoucherSN>0</VoucherSN><State>0</State><Mode>0</Mode>",
        "<StartDate>2020-01-01T00:00:00Z</StartDate><ExpirationDate>2021-01-01T00:00:00Z</ExpirationDate>",
        "<IsTransferable>0</IsTransferable></OptionStruct></OptionList>"
    )), "{s}");
}

#[test]
fn integers_at_their_limits() {
    let env = Envelope::new(AddObjectResponse::new(u32::MAX, i32::MIN));
    assert!(
        to_string(&env)
            .contains("<InstanceNumber>4294967295</InstanceNumber><Status>-2147483648</Status>")
    );
    let env = Envelope::new(AddObjectResponse::new(0, 0));
    assert!(to_string(&env).contains("<InstanceNumber>0</InstanceNumber><Status>0</Status>"));
}

#[test]
fn unknown_methods_verbatim() {
    let env = Envelope::with_id(
        "9",
        Request::Unknown(UnknownMethod::new(
            "X_ACME_Frobnicate",
            "<Level xsi:type=\"xsd:int\">3</Level><cwmp:Note a='1'>x &amp; &#x41;<![CDATA[<]]></cwmp:Note><!-- c --><e/>",
        )),
    );
    let s = to_string(&env);
    assert!(s.contains(concat!(
        "<soap-env:Body><cwmp:X_ACME_Frobnicate>",
        "<Level xsi:type=\"xsd:int\">3</Level><cwmp:Note a='1'>x &amp; &#x41;<![CDATA[<]]></cwmp:Note><!-- c --><e/>",
        "</cwmp:X_ACME_Frobnicate></soap-env:Body>"
    )), "{s}");
    let env = Envelope::new(Response::Unknown(UnknownMethod::new(
        "X_ACME_FrobnicateResponse",
        "",
    )));
    assert!(
        to_string(&env)
            .contains("<cwmp:X_ACME_FrobnicateResponse></cwmp:X_ACME_FrobnicateResponse>")
    );
    let env = Envelope::new(Request::Unknown(UnknownMethod::new(
        "X_A",
        "<v:x xmlns:v=\"urn:v\" v:a=\"1\">text</v:x>",
    )));
    assert!(
        to_string(&env)
            .contains("<cwmp:X_A><v:x xmlns:v=\"urn:v\" v:a=\"1\">text</v:x></cwmp:X_A>")
    );
}

fn encode_err(env: &Envelope) -> EncodeError {
    let mut out = b"keep".to_vec();
    let err = encode(env, &mut out).expect_err("must fail");
    assert_eq!(out, b"keep", "the buffer is left as it was");
    err
}

#[test]
fn invalid_unknown_methods_are_rejected() {
    let bad_names = ["", "1abc", "a b", "cwmp:X", "X<", "-x"];
    for name in bad_names {
        let env = Envelope::new(Request::Unknown(UnknownMethod::new(name, "")));
        assert!(
            matches!(encode_err(&env), EncodeError::InvalidUnknownMethod { name: n, .. } if n == name),
            "{name:?}"
        );
    }
    let bad_xml = [
        "<a>",
        "</a>",
        "<a></b>",
        "<a/></cwmp:X>",
        "a < b",
        "x &nbsp; y",
        "&#0;",
        "&#xFFFE;",
        "&",
        "<a b=\"1\" b=\"2\"/>",
        "<a b/>",
        "<a b=\"<\"/>",
        "<a b=\"&foo;\"/>",
        "<u:a/>",
        "<a u:b=\"1\"/>",
        "<?xml version=\"1.0\"?><a/>",
        "<!DOCTYPE a><a/>",
        "<!-- a -- b -->",
        "x ]]> y",
        "nul\0",
        "</w><w>",
        "<1a/>",
    ];
    for xml in bad_xml {
        let env = Envelope::new(Response::Unknown(UnknownMethod::new("X_Y", xml)));
        assert!(
            matches!(encode_err(&env), EncodeError::InvalidUnknownMethod { .. }),
            "{xml:?}"
        );
    }
}

#[test]
fn characters_xml_cannot_carry_are_errors() {
    for bad in [
        "a\0b",
        "\u{1}",
        "\u{8}",
        "\u{B}",
        "\u{C}",
        "\u{1F}",
        "x\u{FFFE}",
        "\u{FFFF}y",
    ] {
        let env = Envelope::new(SetParameterValues::new(
            vec![ParameterValueStruct::new(
                "Device.A",
                ParameterValue::string(bad),
            )],
            "",
        ));
        assert_eq!(
            encode_err(&env),
            EncodeError::InvalidXmlChar { field: "Value" },
            "{bad:?}"
        );
    }
    let env = Envelope::with_id("\u{7}", InformResponse::new());
    assert_eq!(
        encode_err(&env),
        EncodeError::InvalidXmlChar { field: "ID" }
    );
    let env = Envelope::new(Reboot::new("\u{0}"));
    assert_eq!(
        encode_err(&env),
        EncodeError::InvalidXmlChar {
            field: "CommandKey"
        }
    );
    let env = Envelope::new(GetParameterValues::new(["Device.\u{2}"]));
    assert_eq!(
        encode_err(&env),
        EncodeError::InvalidXmlChar { field: "string" }
    );
    let env = Envelope::new(download_response(
        DateTimeField::Invalid("\u{1b}".into()),
        DateTimeField::UNKNOWN,
    ));
    assert_eq!(
        encode_err(&env),
        EncodeError::InvalidXmlChar { field: "StartTime" }
    );
    // Characters next to the forbidden ones are fine.
    let env = Envelope::new(Reboot::new("\u{FFFD}\u{EFBF}\u{FEFF}\u{7F}\u{85}"));
    assert!(
        to_string(&env).contains("<CommandKey>\u{FFFD}\u{EFBF}\u{FEFF}\u{7F}\u{85}</CommandKey>")
    );
}

#[test]
fn vendor_value_types_must_be_names() {
    for name in ["", "a b", "x:y", "1x", "a\"b"] {
        let env = Envelope::new(GetParameterValuesResponse::new(vec![
            ParameterValueStruct::new(
                "Device.A",
                ParameterValue::new("v", ValueType::Other(name.into())),
            ),
        ]));
        assert_eq!(
            encode_err(&env),
            EncodeError::InvalidValueType { name: name.into() },
            "{name:?}"
        );
    }
}

#[test]
fn appends_to_the_callers_buffer() {
    let env = Envelope::new(Reboot::new("k"));
    let mut out = b"prefix".to_vec();
    encode(&env, &mut out).expect("encodes");
    assert!(out.starts_with(b"prefix<?xml"));
    let once = out.len() - 6;
    encode(&env, &mut out).expect("encodes");
    assert_eq!(out.len(), 6 + 2 * once);
}

#[test]
fn the_size_estimate_avoids_regrowth_for_list_messages() {
    let pvs: Vec<_> = (0..500)
        .map(|i| {
            ParameterValueStruct::new(
                format!("Device.IP.Interface.{i}.Stats.BytesSent"),
                ParameterValue::unsigned_long(i * 1_000_003),
            )
        })
        .collect();
    let names: Vec<_> = pvs
        .iter()
        .map(|p| ParameterInfoStruct::new(p.name.clone(), true))
        .collect();
    for env in [
        Envelope::with_id("1", GetParameterValuesResponse::new(pvs.clone())),
        Envelope::with_id("1", SetParameterValues::new(pvs, "k")),
        Envelope::with_id("1", GetParameterNamesResponse::new(names)),
    ] {
        let hint = super::rpc::size_hint(&env.body);
        let mut out = Vec::new();
        encode(&env, &mut out).expect("encodes");
        assert!(out.len() <= hint, "{} > {hint}", out.len());
        assert!(hint < out.len() * 2, "{hint} is far above {}", out.len());
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;
    use quick_xml::events::Event;

    /// Reads back the text of the single `CommandKey` element.
    fn command_key_text(xml: &[u8]) -> String {
        let xml = std::str::from_utf8(xml).expect("UTF-8");
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut inside = false;
        let mut text = String::new();
        loop {
            match reader.read_event().expect("well-formed") {
                Event::Start(e) if e.name().as_ref() == "CommandKey" => inside = true,
                Event::End(e) if e.name().as_ref() == "CommandKey" => return text,
                Event::Text(t) if inside => text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if inside => match r.resolve_char_ref().expect("ref") {
                    Some(c) => text.push(c),
                    None => text.push_str(match &*r {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("entity {other}"),
                    }),
                },
                Event::Eof => panic!("no CommandKey"),
                _ => {}
            }
        }
    }

    proptest! {
        #[test]
        fn escaped_text_reads_back_exactly(s in "\\PC*|[\\t\\n\\r <>&\"'a\u{e9}\u{FFFD}]*") {
            let env = Envelope::new(Reboot::new(s.clone()));
            let mut out = Vec::new();
            encode(&env, &mut out).expect("encodes");
            prop_assert_eq!(command_key_text(&out), s);
        }

        #[test]
        fn date_times_are_written_as_display(
            year in 0u16..=u16::MAX,
            month in 0u8..=99,
            day in 0u8..=99,
            hour in 0u8..=99,
            minute in 0u8..=99,
            second in 0u8..=99,
            nanosecond in 0u32..=u32::MAX,
            fraction_digits in 0u8..=12,
            offset in proptest::option::of(-1000i16..=1000),
        ) {
            let mut d = DateTime::UNKNOWN;
            d.year = year;
            d.month = month;
            d.day = day;
            d.hour = hour;
            d.minute = minute;
            d.second = second;
            d.nanosecond = nanosecond;
            d.fraction_digits = fraction_digits;
            d.offset_minutes = offset;
            let env = Envelope::new(download_response(
                DateTimeField::Valid(d),
                DateTimeField::UNKNOWN,
            ));
            let mut out = Vec::new();
            encode(&env, &mut out).expect("encodes");
            let want = format!("<StartTime>{d}</StartTime>");
            prop_assert!(String::from_utf8(out).expect("UTF-8").contains(&want));
        }
    }
}
