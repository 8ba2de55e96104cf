//! Typed fields: strings, names, numbers, booleans, dates, and SOAP arrays of them.

use cwmp_types::{DateTimeField, FaultCode, ParameterName, ValueError, parse_bool, parse_int};

use super::{Elem, Parser, Result, trim_xml};
use crate::{DecodeErrorKind, WarningKind};

impl<'a, 'o> Parser<'a, 'o> {
    // ------------------------------------------------------------------ scalar fields

    /// A string field: the raw text.
    pub(in crate::decode) fn string(&mut self, e: Elem<'a>) -> Result<String> {
        Ok(self.text(&e)?.into_owned())
    }

    /// A parameter name or path: blanks and line breaks around it (pretty-printed bodies)
    /// trimmed, with a warning; otherwise kept as sent.
    pub(in crate::decode) fn name(&mut self, e: Elem<'a>) -> Result<ParameterName> {
        let t = self.text(&e)?;
        let name = trim_xml(&t);
        if name.len() != t.len() {
            self.warn(WarningKind::TrimmedName, e.offset, name);
        }
        Ok(ParameterName::from_wire(name.to_owned()))
    }

    /// An object path: trimmed as [`Parser::name`], with a warning when the trailing dot is
    /// missing.
    pub(in crate::decode) fn object_name(&mut self, e: Elem<'a>) -> Result<ParameterName> {
        let offset = e.offset;
        let name = self.name(e)?;
        let t = name.as_str();
        if !t.is_empty() && !t.ends_with('.') {
            self.warn(WarningKind::ObjectNameWithoutDot, offset, t);
        }
        Ok(name)
    }

    /// Byte offset (in the text) just after what was read last.
    pub(in crate::decode) fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    pub(super) fn number<T: core::str::FromStr + Default>(&mut self, e: Elem<'a>) -> Result<T> {
        let t = self.text(&e)?;
        self.number_in(&e, &t)
    }

    /// The number in `t`, the text of `e` (see [`Parser::u32`]).
    pub(in crate::decode) fn number_in<T: core::str::FromStr + Default>(
        &mut self,
        e: &Elem<'a>,
        t: &str,
    ) -> Result<T> {
        let t = trim_xml(t);
        if t.is_empty() {
            self.warn(WarningKind::InvalidNumber, e.offset, e.local());
            return Ok(T::default());
        }
        match parse_int(t) {
            Ok(n) => Ok(n),
            Err(ValueError::OutOfRange) => Err(Self::err(DecodeErrorKind::InvalidNumber, e.offset)),
            Err(_) => {
                let ctx = format!("{}: {t:?}", e.local());
                self.warn(WarningKind::InvalidNumber, e.offset, &ctx);
                Ok(T::default())
            }
        }
    }

    /// An `unsignedInt` field. Empty or not a number: 0 with a warning; out of range: error.
    pub(in crate::decode) fn u32(&mut self, e: Elem<'a>) -> Result<u32> {
        self.number(e)
    }

    /// An `int` field. Empty or not a number: 0 with a warning; out of range: error.
    pub(in crate::decode) fn i32(&mut self, e: Elem<'a>) -> Result<i32> {
        self.number(e)
    }

    /// A CWMP fault code.
    pub(in crate::decode) fn fault_code(&mut self, e: Elem<'a>) -> Result<FaultCode> {
        self.u32(e).map(FaultCode::from_code)
    }

    /// A boolean: 1/0/true/false in any case; anything else is `false` with a warning.
    pub(in crate::decode) fn boolean(&mut self, e: Elem<'a>) -> Result<bool> {
        let t = self.text(&e)?;
        match parse_bool(&t) {
            Ok(b) => Ok(b),
            Err(_) => {
                let ctx = format!("{}: {:?}", e.local(), trim_xml(&t));
                self.warn(WarningKind::InvalidBoolean, e.offset, &ctx);
                Ok(false)
            }
        }
    }

    /// A dateTime: trimmed and parsed; invalid text is kept, with a warning.
    pub(in crate::decode) fn datetime(&mut self, e: Elem<'a>) -> Result<DateTimeField> {
        let t = self.text(&e)?;
        let t = trim_xml(&t);
        match t.parse() {
            Ok(d) => Ok(DateTimeField::Valid(d)),
            Err(_) => {
                self.warn(WarningKind::InvalidDateTime, e.offset, t);
                Ok(DateTimeField::Invalid(t.to_owned()))
            }
        }
    }

    /// An optional dateTime.
    pub(in crate::decode) fn opt_datetime(&mut self, e: Elem<'a>) -> Result<Option<DateTimeField>> {
        self.datetime(e).map(Some)
    }

    // ------------------------------------------------------------------ arrays

    /// A SOAP array: every child named `item` (any name when `item` is empty) read by
    /// `read`; other children skipped with a warning. The declared `arrayType` count is only
    /// compared with the items found (never used to size anything).
    pub(in crate::decode) fn array<T>(
        &mut self,
        elem: Elem<'a>,
        item: &str,
        check_array_type: bool,
        mut read: impl FnMut(&mut Self, Elem<'a>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let declared = if check_array_type {
            match self.attr(&elem, "arrayType")? {
                Some(v) => Some(parse_array_count(&v).ok_or_else(|| v.into_owned())),
                None => {
                    self.warn(WarningKind::MissingArrayType, elem.offset, elem.local());
                    None
                }
            }
        } else {
            None
        };
        let mut out = Vec::new();
        while let Some(c) = self.child_of(&elem)? {
            if item.is_empty() || c.local_is(item) {
                if out.len() >= self.opts.max_array_items {
                    return Err(Self::err(DecodeErrorKind::TooManyItems, c.offset));
                }
                let start = c.offset;
                out.push(read(self, c)?);
                if out.len() == 1 {
                    self.reserve_like_first(&mut out, start);
                }
            } else {
                self.unknown(c)?;
            }
        }
        match declared {
            Some(Ok(n)) if n == out.len() as u64 => {}
            Some(Ok(n)) => {
                let ctx = format!("{}: declared {n}, found {}", elem.local(), out.len());
                self.warn(WarningKind::ArrayTypeMismatch, elem.offset, &ctx);
            }
            Some(Err(raw)) => {
                let ctx = format!("{}: malformed arrayType {raw:?}", elem.local());
                self.warn(WarningKind::ArrayTypeMismatch, elem.offset, &ctx);
            }
            None => {}
        }
        Ok(out)
    }

    /// Reserves room for as many more items as the rest of the input could hold if they
    /// were the size of the first one (read from `start` to here). The declared count is
    /// never used; the room reserved is at most the size of the rest of the input, and
    /// small arrays are left to grow as usual.
    pub(super) fn reserve_like_first<T>(&self, out: &mut Vec<T>, start: u64) {
        let here = self.reader.buffer_position();
        let first = usize::try_from(here.saturating_sub(start)).unwrap_or(usize::MAX);
        let rest = self
            .text
            .len()
            .saturating_sub(usize::try_from(here).unwrap_or(usize::MAX));
        let more = (rest / first.max(1))
            .min(rest / size_of::<T>().max(1))
            .min(self.opts.max_array_items.saturating_sub(1));
        if more >= 32 {
            out.reserve(more);
        }
    }

    /// An array of strings (`xsd:string[n]`, `base64[n]`): items of any element name.
    pub(in crate::decode) fn strings(&mut self, e: Elem<'a>) -> Result<Vec<String>> {
        self.array(e, "", true, Self::string)
    }

    /// An array of parameter names.
    pub(in crate::decode) fn names(&mut self, e: Elem<'a>) -> Result<Vec<ParameterName>> {
        self.array(e, "", true, Self::name)
    }
}

/// The count in an `arrayType` value such as `cwmp:ParameterValueStruct[0008]`.
pub(in crate::decode) fn parse_array_count(v: &str) -> Option<u64> {
    let v = trim_xml(v);
    let inner = v.strip_suffix(']')?;
    let open = inner.rfind('[')?;
    let digits = &inner[open + 1..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_counts() {
        assert_eq!(
            parse_array_count("cwmp:ParameterValueStruct[0008]"),
            Some(8)
        );
        assert_eq!(
            parse_array_count("{urn:dslforum-org:cwmp-1-2}string[1]"),
            Some(1)
        );
        assert_eq!(
            parse_array_count("xsd:string[1000000000000]"),
            Some(1_000_000_000_000)
        );
        assert_eq!(parse_array_count("xsd:string[]"), None);
        assert_eq!(parse_array_count("xsd:string[2,3]"), None);
        assert_eq!(parse_array_count("xsd:string"), None);
        assert_eq!(parse_array_count("x[99999999999999999999999]"), None);
    }
}
