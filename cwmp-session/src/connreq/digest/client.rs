//! Client side: parse a `WWW-Authenticate` challenge and build the `Authorization` answering it.

use std::borrow::Cow;

use super::super::Credentials;
use super::{Algorithm, DigestError, get, response_value};

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

/// A `(name lowercased, value)` pair, borrowed from the header unless lowercasing or
/// unescaping had to change it.
pub(crate) type Param<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The `(name lowercased, value)` pairs of one scheme.
pub(crate) type Params<'a> = Vec<Param<'a>>;

/// Splits a header value into `(scheme, params)` items.
pub(crate) fn parse_schemes(header: &str) -> Result<Vec<(&str, Params<'_>)>, DigestError> {
    const MAX_ITEMS: usize = 64;
    let b = header.as_bytes();
    let mut i = 0;
    let mut out: Vec<(&str, Params<'_>)> = Vec::new();
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
                quoted(header, &mut i)?
            } else {
                let vs = i;
                while i < b.len() && b[i] != b',' && b[i] != b' ' && b[i] != b'\t' {
                    i += 1;
                }
                Cow::Borrowed(&header[vs..i])
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
            let name = if token.bytes().any(|c| c.is_ascii_uppercase()) {
                Cow::Owned(token.to_ascii_lowercase())
            } else {
                Cow::Borrowed(token)
            };
            last.1.push((name, value));
        } else {
            if out.len() >= MAX_ITEMS {
                return Err(DigestError::Malformed {
                    offset: start,
                    reason: "too many schemes",
                });
            }
            out.push((token, Vec::new()));
        }
    }
    Ok(out)
}

/// The value of a quoted string whose opening quote is before `*i`; `*i` ends after the
/// closing quote. Borrowed from `header` unless it holds a `\\` escape.
fn quoted<'a>(header: &'a str, i: &mut usize) -> Result<Cow<'a, str>, DigestError> {
    let b = header.as_bytes();
    let start = *i;
    let Some(len) = b[start..].iter().position(|&c| c == b'"' || c == b'\\') else {
        return Err(DigestError::Malformed {
            offset: b.len(),
            reason: "unterminated quoted string",
        });
    };
    if b[start + len] == b'"' {
        *i = start + len + 1;
        return Ok(Cow::Borrowed(&header[start..start + len]));
    }
    // An escape: unescape into an owned copy (quote and backslash are ASCII, so every index
    // stepped to is a character boundary).
    let mut v = String::with_capacity(len + 16);
    let mut j = start;
    loop {
        match b.get(j) {
            None => {
                return Err(DigestError::Malformed {
                    offset: j,
                    reason: "unterminated quoted string",
                });
            }
            Some(b'"') => {
                *i = j + 1;
                return Ok(Cow::Owned(v));
            }
            Some(b'\\') if j + 1 < b.len() => {
                let c = header[j + 1..].chars().next().unwrap_or('\\');
                v.push(c);
                j += 1 + c.len_utf8();
            }
            Some(_) => {
                let run = b[j + 1..]
                    .iter()
                    .position(|&c| c == b'"' || c == b'\\')
                    .map_or(b.len(), |n| j + 1 + n);
                v.push_str(&header[j..run]);
                j = run;
            }
        }
    }
}

pub(super) fn digest_params(header: &str) -> Result<Params<'_>, DigestError> {
    parse_schemes(header)?
        .into_iter()
        .find(|(s, _)| s.eq_ignore_ascii_case("digest"))
        .map(|(_, p)| p)
        .ok_or(DigestError::NotDigest)
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

    fn from_params(p: &[Param<'_>]) -> Result<Self, DigestError> {
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
        alg.hash(&[&credentials.username, &challenge.realm])
            .as_str()
            .to_owned()
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
        response.as_str()
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

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    // RFC 7616 §3.9.1.
    const RFC7616_CHALLENGE_MD5: &str = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;

    #[test]
    fn quoted_values_unescape_and_plain_ones_are_borrowed() {
        let h = r#"Digest Realm="a \"quoted\" \\ réalm", nonce="plain", Opaque=tok"#;
        let schemes = parse_schemes(h).unwrap();
        let (scheme, p) = &schemes[0];
        assert_eq!(*scheme, "Digest");
        assert_eq!(get(p, "realm"), Some(r#"a "quoted" \ réalm"#));
        assert!(
            matches!(p[0].0, Cow::Owned(_)),
            "a name with capitals is lowercased"
        );
        assert!(matches!(p[1].1, Cow::Borrowed("plain")));
        assert_eq!(get(p, "opaque"), Some("tok"));
        // An unescaped value made of several runs between escapes.
        let p = digest_params(r#"Digest realm="x\yz\w""#).unwrap();
        assert_eq!(get(&p, "realm"), Some("xyzw"));
        for broken in [
            r#"Digest realm="open"#,
            r#"Digest realm="esc\"#,
            r#"Digest realm="a\"b"#,
        ] {
            assert_eq!(
                parse_schemes(broken),
                Err(DigestError::Malformed {
                    offset: broken.len(),
                    reason: "unterminated quoted string"
                }),
                "{broken}"
            );
        }
    }

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
        use crate::connreq::hex;
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
}
