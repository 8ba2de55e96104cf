//! CWMP protocol versions and the `cwmp` namespace URNs that carry them.

use core::fmt;
use core::str::FromStr;

/// A CWMP protocol version `major.minor` (1.0 … 1.4 are defined).
///
/// Versions outside the known set (a future `1.5`) are kept as they are so that
/// `SupportedCWMPVersions` lists from newer peers still parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(into = "String", try_from = "String"))]
pub struct CwmpVersion {
    /// Major version (always 1 so far).
    pub major: u8,
    /// Minor version.
    pub minor: u8,
}

impl CwmpVersion {
    /// CWMP 1.0 (TR-069 Issue 1, Amendment 1).
    pub const V1_0: Self = Self::new(1, 0);
    /// CWMP 1.1 (TR-069 Amendment 2).
    pub const V1_1: Self = Self::new(1, 1);
    /// CWMP 1.2 (TR-069 Amendment 3).
    pub const V1_2: Self = Self::new(1, 2);
    /// CWMP 1.3 (TR-069 Amendment 4).
    pub const V1_3: Self = Self::new(1, 3);
    /// CWMP 1.4 (TR-069 Amendments 5 and 6).
    pub const V1_4: Self = Self::new(1, 4);
    /// Every version this crate knows, oldest first.
    pub const ALL: [Self; 5] = [Self::V1_0, Self::V1_1, Self::V1_2, Self::V1_3, Self::V1_4];

    /// A version from its parts.
    pub const fn new(major: u8, minor: u8) -> Self {
        Self { major, minor }
    }

    /// The namespace a conformant peer uses on the wire for this version.
    ///
    /// 1.3 and 1.4 share `urn:dslforum-org:cwmp-1-2` (their XSDs extend it).
    pub fn namespace(self) -> CwmpNamespace {
        match (self.major, self.minor) {
            (1, 0) => CwmpNamespace::Cwmp1_0,
            (1, 1) => CwmpNamespace::Cwmp1_1,
            _ => CwmpNamespace::Cwmp1_2,
        }
    }

    /// Parses a comma-separated `SupportedCWMPVersions` list, tolerating
    /// whitespace and skipping entries that are not `major.minor`.
    pub fn parse_list(text: &str) -> Vec<Self> {
        text.split(',')
            .filter_map(|v| v.trim().parse().ok())
            .collect()
    }

    /// Formats a list as `SupportedCWMPVersions` text: `1.0,1.1,1.2`.
    pub fn format_list(versions: &[Self]) -> String {
        let mut out = String::new();
        for (i, v) in versions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&v.to_string());
        }
        out
    }

    /// The highest version present in both lists, if any (the ACS's choice for `UseCWMPVersion`).
    pub fn max_common(ours: &[Self], theirs: &[Self]) -> Option<Self> {
        ours.iter().filter(|v| theirs.contains(v)).max().copied()
    }
}

impl fmt::Display for CwmpVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The text was not a `major.minor` CWMP version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a CWMP version (expected major.minor)")]
#[non_exhaustive]
pub struct ParseVersionError;

impl FromStr for CwmpVersion {
    type Err = ParseVersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, b) = s.trim().split_once('.').ok_or(ParseVersionError)?;
        let major = a.parse().map_err(|_| ParseVersionError)?;
        let minor = b.parse().map_err(|_| ParseVersionError)?;
        Ok(Self { major, minor })
    }
}

impl From<CwmpVersion> for String {
    fn from(v: CwmpVersion) -> Self {
        v.to_string()
    }
}

impl TryFrom<String> for CwmpVersion {
    type Error = ParseVersionError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// The `cwmp` namespace URN an envelope used.
///
/// The official XSDs define only 1-0, 1-1 and 1-2; some stacks (iopsys icwmp) send 1-3 and 1-4,
/// and every one of them is accepted and reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CwmpNamespace {
    /// `urn:dslforum-org:cwmp-1-0`
    #[cfg_attr(feature = "serde", serde(rename = "urn:dslforum-org:cwmp-1-0"))]
    Cwmp1_0,
    /// `urn:dslforum-org:cwmp-1-1`
    #[cfg_attr(feature = "serde", serde(rename = "urn:dslforum-org:cwmp-1-1"))]
    Cwmp1_1,
    /// `urn:dslforum-org:cwmp-1-2` (also used by conformant 1.3 and 1.4 peers)
    #[default]
    #[cfg_attr(feature = "serde", serde(rename = "urn:dslforum-org:cwmp-1-2"))]
    Cwmp1_2,
    /// `urn:dslforum-org:cwmp-1-3` (seen in the wild, not in any XSD)
    #[cfg_attr(feature = "serde", serde(rename = "urn:dslforum-org:cwmp-1-3"))]
    Cwmp1_3,
    /// `urn:dslforum-org:cwmp-1-4` (seen in the wild, not in any XSD)
    #[cfg_attr(feature = "serde", serde(rename = "urn:dslforum-org:cwmp-1-4"))]
    Cwmp1_4,
}

impl CwmpNamespace {
    /// Every namespace, oldest first.
    pub const ALL: [Self; 5] = [
        Self::Cwmp1_0,
        Self::Cwmp1_1,
        Self::Cwmp1_2,
        Self::Cwmp1_3,
        Self::Cwmp1_4,
    ];

    /// The URN text.
    pub const fn uri(self) -> &'static str {
        match self {
            Self::Cwmp1_0 => "urn:dslforum-org:cwmp-1-0",
            Self::Cwmp1_1 => "urn:dslforum-org:cwmp-1-1",
            Self::Cwmp1_2 => "urn:dslforum-org:cwmp-1-2",
            Self::Cwmp1_3 => "urn:dslforum-org:cwmp-1-3",
            Self::Cwmp1_4 => "urn:dslforum-org:cwmp-1-4",
        }
    }

    /// The namespace for a URN, if it is one of the `cwmp-1-x` URNs.
    pub fn from_uri(uri: &[u8]) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.uri().as_bytes() == uri)
    }

    /// The version this namespace implies when nothing else is known
    /// (1-2 means "1.2 or later"; 1-3 and 1-4 as GenieACS maps them).
    pub const fn base_version(self) -> CwmpVersion {
        match self {
            Self::Cwmp1_0 => CwmpVersion::V1_0,
            Self::Cwmp1_1 => CwmpVersion::V1_1,
            Self::Cwmp1_2 => CwmpVersion::V1_2,
            Self::Cwmp1_3 => CwmpVersion::V1_3,
            Self::Cwmp1_4 => CwmpVersion::V1_4,
        }
    }
}

impl fmt::Display for CwmpNamespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.uri())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_list_parses_with_spaces_and_junk() {
        let v = CwmpVersion::parse_list("1.0, 1.1,1.2 ,x,1.4");
        assert_eq!(
            v,
            vec![
                CwmpVersion::V1_0,
                CwmpVersion::V1_1,
                CwmpVersion::V1_2,
                CwmpVersion::V1_4
            ]
        );
        assert_eq!(CwmpVersion::format_list(&v), "1.0,1.1,1.2,1.4");
    }

    #[test]
    fn max_common_picks_highest_shared() {
        let acs = [CwmpVersion::V1_0, CwmpVersion::V1_2, CwmpVersion::V1_3];
        let cpe = [
            CwmpVersion::V1_0,
            CwmpVersion::V1_1,
            CwmpVersion::V1_2,
            CwmpVersion::V1_4,
        ];
        assert_eq!(CwmpVersion::max_common(&acs, &cpe), Some(CwmpVersion::V1_2));
        assert_eq!(CwmpVersion::max_common(&acs[2..], &cpe[3..]), None);
    }

    #[test]
    fn namespaces_round_trip() {
        for ns in CwmpNamespace::ALL {
            assert_eq!(CwmpNamespace::from_uri(ns.uri().as_bytes()), Some(ns));
        }
        assert_eq!(CwmpNamespace::from_uri(b"urn:dslforum-org:cwmp-1-5"), None);
        assert_eq!(CwmpVersion::V1_4.namespace(), CwmpNamespace::Cwmp1_2);
    }
}
