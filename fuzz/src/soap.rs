//! The cwmp-soap targets.

use cwmp_soap::{BooleanStyle, Charset, DecodeOptions, EncodeError, EncodeOptions, WarningKind};
use cwmp_types::Envelope;

use crate::input::{Input, envelope};

/// Any bytes: decoding and peeking never panic, whatever decodes also peeks (with the same
/// method), and whatever decodes survives encode → decode unchanged.
pub fn decode(data: &[u8]) {
    // The first byte picks the charset the transport would pass in; the rest is the body.
    let (charset, body) = match data.split_first() {
        Some((b, rest)) => (
            match b % 4 {
                0 => Charset::Detect,
                1 => Charset::Utf8,
                2 => Charset::Latin1,
                _ => Charset::UsAscii,
            },
            rest,
        ),
        None => (Charset::Detect, data),
    };
    let mut options = DecodeOptions::default();
    options.charset = charset;
    let peeked = cwmp_soap::peek_with(body, &options);
    if let Err(e) = &peeked {
        assert!(
            e.offset <= body.len() as u64,
            "peek: {e:?} beyond the input"
        );
    }
    let first = match cwmp_soap::decode_with(body, &options) {
        Ok(first) => first,
        Err(e) => {
            assert!(e.offset <= body.len() as u64, "{e:?} beyond the input");
            return;
        }
    };
    // Peek reads a prefix of what decode reads, with the same parser and limits.
    let peeked = peeked.expect("what decodes also peeks");
    let method = match &first.envelope.body {
        cwmp_types::Body::Fault(_) => "Fault",
        body => body.method_name(),
    };
    assert_eq!(
        peeked.method, method,
        "peek and decode disagree on the method"
    );
    let len = body.len() as u64;
    assert!(
        first.warnings.iter().all(|w| w.offset <= len),
        "{:?}",
        first.warnings
    );
    let kept = |kind| first.warnings.iter().any(|w| w.kind == kind);
    let kept_invalid_chars = kept(WarningKind::InvalidXmlChar);
    let kept_unbound_prefix = kept(WarningKind::UnboundPrefix);
    let mut envelope = first.envelope;
    // NoMoreRequests is read-only: the decoder reports it, the encoder never writes it.
    envelope.header.no_more_requests = None;
    reencodes(&envelope, kept_invalid_chars, kept_unbound_prefix);
}

/// Encodes, decodes, and checks the value came back.
fn reencodes(envelope: &Envelope, kept_invalid_chars: bool, kept_unbound_prefix: bool) {
    let mut out = Vec::new();
    match cwmp_soap::encode(envelope, &mut out) {
        Ok(()) => {}
        // The decoder keeps what XML cannot carry (never losing data) and says so: characters
        // XML forbids, and an unknown method's XML using a prefix declared nowhere. The encoder
        // never writes them. Nothing else a decoded envelope holds may be refused.
        Err(EncodeError::InvalidXmlChar { .. }) if kept_invalid_chars => return,
        Err(EncodeError::InvalidUnknownMethod { reason, .. })
            if (kept_invalid_chars && reason.contains("cannot carry"))
                || (kept_unbound_prefix && reason.contains("undeclared namespace prefix")) =>
        {
            return;
        }
        Err(e) => panic!("a decoded envelope does not encode: {e}\n{envelope:?}"),
    }
    let second = match cwmp_soap::decode(&out) {
        Ok(d) => d,
        Err(e) => panic!(
            "the encoder's output does not decode: {e}\n{}",
            String::from_utf8_lossy(&out)
        ),
    };
    assert_eq!(
        &second.envelope,
        envelope,
        "{}",
        String::from_utf8_lossy(&out)
    );
}

/// A message generated from the input: encode → decode gives it back, with no repairs.
pub fn roundtrip(data: &[u8]) {
    let mut input = Input::new(data);
    let words = input.u8() & 1 == 1;
    let Some(envelope) = envelope(input.seed()) else {
        return;
    };
    let mut options = EncodeOptions::default();
    if words {
        options.booleans = BooleanStyle::Words;
    }
    let mut out = Vec::new();
    cwmp_soap::encode_with(&envelope, &options, &mut out).expect("generated values encode");
    let decoded = match cwmp_soap::decode(&out) {
        Ok(d) => d,
        Err(e) => panic!("{e}\n{}", String::from_utf8_lossy(&out)),
    };
    assert_eq!(decoded.envelope, envelope);
    // The canonical form needs no repairs; the warnings left report what the value holds.
    for w in &decoded.warnings {
        match w.kind {
            WarningKind::MissingId => assert!(envelope.header.id.is_none()),
            WarningKind::InvalidDateTime | WarningKind::ObjectNameWithoutDot => {}
            _ => panic!(
                "unexpected warning {w:?}\n{}",
                String::from_utf8_lossy(&out)
            ),
        }
    }
}
