//! One test per quirk real devices and servers show in their envelopes, arrays and values
//! (and the decoder's other leniencies), each on a small inline envelope.

use cwmp_soap::{
    Charset, DecodeErrorKind, DecodeOptions, Decoded, WarningKind, decode, decode_with,
};
use cwmp_types::*;

const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";

/// A conventional envelope (cwmp-1-2, `soap-env` prefix) around `header` and `body`.
fn env(header: &str, body: &str) -> String {
    format!(
        r#"<soap-env:Envelope xmlns:soap-env="{SOAP_ENV}" xmlns:soap-enc="{SOAP_ENC}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><soap-env:Header>{header}</soap-env:Header><soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"#
    )
}

const ID: &str = r#"<cwmp:ID soap-env:mustUnderstand="1">1</cwmp:ID>"#;

fn ok(xml: &str) -> Decoded {
    match decode(xml.as_bytes()) {
        Ok(d) => d,
        Err(e) => panic!("{e} ({:?}) in\n{xml}", e.line_col(xml.as_bytes())),
    }
}

fn kinds(d: &Decoded) -> Vec<WarningKind> {
    d.warnings.iter().map(|w| w.kind).collect()
}

fn gpv_response(d: &Decoded) -> &GetParameterValuesResponse {
    match &d.envelope.body {
        Body::Response(Response::GetParameterValues(r)) => r,
        other => panic!("not a GPV response: {other:?}"),
    }
}

fn inform(d: &Decoded) -> &Inform {
    match &d.envelope.body {
        Body::Request(Request::Inform(r)) => r,
        other => panic!("not an Inform: {other:?}"),
    }
}

/// A GPV response with one ParameterValueStruct whose Value element is `value`.
fn gpv_with_value(value: &str) -> String {
    env(
        ID,
        &format!(
            r#"<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[1]"><ParameterValueStruct><Name>A.B</Name>{value}</ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse>"#
        ),
    )
}

/// The decoded Value (and the warnings) of [`gpv_with_value`].
fn one_value(value: &str) -> (ParameterValue, Vec<WarningKind>) {
    let d = ok(&gpv_with_value(value));
    let v = gpv_response(&d).parameter_list[0].value.clone();
    (v, kinds(&d))
}

// ------------------------------------------------------------------ §Envelope

#[test]
fn any_envelope_prefix_decodes_the_same() {
    let mut seen = Vec::new();
    for p in ["SOAP-ENV", "soap-env", "soapenv", "soap", "soap_env", "s"] {
        let xml = format!(
            r#"<{p}:Envelope xmlns:{p}="{SOAP_ENV}" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><{p}:Header><cwmp:ID {p}:mustUnderstand="1">7</cwmp:ID></{p}:Header><{p}:Body><cwmp:Reboot><CommandKey>k</CommandKey></cwmp:Reboot></{p}:Body></{p}:Envelope>"#
        );
        let d = ok(&xml);
        assert!(d.warnings.is_empty(), "{p}: {:?}", d.warnings);
        seen.push(d.envelope);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(seen[0].id(), Some("7"));
    assert_eq!(seen[0].namespace, CwmpNamespace::Cwmp1_0);
    assert_eq!(seen[0].body, Body::Request(Reboot::new("k").into()));
}

#[test]
fn mikrotik_prefix_bound_to_the_encoding_namespace_and_single_quotes() {
    // `soap` is the encoding URI; `soapenv` the envelope; mustUnderstand in the encoding ns.
    let xml = format!(
        r#"<?xml version='1.0' encoding='UTF-8'?>
<soapenv:Envelope xmlns:soap='{SOAP_ENC}' xmlns:soapenv='{SOAP_ENV}' xmlns:xsd='http://www.w3.org/2001/XMLSchema' xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' xmlns:cwmp='urn:dslforum-org:cwmp-1-0'>
<soapenv:Header><cwmp:ID soap:mustUnderstand='1'>mt1</cwmp:ID></soapenv:Header>
<soapenv:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse></soapenv:Body>
</soapenv:Envelope>"#
    );
    let d = ok(&xml);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(d.envelope.id(), Some("mt1"));
    assert!(d.envelope.header.id_must_understand);
    assert_eq!(
        d.envelope.body,
        Body::Response(InformResponse::new().into())
    );
}

#[test]
fn envelope_elements_in_a_wrong_namespace_are_found_with_a_warning() {
    // Every SOAP element's prefix is bound to the encoding URI.
    let xml = format!(
        r#"<soap:Envelope xmlns:soap="{SOAP_ENC}" xmlns:cwmp="urn:dslforum-org:cwmp-1-1"><soap:Header>{ID2}</soap:Header><soap:Body><cwmp:FactoryReset/></soap:Body></soap:Envelope>"#,
        ID2 = r#"<cwmp:ID soap:mustUnderstand="1">1</cwmp:ID>"#
    );
    let d = ok(&xml);
    assert_eq!(d.envelope.body.method_name(), "FactoryReset");
    assert_eq!(d.envelope.namespace, CwmpNamespace::Cwmp1_1);
    assert_eq!(
        kinds(&d)
            .iter()
            .filter(|k| **k == WarningKind::UnexpectedNamespace)
            .count(),
        3
    );
    let mut strict = DecodeOptions::default();
    strict.strict_namespaces = true;
    let e = decode_with(xml.as_bytes(), &strict).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::NotSoapEnvelope);
    assert_eq!(e.offset, 0);
}

#[test]
fn strict_namespaces_reject_unqualified_methods_and_foreign_body() {
    let mut strict = DecodeOptions::default();
    strict.strict_namespaces = true;
    let unqualified = env(ID, "<Reboot><CommandKey/></Reboot>");
    assert_eq!(
        decode_with(unqualified.as_bytes(), &strict)
            .unwrap_err()
            .kind,
        DecodeErrorKind::UnexpectedNamespace
    );
    // The lenient default accepts it without a warning.
    assert!(ok(&unqualified).warnings.is_empty());
    let good = env(ID, "<cwmp:Reboot><CommandKey/></cwmp:Reboot>");
    assert!(decode_with(good.as_bytes(), &strict).is_ok());
}

#[test]
fn no_header_and_no_id_give_a_warning() {
    let no_header = format!(
        r#"<s:Envelope xmlns:s="{SOAP_ENV}" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><s:Body><cwmp:GetRPCMethods/></s:Body></s:Envelope>"#
    );
    let d = ok(&no_header);
    assert_eq!(kinds(&d), vec![WarningKind::MissingId]);
    assert_eq!(d.envelope.id(), None);
    assert_eq!(
        d.envelope.body,
        Body::Request(GetRpcMethods::default().into())
    );

    let empty_header = env("", "<cwmp:GetRPCMethods/>");
    assert_eq!(kinds(&ok(&empty_header)), vec![WarningKind::MissingId]);
}

#[test]
fn id_must_understand_forms() {
    for (attr, want) in [
        (r#" soap-env:mustUnderstand="1""#, true),
        (r#" soap-env:mustUnderstand="true""#, true),
        (r#" soap-env:mustUnderstand="0""#, false),
        (r#" x:mustUnderstand="false" xmlns:x="urn:other""#, false),
        ("", false),
    ] {
        let d = ok(&env(
            &format!("<cwmp:ID{attr}>a</cwmp:ID>"),
            "<cwmp:GetRPCMethods/>",
        ));
        assert_eq!(d.envelope.header.id_must_understand, want, "{attr}");
        assert!(d.warnings.is_empty());
    }
    let d = ok(&env(
        r#"<cwmp:ID soap-env:mustUnderstand="yes">a</cwmp:ID>"#,
        "<cwmp:GetRPCMethods/>",
    ));
    assert_eq!(kinds(&d), vec![WarningKind::InvalidBoolean]);
}

#[test]
fn every_cwmp_namespace_is_recorded() {
    for ns in CwmpNamespace::ALL {
        let xml = format!(
            r#"<s:Envelope xmlns:s="{SOAP_ENV}" xmlns:c="{uri}"><s:Header><c:ID s:mustUnderstand="1">1</c:ID></s:Header><s:Body><c:Reboot><CommandKey/></c:Reboot></s:Body></s:Envelope>"#,
            uri = ns.uri()
        );
        assert_eq!(ok(&xml).envelope.namespace, ns);
    }
}

#[test]
fn namespace_is_taken_from_method_then_body_then_header_then_envelope() {
    let doc = |env_ns: &str, body_ns: &str, method: &str| {
        format!(
            r#"<s:Envelope xmlns:s="{SOAP_ENV}" {env_ns}><s:Header><ID xmlns="urn:dslforum-org:cwmp-1-3">1</ID></s:Header><s:Body {body_ns}>{method}</s:Body></s:Envelope>"#
        )
    };
    let e = r#"xmlns:cwmp="urn:dslforum-org:cwmp-1-0""#;
    let b = r#"xmlns:c="urn:dslforum-org:cwmp-1-1""#;
    // Default-namespace method element.
    let m = r#"<Reboot xmlns="urn:dslforum-org:cwmp-1-4"><CommandKey/></Reboot>"#;
    assert_eq!(ok(&doc(e, b, m)).envelope.namespace, CwmpNamespace::Cwmp1_4);
    let unqualified = "<Reboot><CommandKey/></Reboot>";
    assert_eq!(
        ok(&doc(e, b, unqualified)).envelope.namespace,
        CwmpNamespace::Cwmp1_1
    );
    assert_eq!(
        ok(&doc(e, "", unqualified)).envelope.namespace,
        CwmpNamespace::Cwmp1_3
    );
    let no_header = format!(
        r#"<s:Envelope xmlns:s="{SOAP_ENV}" {e}><s:Body>{unqualified}</s:Body></s:Envelope>"#
    );
    let d = ok(&no_header);
    assert_eq!(d.envelope.namespace, CwmpNamespace::Cwmp1_0);
    // Nowhere at all: cwmp-1-2 assumed, with a warning.
    let none =
        format!(r#"<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body>{unqualified}</s:Body></s:Envelope>"#);
    let d = ok(&none);
    assert_eq!(d.envelope.namespace, CwmpNamespace::Cwmp1_2);
    assert!(kinds(&d).contains(&WarningKind::MissingCwmpNamespace));
}

#[test]
fn unqualified_children_and_qualified_children_both_match() {
    let q = ok(&env(
        ID,
        "<cwmp:Reboot><cwmp:CommandKey>x</cwmp:CommandKey></cwmp:Reboot>",
    ));
    let u = ok(&env(
        ID,
        "<cwmp:Reboot><CommandKey>x</CommandKey></cwmp:Reboot>",
    ));
    assert_eq!(q.envelope, u.envelope);
    assert_eq!(u.envelope.body, Body::Request(Reboot::new("x").into()));
}

#[test]
fn encoding_style_and_soap_enc_array_attributes_are_ignored() {
    let xml = env(
        ID,
        r#"<cwmp:GetParameterValues soap-env:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><ParameterNames xsi:type="SOAP-ENC:Array" soap-enc:arrayType="xsd:string[1]"><string>A.</string></ParameterNames></cwmp:GetParameterValues>"#,
    );
    let d = ok(&xml);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(
        d.envelope.body,
        Body::Request(GetParameterValues::new(["A."]).into())
    );
}

#[test]
fn xml_declaration_comments_and_processing_instructions_anywhere() {
    let xml = format!(
        "<?xml version=\"1.0\"\n encoding=\"UTF-8\"?>\n<!-- before -->\n<?pi x?>{}<!-- after -->\n",
        env(
            ID,
            "<cwmp:Reboot><!-- c --><CommandKey>a<!-- inside -->b</CommandKey></cwmp:Reboot>"
        )
    );
    let d = ok(&xml);
    assert_eq!(d.envelope.body, Body::Request(Reboot::new("ab").into()));
}

#[test]
fn utf8_bom_is_skipped() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        env(
            ID,
            "<cwmp:Reboot><CommandKey>\u{e9}</CommandKey></cwmp:Reboot>",
        )
        .as_bytes(),
    );
    let d = decode(&bytes).unwrap();
    assert_eq!(d.envelope.body, Body::Request(Reboot::new("é").into()));
}

// ------------------------------------------------------------------ headers

#[test]
fn no_more_requests_hold_requests_and_1_3_1_4_headers() {
    let h = r#"<cwmp:ID soap-env:mustUnderstand="1">1</cwmp:ID><cwmp:NoMoreRequests>1</cwmp:NoMoreRequests><cwmp:HoldRequests soap-env:mustUnderstand="1">false</cwmp:HoldRequests><cwmp:SessionTimeout soap-env:mustUnderstand="0"> 60 </cwmp:SessionTimeout><cwmp:SupportedCWMPVersions>1.0, 1.2,1.4</cwmp:SupportedCWMPVersions><cwmp:UseCWMPVersion>1.4</cwmp:UseCWMPVersion>"#;
    let d = ok(&env(h, "<cwmp:GetRPCMethods/>"));
    let hd = &d.envelope.header;
    assert_eq!(hd.no_more_requests, Some(true));
    assert_eq!(hd.hold_requests, Some(false));
    assert_eq!(hd.session_timeout, Some(60));
    assert_eq!(
        hd.supported_cwmp_versions,
        Some(vec![
            CwmpVersion::V1_0,
            CwmpVersion::V1_2,
            CwmpVersion::V1_4
        ])
    );
    assert_eq!(hd.use_cwmp_version, Some(CwmpVersion::V1_4));
    assert_eq!(kinds(&d), vec![WarningKind::NoMoreRequests]);
}

#[test]
fn unknown_header_entries_are_ignored_unless_must_understand() {
    let ignored = env(
        r#"<cwmp:ID soap-env:mustUnderstand="1">1</cwmp:ID><x:Foo xmlns:x="urn:x" soap-env:mustUnderstand="0"><a/></x:Foo><cwmp:Bar>1</cwmp:Bar>"#,
        "<cwmp:GetRPCMethods/>",
    );
    let d = ok(&ignored);
    assert_eq!(
        kinds(&d),
        vec![WarningKind::UnknownHeader, WarningKind::UnknownHeader]
    );
    for mu in [
        r#"soap-env:mustUnderstand="1""#,
        r#"soap-env:mustUnderstand="true""#,
        r#"x:mustUnderstand="1""#,
    ] {
        let xml = env(
            &format!(r#"<x:Foo xmlns:x="urn:x" {mu}>v</x:Foo>"#),
            "<cwmp:GetRPCMethods/>",
        );
        // Listed for a MustUnderstand fault (must_understand.rs has the rest).
        let d = decode(xml.as_bytes()).unwrap();
        assert_eq!(d.not_understood.len(), 1, "{mu}");
        let n = &d.not_understood[0];
        assert_eq!(n.name, "x:Foo");
        assert_eq!(
            &xml.as_bytes()[n.offset as usize..n.offset as usize + 6],
            b"<x:Foo"
        );
    }
}

#[test]
fn use_cwmp_version_garbage_is_a_warning_or_must_understand() {
    let d = ok(&env(
        "<cwmp:UseCWMPVersion>latest</cwmp:UseCWMPVersion>",
        "<cwmp:GetRPCMethods/>",
    ));
    assert_eq!(d.envelope.header.use_cwmp_version, None);
    assert!(kinds(&d).contains(&WarningKind::InvalidHeaderValue));
    let xml = env(
        r#"<cwmp:UseCWMPVersion soap-env:mustUnderstand="1">latest</cwmp:UseCWMPVersion>"#,
        "<cwmp:GetRPCMethods/>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    assert_eq!(d.envelope.header.use_cwmp_version, None);
    assert_eq!(d.not_understood.len(), 1);
    assert_eq!(d.not_understood[0].name, "cwmp:UseCWMPVersion");
}

// ------------------------------------------------------------------ §Arrays

fn gpn_names_array(attr: &str, n: usize) -> String {
    let items: String = (0..n).map(|i| format!("<string>P{i}</string>")).collect();
    env(
        ID,
        &format!(
            "<cwmp:GetParameterValues><ParameterNames {attr}>{items}</ParameterNames></cwmp:GetParameterValues>"
        ),
    )
}

#[test]
fn array_type_count_zero_padded_wrong_odd_or_absent() {
    let cases: [(&str, usize, Vec<WarningKind>); 7] = [
        (r#"soap-enc:arrayType="xsd:string[3]""#, 3, vec![]),
        (r#"soap-enc:arrayType="xsd:string[0003]""#, 3, vec![]),
        (
            r#"soap-enc:arrayType="{urn:dslforum-org:cwmp-1-2}string[1]""#,
            5,
            vec![WarningKind::ArrayTypeMismatch],
        ),
        (
            r#"soap-enc:arrayType="xsd:string[213]""#,
            227,
            vec![WarningKind::ArrayTypeMismatch],
        ),
        (
            r#"soap-enc:arrayType="xsd:string[1000000000000]""#,
            2,
            vec![WarningKind::ArrayTypeMismatch],
        ),
        (
            r#"soap-enc:arrayType="xsd:string[many]""#,
            1,
            vec![WarningKind::ArrayTypeMismatch],
        ),
        ("", 2, vec![WarningKind::MissingArrayType]),
    ];
    for (attr, n, want) in cases {
        let d = ok(&gpn_names_array(attr, n));
        let Body::Request(Request::GetParameterValues(r)) = &d.envelope.body else {
            panic!()
        };
        assert_eq!(r.parameter_names.len(), n, "{attr}");
        assert_eq!(r.parameter_names[n - 1], format!("P{}", n - 1).as_str());
        assert_eq!(kinds(&d), want, "{attr}");
    }
}

#[test]
fn event_struct_without_command_key_and_array_without_array_type() {
    let xml = env(
        ID,
        r#"<cwmp:Inform><DeviceId><Manufacturer>M</Manufacturer><OUI>00D09E</OUI><ProductClass/><SerialNumber>S</SerialNumber></DeviceId><Event><EventStruct><EventCode>0 BOOTSTRAP</EventCode></EventStruct><EventStruct><EventCode>M X_ACME_Foo</EventCode><CommandKey>ck</CommandKey></EventStruct></Event><MaxEnvelopes>0</MaxEnvelopes><CurrentTime>2015-10-05T02:23:01.337Z</CurrentTime><RetryCount>0</RetryCount><ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[0]"/></cwmp:Inform>"#,
    );
    let d = ok(&xml);
    let i = inform(&d);
    assert_eq!(i.event.len(), 2);
    assert_eq!(i.event[0].event_code, EventCode::Bootstrap);
    assert_eq!(i.event[0].command_key, "");
    assert_eq!(
        i.event[1].event_code,
        EventCode::Method("X_ACME_Foo".into())
    );
    assert_eq!(i.event[1].command_key, "ck");
    assert_eq!(i.max_envelopes, 0);
    assert_eq!(i.device_id, DeviceIdStruct::new("M", "00D09E", "", "S"));
    assert_eq!(
        kinds(&d),
        vec![WarningKind::MissingArrayType, WarningKind::MissingElement]
    );
}

// ------------------------------------------------------------------ §Values

#[test]
fn value_without_xsi_type_is_a_string_with_a_warning() {
    let (v, w) = one_value("<Value>x</Value>");
    assert_eq!(v, ParameterValue::string("x"));
    assert_eq!(w, vec![WarningKind::MissingValueType]);
}

#[test]
fn vendor_and_odd_value_types() {
    let (v, w) = one_value(r#"<Value xsi:type="acme:X_ACME_Blob" xmlns:acme="urn:acme">q</Value>"#);
    assert_eq!(
        v,
        ParameterValue::new("q", ValueType::Other("X_ACME_Blob".into()))
    );
    assert!(w.is_empty());
    let (v, _) = one_value(r#"<Value xsi:type="soap-enc:base64">AAE=</Value>"#);
    assert_eq!(v.value_type, ValueType::Base64);
    assert_eq!(v.as_base64().unwrap(), vec![0, 1]);
    let (v, _) = one_value(r#"<Value xsi:type="unsignedLong">18446744073709551615</Value>"#);
    assert_eq!(v.as_u64().unwrap(), u64::MAX);
}

#[test]
fn missing_value_element_is_an_empty_string_with_a_warning() {
    let d = ok(&gpv_with_value(""));
    let p = &gpv_response(&d).parameter_list[0];
    assert_eq!(p.name, "A.B");
    assert_eq!(p.value, ParameterValue::string(""));
    assert_eq!(kinds(&d), vec![WarningKind::MissingValue]);
}

#[test]
fn booleans_in_every_form_and_garbage() {
    for (text, want) in [
        ("1", true),
        ("0", false),
        ("true", true),
        ("false", false),
        ("TRUE", true),
        ("False", false),
        (" \n true \n", true),
    ] {
        let d = ok(&env(
            ID,
            &format!(
                "<cwmp:GetParameterNames><ParameterPath>A.</ParameterPath><NextLevel>{text}</NextLevel></cwmp:GetParameterNames>"
            ),
        ));
        assert_eq!(
            d.envelope.body,
            Body::Request(GetParameterNames::new("A.", want).into()),
            "{text:?}"
        );
        assert!(d.warnings.is_empty());
    }
    let d = ok(&env(
        ID,
        r#"<cwmp:GetParameterNamesResponse><ParameterList soap-enc:arrayType="cwmp:ParameterInfoStruct[2]"><ParameterInfoStruct><Name>A.B</Name><Writable>30</Writable></ParameterInfoStruct><ParameterInfoStruct><Name>A.C</Name><Writable>True</Writable></ParameterInfoStruct></ParameterList></cwmp:GetParameterNamesResponse>"#,
    ));
    assert_eq!(
        d.envelope.body,
        Body::Response(
            GetParameterNamesResponse::new(vec![
                ParameterInfoStruct::new("A.B", false),
                ParameterInfoStruct::new("A.C", true)
            ])
            .into()
        )
    );
    assert_eq!(kinds(&d), vec![WarningKind::InvalidBoolean]);
    assert!(d.warnings[0].context.contains("30"));
}

fn current_time(text: &str) -> (DateTimeField, Vec<WarningKind>) {
    let xml = env(
        ID,
        &format!(
            r#"<cwmp:Inform><DeviceId><Manufacturer>M</Manufacturer><OUI>000000</OUI><ProductClass>P</ProductClass><SerialNumber>S</SerialNumber></DeviceId><Event soap-enc:arrayType="cwmp:EventStruct[0]"></Event><MaxEnvelopes>1</MaxEnvelopes><CurrentTime>{text}</CurrentTime><RetryCount>942</RetryCount><ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[0]"></ParameterList></cwmp:Inform>"#
        ),
    );
    let d = ok(&xml);
    assert_eq!(inform(&d).retry_count, 942);
    (inform(&d).current_time.clone(), kinds(&d))
}

#[test]
fn date_time_variants() {
    for (text, offset, nanos) in [
        ("2015-01-19T23:08:24", None, 0),
        ("2015-01-19T23:08:24+01:00", Some(60), 0),
        ("2015-01-19T23:08:24-07:00", Some(-420), 0),
        ("2015-10-05T02:23:01.337Z", Some(0), 337_000_000),
        ("\n  1970-01-02T00:08:34Z  ", Some(0), 0),
    ] {
        let (f, w) = current_time(text);
        let d = f.valid().unwrap_or_else(|| panic!("{text}"));
        assert_eq!((d.offset_minutes, d.nanosecond), (offset, nanos), "{text}");
        assert!(w.is_empty(), "{text}: {w:?}");
    }
    let (f, _) = current_time("0001-01-01T00:00:00Z");
    assert_eq!(f, DateTimeField::UNKNOWN);
    let (f, w) = current_time("0001-01-01T00:00:43");
    assert_eq!(f.valid().unwrap().second, 43);
    assert!(w.is_empty());
}

#[test]
fn garbage_date_time_is_kept_as_text_with_a_warning() {
    let (f, w) = current_time(" 2019-03-05T11:54::14 ");
    assert_eq!(f, DateTimeField::Invalid("2019-03-05T11:54::14".into()));
    assert_eq!(w, vec![WarningKind::InvalidDateTime]);
}

#[test]
fn whitespace_kept_for_strings_trimmed_for_numbers_booleans_dates() {
    let (v, _) = one_value("<Value xsi:type=\"xsd:string\">  HW\n 2.0 </Value>");
    assert_eq!(v.text, "  HW\n 2.0 ");
    let (v, _) = one_value("<Value xsi:type=\"xsd:unsignedInt\">\n  42\n</Value>");
    assert_eq!(v.text, "42");
    let (v, _) = one_value("<Value xsi:type=\"xsd:boolean\"> true </Value>");
    assert_eq!(v.text, "true");
    let (v, _) = one_value("<Value xsi:type=\"xsd:dateTime\">\t2015-01-19T23:08:24Z\n</Value>");
    assert_eq!(v.text, "2015-01-19T23:08:24Z");
    // CR LF line ends are normalised to LF, as XML requires.
    let (v, _) = one_value("<Value xsi:type=\"xsd:string\">a\r\nb</Value>");
    assert_eq!(v.text, "a\nb");
}

#[test]
fn cdata_entities_and_character_references_join_into_one_text() {
    let (v, w) = one_value(
        r#"<Value xsi:type="xsd:string">a&lt;b&gt;&amp;&apos;&quot;<![CDATA[<raw & text>]]>&#167;&#xA7;&#x1F600;z</Value>"#,
    );
    assert_eq!(v.text, "a<b>&'\"<raw & text>§§😀z");
    assert!(w.is_empty(), "{w:?}");
    // A surrogate pair written as two references is joined, with a warning.
    let (v, w) = one_value(r#"<Value xsi:type="xsd:string">&#xd842;&#xDFB7;</Value>"#);
    assert_eq!(v.text, "\u{20BB7}");
    assert_eq!(w, vec![WarningKind::InvalidXmlChar]);
}

#[test]
fn control_characters_in_text_are_kept_with_a_warning() {
    let (v, w) = one_value("<Value xsi:type=\"xsd:string\">a\u{2}b&#x1;</Value>");
    assert_eq!(v.text, "a\u{2}b\u{1}");
    assert_eq!(w, vec![WarningKind::InvalidXmlChar]);
}

#[test]
fn unknown_elements_inside_known_structs_are_skipped() {
    let d = ok(&env(
        ID,
        r#"<cwmp:Reboot><X_Vendor><deep><deeper>1</deeper></deep></X_Vendor><CommandKey>k<b>bold</b></CommandKey></cwmp:Reboot>"#,
    ));
    assert_eq!(d.envelope.body, Body::Request(Reboot::new("k").into()));
    assert_eq!(
        kinds(&d),
        vec![WarningKind::UnknownElement, WarningKind::UnknownElement]
    );
    assert_eq!(d.warnings[0].context, "X_Vendor");
}

#[test]
fn missing_required_elements_keep_defaults_with_warnings() {
    let d = ok(&env(
        ID,
        "<cwmp:Download><CommandKey>c</CommandKey><URL>http://x/f</URL></cwmp:Download>",
    ));
    let Body::Request(Request::Download(dl)) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(
        (dl.command_key.as_str(), dl.url.as_str()),
        ("c", "http://x/f")
    );
    assert_eq!(dl.file_size, 0);
    let missing: Vec<&str> = d.warnings.iter().map(|w| w.context.as_str()).collect();
    assert_eq!(
        missing,
        [
            "FileType",
            "Username",
            "Password",
            "FileSize",
            "TargetFileName",
            "DelaySeconds",
            "SuccessURL",
            "FailureURL"
        ]
    );
    assert!(kinds(&d).iter().all(|k| *k == WarningKind::MissingElement));
}

#[test]
fn not_a_number_is_zero_with_a_warning_but_out_of_range_is_an_error() {
    let d = ok(&env(
        ID,
        "<cwmp:ScheduleInform><DelaySeconds>foo</DelaySeconds><CommandKey/></cwmp:ScheduleInform>",
    ));
    assert_eq!(kinds(&d), vec![WarningKind::InvalidNumber]);
    let xml = env(
        ID,
        "<cwmp:ScheduleInform><DelaySeconds>4294967296</DelaySeconds><CommandKey/></cwmp:ScheduleInform>",
    );
    let e = decode(xml.as_bytes()).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::InvalidNumber);
    assert!(xml[e.offset as usize..].starts_with("<DelaySeconds>"));
    let xml = env(
        ID,
        "<cwmp:SetParameterValuesResponse><Status>-2147483649</Status></cwmp:SetParameterValuesResponse>",
    );
    assert_eq!(
        decode(xml.as_bytes()).unwrap_err().kind,
        DecodeErrorKind::InvalidNumber
    );
    let xml = env(
        ID,
        "<cwmp:SetParameterValuesResponse><Status>-2147483648</Status></cwmp:SetParameterValuesResponse>",
    );
    assert_eq!(
        ok(&xml).envelope.body,
        Body::Response(SetParameterValuesResponse::new(i32::MIN).into())
    );
}

#[test]
fn gpn_object_names_without_trailing_dot_are_kept_with_a_warning() {
    let d = ok(&env(
        ID,
        r#"<cwmp:GetParameterNamesResponse><ParameterList soap-enc:arrayType="cwmp:ParameterInfoStruct[3]"><ParameterInfoStruct><Name>Device.LAN</Name><Writable>0</Writable></ParameterInfoStruct><ParameterInfoStruct><Name>Device.LAN.IP</Name><Writable>1</Writable></ParameterInfoStruct><ParameterInfoStruct><Name>Device.WAN.</Name><Writable>0</Writable></ParameterInfoStruct></ParameterList></cwmp:GetParameterNamesResponse>"#,
    ));
    let Body::Response(Response::GetParameterNames(r)) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(r.parameter_list[0].name, "Device.LAN");
    assert_eq!(kinds(&d), vec![WarningKind::ObjectNameWithoutDot]);
    assert_eq!(d.warnings[0].context, "Device.LAN");
}

#[test]
fn add_object_name_without_dot_is_kept_with_a_warning() {
    let d = ok(&env(
        ID,
        "<cwmp:AddObject><ObjectName>Device.Test</ObjectName><ParameterKey/></cwmp:AddObject>",
    ));
    assert_eq!(
        d.envelope.body,
        Body::Request(AddObject::new("Device.Test", "").into())
    );
    assert_eq!(kinds(&d), vec![WarningKind::ObjectNameWithoutDot]);
}

// ------------------------------------------------------------------ charsets

#[test]
fn latin1_declared_in_the_xml_declaration() {
    let mut bytes = b"<?xml version='1.0' encoding='ISO-8859-1'?>".to_vec();
    bytes.extend_from_slice(
        env(
            ID,
            "<cwmp:Reboot><CommandKey>caf\u{0}</CommandKey></cwmp:Reboot>",
        )
        .replace('\u{0}', "#")
        .as_bytes(),
    );
    let at = bytes.iter().position(|&b| b == b'#').unwrap();
    bytes[at] = 0xE9; // é in Latin-1
    let d = decode(&bytes).unwrap();
    assert_eq!(d.envelope.body, Body::Request(Reboot::new("café").into()));
    assert_eq!(kinds(&d), vec![WarningKind::CharsetConverted]);
}

#[test]
fn latin1_from_content_type_and_error_offsets_map_back() {
    let opts = {
        let mut o = DecodeOptions::default();
        o.charset = Charset::from_content_type("text/xml; charset=\"iso-8859-1\"");
        o
    };
    let mut bytes = env(
        ID,
        "<cwmp:Reboot><CommandKey>\u{1}\u{1}</CommandKey><X>&bogus;</X></cwmp:Reboot>",
    )
    .into_bytes();
    for b in bytes.iter_mut().filter(|b| **b == 1) {
        *b = 0xFC; // ü
    }
    let e = decode_with(&bytes, &opts).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::UnknownEntity);
    assert_eq!(&bytes[e.offset as usize..e.offset as usize + 6], b"&bogus");
    // Read as UTF-8 the same bytes are invalid, at the first 0xFC.
    let mut utf8 = opts;
    utf8.charset = Charset::Utf8;
    let e = decode_with(&bytes, &utf8).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::InvalidEncoding);
    assert_eq!(bytes[e.offset as usize], 0xFC);
}

#[test]
fn us_ascii_rejects_bytes_above_127() {
    let mut bytes = b"<?xml version=\"1.0\" encoding=\"US-ASCII\"?>".to_vec();
    bytes.extend_from_slice(
        env(ID, "<cwmp:Reboot><CommandKey>#</CommandKey></cwmp:Reboot>").as_bytes(),
    );
    assert!(decode(&bytes).is_ok());
    let at = bytes.iter().position(|&b| b == b'#').unwrap();
    bytes[at] = 0xE9;
    let e = decode(&bytes).unwrap_err();
    assert_eq!(
        (e.kind, e.offset),
        (DecodeErrorKind::InvalidEncoding, at as u64)
    );
}

// ------------------------------------------------------------------ messages

#[test]
fn change_du_state_operations_in_both_forms() {
    let xsd_form = env(
        ID,
        r#"<cwmp:ChangeDUState><Operations xsi:type="cwmp:InstallOpStruct"><URL>http://x/a</URL><UUID>u1</UUID><ExecutionEnvRef>Device.SoftwareModules.ExecEnv.1.</ExecutionEnvRef></Operations><Operations xsi:type="cwmp:UpdateOpStruct"><UUID>u2</UUID><Version>2</Version></Operations><Operations xsi:type="cwmp:UninstallOpStruct"><UUID>u3</UUID></Operations><CommandKey>ck</CommandKey></cwmp:ChangeDUState>"#,
    );
    let container_form = env(
        ID,
        r#"<cwmp:ChangeDUState><CommandKey>ck</CommandKey><Operations><InstallOpStruct><URL>http://x/a</URL><UUID>u1</UUID><ExecutionEnvRef>Device.SoftwareModules.ExecEnv.1.</ExecutionEnvRef></InstallOpStruct><UpdateOpStruct><UUID>u2</UUID><Version>2</Version></UpdateOpStruct><UninstallOpStruct><UUID>u3</UUID></UninstallOpStruct></Operations></cwmp:ChangeDUState>"#,
    );
    let a = ok(&xsd_form);
    let b = ok(&container_form);
    assert!(a.warnings.is_empty() && b.warnings.is_empty());
    assert_eq!(a.envelope, b.envelope);
    let Body::Request(Request::ChangeDuState(c)) = &a.envelope.body else {
        panic!()
    };
    assert_eq!(c.command_key, "ck");
    assert_eq!(c.operations.len(), 3);
    let Operation::Install(i) = &c.operations[0] else {
        panic!()
    };
    assert_eq!((i.url.as_str(), i.uuid.as_str()), ("http://x/a", "u1"));
    assert!(matches!(&c.operations[1], Operation::Update(u) if u.version == "2"));
    assert!(matches!(&c.operations[2], Operation::Uninstall(u) if u.uuid == "u3"));
}

#[test]
fn get_rpc_methods_request_and_response() {
    let d = ok(&env(ID, "<cwmp:GetRPCMethods></cwmp:GetRPCMethods>"));
    assert_eq!(
        d.envelope.body,
        Body::Request(Request::GetRpcMethods(GetRpcMethods::default()))
    );
    let d = ok(&env(
        ID,
        r#"<cwmp:GetRPCMethodsResponse><MethodList soap-enc:arrayType="xsd:string[2]"><string>Inform</string><string>GetRPCMethods</string></MethodList></cwmp:GetRPCMethodsResponse>"#,
    ));
    assert_eq!(
        d.envelope.body,
        Body::Response(Response::GetRpcMethods(GetRpcMethodsResponse::new([
            "Inform",
            "GetRPCMethods"
        ])))
    );
}

#[test]
fn faults_with_and_without_faultcode_prefix_and_spv_fault_list() {
    for code in ["Client", "soap-env:Client", " Client "] {
        let d = ok(&env(
            ID,
            &format!(
                r#"<soap-env:Fault><faultcode>{code}</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString><SetParameterValuesFault><ParameterName>A.B</ParameterName><FaultCode>9007</FaultCode><FaultString>bad</FaultString></SetParameterValuesFault><SetParameterValuesFault><ParameterName>A.C</ParameterName><FaultCode>9008</FaultCode></SetParameterValuesFault></cwmp:Fault></detail></soap-env:Fault>"#
            ),
        ));
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        let Body::Fault(f) = &d.envelope.body else {
            panic!()
        };
        assert_eq!(f.soap_fault_code, SoapFaultCode::Client);
        assert_eq!(f.soap_fault_string, "CWMP fault");
        assert_eq!(f.fault_code, FaultCode::InvalidArguments);
        assert_eq!(f.fault_string, "Invalid arguments");
        assert_eq!(f.set_parameter_values_faults.len(), 2);
        assert_eq!(f.set_parameter_values_faults[0].parameter_name, "A.B");
        assert_eq!(
            f.set_parameter_values_faults[0].fault_code,
            FaultCode::InvalidParameterValue
        );
        assert_eq!(f.set_parameter_values_faults[0].fault_string, "bad");
        assert_eq!(f.set_parameter_values_faults[1].fault_string, "");
    }
    let d = ok(&env(
        ID,
        r#"<soap-env:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>8005</FaultCode><FaultString>Retry</FaultString></cwmp:Fault></detail></soap-env:Fault>"#,
    ));
    let Body::Fault(f) = &d.envelope.body else {
        panic!()
    };
    assert_eq!(f.soap_fault_code, SoapFaultCode::Server);
    assert_eq!(f.fault_code, FaultCode::AcsRetryRequest);
}

#[test]
fn unknown_methods_keep_their_raw_content() {
    let inner = r#"<Arg a="1">x &amp; y</Arg><Opt/>"#;
    let d = ok(&env(
        ID,
        &format!("<cwmp:X_ACME_Frob>{inner}</cwmp:X_ACME_Frob>"),
    ));
    assert_eq!(
        d.envelope.body,
        Body::Request(Request::Unknown(UnknownMethod::new("X_ACME_Frob", inner)))
    );
    let d = ok(&env(ID, "<X_ACME_FrobResponse/>"));
    assert_eq!(
        d.envelope.body,
        Body::Response(Response::Unknown(UnknownMethod::new(
            "X_ACME_FrobResponse",
            ""
        )))
    );
}

#[test]
fn op_result_fault_directly_or_wrapped_in_fault_struct() {
    let result = |fault: &str| {
        env(
            ID,
            &format!(
                r#"<cwmp:DUStateChangeComplete><Results soap-enc:arrayType="cwmp:OpResultStruct[1]"><OpResultStruct><UUID>u</UUID><DeploymentUnitRef>r</DeploymentUnitRef><Version>1</Version><CurrentState>Failed</CurrentState><Resolved>0</Resolved><ExecutionUnitRefList></ExecutionUnitRefList><StartTime>0001-01-01T00:00:00Z</StartTime><CompleteTime>0001-01-01T00:00:00Z</CompleteTime><Fault>{fault}</Fault></OpResultStruct></Results><CommandKey>c</CommandKey></cwmp:DUStateChangeComplete>"#
            ),
        )
    };
    let direct = ok(&result(
        "<FaultCode>9018</FaultCode><FaultString>corrupt</FaultString>",
    ));
    let wrapped = ok(&result(
        "<FaultStruct><FaultCode>9018</FaultCode><FaultString>corrupt</FaultString></FaultStruct>",
    ));
    assert!(direct.warnings.is_empty(), "{:?}", direct.warnings);
    assert_eq!(direct.envelope, wrapped.envelope);
    let Body::Request(Request::DuStateChangeComplete(c)) = &direct.envelope.body else {
        panic!()
    };
    assert_eq!(c.results[0].fault.fault_code, FaultCode::FileCorrupted);
    assert_eq!(c.results[0].current_state, "Failed");
}

#[test]
fn body_must_hold_exactly_one_element() {
    let empty = env(ID, "");
    assert_eq!(
        decode(empty.as_bytes()).unwrap_err().kind,
        DecodeErrorKind::InvalidBody
    );
    let two = env(ID, "<cwmp:GetRPCMethods/><cwmp:GetRPCMethods/>");
    assert_eq!(
        decode(two.as_bytes()).unwrap_err().kind,
        DecodeErrorKind::InvalidBody
    );
    let no_body = format!(r#"<s:Envelope xmlns:s="{SOAP_ENV}"><s:Header/></s:Envelope>"#);
    assert_eq!(
        decode(no_body.as_bytes()).unwrap_err().kind,
        DecodeErrorKind::MissingBody
    );
}
