//! Every RPC request and response of CWMP 1.0–1.4, and the enums that carry them.

use crate::structs::cwmp_struct;
use crate::{
    AllQueuedTransferStruct, ArgStruct, AutonomousOpResultStruct, DateTimeField, DeviceIdStruct,
    EventStruct, FaultCode, FaultStruct, OpResultStruct, Operation, OptionStruct,
    ParameterAttributeStruct, ParameterInfoStruct, ParameterName, ParameterValue,
    ParameterValueStruct, QueuedTransferStruct, SetParameterAttributesStruct, TimeWindowStruct,
};

// ---------------------------------------------------------------- CPE methods (called by the ACS)

cwmp_struct! {
    /// `GetRPCMethods` (either side may call it).
    pub struct GetRpcMethods {}
}
cwmp_struct! {
    /// `GetRPCMethodsResponse`
    pub struct GetRpcMethodsResponse {
        /// `MethodList`
        pub method_list: Vec<String>,
    }
}
cwmp_struct! {
    /// `SetParameterValues`
    pub struct SetParameterValues {
        /// `ParameterList`
        pub parameter_list: Vec<ParameterValueStruct>,
        /// `ParameterKey`
        pub parameter_key: String,
    }
}
cwmp_struct! {
    /// `SetParameterValuesResponse`
    pub struct SetParameterValuesResponse {
        /// `Status`: 0 applied, 1 committed but not yet applied
        pub status: i32,
    }
}
cwmp_struct! {
    /// `GetParameterValues`
    pub struct GetParameterValues {
        /// `ParameterNames` (full names or partial paths)
        pub parameter_names: Vec<ParameterName>,
    }
}
cwmp_struct! {
    /// `GetParameterValuesResponse`
    pub struct GetParameterValuesResponse {
        /// `ParameterList`
        pub parameter_list: Vec<ParameterValueStruct>,
    }
}
cwmp_struct! {
    /// `GetParameterNames`
    pub struct GetParameterNames {
        /// `ParameterPath` (empty: the whole tree)
        pub parameter_path: ParameterName,
        /// `NextLevel`
        pub next_level: bool,
    }
}
cwmp_struct! {
    /// `GetParameterNamesResponse`
    pub struct GetParameterNamesResponse {
        /// `ParameterList`
        pub parameter_list: Vec<ParameterInfoStruct>,
    }
}
cwmp_struct! {
    /// `SetParameterAttributes`
    pub struct SetParameterAttributes {
        /// `ParameterList`
        pub parameter_list: Vec<SetParameterAttributesStruct>,
    }
}
cwmp_struct! {
    /// `SetParameterAttributesResponse`
    pub struct SetParameterAttributesResponse {}
}
cwmp_struct! {
    /// `GetParameterAttributes`
    pub struct GetParameterAttributes {
        /// `ParameterNames`
        pub parameter_names: Vec<ParameterName>,
    }
}
cwmp_struct! {
    /// `GetParameterAttributesResponse`
    pub struct GetParameterAttributesResponse {
        /// `ParameterList`
        pub parameter_list: Vec<ParameterAttributeStruct>,
    }
}
cwmp_struct! {
    /// `AddObject`
    pub struct AddObject {
        /// `ObjectName` (a table path ending in `.`)
        pub object_name: ParameterName,
        /// `ParameterKey`
        pub parameter_key: String,
    }
}
cwmp_struct! {
    /// `AddObjectResponse`
    pub struct AddObjectResponse {
        /// `InstanceNumber` (≥ 1)
        pub instance_number: u32,
        /// `Status`: 0 created, 1 committed but not yet applied
        pub status: i32,
    }
}
cwmp_struct! {
    /// `DeleteObject`
    pub struct DeleteObject {
        /// `ObjectName` (an instance path ending in `.`)
        pub object_name: ParameterName,
        /// `ParameterKey`
        pub parameter_key: String,
    }
}
cwmp_struct! {
    /// `DeleteObjectResponse`
    pub struct DeleteObjectResponse {
        /// `Status`: 0 deleted, 1 committed but not yet applied
        pub status: i32,
    }
}
cwmp_struct! {
    /// `Reboot`
    pub struct Reboot {
        /// `CommandKey`
        pub command_key: String,
    }
}
cwmp_struct! {
    /// `RebootResponse`
    pub struct RebootResponse {}
}
cwmp_struct! {
    /// `Download`
    pub struct Download {
        /// `CommandKey`
        pub command_key: String,
        /// `FileType` (`1 Firmware Upgrade Image`, …)
        pub file_type: String,
        /// `URL`
        #[cfg_attr(feature = "serde", serde(rename = "URL"))]
        pub url: String,
        /// `Username`
        pub username: String,
        /// `Password`
        pub password: String,
        /// `FileSize` (0: unknown)
        pub file_size: u32,
        /// `TargetFileName`
        pub target_file_name: String,
        /// `DelaySeconds`
        pub delay_seconds: u32,
        /// `SuccessURL`
        #[cfg_attr(feature = "serde", serde(rename = "SuccessURL"))]
        pub success_url: String,
        /// `FailureURL`
        #[cfg_attr(feature = "serde", serde(rename = "FailureURL"))]
        pub failure_url: String,
    }
}
cwmp_struct! {
    /// `DownloadResponse`
    pub struct DownloadResponse {
        /// `Status`: 0 done, 1 not yet (TransferComplete follows)
        pub status: i32,
        /// `StartTime`
        pub start_time: DateTimeField,
        /// `CompleteTime`
        pub complete_time: DateTimeField,
    }
}
cwmp_struct! {
    /// `Upload`
    pub struct Upload {
        /// `CommandKey`
        pub command_key: String,
        /// `FileType` (`1 Vendor Configuration File`, …)
        pub file_type: String,
        /// `URL`
        #[cfg_attr(feature = "serde", serde(rename = "URL"))]
        pub url: String,
        /// `Username`
        pub username: String,
        /// `Password`
        pub password: String,
        /// `DelaySeconds`
        pub delay_seconds: u32,
    }
}
cwmp_struct! {
    /// `UploadResponse`
    pub struct UploadResponse {
        /// `Status`: 0 done, 1 not yet (TransferComplete follows)
        pub status: i32,
        /// `StartTime`
        pub start_time: DateTimeField,
        /// `CompleteTime`
        pub complete_time: DateTimeField,
    }
}
cwmp_struct! {
    /// `FactoryReset`
    pub struct FactoryReset {}
}
cwmp_struct! {
    /// `FactoryResetResponse`
    pub struct FactoryResetResponse {}
}
cwmp_struct! {
    /// `GetQueuedTransfers` (deprecated)
    pub struct GetQueuedTransfers {}
}
cwmp_struct! {
    /// `GetQueuedTransfersResponse`
    pub struct GetQueuedTransfersResponse {
        /// `TransferList`
        pub transfer_list: Vec<QueuedTransferStruct>,
    }
}
cwmp_struct! {
    /// `GetAllQueuedTransfers`
    pub struct GetAllQueuedTransfers {}
}
cwmp_struct! {
    /// `GetAllQueuedTransfersResponse`
    pub struct GetAllQueuedTransfersResponse {
        /// `TransferList`
        pub transfer_list: Vec<AllQueuedTransferStruct>,
    }
}
cwmp_struct! {
    /// `ScheduleInform`
    pub struct ScheduleInform {
        /// `DelaySeconds` (> 0)
        pub delay_seconds: u32,
        /// `CommandKey`
        pub command_key: String,
    }
}
cwmp_struct! {
    /// `ScheduleInformResponse`
    pub struct ScheduleInformResponse {}
}
cwmp_struct! {
    /// `SetVouchers` (deprecated)
    pub struct SetVouchers {
        /// `VoucherList`: base64 text of each signed voucher
        pub voucher_list: Vec<String>,
    }
}
cwmp_struct! {
    /// `SetVouchersResponse`
    pub struct SetVouchersResponse {}
}
cwmp_struct! {
    /// `GetOptions` (deprecated)
    pub struct GetOptions {
        /// `OptionName` (empty: all)
        pub option_name: String,
    }
}
cwmp_struct! {
    /// `GetOptionsResponse`
    pub struct GetOptionsResponse {
        /// `OptionList`
        pub option_list: Vec<OptionStruct>,
    }
}
cwmp_struct! {
    /// `ScheduleDownload` (1.2)
    pub struct ScheduleDownload {
        /// `CommandKey`
        pub command_key: String,
        /// `FileType`
        pub file_type: String,
        /// `URL`
        #[cfg_attr(feature = "serde", serde(rename = "URL"))]
        pub url: String,
        /// `Username`
        pub username: String,
        /// `Password`
        pub password: String,
        /// `FileSize`
        pub file_size: u32,
        /// `TargetFileName`
        pub target_file_name: String,
        /// `TimeWindowList` (1 or 2 windows)
        pub time_window_list: Vec<TimeWindowStruct>,
    }
}
cwmp_struct! {
    /// `ScheduleDownloadResponse`
    pub struct ScheduleDownloadResponse {}
}
cwmp_struct! {
    /// `CancelTransfer` (1.2)
    pub struct CancelTransfer {
        /// `CommandKey`
        pub command_key: String,
    }
}
cwmp_struct! {
    /// `CancelTransferResponse`
    pub struct CancelTransferResponse {}
}
cwmp_struct! {
    /// `ChangeDUState` (1.2)
    pub struct ChangeDuState {
        /// `Operations`
        pub operations: Vec<Operation>,
        /// `CommandKey`
        pub command_key: String,
    }
}
cwmp_struct! {
    /// `ChangeDUStateResponse`
    pub struct ChangeDuStateResponse {}
}

// ---------------------------------------------------------------- ACS methods (called by the CPE)

cwmp_struct! {
    /// `Inform`: the first message of every session.
    pub struct Inform {
        /// `DeviceId`
        pub device_id: DeviceIdStruct,
        /// `Event`: every undelivered event
        pub event: Vec<EventStruct>,
        /// `MaxEnvelopes` (sent as 1, ignored on receipt)
        pub max_envelopes: u32,
        /// `CurrentTime`
        pub current_time: DateTimeField,
        /// `RetryCount`
        pub retry_count: u32,
        /// `ParameterList`
        pub parameter_list: Vec<ParameterValueStruct>,
    }
}

impl Inform {
    /// An Inform with MaxEnvelopes 1, Unknown Time, no retries and no parameters.
    pub fn new(device_id: DeviceIdStruct, event: Vec<EventStruct>) -> Self {
        Self {
            device_id,
            event,
            max_envelopes: 1,
            ..Self::default()
        }
    }

    /// Whether the Inform carries an event with this code.
    pub fn has_event(&self, code: &crate::EventCode) -> bool {
        self.event.iter().any(|e| &e.event_code == code)
    }

    /// Sets `CurrentTime`.
    #[must_use]
    pub fn with_current_time(mut self, time: impl Into<DateTimeField>) -> Self {
        self.current_time = time.into();
        self
    }

    /// Sets `RetryCount`.
    #[must_use]
    pub fn with_retry_count(mut self, retry_count: u32) -> Self {
        self.retry_count = retry_count;
        self
    }

    /// Appends a parameter to `ParameterList`.
    #[must_use]
    pub fn with_parameter(mut self, name: impl Into<ParameterName>, value: ParameterValue) -> Self {
        self.parameter_list
            .push(ParameterValueStruct::new(name, value));
        self
    }

    /// The value of a parameter in `ParameterList`, if present.
    pub fn parameter(&self, name: &str) -> Option<&ParameterValue> {
        self.parameter_list
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.value)
    }
}

/// `InformResponse`. Its [`Default`] is `MaxEnvelopes` 1, the only value the spec allows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase", default))]
#[non_exhaustive]
pub struct InformResponse {
    /// `MaxEnvelopes` (always 1)
    pub max_envelopes: u32,
}

impl Default for InformResponse {
    fn default() -> Self {
        Self::new()
    }
}

impl InformResponse {
    /// MaxEnvelopes 1.
    pub fn new() -> Self {
        Self { max_envelopes: 1 }
    }
}

cwmp_struct! {
    /// `TransferComplete`
    pub struct TransferComplete {
        /// `CommandKey` of the Download/Upload/ScheduleDownload
        pub command_key: String,
        /// `FaultStruct` (code 0: success)
        pub fault_struct: FaultStruct,
        /// `StartTime`
        pub start_time: DateTimeField,
        /// `CompleteTime`
        pub complete_time: DateTimeField,
    }
}
cwmp_struct! {
    /// `TransferCompleteResponse`
    pub struct TransferCompleteResponse {}
}
cwmp_struct! {
    /// `AutonomousTransferComplete` (1.1)
    pub struct AutonomousTransferComplete {
        /// `AnnounceURL`
        #[cfg_attr(feature = "serde", serde(rename = "AnnounceURL"))]
        pub announce_url: String,
        /// `TransferURL`
        #[cfg_attr(feature = "serde", serde(rename = "TransferURL"))]
        pub transfer_url: String,
        /// `IsDownload`
        pub is_download: bool,
        /// `FileType`
        pub file_type: String,
        /// `FileSize`
        pub file_size: u32,
        /// `TargetFileName`
        pub target_file_name: String,
        /// `FaultStruct`
        pub fault_struct: FaultStruct,
        /// `StartTime`
        pub start_time: DateTimeField,
        /// `CompleteTime`
        pub complete_time: DateTimeField,
    }
}
cwmp_struct! {
    /// `AutonomousTransferCompleteResponse`
    pub struct AutonomousTransferCompleteResponse {}
}
cwmp_struct! {
    /// `DUStateChangeComplete` (1.2)
    pub struct DuStateChangeComplete {
        /// `Results`, in the order of the ChangeDUState operations
        pub results: Vec<OpResultStruct>,
        /// `CommandKey`
        pub command_key: String,
    }
}
cwmp_struct! {
    /// `DUStateChangeCompleteResponse`
    pub struct DuStateChangeCompleteResponse {}
}
cwmp_struct! {
    /// `AutonomousDUStateChangeComplete` (1.2)
    pub struct AutonomousDuStateChangeComplete {
        /// `Results`
        pub results: Vec<AutonomousOpResultStruct>,
    }
}
cwmp_struct! {
    /// `AutonomousDUStateChangeCompleteResponse`
    pub struct AutonomousDuStateChangeCompleteResponse {}
}
cwmp_struct! {
    /// `RequestDownload`
    pub struct RequestDownload {
        /// `FileType`
        pub file_type: String,
        /// `FileTypeArg`
        pub file_type_arg: Vec<ArgStruct>,
    }
}
cwmp_struct! {
    /// `RequestDownloadResponse`
    pub struct RequestDownloadResponse {}
}
cwmp_struct! {
    /// `Kicked` (deprecated)
    pub struct Kicked {
        /// `Command`
        pub command: String,
        /// `Referer`
        pub referer: String,
        /// `Arg`
        pub arg: String,
        /// `Next`
        pub next: String,
    }
}
cwmp_struct! {
    /// `KickedResponse`
    pub struct KickedResponse {
        /// `NextURL`
        #[cfg_attr(feature = "serde", serde(rename = "NextURL"))]
        pub next_url: String,
    }
}

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

// ---------------------------------------------------------------- short constructors

impl GetParameterValues {
    /// Asks for these names (full names or partial paths).
    pub fn new<I, N>(names: I) -> Self
    where
        I: IntoIterator<Item = N>,
        N: Into<ParameterName>,
    {
        Self {
            parameter_names: names.into_iter().map(Into::into).collect(),
        }
    }
}

impl GetParameterAttributes {
    /// Asks for the attributes of these names.
    pub fn new<I, N>(names: I) -> Self
    where
        I: IntoIterator<Item = N>,
        N: Into<ParameterName>,
    {
        Self {
            parameter_names: names.into_iter().map(Into::into).collect(),
        }
    }
}

impl GetParameterNames {
    /// Asks for the names below `path`.
    pub fn new(path: impl Into<ParameterName>, next_level: bool) -> Self {
        Self {
            parameter_path: path.into(),
            next_level,
        }
    }
}

impl SetParameterValues {
    /// Sets these values; `parameter_key` is stored by the CPE on success.
    pub fn new(
        parameter_list: Vec<ParameterValueStruct>,
        parameter_key: impl Into<String>,
    ) -> Self {
        Self {
            parameter_list,
            parameter_key: parameter_key.into(),
        }
    }
}

impl GetParameterValuesResponse {
    /// A response with these values.
    pub fn new(parameter_list: Vec<ParameterValueStruct>) -> Self {
        Self { parameter_list }
    }
}

impl GetParameterNamesResponse {
    /// A response with these entries.
    pub fn new(parameter_list: Vec<ParameterInfoStruct>) -> Self {
        Self { parameter_list }
    }
}

impl SetParameterValuesResponse {
    /// A response with this status.
    pub fn new(status: i32) -> Self {
        Self { status }
    }
}

impl AddObject {
    /// Adds an instance to the table `object_name` (ending in `.`).
    pub fn new(object_name: impl Into<ParameterName>, parameter_key: impl Into<String>) -> Self {
        Self {
            object_name: object_name.into(),
            parameter_key: parameter_key.into(),
        }
    }
}

impl AddObjectResponse {
    /// A response for a new instance.
    pub fn new(instance_number: u32, status: i32) -> Self {
        Self {
            instance_number,
            status,
        }
    }
}

impl DeleteObject {
    /// Deletes the instance `object_name` (ending in `.`).
    pub fn new(object_name: impl Into<ParameterName>, parameter_key: impl Into<String>) -> Self {
        Self {
            object_name: object_name.into(),
            parameter_key: parameter_key.into(),
        }
    }
}

impl DeleteObjectResponse {
    /// A response with this status.
    pub fn new(status: i32) -> Self {
        Self { status }
    }
}

impl Reboot {
    /// A reboot with this CommandKey.
    pub fn new(command_key: impl Into<String>) -> Self {
        Self {
            command_key: command_key.into(),
        }
    }
}

impl Download {
    /// A download of `url` as `file_type` (`1 Firmware Upgrade Image`, …).
    pub fn new(
        command_key: impl Into<String>,
        file_type: impl Into<String>,
        url: impl Into<String>,
    ) -> Self {
        Self {
            command_key: command_key.into(),
            file_type: file_type.into(),
            url: url.into(),
            ..Self::default()
        }
    }
}

impl DownloadResponse {
    /// Status 1 (not yet done) with Unknown Times: completion comes in a TransferComplete.
    pub fn pending() -> Self {
        Self {
            status: 1,
            start_time: DateTimeField::UNKNOWN,
            complete_time: DateTimeField::UNKNOWN,
        }
    }
}

impl Upload {
    /// An upload of `file_type` to `url`.
    pub fn new(
        command_key: impl Into<String>,
        file_type: impl Into<String>,
        url: impl Into<String>,
    ) -> Self {
        Self {
            command_key: command_key.into(),
            file_type: file_type.into(),
            url: url.into(),
            ..Self::default()
        }
    }
}

impl ScheduleInform {
    /// An Inform in `delay_seconds` with this CommandKey.
    pub fn new(delay_seconds: u32, command_key: impl Into<String>) -> Self {
        Self {
            delay_seconds,
            command_key: command_key.into(),
        }
    }
}

impl CancelTransfer {
    /// Cancels the transfer with this CommandKey.
    pub fn new(command_key: impl Into<String>) -> Self {
        Self {
            command_key: command_key.into(),
        }
    }
}

impl TransferComplete {
    /// A completion report.
    pub fn new(
        command_key: impl Into<String>,
        fault_struct: FaultStruct,
        start_time: impl Into<DateTimeField>,
        complete_time: impl Into<DateTimeField>,
    ) -> Self {
        Self {
            command_key: command_key.into(),
            fault_struct,
            start_time: start_time.into(),
            complete_time: complete_time.into(),
        }
    }
}

impl GetRpcMethodsResponse {
    /// A method list.
    pub fn new<I, S>(methods: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            method_list: methods.into_iter().map(Into::into).collect(),
        }
    }
}

impl KickedResponse {
    /// A response naming the next URL.
    pub fn new(next_url: impl Into<String>) -> Self {
        Self {
            next_url: next_url.into(),
        }
    }
}

impl TransferComplete {
    /// A successful transfer (`FaultCode` 0).
    pub fn success(
        command_key: impl Into<String>,
        start_time: impl Into<DateTimeField>,
        complete_time: impl Into<DateTimeField>,
    ) -> Self {
        Self::new(
            command_key,
            FaultStruct::success(),
            start_time,
            complete_time,
        )
    }

    /// A failed transfer with the code's standard text.
    pub fn failure(
        command_key: impl Into<String>,
        fault_code: FaultCode,
        start_time: impl Into<DateTimeField>,
        complete_time: impl Into<DateTimeField>,
    ) -> Self {
        Self::new(
            command_key,
            FaultStruct::failure(fault_code),
            start_time,
            complete_time,
        )
    }
}

impl DownloadResponse {
    /// Status 0: the download was done and applied between these times.
    pub fn completed(
        start_time: impl Into<DateTimeField>,
        complete_time: impl Into<DateTimeField>,
    ) -> Self {
        Self {
            status: 0,
            start_time: start_time.into(),
            complete_time: complete_time.into(),
        }
    }
}

impl UploadResponse {
    /// Status 1 (not yet done) with Unknown Times: completion comes in a TransferComplete.
    pub fn pending() -> Self {
        Self {
            status: 1,
            start_time: DateTimeField::UNKNOWN,
            complete_time: DateTimeField::UNKNOWN,
        }
    }

    /// Status 0: the upload was done between these times.
    pub fn completed(
        start_time: impl Into<DateTimeField>,
        complete_time: impl Into<DateTimeField>,
    ) -> Self {
        Self {
            status: 0,
            start_time: start_time.into(),
            complete_time: complete_time.into(),
        }
    }
}

impl ScheduleDownload {
    /// A download of `url` as `file_type` within these time windows (1 or 2).
    pub fn new(
        command_key: impl Into<String>,
        file_type: impl Into<String>,
        url: impl Into<String>,
        time_window_list: Vec<TimeWindowStruct>,
    ) -> Self {
        Self {
            command_key: command_key.into(),
            file_type: file_type.into(),
            url: url.into(),
            time_window_list,
            ..Self::default()
        }
    }
}

impl SetParameterAttributes {
    /// Applies these attribute changes.
    pub fn new(parameter_list: Vec<SetParameterAttributesStruct>) -> Self {
        Self { parameter_list }
    }
}

impl GetParameterAttributesResponse {
    /// A response with these entries.
    pub fn new(parameter_list: Vec<ParameterAttributeStruct>) -> Self {
        Self { parameter_list }
    }
}

impl GetQueuedTransfersResponse {
    /// A response listing these transfers.
    pub fn new(transfer_list: Vec<QueuedTransferStruct>) -> Self {
        Self { transfer_list }
    }
}

impl GetAllQueuedTransfersResponse {
    /// A response listing these transfers.
    pub fn new(transfer_list: Vec<AllQueuedTransferStruct>) -> Self {
        Self { transfer_list }
    }
}

impl SetVouchers {
    /// Sends these vouchers (base64 text each).
    pub fn new<I, S>(vouchers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            voucher_list: vouchers.into_iter().map(Into::into).collect(),
        }
    }
}

impl GetOptions {
    /// Asks for one option (empty: all).
    pub fn new(option_name: impl Into<String>) -> Self {
        Self {
            option_name: option_name.into(),
        }
    }
}

impl GetOptionsResponse {
    /// A response with these options.
    pub fn new(option_list: Vec<OptionStruct>) -> Self {
        Self { option_list }
    }
}

impl ChangeDuState {
    /// Applies these operations; completion is reported with this CommandKey.
    pub fn new(operations: Vec<Operation>, command_key: impl Into<String>) -> Self {
        Self {
            operations,
            command_key: command_key.into(),
        }
    }
}

impl DuStateChangeComplete {
    /// Reports these results (in the order of the ChangeDUState operations).
    pub fn new(results: Vec<OpResultStruct>, command_key: impl Into<String>) -> Self {
        Self {
            results,
            command_key: command_key.into(),
        }
    }
}

impl AutonomousDuStateChangeComplete {
    /// Reports these results.
    pub fn new(results: Vec<AutonomousOpResultStruct>) -> Self {
        Self { results }
    }
}

impl AutonomousTransferComplete {
    /// A report of an autonomous transfer of `transfer_url` as `file_type`.
    pub fn new(
        transfer_url: impl Into<String>,
        is_download: bool,
        file_type: impl Into<String>,
        fault_struct: FaultStruct,
        start_time: impl Into<DateTimeField>,
        complete_time: impl Into<DateTimeField>,
    ) -> Self {
        Self {
            transfer_url: transfer_url.into(),
            is_download,
            file_type: file_type.into(),
            fault_struct,
            start_time: start_time.into(),
            complete_time: complete_time.into(),
            ..Self::default()
        }
    }
}

impl RequestDownload {
    /// Asks for a file of this type, with no arguments.
    pub fn new(file_type: impl Into<String>) -> Self {
        Self {
            file_type: file_type.into(),
            file_type_arg: Vec::new(),
        }
    }

    /// Adds a `FileTypeArg` entry.
    #[must_use]
    pub fn with_arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.file_type_arg.push(ArgStruct::new(name, value));
        self
    }
}

impl Kicked {
    /// A Kicked call with its four arguments.
    pub fn new(
        command: impl Into<String>,
        referer: impl Into<String>,
        arg: impl Into<String>,
        next: impl Into<String>,
    ) -> Self {
        Self {
            command: command.into(),
            referer: referer.into(),
            arg: arg.into(),
            next: next.into(),
        }
    }
}
