//! Character data: joined text and CDATA, entity and character references, line ends.

use std::borrow::Cow;

use quick_xml::events::Event;

use super::{Elem, Ev, Parser, Result};
use crate::{DecodeErrorKind, WarningKind};

impl<'a, 'o> Parser<'a, 'o> {
    /// A `&` that starts no reference, handed over by the reader as text beginning with `&`
    /// (`<URL>http://h/get?file=a&v=2</URL>`, read at `at`): a literal `&`, with a warning.
    /// After `&#` a character reference was meant: an error, as for any bad one.
    pub(super) fn dangling_amp(&mut self, text: &str, at: u64) -> Result<()> {
        if text.starts_with("&#") {
            return Err(Self::err(DecodeErrorKind::InvalidCharRef, at));
        }
        let end = text.char_indices().nth(24).map_or(text.len(), |(i, _)| i);
        self.warn(WarningKind::LiteralAmpersand, at, &text[..end]);
        Ok(())
    }

    /// Validates a reference met outside collected text.
    pub(super) fn check_ref(&mut self, name: &str, off: u64) -> Result<()> {
        let mut sink = String::new();
        let mut high = None;
        self.push_ref(name, off, &mut sink, &mut high)?;
        Ok(())
    }

    /// Appends what a reference stands for. A UTF-16 surrogate pair written as two
    /// character references (seen in the wild) is joined into one character, with a warning.
    pub(super) fn push_ref(
        &mut self,
        name: &str,
        off: u64,
        out: &mut String,
        high: &mut Option<(u32, u64)>,
    ) -> Result<()> {
        let Some(num) = name.strip_prefix('#') else {
            if let Some((_, at)) = high.take() {
                return Err(Self::err(DecodeErrorKind::InvalidCharRef, at));
            }
            let c = match name {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "apos" => '\'',
                "quot" => '"',
                _ if !crate::encode::fragment::is_name(name) => {
                    // `&v=2;` in a URL: not a reference, so a literal `&`.
                    out.push('&');
                    out.push_str(name);
                    out.push(';');
                    let ctx = format!("&{name};");
                    self.warn(WarningKind::LiteralAmpersand, off, &ctx);
                    return Ok(());
                }
                _ => return Err(Self::err(DecodeErrorKind::UnknownEntity, off)),
            };
            out.push(c);
            return Ok(());
        };
        let code = match num.strip_prefix('x') {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                u32::from_str_radix(hex, 16).ok()
            }
            None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => num.parse().ok(),
            _ => None,
        };
        let bad = Self::err(DecodeErrorKind::InvalidCharRef, off);
        let code = code.ok_or(bad)?;
        match code {
            0xD800..=0xDBFF => {
                if let Some((_, at)) = high.replace((code, off)) {
                    return Err(Self::err(DecodeErrorKind::InvalidCharRef, at));
                }
                Ok(())
            }
            0xDC00..=0xDFFF => {
                let (h, _) = high.take().ok_or(bad)?;
                let c = 0x10000 + ((h - 0xD800) << 10) + (code - 0xDC00);
                out.push(char::from_u32(c).ok_or(bad)?);
                self.warn(WarningKind::InvalidXmlChar, off, "surrogate pair reference");
                Ok(())
            }
            _ => {
                if let Some((_, at)) = high.take() {
                    return Err(Self::err(DecodeErrorKind::InvalidCharRef, at));
                }
                if code == 0 {
                    return Err(bad);
                }
                let c = char::from_u32(code).ok_or(bad)?;
                if matches!(code, 0xFFFE | 0xFFFF) {
                    self.warn(WarningKind::InvalidXmlChar, off, name);
                }
                out.push(c);
                Ok(())
            }
        }
    }

    /// The text content of a leaf element, up to and including its end tag: text, CDATA
    /// and references joined (borrowed from the input when it is one plain piece).
    /// A child element inside is skipped with a warning.
    pub(in crate::decode) fn text(&mut self, elem: &Elem<'a>) -> Result<Cow<'a, str>> {
        if elem.empty {
            return Ok(Cow::Borrowed(""));
        }
        // Fast path for the usual leaf: no text or one plain text node, then the end tag.
        let pos = self.reader.buffer_position();
        let first = match self.read() {
            Ok(Event::End(_)) => {
                self.close();
                return Ok(Cow::Borrowed(""));
            }
            Ok(Event::Text(t)) => {
                let mut control = false;
                let t = t.into_inner();
                if t.starts_with('&') {
                    self.dangling_amp(&t, pos)?;
                }
                let t = normalize(t, &mut control);
                let pos = self.reader.buffer_position();
                match self.read() {
                    Ok(Event::End(_)) if !control && t.len() <= self.opts.max_text_len => {
                        self.close();
                        return Ok(t);
                    }
                    Ok(ev) => return self.text_slow(elem, t, control, pos, ev),
                    Err(e) => return Err(self.xml_error(e)),
                }
            }
            Ok(ev) => ev,
            Err(e) => return Err(self.xml_error(e)),
        };
        self.text_slow(elem, Cow::Borrowed(""), false, pos, first)
    }

    /// [`Parser::text`] from its second event on: `acc` holds the text so far and `first`
    /// (read at `pos`) is the next event to handle.
    pub(super) fn text_slow(
        &mut self,
        elem: &Elem<'a>,
        mut acc: Cow<'a, str>,
        mut control: bool,
        pos: u64,
        first: Event<'a>,
    ) -> Result<Cow<'a, str>> {
        let mut high: Option<(u32, u64)> = None;
        let mut next = self.convert(pos, first)?;
        loop {
            if acc.len() > self.opts.max_text_len {
                return Err(Self::err(DecodeErrorKind::TextTooLong, elem.offset));
            }
            let ev = match next.take() {
                Some(ev) => ev,
                None => match self.event()? {
                    Ev::End(_) => break,
                    ev => ev,
                },
            };
            match ev {
                Ev::Text(t) | Ev::CData(t) => {
                    if let Some((_, at)) = high.take() {
                        return Err(Self::err(DecodeErrorKind::InvalidCharRef, at));
                    }
                    let t = normalize(t, &mut control);
                    if acc.is_empty() {
                        acc = t;
                    } else {
                        acc.to_mut().push_str(&t);
                    }
                }
                Ev::Ref(name, off) => {
                    let mut s = acc.into_owned();
                    self.push_ref(&name, off, &mut s, &mut high)?;
                    control |= s.ends_with(|c: char| c < ' ' && !matches!(c, '\t' | '\n' | '\r'));
                    acc = Cow::Owned(s);
                }
                Ev::Start(child) => self.unknown(child)?,
                Ev::End(_) => break,
                Ev::Eof => return Err(self.eof()),
            }
        }
        if acc.len() > self.opts.max_text_len {
            return Err(Self::err(DecodeErrorKind::TextTooLong, elem.offset));
        }
        if let Some((_, at)) = high {
            return Err(Self::err(DecodeErrorKind::InvalidCharRef, at));
        }
        if control {
            self.warn(WarningKind::InvalidXmlChar, elem.offset, elem.local());
        }
        Ok(acc)
    }
}

/// Character data with XML line-end normalisation (`\r\n` and `\r` become `\n`),
/// borrowed when there is nothing to change; sets `control` when the text holds control
/// characters XML forbids (they are kept). One pass over the bytes.
#[inline]
fn normalize<'a>(t: Cow<'a, str>, control: &mut bool) -> Cow<'a, str> {
    // The usual text has no byte below 0x20, which settles it before the per-byte loop.
    if !has_byte_below_0x20(t.as_bytes()) {
        return t;
    }
    let mut cr = false;
    for b in t.bytes() {
        if b < 0x20 {
            match b {
                b'\t' | b'\n' => {}
                b'\r' => cr = true,
                _ => *control = true,
            }
        }
    }
    if !cr {
        return t;
    }
    Cow::Owned(t.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Whether any byte is below 0x20, eight bytes at a time (texts are short, so this beats
/// both a byte loop and a vector loop with its set-up).
fn has_byte_below_0x20(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Sets the high bit of each byte below 0x20 (and possibly of bytes above one that is,
    // which does not change the answer); bytes of 0x80 and more are masked out by `!x`.
    let below = |x: u64| x.wrapping_sub(ONES * 0x20) & !x & HIGH != 0;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        if below(u64::from_le_bytes(w)) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&c| c < 0x20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_are_found_in_any_position() {
        assert!(!has_byte_below_0x20(b""));
        let clean: Vec<u8> = (0x20..=0xFF).collect();
        assert!(!has_byte_below_0x20(&clean));
        for len in 1..=20 {
            for at in 0..len {
                for bad in [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F] {
                    for fill in [b' ', b'a', 0x7F, 0x80, 0xC3, 0xFF] {
                        let mut v = vec![fill; len];
                        assert!(!has_byte_below_0x20(&v));
                        v[at] = bad;
                        assert!(has_byte_below_0x20(&v), "{v:?}");
                    }
                }
            }
        }
    }
}
