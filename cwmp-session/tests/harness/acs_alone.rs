//! An `AcsSession` alone, driven POST by POST: what the tests of one side need.

use std::time::{Duration, SystemTime};

use cwmp_session::Reply;
use cwmp_session::acs::{
    self, AcsSession, DiagnosticCode, DiagnosticKind, EndReason, Event, Output,
};
use cwmp_session::http::{HttpResponse, IncomingRequest};

use super::UNIX_T0;

/// An ACS session at a fixed time (the harness's `t0`, unless moved): every event kept, the
/// CPE's next request answered with `reply` when one is set.
pub struct AcsAlone {
    pub s: AcsSession,
    pub now: SystemTime,
    pub events: Vec<Event>,
    pub reply: Option<Reply>,
}

impl AcsAlone {
    pub fn new(config: acs::Config) -> Self {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(UNIX_T0.unsigned_abs());
        Self {
            s: AcsSession::new(config, now),
            now,
            events: Vec::new(),
            reply: None,
        }
    }

    /// Feeds a POST; its response.
    pub fn post(&mut self, body: &[u8]) -> HttpResponse {
        self.s
            .handle_input(acs::Input::HttpRequest {
                now: self.now,
                request: IncomingRequest::new(body),
            })
            .unwrap();
        self.drain().expect("every POST gets a response")
    }

    /// Takes every output: the response (one at most), the events.
    pub fn drain(&mut self) -> Option<HttpResponse> {
        let mut out = None;
        while let Some(o) = self.s.poll_output() {
            match o {
                Output::SendHttp(r) => {
                    assert!(out.is_none(), "one response per POST");
                    out = Some(r);
                }
                Output::Event(e) => {
                    if let Event::CpeRequest {
                        handle,
                        answered: false,
                        ..
                    } = &e
                    {
                        if let Some(reply) = self.reply.take() {
                            self.s.respond(self.now, *handle, reply).unwrap();
                        }
                    }
                    self.events.push(e);
                }
                other => panic!("{other:?}"),
            }
        }
        out
    }

    /// How the session ended, if it did.
    pub fn ended(&self) -> Option<&EndReason> {
        self.events.iter().find_map(|e| match e {
            Event::SessionEnded(r) => Some(r),
            _ => None,
        })
    }

    /// The diagnostics so far (each message checked against its code's).
    pub fn diagnostics(&self) -> Vec<(DiagnosticKind, DiagnosticCode)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Diagnostic(d) => {
                    assert_eq!(d.message, d.code.message());
                    Some((d.kind, d.code))
                }
                _ => None,
            })
            .collect()
    }
}
