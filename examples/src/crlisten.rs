//! The CPE's HTTP Connection Request listener (TR-069 Amendment 6, §3.2.2): GET only,
//! credentials checked by a verifier (cwmp_session::connreq digest verification in the agent),
//! `503` while one request is already waiting for its session (rate limit), `200` otherwise.

use std::sync::Arc;

use hyper::{Method, StatusCode};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::transport::{Handler, IncomingRequest, Reply, serve};

/// Decides whether a Connection Request is authenticated; `Err` carries the reply to send
/// (a `401` with a fresh `WWW-Authenticate` challenge).
pub type Verifier = Arc<dyn Fn(&IncomingRequest) -> Result<(), Reply> + Send + Sync>;

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

/// Starts the listener; each accepted Connection Request arrives on the returned channel, and
/// the agent starts a session with `6 CONNECTION REQUEST` for it.
pub fn listen(listener: TcpListener, verifier: Verifier) -> ConnectionRequests {
    // Capacity 1: one accepted request may wait for the running session to end; more get 503.
    let (tx, rx) = mpsc::channel(1);
    let handler: Handler = Arc::new(move |req: IncomingRequest| {
        let verdict = if req.method != Method::GET {
            Err(Reply::status(StatusCode::METHOD_NOT_ALLOWED))
        } else {
            verifier(&req)
        };
        let tx = tx.clone();
        Box::pin(async move {
            if let Err(reply) = verdict {
                return reply;
            }
            match tx.try_send(()) {
                Ok(()) => Reply::status(StatusCode::OK),
                Err(_) => Reply::status(StatusCode::SERVICE_UNAVAILABLE),
            }
        })
    });
    let server = tokio::spawn(serve(listener, handler)).abort_handle();
    ConnectionRequests { rx, server }
}
