//! # cwmp-session
//!
//! Sans-IO CWMP session state machines.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(missing_debug_implementations)]
pub mod connreq;
