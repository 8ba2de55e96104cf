//! The simulated device behind the CPE agent: answers every ACS request from the parameter
//! tree, and records the actions (Reboot, Download, ScheduleInform, FactoryReset) that the
//! agent carries out after the session, as TR-069 defers them.

use cwmp_types::{
    Body, DownloadResponse, EventStruct, Fault, FaultCode, GetRpcMethodsResponse, Request, Response,
};

use crate::tree::ParameterTree;

/// An action to carry out once the session has ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Deferred {
    /// Reboot; the next session reports `1 BOOT` and `M Reboot` with this CommandKey.
    Reboot {
        /// The Reboot's CommandKey.
        command_key: String,
    },
    /// Fetch a file; a TransferComplete follows with `7 TRANSFER COMPLETE` and `M Download`.
    Download {
        /// The Download's CommandKey.
        command_key: String,
        /// Where from.
        url: String,
        /// Seconds to wait before starting.
        delay_seconds: u32,
    },
    /// Inform again after this many seconds (`3 SCHEDULED`, `M ScheduleInform`).
    ScheduleInform {
        /// The ScheduleInform's CommandKey.
        command_key: String,
        /// Delay.
        delay_seconds: u32,
    },
    /// Factory reset (`0 BOOTSTRAP`, `1 BOOT` next).
    FactoryReset,
}

/// The methods the example CPE answers (GetRPCMethods).
pub const CPE_METHODS: &[&str] = &[
    "GetRPCMethods",
    "SetParameterValues",
    "GetParameterValues",
    "GetParameterNames",
    "SetParameterAttributes",
    "GetParameterAttributes",
    "AddObject",
    "DeleteObject",
    "Reboot",
    "Download",
    "ScheduleInform",
    "FactoryReset",
];

/// The device: its parameters and what it must do after the session.
#[derive(Debug, Clone)]
pub struct Device {
    /// The parameter tree.
    pub tree: ParameterTree,
    /// Actions recorded during the current session, in order.
    pub deferred: Vec<Deferred>,
}

impl Device {
    /// A device with this tree.
    pub fn new(tree: ParameterTree) -> Self {
        Self {
            tree,
            deferred: Vec::new(),
        }
    }

    /// Answers one ACS request: a response, or the fault to send (9000 for methods the
    /// example does not implement).
    pub fn answer(&mut self, req: &Request) -> Result<Response, Fault> {
        Ok(match req {
            Request::GetRpcMethods(_) => {
                GetRpcMethodsResponse::new(CPE_METHODS.iter().copied()).into()
            }
            Request::GetParameterValues(r) => self.tree.get_parameter_values(r)?.into(),
            Request::GetParameterNames(r) => self.tree.get_parameter_names(r)?.into(),
            Request::GetParameterAttributes(r) => self.tree.get_parameter_attributes(r)?.into(),
            Request::SetParameterValues(r) => self.tree.set_parameter_values(r)?.into(),
            Request::SetParameterAttributes(r) => self.tree.set_parameter_attributes(r)?.into(),
            Request::AddObject(r) => self.tree.add_object(r)?.into(),
            Request::DeleteObject(r) => self.tree.delete_object(r)?.into(),
            Request::Reboot(r) => {
                self.deferred.push(Deferred::Reboot {
                    command_key: r.command_key.clone(),
                });
                Response::Reboot(Default::default())
            }
            Request::Download(r) => {
                if !(r.url.starts_with("http://") || r.url.starts_with("https://")) {
                    return Err(Fault::new(FaultCode::UnsupportedTransferProtocol));
                }
                self.deferred.push(Deferred::Download {
                    command_key: r.command_key.clone(),
                    url: r.url.clone(),
                    delay_seconds: r.delay_seconds,
                });
                DownloadResponse::pending().into()
            }
            Request::ScheduleInform(r) => {
                if r.delay_seconds == 0 {
                    return Err(Fault::with_string(
                        FaultCode::InvalidArguments,
                        "DelaySeconds must be greater than zero",
                    ));
                }
                self.deferred.push(Deferred::ScheduleInform {
                    command_key: r.command_key.clone(),
                    delay_seconds: r.delay_seconds,
                });
                Response::ScheduleInform(Default::default())
            }
            Request::FactoryReset(_) => {
                self.deferred.push(Deferred::FactoryReset);
                Response::FactoryReset(Default::default())
            }
            other => {
                return Err(Fault::with_string(
                    FaultCode::MethodNotSupported,
                    format!("{} is not supported", other.method_name()),
                ));
            }
        })
    }

    /// Takes the actions recorded in the session that just ended.
    pub fn take_deferred(&mut self) -> Vec<Deferred> {
        std::mem::take(&mut self.deferred)
    }
}

/// One line of a readable transcript: the message name and its gist, e.g.
/// `Inform [0 BOOTSTRAP, 1 BOOT]` or `GetParameterValues [Device.DeviceInfo.]`.
pub fn describe(body: Option<&Body>) -> String {
    let Some(body) = body else {
        return "(empty)".to_owned();
    };
    fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
        format!("[{}]", items.into_iter().collect::<Vec<_>>().join(", "))
    }
    match body {
        Body::Request(r) => {
            let name = r.method_name();
            let gist = match r {
                Request::Inform(i) => list(
                    i.event
                        .iter()
                        .map(|e: &EventStruct| e.event_code.as_str())
                        .collect::<Vec<_>>()
                        .iter()
                        .map(|c| c.as_ref()),
                ),
                Request::GetParameterValues(g) => {
                    list(g.parameter_names.iter().map(|n| n.as_str()))
                }
                Request::SetParameterValues(s) => format!(
                    "[{}]",
                    s.parameter_list
                        .iter()
                        .map(|p| format!("{}={}", p.name, p.value.text))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Request::GetParameterNames(g) => {
                    format!("[{} next_level={}]", g.parameter_path, g.next_level)
                }
                Request::AddObject(a) => list([a.object_name.as_str()]),
                Request::DeleteObject(d) => list([d.object_name.as_str()]),
                Request::Reboot(r) => format!("[CommandKey {:?}]", r.command_key),
                Request::Download(d) => format!("[{} {}]", d.file_type, d.url),
                Request::TransferComplete(t) => format!(
                    "[CommandKey {:?}, FaultCode {}]",
                    t.command_key,
                    t.fault_struct.fault_code.code()
                ),
                _ => String::new(),
            };
            if gist.is_empty() {
                name.to_owned()
            } else {
                format!("{name} {gist}")
            }
        }
        Body::Response(r) => {
            let name = r.method_name();
            let gist = match r {
                Response::GetParameterValues(g) => format!("({} values)", g.parameter_list.len()),
                Response::GetParameterNames(g) => format!("({} names)", g.parameter_list.len()),
                Response::AddObject(a) => format!("[instance {}]", a.instance_number),
                Response::SetParameterValues(s) => format!("[status {}]", s.status),
                Response::Download(d) => format!("[status {}]", d.status),
                _ => String::new(),
            };
            if gist.is_empty() {
                name.to_owned()
            } else {
                format!("{name} {gist}")
            }
        }
        Body::Fault(f) => format!("Fault {} {}", f.fault_code.code(), f.fault_string),
        _ => "(unknown body)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{DeviceIdentity, IP_INTERFACE_TABLE};
    use cwmp_types::{
        AddObject, Download, EventCode, GetParameterValues, Inform, Reboot, ScheduleInform, Upload,
    };

    fn device() -> Device {
        Device::new(ParameterTree::new(
            &DeviceIdentity::example("SN9"),
            "http://acs/",
            "2.0",
        ))
    }

    #[test]
    fn answers_parameter_rpcs_from_the_tree() {
        let mut d = device();
        let r = d
            .answer(&GetParameterValues::new(["Device.DeviceInfo.SerialNumber"]).into())
            .unwrap();
        let Response::GetParameterValues(g) = r else {
            panic!("{r:?}")
        };
        assert_eq!(g.parameter_list[0].value.text, "SN9");
        let r = d
            .answer(&AddObject::new(IP_INTERFACE_TABLE, "k").into())
            .unwrap();
        assert!(matches!(r, Response::AddObject(a) if a.instance_number == 2));
        let f = d
            .answer(&GetParameterValues::new(["Device.X."]).into())
            .unwrap_err();
        assert_eq!(f.fault_code, FaultCode::InvalidParameterName);
    }

    #[test]
    fn defers_reboot_and_download() {
        let mut d = device();
        d.answer(&Reboot::new("rk").into()).unwrap();
        let r = d
            .answer(&Download::new("dk", "1 Firmware Upgrade Image", "http://files/fw.bin").into())
            .unwrap();
        assert!(matches!(r, Response::Download(x) if x.status == 1));
        let f = d
            .answer(&Download::new("dk", "1 Firmware Upgrade Image", "tftp://x/").into())
            .unwrap_err();
        assert_eq!(f.fault_code, FaultCode::UnsupportedTransferProtocol);
        let f = d.answer(&ScheduleInform::new(0, "s").into()).unwrap_err();
        assert_eq!(f.fault_code, FaultCode::InvalidArguments);
        assert_eq!(
            d.take_deferred(),
            [
                Deferred::Reboot {
                    command_key: "rk".into()
                },
                Deferred::Download {
                    command_key: "dk".into(),
                    url: "http://files/fw.bin".into(),
                    delay_seconds: 0
                }
            ]
        );
        assert!(d.take_deferred().is_empty());
        let f = d
            .answer(&Upload::new("u", "1 Vendor Configuration File", "http://x/").into())
            .unwrap_err();
        assert_eq!(f.fault_code, FaultCode::MethodNotSupported);
    }

    #[test]
    fn transcript_lines() {
        let inform = Inform::new(
            DeviceIdentity::example("S").into_device_id(),
            vec![
                EventStruct::new(EventCode::Bootstrap),
                EventStruct::new(EventCode::Boot),
            ],
        );
        assert_eq!(
            describe(Some(&inform.into())),
            "Inform [0 BOOTSTRAP, 1 BOOT]"
        );
        assert_eq!(
            describe(Some(
                &GetParameterValues::new(["Device.DeviceInfo."]).into()
            )),
            "GetParameterValues [Device.DeviceInfo.]"
        );
        assert_eq!(describe(None), "(empty)");
    }
}
