//! Decode and encode errors.

use core::fmt;

/// What went wrong while decoding. Kept small: the error is a kind plus a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The bytes are not well-formed XML (including truncated input).
    MalformedXml,
    /// The input ended before the envelope was complete.
    UnexpectedEof,
    /// Text is not valid in the declared (or detected) character encoding.
    InvalidEncoding,
    /// A DOCTYPE or entity declaration: rejected, nothing is ever expanded or fetched.
    DoctypeForbidden,
    /// An entity reference other than the five XML ones (`&lt;` `&gt;` `&amp;` `&apos;` `&quot;`).
    UnknownEntity,
    /// A character reference to a code point XML forbids.
    InvalidCharRef,
    /// The root element is not a SOAP 1.1 `Envelope`.
    NotSoapEnvelope,
    /// The envelope has no `Body`.
    MissingBody,
    /// The `Body` is empty or holds more than one element.
    InvalidBody,
    /// A required element is missing.
    MissingElement,
    /// A number is not a number or is out of range for its field.
    InvalidNumber,
    /// A boolean is not 1/0/true/false.
    InvalidBoolean,
    /// The input is larger than `DecodeOptions::max_envelope_bytes`.
    TooLarge,
    /// Elements nest deeper than `DecodeOptions::max_depth`.
    TooDeep,
    /// An array has more items than `DecodeOptions::max_array_items`.
    TooManyItems,
    /// A text node is longer than `DecodeOptions::max_text_len`.
    TextTooLong,
    /// An element has more attributes than `DecodeOptions::max_attributes`.
    TooManyAttributes,
    /// Something else after the root element (a second root).
    TrailingContent,
    /// A namespace prefix used but not declared.
    UnboundPrefix,
    /// With `strict_namespaces`: a SOAP element or a CWMP header entry or method in an
    /// unexpected namespace.
    UnexpectedNamespace,
}

impl DecodeErrorKind {
    /// A short human-readable reason.
    pub const fn reason(self) -> &'static str {
        match self {
            Self::MalformedXml => "malformed XML",
            Self::UnexpectedEof => "unexpected end of input",
            Self::InvalidEncoding => "invalid character encoding",
            Self::DoctypeForbidden => "DOCTYPE and entity declarations are not allowed",
            Self::UnknownEntity => "unknown entity reference",
            Self::InvalidCharRef => "invalid character reference",
            Self::NotSoapEnvelope => "not a SOAP envelope",
            Self::MissingBody => "SOAP Body missing",
            Self::InvalidBody => "SOAP Body must hold exactly one element",
            Self::MissingElement => "required element missing",
            Self::InvalidNumber => "number invalid or out of range",
            Self::InvalidBoolean => "invalid boolean",
            Self::TooLarge => "envelope larger than the configured limit",
            Self::TooDeep => "elements nested deeper than the configured limit",
            Self::TooManyItems => "array longer than the configured limit",
            Self::TextTooLong => "text longer than the configured limit",
            Self::TooManyAttributes => "more attributes than the configured limit",
            Self::TrailingContent => "content after the root element",
            Self::UnboundPrefix => "undeclared namespace prefix",
            Self::UnexpectedNamespace => "element in an unexpected namespace",
        }
    }

    /// Whether a configured limit was exceeded (as opposed to bad input).
    pub const fn is_limit(self) -> bool {
        matches!(
            self,
            Self::TooLarge
                | Self::TooDeep
                | Self::TooManyItems
                | Self::TextTooLong
                | Self::TooManyAttributes
        )
    }
}

/// A decode failure: what and where (byte offset into the input as given).
///
/// 16 bytes; no allocation. [`DecodeError::line_col`] derives the line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub struct DecodeError {
    /// What went wrong.
    pub kind: DecodeErrorKind,
    /// Byte offset into the input where it was detected.
    pub offset: u64,
}

impl DecodeError {
    /// An error of `kind` at `offset`.
    pub const fn new(kind: DecodeErrorKind, offset: u64) -> Self {
        Self { kind, offset }
    }

    /// The 1-based line and column (in bytes) of the offset within `input`.
    pub fn line_col(&self, input: &[u8]) -> (usize, usize) {
        let end = usize::try_from(self.offset)
            .unwrap_or(usize::MAX)
            .min(input.len());
        let before = &input[..end];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = end
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        (line, col)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.reason(), self.offset)
    }
}

/// Something the decoder guessed, repaired or dropped; returned beside the message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Warning {
    /// What happened.
    pub kind: WarningKind,
    /// Byte offset of the element or text concerned.
    pub offset: u64,
    /// The element, attribute or value concerned (may be empty).
    pub context: String,
}

impl Warning {
    /// A warning.
    pub fn new(kind: WarningKind, offset: u64, context: impl Into<String>) -> Self {
        Self {
            kind,
            offset,
            context: context.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.reason(), self.offset)?;
        if !self.context.is_empty() {
            write!(f, ": {}", self.context)?;
        }
        Ok(())
    }
}

/// Kinds of [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// No `Header`, or no `cwmp:ID` in it.
    MissingId,
    /// A namespace prefix was bound to an unexpected URI (e.g. `soap` to the encoding URI).
    UnexpectedNamespace,
    /// `arrayType` count differs from the number of items, or is malformed.
    ArrayTypeMismatch,
    /// `arrayType` absent on an array.
    MissingArrayType,
    /// `Value` had no `xsi:type`; `xsd:string` assumed.
    MissingValueType,
    /// `Value` had an `xsi:type` that is not an XML name (the context holds it); `xsd:string`
    /// assumed, the text kept.
    InvalidValueType,
    /// A `Value` element was missing; an empty string was assumed.
    MissingValue,
    /// A required element was missing and its default was assumed.
    MissingElement,
    /// An unknown element inside a known struct was skipped.
    UnknownElement,
    /// An unknown header entry without mustUnderstand was ignored.
    UnknownHeader,
    /// A boolean was not 1/0/true/false; `false` was assumed.
    InvalidBoolean,
    /// A number was invalid or out of range; 0 was assumed.
    InvalidNumber,
    /// A dateTime was invalid and kept as text.
    InvalidDateTime,
    /// A GetParameterNames object name lacked its trailing dot (kept as sent).
    ObjectNameWithoutDot,
    /// A parameter name or object path was wrapped in blanks or line breaks (pretty-printed
    /// bodies); they were trimmed (the context holds the name).
    TrimmedName,
    /// A single-valued element was repeated inside its struct (two `EventCode` in one
    /// `EventStruct`). Where the message holds both they were kept (two events, or the items
    /// of two lists); otherwise the first was kept and the context names the element and what
    /// was dropped.
    RepeatedElement,
    /// The deprecated `NoMoreRequests` header was present.
    NoMoreRequests,
    /// Text was converted from a non-UTF-8 charset.
    CharsetConverted,
    /// No charset was declared and the bytes are not UTF-8 (the offset is the first byte that
    /// is not): the body was read as ISO-8859-1, as devices that put raw Latin-1 bytes in
    /// their Values mean.
    CharsetGuessed,
    /// Characters XML forbids were found in text and kept.
    InvalidXmlChar,
    /// No `urn:dslforum-org:cwmp-1-x` namespace was found; `cwmp-1-2` was assumed.
    MissingCwmpNamespace,
    /// A SOAP `faultcode` other than Client/Server (or Sender/Receiver); Server was assumed.
    UnknownFaultCode,
    /// A header value could not be read (e.g. `UseCWMPVersion` not `major.minor`) and was
    /// ignored.
    InvalidHeaderValue,
    /// A prefix used in the XML of an unknown method is declared nowhere in the message (the
    /// context holds it). The XML is kept as sent; the encoder writes it back only if the prefix
    /// is one the envelope it writes declares (`soap-env`, `soap-enc`, `xsd`, `xsi`, `cwmp`).
    UnboundPrefix,
    /// A `&` that starts no reference (`<URL>http://h/get?a=1&b=2</URL>`, as GenieACS writes
    /// Download URLs) was kept as a literal `&`.
    LiteralAmpersand,
    /// A SOAP Fault under a malformed element name (`<soap-env:Body:Fault>`, as GenieACS
    /// answers every CPE request it does not implement) was read as the Fault it means.
    MisnamedFault,
}

impl WarningKind {
    /// A short human-readable reason.
    pub const fn reason(self) -> &'static str {
        match self {
            Self::MissingId => "no cwmp:ID header",
            Self::UnexpectedNamespace => "prefix bound to an unexpected namespace",
            Self::ArrayTypeMismatch => "arrayType count does not match the items",
            Self::MissingArrayType => "array without arrayType",
            Self::MissingValueType => "Value without xsi:type, xsd:string assumed",
            Self::InvalidValueType => "xsi:type is not an XML name, xsd:string assumed",
            Self::MissingValue => "Value element missing, empty string assumed",
            Self::MissingElement => "element missing, default assumed",
            Self::UnknownElement => "unknown element skipped",
            Self::UnknownHeader => "unknown header entry ignored",
            Self::InvalidBoolean => "invalid boolean, false assumed",
            Self::InvalidNumber => "invalid number, 0 assumed",
            Self::InvalidDateTime => "invalid dateTime kept as text",
            Self::ObjectNameWithoutDot => "object name without trailing dot",
            Self::TrimmedName => "blanks around a name trimmed",
            Self::RepeatedElement => "single-valued element repeated",
            Self::NoMoreRequests => "deprecated NoMoreRequests header",
            Self::CharsetConverted => "text converted from a non-UTF-8 charset",
            Self::CharsetGuessed => "not UTF-8 and no charset declared, read as ISO-8859-1",
            Self::InvalidXmlChar => "character not allowed in XML",
            Self::MissingCwmpNamespace => "no cwmp namespace found, cwmp-1-2 assumed",
            Self::UnknownFaultCode => "unknown SOAP faultcode, Server assumed",
            Self::InvalidHeaderValue => "unreadable header value ignored",
            Self::UnboundPrefix => "undeclared namespace prefix in an unknown method, kept as sent",
            Self::LiteralAmpersand => "& that starts no reference kept as a literal &",
            Self::MisnamedFault => "SOAP Fault under a malformed element name read as the Fault",
        }
    }
}

/// An envelope could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A vendor method's raw XML is not well-formed, or its name is not an XML name.
    #[error("unknown method {name:?}: {reason}")]
    InvalidUnknownMethod {
        /// The method name.
        name: String,
        /// Why.
        reason: &'static str,
    },
    /// Text holds a character that XML 1.0 cannot carry (e.g. NUL).
    #[error("text holds a character XML cannot carry in {field}")]
    InvalidXmlChar {
        /// The field.
        field: &'static str,
    },
    /// A vendor `Value` type (`ValueType::Other`) is not an XML name without a colon, so it
    /// cannot be written as `xsi:type="xsd:NAME"`.
    #[error("value type {name:?} is not an XML name")]
    InvalidValueType {
        /// The type name.
        name: String,
    },
}
