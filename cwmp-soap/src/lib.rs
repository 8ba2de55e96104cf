//! # cwmp-soap
//!
//! Bytes to [`cwmp_types::Envelope`] and back, over quick-xml.
//!
//! **What it is:** a hand-written pull decoder that is lenient in what it accepts (every
//! quirk real CPEs and ACSs send) and safe on hostile input (no DOCTYPE, no entity
//! expansion, limits on size, depth, items, text and attributes; time and memory linear in
//! the input), and an encoder that writes canonical, conservative XML into the caller's
//! buffer. **What it is not:** no HTTP, no session logic, no I/O.
//!
//! Every repair is a [`Warning`] (its [`WarningKind`] says which), among them: GenieACS's
//! Fault under `<soap-env:Body:Fault>` and its unescaped `&` in URLs, bytes that are not
//! UTF-8 with no charset declared (read as ISO-8859-1), a single-valued element repeated in
//! its struct (two `EventCode`s are two events; otherwise the first is kept and the warning
//! names what was dropped) and names wrapped in blanks. A header entry marked
//! `mustUnderstand="1"` that is not understood is listed in [`Decoded::not_understood`]: the
//! message must then be answered with a `MustUnderstand` fault, not processed (SOAP 1.1
//! §4.2.3), unless [`DecodeOptions::ignore_unknown_headers`] is set.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(missing_debug_implementations)]

mod decode;
mod encode;
mod error;
mod options;

pub use decode::{Decoded, NotUnderstood, Peek, decode, decode_with, peek, peek_with};
pub use encode::{encode, encode_with};
pub use error::{DecodeError, DecodeErrorKind, EncodeError, Warning, WarningKind};
pub use options::{BooleanStyle, Charset, DecodeOptions, EncodeOptions};

/// Namespace URIs of the SOAP 1.1 envelope and its companions.
pub mod ns {
    /// SOAP 1.1 envelope.
    pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
    /// SOAP 1.1 section-5 encoding.
    pub const SOAP_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";
    /// XML Schema.
    pub const XSD: &str = "http://www.w3.org/2001/XMLSchema";
    /// XML Schema instance.
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
}
