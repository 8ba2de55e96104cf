//! # cwmp-soap
//!
//! Bytes to [`cwmp_types::Envelope`] and back, over quick-xml.
//!
//! **What it is:** a hand-written pull decoder that is lenient in what it accepts (every
//! quirk real CPEs and ACSs send) and safe on hostile input (no DOCTYPE, no entity
//! expansion, limits on size, depth, items, text and attributes; time and memory linear in
//! the input), and an encoder that writes canonical, conservative XML into the caller's
//! buffer. **What it is not:** no HTTP, no session logic, no I/O.
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
