//! Parameter values: the wire text plus its declared `xsi:type`, with typed accessors.

mod datetime;
mod lexical;

pub use datetime::{DateTime, DateTimeField};
pub use lexical::{parse_bool, parse_int};

use core::fmt;

use lexical::{base64_decode, base64_encode};

/// The declared type of a `Value` (`xsi:type`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ValueType {
    /// `xsd:string` (also the default when `xsi:type` is missing)
    #[default]
    String,
    /// `xsd:int` (signed 32-bit)
    Int,
    /// `xsd:unsignedInt` (unsigned 32-bit)
    UnsignedInt,
    /// `xsd:long` (signed 64-bit)
    Long,
    /// `xsd:unsignedLong` (unsigned 64-bit)
    UnsignedLong,
    /// `xsd:boolean`
    Boolean,
    /// `xsd:dateTime`
    DateTime,
    /// `xsd:base64` / `soap-enc:base64` / `xsd:base64Binary`
    Base64,
    /// `xsd:hexBinary`
    HexBinary,
    /// Any other type name, kept as written without its prefix (vendor types).
    Other(String),
}

impl ValueType {
    /// The local type name as written after `xsd:` (`string`, `unsignedInt`, …).
    pub fn name(&self) -> &str {
        match self {
            Self::String => "string",
            Self::Int => "int",
            Self::UnsignedInt => "unsignedInt",
            Self::Long => "long",
            Self::UnsignedLong => "unsignedLong",
            Self::Boolean => "boolean",
            Self::DateTime => "dateTime",
            Self::Base64 => "base64",
            Self::HexBinary => "hexBinary",
            Self::Other(s) => s,
        }
    }

    /// The type for a local name (prefix already removed); never fails.
    pub fn from_name(local: &str) -> Self {
        match local {
            "string" => Self::String,
            "int" => Self::Int,
            "unsignedInt" => Self::UnsignedInt,
            "long" => Self::Long,
            "unsignedLong" => Self::UnsignedLong,
            "boolean" => Self::Boolean,
            "dateTime" => Self::DateTime,
            "base64" | "base64Binary" => Self::Base64,
            "hexBinary" => Self::HexBinary,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ValueType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ValueType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        let local = s.rsplit_once(':').map_or(s.as_str(), |(_, l)| l);
        Ok(Self::from_name(local))
    }
}

/// Why a value's text did not parse as the requested type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// Not a number of the requested kind.
    #[error("not a valid integer")]
    InvalidInteger,
    /// A number outside the type's range.
    #[error("integer out of range")]
    OutOfRange,
    /// Not 1/0/true/false.
    #[error("not a valid boolean")]
    InvalidBoolean,
    /// Not an XML Schema dateTime.
    #[error("not a valid dateTime")]
    InvalidDateTime,
    /// Not valid base64.
    #[error("not valid base64")]
    InvalidBase64,
    /// Not valid hex.
    #[error("not valid hexBinary")]
    InvalidHex,
}

/// A parameter `Value`: the text exactly as received (or to be sent) and its declared type.
///
/// Accessors parse on demand and return [`ValueError`]; the text is never rejected on receipt.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ParameterValue {
    /// The wire text.
    #[cfg_attr(feature = "serde", serde(rename = "Text"))]
    pub text: String,
    /// The declared `xsi:type`.
    #[cfg_attr(feature = "serde", serde(rename = "Type"))]
    pub value_type: ValueType,
}

impl ParameterValue {
    /// A value with an explicit type.
    pub fn new(text: impl Into<String>, value_type: ValueType) -> Self {
        Self {
            text: text.into(),
            value_type,
        }
    }
    /// An `xsd:string`.
    pub fn string(s: impl Into<String>) -> Self {
        Self::new(s, ValueType::String)
    }
    /// An `xsd:int`.
    pub fn int(v: i32) -> Self {
        Self::new(v.to_string(), ValueType::Int)
    }
    /// An `xsd:unsignedInt`.
    pub fn unsigned_int(v: u32) -> Self {
        Self::new(v.to_string(), ValueType::UnsignedInt)
    }
    /// An `xsd:long`.
    pub fn long(v: i64) -> Self {
        Self::new(v.to_string(), ValueType::Long)
    }
    /// An `xsd:unsignedLong`.
    pub fn unsigned_long(v: u64) -> Self {
        Self::new(v.to_string(), ValueType::UnsignedLong)
    }
    /// An `xsd:boolean`, written canonically as `1`/`0`.
    pub fn boolean(v: bool) -> Self {
        Self::new(if v { "1" } else { "0" }, ValueType::Boolean)
    }
    /// An `xsd:dateTime`.
    pub fn date_time(v: DateTime) -> Self {
        Self::new(v.to_string(), ValueType::DateTime)
    }
    /// An `xsd:base64` from raw bytes.
    pub fn base64(bytes: &[u8]) -> Self {
        Self::new(base64_encode(bytes), ValueType::Base64)
    }
    /// An `xsd:hexBinary` from raw bytes.
    pub fn hex_binary(bytes: &[u8]) -> Self {
        let mut s = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            s.push_str(&format!("{b:02X}"));
        }
        Self::new(s, ValueType::HexBinary)
    }

    /// The text with surrounding XML whitespace removed (what numbers, booleans and dates use).
    pub fn trimmed(&self) -> &str {
        self.text
            .trim_matches(|c: char| matches!(c, ' ' | '\t' | '\r' | '\n'))
    }
    /// As a boolean: `1`/`0`/`true`/`false` in any case.
    pub fn as_bool(&self) -> Result<bool, ValueError> {
        parse_bool(self.trimmed())
    }
    /// As a signed 32-bit integer.
    pub fn as_i32(&self) -> Result<i32, ValueError> {
        parse_int(self.trimmed())
    }
    /// As an unsigned 32-bit integer.
    pub fn as_u32(&self) -> Result<u32, ValueError> {
        parse_int(self.trimmed())
    }
    /// As a signed 64-bit integer.
    pub fn as_i64(&self) -> Result<i64, ValueError> {
        parse_int(self.trimmed())
    }
    /// As an unsigned 64-bit integer.
    pub fn as_u64(&self) -> Result<u64, ValueError> {
        parse_int(self.trimmed())
    }
    /// As a dateTime.
    pub fn as_date_time(&self) -> Result<DateTime, ValueError> {
        self.trimmed().parse()
    }
    /// As base64-decoded bytes (whitespace inside is ignored).
    pub fn as_base64(&self) -> Result<Vec<u8>, ValueError> {
        base64_decode(&self.text)
    }
    /// As hex-decoded bytes.
    pub fn as_hex_binary(&self) -> Result<Vec<u8>, ValueError> {
        let t = self.trimmed().as_bytes();
        if t.len() % 2 != 0 {
            return Err(ValueError::InvalidHex);
        }
        t.chunks(2)
            .map(|p| {
                let h = (p[0] as char).to_digit(16).ok_or(ValueError::InvalidHex)?;
                let l = (p[1] as char).to_digit(16).ok_or(ValueError::InvalidHex)?;
                Ok((h * 16 + l) as u8)
            })
            .collect()
    }

    /// Whether the text is valid for the declared type (always true for strings and vendor types).
    pub fn check(&self) -> Result<(), ValueError> {
        match self.value_type {
            ValueType::Int => self.as_i32().map(drop),
            ValueType::UnsignedInt => self.as_u32().map(drop),
            ValueType::Long => self.as_i64().map(drop),
            ValueType::UnsignedLong => self.as_u64().map(drop),
            ValueType::Boolean => self.as_bool().map(drop),
            ValueType::DateTime => self.as_date_time().map(drop),
            ValueType::Base64 => self.as_base64().map(drop),
            ValueType::HexBinary => self.as_hex_binary().map(drop),
            ValueType::String | ValueType::Other(_) => Ok(()),
        }
    }
}

impl fmt::Display for ParameterValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_name() {
        for t in [
            ValueType::String,
            ValueType::Int,
            ValueType::UnsignedInt,
            ValueType::Long,
            ValueType::UnsignedLong,
            ValueType::Boolean,
            ValueType::DateTime,
            ValueType::Base64,
            ValueType::HexBinary,
            ValueType::Other("X_ACME_Type".into()),
        ] {
            assert_eq!(ValueType::from_name(t.name()), t);
        }
        // A missing xsi:type means string (some devices omit it on every Value).
        assert_eq!(ValueType::default(), ValueType::String);
        assert_eq!(ParameterValue::default().value_type, ValueType::String);
    }

    proptest::proptest! {
        #[test]
        fn accessors_never_panic(text in "\\PC{0,40}") {
            let v = ParameterValue::string(text.as_str());
            let _ = (v.as_bool(), v.as_i32(), v.as_u32(), v.as_i64(), v.as_u64());
            let _ = (v.as_date_time(), v.as_base64(), v.as_hex_binary());
            // Garbage is kept verbatim; a valid value survives its own display form.
            let f = DateTimeField::parse(&text);
            match &f {
                DateTimeField::Valid(d) => {
                    proptest::prop_assert_eq!(DateTimeField::parse(&d.to_string()), f.clone());
                }
                DateTimeField::Invalid(kept) => proptest::prop_assert_eq!(kept, &text),
            }
        }

        #[test]
        fn numbers_round_trip(a in proptest::prelude::any::<i64>(), b in proptest::prelude::any::<u64>()) {
            proptest::prop_assert_eq!(ParameterValue::long(a).as_i64(), Ok(a));
            proptest::prop_assert_eq!(ParameterValue::unsigned_long(b).as_u64(), Ok(b));
            proptest::prop_assert_eq!(ParameterValue::int(a as i32).as_i32(), Ok(a as i32));
            proptest::prop_assert_eq!(ParameterValue::unsigned_int(b as u32).as_u32(), Ok(b as u32));
        }

        #[test]
        fn bytes_round_trip(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            proptest::prop_assert_eq!(ParameterValue::base64(&bytes).as_base64(), Ok(bytes.clone()));
            proptest::prop_assert_eq!(ParameterValue::hex_binary(&bytes).as_hex_binary(), Ok(bytes));
        }
    }

    #[test]
    fn check_by_type() {
        assert!(
            ParameterValue::new("30", ValueType::Boolean)
                .check()
                .is_err()
        );
        assert!(
            ParameterValue::new("anything", ValueType::Other("X_Vendor".into()))
                .check()
                .is_ok()
        );
        assert_eq!(ValueType::from_name("base64Binary"), ValueType::Base64);
    }
}
