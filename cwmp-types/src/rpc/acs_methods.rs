//! The ACS methods (called by the CPE) and their responses.

use crate::structs::cwmp_struct;
use crate::{
    ArgStruct, AutonomousOpResultStruct, DateTimeField, DeviceIdStruct, EventStruct, FaultCode,
    FaultStruct, OpResultStruct, ParameterName, ParameterValue, ParameterValueStruct,
};

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

// ---------------------------------------------------------------- short constructors

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
