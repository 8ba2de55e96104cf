//! A small, strict scanner for the attributes of a start tag (`name="value"` or
//! `name='value'`, separated by whitespace). It is cheaper than quick-xml's general
//! attribute iterator and is the only attribute reader of the decoder.

use std::borrow::Cow;

use super::reader::is_xml_ws;

/// Why an attribute could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AttrError {
    /// Not `name="value"` syntax.
    Syntax,
    /// An entity other than the five predefined ones.
    UnknownEntity,
    /// A character reference to a code point XML forbids.
    InvalidCharRef,
}

/// The attributes in the raw attribute text of a start tag, in order: `(qualified name,
/// raw value)`. A syntax error ends the iteration with `Err`.
#[derive(Debug)]
pub(super) struct Attrs<'s> {
    src: &'s str,
    pos: usize,
    failed: bool,
}

impl<'s> Attrs<'s> {
    /// Iterates the attributes of `raw` (the text after the element name).
    pub(super) fn new(raw: &'s str) -> Self {
        Self {
            src: raw,
            pos: 0,
            failed: false,
        }
    }
}

impl<'s> Iterator for Attrs<'s> {
    type Item = Result<(&'s str, &'s str), AttrError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let b = self.src.as_bytes();
        let start_ws = self.pos;
        let mut i = self.pos;
        while i < b.len() && is_xml_ws(b[i]) {
            i += 1;
        }
        if i == b.len() {
            self.pos = i;
            return None;
        }
        // Attributes are separated from the name and from each other by whitespace.
        let mut fail = || {
            self.failed = true;
            Some(Err(AttrError::Syntax))
        };
        if i == start_ws {
            return fail();
        }
        let name_start = i;
        while i < b.len() && !is_xml_ws(b[i]) && !matches!(b[i], b'=' | b'"' | b'\'' | b'<' | b'>')
        {
            i += 1;
        }
        let name_end = i;
        while i < b.len() && is_xml_ws(b[i]) {
            i += 1;
        }
        if name_end == name_start || b.get(i) != Some(&b'=') {
            return fail();
        }
        i += 1;
        while i < b.len() && is_xml_ws(b[i]) {
            i += 1;
        }
        let Some(&quote @ (b'"' | b'\'')) = b.get(i) else {
            return fail();
        };
        let value_start = i + 1;
        // One pass to the closing quote; a `<` before it is an error.
        let Some(len) = b[value_start..]
            .iter()
            .position(|&c| c == quote || c == b'<')
        else {
            return fail();
        };
        let value_end = value_start + len;
        if b[value_end] == b'<' {
            return fail();
        }
        self.pos = value_end + 1;
        // Names and values end at ASCII bytes, so these are char boundaries.
        let name = self.src.get(name_start..name_end);
        let value = self.src.get(value_start..value_end);
        match (name, value) {
            (Some(n), Some(v)) => Some(Ok((n, v))),
            _ => fail(),
        }
    }
}

/// The local part of a qualified name.
pub(super) fn local(qname: &str) -> &str {
    // Names are short: a plain loop beats a memchr call here.
    match qname.bytes().position(|b| b == b':') {
        Some(i) => &qname[i + 1..],
        None => qname,
    }
}

/// Whether the name declares a namespace (`xmlns` or `xmlns:p`).
pub(super) fn is_xmlns(qname: &str) -> bool {
    qname == "xmlns" || qname.starts_with("xmlns:")
}

/// An attribute value with its references replaced (borrowed when it has none), and whether
/// it held a `&` that starts no reference (neither `&#`, nor a name and `;`): such a `&` is
/// kept as a literal `&` (peers write URLs with unescaped query strings).
pub(super) fn unescape(raw: &str) -> Result<(Cow<'_, str>, bool), AttrError> {
    if !raw.contains('&') {
        return Ok((Cow::Borrowed(raw), false));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut literal = false;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        if !after.starts_with('#') {
            let n = crate::encode::fragment::name_len(after);
            if n == 0 || after.as_bytes().get(n) != Some(&b';') {
                out.push('&');
                literal = true;
                rest = after;
                continue;
            }
        }
        let semi = after.find(';').ok_or(AttrError::Syntax)?;
        let name = &after[..semi];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => {
                let num = name.strip_prefix('#').ok_or(AttrError::UnknownEntity)?;
                let code = match num.strip_prefix('x') {
                    Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                        u32::from_str_radix(hex, 16).ok()
                    }
                    None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => {
                        num.parse().ok()
                    }
                    _ => None,
                };
                code.filter(|&c| c != 0)
                    .and_then(char::from_u32)
                    .ok_or(AttrError::InvalidCharRef)?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok((Cow::Owned(out), literal))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(raw: &str) -> Result<Vec<(&str, &str)>, AttrError> {
        Attrs::new(raw).collect()
    }

    #[test]
    fn both_quote_styles_and_whitespace_around_equals() {
        assert_eq!(
            all(" a=\"1\" b:c = 'x \"y\"'\n d='>'").unwrap(),
            vec![("a", "1"), ("b:c", "x \"y\""), ("d", ">")]
        );
        assert_eq!(all("").unwrap(), vec![]);
        assert_eq!(all("  ").unwrap(), vec![]);
    }

    #[test]
    fn malformed_attributes() {
        for raw in [
            " a",
            " a=",
            " a=1",
            " a=\"1",
            " a=\"1\"b=\"2\"",
            "a=\"1\"",
            " =\"1\"",
            " a=\"<\"",
        ] {
            assert_eq!(
                Attrs::new(raw).find_map(Result::err),
                Some(AttrError::Syntax),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn references_in_values() {
        assert_eq!(
            unescape("a&amp;b&#65;&#x42;").unwrap(),
            (Cow::Borrowed("a&bAB"), false)
        );
        assert!(matches!(
            unescape("plain").unwrap(),
            (Cow::Borrowed("plain"), false)
        ));
        assert_eq!(unescape("&foo;"), Err(AttrError::UnknownEntity));
        assert_eq!(unescape("&#0;"), Err(AttrError::InvalidCharRef));
        assert_eq!(unescape("&#65"), Err(AttrError::Syntax));
    }

    #[test]
    fn an_ampersand_that_starts_no_reference_is_literal() {
        for (raw, want) in [
            ("&amp", "&amp"),
            ("a&b", "a&b"),
            ("?x=1&v=2", "?x=1&v=2"),
            ("&v=2;", "&v=2;"),
            ("& &amp;", "& &"),
            ("&", "&"),
            ("&;", "&;"),
        ] {
            assert_eq!(
                unescape(raw).unwrap(),
                (Cow::Owned(want.into()), true),
                "{raw}"
            );
        }
    }
}
