//! The CPE methods (called by the ACS) and their responses.

use crate::structs::cwmp_struct;
use crate::{
    AllQueuedTransferStruct, DateTimeField, Operation, OptionStruct, ParameterAttributeStruct,
    ParameterInfoStruct, ParameterName, ParameterValueStruct, QueuedTransferStruct,
    SetParameterAttributesStruct, TimeWindowStruct,
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
