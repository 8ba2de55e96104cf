//! Authentication as real HTTP has it: the CPE machine answers its ACS's challenges itself
//! (given credentials), a `stale=true` nonce renewal is no refusal, and digest verification
//! refuses replays by default.

use std::time::{Duration, Instant, SystemTime};

use cwmp_session::EventQueue;
use cwmp_session::acs::{self, AcsSession};
use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::digest::{
    self, Algorithm, Challenge, DigestError, NcTracker, NonceIssuer, VerifyError,
};
use cwmp_session::cpe::{self, ChallengeError, CpeSession, Failure, InformArgs};
use cwmp_session::http::{HttpRequest, IncomingRequest, IncomingResponse, SendReason};
use cwmp_types::*;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn password(user: &str) -> Option<String> {
    (user == "cpe").then(|| "secret".to_owned())
}

/// How the ACS's HTTP layer answers a POST.
enum Gate {
    /// Digest: verify `Authorization` with the issuer, else challenge (stale when expired).
    Digest(NonceIssuer),
    /// Always this `401` challenge.
    Fixed(String),
    /// Basic with these credentials.
    Basic(Credentials),
}

/// A CPE talking to an ACS behind an authenticating HTTP layer, with a server clock.
struct World {
    cpe: CpeSession,
    now: Instant,
    gate: Gate,
    /// The server's wall clock (unix seconds).
    unix: u64,
    acs: Option<AcsSession>,
    posts: Vec<HttpRequest>,
    /// Status of every answer.
    statuses: Vec<u16>,
    ends: Vec<cpe::SessionEnd>,
    /// Seconds the server clock moves before each POST, by POST index.
    skew: Vec<(usize, u64)>,
    /// A refused digest answer gets a new challenge (else the test fails at once).
    challenge_refusals: bool,
}

impl World {
    fn new(url: &str, credentials: Option<Credentials>, gate: Gate) -> Self {
        let mut config = cpe::Config::new(
            DeviceIdStruct::new("Acme", "00D09E", "Router", "SN0001"),
            url,
        );
        config.credentials = credentials;
        config.seed = 7;
        let now = Instant::now();
        Self {
            cpe: CpeSession::new(config, now, EventQueue::bootstrap()),
            now,
            gate,
            unix: 1_700_000_000,
            acs: None,
            posts: Vec::new(),
            statuses: Vec::new(),
            ends: Vec::new(),
            skew: Vec::new(),
            challenge_refusals: false,
        }
    }

    /// Runs one more session (a `2 PERIODIC` Inform) until it ends.
    fn run_another(&mut self) {
        self.ends.clear();
        // A second later: the server's next challenge has a nonce of its own.
        self.unix += 1;
        self.cpe
            .queue_event(self.now, EventStruct::new(EventCode::Periodic), true)
            .unwrap();
        self.run();
    }

    /// Runs until the first session ends.
    fn run(&mut self) {
        let mut guard = 0;
        while self.ends.is_empty() {
            guard += 1;
            assert!(guard < 1000, "runaway");
            let Some(out) = self.cpe.poll_output() else {
                panic!("the CPE went quiet before the session ended");
            };
            match out {
                cpe::Output::SendHttp(r) => self.serve(r),
                cpe::Output::Event(cpe::Event::InformDue { .. }) => {
                    let args = InformArgs::new(DateTime::from_unix(1_700_000_000), Vec::new());
                    self.cpe.start_session(self.now, args).unwrap();
                }
                cpe::Output::Event(cpe::Event::SessionEnded(end)) => self.ends.push(end),
                cpe::Output::Event(_) => {}
                other => panic!("{other:?}"),
            }
        }
    }

    fn serve(&mut self, request: HttpRequest) {
        let index = self.posts.len();
        self.unix += self
            .skew
            .iter()
            .find(|(i, _)| *i == index)
            .map_or(0, |(_, s)| *s);
        self.posts.push(request.clone());
        let challenge = match &mut self.gate {
            Gate::Fixed(c) => Some(c.clone()),
            Gate::Basic(creds) => match request.authorization.as_deref() {
                Some(h) if digest_free_basic_ok(h, creds) => None,
                _ => Some(cwmp_session::connreq::basic::challenge("acs")),
            },
            Gate::Digest(issuer) => match request.authorization.as_deref() {
                None => Some(issuer.challenge(self.unix, &[1; 16], false)),
                Some(h) => match issuer.verify(h, "POST", "/cwmp", self.unix, password) {
                    Ok(_) => None,
                    Err(VerifyError::Stale) => Some(issuer.challenge(self.unix, &[2; 16], true)),
                    Err(_) if self.challenge_refusals => {
                        Some(issuer.challenge(self.unix, &[3; 16], false))
                    }
                    Err(e) => panic!("the CPE's answer was refused: {e}"),
                },
            },
        };
        if let Some(c) = challenge {
            self.statuses.push(401);
            let response = IncomingResponse::new(401, b"").with_www_authenticate(&c);
            self.cpe
                .handle_input(cpe::Input::HttpResponse {
                    now: self.now,
                    response,
                })
                .unwrap();
            return;
        }
        let sys = SystemTime::UNIX_EPOCH + Duration::from_secs(self.unix);
        if request.reason == SendReason::NewSession
            || self.acs.as_ref().is_none_or(AcsSession::is_ended)
        {
            self.acs = Some(AcsSession::new(acs::Config::default(), sys));
        }
        let acs = self.acs.as_mut().unwrap();
        acs.handle_input(acs::Input::HttpRequest {
            now: sys,
            request: IncomingRequest::new(&request.body),
        })
        .unwrap();
        let mut answer = None;
        while let Some(o) = acs.poll_output() {
            match o {
                acs::Output::SendHttp(r) => answer = Some(r),
                acs::Output::Event(acs::Event::AwaitingRequests) => acs.finish(sys),
                _ => {}
            }
        }
        let answer = answer.expect("the ACS answers");
        self.statuses.push(answer.status);
        self.cpe
            .handle_input(cpe::Input::HttpResponse {
                now: self.now,
                response: IncomingResponse::new(answer.status, &answer.body),
            })
            .unwrap();
    }

    fn authorizations(&self) -> Vec<Option<String>> {
        self.posts.iter().map(|p| p.authorization.clone()).collect()
    }
}

fn digest_free_basic_ok(header: &str, creds: &Credentials) -> bool {
    cwmp_session::connreq::basic::verify(header, creds).is_ok()
}

fn creds() -> Option<Credentials> {
    Some(Credentials::new("cpe", "secret"))
}

#[test]
fn the_cpe_answers_a_digest_challenge_itself_and_reuses_it_for_the_session() {
    let gate = Gate::Digest(NonceIssuer::new(SECRET, "acs", Algorithm::Sha256, 300));
    let mut w = World::new("http://acs.example/cwmp", creds(), gate);
    w.run();
    assert_eq!(w.ends[0].result, Ok(()));
    assert_eq!(w.statuses, [401, 200, 204]);
    let reasons: Vec<_> = w.posts.iter().map(|p| p.reason).collect();
    assert_eq!(
        reasons,
        [
            SendReason::NewSession,
            SendReason::Authenticate,
            SendReason::Continue
        ]
    );
    let auth = w.authorizations();
    assert_eq!(auth[0], None);
    let second = digest::AuthorizationParams::parse(auth[1].as_deref().unwrap()).unwrap();
    let third = digest::AuthorizationParams::parse(auth[2].as_deref().unwrap()).unwrap();
    assert_eq!(second.uri, "/cwmp");
    assert_eq!(second.algorithm, Algorithm::Sha256);
    assert_eq!(second.username, "cpe");
    // The empty POST reuses the nonce with the next count (the issuer refuses replays, so
    // the same count twice would have failed above).
    assert_eq!(second.nonce, third.nonce);
    assert_eq!(second.qop_auth.as_ref().map(|q| q.0), Some(1));
    assert_eq!(third.qop_auth.as_ref().map(|q| q.0), Some(2));
}

#[test]
fn a_stale_nonce_is_renewed_and_never_counts_as_a_refusal() {
    // The nonce lives 60 s; the CPE's answer arrives 120 s after the challenge. With the
    // default of 2 attempts, counting the stale challenge would fail the session.
    let gate = Gate::Digest(NonceIssuer::new(SECRET, "acs", Algorithm::Md5, 60));
    let mut w = World::new("http://acs.example/cwmp", creds(), gate);
    w.skew.push((1, 120));
    w.run();
    assert_eq!(w.ends[0].result, Ok(()));
    assert_eq!(w.statuses, [401, 401, 200, 204]);
    let auth = w.authorizations();
    let first = digest::AuthorizationParams::parse(auth[1].as_deref().unwrap()).unwrap();
    let renewed = digest::AuthorizationParams::parse(auth[2].as_deref().unwrap()).unwrap();
    assert_ne!(first.nonce, renewed.nonce, "answered with the new nonce");
    assert_eq!(renewed.qop_auth.as_ref().map(|q| q.0), Some(1));
    assert_eq!(w.posts[2].reason, SendReason::Authenticate);
}

#[test]
fn stale_without_credentials_is_no_refusal_either() {
    // The transport answers challenges itself; the machine still reads `stale=true`.
    let stale = Challenge::parse(
        &NonceIssuer::new(SECRET, "acs", Algorithm::Md5, 60).challenge(0, &[3; 16], true),
    )
    .unwrap();
    assert!(stale.stale);
    let mut w = World::new(
        "http://acs.example/cwmp",
        None,
        Gate::Fixed(stale.to_header()),
    );
    w.run();
    // Stale renewals are bounded; then the ordinary refusals count.
    assert_eq!(w.ends[0].result, Err(Failure::AuthenticationFailed));
    assert_eq!(w.posts.len(), 1 + cpe::MAX_STALE_RENEWALS as usize + 1);
    assert!(w.authorizations().iter().all(Option::is_none));
}

#[test]
fn a_stale_challenge_repeating_the_answered_nonce_is_a_refusal() {
    let challenge = r#"Digest realm="acs", nonce="same", qop="auth", stale=true"#.to_owned();
    let mut w = World::new("http://acs.example/cwmp", creds(), Gate::Fixed(challenge));
    w.run();
    // The first 401 is a (stale) challenge without an answered nonce: not counted; the
    // second repeats the nonce just answered: a refusal (1 of 2); the third fails.
    assert_eq!(w.ends[0].result, Err(Failure::AuthenticationFailed));
    assert_eq!(w.statuses, [401, 401, 401]);
}

#[test]
fn basic_only_over_tls() {
    let mut w = World::new(
        "https://acs.example/cwmp",
        creds(),
        Gate::Basic(Credentials::new("cpe", "secret")),
    );
    w.run();
    assert_eq!(w.ends[0].result, Ok(()));
    assert_eq!(
        w.posts[1].authorization.as_deref(),
        Some("Basic Y3BlOnNlY3JldA==")
    );

    let mut w = World::new(
        "http://acs.example/cwmp",
        creds(),
        Gate::Basic(Credentials::new("cpe", "secret")),
    );
    w.run();
    assert_eq!(
        w.ends[0].result,
        Err(Failure::UnusableChallenge(ChallengeError::BasicWithoutTls))
    );
    assert_eq!(w.posts.len(), 1, "the password never left the device");
}

#[test]
fn unusable_challenges_fail_with_the_reason() {
    let cases = [
        (
            r#"Digest realm="acs", nonce="n", algorithm=SHA-512-256"#,
            ChallengeError::Digest(DigestError::UnsupportedAlgorithm("SHA-512-256".into())),
        ),
        (r#"Negotiate abc"#, ChallengeError::UnsupportedScheme),
    ];
    for (challenge, error) in cases {
        let mut w = World::new(
            "http://acs.example/cwmp",
            creds(),
            Gate::Fixed(challenge.to_owned()),
        );
        w.run();
        assert_eq!(w.ends[0].result, Err(Failure::UnusableChallenge(error)));
    }
}

fn answer(issuer: &NonceIssuer, nc: u32, qop: bool) -> String {
    let issuer = issuer.clone().with_qop(qop);
    let ch = Challenge::parse(&issuer.challenge(1000, &[9; 16], false)).unwrap();
    digest::authorization(
        &ch,
        &Credentials::new("cpe", "secret"),
        "POST",
        "/cwmp",
        "cn",
        nc,
    )
}

#[test]
fn digest_verification_refuses_replays_by_default() {
    let mut issuer = NonceIssuer::new(SECRET, "acs", Algorithm::Md5, 300);
    let h1 = answer(&issuer, 1, true);
    let h2 = answer(&issuer, 2, true);
    assert!(issuer.verify(&h1, "POST", "/cwmp", 1001, password).is_ok());
    assert_eq!(
        issuer.verify(&h1, "POST", "/cwmp", 1002, password),
        Err(VerifyError::Replayed)
    );
    assert!(issuer.verify(&h2, "POST", "/cwmp", 1003, password).is_ok());
    assert_eq!(
        issuer.verify(&h1, "POST", "/cwmp", 1004, password),
        Err(VerifyError::Replayed)
    );
    // A wrong password with a high count does not spoil the nonce for its owner.
    let bad = {
        let ch = Challenge::parse(&issuer.challenge(1000, &[9; 16], false)).unwrap();
        digest::authorization(
            &ch,
            &Credentials::new("cpe", "wrong"),
            "POST",
            "/cwmp",
            "cn",
            9,
        )
    };
    assert_eq!(
        issuer.verify(&bad, "POST", "/cwmp", 1005, password),
        Err(VerifyError::WrongCredentials)
    );
    let h3 = answer(&issuer, 3, true);
    assert!(issuer.verify(&h3, "POST", "/cwmp", 1006, password).is_ok());
    // The stateless form accepts a replay, for clusters that check it themselves.
    assert!(
        issuer
            .verify_stateless(&h1, "POST", "/cwmp", 1007, password)
            .is_ok()
    );

    // Without qop (RFC 2069) a nonce is good for one request.
    let mut issuer = NonceIssuer::new(SECRET, "acs", Algorithm::Md5, 300).with_qop(false);
    let h = answer(&issuer, 1, false);
    assert!(issuer.verify(&h, "POST", "/cwmp", 1001, password).is_ok());
    assert_eq!(
        issuer.verify(&h, "POST", "/cwmp", 1002, password),
        Err(VerifyError::Replayed)
    );
}

#[test]
fn a_forgotten_nonce_is_refused_not_accepted_again() {
    // Room for one nonce: a second evicts the first, whose replay must still be refused.
    let mut issuer = NonceIssuer::new(SECRET, "acs", Algorithm::Md5, 300).with_replay_capacity(1);
    let ch = |t: u64, r: u8| Challenge::parse(&issuer_challenge(t, r)).unwrap();
    fn issuer_challenge(t: u64, r: u8) -> String {
        NonceIssuer::new(SECRET, "acs", Algorithm::Md5, 300).challenge(t, &[r; 16], false)
    }
    let creds = Credentials::new("cpe", "secret");
    let old = digest::authorization(&ch(1000, 1), &creds, "POST", "/", "c", 1);
    let new = digest::authorization(&ch(1001, 2), &creds, "POST", "/", "c", 1);
    assert!(issuer.verify(&old, "POST", "/", 1002, password).is_ok());
    assert!(issuer.verify(&new, "POST", "/", 1003, password).is_ok());
    assert_eq!(
        issuer.verify(&old, "POST", "/", 1004, password),
        Err(VerifyError::Replayed)
    );
    // The same holds for a tracker used beside verify_stateless.
    let mut t = NcTracker::new(1);
    let v_old = issuer
        .verify_stateless(&old, "POST", "/", 1002, password)
        .unwrap();
    let v_new = issuer
        .verify_stateless(&new, "POST", "/", 1003, password)
        .unwrap();
    assert_eq!(t.check(&v_old, 1002, 300), Ok(()));
    assert_eq!(t.check(&v_new, 1003, 300), Ok(()));
    assert_eq!(t.check(&v_old, 1004, 300), Err(VerifyError::Replayed));
}

#[test]
fn credentials_set_on_a_running_machine_answer_the_next_challenge() {
    // Configured with old credentials, then changed (as a SetParameterValues of
    // ManagementServer.Username/Password does): the ACS, which knows only the new ones,
    // accepts the answer.
    let gate = Gate::Digest(NonceIssuer::new(SECRET, "acs", Algorithm::Md5, 300));
    let old = Some(Credentials::new("old-user", "old-secret"));
    let mut w = World::new("http://acs.example/cwmp", old, gate);
    w.cpe.set_credentials(creds());
    w.run();
    assert_eq!(w.ends[0].result, Ok(()));
    assert_eq!(w.statuses, [401, 200, 204]);
    let answer = digest::AuthorizationParams::parse(w.authorizations()[1].as_deref().unwrap());
    assert_eq!(answer.unwrap().username, "cpe");
}

#[test]
fn with_preemptive_auth_the_next_session_answers_the_last_challenge_at_once() {
    let gate = Gate::Digest(NonceIssuer::new(SECRET, "acs", Algorithm::Md5, 300));
    let mut w = World::new("http://acs.example/cwmp", creds(), gate);
    w.run();
    assert_eq!(w.statuses, [401, 200, 204]);
    // Off by default: the next session waits for a challenge again.
    w.run_another();
    assert_eq!(w.ends[0].result, Ok(()));
    assert_eq!(w.statuses[3..], [401, 200, 204]);
    assert_eq!(w.authorizations()[3], None);
}

#[test]
fn a_preemptive_answer_reuses_the_nonce_with_the_next_count() {
    let gate = Gate::Digest(NonceIssuer::new(SECRET, "acs", Algorithm::Md5, 300));
    let mut w = World::new("http://acs.example/cwmp", creds(), gate);
    w.cpe = preemptive(&w);
    w.run();
    assert_eq!(w.statuses, [401, 200, 204]);
    w.run_another();
    assert_eq!(w.ends[0].result, Ok(()));
    // No 401: the first POST carried the answer (the issuer refuses replays, so a count
    // used before would have failed).
    assert_eq!(w.statuses[3..], [200, 204]);
    let auth = w.authorizations();
    let last = digest::AuthorizationParams::parse(auth[2].as_deref().unwrap()).unwrap();
    let first = digest::AuthorizationParams::parse(auth[3].as_deref().unwrap()).unwrap();
    assert_eq!(first.nonce, last.nonce);
    assert_eq!(first.qop_auth.map(|q| q.0), Some(3));
    // Credentials changed by the ACS: the old challenge is not offered again.
    w.cpe.set_credentials(creds());
    w.run_another();
    assert_eq!(w.statuses[5..], [401, 200, 204]);
}

#[test]
fn a_refused_preemptive_answer_is_followed_by_the_answer_to_the_new_challenge() {
    let gate = Gate::Digest(NonceIssuer::new(SECRET, "acs", Algorithm::Md5, 300));
    let mut w = World::new("http://acs.example/cwmp", creds(), gate);
    w.cpe = preemptive(&w);
    w.run();
    // The ACS restarted with another secret: the kept nonce is refused (not stale).
    w.gate = Gate::Digest(NonceIssuer::new(
        b"another secret, 32 bytes long!!!",
        "acs",
        Algorithm::Md5,
        300,
    ));
    w.challenge_refusals = true;
    w.run_another();
    assert_eq!(w.ends[0].result, Ok(()));
    assert_eq!(w.statuses[3..], [401, 200, 204]);
}

/// A machine like `w`'s with `preemptive_auth`.
fn preemptive(w: &World) -> CpeSession {
    let mut config = cpe::Config::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", "SN0001"),
        "http://acs.example/cwmp",
    );
    config.credentials = creds();
    config.seed = 7;
    config.preemptive_auth = true;
    CpeSession::new(config, w.now, EventQueue::bootstrap())
}
