//! Arbitrary bytes and mutated real envelopes never make the decoder panic, and every
//! error points inside the input.

use cwmp_soap::{Charset, DecodeOptions, decode, decode_with};
use proptest::prelude::*;

const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">
<soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">42</cwmp:ID><cwmp:NoMoreRequests>0</cwmp:NoMoreRequests></soap-env:Header>
<soap-env:Body><cwmp:Inform>
<DeviceId><Manufacturer>Acme &amp; Co</Manufacturer><OUI>00D09E</OUI><ProductClass>R</ProductClass><SerialNumber>S1</SerialNumber></DeviceId>
<Event soap-enc:arrayType="cwmp:EventStruct[2]"><EventStruct><EventCode>0 BOOTSTRAP</EventCode><CommandKey></CommandKey></EventStruct><EventStruct><EventCode>M Reboot</EventCode><CommandKey>k</CommandKey></EventStruct></Event>
<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2015-01-19T23:08:24+01:00</CurrentTime><RetryCount>0</RetryCount>
<ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[2]"><ParameterValueStruct><Name>Device.A</Name><Value xsi:type="xsd:string"><![CDATA[x<y]]>&#167;</Value></ParameterValueStruct><ParameterValueStruct><Name>Device.B</Name><Value xsi:type="xsd:boolean">true</Value></ParameterValueStruct></ParameterList>
</cwmp:Inform></soap-env:Body></soap-env:Envelope>
"#;

fn check(input: &[u8]) {
    for opts in [DecodeOptions::default(), {
        let mut o = DecodeOptions::default();
        o.charset = Charset::Latin1;
        o.strict_namespaces = true;
        o.max_depth = 6;
        o.max_text_len = 8;
        o.max_array_items = 1;
        o.max_attributes = 2;
        o
    }] {
        match decode_with(input, &opts) {
            Ok(d) => {
                for w in &d.warnings {
                    assert!(w.offset <= input.len() as u64, "{w}");
                }
            }
            Err(e) => assert!(e.offset <= input.len() as u64, "{e}"),
        }
    }
}

#[test]
fn the_sample_decodes() {
    let d = decode(SAMPLE.as_bytes()).unwrap();
    assert_eq!(d.envelope.body.method_name(), "Inform");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
    }

    #[test]
    fn mutated_envelope(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..8)
    ) {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        for (at, byte, op) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                2 => bytes.insert(i, byte),
                _ => bytes.truncate(i),
            }
        }
        check(&bytes);
    }

    #[test]
    fn markup_soup(parts in proptest::collection::vec(prop::sample::select(vec![
        "<", ">", "</", "/>", "<a>", "</a>", "<cwmp:Inform>", "</cwmp:Inform>", "<Value xsi:type='",
        "'>", "&amp;", "&#", "&#x", ";", "<![CDATA[", "]]>", "<!--", "-->", "<?", "?>",
        "<!DOCTYPE", "xmlns:x='urn:x'", " ", "\u{e9}", "\r\n", "<s:Body>", "</s:Body>",
        "<ParameterList soap-enc:arrayType='x[99999999999]'>", "</ParameterList>",
    ]), 0..40)) {
        let body: String = parts.concat();
        let doc = SAMPLE.replace("<RetryCount>0</RetryCount>", &format!("<RetryCount>0</RetryCount>{body}"));
        check(doc.as_bytes());
    }
}
