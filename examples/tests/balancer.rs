//! The load balancer over loopback HTTP: requests spread over the backends in turn, a dead
//! backend's requests answered by the next one, cookies and bodies passed through.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use cwmp_examples::balancer::{self, Pick};
use cwmp_examples::transport::{Handler, Reply, SessionClient, bind, serve};
use hyper::Uri;
use hyper::header::{HeaderValue, SET_COOKIE};

/// A backend that answers every POST with its name and the body it got, and counts them; it
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
            let mut body = name.as_bytes().to_vec();
            body.extend_from_slice(b":");
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

#[test]
fn requests_go_to_the_backends_in_turn_and_around_a_dead_one() {
    let (a, count_a, runtime_a) = backend("a");
    let (b, count_b, runtime_b) = backend("b");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async move {
        let listener = bind("127.0.0.1:0").await.unwrap();
        let url: Uri = format!("http://{}/cwmp", listener.local_addr().unwrap())
            .parse()
            .unwrap();
        let stats = balancer::start(listener, vec![a, b], Pick::RoundRobin, 1);
        // One client connection, consecutive requests: each to the other backend.
        let mut client = SessionClient::default();
        let mut names = Vec::new();
        for i in 0..6 {
            let r = client
                .post(&url, Bytes::from(format!("<x>{i}</x>")), None, false)
                .await
                .unwrap();
            let body = String::from_utf8(r.body.to_vec()).unwrap();
            assert!(body.ends_with(&format!("<x>{i}</x>")), "{body}");
            names.push(body[..1].to_owned());
        }
        assert_eq!(names, ["a", "b", "a", "b", "a", "b"]);
        assert!(client.jar.header().is_some(), "Set-Cookie passed through");
        assert_eq!(
            (
                count_a.load(Ordering::Relaxed),
                count_b.load(Ordering::Relaxed)
            ),
            (3, 3)
        );
        // Backend b dies: its turns go to a, counted as retries.
        runtime_b.shutdown_background();
        for i in 0..4 {
            let r = client
                .post(&url, Bytes::from(format!("<y>{i}</y>")), None, false)
                .await
                .unwrap();
            assert!(r.body.starts_with(b"a:"), "{:?}", r.body);
        }
        assert_eq!(count_a.load(Ordering::Relaxed), 7);
        assert!(stats.retried.load(Ordering::Relaxed) >= 2);
        assert_eq!(stats.answered[0].load(Ordering::Relaxed), 7);
        runtime_a.shutdown_background();
    });
}
