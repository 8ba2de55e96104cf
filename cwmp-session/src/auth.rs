//! The CPE's answers to its ACS's `401` challenges (TR-069 §3.4.4: HTTP Basic over TLS, or
//! Digest), computed by [`CpeSession`](crate::CpeSession) when
//! [`cpe::Config::credentials`](crate::cpe::Config::credentials) is set.
//!
//! The session keeps the challenge it answered and reuses it for its later POSTs (Digest with
//! the next `nc`), as HTTP clients do; a redirect or a new session starts without one.

use std::borrow::Cow;

use crate::connreq::digest::{self, Challenge, DigestError};
use crate::connreq::{Credentials, basic};

/// Why the CPE cannot answer its ACS's challenge with its credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChallengeError {
    /// The `WWW-Authenticate` value offers Digest, but not in a form this crate answers
    /// (unsupported algorithm or qop, missing realm or nonce, broken syntax).
    #[error("unusable Digest challenge: {0}")]
    Digest(DigestError),
    /// Only Basic is offered, and the ACS URL is not `https`: the password would cross the
    /// network in clear text.
    #[error("Basic authentication refused without TLS")]
    BasicWithoutTls,
    /// Neither Basic nor Digest is offered.
    #[error("no Basic or Digest challenge")]
    UnsupportedScheme,
}

/// The challenge a session answers.
#[derive(Debug, Clone)]
pub(crate) enum AuthState {
    Digest {
        challenge: Box<Challenge>,
        cnonce: String,
        /// Requests made with this nonce so far.
        nc: u32,
    },
    Basic,
}

impl AuthState {
    /// Reads a `WWW-Authenticate` value: the first Digest challenge this crate can answer
    /// (servers list their preferred one first), else Basic over TLS. `random` seeds the
    /// client nonce.
    pub(crate) fn from_challenge(
        header: &str,
        url: &str,
        random: u64,
    ) -> Result<Self, ChallengeError> {
        let schemes = digest::parse_schemes(header).map_err(ChallengeError::Digest)?;
        let offers = |name: &str| schemes.iter().any(|(s, _)| s.eq_ignore_ascii_case(name));
        if offers("digest") {
            let all = Challenge::parse_all(header).map_err(ChallengeError::Digest)?;
            return match all.into_iter().next() {
                Some(challenge) => Ok(Self::Digest {
                    challenge: Box::new(challenge),
                    cnonce: format!("{random:016x}"),
                    nc: 0,
                }),
                // Every Digest challenge is unusable: report why the first one is.
                None => Err(ChallengeError::Digest(
                    Challenge::parse(header)
                        .err()
                        .unwrap_or(DigestError::NotDigest),
                )),
            };
        }
        if offers("basic") {
            let tls = url
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
            return if tls {
                Ok(Self::Basic)
            } else {
                Err(ChallengeError::BasicWithoutTls)
            };
        }
        Err(ChallengeError::UnsupportedScheme)
    }

    /// The `Authorization` value for the next POST to `url` (a Digest answer counts one more
    /// use of the nonce).
    pub(crate) fn authorization(&mut self, credentials: &Credentials, url: &str) -> String {
        match self {
            Self::Basic => basic::authorization(credentials),
            Self::Digest {
                challenge,
                cnonce,
                nc,
            } => {
                *nc = nc.saturating_add(1);
                digest::authorization(
                    challenge,
                    credentials,
                    "POST",
                    &request_target(url),
                    cnonce,
                    *nc,
                )
            }
        }
    }

    fn nonce(&self) -> Option<&str> {
        match self {
            Self::Digest { challenge, .. } => Some(&challenge.nonce),
            Self::Basic => None,
        }
    }
}

/// Whether a `401` only renews an expired nonce (`stale=true` with a nonce other than the
/// one answered): the credentials were right, so it is no refusal.
pub(crate) fn is_stale_renewal(header: &str, answered: Option<&AuthState>) -> bool {
    Challenge::parse(header)
        .is_ok_and(|c| c.stale && answered.and_then(AuthState::nonce) != Some(c.nonce.as_str()))
}

/// The request-target of an absolute URL (path and query; the path `/` when it has none),
/// which Digest's `uri` must repeat.
pub(crate) fn request_target(url: &str) -> Cow<'_, str> {
    let url = url.split('#').next().unwrap_or_default();
    let after_scheme = url.find("://").map_or(url, |i| &url[i + 3..]);
    match after_scheme.find(['/', '?']) {
        Some(i) if after_scheme[i..].starts_with('/') => Cow::Borrowed(&after_scheme[i..]),
        Some(i) => Cow::Owned(format!("/{}", &after_scheme[i..])),
        None => Cow::Borrowed("/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_targets() {
        assert_eq!(request_target("http://acs.example/cwmp"), "/cwmp");
        assert_eq!(
            request_target("https://acs.example:7547/a/b?x=1#f"),
            "/a/b?x=1"
        );
        assert_eq!(request_target("http://acs.example"), "/");
        assert_eq!(request_target("http://acs.example?x=1"), "/?x=1");
        assert_eq!(request_target("http://user@acs.example/"), "/");
    }
}
