//! The input's character set: detection, conversion to UTF-8 and mapping offsets back.

use std::borrow::Cow;

use crate::{Charset, DecodeError, DecodeErrorKind};

/// The input as UTF-8 text, and how to map offsets in it back to input offsets.
#[derive(Debug)]
pub(super) struct Utf8Input<'a> {
    /// The text the parser reads (the BOM removed).
    pub(super) text: Cow<'a, str>,
    /// Input bytes before `text` starts (a UTF-8 BOM).
    pub(super) base: usize,
    /// The text was converted from Latin-1 and holds non-ASCII characters: one text
    /// character is one input byte, so offsets must be mapped by counting characters.
    pub(super) latin1: bool,
    /// No charset was declared and the bytes are not UTF-8 (the first bad byte is at this
    /// input offset): the text was read as Latin-1, a guess the caller must report.
    pub(super) guessed_latin1: Option<usize>,
}

impl Utf8Input<'_> {
    /// The input offset of byte offset `offset` in the text.
    pub(super) fn map_offset(&self, offset: u64) -> u64 {
        let off = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let mapped = if self.latin1 {
            count_chars(&self.text.as_bytes()[..off])
        } else {
            off
        };
        (mapped + self.base) as u64
    }

    /// Maps many offsets at once in one pass over the text (`offsets` in any order).
    pub(super) fn map_offsets(&self, offsets: &mut [&mut u64]) {
        if !self.latin1 {
            for o in offsets.iter_mut() {
                **o = self.map_offset(**o);
            }
            return;
        }
        offsets.sort_by_key(|o| **o);
        let bytes = self.text.as_bytes();
        let (mut pos, mut chars) = (0usize, 0usize);
        for o in offsets.iter_mut() {
            let target = usize::try_from(**o).unwrap_or(usize::MAX).min(bytes.len());
            chars += count_chars(&bytes[pos..target]);
            pos = target;
            **o = (chars + self.base) as u64;
        }
    }
}

/// Characters in UTF-8 bytes (counts the bytes that start a character).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decides the charset (the caller's, else BOM, else the XML declaration, else UTF-8) and
/// converts the input to UTF-8 text, borrowing it when it already is.
pub(super) fn to_utf8(input: &[u8], charset: Charset) -> Result<Utf8Input<'_>, DecodeError> {
    let has_bom = input.starts_with(UTF8_BOM);
    if input.starts_with(b"\xFE\xFF") || input.starts_with(b"\xFF\xFE") {
        // UTF-16: no CWMP peer is known to send it and the spec requires UTF-8.
        return Err(DecodeError::new(DecodeErrorKind::InvalidEncoding, 0));
    }
    // Nothing declared: UTF-8 if the bytes are UTF-8, else (real Informs carry raw Latin-1
    // bytes in their Values without saying so) Latin-1, reported as a guess.
    let undeclared = charset == Charset::Detect && !has_bom && declared_charset(input).is_none();
    let charset = match charset {
        Charset::Detect if has_bom => Charset::Utf8,
        Charset::Detect => declared_charset(input).unwrap_or(Charset::Utf8),
        other => other,
    };
    match charset {
        Charset::Latin1 => Ok(latin1(input)),
        Charset::UsAscii => match input.iter().position(|b| !b.is_ascii()) {
            Some(p) => Err(DecodeError::new(DecodeErrorKind::InvalidEncoding, p as u64)),
            None => Ok(borrowed(input, 0)),
        },
        _ => {
            let base = if has_bom { UTF8_BOM.len() } else { 0 };
            match core::str::from_utf8(&input[base..]) {
                Ok(text) => Ok(Utf8Input {
                    text: Cow::Borrowed(text),
                    base,
                    latin1: false,
                    guessed_latin1: None,
                }),
                Err(e) if undeclared => {
                    let mut text = latin1(input);
                    text.guessed_latin1 = Some(e.valid_up_to());
                    Ok(text)
                }
                Err(e) => Err(DecodeError::new(
                    DecodeErrorKind::InvalidEncoding,
                    (base + e.valid_up_to()) as u64,
                )),
            }
        }
    }
}

/// Latin-1 bytes as UTF-8 text (borrowed when they are ASCII).
fn latin1(input: &[u8]) -> Utf8Input<'_> {
    if input.is_ascii() {
        return borrowed(input, 0);
    }
    let text: String = input.iter().map(|&b| char::from(b)).collect();
    Utf8Input {
        text: Cow::Owned(text),
        base: 0,
        latin1: true,
        guessed_latin1: None,
    }
}

fn borrowed(ascii: &[u8], base: usize) -> Utf8Input<'_> {
    // ASCII is valid UTF-8; the fallback cannot be taken but avoids any panic path.
    let text = core::str::from_utf8(&ascii[base..]).unwrap_or_default();
    Utf8Input {
        text: Cow::Borrowed(text),
        base,
        latin1: false,
        guessed_latin1: None,
    }
}

/// The charset named by `encoding="…"` in a leading XML declaration, if it names one we know.
fn declared_charset(input: &[u8]) -> Option<Charset> {
    let rest = input.strip_prefix(b"<?xml")?;
    // A declaration is short; never scan further than this for its end.
    let window = &rest[..rest.len().min(1024)];
    let end = window.windows(2).position(|w| w == b"?>")?;
    let decl = &window[..end];
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let mut v = &decl[at + 8..];
    v = trim_start(v).strip_prefix(b"=")?;
    v = trim_start(v);
    let quote = *v.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let v = &v[1..];
    let close = v.iter().position(|&b| b == quote)?;
    let label = core::str::from_utf8(&v[..close]).ok()?;
    match Charset::from_label(label) {
        Charset::Detect => None,
        c => Some(c),
    }
}

fn trim_start(mut b: &[u8]) -> &[u8] {
    while let [c, rest @ ..] = b {
        if !matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            break;
        }
        b = rest;
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration_is_read_with_either_quote_and_line_breaks() {
        assert_eq!(
            declared_charset(b"<?xml version='1.0'\n  encoding = 'ISO-8859-1' ?><a/>"),
            Some(Charset::Latin1)
        );
        assert_eq!(
            declared_charset(b"<?xml version=\"1.0\" encoding=\"US-ASCII\"?>"),
            Some(Charset::UsAscii)
        );
        assert_eq!(declared_charset(b"<?xml version=\"1.0\"?>"), None);
        assert_eq!(declared_charset(b"<a/>"), None);
    }

    #[test]
    fn latin1_offsets_map_back_to_input_bytes() {
        let input = b"<a>\xE9\xE9</a>\xFF";
        let t = to_utf8(input, Charset::Latin1).unwrap();
        assert_eq!(&*t.text, "<a>éé</a>ÿ");
        // `</a>` starts at text byte 7, input byte 5.
        assert_eq!(t.map_offset(7), 5);
        let (mut a, mut b) = (7u64, 3u64);
        t.map_offsets(&mut [&mut a, &mut b]);
        assert_eq!((a, b), (5, 3));
    }

    #[test]
    fn invalid_utf8_and_ascii_report_the_offset() {
        // Declared UTF-8 (by the caller, a BOM or the XML declaration): an error.
        for (input, charset, at) in [
            (&b"<a>ok\xC3(</a>"[..], Charset::Utf8, 5),
            (b"\xEF\xBB\xBF<a>\xFF</a>", Charset::Detect, 6),
            (
                b"<?xml version='1.0' encoding='UTF-8'?><a>\xFF</a>",
                Charset::Detect,
                41,
            ),
        ] {
            assert_eq!(
                to_utf8(input, charset).unwrap_err(),
                DecodeError::new(DecodeErrorKind::InvalidEncoding, at)
            );
        }
        assert_eq!(
            to_utf8(b"<a>\x80</a>", Charset::UsAscii).unwrap_err(),
            DecodeError::new(DecodeErrorKind::InvalidEncoding, 3)
        );
        let t = to_utf8(b"\xEF\xBB\xBF<a/>", Charset::Detect).unwrap();
        assert_eq!((&*t.text, t.base), ("<a/>", 3));
    }

    #[test]
    fn undeclared_bytes_that_are_not_utf8_are_read_as_latin1() {
        let t = to_utf8(b"<?xml version='1.0'?><a>ok\xC3(\xFF</a>", Charset::Detect).unwrap();
        assert_eq!(&*t.text, "<?xml version='1.0'?><a>okÃ(ÿ</a>");
        assert_eq!(t.guessed_latin1, Some(26));
        assert!(t.latin1);
        let t = to_utf8("<a>é</a>".as_bytes(), Charset::Detect).unwrap();
        assert_eq!((&*t.text, t.guessed_latin1), ("<a>é</a>", None));
    }
}
