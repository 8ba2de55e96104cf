//! A parameter's primitive type: the wire's [`ValueType`]s, plus what only the data model has.

use std::fmt;

use cwmp_types::ValueType;

/// The TR-106 primitive type of a parameter (named data types are resolved to these).
///
/// The primitive types that TR-069 carries with an `xsi:type` of their own (A.3.2.1: `string`,
/// `int`, `unsignedInt`, `long`, `unsignedLong`, `boolean`, `dateTime`, `base64`,
/// `hexBinary`) are those of the wire, [`ValueType`], held as [`BaseType::Value`]. The data
/// model adds `decimal` ([`BaseType::Decimal`]), which has no `xsi:type` of its own in TR-069
/// and goes on the wire as `xsd:decimal` ([`ValueType::Other`]).
///
/// A schema holds only types with a TR-106 name: [`Schema::add_object`] and
/// [`Schema::add_parameter`] refuse a parameter typed `Value(ValueType::Other(_))`, and the
/// text and JSON forms know only the names [`BaseType::from_name`] accepts. Facets (sizes,
/// ranges, enumerations, lists) and the named data type are kept beside it in [`ParamSpec`].
///
/// ```
/// use cwmp_datamodel::BaseType;
/// use cwmp_types::ValueType;
///
/// assert_eq!(BaseType::from_name("unsignedInt"), Some(BaseType::Value(ValueType::UnsignedInt)));
/// assert_eq!(BaseType::from(ValueType::Boolean).name(), "boolean");
/// assert_eq!(BaseType::Decimal.value_type(), ValueType::Other("decimal".into()));
/// assert_eq!(BaseType::from_name("X_ACME_Type"), None);
/// ```
///
/// [`Schema::add_object`]: super::Schema::add_object
/// [`Schema::add_parameter`]: super::Schema::add_parameter
/// [`ParamSpec`]: super::ParamSpec
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BaseType {
    /// A type with its own `xsi:type` on the wire (never [`ValueType::Other`] in a schema).
    Value(ValueType),
    /// `decimal` (TR-106): a decimal number, with an optional sign and fraction; written as
    /// `xsd:decimal`.
    Decimal,
}

impl BaseType {
    /// The TR-106 name (`unsignedInt`, `decimal`, …).
    pub fn name(&self) -> &str {
        match self {
            Self::Value(t) => t.name(),
            Self::Decimal => "decimal",
        }
    }

    /// The type for a TR-106 name (`base64Binary` is taken for `base64`, as on the wire);
    /// `None` for any other name.
    pub fn from_name(name: &str) -> Option<Self> {
        match Self::from(ValueType::from_name(name)) {
            Self::Value(ValueType::Other(_)) => None,
            t => Some(t),
        }
    }

    /// The `xsi:type` a value of this type carries on the wire (lists are strings: see
    /// [`ParamSpec::value_type`](super::ParamSpec::value_type)).
    pub fn value_type(&self) -> ValueType {
        match self {
            Self::Value(t) => t.clone(),
            Self::Decimal => ValueType::Other("decimal".to_owned()),
        }
    }

    /// Whether it has a TR-106 name (what a schema may hold).
    pub(crate) fn is_known(&self) -> bool {
        !matches!(self, Self::Value(ValueType::Other(_)))
    }
}

/// The wire type as a parameter type: `xsd:decimal` ([`ValueType::Other`] `"decimal"`) is
/// [`BaseType::Decimal`], every other type [`BaseType::Value`].
impl From<ValueType> for BaseType {
    fn from(t: ValueType) -> Self {
        match t {
            ValueType::Other(name) if name == "decimal" => Self::Decimal,
            t => Self::Value(t),
        }
    }
}

impl fmt::Display for BaseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// As its TR-106 name (`"unsignedInt"`).
#[cfg(feature = "serde")]
impl serde::Serialize for BaseType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// From its TR-106 name; any other name is an error.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for BaseType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <String as serde::Deserialize>::deserialize(d)?;
        Self::from_name(&name).ok_or_else(|| {
            serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&name),
                &"a TR-106 primitive type name",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every TR-106 primitive type name.
    const NAMES: [&str; 10] = [
        "string",
        "int",
        "unsignedInt",
        "long",
        "unsignedLong",
        "boolean",
        "dateTime",
        "base64",
        "hexBinary",
        "decimal",
    ];

    #[test]
    fn names_round_trip_and_match_the_wire() {
        for name in NAMES {
            let t = BaseType::from_name(name).unwrap();
            assert_eq!(t.name(), name);
            assert_eq!(t.to_string(), name);
            assert_eq!(t.value_type().name(), name);
            assert_eq!(BaseType::from(t.value_type()), t);
            assert!(t.is_known());
        }
        assert_eq!(
            BaseType::from_name("base64Binary"),
            Some(BaseType::Value(ValueType::Base64))
        );
    }

    #[test]
    fn other_names_are_not_types() {
        for name in ["", "number", "unsignedint", "X_ACME_Type", "xsd:int"] {
            assert_eq!(BaseType::from_name(name), None, "{name}");
        }
        let vendor = BaseType::from(ValueType::Other("X_ACME_Type".into()));
        assert_eq!(
            vendor,
            BaseType::Value(ValueType::Other("X_ACME_Type".into()))
        );
        assert!(!vendor.is_known());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_uses_the_names() {
        let t = BaseType::Value(ValueType::UnsignedInt);
        assert_eq!(serde_json::to_string(&t).unwrap(), r#""unsignedInt""#);
        assert_eq!(
            serde_json::from_str::<BaseType>(r#""decimal""#).unwrap(),
            BaseType::Decimal
        );
        let e = serde_json::from_str::<BaseType>(r#""number""#).unwrap_err();
        assert!(e.to_string().contains("TR-106"), "{e}");
    }
}
