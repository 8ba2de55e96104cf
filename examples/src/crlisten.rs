//! The CPE's HTTP Connection Request listener (TR-069 Amendment 6, §3.2.2): GET only (`405`
//! with `Allow` otherwise), on one path (`404` elsewhere; the agent makes it random per
//! device), credentials checked by a verifier from the request head (the agent's digest check
//! refuses replays), accepted requests rate-limited (`503` beyond the rate, as TR-069 asks,
//! and while one accepted request still waits for its session), `200` otherwise. The HTTP
//! server's [`Limits`] apply.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cwmp_session::connreq::Credentials;
use hyper::header::{ALLOW, AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use hyper::{Method, StatusCode};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::credentials::{Authenticator, Refusal};
use crate::limits::Limits;
use crate::transport::{
    Gate, Handler, IncomingRequest, Reply, RequestHead, ServerOptions, serve_with,
};

/// Decides from the request head whether a Connection Request is authenticated; `Err` carries
/// the reply to send (a `401` with a fresh `WWW-Authenticate` challenge).
pub type Verifier = Arc<dyn Fn(&RequestHead<'_>) -> Result<(), Reply> + Send + Sync>;

/// The agent's verifier: HTTP digest against `credentials` (which the ACS may change through
/// ManagementServer.ConnectionRequestUsername/Password), nonces valid 60 s under a secret from
/// the OS RNG, and a replayed `Authorization` (same nonce and count) refused like a wrong one.
pub fn digest_verifier(credentials: Arc<Mutex<Credentials>>) -> Verifier {
    let auth = Authenticator::new("cwmp-rs CPE", 60, false);
    Arc::new(move |head| {
        let challenge = |stale| {
            Reply::status(StatusCode::UNAUTHORIZED).with_header(
                WWW_AUTHENTICATE,
                HeaderValue::from_str(&auth.challenge(stale))
                    .expect("a challenge is a valid header value"),
            )
        };
        let Some(header) = head
            .parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return Err(challenge(false));
        };
        let uri = head.parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let creds = credentials.lock().expect("lock").clone();
        match auth.verify(header, "GET", uri, |u| {
            (u == creds.username).then(|| creds.password.clone())
        }) {
            Ok(_) => Ok(()),
            Err(Refusal::Stale) => Err(challenge(true)),
            Err(Refusal::Challenge | Refusal::Replayed(_)) => Err(challenge(false)),
        }
    })
}

/// How the listener answers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ListenOptions {
    /// The only path Connection Requests may use (`None`: any path).
    pub path: Option<String>,
    /// Accepted Connection Requests per minute, on average (flag `--cr-rate`).
    pub per_minute: u32,
    /// Accepted Connection Requests in a burst.
    pub burst: u32,
    /// What the HTTP server allows a peer.
    pub limits: Limits,
}

impl Default for ListenOptions {
    fn default() -> Self {
        Self {
            path: None,
            per_minute: 6,
            burst: 3,
            limits: Limits::default(),
        }
    }
}

/// A token bucket: `burst` tokens, refilled at `per_minute`.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
    burst: f64,
    per_sec: f64,
}

impl Bucket {
    fn take(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The accepted Connection Requests of a running listener. Dropping it stops the listener
/// (and frees its port).
#[derive(Debug)]
pub struct ConnectionRequests {
    rx: mpsc::Receiver<()>,
    server: tokio::task::AbortHandle,
}

impl ConnectionRequests {
    /// Waits for the next accepted Connection Request.
    pub async fn recv(&mut self) -> Option<()> {
        self.rx.recv().await
    }

    /// An accepted Connection Request, if one is waiting.
    pub fn try_recv(&mut self) -> Result<(), mpsc::error::TryRecvError> {
        self.rx.try_recv()
    }
}

impl Drop for ConnectionRequests {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts the listener with the default [`ListenOptions`]; see [`listen_with`].
pub fn listen(listener: TcpListener, verifier: Verifier) -> ConnectionRequests {
    listen_with(listener, ListenOptions::default(), verifier)
}

/// Starts the listener; each accepted Connection Request arrives on the returned channel, and
/// the agent starts a session with `6 CONNECTION REQUEST` for it.
pub fn listen_with(
    listener: TcpListener,
    options: ListenOptions,
    verifier: Verifier,
) -> ConnectionRequests {
    // Capacity 1: one accepted request may wait for the running session to end; more get 503.
    let (tx, rx) = mpsc::channel(1);
    let bucket = Mutex::new(Bucket {
        tokens: f64::from(options.burst.max(1)),
        last: Instant::now(),
        burst: f64::from(options.burst.max(1)),
        per_sec: f64::from(options.per_minute) / Duration::from_secs(60).as_secs_f64(),
    });
    let path = options.path.clone();
    let gate: Gate = Arc::new(move |head: &RequestHead<'_>| {
        if head.parts.method != Method::GET {
            return Err(Reply::status(StatusCode::METHOD_NOT_ALLOWED)
                .with_header(ALLOW, HeaderValue::from_static("GET")));
        }
        if path.as_deref().is_some_and(|p| head.parts.uri.path() != p) {
            return Err(Reply::status(StatusCode::NOT_FOUND));
        }
        verifier(head)?;
        // Only authenticated requests spend the rate: strangers cannot use up the ACS's.
        if bucket.lock().expect("lock").take() {
            Ok(None)
        } else {
            Err(Reply::status(StatusCode::SERVICE_UNAVAILABLE))
        }
    });
    let handler: Handler = Arc::new(move |_req: IncomingRequest| {
        let accepted = tx.try_send(()).is_ok();
        Box::pin(async move {
            if accepted {
                Reply::status(StatusCode::OK)
            } else {
                Reply::status(StatusCode::SERVICE_UNAVAILABLE)
            }
        })
    });
    let server_options = ServerOptions::new(options.limits).with_gate(gate);
    let server = tokio::spawn(serve_with(listener, server_options, handler)).abort_handle();
    ConnectionRequests { rx, server }
}
