//! Every message of the vendored corpus (`testdata/corpus`) decodes as `MANIFEST.tsv` says.

use std::fs;
use std::path::PathBuf;

use cwmp_soap::{DecodeErrorKind, decode};

/// The vendored corpus (`testdata/corpus`, with its `PROVENANCE.md` and `MANIFEST.tsv`).
fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus")
}

/// `(file, method, expect)` rows of the manifest.
fn manifest() -> Vec<(String, String, String)> {
    let text = fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let mut next = || cols.next().unwrap_or_default().to_owned();
            (next(), next(), next())
        })
        .collect()
}

#[test]
fn manifest_lists_the_corpus() {
    let rows = manifest();
    assert_eq!(rows.len(), 133);
    assert_eq!(rows.iter().filter(|r| r.2 == "ok").count(), 132);
    assert_eq!(rows.iter().filter(|r| r.2 == "error").count(), 1);
}

#[test]
fn every_file_decodes_as_the_manifest_says() {
    let mut failures = Vec::new();
    for (file, method, expect) in manifest() {
        let bytes = fs::read(corpus_dir().join(&file)).expect(&file);
        match (expect.as_str(), decode(&bytes)) {
            ("ok", Ok(d)) => {
                let got = d.envelope.body.method_name();
                if got != method {
                    failures.push(format!("{file}: method {got}, manifest says {method}"));
                }
            }
            ("ok", Err(e)) => failures.push(format!("{file}: {e}")),
            ("error", Ok(d)) => failures.push(format!("{file}: decoded {:?}", d.envelope.body)),
            ("error", Err(e)) => {
                // A clean error: a byte offset inside the input.
                assert!(e.offset <= bytes.len() as u64, "{file}: {e}");
            }
            (other, _) => failures.push(format!("{file}: unknown expectation {other}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_truncated_inform_is_an_eof_error() {
    let bytes = fs::read(corpus_dir().join("jdalberg-cwmp/bogus_inform_1.xml")).unwrap();
    let e = decode(&bytes).unwrap_err();
    assert!(
        matches!(
            e.kind,
            DecodeErrorKind::UnexpectedEof | DecodeErrorKind::MalformedXml
        ),
        "{e}"
    );
}
