//! UDP Connection Request (TR-069 Annex G, TR-111 Part 2).
//!
//! The ACS sends one datagram holding an HTTP/1.1 `GET` whose request-target is
//! `http://host:port?ts=..&id=..&un=..&cn=..&sig=..`: `ts` the ACS's unix time, `id` a message id
//! unique per request, `un` the CPE's ConnectionRequestUsername, `cn` a random cnonce and
//! `sig` = hex HMAC-SHA1(key = ConnectionRequestPassword, text = ts ‖ id ‖ un ‖ cn) over the
//! decoded values. The CPE verifies it with a [`UdpVerifier`], which keeps the small state needed
//! to reject replays (the greatest `ts` accepted and the recent ids).

use super::{Credentials, ct_eq, hex};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::collections::VecDeque;

/// Largest datagram accepted by [`parse`].
pub const MAX_DATAGRAM: usize = 4096;

/// A parsed UDP Connection Request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UdpConnectionRequest {
    /// `ts`: the ACS's time, unix seconds.
    pub ts: u64,
    /// `id`: message id.
    pub id: String,
    /// `un`: username.
    pub un: String,
    /// `cn`: cnonce.
    pub cn: String,
    /// `sig`: hex HMAC-SHA1 as received (lowercased).
    pub sig: String,
}

/// Why a UDP Connection Request was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UdpError {
    /// Longer than [`MAX_DATAGRAM`].
    #[error("datagram too large ({0} bytes)")]
    TooLarge(usize),
    /// Not an HTTP `GET ... HTTP/1.x` request line, or invalid UTF-8; offset in bytes.
    #[error("malformed request at byte {offset}: {reason}")]
    Malformed {
        /// Byte offset.
        offset: usize,
        /// What was wrong.
        reason: &'static str,
    },
    /// A required query parameter is missing (or given twice).
    #[error("missing or repeated parameter `{0}`")]
    MissingParam(&'static str),
    /// `ts` is not a decimal number.
    #[error("invalid ts")]
    BadTimestamp,
    /// The username differs from the CPE's.
    #[error("wrong username")]
    WrongUsername,
    /// The signature does not match.
    #[error("bad signature")]
    BadSignature,
    /// `ts` is outside the accepted window around the CPE's time.
    #[error("stale timestamp")]
    Stale,
    /// `ts` is not greater than the last accepted (or equal with an id already seen).
    #[error("timestamp not increasing")]
    NotIncreasing,
    /// The id was already accepted.
    #[error("replayed id")]
    Replayed,
    /// [`build`] was given a `host_port` that cannot stand in a request line: empty, or a byte at
    /// `offset` outside letters, digits and `.-_:[]`.
    #[error("invalid host:port at byte {offset}")]
    InvalidHostPort {
        /// Byte offset in `host_port`.
        offset: usize,
    },
}

type HmacSha1 = Hmac<Sha1>;

/// The signature: hex HMAC-SHA1(password, ts ‖ id ‖ un ‖ cn).
///
/// HMAC (RFC 2104) pads a key shorter than 64 bytes with zero bytes, so passwords that differ
/// only by trailing NUL characters sign alike; a CPE has no reason to allow NUL in its
/// ConnectionRequestPassword.
pub fn signature(password: &str, ts: u64, id: &str, un: &str, cn: &str) -> String {
    let mut m = <HmacSha1 as Mac>::new_from_slice(password.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(ts.to_string().as_bytes());
    m.update(id.as_bytes());
    m.update(un.as_bytes());
    m.update(cn.as_bytes());
    hex(&m.finalize().into_bytes())
}

fn encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

fn decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let h = s.get(i + 1..i + 3)?;
                if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(h, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Builds the datagram an ACS sends to `host_port` (the CPE's UDPConnectionRequestAddress,
/// `host:port`). `ts` is the ACS's time, `id` unique per request, `cn` random from the caller.
///
/// `id`, the username and `cn` may hold any text (they are percent-encoded). Refused, so that
/// every datagram built here is one [`UdpVerifier::verify`] accepts: a `host_port` that is empty or
/// holds a byte other than letters, digits and `.-_:[]` ([`UdpError::InvalidHostPort`]), and a
/// datagram longer than [`MAX_DATAGRAM`] ([`UdpError::TooLarge`], with the length it would have).
pub fn build(
    host_port: &str,
    ts: u64,
    id: &str,
    credentials: &Credentials,
    cn: &str,
) -> Result<Vec<u8>, UdpError> {
    if host_port.is_empty() {
        return Err(UdpError::InvalidHostPort { offset: 0 });
    }
    if let Some(offset) = host_port
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b".-_:[]".contains(&b)))
    {
        return Err(UdpError::InvalidHostPort { offset });
    }
    let sig = signature(&credentials.password, ts, id, &credentials.username, cn);
    let mut q = format!("GET http://{host_port}?ts={ts}&id=");
    encode(id, &mut q);
    q.push_str("&un=");
    encode(&credentials.username, &mut q);
    q.push_str("&cn=");
    encode(cn, &mut q);
    q.push_str("&sig=");
    q.push_str(&sig);
    q.push_str(&format!(" HTTP/1.1\r\nHost: {host_port}\r\n\r\n"));
    if q.len() > MAX_DATAGRAM {
        return Err(UdpError::TooLarge(q.len()));
    }
    Ok(q.into_bytes())
}

/// Parses a datagram (no signature check; use [`UdpVerifier::verify`]). Never panics.
pub fn parse(datagram: &[u8]) -> Result<UdpConnectionRequest, UdpError> {
    if datagram.len() > MAX_DATAGRAM {
        return Err(UdpError::TooLarge(datagram.len()));
    }
    let text = std::str::from_utf8(datagram).map_err(|e| UdpError::Malformed {
        offset: e.valid_up_to(),
        reason: "invalid UTF-8",
    })?;
    let line = text.split("\r\n").next().unwrap_or("");
    let line = line.split('\n').next().unwrap_or("");
    let mut parts = line.split(' ');
    if parts.next() != Some("GET") {
        return Err(UdpError::Malformed {
            offset: 0,
            reason: "not a GET request",
        });
    }
    let target = parts.next().unwrap_or("");
    if !parts.next().is_some_and(|v| v.starts_with("HTTP/1.")) || parts.next().is_some() {
        return Err(UdpError::Malformed {
            offset: 4 + target.len(),
            reason: "bad request line",
        });
    }
    let Some((_, query)) = target.split_once('?') else {
        return Err(UdpError::Malformed {
            offset: 4,
            reason: "no query string",
        });
    };
    let mut vals: [Option<String>; 5] = Default::default();
    const NAMES: [&str; 5] = ["ts", "id", "un", "cn", "sig"];
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if let Some(i) = NAMES.iter().position(|n| *n == k) {
            if vals[i].is_some() {
                return Err(UdpError::MissingParam(NAMES[i]));
            }
            let v = decode(v).ok_or(UdpError::Malformed {
                offset: 4,
                reason: "bad percent-encoding",
            })?;
            vals[i] = Some(v);
        }
    }
    let [ts, id, un, cn, sig] = vals;
    let ts = ts.ok_or(UdpError::MissingParam("ts"))?;
    if ts.is_empty() || ts.len() > 20 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UdpError::BadTimestamp);
    }
    Ok(UdpConnectionRequest {
        ts: ts.parse().map_err(|_| UdpError::BadTimestamp)?,
        id: id.ok_or(UdpError::MissingParam("id"))?,
        un: un.ok_or(UdpError::MissingParam("un"))?,
        cn: cn.ok_or(UdpError::MissingParam("cn"))?,
        sig: sig
            .ok_or(UdpError::MissingParam("sig"))?
            .to_ascii_lowercase(),
    })
}

/// The CPE's replay state: the greatest accepted `ts` and the ids accepted at recent times.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UdpVerifier {
    last_ts: Option<u64>,
    recent_ids: VecDeque<(u64, String)>,
}

/// How many recent ids a [`UdpVerifier`] remembers.
pub const RECENT_IDS: usize = 64;

impl UdpVerifier {
    /// A verifier that has accepted nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses and verifies `datagram` against the CPE's `credentials` at time `now` (unix
    /// seconds): `|now - ts| <= window_secs`, a `ts` not lower than the last accepted one (equal is
    /// allowed for a new id, since several requests may fall in one second), an id not already
    /// accepted, the username, and the signature (constant time). On success the state records it.
    pub fn verify(
        &mut self,
        datagram: &[u8],
        credentials: &Credentials,
        now: u64,
        window_secs: u64,
    ) -> Result<UdpConnectionRequest, UdpError> {
        let r = parse(datagram)?;
        if !ct_eq(r.un.as_bytes(), credentials.username.as_bytes()) {
            return Err(UdpError::WrongUsername);
        }
        let expected = signature(&credentials.password, r.ts, &r.id, &r.un, &r.cn);
        if !ct_eq(expected.as_bytes(), r.sig.as_bytes()) {
            return Err(UdpError::BadSignature);
        }
        if r.ts.abs_diff(now) > window_secs {
            return Err(UdpError::Stale);
        }
        if let Some(last) = self.last_ts {
            if r.ts < last {
                return Err(UdpError::NotIncreasing);
            }
        }
        if self.recent_ids.iter().any(|(_, id)| *id == r.id) {
            return Err(UdpError::Replayed);
        }
        self.last_ts = Some(r.ts);
        self.recent_ids
            .retain(|(ts, _)| *ts == r.ts || r.ts.abs_diff(*ts) <= window_secs);
        if self.recent_ids.len() >= RECENT_IDS {
            self.recent_ids.pop_front();
        }
        self.recent_ids.push_back((r.ts, r.id.clone()));
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("cpe user", "p@ss")
    }

    #[test]
    fn sign_verify_and_replay() {
        let d = build("10.0.0.1:7547", 1000, "1", &creds(), "x&y=z").unwrap();
        let text = String::from_utf8(d.clone()).unwrap();
        assert!(
            text.starts_with(
                "GET http://10.0.0.1:7547?ts=1000&id=1&un=cpe%20user&cn=x%26y%3Dz&sig="
            ),
            "{text}"
        );
        assert!(text.ends_with(" HTTP/1.1\r\nHost: 10.0.0.1:7547\r\n\r\n"));
        let mut v = UdpVerifier::new();
        let r = v.verify(&d, &creds(), 1010, 30).unwrap();
        assert_eq!((r.ts, r.id.as_str(), r.cn.as_str()), (1000, "1", "x&y=z"));
        assert_eq!(v.verify(&d, &creds(), 1010, 30), Err(UdpError::Replayed));
        let older = build("h:1", 999, "2", &creds(), "c").unwrap();
        assert_eq!(
            v.verify(&older, &creds(), 1010, 30),
            Err(UdpError::NotIncreasing)
        );
        let same_second = build("h:1", 1000, "3", &creds(), "c").unwrap();
        assert!(v.verify(&same_second, &creds(), 1010, 30).is_ok());
        let stale = build("h:1", 900, "4", &creds(), "c").unwrap();
        assert_eq!(
            UdpVerifier::new().verify(&stale, &creds(), 1010, 30),
            Err(UdpError::Stale)
        );
        let wrong = Credentials::new("cpe user", "other");
        assert_eq!(
            UdpVerifier::new().verify(&d, &wrong, 1000, 30),
            Err(UdpError::BadSignature)
        );
        let wrong_user = Credentials::new("cpe", "p@ss");
        assert_eq!(
            UdpVerifier::new().verify(&d, &wrong_user, 1000, 30),
            Err(UdpError::WrongUsername)
        );
    }

    #[test]
    fn tampering_each_field() {
        let d = String::from_utf8(build("h:1", 1000, "7", &creds(), "abc").unwrap()).unwrap();
        for (from, to) in [
            ("ts=1000", "ts=1001"),
            ("id=7", "id=8"),
            ("cn=abc", "cn=abd"),
            ("un=cpe%20user", "un=cpe%20usEr"),
        ] {
            let t = d.replace(from, to);
            assert_ne!(t, d);
            let e = UdpVerifier::new()
                .verify(t.as_bytes(), &creds(), 1000, 30)
                .unwrap_err();
            assert!(
                matches!(e, UdpError::BadSignature | UdpError::WrongUsername),
                "{from}: {e:?}"
            );
        }
        let i = d.find("sig=").unwrap() + 4;
        let mut t = d.into_bytes();
        t[i] = if t[i] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            UdpVerifier::new().verify(&t, &creds(), 1000, 30),
            Err(UdpError::BadSignature)
        );
    }

    #[test]
    fn garbage_never_panics() {
        let d = build("h:1", 1000, "7", &creds(), "abc").unwrap();
        for n in 0..d.len() {
            let _ = UdpVerifier::new().verify(&d[..n], &creds(), 1000, 30);
        }
        for g in [
            &b"\xff\xfe"[..],
            b"GET",
            b"GET ? HTTP/1.1",
            b"GET x?ts=99999999999999999999999&id=&un=&cn=&sig= HTTP/1.1",
            b"GET x?ts=1&ts=2 HTTP/1.1",
            b"GET x?id=%zz HTTP/1.1",
            b"GET x?id=%e HTTP/1.1",
        ] {
            assert!(parse(g).is_err(), "{g:?}");
        }
        assert_eq!(
            parse(&vec![b'a'; MAX_DATAGRAM + 1]),
            Err(UdpError::TooLarge(MAX_DATAGRAM + 1))
        );
    }
}
