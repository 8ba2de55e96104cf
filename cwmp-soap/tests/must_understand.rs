//! SOAP 1.1 §4.2.3, which TR-069 follows for its header entries: a header entry marked
//! `mustUnderstand="1"` that the receiver does not understand is answered with a
//! `MustUnderstand` fault and the message is not processed. The decoder lists such entries
//! beside the envelope (instead of failing, so the receiver can answer), the encoder writes
//! the fault, and an option ignores them as GenieACS does.

use cwmp_soap::{DecodeOptions, WarningKind, decode, decode_with, encode};
use cwmp_types::*;

const OPEN: &str = r#"<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">"#;

fn env(header: &str, body: &str) -> String {
    format!(
        "{OPEN}<soap-env:Header>{header}</soap-env:Header><soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"
    )
}

/// A hand-written ACS's misspelt HoldRequests, marked mustUnderstand.
const MISSPELT: &str = r#"<cwmp:HoldRequest soap-env:mustUnderstand="1">1</cwmp:HoldRequest>"#;
const ID: &str = r#"<cwmp:ID soap-env:mustUnderstand="1">42</cwmp:ID>"#;
const REBOOT: &str = "<cwmp:Reboot><CommandKey>k</CommandKey></cwmp:Reboot>";

#[test]
fn a_not_understood_entry_is_listed_beside_the_envelope() {
    let xml = env(&format!("{ID}{MISSPELT}"), REBOOT);
    let d = decode(xml.as_bytes()).expect("decodes");
    assert!(!d.is_understood());
    assert_eq!(d.not_understood.len(), 1);
    assert_eq!(d.not_understood[0].name, "cwmp:HoldRequest");
    assert_eq!(
        d.not_understood[0].offset as usize,
        xml.find("<cwmp:HoldRequest").unwrap()
    );
    // The ID is there to answer with; the body is decoded (for logs) but must not be acted on.
    assert_eq!(d.envelope.header.id.as_deref(), Some("42"));
    assert_eq!(d.envelope.header.hold_requests, None);
    assert_eq!(d.envelope.body, Body::Request(Reboot::new("k").into()));
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
}

#[test]
fn every_not_understood_entry_is_listed_in_order_and_the_rest_is_read() {
    let header = format!(
        r#"{ID}<v:Token xmlns:v="urn:vendor" SOAP-ENV:mustUnderstand="true" xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><a/></v:Token><cwmp:HoldRequests soap-env:mustUnderstand="1">1</cwmp:HoldRequests><v:Hint xmlns:v="urn:vendor" soap-env:mustUnderstand="0"/>{MISSPELT}<cwmp:UseCWMPVersion soap-env:mustUnderstand="1">one-point-four</cwmp:UseCWMPVersion>"#
    );
    let xml = env(&header, REBOOT);
    let d = decode(xml.as_bytes()).expect("decodes");
    let names: Vec<&str> = d.not_understood.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        names,
        ["v:Token", "cwmp:HoldRequest", "cwmp:UseCWMPVersion"]
    );
    for n in &d.not_understood {
        assert!(xml[n.offset as usize..].starts_with(&format!("<{}", n.name)));
    }
    // Understood entries are read as usual; mustUnderstand="0" is only a warning.
    assert_eq!(d.envelope.header.hold_requests, Some(true));
    assert_eq!(d.envelope.header.use_cwmp_version, None);
    let kinds: Vec<WarningKind> = d.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WarningKind::UnknownHeader]);
}

#[test]
fn the_option_ignores_unknown_entries_as_genieacs_does() {
    let xml = env(&format!("{ID}{MISSPELT}"), REBOOT);
    let mut opts = DecodeOptions::default();
    opts.ignore_unknown_headers = true;
    let d = decode_with(xml.as_bytes(), &opts).expect("decodes");
    assert!(d.is_understood());
    let kinds: Vec<WarningKind> = d.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WarningKind::UnknownHeader]);
    assert_eq!(d.envelope.body, Body::Request(Reboot::new("k").into()));
}

#[test]
fn the_must_understand_fault_has_no_cwmp_detail() {
    let fault = Fault::must_understand();
    assert_eq!(fault.soap_fault_code, SoapFaultCode::MustUnderstand);
    assert!(!fault.has_cwmp_detail());
    let envelope = Envelope::with_id("42", fault.clone());
    let mut out = Vec::new();
    encode(&envelope, &mut out).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(
        text.contains("<soap-env:Body><soap-env:Fault><faultcode>soap-env:MustUnderstand</faultcode><faultstring>One or more mandatory SOAP header entries not understood</faultstring></soap-env:Fault></soap-env:Body>"),
        "{text}"
    );
    assert!(text.contains(r#"<cwmp:ID soap-env:mustUnderstand="1">42</cwmp:ID>"#));
    let back = decode(&out).unwrap();
    assert_eq!(back.envelope, envelope);
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    assert_eq!(
        fault.to_string(),
        "SOAP fault MustUnderstand: One or more mandatory SOAP header entries not understood"
    );
}

#[test]
fn envelope_fault_codes_are_read_in_any_prefix() {
    for (written, want) in [
        ("soap-env:MustUnderstand", SoapFaultCode::MustUnderstand),
        ("SOAP-ENV:MustUnderstand", SoapFaultCode::MustUnderstand),
        ("MustUnderstand", SoapFaultCode::MustUnderstand),
        ("s:VersionMismatch", SoapFaultCode::VersionMismatch),
    ] {
        let xml = env(
            ID,
            &format!(
                "<soap-env:Fault><faultcode>{written}</faultcode><faultstring>x</faultstring></soap-env:Fault>"
            ),
        );
        let d = decode(xml.as_bytes()).unwrap();
        let Body::Fault(f) = &d.envelope.body else {
            panic!("{:?}", d.envelope.body)
        };
        assert_eq!(f.soap_fault_code, want, "{written}");
        assert_eq!(f.fault_code, FaultCode::Other(0));
        assert!(d.warnings.is_empty(), "{written}: {:?}", d.warnings);
    }
    // A Client fault without detail is still reported as missing its CWMP detail.
    let xml = env(
        ID,
        "<soap-env:Fault><faultcode>Client</faultcode><faultstring>x</faultstring></soap-env:Fault>",
    );
    let d = decode(xml.as_bytes()).unwrap();
    assert_eq!(d.warnings.len(), 1);
    assert_eq!(d.warnings[0].kind, WarningKind::MissingElement);
}

#[test]
fn an_envelope_fault_with_a_cwmp_detail_keeps_it() {
    let mut fault = Fault::new(FaultCode::AcsRequestDenied);
    fault.soap_fault_code = SoapFaultCode::VersionMismatch;
    assert!(fault.has_cwmp_detail());
    let envelope = Envelope::with_id("1", fault);
    let mut out = Vec::new();
    encode(&envelope, &mut out).unwrap();
    assert!(String::from_utf8_lossy(&out).contains("<FaultCode>8001</FaultCode>"));
    assert_eq!(decode(&out).unwrap().envelope, envelope);
}
