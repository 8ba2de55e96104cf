//! Handles and replies shared by both machines.

use cwmp_types::{Fault, FaultCode, Response, Validate, ValidationError};

/// An opaque, copyable handle for one RPC crossing the API: an ACS request handed to the
/// CPE application, a CPE request queued by the CPE application, a request queued by the
/// ACS application, or a CPE request handed to the ACS application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RpcHandle(u64);

impl RpcHandle {
    const QUEUE_BIT: u64 = 1 << 63;

    pub(crate) const fn new(n: u64) -> Self {
        Self(n & !Self::QUEUE_BIT)
    }

    pub(crate) const fn queue(n: u64) -> Self {
        Self(n | Self::QUEUE_BIT)
    }

    /// A number identifying the handle (for logs).
    pub const fn id(self) -> u64 {
        self.0
    }
}

/// The application's answer to a request it was handed: a response or a fault.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Reply {
    /// A method response (must answer the request's method).
    Response(Response),
    /// A SOAP fault.
    Fault(Fault),
}

impl Reply {
    /// A response (`Reply::response(GetParameterValuesResponse::new(...))`).
    pub fn response(r: impl Into<Response>) -> Self {
        Self::Response(r.into())
    }

    /// A fault with the code's standard text.
    pub fn fault(code: FaultCode) -> Self {
        Self::Fault(Fault::new(code))
    }
}

impl Validate for Reply {
    /// The response's or the fault's fields against the spec's limits.
    fn validate(&self) -> Result<(), ValidationError> {
        match self {
            Self::Response(r) => r.validate(),
            Self::Fault(f) => f.validate(),
        }
    }
}

impl Reply {
    /// Validates the reply as sent by one side: a CPE faults with 9000-series codes, an
    /// ACS with 8000-series ones.
    pub(crate) fn validate_from(&self, cpe: bool) -> Result<(), ValidationError> {
        self.validate()?;
        match self {
            Self::Fault(f) if cpe && !f.fault_code.is_cpe_fault() => Err(ValidationError::invalid(
                "FaultCode",
                "a CPE answers with a CPE fault code (9000-9899)",
            )),
            Self::Fault(f) if !cpe && !f.fault_code.is_acs_fault() => {
                Err(ValidationError::invalid(
                    "FaultCode",
                    "an ACS answers with an ACS fault code (8000-8899)",
                ))
            }
            _ => Ok(()),
        }
    }
}

impl From<Response> for Reply {
    fn from(r: Response) -> Self {
        Self::Response(r)
    }
}

impl From<Fault> for Reply {
    fn from(f: Fault) -> Self {
        Self::Fault(f)
    }
}
