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
//!    it between POSTs (in memory, or as an [`acs::SavedSession`] in a shared store: see
//!    [Running an ACS cluster](#running-an-acs-cluster)).
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
//!      session and its cookie. A response carrying a SOAP Fault goes under `200` by default,
//!      as deployed ACSs send it, or under `500` as the SOAP 1.1 HTTP binding does (§6.2)
//!      with [`acs::FaultStatus::InternalServerError500`] in [`acs::Config::fault_status`].
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
//! ## Running an ACS cluster
//!
//! Any node behind any load balancer can continue any session when the sessions live in a
//! store shared by the nodes (Redis, a database). The library gives the pieces; the
//! `examples` package has the storage side on Redis (`cwmp_examples::store`: compare-and-set
//! in one Lua script, a deadline index for the sweeper, TTLs, locks).
//!
//! **What to store.** Per session, under its key (the cookie you set): the
//! [`acs::SavedSession`] ([`AcsSession::save`]; serialized with the `serde` feature) and its
//! [`revision`](acs::SavedSession::revision); an index of
//! [`deadline`](acs::SavedSession::deadline)s for the sweeper. Per device: the key of its
//! live session, and your own records. Not the [`acs::Config`]: each node gives its own to
//! [`AcsSession::restore`]. Keep an ended session a little longer than a CPE's HTTP timeout:
//! it answers a retry of its last POST.
//!
//! **Routing a POST.** [`cwmp_soap::peek`] reads the method, `cwmp:ID`, namespace and an
//! Inform's DeviceId without decoding the message. A POST whose key finds no session starts
//! a new one; a POST whose key finds one goes where [`acs::Route`] says (a retry to the
//! session, an Inform to a new session, ending the old one only if it is the same device's).
//!
//! **The compare-and-set loop**, for every POST:
//! 1. Load the state and its revision `r` (none for a new session).
//! 2. [`AcsSession::restore`] it with the node's config and feed the POST.
//! 3. Drain [`AcsSession::poll_output`], running the application's reactions (queue
//!    requests, answer CPE requests), but keep their side effects (device records, logs)
//!    for step 5.
//! 4. If [`AcsSession::revision`] is still `r`, the POST was a retry answered from the state:
//!    send the response, write nothing.
//! 5. Else write the [`AcsSession::save`]d state (and your records) only if the stored
//!    revision is still `r` (Redis `WATCH`/`MULTI`/`EXEC` or a Lua script; SQL
//!    `UPDATE … WHERE revision = r`). If the write succeeded, apply the side effects and send
//!    the response; if not, another node changed the session in between: go to 1. When that
//!    node handled the same POST (two copies racing), the reloaded session recognises it and
//!    answers with the same response: nothing is applied twice. A stale copy of the state can
//!    never be written back.
//!
//! **The sweeper.** Any node (or all, with a short lock) periodically takes the sessions whose
//! deadline passed, restores each, feeds [`acs::Input::Timeout`] and drains it, then writes
//! it back by compare-and-set like a POST. The application gets the same
//! [`acs::Event::SessionEnded`] (`TimedOut`, or `Completed` after a releasing `204`) and
//! [`acs::Event::RpcFailed`] events as in one process. An HTTP response produced then
//! (fault 8002 to a CPE request left unanswered) has no connection to go to: drop it.
//!
//! **One session per device at a time.** Keep the device's live session key; an Inform of a
//! device whose live session is under another key ends that one (restore, [`AcsSession::abort`],
//! save) before its new session starts, under a per-device lock with a TTL (the compare-and-set
//! still guards the state if a lock holder stalls past it).
//!
//! **What a CPE sees when a node dies.** The node's POST in flight gets no response (a reset
//! or a timeout). If the node died before its write, nothing of that POST was applied; if
//! after, the response is in the state. Either way a retry of the POST on another node (by
//! the CPE's HTTP stack or a proxy) gets the right answer. A CPE that gives up instead
//! ends its session as failed and starts a new one with a new Inform after its retry back-off
//! (TR-069 §3.2.1.1); the abandoned session is ended by the sweeper at its deadline, and its
//! requests come back as `RpcFailed` (`NotSent` or `Unanswered`) to queue again.
//!
//! ```
//! use std::collections::HashMap;
//! use std::time::SystemTime;
//! use cwmp_session::acs::{Config, Event, Input, Output, SavedSession};
//! use cwmp_session::http::{HttpResponse, IncomingRequest};
//! use cwmp_session::AcsSession;
//!
//! /// The shared store: key -> (revision, state). Yours is Redis or a database.
//! type Store = HashMap<String, (u64, SavedSession)>;
//!
//! fn handle_post(store: &mut Store, key: &str, body: &[u8], now: SystemTime) -> HttpResponse {
//!     loop {
//!         // 1.-2. Load and restore (or start a session), feed the POST.
//!         let loaded = store.get(key).cloned();
//!         let expected = loaded.as_ref().map(|(rev, _)| *rev);
//!         let mut session = match loaded {
//!             Some((_, saved)) => AcsSession::restore(saved, Config::default()).expect("format"),
//!             None => AcsSession::new(Config::default(), now),
//!         };
//!         session.handle_input(Input::HttpRequest { now, request: IncomingRequest::new(body) })
//!             .expect("every POST is answered before the next");
//!         // 3. Drain; side effects wait for the write.
//!         let mut response = None;
//!         let mut effects = Vec::new();
//!         while let Some(output) = session.poll_output() {
//!             match output {
//!                 Output::SendHttp(r) => response = Some(r),
//!                 Output::Event(Event::AwaitingRequests) => session.finish(now),
//!                 Output::Event(e) => effects.push(e),
//!                 _ => {}
//!             }
//!         }
//!         let response = response.expect("a response to every POST");
//!         // 4. A retry: answered from the state, nothing to write.
//!         if Some(session.revision()) == expected {
//!             return response;
//!         }
//!         // 5. Compare-and-set.
//!         if store.get(key).map(|(rev, _)| *rev) == expected {
//!             let saved = session.save().expect("drained");
//!             store.insert(key.to_owned(), (saved.revision(), saved));
//!             drop(effects); // apply them here
//!             return response;
//!         }
//!     }
//! }
//! # let mut store = Store::new();
//! # let r = handle_post(&mut store, "k", b"", SystemTime::UNIX_EPOCH);
//! # assert_eq!(r.status, 204);
//! ```
//!
//! ## Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `serde` | `Serialize`/`Deserialize` for [`EventQueue`], [`acs::SavedSession`], the configs and policies |
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
