//! The pull-parser core: events with depth and attribute limits, joined text, subtree
//! skipping, scalar fields and warnings. Everything above it matches elements by local name.

mod events;
mod fields;
mod text;

use std::borrow::Cow;

use cwmp_types::CwmpNamespace;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceResolver, PrefixDeclaration, ResolveResult};
use quick_xml::reader::Reader;

use super::attrs::{self, AttrError, Attrs};
use crate::{DecodeError, DecodeErrorKind, DecodeOptions, Warning, WarningKind, ns};

pub(super) type Result<T> = core::result::Result<T, DecodeError>;

/// The namespace an element name resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    /// No prefix and no default namespace.
    None,
    /// The SOAP 1.1 envelope namespace.
    SoapEnv,
    /// The SOAP 1.1 encoding namespace.
    SoapEnc,
    /// A `urn:dslforum-org:cwmp-1-x` namespace.
    Cwmp(CwmpNamespace),
    /// Any other namespace.
    Other,
    /// A prefix that no `xmlns:` declaration binds.
    Unbound,
}

impl Ns {
    fn classify(res: &ResolveResult<'_>) -> Self {
        match res {
            ResolveResult::Unbound => Self::None,
            ResolveResult::Unknown(_) => Self::Unbound,
            ResolveResult::Bound(n) => {
                let uri = n.into_inner();
                if uri == ns::SOAP_ENV {
                    Self::SoapEnv
                } else if uri == ns::SOAP_ENC {
                    Self::SoapEnc
                } else {
                    CwmpNamespace::from_uri(uri.as_bytes()).map_or(Self::Other, Self::Cwmp)
                }
            }
        }
    }
}

/// A start (or empty-element) tag.
#[derive(Debug)]
pub(super) struct Elem<'a> {
    /// The tag.
    pub(super) start: BytesStart<'a>,
    /// `<x/>`: no content and no end tag follow.
    pub(super) empty: bool,
    /// The first attribute, when it is not a namespace declaration: where its local name
    /// and its raw value are in `start.attributes_raw()` (read once, by the limit check).
    first: Option<[u32; 4]>,
    /// Offset of its `<`.
    pub(super) offset: u64,
    /// Offset just after its `>`.
    pub(super) content_start: u64,
}

impl Elem<'_> {
    /// The local name.
    pub(super) fn local(&self) -> &str {
        // Names are short: a plain loop beats a memchr call here.
        let name = self.start.name().into_inner();
        match name.bytes().position(|b| b == b':') {
            Some(i) => &name[i + 1..],
            None => name,
        }
    }

    /// Whether the local name is `want` (which has no `:`): the same as `local() == want`,
    /// without scanning the whole name for its prefix.
    pub(super) fn local_is(&self, want: &str) -> bool {
        let name = self.start.name().into_inner();
        let Some(prefix) = name.strip_suffix(want) else {
            return false;
        };
        match prefix.strip_suffix(':') {
            None => prefix.is_empty(),
            Some(p) => !p.contains(':'),
        }
    }

    /// The qualified name, as written.
    pub(super) fn qname(&self) -> &str {
        self.start.name().into_inner()
    }

    /// The value of the first attribute with this local name, whatever its prefix
    /// (namespace declarations excluded), references replaced; and whether it held a `&`
    /// taken as a literal (see [`attrs::unescape`]).
    fn attr_value(&self, local: &str) -> Result<Option<(Cow<'_, str>, bool)>> {
        let malformed = |e| {
            let kind = match e {
                AttrError::Syntax => DecodeErrorKind::MalformedXml,
                AttrError::UnknownEntity => DecodeErrorKind::UnknownEntity,
                AttrError::InvalidCharRef => DecodeErrorKind::InvalidCharRef,
            };
            DecodeError::new(kind, self.offset)
        };
        let raw = self.start.attributes_raw();
        if let Some([n0, n1, v0, v1]) = self.first {
            let span = |a: u32, b: u32| raw.get(a as usize..b as usize).unwrap_or_default();
            if span(n0, n1) == local {
                return attrs::unescape(span(v0, v1)).map(Some).map_err(malformed);
            }
        }
        for a in Attrs::new(raw) {
            let (name, value) = a.map_err(malformed)?;
            if attrs::local(name) == local && !attrs::is_xmlns(name) {
                return attrs::unescape(value).map(Some).map_err(malformed);
            }
        }
        Ok(None)
    }

    /// The cwmp namespace bound by an `xmlns`/`xmlns:*` attribute on this element, if any.
    pub(super) fn declared_cwmp(&self) -> Option<CwmpNamespace> {
        Attrs::new(self.start.attributes_raw())
            .map_while(core::result::Result::ok)
            .filter(|(name, _)| attrs::is_xmlns(name))
            .find_map(|(_, v)| CwmpNamespace::from_uri(v.as_bytes()))
    }
}

/// One parser event.
#[derive(Debug)]
pub(super) enum Ev<'a> {
    Start(Elem<'a>),
    /// An end tag, at this offset.
    End(u64),
    /// Character data, as written.
    Text(Cow<'a, str>),
    /// A CDATA section's content.
    CData(Cow<'a, str>),
    /// `&name;` or `&#…;` (the part between `&` and `;`), at this offset.
    Ref(Cow<'a, str>, u64),
    Eof,
}

/// Whitespace as XML defines it.
pub(super) fn is_xml_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Text without surrounding XML whitespace.
pub(super) fn trim_xml(s: &str) -> &str {
    s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// The decoder state over the (UTF-8) text.
///
/// Namespaces: the resolver holds the `xmlns` declarations of the open elements that have
/// any (every declaration is checked by quick-xml's resolver, as its `NsReader` would), and
/// its scope levels follow `depth`. Elements without declarations cost nothing, so the
/// deep parameter lists pay no namespace bookkeeping; only the few names the envelope
/// layer matches by namespace are resolved.
pub(super) struct Parser<'a, 'o> {
    reader: Reader<&'a [u8]>,
    resolver: NamespaceResolver,
    /// The last event was an empty element that declared namespaces: its scope is
    /// dropped before the next event is read.
    pending_pop: bool,
    text: &'a str,
    pub(super) opts: &'o DecodeOptions,
    pub(super) warnings: Vec<Warning>,
    /// Header entries marked `mustUnderstand="1"` that were not understood.
    pub(super) not_understood: Vec<crate::NotUnderstood>,
    depth: usize,
}

impl<'a, 'o> Parser<'a, 'o> {
    pub(super) fn new(text: &'a str, opts: &'o DecodeOptions) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        // A `&` that starts no reference comes as text beginning with `&`: a literal `&`,
        // with a warning (`Parser::dangling_amp`).
        config.allow_dangling_amp = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Self {
            reader,
            resolver: NamespaceResolver::default(),
            pending_pop: false,
            text,
            opts,
            warnings: Vec::new(),
            not_understood: Vec::new(),
            depth: 0,
        }
    }

    /// The text being parsed.
    pub(super) fn source(&self) -> &'a str {
        self.text
    }

    /// The namespace of `e`'s name. Must be called before reading past `e`'s start tag
    /// (the reader's namespace scope is the one of the last start tag read).
    pub(super) fn ns(&self, e: &Elem<'a>) -> Ns {
        let (res, _) = self.resolver.resolve_element(e.start.name());
        Ns::classify(&res)
    }

    /// The prefixed namespace declarations in scope at the last start tag read, as
    /// (prefix, namespace as written), outermost first.
    pub(super) fn prefix_bindings(&self) -> Vec<(String, String)> {
        self.resolver
            .bindings()
            .filter_map(|(prefix, ns)| match prefix {
                PrefixDeclaration::Named(p) => {
                    Some((p.to_owned(), AsRef::<str>::as_ref(&ns).to_owned()))
                }
                PrefixDeclaration::Default => None,
            })
            .collect()
    }

    /// The value of `e`'s first attribute with this local name, whatever its prefix
    /// (namespace declarations excluded), references replaced; a `&` that starts no reference
    /// is kept as a literal, with a warning.
    pub(super) fn attr<'e>(
        &mut self,
        e: &'e Elem<'a>,
        local: &str,
    ) -> Result<Option<Cow<'e, str>>> {
        Ok(e.attr_value(local)?.map(|(value, literal)| {
            if literal {
                let ctx = format!("{local}={:?}", &*value);
                self.warn(WarningKind::LiteralAmpersand, e.offset, &ctx);
            }
            value
        }))
    }

    pub(super) fn err(kind: DecodeErrorKind, offset: u64) -> DecodeError {
        DecodeError::new(kind, offset)
    }

    pub(super) fn eof(&self) -> DecodeError {
        DecodeError::new(DecodeErrorKind::UnexpectedEof, self.text.len() as u64)
    }

    pub(super) fn warn(&mut self, kind: WarningKind, offset: u64, context: &str) {
        self.warnings.push(Warning::new(kind, offset, context));
    }

    /// The next child element of `parent`, or `None` at its end tag. Text between child
    /// elements is ignored. Must not be called again after it returned `None`.
    pub(super) fn child_of(&mut self, parent: &Elem<'a>) -> Result<Option<Elem<'a>>> {
        if parent.empty {
            return Ok(None);
        }
        loop {
            let pos = self.reader.buffer_position();
            // The common events are handled here directly; the rest go through `convert`.
            let ev = match self.read() {
                Ok(Event::End(_)) => {
                    self.close();
                    return Ok(None);
                }
                Ok(Event::Text(_)) => continue,
                Ok(Event::Start(start)) => return self.start(start, pos, false).map(Some),
                Ok(Event::Empty(start)) => return self.start(start, pos, true).map(Some),
                Ok(ev) => ev,
                Err(e) => return Err(self.xml_error(e)),
            };
            match self.convert(pos, ev)? {
                Some(Ev::Start(e)) => return Ok(Some(e)),
                Some(Ev::End(_)) => return Ok(None),
                Some(Ev::Text(_) | Ev::CData(_)) | None => {}
                Some(Ev::Ref(name, off)) => self.check_ref(&name, off)?,
                Some(Ev::Eof) => return Err(self.eof()),
            }
        }
    }

    /// Skips `elem` and everything inside it (in time linear in its size, with constant
    /// extra memory); returns the offset of its end tag.
    pub(super) fn skip(&mut self, elem: Elem<'a>) -> Result<u64> {
        if elem.empty {
            return Ok(elem.content_start);
        }
        let target = self.depth.saturating_sub(1);
        loop {
            match self.event()? {
                Ev::End(off) if self.depth == target => return Ok(off),
                Ev::Ref(name, off) => self.check_ref(&name, off)?,
                Ev::Eof => return Err(self.eof()),
                _ => {}
            }
        }
    }

    /// Skips an element this decoder does not know, with a warning.
    pub(super) fn unknown(&mut self, elem: Elem<'a>) -> Result<()> {
        self.warn(WarningKind::UnknownElement, elem.offset, elem.local());
        self.skip(elem).map(drop)
    }

    /// Warns that `name` was missing inside `parent`.
    pub(super) fn missing(&mut self, parent: &Elem<'a>, name: &str) {
        self.warn(WarningKind::MissingElement, parent.offset, name);
    }

    /// Reads the rest of the document after the root's end tag: only whitespace, comments
    /// and processing instructions may follow.
    pub(super) fn finish(&mut self) -> Result<()> {
        loop {
            let pos = self.reader.buffer_position();
            match self.event()? {
                Ev::Eof => return Ok(()),
                Ev::Text(t) if t.bytes().all(is_xml_ws) => {}
                _ => return Err(Self::err(DecodeErrorKind::TrailingContent, pos)),
            }
        }
    }
}

/// Reads the child elements of a struct into the fields of a value, by local name;
/// unknown children are skipped with a warning, a repeated one is joined or dropped with a
/// warning (`Parser::repeated`), and each missing `req` field gives a `MissingElement` warning
/// (the field keeps its default).
macro_rules! read_struct {
    ($p:expr, $parent:expr, $init:expr, {
        $( $name:literal => $field:ident : $kind:ident $(($req:ident))? ),* $(,)?
    }) => {{
        let parent = $parent;
        #[allow(unused_mut)]
        let mut v = $init;
        $( #[allow(unused_mut, unused_variables)] let mut $field = false; )*
        while let Some(c) = $p.child_of(&parent)? {
            match c.local() {
                $( $name => {
                    if $field {
                        let at = c.offset;
                        let second = $p.$kind(c)?;
                        $p.repeated($name, at, &mut v.$field, second)?;
                    } else {
                        v.$field = $p.$kind(c)?;
                        $field = true;
                    }
                } )*
                _ => $p.unknown(c)?,
            }
        }
        $( $crate::decode::reader::read_struct!(@req $p, parent, $field, $name $(, $req)?); )*
        v
    }};
    (@req $p:expr, $parent:ident, $field:ident, $name:literal, req) => {
        if !$field {
            $p.missing(&$parent, $name);
        }
    };
    (@req $p:expr, $parent:ident, $field:ident, $name:literal) => {
        let _ = $field;
    };
}
pub(super) use read_struct;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_is_matches_local() {
        for name in [
            "V",
            "Value",
            "cwmp:Value",
            "a:b:Value",
            ":Value",
            "xValue",
            "x:Valu",
            "Value:",
            "",
        ] {
            let start = BytesStart::from_content(name, name.len());
            let e = Elem {
                start,
                empty: true,
                first: None,
                offset: 0,
                content_start: 0,
            };
            for want in ["Value", "V", "ParameterValueStruct"] {
                assert_eq!(e.local_is(want), e.local() == want, "{name} {want}");
            }
        }
    }
}
