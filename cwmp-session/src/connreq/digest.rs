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

use super::{Credentials, ct_eq, hex};
use hmac::{Hmac, Mac};
use md5::{Digest as _, Md5};
use sha2::Sha256;

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

    fn hash(self, data: &str) -> String {
        match self {
            Self::Md5 | Self::Md5Sess => hex(&Md5::digest(data.as_bytes())),
            Self::Sha256 | Self::Sha256Sess => hex(&Sha256::digest(data.as_bytes())),
        }
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

/// A parsed Digest challenge (`WWW-Authenticate: Digest ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Challenge {
    /// `realm`.
    pub realm: String,
    /// `nonce`.
    pub nonce: String,
    /// `opaque`, echoed back verbatim.
    pub opaque: Option<String>,
    /// `algorithm` (MD5 when absent).
    pub algorithm: Algorithm,
    /// Whether `qop` offered `auth`; `false` means no `qop` (RFC 2069 compatibility).
    pub qop_auth: bool,
    /// `stale=true`: the previous nonce expired, credentials were right.
    pub stale: bool,
    /// `userhash=true` was requested (RFC 7616 §3.4.4).
    pub userhash: bool,
}

/// `(name lowercased, value)` pairs of one scheme.
pub(crate) type Params = Vec<(String, String)>;

/// Splits a header value into `(scheme, params)` items.
pub(crate) fn parse_schemes(header: &str) -> Result<Vec<(String, Params)>, DigestError> {
    const MAX_ITEMS: usize = 64;
    let b = header.as_bytes();
    let mut i = 0;
    let mut out: Vec<(String, Params)> = Vec::new();
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && (b[*i] == b' ' || b[*i] == b'\t' || b[*i] == b',') {
            *i += 1;
        }
    };
    let is_tok = |c: u8| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~/:".contains(&c);
    loop {
        skip_ws(&mut i);
        if i >= b.len() {
            break;
        }
        let start = i;
        while i < b.len() && is_tok(b[i]) {
            i += 1;
        }
        if i == start {
            return Err(DigestError::Malformed {
                offset: i,
                reason: "expected a token",
            });
        }
        let token = &header[start..i];
        let mut j = i;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if j < b.len() && b[j] == b'=' {
            // A parameter (or token68 padding, which we do not use).
            i = j + 1;
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            let value = if i < b.len() && b[i] == b'"' {
                i += 1;
                let mut v = String::new();
                loop {
                    match b.get(i) {
                        None => {
                            return Err(DigestError::Malformed {
                                offset: i,
                                reason: "unterminated quoted string",
                            });
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') if i + 1 < b.len() => {
                            let c = header[i + 1..].chars().next().unwrap_or('\\');
                            v.push(c);
                            i += 1 + c.len_utf8();
                        }
                        Some(_) => {
                            let c = header[i..].chars().next().unwrap_or('\\');
                            v.push(c);
                            i += c.len_utf8();
                        }
                    }
                }
                v
            } else {
                let vs = i;
                while i < b.len() && b[i] != b',' && b[i] != b' ' && b[i] != b'\t' {
                    i += 1;
                }
                header[vs..i].to_string()
            };
            let Some(last) = out.last_mut() else {
                return Err(DigestError::Malformed {
                    offset: start,
                    reason: "parameter before any scheme",
                });
            };
            if last.1.len() >= MAX_ITEMS {
                return Err(DigestError::Malformed {
                    offset: start,
                    reason: "too many parameters",
                });
            }
            last.1.push((token.to_ascii_lowercase(), value));
        } else {
            if out.len() >= MAX_ITEMS {
                return Err(DigestError::Malformed {
                    offset: start,
                    reason: "too many schemes",
                });
            }
            out.push((token.to_string(), Vec::new()));
        }
    }
    Ok(out)
}

fn digest_params(header: &str) -> Result<Vec<(String, String)>, DigestError> {
    parse_schemes(header)?
        .into_iter()
        .find(|(s, _)| s.eq_ignore_ascii_case("digest"))
        .map(|(_, p)| p)
        .ok_or(DigestError::NotDigest)
}

fn get<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

impl Challenge {
    /// Parses the first `Digest` challenge of a `WWW-Authenticate` value (other schemes such as
    /// `Basic` listed in the same value are skipped). Among several Digest challenges the first
    /// is taken; use [`Challenge::parse_all`] to choose.
    pub fn parse(header: &str) -> Result<Self, DigestError> {
        Self::from_params(&digest_params(header)?)
    }

    /// Parses every `Digest` challenge of a `WWW-Authenticate` value, skipping ones with an
    /// unsupported algorithm or qop.
    pub fn parse_all(header: &str) -> Result<Vec<Self>, DigestError> {
        Ok(parse_schemes(header)?
            .into_iter()
            .filter(|(s, _)| s.eq_ignore_ascii_case("digest"))
            .filter_map(|(_, p)| Self::from_params(&p).ok())
            .collect())
    }

    fn from_params(p: &[(String, String)]) -> Result<Self, DigestError> {
        let realm = get(p, "realm").ok_or(DigestError::MissingParam("realm"))?;
        let nonce = get(p, "nonce").ok_or(DigestError::MissingParam("nonce"))?;
        let algorithm = match get(p, "algorithm") {
            None => Algorithm::Md5,
            Some(a) => Algorithm::parse(a)
                .ok_or_else(|| DigestError::UnsupportedAlgorithm(a.to_string()))?,
        };
        let qop_auth = match get(p, "qop") {
            None => false,
            Some(q) => {
                if q.split(',').any(|v| v.trim().eq_ignore_ascii_case("auth")) {
                    true
                } else {
                    return Err(DigestError::UnsupportedQop(q.to_string()));
                }
            }
        };
        let flag = |n| get(p, n).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        Ok(Self {
            realm: realm.to_string(),
            nonce: nonce.to_string(),
            opaque: get(p, "opaque").map(str::to_string),
            algorithm,
            qop_auth,
            stale: flag("stale"),
            userhash: flag("userhash"),
        })
    }

    /// Renders the challenge as a `WWW-Authenticate` value.
    pub fn to_header(&self) -> String {
        let mut s = format!(
            "Digest realm=\"{}\", nonce=\"{}\"",
            quote(&self.realm),
            quote(&self.nonce)
        );
        if self.qop_auth {
            s.push_str(", qop=\"auth\"");
        }
        s.push_str(", algorithm=");
        s.push_str(self.algorithm.as_str());
        if let Some(o) = &self.opaque {
            s.push_str(&format!(", opaque=\"{}\"", quote(o)));
        }
        if self.stale {
            s.push_str(", stale=true");
        }
        s
    }
}

fn quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '"' || c == '\\' {
            o.push('\\');
        }
        o.push(c);
    }
    o
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
) -> String {
    let mut ha1 = alg.hash(&format!("{username}:{realm}:{password}"));
    if alg.is_sess() {
        let cnonce = qop.map(|q| q.1).unwrap_or("");
        ha1 = alg.hash(&format!("{ha1}:{nonce}:{cnonce}"));
    }
    let ha2 = alg.hash(&format!("{method}:{uri}"));
    match qop {
        Some((nc, cnonce)) => alg.hash(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")),
        None => alg.hash(&format!("{ha1}:{nonce}:{ha2}")),
    }
}

/// Builds the `Authorization` value answering `challenge`.
///
/// `method` and `uri` are the request's (the `uri` is the request-target, e.g. `/cwmp` or, for a
/// Connection Request, the path of the ConnectionRequestURL). `cnonce` is random from the caller
/// (at least 8 bytes of entropy, any token characters) and `nc` counts the requests made with
/// this nonce, from 1; both are ignored when the challenge has no `qop`.
/// `userhash` challenges are answered with a hashed username.
pub fn authorization(
    challenge: &Challenge,
    credentials: &Credentials,
    method: &str,
    uri: &str,
    cnonce: &str,
    nc: u32,
) -> String {
    let alg = challenge.algorithm;
    let nc_s = format!("{nc:08x}");
    let qop = challenge.qop_auth.then_some((nc_s.as_str(), cnonce));
    let response = response_value(
        alg,
        &credentials.username,
        &challenge.realm,
        &credentials.password,
        method,
        uri,
        &challenge.nonce,
        qop,
    );
    let username = if challenge.userhash {
        alg.hash(&format!("{}:{}", credentials.username, challenge.realm))
    } else {
        credentials.username.clone()
    };
    let mut s = format!(
        "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", algorithm={}, response=\"{}\"",
        quote(&username),
        quote(&challenge.realm),
        quote(&challenge.nonce),
        quote(uri),
        alg.as_str(),
        response
    );
    if let Some((nc, cnonce)) = qop {
        s.push_str(&format!(
            ", qop=auth, nc={nc}, cnonce=\"{}\"",
            quote(cnonce)
        ));
    }
    if let Some(o) = &challenge.opaque {
        s.push_str(&format!(", opaque=\"{}\"", quote(o)));
    }
    if challenge.userhash {
        s.push_str(", userhash=true");
    }
    s
}

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
    secret: Vec<u8>,
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
            secret: secret.to_vec(),
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

    fn mac(&self, body: &str) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut m = <HmacSha256 as Mac>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        m.update(body.as_bytes());
        hex(&m.finalize().into_bytes())
    }

    /// A fresh nonce issued at `now` (unix seconds), `random` being caller randomness (≥ 8 bytes).
    pub fn nonce(&self, now: u64, random: &[u8]) -> String {
        let body = format!("{now:x}.{}", hex(random));
        let mac = self.mac(&body);
        format!("{body}.{mac}")
    }

    /// Checks a nonce's MAC and returns its issue time.
    pub fn nonce_issued_at(&self, nonce: &str) -> Option<u64> {
        let (body, mac) = nonce.rsplit_once('.')?;
        let (ts, _) = body.split_once('.')?;
        if ts.len() > 16 || !ct_eq(self.mac(body).as_bytes(), mac.as_bytes()) {
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
        let nc_s = a.qop_auth.as_ref().map(|(nc, _)| format!("{nc:08x}"));
        let qop = a
            .qop_auth
            .as_ref()
            .zip(nc_s.as_deref())
            .map(|((_, c), nc)| (nc, c.as_str()));
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
        let ok = ct_eq(
            expected.as_bytes(),
            a.response.to_ascii_lowercase().as_bytes(),
        );
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

/// `nc` replay tracking: the highest `nc` seen per live nonce, bounded in size. Every
/// [`NonceIssuer`] holds one; use it directly beside [`NonceIssuer::verify_stateless`].
///
/// Entries older than the nonce lifetime are dropped by [`NcTracker::check`]; when full, the
/// oldest nonce is evicted, and later requests with a nonce issued no later than it are
/// rejected as replays, forcing a new challenge — safe, never a false accept.
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NcTracker {
    seen: std::collections::BTreeMap<String, (u64, u32)>,
    capacity: usize,
    /// The issue time of the newest evicted nonce: unknown nonces up to it may be replays.
    #[cfg_attr(feature = "serde", serde(default))]
    evicted_up_to: Option<u64>,
}

impl NcTracker {
    /// A tracker remembering at most `capacity` nonces.
    pub fn new(capacity: usize) -> Self {
        Self {
            seen: Default::default(),
            capacity: capacity.max(1),
            evicted_up_to: None,
        }
    }

    /// Records a [`Verified`] request; [`VerifyError::Replayed`] when its `nc` is not greater than
    /// the last one seen for the nonce (or it has no `nc` and the nonce was already used).
    /// `lifetime_secs` and `now` expire old entries.
    pub fn check(&mut self, v: &Verified, now: u64, lifetime_secs: u64) -> Result<(), VerifyError> {
        self.seen
            .retain(|_, (at, _)| now.saturating_sub(*at) <= lifetime_secs);
        if self
            .evicted_up_to
            .is_some_and(|t| now.saturating_sub(t) > lifetime_secs)
        {
            // Every nonce that old has expired: the verifier refuses it as stale.
            self.evicted_up_to = None;
        }
        let nc = v.nc.unwrap_or(1);
        match self.seen.get_mut(&v.nonce) {
            Some((_, last)) if nc <= *last => Err(VerifyError::Replayed),
            Some((_, last)) => {
                *last = nc;
                Ok(())
            }
            None if self.evicted_up_to.is_some_and(|t| v.issued_at <= t) => {
                Err(VerifyError::Replayed)
            }
            None => {
                if self.seen.len() >= self.capacity.max(1) {
                    if let Some((oldest, at)) = self
                        .seen
                        .iter()
                        .min_by_key(|(_, (at, _))| *at)
                        .map(|(k, (at, _))| (k.clone(), *at))
                    {
                        self.seen.remove(&oldest);
                        self.evicted_up_to = Some(self.evicted_up_to.map_or(at, |t| t.max(at)));
                    }
                }
                self.seen.insert(v.nonce.clone(), (v.issued_at, nc));
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7616 §3.9.1.
    const RFC7616_CHALLENGE_MD5: &str = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;

    #[test]
    fn rfc7616_md5() {
        let c = Challenge::parse(RFC7616_CHALLENGE_MD5).unwrap();
        assert_eq!(c.algorithm, Algorithm::Md5);
        assert!(c.qop_auth);
        let h = authorization(
            &c,
            &Credentials::new("Mufasa", "Circle of Life"),
            "GET",
            "/dir/index.html",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            1,
        );
        assert!(
            h.contains(r#"response="8ca523f5e9506fed4657c9700eebdbec""#),
            "{h}"
        );
        assert!(h.contains("nc=00000001"));
    }

    #[test]
    fn rfc7616_sha256() {
        let hdr = RFC7616_CHALLENGE_MD5.replace("algorithm=MD5", "algorithm=SHA-256");
        let c = Challenge::parse(&hdr).unwrap();
        let h = authorization(
            &c,
            &Credentials::new("Mufasa", "Circle of Life"),
            "GET",
            "/dir/index.html",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            1,
        );
        assert!(
            h.contains(
                r#"response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1""#
            ),
            "{h}"
        );
    }

    #[test]
    fn rfc2617_example() {
        let c = Challenge::parse(
            r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
        )
        .unwrap();
        let h = authorization(
            &c,
            &Credentials::new("Mufasa", "Circle Of Life"),
            "GET",
            "/dir/index.html",
            "0a4f113b",
            1,
        );
        assert!(
            h.contains(r#"response="6629fae49393a05397450978507c4ef1""#),
            "{h}"
        );
        let a = AuthorizationParams::parse(&h).unwrap();
        assert_eq!(a.qop_auth, Some((1, "0a4f113b".into())));
        assert_eq!(
            a.opaque.as_deref(),
            Some("5ccc069c403ebaf9f0171e9517f40e41")
        );
    }

    #[test]
    fn no_qop_has_no_cnonce_nc() {
        let c = Challenge::parse(r#"Digest realm="IGD", nonce="abc", algorithm=md5"#).unwrap();
        assert!(!c.qop_auth);
        let h = authorization(&c, &Credentials::new("u", "p"), "GET", "/", "cn", 1);
        assert!(
            !h.contains("cnonce") && !h.contains("nc=") && !h.contains("qop"),
            "{h}"
        );
        // RFC 2069: MD5(HA1:nonce:HA2)
        let ha1 = hex(&Md5::digest(b"u:IGD:p"));
        let ha2 = hex(&Md5::digest(b"GET:/"));
        let r = hex(&Md5::digest(format!("{ha1}:abc:{ha2}").as_bytes()));
        assert!(h.contains(&r));
    }

    #[test]
    fn odd_challenges() {
        let c = Challenge::parse(
            r#"Basic realm="x", Digest realm=r, nonce=n, algorithm=MD, stale=TRUE"#,
        )
        .unwrap();
        assert_eq!(c.algorithm, Algorithm::Md5);
        assert!(c.stale);
        assert_eq!(c.realm, "r");
        assert!(matches!(
            Challenge::parse(r#"Digest realm="r", nonce="n", algorithm=SHA-512-256"#),
            Err(DigestError::UnsupportedAlgorithm(_))
        ));
        assert_eq!(
            Challenge::parse("Basic realm=\"x\""),
            Err(DigestError::NotDigest)
        );
        assert!(Challenge::parse("Digest realm=\"unterminated").is_err());
        assert_eq!(
            Challenge::parse(r#"Digest nonce="n""#),
            Err(DigestError::MissingParam("realm"))
        );
        let all = Challenge::parse_all(
            r#"Digest realm="a", nonce="1", algorithm=SHA-256, qop="auth", Digest realm="a", nonce="1", algorithm=MD5, qop="auth""#,
        )
        .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].algorithm, Algorithm::Sha256);
    }

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
