//! The hyper 1 transports: an HTTP server that hands each decoded CWMP POST to a handler (the
//! ACS side, and the CPE's Connection Request listener), and (in `transport_client.rs`) a
//! one-connection-per-session HTTP client (the CPE side) and the ACS's Connection Request GETs.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{
    CONNECTION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, EXPECT, HeaderMap,
    HeaderName, HeaderValue, TRANSFER_ENCODING,
};
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpSocket};

use crate::http::{ContentCoding, SessionKey, acceptable_content_type};
use crate::limits::{ConnectionCount, Limits, Watch, Watched};

#[path = "transport_client.rs"]
mod client;
pub use client::{
    ClientError, ClientResponse, GetClient, SessionClient, fetch, fetch_from_cluster, get,
};

/// One TCP connection of the server, shared by the requests that arrive on it.
#[derive(Debug)]
pub struct Connection {
    /// Unique per connection for the life of the process.
    pub id: u64,
    /// The peer's address.
    pub peer: SocketAddr,
    /// The identity this connection authenticated as (set by a [`Gate`]).
    identity: Mutex<Option<String>>,
}

impl Connection {
    fn new(peer: SocketAddr) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            peer,
            identity: Mutex::new(None),
        }
    }

    /// The identity a previous request on this connection authenticated as.
    pub fn identity(&self) -> Option<String> {
        self.identity.lock().expect("lock").clone()
    }

    /// Records the identity this connection authenticated as: later requests on the same TCP
    /// connection may rely on it (no one else can write into the connection).
    pub fn set_identity(&self, identity: Option<String>) {
        *self.identity.lock().expect("lock") = identity;
    }
}

/// The head of a request, as a [`Gate`] sees it (before any of the body is read).
#[derive(Debug)]
pub struct RequestHead<'a> {
    /// Method, target and headers.
    pub parts: &'a hyper::http::request::Parts,
    /// The connection it came on.
    pub connection: &'a Arc<Connection>,
}

/// Admits or refuses a request from its head alone, before its body is read (no `100
/// Continue` is sent to a refused request, nothing of its body is buffered or inflated).
/// `Ok` carries the authenticated identity (`None`: none needed); `Err` the reply to send.
pub type Gate = Arc<dyn Fn(&RequestHead<'_>) -> Result<Option<String>, Reply> + Send + Sync>;

/// One HTTP request as the CWMP layer sees it: body decoded, session key found.
#[derive(Debug, Clone)]
pub struct IncomingRequest {
    /// The HTTP method.
    pub method: Method,
    /// The request target.
    pub uri: Uri,
    /// Who sent it.
    pub peer: SocketAddr,
    /// The connection it came on.
    pub connection: Arc<Connection>,
    /// The identity the [`Gate`] admitted it as (`None` without a gate, or when the gate
    /// needs none).
    pub identity: Option<String>,
    /// The session cookie, or the peer address for CPEs that drop cookies.
    pub key: SessionKey,
    /// The decoded body (empty for an empty POST).
    pub body: Bytes,
    /// The coding the request used; the reply is sent in the same one.
    pub coding: ContentCoding,
    /// All request headers (Authorization, SOAPAction, ... — never required).
    pub headers: HeaderMap,
}

/// The reply a handler gives.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Body (sent with `text/xml; charset="utf-8"` when non-empty).
    pub body: Bytes,
    /// Extra headers (Set-Cookie, WWW-Authenticate, Location, ...).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    /// A reply with a status and no body.
    pub fn status(status: StatusCode) -> Self {
        Self {
            status,
            body: Bytes::new(),
            headers: Vec::new(),
        }
    }

    /// A 200 with a body.
    pub fn ok(body: Bytes) -> Self {
        Self {
            body,
            ..Self::status(StatusCode::OK)
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// What handles requests: called once per HTTP request.
pub type Handler =
    Arc<dyn Fn(IncomingRequest) -> Pin<Box<dyn Future<Output = Reply> + Send>> + Send + Sync>;

/// How [`serve_with`] serves: its [`Limits`] and an optional [`Gate`].
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ServerOptions {
    /// Timeouts, connection caps, body size.
    pub limits: Limits,
    /// Admits requests from their head before the body is read (authentication).
    pub gate: Option<Gate>,
}

impl std::fmt::Debug for ServerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerOptions")
            .field("limits", &self.limits)
            .field("gate", &self.gate.is_some())
            .finish()
    }
}

impl ServerOptions {
    /// Options with these limits and no gate.
    pub fn new(limits: Limits) -> Self {
        Self { limits, gate: None }
    }

    /// Sets the gate.
    pub fn with_gate(mut self, gate: Gate) -> Self {
        self.gate = Some(gate);
        self
    }
}

/// Serves HTTP/1.1 on `listener` with the default [`Limits`] and no gate, until the task is
/// dropped; see [`serve_with`].
pub async fn serve(listener: TcpListener, handler: Handler) {
    serve_with(listener, ServerOptions::default(), handler).await;
}

/// Serves HTTP/1.1 on `listener` until the task is dropped.
///
/// Per request: a `Content-Length` over the body limit is answered `413`, an unsupported
/// `Content-Encoding` `415`, and a request the gate refuses gets the gate's reply, all before
/// any of the body is read (so before hyper sends `100 Continue`, which libcurl-based CPEs wait for); then the body is
/// copied into one buffer (at most the limit, within the body timeout: `413` beyond it, `408`
/// when late, `400` for a broken chunked encoding), inflated, and its Content-Type checked
/// (`415`). Connections over the caps are closed on accept; the [`Limits`] timeouts close slow
/// and idle connections.
pub async fn serve_with(listener: TcpListener, options: ServerOptions, handler: Handler) {
    let options = Arc::new(options);
    let count = Arc::new(ConnectionCount::default());
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            // Out of file descriptors or similar: back off briefly instead of spinning.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let Some(permit) = count.admit(peer.ip(), &options.limits) else {
            // Over a cap: closed at once (the peer sees the connection reset or closed).
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        let options = options.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let watch = Watch::new();
            let connection = Arc::new(Connection::new(peer));
            let io = TokioIo::new(Watched::new(stream, watch.clone()));
            let w = watch.clone();
            let opts = options.clone();
            let service = hyper::service::service_fn(move |req| {
                let handler = handler.clone();
                let connection = connection.clone();
                let options = opts.clone();
                let watch = w.clone();
                async move {
                    watch.busy();
                    let resp = handle(req, connection, &options, handler).await;
                    watch.idle();
                    Ok::<_, Infallible>(resp)
                }
            });
            let limits = &options.limits;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                // hyper's own timer counts from the end of the previous response: a backstop
                // behind the watchdog's finer phases.
                .header_read_timeout(limits.header_timeout + limits.idle_timeout)
                .max_buf_size(READ_BUFFER)
                .max_headers(MAX_HEADERS)
                .serve_connection(io, service);
            tokio::select! {
                _ = conn => {}
                () = watch.expired(limits) => {}
            }
        });
    }
}

/// hyper's read buffer per connection (also the longest request head).
const READ_BUFFER: usize = 64 * 1024;
/// Most request header fields.
const MAX_HEADERS: usize = 64;
/// A refused request's body is read and dropped up to this size, so the connection can carry
/// the next request; a longer one closes the connection.
const DRAIN_LIMIT: u64 = 64 * 1024;

fn header_str<'a>(h: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// Why a body could not be read.
enum BodyError {
    TooLarge,
    Broken,
}

/// Copies a body into one buffer of at most `limit` bytes (received frames are not kept).
async fn read_body(
    mut body: hyper::body::Incoming,
    limit: usize,
    expected: Option<u64>,
) -> Result<Vec<u8>, BodyError> {
    let first = expected.map_or(0, |n| usize::try_from(n).unwrap_or(limit).min(limit));
    let mut out = Vec::with_capacity(first.min(READ_BUFFER));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Broken)?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limit {
                return Err(BodyError::TooLarge);
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

/// Reads and drops a small body so the connection stays usable; `false` if it is too long,
/// broken or late (the connection is then closed).
async fn drain(mut body: hyper::body::Incoming, timeout: std::time::Duration) -> bool {
    let drained = tokio::time::timeout(timeout, async {
        let mut seen = 0u64;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { return false };
            if let Ok(d) = frame.into_data() {
                seen += d.len() as u64;
                if seen > DRAIN_LIMIT {
                    return false;
                }
            }
        }
        true
    })
    .await;
    drained.unwrap_or(false)
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    connection: Arc<Connection>,
    options: &ServerOptions,
    handler: Handler,
) -> Response<Full<Bytes>> {
    let limits = &options.limits;
    let (parts, body) = req.into_parts();
    let length = header_str(&parts.headers, &CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|n| n > limits.max_body as u64) {
        return closing(plain(StatusCode::PAYLOAD_TOO_LARGE));
    }
    let Some(coding) = ContentCoding::from_header(header_str(&parts.headers, &CONTENT_ENCODING))
    else {
        return closing(plain(StatusCode::UNSUPPORTED_MEDIA_TYPE));
    };
    let identity = match &options.gate {
        None => None,
        Some(gate) => match gate(&RequestHead {
            parts: &parts,
            connection: &connection,
        }) {
            Ok(identity) => identity,
            Err(reply) => {
                let expects = header_str(&parts.headers, &EXPECT).is_some();
                // No Content-Length and not chunked: no body at all (a GET).
                let chunked = parts.headers.contains_key(TRANSFER_ENCODING);
                let small = length.map_or(!chunked, |n| n <= DRAIN_LIMIT);
                let keep = !expects && small && drain(body, limits.body_timeout).await;
                let resp = respond(reply, ContentCoding::Identity);
                return if keep { resp } else { closing(resp) };
            }
        },
    };
    let raw = match tokio::time::timeout(
        limits.body_timeout,
        read_body(body, limits.max_body, length),
    )
    .await
    {
        Ok(Ok(raw)) => raw,
        Ok(Err(BodyError::TooLarge)) => return closing(plain(StatusCode::PAYLOAD_TOO_LARGE)),
        Ok(Err(BodyError::Broken)) => return closing(plain(StatusCode::BAD_REQUEST)),
        Err(_) => return closing(plain(StatusCode::REQUEST_TIMEOUT)),
    };
    let decoded = if coding == ContentCoding::Identity {
        Bytes::from(raw)
    } else {
        match coding.decode(&raw, limits.max_body) {
            Ok(d) => Bytes::from(d),
            Err(_) => return plain(StatusCode::BAD_REQUEST),
        }
    };
    if !decoded.is_empty() && !acceptable_content_type(header_str(&parts.headers, &CONTENT_TYPE)) {
        return plain(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    let peer = connection.peer;
    let key = SessionKey::of(
        parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
        peer,
    );
    let reply = handler(IncomingRequest {
        method: parts.method,
        uri: parts.uri,
        peer,
        connection,
        identity,
        key,
        body: decoded,
        coding,
        headers: parts.headers,
    })
    .await;
    respond(reply, coding)
}

fn respond(reply: Reply, coding: ContentCoding) -> Response<Full<Bytes>> {
    let body = if reply.body.is_empty() {
        Bytes::new()
    } else {
        Bytes::from(coding.encode(&reply.body))
    };
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = reply.status;
    let h = resp.headers_mut();
    if !reply.body.is_empty() {
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/xml; charset=\"utf-8\""),
        );
        if let Some(enc) = coding.header_value() {
            h.insert(CONTENT_ENCODING, HeaderValue::from_static(enc));
        }
    }
    for (n, v) in reply.headers {
        h.append(n, v);
    }
    resp
}

fn plain(status: StatusCode) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = status;
    r
}

/// The response, and the connection closed after it (its request was not read to the end).
fn closing(mut r: Response<Full<Bytes>>) -> Response<Full<Bytes>> {
    r.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    r
}

/// Binds a listener (`127.0.0.1:0` picks a free port) with the default backlog of [`Limits`].
pub async fn bind(addr: &str) -> std::io::Result<TcpListener> {
    bind_with_backlog(addr, Limits::default().backlog).await
}

/// Binds a listener to the first address `addr` resolves to, with this listen backlog.
pub async fn bind_with_backlog(addr: &str, backlog: u32) -> std::io::Result<TcpListener> {
    let mut last = None;
    for a in tokio::net::lookup_host(addr).await? {
        let socket = if a.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(a).and_then(|()| socket.listen(backlog)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::AddrNotAvailable, format!("{addr:?}"))
    }))
}
