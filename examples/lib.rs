//! Shared code of the cwmp-rs examples (transports live only here).
#![forbid(unsafe_code)]

#[path = "src/acs.rs"]
pub mod acs;
#[path = "src/cpe.rs"]
pub mod cpe;
#[path = "src/crlisten.rs"]
pub mod crlisten;
#[path = "src/demo.rs"]
pub mod demo;
#[path = "src/device.rs"]
pub mod device;
#[path = "src/http.rs"]
pub mod http;
#[path = "src/inspect.rs"]
pub mod inspect;
#[path = "src/policy.rs"]
pub mod policy;
#[path = "src/support.rs"]
pub mod support;
#[path = "src/transport.rs"]
pub mod transport;
#[path = "src/tree.rs"]
pub mod tree;
