//! # cwmp-datamodel
//!
//! The CPE's parameter tree with TR-069's semantics, built from the Broadband Forum's own
//! data model definitions.
//!
//! **What it is:** a [`Schema`] (every object and parameter of TR-181 Device:2.16 or TR-098
//! InternetGatewayDevice:1.14, generated from the Broadband Forum's XML, narrowed to what a
//! device supports, extended with vendor objects), a [`DataModel`] holding the instances and
//! values, [`Binding`]s that connect parameters to the system, and the parameter RPCs
//! answered as TR-069 Amendment 6 prescribes: GetParameterValues, GetParameterNames,
//! atomic SetParameterValues, Get/SetParameterAttributes, AddObject, DeleteObject, with
//! notification of value changes and the Inform's ParameterList.
//! **What it is not:** no I/O, no clock, no threads, no global state. It never reads a file:
//! the schemas are embedded and persistence goes through [`Stored`].
//!
//! ```
//! use cwmp_datamodel::{DataModel, ReadOnly, Schema, Value};
//! use cwmp_types::*;
//!
//! // The subset of TR-181 this device supports.
//! let schema = Schema::tr181().select(&[
//!     "Device.DeviceInfo.",
//!     "Device.ManagementServer.",
//!     "Device.IP.Interface.{i}.",
//! ]);
//! let mut model = DataModel::new(schema);
//! // A live value: read from the system at every GetParameterValues.
//! model.bind("Device.DeviceInfo.UpTime", ReadOnly(|_: &str| Ok(Value::from(42u32)))).unwrap();
//! model.set("Device.DeviceInfo.SoftwareVersion", "1.0.3").unwrap();
//!
//! let request = Request::GetParameterValues(GetParameterValues::new(["Device.DeviceInfo.UpTime"]));
//! let Some(Ok(Response::GetParameterValues(r))) = model.answer(&request) else { panic!() };
//! assert_eq!(r.parameter_list[0].value.text, "42");
//!
//! // SetParameterValues is atomic: one bad value and nothing changes.
//! let spv = SetParameterValues::new(
//!     vec![
//!         ParameterValueStruct::new("Device.ManagementServer.PeriodicInformInterval", ParameterValue::unsigned_int(300)),
//!         ParameterValueStruct::new("Device.DeviceInfo.SoftwareVersion", ParameterValue::string("2.0")),
//!     ],
//!     "key-1",
//! );
//! let fault = model.set_parameter_values(&spv).unwrap_err();
//! assert_eq!(fault.fault_code, FaultCode::InvalidArguments);
//! assert_eq!(fault.set_parameter_values_faults[0].fault_code, FaultCode::NonWritableParameter);
//! assert_eq!(model.get("Device.ManagementServer.PeriodicInformInterval").unwrap().text, "1");
//! ```
//!
//! ## Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `serde` | `Serialize`/`Deserialize` on [`Stored`] (persistence) and the schema types; [`Schema::extend_from_json`] for vendor objects |
//! | `session` | the glue to `cwmp-session`'s `CpeSession` ([`DataModel::answer_session`], [`DataModel::notify_session`], [`DataModel::apply_management_server`]) |
//!
//! The `session` glue is a feature, not the core, because the tree is useful without
//! `CpeSession` (other session stacks, simulators, tests of an ACS) and `cwmp-session`
//! brings the SOAP codec and the digest crates along.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(missing_debug_implementations)]

mod binding;
mod check;
mod create;
mod model;
mod notify;
mod rpc;
pub mod schema;
#[cfg(feature = "session")]
mod session;
mod store;

pub use binding::{Applied, Binding, ReadOnly, Value};
pub use model::{DataModel, UnknownPath};
pub use notify::{Notification, ValueChangeEvent};
pub use schema::{ActiveNotify, BaseType, ObjectSpec, ParamSpec, Schema, SchemaError};
#[cfg(feature = "session")]
pub use session::{Effects, ManagementServerState};
pub use store::{RestoreWarning, Stored, StoredAttributes};
