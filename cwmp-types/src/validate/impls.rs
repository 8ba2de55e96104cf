//! [`Validate`] for every message: the limits and patterns of the spec
//! (TR-069 Amendment 6, Annex A: the RPC arguments and structures, and their types).
//!
//! Errors name the spec's argument (`CommandKey`, `URL`, …) of the innermost field at fault.

use super::{Validate, ValidationError, check_len, limits};
use crate::*;

type Result = core::result::Result<(), ValidationError>;

// ---------------------------------------------------------------- helpers

fn each<T: Validate>(items: &[T]) -> Result {
    items.iter().try_for_each(Validate::validate)
}

fn at_most(field: &'static str, len: usize, max: usize) -> Result {
    if len > max {
        Err(ValidationError::too_many(field, max))
    } else {
        Ok(())
    }
}

fn at_least(field: &'static str, len: usize, min: usize) -> Result {
    if len < min {
        Err(ValidationError::too_few(field, min))
    } else {
        Ok(())
    }
}

fn in_range(field: &'static str, value: i64, min: i64, max: i64) -> Result {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ValidationError::out_of_range(field, min, max))
    }
}

fn non_empty(field: &'static str, value: &str) -> Result {
    if value.is_empty() {
        Err(ValidationError::invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

fn name(field: &'static str, n: &ParameterName) -> Result {
    ParameterName::check(n.as_str(), field)
}

fn full_name(field: &'static str, n: &ParameterName) -> Result {
    name(field, n)?;
    if n.kind() == PathKind::Full {
        Ok(())
    } else {
        Err(ValidationError::invalid(
            field,
            "must be a full parameter name",
        ))
    }
}

fn object_name(field: &'static str, n: &ParameterName) -> Result {
    name(field, n)?;
    if n.kind() == PathKind::Partial {
        Ok(())
    } else {
        Err(ValidationError::invalid(
            field,
            "must be an object path ending in `.`",
        ))
    }
}

fn date_time(field: &'static str, d: &DateTimeField) -> Result {
    match d {
        DateTimeField::Valid(_) => Ok(()),
        DateTimeField::Invalid(_) => Err(ValidationError::invalid(field, "not a valid dateTime")),
    }
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && !s.contains(char::is_whitespace)
}

/// `\S+ .+`: a token, a space, then at least one character.
fn is_token_then_text(s: &str) -> bool {
    s.split_once(' ')
        .is_some_and(|(t, rest)| is_token(t) && !rest.is_empty())
}

/// `[1-9]\d*( \S+)+`: a number without leading zero and at least one more token.
fn is_numbered(s: &str) -> bool {
    let mut parts = s.split(' ');
    let number = parts.next().unwrap_or_default();
    let valid_number = number.bytes().all(|b| b.is_ascii_digit())
        && number.bytes().next().is_some_and(|b| b != b'0');
    let mut rest = parts.peekable();
    valid_number && rest.peek().is_some() && rest.all(is_token)
}

/// A file type: `[1-9]\d*( \S+)+` or a vendor `X <OUI|token> <text>`.
fn file_type(field: &'static str, s: &str) -> Result {
    check_len(field, s, limits::STRING_64)?;
    let ok = match s.strip_prefix("X ") {
        Some(vendor) => is_token_then_text(vendor),
        None => is_numbered(s),
    };
    if ok {
        Ok(())
    } else {
        Err(ValidationError::invalid(
            field,
            "not `<number> <description>` or `X <OUI> <text>`",
        ))
    }
}

fn is_hex_group(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A deployment unit UUID: 8-4-4-4-12 hex digits.
fn uuid(field: &'static str, s: &str) -> Result {
    let groups: Vec<&str> = s.split('-').collect();
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| is_hex_group(g, n));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::invalid(
            field,
            "not an 8-4-4-4-12 hex UUID",
        ))
    }
}

/// An optional UUID: empty (omitted on the wire) or well-formed.
fn optional_uuid(field: &'static str, s: &str) -> Result {
    if s.is_empty() { Ok(()) } else { uuid(field, s) }
}

fn access_list(items: &[String]) -> Result {
    items
        .iter()
        .try_for_each(|i| check_len("AccessList", i, limits::STRING_64))
}

fn notification(value: i32) -> Result {
    in_range(
        "Notification",
        i64::from(value),
        0,
        i64::from(limits::NOTIFICATION_MAX),
    )
}

fn status(value: i32) -> Result {
    in_range("Status", i64::from(value), 0, 1)
}

fn transfer_state(value: i32) -> Result {
    in_range("State", i64::from(value), 1, 3)
}

fn command_key(s: &str) -> Result {
    check_len("CommandKey", s, limits::COMMAND_KEY)
}

fn parameter_key(s: &str) -> Result {
    check_len("ParameterKey", s, limits::PARAMETER_KEY)
}

fn url(field: &'static str, s: &str, max: usize) -> Result {
    check_len(field, s, max)
}

fn required_url(field: &'static str, s: &str, max: usize) -> Result {
    non_empty(field, s)?;
    check_len(field, s, max)
}

fn string_256(field: &'static str, s: &str) -> Result {
    check_len(field, s, limits::STRING_256)
}

/// The codes a TransferComplete / AutonomousTransferComplete `FaultStruct` may carry.
fn transfer_fault(f: &FaultStruct) -> Result {
    f.validate()?;
    match f.fault_code.code() {
        0 | 9001 | 9002 | 9010..=9012 | 9014..=9020 | 9033..=9899 => Ok(()),
        _ => Err(ValidationError::invalid(
            "FaultCode",
            "not a transfer fault code (0, 9001, 9002, 9010-9012, 9014-9020, 9033-9899)",
        )),
    }
}

/// The codes a deployment unit `Fault` may carry.
fn du_fault(f: &FaultStruct) -> Result {
    f.validate()?;
    match f.fault_code.code() {
        0 | 9001 | 9003 | 9012 | 9013 | 9015..=9018 | 9022..=9899 => Ok(()),
        _ => Err(ValidationError::invalid(
            "FaultCode",
            "not a deployment unit fault code (0, 9001, 9003, 9012, 9013, 9015-9018, 9022-9899)",
        )),
    }
}

/// Whether `s` is an XML name usable as an unprefixed element name.
fn is_nc_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

// ---------------------------------------------------------------- codes, names, values

impl Validate for ParameterName {
    /// The rules of [`ParameterName::new`], reported as `Name`.
    fn validate(&self) -> Result {
        name("Name", self)
    }
}

impl Validate for EventCode {
    /// At most 64 characters and one of the spec's patterns: a standard code, `M <Method>`,
    /// `X <OUI|token> <text>`, or a future numbered code `<number> <WORDS>`.
    fn validate(&self) -> Result {
        check_len("EventCode", &self.as_str(), limits::STRING_64)?;
        let ok = match self {
            Self::Method(m) => is_token(m),
            Self::Vendor(v) => is_token_then_text(v),
            Self::Other(o) => {
                let mut parts = o.split(' ');
                let number = parts.next().unwrap_or_default();
                let mut rest = parts.peekable();
                !number.is_empty()
                    && number.bytes().all(|b| b.is_ascii_digit())
                    && rest.peek().is_some()
                    && rest.all(is_token)
            }
            _ => true,
        };
        if ok {
            Ok(())
        } else {
            Err(ValidationError::invalid(
                "EventCode",
                "not a standard, `M <Method>` or `X <OUI> <text>` event code",
            ))
        }
    }
}

impl Validate for ParameterValue {
    /// The text must be valid for the declared `xsi:type`.
    fn validate(&self) -> Result {
        self.check()
            .map_err(|_| ValidationError::invalid("Value", "text does not match its xsi:type"))
    }
}

// ---------------------------------------------------------------- structs

impl Validate for DeviceIdStruct {
    fn validate(&self) -> Result {
        check_len("Manufacturer", &self.manufacturer, limits::DEVICE_ID_FIELD)?;
        if !is_hex_group(&self.oui, limits::OUI) || self.oui.bytes().any(|b| b.is_ascii_lowercase())
        {
            return Err(ValidationError::invalid(
                "OUI",
                "must be 6 upper-case hex digits",
            ));
        }
        check_len("ProductClass", &self.product_class, limits::DEVICE_ID_FIELD)?;
        check_len("SerialNumber", &self.serial_number, limits::DEVICE_ID_FIELD)
    }
}

impl Validate for EventStruct {
    fn validate(&self) -> Result {
        self.event_code.validate()?;
        command_key(&self.command_key)
    }
}

impl Validate for ParameterValueStruct {
    fn validate(&self) -> Result {
        name("Name", &self.name)?;
        self.value.validate()
    }
}

impl Validate for ParameterInfoStruct {
    fn validate(&self) -> Result {
        name("Name", &self.name)
    }
}

impl Validate for SetParameterAttributesStruct {
    fn validate(&self) -> Result {
        name("Name", &self.name)?;
        notification(self.notification)?;
        access_list(&self.access_list)
    }
}

impl Validate for ParameterAttributeStruct {
    fn validate(&self) -> Result {
        name("Name", &self.name)?;
        notification(self.notification)?;
        access_list(&self.access_list)
    }
}

impl Validate for FaultStruct {
    /// Code 0 (success) or a CPE code (9000–9899); `FaultString` at most 256 characters.
    /// TransferComplete and deployment unit results narrow the codes further.
    fn validate(&self) -> Result {
        if !matches!(self.fault_code.code(), 0 | 9000..=9899) {
            return Err(ValidationError::invalid(
                "FaultCode",
                "not 0 or a CPE fault code (9000-9899)",
            ));
        }
        check_len("FaultString", &self.fault_string, limits::FAULT_STRING)
    }
}

impl Validate for QueuedTransferStruct {
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        transfer_state(self.state)
    }
}

impl Validate for AllQueuedTransferStruct {
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        transfer_state(self.state)?;
        file_type("FileType", &self.file_type)?;
        string_256("TargetFileName", &self.target_file_name)
    }
}

impl Validate for TimeWindowStruct {
    fn validate(&self) -> Result {
        if self.window_end < self.window_start {
            return Err(ValidationError::invalid(
                "WindowEnd",
                "must not be before WindowStart",
            ));
        }
        non_empty("WindowMode", &self.window_mode)?;
        check_len("WindowMode", &self.window_mode, limits::STRING_64)?;
        string_256("UserMessage", &self.user_message)?;
        in_range(
            "MaxRetries",
            i64::from(self.max_retries),
            -1,
            i64::from(i32::MAX),
        )
    }
}

impl Validate for ArgStruct {
    fn validate(&self) -> Result {
        check_len("Name", &self.name, limits::ARG_NAME)?;
        check_len("Value", &self.value, limits::ARG_VALUE)
    }
}

impl Validate for OptionStruct {
    fn validate(&self) -> Result {
        check_len("OptionName", &self.option_name, limits::OPTION_NAME)?;
        in_range("State", i64::from(self.state), 0, 3)?;
        in_range("Mode", i64::from(self.mode), 0, 2)?;
        date_time("StartDate", &self.start_date)?;
        if let Some(d) = &self.expiration_date {
            date_time("ExpirationDate", d)?;
        }
        in_range("IsTransferable", i64::from(self.is_transferable), 0, 1)
    }
}

impl Validate for InstallOpStruct {
    fn validate(&self) -> Result {
        required_url("URL", &self.url, limits::LONG_URL)?;
        optional_uuid("UUID", &self.uuid)?;
        string_256("Username", &self.username)?;
        string_256("Password", &self.password)?;
        string_256("ExecutionEnvRef", &self.execution_env_ref)
    }
}

impl Validate for UpdateOpStruct {
    fn validate(&self) -> Result {
        optional_uuid("UUID", &self.uuid)?;
        check_len("Version", &self.version, limits::DU_VERSION)?;
        url("URL", &self.url, limits::LONG_URL)?;
        string_256("Username", &self.username)?;
        string_256("Password", &self.password)
    }
}

impl Validate for UninstallOpStruct {
    fn validate(&self) -> Result {
        uuid("UUID", &self.uuid)?;
        check_len("Version", &self.version, limits::DU_VERSION)?;
        string_256("ExecutionEnvRef", &self.execution_env_ref)
    }
}

impl Validate for Operation {
    fn validate(&self) -> Result {
        match self {
            Self::Install(op) => op.validate(),
            Self::Update(op) => op.validate(),
            Self::Uninstall(op) => op.validate(),
        }
    }
}

impl Validate for OpResultStruct {
    fn validate(&self) -> Result {
        optional_uuid("UUID", &self.uuid)?;
        check_len("Version", &self.version, limits::DU_VERSION)?;
        if !matches!(
            self.current_state.as_str(),
            "Installed" | "Uninstalled" | "Failed"
        ) {
            return Err(ValidationError::invalid(
                "CurrentState",
                "not Installed, Uninstalled or Failed",
            ));
        }
        date_time("StartTime", &self.start_time)?;
        date_time("CompleteTime", &self.complete_time)?;
        du_fault(&self.fault)
    }
}

impl Validate for AutonomousOpResultStruct {
    fn validate(&self) -> Result {
        self.result.validate()?;
        non_empty("OperationPerformed", &self.operation_performed)
    }
}

impl Validate for SetParameterValuesFault {
    fn validate(&self) -> Result {
        check_len(
            "ParameterName",
            &self.parameter_name,
            limits::PARAMETER_NAME,
        )?;
        if !self.fault_code.is_cpe_fault() {
            return Err(ValidationError::invalid(
                "FaultCode",
                "not a CPE fault code (9000-9899)",
            ));
        }
        Ok(())
    }
}

impl Validate for Fault {
    /// An ACS (8000–8899) or CPE (9000–9899) code; per-parameter entries only with 9003.
    fn validate(&self) -> Result {
        if !self.fault_code.is_acs_fault() && !self.fault_code.is_cpe_fault() {
            return Err(ValidationError::invalid(
                "FaultCode",
                "not an ACS (8000-8899) or CPE (9000-9899) fault code",
            ));
        }
        if !self.set_parameter_values_faults.is_empty()
            && self.fault_code != FaultCode::InvalidArguments
        {
            return Err(ValidationError::invalid(
                "SetParameterValuesFault",
                "only allowed in a 9003 fault",
            ));
        }
        each(&self.set_parameter_values_faults)
    }
}

// ---------------------------------------------------------------- CPE methods

impl Validate for GetRpcMethods {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetRpcMethodsResponse {
    fn validate(&self) -> Result {
        self.method_list
            .iter()
            .try_for_each(|m| check_len("MethodList", m, limits::STRING_64))
    }
}

impl Validate for SetParameterValues {
    /// Full names only, none twice, each value valid for its type.
    fn validate(&self) -> Result {
        for (i, p) in self.parameter_list.iter().enumerate() {
            full_name("Name", &p.name)?;
            p.value.validate()?;
            if self.parameter_list[..i].iter().any(|q| q.name == p.name) {
                return Err(ValidationError::invalid(
                    "ParameterList",
                    "names a parameter twice",
                ));
            }
        }
        parameter_key(&self.parameter_key)
    }
}

impl Validate for SetParameterValuesResponse {
    fn validate(&self) -> Result {
        status(self.status)
    }
}

impl Validate for GetParameterValues {
    fn validate(&self) -> Result {
        at_least("ParameterNames", self.parameter_names.len(), 1)?;
        self.parameter_names
            .iter()
            .try_for_each(|n| name("ParameterNames", n))
    }
}

impl Validate for GetParameterValuesResponse {
    fn validate(&self) -> Result {
        each(&self.parameter_list)
    }
}

impl Validate for GetParameterNames {
    fn validate(&self) -> Result {
        name("ParameterPath", &self.parameter_path)
    }
}

impl Validate for GetParameterNamesResponse {
    fn validate(&self) -> Result {
        each(&self.parameter_list)
    }
}

impl Validate for SetParameterAttributes {
    fn validate(&self) -> Result {
        at_least("ParameterList", self.parameter_list.len(), 1)?;
        each(&self.parameter_list)
    }
}

impl Validate for SetParameterAttributesResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetParameterAttributes {
    fn validate(&self) -> Result {
        self.parameter_names
            .iter()
            .try_for_each(|n| name("ParameterNames", n))
    }
}

impl Validate for GetParameterAttributesResponse {
    fn validate(&self) -> Result {
        each(&self.parameter_list)
    }
}

impl Validate for AddObject {
    fn validate(&self) -> Result {
        object_name("ObjectName", &self.object_name)?;
        parameter_key(&self.parameter_key)
    }
}

impl Validate for AddObjectResponse {
    fn validate(&self) -> Result {
        in_range(
            "InstanceNumber",
            i64::from(self.instance_number),
            1,
            i64::from(u32::MAX),
        )?;
        status(self.status)
    }
}

impl Validate for DeleteObject {
    fn validate(&self) -> Result {
        object_name("ObjectName", &self.object_name)?;
        parameter_key(&self.parameter_key)
    }
}

impl Validate for DeleteObjectResponse {
    fn validate(&self) -> Result {
        status(self.status)
    }
}

impl Validate for Reboot {
    fn validate(&self) -> Result {
        command_key(&self.command_key)
    }
}

impl Validate for RebootResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for Download {
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        file_type("FileType", &self.file_type)?;
        required_url("URL", &self.url, limits::URL)?;
        string_256("Username", &self.username)?;
        string_256("Password", &self.password)?;
        string_256("TargetFileName", &self.target_file_name)?;
        url("SuccessURL", &self.success_url, limits::URL)?;
        url("FailureURL", &self.failure_url, limits::URL)
    }
}

impl Validate for DownloadResponse {
    fn validate(&self) -> Result {
        status(self.status)?;
        date_time("StartTime", &self.start_time)?;
        date_time("CompleteTime", &self.complete_time)
    }
}

impl Validate for Upload {
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        file_type("FileType", &self.file_type)?;
        required_url("URL", &self.url, limits::URL)?;
        string_256("Username", &self.username)?;
        string_256("Password", &self.password)
    }
}

impl Validate for UploadResponse {
    fn validate(&self) -> Result {
        status(self.status)?;
        date_time("StartTime", &self.start_time)?;
        date_time("CompleteTime", &self.complete_time)
    }
}

impl Validate for FactoryReset {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for FactoryResetResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetQueuedTransfers {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetQueuedTransfersResponse {
    fn validate(&self) -> Result {
        at_most(
            "TransferList",
            self.transfer_list.len(),
            limits::QUEUED_TRANSFERS,
        )?;
        each(&self.transfer_list)
    }
}

impl Validate for GetAllQueuedTransfers {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetAllQueuedTransfersResponse {
    fn validate(&self) -> Result {
        at_most(
            "TransferList",
            self.transfer_list.len(),
            limits::QUEUED_TRANSFERS,
        )?;
        each(&self.transfer_list)
    }
}

impl Validate for ScheduleInform {
    fn validate(&self) -> Result {
        if self.delay_seconds == 0 {
            return Err(ValidationError::out_of_range(
                "DelaySeconds",
                1,
                i64::from(u32::MAX),
            ));
        }
        command_key(&self.command_key)
    }
}

impl Validate for ScheduleInformResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for SetVouchers {
    /// At least one voucher, each valid base64.
    fn validate(&self) -> Result {
        at_least("VoucherList", self.voucher_list.len(), 1)?;
        for v in &self.voucher_list {
            if ParameterValue::new(v.as_str(), ValueType::Base64)
                .as_base64()
                .is_err()
            {
                return Err(ValidationError::invalid("VoucherList", "not valid base64"));
            }
        }
        Ok(())
    }
}

impl Validate for SetVouchersResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for GetOptions {
    fn validate(&self) -> Result {
        check_len("OptionName", &self.option_name, limits::OPTION_NAME)
    }
}

impl Validate for GetOptionsResponse {
    fn validate(&self) -> Result {
        each(&self.option_list)
    }
}

impl Validate for ScheduleDownload {
    /// Besides the lengths: one or two time windows that do not overlap.
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        file_type("FileType", &self.file_type)?;
        required_url("URL", &self.url, limits::URL)?;
        string_256("Username", &self.username)?;
        string_256("Password", &self.password)?;
        string_256("TargetFileName", &self.target_file_name)?;
        let windows = &self.time_window_list;
        at_least("TimeWindowList", windows.len(), 1)?;
        at_most("TimeWindowList", windows.len(), limits::TIME_WINDOWS)?;
        each(windows)?;
        if let [a, b] = windows.as_slice() {
            if a.window_start < b.window_end && b.window_start < a.window_end {
                return Err(ValidationError::invalid(
                    "TimeWindowList",
                    "time windows overlap",
                ));
            }
        }
        Ok(())
    }
}

impl Validate for ScheduleDownloadResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for CancelTransfer {
    fn validate(&self) -> Result {
        command_key(&self.command_key)
    }
}

impl Validate for CancelTransferResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for ChangeDuState {
    fn validate(&self) -> Result {
        at_least("Operations", self.operations.len(), 1)?;
        each(&self.operations)?;
        command_key(&self.command_key)
    }
}

impl Validate for ChangeDuStateResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

// ---------------------------------------------------------------- ACS methods

impl Validate for Inform {
    /// Besides the fields: at most 64 events, no standard event twice, `MaxEnvelopes` 1.
    fn validate(&self) -> Result {
        self.device_id.validate()?;
        at_most("Event", self.event.len(), limits::EVENTS_PER_INFORM)?;
        for (i, e) in self.event.iter().enumerate() {
            e.validate()?;
            if e.event_code.number().is_some()
                && self.event[..i].iter().any(|p| p.event_code == e.event_code)
            {
                return Err(ValidationError::invalid(
                    "Event",
                    "a single event code appears twice",
                ));
            }
        }
        in_range("MaxEnvelopes", i64::from(self.max_envelopes), 1, 1)?;
        date_time("CurrentTime", &self.current_time)?;
        each(&self.parameter_list)
    }
}

impl Validate for InformResponse {
    fn validate(&self) -> Result {
        in_range("MaxEnvelopes", i64::from(self.max_envelopes), 1, 1)
    }
}

impl Validate for TransferComplete {
    fn validate(&self) -> Result {
        command_key(&self.command_key)?;
        transfer_fault(&self.fault_struct)?;
        date_time("StartTime", &self.start_time)?;
        date_time("CompleteTime", &self.complete_time)
    }
}

impl Validate for TransferCompleteResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for AutonomousTransferComplete {
    fn validate(&self) -> Result {
        url("AnnounceURL", &self.announce_url, limits::LONG_URL)?;
        url("TransferURL", &self.transfer_url, limits::LONG_URL)?;
        file_type("FileType", &self.file_type)?;
        string_256("TargetFileName", &self.target_file_name)?;
        transfer_fault(&self.fault_struct)?;
        date_time("StartTime", &self.start_time)?;
        date_time("CompleteTime", &self.complete_time)
    }
}

impl Validate for AutonomousTransferCompleteResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for DuStateChangeComplete {
    fn validate(&self) -> Result {
        at_least("Results", self.results.len(), 1)?;
        each(&self.results)?;
        command_key(&self.command_key)
    }
}

impl Validate for DuStateChangeCompleteResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for AutonomousDuStateChangeComplete {
    fn validate(&self) -> Result {
        at_least("Results", self.results.len(), 1)?;
        each(&self.results)
    }
}

impl Validate for AutonomousDuStateChangeCompleteResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for RequestDownload {
    fn validate(&self) -> Result {
        file_type("FileType", &self.file_type)?;
        at_most(
            "FileTypeArg",
            self.file_type_arg.len(),
            limits::FILE_TYPE_ARGS,
        )?;
        each(&self.file_type_arg)
    }
}

impl Validate for RequestDownloadResponse {
    fn validate(&self) -> Result {
        Ok(())
    }
}

impl Validate for Kicked {
    fn validate(&self) -> Result {
        check_len("Command", &self.command, limits::KICKED_COMMAND)?;
        check_len("Referer", &self.referer, limits::KICKED_REFERER)?;
        check_len("Arg", &self.arg, limits::KICKED_ARG)?;
        check_len("Next", &self.next, limits::KICKED_NEXT)
    }
}

impl Validate for KickedResponse {
    fn validate(&self) -> Result {
        check_len("NextURL", &self.next_url, limits::KICKED_NEXT)
    }
}

impl Validate for UnknownMethod {
    /// The name must be usable as an element name (the content is sent verbatim, unchecked).
    fn validate(&self) -> Result {
        if is_nc_name(&self.name) {
            Ok(())
        } else {
            Err(ValidationError::invalid("Name", "not an XML element name"))
        }
    }
}

// ---------------------------------------------------------------- enums, header, envelope

impl Validate for Request {
    fn validate(&self) -> Result {
        match self {
            Self::GetRpcMethods(r) => r.validate(),
            Self::SetParameterValues(r) => r.validate(),
            Self::GetParameterValues(r) => r.validate(),
            Self::GetParameterNames(r) => r.validate(),
            Self::SetParameterAttributes(r) => r.validate(),
            Self::GetParameterAttributes(r) => r.validate(),
            Self::AddObject(r) => r.validate(),
            Self::DeleteObject(r) => r.validate(),
            Self::Reboot(r) => r.validate(),
            Self::Download(r) => r.validate(),
            Self::Upload(r) => r.validate(),
            Self::FactoryReset(r) => r.validate(),
            Self::GetQueuedTransfers(r) => r.validate(),
            Self::GetAllQueuedTransfers(r) => r.validate(),
            Self::ScheduleInform(r) => r.validate(),
            Self::SetVouchers(r) => r.validate(),
            Self::GetOptions(r) => r.validate(),
            Self::ScheduleDownload(r) => r.validate(),
            Self::CancelTransfer(r) => r.validate(),
            Self::ChangeDuState(r) => r.validate(),
            Self::Inform(r) => r.validate(),
            Self::TransferComplete(r) => r.validate(),
            Self::AutonomousTransferComplete(r) => r.validate(),
            Self::DuStateChangeComplete(r) => r.validate(),
            Self::AutonomousDuStateChangeComplete(r) => r.validate(),
            Self::RequestDownload(r) => r.validate(),
            Self::Kicked(r) => r.validate(),
            Self::Unknown(r) => r.validate(),
        }
    }
}

impl Validate for Response {
    fn validate(&self) -> Result {
        match self {
            Self::GetRpcMethods(r) => r.validate(),
            Self::SetParameterValues(r) => r.validate(),
            Self::GetParameterValues(r) => r.validate(),
            Self::GetParameterNames(r) => r.validate(),
            Self::SetParameterAttributes(r) => r.validate(),
            Self::GetParameterAttributes(r) => r.validate(),
            Self::AddObject(r) => r.validate(),
            Self::DeleteObject(r) => r.validate(),
            Self::Reboot(r) => r.validate(),
            Self::Download(r) => r.validate(),
            Self::Upload(r) => r.validate(),
            Self::FactoryReset(r) => r.validate(),
            Self::GetQueuedTransfers(r) => r.validate(),
            Self::GetAllQueuedTransfers(r) => r.validate(),
            Self::ScheduleInform(r) => r.validate(),
            Self::SetVouchers(r) => r.validate(),
            Self::GetOptions(r) => r.validate(),
            Self::ScheduleDownload(r) => r.validate(),
            Self::CancelTransfer(r) => r.validate(),
            Self::ChangeDuState(r) => r.validate(),
            Self::Inform(r) => r.validate(),
            Self::TransferComplete(r) => r.validate(),
            Self::AutonomousTransferComplete(r) => r.validate(),
            Self::DuStateChangeComplete(r) => r.validate(),
            Self::AutonomousDuStateChangeComplete(r) => r.validate(),
            Self::RequestDownload(r) => r.validate(),
            Self::Kicked(r) => r.validate(),
            Self::Unknown(r) => r.validate(),
        }
    }
}

impl Validate for Header {
    /// `SupportedCWMPVersions`, when present, must list at least one version.
    fn validate(&self) -> Result {
        if let Some(list) = &self.supported_cwmp_versions {
            at_least("SupportedCWMPVersions", list.len(), 1)?;
        }
        Ok(())
    }
}

impl Validate for Body {
    fn validate(&self) -> Result {
        match self {
            Self::Request(r) => r.validate(),
            Self::Response(r) => r.validate(),
            Self::Fault(f) => f.validate(),
        }
    }
}

impl Validate for Envelope {
    fn validate(&self) -> Result {
        self.header.validate()?;
        self.body.validate()
    }
}
