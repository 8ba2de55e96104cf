//! Checks on what the encoder copies verbatim: XML names and the raw XML of unknown methods.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::writer::has_forbidden_char;

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

/// Whether `s` is a qualified name: an NCName, or two joined by one colon.
fn is_qname(s: &str) -> bool {
    match s.split_once(':') {
        Some((p, l)) => is_ncname(p) && is_ncname(l),
        None => is_ncname(s),
    }
}

/// The namespace declarations in scope where the fragment is written (the envelope's).
const WRAP_OPEN: &str = concat!(
    "<w xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\"",
    " xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\"",
    " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"",
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
    " xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">"
);
const WRAP_CLOSE: &str = "</w>";

/// Checks that `xml` is well-formed element content that may be written inside
/// `<cwmp:NAME>…</cwmp:NAME>`: balanced elements, well-formed attributes without
/// duplicates, only the five predefined entities, legal characters and character
/// references, every prefix declared (in the fragment or by the envelope), no XML or
/// DOCTYPE declaration, no `]]>` in text.
pub(super) fn check_content(xml: &str) -> Result<(), &'static str> {
    if has_forbidden_char(xml) {
        return Err("the XML holds a character XML cannot carry");
    }
    let mut doc = String::with_capacity(WRAP_OPEN.len() + xml.len() + WRAP_CLOSE.len());
    doc.push_str(WRAP_OPEN);
    doc.push_str(xml);
    doc.push_str(WRAP_CLOSE);
    let mut reader = NsReader::from_str(&doc);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.check_comments = true;
    config.allow_dangling_amp = false;
    config.allow_unmatched_ends = false;
    config.expand_empty_elements = false;
    let mut depth = 0usize;
    let mut closed = false;
    loop {
        let event = reader
            .read_resolved_event()
            .map_err(|_| "the XML is not well-formed")
            .map(|(ns, ev)| (matches!(ns, ResolveResult::Unknown(_)), ev))?;
        let (unknown_prefix, event) = event;
        if closed && !matches!(event, Event::Eof) {
            return Err("the XML closes an element it did not open");
        }
        match event {
            Event::Start(e) => {
                check_start(&reader, &e, unknown_prefix)?;
                depth += 1;
            }
            Event::Empty(e) => check_start(&reader, &e, unknown_prefix)?,
            Event::End(_) => {
                depth = depth.checked_sub(1).ok_or("the XML is not well-formed")?;
                if depth == 0 {
                    closed = true;
                }
            }
            Event::Text(t) => {
                if t.contains("]]>") {
                    return Err("the XML has `]]>` in text");
                }
            }
            Event::GeneralRef(r) => {
                if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) if is_xml_char(c) => {}
                        _ => return Err("the XML has an invalid character reference"),
                    }
                } else if !matches!(&*r, "lt" | "gt" | "amp" | "apos" | "quot") {
                    return Err("the XML refers to an undeclared entity");
                }
            }
            Event::Decl(_) => return Err("the XML holds an XML declaration"),
            Event::DocType(_) => return Err("the XML holds a DOCTYPE"),
            Event::PI(p) => {
                if p.target().eq_ignore_ascii_case("xml") {
                    return Err("the XML holds an XML declaration");
                }
            }
            Event::CData(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if closed {
        Ok(())
    } else {
        Err("the XML is not well-formed")
    }
}

/// Checks an element's name and attributes.
fn check_start(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    unknown_prefix: bool,
) -> Result<(), &'static str> {
    if unknown_prefix {
        return Err("the XML uses an undeclared namespace prefix");
    }
    if !is_qname(e.name().as_ref()) {
        return Err("the XML has an element name that is not an XML name");
    }
    for attr in e.attributes().with_checks(true) {
        let attr = attr.map_err(|_| "the XML has a malformed attribute")?;
        let key = attr.key;
        if !is_qname(key.as_ref()) {
            return Err("the XML has an attribute name that is not an XML name");
        }
        let is_decl = AsRef::<str>::as_ref(&key) == "xmlns"
            || AsRef::<str>::as_ref(&key).starts_with("xmlns:");
        if !is_decl {
            let (ns, _) = reader.resolver().resolve_attribute(key);
            if matches!(ns, ResolveResult::Unknown(_)) {
                return Err("the XML uses an undeclared namespace prefix");
            }
        }
        if attr.value.contains('<') {
            return Err("the XML has `<` in an attribute value");
        }
        check_refs(attr.value.as_bytes())?;
    }
    Ok(())
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Checks the references in an attribute value: `&` must start one of the five predefined
/// entities or a legal character reference.
fn check_refs(value: &[u8]) -> Result<(), &'static str> {
    let mut rest = value;
    while let Some(p) = rest.iter().position(|&b| b == b'&') {
        let after = &rest[p + 1..];
        let end = after
            .iter()
            .position(|&b| b == b';')
            .ok_or("the XML has a malformed reference in an attribute")?;
        let name = &after[..end];
        let ok = match name {
            b"lt" | b"gt" | b"amp" | b"apos" | b"quot" => true,
            [b'#', b'x', hex @ ..] => parse_ref(hex, 16),
            [b'#', dec @ ..] => parse_ref(dec, 10),
            _ => false,
        };
        if !ok {
            return Err("the XML has an invalid reference in an attribute");
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

fn parse_ref(digits: &[u8], radix: u32) -> bool {
    if digits.is_empty() || digits.len() > 8 {
        return false;
    }
    let mut v: u32 = 0;
    for &d in digits {
        match (d as char).to_digit(radix) {
            Some(x) => v = v * radix + x,
            None => return false,
        }
    }
    char::from_u32(v).is_some_and(is_xml_char)
}
