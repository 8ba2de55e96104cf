//! The client side of the transports: the CPE's one-connection-per-session HTTP client
//! ([`SessionClient`]), the ACS's Connection Request GETs ([`get`]) and file fetches
//! ([`fetch`], [`fetch_from_cluster`]).

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{
    CONNECTION, CONTENT_ENCODING, CONTENT_TYPE, COOKIE, HeaderMap, LOCATION, SET_COOKIE,
};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::header_str;

/// The sending half of an HTTP/1.1 client connection.
type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;
use crate::http::{ContentCoding, CookieJar, MAX_BODY, resolve_location};

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
    /// No answer in time (the caller's deadline).
    TimedOut,
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadUrl(u) => write!(f, "unusable URL {u:?}"),
            Self::Io(e) => write!(f, "connection: {e}"),
            Self::Http(e) => write!(f, "HTTP: {e}"),
            Self::Body(e) => write!(f, "response body: {e}"),
            Self::TimedOut => write!(f, "no response in time"),
        }
    }
}

impl std::error::Error for ClientError {}

/// The CPE's HTTP client for one session: one TCP connection kept for the whole session
/// (TR-069 Amendment 6, §3.4), reopened if the server closes it or a redirect moves to another host; cookies
/// kept until [`SessionClient::end_session`].
#[derive(Debug, Default)]
pub struct SessionClient {
    /// Open connections, by authority (one, unless [`SessionClient::spread_over`] names nodes).
    conns: Vec<(String, Sender)>,
    /// State of the node picker (0: not seeded yet).
    pick: u64,
    /// Nodes of [`SessionClient::spread_over`] that could not be connected to this session:
    /// not picked again until the session ends.
    down: Vec<String>,
    /// Cookies of the current session.
    pub jar: CookieJar,
    /// Content coding for request bodies (gzip, as some CPEs send).
    pub coding: Option<ContentCoding>,
    /// Whether to return cookies (false simulates a CPE that drops them).
    pub drop_cookies: bool,
    /// Open a new connection for every POST (as some CPEs do; the ACS must then
    /// find the session by its cookie).
    pub reconnect_each_post: bool,
    /// Longest wait for the TCP connection (`None`: the operating system's).
    pub connect_timeout: Option<std::time::Duration>,
    /// ACS nodes (`host:port`) of one cluster: when not empty, each POST goes to one of them
    /// picked at random, over a connection kept per node, as an HTTP load balancer with
    /// keep-alive backend connections spreads requests (the URL's path is kept). A node
    /// that cannot be connected to is left out for the rest of the session and the POST goes
    /// to another one (nothing was sent yet): the CPEs fail over to the live nodes.
    pub spread_over: Vec<String>,
}

impl SessionClient {
    /// The authority of the next POST: the URL's, or a random node of
    /// [`SessionClient::spread_over`] (of those not down, while one is left).
    fn authority_for(&mut self, url: &Uri) -> Result<String, ClientError> {
        if !self.spread_over.is_empty() {
            let live: Vec<&String> = self
                .spread_over
                .iter()
                .filter(|n| !self.down.contains(n))
                .collect();
            let nodes = if live.is_empty() {
                self.spread_over.iter().collect()
            } else {
                live
            };
            if self.pick == 0 {
                self.pick = u64::from_le_bytes(crate::http::os_random::<8>()) | 1;
            }
            // xorshift64: spreading, not secrecy.
            self.pick ^= self.pick << 13;
            self.pick ^= self.pick >> 7;
            self.pick ^= self.pick << 17;
            let i = usize::try_from(self.pick % nodes.len() as u64).unwrap_or(0);
            return Ok(nodes[i].clone());
        }
        Ok(url
            .authority()
            .ok_or_else(|| ClientError::BadUrl(url.to_string()))?
            .to_string())
    }

    /// POSTs `body` (empty for the empty POST) to `url` with an optional Authorization.
    pub async fn post(
        &mut self,
        url: &Uri,
        body: Bytes,
        authorization: Option<&str>,
        soap_action: bool,
    ) -> Result<ClientResponse, ClientError> {
        if url.scheme_str() != Some("http") {
            return Err(ClientError::BadUrl(url.to_string()));
        }
        if self.reconnect_each_post {
            self.conns.clear();
        }
        // The node, and a connection to it: another node when it cannot be connected to.
        let (authority, at) = loop {
            let authority = self.authority_for(url)?;
            match self.connection(&authority).await {
                Ok(at) => break (authority, at),
                Err(ClientError::Io(_))
                    if self
                        .spread_over
                        .iter()
                        .any(|n| *n != authority && !self.down.contains(n)) =>
                {
                    self.down.push(authority);
                }
                Err(e) => return Err(e),
            }
        };
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
        let resp = match self.conns[at].1.send_request(req).await {
            Ok(r) => r,
            Err(e) => {
                self.forget(&authority);
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
        if header_str(&parts.headers, &CONNECTION).is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            self.forget(&authority);
        }
        Ok(ClientResponse {
            status: parts.status,
            headers: parts.headers,
            body: Bytes::from(body),
            redirect,
        })
    }

    /// The index in `conns` of a ready connection to `authority`, opened if need be.
    async fn connection(&mut self, authority: &str) -> Result<usize, ClientError> {
        let mut at = None;
        if let Some(i) = self.conns.iter().position(|(a, _)| a == authority) {
            if self.conns[i].1.ready().await.is_ok() {
                at = Some(i);
            } else {
                self.conns.swap_remove(i);
            }
        }
        if at.is_none() {
            if self.spread_over.is_empty() {
                // One connection at a time (a redirect to another host closes the first).
                self.conns.clear();
            }
            let connect = TcpStream::connect(authority);
            let stream = match self.connect_timeout {
                Some(t) => tokio::time::timeout(t, connect).await.map_err(|_| {
                    ClientError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("no connection to {authority} within {t:?}"),
                    ))
                })?,
                None => connect.await,
            }
            .map_err(ClientError::Io)?;
            let _ = stream.set_nodelay(true);
            let sender = handshake(stream).await?;
            self.conns.push((authority.to_owned(), sender));
            at = Some(self.conns.len() - 1);
        }
        Ok(at.expect("set above"))
    }

    fn forget(&mut self, authority: &str) {
        self.conns.retain(|(a, _)| a != authority);
    }

    /// Closes the connections (the next POST opens a new one); the cookies are kept.
    pub fn drop_connection(&mut self) {
        self.conns.clear();
    }

    /// Ends the session: closes the connections and forgets the cookies (and which nodes
    /// were down: the next session tries them again).
    pub fn end_session(&mut self) {
        self.conns.clear();
        self.jar.clear();
        self.down.clear();
    }
}

/// Sends an HTTP GET (the ACS's Connection Request) with an optional Authorization header on
/// a fresh connection; returns the status and headers.
pub async fn get(
    url: &Uri,
    authorization: Option<&str>,
) -> Result<(StatusCode, HeaderMap), ClientError> {
    GetClient::default().get(url, authorization).await
}

/// HTTP GETs to one host over one connection, kept while the server keeps it: the ACS's
/// Connection Request sends its GET with credentials on the connection that got the `401`
/// (RFC 9112 §9.3), and opens a new one when the CPE closed it (as some do after a `401`).
/// A GET that a kept connection lost unanswered is sent once more on a new connection (GET
/// is idempotent, RFC 9110 §9.2.2).
#[derive(Debug, Default)]
pub struct GetClient {
    conn: Option<(String, Sender)>,
}

impl GetClient {
    /// Sends a GET of `url` with an optional Authorization header; returns the status and
    /// headers (the body is not read).
    pub async fn get(
        &mut self,
        url: &Uri,
        authorization: Option<&str>,
    ) -> Result<(StatusCode, HeaderMap), ClientError> {
        let authority = url
            .authority()
            .ok_or_else(|| ClientError::BadUrl(url.to_string()))?
            .to_string();
        // The kept connection, if it is to this host and still open.
        let mut kept = self
            .conn
            .take()
            .filter(|(a, s)| *a == authority && !s.is_closed());
        if let Some((_, sender)) = &mut kept {
            if sender.ready().await.is_err() {
                kept = None;
            }
        }
        let reused = kept.is_some();
        let mut sender = match kept {
            Some((_, sender)) => sender,
            None => connect(&authority).await?,
        };
        let request = || {
            let mut req = Request::builder()
                .method(Method::GET)
                .uri(url.path_and_query().map_or("/", |p| p.as_str()))
                .header(hyper::header::HOST, &authority);
            if let Some(a) = authorization {
                req = req.header(hyper::header::AUTHORIZATION, a);
            }
            req.body(Full::new(Bytes::new()))
                .map_err(|e| ClientError::BadUrl(e.to_string()))
        };
        let resp = match sender.send_request(request()?).await {
            Ok(resp) => resp,
            // A kept connection the server closed without saying so (some CPEs close after
            // a 401): a GET can be sent again, on a new connection.
            Err(_) if reused => {
                sender = connect(&authority).await?;
                sender
                    .send_request(request()?)
                    .await
                    .map_err(ClientError::Http)?
            }
            Err(e) => return Err(ClientError::Http(e)),
        };
        let closing = header_str(resp.headers(), &CONNECTION)
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let (parts, body) = resp.into_parts();
        // Read the (short) body so the connection can carry the next GET; a long or broken
        // one closes it.
        let read = Limited::new(body, GET_BODY_LIMIT).collect().await.is_ok();
        if read && !closing {
            self.conn = Some((authority, sender));
        }
        Ok((parts.status, parts.headers))
    }
}

/// A new HTTP/1.1 connection to `authority`.
async fn connect(authority: &str) -> Result<Sender, ClientError> {
    let stream = TcpStream::connect(authority)
        .await
        .map_err(ClientError::Io)?;
    handshake(stream).await
}

/// An HTTP/1.1 client connection over `stream`, its connection task spawned.
async fn handshake(stream: TcpStream) -> Result<Sender, ClientError> {
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(ClientError::Http)?;
    tokio::spawn(conn);
    Ok(sender)
}

/// The longest body a [`GetClient`] reads to keep its connection (a Connection Request's
/// answer has none).
const GET_BODY_LIMIT: usize = 4096;

/// [`fetch`] from the URL's host, or, when the connection to it cannot be made or breaks and
/// it is one of the nodes of a cluster (`host:port`, as [`SessionClient::spread_over`]), from
/// the other nodes in turn (the same path): every node serves the same files, and a GET can
/// be repeated.
pub async fn fetch_from_cluster(
    url: &Uri,
    limit: usize,
    nodes: &[String],
) -> Result<(StatusCode, Bytes), ClientError> {
    let first = fetch(url, limit).await;
    let Some(authority) = url.authority().map(|a| a.as_str().to_owned()) else {
        return first;
    };
    let broken =
        |r: &Result<_, ClientError>| matches!(r, Err(ClientError::Io(_) | ClientError::Http(_)));
    if !broken(&first) || !nodes.contains(&authority) {
        return first;
    }
    let mut last = first;
    for node in nodes.iter().filter(|n| **n != authority) {
        let other = format!(
            "http://{node}{}",
            url.path_and_query().map_or("/", |p| p.as_str())
        );
        let Ok(other) = other.parse::<Uri>() else {
            continue;
        };
        last = fetch(&other, limit).await;
        if !broken(&last) {
            break;
        }
    }
    last
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
    let mut sender = connect(&authority).await?;
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
