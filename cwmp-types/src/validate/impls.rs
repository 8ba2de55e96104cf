//! [`Validate`] for every message: the limits and patterns of the spec
//! (TR-069 Amendment 6, Annex A: the RPC arguments and structures, and their types).
//!
//! Errors name the spec's argument (`CommandKey`, `URL`, …) of the innermost field at fault.

mod acs_methods;
mod cpe_methods;
mod envelope;
mod structs;

use super::{Validate, ValidationError, check_len, limits};
use crate::*;

type Result = core::result::Result<(), ValidationError>;

// ---------------------------------------------------------------- helpers

fn each<T: Validate>(items: &[T]) -> Result {
    items.iter().try_for_each(Validate::validate)
}

fn at_most(field: &'static str, len: usize, max: usize) -> Result {
    if len > max {
        Err(ValidationError::too_many(field, max))
    } else {
        Ok(())
    }
}

fn at_least(field: &'static str, len: usize, min: usize) -> Result {
    if len < min {
        Err(ValidationError::too_few(field, min))
    } else {
        Ok(())
    }
}

fn in_range(field: &'static str, value: i64, min: i64, max: i64) -> Result {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ValidationError::out_of_range(field, min, max))
    }
}

fn non_empty(field: &'static str, value: &str) -> Result {
    if value.is_empty() {
        Err(ValidationError::invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

fn name(field: &'static str, n: &ParameterName) -> Result {
    ParameterName::check(n.as_str(), field)
}

fn full_name(field: &'static str, n: &ParameterName) -> Result {
    name(field, n)?;
    if n.kind() == PathKind::Full {
        Ok(())
    } else {
        Err(ValidationError::invalid(
            field,
            "must be a full parameter name",
        ))
    }
}

fn object_name(field: &'static str, n: &ParameterName) -> Result {
    name(field, n)?;
    if n.kind() == PathKind::Partial {
        Ok(())
    } else {
        Err(ValidationError::invalid(
            field,
            "must be an object path ending in `.`",
        ))
    }
}

fn date_time(field: &'static str, d: &DateTimeField) -> Result {
    match d {
        DateTimeField::Valid(_) => Ok(()),
        DateTimeField::Invalid(_) => Err(ValidationError::invalid(field, "not a valid dateTime")),
    }
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && !s.contains(char::is_whitespace)
}

/// `\S+ .+`: a token, a space, then at least one character.
fn is_token_then_text(s: &str) -> bool {
    s.split_once(' ')
        .is_some_and(|(t, rest)| is_token(t) && !rest.is_empty())
}

/// `[1-9]\d*( \S+)+`: a number without leading zero and at least one more token.
fn is_numbered(s: &str) -> bool {
    let mut parts = s.split(' ');
    let number = parts.next().unwrap_or_default();
    let valid_number = number.bytes().all(|b| b.is_ascii_digit())
        && number.bytes().next().is_some_and(|b| b != b'0');
    let mut rest = parts.peekable();
    valid_number && rest.peek().is_some() && rest.all(is_token)
}

/// A file type: `[1-9]\d*( \S+)+` or a vendor `X <OUI|token> <text>`.
fn file_type(field: &'static str, s: &str) -> Result {
    check_len(field, s, limits::STRING_64)?;
    let ok = match s.strip_prefix("X ") {
        Some(vendor) => is_token_then_text(vendor),
        None => is_numbered(s),
    };
    if ok {
        Ok(())
    } else {
        Err(ValidationError::invalid(
            field,
            "not `<number> <description>` or `X <OUI> <text>`",
        ))
    }
}

fn is_hex_group(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A deployment unit UUID: 8-4-4-4-12 hex digits.
fn uuid(field: &'static str, s: &str) -> Result {
    let groups: Vec<&str> = s.split('-').collect();
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| is_hex_group(g, n));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::invalid(
            field,
            "not an 8-4-4-4-12 hex UUID",
        ))
    }
}

/// An optional UUID: empty (omitted on the wire) or well-formed.
fn optional_uuid(field: &'static str, s: &str) -> Result {
    if s.is_empty() { Ok(()) } else { uuid(field, s) }
}

fn access_list(items: &[String]) -> Result {
    items
        .iter()
        .try_for_each(|i| check_len("AccessList", i, limits::STRING_64))
}

fn notification(value: i32) -> Result {
    in_range(
        "Notification",
        i64::from(value),
        0,
        i64::from(limits::NOTIFICATION_MAX),
    )
}

fn status(value: i32) -> Result {
    in_range("Status", i64::from(value), 0, 1)
}

fn transfer_state(value: i32) -> Result {
    in_range("State", i64::from(value), 1, 3)
}

fn command_key(s: &str) -> Result {
    check_len("CommandKey", s, limits::COMMAND_KEY)
}

fn parameter_key(s: &str) -> Result {
    check_len("ParameterKey", s, limits::PARAMETER_KEY)
}

fn url(field: &'static str, s: &str, max: usize) -> Result {
    check_len(field, s, max)
}

fn required_url(field: &'static str, s: &str, max: usize) -> Result {
    non_empty(field, s)?;
    check_len(field, s, max)
}

fn string_256(field: &'static str, s: &str) -> Result {
    check_len(field, s, limits::STRING_256)
}

/// The codes a TransferComplete / AutonomousTransferComplete `FaultStruct` may carry.
fn transfer_fault(f: &FaultStruct) -> Result {
    f.validate()?;
    match f.fault_code.code() {
        0 | 9001 | 9002 | 9010..=9012 | 9014..=9020 | 9033..=9899 => Ok(()),
        _ => Err(ValidationError::invalid(
            "FaultCode",
            "not a transfer fault code (0, 9001, 9002, 9010-9012, 9014-9020, 9033-9899)",
        )),
    }
}

/// The codes a deployment unit `Fault` may carry.
fn du_fault(f: &FaultStruct) -> Result {
    f.validate()?;
    match f.fault_code.code() {
        0 | 9001 | 9003 | 9012 | 9013 | 9015..=9018 | 9022..=9899 => Ok(()),
        _ => Err(ValidationError::invalid(
            "FaultCode",
            "not a deployment unit fault code (0, 9001, 9003, 9012, 9013, 9015-9018, 9022-9899)",
        )),
    }
}

/// Whether `s` is an XML name usable as an unprefixed element name.
fn is_nc_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}
