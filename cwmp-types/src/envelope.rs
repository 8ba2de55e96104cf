//! The SOAP envelope: CWMP header entries and the body (one request, response or fault).

use crate::{CwmpNamespace, CwmpVersion, Fault, Request, Response};

/// The CWMP header entries of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase", default))]
#[non_exhaustive]
pub struct Header {
    /// `cwmp:ID`: request/response correlation (absent on some devices' messages).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "ID", skip_serializing_if = "Option::is_none")
    )]
    pub id: Option<String>,
    /// The `mustUnderstand` of `cwmp:ID` (the XSD fixes it to 1; written as 1).
    #[cfg_attr(feature = "serde", serde(rename = "IDMustUnderstand"))]
    pub id_must_understand: bool,
    /// `cwmp:HoldRequests` (ACS → CPE).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub hold_requests: Option<bool>,
    /// `cwmp:NoMoreRequests` (deprecated; read, never written).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub no_more_requests: Option<bool>,
    /// `cwmp:SessionTimeout` in seconds (1.3, CPE → ACS in the Inform).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub session_timeout: Option<u32>,
    /// `cwmp:SupportedCWMPVersions` (1.4, CPE → ACS in the Inform).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "SupportedCWMPVersions",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub supported_cwmp_versions: Option<Vec<CwmpVersion>>,
    /// `cwmp:UseCWMPVersion` (1.4, ACS → CPE in the InformResponse).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "UseCWMPVersion", skip_serializing_if = "Option::is_none")
    )]
    pub use_cwmp_version: Option<CwmpVersion>,
}

impl Default for Header {
    fn default() -> Self {
        Self {
            id: None,
            id_must_understand: true,
            hold_requests: None,
            no_more_requests: None,
            session_timeout: None,
            supported_cwmp_versions: None,
            use_cwmp_version: None,
        }
    }
}

impl Header {
    /// A header with just an ID.
    pub fn with_id(id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            ..Self::default()
        }
    }
}

/// The SOAP Body: exactly one request, response or fault.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(from = "BodyRepr", into = "BodyRepr"))]
#[non_exhaustive]
pub enum Body {
    /// A method request.
    Request(Request),
    /// A method response.
    Response(Response),
    /// A SOAP fault.
    Fault(Fault),
}

/// Serde form of [`Body`]: one key, the method name (or `Fault`).
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum BodyRepr {
    Request(Request),
    Response(Response),
    Fault {
        #[serde(rename = "Fault")]
        fault: Fault,
    },
}

#[cfg(feature = "serde")]
impl From<BodyRepr> for Body {
    fn from(r: BodyRepr) -> Self {
        match r {
            BodyRepr::Request(r) => Self::Request(r),
            BodyRepr::Response(r) => Self::Response(r),
            BodyRepr::Fault { fault } => Self::Fault(fault),
        }
    }
}

#[cfg(feature = "serde")]
impl From<Body> for BodyRepr {
    fn from(b: Body) -> Self {
        match b {
            Body::Request(r) => Self::Request(r),
            Body::Response(r) => Self::Response(r),
            Body::Fault(fault) => Self::Fault { fault },
        }
    }
}

impl Body {
    /// The method element's name (`Fault` for a fault).
    pub fn method_name(&self) -> &str {
        match self {
            Self::Request(r) => r.method_name(),
            Self::Response(r) => r.method_name(),
            Self::Fault(_) => "Fault",
        }
    }

    /// The request, if this is one.
    pub fn request(&self) -> Option<&Request> {
        match self {
            Self::Request(r) => Some(r),
            _ => None,
        }
    }

    /// The response, if this is one.
    pub fn response(&self) -> Option<&Response> {
        match self {
            Self::Response(r) => Some(r),
            _ => None,
        }
    }

    /// The fault, if this is one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            Self::Fault(f) => Some(f),
            _ => None,
        }
    }

    /// Whether this is a SOAP fault.
    pub fn is_fault(&self) -> bool {
        matches!(self, Self::Fault(_))
    }
}

impl From<Request> for Body {
    fn from(r: Request) -> Self {
        Self::Request(r)
    }
}

impl From<Response> for Body {
    fn from(r: Response) -> Self {
        Self::Response(r)
    }
}

impl From<Fault> for Body {
    fn from(f: Fault) -> Self {
        Self::Fault(f)
    }
}

/// A whole CWMP SOAP envelope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct Envelope {
    /// Which `cwmp-1-x` namespace the envelope uses.
    #[cfg_attr(feature = "serde", serde(default))]
    pub namespace: CwmpNamespace,
    /// The CWMP header entries.
    #[cfg_attr(feature = "serde", serde(default))]
    pub header: Header,
    /// The body.
    pub body: Body,
}

impl Envelope {
    /// An envelope in the `cwmp-1-2` namespace with no header entries.
    pub fn new(body: impl Into<Body>) -> Self {
        Self {
            namespace: CwmpNamespace::default(),
            header: Header::default(),
            body: body.into(),
        }
    }

    /// An envelope with a `cwmp:ID`.
    pub fn with_id(id: impl Into<String>, body: impl Into<Body>) -> Self {
        Self {
            namespace: CwmpNamespace::default(),
            header: Header::with_id(id),
            body: body.into(),
        }
    }

    /// Sets the namespace.
    #[must_use]
    pub fn in_namespace(mut self, namespace: CwmpNamespace) -> Self {
        self.namespace = namespace;
        self
    }

    /// Sets the `HoldRequests` header entry (ACS → CPE).
    #[must_use]
    pub fn hold_requests(mut self, hold: bool) -> Self {
        self.header.hold_requests = Some(hold);
        self
    }

    /// Sets the `SessionTimeout` header entry, in seconds (CPE → ACS, 1.3).
    #[must_use]
    pub fn session_timeout(mut self, seconds: u32) -> Self {
        self.header.session_timeout = Some(seconds);
        self
    }

    /// Sets the `SupportedCWMPVersions` header entry (CPE → ACS in the Inform, 1.4).
    #[must_use]
    pub fn supported_versions(mut self, versions: impl IntoIterator<Item = CwmpVersion>) -> Self {
        self.header.supported_cwmp_versions = Some(versions.into_iter().collect());
        self
    }

    /// Sets the `UseCWMPVersion` header entry (ACS → CPE in the InformResponse, 1.4) and the
    /// namespace that version uses.
    #[must_use]
    pub fn use_version(mut self, version: CwmpVersion) -> Self {
        self.header.use_cwmp_version = Some(version);
        self.namespace = version.namespace();
        self
    }

    /// The `cwmp:ID`, if any.
    pub fn id(&self) -> Option<&str> {
        self.header.id.as_deref()
    }

    /// The version this envelope implies: `UseCWMPVersion`, else the highest
    /// `SupportedCWMPVersions` entry this crate knows, else the namespace's (1-2 with a
    /// `SessionTimeout` header means 1.3, as GenieACS and digdon's ACS read it).
    pub fn implied_version(&self) -> CwmpVersion {
        if let Some(v) = self.header.use_cwmp_version {
            return v;
        }
        if let Some(list) = &self.header.supported_cwmp_versions {
            if let Some(v) = list.iter().filter(|v| CwmpVersion::ALL.contains(v)).max() {
                return *v;
            }
        }
        match self.namespace {
            CwmpNamespace::Cwmp1_2 if self.header.session_timeout.is_some() => CwmpVersion::V1_3,
            ns => ns.base_version(),
        }
    }
}
