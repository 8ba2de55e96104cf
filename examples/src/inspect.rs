//! The inspect tool's logic, callable in-process (the `inspect` example is a thin `main`).
//!
//! ```text
//! inspect decode FILE        the envelope as JSON on stdout, warnings (and header entries not understood) on stderr
//! inspect encode FILE.json   the XML envelope on stdout
//! ```
//! `FILE` may be `-` for standard input. Exit codes: 0 success, 1 the input could not be
//! read, decoded or encoded (one line on stderr, with the byte offset where there is one),
//! 2 usage error. Nothing derived from the input can make it panic.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read, Write};

use cwmp_soap::DecodeOptions;
use cwmp_types::Envelope;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: the input could not be read, decoded or encoded.
pub const EXIT_FAILED: i32 = 1;
/// Exit code: the command line was wrong.
pub const EXIT_USAGE: i32 = 2;

const USAGE: &str =
    "usage: inspect decode FILE | inspect encode FILE.json   (FILE may be - for stdin)";

/// The largest input read: the decoder's default envelope limit, plus one byte so that a
/// larger input is still reported by the decoder as too large.
fn max_input() -> u64 {
    DecodeOptions::default().max_envelope_bytes as u64 + 1
}

/// Runs the tool with `args` (without the program name) and returns the exit code.
pub fn run<A: AsRef<OsStr>>(
    args: &[A],
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let args: Vec<&OsStr> = args.iter().map(AsRef::as_ref).collect();
    let (command, path) = match args.as_slice() {
        [c] if *c == "-h" || *c == "--help" || *c == "help" => {
            return finish(writeln!(stdout, "{USAGE}"), EXIT_OK, stderr);
        }
        [c, p] => (*c, *p),
        _ => return usage(stderr, "expected a command and a file"),
    };
    if command != "decode" && command != "encode" {
        let shown = command.to_string_lossy();
        return usage(stderr, &format!("unknown command {shown:?}"));
    }
    let input = match read_input(path, stdin) {
        Ok(bytes) => bytes,
        Err(e) => {
            let shown = path.to_string_lossy();
            return fail(stderr, &format!("cannot read {shown}: {e}"));
        }
    };
    if command == "decode" {
        decode(&input, stdout, stderr)
    } else {
        encode(&input, stdout, stderr)
    }
}

fn read_input(path: &OsStr, stdin: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path == "-" {
        stdin.take(max_input()).read_to_end(&mut bytes)?;
    } else {
        File::open(path)?
            .take(max_input())
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

fn decode(input: &[u8], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let decoded = match cwmp_soap::decode(input) {
        Ok(d) => d,
        Err(e) => {
            let (line, col) = e.line_col(input);
            return fail(
                stderr,
                &format!(
                    "error at byte {} (line {line}, column {col}): {}",
                    e.offset,
                    e.kind.reason()
                ),
            );
        }
    };
    for w in &decoded.warnings {
        let (line, col) = line_col(input, w.offset);
        let mut text = format!(
            "warning at byte {} (line {line}, column {col}): {}",
            w.offset,
            w.kind.reason()
        );
        if !w.context.is_empty() {
            text.push_str(": ");
            text.push_str(&one_line(&w.context));
        }
        if writeln!(stderr, "{text}").is_err() {
            return EXIT_FAILED;
        }
    }
    for n in &decoded.not_understood {
        let (line, col) = line_col(input, n.offset);
        let text = format!(
            "not understood at byte {} (line {line}, column {col}): header entry {} has \
             mustUnderstand=\"1\": a receiver answers a MustUnderstand fault",
            n.offset,
            one_line(&n.name)
        );
        if writeln!(stderr, "{text}").is_err() {
            return EXIT_FAILED;
        }
    }
    let json = match serde_json::to_string_pretty(&decoded.envelope) {
        Ok(j) => j,
        Err(e) => return fail(stderr, &format!("cannot write JSON: {e}")),
    };
    let written = stdout
        .write_all(json.as_bytes())
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
    finish(written, EXIT_OK, stderr)
}

fn encode(input: &[u8], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let envelope: Envelope = match serde_json::from_slice(input) {
        Ok(e) => e,
        Err(e) => {
            let (line, col) = (e.line(), e.column());
            let offset = byte_offset(input, line, col);
            let reason = one_line(&e.to_string());
            return fail(
                stderr,
                &format!("error at byte {offset} (line {line}, column {col}): {reason}"),
            );
        }
    };
    let mut xml = Vec::new();
    if let Err(e) = cwmp_soap::encode(&envelope, &mut xml) {
        return fail(stderr, &format!("error: cannot encode: {e}"));
    }
    let written = stdout
        .write_all(&xml)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
    finish(written, EXIT_OK, stderr)
}

/// The 1-based line and column (in bytes) of a byte offset, as `DecodeError::line_col`.
fn line_col(input: &[u8], offset: u64) -> (usize, usize) {
    let end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(input.len());
    let before = &input[..end];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    (line, end - line_start + 1)
}

/// The byte offset of a 1-based line and column as serde_json counts them (column 0 means
/// before the first character of the line).
fn byte_offset(input: &[u8], line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match input[start..].iter().position(|&b| b == b'\n') {
            Some(p) => start += p + 1,
            None => return input.len(),
        }
    }
    (start + col.saturating_sub(1)).min(input.len())
}

/// Text on one line: control characters (line ends included) shown escaped.
fn one_line(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn usage(stderr: &mut dyn Write, why: &str) -> i32 {
    // Nothing more can be done if stderr itself fails.
    let _ = writeln!(stderr, "{why}\n{USAGE}");
    EXIT_USAGE
}

fn fail(stderr: &mut dyn Write, line: &str) -> i32 {
    let _ = writeln!(stderr, "{line}");
    EXIT_FAILED
}

/// `code` if writing the output worked, else a failure (a closed pipe, a full disk).
fn finish(written: io::Result<()>, code: i32, stderr: &mut dyn Write) -> i32 {
    match written {
        Ok(()) => code,
        Err(e) => fail(stderr, &format!("cannot write the output: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offsets_from_line_and_column() {
        let s = b"ab\ncde\nf";
        assert_eq!(byte_offset(s, 1, 1), 0);
        assert_eq!(byte_offset(s, 2, 2), 4);
        assert_eq!(byte_offset(s, 3, 0), 7);
        assert_eq!(byte_offset(s, 9, 9), s.len());
        assert_eq!(byte_offset(s, 2, 99), s.len());
    }

    #[test]
    fn line_and_column_of_offsets() {
        let s = b"ab\ncde\nf";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 4), (2, 2));
        assert_eq!(line_col(s, 7), (3, 1));
        assert_eq!(line_col(s, 999), (3, 2));
    }

    #[test]
    fn one_line_escapes_line_ends() {
        assert_eq!(one_line("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(one_line("é"), "é");
    }
}
