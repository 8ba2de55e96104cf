//! Parameter names and object paths.

use core::fmt;

use crate::ValidationError;

/// What kind of path a [`ParameterName`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PathKind {
    /// The empty string: the top of the hierarchy.
    Root,
    /// A full parameter name (no trailing dot): `Device.DeviceInfo.SoftwareVersion`.
    Full,
    /// A partial path naming an object (trailing dot): `Device.DeviceInfo.`.
    Partial,
}

/// A parameter name or object path, as used in `Name`, `ParameterPath`, `ObjectName` and
/// the items of `ParameterNames`.
///
/// [`ParameterName::from_wire`] never fails (receivers are lenient); [`ParameterName::new`]
/// checks the syntax and the 256-character limit, for values an application is about to send.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct ParameterName(String);

impl ParameterName {
    /// Maximum length on send (XSD `string(256)`).
    pub const MAX_LEN: usize = 256;

    /// Wraps text received from the wire, without any check.
    pub fn from_wire(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// A checked name: empty (root), or dot-separated non-empty segments of letters, digits,
    /// `_`, `-`, or an alias in brackets, optionally ending in `.`; at most 256 characters.
    pub fn new(s: impl Into<String>) -> Result<Self, ValidationError> {
        let s = s.into();
        Self::check(&s, "ParameterName")?;
        Ok(Self(s))
    }

    /// Checks `s` against the rules of [`ParameterName::new`], reporting problems under
    /// `field` (the spec's argument name: `Name`, `ObjectName`, `ParameterPath`, …).
    pub(crate) fn check(s: &str, field: &'static str) -> Result<(), ValidationError> {
        crate::check_len(field, s, Self::MAX_LEN)?;
        if !s.is_empty() && !path_syntax_ok(s.as_bytes()) {
            return Err(ValidationError::invalid(field, "not a dot-separated path"));
        }
        Ok(())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Whether it names the root, a full parameter, or an object (partial path).
    pub fn kind(&self) -> PathKind {
        if self.0.is_empty() {
            PathKind::Root
        } else if self.0.ends_with('.') {
            PathKind::Partial
        } else {
            PathKind::Full
        }
    }

    /// Whether this is a partial path (ends in `.`) or the root.
    pub fn is_partial(&self) -> bool {
        self.kind() != PathKind::Full
    }

    /// Whether `other` is this path or lies below it (for partial paths and root).
    pub fn covers(&self, other: &str) -> bool {
        match self.kind() {
            PathKind::Root => true,
            PathKind::Partial => other.starts_with(self.as_str()),
            PathKind::Full => other == self.as_str(),
        }
    }

    /// The name with a trailing dot added if missing (for devices that report GPN objects
    /// without it).
    pub fn with_trailing_dot(&self) -> Self {
        if self.0.is_empty() || self.0.ends_with('.') {
            self.clone()
        } else {
            Self(format!("{}.", self.0))
        }
    }
}

impl fmt::Display for ParameterName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ParameterName {
    fn from(s: &str) -> Self {
        Self::from_wire(s)
    }
}

impl From<String> for ParameterName {
    fn from(s: String) -> Self {
        Self::from_wire(s)
    }
}

impl AsRef<str> for ParameterName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ParameterName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ParameterName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Whether `s` (not empty) is dot-separated non-empty segments, each of letters, digits, `_`
/// and `-` or an alias in brackets, optionally ending in `.`. One pass over the bytes: every
/// character allowed outside brackets is ASCII, so a byte of a multi-byte character fails the
/// segment as the character would (an ACS checks every name it sends, so this runs on every
/// request).
fn path_syntax_ok(s: &[u8]) -> bool {
    /// Whether the byte may appear in a segment outside brackets.
    const PLAIN: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
            b += 1;
        }
        t
    };
    fn segment_ok(seg: &[u8], plain: bool) -> bool {
        !seg.is_empty() && (plain || seg.len() > 2 && matches!(seg, [b'[', .., b']']))
    }
    let body = s.strip_suffix(b".").unwrap_or(s);
    let mut start = 0;
    let mut plain = true;
    for (i, &b) in body.iter().enumerate() {
        if b == b'.' {
            if !segment_ok(&body[start..i], plain) {
                return false;
            }
            start = i + 1;
            plain = true;
        } else {
            plain &= PLAIN[usize::from(b)];
        }
    }
    segment_ok(&body[start..], plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(ParameterName::from_wire("").kind(), PathKind::Root);
        assert_eq!(
            ParameterName::from_wire("Device.").kind(),
            PathKind::Partial
        );
        assert_eq!(ParameterName::from_wire("Device.X").kind(), PathKind::Full);
        assert!(ParameterName::from_wire("Device.").covers("Device.A.B"));
        assert!(!ParameterName::from_wire("Device.A").covers("Device.AB"));
        assert_eq!(
            ParameterName::from_wire("Device.IP").with_trailing_dot(),
            "Device.IP."
        );
    }

    #[test]
    fn validation() {
        assert!(ParameterName::new("Device.IP.Interface.1.").is_ok());
        assert!(ParameterName::new("Device.IP.Interface.[wan].Enable").is_ok());
        assert!(ParameterName::new("").is_ok());
        assert!(ParameterName::new("Device..X").is_err());
        assert!(ParameterName::new("Device.X Y").is_err());
        assert!(ParameterName::new("A.".repeat(200)).is_err());
        // Anything goes from the wire.
        assert_eq!(ParameterName::from_wire("Device..X").as_str(), "Device..X");
    }

    /// The rule as first written, character by character: the byte-wise check must agree.
    fn path_syntax_by_chars(s: &str) -> bool {
        let body = s.strip_suffix('.').unwrap_or(s);
        body.split('.').all(|seg| {
            !seg.is_empty()
                && (seg.starts_with('[') && seg.ends_with(']') && seg.len() > 2
                    || seg
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        })
    }

    #[test]
    fn bytewise_syntax_matches_the_rule() {
        for s in [
            ".",
            "..",
            "A",
            "A.",
            "A..",
            ".A",
            "[",
            "[]",
            "[x]",
            "[x",
            "x]",
            "A.[]",
            "A.[].",
            "A.[é].B",
            "A.é",
            "A.x-y_z.9.",
            "Dévice.A",
            "A.[a.b].C",
            "A.[[]]",
            "A. ",
            "A.\u{0}",
            "A.\u{7f}",
            "A.[]]",
            "A.]",
        ] {
            assert_eq!(
                path_syntax_ok(s.as_bytes()),
                path_syntax_by_chars(s),
                "{s:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn bytewise_syntax_matches_the_rule_on_any_text(
            s in "[A-Za-z0-9_\\-.\\[\\] é\u{0}\u{80}\u{7ff}\u{10000}]{1,24}"
        ) {
            proptest::prop_assert_eq!(path_syntax_ok(s.as_bytes()), path_syntax_by_chars(&s));
        }
    }
}
