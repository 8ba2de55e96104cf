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
}

impl fmt::Display for ValidationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { max } => write!(f, "longer than {max} characters"),
            Self::Invalid(why) => f.write_str(why),
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
}

/// Checks a string field against a maximum length in characters.
pub fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    if value.len() > max && value.chars().count() > max {
        Err(ValidationError::too_long(field, max))
    } else {
        Ok(())
    }
}

/// Types whose fields can be checked against the spec's limits before sending.
pub trait Validate {
    /// Checks every field; the first problem found is returned.
    fn validate(&self) -> Result<(), ValidationError>;
}
