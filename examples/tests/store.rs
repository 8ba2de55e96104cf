//! The session store of the example ACS, against both backends: memory, and a real
//! `redis-server` started by each test on a free loopback port. Compare-and-set under racing
//! writers, device records written with the session, deadlines for the sweeper, TTLs, locks,
//! and AcsSession states racing through the store.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::redis::RedisServer;
use cwmp_examples::store::{Cap, Caps, CasOutcome, Store, StoreConfig, Stored, Write};
use cwmp_session::acs::{self, AcsSession, Config, Event, Output, SavedSession};
use cwmp_session::http::{HttpResponse, IncomingRequest};
use cwmp_types::*;

/// Runs `test` on a memory store and on a store in a fresh redis-server.
async fn both<F, Fut>(config: StoreConfig, test: F)
where
    F: Fn(Arc<Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let memory = Store::open("memory", config.clone()).await.unwrap();
    assert!(!memory.is_shared());
    test(Arc::new(memory)).await;
    let server = RedisServer::start();
    let redis = Store::open(&server.url(), config).await.unwrap();
    assert!(redis.is_shared());
    test(Arc::new(redis)).await;
    drop(server);
}

fn write<'a>(key: &'a str, expected: Option<u64>, revision: u64, state: &'a [u8]) -> Write<'a> {
    Write {
        key,
        expected,
        revision,
        state,
        deadline: Some(SystemTime::now() + Duration::from_secs(60)),
        device: None,
        device_changed: true,
        unlock: None,
        caps: None,
        connection_request_due: None,
    }
}

#[tokio::test]
async fn compare_and_set_writes_only_over_the_expected_revision() {
    both(StoreConfig::default(), |s| async move {
        assert_eq!(s.load("k").await.unwrap(), None);
        assert!(
            s.compare_and_set(write("k", None, 1, b"one"))
                .await
                .unwrap()
        );
        // A second creator loses; so does a writer that expected another revision.
        assert!(
            !s.compare_and_set(write("k", None, 1, b"other"))
                .await
                .unwrap()
        );
        assert!(
            !s.compare_and_set(write("k", Some(0), 2, b"stale"))
                .await
                .unwrap()
        );
        assert!(
            s.compare_and_set(write("k", Some(1), 2, b"two"))
                .await
                .unwrap()
        );
        assert_eq!(
            s.load("k").await.unwrap(),
            Some(Stored {
                revision: 2,
                state: b"two".to_vec()
            })
        );
        // The device record goes with a successful write only.
        let mut w = write("k", Some(1), 3, b"late");
        w.device = Some(("SN1", b"refused"));
        assert!(!s.compare_and_set(w).await.unwrap());
        assert_eq!(s.device("SN1").await.unwrap(), None);
        let mut w = write("k", Some(2), 3, b"three");
        w.device = Some(("SN1", b"record"));
        assert!(s.compare_and_set(w).await.unwrap());
        assert_eq!(s.device("SN1").await.unwrap(), Some(b"record".to_vec()));
        // One round trip gives the session and the record of its device.
        let (stored, device) = s.load_with_device("k").await.unwrap();
        assert_eq!(stored.unwrap().state, b"three");
        assert_eq!(device, Some(b"record".to_vec()));
        assert_eq!(s.load_with_device("none").await.unwrap(), (None, None));
        s.put_device("SN2", b"other").await.unwrap();
        let mut devices = s.devices().await.unwrap();
        devices.sort();
        assert_eq!(
            devices,
            [
                ("SN1".to_owned(), b"record".to_vec()),
                ("SN2".to_owned(), b"other".to_vec())
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_lost_compare_and_set_returns_what_is_stored_in_the_same_round_trip() {
    both(StoreConfig::default(), |s| async move {
        // Nothing stored under the key: a conflict with nothing to return.
        assert_eq!(
            s.compare_and_set_or_load(write("k", Some(4), 5, b"x"))
                .await
                .unwrap(),
            CasOutcome::Conflict(None, None)
        );
        let mut w = write("k", None, 1, b"one");
        w.device = Some(("SN1", b"record-1"));
        assert_eq!(
            s.compare_and_set_or_load(w).await.unwrap(),
            CasOutcome::Written
        );
        let trips = s.round_trips();
        // Another writer came first: the session and its device's record come back.
        let stale = write("k", Some(0), 1, b"stale");
        let CasOutcome::Conflict(Some(stored), device) =
            s.compare_and_set_or_load(stale).await.unwrap()
        else {
            panic!("the stale write won");
        };
        assert_eq!((stored.revision, stored.state), (1, b"one".to_vec()));
        assert_eq!(device, Some(b"record-1".to_vec()));
        if s.is_shared() {
            assert_eq!(s.round_trips(), trips + 1);
        }
        // An unchanged device record is not written again (the bytes given are ignored).
        let mut w = write("k", Some(1), 2, b"two");
        w.device = Some(("SN1", b"not-sent"));
        w.device_changed = false;
        assert_eq!(
            s.compare_and_set_or_load(w).await.unwrap(),
            CasOutcome::Written
        );
        assert_eq!(s.device("SN1").await.unwrap(), Some(b"record-1".to_vec()));
        // The session still names its device.
        let (_, device) = s.load_with_device("k").await.unwrap();
        assert_eq!(device, Some(b"record-1".to_vec()));
    })
    .await;
}

#[tokio::test]
async fn an_informs_lock_comes_with_the_record_and_goes_with_the_write() {
    both(StoreConfig::default(), |s| async move {
        s.put_device("SN7", b"seven").await.unwrap();
        let (ttl, wait) = (Duration::from_secs(10), Duration::from_millis(30));
        let got = s
            .lock_and_get_device("device:SN7", "node-a", ttl, wait, "SN7")
            .await
            .unwrap();
        assert_eq!(got, Some(Some(b"seven".to_vec())));
        // Taken: another node waits, then gives up.
        let other = s
            .lock_and_get_device("device:SN7", "node-b", ttl, wait, "SN7")
            .await
            .unwrap();
        assert_eq!(other, None);
        // A write that names another holder's token leaves the lock alone.
        let mut w = write("k", None, 1, b"one");
        w.unlock = Some(("device:SN7", "node-b"));
        assert_eq!(
            s.compare_and_set_or_load(w).await.unwrap(),
            CasOutcome::Written
        );
        assert!(!s.try_lock("device:SN7", "node-b", ttl).await.unwrap());
        // The holder's write releases it; a failed write would not have.
        let mut w = write("k", Some(0), 2, b"stale");
        w.unlock = Some(("device:SN7", "node-a"));
        assert!(matches!(
            s.compare_and_set_or_load(w).await.unwrap(),
            CasOutcome::Conflict(..)
        ));
        assert!(!s.try_lock("device:SN7", "node-b", ttl).await.unwrap());
        let mut w = write("k", Some(1), 2, b"two");
        w.unlock = Some(("device:SN7", "node-a"));
        assert_eq!(
            s.compare_and_set_or_load(w).await.unwrap(),
            CasOutcome::Written
        );
        // A device never written: the lock, and no record.
        assert_eq!(
            s.lock_and_get_device("device:SN7", "node-b", ttl, wait, "SN7")
                .await
                .unwrap(),
            Some(Some(b"seven".to_vec()))
        );
        assert_eq!(
            s.lock_and_get_device("device:NEW", "node-b", ttl, wait, "NEW")
                .await
                .unwrap(),
            Some(None)
        );
    })
    .await;
}

#[tokio::test]
async fn cluster_wide_caps_hold_for_new_sessions_and_new_devices() {
    both(StoreConfig::default(), |s| async move {
        let caps = Some(Caps {
            sessions: 2,
            devices: 2,
        });
        let session = |key: &'static str, serial: Option<&'static str>| {
            let mut w = write(key, None, 1, b"s");
            w.caps = caps;
            w.device = serial.map(|d| (d, &b"record"[..]));
            w
        };
        assert_eq!(
            s.compare_and_set_or_load(session("a", Some("D1")))
                .await
                .unwrap(),
            CasOutcome::Written
        );
        assert_eq!(
            s.compare_and_set_or_load(session("b", Some("D2")))
                .await
                .unwrap(),
            CasOutcome::Written
        );
        // Two live sessions: a third is refused, whatever its device.
        assert_eq!(
            s.compare_and_set_or_load(session("c", Some("D1")))
                .await
                .unwrap(),
            CasOutcome::Full(Cap::Sessions)
        );
        assert_eq!(s.load("c").await.unwrap(), None);
        // A session that ends frees its place; a third device is still one too many.
        let mut ended = write("a", Some(1), 2, b"ended");
        ended.deadline = None;
        ended.caps = caps;
        assert_eq!(
            s.compare_and_set_or_load(ended).await.unwrap(),
            CasOutcome::Written
        );
        assert_eq!(
            s.compare_and_set_or_load(session("c", Some("D3")))
                .await
                .unwrap(),
            CasOutcome::Full(Cap::Devices)
        );
        assert_eq!(s.device("D3").await.unwrap(), None);
        assert_eq!(
            s.compare_and_set_or_load(session("c", Some("D1")))
                .await
                .unwrap(),
            CasOutcome::Written
        );
        // Writes of live sessions go on at the cap; without caps nothing is counted.
        let mut next = write("c", Some(1), 2, b"next");
        next.caps = caps;
        assert_eq!(
            s.compare_and_set_or_load(next).await.unwrap(),
            CasOutcome::Written
        );
        let mut free = write("d", None, 1, b"s");
        free.device = Some(("D4", b"record"));
        assert_eq!(
            s.compare_and_set_or_load(free).await.unwrap(),
            CasOutcome::Written
        );
    })
    .await;
}

#[tokio::test]
async fn racing_writers_lose_no_update() {
    both(StoreConfig::default(), |s| async move {
        // 8 writers each add 25 to a counter by compare-and-set: every update lands once.
        let writers: Vec<_> = (0..8)
            .map(|_| {
                let s = s.clone();
                tokio::spawn(async move {
                    let mut conflicts = 0;
                    for _ in 0..25 {
                        loop {
                            let current = s.load("counter").await.unwrap();
                            let expected = current.as_ref().map(|c| c.revision);
                            let next = expected.map_or(1, |r| r + 1);
                            let text = next.to_string();
                            let w = write("counter", expected, next, text.as_bytes());
                            if s.compare_and_set(w).await.unwrap() {
                                break;
                            }
                            conflicts += 1;
                            tokio::task::yield_now().await;
                        }
                    }
                    conflicts
                })
            })
            .collect();
        for w in writers {
            w.await.unwrap();
        }
        let last = s.load("counter").await.unwrap().unwrap();
        assert_eq!((last.revision, last.state), (200, b"200".to_vec()));
    })
    .await;
}

#[tokio::test]
async fn deadlines_list_live_sessions_that_are_due() {
    both(StoreConfig::default(), |s| async move {
        let now = SystemTime::now();
        for (key, secs) in [("late", 30u64), ("early", 10), ("later", 90)] {
            let mut w = write(key, None, 1, b"x");
            w.deadline = Some(now + Duration::from_secs(secs));
            assert!(s.compare_and_set(w).await.unwrap());
        }
        assert!(s.due(now, 10).await.unwrap().is_empty());
        let at = now + Duration::from_secs(60);
        assert_eq!(s.due(at, 10).await.unwrap(), ["early", "late"]);
        assert_eq!(s.due(at, 1).await.unwrap(), ["early"]);
        // Ended: out of the index.
        let mut w = write("early", Some(1), 2, b"ended");
        w.deadline = None;
        assert!(s.compare_and_set(w).await.unwrap());
        assert_eq!(s.due(at, 10).await.unwrap(), ["late"]);
        s.forget_deadline("late").await.unwrap();
        if s.is_shared() {
            assert!(s.due(at, 10).await.unwrap().is_empty());
        }
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_with_their_ttl() {
    let mut config = StoreConfig::default();
    config.ended_ttl = Duration::from_millis(300);
    config.grace = Duration::from_millis(300);
    both(config, |s| async move {
        let mut ended = write("ended", None, 1, b"x");
        ended.deadline = None;
        assert!(s.compare_and_set(ended).await.unwrap());
        let mut live = write("live", None, 1, b"x");
        live.deadline = Some(SystemTime::now());
        assert!(s.compare_and_set(live).await.unwrap());
        assert!(s.load("ended").await.unwrap().is_some());
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(s.load("ended").await.unwrap(), None);
        assert_eq!(s.load("live").await.unwrap(), None);
        // An expired session cannot be written over its old revision.
        assert!(
            !s.compare_and_set(write("live", Some(1), 2, b"y"))
                .await
                .unwrap()
        );
    })
    .await;
}

#[tokio::test]
async fn connection_requests_due_again_and_one_shared_secret() {
    both(StoreConfig::default(), |s| async move {
        let now = SystemTime::now();
        let mut w = write("k", None, 1, b"x");
        w.device = Some(("SN1", b"record"));
        w.connection_request_due = Some(now + Duration::from_secs(5));
        assert!(s.compare_and_set(w).await.unwrap());
        assert!(s.due_connection_requests(now, 10).await.unwrap().is_empty());
        let later = now + Duration::from_secs(6);
        assert_eq!(s.due_connection_requests(later, 10).await.unwrap(), ["SN1"]);
        s.schedule_connection_request("SN1", Some(later + Duration::from_secs(5)))
            .await
            .unwrap();
        assert!(
            s.due_connection_requests(later, 10)
                .await
                .unwrap()
                .is_empty()
        );
        s.schedule_connection_request("SN1", None).await.unwrap();
        let much_later = later + Duration::from_secs(60);
        assert!(
            s.due_connection_requests(much_later, 10)
                .await
                .unwrap()
                .is_empty()
        );
        // The first candidate wins; every later caller gets it.
        let first = s.shared_secret([1; 32]).await.unwrap();
        assert_eq!(first, [1; 32]);
        assert_eq!(s.shared_secret([2; 32]).await.unwrap(), [1; 32]);
        assert!(s.devices().await.unwrap().iter().all(|(k, _)| k == "SN1"));
    })
    .await;
}

#[tokio::test]
async fn locks_have_an_owner_and_a_ttl() {
    both(StoreConfig::default(), |s| async move {
        let ttl = Duration::from_millis(300);
        assert!(s.try_lock("device:SN1", "a", ttl).await.unwrap());
        assert!(!s.try_lock("device:SN1", "b", ttl).await.unwrap());
        assert!(s.try_lock("device:SN2", "b", ttl).await.unwrap());
        // Only the owner releases it.
        s.unlock("device:SN1", "b").await.unwrap();
        assert!(!s.try_lock("device:SN1", "b", ttl).await.unwrap());
        s.unlock("device:SN1", "a").await.unwrap();
        assert!(s.try_lock("device:SN1", "b", ttl).await.unwrap());
        // A waiter gets it when the holder's TTL runs out.
        let start = std::time::Instant::now();
        assert!(
            s.lock("device:SN1", "c", ttl, Duration::from_secs(5))
                .await
                .unwrap()
        );
        assert!(start.elapsed() >= Duration::from_millis(100));
        assert!(
            !s.lock("device:SN1", "d", ttl, Duration::from_millis(50))
                .await
                .unwrap()
        );
    })
    .await;
}

fn inform() -> Vec<u8> {
    let mut out = Vec::new();
    let env = Envelope::with_id(
        "1",
        Inform::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", "SN1"),
            vec![EventStruct::new(EventCode::Periodic)],
        ),
    );
    cwmp_soap::encode(&env, &mut out).unwrap();
    out
}

/// One node's compare-and-set loop for one POST; returns the response and how many
/// RpcResponse/Inform events this node applied (only after a successful write).
async fn post(s: &Store, body: &[u8]) -> (HttpResponse, usize) {
    loop {
        let now = SystemTime::now();
        let loaded = s.load("session").await.unwrap();
        let expected = loaded.as_ref().map(|l| l.revision);
        let mut session = match loaded {
            Some(l) => {
                let saved: SavedSession = serde_json::from_slice(&l.state).unwrap();
                AcsSession::restore(saved, Config::default()).unwrap()
            }
            None => AcsSession::new(Config::default(), now),
        };
        session
            .handle_input(acs::Input::HttpRequest {
                now,
                request: IncomingRequest::new(body),
            })
            .unwrap();
        let (mut response, mut applied) = (None, 0);
        while let Some(o) = session.poll_output() {
            match o {
                Output::SendHttp(r) => response = Some(r),
                Output::Event(Event::Inform { .. }) => {
                    session
                        .queue_request(now, GetParameterValues::new(["Device."]))
                        .unwrap();
                    applied += 1;
                }
                Output::Event(Event::RpcResponse { .. }) => applied += 1,
                Output::Event(Event::AwaitingRequests) => session.finish(now),
                _ => {}
            }
        }
        let response = response.unwrap();
        if Some(session.revision()) == expected {
            return (response, 0);
        }
        let saved = session.save().unwrap();
        let state = serde_json::to_vec(&saved).unwrap();
        let w = Write {
            key: "session",
            expected,
            revision: saved.revision(),
            state: &state,
            deadline: saved.deadline(),
            device: None,
            device_changed: true,
            unlock: None,
            caps: None,
            connection_request_due: None,
        };
        if s.compare_and_set(w).await.unwrap() {
            return (response, applied);
        }
    }
}

#[tokio::test]
async fn racing_copies_of_each_post_are_applied_once_through_the_store() {
    both(StoreConfig::default(), |s| async move {
        let mut body = inform();
        let mut applied = 0;
        for step in 0..3 {
            let copies: Vec<_> = (0..2)
                .map(|_| {
                    let (s, body) = (s.clone(), body.clone());
                    tokio::spawn(async move { post(&s, &body).await })
                })
                .collect();
            let mut answers = Vec::new();
            for c in copies {
                let (r, n) = c.await.unwrap();
                answers.push(r);
                applied += n;
            }
            assert_eq!(answers[0], answers[1]);
            body = match step {
                0 => Vec::new(),
                1 => {
                    let id = cwmp_soap::decode(&answers[0].body)
                        .unwrap()
                        .envelope
                        .header
                        .id
                        .unwrap();
                    let mut out = Vec::new();
                    let env = Envelope::with_id(id, GetParameterValuesResponse::new(vec![]));
                    cwmp_soap::encode(&env, &mut out).unwrap();
                    out
                }
                _ => {
                    assert_eq!((answers[0].status, answers[0].session_ended), (204, true));
                    Vec::new()
                }
            };
        }
        assert_eq!(
            applied, 2,
            "one Inform and one RpcResponse, each applied once"
        );
        let ended: SavedSession =
            serde_json::from_slice(&s.load("session").await.unwrap().unwrap().state).unwrap();
        assert!(ended.is_ended());
    })
    .await;
}

#[tokio::test]
async fn a_dead_redis_is_an_error_and_each_command_one_round_trip() {
    let server = RedisServer::start();
    let s = Store::open(&server.url(), StoreConfig::default())
        .await
        .unwrap();
    let before = s.round_trips();
    assert!(s.compare_and_set(write("k", None, 1, b"x")).await.unwrap());
    s.load("k").await.unwrap();
    assert_eq!(s.round_trips() - before, 2);
    drop(server);
    assert!(s.load("k").await.is_err());
    assert!(
        Store::open("redis://127.0.0.1:1", StoreConfig::default())
            .await
            .is_err()
    );
    assert!(
        Store::open("mongodb://x", StoreConfig::default())
            .await
            .is_err()
    );
}

/// What a restart of the server, or an operator's SCRIPT FLUSH, does to the loaded scripts.
async fn flush_scripts(admin: &mut redis::aio::MultiplexedConnection) {
    let _: String = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(admin)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_scripts_are_loaded_again_after_the_server_lost_them() {
    let server = RedisServer::start();
    let s = Store::open(&server.url(), StoreConfig::default())
        .await
        .unwrap();
    // The first use loads each script (a fresh server knows none).
    assert!(matches!(
        s.compare_and_set_or_load(write("k", None, 1, b"one"))
            .await
            .unwrap(),
        CasOutcome::Written
    ));
    let client = redis::Client::open(server.url()).unwrap();
    let mut admin = client.get_multiplexed_async_connection().await.unwrap();
    flush_scripts(&mut admin).await;
    assert!(matches!(
        s.compare_and_set_or_load(write("k", Some(1), 2, b"two"))
            .await
            .unwrap(),
        CasOutcome::Written
    ));
    flush_scripts(&mut admin).await;
    let (stored, _) = s.load_with_device("k").await.unwrap();
    assert_eq!(
        stored.map(|st| (st.revision, st.state)),
        Some((2, b"two".to_vec()))
    );
    flush_scripts(&mut admin).await;
    let ttl = Duration::from_secs(5);
    let got = s
        .lock_and_get_device("device:SN1", "a", ttl, ttl, "SN1")
        .await
        .unwrap();
    assert_eq!(got, Some(None), "the lock taken, no record yet");
    flush_scripts(&mut admin).await;
    s.unlock("device:SN1", "a").await.unwrap();
    assert!(s.try_lock("device:SN1", "b", ttl).await.unwrap());
}
