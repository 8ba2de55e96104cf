//! Checks on what the encoder copies verbatim: XML names and the raw XML of unknown methods.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

pub(crate) use super::writer::forbidden_char_at;

fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `s` is an XML name without a colon (an `NCName`: what may follow `cwmp:` or `xsd:`).
pub(crate) fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// The length in bytes of the longest prefix of `s` that is an XML `Name` (colons allowed);
/// 0 when `s` does not start with one.
pub(crate) fn name_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if is_name_start(c) || c == ':' => {}
        _ => return 0,
    }
    chars
        .find(|&(_, c)| !(is_name_char(c) || c == ':'))
        .map_or(s.len(), |(i, _)| i)
}

/// Whether `s` is an XML `Name` (what may stand between `&` and `;` in an entity reference).
pub(crate) fn is_name(s: &str) -> bool {
    !s.is_empty() && name_len(s) == s.len()
}

/// Whether `s` is a qualified name: an NCName, or two joined by one colon.
fn is_qname(s: &str) -> bool {
    match s.split_once(':') {
        Some((p, l)) => is_ncname(p) && is_ncname(l),
        None => is_ncname(s),
    }
}

/// The prefixes the encoder's envelope always declares, with their namespaces; `cwmp` comes
/// besides, bound to the envelope's CWMP namespace.
pub(crate) const ENVELOPE_PREFIXES: [(&str, &str); 4] = [
    ("soap-env", crate::ns::SOAP_ENV),
    ("soap-enc", crate::ns::SOAP_ENC),
    ("xsd", crate::ns::XSD),
    ("xsi", crate::ns::XSI),
];

/// Checks that `xml` is well-formed element content that may be written inside
/// `<cwmp:NAME>…</cwmp:NAME>`: balanced elements, well-formed attributes without
/// duplicates, only the five predefined entities, legal characters and character
/// references, every prefix declared (in the fragment or by the envelope), no XML or
/// DOCTYPE declaration, no `]]>` in text.
pub(super) fn check_content(xml: &str) -> Result<(), &'static str> {
    if forbidden_char_at(xml).is_some() {
        return Err(FORBIDDEN_CHAR);
    }
    let cwmp = ("cwmp", cwmp_types::CwmpNamespace::default().uri());
    let scope: Vec<(&str, &str)> = ENVELOPE_PREFIXES.into_iter().chain([cwmp]).collect();
    walk(xml, &scope, &mut |issue| {
        Err(match issue {
            Issue::UnboundPrefix { .. } => UNBOUND_PREFIX,
            Issue::ForbiddenCharRef { .. } => FORBIDDEN_CHAR_REF,
        })
    })
    .map_err(|e| e.reason)
}

/// [`check_content`]'s reason for a character XML cannot carry.
pub(crate) const FORBIDDEN_CHAR: &str = "the XML holds a character XML cannot carry";
/// [`check_content`]'s reason for a reference to such a character.
pub(crate) const FORBIDDEN_CHAR_REF: &str = "the XML refers to a character XML cannot carry";
/// [`check_content`]'s reason for a prefix declared neither in the XML nor by the envelope.
pub(crate) const UNBOUND_PREFIX: &str = "the XML uses an undeclared namespace prefix";

/// Why a fragment is not well-formed element content, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FragmentError {
    /// Byte offset in the fragment.
    pub(crate) offset: usize,
    /// What is wrong.
    pub(crate) reason: &'static str,
}

/// What [`walk`] leaves to its caller to judge: well-formed XML that a namespace-aware or
/// character-strict reader would still refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Issue<'p> {
    /// A prefix declared neither around the fragment nor in it. `top` is the offset just after
    /// the name of the top-level element it occurs in, where a declaration would bind it.
    UnboundPrefix {
        /// Offset after the top-level element's name.
        top: usize,
        /// The prefix.
        prefix: &'p str,
    },
    /// A well-formed character reference to a character XML cannot carry (`&#1;`), at
    /// `offset` (of the tag, for one in an attribute value).
    ForbiddenCharRef {
        /// Offset of the reference, or of the tag holding it.
        offset: usize,
    },
}

/// Walks `xml` as element content and checks everything [`check_content`] names except the
/// raw characters. `outer` holds the (prefix, namespace) declarations in scope around the
/// fragment. Each [`Issue`] is passed to `issue`; an error it returns stops the walk there.
pub(crate) fn walk(
    xml: &str,
    outer: &[(&str, &str)],
    issue: &mut dyn FnMut(Issue<'_>) -> Result<(), &'static str>,
) -> Result<(), FragmentError> {
    let mut doc = String::with_capacity(xml.len() + 64 * outer.len() + 8);
    doc.push_str("<w");
    for (prefix, uri) in outer {
        doc.push_str(" xmlns:");
        doc.push_str(prefix);
        doc.push_str("=\"");
        doc.push_str(uri);
        doc.push('"');
    }
    doc.push('>');
    let open = doc.len();
    doc.push_str(xml);
    doc.push_str("</w>");
    let mut reader = NsReader::from_str(&doc);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.check_comments = true;
    config.allow_dangling_amp = false;
    config.allow_unmatched_ends = false;
    config.expand_empty_elements = false;
    let mut depth = 0usize;
    let mut closed = false;
    // Where a declaration would go in the top-level element being read.
    let mut top = 0usize;
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let offset = at.saturating_sub(open).min(xml.len());
        let fail = |reason| FragmentError { offset, reason };
        let Ok(event) = reader.read_event() else {
            let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
            return Err(FragmentError {
                offset: at.saturating_sub(open).min(xml.len()),
                reason: "the XML is not well-formed",
            });
        };
        if closed && !matches!(event, Event::Eof) {
            return Err(fail("the XML closes an element it did not open"));
        }
        let opens = matches!(event, Event::Start(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                // The wrapper `<w>` is depth 0; the fragment's top-level elements are depth 1.
                if depth == 1 {
                    top = offset + 1 + e.name().as_ref().len();
                }
                check_start(&reader, &e, top, offset, issue).map_err(fail)?;
                if opens {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| fail("the XML is not well-formed"))?;
                if depth == 0 {
                    closed = true;
                }
            }
            Event::Text(t) => {
                if let Some(i) = t.find("]]>") {
                    return Err(FragmentError {
                        offset: offset + i,
                        reason: "the XML has `]]>` in text",
                    });
                }
            }
            Event::GeneralRef(r) => {
                if let Some(name) = r.strip_prefix('#') {
                    if !char_ref(name).map_err(fail)? {
                        issue(Issue::ForbiddenCharRef { offset }).map_err(fail)?;
                    }
                } else if !matches!(&*r, "lt" | "gt" | "amp" | "apos" | "quot") {
                    return Err(fail("the XML refers to an undeclared entity"));
                }
            }
            Event::Decl(_) => return Err(fail("the XML holds an XML declaration")),
            Event::DocType(_) => return Err(fail("the XML holds a DOCTYPE")),
            Event::PI(p) => {
                if p.target().eq_ignore_ascii_case("xml") {
                    return Err(fail("the XML holds an XML declaration"));
                }
            }
            Event::CData(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if closed {
        Ok(())
    } else {
        Err(FragmentError {
            offset: xml.len(),
            reason: "the XML is not well-formed",
        })
    }
}

/// Checks an element's name and attributes (the tag at `offset`, in the top-level element whose
/// name ends at `top`), passing on the issues found.
fn check_start(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    top: usize,
    offset: usize,
    issue: &mut dyn FnMut(Issue<'_>) -> Result<(), &'static str>,
) -> Result<(), &'static str> {
    if !is_qname(e.name().as_ref()) {
        return Err("the XML has an element name that is not an XML name");
    }
    // Declarations on the element itself count: read them into the scope first.
    let mut attributes = Vec::new();
    for attr in e.attributes().with_checks(true) {
        let attr = attr.map_err(|_| "the XML has a malformed attribute")?;
        let key = attr.key;
        if !is_qname(key.as_ref()) {
            return Err("the XML has an attribute name that is not an XML name");
        }
        if attr.value.contains('<') {
            return Err("the XML has `<` in an attribute value");
        }
        if !check_refs(&attr.value)? {
            issue(Issue::ForbiddenCharRef { offset })?;
        }
        attributes.push(key);
    }
    let mut report = |ns: ResolveResult<'_>| match ns {
        ResolveResult::Unknown(p) => issue(Issue::UnboundPrefix { top, prefix: &p }),
        _ => Ok(()),
    };
    report(reader.resolver().resolve_element(e.name()).0)?;
    for key in attributes {
        let name: &str = key.as_ref();
        let is_decl = name == "xmlns" || name.starts_with("xmlns:");
        if !is_decl {
            report(reader.resolver().resolve_attribute(key).0)?;
        }
    }
    Ok(())
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Checks the references in an attribute value: `&` must start one of the five predefined
/// entities or a well-formed character reference. `Ok(false)` when one refers to a character
/// XML cannot carry.
fn check_refs(value: &str) -> Result<bool, &'static str> {
    let mut all_allowed = true;
    let mut rest = value;
    while let Some(p) = rest.find('&') {
        let after = &rest[p + 1..];
        let end = after
            .find(';')
            .ok_or("the XML has a malformed reference in an attribute")?;
        match &after[..end] {
            "lt" | "gt" | "amp" | "apos" | "quot" => {}
            name => match name.strip_prefix('#') {
                Some(number) => all_allowed &= char_ref(number)?,
                None => return Err("the XML has an invalid reference in an attribute"),
            },
        }
        rest = &after[end + 1..];
    }
    Ok(all_allowed)
}

/// `raw`, an attribute value as a lenient reader took it, written so that it is a well-formed
/// attribute value meaning the same: each `&` that does not start a well-formed reference
/// becomes `&amp;`, each `<` becomes `&lt;`. Also says whether the value holds (or refers to) a
/// character XML cannot carry.
pub(crate) fn attribute_value(raw: &str) -> (String, bool) {
    let mut out = String::with_capacity(raw.len());
    let mut forbidden = forbidden_char_at(raw).is_some();
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '<']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix('<') {
            out.push_str("&lt;");
            rest = after;
            continue;
        }
        // A reference: `&name;` with a name check_refs accepts.
        let reference = tail
            .find(';')
            .map(|end| &tail[..=end])
            .filter(|r| match check_refs(r) {
                Ok(allowed) => {
                    forbidden |= !allowed;
                    true
                }
                Err(_) => false,
            });
        match reference {
            Some(r) => {
                out.push_str(r);
                rest = &tail[r.len()..];
            }
            None => {
                out.push_str("&amp;");
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    (out, forbidden)
}

/// A character reference's number (`x41` or `65`, after the `#`): whether it is a character
/// XML may carry; an error when it is not a reference at all (no digits, a non-digit, beyond
/// U+10FFFF).
fn char_ref(number: &str) -> Result<bool, &'static str> {
    const BAD: &str = "the XML has a malformed character reference";
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(BAD);
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() > 8 {
        return Err(BAD);
    }
    let value = u32::from_str_radix(if digits.is_empty() { "0" } else { digits }, radix)
        .map_err(|_| BAD)?;
    if value > 0x10_FFFF {
        return Err(BAD);
    }
    Ok(char::from_u32(value).is_some_and(is_xml_char))
}

#[cfg(test)]
mod attribute_value_tests {
    use super::*;

    #[test]
    fn makes_a_lenient_value_well_formed() {
        for (raw, written, forbidden) in [
            ("plain", "plain", false),
            ("a&b", "a&amp;b", false),
            ("a&amp;b&#x41;<", "a&amp;b&#x41;&lt;", false),
            ("&a&b;&zz;", "&amp;a&amp;b;&amp;zz;", false),
            ("x&#1;", "x&#1;", true),
            ("x\u{1}", "x\u{1}", true),
            ("&#x110000;", "&amp;#x110000;", false),
        ] {
            assert_eq!(
                attribute_value(raw),
                (written.to_owned(), forbidden),
                "{raw:?}"
            );
            if !forbidden {
                assert_eq!(check_refs(written), Ok(true), "{written}");
                assert!(!written.contains('<'));
            }
        }
    }
}

#[cfg(test)]
mod envelope_prefixes_tests {
    use super::ENVELOPE_PREFIXES;

    /// The table the decoder and the fragment check rely on is what the envelope declares.
    #[test]
    fn the_envelope_declares_every_fixed_prefix() {
        let envelope = cwmp_types::Envelope::with_id("1", cwmp_types::InformResponse::new());
        let mut out = Vec::new();
        crate::encode(&envelope, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        // The XML declaration and the Envelope start tag.
        let start = &text[..text.find("<soap-env:Header").unwrap()];
        for (prefix, uri) in ENVELOPE_PREFIXES {
            assert!(
                start.contains(&format!(" xmlns:{prefix}=\"{uri}\"")),
                "{start}"
            );
        }
        assert_eq!(
            start.matches(" xmlns:").count(),
            ENVELOPE_PREFIXES.len() + 1
        );
    }
}
