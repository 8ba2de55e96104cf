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
