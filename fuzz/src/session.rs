//! The cwmp-session targets: the fuzz input is a program of transport outcomes, bodies,
//! application actions and time steps.

use std::time::{Duration, Instant, SystemTime};

use cwmp_session::acs::{self, AcsSession};
use cwmp_session::cpe::{self, CpeSession, InformArgs, TransportError};
use cwmp_session::http::{IncomingRequest, IncomingResponse};
use cwmp_session::{EventQueue, MAX_INFORM_EVENTS, MAX_QUEUED_EVENTS, Reply, RpcHandle};
use cwmp_types::*;

use crate::input::{self, Input};

/// At most this many steps per input (each step is a few bytes).
const MAX_STEPS: usize = 256;

/// A body the peer might send: the fuzzer's own bytes, or one drawn from the shared strategy
/// (envelopes, plausible replies, faults, truncations) by a seed from the input.
fn body(input: &mut Input<'_>) -> Vec<u8> {
    if input.u8() & 3 == 0 {
        input.bytes(4096).to_vec()
    } else {
        input::peer_body(input.seed()).unwrap_or_default()
    }
}

fn response(input: &mut Input<'_>) -> Option<Response> {
    input::response(input.seed())
}

struct Cpe {
    cpe: CpeSession,
    now: Instant,
    pending: Option<RpcHandle>,
}

impl Cpe {
    /// Handles every output; checks the bounds.
    fn drain(&mut self) {
        let mut n = 0;
        while let Some(output) = self.cpe.poll_output() {
            n += 1;
            assert!(n < 64, "output flood");
            match output {
                cpe::Output::Event(cpe::Event::InformDue { .. }) => {
                    self.cpe
                        .start_session(self.now, InformArgs::new(DateTime::UNKNOWN, vec![]))
                        .expect("a session starts when it is due");
                }
                cpe::Output::Event(cpe::Event::AcsRequest { handle, .. }) => {
                    self.pending = Some(handle);
                }
                cpe::Output::Event(cpe::Event::SessionEnded(_)) => self.pending = None,
                _ => {}
            }
        }
        let queue = self.cpe.event_queue();
        assert!(queue.events().count() <= MAX_QUEUED_EVENTS);
        assert!(queue.inform_events().len() <= MAX_INFORM_EVENTS);
    }
}

/// A CpeSession fed an arbitrary program: no panic, bounded queues, and the session ends.
pub fn cpe_session(data: &[u8]) {
    let mut input = Input::new(data);
    let now = Instant::now();
    let mut config = cpe::Config::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", "SN1"),
        "http://acs.example/cwmp",
    );
    config.seed = u64::from(input.u32());
    let queue = if input.u8() & 1 == 0 {
        EventQueue::bootstrap()
    } else {
        EventQueue::new()
    };
    let mut d = Cpe {
        cpe: CpeSession::new(config, now, queue),
        now,
        pending: None,
    };
    d.drain();
    let mut steps = 0;
    while !input.is_empty() && steps < MAX_STEPS {
        steps += 1;
        match input.u8() % 10 {
            0 => {
                d.now += Duration::from_secs(u64::from(input.u16()));
                d.cpe
                    .handle_input(cpe::Input::Timeout(d.now))
                    .expect("time may always pass");
            }
            1..=4 => {
                let status = match input.u8() % 8 {
                    0..=2 => 200,
                    3 => 204,
                    4 => 401,
                    5 => 302,
                    6 => 307,
                    _ => 100 + input.u16() % 500,
                };
                let with_location = input.u8() & 1 == 1;
                let b = body(&mut input);
                let mut r = IncomingResponse::new(status, &b);
                if with_location {
                    r = r.with_location("http://elsewhere.example/cwmp");
                }
                let outstanding = matches!(d.cpe.state(), cpe::State::AwaitingResponse);
                let result = d.cpe.handle_input(cpe::Input::HttpResponse {
                    now: d.now,
                    response: r,
                });
                // A response with no POST outstanding is API misuse: an error, never a panic.
                assert_eq!(result.is_ok(), outstanding, "{result:?}");
            }
            5 => {
                let error = match input.u8() % 3 {
                    0 => TransportError::Connect,
                    1 => TransportError::Tls,
                    _ => TransportError::ConnectionLost,
                };
                let _ = d
                    .cpe
                    .handle_input(cpe::Input::TransportFailed { now: d.now, error });
            }
            6 => {
                let text = String::from_utf8_lossy(input.bytes(64)).into_owned();
                let trigger = input.u8() & 1 == 1;
                let _ =
                    d.cpe
                        .queue_event(d.now, EventStruct::new(EventCode::parse(&text)), trigger);
            }
            7 => {
                if let Some(request) = input::cpe_request(input.seed()) {
                    let _ = d.cpe.queue_request(d.now, request);
                }
            }
            8 => {
                if let Some(handle) = d.pending {
                    let reply = match response(&mut input) {
                        Some(r) if input.u8() & 1 == 0 => Reply::Response(r),
                        _ => Reply::fault(FaultCode::from_code(u32::from(input.u16()))),
                    };
                    if d.cpe.respond(d.now, handle, reply).is_ok() {
                        d.pending = None;
                    }
                }
            }
            _ => {
                let _ = d.cpe.abort(d.now);
            }
        }
        d.drain();
    }
    // It always ends: answer what is asked and let time pass.
    for _ in 0..200 {
        if !d.cpe.is_in_session() {
            break;
        }
        if let Some(handle) = d.pending.take() {
            let _ = d
                .cpe
                .respond(d.now, handle, Reply::fault(FaultCode::InternalError));
        } else {
            d.now += Duration::from_secs(31);
            d.cpe
                .handle_input(cpe::Input::Timeout(d.now))
                .expect("time may always pass");
        }
        d.drain();
    }
    assert!(!d.cpe.is_in_session(), "the session never ended");
}

struct Acs {
    acs: AcsSession,
    now: SystemTime,
    handles: Vec<RpcHandle>,
    /// An HTTP response is owed to the last POST.
    owed: bool,
}

impl Acs {
    fn post(&mut self, body: &[u8], content_type: bool) {
        let mut request = IncomingRequest::new(body);
        if content_type {
            request = request.with_content_type("text/xml; charset=utf-8");
        }
        let result = self.acs.handle_input(acs::Input::HttpRequest {
            now: self.now,
            request,
        });
        // A second POST before the response to the first is API misuse, never a panic.
        assert_eq!(result.is_ok(), !self.owed, "{result:?}");
        self.owed = true;
    }

    fn drain(&mut self) {
        let mut n = 0;
        let mut responses = 0;
        while let Some(output) = self.acs.poll_output() {
            n += 1;
            assert!(n < 2100, "output flood");
            match output {
                acs::Output::SendHttp(r) => {
                    responses += 1;
                    assert!(
                        matches!(r.status, 200 | 204 | 400 | 401 | 405 | 415),
                        "{r:?}"
                    );
                    assert_eq!(r.status == 204, r.body.is_empty(), "{r:?}");
                    self.owed = false;
                }
                acs::Output::Event(acs::Event::CpeRequest {
                    handle,
                    answered: false,
                    ..
                }) => {
                    self.handles.push(handle);
                }
                _ => {}
            }
        }
        assert!(responses <= 1, "one response per POST");
        assert!(self.acs.queued_requests() <= self.acs.config().max_queued_requests);
        assert!(self.handles.len() <= 4096);
    }
}

/// An AcsSession fed an arbitrary program: no panic, one response per POST, bounded queues,
/// and the session ends.
pub fn acs_session(data: &[u8]) {
    let mut input = Input::new(data);
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut d = Acs {
        acs: AcsSession::new(acs::Config::default(), t0),
        now: t0,
        handles: vec![],
        owed: false,
    };
    if input.u8() & 1 == 0 {
        let mut inform = Vec::new();
        let e = Envelope::with_id(
            "1",
            Inform::new(
                DeviceIdStruct::new("Acme", "00D09E", "Router", "SN1"),
                vec![EventStruct::new(EventCode::Boot)],
            ),
        );
        cwmp_soap::encode(&e, &mut inform).expect("an Inform encodes");
        d.post(&inform, false);
        d.drain();
    }
    let mut steps = 0;
    while !input.is_empty() && steps < MAX_STEPS {
        steps += 1;
        match input.u8() % 9 {
            0..=3 => {
                let content_type = input.u8() & 1 == 1;
                let b = body(&mut input);
                if d.owed {
                    let r = d.acs.handle_input(acs::Input::HttpRequest {
                        now: d.now,
                        request: IncomingRequest::new(&b),
                    });
                    assert!(
                        r.is_err(),
                        "a POST while a response is owed must be refused"
                    );
                } else {
                    d.post(&b, content_type);
                }
            }
            4 => {
                if let Some(r) = input::request(input.seed()) {
                    let _ = d.acs.queue_request(d.now, r);
                }
            }
            5 => {
                if let Some(handle) = d.handles.pop() {
                    let reply = match response(&mut input) {
                        Some(r) if input.u8() & 1 == 0 => Reply::Response(r),
                        _ => Reply::fault(FaultCode::from_code(u32::from(input.u16()))),
                    };
                    let _ = d.acs.respond(d.now, handle, reply);
                }
            }
            6 => {
                let b = input.u8();
                match b % 3 {
                    0 => d.acs.set_hold_requests(b & 4 != 0),
                    1 => d.acs.finish(d.now),
                    _ => d.acs.abort(d.now),
                }
            }
            7 => {
                // Many RPCs at once: the queue stays within its configured bound.
                for i in 0..input.u16() {
                    let _ = d
                        .acs
                        .queue_request(d.now, GetParameterValues::new([format!("Device.X.{i}")]));
                }
            }
            _ => {
                d.now += Duration::from_secs(u64::from(input.u16()));
                d.acs
                    .handle_input(acs::Input::Timeout(d.now))
                    .expect("time may always pass");
            }
        }
        d.drain();
    }
    // It always ends: past the session timeout, it is over.
    d.now += Duration::from_secs(3600);
    d.acs
        .handle_input(acs::Input::Timeout(d.now))
        .expect("time may always pass");
    d.drain();
    assert!(
        d.acs.is_ended(),
        "the session never ended: {:?}",
        d.acs.waiting_for()
    );
    assert_eq!(d.acs.poll_timeout(), None);
}
