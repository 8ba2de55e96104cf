//! The inspect tool, run in-process through `cwmp_examples::inspect::run`.

use std::fs;
use std::path::PathBuf;

use cwmp_examples::inspect::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, run};
use cwmp_types::{
    Envelope, FaultCode, GetParameterValues, ParameterValue, ParameterValueStruct,
    SetParameterValues, SetParameterValuesFault,
};

struct Outcome {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn inspect(args: &[&str], stdin: &[u8]) -> Outcome {
    let mut stdin = stdin;
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let code = run(args, &mut stdin, &mut stdout, &mut stderr);
    Outcome {
        code,
        stdout,
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// The vendored corpus of real messages, with its `MANIFEST.tsv`.
fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus")
}

/// `(file, expect)` of every corpus message.
fn corpus() -> Vec<(PathBuf, String)> {
    let dir = corpus_dir();
    let manifest = fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Some((dir.join(cols.first()?), (*cols.get(2)?).to_owned()))
        })
        .collect()
}

fn sample() -> Envelope {
    Envelope::with_id(
        "x1",
        SetParameterValues::new(
            vec![
                ParameterValueStruct::new("Device.A", ParameterValue::string("a<b")),
                ParameterValueStruct::new("Device.B", ParameterValue::unsigned_int(7)),
            ],
            "key",
        ),
    )
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["decode"][..],
        &["encode"][..],
        &["frobnicate", "x.xml"][..],
        &["decode", "a.xml", "b.xml"][..],
        &["--decode", "a.xml"][..],
    ] {
        let out = inspect(args, b"");
        assert_eq!(out.code, EXIT_USAGE, "{args:?}");
        assert!(
            out.stderr.contains("usage: inspect"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
    let help = inspect(&["--help"], b"");
    assert_eq!(help.code, EXIT_OK);
    assert!(String::from_utf8_lossy(&help.stdout).contains("usage: inspect"));
}

#[test]
fn unreadable_file_exits_1_with_one_line() {
    let out = inspect(&["decode", "/nonexistent/cwmp-rs/capture.xml"], b"");
    assert_eq!(out.code, EXIT_FAILED);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("cannot read /nonexistent/cwmp-rs/capture.xml")
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn encode_writes_the_encoders_bytes() {
    let env = sample();
    let json = serde_json::to_vec(&env).expect("JSON");
    let out = inspect(&["encode", "-"], &json);
    assert_eq!(out.code, EXIT_OK, "{}", out.stderr);
    assert!(out.stderr.is_empty());
    let mut want = Vec::new();
    cwmp_soap::encode(&env, &mut want).expect("encodes");
    want.push(b'\n');
    assert_eq!(out.stdout, want);
}

#[test]
fn encode_reads_a_file() {
    let env = Envelope::with_id("f", GetParameterValues::new(["Device."]));
    let path = std::env::temp_dir().join(format!("cwmp-inspect-{}.json", std::process::id()));
    fs::write(&path, serde_json::to_vec_pretty(&env).expect("JSON")).expect("temp file");
    let out = inspect(&["encode", path.to_str().expect("UTF-8 path")], b"");
    let _ = fs::remove_file(&path);
    assert_eq!(out.code, EXIT_OK, "{}", out.stderr);
    assert!(String::from_utf8_lossy(&out.stdout).contains(
        "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"xsd:string[1]\"><string>Device.</string></ParameterNames></cwmp:GetParameterValues>"
    ));
}

#[test]
fn bad_json_exits_1_with_the_offset() {
    let out = inspect(&["encode", "-"], b"{\n  \"Body\": [1, 2,\n");
    assert_eq!(out.code, EXIT_FAILED);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.starts_with("error at byte "), "{}", out.stderr);
    assert!(out.stderr.contains("(line 3, column 0)"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    // Valid JSON that is not an envelope.
    let out = inspect(&["encode", "-"], b"{\"Body\": {\"NoSuchMethod\": {}}}");
    assert_eq!(out.code, EXIT_FAILED);
    assert!(out.stderr.starts_with("error at byte "), "{}", out.stderr);
}

#[test]
fn unencodable_envelope_exits_1() {
    let mut fault = cwmp_types::Fault::set_parameter_values(vec![SetParameterValuesFault::new(
        "Device.\u{0}",
        FaultCode::InvalidParameterName,
    )]);
    fault.fault_string = "x".into();
    let json = serde_json::to_vec(&Envelope::new(fault)).expect("JSON");
    let out = inspect(&["encode", "-"], &json);
    assert_eq!(out.code, EXIT_FAILED);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("cannot encode"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn decode_errors_exit_1_with_offset_and_line() {
    for input in [
        &b""[..],
        b"<a>",
        b"not xml at all",
        b"\xff\xfe\x00<",
        b"<soap:Envelope",
    ] {
        let out = inspect(&["decode", "-"], input);
        assert_eq!(out.code, EXIT_FAILED, "{input:?}");
        assert!(out.stdout.is_empty());
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        let err = cwmp_soap::decode(input).expect_err("not an envelope");
        let (line, col) = err.line_col(input);
        assert_eq!(
            out.stderr.trim_end(),
            format!(
                "error at byte {} (line {line}, column {col}): {}",
                err.offset,
                err.kind.reason()
            )
        );
    }
}

#[test]
fn never_panics_on_prefixes_and_mutations() {
    let (path, _) = corpus().into_iter().next().expect("a corpus file");
    let bytes = fs::read(path).expect("corpus file");
    let json = serde_json::to_vec(&sample()).expect("JSON");
    for input in [&bytes, &json] {
        for cut in (0..input.len()).step_by(7) {
            for command in ["decode", "encode"] {
                let out = inspect(&[command, "-"], &input[..cut]);
                assert!(matches!(out.code, EXIT_OK | EXIT_FAILED));
            }
        }
        let mut mutated = input.clone();
        for i in (0..mutated.len()).step_by(13) {
            mutated[i] = mutated[i].wrapping_mul(31).wrapping_add(7);
            for command in ["decode", "encode"] {
                let out = inspect(&[command, "-"], &mutated);
                assert!(matches!(out.code, EXIT_OK | EXIT_FAILED));
            }
        }
    }
}

/// With the decoder in place: every corpus file decodes (or fails cleanly) as MANIFEST.tsv
/// says, the JSON is exactly the decoded envelope, warnings are one line each, and the JSON
/// encodes back to XML that decodes to the same envelope.
#[test]
fn corpus_decodes_as_the_manifest_says_and_round_trips() {
    let files = corpus();
    assert_eq!(files.len(), 133);
    for (path, expect) in files {
        let shown = path.display().to_string();
        let out = inspect(&["decode", &shown], b"");
        if expect != "ok" {
            assert_eq!(out.code, EXIT_FAILED, "{shown}");
            assert!(
                out.stderr.starts_with("error at byte "),
                "{shown}: {}",
                out.stderr
            );
            continue;
        }
        assert_eq!(out.code, EXIT_OK, "{shown}: {}", out.stderr);
        let bytes = fs::read(&path).expect("corpus file");
        let decoded = cwmp_soap::decode(&bytes).expect("decodes");
        assert_eq!(
            out.stderr.lines().count(),
            decoded.warnings.len(),
            "{shown}"
        );
        for line in out.stderr.lines() {
            assert!(line.starts_with("warning at byte "), "{shown}: {line}");
        }
        let from_json: Envelope = serde_json::from_slice(&out.stdout).expect("JSON envelope");
        assert_eq!(from_json, decoded.envelope, "{shown}");
        let xml = inspect(&["encode", "-"], &out.stdout);
        assert_eq!(xml.code, EXIT_OK, "{shown}: {}", xml.stderr);
        let again = cwmp_soap::decode(&xml.stdout).expect("re-decodes");
        let mut want = decoded.envelope.clone();
        // NoMoreRequests is read but never written.
        want.header.no_more_requests = None;
        assert_eq!(again.envelope, want, "{shown}");
    }
}

/// A header entry marked mustUnderstand that the decoder does not understand is shown on
/// stderr (the envelope is still written).
#[test]
fn not_understood_header_entries_are_shown() {
    let xml = br#"<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">7</cwmp:ID>
<cwmp:HoldRequest soap-env:mustUnderstand="1">1</cwmp:HoldRequest></soap-env:Header><soap-env:Body><cwmp:GetRPCMethods/></soap-env:Body></soap-env:Envelope>"#;
    let out = inspect(&["decode", "-"], xml);
    assert_eq!(out.code, EXIT_OK, "{}", out.stderr);
    let at = xml
        .windows(17)
        .position(|w| w == b"<cwmp:HoldRequest")
        .unwrap();
    assert_eq!(
        out.stderr.trim_end(),
        format!(
            "not understood at byte {at} (line 2, column 1): header entry cwmp:HoldRequest has mustUnderstand=\"1\": a receiver answers a MustUnderstand fault"
        )
    );
    let env: Envelope = serde_json::from_slice(&out.stdout).expect("JSON envelope");
    assert_eq!(env.body.method_name(), "GetRPCMethods");
}
