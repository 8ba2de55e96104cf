//! Every RPC request and response of CWMP 1.0–1.4, and the enums that carry them.

mod acs_methods;
mod cpe_methods;

pub use acs_methods::*;
pub use cpe_methods::*;

// ---------------------------------------------------------------- vendor and unknown methods

/// A method this crate does not model (`X_<VENDOR>_<Name>` or anything else), carried by
/// name with the raw XML between its start and end tags, so an ACS can send and receive it
/// and a CPE can answer 9000.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct UnknownMethod {
    /// The element's local name (`X_ACME_Frobnicate`, `X_ACME_FrobnicateResponse`).
    pub name: String,
    /// The raw XML content of the element, as received (or to be sent verbatim). A decoder
    /// adds to its top-level elements the `xmlns:` declarations of prefixes it uses that were
    /// declared on an ancestor, so that it stands on its own.
    pub xml: String,
}

impl UnknownMethod {
    /// A method with the given name and raw content.
    pub fn new(name: impl Into<String>, xml: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            xml: xml.into(),
        }
    }
}

/// Who calls a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Caller {
    /// The ACS calls it; the CPE responds (a "CPE method").
    Acs,
    /// The CPE calls it; the ACS responds (an "ACS method").
    Cpe,
    /// Either side (GetRPCMethods) or unknown (vendor methods).
    Either,
}

macro_rules! rpc_enums {
    (
        $( $req:ident($reqty:ty) / $resp:ident($respty:ty) = $wire:literal / $rwire:literal, $caller:ident; )*
    ) => {
        /// Any RPC request (the method element of a request envelope).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub enum Request {
            $(
                #[doc = concat!("`", $wire, "`")]
                #[cfg_attr(feature = "serde", serde(rename = $wire))]
                $req($reqty),
            )*
            /// A vendor or unknown method.
            #[cfg_attr(feature = "serde", serde(rename = "UnknownRequest"))]
            Unknown(UnknownMethod),
        }

        /// Any RPC response (the method element of a response envelope).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub enum Response {
            $(
                #[doc = concat!("`", $rwire, "`")]
                #[cfg_attr(feature = "serde", serde(rename = $rwire))]
                $resp($respty),
            )*
            /// A vendor or unknown method's response.
            #[cfg_attr(feature = "serde", serde(rename = "UnknownResponse"))]
            Unknown(UnknownMethod),
        }

        impl Request {
            /// Every method name this crate models, in spec order.
            pub const METHOD_NAMES: &'static [&'static str] = &[$($wire),*];

            /// The method element's name (`GetRPCMethods`, `Inform`, or the unknown name).
            pub fn method_name(&self) -> &str {
                match self {
                    $( Self::$req(_) => $wire, )*
                    Self::Unknown(u) => &u.name,
                }
            }

            /// Who calls this method.
            pub fn caller(&self) -> Caller {
                match self {
                    $( Self::$req(_) => Caller::$caller, )*
                    Self::Unknown(_) => Caller::Either,
                }
            }
        }

        impl Response {
            /// The response element's name (`InformResponse`, …).
            pub fn method_name(&self) -> &str {
                match self {
                    $( Self::$resp(_) => $rwire, )*
                    Self::Unknown(u) => &u.name,
                }
            }

            /// The request method this answers (`Inform` for `InformResponse`).
            pub fn request_name(&self) -> &str {
                match self {
                    $( Self::$resp(_) => $wire, )*
                    Self::Unknown(u) => u.name.strip_suffix("Response").unwrap_or(&u.name),
                }
            }
        }

        $(
            impl From<$reqty> for Request {
                fn from(r: $reqty) -> Self { Self::$req(r) }
            }
            impl From<$respty> for Response {
                fn from(r: $respty) -> Self { Self::$resp(r) }
            }
            impl From<$reqty> for crate::Body {
                fn from(r: $reqty) -> Self { Self::Request(Request::$req(r)) }
            }
            impl From<$respty> for crate::Body {
                fn from(r: $respty) -> Self { Self::Response(Response::$resp(r)) }
            }
        )*
    };
}

rpc_enums! {
    GetRpcMethods(GetRpcMethods) / GetRpcMethods(GetRpcMethodsResponse) = "GetRPCMethods" / "GetRPCMethodsResponse", Either;
    SetParameterValues(SetParameterValues) / SetParameterValues(SetParameterValuesResponse) = "SetParameterValues" / "SetParameterValuesResponse", Acs;
    GetParameterValues(GetParameterValues) / GetParameterValues(GetParameterValuesResponse) = "GetParameterValues" / "GetParameterValuesResponse", Acs;
    GetParameterNames(GetParameterNames) / GetParameterNames(GetParameterNamesResponse) = "GetParameterNames" / "GetParameterNamesResponse", Acs;
    SetParameterAttributes(SetParameterAttributes) / SetParameterAttributes(SetParameterAttributesResponse) = "SetParameterAttributes" / "SetParameterAttributesResponse", Acs;
    GetParameterAttributes(GetParameterAttributes) / GetParameterAttributes(GetParameterAttributesResponse) = "GetParameterAttributes" / "GetParameterAttributesResponse", Acs;
    AddObject(AddObject) / AddObject(AddObjectResponse) = "AddObject" / "AddObjectResponse", Acs;
    DeleteObject(DeleteObject) / DeleteObject(DeleteObjectResponse) = "DeleteObject" / "DeleteObjectResponse", Acs;
    Reboot(Reboot) / Reboot(RebootResponse) = "Reboot" / "RebootResponse", Acs;
    Download(Download) / Download(DownloadResponse) = "Download" / "DownloadResponse", Acs;
    Upload(Upload) / Upload(UploadResponse) = "Upload" / "UploadResponse", Acs;
    FactoryReset(FactoryReset) / FactoryReset(FactoryResetResponse) = "FactoryReset" / "FactoryResetResponse", Acs;
    GetQueuedTransfers(GetQueuedTransfers) / GetQueuedTransfers(GetQueuedTransfersResponse) = "GetQueuedTransfers" / "GetQueuedTransfersResponse", Acs;
    GetAllQueuedTransfers(GetAllQueuedTransfers) / GetAllQueuedTransfers(GetAllQueuedTransfersResponse) = "GetAllQueuedTransfers" / "GetAllQueuedTransfersResponse", Acs;
    ScheduleInform(ScheduleInform) / ScheduleInform(ScheduleInformResponse) = "ScheduleInform" / "ScheduleInformResponse", Acs;
    SetVouchers(SetVouchers) / SetVouchers(SetVouchersResponse) = "SetVouchers" / "SetVouchersResponse", Acs;
    GetOptions(GetOptions) / GetOptions(GetOptionsResponse) = "GetOptions" / "GetOptionsResponse", Acs;
    ScheduleDownload(ScheduleDownload) / ScheduleDownload(ScheduleDownloadResponse) = "ScheduleDownload" / "ScheduleDownloadResponse", Acs;
    CancelTransfer(CancelTransfer) / CancelTransfer(CancelTransferResponse) = "CancelTransfer" / "CancelTransferResponse", Acs;
    ChangeDuState(ChangeDuState) / ChangeDuState(ChangeDuStateResponse) = "ChangeDUState" / "ChangeDUStateResponse", Acs;
    Inform(Inform) / Inform(InformResponse) = "Inform" / "InformResponse", Cpe;
    TransferComplete(TransferComplete) / TransferComplete(TransferCompleteResponse) = "TransferComplete" / "TransferCompleteResponse", Cpe;
    AutonomousTransferComplete(AutonomousTransferComplete) / AutonomousTransferComplete(AutonomousTransferCompleteResponse) = "AutonomousTransferComplete" / "AutonomousTransferCompleteResponse", Cpe;
    DuStateChangeComplete(DuStateChangeComplete) / DuStateChangeComplete(DuStateChangeCompleteResponse) = "DUStateChangeComplete" / "DUStateChangeCompleteResponse", Cpe;
    AutonomousDuStateChangeComplete(AutonomousDuStateChangeComplete) / AutonomousDuStateChangeComplete(AutonomousDuStateChangeCompleteResponse) = "AutonomousDUStateChangeComplete" / "AutonomousDUStateChangeCompleteResponse", Cpe;
    RequestDownload(RequestDownload) / RequestDownload(RequestDownloadResponse) = "RequestDownload" / "RequestDownloadResponse", Cpe;
    Kicked(Kicked) / Kicked(KickedResponse) = "Kicked" / "KickedResponse", Cpe;
}
