//! Shared code of the cwmp-rs examples (transports live only here).
#![forbid(unsafe_code)]

#[path = "src/inspect.rs"]
pub mod inspect;
