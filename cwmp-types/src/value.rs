//! Parameter values: the wire text plus its declared `xsi:type`, with typed accessors.

use core::fmt;

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

/// Parses an `xsd:boolean` leniently: `1`, `0`, `true`, `false` in any case.
pub fn parse_bool(text: &str) -> Result<bool, ValueError> {
    match text.trim() {
        "1" => Ok(true),
        "0" => Ok(false),
        t if t.eq_ignore_ascii_case("true") => Ok(true),
        t if t.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ValueError::InvalidBoolean),
    }
}

/// Parses a decimal integer, telling "not a number" from "out of range". A leading `+` is
/// accepted; leading zeros are accepted; `-0` is zero for every type (as in XML Schema).
pub fn parse_int<T: core::str::FromStr>(text: &str) -> Result<T, ValueError> {
    let t = text.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::InvalidInteger);
    }
    let t = if digits.bytes().all(|b| b == b'0') {
        "0"
    } else {
        t.strip_prefix('+').unwrap_or(t)
    };
    t.parse().map_err(|_| ValueError::OutOfRange)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Result<Vec<u8>, ValueError> {
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if clean.len() % 4 != 0 {
        return Err(ValueError::InvalidBase64);
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let groups = clean.len() / 4;
    for (gi, g) in clean.chunks(4).enumerate() {
        let mut n = 0u32;
        let mut pad = 0;
        for (i, &c) in g.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' if gi + 1 == groups && i >= 2 => {
                    pad += 1;
                    0
                }
                _ => return Err(ValueError::InvalidBase64),
            };
            if pad > 0 && c != b'=' {
                return Err(ValueError::InvalidBase64);
            }
            n = n << 6 | v as u32;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Ok(out)
}

/// An XML Schema `dateTime` as CWMP uses it.
///
/// Keeps what was written: fractional seconds (as nanoseconds) and the zone (`Z`, a numeric
/// offset, or none). `0001-01-01T00:00:00Z` is the TR-106 Unknown Time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct DateTime {
    /// Year (1–9999).
    pub year: u16,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31.
    pub day: u8,
    /// Hour 0–23 (24 only as 24:00:00).
    pub hour: u8,
    /// Minute 0–59.
    pub minute: u8,
    /// Second 0–60 (60 for a leap second).
    pub second: u8,
    /// Fractional part in nanoseconds.
    pub nanosecond: u32,
    /// Digits written for the fraction (0 = none), kept so the text round-trips.
    pub fraction_digits: u8,
    /// Zone offset from UTC in minutes; `None` when the text had no zone.
    pub offset_minutes: Option<i16>,
}

impl DateTime {
    /// The Unknown Time, `0001-01-01T00:00:00Z`.
    pub const UNKNOWN: Self = Self {
        year: 1,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        nanosecond: 0,
        fraction_digits: 0,
        offset_minutes: Some(0),
    };

    /// Whether this is the Unknown Time (or another year-0001 time, which TR-106 uses for
    /// "relative to boot").
    pub fn is_unknown(&self) -> bool {
        self.year == 1
    }

    /// A UTC time from seconds since the Unix epoch.
    pub fn from_unix(secs: i64) -> Self {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        Self {
            year: y.clamp(1, 9999) as u16,
            month: m,
            day: d,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
            nanosecond: 0,
            fraction_digits: 0,
            offset_minutes: Some(0),
        }
    }

    /// Seconds since the Unix epoch (a time without zone is taken as UTC).
    pub fn to_unix(&self) -> i64 {
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset_minutes.unwrap_or(0)) * 60
    }
}

fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl core::str::FromStr for DateTime {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.trim().as_bytes();
        let num = |r: core::ops::Range<usize>| -> Result<u32, ValueError> {
            let part = b.get(r).ok_or(ValueError::InvalidDateTime)?;
            if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
                return Err(ValueError::InvalidDateTime);
            }
            Ok(part.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0')))
        };
        if b.len() < 19
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(ValueError::InvalidDateTime);
        }
        let year = num(0..4)?;
        let month = num(5..7)?;
        let day = num(8..10)?;
        let hour = num(11..13)?;
        let minute = num(14..16)?;
        let second = num(17..19)?;
        let mut i = 19;
        let (mut nanosecond, mut fraction_digits) = (0u32, 0u8);
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 9 {
                    nanosecond = nanosecond * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            let n = i - start;
            if n == 0 {
                return Err(ValueError::InvalidDateTime);
            }
            for _ in n..9 {
                nanosecond *= 10;
            }
            fraction_digits = n.min(9) as u8;
        }
        let offset_minutes = match &b[i..] {
            [] => None,
            [b'Z' | b'z'] => Some(0),
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let digits = [*h1, *h2, *m1, *m2];
                if !digits.iter().all(u8::is_ascii_digit) {
                    return Err(ValueError::InvalidDateTime);
                }
                let h = i16::from((h1 - b'0') * 10 + (h2 - b'0'));
                let m = i16::from((m1 - b'0') * 10 + (m2 - b'0'));
                if h > 14 || m > 59 {
                    return Err(ValueError::InvalidDateTime);
                }
                Some(if *sign == b'-' {
                    -(h * 60 + m)
                } else {
                    h * 60 + m
                })
            }
            _ => return Err(ValueError::InvalidDateTime),
        };
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let mdays = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if year == 0
            || !(1..=12).contains(&month)
            || day == 0
            || day > mdays[month as usize - 1]
            || hour > 24
            || minute > 59
            || second > 60
            || (hour == 24 && (minute, second, nanosecond) != (0, 0, 0))
        {
            return Err(ValueError::InvalidDateTime);
        }
        Ok(Self {
            year: year as u16,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            nanosecond,
            fraction_digits,
            offset_minutes,
        })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if self.fraction_digits > 0 {
            let digits = format!("{:09}", self.nanosecond);
            write!(
                f,
                ".{}",
                &digits[..usize::from(self.fraction_digits.min(9))]
            )?;
        }
        match self.offset_minutes {
            None => Ok(()),
            Some(0) => f.write_str("Z"),
            Some(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                write!(
                    f,
                    "{sign}{:02}:{:02}",
                    m.unsigned_abs() / 60,
                    m.unsigned_abs() % 60
                )
            }
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A dateTime field as received: parsed when it could be, otherwise the raw text
/// (devices send garbage like `2019-03-05T11:54::14`; it is kept, never dropped).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DateTimeField {
    /// A valid dateTime.
    Valid(DateTime),
    /// Text that is not a valid dateTime, kept verbatim.
    Invalid(String),
}

impl DateTimeField {
    /// Parses; invalid text is kept.
    pub fn parse(text: &str) -> Self {
        match text.parse() {
            Ok(d) => Self::Valid(d),
            Err(_) => Self::Invalid(text.to_owned()),
        }
    }
    /// The Unknown Time.
    pub const UNKNOWN: Self = Self::Valid(DateTime::UNKNOWN);
    /// The parsed value, if valid.
    pub fn valid(&self) -> Option<DateTime> {
        match self {
            Self::Valid(d) => Some(*d),
            Self::Invalid(_) => None,
        }
    }
}

impl Default for DateTimeField {
    fn default() -> Self {
        Self::UNKNOWN
    }
}

impl From<DateTime> for DateTimeField {
    fn from(d: DateTime) -> Self {
        Self::Valid(d)
    }
}

impl fmt::Display for DateTimeField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Valid(d) => d.fmt(f),
            Self::Invalid(s) => f.write_str(s),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DateTimeField {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for DateTimeField {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_all_forms() {
        for (t, v) in [
            ("1", true),
            ("0", false),
            ("true", true),
            ("FALSE", false),
            ("True", true),
            (" 1\n", true),
        ] {
            assert_eq!(parse_bool(t), Ok(v), "{t}");
        }
        for t in ["30", "", "yes", "2"] {
            assert_eq!(parse_bool(t), Err(ValueError::InvalidBoolean), "{t}");
        }
    }

    #[test]
    fn integers_range_and_garbage() {
        assert_eq!(ParameterValue::string("4294967295").as_u32(), Ok(u32::MAX));
        assert_eq!(
            ParameterValue::string("4294967296").as_u32(),
            Err(ValueError::OutOfRange)
        );
        assert_eq!(
            ParameterValue::string("-1").as_u32(),
            Err(ValueError::OutOfRange)
        );
        assert_eq!(ParameterValue::string("-2147483648").as_i32(), Ok(i32::MIN));
        assert_eq!(
            ParameterValue::string("12a").as_i32(),
            Err(ValueError::InvalidInteger)
        );
        assert_eq!(ParameterValue::string(" +007 ").as_i64(), Ok(7));
        assert_eq!(
            ParameterValue::string("18446744073709551615").as_u64(),
            Ok(u64::MAX)
        );
        assert_eq!(
            ParameterValue::string("").as_u64(),
            Err(ValueError::InvalidInteger)
        );
    }

    #[test]
    fn date_time_variants() {
        for t in [
            "2024-01-31T12:00:00Z",
            "2015-01-19T23:08:24",
            "2015-10-05T02:23:01.337Z",
            "2015-10-05T02:23:01+01:00",
            "2015-10-05T02:23:01-07:00",
            "0001-01-01T00:00:00Z",
            "0001-01-01T00:00:43",
            "1970-01-02T00:08:34",
            "9999-12-31T23:59:59Z",
        ] {
            let d: DateTime = t.parse().unwrap_or_else(|e| panic!("{t}: {e}"));
            assert_eq!(d.to_string(), t);
        }
        assert!(
            "0001-01-01T00:00:00Z"
                .parse::<DateTime>()
                .unwrap()
                .is_unknown()
        );
        for t in [
            "2019-03-05T11:54::14",
            "2019-02-29T00:00:00Z",
            "2019-13-01T00:00:00Z",
            "x",
            "2019-01-01T00:00:00.Z",
        ] {
            assert_eq!(
                t.parse::<DateTime>(),
                Err(ValueError::InvalidDateTime),
                "{t}"
            );
        }
        assert_eq!(
            DateTimeField::parse("2019-03-05T11:54::14"),
            DateTimeField::Invalid("2019-03-05T11:54::14".into())
        );
    }

    #[test]
    fn unix_conversion() {
        let d: DateTime = "2024-02-29T12:34:56Z".parse().unwrap();
        assert_eq!(DateTime::from_unix(d.to_unix()), d);
        assert_eq!(
            "1970-01-01T01:00:00+01:00"
                .parse::<DateTime>()
                .unwrap()
                .to_unix(),
            0
        );
    }

    #[test]
    fn base64_and_hex() {
        for data in [&b""[..], b"f", b"fo", b"foo", b"foob", b"\x00\xff\x10"] {
            let v = ParameterValue::base64(data);
            assert_eq!(v.as_base64().unwrap(), data);
            let h = ParameterValue::hex_binary(data);
            assert_eq!(h.as_hex_binary().unwrap(), data);
        }
        assert_eq!(
            ParameterValue::new("Zm9v\n YmE=", ValueType::Base64)
                .as_base64()
                .unwrap(),
            b"fooba"
        );
        assert_eq!(
            ParameterValue::new("Zm=v", ValueType::Base64).as_base64(),
            Err(ValueError::InvalidBase64)
        );
        assert_eq!(
            ParameterValue::new("abc", ValueType::HexBinary).as_hex_binary(),
            Err(ValueError::InvalidHex)
        );
    }

    #[test]
    fn booleans_in_any_case() {
        for (t, v) in [
            ("TRUE", true),
            ("tRuE", true),
            ("FaLsE", false),
            ("false", false),
            ("\t0 ", false),
        ] {
            assert_eq!(
                ParameterValue::new(t, ValueType::Boolean).as_bool(),
                Ok(v),
                "{t}"
            );
        }
        // Writable `30` (microcell getnames.txt), and near misses.
        for t in ["30", "tru", "truee", "01", "-1", "y", "on", "1 0"] {
            assert_eq!(
                ParameterValue::new(t, ValueType::Boolean).as_bool(),
                Err(ValueError::InvalidBoolean),
                "{t}"
            );
        }
        assert_eq!(ParameterValue::boolean(true).text, "1");
        assert_eq!(ParameterValue::boolean(false).text, "0");
    }

    #[test]
    fn integers_every_type_and_edge() {
        assert_eq!(ParameterValue::int(i32::MIN).as_i32(), Ok(i32::MIN));
        assert_eq!(ParameterValue::long(i64::MIN).as_i64(), Ok(i64::MIN));
        assert_eq!(
            ParameterValue::unsigned_long(u64::MAX).as_u64(),
            Ok(u64::MAX)
        );
        assert_eq!(
            ParameterValue::string("2147483648").as_i32(),
            Err(ValueError::OutOfRange)
        );
        assert_eq!(
            ParameterValue::string("-9223372036854775809").as_i64(),
            Err(ValueError::OutOfRange)
        );
        assert_eq!(
            ParameterValue::string("18446744073709551616").as_u64(),
            Err(ValueError::OutOfRange)
        );
        assert_eq!(ParameterValue::string("-0").as_u32(), Ok(0));
        assert_eq!(ParameterValue::string(" 300\n").as_u32(), Ok(300));
        for t in ["1e3", "0x10", "1.0", "+", "-", "+-5", "1 2", "\u{663}", "١"] {
            assert_eq!(
                ParameterValue::string(t).as_i64(),
                Err(ValueError::InvalidInteger),
                "{t}"
            );
        }
        // The text itself is kept as received.
        assert_eq!(ParameterValue::string(" 300\n").text, " 300\n");
    }

    #[test]
    fn date_time_quirks() {
        // Unknown Time without its `Z`, relative-to-boot times, lower-case separators.
        let d: DateTime = "0001-01-01T00:00:00".parse().unwrap();
        assert!(d.is_unknown());
        assert_eq!(d.offset_minutes, None);
        assert_eq!(d.to_string(), "0001-01-01T00:00:00");
        let d: DateTime = "2024-01-31t12:00:00z".parse().unwrap();
        assert_eq!(d.offset_minutes, Some(0));
        assert_eq!(d.to_string(), "2024-01-31T12:00:00Z");
        // Offsets up to ±14:00, and their instant.
        for (t, minutes) in [
            ("2015-10-05T02:23:01+14:00", 840),
            ("2015-10-05T02:23:01-14:00", -840),
            ("2015-10-05T02:23:01+05:30", 330),
            ("2015-10-05T02:23:01-00:30", -30),
        ] {
            let d: DateTime = t.parse().unwrap();
            assert_eq!(d.offset_minutes, Some(minutes), "{t}");
            assert_eq!(d.to_string(), t);
        }
        assert_eq!(
            "2015-10-05T02:23:01-00:00"
                .parse::<DateTime>()
                .unwrap()
                .offset_minutes,
            Some(0)
        );
        // Fractions: milliseconds, microseconds, nanoseconds; more digits are truncated.
        let d: DateTime = "2015-10-05T02:23:01.337Z".parse().unwrap();
        assert_eq!((d.nanosecond, d.fraction_digits), (337_000_000, 3));
        let d: DateTime = "2015-10-05T02:23:01.000Z".parse().unwrap();
        assert_eq!(d.to_string(), "2015-10-05T02:23:01.000Z");
        let d: DateTime = "2015-10-05T02:23:01.123456789Z".parse().unwrap();
        assert_eq!(d.nanosecond, 123_456_789);
        let d: DateTime = "2015-10-05T02:23:01.1234567891".parse().unwrap();
        assert_eq!((d.nanosecond, d.fraction_digits), (123_456_789, 9));
        // Surrounding whitespace (pretty-printed bodies), end of day, leap second, leap day.
        assert!(" 2015-10-05T02:23:01Z\n".parse::<DateTime>().is_ok());
        assert!("2015-10-05T24:00:00Z".parse::<DateTime>().is_ok());
        assert!("2016-12-31T23:59:60Z".parse::<DateTime>().is_ok());
        assert!("2000-02-29T00:00:00Z".parse::<DateTime>().is_ok());
        for bad in [
            "",
            " ",
            "2015-10-05",
            "2015-10-05T02:23",
            "2015-10-05T02:23:01+15:00",
            "2015-10-05T02:23:01+01:60",
            "2015-10-05T02:23:01+0100",
            "2015-10-05T02:23:01 Z",
            "2015-10-05T24:00:01Z",
            "2015-10-05T23:60:00Z",
            "2015-10-05T02:23:61Z",
            "1900-02-29T00:00:00Z",
            "2015-04-31T00:00:00Z",
            "2015-1-05T02:23:01Z",
            "+2015-10-05T02:23:01Z",
            "2015-10-05T02:23:01ZZ",
            "2015-10-05T02:23:01.",
            "2015-10-05T02:23:01.5x",
            "２０１５-10-05T02:23:01Z",
            "2015-10-05T02:23:0é",
        ] {
            assert_eq!(
                bad.parse::<DateTime>(),
                Err(ValueError::InvalidDateTime),
                "{bad}"
            );
            assert_eq!(
                ParameterValue::new(bad, ValueType::DateTime).check(),
                Err(ValueError::InvalidDateTime)
            );
        }
    }

    #[test]
    fn garbage_date_times_are_kept() {
        for garbage in [
            "2019-03-05T11:54::14",
            "",
            "unknown",
            "2015-10-05T02:23:01 Z",
        ] {
            let f = DateTimeField::parse(garbage);
            assert_eq!(f, DateTimeField::Invalid(garbage.to_owned()));
            assert_eq!(f.valid(), None);
            assert_eq!(f.to_string(), garbage);
        }
        assert_eq!(
            DateTimeField::parse("0001-01-01T00:00:00Z"),
            DateTimeField::UNKNOWN
        );
        assert_eq!(DateTimeField::default(), DateTimeField::UNKNOWN);
    }

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

    #[test]
    fn base64_and_hex_lenient_forms() {
        assert_eq!(
            ParameterValue::new("ABCDEF0a", ValueType::HexBinary).as_hex_binary(),
            Ok(vec![0xab, 0xcd, 0xef, 0x0a])
        );
        assert_eq!(
            ParameterValue::new(" 0A\n", ValueType::HexBinary).as_hex_binary(),
            Ok(vec![0x0a])
        );
        for bad in ["0G", "é0", "0x0A"] {
            assert_eq!(
                ParameterValue::new(bad, ValueType::HexBinary).as_hex_binary(),
                Err(ValueError::InvalidHex),
                "{bad}"
            );
        }
        for bad in ["Zm9", "Zm9v=", "====", "Zg==Zg==", "Zm9v\u{e9}"] {
            assert_eq!(
                ParameterValue::new(bad, ValueType::Base64).as_base64(),
                Err(ValueError::InvalidBase64),
                "{bad}"
            );
        }
        assert_eq!(
            ParameterValue::new("", ValueType::Base64).as_base64(),
            Ok(vec![])
        );
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
        fn date_times_from_unix_round_trip(secs in -62_135_596_800i64..253_402_300_800) {
            let d = DateTime::from_unix(secs);
            proptest::prop_assert_eq!(d.to_unix(), secs);
            proptest::prop_assert_eq!(d.to_string().parse::<DateTime>(), Ok(d));
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
