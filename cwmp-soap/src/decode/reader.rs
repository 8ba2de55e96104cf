//! The pull-parser core: events with depth and attribute limits, joined text, subtree
//! skipping, scalar fields and warnings. Everything above it matches elements by local name.

use std::borrow::Cow;

use cwmp_types::{
    CwmpNamespace, DateTimeField, FaultCode, ParameterName, ValueError, parse_bool, parse_int,
};
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::escape::EscapeError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceError, NamespaceResolver, PrefixDeclaration, ResolveResult};
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

    /// A `&` that starts no reference, handed over by the reader as text beginning with `&`
    /// (`<URL>http://h/get?file=a&v=2</URL>`, read at `at`): a literal `&`, with a warning.
    /// After `&#` a character reference was meant: an error, as for any bad one.
    fn dangling_amp(&mut self, text: &str, at: u64) -> Result<()> {
        if text.starts_with("&#") {
            return Err(Self::err(DecodeErrorKind::InvalidCharRef, at));
        }
        let end = text.char_indices().nth(24).map_or(text.len(), |(i, _)| i);
        self.warn(WarningKind::LiteralAmpersand, at, &text[..end]);
        Ok(())
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

    /// The next event that matters (comments, processing instructions and the XML
    /// declaration are dropped), with the depth and attribute limits applied.
    pub(super) fn event(&mut self) -> Result<Ev<'a>> {
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
    fn convert(&mut self, pos: u64, ev: Event<'a>) -> Result<Option<Ev<'a>>> {
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
    fn start(&mut self, start: BytesStart<'a>, pos: u64, empty: bool) -> Result<Elem<'a>> {
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
    fn check_attributes(
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
    fn bind(&mut self, start: &BytesStart<'_>, depth: usize, pos: u64) -> Result<()> {
        let level =
            u16::try_from(depth - 1).map_err(|_| Self::err(DecodeErrorKind::TooDeep, pos))?;
        // Drops what is left of closed siblings' scopes, then opens this one at `depth`.
        self.resolver.set_level(level);
        self.resolver
            .push(start)
            .map_err(|e| self.xml_error_at(XmlError::Namespace(e), pos))
    }

    /// The next reader event, after dropping the scope of an empty element read last.
    fn read(&mut self) -> core::result::Result<Event<'a>, XmlError> {
        if self.pending_pop {
            self.pending_pop = false;
            self.resolver
                .set_level(u16::try_from(self.depth).unwrap_or(u16::MAX));
        }
        self.reader.read_event()
    }

    /// An end tag closes the element at `depth`, and its namespace scope if it has one.
    fn close(&mut self) {
        if usize::from(self.resolver.level()) >= self.depth && self.depth > 0 {
            self.resolver
                .set_level(u16::try_from(self.depth - 1).unwrap_or(u16::MAX));
        }
        self.depth = self.depth.saturating_sub(1);
    }

    fn xml_error(&self, e: XmlError) -> DecodeError {
        self.xml_error_at(e, self.reader.error_position())
    }

    /// The decode error for a reader error found at `offset`.
    fn xml_error_at(&self, e: XmlError, offset: u64) -> DecodeError {
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

    /// Validates a reference met outside collected text.
    fn check_ref(&mut self, name: &str, off: u64) -> Result<()> {
        let mut sink = String::new();
        let mut high = None;
        self.push_ref(name, off, &mut sink, &mut high)?;
        Ok(())
    }

    /// Appends what a reference stands for. A UTF-16 surrogate pair written as two
    /// character references (seen in the wild) is joined into one character, with a warning.
    fn push_ref(
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
    pub(super) fn text(&mut self, elem: &Elem<'a>) -> Result<Cow<'a, str>> {
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
    fn text_slow(
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

    // ------------------------------------------------------------------ scalar fields

    /// A string field: the raw text.
    pub(super) fn string(&mut self, e: Elem<'a>) -> Result<String> {
        Ok(self.text(&e)?.into_owned())
    }

    /// A parameter name or path: blanks and line breaks around it (pretty-printed bodies)
    /// trimmed, with a warning; otherwise kept as sent.
    pub(super) fn name(&mut self, e: Elem<'a>) -> Result<ParameterName> {
        let t = self.text(&e)?;
        let name = trim_xml(&t);
        if name.len() != t.len() {
            self.warn(WarningKind::TrimmedName, e.offset, name);
        }
        Ok(ParameterName::from_wire(name.to_owned()))
    }

    /// An object path: trimmed as [`Parser::name`], with a warning when the trailing dot is
    /// missing.
    pub(super) fn object_name(&mut self, e: Elem<'a>) -> Result<ParameterName> {
        let offset = e.offset;
        let name = self.name(e)?;
        let t = name.as_str();
        if !t.is_empty() && !t.ends_with('.') {
            self.warn(WarningKind::ObjectNameWithoutDot, offset, t);
        }
        Ok(name)
    }

    /// Byte offset (in the text) just after what was read last.
    pub(super) fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    fn number<T: core::str::FromStr + Default>(&mut self, e: Elem<'a>) -> Result<T> {
        let t = self.text(&e)?;
        self.number_in(&e, &t)
    }

    /// The number in `t`, the text of `e` (see [`Parser::u32`]).
    pub(super) fn number_in<T: core::str::FromStr + Default>(
        &mut self,
        e: &Elem<'a>,
        t: &str,
    ) -> Result<T> {
        let t = trim_xml(t);
        if t.is_empty() {
            self.warn(WarningKind::InvalidNumber, e.offset, e.local());
            return Ok(T::default());
        }
        match parse_int(t) {
            Ok(n) => Ok(n),
            Err(ValueError::OutOfRange) => Err(Self::err(DecodeErrorKind::InvalidNumber, e.offset)),
            Err(_) => {
                let ctx = format!("{}: {t:?}", e.local());
                self.warn(WarningKind::InvalidNumber, e.offset, &ctx);
                Ok(T::default())
            }
        }
    }

    /// An `unsignedInt` field. Empty or not a number: 0 with a warning; out of range: error.
    pub(super) fn u32(&mut self, e: Elem<'a>) -> Result<u32> {
        self.number(e)
    }

    /// An `int` field. Empty or not a number: 0 with a warning; out of range: error.
    pub(super) fn i32(&mut self, e: Elem<'a>) -> Result<i32> {
        self.number(e)
    }

    /// A CWMP fault code.
    pub(super) fn fault_code(&mut self, e: Elem<'a>) -> Result<FaultCode> {
        self.u32(e).map(FaultCode::from_code)
    }

    /// A boolean: 1/0/true/false in any case; anything else is `false` with a warning.
    pub(super) fn boolean(&mut self, e: Elem<'a>) -> Result<bool> {
        let t = self.text(&e)?;
        match parse_bool(&t) {
            Ok(b) => Ok(b),
            Err(_) => {
                let ctx = format!("{}: {:?}", e.local(), trim_xml(&t));
                self.warn(WarningKind::InvalidBoolean, e.offset, &ctx);
                Ok(false)
            }
        }
    }

    /// A dateTime: trimmed and parsed; invalid text is kept, with a warning.
    pub(super) fn datetime(&mut self, e: Elem<'a>) -> Result<DateTimeField> {
        let t = self.text(&e)?;
        let t = trim_xml(&t);
        match t.parse() {
            Ok(d) => Ok(DateTimeField::Valid(d)),
            Err(_) => {
                self.warn(WarningKind::InvalidDateTime, e.offset, t);
                Ok(DateTimeField::Invalid(t.to_owned()))
            }
        }
    }

    /// An optional dateTime.
    pub(super) fn opt_datetime(&mut self, e: Elem<'a>) -> Result<Option<DateTimeField>> {
        self.datetime(e).map(Some)
    }

    // ------------------------------------------------------------------ arrays

    /// A SOAP array: every child named `item` (any name when `item` is empty) read by
    /// `read`; other children skipped with a warning. The declared `arrayType` count is only
    /// compared with the items found (never used to size anything).
    pub(super) fn array<T>(
        &mut self,
        elem: Elem<'a>,
        item: &str,
        check_array_type: bool,
        mut read: impl FnMut(&mut Self, Elem<'a>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let declared = if check_array_type {
            match self.attr(&elem, "arrayType")? {
                Some(v) => Some(parse_array_count(&v).ok_or_else(|| v.into_owned())),
                None => {
                    self.warn(WarningKind::MissingArrayType, elem.offset, elem.local());
                    None
                }
            }
        } else {
            None
        };
        let mut out = Vec::new();
        while let Some(c) = self.child_of(&elem)? {
            if item.is_empty() || c.local_is(item) {
                if out.len() >= self.opts.max_array_items {
                    return Err(Self::err(DecodeErrorKind::TooManyItems, c.offset));
                }
                let start = c.offset;
                out.push(read(self, c)?);
                if out.len() == 1 {
                    self.reserve_like_first(&mut out, start);
                }
            } else {
                self.unknown(c)?;
            }
        }
        match declared {
            Some(Ok(n)) if n == out.len() as u64 => {}
            Some(Ok(n)) => {
                let ctx = format!("{}: declared {n}, found {}", elem.local(), out.len());
                self.warn(WarningKind::ArrayTypeMismatch, elem.offset, &ctx);
            }
            Some(Err(raw)) => {
                let ctx = format!("{}: malformed arrayType {raw:?}", elem.local());
                self.warn(WarningKind::ArrayTypeMismatch, elem.offset, &ctx);
            }
            None => {}
        }
        Ok(out)
    }

    /// Reserves room for as many more items as the rest of the input could hold if they
    /// were the size of the first one (read from `start` to here). The declared count is
    /// never used; the room reserved is at most the size of the rest of the input, and
    /// small arrays are left to grow as usual.
    fn reserve_like_first<T>(&self, out: &mut Vec<T>, start: u64) {
        let here = self.reader.buffer_position();
        let first = usize::try_from(here.saturating_sub(start)).unwrap_or(usize::MAX);
        let rest = self
            .text
            .len()
            .saturating_sub(usize::try_from(here).unwrap_or(usize::MAX));
        let more = (rest / first.max(1))
            .min(rest / size_of::<T>().max(1))
            .min(self.opts.max_array_items.saturating_sub(1));
        if more >= 32 {
            out.reserve(more);
        }
    }

    /// An array of strings (`xsd:string[n]`, `base64[n]`): items of any element name.
    pub(super) fn strings(&mut self, e: Elem<'a>) -> Result<Vec<String>> {
        self.array(e, "", true, Self::string)
    }

    /// An array of parameter names.
    pub(super) fn names(&mut self, e: Elem<'a>) -> Result<Vec<ParameterName>> {
        self.array(e, "", true, Self::name)
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

/// The count in an `arrayType` value such as `cwmp:ParameterValueStruct[0008]`.
pub(super) fn parse_array_count(v: &str) -> Option<u64> {
    let v = trim_xml(v);
    let inner = v.strip_suffix(']')?;
    let open = inner.rfind('[')?;
    let digits = &inner[open + 1..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
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
    use crate::decode_with;

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

    #[test]
    fn array_counts() {
        assert_eq!(
            parse_array_count("cwmp:ParameterValueStruct[0008]"),
            Some(8)
        );
        assert_eq!(
            parse_array_count("{urn:dslforum-org:cwmp-1-2}string[1]"),
            Some(1)
        );
        assert_eq!(
            parse_array_count("xsd:string[1000000000000]"),
            Some(1_000_000_000_000)
        );
        assert_eq!(parse_array_count("xsd:string[]"), None);
        assert_eq!(parse_array_count("xsd:string[2,3]"), None);
        assert_eq!(parse_array_count("xsd:string"), None);
        assert_eq!(parse_array_count("x[99999999999999999999999]"), None);
    }
}
