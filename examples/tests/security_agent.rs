//! Attacks on the `cpe_agent` process, over loopback: an ACS that stops answering, and its
//! Connection Request listener probed, replayed and flooded.

mod common;

use std::time::Duration;

use common::{Proc, acs_server, agent_figures, cpe_agent, exchange};
use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::digest::{self, Challenge};
use hyper::Uri;

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acs_that_stops_answering_fails_the_session_instead_of_hanging_the_agent() {
    // A frozen ACS: the acs_server process stopped (SIGSTOP); the kernel still accepts
    // connections into its backlog, and nothing is ever answered.
    let (acs, url, _) = acs_server(&[]);
    acs.signal("STOP");
    let agent = cpe_agent(
        "FROZEN1",
        &url,
        8,
        &["--response-timeout", "1", "--retry-min-wait", "1"],
    );
    let (_, lines) = tokio::task::spawn_blocking(move || agent.finish(30 * SECOND))
        .await
        .unwrap();
    acs.signal("CONT");
    let (sessions, failed) = agent_figures(&lines);
    // Each attempt ends after the 1 s response timeout and is retried: several in 8 s, where
    // an agent waiting on the socket would still be in its first.
    assert!(sessions >= 2 && failed == sessions, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("transport failed: no response in time")),
        "{lines:?}"
    );
}

/// A started agent (against a real ACS) and its Connection Request URL.
fn agent_with_listener(serial: &str, extra: &[&str]) -> (Proc, Proc, Uri) {
    let (acs, url, _) = acs_server(&[]);
    let mut agent = cpe_agent(serial, &url, 30, extra);
    let line = agent.wait_line("Connection Request URL: ", 20 * SECOND);
    let cr: Uri = line
        .trim_start_matches("Connection Request URL: ")
        .parse()
        .unwrap();
    (acs, agent, cr)
}

fn get(cr: &Uri, path: &str, auth: Option<&str>) -> String {
    let mut head = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\n",
        cr.authority().unwrap()
    );
    if let Some(a) = auth {
        head.push_str(&format!("Authorization: {a}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    head
}

async fn send(cr: &Uri, head: &str) -> String {
    let addr = cr.authority().unwrap().as_str().parse().unwrap();
    exchange(addr, head, b"", 2 * SECOND).await
}

/// Answers the listener's challenge with the agent's default Connection Request credentials.
async fn authorization(cr: &Uri) -> String {
    let r = send(cr, &get(cr, cr.path(), None)).await;
    assert!(r.starts_with("HTTP/1.1 401"), "{r}");
    let line = r
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("www-authenticate:"))
        .unwrap();
    let challenge = Challenge::parse(line.split_once(':').unwrap().1.trim()).unwrap();
    digest::authorization(
        &challenge,
        &Credentials::new("acs", "acs-secret"),
        "GET",
        cr.path(),
        "feedface",
        1,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_requests_need_the_random_path_and_are_not_replayable() {
    let (_acs, agent, cr) = agent_with_listener("CRPATH1", &[]);
    let random = cr.path().trim_start_matches("/cr/");
    assert_eq!(random.len(), 32, "{cr}");
    assert!(random.bytes().all(|b| b.is_ascii_hexdigit()));
    // The right credentials on another path: 404, before any challenge.
    let auth = authorization(&cr).await;
    let r = send(&cr, &get(&cr, "/cr", Some(&auth))).await;
    assert!(r.starts_with("HTTP/1.1 404"), "{r}");
    // Other methods: 405 with Allow.
    let r = send(
        &cr,
        &format!(
            "POST {} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            cr.path()
        ),
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 405"), "{r}");
    assert!(r.to_ascii_lowercase().contains("allow: get"), "{r}");
    // Accepted once; the same Authorization again (an eavesdropper's replay) is challenged,
    // however often it is sent.
    let r = send(&cr, &get(&cr, cr.path(), Some(&auth))).await;
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    for _ in 0..20 {
        let r = send(&cr, &get(&cr, cr.path(), Some(&auth))).await;
        assert!(r.starts_with("HTTP/1.1 401"), "{r}");
    }
    drop(agent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_requests_beyond_the_rate_get_503() {
    let (_acs, mut agent, cr) = agent_with_listener("CRRATE1", &["--cr-rate", "1"]);
    // Let the scenario (which sends one Connection Request of its own) settle first.
    agent.wait_line("Inform [6 CONNECTION REQUEST]", 20 * SECOND);
    let mut ok = 0;
    let mut busy = 0;
    for _ in 0..12 {
        let auth = authorization(&cr).await;
        let r = send(&cr, &get(&cr, cr.path(), Some(&auth))).await;
        if r.starts_with("HTTP/1.1 200") {
            ok += 1;
        } else if r.starts_with("HTTP/1.1 503") {
            busy += 1;
        } else {
            panic!("{r}");
        }
    }
    // A burst of 3 (one possibly spent by the ACS), then 1 a minute.
    assert!((1..=3).contains(&ok), "{ok} accepted");
    assert_eq!(ok + busy, 12);
    // The agent acted on what it accepted, not on what it was sent.
    agent.collect(2 * SECOND);
    let acted = agent
        .seen
        .iter()
        .filter(|l| l.contains("GET Connection Request (digest verified)"))
        .count();
    assert!(acted <= ok + 1, "{acted} acted on, {ok} accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_device_credentials_derived_from_a_secret() {
    let (_acs, url, _) = acs_server(&["--credential-secret", "factory-secret"]);
    let good = cpe_agent(
        "DERIVED1",
        &url,
        10,
        &["--credential-secret", "factory-secret"],
    );
    let wrong = cpe_agent("DERIVED2", &url, 5, &["--credential-secret", "guessed"]);
    let shared = cpe_agent("DERIVED3", &url, 5, &[]);
    let (good, wrong, shared) = tokio::task::spawn_blocking(move || {
        (
            good.finish(40 * SECOND),
            wrong.finish(40 * SECOND),
            shared.finish(40 * SECOND),
        )
    })
    .await
    .unwrap();
    let (sessions, failed) = agent_figures(&good.1);
    assert!(good.0 && sessions >= 4 && failed == 0, "{:?}", good.1);
    for (what, (ok, lines)) in [("a wrong secret", wrong), ("the shared default", shared)] {
        let (sessions, failed) = agent_figures(&lines);
        assert!(
            !ok && failed == sessions && sessions >= 1,
            "{what}: {lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.contains("401")),
            "{what}: refused with 401: {lines:?}"
        );
    }
}
