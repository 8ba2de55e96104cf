//! A small HTTP/1.1 load balancer for ACS clusters on loopback: every request goes to a
//! backend chosen per request (round robin, or at random), whatever connection it came on, so
//! consecutive POSTs of one CWMP session land on different nodes.
//!
//! A request whose backend fails before answering (connection refused, or reset mid-request
//! because the node died) is sent to the next backend, as a load balancer set to retry on
//! errors does (HAProxy `retry-on all-retryable-errors`, nginx `proxy_next_upstream error`).
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
    /// Idle connections per backend, reused for later requests.
    idle: Vec<Mutex<Vec<SendRequest<Full<Bytes>>>>>,
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
        idle: backends.iter().map(|_| Mutex::new(Vec::new())).collect(),
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
                let service = hyper::service::service_fn(move |req| {
                    let balancer = balancer.clone();
                    async move { Ok::<_, Infallible>(balancer.forward(req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    stats
}

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

    async fn forward(&self, req: Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = req.into_parts();
        let Ok(body) = Limited::new(body, MAX_BODY).collect().await else {
            return status(StatusCode::PAYLOAD_TOO_LARGE);
        };
        let body = body.to_bytes();
        let first = self.first();
        for attempt in 0..self.backends.len() {
            let i = (first + attempt) % self.backends.len();
            if attempt > 0 {
                self.stats.retried.fetch_add(1, Ordering::Relaxed);
            }
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
            if let Some(resp) = self.send(i, out).await {
                self.stats.answered[i].fetch_add(1, Ordering::Relaxed);
                return resp;
            }
        }
        status(StatusCode::BAD_GATEWAY)
    }

    /// Sends one request to backend `i`; `None` if it failed before a whole response.
    async fn send(&self, i: usize, req: Request<Full<Bytes>>) -> Option<Response<Full<Bytes>>> {
        let mut idle = self.idle[i].lock().expect("lock").pop();
        let reusable = match &mut idle {
            Some(s) => s.ready().await.is_ok(),
            None => false,
        };
        let mut sender = match idle {
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
        self.idle[i].lock().expect("lock").push(sender);
        Some(Response::from_parts(parts, Full::new(body)))
    }
}
