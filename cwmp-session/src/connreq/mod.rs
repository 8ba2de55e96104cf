//! Connection Request and HTTP authentication, as pure functions.
//!
//! * [`digest`]: HTTP Digest (RFC 7616, RFC 2617 compatible) for both sides: parse a
//!   `WWW-Authenticate` challenge and answer it (an ACS answering a CPE's Connection Request, a
//!   CPE authenticating to its ACS), and as a server issue stateless nonces and verify an
//!   `Authorization` header against the caller's clock.
//! * [`basic`]: HTTP Basic (meant for use over TLS).
//! * [`udp`]: UDP Connection Request (Annex G): build, parse, verify with replay protection.
//! * [`xmpp`]: XMPP Connection Request (Annex K): the IQ stanza, its replies, JID and credential checks.
//!
//! Nothing here reads a clock or a random source: the time (unix seconds) and the random bytes
//! (nonces, cnonces) come from the caller. Secrets are compared in constant time.

pub mod basic;
pub mod digest;
pub mod udp;
pub mod xmpp;

/// A username and password pair (`Debug` redacts the password; with the `serde` feature it
/// serializes in clear, as configs that carry it must).
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Credentials {
    /// The username.
    pub username: String,
    /// The password.
    pub password: String,
}

impl Credentials {
    /// Builds credentials from a username and a password.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Constant-time equality of two byte strings (the length is not hidden).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Lowercase hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.extend(hex_pair(b).map(char::from));
    }
    s
}

/// The two lowercase hex digits of a byte.
pub(crate) fn hex_pair(b: u8) -> [u8; 2] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]]
}
