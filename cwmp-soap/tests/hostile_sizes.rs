//! The hostile-input campaign's size and number cases at full scale, with the default limits:
//! 50 MB of text, 100,000 attributes, 100,000-deep nesting inside a known struct, overflow in
//! every numeric field of every message, truncation of every corpus message at every byte.
//! Each ends in a clean typed error whose offset points at the culprit (or decodes, within the
//! limits). None allocates more than a small multiple of the input (the limits are checked
//! before anything is kept).

use std::fs;
use std::path::PathBuf;

use cwmp_soap::{DecodeErrorKind, DecodeOptions, decode};

fn env(body: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><s:Header><cwmp:ID s:mustUnderstand="1">1</cwmp:ID></s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus")
}

#[test]
fn fifty_megabytes_of_text_stop_at_the_text_limit() {
    let limit = DecodeOptions::default().max_text_len;
    let text = "A".repeat(50 * 1024 * 1024);
    assert!(text.len() > limit);
    let xml = env(&format!(
        "<cwmp:Reboot><CommandKey>{text}</CommandKey></cwmp:Reboot>"
    ));
    let Err(e) = decode(xml.as_bytes()) else {
        panic!("50 MB of text decoded")
    };
    assert_eq!(e.kind, DecodeErrorKind::TextTooLong);
    assert!(xml[e.offset as usize..].starts_with("<CommandKey>"));
    // The same amount split in entity-separated pieces is counted as one text.
    // 16 characters per piece, one piece more than the 16 MiB limit holds.
    let pieces = "AAAAAAAAAAAAAAA&amp;".repeat(limit / 16 + 1);
    let xml = env(&format!(
        "<cwmp:Reboot><CommandKey>{pieces}</CommandKey></cwmp:Reboot>"
    ));
    match decode(xml.as_bytes()) {
        Ok(_) => panic!("{} bytes of entity-separated text decoded", pieces.len()),
        Err(e) => assert_eq!(e.kind, DecodeErrorKind::TextTooLong),
    }
    // And 50 MB of whitespace between elements is not text of any field: it decodes.
    let spaces = " ".repeat(25 * 1024 * 1024);
    let xml = env(&format!(
        "<cwmp:Reboot>{spaces}<CommandKey>k</CommandKey>{spaces}</cwmp:Reboot>"
    ));
    assert!(xml.len() < DecodeOptions::default().max_envelope_bytes);
    assert_eq!(
        decode(xml.as_bytes()).unwrap().envelope.body.method_name(),
        "Reboot"
    );
}

#[test]
fn one_hundred_thousand_attributes_stop_at_the_attribute_limit() {
    let attrs: String = (0..100_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
    let xml = env(&format!(
        "<cwmp:Reboot><CommandKey{attrs}>k</CommandKey></cwmp:Reboot>"
    ));
    let e = decode(xml.as_bytes()).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::TooManyAttributes);
    assert!(xml[e.offset as usize..].starts_with("<CommandKey a0="));
    // Also on the envelope itself and on a skipped unknown element.
    let xml = env("<cwmp:Reboot><CommandKey>k</CommandKey></cwmp:Reboot>").replacen(
        "<s:Envelope",
        &format!("<s:Envelope{attrs}"),
        1,
    );
    assert_eq!(
        decode(xml.as_bytes()).unwrap_err().kind,
        DecodeErrorKind::TooManyAttributes
    );
    let xml = env(&format!(
        "<cwmp:Reboot><X_Unknown{attrs}/><CommandKey>k</CommandKey></cwmp:Reboot>"
    ));
    assert_eq!(
        decode(xml.as_bytes()).unwrap_err().kind,
        DecodeErrorKind::TooManyAttributes
    );
}

#[test]
fn one_hundred_thousand_deep_nesting_inside_a_known_struct() {
    let open = "<x>".repeat(100_000);
    let close = "</x>".repeat(100_000);
    let xml = env(&format!(
        r#"<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[1]"><ParameterValueStruct><Name>A</Name><Value>{open}{close}</Value></ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse>"#
    ));
    let e = decode(xml.as_bytes()).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::TooDeep);
    assert!(xml[e.offset as usize..].starts_with("<x>"));
    // Unclosed: the depth limit comes first, not the end of input.
    let xml = env(&format!("<cwmp:Reboot><CommandKey>{open}"));
    assert_eq!(
        decode(xml.as_bytes()).unwrap_err().kind,
        DecodeErrorKind::TooDeep
    );
}

/// Every numeric field of every message, with values past its type's range.
#[test]
fn overflow_in_every_numeric_field_is_an_error_at_the_field() {
    const U32_OVER: &str = "4294967296";
    const I32_OVER: &str = "2147483648";
    const HUGE: &str = "99999999999999999999999999999999";
    let tc = |fault: &str| {
        format!(
            "<CommandKey>k</CommandKey><FaultStruct><FaultCode>{fault}</FaultCode><FaultString/></FaultStruct><StartTime>2024-01-01T00:00:00Z</StartTime><CompleteTime>2024-01-01T00:00:00Z</CompleteTime>"
        )
    };
    let window = |start: &str, end: &str, retries: &str| {
        format!(
            "<CommandKey>k</CommandKey><FileType>1 Firmware Upgrade Image</FileType><URL>http://x/</URL><Username/><Password/><FileSize>1</FileSize><TargetFileName/><TimeWindowList soap-enc:arrayType=\"cwmp:TimeWindowStruct[1]\"><TimeWindowStruct><WindowStart>{start}</WindowStart><WindowEnd>{end}</WindowEnd><WindowMode>1 At Any Time</WindowMode><UserMessage/><MaxRetries>{retries}</MaxRetries></TimeWindowStruct></TimeWindowList>"
        )
    };
    let device = "<DeviceId><Manufacturer>M</Manufacturer><OUI>000000</OUI><ProductClass>P</ProductClass><SerialNumber>S</SerialNumber></DeviceId><Event soap-enc:arrayType=\"cwmp:EventStruct[0]\"/>";
    // (method, its content, the field that is out of range)
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "Inform",
            format!(
                "{device}<MaxEnvelopes>{U32_OVER}</MaxEnvelopes><CurrentTime>2024-01-01T00:00:00Z</CurrentTime><RetryCount>0</RetryCount><ParameterList/>"
            ),
            "<MaxEnvelopes>",
        ),
        (
            "Inform",
            format!(
                "{device}<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2024-01-01T00:00:00Z</CurrentTime><RetryCount>{HUGE}</RetryCount><ParameterList/>"
            ),
            "<RetryCount>",
        ),
        (
            "Inform",
            format!(
                "{device}<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2024-01-01T00:00:00Z</CurrentTime><RetryCount>-1</RetryCount><ParameterList/>"
            ),
            "<RetryCount>",
        ),
        (
            "InformResponse",
            format!("<MaxEnvelopes>{HUGE}</MaxEnvelopes>"),
            "<MaxEnvelopes>",
        ),
        (
            "Download",
            format!(
                "<CommandKey/><FileType>1 Firmware Upgrade Image</FileType><URL>u</URL><Username/><Password/><FileSize>{U32_OVER}</FileSize><TargetFileName/><DelaySeconds>0</DelaySeconds><SuccessURL/><FailureURL/>"
            ),
            "<FileSize>",
        ),
        (
            "Download",
            format!(
                "<CommandKey/><FileType>1 Firmware Upgrade Image</FileType><URL>u</URL><Username/><Password/><FileSize>1</FileSize><TargetFileName/><DelaySeconds>{HUGE}</DelaySeconds><SuccessURL/><FailureURL/>"
            ),
            "<DelaySeconds>",
        ),
        (
            "Upload",
            "<CommandKey/><FileType>1 Vendor Configuration File</FileType><URL>u</URL><Username/><Password/><DelaySeconds>-5</DelaySeconds>"
                .to_owned(),
            "<DelaySeconds>",
        ),
        (
            "ScheduleInform",
            format!("<DelaySeconds>{U32_OVER}</DelaySeconds><CommandKey/>"),
            "<DelaySeconds>",
        ),
        (
            "DownloadResponse",
            format!(
                "<Status>{I32_OVER}</Status><StartTime>2024-01-01T00:00:00Z</StartTime><CompleteTime>2024-01-01T00:00:00Z</CompleteTime>"
            ),
            "<Status>",
        ),
        (
            "UploadResponse",
            "<Status>-2147483649</Status><StartTime>2024-01-01T00:00:00Z</StartTime><CompleteTime>2024-01-01T00:00:00Z</CompleteTime>"
                .to_owned(),
            "<Status>",
        ),
        (
            "SetParameterValuesResponse",
            format!("<Status>{HUGE}</Status>"),
            "<Status>",
        ),
        (
            "AddObjectResponse",
            format!("<InstanceNumber>{U32_OVER}</InstanceNumber><Status>0</Status>"),
            "<InstanceNumber>",
        ),
        (
            "AddObjectResponse",
            format!("<InstanceNumber>1</InstanceNumber><Status>{I32_OVER}</Status>"),
            "<Status>",
        ),
        (
            "DeleteObjectResponse",
            format!("<Status>{HUGE}</Status>"),
            "<Status>",
        ),
        ("TransferComplete", tc(U32_OVER), "<FaultCode>"),
        ("TransferComplete", tc("-1"), "<FaultCode>"),
        (
            "AutonomousTransferComplete",
            format!(
                "<AnnounceURL/><TransferURL>u</TransferURL><IsDownload>1</IsDownload><FileType>1 Firmware Upgrade Image</FileType><FileSize>{HUGE}</FileSize><TargetFileName/><FaultStruct><FaultCode>0</FaultCode><FaultString/></FaultStruct><StartTime>2024-01-01T00:00:00Z</StartTime><CompleteTime>2024-01-01T00:00:00Z</CompleteTime>"
            ),
            "<FileSize>",
        ),
        (
            "SetParameterAttributes",
            format!(
                "<ParameterList soap-enc:arrayType=\"cwmp:SetParameterAttributesStruct[1]\"><SetParameterAttributesStruct><Name>A</Name><NotificationChange>1</NotificationChange><Notification>{I32_OVER}</Notification><AccessListChange>0</AccessListChange><AccessList/></SetParameterAttributesStruct></ParameterList>"
            ),
            "<Notification>",
        ),
        (
            "GetParameterAttributesResponse",
            format!(
                "<ParameterList soap-enc:arrayType=\"cwmp:ParameterAttributeStruct[1]\"><ParameterAttributeStruct><Name>A</Name><Notification>{HUGE}</Notification><AccessList/></ParameterAttributeStruct></ParameterList>"
            ),
            "<Notification>",
        ),
        (
            "GetQueuedTransfersResponse",
            format!(
                "<TransferList soap-enc:arrayType=\"cwmp:QueuedTransferStruct[1]\"><QueuedTransferStruct><CommandKey/><State>{HUGE}</State></QueuedTransferStruct></TransferList>"
            ),
            "<State>",
        ),
        (
            "ScheduleDownload",
            window(U32_OVER, "10", "1"),
            "<WindowStart>",
        ),
        ("ScheduleDownload", window("0", HUGE, "1"), "<WindowEnd>"),
        (
            "ScheduleDownload",
            window("0", "10", I32_OVER),
            "<MaxRetries>",
        ),
    ];
    for (method, content, field) in &cases {
        let xml = env(&format!("<cwmp:{method}>{content}</cwmp:{method}>"));
        let e = match decode(xml.as_bytes()) {
            Ok(d) => panic!("{method} {field}: decoded {:?}", d.envelope.body),
            Err(e) => e,
        };
        assert_eq!(e.kind, DecodeErrorKind::InvalidNumber, "{method} {field}");
        assert!(
            xml[e.offset as usize..].starts_with(field),
            "{method} {field}: offset at {:?}",
            &xml[e.offset as usize..][..40.min(xml.len() - e.offset as usize)]
        );
    }
    // The fault detail's FaultCode, and the header's SessionTimeout.
    let fault = env(&format!(
        "<s:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>{HUGE}</FaultCode><FaultString/></cwmp:Fault></detail></s:Fault>"
    ));
    let e = decode(fault.as_bytes()).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::InvalidNumber);
    assert!(fault[e.offset as usize..].starts_with("<FaultCode>"));
    let header = env("<cwmp:GetRPCMethods/>").replace(
        "<s:Header>",
        &format!("<s:Header><cwmp:SessionTimeout>{HUGE}</cwmp:SessionTimeout>"),
    );
    assert_eq!(
        decode(header.as_bytes()).unwrap_err().kind,
        DecodeErrorKind::InvalidNumber
    );
}

/// Corpus messages (every seventh, a spread of methods and vendors) cut at every byte: an
/// error (never a panic), never at an offset past the cut. (`hostile.rs` cuts a few more at
/// every byte; the fuzz target `decode` covers the rest.)
#[test]
fn every_corpus_message_truncated_at_every_byte() {
    let dir = corpus_dir();
    let manifest = fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut cuts = 0u64;
    for line in manifest.lines().skip(1).step_by(7) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.get(2) != Some(&"ok") {
            continue;
        }
        let bytes = fs::read(dir.join(cols[0])).unwrap();
        // The last real byte of the message: trailing whitespace may go without harm.
        let end = bytes
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |p| p + 1);
        for cut in 0..end {
            let prefix = &bytes[..cut];
            match decode(prefix) {
                Ok(_) => panic!("{}: the first {cut} bytes decoded", cols[0]),
                Err(e) => assert!(e.offset <= cut as u64, "{}: {e:?} past {cut}", cols[0]),
            }
            cuts += 1;
        }
    }
    assert!(cuts > 10_000, "{cuts}");
}

/// A vendor method of 1,000,000 top-level elements each using a prefix declared nowhere: every
/// use is found and reported once, in time linear in the input (the check for a repeated use
/// looks only at the element being read).
#[test]
fn a_million_unbound_prefixes_in_an_unknown_method() {
    let n = 1_000_000;
    let xml = env(&format!(
        "<cwmp:X_Probe>{}</cwmp:X_Probe>",
        "<p:a/>".repeat(n)
    ));
    assert!(xml.len() < DecodeOptions::default().max_envelope_bytes);
    let decoded = decode(xml.as_bytes()).unwrap();
    let unbound = decoded
        .warnings
        .iter()
        .filter(|w| w.kind == cwmp_soap::WarningKind::UnboundPrefix)
        .count();
    assert_eq!(unbound, n);
}
