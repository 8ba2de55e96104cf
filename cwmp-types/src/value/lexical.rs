//! The XML Schema lexical forms values use: `boolean`, integers, `base64Binary`.

use super::ValueError;

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

pub(super) fn base64_encode(bytes: &[u8]) -> String {
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

pub(super) fn base64_decode(text: &str) -> Result<Vec<u8>, ValueError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ParameterValue, ValueType};

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
}
