//! decode → encode → decode gives the same envelope for every corpus message.
//!
//! NoMoreRequests is read-only (a CWMP 1.0 header the encoder never writes), so it is cleared
//! from the first decode before comparing. The proptest round trip `encode(v) → decode == v`
//! over `cwmp_types::strategy::envelope()` is in `roundtrip_proptest.rs`.

use std::fs;
use std::path::PathBuf;

use cwmp_soap::{decode, encode};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus")
}

#[test]
fn corpus_decode_encode_decode_is_stable() {
    let dir = corpus_dir();
    let manifest = fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut checked = 0;
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.get(2) != Some(&"ok") {
            continue;
        }
        let bytes = fs::read(dir.join(cols[0])).unwrap();
        let mut first = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", cols[0]));
        first.envelope.header.no_more_requests = None;
        let mut out = Vec::new();
        encode(&first.envelope, &mut out).unwrap_or_else(|e| panic!("{}: {e}", cols[0]));
        let second = decode(&out).unwrap_or_else(|e| {
            panic!(
                "{}: re-decoding the encoder's output: {e}\n{}",
                cols[0],
                String::from_utf8_lossy(&out)
            )
        });
        assert_eq!(second.envelope, first.envelope, "{}", cols[0]);
        checked += 1;
    }
    assert_eq!(checked, 132);
}
