//! Shared code of the cwmp-rs examples (transports live only here).
//!
//! | module | what |
//! |---|---|
//! | [`acs`] | the example ACS: `AcsSession` per CPE session behind [`transport::serve`] |
//! | [`cpe`] | the example CPE agent: `CpeSession` with [`transport::SessionClient`] |
//! | [`demo`] | an ACS and N agents on loopback through the provisioning scenario |
//! | [`credentials`] | CPE credentials (shared, file, derived), digest/Basic with replay protection |
//! | [`policy`] | the scenario: what the ACS asks of each device |
//! | [`device`] | the simulated device: its TR-181 tree (`cwmp-datamodel`) and deferred actions |
//! | [`transport`], [`http`], [`limits`], [`crlisten`] | hyper server and client, HTTP details, the server's limits, the Connection Request listener |
//! | [`store`], [`balancer`] | sessions and device records in memory or in Redis for a cluster of ACS nodes (the ACS uses it with `AcsConfig::use_store`, `acs_server --store`); a load balancer giving each client connection a backend connection of its own |
//! | [`http_floor`] | the HTTP floor under the ACS's CPU per session: the same server and client with canned bodies |
//! | [`inspect`], [`support`] | the inspect tool; flags, statistics, memory figures |
//! | [`natcr`], [`xmpp`], [`udp_cr`], [`stun`] | Connection Requests that reach a CPE behind NAT: XMPP (Annex K), UDP with STUN (Annex G), and the ACS's choice of path |
//! | [`cr_figures`] | the figures of Connection Requests behind NAT (memory per XMPP connection, request-to-Inform times) |
//! | [`prosody`], [`coturn`], [`nat_demo`] | private XMPP and STUN servers for the demo and the tests; the demo's XMPP and UDP modes |
//!
//! The binaries (`examples/*.rs`) only parse flags and print; the tests in `examples/tests/`
//! run the same code over loopback HTTP.
#![forbid(unsafe_code)]

/// Every example binary and test allocates with mimalloc (see the workspace Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "src/acs.rs"]
pub mod acs;
#[path = "src/acs_sessions.rs"]
mod acs_sessions;
#[path = "src/balancer.rs"]
pub mod balancer;
#[path = "src/coturn.rs"]
pub mod coturn;
#[path = "src/cpe.rs"]
pub mod cpe;
#[path = "src/cpu.rs"]
pub mod cpu;
#[path = "src/cr_figures.rs"]
pub mod cr_figures;
#[path = "src/credentials.rs"]
pub mod credentials;
#[path = "src/crlisten.rs"]
pub mod crlisten;
#[path = "src/demo.rs"]
pub mod demo;
#[path = "src/device.rs"]
pub mod device;
#[path = "src/http.rs"]
pub mod http;
#[path = "src/http_floor.rs"]
pub mod http_floor;
#[path = "src/inspect.rs"]
pub mod inspect;
#[path = "src/limits.rs"]
pub mod limits;
#[path = "src/nat_demo.rs"]
pub mod nat_demo;
#[path = "src/natcr.rs"]
pub mod natcr;
#[path = "src/policy.rs"]
pub mod policy;
#[path = "src/prosody.rs"]
pub mod prosody;
#[path = "src/store.rs"]
pub mod store;
#[path = "src/stun.rs"]
pub mod stun;
#[path = "src/support.rs"]
pub mod support;
#[path = "src/transport.rs"]
pub mod transport;
#[path = "src/udp_cr.rs"]
pub mod udp_cr;
#[path = "src/xmpp.rs"]
pub mod xmpp;
