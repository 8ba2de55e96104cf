//! `peek` agrees with `decode` on every generated envelope, reads the quirky forms real CPEs
//! send, refuses hostile input with the decoder's errors, and never panics.

use cwmp_soap::{Charset, DecodeErrorKind, DecodeOptions, decode, encode, peek, peek_with};
use cwmp_types::{Body, CwmpNamespace, CwmpVersion, Request};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn peek_agrees_with_decode(envelope in cwmp_types::strategy::envelope()) {
        let mut out = Vec::new();
        encode(&envelope, &mut out).unwrap();
        let p = peek(&out).unwrap();
        let decoded = decode(&out).unwrap().envelope;
        let method = match &decoded.body {
            Body::Fault(_) => "Fault",
            b => b.method_name(),
        };
        prop_assert_eq!(p.method.as_str(), method);
        prop_assert_eq!(&p.id, &decoded.header.id);
        prop_assert_eq!(p.namespace, Some(decoded.namespace));
        prop_assert_eq!(&p.supported_cwmp_versions, &decoded.header.supported_cwmp_versions);
        prop_assert_eq!(p.use_cwmp_version, decoded.header.use_cwmp_version);
        let device = match decoded.body {
            Body::Request(Request::Inform(i)) => Some(i.device_id),
            _ => None,
        };
        prop_assert_eq!(p.device_id, device);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(e) = peek(&bytes) {
            prop_assert!(e.offset <= bytes.len() as u64);
        }
    }
}

const QUIRKY_INFORM: &str = r#"<?xml version="1.0" encoding="ISO-8859-1"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">
<SOAP-ENV:Header><ID xmlns="urn:dslforum-org:cwmp-1-0">0x1f</ID></SOAP-ENV:Header>
<SOAP-ENV:Body><Inform xmlns="urn:dslforum-org:cwmp-1-0">
<MaxEnvelopes>1</MaxEnvelopes>
<DeviceId><SerialNumber>M\xfcller-1</SerialNumber><OUI>001349</OUI><Manufacturer>ZyXEL</Manufacturer><ProductClass>P</ProductClass></DeviceId>
<Event><oops>
</Inform></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;

fn latin1(s: &str) -> Vec<u8> {
    // `\xfc` in the text above stands for the byte 0xFC.
    s.replace("\\xfc", "\u{fc}")
        .chars()
        .map(|c| c as u8)
        .collect()
}

#[test]
fn quirky_inform_default_namespace_latin1_device_id_not_first() {
    let body = latin1(QUIRKY_INFORM);
    let p = peek(&body).unwrap();
    assert!(p.is_inform());
    assert_eq!(p.id.as_deref(), Some("0x1f"));
    assert_eq!(p.namespace, Some(CwmpNamespace::Cwmp1_0));
    assert_eq!(p.version(), CwmpVersion::V1_0);
    let d = p.device_id.unwrap();
    assert_eq!(d.serial_number, "Müller-1");
    assert_eq!(d.manufacturer, "ZyXEL");
    // The broken Event after the DeviceId is not read: the full decode refuses it.
    assert!(decode(&body).is_err());
}

#[test]
fn empty_and_whitespace_bodies_are_eof_errors() {
    for body in [&b""[..], b"  \r\n"] {
        let e = peek(body).unwrap_err();
        assert_eq!(e.kind, DecodeErrorKind::UnexpectedEof);
    }
}

#[test]
fn responses_faults_and_vendor_methods() {
    let fault = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-2"><s:Header><c:ID>7</c:ID></s:Header><s:Body><s:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail><c:Fault><FaultCode>9005</FaultCode></c:Fault></detail></s:Fault></s:Body></s:Envelope>"#;
    let p = peek(fault).unwrap();
    assert!(p.is_fault() && !p.is_inform());
    assert_eq!(p.id.as_deref(), Some("7"));
    assert_eq!(p.namespace, Some(CwmpNamespace::Cwmp1_2));
    // A parameter named like Inform is not an Inform.
    let gpv = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetParameterValuesResponse><ParameterList><ParameterValueStruct><Name>Device.ManagementServer.PeriodicInformInterval</Name><Value>60</Value></ParameterValueStruct></ParameterList></GetParameterValuesResponse></s:Body></s:Envelope>"#;
    let p = peek(gpv).unwrap();
    assert_eq!(p.method, "GetParameterValuesResponse");
    assert_eq!((p.id, p.namespace, p.device_id), (None, None, None));
    let vendor = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-4"><s:Body><cwmp:X_ACME_Frobnicate><A>1</A></cwmp:X_ACME_Frobnicate></s:Body></s:Envelope>"#;
    let p = peek(vendor).unwrap();
    assert_eq!(p.method, "X_ACME_Frobnicate");
    assert_eq!(p.version(), CwmpVersion::V1_4);
}

#[test]
fn hostile_input_is_refused_like_decode() {
    let doctype = br#"<!DOCTYPE x [<!ENTITY a "aaaa">]><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Inform/></s:Body></s:Envelope>"#;
    assert_eq!(
        peek(doctype).unwrap_err().kind,
        DecodeErrorKind::DoctypeForbidden
    );
    let deep = format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>{}</s:Header></s:Envelope>"#,
        "<a>".repeat(10_000)
    );
    assert_eq!(
        peek(deep.as_bytes()).unwrap_err().kind,
        DecodeErrorKind::TooDeep
    );
    let mut small = DecodeOptions::default();
    small.max_envelope_bytes = 16;
    assert_eq!(
        peek_with(deep.as_bytes(), &small).unwrap_err().kind,
        DecodeErrorKind::TooLarge
    );
    let not_soap = br#"<Envelope xmlns="urn:other"><Body><Inform/></Body></Envelope>"#;
    let mut strict = DecodeOptions::default();
    strict.strict_namespaces = true;
    assert_eq!(
        peek_with(not_soap, &strict).unwrap_err().kind,
        DecodeErrorKind::NotSoapEnvelope
    );
    let no_body = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/></s:Envelope>"#;
    assert_eq!(
        peek(no_body).unwrap_err().kind,
        DecodeErrorKind::MissingBody
    );
    let nul = b"<s:Envelope\0";
    let e = peek(nul).unwrap_err();
    assert_eq!((e.kind, e.offset), (DecodeErrorKind::MalformedXml, 11));
    let mut ascii = DecodeOptions::default();
    ascii.charset = Charset::UsAscii;
    assert_eq!(
        peek_with(&latin1(QUIRKY_INFORM), &ascii).unwrap_err().kind,
        DecodeErrorKind::InvalidEncoding
    );
}

#[test]
fn every_prefix_of_an_inform_peeks_or_errs_within_bounds() {
    let body = latin1(QUIRKY_INFORM);
    let full = body.windows(11).position(|w| w == b"</DeviceId>").unwrap() + 11;
    for end in 0..body.len() {
        match peek(&body[..end]) {
            Ok(p) => {
                assert!(end >= full, "peeked at {end} before the DeviceId ended");
                assert!(p.device_id.is_some());
            }
            Err(e) => assert!(e.offset <= end as u64, "{e} at prefix {end}"),
        }
    }
}

/// Every message of the vendored corpus (`testdata/corpus`) that decodes also peeks, with the
/// same method, ID, namespace and DeviceId; prefixes of each peek or err in bounds.
#[test]
fn the_corpus_peeks_as_it_decodes() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut checked = 0;
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let file = line.split('\t').next().unwrap();
        let bytes = std::fs::read(dir.join(file)).unwrap();
        // Every prefix of the first 2 KiB (where peek stops), then a sample.
        for end in (0..bytes.len()).filter(|e| *e < 2048 || e % 61 == 0) {
            if let Err(e) = peek(&bytes[..end]) {
                assert!(e.offset <= end as u64, "{file}[..{end}]: {e}");
            }
        }
        let Ok(decoded) = decode(&bytes) else {
            continue;
        };
        let p = peek(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        let env = decoded.envelope;
        let method = match &env.body {
            Body::Fault(_) => "Fault",
            b => b.method_name(),
        };
        assert_eq!(p.method, method, "{file}");
        assert_eq!(p.id, env.header.id, "{file}");
        assert_eq!(p.namespace.unwrap_or_default(), env.namespace, "{file}");
        if let Body::Request(Request::Inform(i)) = env.body {
            assert_eq!(p.device_id.as_ref(), Some(&i.device_id), "{file}");
        }
        checked += 1;
    }
    assert_eq!(checked, 132);
}
