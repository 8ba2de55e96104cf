//! # cwmp-soap
//!
//! Bytes to [`cwmp_types::Envelope`] and back.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(missing_debug_implementations)]
