//! The example ACS and CPE agents over real loopback HTTP (no mocks): digest authentication
//! with its 401 challenge, a CPE that drops cookies, gzip bodies, a redirect, a power loss in
//! the middle of a Download, Connection Request authentication, and the demo scenario.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use cwmp_examples::acs::{self, Acs, AcsConfig};
use cwmp_examples::cpe::{self, AgentConfig, AgentReport};
use cwmp_examples::demo::{self, DemoConfig};
use cwmp_examples::http::ContentCoding;
use cwmp_examples::policy::Stage;
use cwmp_examples::support::Stats;
use cwmp_examples::transport::{Handler, IncomingRequest, Reply, SessionClient, bind, serve};
use cwmp_session::connreq::Credentials;
use cwmp_types::{
    Body, DeviceIdStruct, Envelope, EventCode, EventStruct, Inform, Request, Response,
};
use hyper::StatusCode;
use hyper::header::{HeaderValue, LOCATION};
use tokio::sync::watch;

/// How long one CPE may take for the whole scenario in these tests.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(20);

async fn start_acs(config: AcsConfig) -> (Acs, Arc<Stats>) {
    let stats = Arc::new(Stats::default());
    let acs = Acs::start(bind("127.0.0.1:0").await.unwrap(), config, stats.clone());
    (acs, stats)
}

fn agent(serial: &str, acs_url: String) -> AgentConfig {
    let mut a = AgentConfig::new(serial, acs_url);
    a.connection_request_listen = "127.0.0.1:0".into();
    a.transcript = true;
    a
}

/// Runs one agent until the ACS has taken it through the whole scenario; returns its report.
async fn scenario(acs: &Acs, agent: AgentConfig) -> AgentReport {
    let serial = agent.serial.clone();
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(cpe::run(agent, Arc::new(Stats::default()), stopped));
    let finished = tokio::time::timeout(SCENARIO_TIMEOUT, async {
        while !acs.completed(&serial) {
            acs.changed().await;
        }
    })
    .await;
    stop.send(true).unwrap();
    let report = task.await.unwrap().unwrap();
    assert!(
        finished.is_ok(),
        "{serial} stuck at {:?}; ACS problems {:?}; agent problems {:?}; transcript:\n{}",
        acs.stage(&serial),
        acs.progress().2,
        report.problems,
        report.transcript.join("\n")
    );
    report
}

/// What every successful scenario shows, whatever the transport quirk.
fn assert_clean(acs: &Acs, report: &AgentReport) {
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.failed_sessions, 0);
    assert!(report.sessions >= 4, "{} sessions", report.sessions);
    assert_eq!(report.transfers_reported, 1);
    let (_, _, problems) = acs.progress();
    assert!(problems.is_empty(), "{problems:?}");
}

fn position(transcript: &[String], needle: &str) -> Option<usize> {
    transcript.iter().position(|l| l.contains(needle))
}

#[tokio::test]
async fn digest_challenge_then_the_scenario() {
    let (acs, _) = start_acs(AcsConfig::default()).await;
    let report = scenario(&acs, agent("DIGEST1", acs.url())).await;
    assert_clean(&acs, &report);
    let t = &report.transcript;
    // The first POST of a session is challenged; the Inform is resent with credentials
    // and answered.
    assert!(
        t[1].starts_with("CPE → ACS  Inform [0 BOOTSTRAP, 1 BOOT]"),
        "{t:?}"
    );
    assert_eq!(t[2], "ACS → CPE  401 Unauthorized");
    assert!(
        t[3].starts_with("CPE → ACS  Inform [0 BOOTSTRAP, 1 BOOT]"),
        "{t:?}"
    );
    assert_eq!(t[4], "ACS → CPE  InformResponse");
    assert_eq!(acs.stage("DIGEST1"), Some(Stage::Done));
}

#[tokio::test]
async fn basic_challenge_then_the_scenario() {
    let mut config = AcsConfig::default();
    config.basic_auth = true;
    let (acs, _) = start_acs(config).await;
    let report = scenario(&acs, agent("BASIC1", acs.url())).await;
    assert_clean(&acs, &report);
    let t = &report.transcript;
    assert_eq!(t[2], "ACS → CPE  401 Unauthorized");
    assert_eq!(t[4], "ACS → CPE  InformResponse");
}

#[tokio::test]
async fn wrong_password_is_refused() {
    let (acs, _) = start_acs(AcsConfig::default()).await;
    let mut a = agent("BADPASS1", acs.url());
    a.acs_credentials = Credentials::new("cpe", "not-the-secret");
    let stats = Arc::new(Stats::default());
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(cpe::run(a, stats.clone(), stopped));
    tokio::time::timeout(SCENARIO_TIMEOUT, async {
        while stats.failures.load(Ordering::Relaxed) == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the session fails");
    stop.send(true).unwrap();
    let report = task.await.unwrap().unwrap();
    assert_eq!(report.failed_sessions, 1);
    assert!(
        report
            .transcript
            .iter()
            .all(|l| !l.contains("InformResponse")),
        "{:?}",
        report.transcript
    );
    // The ACS never accepted an Inform from it.
    assert_eq!(acs.stage("BADPASS1"), None);
    assert_eq!(acs.progress().0, 0);
}

#[tokio::test]
async fn cpe_dropping_cookies_completes_the_scenario() {
    let (acs, _) = start_acs(AcsConfig::default()).await;
    let mut a = agent("NOCOOKIE1", acs.url());
    a.drop_cookies = true;
    let report = scenario(&acs, a).await;
    assert_clean(&acs, &report);
    // Sessions with several round trips were followed without the cookie.
    assert!(position(&report.transcript, "GetParameterNamesResponse").is_some());
}

#[tokio::test]
async fn cpe_reconnecting_for_every_post_completes_the_scenario() {
    let (acs, _) = start_acs(AcsConfig::default()).await;
    let mut a = agent("RECONNECT1", acs.url());
    a.reconnect_each_post = true;
    let report = scenario(&acs, a).await;
    assert_clean(&acs, &report);
}

#[tokio::test]
async fn gzip_agent_completes_the_scenario() {
    let (acs, _) = start_acs(AcsConfig::default()).await;
    let mut a = agent("GZIP1", acs.url());
    a.gzip = true;
    let report = scenario(&acs, a).await;
    assert_clean(&acs, &report);
}

#[tokio::test]
async fn gzip_agent_falls_back_to_plain_bodies_on_415() {
    let mut config = AcsConfig::default();
    config.refuse_compressed = true;
    let (acs, _) = start_acs(config).await;
    let mut a = agent("GZIP415", acs.url());
    a.gzip = true;
    let report = scenario(&acs, a).await;
    assert_clean(&acs, &report);
    let t = &report.transcript;
    assert!(
        t[2].starts_with("ACS → CPE  415 Unsupported Media Type"),
        "{t:?}"
    );
    assert_eq!(
        t[3], "ACS → CPE  401 Unauthorized",
        "the plain resend got through"
    );
    assert_eq!(
        t.iter().filter(|l| l.contains("415")).count(),
        1,
        "once, then never again: {t:?}"
    );
}

#[tokio::test]
async fn gzip_inform_is_answered_in_gzip() {
    let mut config = AcsConfig::default();
    config.cpe_credentials = None;
    let (acs, _) = start_acs(config).await;
    let inform = Inform::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", "GZRAW1"),
        vec![EventStruct::new(EventCode::Bootstrap)],
    );
    let mut body = Vec::new();
    cwmp_soap::encode(&Envelope::with_id("1", inform), &mut body).unwrap();
    let mut client = SessionClient::default();
    client.coding = Some(ContentCoding::Gzip);
    let url = acs.url().parse().unwrap();
    let r = client
        .post(&url, Bytes::from(body), None, true)
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers.get("content-encoding").unwrap(), "gzip");
    let decoded = cwmp_soap::decode(&r.body).unwrap();
    assert!(matches!(
        decoded.envelope.body,
        Body::Response(Response::Inform(_))
    ));
    // The empty POST of the same session (found by its cookie) gets the policy's first RPC.
    let r = client.post(&url, Bytes::new(), None, false).await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    let decoded = cwmp_soap::decode(&r.body).unwrap();
    assert!(matches!(
        decoded.envelope.body,
        Body::Request(Request::GetParameterValues(_))
    ));
    assert_eq!(acs.stage("GZRAW1"), Some(Stage::Downloading));
}

#[tokio::test]
async fn redirect_to_the_acs() {
    let (acs, _) = start_acs(AcsConfig::default()).await;
    // A front listener that sends every POST on to the real ACS with 307.
    let front = bind("127.0.0.1:0").await.unwrap();
    let front_url = format!("http://{}/cwmp", front.local_addr().unwrap());
    let redirected = Arc::new(AtomicUsize::new(0));
    let count = redirected.clone();
    let target = HeaderValue::from_str(&acs.url()).unwrap();
    let handler: Handler = Arc::new(move |_: IncomingRequest| {
        count.fetch_add(1, Ordering::Relaxed);
        let target = target.clone();
        Box::pin(async move {
            Reply::status(StatusCode::TEMPORARY_REDIRECT).with_header(LOCATION, target)
        })
    });
    tokio::spawn(serve(front, handler));
    let report = scenario(&acs, agent("REDIR1", front_url)).await;
    assert_clean(&acs, &report);
    // Each session starts at the configured URL and is redirected once (the redirect holds
    // for that session only).
    assert_eq!(redirected.load(Ordering::Relaxed) as u64, report.sessions);
    assert!(
        report
            .transcript
            .iter()
            .any(|l| l == "ACS → CPE  307 Temporary Redirect"),
        "{:?}",
        report.transcript
    );
}

#[tokio::test]
async fn restart_during_download_reports_transfer_complete_after_boot() {
    let (acs, _) = start_acs(AcsConfig::default()).await;
    let mut a = agent("POWERLOSS1", acs.url());
    a.restart_during_download = true;
    let report = scenario(&acs, a).await;
    assert_clean(&acs, &report);
    // The power loss, then the scenario's Reboot.
    assert_eq!(report.reboots, 2);
    let t = &report.transcript;
    let lost = position(t, "(power lost during the download)").expect("power loss");
    // The first session after the restart reports the boot and the transfer together, and
    // sends the TransferComplete.
    let inform = t[lost..]
        .iter()
        .find(|l| l.starts_with("CPE → ACS  Inform"))
        .unwrap();
    assert!(inform.contains("1 BOOT"), "{inform}");
    assert!(inform.contains("7 TRANSFER COMPLETE"), "{inform}");
    assert!(inform.contains("M Download"), "{inform}");
    let tc = position(
        t,
        "TransferComplete [CommandKey \"demo-download\", FaultCode 0]",
    )
    .unwrap();
    assert!(tc > lost);
    assert_eq!(acs.stage("POWERLOSS1"), Some(Stage::Done));
}

#[tokio::test]
async fn connection_request_needs_the_right_credentials() {
    let (acs, stats) = start_acs(AcsConfig::default()).await;
    let listener = bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut a = agent("CRAUTH1", acs.url());
    a.connection_request_listen = addr.to_string();
    // The listener checks the path of the URL it reports (random unless given).
    a.connection_request_url = Some(format!("http://{addr}/cr"));
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(cpe::run(a, Arc::new(Stats::default()), stopped));
    // The ACS's own Connection Request (with the right credentials) completes the scenario.
    tokio::time::timeout(SCENARIO_TIMEOUT, async {
        while !acs.completed("CRAUTH1") {
            acs.changed().await;
        }
    })
    .await
    .expect("the scenario completes");
    let url = format!("http://{addr}/cr");
    // A wrong password gets a fresh challenge, never a session.
    let e = acs::connection_request(&url, &Credentials::new("acs", "wrong"), b"r1")
        .await
        .unwrap_err();
    assert!(e.contains("401"), "{e}");
    let e = acs::connection_request(&url, &Credentials::new("intruder", "acs-secret"), b"r2")
        .await
        .unwrap_err();
    assert!(e.contains("401"), "{e}");
    acs::connection_request(&url, &Credentials::new("acs", "acs-secret"), b"r3")
        .await
        .unwrap();
    // The accepted one starts a fifth session.
    tokio::time::timeout(SCENARIO_TIMEOUT, async {
        while stats.sessions.load(Ordering::Relaxed) < 5 {
            acs.changed().await;
        }
    })
    .await
    .expect("a session for the accepted Connection Request");
    stop.send(true).unwrap();
    let report = task.await.unwrap().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // Two accepted Connection Requests (the ACS's and the probe), two sessions for them.
    let count = |needle: &str| {
        report
            .transcript
            .iter()
            .filter(|l| l.contains(needle))
            .count()
    };
    assert_eq!(count("GET Connection Request (digest verified)"), 2);
    assert_eq!(
        count("Inform [6 CONNECTION REQUEST]"),
        2,
        "each Inform once (it answers the previous session's challenge: no 401)"
    );
}

#[tokio::test]
async fn demo_with_a_few_cpes_has_no_failures() {
    let mut config = DemoConfig::default();
    config.cpes = 5;
    config.progress = false;
    config.cpe_deadline = SCENARIO_TIMEOUT;
    let report = demo::run(config).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.failures, 0);
    assert_eq!(report.cpes_done, 5);
    // Four sessions per CPE: bootstrap, transfer complete, boot, connection request.
    assert_eq!(report.sessions, 20);
    assert!(report.peak_open_sessions >= 1);
    assert!((1..=5).contains(&report.peak_live_cpes));
    let t = &report.transcript;
    assert_eq!(
        t.iter().filter(|l| l.starts_with("---- session")).count(),
        4
    );
    for needle in [
        "Inform [0 BOOTSTRAP, 1 BOOT]",
        "GetParameterValues [Device.DeviceInfo.]",
        "SetParameterValues [Device.ManagementServer.PeriodicInformInterval=",
        "AddObject [Device.IP.Interface.]",
        "GetParameterNames [Device.IP.",
        "Download [1 Firmware Upgrade Image",
        "Inform [7 TRANSFER COMPLETE, M Download]",
        "Reboot [CommandKey \"demo-reboot\"]",
        "Inform [1 BOOT, M Reboot]",
        "Inform [6 CONNECTION REQUEST]",
    ] {
        assert!(position(t, needle).is_some(), "{needle} missing from {t:?}");
    }
}

#[tokio::test]
async fn unreachable_acs_is_retried_with_back_off() {
    // Where the ACS will be, once the CPE has failed once.
    let probe = bind("127.0.0.1:0").await.unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let mut a = agent("RETRY1", format!("http://{addr}/cwmp"));
    a.retry_policy = cwmp_session::RetryPolicy::new(1, 1000).unwrap();
    let stats = Arc::new(Stats::default());
    let (stop, stopped) = watch::channel(false);
    let started = std::time::Instant::now();
    let task = tokio::spawn(cpe::run(a, stats.clone(), stopped));
    tokio::time::timeout(SCENARIO_TIMEOUT, async {
        while stats.failures.load(Ordering::Relaxed) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the first session fails");
    let acs = Acs::start(
        bind(&addr.to_string()).await.unwrap(),
        AcsConfig::default(),
        Arc::new(Stats::default()),
    );
    tokio::time::timeout(SCENARIO_TIMEOUT, async {
        while !acs.completed("RETRY1") {
            acs.changed().await;
        }
    })
    .await
    .expect("the retried sessions complete the scenario");
    // The retry waited for the policy's window: [1 s, 2 s) for the first retry.
    assert!(started.elapsed() >= Duration::from_secs(1));
    stop.send(true).unwrap();
    let report = task.await.unwrap().unwrap();
    assert_eq!(report.failed_sessions, 1);
    let t = &report.transcript;
    let failed = position(
        t,
        "session failed: transport: could not connect; retry 1 in ",
    )
    .unwrap();
    // The failed session's events were kept for the retry.
    let next = t[failed..]
        .iter()
        .find(|l| l.starts_with("CPE → ACS  Inform"))
        .unwrap();
    assert_eq!(next, "CPE → ACS  Inform [0 BOOTSTRAP, 1 BOOT]");
    assert_eq!(report.transfers_reported, 1);
}

#[tokio::test]
async fn restarting_the_agent_process_with_its_state_file_is_a_boot() {
    let dir = std::env::temp_dir().join(format!("cwmp-examples-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("queue.json");
    let _ = std::fs::remove_file(&state);
    let (acs, stats) = start_acs(AcsConfig::default()).await;
    let mut a = agent("STATE1", acs.url());
    a.state_file = Some(state.clone());
    let report = scenario(&acs, a.clone()).await;
    assert_clean(&acs, &report);
    assert!(report.transcript[1].starts_with("CPE → ACS  Inform [0 BOOTSTRAP, 1 BOOT]"));
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    let saved: cwmp_session::EventQueue = serde_json::from_value(file["queue"].clone()).unwrap();
    assert!(saved.is_empty(), "every event was delivered: {saved:?}");
    // The tree's stored part: what the ACS set (the interval, the instance it added).
    let model: cwmp_datamodel::Stored = serde_json::from_value(file["model"].clone()).unwrap();
    let interval = &model.values["Device.ManagementServer.PeriodicInformInterval"];
    assert_eq!(
        interval,
        &AcsConfig::default().periodic_interval.to_string()
    );
    assert_eq!(model.values["Device.IP.Interface.2.Alias"], "demo");
    // The listener's address is not stored: a restart has a new one.
    assert!(
        !model
            .values
            .contains_key("Device.ManagementServer.ConnectionRequestURL")
    );
    // The same device again, as after a power cycle: no BOOTSTRAP this time.
    let before = stats.sessions.load(Ordering::Relaxed);
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(cpe::run(a, Arc::new(Stats::default()), stopped));
    tokio::time::timeout(SCENARIO_TIMEOUT, async {
        while stats.sessions.load(Ordering::Relaxed) == before {
            acs.changed().await;
        }
    })
    .await
    .expect("a session after the restart");
    stop.send(true).unwrap();
    let report = task.await.unwrap().unwrap();
    assert_eq!(report.transcript[1], "CPE → ACS  Inform [1 BOOT]");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn inform_with_the_cookie_of_a_live_session_starts_a_new_session() {
    // Some CPEs present the previous session's cookie on the next Inform.
    let mut config = AcsConfig::default();
    config.cpe_credentials = None;
    let (acs, stats) = start_acs(config).await;
    let inform = |events: Vec<EventStruct>| {
        let inform = Inform::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", "STALE1"),
            events,
        );
        let mut body = Vec::new();
        cwmp_soap::encode(&Envelope::with_id("1", inform), &mut body).unwrap();
        Bytes::from(body)
    };
    let url = acs.url().parse().unwrap();
    let mut client = SessionClient::default();
    let r = client
        .post(
            &url,
            inform(vec![EventStruct::new(EventCode::Bootstrap)]),
            None,
            true,
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(client.jar.header().is_some(), "the ACS set its cookie");
    // The CPE walks away from that session and Informs again, cookie and all.
    let r = client
        .post(
            &url,
            inform(vec![EventStruct::new(EventCode::Periodic)]),
            None,
            true,
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    let decoded = cwmp_soap::decode(&r.body).unwrap();
    assert!(
        matches!(decoded.envelope.body, Body::Response(Response::Inform(_))),
        "{:?}",
        decoded.envelope.body
    );
    assert_eq!(acs.open_sessions(), 1, "the abandoned session was dropped");
    assert_eq!(stats.failures.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn a_vanished_cpe_session_times_out() {
    let mut config = AcsConfig::default();
    config.cpe_credentials = None;
    config.session_timeout = Duration::from_millis(300);
    let (acs, stats) = start_acs(config).await;
    let inform = Inform::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", "VANISH1"),
        vec![EventStruct::new(EventCode::Bootstrap)],
    );
    let mut body = Vec::new();
    cwmp_soap::encode(&Envelope::with_id("1", inform), &mut body).unwrap();
    let mut client = SessionClient::default();
    let r = client
        .post(&acs.url().parse().unwrap(), Bytes::from(body), None, true)
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(acs.open_sessions(), 1);
    // The CPE never sends its next POST.
    drop(client);
    tokio::time::timeout(Duration::from_secs(5), async {
        while acs.open_sessions() > 0 {
            acs.changed().await;
        }
    })
    .await
    .expect("the session is ended by the ACS's timer");
    assert_eq!(stats.failures.load(Ordering::Relaxed), 1);
    let (_, _, problems) = acs.progress();
    // The three RPCs queued for the Inform were never sent; then the session timed out.
    let problems: Vec<&str> = problems.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(
        problems[..3].iter().all(|p| p.ends_with("failed: NotSent")),
        "{problems:?}"
    );
    assert!(
        problems[3].starts_with("session ended: TimedOut"),
        "{problems:?}"
    );
    assert_eq!(acs.stage("VANISH1"), Some(Stage::Downloading));
}

#[tokio::test]
async fn acs_moves_the_cpe_to_another_acs_and_changes_its_credentials() {
    use cwmp_session::AcsSession;
    use cwmp_session::acs::{Event, Input, Output};
    use cwmp_types::{ParameterValue, ParameterValueStruct, SetParameterValues};
    use std::sync::Mutex;
    use std::time::SystemTime;

    // The new ACS, which sends Connection Requests with the new password.
    let mut config = AcsConfig::default();
    config.connection_request_credentials = Credentials::new("acs", "changed");
    let (new_acs, _) = start_acs(config).await;
    // The old ACS: a bare AcsSession behind the transport, no authentication. It sets the
    // new ACS URL and Connection Request password, and ends the session.
    let listener = bind("127.0.0.1:0").await.unwrap();
    let old_url = format!("http://{}/cwmp", listener.local_addr().unwrap());
    let target = new_acs.url();
    let session: Arc<Mutex<Option<AcsSession>>> = Arc::default();
    let old_sessions = Arc::new(AtomicUsize::new(0));
    let ended = old_sessions.clone();
    let handler: Handler = Arc::new(move |req: IncomingRequest| {
        let now = SystemTime::now();
        let mut guard = session.lock().unwrap();
        let s = guard.get_or_insert_with(|| AcsSession::new(Default::default(), now));
        let request = cwmp_session::http::IncomingRequest::new(&req.body);
        s.handle_input(Input::HttpRequest { now, request }).unwrap();
        let mut reply = Reply::status(StatusCode::INTERNAL_SERVER_ERROR);
        while let Some(output) = s.poll_output() {
            match output {
                Output::Event(Event::Inform { .. }) => {
                    let spv = SetParameterValues::new(
                        vec![
                            ParameterValueStruct::new(
                                "Device.ManagementServer.URL",
                                ParameterValue::string(target.clone()),
                            ),
                            ParameterValueStruct::new(
                                "Device.ManagementServer.ConnectionRequestPassword",
                                ParameterValue::string("changed"),
                            ),
                        ],
                        "move",
                    );
                    s.queue_request(now, spv).unwrap();
                }
                Output::Event(Event::AwaitingRequests) => s.finish(now),
                Output::SendHttp(r) => {
                    reply = Reply {
                        status: StatusCode::from_u16(r.status).unwrap(),
                        body: r.body,
                        headers: Vec::new(),
                    };
                }
                _ => {}
            }
        }
        if s.is_ended() {
            *guard = None;
            ended.fetch_add(1, Ordering::Relaxed);
        }
        Box::pin(async move { reply })
    });
    tokio::spawn(serve(listener, handler));

    let listener = bind("127.0.0.1:0").await.unwrap();
    let cr_addr = listener.local_addr().unwrap();
    drop(listener);
    let mut a = agent("MOVED1", old_url);
    a.connection_request_listen = cr_addr.to_string();
    let report = scenario(&new_acs, a).await;
    assert_clean(&new_acs, &report);
    assert_eq!(old_sessions.load(Ordering::Relaxed), 1);
    let t = &report.transcript;
    let moved = position(t, "(ManagementServer.URL is now http://").unwrap();
    // The first session with the new ACS is a BOOTSTRAP one.
    let next = t[moved..]
        .iter()
        .find(|l| l.starts_with("CPE → ACS  Inform"))
        .unwrap();
    assert!(next.starts_with("CPE → ACS  Inform [0 BOOTSTRAP"), "{next}");
    // The new ACS's Connection Request carried the new password, and the CPE accepted it
    // (with the old one it would have been refused, and the scenario left unfinished).
    assert!(position(t, "GET Connection Request (digest verified)").is_some());
}

#[tokio::test]
async fn periodic_inform_follows_the_interval_the_acs_set() {
    let mut config = AcsConfig::default();
    config.periodic_interval = 1;
    let (acs, stats) = start_acs(config).await;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(cpe::run(
        agent("PERIODIC1", acs.url()),
        Arc::new(Stats::default()),
        stopped,
    ));
    assert!(acs.wait_for("PERIODIC1", SCENARIO_TIMEOUT).await);
    let done_at = std::time::Instant::now();
    let after_scenario = stats.sessions.load(Ordering::Relaxed);
    tokio::time::timeout(SCENARIO_TIMEOUT, async {
        while stats.sessions.load(Ordering::Relaxed) < after_scenario + 2 {
            acs.changed().await;
        }
    })
    .await
    .expect("periodic sessions");
    // Two more sessions at a one-second interval.
    assert!(done_at.elapsed() >= Duration::from_millis(900));
    stop.send(true).unwrap();
    let report = task.await.unwrap().unwrap();
    let periodic = report
        .transcript
        .iter()
        .filter(|l| *l == "CPE → ACS  Inform [2 PERIODIC]")
        .count();
    // Each Inform once: it answers the previous session's challenge (no 401).
    assert!(periodic >= 2, "{:?}", report.transcript);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test]
async fn a_short_file_is_reported_corrupted() {
    // A file server whose firmware is shorter than the Download's FileSize.
    let files = bind("127.0.0.1:0").await.unwrap();
    let files_url = format!("http://{}", files.local_addr().unwrap());
    let handler: Handler = Arc::new(|_: IncomingRequest| {
        Box::pin(async { Reply::ok(Bytes::from_static(b"truncated")) })
    });
    tokio::spawn(serve(files, handler));
    // The ACS's public base URL (where its Download points) is the file server.
    let mut config = AcsConfig::default();
    config.public_base_url = Some(files_url);
    let listener = bind("127.0.0.1:0").await.unwrap();
    let cwmp_url = format!("http://{}/cwmp", listener.local_addr().unwrap());
    let acs = Acs::start(listener, config, Arc::new(Stats::default()));
    let report = scenario(&acs, agent("SHORT1", cwmp_url)).await;
    let tc = position(
        &report.transcript,
        "TransferComplete [CommandKey \"demo-download\"",
    )
    .unwrap();
    assert!(
        report.transcript[tc].contains("FaultCode 9018"),
        "{}",
        report.transcript[tc]
    );
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].starts_with("download failed: got 9 bytes, FileSize says 1024"));
    let (_, _, problems) = acs.progress();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].1, "Download failed: 9018");
}

#[tokio::test]
async fn delayed_download_waits_without_blocking_the_agent() {
    let mut config = AcsConfig::default();
    config.download_delay_seconds = 1;
    let (acs, stats) = start_acs(config).await;
    let listener = bind("127.0.0.1:0").await.unwrap();
    let cr_addr = listener.local_addr().unwrap();
    drop(listener);
    let mut a = agent("DELAY1", acs.url());
    a.connection_request_listen = cr_addr.to_string();
    a.connection_request_url = Some(format!("http://{cr_addr}/cr"));
    let started = std::time::Instant::now();
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(cpe::run(a, Arc::new(Stats::default()), stopped));
    // After the first session (which sent the Download), while the download waits: a
    // Connection Request is served at once.
    tokio::time::timeout(SCENARIO_TIMEOUT, async {
        while stats.sessions.load(Ordering::Relaxed) == 0 {
            acs.changed().await;
        }
    })
    .await
    .unwrap();
    let url = format!("http://{cr_addr}/cr");
    acs::connection_request(&url, &Credentials::new("acs", "acs-secret"), b"r")
        .await
        .unwrap();
    assert!(acs.wait_for("DELAY1", SCENARIO_TIMEOUT).await);
    assert!(started.elapsed() >= Duration::from_secs(1));
    stop.send(true).unwrap();
    let report = task.await.unwrap().unwrap();
    assert_clean(&acs, &report);
    let t = &report.transcript;
    let scheduled = position(t, "(download in 1s)").unwrap();
    let cr_session = position(t, "Inform [6 CONNECTION REQUEST]").unwrap();
    let transfer = position(t, "Inform [7 TRANSFER COMPLETE, M Download]").unwrap();
    assert!(scheduled < cr_session && cr_session < transfer, "{t:?}");
}
