//! HTTP Basic authentication (RFC 7617), meant for use over TLS only.

use super::{Credentials, ct_eq};

/// Why a Basic `Authorization` header was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BasicError {
    /// The header does not use the `Basic` scheme.
    #[error("authorization scheme is not Basic")]
    NotBasic,
    /// The base64 payload is invalid, not UTF-8, or has no `:`.
    #[error("malformed Basic credentials")]
    Malformed,
    /// The username or password does not match.
    #[error("wrong username or password")]
    WrongCredentials,
}

/// Builds the `WWW-Authenticate` value of a Basic challenge for `realm`.
pub fn challenge(realm: &str) -> String {
    format!(
        "Basic realm=\"{}\", charset=\"UTF-8\"",
        realm.replace(['"', '\\'], "")
    )
}

/// Builds the `Authorization` header value for `credentials`.
pub fn authorization(credentials: &Credentials) -> String {
    let raw = format!("{}:{}", credentials.username, credentials.password);
    format!("Basic {}", base64_encode(raw.as_bytes()))
}

/// Decodes a Basic `Authorization` header value into the credentials it carries.
pub fn parse_authorization(header: &str) -> Result<Credentials, BasicError> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').ok_or(BasicError::NotBasic)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(BasicError::NotBasic);
    }
    let raw = base64_decode(rest.trim()).ok_or(BasicError::Malformed)?;
    let raw = String::from_utf8(raw).map_err(|_| BasicError::Malformed)?;
    let (user, pass) = raw.split_once(':').ok_or(BasicError::Malformed)?;
    Ok(Credentials::new(user, pass))
}

/// Verifies a Basic `Authorization` header value against the expected credentials
/// (constant-time comparison of username and password).
pub fn verify(header: &str, expected: &Credentials) -> Result<(), BasicError> {
    let got = parse_authorization(header)?;
    let user_ok = ct_eq(got.username.as_bytes(), expected.username.as_bytes());
    let pass_ok = ct_eq(got.password.as_bytes(), expected.password.as_bytes());
    if user_ok & pass_ok {
        Ok(())
    } else {
        Err(BasicError::WrongCredentials)
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(input: &str) -> Option<Vec<u8>> {
    let bytes = input.trim_end_matches('=').as_bytes();
    if input.len() - bytes.len() > 2 || bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &c in bytes {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7617_example() {
        let c = Credentials::new("Aladdin", "open sesame");
        assert_eq!(authorization(&c), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(
            parse_authorization("basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").unwrap(),
            c
        );
        assert!(verify(&authorization(&c), &c).is_ok());
        let wrong = Credentials::new("Aladdin", "open sesamE");
        assert_eq!(
            verify(&authorization(&c), &wrong),
            Err(BasicError::WrongCredentials)
        );
        assert_eq!(parse_authorization("Basic ***"), Err(BasicError::Malformed));
        assert_eq!(parse_authorization("Digest x=1"), Err(BasicError::NotBasic));
    }

    #[test]
    fn base64_all_lengths() {
        for len in 0..10u8 {
            let data: Vec<u8> = (0..len).map(|i| i.wrapping_mul(97)).collect();
            assert_eq!(base64_decode(&base64_encode(&data)).unwrap(), data);
        }
    }
}
