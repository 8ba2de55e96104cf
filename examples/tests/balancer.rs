//! The load balancer over loopback HTTP: client connections spread over the backends in
//! turn, each with a backend connection of its own (never shared with another client), a dead
//! backend's requests answered by the next one, cookies and bodies passed through.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use cwmp_examples::balancer::{self, Pick};
use cwmp_examples::transport::{Handler, Reply, SessionClient, bind, serve};
use hyper::Uri;
use hyper::header::{HeaderValue, SET_COOKIE};

/// A backend that answers every POST with its name, the id of the connection and the body it got, and counts them; it
/// runs on its own runtime, so that shutting that down closes its connections as a dead
/// process's would.
fn backend(
    name: &'static str,
) -> (
    std::net::SocketAddr,
    Arc<AtomicUsize>,
    tokio::runtime::Runtime,
) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime.block_on(bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let handler: Handler = Arc::new(move |req| {
        let c = c.clone();
        Box::pin(async move {
            c.fetch_add(1, Ordering::Relaxed);
            // The name, and the backend connection the request came on.
            let mut body = format!("{name}:{}:", req.connection.id).into_bytes();
            body.extend_from_slice(&req.body);
            let reply = Reply::ok(Bytes::from(body));
            if req.headers.get("cookie").is_some() {
                reply
            } else {
                reply.with_header(SET_COOKIE, HeaderValue::from_static("cwmpsession=abc"))
            }
        })
    });
    runtime.spawn(serve(listener, handler));
    (addr, count, runtime)
}

/// The backend name and connection id of an answer, after checking it carries the body sent.
fn origin(body: &[u8], sent: &str) -> (String, String) {
    let body = String::from_utf8(body.to_vec()).unwrap();
    assert!(body.ends_with(sent), "{body}");
    let mut parts = body.splitn(3, ':');
    (
        parts.next().unwrap().to_owned(),
        parts.next().unwrap().to_owned(),
    )
}

/// One POST of `text`; the backend name and connection id of its answer.
async fn post(url: &Uri, client: &mut SessionClient, text: String) -> (String, String) {
    let r = client
        .post(url, Bytes::from(text.clone()), None, false)
        .await
        .unwrap();
    origin(&r.body, &text)
}

#[test]
fn client_connections_keep_their_own_backend_connection_and_avoid_a_dead_backend() {
    let (a, count_a, runtime_a) = backend("a");
    let (b, count_b, runtime_b) = backend("b");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async move {
        let listener = bind("127.0.0.1:0").await.unwrap();
        let url: Uri = format!("http://{}/cwmp", listener.local_addr().unwrap())
            .parse()
            .unwrap();
        let stats = balancer::start(listener, vec![a, b], Pick::RoundRobin, 1);
        // One client connection: every request to the same backend, on the same backend
        // connection.
        let mut first = SessionClient::default();
        let mut seen = Vec::new();
        for i in 0..4 {
            seen.push(post(&url, &mut first, format!("<x>{i}</x>")).await);
        }
        assert!(seen.iter().all(|o| *o == seen[0]), "{seen:?}");
        assert_eq!(seen[0].0, "a");
        assert!(first.jar.header().is_some(), "Set-Cookie passed through");
        // The next client connections go round robin; a client on the same backend as the
        // first gets a backend connection of its own.
        let mut second = SessionClient::default();
        assert_eq!(post(&url, &mut second, "<s/>".into()).await.0, "b");
        let mut third = SessionClient::default();
        let theirs = post(&url, &mut third, "<t/>".into()).await;
        assert_eq!(theirs.0, "a");
        assert_ne!(
            theirs.1, seen[0].1,
            "a backend connection shared by two clients"
        );
        assert_eq!(post(&url, &mut first, "<x>again</x>".into()).await, seen[0]);
        // A client that reconnects for each request: its requests alternate.
        let mut hopping = SessionClient::default();
        hopping.reconnect_each_post = true;
        let mut names = Vec::new();
        for i in 0..4 {
            names.push(post(&url, &mut hopping, format!("<h>{i}</h>")).await.0);
        }
        assert_eq!(names, ["b", "a", "b", "a"]);
        let before = (
            count_a.load(Ordering::Relaxed),
            count_b.load(Ordering::Relaxed),
        );
        assert_eq!(before, (8, 3));
        // Backend b dies: the turns of b go to a, counted as retries, and the client that
        // was on b moves to a.
        runtime_b.shutdown_background();
        for i in 0..4 {
            assert_eq!(post(&url, &mut hopping, format!("<y>{i}</y>")).await.0, "a");
        }
        assert_eq!(post(&url, &mut second, "<s>again</s>".into()).await.0, "a");
        assert_eq!(count_a.load(Ordering::Relaxed), 13);
        assert!(stats.retried.load(Ordering::Relaxed) >= 3);
        assert_eq!(stats.answered[0].load(Ordering::Relaxed), 13);
        runtime_a.shutdown_background();
    });
}
