//! A small HTTP/1.1 load balancer for ACS clusters on loopback. Each client TCP connection
//! gets a backend (round robin, or at random, per new connection) and a backend connection of
//! its own, which no other client ever uses: the ACS may then trust "this connection has
//! authenticated" as it does without a balancer (a balancer that pooled backend connections
//! across clients would hand one client's authenticated connection to another). A CPE that
//! opens a new connection for each POST thus spreads one CWMP session over the nodes.
//!
//! A request whose backend fails before answering (connection refused, or reset mid-request
//! because the node died) is sent to the next backend on a new connection, as a load
//! balancer set to retry on errors does (HAProxy `retry-on all-retryable-errors`, nginx
//! `proxy_next_upstream error`); that connection has not authenticated, so the node
//! challenges a request that relied on the old one.
//! A POST is not idempotent in HTTP terms; the ACS makes the retry safe: a POST the dead node
//! already applied is answered again from the shared state, not applied twice.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::SendRequest;
use hyper::header::HOST;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

use crate::http::{MAX_BODY, SplitMix64};

/// How a backend is chosen for each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pick {
    /// The next backend in turn: consecutive requests go to different nodes.
    RoundRobin,
    /// A backend at random.
    Random,
}

/// What the balancer did, per backend.
#[derive(Debug, Default)]
pub struct BalancerStats {
    /// Requests answered by each backend.
    pub answered: Vec<AtomicU64>,
    /// Requests sent to another backend after one failed.
    pub retried: AtomicU64,
}

struct Balancer {
    backends: Vec<SocketAddr>,
    pick: Pick,
    next: AtomicU64,
    rng: Mutex<SplitMix64>,
    stats: Arc<BalancerStats>,
}

/// Serves `listener`, spreading requests over `backends`; returns the per-backend counts.
pub fn start(
    listener: TcpListener,
    backends: Vec<SocketAddr>,
    pick: Pick,
    seed: u64,
) -> Arc<BalancerStats> {
    let stats = Arc::new(BalancerStats {
        answered: backends.iter().map(|_| AtomicU64::new(0)).collect(),
        retried: AtomicU64::new(0),
    });
    let balancer = Arc::new(Balancer {
        backends,
        pick,
        next: AtomicU64::new(0),
        rng: Mutex::new(SplitMix64::new(seed)),
        stats: stats.clone(),
    });
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            };
            let _ = stream.set_nodelay(true);
            let balancer = balancer.clone();
            tokio::spawn(async move {
                // This client connection's backend and its own connection there.
                let backend: Backend = Arc::new(tokio::sync::Mutex::new((balancer.first(), None)));
                let service = hyper::service::service_fn(move |req| {
                    let balancer = balancer.clone();
                    let backend = backend.clone();
                    async move { Ok::<_, Infallible>(balancer.forward(req, &backend).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    stats
}

/// A client connection's backend, and the connection to it once opened.
type Backend = Arc<tokio::sync::Mutex<(usize, Option<SendRequest<Full<Bytes>>>)>>;

fn status(status: StatusCode) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = status;
    r
}

impl Balancer {
    fn first(&self) -> usize {
        let n = self.backends.len() as u64;
        let i = match self.pick {
            Pick::RoundRobin => self.next.fetch_add(1, Ordering::Relaxed),
            Pick::Random => self.rng.lock().expect("lock").next_u64(),
        };
        (i % n) as usize
    }

    async fn forward(
        &self,
        req: Request<hyper::body::Incoming>,
        backend: &Backend,
    ) -> Response<Full<Bytes>> {
        let (parts, body) = req.into_parts();
        let Ok(body) = Limited::new(body, MAX_BODY).collect().await else {
            return status(StatusCode::PAYLOAD_TOO_LARGE);
        };
        let body = body.to_bytes();
        // Held for the request: HTTP/1.1 has one request at a time on the client connection.
        let mut backend = backend.lock().await;
        for attempt in 0..self.backends.len() {
            if attempt > 0 {
                // The backend failed: the next one, on a new connection.
                self.stats.retried.fetch_add(1, Ordering::Relaxed);
                backend.0 = (backend.0 + 1) % self.backends.len();
                backend.1 = None;
            }
            let i = backend.0;
            let mut out = Request::new(Full::new(body.clone()));
            *out.method_mut() = parts.method.clone();
            *out.uri_mut() = parts
                .uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .parse()
                .expect("a path");
            *out.headers_mut() = parts.headers.clone();
            if let Ok(host) = self.backends[i].to_string().parse() {
                out.headers_mut().insert(HOST, host);
            }
            if let Some(resp) = self.send(i, &mut backend.1, out).await {
                self.stats.answered[i].fetch_add(1, Ordering::Relaxed);
                return resp;
            }
        }
        status(StatusCode::BAD_GATEWAY)
    }

    /// Sends one request to backend `i` on `connection` (opened if there is none, or if the
    /// backend closed it); `None` if it failed before a whole response.
    async fn send(
        &self,
        i: usize,
        connection: &mut Option<SendRequest<Full<Bytes>>>,
        req: Request<Full<Bytes>>,
    ) -> Option<Response<Full<Bytes>>> {
        let mut open = connection.take();
        let reusable = match &mut open {
            Some(s) => s.ready().await.is_ok(),
            None => false,
        };
        let mut sender = match open {
            Some(s) if reusable => s,
            _ => {
                let stream = TcpStream::connect(self.backends[i]).await.ok()?;
                let _ = stream.set_nodelay(true);
                let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .ok()?;
                tokio::spawn(conn);
                sender
            }
        };
        let resp = sender.send_request(req).await.ok()?;
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.ok()?.to_bytes();
        *connection = Some(sender);
        Some(Response::from_parts(parts, Full::new(body)))
    }
}
