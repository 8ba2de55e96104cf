//! The hyper transports over real loopback HTTP: gzip bodies, cookies and the fallback for
//! CPEs that drop them, redirects, `Expect: 100-continue`, unsupported codings, POSTs spread
//! over cluster nodes failing over from a dead one.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use cwmp_examples::http::{ContentCoding, SESSION_COOKIE, SessionKey};
use cwmp_examples::transport::{
    Handler, IncomingRequest, Reply, RequestHead, SessionClient, bind, serve,
};
use hyper::StatusCode;
use hyper::header::{HeaderValue, LOCATION, SET_COOKIE};

type Seen = Arc<Mutex<Vec<(SessionKey, ContentCoding, Bytes)>>>;

/// Echoes the body; sets a cookie on the first request; redirects `/old` to `/acs`.
async fn start() -> (String, Seen) {
    let listener = bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let handler: Handler = Arc::new(move |r: IncomingRequest| {
        let log = log.clone();
        Box::pin(async move {
            let first = log.lock().unwrap().is_empty();
            log.lock()
                .unwrap()
                .push((r.key.clone(), r.coding, r.body.clone()));
            if r.uri.path() == "/old" {
                return Reply::status(StatusCode::TEMPORARY_REDIRECT)
                    .with_header(LOCATION, HeaderValue::from_static("/acs"));
            }
            let mut reply = if r.body.is_empty() {
                Reply::status(StatusCode::NO_CONTENT)
            } else {
                Reply::ok(r.body)
            };
            if first {
                reply = reply.with_header(
                    SET_COOKIE,
                    HeaderValue::from_str(&format!("{SESSION_COOKIE}=s1; Path=/")).unwrap(),
                );
            }
            reply
        })
    });
    tokio::spawn(serve(listener, handler));
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn gzip_body_and_cookie_session() {
    let (base, seen) = start().await;
    let url = format!("{base}/acs").parse().unwrap();
    let mut c = SessionClient::default();
    c.coding = Some(ContentCoding::Gzip);
    let body = Bytes::from("<Envelope>inform</Envelope>".repeat(20));
    let r = c.post(&url, body.clone(), None, true).await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers.get("content-encoding").unwrap(), "gzip");
    assert_eq!(
        r.body, body,
        "answered in the same encoding, decoded by the client"
    );
    let r = c.post(&url, Bytes::new(), None, false).await.unwrap();
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].1, ContentCoding::Gzip);
    assert_eq!(seen[0].2, body, "server saw the decoded body");
    assert!(matches!(seen[0].0, SessionKey::Peer(_)));
    assert_eq!(seen[1].0, SessionKey::Cookie("s1".into()));
}

#[tokio::test]
async fn cpe_dropping_cookies_is_keyed_by_peer() {
    let (base, seen) = start().await;
    let url = format!("{base}/acs").parse().unwrap();
    let mut c = SessionClient::default();
    c.drop_cookies = true;
    for _ in 0..2 {
        c.post(&url, Bytes::from_static(b"<x/>"), None, true)
            .await
            .unwrap();
    }
    let seen = seen.lock().unwrap();
    assert!(matches!(seen[0].0, SessionKey::Peer(a) if a.ip().is_loopback()));
    assert!(
        seen.iter().all(|(k, _, _)| *k == seen[0].0),
        "one connection, one key"
    );
}

#[tokio::test]
async fn redirect_is_resolved() {
    let (base, _) = start().await;
    let mut c = SessionClient::default();
    let r = c
        .post(
            &format!("{base}/old").parse().unwrap(),
            Bytes::from_static(b"<x/>"),
            None,
            true,
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::TEMPORARY_REDIRECT);
    let to = r.redirect.unwrap();
    assert_eq!(to.to_string(), format!("{base}/acs"));
    let r = c
        .post(&to, Bytes::from_static(b"<y/>"), None, true)
        .await
        .unwrap();
    assert_eq!(r.body, Bytes::from_static(b"<y/>"));
}

fn raw_exchange(addr: &str, head: &str, body: &[u8], expect_continue: bool) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut buf = vec![0u8; 4096];
    if expect_continue {
        let n = s.read(&mut buf).unwrap();
        let interim = String::from_utf8_lossy(&buf[..n]).to_string();
        assert!(interim.starts_with("HTTP/1.1 100 Continue"), "{interim}");
    }
    s.write_all(body).unwrap();
    let n = s.read(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[..n]).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expect_100_continue_and_unsupported_coding() {
    let (base, seen) = start().await;
    let addr = base.trim_start_matches("http://").to_owned();
    let a = addr.clone();
    let resp = tokio::task::spawn_blocking(move || {
        raw_exchange(
            &a,
            "POST /acs HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
            b"<x/>",
            true,
        )
    })
    .await
    .unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.ends_with("<x/>"), "{resp}");
    let resp = tokio::task::spawn_blocking(move || {
        raw_exchange(
            &addr,
            "POST /acs HTTP/1.1\r\nHost: x\r\nContent-Encoding: br\r\nContent-Length: 4\r\n\r\n",
            b"abcd",
            false,
        )
    })
    .await
    .unwrap();
    assert!(resp.starts_with("HTTP/1.1 415"), "{resp}");
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "the 415 never reached the handler"
    );
}

#[tokio::test]
async fn connection_request_listener_challenges_accepts_and_rate_limits() {
    use cwmp_examples::crlisten::{Verifier, listen};
    use cwmp_examples::transport::get;
    use hyper::header::WWW_AUTHENTICATE;

    let listener = bind("127.0.0.1:0").await.unwrap();
    let url: hyper::Uri = format!("http://{}/cr", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    // Accepts one fixed credential; the agent plugs cwmp_session::connreq's digest check in.
    let verifier: Verifier = Arc::new(|r: &RequestHead<'_>| {
        match r
            .parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
        {
            Some("Token ok") => Ok(()),
            _ => Err(Reply::status(StatusCode::UNAUTHORIZED)
                .with_header(WWW_AUTHENTICATE, HeaderValue::from_static("Token"))),
        }
    });
    let mut rx = listen(listener, verifier);
    let (st, h) = get(&url, None).await.unwrap();
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(h.get(WWW_AUTHENTICATE).unwrap(), "Token");
    assert!(rx.try_recv().is_err(), "no session for a rejected request");
    let (st, _) = get(&url, Some("Token ok")).await.unwrap();
    assert_eq!(st, StatusCode::OK);
    let (st, _) = get(&url, Some("Token ok")).await.unwrap();
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "one already waiting");
    rx.recv().await.unwrap();
    let (st, _) = get(&url, Some("Token ok")).await.unwrap();
    assert_eq!(
        st,
        StatusCode::OK,
        "accepted again once the first was taken"
    );
}

#[tokio::test]
async fn posts_spread_over_nodes_fail_over_from_a_node_that_refuses_connections() {
    let (live, seen) = start().await;
    // A port nothing listens on (bound, then closed).
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let live = live.trim_start_matches("http://").to_owned();
    let url = format!("http://{dead}/acs").parse().unwrap();
    let mut c = SessionClient::default();
    c.spread_over = vec![dead.clone(), live];
    for i in 0..20 {
        let body = Bytes::from(format!("<Envelope>{i}</Envelope>"));
        let r = c.post(&url, body.clone(), None, true).await.unwrap();
        assert_eq!((r.status, r.body), (StatusCode::OK, body));
    }
    assert_eq!(seen.lock().unwrap().len(), 20);
    // A new session tries the node again, and fails over again.
    c.end_session();
    let r = c.post(&url, Bytes::from("x"), None, true).await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    // With every node down, the connection error comes back.
    c.end_session();
    c.spread_over = vec![dead];
    assert!(c.post(&url, Bytes::from("x"), None, true).await.is_err());
}

/// A GET server whose gate answers `401` without `Authorization` (with `Connection: close`
/// when `close_after_401`) and records the client port of every request it admits or refuses.
async fn get_server(close_after_401: bool) -> (hyper::Uri, Arc<Mutex<Vec<u16>>>) {
    use cwmp_examples::transport::{ServerOptions, serve_with};
    use hyper::header::CONNECTION;

    let listener = bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cr", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    let ports: Arc<Mutex<Vec<u16>>> = Arc::default();
    let log = ports.clone();
    let gate: cwmp_examples::transport::Gate = Arc::new(move |r: &RequestHead<'_>| {
        log.lock().unwrap().push(r.connection.peer.port());
        if r.parts.headers.contains_key("authorization") {
            return Ok(None);
        }
        let reply = Reply::status(StatusCode::UNAUTHORIZED);
        Err(if close_after_401 {
            reply.with_header(CONNECTION, HeaderValue::from_static("close"))
        } else {
            reply
        })
    });
    let handler: Handler =
        Arc::new(|_r: IncomingRequest| Box::pin(async { Reply::status(StatusCode::OK) }));
    tokio::spawn(serve_with(
        listener,
        ServerOptions::default().with_gate(gate),
        handler,
    ));
    (url, ports)
}

#[tokio::test]
async fn a_get_with_credentials_goes_on_the_connection_of_its_401_unless_it_was_closed() {
    use cwmp_examples::transport::GetClient;

    for close in [false, true] {
        let (url, ports) = get_server(close).await;
        let mut client = GetClient::default();
        let (st, _) = client.get(&url, None).await.unwrap();
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        let (st, _) = client.get(&url, Some("Digest x")).await.unwrap();
        assert_eq!(st, StatusCode::OK);
        let ports = ports.lock().unwrap().clone();
        assert_eq!(ports.len(), 2);
        if close {
            assert_ne!(
                ports[0], ports[1],
                "a new connection after Connection: close"
            );
        } else {
            assert_eq!(
                ports[0], ports[1],
                "one connection for the 401 and the retry"
            );
        }
    }
}

#[tokio::test]
async fn a_get_goes_again_on_a_new_connection_when_the_server_drops_the_kept_one_unanswered() {
    use cwmp_examples::transport::GetClient;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Reads one request head.
    async fn head(socket: &mut tokio::net::TcpStream) {
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the request head arrives");
            head.extend_from_slice(&buf[..n]);
        }
    }

    // A CPE that answers the first GET with a 401 (no `Connection: close`), takes the next
    // GET on the same connection and closes it unanswered; the GET on a new connection
    // gets its 200.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url: hyper::Uri = format!("http://{}/cr", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    let server = tokio::spawn(async move {
        let (mut first, _) = listener.accept().await.unwrap();
        head(&mut first).await;
        first
            .write_all(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
            .await
            .unwrap();
        head(&mut first).await;
        drop(first);
        let (mut second, _) = listener.accept().await.unwrap();
        head(&mut second).await;
        second
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .await
            .unwrap();
    });
    let mut client = GetClient::default();
    let (st, _) = client.get(&url, None).await.unwrap();
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = client.get(&url, Some("Digest x")).await.unwrap();
    assert_eq!(st, StatusCode::OK);
    server.await.unwrap();
}
