//! Connection Requests that reach a CPE behind NAT, end to end on loopback with real servers:
//! a private Prosody for XMPP (TR-069 Annex K) and a private coturn for STUN (Annex G), each
//! started by its test on free ports and stopped at its end. The ACS picks the path from what
//! the device published; each path delivers a Connection Request and the session follows;
//! refusals carry the right error; replayed, stale or forged UDP datagrams start nothing; an
//! XMPP server restart is survived by both sides.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cwmp_examples::acs::{Acs, AcsConfig};
use cwmp_examples::coturn::Coturn;
use cwmp_examples::cpe::{self, AgentConfig, AgentReport};
use cwmp_examples::demo::{self, DemoConfig};
use cwmp_examples::natcr::Path;
use cwmp_examples::prosody::Prosody;
use cwmp_examples::support::Stats;
use cwmp_examples::transport::bind;
use cwmp_examples::udp_cr::{self, CpeUdp, UdpNotice};
use cwmp_examples::xmpp::{AcsXmpp, XmppAccount};
use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::udp;
use cwmp_session::connreq::xmpp::ErrorCondition;
use cwmp_types::EventCode;
use tokio::sync::{broadcast, watch};

const DOMAIN: &str = "cwmp.test";
/// How long a device may take for the provisioning scenario.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a Connection Request may take to bring its Inform.
const INFORM_TIMEOUT: Duration = Duration::from_secs(10);

/// A Prosody with the ACS's account and one per CPE (`cpeN`, logged in as `cpeN@DOMAIN/cwmp`).
async fn prosody(cpes: usize) -> (Prosody, XmppAccount, Vec<XmppAccount>) {
    tokio::task::spawn_blocking(move || {
        let server = Prosody::start(DOMAIN).expect("prosody starts");
        let addr = server.addr().to_string();
        let acs = server.register("acs", "acs-xmpp-secret").unwrap();
        let acs = XmppAccount::new(format!("{acs}/acs"), "acs-xmpp-secret", &addr);
        let cpes = (1..=cpes)
            .map(|n| {
                let jid = server
                    .register(&format!("cpe{n}"), &format!("pw{n}"))
                    .unwrap();
                XmppAccount::new(format!("{jid}/cwmp"), format!("pw{n}"), &addr)
            })
            .collect();
        (server, acs, cpes)
    })
    .await
    .unwrap()
}

async fn start_acs(xmpp: Option<XmppAccount>) -> Acs {
    let mut config = AcsConfig::default();
    config.xmpp = xmpp;
    Acs::start(
        bind("127.0.0.1:0").await.unwrap(),
        config,
        Arc::new(Stats::default()),
    )
}

fn agent(serial: &str, acs: &Acs) -> AgentConfig {
    let mut a = AgentConfig::new(serial, acs.url());
    a.connection_request_listen = "127.0.0.1:0".into();
    a.transcript = true;
    a
}

/// A running agent.
struct Running {
    serial: String,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<AgentReport>>,
}

impl Running {
    fn start(config: AgentConfig) -> Self {
        let (stop, stopped) = watch::channel(false);
        let serial = config.serial.clone();
        let task = tokio::spawn(cpe::run(config, Arc::new(Stats::default()), stopped));
        Self { serial, stop, task }
    }

    async fn finish(self) -> AgentReport {
        self.stop.send(true).unwrap();
        self.task.await.unwrap().unwrap()
    }
}

/// Waits until the ACS has taken the device through the scenario (whose last step is a
/// Connection Request the ACS sends by the device's best path).
async fn complete(acs: &Acs, agent: Running) -> Running {
    let done = tokio::time::timeout(SCENARIO_TIMEOUT, async {
        while !acs.completed(&agent.serial) {
            acs.changed().await;
        }
    })
    .await;
    if done.is_err() {
        let serial = agent.serial.clone();
        let report = agent.finish().await;
        panic!(
            "{serial} stuck at {:?}; ACS problems {:?}; agent problems {:?}; transcript:\n{}",
            acs.stage(&serial),
            acs.progress().2,
            report.problems,
            report.transcript.join("\n")
        );
    }
    agent
}

/// Waits for an Inform of `serial` carrying `6 CONNECTION REQUEST`.
async fn connection_request_inform(
    informs: &mut broadcast::Receiver<(String, Vec<EventCode>)>,
    serial: &str,
) -> bool {
    tokio::time::timeout(INFORM_TIMEOUT, async {
        loop {
            let (s, events) = informs.recv().await.unwrap();
            if s == serial && events.contains(&EventCode::ConnectionRequest) {
                return;
            }
        }
    })
    .await
    .is_ok()
}

fn position(transcript: &[String], needle: &str) -> usize {
    transcript
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?} in\n{}", transcript.join("\n")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xmpp_reaches_a_cpe_with_no_listening_socket() {
    let (_server, acs_account, cpes) = prosody(1).await;
    let acs = start_acs(Some(acs_account.clone())).await;
    let mut config = agent("XMPP0001", &acs);
    config.nat.xmpp = Some(cpes[0].clone());
    config.nat.xmpp_allowed = vec![format!("acs@{DOMAIN}")];
    config.nat.no_http = true;
    let running = complete(&acs, Running::start(config)).await;
    // And once more on demand.
    let mut informs = acs.informs();
    let delivery = acs.connection_request("XMPP0001").await.unwrap();
    assert_eq!(delivery.path, Path::Xmpp);
    assert!(delivery.detail[1].contains("type='result'"), "{delivery:?}");
    assert!(connection_request_inform(&mut informs, "XMPP0001").await);
    let report = running.finish().await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let t = &report.transcript;
    // The IQ, its result, then the session it started.
    let iq = position(t, "ACS → CPE  XMPP <iq");
    assert!(t[iq].contains("connectionRequest") && t[iq].contains("<username>acs</username>"));
    assert!(t[iq].contains("<password>***</password>"), "{}", t[iq]);
    assert!(t[iq + 1].starts_with("CPE → ACS  XMPP <iq type=\"result\""));
    assert!(position(t, "Inform [6 CONNECTION REQUEST]") > iq);
    assert!(!t.iter().any(|l| l.contains("GET Connection Request")));
    // The scenario's and the on-demand request: two IQs, two results.
    let results = t
        .iter()
        .filter(|l| l.contains("<iq type=\"result\""))
        .count();
    assert_eq!(results, 2, "{}", t.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xmpp_refuses_wrong_credentials_and_senders_not_allowed() {
    let (server, acs_account, cpes) = prosody(1).await;
    let intruder = server.register("intruder", "intruder-pw").unwrap();
    let intruder = XmppAccount::new(intruder, "intruder-pw", server.addr().to_string());
    let acs = start_acs(None).await;
    let mut config = agent("XMPP0002", &acs);
    config.nat.xmpp = Some(cpes[0].clone());
    config.nat.xmpp_allowed = vec![format!("acs@{DOMAIN}")];
    config.nat.no_http = true;
    let mut informs = acs.informs();
    let running = Running::start(config);
    // The first session (BOOTSTRAP) is over before anything else is asked.
    let first = tokio::time::timeout(INFORM_TIMEOUT, informs.recv()).await;
    assert!(first.is_ok());
    let cpe_jid = &cpes[0].jid;
    let right = Credentials::new("acs", "acs-secret");
    let wait = Duration::from_secs(5);

    let stranger = AcsXmpp::start(&intruder).unwrap();
    let e = stranger.connection_request(cpe_jid, &right, wait).await;
    let e = e.unwrap_or_else(|e| panic!("{e}\n{}", std::fs::read_to_string(server.log()).unwrap()));
    assert_eq!(e.outcome, Err(ErrorCondition::ServiceUnavailable), "{e:?}");

    let own = AcsXmpp::start(&acs_account).unwrap();
    let wrong = Credentials::new("acs", "wrong");
    let e = own.connection_request(cpe_jid, &wrong, wait).await.unwrap();
    assert_eq!(e.outcome, Err(ErrorCondition::NotAuthorized), "{e:?}");
    let e = own.connection_request(cpe_jid, &right, wait).await.unwrap();
    assert_eq!(e.outcome, Ok(()), "{e:?}");
    assert!(connection_request_inform(&mut informs, "XMPP0002").await);

    let report = running.finish().await;
    let t = &report.transcript;
    // Exactly one session came from a Connection Request.
    let cr_sessions = t
        .windows(2)
        .filter(|w| w[0].contains("6 CONNECTION REQUEST") && w[1].contains("InformResponse"))
        .count();
    assert_eq!(cr_sessions, 1, "{}", t.join("\n"));
    assert!(t.iter().any(|l| l.contains("not allowed")));
    assert!(t.iter().any(|l| l.contains("wrong credentials")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_xmpp_server_restart_is_survived_by_both_sides() {
    let (mut server, acs_account, cpes) = prosody(1).await;
    let acs = start_acs(Some(acs_account)).await;
    let mut config = agent("XMPP0003", &acs);
    config.nat.xmpp = Some(cpes[0].clone());
    config.nat.no_http = true;
    let running = complete(&acs, Running::start(config)).await;
    let mut informs = acs.informs();

    let server = tokio::task::spawn_blocking(move || {
        server.restart().expect("prosody restarts");
        server
    })
    .await
    .unwrap();
    // Both clients reconnect on their own (back-off from 1 s); the ACS's request goes through
    // once both are back.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    let mut last = None;
    let delivered = loop {
        match acs.connection_request("XMPP0003").await {
            Ok(d) => break Some(d),
            Err(e) => last = Some(e),
        }
        if tokio::time::Instant::now() >= deadline {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let delivery = delivered.unwrap_or_else(|| {
        panic!(
            "no delivery after the restart: {last:?}\n{}",
            std::fs::read_to_string(server.log()).unwrap()
        )
    });
    assert_eq!(delivery.path, Path::Xmpp);
    assert!(connection_request_inform(&mut informs, "XMPP0003").await);
    let report = running.finish().await;
    // Up at start, and again after the restart.
    let ups = report
        .transcript
        .iter()
        .filter(|l| l.contains("(XMPP stream up as cpe1@cwmp.test/cwmp)"))
        .count();
    assert!(ups >= 2, "{}", report.transcript.join("\n"));
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_with_stun_reaches_a_cpe_with_no_http_listener() {
    let stun = tokio::task::spawn_blocking(|| Coturn::start().expect("coturn starts"))
        .await
        .unwrap();
    let acs = start_acs(None).await;
    let mut config = agent("UDP00001", &acs);
    config.nat.udp_listen = Some("127.0.0.1:0".into());
    config.nat.stun_server = Some(stun.addr());
    config.nat.no_http = true;
    let running = complete(&acs, Running::start(config)).await;
    let mut informs = acs.informs();
    let delivery = acs.connection_request("UDP00001").await.unwrap();
    assert_eq!(delivery.path, Path::Udp);
    assert!(connection_request_inform(&mut informs, "UDP00001").await);
    let report = running.finish().await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let t = &report.transcript;
    // The STUN server's answer was heard (on loopback the mapped address is the local one).
    position(t, "(STUN: mapped address 127.0.0.1:");
    let cr = position(t, "UDP Connection Request id");
    assert!(position(t, "Inform [6 CONNECTION REQUEST]") > cr);
    // The ACS's copies of each request were ignored as replays.
    assert!(t.iter().any(|l| l.contains("ignored: replayed id")));
}

#[tokio::test]
async fn replayed_stale_or_forged_udp_datagrams_start_nothing() {
    let credentials = Credentials::new("acs", "acs-secret");
    let shared = Arc::new(Mutex::new(credentials.clone()));
    let mut cpe = CpeUdp::start("127.0.0.1:0", None, shared).await.unwrap();
    let address = cpe.address();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut next = async |datagram: Vec<u8>| {
        socket.send_to(&datagram, &address).await.unwrap();
        tokio::time::timeout(Duration::from_secs(5), cpe.recv())
            .await
            .unwrap()
            .unwrap()
    };
    let valid = udp::build(&address, now, "1001", &credentials, "c1").unwrap();
    assert!(matches!(
        next(valid.clone()).await,
        UdpNotice::ConnectionRequest { id, .. } if id == "1001"
    ));
    let ignored = |n: UdpNotice, why: &str| match n {
        UdpNotice::Ignored { reason, .. } => assert!(reason.contains(why), "{reason}"),
        other => panic!("{other:?} instead of ignored ({why})"),
    };
    ignored(next(valid).await, "replayed");
    let stale = udp::build(&address, now - 3600, "1002", &credentials, "c2").unwrap();
    ignored(next(stale).await, "stale");
    let forged = Credentials::new("acs", "guessed");
    let forged = udp::build(&address, now, "1003", &forged, "c3").unwrap();
    ignored(next(forged).await, "signature");
    ignored(next(b"GET / HTTP/1.1\r\n\r\n".to_vec()).await, "malformed");
    // A new, valid request still goes through.
    let valid = udp::build(&address, now, "1004", &credentials, "c4").unwrap();
    assert!(matches!(
        next(valid).await,
        UdpNotice::ConnectionRequest { id, .. } if id == "1004"
    ));
    // And what the ACS sends (three copies) is one Connection Request.
    udp_cr::send(&address, &credentials, "1005", "c5", 3)
        .await
        .unwrap();
    assert!(matches!(
        cpe.recv().await.unwrap(),
        UdpNotice::ConnectionRequest { id, .. } if id == "1005"
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_acs_picks_xmpp_then_udp_then_http() {
    let (_server, acs_account, cpes) = prosody(1).await;
    let acs = start_acs(Some(acs_account)).await;
    // All three published: XMPP.
    let mut all = agent("PATH0001", &acs);
    all.nat.xmpp = Some(cpes[0].clone());
    all.nat.udp_listen = Some("127.0.0.1:0".into());
    // UDP and HTTP: UDP.
    let mut udp = agent("PATH0002", &acs);
    udp.nat.udp_listen = Some("127.0.0.1:0".into());
    // HTTP only.
    let http = agent("PATH0003", &acs);
    let cases = [(all, Path::Xmpp), (udp, Path::Udp), (http, Path::Http)];
    for (config, path) in cases {
        let serial = config.serial.clone();
        let running = complete(&acs, Running::start(config)).await;
        let mut informs = acs.informs();
        let delivery = acs.connection_request(&serial).await.unwrap();
        assert_eq!(delivery.path, path, "{serial}");
        assert!(
            connection_request_inform(&mut informs, &serial).await,
            "{serial}"
        );
        let report = running.finish().await;
        assert!(
            report.problems.is_empty(),
            "{serial}: {:?}",
            report.problems
        );
    }
    assert!(acs.progress().2.is_empty(), "{:?}", acs.progress().2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_over_xmpp_and_udp() {
    for path in [Path::Xmpp, Path::Udp] {
        let mut config = DemoConfig::default();
        config.cpes = 3;
        config.progress = false;
        config.connection_request = path;
        let report = demo::run(config).await.unwrap();
        assert_eq!(report.failures, 0, "{path}: {:?}", report.problems);
        assert_eq!(report.cpes_done, 3, "{path}");
        // Four sessions per CPE, the last one from the Connection Request.
        assert_eq!(report.sessions, 12, "{path}");
        let t = &report.transcript;
        let request = match path {
            Path::Xmpp => position(t, "ACS → CPE  XMPP <iq"),
            _ => position(t, "ACS → CPE  UDP Connection Request id"),
        };
        if path == Path::Xmpp {
            assert!(t[request + 1].starts_with("CPE → ACS  XMPP <iq type=\"result\""));
        }
        assert!(position(t, "Inform [6 CONNECTION REQUEST]") > request);
    }
}
