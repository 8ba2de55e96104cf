//! Spec limits checked before sending (receiving never rejects on length).

use core::fmt;

/// A value an application is about to send breaks a limit or a pattern of the spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {kind}")]
#[non_exhaustive]
pub struct ValidationError {
    /// The spec's argument name (`CommandKey`, `URL`, …).
    pub field: &'static str,
    /// What is wrong.
    pub kind: ValidationErrorKind,
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationErrorKind {
    /// Longer than the spec's maximum (in characters).
    TooLong {
        /// The maximum.
        max: usize,
    },
    /// Breaks a pattern or rule.
    Invalid(&'static str),
    /// A list holds more items than the spec allows.
    TooMany {
        /// The maximum number of items.
        max: usize,
    },
    /// A list holds fewer items than the spec requires.
    TooFew {
        /// The minimum number of items.
        min: usize,
    },
    /// A number outside the range the spec allows.
    OutOfRange {
        /// The smallest allowed value.
        min: i64,
        /// The largest allowed value.
        max: i64,
    },
}

impl fmt::Display for ValidationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { max } => write!(f, "longer than {max} characters"),
            Self::Invalid(why) => f.write_str(why),
            Self::TooMany { max } => write!(f, "more than {max} items"),
            Self::TooFew { min } => write!(f, "fewer than {min} items"),
            Self::OutOfRange { min, max } => write!(f, "not in {min}..={max}"),
        }
    }
}

impl ValidationError {
    /// A too-long error.
    pub fn too_long(field: &'static str, max: usize) -> Self {
        Self {
            field,
            kind: ValidationErrorKind::TooLong { max },
        }
    }
    /// A rule error.
    pub fn invalid(field: &'static str, why: &'static str) -> Self {
        Self {
            field,
            kind: ValidationErrorKind::Invalid(why),
        }
    }
    /// A too-many-items error.
    pub fn too_many(field: &'static str, max: usize) -> Self {
        Self {
            field,
            kind: ValidationErrorKind::TooMany { max },
        }
    }
    /// A too-few-items error.
    pub fn too_few(field: &'static str, min: usize) -> Self {
        Self {
            field,
            kind: ValidationErrorKind::TooFew { min },
        }
    }
    /// A number-out-of-range error.
    pub fn out_of_range(field: &'static str, min: i64, max: i64) -> Self {
        Self {
            field,
            kind: ValidationErrorKind::OutOfRange { min, max },
        }
    }
}

/// The spec's length limits (XSD `maxLength`).
pub mod limits {
    /// `CommandKey`
    pub const COMMAND_KEY: usize = 32;
    /// `ParameterKey`
    pub const PARAMETER_KEY: usize = 32;
    /// `URL` of Download/Upload/ScheduleDownload
    pub const URL: usize = 256;
    /// URLs of AutonomousTransferComplete and ChangeDUState operations
    pub const LONG_URL: usize = 1024;
    /// Parameter and object names
    pub const PARAMETER_NAME: usize = 256;
    /// Usernames, passwords, target file names and similar `string(256)` fields
    pub const STRING_256: usize = 256;
    /// `FileType`, `EventCode`, `MethodList` items, `AccessList` items, `WindowMode`
    pub const STRING_64: usize = 64;
    /// DeviceId `Manufacturer`, `ProductClass`, `SerialNumber`
    pub const DEVICE_ID_FIELD: usize = 64;
    /// Events per Inform
    pub const EVENTS_PER_INFORM: usize = 64;
    /// Queued transfers in GetQueuedTransfers / GetAllQueuedTransfers
    pub const QUEUED_TRANSFERS: usize = 16;
    /// `Version` of a deployment unit
    pub const DU_VERSION: usize = 32;
    /// `FileTypeArg` entries in RequestDownload
    pub const FILE_TYPE_ARGS: usize = 16;
    /// `Referer` of Kicked
    pub const KICKED_REFERER: usize = 64;
    /// `Command` of Kicked
    pub const KICKED_COMMAND: usize = 32;
    /// `Arg` of Kicked
    pub const KICKED_ARG: usize = 256;
    /// `Next` of Kicked and `NextURL` of KickedResponse
    pub const KICKED_NEXT: usize = 1024;
    /// `FaultString` of a `FaultStruct`
    pub const FAULT_STRING: usize = 256;
    /// `Name` of an `ArgStruct`
    pub const ARG_NAME: usize = 64;
    /// `Value` of an `ArgStruct`
    pub const ARG_VALUE: usize = 256;
    /// `OptionName` of GetOptions and `OptionStruct`
    pub const OPTION_NAME: usize = 64;
    /// Windows in a ScheduleDownload `TimeWindowList` (at least 1)
    pub const TIME_WINDOWS: usize = 2;
    /// Largest `Notification` attribute value (0–6)
    pub const NOTIFICATION_MAX: i32 = 6;
    /// Characters of an `OUI` (exactly)
    pub const OUI: usize = 6;
}

/// Checks a string field against a maximum length in characters.
pub fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    if value.len() > max && value.chars().count() > max {
        Err(ValidationError::too_long(field, max))
    } else {
        Ok(())
    }
}

mod impls;

/// Types whose fields can be checked against the spec's limits before sending.
///
/// Implemented by every request, response, struct, [`Fault`](crate::Fault), [`Header`](crate::Header),
/// [`Body`](crate::Body) and [`Envelope`](crate::Envelope): string lengths (`CommandKey` 32,
/// `URL` 256 or 1024, names 256, …), list sizes (64 events per Inform, 16 queued transfers,
/// 1–2 time windows, …), number ranges (`Notification` 0–6, `Status` 0–1, …) and patterns
/// (`OUI`, UUIDs, event codes, file types, parameter paths). Errors name the spec's argument.
/// Decoders never call it: receiving is lenient.
pub trait Validate {
    /// Checks every field; the first problem found is returned.
    fn validate(&self) -> Result<(), ValidationError>;
}
