//! AcsSession state in a store shared by the nodes of an ACS cluster: saving, restoring with
//! the node's config, the revision for compare-and-set, retries answered again and applied
//! once (also when two nodes race), stale copies refused, the shared sweeper, routing and
//! the saved format.
#![cfg(feature = "serde")]

use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, SystemTime};

use cwmp_session::acs::{
    self, AcsSession, Config, EndReason, Event, Output, Route, SavedSession, StateError, Step,
};
use cwmp_session::http::{HttpResponse, IncomingRequest};
use cwmp_session::{Reply, RpcHandle};
use cwmp_types::*;

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn enc(env: &Envelope) -> Vec<u8> {
    let mut out = Vec::new();
    cwmp_soap::encode(env, &mut out).unwrap();
    out
}

fn inform_of(serial: &str, id: &str) -> Vec<u8> {
    enc(&Envelope::with_id(
        id,
        Inform::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", serial),
            vec![EventStruct::new(EventCode::Periodic)],
        ),
    ))
}

fn id_of(r: &HttpResponse) -> String {
    cwmp_soap::decode(&r.body)
        .unwrap()
        .envelope
        .header
        .id
        .unwrap()
}

fn gpv_response(id: &str, value: &str) -> Vec<u8> {
    enc(&Envelope::with_id(
        id,
        GetParameterValuesResponse::new(vec![ParameterValueStruct::new(
            "Device.DeviceInfo.UpTime",
            ParameterValue::string(value),
        )]),
    ))
}

/// One node's handling of one POST: restore, feed, drain (the application queues two
/// GetParameterValues on the Inform and finishes when idle), save.
fn handle(
    saved: Option<SavedSession>,
    body: &[u8],
    now: SystemTime,
) -> (SavedSession, HttpResponse, Vec<Event>) {
    let mut s = match saved {
        Some(saved) => AcsSession::restore(saved, Config::default()).unwrap(),
        None => AcsSession::new(Config::default(), now),
    };
    s.handle_input(acs::Input::HttpRequest {
        now,
        request: IncomingRequest::new(body),
    })
    .unwrap();
    let mut response = None;
    let mut events = Vec::new();
    while let Some(o) = s.poll_output() {
        match o {
            Output::SendHttp(r) => response = Some(r),
            Output::Event(e) => {
                match &e {
                    Event::Inform { .. } => {
                        for name in ["Device.DeviceInfo.UpTime", "Device.DeviceInfo.UpTime"] {
                            s.queue_request(now, GetParameterValues::new([name]))
                                .unwrap();
                        }
                    }
                    Event::AwaitingRequests => s.finish(now),
                    _ => {}
                }
                events.push(e);
            }
            _ => {}
        }
    }
    (s.save().unwrap(), response.unwrap(), events)
}

/// A shared store: the saved state and its revision, written only by compare-and-set.
#[derive(Default)]
struct Store {
    state: Option<(u64, String)>,
    /// Events of the attempts that committed: what the application really applied.
    applied: Vec<Event>,
    refused: usize,
}

impl Store {
    fn load(&self) -> Option<(u64, SavedSession)> {
        self.state
            .as_ref()
            .map(|(rev, json)| (*rev, serde_json::from_str(json).unwrap()))
    }

    fn compare_and_set(
        &mut self,
        expected: Option<u64>,
        saved: &SavedSession,
        events: Vec<Event>,
    ) -> bool {
        if self.state.as_ref().map(|s| s.0) != expected {
            self.refused += 1;
            return false;
        }
        self.state = Some((saved.revision(), serde_json::to_string(saved).unwrap()));
        self.applied.extend(events);
        true
    }
}

/// The compare-and-set loop of a node: load, handle, write if nobody wrote in between, else
/// again. A POST that changes nothing (a retry) writes nothing.
fn post(store: &Mutex<Store>, body: &[u8], now: SystemTime) -> HttpResponse {
    loop {
        let loaded = store.lock().unwrap().load();
        let expected = loaded.as_ref().map(|l| l.0);
        let (saved, response, events) = handle(loaded.map(|l| l.1), body, now);
        if Some(saved.revision()) == expected {
            assert!(events.is_empty(), "a retry produces no event");
            return response;
        }
        if store
            .lock()
            .unwrap()
            .compare_and_set(expected, &saved, events)
        {
            return response;
        }
    }
}

#[test]
fn saving_refuses_undrained_outputs_and_carries_the_rest() {
    let mut s = AcsSession::new(Config::default(), t0());
    s.handle_input(acs::Input::HttpRequest {
        now: t0(),
        request: IncomingRequest::new(&inform_of("SN1", "1")),
    })
    .unwrap();
    assert_eq!(s.save(), Err(StateError::OutputsPending { count: 1 }));
    // Drain the Inform event; the InformResponse is then built on the next poll.
    assert!(matches!(
        s.poll_output(),
        Some(Output::Event(Event::Inform { .. }))
    ));
    // Nothing is pending in `outputs`: the owed InformResponse is state, and it is carried.
    let saved = s.save().unwrap();
    let mut other = AcsSession::restore(saved, Config::default()).unwrap();
    let Some(Output::SendHttp(r)) = other.poll_output() else {
        panic!("the restored session owes the InformResponse")
    };
    assert_eq!((r.status, id_of(&r).as_str()), (200, "1"));
}

#[test]
fn the_revision_counts_every_change_and_only_changes() {
    let mut s = AcsSession::new(Config::default(), t0());
    let mut last = s.revision();
    let mut bumped = |s: &AcsSession| {
        let grew = s.revision() > last;
        last = s.revision();
        grew
    };
    let h = s.queue_request(t0(), GetRpcMethods::default()).unwrap();
    assert!(bumped(&s));
    s.set_hold_requests(false);
    assert!(!bumped(&s), "no change");
    s.set_hold_requests(true);
    assert!(bumped(&s));
    s.finish(t0());
    assert!(bumped(&s));
    s.finish(t0());
    assert!(!bumped(&s), "already finishing");
    s.handle_input(acs::Input::Timeout(t0() + Duration::from_secs(1)))
        .unwrap();
    assert!(!bumped(&s), "a timeout before the deadline changes nothing");
    assert!(
        s.respond(t0(), h, Reply::fault(FaultCode::InternalError))
            .is_err()
    );
    assert!(!bumped(&s), "a refused command changes nothing");
    let inform = inform_of("SN1", "1");
    s.handle_input(acs::Input::HttpRequest {
        now: t0(),
        request: IncomingRequest::new(&inform),
    })
    .unwrap();
    assert!(bumped(&s));
    let mut first = None;
    while let Some(o) = s.poll_output() {
        if let Output::SendHttp(r) = o {
            first = Some(r);
        }
    }
    assert!(
        bumped(&s),
        "producing the InformResponse changed the session"
    );
    // A retry of the Inform: the same response, no change.
    s.handle_input(acs::Input::HttpRequest {
        now: t0(),
        request: IncomingRequest::new(&inform),
    })
    .unwrap();
    assert_eq!(s.poll_output(), first.map(Output::SendHttp));
    assert_eq!(s.poll_output(), None);
    assert!(!bumped(&s));
    assert_eq!(s.save().unwrap().revision(), s.revision());
}

#[test]
fn racing_duplicate_posts_are_applied_once() {
    // 200 sessions; every POST of each is sent twice at once, by two threads ("nodes").
    for n in 0..200 {
        let store = Arc::new(Mutex::new(Store::default()));
        let now = t0();
        let mut body = inform_of(&format!("SN{n}"), "1");
        let mut posts = 0;
        loop {
            let barrier = Arc::new(Barrier::new(2));
            let copies: Vec<_> = (0..2)
                .map(|_| {
                    let (store, barrier, body) = (store.clone(), barrier.clone(), body.clone());
                    thread::spawn(move || {
                        barrier.wait();
                        post(&store, &body, now)
                    })
                })
                .collect();
            let responses: Vec<HttpResponse> =
                copies.into_iter().map(|t| t.join().unwrap()).collect();
            assert_eq!(
                responses[0], responses[1],
                "both copies get the same response"
            );
            posts += 1;
            let r = &responses[0];
            if r.session_ended {
                assert_eq!(r.status, 204);
                break;
            }
            body = match posts {
                1 => Vec::new(), // the empty POST after the InformResponse
                _ => gpv_response(&id_of(r), &format!("{posts}")),
            };
        }
        let store = store.lock().unwrap();
        let count = |f: fn(&Event) -> bool| store.applied.iter().filter(|e| f(e)).count();
        assert_eq!(count(|e| matches!(e, Event::Inform { .. })), 1);
        assert_eq!(count(|e| matches!(e, Event::RpcResponse { .. })), 2);
        assert_eq!(
            count(|e| matches!(e, Event::SessionEnded(EndReason::Completed))),
            1
        );
        assert_eq!(count(|e| matches!(e, Event::RpcFailed { .. })), 0);
    }
}

#[test]
fn a_stale_copy_is_refused_by_its_revision() {
    let store = Mutex::new(Store::default());
    let now = t0();
    post(&store, &inform_of("SN1", "1"), now);
    let first = post(&store, b"", now);
    // A node keeps a copy of the state here (waiting for the response to request 1).
    let (stale_rev, stale) = store.lock().unwrap().load().unwrap();
    let second = post(&store, &gpv_response(&id_of(&first), "1"), now);
    assert_ne!(id_of(&first), id_of(&second));
    // The CPE answers request 2; the node with the stale copy handles it: its copy still
    // waits for request 1, so it takes the answer for another request's (the default
    // ResponseIdPolicy rejects it and would end the session; `Accept` would match it to the
    // wrong request and send request 2 again). Its write is refused.
    let answer = gpv_response(&id_of(&second), "2");
    let (saved, response, _) = handle(Some(stale), &answer, now);
    assert_eq!(
        (response.status, response.session_ended),
        (400, true),
        "the stale copy cannot handle the answer"
    );
    let refused = store.lock().unwrap().refused;
    assert!(
        !store
            .lock()
            .unwrap()
            .compare_and_set(Some(stale_rev), &saved, Vec::new())
    );
    assert_eq!(store.lock().unwrap().refused, refused + 1);
    // Reloading the current state gives the right outcome.
    let r = post(&store, &answer, now);
    assert_eq!((r.status, r.session_ended), (204, true));
    let applied = &store.lock().unwrap().applied;
    assert_eq!(
        applied
            .iter()
            .filter(|e| matches!(e, Event::RpcResponse { .. }))
            .count(),
        2
    );
}

#[test]
fn a_sweeper_on_any_node_ends_a_timed_out_session_as_one_process_would() {
    let now = t0();
    // In one process.
    let (saved, _, _) = handle(None, &inform_of("SN1", "1"), now);
    let mut local = AcsSession::restore(saved.clone(), Config::default()).unwrap();
    let deadline = saved.deadline().unwrap();
    assert_eq!(Some(deadline), local.poll_timeout());
    assert_eq!(deadline, now + Config::default().session_timeout);
    local.handle_input(acs::Input::Timeout(deadline)).unwrap();
    let local_events: Vec<_> = std::iter::from_fn(|| local.poll_output()).collect();
    // Through the store: the sweeper reads only the deadline until it is due.
    let json = serde_json::to_string(&saved).unwrap();
    let stored: SavedSession = serde_json::from_str(&json).unwrap();
    assert!(stored.deadline().unwrap() > now);
    let mut swept = AcsSession::restore(stored, Config::default()).unwrap();
    swept.handle_input(acs::Input::Timeout(deadline)).unwrap();
    let swept_events: Vec<_> = std::iter::from_fn(|| swept.poll_output()).collect();
    assert_eq!(swept_events, local_events);
    assert!(
        swept_events.contains(&Output::Event(Event::SessionEnded(EndReason::TimedOut {
            step: Step::CpeMessage,
            since: now,
        })))
    );
    let ended = swept.save().unwrap();
    assert!(ended.is_ended());
    assert_eq!(
        ended.deadline(),
        None,
        "an ended session is not swept again"
    );
}

#[test]
fn the_config_is_not_saved_but_given_on_restore() {
    let (saved, _, _) = handle(None, &inform_of("SN1", "1"), t0());
    let json = serde_json::to_string(&saved).unwrap();
    assert!(
        !json.contains("config") && !json.contains("\"session_timeout\""),
        "{json}"
    );
    assert!(json.contains("\"format\":1"));
    let mut short = Config::default();
    short.session_timeout = Duration::from_secs(5);
    let s = AcsSession::restore(serde_json::from_str(&json).unwrap(), short).unwrap();
    assert_eq!(s.poll_timeout(), Some(t0() + Duration::from_secs(5)));
    assert_eq!(s.config().session_timeout, Duration::from_secs(5));
}

#[test]
fn the_unversioned_form_of_the_first_release_is_read_as_format_0() {
    // Written by the first release (the serialized AcsSession, its Config inside), waiting
    // for the response to GetParameterValues with ID 1, a GetParameterNames queued.
    let saved: SavedSession =
        serde_json::from_str(include_str!("data/acs_session_unversioned.json")).unwrap();
    assert_eq!(
        (saved.format(), saved.revision(), saved.deadline()),
        (0, 0, None)
    );
    assert_eq!(saved.device_id().unwrap().serial_number, "SN1");
    let mut s = AcsSession::restore(saved, Config::default()).unwrap();
    assert_eq!(s.poll_timeout(), Some(t0() + Duration::from_secs(60)));
    answer_gpv_and_expect_the_queued_gpn(&mut s);
    // Saved again, it is the current format.
    assert_eq!(s.save().unwrap().format(), SavedSession::FORMAT);
}

/// Feeds the answer to the outstanding GetParameterValues (ID 1, handle 0) and checks that
/// the queued GetParameterNames goes out next, with ID 2.
fn answer_gpv_and_expect_the_queued_gpn(s: &mut AcsSession) {
    s.handle_input(acs::Input::HttpRequest {
        now: t0(),
        request: IncomingRequest::new(&gpv_response("1", "7")),
    })
    .unwrap();
    let outputs: Vec<_> = std::iter::from_fn(|| s.poll_output()).collect();
    assert!(matches!(
        &outputs[0],
        Output::Event(Event::RpcResponse { handle, .. }) if handle.id() == 0
    ));
    let Some(Output::SendHttp(r)) = outputs.last() else {
        panic!("{outputs:?}")
    };
    let next = cwmp_soap::decode(&r.body).unwrap().envelope;
    assert_eq!(next.body.method_name(), "GetParameterNames");
    assert_eq!(next.header.id.as_deref(), Some("2"));
}

#[test]
fn a_format_1_state_is_read_and_written_back_the_same() {
    // Written by the release that introduced format 1: the response to the empty POST (a
    // GetParameterValues with ID 1) sent, a GetParameterNames queued, SessionTimeout 30.
    let json = include_str!("data/acs_session_format1.json");
    let saved: SavedSession = serde_json::from_str(json).unwrap();
    assert_eq!((saved.format(), saved.revision()), (1, 7));
    let mut s = AcsSession::restore(saved, Config::default()).unwrap();
    assert_eq!(s.cpe_session_timeout(), Some(Duration::from_secs(30)));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(
            &serde_json::to_string(&s.save().unwrap()).unwrap()
        )
        .unwrap(),
        serde_json::from_str::<serde_json::Value>(json).unwrap(),
        "saved again, the same state"
    );
    // A retry of the empty POST is answered again with the same request.
    assert!(s.is_retry(b""));
    s.handle_input(acs::Input::HttpRequest {
        now: t0(),
        request: IncomingRequest::new(b""),
    })
    .unwrap();
    let Some(Output::SendHttp(again)) = s.poll_output() else {
        panic!("no response")
    };
    assert_eq!(again.status, 200);
    assert_eq!(id_of(&again), "1");
    assert_eq!(s.revision(), 7, "a retry changes nothing");
    // The answer to it sends the queued GetParameterNames.
    answer_gpv_and_expect_the_queued_gpn(&mut s);
}

#[test]
fn a_newer_format_is_refused() {
    let (saved, _, _) = handle(None, &inform_of("SN1", "1"), t0());
    let json = serde_json::to_string(&saved)
        .unwrap()
        .replace("\"format\":1", "\"format\":2");
    let newer: SavedSession = serde_json::from_str(&json).unwrap();
    assert_eq!(
        AcsSession::restore(newer, Config::default()).unwrap_err(),
        StateError::UnsupportedFormat {
            found: 2,
            oldest: SavedSession::OLDEST_FORMAT,
            newest: SavedSession::FORMAT
        }
    );
}

#[test]
fn routing_an_inform_that_carries_a_live_sessions_cookie() {
    let now = t0();
    let inform = inform_of("SN1", "1");
    let (live, _, _) = handle(None, &inform, now);
    let peek = |b: &[u8]| cwmp_soap::peek(b).ok();
    // A retry of the Inform goes to its session, which answers it again.
    assert_eq!(live.route(&inform, peek(&inform).as_ref()), Route::Continue);
    // A new Inform of the same device: a new session, the old one ended.
    let next = inform_of("SN1", "2");
    assert_eq!(
        live.route(&next, peek(&next).as_ref()),
        Route::NewSession { end_previous: true }
    );
    // Another device's Inform with this cookie: a new session; this one is left alone.
    let other = inform_of("SN2", "1");
    assert_eq!(
        live.route(&other, peek(&other).as_ref()),
        Route::NewSession {
            end_previous: false
        }
    );
    // Anything else goes to the session.
    assert_eq!(live.route(b"", None), Route::Continue);
    let gpv = gpv_response("1", "1");
    assert_eq!(live.route(&gpv, peek(&gpv).as_ref()), Route::Continue);
    // A session still waiting for its own Inform takes it.
    let fresh = AcsSession::new(Config::default(), now);
    assert_eq!(fresh.route(&next, peek(&next).as_ref()), Route::Continue);
    // An ended session: a new one, nothing to end.
    let mut ended = AcsSession::restore(live, Config::default()).unwrap();
    ended.abort(now);
    while ended.poll_output().is_some() {}
    assert_eq!(
        ended.route(&next, peek(&next).as_ref()),
        Route::NewSession {
            end_previous: false
        }
    );
}

#[test]
fn a_resend_asked_by_fault_8005_is_not_a_retry() {
    let now = t0();
    let mut s = AcsSession::new(Config::default(), now);
    let drain = |s: &mut AcsSession| -> (Option<RpcHandle>, Option<HttpResponse>) {
        let (mut h, mut r) = (None, None);
        while let Some(o) = s.poll_output() {
            match o {
                Output::Event(Event::CpeRequest { handle, .. }) => h = Some(handle),
                Output::SendHttp(x) => r = Some(x),
                _ => {}
            }
        }
        (h, r)
    };
    let feed = |s: &mut AcsSession, body: &[u8]| {
        s.handle_input(acs::Input::HttpRequest {
            now,
            request: IncomingRequest::new(body),
        })
        .unwrap();
    };
    feed(&mut s, &inform_of("SN1", "1"));
    drain(&mut s);
    let tc = enc(&Envelope::with_id(
        "2",
        TransferComplete::new(
            "k",
            FaultStruct::success(),
            DateTime::UNKNOWN,
            DateTime::UNKNOWN,
        ),
    ));
    feed(&mut s, &tc);
    let (h, _) = drain(&mut s);
    s.respond(now, h.unwrap(), Reply::fault(FaultCode::AcsRetryRequest))
        .unwrap();
    drain(&mut s);
    // The CPE sends the same bytes again, as asked: a new request for the application.
    assert!(!s.is_retry(&tc));
    feed(&mut s, &tc);
    let (again, _) = drain(&mut s);
    assert!(again.is_some_and(|a| Some(a) != h));
}

#[test]
fn a_second_empty_post_after_a_releasing_204_is_not_a_retry() {
    let now = t0();
    let mut s = AcsSession::new(Config::default(), now);
    let post = |s: &mut AcsSession, body: &[u8]| -> HttpResponse {
        s.handle_input(acs::Input::HttpRequest {
            now,
            request: IncomingRequest::new(body),
        })
        .unwrap();
        let mut r = None;
        while let Some(o) = s.poll_output() {
            match o {
                Output::Event(Event::Inform { .. }) => s.set_hold_requests(true),
                Output::Event(Event::AwaitingRequests) => s.finish(now),
                Output::SendHttp(x) => r = Some(x),
                _ => {}
            }
        }
        r.unwrap()
    };
    post(&mut s, &inform_of("SN1", "1"));
    // Empty POST under HoldRequests; the 204 releases it and the session may go on.
    let r = post(&mut s, b"");
    assert_eq!((r.status, r.session_ended), (204, false));
    assert!(!s.is_retry(b""));
    let r = post(&mut s, b"");
    assert_eq!((r.status, r.session_ended), (204, true));
    assert_eq!(s.end_reason(), Some(&EndReason::Completed));
}

#[test]
fn a_retry_is_told_by_length_then_digest_and_states_without_the_length_still_tell_it() {
    let inform = inform_of("SN1", "1");
    let (saved, _, _) = handle(None, &inform, t0());
    assert!(saved.is_retry(&inform));
    // Another Inform of the same length (one digit of the serial changed) is not a retry;
    // nor is one of another length.
    let same_len = inform_of("SN2", "1");
    assert_eq!(same_len.len(), inform.len());
    assert!(!saved.is_retry(&same_len));
    assert!(!saved.is_retry(&inform_of("SN10", "1")));
    // The length is saved beside the digest; a state written without it (by the release
    // before) is read, and a retry is then told by the digest alone.
    let mut json: serde_json::Value = serde_json::to_value(&saved).unwrap();
    assert_eq!(json["post_len"], inform.len());
    assert_eq!(json["last"]["post_len"], inform.len());
    json.as_object_mut().unwrap().remove("post_len");
    json["last"].as_object_mut().unwrap().remove("post_len");
    let older: SavedSession = serde_json::from_value(json).unwrap();
    assert!(older.is_retry(&inform));
    assert!(!older.is_retry(&same_len));
}
