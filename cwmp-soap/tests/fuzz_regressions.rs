//! Inputs found by the fuzz targets (fuzz/), kept as regression tests.

use cwmp_soap::{WarningKind, decode, encode};
use cwmp_types::{Body, Response, ValueType};

/// fuzz `decode`: an `xsi:type` that is not an XML name was kept as a vendor type, which the
/// encoder (rightly) refuses to write, so the decoded message could not be sent back.
#[test]
fn value_type_that_is_not_an_xml_name_decodes_as_string_with_a_warning() {
    let input = br#"<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:cwmp="urn:dslforum-org:cwmp-1-0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soap-env:Body><cwmp:GetParameterValuesResponse><ParameterList>
<ParameterValueStruct><Name>Device.X</Name><Value xsi:type="xsd:)nsignedInt">7</Value></ParameterValueStruct>
</ParameterList></cwmp:GetParameterValuesResponse></soap-env:Body></soap-env:Envelope>"#;
    let decoded = decode(input).unwrap();
    let Body::Response(Response::GetParameterValues(r)) = &decoded.envelope.body else {
        panic!("{:?}", decoded.envelope.body);
    };
    let value = &r.parameter_list[0].value;
    assert_eq!(value.value_type, ValueType::String);
    assert_eq!(value.text, "7");
    let warning = decoded
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::InvalidValueType)
        .expect("the repair is reported");
    assert_eq!(warning.context, ")nsignedInt");
    // And it can be written back.
    let mut out = Vec::new();
    encode(&decoded.envelope, &mut out).unwrap();
    assert_eq!(decode(&out).unwrap().envelope, decoded.envelope);
}

/// fuzz `decode`: quick-xml does not check element names, and an unknown method named
/// `ScheduleInformRes;onse` was kept although no encoder may write it. It is malformed XML.
#[test]
fn a_method_element_whose_name_is_not_an_xml_name_is_malformed() {
    let input = br#"<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap-env:Body><cwmp:ScheduleInformRes;onse/></soap-env:Body></soap-env:Envelope>"#;
    let err = decode(input).unwrap_err();
    assert_eq!(err.kind, cwmp_soap::DecodeErrorKind::MalformedXml);
    let at = input.windows(5).position(|w| w == b"<cwmp").unwrap() as u64;
    assert_eq!(err.offset, at);
}

const ENVELOPE_OPEN: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:cwmp="urn:dslforum-org:cwmp-1-0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xmlns:vnd='urn:x-vendor:"quoted"'><soap:Body>"#;
const ENVELOPE_CLOSE: &str = "</soap:Body></soap:Envelope>";

fn unknown_xml(body: &Body) -> &str {
    match body {
        Body::Request(cwmp_types::Request::Unknown(m)) => &m.xml,
        Body::Response(Response::Unknown(m)) => &m.xml,
        other => panic!("{other:?}"),
    }
}

/// fuzz `decode`: an unknown method's XML used prefixes declared on the envelope (a vendor's,
/// `xsd` bound to the 1999 schema), and was kept verbatim, so it meant nothing on its own and
/// the encoder refused it. The declarations it needs are now copied onto its top-level
/// elements; those the encoder writes alike around it (`xsi` with its usual URI, `cwmp` bound
/// to the method's namespace) are not, so a second decode gives the same XML.
#[test]
fn an_unknown_method_keeps_the_declarations_its_xml_uses() {
    let content = r#"<vnd:Item xsi:nil="true" xsd:x="1"><cwmp:Inner>1</cwmp:Inner></vnd:Item> text <Plain a="1"/><Own xmlns:vnd="urn:own"><vnd:x/></Own>"#;
    let input = format!(
        "{ENVELOPE_OPEN}<cwmp:X_VENDOR_Probe xmlns:xsd='http://www.w3.org/1999/XMLSchema'>{content}</cwmp:X_VENDOR_Probe>{ENVELOPE_CLOSE}"
    );
    let decoded = decode(input.as_bytes()).unwrap();
    assert!(
        decoded
            .warnings
            .iter()
            .all(|w| w.kind != WarningKind::UnboundPrefix)
    );
    assert_eq!(
        unknown_xml(&decoded.envelope.body),
        concat!(
            r#"<vnd:Item xmlns:vnd='urn:x-vendor:"quoted"' xmlns:xsd="http://www.w3.org/1999/XMLSchema""#,
            r#" xsi:nil="true" xsd:x="1"><cwmp:Inner>1</cwmp:Inner></vnd:Item>"#,
            r#" text <Plain a="1"/><Own xmlns:vnd="urn:own"><vnd:x/></Own>"#
        )
    );
    let mut out = Vec::new();
    encode(&decoded.envelope, &mut out).unwrap();
    let again = decode(&out).unwrap();
    assert_eq!(again.envelope, decoded.envelope);
    assert!(
        again
            .warnings
            .iter()
            .all(|w| w.kind != WarningKind::UnboundPrefix)
    );

    // `cwmp` bound to another version than the method's is copied too.
    let input = format!(
        "{ENVELOPE_OPEN}<m:X_Probe xmlns:m='urn:dslforum-org:cwmp-1-2'><cwmp:A/></m:X_Probe>{ENVELOPE_CLOSE}"
    );
    let decoded = decode(input.as_bytes()).unwrap();
    assert_eq!(
        unknown_xml(&decoded.envelope.body),
        r#"<cwmp:A xmlns:cwmp="urn:dslforum-org:cwmp-1-0"/>"#
    );
}

/// fuzz `decode` (found by `.ci/run`): an unknown method's XML used `cwmp:`, declared nowhere.
/// It was kept with a warning; encoded, it stood under the envelope's `cwmp` declaration, and
/// the second decode copied that declaration in, so the two decodes differed. A binding the
/// encoder writes itself is no longer copied.
#[test]
fn decoding_what_was_encoded_gives_the_same_unknown_method() {
    // (the input CI found was lost with its temporary directory; this one is the same case)
    let input =
        include_bytes!("../../fuzz/regressions/decode-unbound-cwmp-prefix-in-unknown-method");
    let first = decode(input).unwrap();
    assert!(
        first
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::UnboundPrefix)
    );
    let mut out = Vec::new();
    encode(&first.envelope, &mut out).unwrap();
    let second = decode(&out).unwrap();
    assert_eq!(second.envelope, first.envelope);
    assert_eq!(
        unknown_xml(&second.envelope.body),
        r#"<cwmp:ID xmlns:S="urn:s" S:a="1">x</cwmp:ID>"#
    );
}

/// The fuzz input itself: beside a prefix declared nowhere (`SOAP-ENC`), it holds
/// `<Writable</>`, an empty element named `Writable<`, which quick-xml reads without complaint.
/// The decoder now checks the unknown method's XML as the encoder would: malformed, at that tag.
#[test]
fn the_fuzz_input_is_malformed_at_the_bad_element_name() {
    let input = include_bytes!("../../fuzz/regressions/decode-undeclared-prefix-in-unknown-method");
    let err = decode(input).unwrap_err();
    assert_eq!(err.kind, cwmp_soap::DecodeErrorKind::MalformedXml);
    let at = input.windows(11).position(|w| w == b"<Writable</").unwrap() as u64;
    assert_eq!(err.offset, at);
}

/// A prefix declared nowhere is kept as sent with a warning at the element that uses it; the
/// encoder writes it back when the envelope it writes declares that prefix, and refuses
/// otherwise. With `strict_namespaces` it is an error.
#[test]
fn a_prefix_declared_nowhere_is_kept_with_a_warning() {
    for (content, encodes) in [
        (r#"<A SOAP-ENC:arrayType="x[1]"/>"#, false),
        (r#"<A><B xsd:x="1"/></A>"#, true),
    ] {
        let input =
            format!("{ENVELOPE_OPEN}<cwmp:X_Probe>{content}</cwmp:X_Probe>{ENVELOPE_CLOSE}");
        let decoded = decode(input.as_bytes()).unwrap();
        assert_eq!(unknown_xml(&decoded.envelope.body), content);
        let w = decoded
            .warnings
            .iter()
            .find(|w| w.kind == WarningKind::UnboundPrefix)
            .unwrap();
        let at = input.find(content).unwrap() + 2;
        assert_eq!(w.offset, at as u64);
        assert!(w.context == "SOAP-ENC" || w.context == "xsd", "{w:?}");
        let mut out = Vec::new();
        assert_eq!(
            encode(&decoded.envelope, &mut out).is_ok(),
            encodes,
            "{content}"
        );
        let mut strict = cwmp_soap::DecodeOptions::default();
        strict.strict_namespaces = true;
        let err = cwmp_soap::decode_with(input.as_bytes(), &strict).unwrap_err();
        assert_eq!(
            (err.kind, err.offset),
            (cwmp_soap::DecodeErrorKind::UnboundPrefix, at as u64)
        );
    }
}

/// fuzz `decode`: an unknown method's XML held a control character (raw, or as `&#1;`). It was
/// kept silently, and the encoder refused it. It is still kept (never lost), now with an
/// `InvalidXmlChar` warning at the character, as everywhere else in a message.
#[test]
fn a_character_xml_cannot_carry_in_an_unknown_method_is_kept_with_a_warning() {
    let input = include_bytes!("../../fuzz/regressions/decode-control-char-in-unknown-method");
    let decoded = decode(input).unwrap();
    let at = input.windows(3).position(|w| w == b"cm\x01").unwrap() + 2;
    let w = decoded
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::InvalidXmlChar)
        .expect("the character is reported");
    assert_eq!(w.offset, at as u64);
    assert!(unknown_xml(&decoded.envelope.body).contains("cm\u{1}%dkey"));
    assert!(encode(&decoded.envelope, &mut Vec::new()).is_err());

    for (content, kept) in [
        ("<A>&#1;</A>", true),
        (r#"<A b="&#x0;"/>"#, true),
        ("<A>&#xD800;</A>", true),
        ("<A>&#65;&#x10FFFF;</A>", false),
    ] {
        let input =
            format!("{ENVELOPE_OPEN}<cwmp:X_Probe>{content}</cwmp:X_Probe>{ENVELOPE_CLOSE}");
        let decoded = decode(input.as_bytes()).unwrap();
        assert_eq!(unknown_xml(&decoded.envelope.body), content);
        let warned = decoded
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::InvalidXmlChar);
        assert_eq!(warned, kept, "{content}");
        assert_eq!(encode(&decoded.envelope, &mut Vec::new()).is_err(), kept);
    }
    // What is not a character reference at all is an error, at the reference or its tag.
    use cwmp_soap::DecodeErrorKind::{InvalidCharRef, MalformedXml};
    for (content, kind, at) in [
        ("<A>&#;</A>", InvalidCharRef, "&#;"),
        ("<A>&#x110000;</A>", InvalidCharRef, "&#x"),
        ("<A b='&#xZ;'/>", MalformedXml, "<A b"),
    ] {
        let input =
            format!("{ENVELOPE_OPEN}<cwmp:X_Probe>{content}</cwmp:X_Probe>{ENVELOPE_CLOSE}");
        let err = decode(input.as_bytes()).unwrap_err();
        let at = input.find(at).unwrap() as u64;
        assert_eq!((err.kind, err.offset), (kind, at), "{content}");
    }
}

/// fuzz `decode`: the envelope declared `xmlns:xsi="http://&id=www.ma"`, a bare `&` the lenient
/// reader lets through in a namespace URI. Copied as written into an unknown method's XML, it
/// made that XML malformed and the encoder refused it. A copied declaration is now written as a
/// well-formed value meaning the same (`&amp;`); one holding a character XML cannot carry is kept
/// with a warning.
#[test]
fn a_borrowed_declaration_is_copied_as_a_well_formed_value() {
    // The target's first byte picks the charset: 0x0A is ISO-8859-1.
    let input =
        include_bytes!("../../fuzz/regressions/decode-bare-ampersand-in-borrowed-declaration");
    let mut latin1 = cwmp_soap::DecodeOptions::default();
    latin1.charset = cwmp_soap::Charset::Latin1;
    let decoded = cwmp_soap::decode_with(&input[1..], &latin1).unwrap();
    let xml = unknown_xml(&decoded.envelope.body);
    assert!(
        xml.contains(r#"<Value xmlns:xsi="http://&amp;id=www.ma" xsi:type="#),
        "{xml}"
    );
    let mut out = Vec::new();
    encode(&decoded.envelope, &mut out).unwrap();
    assert_eq!(decode(&out).unwrap().envelope, decoded.envelope);

    for (uri, copied, forbidden) in [
        ("urn:a&amp;b", r#"xmlns:v="urn:a&amp;b""#, false),
        ("urn:&#65;&x", r#"xmlns:v="urn:&#65;&amp;x""#, false),
        ("urn:&#1;", r#"xmlns:v="urn:&#1;""#, true),
    ] {
        let input = format!(
            "{ENVELOPE_OPEN}<cwmp:X_Probe xmlns:v=\"{uri}\"><v:A/></cwmp:X_Probe>{ENVELOPE_CLOSE}"
        );
        let decoded = decode(input.as_bytes()).unwrap();
        assert!(
            unknown_xml(&decoded.envelope.body).contains(copied),
            "{uri}"
        );
        let warned = decoded
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::InvalidXmlChar);
        assert_eq!(warned, forbidden, "{uri}");
        assert_eq!(
            encode(&decoded.envelope, &mut Vec::new()).is_err(),
            forbidden
        );
    }
}
