//! Checking a value the ACS sent against a parameter's schema (TR-069 Amendment 6, §A.3.2.1:
//! 9006 for the wrong type, 9007 for a value outside the type, range, enumeration or size).

use cwmp_types::{FaultCode, ParameterValue, ValueType};

use crate::schema::{BaseType, ParamSpec};

/// The text to store for a value sent by the ACS: strings (and lists) exactly as sent, other
/// types without the surrounding whitespace pretty-printing adds.
pub(crate) fn stored_text(spec: &ParamSpec, v: &ParameterValue) -> String {
    if spec.list.is_some() || spec.base == BaseType::Value(ValueType::String) {
        v.text.clone()
    } else {
        v.text.trim().to_owned()
    }
}

/// 9006 when the declared `xsi:type` differs from the parameter's (an `xsd:string` is
/// accepted for any type, as many ACSs send every value as a string), else the value check.
pub(crate) fn check_set(spec: &ParamSpec, v: &ParameterValue) -> Result<(), FaultCode> {
    let expected = spec.value_type();
    if v.value_type != expected && v.value_type != ValueType::String {
        return Err(FaultCode::InvalidParameterType);
    }
    check_text(spec, &stored_text(spec, v), true)
}

/// Whether `text` is a valid value of `spec` (`by_acs`: read-only enumeration values refused).
pub(crate) fn check_text(spec: &ParamSpec, text: &str, by_acs: bool) -> Result<(), FaultCode> {
    match spec.list {
        Some(list) => {
            if list
                .max_length
                .is_some_and(|m| text.chars().count() > m as usize)
            {
                return Err(FaultCode::InvalidParameterValue);
            }
            let items: Vec<&str> = if text.is_empty() {
                Vec::new()
            } else {
                text.split(',').collect()
            };
            let n = items.len() as u64;
            if list.min_items.is_some_and(|m| n < u64::from(m))
                || list.max_items.is_some_and(|m| n > u64::from(m))
            {
                return Err(FaultCode::InvalidParameterValue);
            }
            items
                .iter()
                .try_for_each(|item| check_item(spec, item.trim(), by_acs))
        }
        None => check_item(spec, text, by_acs),
    }
}

fn check_item(spec: &ParamSpec, text: &str, by_acs: bool) -> Result<(), FaultCode> {
    let bad = Err(FaultCode::InvalidParameterValue);
    let typed = ParameterValue::new(text, spec.base.value_type());
    let number: Option<i128> = match &spec.base {
        BaseType::Value(
            ValueType::Int | ValueType::Long | ValueType::UnsignedInt | ValueType::UnsignedLong,
        ) => {
            if typed.check().is_err() {
                return bad;
            }
            typed
                .as_i64()
                .map(i128::from)
                .ok()
                .or_else(|| typed.as_u64().ok().map(i128::from))
        }
        BaseType::Value(ValueType::Boolean | ValueType::DateTime) => {
            if typed.check().is_err() {
                return bad;
            }
            None
        }
        BaseType::Value(t @ (ValueType::Base64 | ValueType::HexBinary)) => {
            let bytes = if *t == ValueType::Base64 {
                typed.as_base64()
            } else {
                typed.as_hex_binary()
            };
            let Ok(bytes) = bytes else { return bad };
            if !len_ok(spec, bytes.len()) {
                return bad;
            }
            None
        }
        BaseType::Decimal => {
            let t = text.trim();
            let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
            let mut parts = digits.splitn(2, '.');
            let int = parts.next().unwrap_or("");
            let frac = parts.next().unwrap_or("");
            if int.is_empty() && frac.is_empty()
                || !int.bytes().all(|b| b.is_ascii_digit())
                || !frac.bytes().all(|b| b.is_ascii_digit())
            {
                return bad;
            }
            None
        }
        // A string (or a type with no TR-106 name, which no schema holds): its length.
        _ => {
            if !len_ok(spec, text.chars().count()) {
                return bad;
            }
            None
        }
    };
    if let Some(n) = number {
        if !spec.ranges.is_empty() && !spec.ranges.iter().any(|r| r.contains(n)) {
            return bad;
        }
    }
    if !spec.enumeration.is_empty() || !spec.read_only_values.is_empty() {
        let ok = spec.enumeration.iter().any(|e| e == text)
            || !by_acs && spec.read_only_values.iter().any(|e| e == text);
        if !ok {
            return bad;
        }
    }
    if spec.data_type.as_deref() == Some("Alias") && !alias_ok(text) {
        return bad;
    }
    Ok(())
}

fn len_ok(spec: &ParamSpec, len: usize) -> bool {
    spec.min_length.is_none_or(|m| len >= m as usize)
        && spec.max_length.is_none_or(|m| len <= m as usize)
}

/// The Alias rules of TR-181's `Alias` data type (for Alias-based addressing, TR-069
/// Amendment 6, §3.6.1): not empty, starting with a letter; also no `.`, `[` or `]`, which
/// would break the `[alias]` path syntax.
pub(crate) fn alias_ok(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_alphabetic()) && !text.contains(['.', '[', ']'])
}

/// The value a parameter starts with when the schema gives no default: zero (or the smallest
/// value in range), false, the Unknown Time, an enumerated value, or empty.
pub(crate) fn initial_text(spec: &ParamSpec) -> String {
    if let Some(d) = &spec.default {
        return d.clone();
    }
    if spec.list.is_some() {
        return String::new();
    }
    match &spec.base {
        BaseType::Value(
            ValueType::Int | ValueType::Long | ValueType::UnsignedInt | ValueType::UnsignedLong,
        ) => {
            if spec.ranges.is_empty() || spec.ranges.iter().any(|r| r.contains(0)) {
                "0".to_owned()
            } else {
                spec.ranges
                    .iter()
                    .filter_map(|r| r.min)
                    .min()
                    .map_or_else(|| "0".to_owned(), |m| m.to_string())
            }
        }
        BaseType::Value(ValueType::Boolean) => "false".to_owned(),
        BaseType::Value(ValueType::DateTime) => "0001-01-01T00:00:00Z".to_owned(),
        BaseType::Decimal => "0".to_owned(),
        // An enumerated string starts at a value it can report: the first CPE-only value
        // (`None` of a DiagnosticsState), else the first value.
        BaseType::Value(ValueType::String) if !spec.read_only_values.is_empty() => {
            spec.read_only_values[0].clone()
        }
        BaseType::Value(ValueType::String) if !spec.enumeration.is_empty() => {
            spec.enumeration[0].clone()
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ListSpec, Range};

    fn v(text: &str, t: ValueType) -> ParameterValue {
        ParameterValue::new(text, t)
    }

    #[test]
    fn types_ranges_enumerations_sizes_lists() {
        // TR-069 Amendment 6, §A.3.2.1: 9006 wrong type, 9007 bad value.
        let u = ParamSpec::new("P", ValueType::UnsignedInt).with_range(Some(1), Some(10));
        assert_eq!(check_set(&u, &v("5", ValueType::UnsignedInt)), Ok(()));
        assert_eq!(check_set(&u, &v(" 5 ", ValueType::String)), Ok(()));
        assert_eq!(
            check_set(&u, &v("5", ValueType::Boolean)),
            Err(FaultCode::InvalidParameterType)
        );
        assert_eq!(
            check_set(&u, &v("11", ValueType::UnsignedInt)),
            Err(FaultCode::InvalidParameterValue)
        );
        assert_eq!(
            check_set(&u, &v("-1", ValueType::UnsignedInt)),
            Err(FaultCode::InvalidParameterValue)
        );
        let mut e = ParamSpec::new("E", ValueType::String).with_enumeration(["Up", "Down"]);
        e.read_only_values = vec!["Error".into()];
        assert_eq!(check_set(&e, &v("Up", ValueType::String)), Ok(()));
        assert!(check_set(&e, &v("up", ValueType::String)).is_err());
        assert!(check_set(&e, &v("Error", ValueType::String)).is_err());
        assert_eq!(check_text(&e, "Error", false), Ok(()));
        let s = ParamSpec::new("S", ValueType::String).with_max_length(3);
        assert_eq!(check_set(&s, &v("äöü", ValueType::String)), Ok(()));
        assert!(check_set(&s, &v("abcd", ValueType::String)).is_err());
        let mut l = ParamSpec::new("L", ValueType::UnsignedInt);
        l.list = Some(ListSpec {
            min_items: None,
            max_items: Some(2),
            max_length: Some(8),
        });
        l.ranges.push(Range::new(Some(0), Some(99)));
        assert_eq!(check_set(&l, &v("1,2", ValueType::String)), Ok(()));
        assert!(check_set(&l, &v("1,2,3", ValueType::String)).is_err());
        assert!(check_set(&l, &v("1,100", ValueType::String)).is_err());
        assert_eq!(check_set(&l, &v("", ValueType::String)), Ok(()));
    }

    #[test]
    fn alias_values_start_with_a_letter() {
        assert!(alias_ok("wan"));
        assert!(!alias_ok(""));
        assert!(!alias_ok("1wan"));
        assert!(!alias_ok("a.b"));
    }
}
