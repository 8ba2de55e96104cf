//! encode → decode gives back every generated envelope (all messages, headers, faults,
//! unknown methods, in every cwmp namespace), with no warnings.

use cwmp_soap::{decode, encode};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn encode_then_decode_is_identity(envelope in cwmp_types::strategy::envelope()) {
        let mut out = Vec::new();
        encode(&envelope, &mut out).unwrap();
        let decoded = match decode(&out) {
            Ok(d) => d,
            Err(e) => {
                let (line, col) = e.line_col(&out);
                panic!("{e} at {line}:{col}\n{}", String::from_utf8_lossy(&out));
            }
        };
        prop_assert_eq!(&decoded.envelope, &envelope);
        // The canonical form needs no repairs; the only warnings left report what the
        // value itself holds (no ID, an invalid dateTime kept as text, an object path
        // without its dot).
        use cwmp_soap::WarningKind as W;
        let unexpected: Vec<_> = decoded
            .warnings
            .iter()
            .filter(|w| match w.kind {
                W::MissingId => envelope.header.id.is_some(),
                W::InvalidDateTime | W::ObjectNameWithoutDot => false,
                _ => true,
            })
            .collect();
        prop_assert!(unexpected.is_empty(), "{:?}", unexpected);
    }
}
