//! Who may talk to the examples' servers: the CPE credentials the ACS accepts (one shared
//! credential, a credentials file, or passwords derived from a secret), which devices a
//! username may speak for, and [`Authenticator`], the server side of HTTP digest (or Basic)
//! with replay protection, used by the ACS and by the CPE's Connection Request listener.
//!
//! TR-069 recommends per-device usernames of the form `OUI-[ProductClass-]SerialNumber`
//! (TR-069 Amendment 6, §3.4.4): with per-device credentials a CPE authenticated as one
//! device cannot speak for another.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::basic;
use cwmp_session::connreq::digest::{Algorithm, NcTracker, NonceIssuer, VerifyError};
use cwmp_types::DeviceIdStruct;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::http::{hex, os_random};

/// The username TR-069 recommends for a device: `OUI-ProductClass-SerialNumber`, or
/// `OUI-SerialNumber` without a ProductClass.
pub fn device_username(oui: &str, product_class: &str, serial_number: &str) -> String {
    if product_class.is_empty() {
        format!("{oui}-{serial_number}")
    } else {
        format!("{oui}-{product_class}-{serial_number}")
    }
}

/// The password derived for `username` from `secret`: the first 128 bits of
/// HMAC-SHA-256(secret, username), in hex. A factory can provision each device with its own
/// password, and the ACS needs only the secret.
pub fn derive_password(secret: &[u8], username: &str) -> String {
    // HMAC accepts keys of any length.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(username.as_bytes());
    hex(&m.finalize().into_bytes()[..16])
}

/// The credentials CPEs may present to the ACS.
#[derive(Clone, Default)]
pub struct CpeCredentials {
    /// One credential every device shares (the examples' default: any device may use it, so
    /// it cannot tell devices apart).
    shared: Option<Credentials>,
    /// Per-device usernames and passwords (a credentials file).
    table: HashMap<String, String>,
    /// Passwords derived from this secret for usernames of the TR-069 form.
    derive_secret: Option<Vec<u8>>,
}

impl std::fmt::Debug for CpeCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpeCredentials")
            .field("shared", &self.shared.as_ref().map(|c| &c.username))
            .field("table", &self.table.len())
            .field("derived", &self.derive_secret.is_some())
            .finish()
    }
}

impl CpeCredentials {
    /// One credential shared by every device.
    pub fn shared(credentials: Credentials) -> Self {
        Self {
            shared: Some(credentials),
            ..Self::default()
        }
    }

    /// No credential yet; add per-device ones with [`CpeCredentials::with_table`] or
    /// [`CpeCredentials::with_derivation`].
    pub fn per_device() -> Self {
        Self::default()
    }

    /// Adds per-device credentials (username → password).
    pub fn with_table(mut self, table: HashMap<String, String>) -> Self {
        self.table.extend(table);
        self
    }

    /// Accepts, for usernames of the form `OUI-[ProductClass-]SerialNumber`, the password
    /// [`derive_password`] gives with `secret`.
    pub fn with_derivation(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.derive_secret = Some(secret.into());
        self
    }

    /// The shared credential, if there is one.
    pub fn shared_credential(&self) -> Option<&Credentials> {
        self.shared.as_ref()
    }

    /// The password of `username`, if it may authenticate.
    pub fn password_of(&self, username: &str) -> Option<String> {
        if let Some(s) = &self.shared {
            if s.username == username {
                return Some(s.password.clone());
            }
        }
        if let Some(p) = self.table.get(username) {
            return Some(p.clone());
        }
        let secret = self.derive_secret.as_ref()?;
        // Only usernames that can name a device: OUI (6 hex digits), '-', the rest.
        let (oui, rest) = username.split_once('-')?;
        let plausible = oui.len() == 6
            && oui.bytes().all(|b| b.is_ascii_hexdigit())
            && !rest.is_empty()
            && username.len() <= 6 + 1 + 64 + 1 + 64;
        plausible.then(|| derive_password(secret, username))
    }

    /// Whether a CPE authenticated as `username` may send an Inform with `device`: always
    /// for the shared credential, otherwise only when the username is the device's TR-069
    /// username (with or without its ProductClass).
    pub fn may_speak_for(&self, username: &str, device: &DeviceIdStruct) -> bool {
        if self.shared.as_ref().is_some_and(|s| s.username == username) {
            return true;
        }
        username == device_username(&device.oui, &device.product_class, &device.serial_number)
            || username == device_username(&device.oui, "", &device.serial_number)
    }

    /// Reads a credentials file: one `username password` pair a line (separated by blanks),
    /// `#` comments and empty lines ignored. Errors name the line.
    pub fn parse_file(text: &str) -> Result<HashMap<String, String>, String> {
        let mut table = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some(u), Some(p), None) => {
                    if table.insert(u.to_owned(), p.to_owned()).is_some() {
                        return Err(format!("line {}: {u:?} appears twice", i + 1));
                    }
                }
                _ => return Err(format!("line {}: expected `username password`", i + 1)),
            }
        }
        Ok(table)
    }
}

/// Why a request was not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No or wrong credentials, or a replayed `Authorization`: challenge again.
    Challenge,
    /// The nonce has expired: challenge with `stale=true`.
    Stale,
    /// Valid credentials of this username, but a nonce and count already used: a replay, or
    /// a CPE that repeats its `Authorization` on the connection it authenticated (the caller
    /// may accept that one; anywhere else challenge).
    Replayed(String),
}

/// Replay-protection shards: [`NcTracker`] looks at every remembered nonce on each check, so
/// nonces are spread over a few trackers.
const SHARDS: usize = 16;
/// Nonces remembered per shard.
const NONCES_PER_SHARD: usize = 8192;

/// The server side of HTTP authentication: digest with stateless nonces whose secret comes
/// from the OS random number generator, every accepted `(nonce, nc)` remembered for the
/// nonce's lifetime so that a replayed `Authorization` is refused (on any connection), or
/// Basic.
pub struct Authenticator {
    issuer: NonceIssuer,
    lifetime_secs: u64,
    basic: bool,
    replay: Vec<Mutex<NcTracker>>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("issuer", &self.issuer)
            .field("basic", &self.basic)
            .finish_non_exhaustive()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Authenticator {
    /// Digest (MD5, `qop="auth"`) in `realm`, nonces valid `lifetime_secs`; Basic instead
    /// when `basic`.
    pub fn new(realm: &str, lifetime_secs: u64, basic: bool) -> Self {
        Self::with_secret(realm, lifetime_secs, basic, os_random())
    }

    /// As [`Authenticator::new`], with the nonce secret given: nodes of a cluster that share
    /// it verify each other's nonces. Replays are tracked per `Authenticator`, so per node: an
    /// `Authorization` replayed to another node within the nonce's lifetime is accepted there.
    pub fn with_secret(realm: &str, lifetime_secs: u64, basic: bool, secret: [u8; 32]) -> Self {
        Self {
            issuer: NonceIssuer::new(&secret, realm, Algorithm::Md5, lifetime_secs),
            lifetime_secs,
            basic,
            replay: (0..SHARDS)
                .map(|_| Mutex::new(NcTracker::new(NONCES_PER_SHARD)))
                .collect(),
        }
    }

    /// A `WWW-Authenticate` value with a fresh nonce.
    pub fn challenge(&self, stale: bool) -> String {
        if self.basic {
            basic::challenge(self.issuer.realm())
        } else {
            let random: [u8; 16] = os_random();
            self.issuer.challenge(unix_now(), &random, stale)
        }
    }

    /// Checks an `Authorization` value for a request with `method` and request-target `uri`;
    /// returns the username that authenticated.
    pub fn verify(
        &self,
        header: &str,
        method: &str,
        uri: &str,
        password_of: impl FnOnce(&str) -> Option<String>,
    ) -> Result<String, Refusal> {
        if self.basic {
            let got = basic::parse_authorization(header).map_err(|_| Refusal::Challenge)?;
            let password = password_of(&got.username).ok_or(Refusal::Challenge)?;
            let expected = Credentials::new(got.username.clone(), password);
            return basic::verify(header, &expected)
                .map(|()| got.username)
                .map_err(|_| Refusal::Challenge);
        }
        let now = unix_now();
        let verified = match self
            .issuer
            .verify_stateless(header, method, uri, now, password_of)
        {
            Ok(v) => v,
            Err(VerifyError::Stale) => return Err(Refusal::Stale),
            Err(_) => return Err(Refusal::Challenge),
        };
        let shard = verified
            .nonce
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b.into()))
            % SHARDS;
        match self.replay[shard]
            .lock()
            .expect("lock")
            .check(&verified, now, self.lifetime_secs)
        {
            Ok(()) => Ok(verified.username),
            Err(_) => Err(Refusal::Replayed(verified.username)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cwmp_session::connreq::digest::{self, Challenge};

    #[test]
    fn derived_passwords_name_devices() {
        let creds = CpeCredentials::per_device().with_derivation(b"factory".to_vec());
        let user = device_username("00D09E", "Gateway", "SN1");
        assert_eq!(user, "00D09E-Gateway-SN1");
        let pw = creds.password_of(&user).unwrap();
        assert_eq!(pw.len(), 32);
        assert_eq!(pw, derive_password(b"factory", &user));
        assert_ne!(pw, derive_password(b"other", &user));
        assert!(creds.password_of("cpe").is_none(), "not a device username");
        let me = DeviceIdStruct::new("x", "00D09E", "Gateway", "SN1");
        let other = DeviceIdStruct::new("x", "00D09E", "Gateway", "SN2");
        assert!(creds.may_speak_for(&user, &me));
        assert!(creds.may_speak_for("00D09E-SN1", &me));
        assert!(!creds.may_speak_for(&user, &other));
        let shared = CpeCredentials::shared(Credentials::new("cpe", "pw"));
        assert!(shared.may_speak_for("cpe", &other));
    }

    #[test]
    fn credentials_file_errors_name_the_line() {
        let t = CpeCredentials::parse_file("# devices\n\na b\nc d\n").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t["a"], "b");
        assert_eq!(
            CpeCredentials::parse_file("a b\nc\n").unwrap_err(),
            "line 2: expected `username password`"
        );
        assert!(CpeCredentials::parse_file("a b\na c\n").is_err());
    }

    #[test]
    fn a_replayed_authorization_is_refused() {
        let auth = Authenticator::new("r", 300, false);
        let creds = Credentials::new("u", "p");
        let challenge = Challenge::parse(&auth.challenge(false)).unwrap();
        let h1 = digest::authorization(&challenge, &creds, "POST", "/cwmp", "c1", 1);
        let pw = |_: &str| Some("p".to_owned());
        assert_eq!(auth.verify(&h1, "POST", "/cwmp", pw).unwrap(), "u");
        assert_eq!(
            auth.verify(&h1, "POST", "/cwmp", pw),
            Err(Refusal::Replayed("u".to_owned()))
        );
        let h2 = digest::authorization(&challenge, &creds, "POST", "/cwmp", "c1", 2);
        assert!(auth.verify(&h2, "POST", "/cwmp", pw).is_ok(), "next nc");
        let wrong = |_: &str| Some("x".to_owned());
        let h3 = digest::authorization(&challenge, &creds, "POST", "/cwmp", "c1", 3);
        assert!(auth.verify(&h3, "POST", "/cwmp", wrong).is_err());
    }
}
