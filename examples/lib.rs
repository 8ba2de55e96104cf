//! Shared code of the cwmp-rs examples (transports live only here).
//!
//! | module | what |
//! |---|---|
//! | [`acs`] | the example ACS: `AcsSession` per CPE session behind [`transport::serve`] |
//! | [`cpe`] | the example CPE agent: `CpeSession` with [`transport::SessionClient`] |
//! | [`demo`] | an ACS and N agents on loopback through the provisioning scenario |
//! | [`policy`] | the scenario: what the ACS asks of each device |
//! | [`device`], [`tree`] | the simulated device and its TR-181 parameter tree |
//! | [`transport`], [`http`], [`crlisten`] | hyper server and client, HTTP details, the Connection Request listener |
//! | [`store`], [`balancer`] | sessions and device records in memory or in Redis for a cluster of ACS nodes; a load balancer sending each request to any node |
//! | [`inspect`], [`support`] | the inspect tool; flags, statistics, memory figures |
//!
//! The binaries (`examples/*.rs`) only parse flags and print; the tests in `examples/tests/`
//! run the same code over loopback HTTP.
#![forbid(unsafe_code)]

#[path = "src/acs.rs"]
pub mod acs;
#[path = "src/balancer.rs"]
pub mod balancer;
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
#[path = "src/store.rs"]
pub mod store;
#[path = "src/support.rs"]
pub mod support;
#[path = "src/transport.rs"]
pub mod transport;
#[path = "src/tree.rs"]
pub mod tree;
