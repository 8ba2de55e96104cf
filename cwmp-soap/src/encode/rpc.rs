//! The method elements: every request and response of CWMP 1.0–1.4, and unknown methods.

use cwmp_types::{
    AutonomousOpResultStruct, Body, FaultStruct, OpResultStruct, Operation, ParameterName,
    ParameterValue, ParameterValueStruct, Request, Response, UnknownMethod, ValueType,
};

use super::writer::Writer;
use super::{array, el, fragment};
use crate::EncodeError;

/// Writes `<cwmp:NAME>` + body + `</cwmp:NAME>` for a literal method name.
macro_rules! method {
    ($w:ident, $name:literal, $body:block) => {{
        $w.raw(concat!("<cwmp:", $name, ">"));
        $body
        $w.raw(concat!("</cwmp:", $name, ">"));
    }};
    ($w:ident, $name:literal) => {
        $w.raw(concat!("<cwmp:", $name, "></cwmp:", $name, ">"))
    };
}

/// Writes a request's method element.
pub(super) fn request(w: &mut Writer<'_>, r: &Request) -> Result<(), EncodeError> {
    match r {
        Request::GetRpcMethods(_) => method!(w, "GetRPCMethods"),
        Request::SetParameterValues(m) => method!(w, "SetParameterValues", {
            parameter_value_list(w, &m.parameter_list)?;
            el!(w, "ParameterKey", text & m.parameter_key);
        }),
        Request::GetParameterValues(m) => method!(w, "GetParameterValues", {
            name_list(w, &m.parameter_names)?;
        }),
        Request::GetParameterNames(m) => method!(w, "GetParameterNames", {
            el!(w, "ParameterPath", text m.parameter_path.as_str());
            el!(w, "NextLevel", bool m.next_level);
        }),
        Request::SetParameterAttributes(m) => method!(w, "SetParameterAttributes", {
            array!(
                w,
                "ParameterList",
                "cwmp:SetParameterAttributesStruct",
                &m.parameter_list,
                |s| {
                    w.raw("<SetParameterAttributesStruct>");
                    el!(w, "Name", text s.name.as_str());
                    el!(w, "NotificationChange", bool s.notification_change);
                    el!(w, "Notification", int s.notification);
                    el!(w, "AccessListChange", bool s.access_list_change);
                    string_array(w, "AccessList", &s.access_list)?;
                    w.raw("</SetParameterAttributesStruct>");
                }
            );
        }),
        Request::GetParameterAttributes(m) => method!(w, "GetParameterAttributes", {
            name_list(w, &m.parameter_names)?;
        }),
        Request::AddObject(m) => method!(w, "AddObject", {
            el!(w, "ObjectName", text m.object_name.as_str());
            el!(w, "ParameterKey", text & m.parameter_key);
        }),
        Request::DeleteObject(m) => method!(w, "DeleteObject", {
            el!(w, "ObjectName", text m.object_name.as_str());
            el!(w, "ParameterKey", text & m.parameter_key);
        }),
        Request::Reboot(m) => method!(w, "Reboot", {
            el!(w, "CommandKey", text & m.command_key);
        }),
        Request::Download(m) => method!(w, "Download", {
            el!(w, "CommandKey", text & m.command_key);
            el!(w, "FileType", text & m.file_type);
            el!(w, "URL", text & m.url);
            el!(w, "Username", text & m.username);
            el!(w, "Password", text & m.password);
            el!(w, "FileSize", uint m.file_size);
            el!(w, "TargetFileName", text & m.target_file_name);
            el!(w, "DelaySeconds", uint m.delay_seconds);
            el!(w, "SuccessURL", text & m.success_url);
            el!(w, "FailureURL", text & m.failure_url);
        }),
        Request::Upload(m) => method!(w, "Upload", {
            el!(w, "CommandKey", text & m.command_key);
            el!(w, "FileType", text & m.file_type);
            el!(w, "URL", text & m.url);
            el!(w, "Username", text & m.username);
            el!(w, "Password", text & m.password);
            el!(w, "DelaySeconds", uint m.delay_seconds);
        }),
        Request::FactoryReset(_) => method!(w, "FactoryReset"),
        Request::GetQueuedTransfers(_) => method!(w, "GetQueuedTransfers"),
        Request::GetAllQueuedTransfers(_) => method!(w, "GetAllQueuedTransfers"),
        Request::ScheduleInform(m) => method!(w, "ScheduleInform", {
            el!(w, "DelaySeconds", uint m.delay_seconds);
            el!(w, "CommandKey", text & m.command_key);
        }),
        Request::SetVouchers(m) => method!(w, "SetVouchers", {
            array!(w, "VoucherList", "soap-enc:base64", &m.voucher_list, |v| {
                el!(w, "base64", text v);
            });
        }),
        Request::GetOptions(m) => method!(w, "GetOptions", {
            el!(w, "OptionName", text & m.option_name);
        }),
        Request::ScheduleDownload(m) => method!(w, "ScheduleDownload", {
            el!(w, "CommandKey", text & m.command_key);
            el!(w, "FileType", text & m.file_type);
            el!(w, "URL", text & m.url);
            el!(w, "Username", text & m.username);
            el!(w, "Password", text & m.password);
            el!(w, "FileSize", uint m.file_size);
            el!(w, "TargetFileName", text & m.target_file_name);
            array!(
                w,
                "TimeWindowList",
                "cwmp:TimeWindowStruct",
                &m.time_window_list,
                |t| {
                    w.raw("<TimeWindowStruct>");
                    el!(w, "WindowStart", uint t.window_start);
                    el!(w, "WindowEnd", uint t.window_end);
                    el!(w, "WindowMode", text & t.window_mode);
                    el!(w, "UserMessage", text & t.user_message);
                    el!(w, "MaxRetries", int t.max_retries);
                    w.raw("</TimeWindowStruct>");
                }
            );
        }),
        Request::CancelTransfer(m) => method!(w, "CancelTransfer", {
            el!(w, "CommandKey", text & m.command_key);
        }),
        Request::ChangeDuState(m) => method!(w, "ChangeDUState", {
            for op in &m.operations {
                operation(w, op)?;
            }
            el!(w, "CommandKey", text & m.command_key);
        }),
        Request::Inform(m) => method!(w, "Inform", {
            let d = &m.device_id;
            w.raw("<DeviceId>");
            el!(w, "Manufacturer", text & d.manufacturer);
            el!(w, "OUI", text & d.oui);
            el!(w, "ProductClass", text & d.product_class);
            el!(w, "SerialNumber", text & d.serial_number);
            w.raw("</DeviceId>");
            array!(w, "Event", "cwmp:EventStruct", &m.event, |e| {
                w.raw("<EventStruct><EventCode>");
                w.text(&e.event_code.as_str(), "EventCode")?;
                w.raw("</EventCode>");
                el!(w, "CommandKey", text & e.command_key);
                w.raw("</EventStruct>");
            });
            el!(w, "MaxEnvelopes", uint m.max_envelopes);
            el!(w, "CurrentTime", time & m.current_time);
            el!(w, "RetryCount", uint m.retry_count);
            parameter_value_list(w, &m.parameter_list)?;
        }),
        Request::TransferComplete(m) => method!(w, "TransferComplete", {
            el!(w, "CommandKey", text & m.command_key);
            fault_struct(w, "FaultStruct", &m.fault_struct)?;
            el!(w, "StartTime", time & m.start_time);
            el!(w, "CompleteTime", time & m.complete_time);
        }),
        Request::AutonomousTransferComplete(m) => method!(w, "AutonomousTransferComplete", {
            el!(w, "AnnounceURL", text & m.announce_url);
            el!(w, "TransferURL", text & m.transfer_url);
            el!(w, "IsDownload", bool m.is_download);
            el!(w, "FileType", text & m.file_type);
            el!(w, "FileSize", uint m.file_size);
            el!(w, "TargetFileName", text & m.target_file_name);
            fault_struct(w, "FaultStruct", &m.fault_struct)?;
            el!(w, "StartTime", time & m.start_time);
            el!(w, "CompleteTime", time & m.complete_time);
        }),
        Request::DuStateChangeComplete(m) => method!(w, "DUStateChangeComplete", {
            array!(w, "Results", "cwmp:OpResultStruct", &m.results, |r| {
                w.raw("<OpResultStruct>");
                op_result(w, r)?;
                w.raw("</OpResultStruct>");
            });
            el!(w, "CommandKey", text & m.command_key);
        }),
        Request::AutonomousDuStateChangeComplete(m) => {
            method!(w, "AutonomousDUStateChangeComplete", {
                array!(w, "Results", "cwmp:AutonOpResultStruct", &m.results, |r| {
                    auton_op_result(w, r)?;
                });
            })
        }
        Request::RequestDownload(m) => method!(w, "RequestDownload", {
            el!(w, "FileType", text & m.file_type);
            array!(w, "FileTypeArg", "cwmp:ArgStruct", &m.file_type_arg, |a| {
                w.raw("<ArgStruct>");
                el!(w, "Name", text & a.name);
                el!(w, "Value", text & a.value);
                w.raw("</ArgStruct>");
            });
        }),
        Request::Kicked(m) => method!(w, "Kicked", {
            el!(w, "Command", text & m.command);
            el!(w, "Referer", text & m.referer);
            el!(w, "Arg", text & m.arg);
            el!(w, "Next", text & m.next);
        }),
        Request::Unknown(u) => unknown(w, u)?,
        other => return Err(unsupported(other.method_name())),
    }
    Ok(())
}

/// Writes a response's method element.
pub(super) fn response(w: &mut Writer<'_>, r: &Response) -> Result<(), EncodeError> {
    match r {
        Response::GetRpcMethods(m) => method!(w, "GetRPCMethodsResponse", {
            string_array(w, "MethodList", &m.method_list)?;
        }),
        Response::SetParameterValues(m) => method!(w, "SetParameterValuesResponse", {
            el!(w, "Status", int m.status);
        }),
        Response::GetParameterValues(m) => method!(w, "GetParameterValuesResponse", {
            parameter_value_list(w, &m.parameter_list)?;
        }),
        Response::GetParameterNames(m) => method!(w, "GetParameterNamesResponse", {
            array!(
                w,
                "ParameterList",
                "cwmp:ParameterInfoStruct",
                &m.parameter_list,
                |p| {
                    w.raw("<ParameterInfoStruct><Name>");
                    w.text(p.name.as_str(), "Name")?;
                    w.raw("</Name><Writable>");
                    w.boolean(p.writable);
                    w.raw("</Writable></ParameterInfoStruct>");
                }
            );
        }),
        Response::SetParameterAttributes(_) => method!(w, "SetParameterAttributesResponse"),
        Response::GetParameterAttributes(m) => method!(w, "GetParameterAttributesResponse", {
            array!(
                w,
                "ParameterList",
                "cwmp:ParameterAttributeStruct",
                &m.parameter_list,
                |p| {
                    w.raw("<ParameterAttributeStruct>");
                    el!(w, "Name", text p.name.as_str());
                    el!(w, "Notification", int p.notification);
                    string_array(w, "AccessList", &p.access_list)?;
                    w.raw("</ParameterAttributeStruct>");
                }
            );
        }),
        Response::AddObject(m) => method!(w, "AddObjectResponse", {
            el!(w, "InstanceNumber", uint m.instance_number);
            el!(w, "Status", int m.status);
        }),
        Response::DeleteObject(m) => method!(w, "DeleteObjectResponse", {
            el!(w, "Status", int m.status);
        }),
        Response::Reboot(_) => method!(w, "RebootResponse"),
        Response::Download(m) => method!(w, "DownloadResponse", {
            el!(w, "Status", int m.status);
            el!(w, "StartTime", time & m.start_time);
            el!(w, "CompleteTime", time & m.complete_time);
        }),
        Response::Upload(m) => method!(w, "UploadResponse", {
            el!(w, "Status", int m.status);
            el!(w, "StartTime", time & m.start_time);
            el!(w, "CompleteTime", time & m.complete_time);
        }),
        Response::FactoryReset(_) => method!(w, "FactoryResetResponse"),
        Response::GetQueuedTransfers(m) => method!(w, "GetQueuedTransfersResponse", {
            array!(
                w,
                "TransferList",
                "cwmp:QueuedTransferStruct",
                &m.transfer_list,
                |t| {
                    w.raw("<QueuedTransferStruct>");
                    el!(w, "CommandKey", text & t.command_key);
                    el!(w, "State", int t.state);
                    w.raw("</QueuedTransferStruct>");
                }
            );
        }),
        Response::GetAllQueuedTransfers(m) => method!(w, "GetAllQueuedTransfersResponse", {
            array!(
                w,
                "TransferList",
                "cwmp:AllQueuedTransferStruct",
                &m.transfer_list,
                |t| {
                    w.raw("<AllQueuedTransferStruct>");
                    el!(w, "CommandKey", text & t.command_key);
                    el!(w, "State", int t.state);
                    el!(w, "IsDownload", bool t.is_download);
                    el!(w, "FileType", text & t.file_type);
                    el!(w, "FileSize", uint t.file_size);
                    el!(w, "TargetFileName", text & t.target_file_name);
                    w.raw("</AllQueuedTransferStruct>");
                }
            );
        }),
        Response::ScheduleInform(_) => method!(w, "ScheduleInformResponse"),
        Response::SetVouchers(_) => method!(w, "SetVouchersResponse"),
        Response::GetOptions(m) => method!(w, "GetOptionsResponse", {
            array!(w, "OptionList", "cwmp:OptionStruct", &m.option_list, |o| {
                w.raw("<OptionStruct>");
                el!(w, "OptionName", text & o.option_name);
                el!(w, "VoucherSN", uint o.voucher_sn);
                el!(w, "State", uint o.state);
                el!(w, "Mode", int o.mode);
                el!(w, "StartDate", time & o.start_date);
                if let Some(d) = &o.expiration_date {
                    el!(w, "ExpirationDate", time d);
                }
                el!(w, "IsTransferable", int o.is_transferable);
                w.raw("</OptionStruct>");
            });
        }),
        Response::ScheduleDownload(_) => method!(w, "ScheduleDownloadResponse"),
        Response::CancelTransfer(_) => method!(w, "CancelTransferResponse"),
        Response::ChangeDuState(_) => method!(w, "ChangeDUStateResponse"),
        Response::Inform(m) => method!(w, "InformResponse", {
            el!(w, "MaxEnvelopes", uint m.max_envelopes);
        }),
        Response::TransferComplete(_) => method!(w, "TransferCompleteResponse"),
        Response::AutonomousTransferComplete(_) => {
            method!(w, "AutonomousTransferCompleteResponse")
        }
        Response::DuStateChangeComplete(_) => method!(w, "DUStateChangeCompleteResponse"),
        Response::AutonomousDuStateChangeComplete(_) => {
            method!(w, "AutonomousDUStateChangeCompleteResponse")
        }
        Response::RequestDownload(_) => method!(w, "RequestDownloadResponse"),
        Response::Kicked(m) => method!(w, "KickedResponse", {
            el!(w, "NextURL", text & m.next_url);
        }),
        Response::Unknown(u) => unknown(w, u)?,
        other => return Err(unsupported(other.method_name())),
    }
    Ok(())
}

/// A method added to cwmp-types after this encoder was written.
fn unsupported(name: &str) -> EncodeError {
    EncodeError::InvalidUnknownMethod {
        name: name.to_owned(),
        reason: "this method is not supported by the encoder",
    }
}

/// `<cwmp:NAME>` + the raw XML + `</cwmp:NAME>`, after checking both.
fn unknown(w: &mut Writer<'_>, u: &UnknownMethod) -> Result<(), EncodeError> {
    if !fragment::is_ncname(&u.name) {
        return Err(EncodeError::InvalidUnknownMethod {
            name: u.name.clone(),
            reason: "the name is not an XML name without a colon",
        });
    }
    fragment::check_content(&u.xml).map_err(|reason| EncodeError::InvalidUnknownMethod {
        name: u.name.clone(),
        reason,
    })?;
    w.raw("<cwmp:");
    w.raw(&u.name);
    w.raw(">");
    w.raw(&u.xml);
    w.raw("</cwmp:");
    w.raw(&u.name);
    w.raw(">");
    Ok(())
}

/// `ParameterNames` as an `xsd:string` array.
fn name_list(w: &mut Writer<'_>, names: &[ParameterName]) -> Result<(), EncodeError> {
    array!(w, "ParameterNames", "xsd:string", names, |n| {
        el!(w, "string", text n.as_str());
    });
    Ok(())
}

/// An `xsd:string` array with a literal element name.
fn string_array(
    w: &mut Writer<'_>,
    name: &'static str,
    items: &[String],
) -> Result<(), EncodeError> {
    w.raw("<");
    w.raw(name);
    w.raw(" soap-enc:arrayType=\"xsd:string[");
    w.uint(items.len() as u64);
    w.raw("]\">");
    for s in items {
        el!(w, "string", text s);
    }
    w.raw("</");
    w.raw(name);
    w.raw(">");
    Ok(())
}

/// `ParameterList` of `ParameterValueStruct`s.
fn parameter_value_list(
    w: &mut Writer<'_>,
    list: &[ParameterValueStruct],
) -> Result<(), EncodeError> {
    array!(w, "ParameterList", "cwmp:ParameterValueStruct", list, |p| {
        w.raw("<ParameterValueStruct><Name>");
        w.text(p.name.as_str(), "Name")?;
        w.raw("</Name>");
        value(w, &p.value)?;
        w.raw("</ParameterValueStruct>");
    });
    Ok(())
}

/// `<Value xsi:type="xsd:TYPE">text</Value>`.
fn value(w: &mut Writer<'_>, v: &ParameterValue) -> Result<(), EncodeError> {
    let open = match &v.value_type {
        ValueType::String => "<Value xsi:type=\"xsd:string\">",
        ValueType::Int => "<Value xsi:type=\"xsd:int\">",
        ValueType::UnsignedInt => "<Value xsi:type=\"xsd:unsignedInt\">",
        ValueType::Long => "<Value xsi:type=\"xsd:long\">",
        ValueType::UnsignedLong => "<Value xsi:type=\"xsd:unsignedLong\">",
        ValueType::Boolean => "<Value xsi:type=\"xsd:boolean\">",
        ValueType::DateTime => "<Value xsi:type=\"xsd:dateTime\">",
        ValueType::Base64 => "<Value xsi:type=\"xsd:base64\">",
        ValueType::HexBinary => "<Value xsi:type=\"xsd:hexBinary\">",
        other => {
            let name = other.name();
            if !fragment::is_ncname(name) {
                return Err(EncodeError::InvalidValueType {
                    name: name.to_owned(),
                });
            }
            w.raw("<Value xsi:type=\"xsd:");
            w.raw(name);
            ""
        }
    };
    if open.is_empty() {
        w.raw("\">");
    } else {
        w.raw(open);
    }
    w.text(&v.text, "Value")?;
    w.raw("</Value>");
    Ok(())
}

/// A `FaultStruct` (TransferComplete) or `Fault` (OpResultStruct) element.
fn fault_struct(
    w: &mut Writer<'_>,
    name: &'static str,
    f: &FaultStruct,
) -> Result<(), EncodeError> {
    w.raw("<");
    w.raw(name);
    w.raw(">");
    el!(w, "FaultCode", uint f.fault_code.code());
    el!(w, "FaultString", text & f.fault_string);
    w.raw("</");
    w.raw(name);
    w.raw(">");
    Ok(())
}

/// The fields of an `OpResultStruct`, in XSD order.
fn op_result(w: &mut Writer<'_>, r: &OpResultStruct) -> Result<(), EncodeError> {
    el!(w, "UUID", text & r.uuid);
    el!(w, "DeploymentUnitRef", text & r.deployment_unit_ref);
    el!(w, "Version", text & r.version);
    el!(w, "CurrentState", text & r.current_state);
    el!(w, "Resolved", bool r.resolved);
    el!(w, "ExecutionUnitRefList", text & r.execution_unit_ref_list);
    el!(w, "StartTime", time & r.start_time);
    el!(w, "CompleteTime", time & r.complete_time);
    fault_struct(w, "Fault", &r.fault)
}

/// An `AutonOpResultStruct`: the `OpResultStruct` fields, then `OperationPerformed`.
fn auton_op_result(w: &mut Writer<'_>, r: &AutonomousOpResultStruct) -> Result<(), EncodeError> {
    w.raw("<AutonOpResultStruct>");
    op_result(w, &r.result)?;
    el!(w, "OperationPerformed", text & r.operation_performed);
    w.raw("</AutonOpResultStruct>");
    Ok(())
}

/// Writes an optional string element only when it is not empty.
macro_rules! opt {
    ($w:ident, $name:literal, $v:expr) => {
        if !$v.is_empty() {
            el!($w, $name, text $v);
        }
    };
}

/// One ChangeDUState operation in the XSD form: `<Operations xsi:type="cwmp:…OpStruct">`.
fn operation(w: &mut Writer<'_>, op: &Operation) -> Result<(), EncodeError> {
    match op {
        Operation::Install(o) => {
            w.raw("<Operations xsi:type=\"cwmp:InstallOpStruct\">");
            el!(w, "URL", text & o.url);
            opt!(w, "UUID", &o.uuid);
            opt!(w, "Username", &o.username);
            opt!(w, "Password", &o.password);
            opt!(w, "ExecutionEnvRef", &o.execution_env_ref);
        }
        Operation::Update(o) => {
            w.raw("<Operations xsi:type=\"cwmp:UpdateOpStruct\">");
            opt!(w, "UUID", &o.uuid);
            opt!(w, "Version", &o.version);
            opt!(w, "URL", &o.url);
            opt!(w, "Username", &o.username);
            opt!(w, "Password", &o.password);
        }
        Operation::Uninstall(o) => {
            w.raw("<Operations xsi:type=\"cwmp:UninstallOpStruct\">");
            el!(w, "UUID", text & o.uuid);
            opt!(w, "Version", &o.version);
            opt!(w, "ExecutionEnvRef", &o.execution_env_ref);
        }
        _ => {
            return Err(EncodeError::InvalidUnknownMethod {
                name: "ChangeDUState".to_owned(),
                reason: "an operation kind this encoder does not support",
            });
        }
    }
    w.raw("</Operations>");
    Ok(())
}

/// Bytes per `ParameterValueStruct` besides its name and value text (with the longest
/// built-in type name; a vendor type adds its own length).
const PVS_OVERHEAD: usize =
    "<ParameterValueStruct><Name></Name><Value xsi:type=\"xsd:unsignedLong\"></Value></ParameterValueStruct>"
        .len();

/// Bytes per `ParameterInfoStruct` besides its name (booleans as words).
const INFO_OVERHEAD: usize =
    "<ParameterInfoStruct><Name></Name><Writable>false</Writable></ParameterInfoStruct>".len();

/// An estimate of the encoded size (slightly above for typical messages), so the buffer
/// is reserved once.
pub(super) fn size_hint(body: &Body) -> usize {
    const ENVELOPE: usize = 640;
    let pvs = |list: &[ParameterValueStruct]| -> usize {
        list.iter()
            .map(|p| {
                let vendor = match &p.value.value_type {
                    ValueType::Other(name) => name.len(),
                    _ => 0,
                };
                PVS_OVERHEAD + p.name.as_str().len() + p.value.text.len() + vendor
            })
            .sum()
    };
    let names =
        |list: &[ParameterName]| -> usize { list.iter().map(|n| n.as_str().len() + 17).sum() };
    ENVELOPE
        + match body {
            Body::Request(Request::SetParameterValues(m)) => pvs(&m.parameter_list),
            Body::Request(Request::Inform(m)) => pvs(&m.parameter_list) + 64 * m.event.len() + 256,
            Body::Request(Request::GetParameterValues(m)) => names(&m.parameter_names),
            Body::Request(Request::GetParameterAttributes(m)) => names(&m.parameter_names),
            Body::Request(Request::SetParameterAttributes(m)) => m
                .parameter_list
                .iter()
                .map(|p| p.name.as_str().len() + 260 + 24 * p.access_list.len())
                .sum(),
            Body::Request(Request::Unknown(u)) | Body::Response(Response::Unknown(u)) => {
                u.xml.len() + 2 * u.name.len()
            }
            Body::Response(Response::GetParameterValues(m)) => pvs(&m.parameter_list),
            Body::Response(Response::GetParameterNames(m)) => m
                .parameter_list
                .iter()
                .map(|p| p.name.as_str().len() + INFO_OVERHEAD)
                .sum(),
            Body::Response(Response::GetParameterAttributes(m)) => m
                .parameter_list
                .iter()
                .map(|p| p.name.as_str().len() + 160 + 24 * p.access_list.len())
                .sum(),
            Body::Response(Response::GetRpcMethods(m)) => {
                m.method_list.iter().map(|s| s.len() + 17).sum()
            }
            _ => 1024,
        }
}
