//! Small functions called by the fuzz targets (each target is a one-liner).
#![forbid(unsafe_code)]

mod datamodel;
mod input;
mod session;
mod soap;

pub use datamodel::datamodel;
pub use session::{acs_session, cpe_session};
pub use soap::{decode, roundtrip};

use cwmp_session::connreq::{Credentials, basic, digest, udp, xmpp};

/// Arbitrary digest headers, UDP datagrams and XMPP stanzas: verification never panics and never
/// accepts a wrong signature or credential.
pub fn connection_request(data: &[u8]) {
    let creds = Credentials::new("cpe", "secret");
    let now = 1_700_000_000;
    let text = String::from_utf8_lossy(data);

    // UDP: the fuzz input as a datagram must not verify unless it carries the right signature.
    let mut v = udp::UdpVerifier::new();
    if let Ok(r) = v.verify(data, &creds, now, 30) {
        assert_eq!(r.sig, udp::signature("secret", r.ts, &r.id, &r.un, &r.cn));
        assert_eq!(r.un, "cpe");
    }
    // A datagram built from fuzz fields verifies, unless build refuses it as too large; signed
    // with another password it fails.
    let parts: Vec<&str> = text.splitn(3, '\n').collect();
    if parts.len() == 3 {
        match udp::build("h:1", now, parts[0], &creds, parts[1]) {
            Ok(good) => assert!(
                udp::UdpVerifier::new()
                    .verify(&good, &creds, now, 30)
                    .is_ok()
            ),
            Err(udp::UdpError::TooLarge(n)) => assert!(n > udp::MAX_DATAGRAM),
            Err(e) => panic!("build refused fields it can encode: {e}"),
        }
        // HMAC pads a short key with zero bytes, so "secret\0" signs as "secret" does.
        if parts[2].trim_end_matches('\0') != "secret" {
            let other = Credentials::new("cpe", parts[2]);
            if let Ok(bad) = udp::build("h:1", now, parts[0], &other, parts[1]) {
                assert!(
                    udp::UdpVerifier::new()
                        .verify(&bad, &creds, now, 30)
                        .is_err()
                );
            }
        }
    }
    // build checks host:port; whatever it accepts there verifies.
    if let Some(host) = parts.first() {
        if let Ok(d) = udp::build(host, now, "1", &creds, "c") {
            assert!(udp::UdpVerifier::new().verify(&d, &creds, now, 30).is_ok());
        }
    }

    // Digest: as a challenge (client side) and as an Authorization (server side).
    if let Ok(ch) = digest::Challenge::parse(&text) {
        let _ = digest::authorization(&ch, &creds, "GET", "/", "cnonce", 1);
    }
    let mut issuer = digest::NonceIssuer::new(b"fuzz secret", "cwmp", digest::Algorithm::Md5, 300);
    if let Ok(ok) = issuer.verify(&text, "GET", "/", now, |u| {
        (u == "cpe").then(|| "secret".into())
    }) {
        // Accepting means the nonce is ours: the fuzzer cannot forge an HMAC.
        assert!(issuer.nonce_issued_at(&ok.nonce).is_some());
    }
    if basic::verify(&text, &creds).is_ok() {
        assert_eq!(basic::parse_authorization(&text).ok(), Some(creds.clone()));
    }

    // XMPP.
    let _ = xmpp::parse(&text);
    if xmpp::verify_request(&text, &["acs@example.com"], &creds).is_ok() {
        assert!(text.contains("cpe") && text.contains("secret"));
    }
}
