//! Server side: the [`NonceIssuer`] (stateless nonces, challenges) and the verification of an
//! `Authorization` header.

use super::super::{ct_eq, hex};
use super::client::digest_params;
use super::{Algorithm, Challenge, DigestError, HexDigest, NcTracker, get, response_value};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The parameters of a Digest `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationParams {
    /// `username` (or its hash when `userhash`).
    pub username: String,
    /// `realm`.
    pub realm: String,
    /// `nonce`.
    pub nonce: String,
    /// `uri`.
    pub uri: String,
    /// `response`.
    pub response: String,
    /// `algorithm` (MD5 when absent).
    pub algorithm: Algorithm,
    /// `(nc, cnonce)` when `qop=auth`.
    pub qop_auth: Option<(u32, String)>,
    /// `opaque`.
    pub opaque: Option<String>,
    /// `userhash=true`.
    pub userhash: bool,
}

impl AuthorizationParams {
    /// Parses a Digest `Authorization` value.
    pub fn parse(header: &str) -> Result<Self, DigestError> {
        let p = digest_params(header)?;
        let req = |n: &'static str| {
            get(&p, n)
                .map(str::to_string)
                .ok_or(DigestError::MissingParam(n))
        };
        let algorithm = match get(&p, "algorithm") {
            None => Algorithm::Md5,
            Some(a) => Algorithm::parse(a)
                .ok_or_else(|| DigestError::UnsupportedAlgorithm(a.to_string()))?,
        };
        let qop_auth = match get(&p, "qop") {
            None => None,
            Some(q) if q.eq_ignore_ascii_case("auth") => {
                let nc = get(&p, "nc").ok_or(DigestError::MissingParam("nc"))?;
                let nc = u32::from_str_radix(nc, 16).map_err(|_| DigestError::Malformed {
                    offset: header.find("nc=").unwrap_or(0),
                    reason: "nc is not 8 hex digits",
                })?;
                Some((nc, req("cnonce")?))
            }
            Some(q) => return Err(DigestError::UnsupportedQop(q.to_string())),
        };
        Ok(Self {
            username: req("username")?,
            realm: req("realm")?,
            nonce: req("nonce")?,
            uri: req("uri")?,
            response: req("response")?,
            algorithm,
            qop_auth,
            opaque: get(&p, "opaque").map(str::to_string),
            userhash: get(&p, "userhash").is_some_and(|v| v.eq_ignore_ascii_case("true")),
        })
    }
}

/// A successful verification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The username that authenticated.
    pub username: String,
    /// The nonce used (key for [`NcTracker`]).
    pub nonce: String,
    /// The time the nonce was issued (unix seconds).
    pub issued_at: u64,
    /// `nc`, when `qop=auth` was used.
    pub nc: Option<u32>,
}

/// Why an `Authorization` header was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The header could not be parsed.
    #[error(transparent)]
    Malformed(#[from] DigestError),
    /// The nonce was not issued by this secret (forged or corrupted).
    #[error("nonce not issued by this server")]
    BadNonce,
    /// The nonce is genuine but expired (or from the future): answer with a `stale=true`
    /// challenge ([`NonceIssuer::challenge`] with `stale`).
    #[error("nonce expired")]
    Stale,
    /// The realm differs from the server's.
    #[error("wrong realm")]
    WrongRealm,
    /// The `uri` parameter differs from the request-target.
    #[error("uri does not match the request")]
    WrongUri,
    /// Unknown user or wrong response (wrong password).
    #[error("wrong username or password")]
    WrongCredentials,
    /// The `nc` was not greater than one already seen for this nonce, or a nonce without
    /// `qop` was used twice (see [`NcTracker`]): answer with a fresh challenge.
    #[error("replayed nonce count")]
    Replayed,
    /// The client used an algorithm or qop this server does not accept.
    #[error("algorithm or qop not accepted by this server")]
    NotAccepted,
}

/// Server side: issues stateless nonces and verifies `Authorization` headers, rejecting
/// replays (see the module docs).
#[derive(Clone)]
pub struct NonceIssuer {
    /// HMAC-SHA256 keyed with the secret once (copied for each nonce made or checked; boxed
    /// to keep the issuer small).
    keyed: Box<HmacSha256>,
    lifetime_secs: u64,
    realm: String,
    algorithm: Algorithm,
    qop_auth: bool,
    replay: NcTracker,
}

/// Nonces whose `nc` a [`NonceIssuer`] remembers by default.
pub const DEFAULT_REPLAY_CAPACITY: usize = 4096;

impl std::fmt::Debug for NonceIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NonceIssuer")
            .field("lifetime_secs", &self.lifetime_secs)
            .field("realm", &self.realm)
            .field("algorithm", &self.algorithm)
            .field("qop_auth", &self.qop_auth)
            .field("replay", &self.replay)
            .finish_non_exhaustive()
    }
}

type HmacSha256 = Hmac<Sha256>;

impl NonceIssuer {
    /// A nonce issuer for `realm`, with `secret` shared by every node that verifies (at least 32
    /// random bytes recommended), nonces valid `lifetime_secs`, challenges with `algorithm` and
    /// `qop="auth"` (see [`NonceIssuer::with_qop`]).
    pub fn new(
        secret: &[u8],
        realm: impl Into<String>,
        algorithm: Algorithm,
        lifetime_secs: u64,
    ) -> Self {
        Self {
            // HMAC accepts keys of any length, so this cannot fail.
            keyed: Box::new(
                <HmacSha256 as Mac>::new_from_slice(secret)
                    .unwrap_or_else(|_| unreachable!("HMAC takes any key length")),
            ),
            lifetime_secs,
            realm: realm.into(),
            algorithm,
            qop_auth: true,
            replay: NcTracker::new(DEFAULT_REPLAY_CAPACITY),
        }
    }

    /// How many live nonces the replay check remembers (default
    /// [`DEFAULT_REPLAY_CAPACITY`]); beyond it the oldest is forgotten, and requests with a
    /// nonce as old or older are then refused as replays (the client gets a new challenge).
    pub fn with_replay_capacity(mut self, capacity: usize) -> Self {
        self.replay = NcTracker::new(capacity);
        self
    }

    /// Whether challenges offer `qop="auth"` (default `true`); without it responses follow the
    /// RFC 2069 form, as most CPEs do for Connection Requests.
    pub fn with_qop(mut self, qop_auth: bool) -> Self {
        self.qop_auth = qop_auth;
        self
    }

    /// The realm.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    fn mac(&self, body: &str) -> HexDigest {
        let mut m = HmacSha256::clone(&self.keyed);
        m.update(body.as_bytes());
        HexDigest::of(&m.finalize().into_bytes())
    }

    /// A fresh nonce issued at `now` (unix seconds), `random` being caller randomness (≥ 8 bytes).
    pub fn nonce(&self, now: u64, random: &[u8]) -> String {
        let body = format!("{now:x}.{}", hex(random));
        let mac = self.mac(&body);
        format!("{body}.{}", mac.as_str())
    }

    /// Checks a nonce's MAC and returns its issue time.
    pub fn nonce_issued_at(&self, nonce: &str) -> Option<u64> {
        let (body, mac) = nonce.rsplit_once('.')?;
        let (ts, _) = body.split_once('.')?;
        if ts.len() > 16 || !ct_eq(self.mac(body).as_str().as_bytes(), mac.as_bytes()) {
            return None;
        }
        u64::from_str_radix(ts, 16).ok()
    }

    /// The challenge to send (with a fresh nonce), as a `WWW-Authenticate` value. `stale` is
    /// `true` when answering a [`VerifyError::Stale`].
    pub fn challenge(&self, now: u64, random: &[u8], stale: bool) -> String {
        Challenge {
            realm: self.realm.clone(),
            nonce: self.nonce(now, random),
            opaque: None,
            algorithm: self.algorithm,
            qop_auth: self.qop_auth,
            stale,
            userhash: false,
        }
        .to_header()
    }

    /// Verifies a Digest `Authorization` value for a request with `method` and request-target
    /// `uri`, at time `now`. `password_of` returns the password of a username (or `None` for an
    /// unknown user). A nonce is fresh when `issued_at <= now + 60` (clock skew between nodes)
    /// and `now - issued_at <= lifetime`.
    ///
    /// The client must use this issuer's algorithm; `qop=auth` is required when the issuer offers
    /// it. A replayed header (an `nc` not greater than one already accepted for the nonce, or a
    /// second use of a nonce without `qop`) is [`VerifyError::Replayed`]; only accepted
    /// requests are recorded, so wrong credentials cannot spoil a client's nonce.
    pub fn verify(
        &mut self,
        header: &str,
        method: &str,
        uri: &str,
        now: u64,
        password_of: impl FnOnce(&str) -> Option<String>,
    ) -> Result<Verified, VerifyError> {
        let v = self.verify_stateless(header, method, uri, now, password_of)?;
        self.replay.check(&v, now, self.lifetime_secs)?;
        Ok(v)
    }

    /// [`verify`](Self::verify) without the replay check: a replayed header is accepted
    /// within the nonce lifetime (for the same method and URI). For a cluster that checks
    /// [`Verified::nonce`] and [`Verified::nc`] against a shared store itself.
    pub fn verify_stateless(
        &self,
        header: &str,
        method: &str,
        uri: &str,
        now: u64,
        password_of: impl FnOnce(&str) -> Option<String>,
    ) -> Result<Verified, VerifyError> {
        let a = AuthorizationParams::parse(header)?;
        if a.algorithm != self.algorithm || a.qop_auth.is_some() != self.qop_auth || a.userhash {
            return Err(VerifyError::NotAccepted);
        }
        if !ct_eq(a.realm.as_bytes(), self.realm.as_bytes()) {
            return Err(VerifyError::WrongRealm);
        }
        if a.uri != uri {
            return Err(VerifyError::WrongUri);
        }
        let issued_at = self
            .nonce_issued_at(&a.nonce)
            .ok_or(VerifyError::BadNonce)?;
        let password = password_of(&a.username);
        // Compute even for unknown users so timing does not reveal which users exist.
        let pw = password.as_deref().unwrap_or("");
        // `nc` as the 8 hex digits it is sent as.
        let nc_hex = a
            .qop_auth
            .as_ref()
            .map(|(nc, _)| HexDigest::of(&nc.to_be_bytes()));
        let qop = a
            .qop_auth
            .as_ref()
            .zip(nc_hex.as_ref())
            .map(|((_, c), nc)| (nc.as_str(), c.as_str()));
        let expected = response_value(
            a.algorithm,
            &a.username,
            &a.realm,
            pw,
            method,
            &a.uri,
            &a.nonce,
            qop,
        );
        let ok = response_matches(expected.as_str(), &a.response);
        if password.is_none() || !ok {
            return Err(VerifyError::WrongCredentials);
        }
        if issued_at > now.saturating_add(60) || now.saturating_sub(issued_at) > self.lifetime_secs
        {
            return Err(VerifyError::Stale);
        }
        Ok(Verified {
            username: a.username,
            nonce: a.nonce,
            issued_at,
            nc: a.qop_auth.map(|(nc, _)| nc),
        })
    }
}

/// Whether a client's `response` is the `expected` lowercase hex digest, compared in
/// constant time and ignoring the response's case.
fn response_matches(expected: &str, response: &str) -> bool {
    let mut lower = [0u8; 64];
    let r = response.as_bytes();
    if r.len() != expected.len() || r.len() > lower.len() {
        return false;
    }
    for (d, c) in lower.iter_mut().zip(r) {
        *d = c.to_ascii_lowercase();
    }
    ct_eq(expected.as_bytes(), &lower[..r.len()])
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;
    use crate::connreq::Credentials;

    fn issuer(alg: Algorithm, qop: bool) -> NonceIssuer {
        NonceIssuer::new(b"0123456789abcdef0123456789abcdef", "cwmp", alg, 300).with_qop(qop)
    }

    fn pw(u: &str) -> Option<String> {
        (u == "cpe").then(|| "secret".to_string())
    }

    #[test]
    fn round_trips_every_algorithm() {
        for alg in [
            Algorithm::Md5,
            Algorithm::Md5Sess,
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
        ] {
            for qop in [true, false] {
                let mut s = issuer(alg, qop);
                let ch = Challenge::parse(&s.challenge(1000, &[7; 16], false)).unwrap();
                assert_eq!((ch.algorithm, ch.qop_auth), (alg, qop));
                let h = authorization(
                    &ch,
                    &Credentials::new("cpe", "secret"),
                    "POST",
                    "/acs",
                    "cn0123",
                    1,
                );
                let v = s.verify(&h, "POST", "/acs", 1100, pw).unwrap();
                assert_eq!(v.username, "cpe");
                assert_eq!(v.issued_at, 1000);
                // A different node with the same secret accepts it too.
                assert!(
                    issuer(alg, qop)
                        .verify(&h, "POST", "/acs", 1100, pw)
                        .is_ok()
                );
                let bad = authorization(
                    &ch,
                    &Credentials::new("cpe", "Secret"),
                    "POST",
                    "/acs",
                    "cn0123",
                    1,
                );
                assert_eq!(
                    s.verify(&bad, "POST", "/acs", 1100, pw),
                    Err(VerifyError::WrongCredentials)
                );
                let unknown = authorization(
                    &ch,
                    &Credentials::new("x", "secret"),
                    "POST",
                    "/acs",
                    "c",
                    1,
                );
                assert_eq!(
                    s.verify(&unknown, "POST", "/acs", 1100, pw),
                    Err(VerifyError::WrongCredentials)
                );
                assert_eq!(
                    s.verify(&h, "GET", "/acs", 1100, pw),
                    Err(VerifyError::WrongCredentials)
                );
                assert_eq!(
                    s.verify(&h, "POST", "/other", 1100, pw),
                    Err(VerifyError::WrongUri)
                );
                assert_eq!(
                    s.verify(&h, "POST", "/acs", 1301, pw),
                    Err(VerifyError::Stale)
                );
                assert_eq!(
                    s.verify(&h, "POST", "/acs", 500, pw),
                    Err(VerifyError::Stale)
                );
            }
        }
    }

    #[test]
    fn stale_wrong_realm_forged_and_replayed() {
        let mut s = issuer(Algorithm::Sha256, true);
        let stale = Challenge::parse(&s.challenge(0, b"rand", true)).unwrap();
        assert!(stale.stale);
        let ch = Challenge::parse(&s.challenge(1000, b"rand", false)).unwrap();
        let creds = Credentials::new("cpe", "secret");
        let mut wrong_realm = ch.clone();
        wrong_realm.realm = "other".into();
        let h = authorization(&wrong_realm, &creds, "POST", "/", "c", 1);
        assert_eq!(
            s.verify(&h, "POST", "/", 1000, pw),
            Err(VerifyError::WrongRealm)
        );

        let other = NonceIssuer::new(b"another secret", "cwmp", Algorithm::Sha256, 300);
        let forged = Challenge::parse(&other.challenge(1000, b"rand", false)).unwrap();
        let h = authorization(&forged, &creds, "POST", "/", "c", 1);
        assert_eq!(
            s.verify(&h, "POST", "/", 1000, pw),
            Err(VerifyError::BadNonce)
        );

        let mut t = NcTracker::new(16);
        let h1 = authorization(&ch, &creds, "POST", "/", "c", 1);
        let h2 = authorization(&ch, &creds, "POST", "/", "c", 2);
        let v1 = s.verify(&h1, "POST", "/", 1001, pw).unwrap();
        let v2 = s.verify(&h2, "POST", "/", 1002, pw).unwrap();
        assert_eq!(t.check(&v1, 1001, 300), Ok(()));
        assert_eq!(t.check(&v2, 1002, 300), Ok(()));
        assert_eq!(t.check(&v1, 1003, 300), Err(VerifyError::Replayed));
        assert_eq!(t.check(&v2, 1003, 300), Err(VerifyError::Replayed));

        let mut md5 = issuer(Algorithm::Md5, true);
        let h = authorization(&ch, &creds, "POST", "/", "c", 1);
        assert_eq!(
            md5.verify(&h, "POST", "/", 1000, pw),
            Err(VerifyError::NotAccepted)
        );
        assert!(matches!(
            s.verify("Basic abc", "POST", "/", 1000, pw),
            Err(VerifyError::Malformed(DigestError::NotDigest))
        ));
    }
}
