//! HTTP plumbing shared by the ACS server and the CPE agent: content codings, Content-Type
//! tolerance, session keys from cookies, a per-session cookie jar, redirect targets and a tiny
//! seeded PRNG. Everything here is transport detail; CWMP logic lives in cwmp-session.

use std::io::{self, Read, Write};
use std::net::SocketAddr;

use flate2::Compression;
use flate2::read::{GzDecoder, ZlibDecoder};
use flate2::write::{GzEncoder, ZlibEncoder};

/// Largest decoded CWMP body accepted (bounds memory for gzip bombs).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// The name of the session cookie the example ACS sets.
pub const SESSION_COOKIE: &str = "cwmpsession";

/// A `Content-Encoding` the examples understand (some CPEs compress their POSTs; an ACS answers
/// in the same coding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentCoding {
    /// No encoding.
    Identity,
    /// `gzip` (also `x-gzip`).
    Gzip,
    /// `deflate` (zlib-wrapped, as RFC 9110 says).
    Deflate,
}

impl ContentCoding {
    /// Parses a `Content-Encoding` header value; `None` for a coding we do not support
    /// (the ACS answers 415).
    pub fn from_header(value: Option<&str>) -> Option<Self> {
        let v = value.map(str::trim).unwrap_or("");
        if v.is_empty() || v.eq_ignore_ascii_case("identity") {
            Some(Self::Identity)
        } else if v.eq_ignore_ascii_case("gzip") || v.eq_ignore_ascii_case("x-gzip") {
            Some(Self::Gzip)
        } else if v.eq_ignore_ascii_case("deflate") {
            Some(Self::Deflate)
        } else {
            None
        }
    }

    /// The header value to send, `None` for identity.
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Self::Identity => None,
            Self::Gzip => Some("gzip"),
            Self::Deflate => Some("deflate"),
        }
    }

    /// Decodes a body, refusing more than `limit` decoded bytes.
    pub fn decode(self, body: &[u8], limit: usize) -> io::Result<Vec<u8>> {
        fn bounded(r: impl Read, limit: usize) -> io::Result<Vec<u8>> {
            let mut out = Vec::new();
            let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
            r.take(cap).read_to_end(&mut out)?;
            if out.len() > limit {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("decoded body larger than {limit} bytes"),
                ));
            }
            Ok(out)
        }
        match self {
            Self::Identity => bounded(body, limit),
            Self::Gzip => bounded(GzDecoder::new(body), limit),
            Self::Deflate => bounded(ZlibDecoder::new(body), limit),
        }
    }

    /// Encodes a body in this coding.
    pub fn encode(self, body: &[u8]) -> Vec<u8> {
        fn finish<W: Write>(
            mut w: W,
            body: &[u8],
            f: impl FnOnce(W) -> io::Result<Vec<u8>>,
        ) -> Vec<u8> {
            // Writing into a Vec cannot fail.
            w.write_all(body).expect("in-memory write");
            f(w).expect("in-memory write")
        }
        match self {
            Self::Identity => body.to_vec(),
            Self::Gzip => finish(
                GzEncoder::new(Vec::new(), Compression::fast()),
                body,
                GzEncoder::finish,
            ),
            Self::Deflate => finish(
                ZlibEncoder::new(Vec::new(), Compression::fast()),
                body,
                ZlibEncoder::finish,
            ),
        }
    }
}

/// Whether a request's Content-Type may carry a CWMP envelope (CPEs send many): `text/xml`,
/// `application/soap+xml`, `application/xml`, `text/html`, or none at all.
pub fn acceptable_content_type(value: Option<&str>) -> bool {
    let Some(v) = value else { return true };
    let media = v.split(';').next().unwrap_or("").trim();
    media.is_empty()
        || [
            "text/xml",
            "application/soap+xml",
            "application/xml",
            "text/html",
        ]
        .iter()
        .any(|m| media.eq_ignore_ascii_case(m))
}

/// The value of cookie `name` in `Cookie` header values, accepting `,` as well as `;` between
/// pairs (as some CPEs write them).
pub fn cookie_value<'a>(headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    headers
        .into_iter()
        .flat_map(|h| h.split([';', ',']))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().trim_matches('"'))
}

/// How the ACS finds a CPE's session: its cookie, or (for CPEs that drop cookies) the peer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SessionKey {
    /// The session cookie the ACS set.
    Cookie(String),
    /// The peer's address and port: a CPE keeps one TCP connection for a session (TR-069
    /// Amendment 6, §3.4), so a CPE that drops cookies is still found on its connection.
    /// (Keying by IP alone would mix up every CPE behind one NAT, or on one test host.)
    Peer(SocketAddr),
}

impl SessionKey {
    /// The key for a request with these `Cookie` header values from `peer`.
    pub fn of<'a>(cookies: impl IntoIterator<Item = &'a str>, peer: SocketAddr) -> Self {
        match cookie_value(cookies, SESSION_COOKIE) {
            Some(v) if !v.is_empty() => Self::Cookie(v.to_owned()),
            _ => Self::Peer(peer),
        }
    }
}

/// `N` bytes from the operating system's random number generator (session cookies, nonce
/// secrets, Connection Request paths: what an attacker must not guess).
///
/// # Panics
/// If the operating system cannot provide randomness, which leaves nothing safe to do.
pub fn os_random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random number generator failed");
    b
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The CPE's cookies for one session (RFC 6265 subset: name=value, attributes ignored; the
/// jar is cleared when the session ends, as the spec allows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieJar {
    pairs: Vec<(String, String)>,
}

impl CookieJar {
    /// Stores the cookie of one `Set-Cookie` header value (replacing one of the same name).
    pub fn store(&mut self, set_cookie: &str) {
        let first = set_cookie.split(';').next().unwrap_or("");
        let Some((name, value)) = first.split_once('=') else {
            return;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() {
            return;
        }
        match self.pairs.iter_mut().find(|(n, _)| n == name) {
            Some(p) => value.clone_into(&mut p.1),
            None => self.pairs.push((name.to_owned(), value.to_owned())),
        }
    }

    /// The `Cookie` header value to send, if any.
    pub fn header(&self) -> Option<String> {
        if self.pairs.is_empty() {
            return None;
        }
        Some(
            self.pairs
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    /// Forgets every cookie (end of session).
    pub fn clear(&mut self) {
        self.pairs.clear();
    }
}

/// Resolves a redirect `Location` against the URL it answered: absolute `http://` URLs as
/// they are, absolute paths on the same authority. Anything else is refused.
pub fn resolve_location(base: &hyper::Uri, location: &str) -> Option<hyper::Uri> {
    let loc: hyper::Uri = location.trim().parse().ok()?;
    if loc.scheme().is_some() {
        return (loc.scheme_str() == Some("http") && loc.authority().is_some()).then_some(loc);
    }
    if !location.trim().starts_with('/') {
        return None;
    }
    let mut parts = base.clone().into_parts();
    parts.path_and_query = loc.path_and_query().cloned();
    hyper::Uri::from_parts(parts).ok()
}

/// A tiny seeded PRNG (SplitMix64) for back-off jitter: the session crate takes randomness
/// from its caller, and the examples must be reproducible from a seed.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform value in `0..=1` as f64.
    pub fn unit(&mut self) -> f64 {
        // 53 random bits into the mantissa.
        (self.next_u64() >> 11) as f64 / ((1u64 << 53) - 1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codings_round_trip_and_bound() {
        let body = b"<soap:Envelope>".repeat(100);
        for c in [
            ContentCoding::Identity,
            ContentCoding::Gzip,
            ContentCoding::Deflate,
        ] {
            let enc = c.encode(&body);
            if c != ContentCoding::Identity {
                assert!(enc.len() < body.len());
            }
            assert_eq!(c.decode(&enc, MAX_BODY).unwrap(), body);
            assert!(c.decode(&enc, body.len() - 1).is_err());
        }
        assert!(ContentCoding::Gzip.decode(b"not gzip", MAX_BODY).is_err());
    }

    #[test]
    fn coding_headers() {
        assert_eq!(
            ContentCoding::from_header(None),
            Some(ContentCoding::Identity)
        );
        assert_eq!(
            ContentCoding::from_header(Some(" GZIP ")),
            Some(ContentCoding::Gzip)
        );
        assert_eq!(
            ContentCoding::from_header(Some("deflate")),
            Some(ContentCoding::Deflate)
        );
        assert_eq!(ContentCoding::from_header(Some("br")), None);
    }

    #[test]
    fn content_type_variants() {
        for ok in [
            None,
            Some(""),
            Some("text/xml"),
            Some("text/xml; charset=\"utf-8\""),
            Some("TEXT/XML;charset=utf-8"),
            Some("application/soap+xml"),
            Some("text/html"),
        ] {
            assert!(acceptable_content_type(ok), "{ok:?}");
        }
        assert!(!acceptable_content_type(Some("image/png")));
    }

    #[test]
    fn session_keys() {
        let peer: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        assert_eq!(
            SessionKey::of(["a=1, cwmpsession=abc"], peer),
            SessionKey::Cookie("abc".into())
        );
        assert_eq!(
            SessionKey::of(["x=1", "cwmpsession=\"q\"; y=2"], peer),
            SessionKey::Cookie("q".into())
        );
        assert_eq!(SessionKey::of([], peer), SessionKey::Peer(peer));
        assert_eq!(
            SessionKey::of(["cwmpsession="], peer),
            SessionKey::Peer(peer)
        );
    }

    #[test]
    fn cookie_jar() {
        let mut j = CookieJar::default();
        assert_eq!(j.header(), None);
        j.store("cwmpsession=1; Path=/; HttpOnly");
        j.store("other=x");
        j.store("cwmpsession=2");
        j.store("garbage");
        assert_eq!(j.header().as_deref(), Some("cwmpsession=2; other=x"));
        j.clear();
        assert_eq!(j.header(), None);
    }

    #[test]
    fn redirects() {
        let base: hyper::Uri = "http://127.0.0.1:1/acs".parse().unwrap();
        assert_eq!(
            resolve_location(&base, "/other?x=1").unwrap().to_string(),
            "http://127.0.0.1:1/other?x=1"
        );
        assert_eq!(
            resolve_location(&base, "http://10.0.0.1:2/a")
                .unwrap()
                .to_string(),
            "http://10.0.0.1:2/a"
        );
        assert!(resolve_location(&base, "ftp://x/").is_none());
        assert!(resolve_location(&base, "relative").is_none());
    }

    #[test]
    fn prng_is_seeded_and_spread() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        let xs: Vec<_> = (0..100).map(|_| a.unit()).collect();
        assert!(xs.iter().all(|x| (0.0..=1.0).contains(x)));
        assert!(
            xs.iter()
                .zip((0..100).map(|_| b.unit()))
                .all(|(x, y)| *x == y)
        );
        assert!(xs.iter().any(|x| *x < 0.5) && xs.iter().any(|x| *x > 0.5));
        assert_ne!(SplitMix64::new(8).next_u64(), SplitMix64::new(7).next_u64());
    }
}
