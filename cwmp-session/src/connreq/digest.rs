//! HTTP Digest authentication (RFC 7616, compatible with RFC 2617), client and server side.
//!
//! Client: [`Challenge::parse`] reads a `WWW-Authenticate` value (several schemes may be listed),
//! [`authorization`] builds the `Authorization` value answering it. When the challenge carries no
//! `qop` (as CPEs often send for Connection Requests), the RFC 2069 form is used: no `cnonce`,
//! no `nc`.
//!
//! Server: a [`NonceIssuer`] builds stateless nonces `hex(ts) "." hex(random) "." hex(HMAC-SHA256(
//! secret, ts "." random))`, so any node sharing the secret can verify them and they stay valid
//! across TCP reconnects (a FRITZ!Box opens a new connection after a 401). [`NonceIssuer::verify`]
//! checks an `Authorization` header; a nonce older than the lifetime gives
//! [`VerifyError::Stale`], which the caller answers with a `stale=true` challenge.
//!
//! Replay: [`NonceIssuer::verify`] rejects a replayed header by default. The issuer keeps, per
//! live nonce, the highest `nc` seen (an [`NcTracker`] inside it) and answers a request whose `nc`
//! is not greater (or a second use of a nonce without `qop`) with [`VerifyError::Replayed`]; send
//! a fresh challenge then. The nonces themselves stay stateless, so any node sharing the secret
//! can verify them; a cluster whose POSTs of one client reach several nodes either keeps the
//! tracker in a shared store (call [`NonceIssuer::verify_stateless`] and check the returned
//! [`Verified`] against it) or accepts that each node only sees its own replays.
//!
//! Algorithm names are matched case-insensitively. The non-standard `algorithm=MD` sent by some
//! FRITZ!Box firmware is read as `MD5` (documented choice: it is the only algorithm that
//! truncation can come from, and rejecting it locks such devices out).

mod client;
mod replay;
mod server;

use md5::{Digest as _, Md5};
use sha2::Sha256;

pub use client::{Challenge, authorization};
pub(crate) use client::{Param, parse_schemes};
pub use replay::NcTracker;
pub use server::{
    AuthorizationParams, DEFAULT_REPLAY_CAPACITY, NonceIssuer, Verified, VerifyError,
};

/// A digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// `MD5` (the default when the challenge names none).
    #[default]
    Md5,
    /// `MD5-sess`.
    Md5Sess,
    /// `SHA-256`.
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
}

impl Algorithm {
    /// Parses an algorithm name, case-insensitively; `MD` is read as `MD5` (see module docs).
    pub fn parse(name: &str) -> Option<Self> {
        let n = name.trim();
        if n.eq_ignore_ascii_case("md5") || n.eq_ignore_ascii_case("md") {
            Some(Self::Md5)
        } else if n.eq_ignore_ascii_case("md5-sess") {
            Some(Self::Md5Sess)
        } else if n.eq_ignore_ascii_case("sha-256") {
            Some(Self::Sha256)
        } else if n.eq_ignore_ascii_case("sha-256-sess") {
            Some(Self::Sha256Sess)
        } else {
            None
        }
    }

    /// The name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Md5Sess => "MD5-sess",
            Self::Sha256 => "SHA-256",
            Self::Sha256Sess => "SHA-256-sess",
        }
    }

    fn is_sess(self) -> bool {
        matches!(self, Self::Md5Sess | Self::Sha256Sess)
    }

    /// The hex digest of `parts` joined with `:`, hashed as they come (no joined copy).
    fn hash(self, parts: &[&str]) -> HexDigest {
        fn run<D: md5::Digest>(mut d: D, parts: &[&str]) -> HexDigest {
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    d.update(b":");
                }
                d.update(part.as_bytes());
            }
            HexDigest::of(&d.finalize())
        }
        match self {
            Self::Md5 | Self::Md5Sess => run(Md5::new(), parts),
            Self::Sha256 | Self::Sha256Sess => run(Sha256::new(), parts),
        }
    }
}

/// A digest in lowercase hex, on the stack (32 characters for MD5, 64 for SHA-256).
#[derive(Clone, Copy)]
pub(crate) struct HexDigest {
    buf: [u8; 64],
    len: usize,
}

impl HexDigest {
    /// The first 32 bytes of `bytes` in hex.
    pub(crate) fn of(bytes: &[u8]) -> Self {
        let mut buf = [0u8; 64];
        let mut len = 0;
        for &b in bytes.iter().take(32) {
            buf[len..len + 2].copy_from_slice(&super::hex_pair(b));
            len += 2;
        }
        Self { buf, len }
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

/// Errors while parsing a challenge or an `Authorization` header, or building a response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DigestError {
    /// No `Digest` challenge or credentials in the header.
    #[error("no Digest scheme in header")]
    NotDigest,
    /// A required parameter is missing.
    #[error("missing parameter `{0}`")]
    MissingParam(&'static str),
    /// The algorithm is not supported.
    #[error("unsupported algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    /// The challenge offers `qop` values but not `auth` (`auth-int` alone is not supported).
    #[error("unsupported qop `{0}`")]
    UnsupportedQop(String),
    /// The header syntax is broken at the given byte offset.
    #[error("malformed header at byte {offset}: {reason}")]
    Malformed {
        /// Byte offset in the header value.
        offset: usize,
        /// What was wrong.
        reason: &'static str,
    },
}

fn get<'a>(params: &'a [Param<'_>], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_ref())
}

/// Computes the `response` value (RFC 7616 §3.4.1).
#[allow(clippy::too_many_arguments)]
fn response_value(
    alg: Algorithm,
    username: &str,
    realm: &str,
    password: &str,
    method: &str,
    uri: &str,
    nonce: &str,
    qop: Option<(&str, &str)>, // (nc, cnonce)
) -> HexDigest {
    let mut ha1 = alg.hash(&[username, realm, password]);
    if alg.is_sess() {
        let cnonce = qop.map(|q| q.1).unwrap_or("");
        ha1 = alg.hash(&[ha1.as_str(), nonce, cnonce]);
    }
    let ha2 = alg.hash(&[method, uri]);
    match qop {
        Some((nc, cnonce)) => alg.hash(&[ha1.as_str(), nonce, nc, cnonce, "auth", ha2.as_str()]),
        None => alg.hash(&[ha1.as_str(), nonce, ha2.as_str()]),
    }
}
