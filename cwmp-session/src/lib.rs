//! # cwmp-session
//!
//! Sans-IO CWMP (TR-069) session state machines: [`CpeSession`] for device firmware,
//! [`AcsSession`] for servers, the Session Retry Policy ([`RetryPolicy`]) and the CPE's
//! persistent [`EventQueue`].
//!
//! **What it is:** pure state machines. Bytes and the caller's time go in; HTTP bodies
//! (as [`bytes::Bytes`]), events for the application and timer deadlines come out.
//! **What it is not:** no sockets, no HTTP parser, no TLS, no cookies, no authentication
//! headers, no clock, no threads, no randomness of its own (a seed or values come from the
//! caller). The crate never calls `Instant::now()` or `SystemTime::now()`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(missing_debug_implementations)]

pub mod acs;
pub mod cpe;
mod error;
mod handle;
pub mod http;
mod queue;
pub mod retry;
mod rng;
mod schedule;

pub use acs::AcsSession;
pub use cpe::CpeSession;
pub use error::{Limit, Misuse, SessionError};
pub use handle::{Reply, RpcHandle};
pub use queue::{
    CpeRequest, EventQueue, MAX_INFORM_EVENTS, MAX_QUEUED_EVENTS, MAX_QUEUED_REQUESTS,
    PendingRequest, TransferKind,
};
pub use retry::RetryPolicy;
pub use schedule::{HeartbeatPolicy, PeriodicInform};
