//! CWMP faults as data: the fault codes, the SOAP fault envelope body and its CWMP detail.

use core::fmt;

/// The SOAP 1.1 `faultcode` (SOAP 1.1 §4.4.1): who is at fault, or which envelope rule failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SoapFaultCode {
    /// The request's sender is at fault.
    Client,
    /// The responder is at fault.
    Server,
    /// A header entry with `mustUnderstand="1"` was not understood, so the message was not
    /// processed (SOAP 1.1 §4.2.3). Carries no CWMP detail (see [`Fault::must_understand`]).
    MustUnderstand,
    /// The envelope was not in the SOAP 1.1 envelope namespace.
    VersionMismatch,
}

impl SoapFaultCode {
    /// The text written in `faultcode` (without a prefix).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Client => "Client",
            Self::Server => "Server",
            Self::MustUnderstand => "MustUnderstand",
            Self::VersionMismatch => "VersionMismatch",
        }
    }

    /// Whether the fault is about the envelope itself (`MustUnderstand`, `VersionMismatch`):
    /// such a fault need carry no CWMP detail.
    pub const fn is_envelope_fault(self) -> bool {
        matches!(self, Self::MustUnderstand | Self::VersionMismatch)
    }
}

macro_rules! fault_codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $soap:ident, $text:literal; )*) => {
        /// A CWMP fault code: every 8000- and 9000-series code of TR-069, plus the reserved
        /// and vendor ranges, carried as data (never as a Rust error).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum FaultCode {
            $( $(#[$doc])* $name, )*
            /// 8007–8799: reserved ACS codes.
            AcsReserved(u32),
            /// 8800–8899: ACS vendor-specific codes.
            AcsVendor(u32),
            /// 9033–9799: reserved / extension CPE codes.
            CpeExtension(u32),
            /// 9800–9899: CPE vendor-specific codes.
            CpeVendor(u32),
            /// Any other number (0 is "no fault" in a TransferComplete `FaultStruct`).
            Other(u32),
        }

        impl FaultCode {
            /// Every named (non-range) code.
            pub const NAMED: &'static [Self] = &[$(Self::$name),*];

            /// The numeric code.
            pub const fn code(self) -> u32 {
                match self {
                    $( Self::$name => $code, )*
                    Self::AcsReserved(c) | Self::AcsVendor(c) | Self::CpeExtension(c)
                    | Self::CpeVendor(c) | Self::Other(c) => c,
                }
            }

            /// The code for a number; never fails.
            pub const fn from_code(code: u32) -> Self {
                match code {
                    $( $code => Self::$name, )*
                    8007..=8799 => Self::AcsReserved(code),
                    8800..=8899 => Self::AcsVendor(code),
                    9033..=9799 => Self::CpeExtension(code),
                    9800..=9899 => Self::CpeVendor(code),
                    _ => Self::Other(code),
                }
            }

            /// The spec's meaning of the code (for vendor and reserved ranges, the range's name).
            pub const fn description(self) -> &'static str {
                match self {
                    $( Self::$name => $text, )*
                    Self::AcsReserved(_) => "Reserved ACS fault code",
                    Self::AcsVendor(_) => "ACS vendor fault",
                    Self::CpeExtension(_) => "CPE extension fault",
                    Self::CpeVendor(_) => "CPE vendor fault",
                    Self::Other(0) => "No fault",
                    Self::Other(_) => "Unknown fault code",
                }
            }

            /// The SOAP `faultcode` a sender of this fault uses.
            pub const fn soap_fault_code(self) -> SoapFaultCode {
                match self {
                    $( Self::$name => SoapFaultCode::$soap, )*
                    _ => SoapFaultCode::Server,
                }
            }
        }
    };
}

fault_codes! {
    /// 8000 Method not supported
    AcsMethodNotSupported = 8000, Server, "Method not supported";
    /// 8001 Request denied (no reason specified)
    AcsRequestDenied = 8001, Server, "Request denied (no reason specified)";
    /// 8002 Internal error
    AcsInternalError = 8002, Server, "Internal error";
    /// 8003 Invalid arguments
    AcsInvalidArguments = 8003, Client, "Invalid arguments";
    /// 8004 Resources exceeded
    AcsResourcesExceeded = 8004, Server, "Resources exceeded";
    /// 8005 Retry request: the CPE resends the same request
    AcsRetryRequest = 8005, Server, "Retry request";
    /// 8006 ACS version incompatible with CPE (1.4)
    AcsVersionIncompatible = 8006, Server, "ACS version incompatible with CPE";
    /// 9000 Method not supported
    MethodNotSupported = 9000, Server, "Method not supported";
    /// 9001 Request denied (no reason specified)
    RequestDenied = 9001, Server, "Request denied (no reason specified)";
    /// 9002 Internal error
    InternalError = 9002, Server, "Internal error";
    /// 9003 Invalid arguments
    InvalidArguments = 9003, Client, "Invalid arguments";
    /// 9004 Resources exceeded
    ResourcesExceeded = 9004, Server, "Resources exceeded";
    /// 9005 Invalid parameter name
    InvalidParameterName = 9005, Client, "Invalid parameter name";
    /// 9006 Invalid parameter type
    InvalidParameterType = 9006, Client, "Invalid parameter type";
    /// 9007 Invalid parameter value
    InvalidParameterValue = 9007, Client, "Invalid parameter value";
    /// 9008 Attempt to set a non-writable parameter
    NonWritableParameter = 9008, Client, "Attempt to set a non-writable parameter";
    /// 9009 Notification request rejected
    NotificationRequestRejected = 9009, Server, "Notification request rejected";
    /// 9010 File transfer failure (1.0/1.1: Download failure)
    FileTransferFailure = 9010, Server, "File transfer failure";
    /// 9011 Upload failure
    UploadFailure = 9011, Server, "Upload failure";
    /// 9012 File transfer server authentication failure
    FileTransferAuthenticationFailure = 9012, Server, "File transfer server authentication failure";
    /// 9013 Unsupported protocol for file transfer
    UnsupportedTransferProtocol = 9013, Server, "Unsupported protocol for file transfer";
    /// 9014 File transfer failure: unable to join multicast group
    UnableToJoinMulticastGroup = 9014, Server, "File transfer failure: unable to join multicast group";
    /// 9015 File transfer failure: unable to contact file server
    UnableToContactFileServer = 9015, Server, "File transfer failure: unable to contact file server";
    /// 9016 File transfer failure: unable to access file
    UnableToAccessFile = 9016, Server, "File transfer failure: unable to access file";
    /// 9017 File transfer failure: unable to complete download
    UnableToCompleteDownload = 9017, Server, "File transfer failure: unable to complete download";
    /// 9018 File transfer failure: file corrupted
    FileCorrupted = 9018, Server, "File transfer failure: file corrupted";
    /// 9019 File transfer failure: file authentication failure
    FileAuthenticationFailure = 9019, Server, "File transfer failure: file authentication failure";
    /// 9020 File transfer failure: unable to complete download within specified time windows
    DownloadWindowExpired = 9020, Server, "File transfer failure: unable to complete download within specified time windows";
    /// 9021 Cancelation of file transfer not permitted in current transfer state
    CancelationNotPermitted = 9021, Client, "Cancelation of file transfer not permitted in current transfer state";
    /// 9022 Invalid UUID format
    InvalidUuidFormat = 9022, Client, "Invalid UUID format";
    /// 9023 Unknown Execution Environment
    UnknownExecutionEnvironment = 9023, Client, "Unknown Execution Environment";
    /// 9024 Disabled Execution Environment
    DisabledExecutionEnvironment = 9024, Client, "Disabled Execution Environment";
    /// 9025 Deployment Unit to Execution Environment mismatch
    DeploymentUnitEnvironmentMismatch = 9025, Client, "Deployment Unit to Execution Environment mismatch";
    /// 9026 Duplicate Deployment Unit
    DuplicateDeploymentUnit = 9026, Client, "Duplicate Deployment Unit";
    /// 9027 System resources exceeded
    SystemResourcesExceeded = 9027, Server, "System resources exceeded";
    /// 9028 Unknown Deployment Unit
    UnknownDeploymentUnit = 9028, Client, "Unknown Deployment Unit";
    /// 9029 Invalid Deployment Unit state
    InvalidDeploymentUnitState = 9029, Client, "Invalid Deployment Unit state";
    /// 9030 Invalid DU update: downgrade not permitted
    DowngradeNotPermitted = 9030, Client, "Invalid Deployment Unit Update - Downgrade not permitted";
    /// 9031 Invalid DU update: version not specified
    UpdateVersionNotSpecified = 9031, Client, "Invalid Deployment Unit Update - Version not specified";
    /// 9032 Invalid DU update: version already exists
    UpdateVersionExists = 9032, Client, "Invalid Deployment Unit Update - Version already exists";
}

impl FaultCode {
    /// Whether an ACS sends this code (8000-series).
    pub const fn is_acs_fault(self) -> bool {
        matches!(self.code(), 8000..=8899)
    }

    /// Whether a CPE sends this code (9000-series).
    pub const fn is_cpe_fault(self) -> bool {
        matches!(self.code(), 9000..=9899)
    }

    /// Whether the code is in a vendor range (8800–8899, 9800–9899).
    pub const fn is_vendor(self) -> bool {
        matches!(self, Self::AcsVendor(_) | Self::CpeVendor(_))
    }
}

impl From<u32> for FaultCode {
    fn from(code: u32) -> Self {
        Self::from_code(code)
    }
}

impl From<FaultCode> for u32 {
    fn from(code: FaultCode) -> Self {
        code.code()
    }
}

impl fmt::Display for FaultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.description())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for FaultCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.code())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for FaultCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <u32 as serde::Deserialize>::deserialize(d).map(Self::from_code)
    }
}

/// One entry of the `SetParameterValuesFault` list in a fault answering SetParameterValues.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct SetParameterValuesFault {
    /// The parameter that could not be set.
    pub parameter_name: String,
    /// Why (usually 9005–9008).
    pub fault_code: FaultCode,
    /// Human-readable text (may be empty).
    pub fault_string: String,
}

impl SetParameterValuesFault {
    /// A per-parameter fault with the code's standard text.
    pub fn new(parameter_name: impl Into<String>, fault_code: FaultCode) -> Self {
        Self {
            parameter_name: parameter_name.into(),
            fault_code,
            fault_string: fault_code.description().to_owned(),
        }
    }
}

/// A SOAP Fault carrying the CWMP fault detail (`detail/cwmp:Fault`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Fault {
    /// SOAP `faultcode` (Client or Server).
    #[cfg_attr(feature = "serde", serde(rename = "faultcode"))]
    pub soap_fault_code: SoapFaultCode,
    /// SOAP `faultstring`, normally `CWMP fault`.
    #[cfg_attr(feature = "serde", serde(rename = "faultstring"))]
    pub soap_fault_string: String,
    /// The CWMP `FaultCode`.
    #[cfg_attr(feature = "serde", serde(rename = "FaultCode"))]
    pub fault_code: FaultCode,
    /// The CWMP `FaultString` (may be empty).
    #[cfg_attr(feature = "serde", serde(rename = "FaultString"))]
    pub fault_string: String,
    /// Per-parameter faults (only when answering SetParameterValues).
    #[cfg_attr(feature = "serde", serde(rename = "SetParameterValuesFault", default))]
    pub set_parameter_values_faults: Vec<SetParameterValuesFault>,
}

impl Fault {
    /// A fault with the code's standard text and its conventional SOAP faultcode.
    pub fn new(fault_code: FaultCode) -> Self {
        Self::with_string(fault_code, fault_code.description())
    }

    /// A fault with a custom `FaultString`.
    pub fn with_string(fault_code: FaultCode, fault_string: impl Into<String>) -> Self {
        Self {
            soap_fault_code: fault_code.soap_fault_code(),
            soap_fault_string: "CWMP fault".to_owned(),
            fault_code,
            fault_string: fault_string.into(),
            set_parameter_values_faults: Vec::new(),
        }
    }

    /// The SOAP fault that answers a message with a header entry marked `mustUnderstand="1"`
    /// that the receiver does not understand (SOAP 1.1 §4.2.3, which TR-069 follows for its
    /// header entries): faultcode `MustUnderstand` and no CWMP detail (SOAP 1.1 §4.4 keeps
    /// header errors out of `detail`), so its `fault_code` is 0 ([`FaultCode::Other`]) and its
    /// `fault_string` empty.
    pub fn must_understand() -> Self {
        Self {
            soap_fault_code: SoapFaultCode::MustUnderstand,
            soap_fault_string: "One or more mandatory SOAP header entries not understood"
                .to_owned(),
            fault_code: FaultCode::Other(0),
            fault_string: String::new(),
            set_parameter_values_faults: Vec::new(),
        }
    }

    /// Whether the fault carries a CWMP `detail/cwmp:Fault`: always, except an envelope fault
    /// (`MustUnderstand`, `VersionMismatch`) with fault code 0, no `FaultString` and no
    /// per-parameter faults, which is written (and read back) without `detail`.
    pub fn has_cwmp_detail(&self) -> bool {
        !(self.soap_fault_code.is_envelope_fault()
            && self.fault_code == FaultCode::Other(0)
            && self.fault_string.is_empty()
            && self.set_parameter_values_faults.is_empty())
    }

    /// A 9003 fault answering SetParameterValues, listing each failing parameter.
    pub fn set_parameter_values(faults: Vec<SetParameterValuesFault>) -> Self {
        let mut f = Self::new(FaultCode::InvalidArguments);
        f.set_parameter_values_faults = faults;
        f
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.has_cwmp_detail() {
            return write!(
                f,
                "SOAP fault {}: {}",
                self.soap_fault_code.as_str(),
                self.soap_fault_string
            );
        }
        write!(
            f,
            "CWMP fault {}: {}",
            self.fault_code.code(),
            self.fault_string
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_code_round_trips() {
        assert_eq!(FaultCode::NAMED.len(), 7 + 33);
        for &c in FaultCode::NAMED {
            assert_eq!(FaultCode::from_code(c.code()), c);
            assert_eq!(
                c.to_string().split(' ').next().unwrap(),
                c.code().to_string()
            );
        }
    }

    #[test]
    fn ranges_classify() {
        assert_eq!(FaultCode::from_code(8123), FaultCode::AcsReserved(8123));
        assert_eq!(FaultCode::from_code(8850), FaultCode::AcsVendor(8850));
        assert_eq!(FaultCode::from_code(9100), FaultCode::CpeExtension(9100));
        assert_eq!(FaultCode::from_code(9899), FaultCode::CpeVendor(9899));
        assert_eq!(FaultCode::from_code(0), FaultCode::Other(0));
        assert!(FaultCode::from_code(9850).is_vendor());
        assert!(FaultCode::AcsRetryRequest.is_acs_fault());
        assert!(!FaultCode::AcsRetryRequest.is_cpe_fault());
        for c in [
            7999u32, 8000, 8006, 8007, 8799, 8800, 8899, 8900, 9000, 9032, 9033, 9799, 9800, 9899,
            9900,
        ] {
            assert_eq!(FaultCode::from_code(c).code(), c);
        }
    }

    #[test]
    fn every_code_round_trips_through_wire_text() {
        // Named codes, every range boundary and a few far-away numbers.
        let mut numbers: Vec<u32> = FaultCode::NAMED.iter().map(|c| c.code()).collect();
        numbers.extend([
            0,
            1,
            7999,
            8007,
            8799,
            8800,
            8899,
            8900,
            8999,
            9033,
            9799,
            9800,
            9899,
            9900,
            u32::MAX,
        ]);
        for n in numbers {
            let code = FaultCode::from_code(n);
            let wire = code.code().to_string();
            assert_eq!(FaultCode::from_code(wire.parse().unwrap()), code);
            assert_eq!(u32::from(code), n);
            assert_eq!(FaultCode::from(n), code);
            assert!(!code.description().is_empty());
        }
        assert_eq!(FaultCode::from_code(0).description(), "No fault");
        assert_eq!(
            FaultCode::MethodNotSupported.to_string(),
            "9000 Method not supported"
        );
    }

    #[test]
    fn named_codes_cover_8000_to_8006_and_9000_to_9032() {
        for n in (8000..=8006).chain(9000..=9032) {
            assert!(FaultCode::NAMED.contains(&FaultCode::from_code(n)), "{n}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_number_is_a_code(n in proptest::prelude::any::<u32>()) {
            let code = FaultCode::from_code(n);
            proptest::prop_assert_eq!(code.code(), n);
            proptest::prop_assert_eq!(code.is_acs_fault(), (8000..=8899).contains(&n));
            proptest::prop_assert_eq!(code.is_cpe_fault(), (9000..=9899).contains(&n));
        }
    }

    #[test]
    fn fault_helpers() {
        let f = Fault::new(FaultCode::MethodNotSupported);
        assert_eq!(
            (f.soap_fault_code, f.soap_fault_string.as_str()),
            (SoapFaultCode::Server, "CWMP fault")
        );
        assert_eq!(f.fault_string, "Method not supported");
        let f = Fault::set_parameter_values(vec![SetParameterValuesFault::new(
            "Device.A",
            FaultCode::NonWritableParameter,
        )]);
        assert_eq!(f.fault_code, FaultCode::InvalidArguments);
        assert_eq!(f.soap_fault_code, SoapFaultCode::Client);
        assert_eq!(f.to_string(), "CWMP fault 9003: Invalid arguments");
    }

    #[test]
    fn soap_fault_code_split() {
        assert_eq!(
            FaultCode::InvalidArguments.soap_fault_code(),
            SoapFaultCode::Client
        );
        assert_eq!(
            FaultCode::InternalError.soap_fault_code(),
            SoapFaultCode::Server
        );
        assert_eq!(
            Fault::new(FaultCode::InvalidParameterName).soap_fault_code,
            SoapFaultCode::Client
        );
    }
}
