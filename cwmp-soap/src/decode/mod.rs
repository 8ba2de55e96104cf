//! The decoder: a hand-written pull parser over quick-xml's `Reader` and its namespace
//! resolver (which only elements that declare namespaces pay for).
//!
//! The SOAP envelope is recognised by namespace URI (any prefix); header entries, the method
//! element and everything inside it are matched by local name, so qualified, unqualified and
//! default-namespace forms all decode. What had to be guessed, repaired or dropped is
//! reported as a [`Warning`]; only input that cannot be read as a CWMP message is an error.
//!
//! Decisions worth knowing:
//! - `cwmp:ID` without `mustUnderstand` decodes with `id_must_understand == false`.
//! - A header entry marked `mustUnderstand="1"` that is not understood (an unknown one, or
//!   `UseCWMPVersion` with an unreadable value) does not fail the decode: it is listed in
//!   [`Decoded::not_understood`], and the caller must answer a `MustUnderstand` fault instead
//!   of processing the message (SOAP 1.1 §4.2.3).
//!   [`DecodeOptions::ignore_unknown_headers`] ignores such entries with a warning, as GenieACS
//!   does.
//! - A missing required element leaves the field's default and gives
//!   [`WarningKind::MissingElement`](crate::WarningKind::MissingElement); a missing `Value`
//!   gives an empty string and [`WarningKind::MissingValue`](crate::WarningKind::MissingValue).
//! - Numbers: an empty numeric element or text that is not a number is 0 with a warning
//!   (devices send `<FileSize>foo</FileSize>`); a number out of the field's range
//!   (`4294967296` for an `unsignedInt`) is a [`DecodeErrorKind::InvalidNumber`] error.
//!   Booleans that are not 1/0/true/false are `false` with a warning.
//! - String fields and string `Value`s keep their text exactly (line ends normalised as XML
//!   requires); numbers, booleans and dateTimes are trimmed. Parameter names and object paths
//!   wrapped in blanks or line breaks (pretty-printed bodies) are trimmed, with
//!   [`WarningKind::TrimmedName`](crate::WarningKind::TrimmedName).
//! - Bytes that are not UTF-8, with no charset declared (no `Content-Type` charset, BOM or
//!   `encoding`), are read as ISO-8859-1 with
//!   [`WarningKind::CharsetGuessed`](crate::WarningKind::CharsetGuessed) at the first such
//!   byte (real Informs carry raw Latin-1 bytes in their Values); declared UTF-8 that is not
//!   is still [`DecodeErrorKind::InvalidEncoding`].
//! - A single-valued element repeated inside its struct is never silently dropped: two
//!   `EventCode`s in one `EventStruct` are two events (with its CommandKey), two lists where
//!   one is expected keep the items of both; otherwise the first is kept. Each gives
//!   [`WarningKind::RepeatedElement`](crate::WarningKind::RepeatedElement) naming the element
//!   (and what was dropped).
//! - An empty `Notification` in SetParameterAttributes with `NotificationChange` false (GenieACS
//!   writes one) is unused and gives no warning.
//! - The declared `arrayType` count is only compared with the items found.
//! - A `&` that starts no reference (neither `&#` nor a name and `;`: `?file=a&v=2`, as
//!   GenieACS writes Download URLs) is a literal `&`, in text and in attribute values, with
//!   [`WarningKind::LiteralAmpersand`](crate::WarningKind::LiteralAmpersand). References keep
//!   their rules: entities other than the five of XML are refused, and `&#` must start a valid
//!   character reference. In the raw XML kept for an unknown method such a `&` is written
//!   `&amp;`, so the XML stays well-formed and means the same.
//! - A Body child named `<p:Body:Fault>` (two colons: GenieACS's answer to every CPE request it
//!   does not implement) is read as the SOAP Fault it means, with
//!   [`WarningKind::MisnamedFault`](crate::WarningKind::MisnamedFault).
//! - An unknown (vendor) method is kept as its raw XML content, checked to be well-formed
//!   content as the encoder will check it (names, `]]>`, references): else
//!   [`DecodeErrorKind::MalformedXml`] at the fault. Prefixes it uses but declares only on an
//!   ancestor get their declarations copied onto its top-level elements, so the kept XML
//!   means the same wherever it is written, except those the encoder declares alike around
//!   it (`soap-env`, `soap-enc`, `xsd`, `xsi` with their usual URIs, `cwmp` bound to the
//!   method's namespace), so decoding what was encoded gives the same XML back. A prefix
//!   declared nowhere is kept as sent with
//!   [`WarningKind::UnboundPrefix`](crate::WarningKind::UnboundPrefix). A default namespace
//!   declared on an ancestor is not copied: CWMP arguments are unqualified.

mod amp;
mod attrs;
mod charset;
mod envelope;
mod peek;
mod reader;
mod repeat;
mod rpc;
mod structs;

use cwmp_types::Envelope;

use crate::{DecodeError, DecodeErrorKind, DecodeOptions, Warning, WarningKind};

pub use peek::{Peek, peek, peek_with};

/// A decoded envelope and what the decoder had to guess or drop to get it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decoded {
    /// The message.
    pub envelope: Envelope,
    /// Repairs and guesses, in input order.
    pub warnings: Vec<Warning>,
    /// Header entries marked `mustUnderstand="1"` that this decoder does not understand, in
    /// input order. When there is any, SOAP 1.1 §4.2.3 (which TR-069 follows for its header
    /// entries) forbids processing the message: never act on `envelope.body` (it is decoded
    /// only so it can be logged), and answer a request with
    /// [`Fault::must_understand`](cwmp_types::Fault::must_understand), echoing
    /// `envelope.header.id`. [`DecodeOptions::ignore_unknown_headers`] ignores them instead.
    pub not_understood: Vec<NotUnderstood>,
}

impl Decoded {
    /// Whether the message may be processed: no `mustUnderstand="1"` header entry was left
    /// not understood.
    pub fn is_understood(&self) -> bool {
        self.not_understood.is_empty()
    }
}

/// A header entry marked `mustUnderstand="1"` that the decoder does not understand.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct NotUnderstood {
    /// Its name as written (`cwmp:HoldRequest`).
    pub name: String,
    /// Byte offset of its start tag in the input.
    pub offset: u64,
}

impl NotUnderstood {
    /// An entry named `name` at `offset`.
    pub fn new(name: impl Into<String>, offset: u64) -> Self {
        Self {
            name: name.into(),
            offset,
        }
    }
}

/// Decodes one envelope with the default options.
pub fn decode(input: &[u8]) -> Result<Decoded, DecodeError> {
    decode_with(input, &DecodeOptions::default())
}

/// Decodes one envelope.
///
/// The charset is `options.charset` if set (from the HTTP `Content-Type`), else a UTF-8 BOM,
/// else the XML declaration's `encoding`, else UTF-8, or ISO-8859-1 when the bytes are not
/// UTF-8 (with a [`WarningKind::CharsetGuessed`] warning at the first byte that is not).
/// Errors carry the byte offset into `input` where the problem was found.
pub fn decode_with(input: &[u8], options: &DecodeOptions) -> Result<Decoded, DecodeError> {
    if input.len() > options.max_envelope_bytes {
        return Err(DecodeError::new(
            DecodeErrorKind::TooLarge,
            options.max_envelope_bytes as u64,
        ));
    }
    let text = charset::to_utf8(input, options.charset)?;
    // XML forbids NUL anywhere; `contains` is a fast memchr scan.
    if text.text.as_bytes().contains(&0) {
        let p = text.text.bytes().position(|b| b == 0).unwrap_or_default();
        return Err(DecodeError::new(
            DecodeErrorKind::MalformedXml,
            text.map_offset(p as u64),
        ));
    }
    let mut parser = reader::Parser::new(&text.text, options);
    let result = parser.document();
    let mut warnings = parser.warnings;
    let mut not_understood = parser.not_understood;
    match result {
        Ok(envelope) => {
            if let Some(at) = text.guessed_latin1 {
                warnings.insert(
                    0,
                    Warning::new(WarningKind::CharsetGuessed, at as u64, "ISO-8859-1"),
                );
            } else if text.latin1 {
                warnings.insert(
                    0,
                    Warning::new(WarningKind::CharsetConverted, 0, "ISO-8859-1"),
                );
            }
            let mut offsets: Vec<&mut u64> = warnings
                .iter_mut()
                .map(|w| &mut w.offset)
                .chain(not_understood.iter_mut().map(|n| &mut n.offset))
                .collect();
            text.map_offsets(&mut offsets);
            Ok(Decoded {
                envelope,
                warnings,
                not_understood,
            })
        }
        Err(e) => Err(DecodeError::new(e.kind, text.map_offset(e.offset))),
    }
}
