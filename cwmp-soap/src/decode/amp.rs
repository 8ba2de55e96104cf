//! Bare `&`s in the raw XML of an unknown method (a URL written unescaped, as in text
//! anywhere else): made `&amp;` so the kept XML is well-formed and means what the peer meant.

use std::borrow::Cow;

use crate::encode::fragment::name_len;

/// `xml` with every `&` that starts no reference (neither `&#` nor a name and `;`) written as
/// `&amp;` (outside comments, CDATA sections and processing instructions, where `&` is plain
/// text); the offsets in the result where `amp;` was inserted, ascending; and the offsets in
/// `xml` of the repaired `&`s that stood in attribute values (those in text were already
/// reported by the reader).
pub(super) fn escape_bare_amps(xml: &str) -> (Cow<'_, str>, Vec<usize>, Vec<usize>) {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        Text,
        Tag(Option<u8>),
        Skip(&'static str),
    }
    if !xml.contains('&') {
        return (Cow::Borrowed(xml), Vec::new(), Vec::new());
    }
    let b = xml.as_bytes();
    let mut out = String::new();
    let (mut copied, mut inserted, mut in_attributes) = (0, Vec::new(), Vec::new());
    let mut state = State::Text;
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        match state {
            State::Skip(end) if rest.starts_with(end.as_bytes()) => {
                state = State::Text;
                i += end.len();
                continue;
            }
            State::Text if rest.starts_with(b"<!--") => state = State::Skip("-->"),
            State::Text if rest.starts_with(b"<![CDATA[") => state = State::Skip("]]>"),
            State::Text if rest.starts_with(b"<?") => state = State::Skip("?>"),
            State::Text if b[i] == b'<' => state = State::Tag(None),
            State::Tag(None) if matches!(b[i], b'"' | b'\'') => state = State::Tag(Some(b[i])),
            State::Tag(None) if b[i] == b'>' => state = State::Text,
            State::Tag(Some(q)) if b[i] == q => state = State::Tag(None),
            State::Text | State::Tag(Some(_))
                if b[i] == b'&' && !starts_reference(&xml[i + 1..]) =>
            {
                out.push_str(&xml[copied..=i]);
                out.push_str("amp;");
                copied = i + 1;
                inserted.push(out.len() - 4);
                if state != State::Text {
                    in_attributes.push(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    if inserted.is_empty() {
        return (Cow::Borrowed(xml), inserted, in_attributes);
    }
    out.push_str(&xml[copied..]);
    (Cow::Owned(out), inserted, in_attributes)
}

/// Whether the text after a `&` makes it a reference: `#…` (a character reference, checked
/// later) or a name and `;`.
fn starts_reference(after: &str) -> bool {
    if after.starts_with('#') {
        return true;
    }
    let n = name_len(after);
    n > 0 && after.as_bytes().get(n) == Some(&b';')
}

/// The offset in the original of offset `at` in the escaped text (`inserted` as returned by
/// [`escape_bare_amps`]).
pub(super) fn original_offset(at: usize, inserted: &[usize]) -> usize {
    at - 4 * inserted.partition_point(|&p| p < at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_ampersands_are_escaped_where_they_are_markup() {
        let (xml, inserted, attrs) = escape_bare_amps(
            "<A u='a&b' v=\"&amp;\">x&y&#65;&lt;<!-- & --><![CDATA[&]]><?p &?>&</A>",
        );
        assert_eq!(
            xml,
            "<A u='a&amp;b' v=\"&amp;\">x&amp;y&#65;&lt;<!-- & --><![CDATA[&]]><?p &?>&amp;</A>"
        );
        assert_eq!(attrs, [7]);
        assert_eq!(inserted.len(), 3);
        // `</A>` is at 71 in the original, 83 in the escaped text.
        assert_eq!(original_offset(83, &inserted), 71);
        assert_eq!(original_offset(0, &inserted), 0);
        let (plain, none, _) = escape_bare_amps("<A>&amp;</A>");
        assert!(matches!(plain, Cow::Borrowed(_)) && none.is_empty());
    }
}
