//! The HTTP messages the machines produce and consume: bodies and the few headers CWMP needs.
//! Cookies, authentication, TLS, compression and connections stay with the caller's transport.

use std::borrow::Cow;

use bytes::Bytes;

/// The `Content-Type` of every envelope this crate sends.
pub const CONTENT_TYPE_XML: &str = "text/xml; charset=\"utf-8\"";

/// Whether a body counts as empty (no bytes, or only XML whitespace: some CPEs send a
/// newline or a `Content-Type: text/xml` with `Content-Length: 0`).
pub fn is_empty_body(body: &[u8]) -> bool {
    body.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Why the CPE machine sends (or sends again) a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SendReason {
    /// The first message of a new session (the Inform): open a new connection and drop the
    /// previous session's cookies.
    NewSession,
    /// The next message of the running session: same connection and cookies (reconnect if
    /// the connection dropped after a complete exchange).
    Continue,
    /// The same message again after a `401`: add `Authorization` computed from the
    /// challenge you received (same connection unless the ACS sent `Connection: close`).
    Authenticate,
    /// The same message again to a redirect target (the `url` field).
    Redirect,
    /// The same request again after the ACS answered it with fault 8005 (Retry request).
    RetryRequest,
}

/// An HTTP POST the CPE must send to the ACS.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpRequest {
    /// Where to send it: `ManagementServer.URL`, or the redirect target while one applies.
    pub url: String,
    /// The body (an envelope, or empty for the empty POST). Cheap to clone.
    pub body: Bytes,
    /// `Content-Type` to send; `None` for the empty POST (send `Content-Length: 0`).
    pub content_type: Option<&'static str>,
    /// `SOAPAction` to send when the body carries a request (the method name; receivers must
    /// not depend on it); `None` for responses, faults and the empty POST.
    pub soap_action: Option<Cow<'static, str>>,
    /// Whether this is the empty POST.
    pub is_empty_post: bool,
    /// Why it is sent.
    pub reason: SendReason,
    /// The `Authorization` header to send, computed by the machine from the ACS's last
    /// challenge when [`cpe::Config::credentials`](crate::cpe::Config::credentials) is set
    /// (Digest with the next `nc` on every later POST of the session). `None`: send none, or
    /// add your own after a `401` ([`SendReason::Authenticate`]).
    pub authorization: Option<String>,
}

/// An HTTP response the ACS must send to the CPE.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The status: 200 with an envelope, 204 when empty, 400 for a request that breaks the
    /// session protocol.
    pub status: u16,
    /// The body (an envelope, a short plain-text reason for 400, or empty).
    pub body: Bytes,
    /// `Content-Type` to send; `None` when the body is empty.
    pub content_type: Option<&'static str>,
    /// Whether the session is over after this response (the caller may drop the session
    /// state and its cookie, and close the connection).
    pub session_ended: bool,
}

/// An HTTP response the CPE received from the ACS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct IncomingResponse<'a> {
    /// The status code.
    pub status: u16,
    /// The body (decoded from any `Content-Encoding`; chunked transfer already joined).
    pub body: &'a [u8],
    /// The `Location` header of a redirect (absolute URL; resolve relative ones first).
    pub location: Option<&'a str>,
    /// The `Content-Type` header, used for the body's charset.
    pub content_type: Option<&'a str>,
    /// The `WWW-Authenticate` header of a `401` (several challenges joined with `, `). With
    /// it the machine tells a `stale=true` nonce renewal from a refusal, and answers the
    /// challenge itself when it has credentials.
    pub www_authenticate: Option<&'a str>,
}

impl<'a> IncomingResponse<'a> {
    /// A response with a status and a body.
    pub fn new(status: u16, body: &'a [u8]) -> Self {
        Self {
            status,
            body,
            location: None,
            content_type: None,
            www_authenticate: None,
        }
    }

    /// Sets the `WWW-Authenticate` header.
    #[must_use]
    pub fn with_www_authenticate(mut self, challenge: &'a str) -> Self {
        self.www_authenticate = Some(challenge);
        self
    }

    /// Sets the `Location` header.
    #[must_use]
    pub fn with_location(mut self, location: &'a str) -> Self {
        self.location = Some(location);
        self
    }

    /// Sets the `Content-Type` header.
    #[must_use]
    pub fn with_content_type(mut self, content_type: &'a str) -> Self {
        self.content_type = Some(content_type);
        self
    }
}

/// An HTTP POST the ACS received from a CPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct IncomingRequest<'a> {
    /// The body (decoded from any `Content-Encoding`); empty (or only whitespace) for the
    /// empty POST, whatever the `Content-Type` says.
    pub body: &'a [u8],
    /// The `Content-Type` header, used for the body's charset.
    pub content_type: Option<&'a str>,
}

impl<'a> IncomingRequest<'a> {
    /// A request with a body.
    pub fn new(body: &'a [u8]) -> Self {
        Self {
            body,
            content_type: None,
        }
    }

    /// Sets the `Content-Type` header.
    #[must_use]
    pub fn with_content_type(mut self, content_type: &'a str) -> Self {
        self.content_type = Some(content_type);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_bodies() {
        assert!(is_empty_body(b""));
        assert!(is_empty_body(b"\r\n \t"));
        assert!(!is_empty_body(b" <x/>"));
    }
}
