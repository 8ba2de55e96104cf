//! The event loop over quick-xml: tags with depth and attribute limits, namespace scopes,
//! XML errors with their offsets.

use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::escape::EscapeError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::NamespaceError;

use super::super::attrs::{self, Attrs};
use super::{Elem, Ev, Parser, Result, is_xml_ws};
use crate::{DecodeError, DecodeErrorKind};

impl<'a, 'o> Parser<'a, 'o> {
    /// The next event that matters (comments, processing instructions and the XML
    /// declaration are dropped), with the depth and attribute limits applied.
    pub(in crate::decode) fn event(&mut self) -> Result<Ev<'a>> {
        loop {
            let pos = self.reader.buffer_position();
            // Names are not resolved here: most elements are matched by local name only,
            // and `Parser::ns` resolves the few that need it.
            let ev = match self.read() {
                Ok(ev) => ev,
                Err(e) => return Err(self.xml_error(e)),
            };
            if let Some(ev) = self.convert(pos, ev)? {
                return Ok(ev);
            }
        }
    }

    /// Applies the limits to a reader event read at `pos`; `None` for events that do not
    /// matter (comments, processing instructions, the XML declaration).
    pub(super) fn convert(&mut self, pos: u64, ev: Event<'a>) -> Result<Option<Ev<'a>>> {
        Ok(Some(match ev {
            Event::Start(start) => Ev::Start(self.start(start, pos, false)?),
            Event::Empty(start) => Ev::Start(self.start(start, pos, true)?),
            Event::End(_) => {
                self.close();
                Ev::End(pos)
            }
            Event::Text(t) => {
                let t = t.into_inner();
                if t.starts_with('&') {
                    self.dangling_amp(&t, pos)?;
                }
                Ev::Text(t)
            }
            Event::CData(c) => Ev::CData(c.into_inner()),
            Event::GeneralRef(r) => Ev::Ref(r.into_inner(), pos),
            Event::DocType(_) => {
                return Err(Self::err(DecodeErrorKind::DoctypeForbidden, pos));
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => return Ok(None),
            Event::Eof => Ev::Eof,
        }))
    }

    /// A start tag (`empty` for `<x/>`) read at `pos`, with the depth and attribute limits
    /// applied and its namespace scope opened.
    #[inline]
    pub(super) fn start(
        &mut self,
        start: BytesStart<'a>,
        pos: u64,
        empty: bool,
    ) -> Result<Elem<'a>> {
        let depth = self.depth + 1;
        if depth > self.opts.max_depth {
            return Err(Self::err(DecodeErrorKind::TooDeep, pos));
        }
        let (xmlns, first) = self.check_attributes(&start, pos)?;
        if xmlns {
            self.bind(&start, depth, pos)?;
            self.pending_pop = empty;
        }
        if !empty {
            self.depth = depth;
        }
        Ok(Elem {
            start,
            empty,
            first,
            offset: pos,
            content_start: self.reader.buffer_position(),
        })
    }

    /// Checks the attribute syntax and count; whether the tag declares a namespace, and
    /// where the first attribute is (see [`Elem::attr`]).
    pub(super) fn check_attributes(
        &self,
        start: &BytesStart<'_>,
        pos: u64,
    ) -> Result<(bool, Option<[u32; 4]>)> {
        let raw = start.attributes_raw();
        if raw.bytes().all(is_xml_ws) {
            return Ok((false, None));
        }
        let mut n = 0usize;
        let mut xmlns = false;
        let mut first = None;
        for a in Attrs::new(raw) {
            let Ok((name, value)) = a else {
                return Err(Self::err(DecodeErrorKind::MalformedXml, pos));
            };
            let declares = attrs::is_xmlns(name);
            xmlns |= declares;
            if n == 0 && !declares {
                // Where sub-slices of `raw` start and end (pointer differences, no unsafe).
                let span = |s: &str| {
                    let from = s.as_ptr() as usize - raw.as_ptr() as usize;
                    Some((
                        u32::try_from(from).ok()?,
                        u32::try_from(from + s.len()).ok()?,
                    ))
                };
                if let (Some((n0, n1)), Some((v0, v1))) = (span(attrs::local(name)), span(value)) {
                    first = Some([n0, n1, v0, v1]);
                }
            }
            n += 1;
            if n > self.opts.max_attributes {
                return Err(Self::err(DecodeErrorKind::TooManyAttributes, pos));
            }
        }
        Ok((xmlns, first))
    }

    /// Opens the namespace scope of an element at `depth` that declares namespaces.
    pub(super) fn bind(&mut self, start: &BytesStart<'_>, depth: usize, pos: u64) -> Result<()> {
        let level =
            u16::try_from(depth - 1).map_err(|_| Self::err(DecodeErrorKind::TooDeep, pos))?;
        // Drops what is left of closed siblings' scopes, then opens this one at `depth`.
        self.resolver.set_level(level);
        self.resolver
            .push(start)
            .map_err(|e| self.xml_error_at(XmlError::Namespace(e), pos))
    }

    /// The next reader event, after dropping the scope of an empty element read last.
    pub(super) fn read(&mut self) -> core::result::Result<Event<'a>, XmlError> {
        if self.pending_pop {
            self.pending_pop = false;
            self.resolver
                .set_level(u16::try_from(self.depth).unwrap_or(u16::MAX));
        }
        self.reader.read_event()
    }

    /// An end tag closes the element at `depth`, and its namespace scope if it has one.
    pub(super) fn close(&mut self) {
        if usize::from(self.resolver.level()) >= self.depth && self.depth > 0 {
            self.resolver
                .set_level(u16::try_from(self.depth - 1).unwrap_or(u16::MAX));
        }
        self.depth = self.depth.saturating_sub(1);
    }

    pub(super) fn xml_error(&self, e: XmlError) -> DecodeError {
        self.xml_error_at(e, self.reader.error_position())
    }

    /// The decode error for a reader error found at `offset`.
    pub(super) fn xml_error_at(&self, e: XmlError, offset: u64) -> DecodeError {
        use DecodeErrorKind as K;
        let kind = match e {
            XmlError::Syntax(SyntaxError::InvalidBangMarkup) => {
                let at = usize::try_from(offset).unwrap_or(usize::MAX);
                let rest = self.text.as_bytes().get(at..).unwrap_or_default();
                if rest.starts_with(b"<!ENTITY") || rest.starts_with(b"<!DOCTYPE") {
                    K::DoctypeForbidden
                } else {
                    K::MalformedXml
                }
            }
            XmlError::Syntax(SyntaxError::UnclosedDoctype) => K::DoctypeForbidden,
            XmlError::Syntax(_) | XmlError::IllFormed(IllFormedError::MissingEndTag(_)) => {
                K::UnexpectedEof
            }
            XmlError::IllFormed(IllFormedError::MissingDoctypeName) => K::DoctypeForbidden,
            XmlError::Escape(EscapeError::UnrecognizedEntity(..)) => K::UnknownEntity,
            XmlError::Escape(EscapeError::InvalidCharRef(_)) => K::InvalidCharRef,
            XmlError::Namespace(NamespaceError::UnknownPrefix(_)) => K::UnboundPrefix,
            XmlError::Namespace(NamespaceError::TooManyBindings(_)) => K::TooManyAttributes,
            XmlError::Namespace(NamespaceError::TooDeeplyNested(_)) => K::TooDeep,
            XmlError::Encoding(_) => K::InvalidEncoding,
            _ => K::MalformedXml,
        };
        DecodeError::new(kind, offset)
    }
}

#[cfg(test)]
mod tests {
    use cwmp_types::CwmpNamespace;

    use crate::{DecodeOptions, WarningKind, decode_with};

    const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";

    /// A declaration is in scope on its element and inside it, and nowhere after it:
    /// not on later siblings, whether the declaring element was empty or not.
    #[test]
    fn namespace_scopes_end_with_their_element() {
        let decl = r#" xmlns:c="urn:dslforum-org:cwmp-1-1""#;
        let doc = |env_decl: &str, header: &str| {
            format!(
                r#"<s:Envelope xmlns:s="{SOAP}"{env_decl}><s:Header>{header}</s:Header><s:Body><Reboot><CommandKey>k</CommandKey></Reboot></s:Body></s:Envelope>"#
            )
        };
        let id = |d: &str| format!("<c:ID{d}>1</c:ID>");
        let bound = |xml: &str| {
            let d = decode_with(xml.as_bytes(), &DecodeOptions::default()).unwrap();
            let unexpected = d
                .warnings
                .iter()
                .find(|w| w.kind == WarningKind::UnexpectedNamespace);
            match unexpected {
                None => {
                    assert_eq!(d.envelope.namespace, CwmpNamespace::Cwmp1_1, "{xml}");
                    true
                }
                Some(w) => {
                    assert!(xml[w.offset as usize..].starts_with("<c:ID"), "{xml}");
                    assert_eq!(d.envelope.namespace, CwmpNamespace::default(), "{xml}");
                    false
                }
            }
        };
        // Declared on the entry itself or on an ancestor, with other scopes opened and
        // closed in between: bound.
        assert!(bound(&doc("", &id(decl))));
        let other = r#" xmlns:c="urn:other""#;
        let inner = format!("<x{other}/><x><y{other}><z/></y></x>{}", id(""));
        assert!(bound(&doc(decl, &inner)));
        // Declared on an empty or a closed earlier sibling, or deep inside one: unbound.
        for before in [
            format!("<x{decl}/>"),
            format!("<x{decl}><y/></x>"),
            format!("<x><y{decl}><z/></y></x>"),
            format!("<x><y{decl}/></x>"),
        ] {
            assert!(!bound(&doc("", &format!("{before}{}", id("")))));
        }
    }

    /// Declarations deep inside a message are still checked as quick-xml's resolver does.
    #[test]
    fn deep_declarations_are_checked() {
        let xml = format!(
            r#"<s:Envelope xmlns:s="{SOAP}"><s:Body><Reboot><CommandKey xmlns:xml="urn:not-xml">k</CommandKey></Reboot></s:Body></s:Envelope>"#
        );
        let e = decode_with(xml.as_bytes(), &DecodeOptions::default()).unwrap_err();
        assert!(xml[e.offset as usize..].starts_with("<CommandKey"), "{e:?}");
    }
}
