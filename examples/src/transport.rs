//! The hyper 1 transports: an HTTP server that hands each decoded CWMP POST to a handler (the
//! ACS side, and the CPE's Connection Request listener), and a one-connection-per-session HTTP
//! client (the CPE side).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{
    CONTENT_ENCODING, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, LOCATION,
    SET_COOKIE,
};
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

use crate::http::{
    ContentCoding, CookieJar, MAX_BODY, SessionKey, acceptable_content_type, resolve_location,
};

/// One HTTP request as the CWMP layer sees it: body decoded, session key found.
#[derive(Debug, Clone)]
pub struct IncomingRequest {
    /// The HTTP method.
    pub method: Method,
    /// The request target.
    pub uri: Uri,
    /// Who sent it.
    pub peer: SocketAddr,
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

/// Serves HTTP/1.1 on `listener` until the task is dropped. `Expect: 100-continue` is answered
/// by hyper when the body is first read (libcurl-based CPEs send it); unsupported codings get 415, bodies over
/// [`MAX_BODY`] 413, unusable Content-Types 415.
pub async fn serve(listener: TcpListener, handler: Handler) {
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            // Out of file descriptors or similar: back off briefly instead of spinning.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let handler = handler.clone();
                async move { Ok::<_, Infallible>(handle(req, peer, handler).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn header_str<'a>(h: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    peer: SocketAddr,
    handler: Handler,
) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let Some(coding) = ContentCoding::from_header(header_str(&parts.headers, &CONTENT_ENCODING))
    else {
        return plain(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    };
    let raw = match Limited::new(body, MAX_BODY).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => return plain(StatusCode::PAYLOAD_TOO_LARGE),
    };
    let decoded = match coding.decode(&raw, MAX_BODY) {
        Ok(d) => Bytes::from(d),
        Err(_) => return plain(StatusCode::BAD_REQUEST),
    };
    if !decoded.is_empty() && !acceptable_content_type(header_str(&parts.headers, &CONTENT_TYPE)) {
        return plain(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
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
        key,
        body: decoded,
        coding,
        headers: parts.headers,
    })
    .await;
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

/// Binds a listener (`127.0.0.1:0` picks a free port).
pub async fn bind(addr: &str) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// What came back for one POST.
#[derive(Debug, Clone)]
pub struct ClientResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Decoded body.
    pub body: Bytes,
    /// For 3xx: where to resend, resolved against the request URL.
    pub redirect: Option<Uri>,
}

/// Errors of the HTTP client.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError {
    /// The URL cannot be used (not `http://host:port/...`).
    BadUrl(String),
    /// Connecting or talking to the server failed.
    Io(std::io::Error),
    /// The HTTP exchange failed.
    Http(hyper::Error),
    /// The response body could not be decoded.
    Body(String),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadUrl(u) => write!(f, "unusable URL {u:?}"),
            Self::Io(e) => write!(f, "connection: {e}"),
            Self::Http(e) => write!(f, "HTTP: {e}"),
            Self::Body(e) => write!(f, "response body: {e}"),
        }
    }
}

impl std::error::Error for ClientError {}

/// The CPE's HTTP client for one session: one TCP connection kept for the whole session
/// (TR-069 Amendment 6, §3.4), reopened if the server closes it or a redirect moves to another host; cookies
/// kept until [`SessionClient::end_session`].
#[derive(Debug, Default)]
pub struct SessionClient {
    conn: Option<(String, hyper::client::conn::http1::SendRequest<Full<Bytes>>)>,
    /// Cookies of the current session.
    pub jar: CookieJar,
    /// Content coding for request bodies (gzip, as some CPEs send).
    pub coding: Option<ContentCoding>,
    /// Whether to return cookies (false simulates a CPE that drops them).
    pub drop_cookies: bool,
    /// Open a new connection for every POST (as some CPEs do; the ACS must then
    /// find the session by its cookie).
    pub reconnect_each_post: bool,
}

impl SessionClient {
    /// POSTs `body` (empty for the empty POST) to `url` with an optional Authorization.
    pub async fn post(
        &mut self,
        url: &Uri,
        body: Bytes,
        authorization: Option<&str>,
        soap_action: bool,
    ) -> Result<ClientResponse, ClientError> {
        let authority = url
            .authority()
            .ok_or_else(|| ClientError::BadUrl(url.to_string()))?
            .to_string();
        if url.scheme_str() != Some("http") {
            return Err(ClientError::BadUrl(url.to_string()));
        }
        let coding = self.coding.unwrap_or(ContentCoding::Identity);
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(url.path_and_query().map_or("/", |p| p.as_str()))
            .header(hyper::header::HOST, &authority);
        if !body.is_empty() {
            req = req.header(CONTENT_TYPE, "text/xml; charset=\"utf-8\"");
            if soap_action {
                req = req.header("SOAPAction", "");
            }
            if let Some(enc) = coding.header_value() {
                req = req.header(CONTENT_ENCODING, enc);
            }
        }
        if let Some(a) = authorization {
            req = req.header(hyper::header::AUTHORIZATION, a);
        }
        if !self.drop_cookies {
            if let Some(c) = self.jar.header() {
                req = req.header(COOKIE, c);
            }
        }
        let payload = if body.is_empty() {
            body
        } else {
            Bytes::from(coding.encode(&body))
        };
        let req = req
            .body(Full::new(payload))
            .map_err(|e| ClientError::BadUrl(e.to_string()))?;
        if self.reconnect_each_post {
            self.conn = None;
        }
        let sender = self.connection(&authority).await?;
        let resp = match sender.send_request(req).await {
            Ok(r) => r,
            Err(e) => {
                self.conn = None;
                return Err(ClientError::Http(e));
            }
        };
        let (parts, body) = resp.into_parts();
        for v in parts.headers.get_all(SET_COOKIE) {
            if let Ok(s) = v.to_str() {
                self.jar.store(s);
            }
        }
        let raw = Limited::new(body, MAX_BODY)
            .collect()
            .await
            .map_err(|e| ClientError::Body(e.to_string()))?
            .to_bytes();
        let coding = ContentCoding::from_header(header_str(&parts.headers, &CONTENT_ENCODING))
            .ok_or_else(|| ClientError::Body("unsupported Content-Encoding".into()))?;
        let body = coding
            .decode(&raw, MAX_BODY)
            .map_err(|e| ClientError::Body(e.to_string()))?;
        let redirect = if parts.status.is_redirection() {
            header_str(&parts.headers, &LOCATION).and_then(|l| resolve_location(url, l))
        } else {
            None
        };
        if header_str(&parts.headers, &hyper::header::CONNECTION)
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            self.conn = None;
        }
        Ok(ClientResponse {
            status: parts.status,
            headers: parts.headers,
            body: Bytes::from(body),
            redirect,
        })
    }

    async fn connection(
        &mut self,
        authority: &str,
    ) -> Result<&mut hyper::client::conn::http1::SendRequest<Full<Bytes>>, ClientError> {
        let reusable = match &mut self.conn {
            Some((a, s)) if a == authority => s.ready().await.is_ok(),
            _ => false,
        };
        if !reusable {
            let stream = TcpStream::connect(authority)
                .await
                .map_err(ClientError::Io)?;
            let _ = stream.set_nodelay(true);
            let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(ClientError::Http)?;
            tokio::spawn(conn);
            self.conn = Some((authority.to_owned(), sender));
        }
        Ok(&mut self.conn.as_mut().expect("set above").1)
    }

    /// Ends the session: closes the connection and forgets the cookies.
    pub fn end_session(&mut self) {
        self.conn = None;
        self.jar.clear();
    }
}

/// Sends an HTTP GET (the ACS's Connection Request) with an optional Authorization header on
/// a fresh connection; returns the status and headers.
pub async fn get(
    url: &Uri,
    authorization: Option<&str>,
) -> Result<(StatusCode, HeaderMap), ClientError> {
    let authority = url
        .authority()
        .ok_or_else(|| ClientError::BadUrl(url.to_string()))?
        .to_string();
    let stream = TcpStream::connect(&authority)
        .await
        .map_err(ClientError::Io)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(ClientError::Http)?;
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method(Method::GET)
        .uri(url.path_and_query().map_or("/", |p| p.as_str()))
        .header(hyper::header::HOST, &authority);
    if let Some(a) = authorization {
        req = req.header(hyper::header::AUTHORIZATION, a);
    }
    let req = req
        .body(Full::new(Bytes::new()))
        .map_err(|e| ClientError::BadUrl(e.to_string()))?;
    let resp = sender.send_request(req).await.map_err(ClientError::Http)?;
    Ok((resp.status(), resp.headers().clone()))
}

/// Fetches a file with an HTTP GET on a fresh connection (the CPE's Download): the status and
/// the body, at most `limit` bytes of it (a longer body is an error).
pub async fn fetch(url: &Uri, limit: usize) -> Result<(StatusCode, Bytes), ClientError> {
    let authority = url
        .authority()
        .ok_or_else(|| ClientError::BadUrl(url.to_string()))?
        .to_string();
    if url.scheme_str() != Some("http") {
        return Err(ClientError::BadUrl(url.to_string()));
    }
    let stream = TcpStream::connect(&authority)
        .await
        .map_err(ClientError::Io)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(ClientError::Http)?;
    tokio::spawn(conn);
    let req = Request::builder()
        .method(Method::GET)
        .uri(url.path_and_query().map_or("/", |p| p.as_str()))
        .header(hyper::header::HOST, &authority)
        .body(Full::new(Bytes::new()))
        .map_err(|e| ClientError::BadUrl(e.to_string()))?;
    let resp = sender.send_request(req).await.map_err(ClientError::Http)?;
    let status = resp.status();
    let body = Limited::new(resp.into_body(), limit)
        .collect()
        .await
        .map_err(|e| ClientError::Body(e.to_string()))?
        .to_bytes();
    Ok((status, body))
}
