//! Attacks on the example ACS's sessions and identities, over real loopback HTTP: a stolen or
//! guessed cookie, an Inform with another device's cookie, a replayed `Authorization`, a CPE
//! claiming another device's serial, oversized and log-forging fields, and unbounded records;
//! the same identity checks on two nodes sharing a real `redis-server`.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cwmp_examples::acs::{Acs, AcsConfig};
use cwmp_examples::credentials::{CpeCredentials, derive_password, device_username};
use cwmp_examples::http::SESSION_COOKIE;
use cwmp_examples::support::{Stats, log_text};
use cwmp_examples::transport::{ClientResponse, SessionClient, bind};
use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::digest::{self, Challenge};
use cwmp_types::{
    Body, DeviceIdStruct, Envelope, EventCode, EventStruct, Inform, ParameterValue,
    ParameterValueStruct, Request, Response,
};
use hyper::header::{AUTHORIZATION, COOKIE, WWW_AUTHENTICATE};
use hyper::{StatusCode, Uri};

async fn start_acs(config: AcsConfig) -> Acs {
    Acs::start(
        bind("127.0.0.1:0").await.unwrap(),
        config,
        Arc::new(Stats::default()),
    )
}

fn inform(serial: &str, cr_url: Option<&str>) -> Bytes {
    let mut inform = Inform::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", serial),
        vec![EventStruct::new(EventCode::Bootstrap)],
    );
    if let Some(url) = cr_url {
        inform.parameter_list.push(ParameterValueStruct::new(
            "Device.ManagementServer.ConnectionRequestURL",
            ParameterValue::string(url),
        ));
    }
    let mut body = Vec::new();
    cwmp_soap::encode(&Envelope::with_id("1", inform), &mut body).unwrap();
    Bytes::from(body)
}

/// A hand-driven CPE: answers a digest challenge and then authenticates every POST.
struct Cpe {
    client: SessionClient,
    url: Uri,
    creds: Option<Credentials>,
    challenge: Option<Challenge>,
    nc: u32,
    /// The last Authorization sent (what an eavesdropper sees).
    last_auth: Option<String>,
}

impl Cpe {
    fn new(acs: &Acs, creds: Option<Credentials>) -> Self {
        Self {
            client: SessionClient::default(),
            url: acs.url().parse().unwrap(),
            creds,
            challenge: None,
            nc: 0,
            last_auth: None,
        }
    }

    fn auth(&mut self) -> Option<String> {
        let (c, creds) = (self.challenge.as_ref()?, self.creds.as_ref()?);
        self.nc += 1;
        let a = digest::authorization(c, creds, "POST", "/cwmp", "0a1b2c3d", self.nc);
        self.last_auth = Some(a.clone());
        Some(a)
    }

    async fn post(&mut self, body: Bytes) -> ClientResponse {
        let auth = self.auth();
        let r = self
            .client
            .post(&self.url, body.clone(), auth.as_deref(), true)
            .await
            .unwrap();
        if r.status != StatusCode::UNAUTHORIZED || self.creds.is_none() {
            return r;
        }
        let c = r.headers.get(WWW_AUTHENTICATE).unwrap().to_str().unwrap();
        self.challenge = Some(Challenge::parse(c).unwrap());
        self.nc = 0;
        let auth = self.auth();
        self.client
            .post(&self.url, body, auth.as_deref(), true)
            .await
            .unwrap()
    }

    fn cookie(&self) -> String {
        self.client.jar.header().expect("the ACS set a cookie")
    }
}

fn rpc(r: &ClientResponse) -> Option<Request> {
    if r.body.is_empty() {
        return None;
    }
    match cwmp_soap::decode(&r.body).ok()?.envelope.body {
        Body::Request(req) => Some(req),
        _ => None,
    }
}

fn is_inform_response(r: &ClientResponse) -> bool {
    r.status == StatusCode::OK
        && matches!(
            cwmp_soap::decode(&r.body).map(|d| d.envelope.body),
            Ok(Body::Response(Response::Inform(_)))
        )
}

/// A raw POST on a fresh connection with the given headers.
async fn raw_post(
    acs: &Acs,
    body: Bytes,
    headers: &[(hyper::header::HeaderName, &str)],
) -> ClientResponse {
    let url: Uri = acs.url().parse().unwrap();
    let mut c = SessionClient::default();
    let mut cookie = None;
    let mut auth = None;
    for (n, v) in headers {
        if *n == COOKIE {
            cookie = Some(v.to_string());
        } else if *n == AUTHORIZATION {
            auth = Some(v.to_string());
        }
    }
    if let Some(ck) = cookie {
        c.jar.store(&ck);
    }
    c.post(&url, body, auth.as_deref(), true).await.unwrap()
}

fn shared() -> Credentials {
    Credentials::new("cpe", "cpe-secret")
}

#[tokio::test]
async fn a_cookie_without_credentials_reaches_no_session() {
    let acs = start_acs(AcsConfig::default()).await;
    let mut victim = Cpe::new(&acs, Some(shared()));
    assert!(is_inform_response(
        &victim.post(inform("VICTIM1", None)).await
    ));
    let cookie = victim.cookie();
    let value = cookie.trim_start_matches(&format!("{SESSION_COOKIE}="));
    assert_eq!(value.len(), 32, "a 128-bit cookie: {cookie}");
    assert!(value.bytes().all(|b| b.is_ascii_hexdigit()));

    // The attacker knows the cookie but has no credentials: an empty POST (which would
    // receive the ACS's first RPC) and a forged answer are both challenged.
    for body in [Bytes::new(), Bytes::from_static(b"<x/>")] {
        let r = raw_post(&acs, body, &[(COOKIE, &cookie)]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(rpc(&r).is_none());
    }
    // An unauthenticated Inform with the cookie does not abandon the victim's session.
    let r = raw_post(&acs, inform("VICTIM1", None), &[(COOKIE, &cookie)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(acs.open_sessions(), 1);

    // The victim's session goes on: its empty POST gets the policy's first RPC.
    let r = victim.post(Bytes::new()).await;
    assert!(
        matches!(rpc(&r), Some(Request::GetParameterValues(_))),
        "{r:?}"
    );
    // A second session gets another cookie.
    let mut other = Cpe::new(&acs, Some(shared()));
    assert!(is_inform_response(
        &other.post(inform("OTHER1", None)).await
    ));
    assert_ne!(other.cookie(), cookie);
}

#[tokio::test]
async fn a_replayed_authorization_is_refused_on_a_new_connection() {
    let acs = start_acs(AcsConfig::default()).await;
    let mut victim = Cpe::new(&acs, Some(shared()));
    assert!(is_inform_response(
        &victim.post(inform("REPLAY1", None)).await
    ));
    let seen = victim.last_auth.clone().unwrap();
    let cookie = victim.cookie();
    // The eavesdropper replays the Authorization (and the cookie) on its own connection.
    let r = raw_post(
        &acs,
        Bytes::new(),
        &[(AUTHORIZATION, &seen), (COOKIE, &cookie)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = raw_post(&acs, inform("REPLAY2", None), &[(AUTHORIZATION, &seen)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(acs.stage("REPLAY2").is_none(), "no record for a replay");
    // The CPE's own next request (next nonce count) is accepted.
    let r = victim.post(Bytes::new()).await;
    assert!(matches!(rpc(&r), Some(Request::GetParameterValues(_))));
    // A CPE that repeats its Authorization on the connection it authenticated on (a quirk)
    // is not taken for a replay there.
    let same = victim.last_auth.clone().unwrap();
    let url = victim.url.clone();
    let r = victim
        .client
        .post(&url, Bytes::from_static(b"<x/>"), Some(&same), true)
        .await
        .unwrap();
    assert_ne!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
}

fn per_device_config(secret: &[u8]) -> AcsConfig {
    let mut config = AcsConfig::default();
    config.cpe_credentials = Some(CpeCredentials::per_device().with_derivation(secret.to_vec()));
    config
}

fn device_creds(secret: &[u8], serial: &str) -> Credentials {
    let user = device_username("00D09E", "Router", serial);
    let pw = derive_password(secret, &user);
    Credentials::new(user, pw)
}

#[tokio::test]
async fn another_devices_cookie_starts_a_session_of_ones_own_and_touches_nothing_else() {
    let secret = b"factory secret";
    let acs = start_acs(per_device_config(secret)).await;
    let mut victim = Cpe::new(&acs, Some(device_creds(secret, "DEV1")));
    assert!(is_inform_response(
        &victim
            .post(inform("DEV1", Some("http://127.0.0.1:9/cr")))
            .await
    ));
    let cookie = victim.cookie();

    // DEV2, authenticated as itself, presents DEV1's cookie.
    let mut attacker = Cpe::new(&acs, Some(device_creds(secret, "DEV2")));
    attacker.client.jar.store(&cookie);
    let r = attacker.post(Bytes::new()).await;
    assert!(rpc(&r).is_none(), "no RPC of DEV1's session: {r:?}");
    let r = attacker.post(inform("DEV2", None)).await;
    assert!(is_inform_response(&r), "its own session: {r:?}");
    assert_eq!(acs.open_sessions(), 2, "DEV1's session is still open");
    let r = victim.post(Bytes::new()).await;
    assert!(matches!(rpc(&r), Some(Request::GetParameterValues(_))));

    // DEV2 claims to be DEV1 (to replace its ConnectionRequestURL): refused, nothing kept.
    let mut liar = Cpe::new(&acs, Some(device_creds(secret, "DEV2")));
    let r = liar
        .post(inform("DEV1", Some("http://127.0.0.1:1/evil")))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(acs.open_sessions(), 2);
    // A username that names no device, or a wrong derived password, is challenged.
    let mut stranger = Cpe::new(&acs, Some(Credentials::new("cpe", "cpe-secret")));
    assert_eq!(
        stranger.post(inform("DEV3", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut forger = Cpe::new(&acs, Some(device_creds(b"guess", "DEV3")));
    assert_eq!(
        forger.post(inform("DEV3", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(acs.stage("DEV3").is_none());
}

/// Two ACS nodes on one Redis, with per-device credentials derived from `secret`.
async fn two_nodes(redis: &common::redis::RedisServer, secret: &[u8]) -> Vec<Acs> {
    let mut nodes = Vec::new();
    for _ in 0..2 {
        let store = cwmp_examples::store::Store::open(&redis.url(), Default::default())
            .await
            .unwrap();
        let mut config = per_device_config(secret);
        config.use_store(Arc::new(store)).await.unwrap();
        nodes.push(start_acs(config).await);
    }
    nodes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_shared_store_sessions_stay_bound_to_their_identity_on_every_node() {
    let redis = common::redis::RedisServer::start();
    let secret = b"factory secret";
    let nodes = two_nodes(&redis, secret).await;
    let mut victim = Cpe::new(&nodes[0], Some(device_creds(secret, "DEV1")));
    assert!(is_inform_response(&victim.post(inform("DEV1", None)).await));
    let cookie = victim.cookie();

    // DEV2, authenticated as itself on the other node, presents DEV1's cookie: no RPC of
    // DEV1's session, and DEV1's session is untouched.
    let mut attacker = Cpe::new(&nodes[1], Some(device_creds(secret, "DEV2")));
    attacker.client.jar.store(&cookie);
    let r = attacker.post(Bytes::new()).await;
    assert!(rpc(&r).is_none(), "no RPC of DEV1's session: {r:?}");
    // DEV2 claims to be DEV1 (an Inform with DEV1's cookie, to end DEV1's session and take
    // its record): refused before anything is touched.
    let r = attacker.post(inform("DEV1", None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Without credentials: challenged, whatever the cookie.
    let mut anonymous = Cpe::new(&nodes[1], None);
    anonymous.client.jar.store(&cookie);
    assert_eq!(
        anonymous.post(Bytes::new()).await.status,
        StatusCode::UNAUTHORIZED
    );

    // DEV1 goes on at the other node, with node 0's nonce (the secret is shared): its
    // session continues there.
    victim.url = nodes[1].url().parse().unwrap();
    let r = victim.post(Bytes::new()).await;
    assert!(
        matches!(rpc(&r), Some(Request::GetParameterValues(_))),
        "{r:?}"
    );
    // Replaying DEV1's last Authorization on a fresh connection to a node that saw it is
    // refused there.
    let mut eavesdropper = SessionClient::default();
    eavesdropper.jar.store(&cookie);
    let r = eavesdropper
        .post(&victim.url, Bytes::new(), victim.last_auth.as_deref(), true)
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_inform_replayed_to_another_node_of_a_cluster_is_refused() {
    let redis = common::redis::RedisServer::start();
    let secret = b"factory secret";
    let nodes = two_nodes(&redis, secret).await;
    let mut device = Cpe::new(&nodes[0], Some(device_creds(secret, "DEV3")));
    let body = inform("DEV3", None);
    assert!(is_inform_response(&device.post(body.clone()).await));
    let seen = device.last_auth.clone().unwrap();
    // The same Inform with the same Authorization, on a fresh connection to the other node
    // (which never saw it): refused there too, and the device's session is untouched.
    let replay = raw_post(&nodes[1], body.clone(), &[(AUTHORIZATION, &seen)]).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    let again = raw_post(&nodes[0], body.clone(), &[(AUTHORIZATION, &seen)]).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    let r = device.post(Bytes::new()).await;
    assert!(
        matches!(rpc(&r), Some(Request::GetParameterValues(_))),
        "the session goes on: {r:?}"
    );
    // The device's next Inform, with the next nc of the same nonce, on the other node: taken.
    let mut next = Cpe::new(&nodes[1], Some(device_creds(secret, "DEV3")));
    next.challenge = device.challenge.clone();
    next.nc = device.nc;
    assert!(is_inform_response(&next.post(body).await));
}

#[tokio::test]
async fn a_credentials_file_names_the_devices() {
    let mut table = HashMap::new();
    table.insert("00D09E-Router-FILE1".to_owned(), "pw1".to_owned());
    let mut config = AcsConfig::default();
    config.cpe_credentials = Some(CpeCredentials::per_device().with_table(table));
    let acs = start_acs(config).await;
    let mut ok = Cpe::new(&acs, Some(Credentials::new("00D09E-Router-FILE1", "pw1")));
    assert!(is_inform_response(&ok.post(inform("FILE1", None)).await));
    let mut other = Cpe::new(&acs, Some(Credentials::new("00D09E-Router-FILE1", "pw1")));
    assert_eq!(
        other.post(inform("FILE2", None)).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(acs.stage("FILE2").is_none());
}

#[tokio::test]
async fn device_records_and_fields_are_bounded() {
    let mut config = AcsConfig::default();
    config.cpe_credentials = None;
    config.max_devices = 3;
    let acs = start_acs(config).await;
    for i in 0..3 {
        let mut c = Cpe::new(&acs, None);
        assert!(is_inform_response(
            &c.post(inform(&format!("BOUND{i}"), None)).await
        ));
    }
    let mut c = Cpe::new(&acs, None);
    assert_eq!(
        c.post(inform("BOUND9", None)).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // A known device still gets in.
    let mut c = Cpe::new(&acs, None);
    assert!(is_inform_response(&c.post(inform("BOUND0", None)).await));
    assert_eq!(acs.summary().0, 3);
    // SerialNumber is string(64): a longer one is refused and not recorded.
    let long = "S".repeat(65);
    let mut c = Cpe::new(&acs, None);
    assert_eq!(
        c.post(inform(&long, None)).await.status,
        StatusCode::BAD_REQUEST
    );
    assert!(acs.stage(&long).is_none());
}

#[test]
fn logged_fields_are_escaped_and_truncated() {
    let forged = log_text("SN1\nacs: SN2: session ended: Completed");
    assert!(!forged.contains('\n'), "{forged}");
    assert!(forged.starts_with("SN1\\n"), "{forged}");
    let long = log_text(&"x".repeat(1 << 20));
    assert!(long.chars().count() <= 81, "{}", long.len());
    assert!(long.ends_with('…'));
    assert_eq!(log_text("plain-SN"), "plain-SN");
}

#[tokio::test]
async fn sessions_at_once_are_bounded() {
    let mut config = AcsConfig::default();
    config.cpe_credentials = None;
    config.max_sessions = 2;
    config.session_timeout = Duration::from_secs(30);
    let acs = start_acs(config).await;
    let mut held = Vec::new();
    for i in 0..2 {
        let mut c = Cpe::new(&acs, None);
        assert!(is_inform_response(
            &c.post(inform(&format!("HOLD{i}"), None)).await
        ));
        held.push(c);
    }
    let mut c = Cpe::new(&acs, None);
    assert_eq!(
        c.post(inform("HOLD2", None)).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(acs.open_sessions(), 2);
}
