//! Bindings: how firmware connects parameters to the system.

use std::fmt;

use cwmp_types::{DateTime, FaultCode, ParameterValue, ValueType};

use crate::schema::{BaseType, ParamSpec};

/// A typed parameter value, as bindings see it.
///
/// Strings (and lists, base64, hexBinary, decimal) keep their text exactly; numbers, booleans
/// and times are parsed by the tree before a binding sees them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Value {
    /// `boolean`
    Boolean(bool),
    /// `int` and `long`
    Int(i64),
    /// `unsignedInt` and `unsignedLong`
    UnsignedInt(u64),
    /// `dateTime`
    DateTime(DateTime),
    /// Every other type, as text.
    String(String),
}

impl Value {
    /// The value's wire text.
    pub fn to_text(&self) -> String {
        match self {
            Self::Boolean(b) => ParameterValue::boolean(*b).text,
            Self::Int(i) => i.to_string(),
            Self::UnsignedInt(u) => u.to_string(),
            Self::DateTime(d) => ParameterValue::date_time(*d).text,
            Self::String(s) => s.clone(),
        }
    }

    /// Parses wire text as a parameter of `spec` would hold it (lists stay text).
    pub fn parse(spec: &ParamSpec, text: &str) -> Result<Self, FaultCode> {
        if spec.list.is_some() {
            return Ok(Self::String(text.to_owned()));
        }
        let v = |t: ValueType| ParameterValue::new(text.trim(), t);
        let bad = |_| FaultCode::InvalidParameterValue;
        let BaseType::Value(t) = &spec.base else {
            return Ok(Self::String(text.to_owned()));
        };
        Ok(match t {
            ValueType::Boolean => Self::Boolean(v(ValueType::Boolean).as_bool().map_err(bad)?),
            ValueType::Int => Self::Int(v(ValueType::Int).as_i32().map_err(bad)?.into()),
            ValueType::Long => Self::Int(v(ValueType::Long).as_i64().map_err(bad)?),
            ValueType::UnsignedInt => {
                Self::UnsignedInt(v(ValueType::UnsignedInt).as_u32().map_err(bad)?.into())
            }
            ValueType::UnsignedLong => {
                Self::UnsignedInt(v(ValueType::UnsignedLong).as_u64().map_err(bad)?)
            }
            ValueType::DateTime => {
                Self::DateTime(v(ValueType::DateTime).as_date_time().map_err(bad)?)
            }
            _ => Self::String(text.to_owned()),
        })
    }

    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as `u64`, if it is a non-negative number.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::UnsignedInt(u) => Some(*u),
            Self::Int(i) => u64::try_from(*i).ok(),
            _ => None,
        }
    }

    /// The number as `i64`, if it is one that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            Self::UnsignedInt(u) => i64::try_from(*u).ok(),
            _ => None,
        }
    }

    /// The text, if it is a string-like value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Boolean(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Self::Int(v.into())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Self::UnsignedInt(v.into())
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Self::UnsignedInt(v)
    }
}
impl From<DateTime> for Value {
    fn from(v: DateTime) -> Self {
        Self::DateTime(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::String(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::String(v)
    }
}

/// When a committed change takes effect (the response's `Status`, TR-069 Amendment 6,
/// §A.3.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Applied {
    /// Applied now (`Status` 0).
    #[default]
    Now,
    /// Validated and committed, applied later, e.g. after a reboot (`Status` 1).
    Later,
}

/// Connects parameters to the system. Register one with [`crate::DataModel::bind`] for one
/// parameter (`Device.DeviceInfo.UpTime`) or for an object and everything below it
/// (`Device.Ethernet.Interface.{i}.Stats.`); the `path` each call gets is the instance path
/// (`Device.Ethernet.Interface.2.Stats.BytesSent`).
///
/// A bound parameter's value is never stored in the tree: every read calls [`Binding::get`]
/// (live values such as uptime and counters). Writes come in phases: every parameter of a
/// SetParameterValues is [validated](Binding::validate) before any is
/// [committed](Binding::commit); if a commit fails, the ones already committed are
/// [rolled back](Binding::rollback) in reverse order and the request fails with nothing
/// changed.
pub trait Binding {
    /// The current value.
    fn get(&self, path: &str) -> Result<Value, FaultCode>;

    /// Checks a new value beyond the schema's rules (those are checked already); the error
    /// becomes that parameter's SetParameterValuesFault (9007 for a bad value).
    fn validate(&mut self, path: &str, value: &Value) -> Result<(), FaultCode> {
        let _ = (path, value);
        Ok(())
    }

    /// Applies a validated value. The default refuses (9008): a binding for writable
    /// parameters implements it.
    fn commit(&mut self, path: &str, value: &Value) -> Result<Applied, FaultCode> {
        let _ = (path, value);
        Err(FaultCode::NonWritableParameter)
    }

    /// Undoes the last commit to `path` (a later commit of the same request failed).
    fn rollback(&mut self, path: &str) {
        let _ = path;
    }

    /// An instance was added below the bound object (`Device.NAT.PortMapping.3.`). An error
    /// fails AddObject (nothing is added).
    fn add_instance(&mut self, path: &str) -> Result<Applied, FaultCode> {
        let _ = path;
        Ok(Applied::Now)
    }

    /// An instance is being deleted. An error fails DeleteObject (nothing is deleted).
    fn delete_instance(&mut self, path: &str) -> Result<Applied, FaultCode> {
        let _ = path;
        Ok(Applied::Now)
    }
}

/// A read-only binding from a closure: `DataModel::bind("Device.DeviceInfo.UpTime",
/// ReadOnly(move |_| Ok(uptime().into())))`.
pub struct ReadOnly<F>(pub F);

impl<F: Fn(&str) -> Result<Value, FaultCode>> Binding for ReadOnly<F> {
    fn get(&self, path: &str) -> Result<Value, FaultCode> {
        (self.0)(path)
    }
}

impl<F> fmt::Debug for ReadOnly<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReadOnly(..)")
    }
}
