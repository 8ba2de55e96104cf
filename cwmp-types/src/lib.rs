//! # cwmp-types
//!
//! Every CWMP (Broadband Forum TR-069, versions 1.0–1.4) message as plain Rust data.
//!
//! **What it is:** the RPC requests and responses of both directions, their structs, the SOAP
//! header entries, faults and fault codes, event codes, typed parameter values and validated
//! parameter names. **What it is not:** no XML (that is `cwmp-soap`), no I/O, no clock, no
//! session logic (that is `cwmp-session`).
//!
//! Receiving is lenient: every wire value can be represented, even a bad one (a garbage
//! dateTime stays as text in [`DateTimeField::Invalid`], an unknown event code is
//! [`EventCode::Other`]). Sending is strict: [`Validate`] checks the spec's limits.
//!
//! ```
//! use cwmp_types::*;
//!
//! let inform = Inform::new(
//!     DeviceIdStruct::new("Acme", "00D09E", "Router", "SN123"),
//!     vec![EventStruct::new(EventCode::Bootstrap), EventStruct::new(EventCode::Boot)],
//! );
//! let envelope = Envelope::with_id("1", inform);
//! assert_eq!(envelope.body.method_name(), "Inform");
//! assert_eq!(envelope.validate(), Ok(()));
//!
//! // Sending is strict: the spec's limits are checked before anything goes on the wire.
//! let err = Reboot::new("a-command-key-longer-than-32-chars").validate().unwrap_err();
//! assert_eq!(err.field, "CommandKey");
//!
//! let gpv = GetParameterValues::new(["Device.DeviceInfo."]);
//! assert!(gpv.parameter_names[0].is_partial());
//! ```
//!
//! ## Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `serde` | `Serialize`/`Deserialize` on every type; field names are the spec's argument names |
//! | `proptest` | [`strategy`]: proptest strategies for every message type |
//!
//! ## Spec versions
//!
//! | TR-069 document | CWMP version | namespace |
//! |---|---|---|
//! | Issue 1 / Amendment 1 | 1.0 | `urn:dslforum-org:cwmp-1-0` |
//! | Amendment 2 | 1.1 | `urn:dslforum-org:cwmp-1-1` |
//! | Amendment 3 | 1.2 | `urn:dslforum-org:cwmp-1-2` |
//! | Amendment 4 | 1.3 | `urn:dslforum-org:cwmp-1-2` |
//! | Amendments 5, 6 | 1.4 | `urn:dslforum-org:cwmp-1-2` |
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(missing_debug_implementations)]

mod envelope;
mod event;
mod fault;
mod name;
pub mod rpc;
mod structs;
mod validate;
mod value;
mod version;

#[cfg(feature = "proptest")]
pub mod strategy;

pub use envelope::{Body, Envelope, Header};
pub use event::{EventCode, EventStruct};
pub use fault::{Fault, FaultCode, SetParameterValuesFault, SoapFaultCode};
pub use name::{ParameterName, PathKind};
pub use rpc::*;
pub use structs::{
    AllQueuedTransferStruct, ArgStruct, AutonomousOpResultStruct, DeviceIdStruct, FaultStruct,
    InstallOpStruct, OpResultStruct, Operation, OptionStruct, ParameterAttributeStruct,
    ParameterInfoStruct, ParameterValueStruct, QueuedTransferStruct, SetParameterAttributesStruct,
    TimeWindowStruct, UninstallOpStruct, UpdateOpStruct,
};
pub use validate::{Validate, ValidationError, ValidationErrorKind, check_len, limits};
pub use value::{
    DateTime, DateTimeField, ParameterValue, ValueError, ValueType, parse_bool, parse_int,
};
pub use version::{CwmpNamespace, CwmpVersion, ParseVersionError};
