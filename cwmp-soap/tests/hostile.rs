//! Hostile and broken input: every case ends in the right typed error, never a panic.

use std::fs;
use std::path::PathBuf;

use cwmp_soap::{DecodeError, DecodeErrorKind, DecodeOptions, decode, decode_with};

const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

fn env(body: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="{SOAP_ENV}" xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><s:Header><cwmp:ID s:mustUnderstand="1">1</cwmp:ID></s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

fn err(input: &[u8]) -> DecodeError {
    match decode(input) {
        Ok(d) => panic!("decoded {:?}", d.envelope),
        Err(e) => e,
    }
}

fn err_with(input: &[u8], opts: &DecodeOptions) -> DecodeError {
    match decode_with(input, opts) {
        Ok(d) => panic!("decoded {:?}", d.envelope),
        Err(e) => e,
    }
}

/// A message of the vendored corpus (`testdata/corpus`).
fn corpus(file: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus");
    fs::read(dir.join(file)).expect(file)
}

#[test]
fn empty_and_whitespace_input() {
    assert_eq!(err(b"").kind, DecodeErrorKind::UnexpectedEof);
    assert_eq!(err(b" \n\t").kind, DecodeErrorKind::UnexpectedEof);
    assert_eq!(
        err(b"<?xml version=\"1.0\"?>").kind,
        DecodeErrorKind::UnexpectedEof
    );
}

#[test]
fn every_strict_prefix_of_valid_envelopes_is_an_error() {
    let samples = [
        corpus("cwmp_ex/inform__sample_vmg.xml"),
        corpus("tr069-simulator/file2.xml"),
        corpus("cwmp_ex/change_du_state__sample3.xml"),
        corpus("catawampus/acs_integration_test__testAddObjectsFailure__L854.xml"),
        env(r#"<s:Fault><faultcode>s:Client</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>x &amp; y</FaultString></cwmp:Fault></detail></s:Fault>"#).into_bytes(),
    ];
    for full in &samples {
        assert!(decode(full).is_ok());
        // Trailing whitespace after the root is allowed, so stop at the last `>`.
        let end = full.iter().rposition(|&b| b == b'>').unwrap() + 1;
        for n in 0..end {
            match decode(&full[..n]) {
                Ok(_) => panic!("prefix of {n} bytes decoded"),
                Err(e) => assert!(e.offset <= n as u64, "{e} beyond {n}"),
            }
        }
    }
}

#[test]
fn doctype_and_billion_laughs_are_rejected_before_any_expansion() {
    let laughs = format!(
        r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>{}"#,
        env("<cwmp:Reboot><CommandKey>&lol3;</CommandKey></cwmp:Reboot>")
    );
    let e = err(laughs.as_bytes());
    assert_eq!(e.kind, DecodeErrorKind::DoctypeForbidden);
    assert_eq!(e.offset, 21);
}

#[test]
fn external_entities_are_rejected() {
    let xxe = format!(
        r#"<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>{}"#,
        env("<cwmp:Reboot><CommandKey>&xxe;</CommandKey></cwmp:Reboot>")
    );
    assert_eq!(err(xxe.as_bytes()).kind, DecodeErrorKind::DoctypeForbidden);
    let bare = r#"<!DOCTYPE foo SYSTEM "http://evil.example/x.dtd"><foo/>"#;
    assert_eq!(err(bare.as_bytes()).kind, DecodeErrorKind::DoctypeForbidden);
    // An entity declaration outside any DOCTYPE.
    let stray = r#"<!ENTITY x "y"><foo/>"#;
    assert_eq!(
        err(stray.as_bytes()).kind,
        DecodeErrorKind::DoctypeForbidden
    );
    // A reference to an undeclared entity.
    let undeclared = env("<cwmp:Reboot><CommandKey>&xxe;</CommandKey></cwmp:Reboot>");
    let e = err(undeclared.as_bytes());
    assert_eq!(e.kind, DecodeErrorKind::UnknownEntity);
    assert!(undeclared[e.offset as usize..].starts_with("&xxe;"));
}

#[test]
fn nesting_deeper_than_the_limit() {
    let opts = DecodeOptions::default();
    let deep = |n: usize| {
        env(&format!(
            "<cwmp:X_Deep>{}{}</cwmp:X_Deep>",
            "<a>".repeat(n),
            "</a>".repeat(n)
        ))
    };
    // Envelope, Body, X_Deep: three levels before the first <a>.
    assert!(decode(deep(opts.max_depth - 3).as_bytes()).is_ok());
    let xml = deep(opts.max_depth - 2);
    let e = err(xml.as_bytes());
    assert_eq!(e.kind, DecodeErrorKind::TooDeep);
    assert!(xml[e.offset as usize..].starts_with("<a>"));
    // A huge nesting fails fast at the limit, without recursion.
    let xml = deep(200_000);
    assert_eq!(err(xml.as_bytes()).kind, DecodeErrorKind::TooDeep);
    // Empty elements count too, inside known structs as well.
    let mut small = DecodeOptions::default();
    small.max_depth = 4;
    let xml = env("<cwmp:Reboot><CommandKey/></cwmp:Reboot>");
    assert!(decode_with(xml.as_bytes(), &small).is_ok());
    let xml = env("<cwmp:Reboot><CommandKey><b/></CommandKey></cwmp:Reboot>");
    assert_eq!(
        err_with(xml.as_bytes(), &small).kind,
        DecodeErrorKind::TooDeep
    );
}

#[test]
fn too_many_attributes() {
    let opts = DecodeOptions::default();
    let attrs = |n: usize| -> String { (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect() };
    let xml = env(&format!(
        "<cwmp:Reboot{}><CommandKey/></cwmp:Reboot>",
        attrs(opts.max_attributes)
    ));
    assert!(decode(xml.as_bytes()).is_ok());
    let xml = env(&format!(
        "<cwmp:Reboot><CommandKey{}/></cwmp:Reboot>",
        attrs(opts.max_attributes + 1)
    ));
    let e = err(xml.as_bytes());
    assert_eq!(e.kind, DecodeErrorKind::TooManyAttributes);
    assert!(xml[e.offset as usize..].starts_with("<CommandKey"));
    // Namespace declarations beyond quick-xml's binding limit end the same way.
    let decls: String = (0..200)
        .map(|i| format!(" xmlns:p{i}=\"urn:{i}\""))
        .collect();
    let mut many = DecodeOptions::default();
    many.max_attributes = 1000;
    let xml = env(&format!("<cwmp:Reboot{decls}><CommandKey/></cwmp:Reboot>"));
    assert_eq!(
        err_with(xml.as_bytes(), &many).kind,
        DecodeErrorKind::TooManyAttributes
    );
}

#[test]
fn text_longer_than_the_limit() {
    let mut opts = DecodeOptions::default();
    opts.max_text_len = 16;
    let ok = env(&format!(
        "<cwmp:Reboot><CommandKey>{}</CommandKey></cwmp:Reboot>",
        "k".repeat(16)
    ));
    assert!(decode_with(ok.as_bytes(), &opts).is_ok());
    // Also when the text is assembled from pieces (entities, CDATA).
    for text in [
        "k".repeat(17),
        format!("{}&amp;{}", "k".repeat(8), "k".repeat(8)),
        format!("<![CDATA[{}]]>x", "k".repeat(16)),
    ] {
        let xml = env(&format!(
            "<cwmp:Reboot><CommandKey>{text}</CommandKey></cwmp:Reboot>"
        ));
        let e = err_with(xml.as_bytes(), &opts);
        assert_eq!(e.kind, DecodeErrorKind::TextTooLong, "{text}");
        assert!(xml[e.offset as usize..].starts_with("<CommandKey>"));
    }
    // An unknown method's raw content counts as text.
    let xml = env(&format!("<cwmp:X_A>{}</cwmp:X_A>", "<b/>".repeat(5)));
    assert_eq!(
        err_with(xml.as_bytes(), &opts).kind,
        DecodeErrorKind::TextTooLong
    );
}

#[test]
fn too_many_array_items() {
    let mut opts = DecodeOptions::default();
    opts.max_array_items = 3;
    let names = |n: usize| {
        let items: String = (0..n).map(|i| format!("<string>P{i}</string>")).collect();
        env(&format!(
            r#"<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType="xsd:string[1]">{items}</ParameterNames></cwmp:GetParameterValues>"#
        ))
    };
    assert!(decode_with(names(3).as_bytes(), &opts).is_ok());
    let xml = names(4);
    let e = err_with(xml.as_bytes(), &opts);
    assert_eq!(e.kind, DecodeErrorKind::TooManyItems);
    assert!(xml[e.offset as usize..].starts_with("<string>P3"));
    // ChangeDUState operations and SetParameterValuesFault entries are counted too.
    let ops = env(&format!(
        "<cwmp:ChangeDUState>{}<CommandKey/></cwmp:ChangeDUState>",
        r#"<Operations xsi:type="cwmp:UninstallOpStruct" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><UUID>u</UUID></Operations>"#.repeat(4)
    ));
    assert_eq!(
        err_with(ops.as_bytes(), &opts).kind,
        DecodeErrorKind::TooManyItems
    );
    let spvf = env(&format!(
        "<s:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>9003</FaultCode>{}</cwmp:Fault></detail></s:Fault>",
        "<SetParameterValuesFault><ParameterName>A</ParameterName><FaultCode>9007</FaultCode></SetParameterValuesFault>".repeat(4)
    ));
    assert_eq!(
        err_with(spvf.as_bytes(), &opts).kind,
        DecodeErrorKind::TooManyItems
    );
}

#[test]
fn input_larger_than_the_limit_is_refused_first() {
    let mut opts = DecodeOptions::default();
    opts.max_envelope_bytes = 100;
    // Not even looked at: invalid UTF-8 and a DOCTYPE further in do not matter.
    let mut big = vec![b' '; 101];
    big[50] = 0xFF;
    let e = err_with(&big, &opts);
    assert_eq!((e.kind, e.offset), (DecodeErrorKind::TooLarge, 100));
    assert!(e.kind.is_limit());
}

#[test]
fn a_declared_array_count_of_ten_to_the_twelfth_decodes() {
    let xml = env(
        r#"<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType="xsd:string[1000000000000]"><string>A.</string></ParameterNames></cwmp:GetParameterValues>"#,
    );
    let d = decode(xml.as_bytes()).unwrap();
    assert_eq!(d.envelope.body.method_name(), "GetParameterValues");
}

#[test]
fn invalid_utf8_reports_its_offset() {
    // Declared UTF-8 (undeclared bytes that are not UTF-8 are read as ISO-8859-1, see
    // quirks_captures.rs).
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}",
        env("<cwmp:Reboot><CommandKey>ok#</CommandKey></cwmp:Reboot>")
    );
    let mut bytes = xml.into_bytes();
    let at = bytes.iter().position(|&b| b == b'#').unwrap();
    bytes[at] = 0xC3; // a lead byte followed by `<`
    let e = err(&bytes);
    assert_eq!(
        (e.kind, e.offset),
        (DecodeErrorKind::InvalidEncoding, at as u64)
    );
    // UTF-16 is refused.
    assert_eq!(
        err(b"\xFF\xFE<\0a\0/\0>\0").kind,
        DecodeErrorKind::InvalidEncoding
    );
}

#[test]
fn nul_byte_is_malformed_xml() {
    let xml = env("<cwmp:Reboot><CommandKey>a#b</CommandKey></cwmp:Reboot>");
    let mut bytes = xml.into_bytes();
    let at = bytes.iter().position(|&b| b == b'#').unwrap();
    bytes[at] = 0;
    let e = err(&bytes);
    assert_eq!(
        (e.kind, e.offset),
        (DecodeErrorKind::MalformedXml, at as u64)
    );
    let xml = env("<cwmp:Reboot><CommandKey>a&#0;b</CommandKey></cwmp:Reboot>");
    assert_eq!(err(xml.as_bytes()).kind, DecodeErrorKind::InvalidCharRef);
}

#[test]
fn bad_character_references() {
    for r in [
        "&#xD800;",
        "&#xDC00;",
        "&#x110000;",
        "&#-1;",
        "&#xZZ;",
        "&#;",
        "&#99999999999;",
    ] {
        let xml = env(&format!(
            "<cwmp:Reboot><CommandKey>a{r}b</CommandKey></cwmp:Reboot>"
        ));
        let e = err(xml.as_bytes());
        assert_eq!(e.kind, DecodeErrorKind::InvalidCharRef, "{r}");
        assert!(xml[e.offset as usize..].starts_with(r), "{r}");
    }
}

#[test]
fn numbers_out_of_range_are_errors_with_the_offset() {
    for (method, field) in [
        ("ScheduleInform", "<DelaySeconds>4294967296</DelaySeconds>"),
        (
            "AddObjectResponse",
            "<InstanceNumber>99999999999999999999</InstanceNumber>",
        ),
        ("SetParameterValuesResponse", "<Status>2147483648</Status>"),
        ("InformResponse", "<MaxEnvelopes>-1</MaxEnvelopes>"),
    ] {
        let xml = env(&format!("<cwmp:{method}>{field}</cwmp:{method}>"));
        let e = err(xml.as_bytes());
        assert_eq!(e.kind, DecodeErrorKind::InvalidNumber, "{field}");
        assert!(xml[e.offset as usize..].starts_with(field));
    }
    let xml = env("<cwmp:GetRPCMethods/>").replace(
        "<s:Header>",
        "<s:Header><cwmp:SessionTimeout>4294967296</cwmp:SessionTimeout>",
    );
    assert_eq!(err(xml.as_bytes()).kind, DecodeErrorKind::InvalidNumber);
}

#[test]
fn not_soap_at_all() {
    assert_eq!(err(b"hello").kind, DecodeErrorKind::MalformedXml);
    assert_eq!(err(b"{\"Inform\":{}}").kind, DecodeErrorKind::MalformedXml);
    assert_eq!(
        err(b"<html><body>502 Bad Gateway</body></html>").kind,
        DecodeErrorKind::NotSoapEnvelope
    );
    assert_eq!(err(b"<Envelope/>").kind, DecodeErrorKind::MissingBody);
}

#[test]
fn malformed_xml() {
    for (xml, kind) in [
        (
            env("<cwmp:Reboot><CommandKey>k</Command></cwmp:Reboot>"),
            DecodeErrorKind::MalformedXml,
        ),
        (
            env("<cwmp:Reboot><CommandKey>k</ Value=\"Value\"></cwmp:Reboot>"),
            DecodeErrorKind::MalformedXml,
        ),
        (
            env("<cwmp:Reboot><CommandKey a=>k</CommandKey></cwmp:Reboot>"),
            DecodeErrorKind::MalformedXml,
        ),
        (
            env("<cwmp:Reboot><CommandKey>k</CommandKey></cwmp:Reboot></x>"),
            DecodeErrorKind::MalformedXml,
        ),
        (
            format!("{}<s:Envelope/>", env("<cwmp:GetRPCMethods/>")),
            DecodeErrorKind::TrailingContent,
        ),
        (
            format!("{}junk", env("<cwmp:GetRPCMethods/>")),
            DecodeErrorKind::TrailingContent,
        ),
    ] {
        let e = err(xml.as_bytes());
        assert_eq!(e.kind, kind, "{xml}");
        assert!(e.offset <= xml.len() as u64);
    }
}

#[test]
fn undeclared_prefix_on_a_method_is_tolerated_unless_strict() {
    let xml = env("<undeclared:Reboot><CommandKey/></undeclared:Reboot>");
    let d = decode(xml.as_bytes()).unwrap();
    assert_eq!(d.envelope.body.method_name(), "Reboot");
    assert_eq!(
        d.warnings[0].kind,
        cwmp_soap::WarningKind::UnexpectedNamespace
    );
    let mut strict = DecodeOptions::default();
    strict.strict_namespaces = true;
    let e = err_with(xml.as_bytes(), &strict);
    assert_eq!(e.kind, DecodeErrorKind::UnboundPrefix);
    assert!(xml[e.offset as usize..].starts_with("<undeclared:Reboot>"));
}
