//! # cwmp-session
//!
//! Sans-IO CWMP (TR-069) session state machines: [`CpeSession`] for device firmware,
//! [`AcsSession`] for servers, the Session Retry Policy ([`RetryPolicy`]) and the CPE's
//! persistent [`EventQueue`].
//!
//! **What it is:** pure state machines. Bytes and the caller's time go in; HTTP bodies
//! (as [`bytes::Bytes`]), events for the application and timer deadlines come out. The
//! envelopes are encoded and decoded with `cwmp-soap`.
//! **What it is not:** no sockets, no HTTP parser, no TLS, no cookies (the machines say when
//! to resend after a `401` and where to go after a redirect; given the ACS credentials and
//! the `WWW-Authenticate` header, [`CpeSession`] also computes the `Authorization` value), no
//! clock, no threads, no randomness of its own (a seed or values come from the caller). The
//! crate never calls `Instant::now()` or `SystemTime::now()`.
//!
//! Both machines follow one pattern:
//!
//! | kind | CPE | ACS |
//! |---|---|---|
//! | inputs (network, time) | [`CpeSession::handle_input`] | [`AcsSession::handle_input`] |
//! | commands (application) | `start_session`, `respond`, `queue_event`, `queue_request`, `set_*` | `queue_request`, `respond`, `set_hold_requests`, `finish` |
//! | outputs | [`CpeSession::poll_output`], [`CpeSession::poll_timeout`] | [`AcsSession::poll_output`], [`AcsSession::poll_timeout`] |
//! | errors | only the caller's mistakes ([`SessionError`]): API misuse, full queues, and values that break the spec's limits ([`SessionError::Validation`]: everything sent is checked first); everything the peer does wrong is an event | same |
//!
//! ## CPE run loop
//!
//! 1. At start-up, load the persisted [`EventQueue`] (or [`EventQueue::bootstrap`] on the very
//!    first start), call [`EventQueue::on_reboot`] if the device has just booted, and create
//!    the [`CpeSession`] with it and your clock's `Instant`.
//! 2. Call [`CpeSession::poll_output`] until it returns `None`, handling each output:
//!    * [`cpe::Output::SendHttp`]: POST the body to `url` (same connection and cookies
//!      within a session; a new connection and no old cookies when the reason is
//!      [`http::SendReason::NewSession`]; send [`http::HttpRequest::authorization`] when set,
//!      else add your own `Authorization` when the reason is
//!      [`http::SendReason::Authenticate`]), then feed the outcome back (with the
//!      `WWW-Authenticate` header of a `401`) with
//!      [`cpe::Input::HttpResponse`] or [`cpe::Input::TransportFailed`].
//!    * [`cpe::Event::InformDue`]: call [`CpeSession::start_session`] with the current
//!      wall-clock time and the Inform's parameters.
//!    * [`cpe::Event::AcsRequest`]: do what the ACS asks and call [`CpeSession::respond`].
//!    * [`cpe::Event::DecodeWarnings`]: what the decoder repaired in the ACS's last message.
//!    * [`cpe::Event::SessionEnded`]: persist [`CpeSession::event_queue`], then perform
//!      the [`cpe::Deferred`] actions (reboot, factory reset, downloads, …).
//! 3. Wait until [`CpeSession::poll_timeout`] (or until the application has something:
//!    a value change, a connection request, a finished download), feed
//!    [`cpe::Input::Timeout`] or the matching command, and go to step 2.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use cwmp_session::cpe::{Config, Event, InformArgs, Input, Output};
//! use cwmp_session::http::IncomingResponse;
//! use cwmp_session::{CpeSession, EventQueue, Reply};
//! use cwmp_types::*;
//! # use cwmp_session::AcsSession;
//! # // The "network": an in-memory ACS that asks for one value and ends.
//! # let t0 = std::time::SystemTime::UNIX_EPOCH;
//! # let mut acs = AcsSession::new(Default::default(), t0);
//! # let mut post = |body: &[u8]| -> (u16, Vec<u8>) {
//! #     use cwmp_session::acs;
//! #     use cwmp_session::http::IncomingRequest;
//! #     acs.handle_input(acs::Input::HttpRequest { now: t0, request: IncomingRequest::new(body) }).unwrap();
//! #     loop {
//! #         match acs.poll_output().expect("the ACS answers every POST") {
//! #             acs::Output::SendHttp(r) => return (r.status, r.body.to_vec()),
//! #             acs::Output::Event(acs::Event::Inform { .. }) => {
//! #                 acs.queue_request(t0, GetParameterValues::new(["Device.DeviceInfo.SoftwareVersion"])).unwrap();
//! #                 acs.finish(t0);
//! #             }
//! #             _ => {}
//! #         }
//! #     }
//! # };
//!
//! let mut now = Instant::now(); // your clock: the library never reads one
//! let device = DeviceIdStruct::new("Acme", "00D09E", "Router", "SN0001");
//! let config = Config::new(device, "https://acs.example.net/cwmp");
//! // 1. First start: the queue holds 0 BOOTSTRAP and 1 BOOT, so a session is due at once.
//! let mut cpe = CpeSession::new(config, now, EventQueue::bootstrap());
//! let mut sessions = 0;
//! loop {
//!     // 2. Drain the outputs.
//!     while let Some(output) = cpe.poll_output() {
//!         match output {
//!             Output::SendHttp(request) => {
//!                 // Your HTTP client: POST request.body to request.url.
//!                 let (status, body) = post(&request.body);
//!                 let response = IncomingResponse::new(status, &body);
//!                 cpe.handle_input(Input::HttpResponse { now, response })?;
//!             }
//!             Output::Event(Event::InformDue { .. }) => {
//!                 let time = DateTime::from_unix(1_700_000_000); // your wall clock
//!                 let params = vec![ParameterValueStruct::new(
//!                     "Device.DeviceInfo.SoftwareVersion",
//!                     ParameterValue::string("1.0.3"),
//!                 )];
//!                 cpe.start_session(now, InformArgs::new(time, params))?;
//!             }
//!             Output::Event(Event::AcsRequest { handle, request }) => {
//!                 let reply = match request {
//!                     Request::GetParameterValues(_) => Reply::response(
//!                         GetParameterValuesResponse::new(vec![ParameterValueStruct::new(
//!                             "Device.DeviceInfo.SoftwareVersion",
//!                             ParameterValue::string("1.0.3"),
//!                         )]),
//!                     ),
//!                     _ => Reply::fault(FaultCode::MethodNotSupported),
//!                 };
//!                 cpe.respond(now, handle, reply)?;
//!             }
//!             Output::Event(Event::SessionEnded(end)) => {
//!                 assert!(end.result.is_ok());
//!                 // Persist cpe.event_queue() here, then run end.deferred.
//!                 sessions += 1;
//!             }
//!             _ => {} // other events: see cpe::Event
//!         }
//!     }
//!     if sessions == 1 {
//!         break; // (for this example)
//!     }
//!     // 3. Sleep until the next deadline (or an application event), then tell the machine.
//!     if let Some(deadline) = cpe.poll_timeout() {
//!         now = now.max(deadline);
//!         cpe.handle_input(Input::Timeout(now))?;
//!     }
//! }
//! assert_eq!(cpe.retry_count(), 0);
//! assert!(cpe.event_queue().is_empty());
//! # Ok::<(), cwmp_session::SessionError>(())
//! ```
//!
//! ## ACS run loop
//!
//! 1. For every POST that carries an Inform (and for a POST of an unknown session) create an
//!    [`AcsSession`]; find the session of later POSTs by your cookie (or any key). Store
//!    it between POSTs (in memory, or serialized with the `serde` feature).
//! 2. Feed the POST with [`acs::Input::HttpRequest`].
//! 3. Call [`AcsSession::poll_output`] until it returns `None`, handling events as they
//!    come (the HTTP response is built after the events before it, so the application can
//!    react to the Inform or to a response first):
//!    * [`acs::Event::Inform`]: look the device up; queue requests, maybe set HoldRequests.
//!    * [`acs::Event::CpeRequest`]: answer with [`AcsSession::respond`] (unless auto-answered).
//!    * [`acs::Event::RpcResponse`] / [`acs::Event::RpcFault`] / [`acs::Event::RpcFailed`]:
//!      the outcome of a queued request.
//!    * [`acs::Event::AwaitingRequests`]: queue the next request or call [`AcsSession::finish`].
//!    * [`acs::Event::Diagnostic`] / [`acs::Event::DecodeWarnings`]: log them (typed
//!      [`acs::DiagnosticCode`], decoder [`cwmp_soap::Warning`]s).
//!    * [`acs::Output::SendHttp`]: write the HTTP response; if `session_ended`, drop the
//!      session and its cookie.
//! 4. Until the next POST, wake up at [`AcsSession::poll_timeout`] and feed
//!    [`acs::Input::Timeout`]; [`AcsSession::waiting_for`] says what the session waits for.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use cwmp_session::acs::{Config, Event, Input, Output};
//! use cwmp_session::http::IncomingRequest;
//! use cwmp_session::AcsSession;
//! use cwmp_types::*;
//!
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000); // your clock
//! let inform = Envelope::with_id("1", Inform::new(
//!     DeviceIdStruct::new("Acme", "00D09E", "Router", "SN0001"),
//!     vec![EventStruct::new(EventCode::Periodic)],
//! ));
//! let mut inform_body = Vec::new();
//! cwmp_soap::encode(&inform, &mut inform_body).unwrap();
//! // The CPE's POSTs: the Inform, then its empty POST.
//! let posts: [&[u8]; 2] = [&inform_body, b""];
//!
//! // 1. A new session for the POST with the Inform.
//! let mut session = AcsSession::new(Config::default(), now);
//! for body in posts {
//!     // 2. Feed the POST.
//!     session.handle_input(Input::HttpRequest { now, request: IncomingRequest::new(body) })?;
//!     // 3. Drain the outputs.
//!     while let Some(output) = session.poll_output() {
//!         match output {
//!             Output::Event(Event::Inform { inform, .. }) => {
//!                 assert_eq!(inform.device_id.serial_number, "SN0001");
//!             }
//!             Output::Event(Event::AwaitingRequests) => session.finish(now),
//!             Output::SendHttp(response) => {
//!                 // Write response.status, response.content_type and response.body.
//!                 if response.session_ended {
//!                     assert_eq!(response.status, 204);
//!                 }
//!             }
//!             _ => {} // other events: see acs::Event
//!         }
//!     }
//! }
//! assert!(session.is_ended());
//! # Ok::<(), cwmp_session::SessionError>(())
//! ```
//!
//! ## Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `serde` | `Serialize`/`Deserialize` for [`EventQueue`], [`AcsSession`], the configs and policies |
//! | `proptest` | [`strategy`]: proptest strategies for queued requests and peer bodies |
//!
//! ## Spec map
//!
//! | TR-069 | here |
//! |---|---|
//! | §3.2.1.1 Session Retry Policy | [`RetryPolicy`] |
//! | §3.7.1 CPE session procedures | [`CpeSession`] |
//! | §3.7.2 ACS session procedures | [`AcsSession`] |
//! | Annex A event codes, retention | [`EventQueue`] |
//! | PeriodicInform*, Annex O heartbeat | [`PeriodicInform`], [`HeartbeatPolicy`] |
//! | §3.5 / Amd 5 version negotiation | [`cpe`] (fallback on 8006) and [`acs`] |
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(missing_debug_implementations)]

pub mod acs;
mod auth;
pub mod connreq;
pub mod cpe;
mod diagnostic;
mod error;
mod handle;
pub mod http;
mod queue;
pub mod retry;
mod rng;
mod schedule;
#[cfg(feature = "proptest")]
pub mod strategy;

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

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
