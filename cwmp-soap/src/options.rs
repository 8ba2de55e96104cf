//! Decode and encode options: quirk switches and limits.

/// A character set for the input, from the HTTP `Content-Type` or the XML declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Charset {
    /// Detect: BOM, then the XML declaration's `encoding`, else UTF-8.
    #[default]
    Detect,
    /// UTF-8.
    Utf8,
    /// ISO-8859-1 (Latin-1).
    Latin1,
    /// US-ASCII (bytes ≥ 0x80 are errors).
    UsAscii,
}

impl Charset {
    /// The charset named by an HTTP `Content-Type` header value
    /// (`text/xml; charset="ISO-8859-1"`), or `Detect` when it names none or an unknown one.
    pub fn from_content_type(value: &str) -> Self {
        for param in value.split(';').skip(1) {
            if let Some((k, v)) = param.split_once('=') {
                if k.trim().eq_ignore_ascii_case("charset") {
                    return Self::from_label(v.trim().trim_matches(|c| c == '"' || c == '\''));
                }
            }
        }
        Self::Detect
    }

    /// The charset for an encoding label (`utf-8`, `iso-8859-1`, `latin1`, `us-ascii`, …).
    pub fn from_label(label: &str) -> Self {
        let l = label.trim().to_ascii_lowercase();
        match l.as_str() {
            "utf-8" | "utf8" => Self::Utf8,
            "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" | "iso_8859-1" | "cp819" => {
                Self::Latin1
            }
            "us-ascii" | "ascii" | "ansi_x3.4-1968" => Self::UsAscii,
            _ => Self::Detect,
        }
    }
}

/// Decoder settings: leniency switches and hostile-input limits.
///
/// The defaults accept every deviation real devices and servers are known to send (see the
/// crate docs) and stop hostile input early. With the `serde` feature it (de)serializes, missing
/// fields taking their defaults. The limits
/// are far above what the spec needs (it requires 32 KiB envelopes to be accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
#[non_exhaustive]
pub struct DecodeOptions {
    /// Largest input accepted, in bytes. Default 64 MiB.
    pub max_envelope_bytes: usize,
    /// Deepest element nesting. Default 64.
    pub max_depth: usize,
    /// Most items in one array. Default 1,000,000.
    pub max_array_items: usize,
    /// Longest single text value in bytes. Default 16 MiB.
    pub max_text_len: usize,
    /// Most attributes on one element. Default 64.
    pub max_attributes: usize,
    /// The input's charset (pass the HTTP `Content-Type`'s through [`Charset::from_content_type`]).
    pub charset: Charset,
    /// Require the SOAP envelope, header entries and method element in their exact namespaces
    /// (off by default: children are matched by local name, prefixes bound to a wrong URI
    /// are tolerated with a warning).
    pub strict_namespaces: bool,
    /// Ignore header entries marked `mustUnderstand="1"` that are not understood (with an
    /// `UnknownHeader` warning), as GenieACS ignores every unknown header, instead of listing
    /// them in [`Decoded::not_understood`](crate::Decoded::not_understood) for a
    /// `MustUnderstand` fault (SOAP 1.1 §4.2.3; off by default).
    pub ignore_unknown_headers: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            max_envelope_bytes: 64 * 1024 * 1024,
            max_depth: 64,
            max_array_items: 1_000_000,
            max_text_len: 16 * 1024 * 1024,
            max_attributes: 64,
            charset: Charset::Detect,
            strict_namespaces: false,
            ignore_unknown_headers: false,
        }
    }
}

/// How booleans are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum BooleanStyle {
    /// `1` / `0`: accepted by every known CPE (the default).
    #[default]
    Numeric,
    /// `true` / `false`.
    Words,
}

/// Encoder settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EncodeOptions {
    /// How the boolean fields (`NextLevel`, `Writable`, `NotificationChange`,
    /// `AccessListChange`, `IsDownload`, `Resolved`, `HoldRequests`) are written. The text of
    /// an `xsd:boolean` `Value` is the application's and is written as given.
    pub booleans: BooleanStyle,
}
