//! The CWMP struct types used inside RPC arguments.

use crate::{DateTimeField, FaultCode, ParameterName, ParameterValue};

/// Expands to the derive and serde attributes every message struct shares.
macro_rules! cwmp_struct {
    ($(#[$m:meta])* pub struct $name:ident { $( $(#[$fm:meta])* pub $f:ident : $t:ty, )* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(rename_all = "PascalCase", default))]
        #[non_exhaustive]
        pub struct $name { $( $(#[$fm])* pub $f: $t, )* }
    };
}
pub(crate) use cwmp_struct;

cwmp_struct! {
    /// `DeviceIdStruct`: who the CPE is.
    pub struct DeviceIdStruct {
        /// `Manufacturer` string(64)
        pub manufacturer: String,
        /// `OUI`: 6 upper-case hex digits
        #[cfg_attr(feature = "serde", serde(rename = "OUI"))]
        pub oui: String,
        /// `ProductClass` string(64), may be empty
        pub product_class: String,
        /// `SerialNumber` string(64)
        pub serial_number: String,
    }
}

impl DeviceIdStruct {
    /// A DeviceId from its four fields.
    pub fn new(
        manufacturer: impl Into<String>,
        oui: impl Into<String>,
        product_class: impl Into<String>,
        serial_number: impl Into<String>,
    ) -> Self {
        Self {
            manufacturer: manufacturer.into(),
            oui: oui.into(),
            product_class: product_class.into(),
            serial_number: serial_number.into(),
        }
    }

    /// The CPE's conventional HTTP username: `<OUI>-<ProductClass>-<SerialNumber>`, or
    /// `<OUI>-<SerialNumber>` when the product class is empty.
    pub fn username(&self) -> String {
        if self.product_class.is_empty() {
            format!("{}-{}", self.oui, self.serial_number)
        } else {
            format!("{}-{}-{}", self.oui, self.product_class, self.serial_number)
        }
    }
}

cwmp_struct! {
    /// `ParameterValueStruct`: a name and its typed value.
    pub struct ParameterValueStruct {
        /// `Name`
        pub name: ParameterName,
        /// `Value` with its `xsi:type`
        pub value: ParameterValue,
    }
}

impl ParameterValueStruct {
    /// A name/value pair.
    pub fn new(name: impl Into<ParameterName>, value: ParameterValue) -> Self {
        Self {
            name: name.into(),
            value,
        }
    }
}

cwmp_struct! {
    /// `ParameterInfoStruct`: a GetParameterNames result entry.
    pub struct ParameterInfoStruct {
        /// `Name` (objects end with `.`)
        pub name: ParameterName,
        /// `Writable`
        pub writable: bool,
    }
}

impl ParameterInfoStruct {
    /// An entry.
    pub fn new(name: impl Into<ParameterName>, writable: bool) -> Self {
        Self {
            name: name.into(),
            writable,
        }
    }
}

cwmp_struct! {
    /// `SetParameterAttributesStruct`
    pub struct SetParameterAttributesStruct {
        /// `Name` (full or partial path)
        pub name: ParameterName,
        /// `NotificationChange`: whether `Notification` applies
        pub notification_change: bool,
        /// `Notification` 0–6
        pub notification: i32,
        /// `AccessListChange`: whether `AccessList` applies
        pub access_list_change: bool,
        /// `AccessList` (only `Subscriber` is defined)
        pub access_list: Vec<String>,
    }
}

impl SetParameterAttributesStruct {
    /// Changes only the notification of `name`.
    pub fn notification(name: impl Into<ParameterName>, notification: i32) -> Self {
        Self {
            name: name.into(),
            notification_change: true,
            notification,
            ..Self::default()
        }
    }
}

cwmp_struct! {
    /// `ParameterAttributeStruct`: a GetParameterAttributes result entry.
    pub struct ParameterAttributeStruct {
        /// `Name`
        pub name: ParameterName,
        /// `Notification` 0–6
        pub notification: i32,
        /// `AccessList`
        pub access_list: Vec<String>,
    }
}

impl ParameterAttributeStruct {
    /// An entry.
    pub fn new(
        name: impl Into<ParameterName>,
        notification: i32,
        access_list: Vec<String>,
    ) -> Self {
        Self {
            name: name.into(),
            notification,
            access_list,
        }
    }
}

/// `FaultStruct` (TransferCompleteFaultStruct / DeploymentUnitFaultStruct): code 0 means success.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase", default))]
#[non_exhaustive]
pub struct FaultStruct {
    /// `FaultCode` (0 = no fault)
    pub fault_code: FaultCode,
    /// `FaultString`
    pub fault_string: String,
}

impl Default for FaultStruct {
    fn default() -> Self {
        Self::success()
    }
}

impl FaultStruct {
    /// Code 0, empty string: the transfer succeeded.
    pub fn success() -> Self {
        Self {
            fault_code: FaultCode::Other(0),
            fault_string: String::new(),
        }
    }
    /// A failure with the code's standard text.
    pub fn failure(fault_code: FaultCode) -> Self {
        Self {
            fault_code,
            fault_string: fault_code.description().to_owned(),
        }
    }
    /// Whether this reports success (code 0).
    pub fn is_success(&self) -> bool {
        self.fault_code.code() == 0
    }
}

cwmp_struct! {
    /// `QueuedTransferStruct` (deprecated GetQueuedTransfers)
    pub struct QueuedTransferStruct {
        /// `CommandKey`
        pub command_key: String,
        /// `State`: 1 not yet started, 2 in progress, 3 completed
        pub state: i32,
    }
}

impl QueuedTransferStruct {
    /// An entry for the transfer with this CommandKey in `state` (1, 2 or 3).
    pub fn new(command_key: impl Into<String>, state: i32) -> Self {
        Self {
            command_key: command_key.into(),
            state,
        }
    }
}

cwmp_struct! {
    /// `AllQueuedTransferStruct`
    pub struct AllQueuedTransferStruct {
        /// `CommandKey`
        pub command_key: String,
        /// `State`: 1 not yet started, 2 in progress, 3 completed
        pub state: i32,
        /// `IsDownload`
        pub is_download: bool,
        /// `FileType`
        pub file_type: String,
        /// `FileSize`
        pub file_size: u32,
        /// `TargetFileName`
        pub target_file_name: String,
    }
}

cwmp_struct! {
    /// `TimeWindowStruct` of ScheduleDownload
    pub struct TimeWindowStruct {
        /// `WindowStart`: seconds after the request
        pub window_start: u32,
        /// `WindowEnd`: seconds after the request (≥ WindowStart)
        pub window_end: u32,
        /// `WindowMode`: `1 At Any Time`, `2 Immediately`, `3 When Idle`, `4 Confirmation Needed`, or vendor
        pub window_mode: String,
        /// `UserMessage`
        pub user_message: String,
        /// `MaxRetries` (−1: the CPE decides)
        pub max_retries: i32,
    }
}

impl TimeWindowStruct {
    /// A window from `window_start` to `window_end` seconds after the request, in `window_mode`
    /// (`1 At Any Time`, …), with no user message and `MaxRetries` −1 (the CPE decides).
    pub fn new(window_start: u32, window_end: u32, window_mode: impl Into<String>) -> Self {
        Self {
            window_start,
            window_end,
            window_mode: window_mode.into(),
            user_message: String::new(),
            max_retries: -1,
        }
    }
}

cwmp_struct! {
    /// `ArgStruct`: a RequestDownload `FileTypeArg` entry
    pub struct ArgStruct {
        /// `Name` string(64)
        pub name: String,
        /// `Value` string(256)
        pub value: String,
    }
}

impl ArgStruct {
    /// A name/value argument.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

cwmp_struct! {
    /// `OptionStruct` of GetOptions (deprecated)
    pub struct OptionStruct {
        /// `OptionName`
        pub option_name: String,
        /// `VoucherSN`
        #[cfg_attr(feature = "serde", serde(rename = "VoucherSN"))]
        pub voucher_sn: u32,
        /// `State` 0–3
        pub state: u32,
        /// `Mode` 0–2
        pub mode: i32,
        /// `StartDate`
        pub start_date: DateTimeField,
        /// `ExpirationDate` (optional)
        pub expiration_date: Option<DateTimeField>,
        /// `IsTransferable` 0/1
        pub is_transferable: i32,
    }
}

cwmp_struct! {
    /// `InstallOpStruct` of ChangeDUState. Empty optional strings are omitted on the wire.
    pub struct InstallOpStruct {
        /// `URL` (required)
        #[cfg_attr(feature = "serde", serde(rename = "URL"))]
        pub url: String,
        /// `UUID` (optional)
        #[cfg_attr(feature = "serde", serde(rename = "UUID"))]
        pub uuid: String,
        /// `Username` (optional)
        pub username: String,
        /// `Password` (optional)
        pub password: String,
        /// `ExecutionEnvRef` (optional)
        pub execution_env_ref: String,
    }
}

impl InstallOpStruct {
    /// Installs the deployment unit at `url` (no UUID, credentials or environment).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            ..Self::default()
        }
    }
}

cwmp_struct! {
    /// `UpdateOpStruct` of ChangeDUState. Empty optional strings are omitted on the wire.
    pub struct UpdateOpStruct {
        /// `UUID` (optional)
        #[cfg_attr(feature = "serde", serde(rename = "UUID"))]
        pub uuid: String,
        /// `Version` (optional)
        pub version: String,
        /// `URL` (optional)
        #[cfg_attr(feature = "serde", serde(rename = "URL"))]
        pub url: String,
        /// `Username` (optional)
        pub username: String,
        /// `Password` (optional)
        pub password: String,
    }
}

impl UpdateOpStruct {
    /// Updates the deployment unit `uuid` from `url` (either may be empty, see the spec).
    pub fn new(uuid: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            uuid: uuid.into(),
            url: url.into(),
            ..Self::default()
        }
    }
}

cwmp_struct! {
    /// `UninstallOpStruct` of ChangeDUState. Empty optional strings are omitted on the wire.
    pub struct UninstallOpStruct {
        /// `UUID` (required)
        #[cfg_attr(feature = "serde", serde(rename = "UUID"))]
        pub uuid: String,
        /// `Version` (optional)
        pub version: String,
        /// `ExecutionEnvRef` (optional)
        pub execution_env_ref: String,
    }
}

impl UninstallOpStruct {
    /// Uninstalls every version of the deployment unit `uuid`.
    pub fn new(uuid: impl Into<String>) -> Self {
        Self {
            uuid: uuid.into(),
            ..Self::default()
        }
    }
}

/// One ChangeDUState operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Operation {
    /// `InstallOpStruct`
    #[cfg_attr(feature = "serde", serde(rename = "InstallOpStruct"))]
    Install(InstallOpStruct),
    /// `UpdateOpStruct`
    #[cfg_attr(feature = "serde", serde(rename = "UpdateOpStruct"))]
    Update(UpdateOpStruct),
    /// `UninstallOpStruct`
    #[cfg_attr(feature = "serde", serde(rename = "UninstallOpStruct"))]
    Uninstall(UninstallOpStruct),
}

cwmp_struct! {
    /// `OpResultStruct` of DUStateChangeComplete
    pub struct OpResultStruct {
        /// `UUID`
        #[cfg_attr(feature = "serde", serde(rename = "UUID"))]
        pub uuid: String,
        /// `DeploymentUnitRef`
        pub deployment_unit_ref: String,
        /// `Version`
        pub version: String,
        /// `CurrentState`: `Installed`, `Uninstalled` or `Failed`
        pub current_state: String,
        /// `Resolved`
        pub resolved: bool,
        /// `ExecutionUnitRefList` (comma-separated paths)
        pub execution_unit_ref_list: String,
        /// `StartTime`
        pub start_time: DateTimeField,
        /// `CompleteTime`
        pub complete_time: DateTimeField,
        /// `Fault`
        pub fault: FaultStruct,
    }
}

impl OpResultStruct {
    /// The result for deployment unit `uuid`, now in `current_state` (`Installed`,
    /// `Uninstalled` or `Failed`), with `fault` (code 0 on success).
    pub fn new(
        uuid: impl Into<String>,
        current_state: impl Into<String>,
        fault: FaultStruct,
    ) -> Self {
        Self {
            uuid: uuid.into(),
            current_state: current_state.into(),
            fault,
            ..Self::default()
        }
    }
}

cwmp_struct! {
    /// `AutonOpResultStruct` of AutonomousDUStateChangeComplete
    pub struct AutonomousOpResultStruct {
        /// The `OpResultStruct` fields
        #[cfg_attr(feature = "serde", serde(flatten))]
        pub result: OpResultStruct,
        /// `OperationPerformed`: `Install`, `Update`, `Uninstall` or vendor
        pub operation_performed: String,
    }
}

impl AutonomousOpResultStruct {
    /// A result with the operation that was performed (`Install`, `Update`, `Uninstall`).
    pub fn new(result: OpResultStruct, operation_performed: impl Into<String>) -> Self {
        Self {
            result,
            operation_performed: operation_performed.into(),
        }
    }
}

impl From<InstallOpStruct> for Operation {
    fn from(op: InstallOpStruct) -> Self {
        Self::Install(op)
    }
}

impl From<UpdateOpStruct> for Operation {
    fn from(op: UpdateOpStruct) -> Self {
        Self::Update(op)
    }
}

impl From<UninstallOpStruct> for Operation {
    fn from(op: UninstallOpStruct) -> Self {
        Self::Uninstall(op)
    }
}
