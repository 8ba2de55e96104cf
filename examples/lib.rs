//! Shared code of the cwmp-rs examples (transports live only here).
#![forbid(unsafe_code)]

#[path = "src/tree.rs"]
pub mod tree;
