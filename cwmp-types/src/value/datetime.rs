//! `dateTime`: [`DateTime`] and the lenient [`DateTimeField`].

use core::fmt;

use super::ValueError;

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
    use crate::{ParameterValue, ValueType};

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

    proptest::proptest! {
        #[test]
        fn date_times_from_unix_round_trip(secs in -62_135_596_800i64..253_402_300_800) {
            let d = DateTime::from_unix(secs);
            proptest::prop_assert_eq!(d.to_unix(), secs);
            proptest::prop_assert_eq!(d.to_string().parse::<DateTime>(), Ok(d));
        }
    }
}
