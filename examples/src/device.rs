//! The simulated device behind the CPE agent: answers every ACS request from the parameter
//! tree, and records the actions (Reboot, Download, ScheduleInform, FactoryReset) that the
//! agent carries out after the session, as TR-069 defers them.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use cwmp_datamodel::{DataModel, ReadOnly, Schema, Value};
use cwmp_types::{
    Body, DownloadResponse, EventStruct, Fault, FaultCode, GetRpcMethodsResponse, Request, Response,
};

use crate::natcr::{JABBER_ID, UDP_ADDRESS};

/// The multi-instance table the scenario adds to.
pub const IP_INTERFACE_TABLE: &str = "Device.IP.Interface.";

/// The part of TR-181 the simulated device supports.
pub const SUPPORTED: &[&str] = &[
    "Device.DeviceInfo.",
    "Device.ManagementServer.",
    "Device.IP.Interface.{i}.",
];

/// The device's schema: TR-181 Device:2.16 narrowed to [`SUPPORTED`] (parsed once, and one
/// copy shared by every device's tree).
pub fn schema() -> &'static Arc<Schema> {
    static SCHEMA: OnceLock<Arc<Schema>> = OnceLock::new();
    SCHEMA.get_or_init(|| Arc::new(Schema::tr181().select(SUPPORTED)))
}

/// Who the device is: the fixed DeviceInfo values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceIdentity {
    /// `Manufacturer`
    pub manufacturer: String,
    /// `ManufacturerOUI`
    pub oui: String,
    /// `ProductClass`
    pub product_class: String,
    /// `SerialNumber`
    pub serial_number: String,
}

impl DeviceIdentity {
    /// The identity the examples give a CPE with this serial number.
    pub fn example(serial_number: impl Into<String>) -> Self {
        Self {
            manufacturer: "cwmp-rs".to_owned(),
            oui: "00D09E".to_owned(),
            product_class: "ExampleGateway".to_owned(),
            serial_number: serial_number.into(),
        }
    }

    /// The Inform's DeviceId.
    pub fn into_device_id(self) -> cwmp_types::DeviceIdStruct {
        cwmp_types::DeviceIdStruct::new(
            self.manufacturer,
            self.oui,
            self.product_class,
            self.serial_number,
        )
    }
}

/// What the Connection Request paths behind NAT publish (`ConnReqJabberID`,
/// `UDPConnectionRequestAddress`): live values the agent updates, read by the tree.
pub type Published = Arc<Mutex<[String; 2]>>;

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

/// The device: its parameter tree and what it must do after the session.
#[derive(Debug)]
pub struct Device {
    /// The parameter tree (TR-181, from `cwmp-datamodel`).
    pub model: DataModel,
    /// Actions recorded during the current session, in order.
    pub deferred: Vec<Deferred>,
    /// When the device booted (`DeviceInfo.UpTime`).
    boot: Arc<Mutex<Instant>>,
    /// What the NAT paths publish.
    pub published: Published,
}

impl Device {
    /// A device fresh from the factory: its identity, software version, ACS URL, and one IP
    /// interface (`wan`). The agent sets the rest of its factory defaults (credentials,
    /// periodic Inform, retry policy, ConnectionRequestURL) with [`DataModel::set`] and then
    /// calls [`DataModel::clear_changes`].
    pub fn new(id: &DeviceIdentity, acs_url: &str, software_version: &str) -> Self {
        let mut model = DataModel::new(Arc::clone(schema()));
        let boot = Arc::new(Mutex::new(Instant::now()));
        let since = boot.clone();
        let uptime = move |_: &str| {
            let booted = *since.lock().expect("boot time");
            let secs = u32::try_from(booted.elapsed().as_secs()).unwrap_or(u32::MAX);
            Ok(Value::from(secs))
        };
        model
            .bind("Device.DeviceInfo.UpTime", ReadOnly(uptime))
            .expect("UpTime is in the schema");
        let published: Published = Arc::default();
        for (i, path) in [JABBER_ID, UDP_ADDRESS].into_iter().enumerate() {
            let p = published.clone();
            let read = move |_: &str| Ok(Value::from(p.lock().expect("published")[i].clone()));
            model.bind(path, ReadOnly(read)).expect("in the schema");
        }
        for (path, value) in [
            ("Device.DeviceInfo.Manufacturer", id.manufacturer.as_str()),
            ("Device.DeviceInfo.ManufacturerOUI", &id.oui),
            ("Device.DeviceInfo.ProductClass", &id.product_class),
            ("Device.DeviceInfo.SerialNumber", &id.serial_number),
            ("Device.DeviceInfo.HardwareVersion", "HW-1.0"),
            ("Device.DeviceInfo.SoftwareVersion", software_version),
            ("Device.ManagementServer.URL", acs_url),
        ] {
            model.set(path, value).expect("valid for the schema");
        }
        let wan = model
            .add_instance(IP_INTERFACE_TABLE)
            .expect("the table is in the schema");
        for (leaf, value) in [("Alias", "wan"), ("Name", "ip1")] {
            model
                .set(&format!("{IP_INTERFACE_TABLE}{wan}.{leaf}"), value)
                .expect("valid for the schema");
        }
        model.clear_changes();
        Self {
            model,
            deferred: Vec::new(),
            boot,
            published,
        }
    }

    /// Takes what the Connection Request paths behind NAT publish (from
    /// [`crate::natcr::NatPaths::add_inform_parameters`]), so that the tree answers
    /// `ConnReqJabberID` and `UDPConnectionRequestAddress` with it.
    pub fn publish(&mut self, published: &[cwmp_types::ParameterValueStruct]) {
        let mut cell = self.published.lock().expect("published");
        for p in published {
            match p.name.as_str() {
                JABBER_ID => cell[0] = p.value.text.clone(),
                UDP_ADDRESS => cell[1] = p.value.text.clone(),
                _ => {}
            }
        }
    }

    /// The device booted again: `UpTime` starts over.
    pub fn rebooted(&mut self) {
        *self.boot.lock().expect("boot time") = Instant::now();
    }

    /// What the device does after a SetParameterValues: an IP interface's `Status` follows
    /// its `Enable` (`Up` or `Down`). That is a change made by the device, not by the ACS,
    /// so it is notified as the `Status` Notification attribute says.
    pub fn follow_settings(&mut self) {
        for i in self.model.instances(IP_INTERFACE_TABLE) {
            let obj = format!("{IP_INTERFACE_TABLE}{i}.");
            let enabled = self
                .model
                .get_value(&format!("{obj}Enable"))
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            let status = if enabled { "Up" } else { "Down" };
            let _ = self.model.set(&format!("{obj}Status"), status);
        }
    }

    /// Answers one ACS request without a session (the agent answers parameter RPCs through
    /// [`DataModel::answer_session`], so that ManagementServer settings take effect): a
    /// response, or the fault to send (9000 for methods the example does not implement).
    pub fn answer(&mut self, req: &Request) -> Result<Response, Fault> {
        if let Some(answer) = self.model.answer(req) {
            if answer.is_ok() && matches!(req, Request::SetParameterValues(_)) {
                self.follow_settings();
            }
            return answer;
        }
        Ok(match req {
            Request::GetRpcMethods(_) => {
                GetRpcMethodsResponse::new(CPE_METHODS.iter().copied()).into()
            }
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
    use cwmp_types::{
        AddObject, Download, EventCode, GetParameterValues, Inform, Reboot, ScheduleInform, Upload,
    };

    fn device() -> Device {
        Device::new(&DeviceIdentity::example("SN9"), "http://acs/", "2.0")
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
    fn status_follows_enable_and_is_notified_as_its_attribute_says() {
        use cwmp_datamodel::Notification;
        use cwmp_types::{
            ParameterValue, ParameterValueStruct, SetParameterAttributes,
            SetParameterAttributesStruct, SetParameterValues,
        };
        let mut d = device();
        let status = "Device.IP.Interface.1.Status";
        let spa = SetParameterAttributes::new(vec![SetParameterAttributesStruct::notification(
            status, 2,
        )]);
        d.answer(&spa.into()).unwrap();
        let enable = ParameterValueStruct::new(
            "Device.IP.Interface.1.Enable",
            ParameterValue::boolean(true),
        );
        d.answer(&SetParameterValues::new(vec![enable], "k").into())
            .unwrap();
        assert_eq!(d.model.get(status).unwrap().text, "Up");
        let pending: Vec<_> = d.model.pending_changes().collect();
        assert_eq!(pending, [(status, Notification::Active)]);
    }

    #[test]
    fn the_tree_answers_what_the_nat_paths_publish_and_the_uptime() {
        use cwmp_types::{ParameterValue, ParameterValueStruct};
        let mut d = device();
        let jid = ParameterValueStruct::new(JABBER_ID, ParameterValue::string("cpe@x/r"));
        d.publish(&[jid]);
        let r = d
            .answer(
                &GetParameterValues::new([JABBER_ID, UDP_ADDRESS, "Device.DeviceInfo.UpTime"])
                    .into(),
            )
            .unwrap();
        let Response::GetParameterValues(g) = r else {
            panic!("{r:?}")
        };
        let texts: Vec<&str> = g
            .parameter_list
            .iter()
            .map(|p| p.value.text.as_str())
            .collect();
        assert_eq!(texts[..2], ["cpe@x/r", ""]);
        // Seconds since the device was made: a live value, not a stored one.
        assert!(texts[2].parse::<u32>().unwrap() < 60, "{}", texts[2]);
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
