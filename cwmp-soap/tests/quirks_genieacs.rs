//! What GenieACS, the most deployed open-source ACS, writes that is not quite XML: the exact
//! bytes it sends, each decoded as what it means, with a warning saying what was repaired.

use cwmp_soap::{DecodeErrorKind, WarningKind, decode};
use cwmp_types::*;

/// GenieACS's envelope around `body`: its namespace declarations in its order, a newline after
/// the XML declaration, the CPE's cwmp:ID echoed with mustUnderstand.
fn genieacs(id: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap-env:Envelope xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><soap-env:Header><cwmp:ID soap-env:mustUnderstand=\"1\">{id}</cwmp:ID></soap-env:Header><soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"
    )
}

/// How GenieACS answers a CPE request it does not implement (AutonomousTransferComplete,
/// Kicked, DUStateChangeComplete, ...): the Fault under `soap-env:Body:Fault`.
const GENIEACS_8000: &str = "<soap-env:Body:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>8000</FaultCode><FaultString>Method not supported</FaultString></cwmp:Fault></detail></soap-env:Body:Fault>";

fn kinds(warnings: &[cwmp_soap::Warning]) -> Vec<WarningKind> {
    warnings.iter().map(|w| w.kind).collect()
}

#[test]
fn a_fault_under_soap_env_body_fault_is_the_fault() {
    let xml = genieacs("2", GENIEACS_8000);
    let d = decode(xml.as_bytes()).expect("decodes");
    let mut want = Fault::new(FaultCode::AcsMethodNotSupported);
    want.soap_fault_code = SoapFaultCode::Server;
    assert_eq!(d.envelope.body, Body::Fault(want));
    assert_eq!(d.envelope.header.id.as_deref(), Some("2"));
    assert_eq!(d.envelope.namespace, CwmpNamespace::Cwmp1_2);
    assert_eq!(kinds(&d.warnings), [WarningKind::MisnamedFault]);
    let w = &d.warnings[0];
    assert_eq!(
        w.offset as usize,
        xml.find("<soap-env:Body:Fault>").unwrap()
    );
    assert_eq!(w.context, "soap-env:Body:Fault");
}

#[test]
fn only_a_name_ending_in_fault_is_taken_for_one() {
    // Two colons and another local part: still not a name, so still malformed.
    let xml = genieacs(
        "2",
        "<soap-env:Body:Reboot><CommandKey/></soap-env:Body:Reboot>",
    );
    let e = decode(xml.as_bytes()).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::MalformedXml);
    assert_eq!(
        e.offset as usize,
        xml.find("<soap-env:Body:Reboot>").unwrap()
    );
}

/// GenieACS writes the Download URL as given, so a query string's `&` arrives bare.
#[test]
fn an_unescaped_ampersand_in_a_download_url_is_literal() {
    let url = "http://files.example/get?file=fw.bin&v=2&sig=a;b";
    let body = format!(
        "<cwmp:Download><CommandKey>k1</CommandKey><FileType>1 Firmware Upgrade Image</FileType><URL>{url}</URL><Username></Username><Password></Password><FileSize>1024</FileSize><TargetFileName></TargetFileName><DelaySeconds>0</DelaySeconds><SuccessURL></SuccessURL><FailureURL></FailureURL></cwmp:Download>"
    );
    let xml = genieacs("7", &body);
    let d = decode(xml.as_bytes()).expect("decodes");
    let Body::Request(Request::Download(dl)) = &d.envelope.body else {
        panic!("{:?}", d.envelope.body)
    };
    assert_eq!(dl.url, url);
    assert_eq!(dl.file_size, 1024);
    assert_eq!(dl.command_key, "k1");
    // One warning per bare `&`, at the `&`.
    let at: Vec<usize> = d
        .warnings
        .iter()
        .map(|w| {
            assert_eq!(w.kind, WarningKind::LiteralAmpersand);
            w.offset as usize
        })
        .collect();
    let first = xml.find("&v=2").unwrap();
    assert_eq!(at, [first, xml.find("&sig").unwrap()]);
}

#[test]
fn bare_ampersands_anywhere_in_text() {
    for (text, want) in [
        ("a & b", "a & b"),
        ("&", "&"),
        ("a&", "a&"),
        ("x&amp", "x&amp"),
        ("&v=2;", "&v=2;"),
        ("a&b&amp;c", "a&b&c"),
        ("&amp;&", "&&"),
        ("<![CDATA[&]]>&", "&&"),
    ] {
        let xml = genieacs(
            "1",
            &format!("<cwmp:Reboot><CommandKey>{text}</CommandKey></cwmp:Reboot>"),
        );
        let d = decode(xml.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            d.envelope.body,
            Body::Request(Reboot::new(want).into()),
            "{text}"
        );
        let bare = text.matches('&').count()
            - text.matches("&amp;").count()
            - usize::from(text.contains("CDATA"));
        assert_eq!(
            kinds(&d.warnings),
            vec![WarningKind::LiteralAmpersand; bare],
            "{text}"
        );
    }
}

#[test]
fn a_bare_ampersand_in_an_attribute_value_is_literal() {
    let xml = genieacs(
        "1",
        "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"a&b[1]\"><string>Device.</string></ParameterNames></cwmp:GetParameterValues>",
    );
    let d = decode(xml.as_bytes()).expect("decodes");
    assert_eq!(
        d.envelope.body,
        Body::Request(GetParameterValues::new(["Device."]).into())
    );
    assert_eq!(kinds(&d.warnings), [WarningKind::LiteralAmpersand]);
    assert_eq!(
        d.warnings[0].offset as usize,
        xml.find("<ParameterNames").unwrap()
    );
    assert!(
        d.warnings[0].context.contains("a&b[1]"),
        "{}",
        d.warnings[0]
    );
}

/// What does start a reference keeps its meaning: unknown entities are still refused (nothing
/// is ever expanded), and `&#` starts a character reference that must be valid.
#[test]
fn references_keep_their_rules() {
    for (text, kind, at) in [
        ("&bogus;", DecodeErrorKind::UnknownEntity, "&bogus;"),
        ("a&#65", DecodeErrorKind::InvalidCharRef, "&#65"),
        ("a&#x41 b", DecodeErrorKind::InvalidCharRef, "&#x41"),
        ("&#xZZ;", DecodeErrorKind::InvalidCharRef, "&#xZZ;"),
    ] {
        let xml = genieacs(
            "1",
            &format!("<cwmp:Reboot><CommandKey>{text}</CommandKey></cwmp:Reboot>"),
        );
        let e = decode(xml.as_bytes()).unwrap_err();
        assert_eq!(
            (e.kind, e.offset as usize),
            (kind, xml.find(at).unwrap()),
            "{text}"
        );
    }
    let xml = genieacs(
        "1",
        "<cwmp:Reboot><CommandKey>&#65;&amp;&lt;</CommandKey></cwmp:Reboot>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    assert_eq!(d.envelope.body, Body::Request(Reboot::new("A&<").into()));
    assert!(d.warnings.is_empty());
}

/// In a vendor method's XML, kept raw, a bare `&` is written `&amp;`: the kept XML is
/// well-formed, means what the peer meant, and is written back by the encoder.
#[test]
fn a_bare_ampersand_in_a_vendor_method_is_kept_escaped() {
    let xml = genieacs(
        "1",
        "<cwmp:X_ACME_Fetch><URL kind='a&b'>http://h/get?file=a&v=2&amp;w=3</URL><!-- & --></cwmp:X_ACME_Fetch>",
    );
    let d = decode(xml.as_bytes()).expect("decodes");
    let Body::Request(Request::Unknown(u)) = &d.envelope.body else {
        panic!("{:?}", d.envelope.body)
    };
    assert_eq!(
        u.xml,
        "<URL kind='a&amp;b'>http://h/get?file=a&amp;v=2&amp;w=3</URL><!-- & -->"
    );
    let mut at: Vec<usize> = d
        .warnings
        .iter()
        .map(|w| {
            assert_eq!(w.kind, WarningKind::LiteralAmpersand, "{w}");
            w.offset as usize
        })
        .collect();
    at.sort_unstable();
    assert_eq!(at, [xml.find("&b'").unwrap(), xml.find("&v=2").unwrap()]);
    let mut out = Vec::new();
    cwmp_soap::encode(&d.envelope, &mut out).expect("the encoder takes it");
    assert_eq!(decode(&out).unwrap().envelope, d.envelope);
}
