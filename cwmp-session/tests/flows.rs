//! Every session flow of the issue, run CPE ⇄ ACS in memory through the real codec with
//! virtual time.

mod harness;

use std::time::Duration;

use cwmp_session::acs::{self, EndReason, RpcFailure};
use cwmp_session::cpe::{self, Deferred, Failure, SessionKind, TransportError};
use cwmp_session::http::SendReason;
use cwmp_session::{
    CpeRequest, EventQueue, HeartbeatPolicy, PeriodicInform, RetryPolicy, TransferKind,
};
use cwmp_types::*;
use harness::*;

/// What firmware does across a reboot: store the queue, load it back.
fn persist(q: &EventQueue) -> EventQueue {
    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_vec(q).unwrap();
        serde_json::from_slice(&json).unwrap()
    }
    #[cfg(not(feature = "serde"))]
    q.clone()
}

fn gpv(names: &[&str]) -> Request {
    GetParameterValues::new(names.iter().copied()).into()
}

fn with_params(p: &mut Pair) {
    p.cpe_app.params = vec![
        ("Device.DeviceInfo.SoftwareVersion".into(), "1.0".into()),
        ("Device.DeviceInfo.UpTime".into(), "42".into()),
    ];
}

#[test]
fn plain_session() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    with_params(&mut p);
    p.acs_app
        .scripts
        .push_back(vec![gpv(&["Device.DeviceInfo.UpTime"])]);
    p.run_sessions(1);

    assert_eq!(
        p.posted(),
        ["Inform", "empty", "GetParameterValuesResponse"]
    );
    assert_eq!(
        p.answered(),
        [
            (200, "InformResponse".to_owned()),
            (200, "GetParameterValues".to_owned()),
            (204, "empty".to_owned())
        ]
    );
    let inform = p.last_inform();
    assert_eq!(event_codes(inform), ["0 BOOTSTRAP", "1 BOOT"]);
    assert_eq!(inform.max_envelopes, 1);
    assert_eq!(inform.retry_count, 0);
    assert_eq!(inform.device_id, Pair::device());
    assert_eq!(
        inform.current_time.valid().map(|t| t.to_unix()),
        Some(UNIX_T0)
    );
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
    assert_eq!(p.cpe_app.ends[0].kind, SessionKind::Regular);
    assert!(p.cpe.event_queue().is_empty());
    assert!(!p.cpe.is_in_session());
    // The ACS saw the value and ended cleanly.
    let (_, resp) = &p.acs_app.responses[0];
    let Response::GetParameterValues(r) = resp else {
        panic!("{resp:?}")
    };
    assert_eq!(r.parameter_list[0].value.to_string(), "42");
    assert_eq!(p.acs_app.ends, [EndReason::Completed]);
    assert!(p.acs.as_ref().unwrap().is_ended());
    // Envelope details: the Inform carries a SOAPAction, the empty POST has no body.
    assert_eq!(p.posts[0].reason, SendReason::NewSession);
    assert_eq!(p.posts[0].soap_action.as_deref(), Some("Inform"));
    assert!(p.posts[1].is_empty_post && p.posts[1].body.is_empty());
    assert!(p.posts[1].content_type.is_none());
    assert_eq!(p.posts[2].soap_action, None);
    // The response echoes the ACS's cwmp:ID.
    let sent_id = decode(&p.posts[2].body).header.id;
    assert!(sent_id.is_some());
}

#[test]
fn cpe_requests_go_first_and_are_acknowledged() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    let rd = p
        .cpe
        .queue_request(
            p.now,
            CpeRequest::RequestDownload({
                let mut r = RequestDownload::default();
                r.file_type = "1 Firmware Upgrade Image".into();
                r
            }),
        )
        .unwrap();
    let grm = p
        .cpe
        .queue_request(p.now, CpeRequest::GetRpcMethods)
        .unwrap();
    with_params(&mut p);
    p.acs_app
        .scripts
        .push_back(vec![gpv(&["Device.DeviceInfo.UpTime"])]);
    p.run_sessions(1);
    assert_eq!(
        p.posted(),
        [
            "Inform",
            "RequestDownload",
            "GetRPCMethods",
            "empty",
            "GetParameterValuesResponse"
        ]
    );
    assert_eq!(event_codes(p.last_inform()), ["9 REQUEST DOWNLOAD"]);
    let acked: Vec<_> = p.cpe_app.acked.iter().map(|(h, _)| *h).collect();
    assert_eq!(acked, [rd, grm]);
    assert!(matches!(
        &p.cpe_app.acked[1].1,
        Response::GetRpcMethods(r) if r.method_list.contains(&"TransferComplete".to_owned())
    ));
    assert!(p.cpe.event_queue().is_empty());
    assert_eq!(p.acs_app.cpe_requests.len(), 2);
}

#[test]
fn hold_requests_defers_cpe_requests_until_released() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    with_params(&mut p);
    let tc = p
        .cpe
        .queue_request(
            p.now,
            CpeRequest::TransferComplete {
                kind: TransferKind::Download,
                body: TransferComplete::new(
                    "fw-1",
                    FaultStruct::success(),
                    DateTime::UNKNOWN,
                    DateTime::UNKNOWN,
                ),
            },
        )
        .unwrap();
    p.acs_app.hold_at_inform.push_back(true);
    p.acs_app
        .scripts
        .push_back(vec![gpv(&["Device.DeviceInfo.UpTime"])]);
    p.run_sessions(1);
    // The CPE holds its TransferComplete, sends the empty POST, answers the GPV; the 204
    // releases HoldRequests, so it sends the TransferComplete, then its final empty POST.
    assert_eq!(
        p.posted(),
        [
            "Inform",
            "empty",
            "GetParameterValuesResponse",
            "TransferComplete",
            "empty"
        ]
    );
    assert_eq!(p.answered().last().unwrap(), &(204, "empty".to_owned()));
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
    assert_eq!(p.cpe_app.acked[0].0, tc);
    assert!(p.cpe.event_queue().is_empty());
    assert_eq!(p.acs_app.ends, [EndReason::Completed]);
    // The InformResponse and the GPV carried HoldRequests.
    assert_eq!(p.acs_app.cpe_requests[0].method_name(), "TransferComplete");
}

#[test]
fn hold_requests_released_without_cpe_requests_ends_on_timeout_as_completed() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    with_params(&mut p);
    p.acs_app.hold_at_inform.push_back(true);
    p.run_sessions(1);
    assert_eq!(p.posted(), ["Inform", "empty"]);
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
    // The ACS cannot know whether held-back requests follow the 204: it waits.
    let acs = p.acs.as_ref().unwrap();
    assert!(!acs.is_ended());
    assert_eq!(acs.waiting_for().unwrap().step, acs::Step::CpeAfterHold);
    let sys = acs.poll_timeout().unwrap();
    let acs = p.acs.as_mut().unwrap();
    acs.handle_input(acs::Input::Timeout(sys)).unwrap();
    let _ = p.drain_acs();
    assert_eq!(p.acs_app.ends, [EndReason::Completed]);
}

#[test]
fn faults_both_ways() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    with_params(&mut p);
    let tc = p
        .cpe
        .queue_request(
            p.now,
            CpeRequest::TransferComplete {
                kind: TransferKind::Upload,
                body: TransferComplete::new(
                    "up-1",
                    FaultStruct::failure(FaultCode::UploadFailure),
                    DateTime::UNKNOWN,
                    DateTime::UNKNOWN,
                ),
            },
        )
        .unwrap();
    p.acs_app
        .cpe_request_faults
        .push_back(("TransferComplete".into(), FaultCode::AcsInternalError));
    p.acs_app.scripts.push_back(vec![
        gpv(&["Device.No.Such"]),
        gpv(&["Device.DeviceInfo.UpTime"]),
    ]);
    p.run_sessions(1);
    assert_eq!(
        p.posted(),
        [
            "Inform",
            "TransferComplete",
            "empty",
            "Fault",
            "GetParameterValuesResponse"
        ]
    );
    // The ACS's 8002 keeps the request (and its events) for the next session.
    assert_eq!(p.cpe_app.faulted.len(), 1);
    assert_eq!(p.cpe_app.faulted[0].0, tc);
    assert_eq!(
        p.cpe_app.faulted[0].1.fault_code,
        FaultCode::AcsInternalError
    );
    assert!(p.cpe_app.faulted[0].2);
    assert_eq!(
        event_codes(&Inform::new(
            Pair::device(),
            p.cpe.event_queue().inform_events()
        )),
        ["7 TRANSFER COMPLETE", "M Upload/up-1"]
    );
    // The CPE's 9005 reached the ACS application as a fault.
    assert_eq!(
        p.acs_app.faults[0].1.fault_code,
        FaultCode::InvalidParameterName
    );
    assert_eq!(p.acs_app.responses.len(), 1);
    // The session itself succeeded; a later session delivers the TransferComplete.
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
    p.cpe
        .queue_event(p.now, EventStruct::new(EventCode::ConnectionRequest), true)
        .unwrap();
    p.run_sessions(2);
    assert_eq!(
        event_codes(p.last_inform()),
        [
            "6 CONNECTION REQUEST",
            "7 TRANSFER COMPLETE",
            "M Upload/up-1"
        ]
    );
    assert_eq!(p.cpe_app.acked[0].0, tc);
    assert!(p.cpe.event_queue().is_empty());
}

#[test]
fn method_not_supported_drops_the_request() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    let h = p
        .cpe
        .queue_request(p.now, CpeRequest::Kicked(Kicked::default()))
        .unwrap();
    p.acs_app
        .cpe_request_faults
        .push_back(("Kicked".into(), FaultCode::AcsMethodNotSupported));
    p.run_sessions(1);
    assert_eq!(
        p.cpe_app.faulted,
        [(h, Fault::new(FaultCode::AcsMethodNotSupported), false)]
    );
    assert!(p.cpe.event_queue().is_empty());
}

#[test]
fn fault_8005_resends_the_same_request_bounded() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    let h = p.queue_transfer_complete_to_retry(2);
    p.run_sessions(1);
    assert_eq!(
        p.posted(),
        [
            "Inform",
            "AutonomousTransferComplete",
            "AutonomousTransferComplete",
            "AutonomousTransferComplete",
            "empty"
        ]
    );
    let reasons: Vec<_> = p.posts.iter().map(|r| r.reason).collect();
    assert_eq!(
        reasons,
        [
            SendReason::NewSession,
            SendReason::Continue,
            SendReason::RetryRequest,
            SendReason::RetryRequest,
            SendReason::Continue
        ]
    );
    // Same bytes (same cwmp:ID) each time.
    assert_eq!(p.posts[1].body, p.posts[3].body);
    assert_eq!(p.cpe_app.acked[0].0, h);

    // More 8005s than allowed: the request waits for the next session.
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    p.cpe
        .queue_request(p.now, CpeRequest::RequestDownload(request_download()))
        .unwrap();
    for _ in 0..10 {
        p.acs_app
            .cpe_request_faults
            .push_back(("RequestDownload".into(), FaultCode::AcsRetryRequest));
    }
    p.run_sessions(1);
    let sent = p
        .posted()
        .iter()
        .filter(|m| *m == "RequestDownload")
        .count();
    assert_eq!(sent, 1 + 4);
    assert!(p.cpe_app.faulted[0].2, "retained");
    assert_eq!(p.cpe.event_queue().requests().len(), 1);
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
}

#[test]
fn unauthorized_then_success() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.net.push_back(Net::Respond {
        status: 401,
        body: Vec::new(),
        location: None,
    });
    p.run_sessions(1);
    assert_eq!(p.posted(), ["Inform", "Inform", "empty"]);
    assert_eq!(p.posts[1].reason, SendReason::Authenticate);
    assert_eq!(p.posts[0].body, p.posts[1].body);
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));

    // Two 401s in a row (the default bound): the session fails and is retried.
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    for _ in 0..2 {
        p.net.push_back(Net::Respond {
            status: 401,
            body: Vec::new(),
            location: None,
        });
    }
    p.run_sessions(1);
    assert_eq!(p.cpe_app.ends[0].result, Err(Failure::AuthenticationFailed));
    assert_eq!(p.cpe.retry_count(), 1);
}

#[test]
fn redirect_is_followed_for_the_rest_of_the_session() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    with_params(&mut p);
    p.acs_app
        .scripts
        .push_back(vec![gpv(&["Device.DeviceInfo.UpTime"])]);
    p.net.push_back(Net::Respond {
        status: 302,
        body: Vec::new(),
        location: Some("http://acs2.example/cwmp".into()),
    });
    p.run_sessions(1);
    let urls: Vec<_> = p.posts.iter().map(|r| (r.reason, r.url.as_str())).collect();
    assert_eq!(
        urls,
        [
            (SendReason::NewSession, ACS_URL),
            (SendReason::Redirect, "http://acs2.example/cwmp"),
            (SendReason::Continue, "http://acs2.example/cwmp"),
            (SendReason::Continue, "http://acs2.example/cwmp"),
        ]
    );
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
    // The next session starts at ManagementServer.URL again.
    p.cpe
        .queue_event(p.now, EventStruct::new(EventCode::ConnectionRequest), true)
        .unwrap();
    p.run_sessions(2);
    assert_eq!(p.posts[4].url, ACS_URL);

    // More than 5 redirects fail the session.
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    for i in 0..6 {
        p.net.push_back(Net::Respond {
            status: 307,
            body: Vec::new(),
            location: Some(format!("http://hop{i}.example/")),
        });
    }
    p.run_sessions(1);
    assert_eq!(p.posted().len(), 6);
    assert_eq!(p.cpe_app.ends[0].result, Err(Failure::TooManyRedirects));
    // A redirect without Location is a failed status.
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.net.push_back(Net::Respond {
        status: 302,
        body: Vec::new(),
        location: None,
    });
    p.run_sessions(1);
    assert_eq!(p.cpe_app.ends[0].result, Err(Failure::HttpStatus(302)));
}

#[test]
fn timeout_fails_the_session_and_the_acs_reports_where_it_waited() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    with_params(&mut p);
    p.acs_app
        .scripts
        .push_back(vec![gpv(&["Device.DeviceInfo.UpTime"])]);
    // Inform, empty POST pass; the GPV response is lost.
    p.net.push_back(Net::Pass);
    p.net.push_back(Net::Pass);
    p.net.push_back(Net::Drop);
    p.run_sessions(1);
    let end = &p.cpe_app.ends[0];
    assert_eq!(end.result, Err(Failure::Timeout));
    assert_eq!(p.elapsed(), Duration::from_secs(30));
    assert_eq!(end.retry_count, 1);
    let wait = end.retry_at.unwrap().duration_since(p.now);
    assert!(
        wait >= Duration::from_secs(5) && wait <= Duration::from_secs(10),
        "{wait:?}"
    );
    // The BOOTSTRAP was delivered (InformResponse arrived): the retry carries no events.
    assert!(p.cpe.event_queue().inform_events().is_empty());

    // The ACS side: waiting for the CPE's response to GetParameterValues, then times out.
    let acs = p.acs.as_mut().unwrap();
    let w = acs.waiting_for().unwrap();
    assert_eq!(w.step, acs::Step::CpeResponse("GetParameterValues".into()));
    let deadline = acs.poll_timeout().unwrap();
    assert_eq!(deadline, w.since + Duration::from_secs(60));
    acs.handle_input(acs::Input::Timeout(w.since + Duration::from_secs(59)))
        .unwrap();
    assert!(!acs.is_ended(), "early timeouts are harmless");
    acs.handle_input(acs::Input::Timeout(deadline)).unwrap();
    let _ = p.drain_acs();
    assert!(matches!(
        &p.acs_app.ends[0],
        EndReason::TimedOut { step: acs::Step::CpeResponse(m), .. } if m == "GetParameterValues"
    ));
    assert!(matches!(p.acs_app.failures[0].1, RpcFailure::Unanswered));

    // The retry happens in the window and succeeds.
    p.run_sessions(2);
    assert_eq!(p.last_inform().retry_count, 1);
    assert_eq!(p.cpe_app.ends[1].result, Ok(()));
    assert_eq!(p.cpe.retry_count(), 0);
}

#[test]
fn failures_then_retries_follow_the_spec_table() {
    let table = [
        (5, 10),
        (10, 20),
        (20, 40),
        (40, 80),
        (80, 160),
        (160, 320),
        (320, 640),
        (640, 1280),
        (1280, 2560),
        (2560, 5120),
        (2560, 5120),
        (2560, 5120),
    ];
    for seed in [1u64, 7, 99] {
        let mut config = Pair::config();
        config.seed = seed;
        // No periodic informs joining the retries (the waits reach 85 minutes).
        config.fallback_periodic_interval = None;
        let mut p = Pair::new(config, EventQueue::bootstrap());
        let outcomes = [
            Net::Fail(TransportError::Connect),
            Net::Respond {
                status: 500,
                body: Vec::new(),
                location: None,
            },
            Net::Fail(TransportError::Tls),
            Net::Respond {
                status: 200,
                body: b"<not-xml".to_vec(),
                location: None,
            },
            Net::Fail(TransportError::ConnectionLost),
            Net::Respond {
                status: 404,
                body: Vec::new(),
                location: None,
            },
            Net::Respond {
                status: 200,
                body: Vec::new(),
                location: None,
            },
            Net::Fail(TransportError::Connect),
            Net::Fail(TransportError::Connect),
            Net::Fail(TransportError::Connect),
            Net::Fail(TransportError::Connect),
            Net::Fail(TransportError::Connect),
        ];
        let n = outcomes.len();
        p.net.extend(outcomes);
        let mut last_end = p.now;
        for (i, (lo, hi)) in table.iter().enumerate() {
            p.run_sessions(i + 1);
            let end = &p.cpe_app.ends[i];
            assert!(end.result.is_err());
            assert_eq!(end.retry_count, i as u32 + 1);
            let wait = end.retry_at.unwrap().duration_since(p.now);
            assert!(
                wait >= Duration::from_secs(*lo) && wait <= Duration::from_secs(*hi),
                "retry {}: {wait:?} not in {lo}..={hi}",
                i + 1
            );
            // The Inform of this attempt carried the count before the failure.
            assert_eq!(p.last_inform().retry_count, i as u32);
            // Every attempt carries the undelivered BOOTSTRAP and BOOT.
            assert_eq!(event_codes(p.last_inform()), ["0 BOOTSTRAP", "1 BOOT"]);
            assert!(p.now >= last_end);
            last_end = p.now;
        }
        assert_eq!(p.cpe_app.ends.len(), n);
        assert!(matches!(
            p.cpe_app.ends[1].result,
            Err(Failure::HttpStatus(500))
        ));
        assert!(matches!(
            p.cpe_app.ends[3].result,
            Err(Failure::UndecodableResponse(_))
        ));
        assert!(matches!(
            p.cpe_app.ends[6].result,
            Err(Failure::ProtocolViolation(_))
        ));
        // The next attempt starts no earlier than retry_at and succeeds; the count resets.
        let due = p.cpe_app.ends[n - 1].retry_at.unwrap();
        p.run_sessions(n + 1);
        assert_eq!(p.last_inform().retry_count, n as u32);
        assert!(p.now >= due);
        assert_eq!(p.cpe_app.ends[n].result, Ok(()));
        assert_eq!(p.cpe.retry_count(), 0);
        assert!(p.cpe.event_queue().is_empty());
    }
}

#[test]
fn custom_retry_policy_windows() {
    let mut config = Pair::config();
    config.retry_policy = RetryPolicy::new(30, 1500).unwrap();
    let mut p = Pair::new(config, EventQueue::bootstrap());
    p.net.push_back(Net::Fail(TransportError::Connect));
    p.net.push_back(Net::Fail(TransportError::Connect));
    p.run_sessions(2);
    let w1 = p.cpe_app.ends[0].retry_at.unwrap();
    let w2 = p.cpe_app.ends[1].retry_at.unwrap();
    let d2 = w2.duration_since(p.now);
    assert!(
        d2 >= Duration::from_secs(45) && d2 <= Duration::from_millis(67_500),
        "{d2:?}"
    );
    assert!(w1 <= p.now);
}

#[test]
fn reboot_with_persisted_events() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.acs_app
        .scripts
        .push_back(vec![Reboot::new("rb-7").into()]);
    p.run_sessions(1);
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
    assert_eq!(
        p.cpe_app.deferred,
        [Deferred::Reboot {
            command_key: "rb-7".into()
        }]
    );
    // Something else happened before the reboot: a value change that was not delivered.
    p.cpe
        .queue_event(p.now, EventStruct::new(EventCode::ValueChange), false)
        .unwrap();
    // Persist, "reboot", restore.
    let mut queue = persist(p.cpe.event_queue());
    assert_eq!(&queue, p.cpe.event_queue());
    queue.on_reboot();
    let mut p2 = Pair::at(p.now, Pair::config(), queue);
    p2.run_sessions(1);
    assert_eq!(event_codes(p2.last_inform()), ["1 BOOT", "M Reboot/rb-7"]);
    assert_eq!(p2.cpe_app.ends[0].result, Ok(()));
    assert!(p2.cpe.event_queue().is_empty());
}

#[test]
fn retry_count_survives_a_reboot() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.net.push_back(Net::Fail(TransportError::Connect));
    p.net.push_back(Net::Fail(TransportError::Connect));
    p.run_sessions(2);
    let mut queue = persist(p.cpe.event_queue());
    queue.on_reboot();
    assert_eq!(queue.retry_count(), 2);
    let mut p2 = Pair::at(p.now, Pair::config(), queue);
    p2.run_sessions(1);
    assert_eq!(p2.last_inform().retry_count, 2);
    assert_eq!(event_codes(p2.last_inform()), ["0 BOOTSTRAP", "1 BOOT"]);
}

#[test]
fn bootstrap_on_acs_url_change() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    p.cpe
        .queue_event(p.now, EventStruct::new(EventCode::Boot), false)
        .unwrap();
    p.cpe
        .queue_event(p.now, EventStruct::new(EventCode::ValueChange), false)
        .unwrap();
    p.cpe
        .queue_request(p.now, CpeRequest::RequestDownload(request_download()))
        .unwrap();
    // The first session fails (the old ACS is gone) ...
    p.net.push_back(Net::Fail(TransportError::Connect));
    p.run_sessions(1);
    // ... and the device is pointed at a new ACS: BOOTSTRAP drops what was queued for the
    // old one except BOOT, and does not wait for the retry back-off.
    p.cpe.set_acs_url(p.now, "http://new-acs.example/").unwrap();
    p.run_sessions(2);
    assert_eq!(event_codes(p.last_inform()), ["0 BOOTSTRAP", "1 BOOT"]);
    assert_eq!(p.posts.last().unwrap().url, "http://new-acs.example/");
    assert_eq!(p.cpe_app.ends[1].result, Ok(()));
    assert!(p.cpe.event_queue().is_empty());
    assert!(p.acs_app.cpe_requests.is_empty());
}

#[test]
fn download_then_transfer_complete_across_a_reboot() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    let mut dl = Download::new(
        "fw-2",
        "1 Firmware Upgrade Image",
        "http://files.example/fw.bin",
    );
    dl.file_size = 1234;
    p.acs_app.scripts.push_back(vec![dl.clone().into()]);
    p.run_sessions(1);
    // The download is accepted with Status 1 and handed over after the session.
    assert!(matches!(
        &p.acs_app.responses[0].1,
        Response::Download(r) if r.status == 1
    ));
    assert_eq!(p.cpe_app.deferred, [Deferred::Download(dl)]);
    // The firmware downloads, installs, queues the TransferComplete, persists, reboots.
    p.now += Duration::from_secs(300);
    p.cpe
        .queue_request(
            p.now,
            CpeRequest::TransferComplete {
                kind: TransferKind::Download,
                body: TransferComplete::new(
                    "fw-2",
                    FaultStruct::success(),
                    DateTime::from_unix(UNIX_T0 + 10),
                    DateTime::from_unix(UNIX_T0 + 290),
                ),
            },
        )
        .unwrap();
    let mut queue = persist(p.cpe.event_queue());
    queue.on_reboot();
    let mut p2 = Pair::at(p.now, Pair::config(), queue);
    p2.run_sessions(1);
    assert_eq!(
        event_codes(p2.last_inform()),
        ["1 BOOT", "7 TRANSFER COMPLETE", "M Download/fw-2"]
    );
    assert_eq!(p2.posted(), ["Inform", "TransferComplete", "empty"]);
    let Request::TransferComplete(tc) = &p2.acs_app.cpe_requests[0] else {
        panic!()
    };
    assert_eq!(tc.command_key, "fw-2");
    assert!(tc.fault_struct.is_success());
    assert!(p2.cpe.event_queue().is_empty());
}

#[test]
fn schedule_inform_fires_after_the_delay() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.acs_app
        .scripts
        .push_back(vec![ScheduleInform::new(120, "si-1").into()]);
    p.run_sessions(1);
    let ended = p.now;
    p.run_sessions(2);
    assert_eq!(
        event_codes(p.last_inform()),
        ["3 SCHEDULED", "M ScheduleInform/si-1"]
    );
    let d = p.now.duration_since(ended);
    assert!(
        d >= Duration::from_secs(119) && d <= Duration::from_secs(120),
        "{d:?}"
    );
    assert!(p.cpe.event_queue().is_empty());
}

#[test]
fn version_negotiation() {
    // 1.4 both sides: SupportedCWMPVersions, UseCWMPVersion 1.4, namespace 1-2.
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.run_sessions(1);
    let inform = decode(&p.posts[0].body);
    assert_eq!(inform.namespace, CwmpNamespace::Cwmp1_2);
    assert_eq!(
        inform.header.supported_cwmp_versions.as_deref(),
        Some(&CwmpVersion::ALL[..])
    );
    assert_eq!(p.acs_app.informs[0].1, CwmpVersion::V1_4);
    assert_eq!(p.cpe_app.established, [CwmpVersion::V1_4]);

    // A 1.2 ACS: it picks 1.2 from the CPE's list.
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.acs_config.versions = vec![CwmpVersion::V1_0, CwmpVersion::V1_1, CwmpVersion::V1_2];
    p.run_sessions(1);
    assert_eq!(p.cpe_app.established, [CwmpVersion::V1_2]);

    // A 1.1-only CPE: no SupportedCWMPVersions, namespace 1-1, the ACS answers in 1-1.
    let mut config = Pair::config();
    config.versions = vec![CwmpVersion::V1_0, CwmpVersion::V1_1];
    let mut p = Pair::new(config, EventQueue::bootstrap());
    p.acs_app
        .scripts
        .push_back(vec![gpv(&["Device.DeviceInfo.UpTime"])]);
    p.cpe_app.fault_next.push_back(FaultCode::ResourcesExceeded);
    p.run_sessions(1);
    let inform = decode(&p.posts[0].body);
    assert_eq!(inform.namespace, CwmpNamespace::Cwmp1_1);
    assert!(inform.header.supported_cwmp_versions.is_none());
    assert_eq!(p.acs_app.informs[0].1, CwmpVersion::V1_1);
    assert_eq!(decode(&p.posts[2].body).namespace, CwmpNamespace::Cwmp1_1);

    // No common version: the ACS answers 8006 and ends the session.
    let mut config = Pair::config();
    config.versions = vec![CwmpVersion::V1_4];
    let mut p = Pair::new(config, EventQueue::bootstrap());
    p.acs_config.versions = vec![CwmpVersion::V1_0];
    p.net.push_back(Net::Pass);
    p.run_sessions(1);
    assert!(matches!(
        &p.cpe_app.ends[0].result,
        Err(Failure::InformFault(f)) if f.fault_code == FaultCode::AcsVersionIncompatible
    ));
    assert_eq!(p.acs_app.ends, [EndReason::VersionIncompatible]);

    // An ACS that faults 8006 although it could talk an older version: the CPE falls back
    // to the next older namespace without SupportedCWMPVersions.
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    let fault = encode(&Envelope::with_id(
        "1",
        Fault::new(FaultCode::AcsVersionIncompatible),
    ));
    p.net.push_back(Net::Respond {
        status: 200,
        body: fault,
        location: None,
    });
    p.run_sessions(2);
    let second = decode(&p.posts[1].body);
    assert_eq!(second.namespace, CwmpNamespace::Cwmp1_1);
    assert!(second.header.supported_cwmp_versions.is_none());
    assert_eq!(p.cpe_app.ends[1].result, Ok(()));
    assert_eq!(p.cpe_app.established, [CwmpVersion::V1_1]);
}

#[test]
fn cpe_rejects_a_version_it_does_not_support() {
    let mut config = Pair::config();
    config.versions = vec![CwmpVersion::V1_2, CwmpVersion::V1_3, CwmpVersion::V1_4];
    let mut p = Pair::new(config, EventQueue::bootstrap());
    // A broken ACS answers in 1-0 without UseCWMPVersion.
    p.net.push_back(Net::Respond {
        status: 200,
        body: encode(
            &Envelope::with_id("1", InformResponse::new()).in_namespace(CwmpNamespace::Cwmp1_0),
        ),
        location: None,
    });
    p.run_sessions(1);
    assert_eq!(
        p.cpe_app.ends[0].result,
        Err(Failure::UnsupportedVersion(CwmpVersion::V1_0))
    );
    // The events stay queued.
    assert_eq!(p.cpe.event_queue().inform_events().len(), 2);
}

#[test]
fn vendor_rpc() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.acs_app.scripts.push_back(vec![
        Request::Unknown(UnknownMethod::new("X_ACME_Frobnicate", "<Level>3</Level>")),
        Request::Unknown(UnknownMethod::new("X_ACME_Unsupported", "")),
    ]);
    p.run_sessions(1);
    let Request::Unknown(u) = &p.cpe_app.requests[0] else {
        panic!()
    };
    assert_eq!(u.name, "X_ACME_Frobnicate");
    assert!(u.xml.contains("<Level>3</Level>"), "{}", u.xml);
    let Response::Unknown(r) = &p.acs_app.responses[0].1 else {
        panic!()
    };
    assert_eq!(r.name, "X_ACME_FrobnicateResponse");
    assert!(r.xml.contains("frobbed"));
    assert_eq!(
        p.acs_app.faults[0].1.fault_code,
        FaultCode::MethodNotSupported
    );
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
}

#[test]
fn quirk_empty_200_instead_of_204() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.net.push_back(Net::Pass);
    p.net.push_back(Net::Rewrite(|status, body| {
        assert_eq!(status, 204);
        (200, body)
    }));
    p.run_sessions(1);
    assert_eq!(p.answered()[1], (200, "empty".to_owned()));
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
}

#[test]
fn heartbeat_sessions_are_separate_and_not_retried() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    p.cpe.set_heartbeat(
        p.now,
        UNIX_T0,
        HeartbeatPolicy::new(true, 60, DateTime::from_unix(UNIX_T0)).unwrap(),
    );
    p.run_sessions(1);
    assert_eq!(p.cpe_app.ends[0].kind, SessionKind::Heartbeat);
    assert_eq!(p.elapsed(), Duration::from_secs(60));
    assert_eq!(event_codes(p.last_inform()), ["14 HEARTBEAT"]);
    assert_eq!(p.last_inform().retry_count, 0);
    // A failed heartbeat is not retried; the next one comes a ReportingInterval later.
    p.net.push_back(Net::Fail(TransportError::Connect));
    p.run_sessions(2);
    assert_eq!(p.cpe_app.ends[1].retry_at, None);
    assert_eq!(p.cpe.retry_count(), 0);
    p.run_sessions(3);
    assert_eq!(p.elapsed(), Duration::from_secs(180));
    assert_eq!(p.cpe_app.ends[2].kind, SessionKind::Heartbeat);
    // Queued events never ride in a heartbeat: a regular session carries them.
    p.cpe
        .queue_event(p.now, EventStruct::new(EventCode::ValueChange), true)
        .unwrap();
    p.run_sessions(4);
    assert_eq!(p.cpe_app.ends[3].kind, SessionKind::Regular);
    assert_eq!(event_codes(p.last_inform()), ["4 VALUE CHANGE"]);
}

#[test]
fn periodic_inform_fallback_and_alignment() {
    // Nothing configured: the 15-minute fallback keeps the device in contact.
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    p.run_sessions(1);
    assert_eq!(p.elapsed(), Duration::from_secs(15 * 60));
    assert_eq!(event_codes(p.last_inform()), ["2 PERIODIC"]);
    p.run_sessions(2);
    assert_eq!(p.elapsed(), Duration::from_secs(30 * 60));

    // The ACS sets an interval of 1 hour aligned to xx:00:00 + 10 minutes.
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    let reference = DateTime::from_unix(UNIX_T0 - (UNIX_T0 % 3600) + 600);
    p.cpe.set_periodic_inform(
        p.now,
        UNIX_T0,
        PeriodicInform::new(true, 3600, reference).unwrap(),
    );
    p.run_sessions(1);
    assert_eq!(p.unix_now() % 3600, 600);
    assert!(p.elapsed() <= Duration::from_secs(3600));
    p.run_sessions(2);
    assert_eq!(p.unix_now() % 3600, 600);

    // Disabled by the ACS: no periodic informs at all.
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    p.cpe.set_periodic_inform(
        p.now,
        UNIX_T0,
        PeriodicInform::new(false, 3600, DateTime::UNKNOWN).unwrap(),
    );
    assert_eq!(p.cpe.poll_timeout(), None);
}

#[test]
fn active_notification_throttle() {
    let mut config = Pair::config();
    config.active_notification_throttle = Duration::from_secs(100);
    let mut p = Pair::new(config, EventQueue::bootstrap());
    p.run_sessions(1);
    let t = p.now;
    p.cpe
        .queue_event(p.now, EventStruct::new(EventCode::ValueChange), true)
        .unwrap();
    p.run_sessions(2);
    assert_eq!(p.now.duration_since(t), Duration::from_secs(100));
    // A connection request is not throttled.
    p.cpe
        .queue_event(p.now, EventStruct::new(EventCode::ValueChange), true)
        .unwrap();
    p.cpe
        .queue_event(p.now, EventStruct::new(EventCode::ConnectionRequest), true)
        .unwrap();
    let t = p.now;
    p.run_sessions(3);
    assert_eq!(p.now, t);
    assert_eq!(
        event_codes(p.last_inform()),
        ["4 VALUE CHANGE", "6 CONNECTION REQUEST"]
    );
}

#[test]
fn active_notification_throttle_set_while_running() {
    // DefaultActiveNotificationThrottle as the ACS sets it: applied to the running machine.
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.run_sessions(1);
    p.cpe
        .set_active_notification_throttle(Duration::from_secs(40));
    assert_eq!(
        p.cpe.config().active_notification_throttle,
        Duration::from_secs(40)
    );
    let t = p.now;
    p.cpe
        .queue_event(p.now, EventStruct::new(EventCode::ValueChange), true)
        .unwrap();
    p.run_sessions(2);
    assert_eq!(p.now.duration_since(t), Duration::from_secs(40));
}

#[test]
fn factory_reset_and_deferred_actions() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.acs_app.scripts.push_back(vec![
        FactoryReset::default().into(),
        Upload::new("up", "1 Vendor Configuration File", "http://x/").into(),
    ]);
    p.run_sessions(1);
    assert_eq!(p.cpe_app.deferred.len(), 1, "{:?}", p.cpe_app.deferred);
    assert_eq!(p.cpe_app.deferred[0], Deferred::FactoryReset);
    // The Upload was answered with 9000 by this application: nothing deferred for it.
    assert!(matches!(p.cpe_app.requests[1], Request::Upload(_)));
    // After the reset the firmware starts over with BOOTSTRAP and BOOT.
    let mut q = p.cpe.event_queue().clone();
    q.on_factory_reset();
    assert_eq!(
        q.inform_events()
            .iter()
            .map(|e| e.event_code.to_string())
            .collect::<Vec<_>>(),
        ["0 BOOTSTRAP", "1 BOOT"]
    );
    assert_eq!(q.retry_count(), 0);
}

#[test]
fn cpe_api_misuse() {
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    let now = p.now;
    let queued = fake_handle(&mut p);
    assert!(
        p.cpe
            .respond(now, queued, Reply::fault(FaultCode::InternalError))
            .is_err()
    );
    assert!(p.cpe.abort(now).is_err());
    assert!(
        p.cpe
            .handle_input(cpe::Input::HttpResponse {
                now,
                response: cwmp_session::http::IncomingResponse::new(200, b""),
            })
            .is_err()
    );
    p.cpe
        .start_session(now, cpe::InformArgs::new(DateTime::UNKNOWN, vec![]))
        .unwrap();
    assert!(
        p.cpe
            .start_session(now, cpe::InformArgs::new(DateTime::UNKNOWN, vec![]))
            .is_err()
    );
    p.cpe.abort(now).unwrap();
}

use cwmp_session::Reply;

fn fake_handle(p: &mut Pair) -> cwmp_session::RpcHandle {
    // A handle from the queue is not an ACS-request handle.
    p.cpe
        .queue_request(p.now, CpeRequest::GetRpcMethods)
        .unwrap()
}

#[test]
fn wrong_response_is_misuse() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    p.acs_app
        .scripts
        .push_back(vec![gpv(&["Device.DeviceInfo.UpTime"])]);
    // Drive by hand up to the ACS request.
    let mut handle = None;
    for _ in 0..20 {
        p.pump_until_request(&mut handle);
        if handle.is_some() {
            break;
        }
    }
    let h = handle.expect("an ACS request");
    let now = p.now;
    let err = p
        .cpe
        .respond(now, h, Reply::response(RebootResponse::default()))
        .unwrap_err();
    assert!(matches!(
        err,
        cwmp_session::SessionError::ApiMisuse(cwmp_session::Misuse::WrongResponse { .. })
    ));
    p.cpe
        .respond(
            now,
            h,
            Reply::response(GetParameterValuesResponse::new(vec![])),
        )
        .unwrap();
    assert!(
        p.cpe
            .respond(
                now,
                h,
                Reply::response(GetParameterValuesResponse::new(vec![]))
            )
            .is_err()
    );
}

trait PumpUntil {
    fn pump_until_request(&mut self, out: &mut Option<cwmp_session::RpcHandle>);
}

impl PumpUntil for Pair {
    fn pump_until_request(&mut self, out: &mut Option<cwmp_session::RpcHandle>) {
        while let Some(o) = self.cpe.poll_output() {
            match o {
                cpe::Output::SendHttp(req) => {
                    let (s, b) = self.post_to_acs(&req);
                    let now = self.now;
                    self.cpe
                        .handle_input(cpe::Input::HttpResponse {
                            now,
                            response: cwmp_session::http::IncomingResponse::new(s, &b),
                        })
                        .unwrap();
                }
                cpe::Output::Event(cpe::Event::InformDue { .. }) => {
                    let now = self.now;
                    self.cpe
                        .start_session(now, cpe::InformArgs::new(DateTime::UNKNOWN, vec![]))
                        .unwrap();
                }
                cpe::Output::Event(cpe::Event::AcsRequest { handle, .. }) => {
                    *out = Some(handle);
                    return;
                }
                _ => {}
            }
        }
    }
}

#[test]
fn quirk_acs_request_without_cwmp_id() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    with_params(&mut p);
    p.acs_app
        .scripts
        .push_back(vec![gpv(&["Device.DeviceInfo.UpTime"])]);
    p.net.push_back(Net::Pass);
    // The GPV reaches the CPE without its cwmp:ID.
    p.net.push_back(Net::Rewrite(|status, body| {
        let mut env = decode(&body);
        env.header.id = None;
        (status, encode(&env))
    }));
    p.run_sessions(1);
    assert_eq!(p.cpe_app.ends[0].result, Ok(()));
    // The CPE answers without an ID; the ACS matches the response anyway.
    assert_eq!(decode(&p.posts[2].body).header.id, None);
    assert_eq!(p.acs_app.responses.len(), 1);
    assert!(
        p.acs_app
            .diagnostics
            .iter()
            .any(|d| d.message == "response without cwmp:ID")
    );
}

#[test]
fn change_du_state_then_du_state_change_complete() {
    let mut p = Pair::new(Pair::config(), EventQueue::bootstrap());
    let cds = change_du_state("du-1");
    p.acs_app.scripts.push_back(vec![cds.into()]);
    p.cpe_app.fault_next.clear();
    p.run_sessions(1);
    // This application does not implement ChangeDUState: 9000, nothing deferred.
    assert!(p.cpe_app.deferred.is_empty());
    assert_eq!(
        p.acs_app.faults[0].1.fault_code,
        FaultCode::MethodNotSupported
    );

    // One that does: the DUStateChangeComplete follows in the next session.
    let mut p = Pair::new(Pair::config(), EventQueue::new());
    let done = du_state_change_complete("du-1");
    p.cpe
        .queue_request(p.now, CpeRequest::DuStateChangeComplete(done))
        .unwrap();
    p.run_sessions(1);
    assert_eq!(
        event_codes(p.last_inform()),
        ["11 DU STATE CHANGE COMPLETE", "M ChangeDUState/du-1"]
    );
    assert_eq!(p.posted(), ["Inform", "DUStateChangeComplete", "empty"]);
    assert!(p.cpe.event_queue().is_empty());
}
