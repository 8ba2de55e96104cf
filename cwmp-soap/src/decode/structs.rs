//! The CWMP structs inside method arguments, and their arrays.

use std::collections::HashSet;

use cwmp_types::*;

use super::attrs;
use super::reader::{Elem, Parser, Result, read_struct, trim_xml};
use crate::{DecodeErrorKind, WarningKind};

impl<'a> Parser<'a, '_> {
    /// `DeviceIdStruct`
    pub(super) fn device_id(&mut self, e: Elem<'a>) -> Result<DeviceIdStruct> {
        Ok(read_struct!(self, e, DeviceIdStruct::default(), {
            "Manufacturer" => manufacturer: string(req),
            "OUI" => oui: string(req),
            "ProductClass" => product_class: string(req),
            "SerialNumber" => serial_number: string(req),
        }))
    }

    /// An `EventCode` (never fails: unknown codes are kept as text).
    pub(super) fn event_code(&mut self, e: Elem<'a>) -> Result<EventCode> {
        Ok(EventCode::parse(&self.text(&e)?))
    }

    /// `Event`: `EventStruct[]`. An `EventStruct` holding several `EventCode`s (seen from
    /// small cells) gives one event per code, with its CommandKey, and a warning.
    pub(super) fn events(&mut self, e: Elem<'a>) -> Result<Vec<EventStruct>> {
        let array_offset = e.offset;
        let structs = self.array(e, "EventStruct", true, |p, e| p.event_struct(e))?;
        let total: usize = structs.iter().map(Vec::len).sum();
        if total > self.opts.max_array_items {
            return Err(Self::err(DecodeErrorKind::TooManyItems, array_offset));
        }
        let mut events = Vec::with_capacity(total);
        for s in structs {
            events.extend(s);
        }
        Ok(events)
    }

    /// One `EventStruct`: one event per `EventCode` (normally one), all with its CommandKey.
    fn event_struct(&mut self, e: Elem<'a>) -> Result<Vec<EventStruct>> {
        let mut codes: Vec<EventCode> = Vec::with_capacity(1);
        let mut command_key: Option<String> = None;
        while let Some(c) = self.child_of(&e)? {
            match c.local() {
                "EventCode" => {
                    let at = c.offset;
                    if codes.len() >= self.opts.max_array_items {
                        return Err(Self::err(DecodeErrorKind::TooManyItems, at));
                    }
                    codes.push(self.event_code(c)?);
                    if codes.len() > 1 {
                        let ctx = format!(
                            "EventCode: {:?} kept as one more event",
                            codes.last().map(ToString::to_string).unwrap_or_default()
                        );
                        self.warn(WarningKind::RepeatedElement, at, &ctx);
                    }
                }
                "CommandKey" => {
                    let at = c.offset;
                    let key = self.string(c)?;
                    match &mut command_key {
                        Some(first) => self.repeated("CommandKey", at, first, key)?,
                        None => command_key = Some(key),
                    }
                }
                _ => self.unknown(c)?,
            }
        }
        if codes.is_empty() {
            self.missing(&e, "EventCode");
            codes.push(EventCode::Other(String::new()));
        }
        if command_key.is_none() {
            self.missing(&e, "CommandKey");
        }
        let key = command_key.unwrap_or_default();
        Ok(codes
            .into_iter()
            .map(|code| EventStruct::with_command_key(code, key.clone()))
            .collect())
    }

    /// A typed `Value`: `xsi:type` (prefix dropped; missing means string, with a warning);
    /// numbers, booleans and dates are trimmed, other text is kept as sent.
    pub(super) fn value(&mut self, e: Elem<'a>) -> Result<ParameterValue> {
        let ty = match self.attr(&e, "type")? {
            Some(t) => {
                let name = attrs::local(trim_xml(&t));
                // The known types are names; only another one needs checking.
                match ValueType::from_name(name) {
                    ValueType::Other(_) if !crate::encode::fragment::is_ncname(name) => {
                        // Kept as a string: a type that is not a name cannot be written back.
                        self.warn(WarningKind::InvalidValueType, e.offset, name);
                        ValueType::String
                    }
                    ty => ty,
                }
            }
            None => {
                self.warn(WarningKind::MissingValueType, e.offset, "");
                ValueType::String
            }
        };
        let text = self.text(&e)?;
        let text = match ty {
            ValueType::Int
            | ValueType::UnsignedInt
            | ValueType::Long
            | ValueType::UnsignedLong
            | ValueType::Boolean
            | ValueType::DateTime => trim_xml(&text).to_owned(),
            _ => text.into_owned(),
        };
        Ok(ParameterValue::new(text, ty))
    }

    /// `ParameterValueStruct[]`; a struct without `Value` gets an empty string, with a warning.
    pub(super) fn parameter_values(&mut self, e: Elem<'a>) -> Result<Vec<ParameterValueStruct>> {
        self.array(e, "ParameterValueStruct", true, |p, e| {
            let mut v = ParameterValueStruct::default();
            let (mut name, mut value) = (false, false);
            while let Some(c) = p.child_of(&e)? {
                let at = c.offset;
                match c.local() {
                    "Name" if name => {
                        let second = p.name(c)?;
                        p.repeated("Name", at, &mut v.name, second)?;
                    }
                    "Name" => {
                        v.name = p.name(c)?;
                        name = true;
                    }
                    "Value" if value => {
                        let second = p.value(c)?;
                        p.repeated("Value", at, &mut v.value, second)?;
                    }
                    "Value" => {
                        v.value = p.value(c)?;
                        value = true;
                    }
                    _ => p.unknown(c)?,
                }
            }
            if !name {
                p.missing(&e, "Name");
            }
            if !value {
                p.warn(WarningKind::MissingValue, e.offset, v.name.as_str());
            }
            Ok(v)
        })
    }

    /// `ParameterInfoStruct[]`
    pub(super) fn parameter_infos(&mut self, e: Elem<'a>) -> Result<Vec<ParameterInfoStruct>> {
        self.array(e, "ParameterInfoStruct", true, |p, e| {
            Ok(read_struct!(p, e, ParameterInfoStruct::default(), {
                "Name" => name: name(req),
                "Writable" => writable: boolean(req),
            }))
        })
    }

    /// Warns about GetParameterNames entries that name an object (other entries lie below
    /// them) but lack the trailing dot. They are kept as sent.
    pub(super) fn objects_without_dot(&mut self, list: &[ParameterInfoStruct], offset: u64) {
        let mut parents: HashSet<&str> = HashSet::new();
        for p in list {
            let n = p.name.as_str();
            let body = n.strip_suffix('.').unwrap_or(n);
            if let Some(i) = body.rfind('.') {
                parents.insert(&body[..i]);
            }
        }
        for p in list {
            let n = p.name.as_str();
            if !n.is_empty() && !n.ends_with('.') && parents.contains(n) {
                self.warn(WarningKind::ObjectNameWithoutDot, offset, n);
            }
        }
    }

    /// `SetParameterAttributesStruct[]`
    pub(super) fn set_attribute_list(
        &mut self,
        e: Elem<'a>,
    ) -> Result<Vec<SetParameterAttributesStruct>> {
        self.array(e, "SetParameterAttributesStruct", true, |p, e| {
            let before = p.warnings.len();
            let v = read_struct!(p, e, SetParameterAttributesStruct::default(), {
                "Name" => name: name(req),
                "NotificationChange" => notification_change: boolean(req),
                "Notification" => notification: i32(req),
                "AccessListChange" => access_list_change: boolean(req),
                "AccessList" => access_list: strings(req),
            });
            if !v.notification_change {
                // The value is unused: an empty `<Notification></Notification>` (GenieACS
                // writes one) is no repair worth a warning.
                let tail = p.warnings.split_off(before);
                p.warnings.extend(tail.into_iter().filter(|w| {
                    !(w.kind == WarningKind::InvalidNumber && w.context == "Notification")
                }));
            }
            Ok(v)
        })
    }

    /// `ParameterAttributeStruct[]`
    pub(super) fn attribute_list(&mut self, e: Elem<'a>) -> Result<Vec<ParameterAttributeStruct>> {
        self.array(e, "ParameterAttributeStruct", true, |p, e| {
            Ok(read_struct!(p, e, ParameterAttributeStruct::default(), {
                "Name" => name: name(req),
                "Notification" => notification: i32(req),
                "AccessList" => access_list: strings(req),
            }))
        })
    }

    /// `FaultStruct` (TransferComplete) or `DeploymentUnitFaultStruct` (`Fault` of an
    /// `OpResultStruct`, whose children some stacks wrap in one `FaultStruct` element).
    pub(super) fn fault_struct(&mut self, e: Elem<'a>) -> Result<FaultStruct> {
        self.fault_struct_in(e, true)
    }

    fn fault_struct_in(&mut self, e: Elem<'a>, may_wrap: bool) -> Result<FaultStruct> {
        let mut v = FaultStruct::default();
        let mut code = false;
        while let Some(c) = self.child_of(&e)? {
            match c.local() {
                "FaultCode" if code => {
                    let at = c.offset;
                    let second = self.fault_code(c)?;
                    self.repeated("FaultCode", at, &mut v.fault_code, second)?;
                }
                "FaultCode" => {
                    v.fault_code = self.fault_code(c)?;
                    code = true;
                }
                "FaultString" => v.fault_string = self.string(c)?,
                // One level of wrapping only: no recursion driven by the input.
                "FaultStruct" if may_wrap => {
                    v = self.fault_struct_in(c, false)?;
                    code = true;
                }
                _ => self.unknown(c)?,
            }
        }
        if !code {
            self.missing(&e, "FaultCode");
        }
        Ok(v)
    }

    /// `QueuedTransferStruct[]`
    pub(super) fn queued_transfers(&mut self, e: Elem<'a>) -> Result<Vec<QueuedTransferStruct>> {
        self.array(e, "QueuedTransferStruct", true, |p, e| {
            Ok(read_struct!(p, e, QueuedTransferStruct::default(), {
                "CommandKey" => command_key: string(req),
                "State" => state: i32(req),
            }))
        })
    }

    /// `AllQueuedTransferStruct[]`
    pub(super) fn all_queued_transfers(
        &mut self,
        e: Elem<'a>,
    ) -> Result<Vec<AllQueuedTransferStruct>> {
        self.array(e, "AllQueuedTransferStruct", true, |p, e| {
            Ok(read_struct!(p, e, AllQueuedTransferStruct::default(), {
                "CommandKey" => command_key: string(req),
                "State" => state: i32(req),
                "IsDownload" => is_download: boolean(req),
                "FileType" => file_type: string(req),
                "FileSize" => file_size: u32(req),
                "TargetFileName" => target_file_name: string(req),
            }))
        })
    }

    /// `TimeWindowStruct[]`
    pub(super) fn time_windows(&mut self, e: Elem<'a>) -> Result<Vec<TimeWindowStruct>> {
        self.array(e, "TimeWindowStruct", true, |p, e| {
            Ok(read_struct!(p, e, TimeWindowStruct::default(), {
                "WindowStart" => window_start: u32(req),
                "WindowEnd" => window_end: u32(req),
                "WindowMode" => window_mode: string(req),
                "UserMessage" => user_message: string(req),
                "MaxRetries" => max_retries: i32(req),
            }))
        })
    }

    /// `ArgStruct[]`
    pub(super) fn arg_list(&mut self, e: Elem<'a>) -> Result<Vec<ArgStruct>> {
        self.array(e, "ArgStruct", true, |p, e| {
            Ok(read_struct!(p, e, ArgStruct::default(), {
                "Name" => name: string(req),
                "Value" => value: string(req),
            }))
        })
    }

    /// `OptionStruct[]`
    pub(super) fn option_list(&mut self, e: Elem<'a>) -> Result<Vec<OptionStruct>> {
        self.array(e, "OptionStruct", true, |p, e| {
            Ok(read_struct!(p, e, OptionStruct::default(), {
                "OptionName" => option_name: string(req),
                "VoucherSN" => voucher_sn: u32(req),
                "State" => state: u32(req),
                "Mode" => mode: i32(req),
                "StartDate" => start_date: datetime(req),
                "ExpirationDate" => expiration_date: opt_datetime,
                "IsTransferable" => is_transferable: i32(req),
            }))
        })
    }

    /// The fields of an `OpResultStruct` (and `OperationPerformed` of an
    /// `AutonOpResultStruct` when `autonomous`).
    fn op_result(&mut self, e: Elem<'a>, autonomous: bool) -> Result<AutonomousOpResultStruct> {
        let mut a = AutonomousOpResultStruct::default();
        let mut seen = [false; 10];
        const NAMES: [&str; 10] = [
            "UUID",
            "DeploymentUnitRef",
            "Version",
            "CurrentState",
            "Resolved",
            "ExecutionUnitRefList",
            "StartTime",
            "CompleteTime",
            "Fault",
            "OperationPerformed",
        ];
        while let Some(c) = self.child_of(&e)? {
            let Some(i) = NAMES.iter().position(|n| *n == c.local()) else {
                self.unknown(c)?;
                continue;
            };
            if seen[i] {
                // The first is kept; this one is dropped, with a warning.
                self.drop_repeated(c)?;
                continue;
            }
            let r = &mut a.result;
            match i {
                0 => r.uuid = self.string(c)?,
                1 => r.deployment_unit_ref = self.string(c)?,
                2 => r.version = self.string(c)?,
                3 => r.current_state = self.string(c)?,
                4 => r.resolved = self.boolean(c)?,
                5 => r.execution_unit_ref_list = self.string(c)?,
                6 => r.start_time = self.datetime(c)?,
                7 => r.complete_time = self.datetime(c)?,
                8 => r.fault = self.fault_struct(c)?,
                _ if autonomous => a.operation_performed = self.string(c)?,
                _ => {
                    self.unknown(c)?;
                    continue;
                }
            }
            seen[i] = true;
        }
        let required = if autonomous { 10 } else { 9 };
        for (name, _) in NAMES.iter().zip(seen).take(required).filter(|(_, s)| !s) {
            self.missing(&e, name);
        }
        Ok(a)
    }

    /// `OpResultStruct[]`
    pub(super) fn op_results(&mut self, e: Elem<'a>) -> Result<Vec<OpResultStruct>> {
        self.array(e, "OpResultStruct", true, |p, e| {
            p.op_result(e, false).map(|a| a.result)
        })
    }

    /// `AutonOpResultStruct[]`
    pub(super) fn autonomous_op_results(
        &mut self,
        e: Elem<'a>,
    ) -> Result<Vec<AutonomousOpResultStruct>> {
        self.array(e, "AutonOpResultStruct", true, |p, e| p.op_result(e, true))
    }
}
