//! The example ACS's provisioning policy: what it asks of each device, session by session.
//! This is application logic on top of AcsSession (which does the protocol); it only decides
//! which RPCs to queue and checks the answers.
//!
//! Scenario: `0 BOOTSTRAP` → GetParameterValues `Device.DeviceInfo.`, SetParameterValues of
//! PeriodicInformInterval, AddObject `Device.IP.Interface.` then SetParameterValues on the new
//! instance, GetParameterNames, Download → (`7 TRANSFER COMPLETE` + TransferComplete) →
//! Reboot → (`1 BOOT` + `M Reboot`) → a Connection Request → (`6 CONNECTION REQUEST`) → done.

use cwmp_types::{
    AddObject, Download, EventCode, Fault, GetParameterNames, GetParameterValues, Inform,
    ParameterValue, ParameterValueStruct, Reboot, Request, Response, SetParameterValues,
    TransferComplete,
};

use crate::device::IP_INTERFACE_TABLE;

/// Where a device is in the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Stage {
    /// Not seen yet (waits for `0 BOOTSTRAP`).
    New,
    /// Provisioning RPCs sent; waits for the TransferComplete of the Download.
    Downloading,
    /// Reboot sent; waits for `1 BOOT` + `M Reboot`.
    Rebooting,
    /// Rebooted; the ACS sends a Connection Request and waits for `6 CONNECTION REQUEST`.
    ConnectionRequest,
    /// Scenario complete.
    Done,
}

/// CommandKey of the scenario's Download.
pub const DOWNLOAD_KEY: &str = "demo-download";
/// CommandKey of the scenario's Reboot.
pub const REBOOT_KEY: &str = "demo-reboot";

/// The per-device policy state (serializable: a cluster of ACS nodes keeps it in a store).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Provisioning {
    /// Current stage.
    pub stage: Stage,
    /// PeriodicInformInterval the ACS sets (seconds).
    pub periodic_interval: u32,
    /// Download URL handed to the CPE.
    pub download_url: String,
    /// Instance created by AddObject.
    pub instance: Option<u32>,
    /// DelaySeconds of the Download (0 by default).
    pub download_delay_seconds: u32,
    /// Everything that went wrong (unexpected faults or events).
    pub problems: Vec<String>,
    /// RPCs a session ended without their answer ([`Provisioning::on_rpc_failed`]: it was cut
    /// off when its ACS node died, timed out or was abandoned), asked again by the device's
    /// next session: the CPE carries out a Download or a Reboot only once the ACS got its
    /// answer, so asking again applies nothing twice (SetParameterValues and the reads are
    /// idempotent; an AddObject the CPE applied but whose answer was lost adds a second
    /// instance). Only a session's failure changes it, so answers do not rewrite the record.
    #[serde(default)]
    pub unanswered: Vec<Request>,
    /// The CPE answered the Download, as far as the ACS knows.
    #[serde(default)]
    pub download_answered: bool,
    /// An Inform carried `7 TRANSFER COMPLETE` (or the TransferComplete came): the CPE
    /// carried out the Download.
    #[serde(default)]
    pub transfer_seen: bool,
}

impl Provisioning {
    /// A policy for a new device.
    pub fn new(periodic_interval: u32, download_url: impl Into<String>) -> Self {
        Self {
            stage: Stage::New,
            periodic_interval,
            download_url: download_url.into(),
            instance: None,
            download_delay_seconds: 0,
            problems: Vec::new(),
            unanswered: Vec::new(),
            download_answered: false,
            transfer_seen: false,
        }
    }

    /// A session ended before the CPE answered `req` (the session machine's `RpcFailed`): the
    /// device's next session asks it again.
    pub fn on_rpc_failed(&mut self, req: Request) {
        if !self.unanswered.contains(&req) {
            self.unanswered.push(req);
        }
    }

    /// Called with each Inform; returns the RPCs to queue for this session: the stage's, or
    /// those a previous session left unanswered.
    pub fn on_inform(&mut self, inform: &Inform) -> Vec<Request> {
        if inform.has_event(&EventCode::TransferComplete) {
            self.transfer_seen = true;
        }
        let next = self.next_on_inform(inform);
        if !next.is_empty() {
            return next;
        }
        // A node can die after it stored the CPE's answer to a Download or a Reboot and before
        // its reply reached the CPE, which then does not carry the action out (it does so once
        // the ACS got its answer, and cannot know). The agent carries it out as soon as the
        // session ends, so an Inform that shows no sign of it means it was not done: asked
        // again. (A Download with DelaySeconds may still be waiting: not asked again.)
        let redo: Option<Request> = match self.stage {
            Stage::Downloading
                if self.download_answered
                    && !self.transfer_seen
                    && self.download_delay_seconds == 0 =>
            {
                self.download_answered = false;
                Some(self.download().into())
            }
            // Rebooted, the CPE's Inform would carry `M Reboot` (and move the stage on).
            Stage::Rebooting => Some(Reboot::new(REBOOT_KEY).into()),
            _ => None,
        };
        if let Some(r) = redo.filter(|r| !self.unanswered.contains(r)) {
            self.unanswered.push(r);
        }
        match self.stage {
            // Asked in this session: if it fails too, they come back through on_rpc_failed.
            Stage::Downloading | Stage::Rebooting => std::mem::take(&mut self.unanswered),
            _ => Vec::new(),
        }
    }

    /// The scenario's Download.
    fn download(&self) -> Download {
        let mut dl = Download::new(
            DOWNLOAD_KEY,
            "1 Firmware Upgrade Image",
            self.download_url.clone(),
        );
        dl.file_size = 1024;
        dl.delay_seconds = self.download_delay_seconds;
        dl
    }

    fn next_on_inform(&mut self, inform: &Inform) -> Vec<Request> {
        let has = |c: &EventCode| inform.has_event(c);
        match self.stage {
            Stage::New if has(&EventCode::Bootstrap) => {
                self.stage = Stage::Downloading;
                let spv = SetParameterValues::new(
                    vec![ParameterValueStruct::new(
                        "Device.ManagementServer.PeriodicInformInterval",
                        ParameterValue::unsigned_int(self.periodic_interval),
                    )],
                    "demo-1",
                );
                vec![
                    GetParameterValues::new(["Device.DeviceInfo."]).into(),
                    spv.into(),
                    AddObject::new(IP_INTERFACE_TABLE, "demo-2").into(),
                ]
            }
            Stage::New => {
                self.problems
                    .push("first Inform without 0 BOOTSTRAP".into());
                Vec::new()
            }
            Stage::Rebooting
                if has(&EventCode::Boot)
                    && inform.event.iter().any(|e| {
                        e.event_code == EventCode::m_reboot() && e.command_key == REBOOT_KEY
                    }) =>
            {
                self.stage = Stage::ConnectionRequest;
                Vec::new()
            }
            Stage::ConnectionRequest if has(&EventCode::ConnectionRequest) => {
                self.stage = Stage::Done;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Called with the CPE's TransferComplete; returns RPCs to queue (the Reboot).
    pub fn on_transfer_complete(&mut self, tc: &TransferComplete) -> Vec<Request> {
        self.transfer_seen = true;
        if self.stage != Stage::Downloading && tc.command_key == DOWNLOAD_KEY {
            // Sent again: the ACS's response was lost (its node died). Acknowledged, once.
            return Vec::new();
        }
        if self.stage != Stage::Downloading || tc.command_key != DOWNLOAD_KEY {
            self.problems
                .push(format!("unexpected TransferComplete {:?}", tc.command_key));
            return Vec::new();
        }
        if !tc.fault_struct.is_success() {
            self.problems.push(format!(
                "Download failed: {}",
                tc.fault_struct.fault_code.code()
            ));
        }
        self.stage = Stage::Rebooting;
        vec![Reboot::new(REBOOT_KEY).into()]
    }

    /// Called with each answer to one of the queued RPCs; returns follow-up RPCs to queue.
    pub fn on_answer(&mut self, req: &Request, answer: Result<&Response, &Fault>) -> Vec<Request> {
        if let Some(i) = self.unanswered.iter().position(|r| r == req) {
            self.unanswered.remove(i);
        }
        if matches!(req, Request::Download(_)) {
            self.download_answered = true;
        }
        self.follow_ups(req, answer)
    }

    fn follow_ups(&mut self, req: &Request, answer: Result<&Response, &Fault>) -> Vec<Request> {
        let resp = match answer {
            Ok(r) => r,
            Err(f) => {
                self.problems
                    .push(format!("{} faulted: {f}", req.method_name()));
                return Vec::new();
            }
        };
        match resp {
            Response::AddObject(a) => {
                self.instance = Some(a.instance_number);
                let obj = format!("{IP_INTERFACE_TABLE}{}.", a.instance_number);
                let dl = self.download();
                vec![
                    SetParameterValues::new(
                        vec![
                            ParameterValueStruct::new(
                                format!("{obj}Enable"),
                                ParameterValue::boolean(true),
                            ),
                            ParameterValueStruct::new(
                                format!("{obj}Alias"),
                                ParameterValue::string("demo"),
                            ),
                        ],
                        "demo-3",
                    )
                    .into(),
                    GetParameterNames::new("Device.IP.", false).into(),
                    dl.into(),
                ]
            }
            Response::GetParameterValues(g) if g.parameter_list.is_empty() => {
                self.problems.push("empty GetParameterValues answer".into());
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Whether the ACS should now send a Connection Request to this device.
    pub fn wants_connection_request(&self) -> bool {
        self.stage == Stage::ConnectionRequest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{Device, DeviceIdentity};
    use cwmp_types::{EventStruct, FaultStruct};

    fn inform(events: Vec<EventStruct>) -> Inform {
        Inform::new(DeviceIdentity::example("S").into_device_id(), events)
    }

    /// Runs the policy against the simulated device without any transport.
    #[test]
    fn scenario_against_the_device() {
        let mut dev = Device::new(&DeviceIdentity::example("S"), "http://a/", "1");
        let mut p = Provisioning::new(1, "http://127.0.0.1:1/fw.bin");
        let mut queue = p.on_inform(&inform(vec![EventStruct::new(EventCode::Bootstrap)]));
        let mut methods = Vec::new();
        while !queue.is_empty() {
            let req = queue.remove(0);
            methods.push(req.method_name().to_owned());
            let ans = dev.answer(&req);
            queue.extend(p.on_answer(&req, ans.as_ref()));
        }
        assert_eq!(
            methods,
            [
                "GetParameterValues",
                "SetParameterValues",
                "AddObject",
                "SetParameterValues",
                "GetParameterNames",
                "Download"
            ]
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(
            dev.model
                .get("Device.ManagementServer.PeriodicInformInterval"),
            Some(ParameterValue::unsigned_int(1))
        );
        assert_eq!(
            dev.model.get("Device.IP.Interface.2.Alias").unwrap().text,
            "demo"
        );
        // The device brought the new interface up.
        assert_eq!(
            dev.model.get("Device.IP.Interface.2.Status").unwrap().text,
            "Up"
        );
        assert_eq!(dev.take_deferred().len(), 1);
        let mut tc = TransferComplete::default();
        tc.command_key = DOWNLOAD_KEY.into();
        tc.fault_struct = FaultStruct::success();
        let r = p.on_transfer_complete(&tc);
        assert_eq!(r[0].method_name(), "Reboot");
        assert!(!p.wants_connection_request());
        let mut mr = EventStruct::new(EventCode::m_reboot());
        mr.command_key = REBOOT_KEY.into();
        p.on_inform(&inform(vec![EventStruct::new(EventCode::Boot), mr]));
        assert!(p.wants_connection_request());
        p.on_inform(&inform(vec![EventStruct::new(
            EventCode::ConnectionRequest,
        )]));
        assert_eq!(p.stage, Stage::Done);
        assert!(p.problems.is_empty());
    }

    #[test]
    fn rpcs_a_cut_off_session_left_unanswered_are_asked_again() {
        let mut p = Provisioning::new(1, "http://x/");
        let first = p.on_inform(&inform(vec![EventStruct::new(EventCode::Bootstrap)]));
        assert_eq!(first.len(), 3);
        // The GetParameterValues was answered (which leaves the record as it was); then the
        // session was cut off, and the machine reported the other two failed.
        let mut dev = Device::new(&DeviceIdentity::example("S"), "http://a/", "1");
        let ans = dev.answer(&first[0]);
        assert!(p.on_answer(&first[0], ans.as_ref()).is_empty());
        assert!(p.unanswered.is_empty());
        for req in &first[1..] {
            p.on_rpc_failed(req.clone());
            p.on_rpc_failed(req.clone());
        }
        // The retry session (the InformResponse had arrived: no BOOTSTRAP any more) asks them,
        // once each.
        let again = p.on_inform(&inform(vec![EventStruct::new(EventCode::Periodic)]));
        assert_eq!(again, first[1..]);
        assert!(p.unanswered.is_empty());
        // Their answers bring the AddObject's follow-ups, ending with the Download.
        let mut follow_ups = Vec::new();
        for req in &again {
            let ans = dev.answer(req);
            follow_ups.extend(p.on_answer(req, ans.as_ref()));
        }
        let methods: Vec<_> = follow_ups.iter().map(Request::method_name).collect();
        assert_eq!(
            methods,
            ["SetParameterValues", "GetParameterNames", "Download"]
        );
        // A session with nothing left unanswered asks nothing.
        let quiet = p.on_inform(&inform(vec![EventStruct::new(EventCode::Periodic)]));
        assert!(quiet.is_empty());
    }

    #[test]
    fn a_download_answered_but_not_carried_out_is_asked_again() {
        let mut p = Provisioning::new(1, "http://x/");
        let mut dev = Device::new(&DeviceIdentity::example("S"), "http://a/", "1");
        let mut queue = p.on_inform(&inform(vec![EventStruct::new(EventCode::Bootstrap)]));
        while !queue.is_empty() {
            let req = queue.remove(0);
            let ans = dev.answer(&req);
            queue.extend(p.on_answer(&req, ans.as_ref()));
        }
        assert!(p.unanswered.is_empty());
        // The node stored the DownloadResponse and died before its reply: the CPE's retry
        // session shows no transfer.
        let again = p.on_inform(&inform(vec![EventStruct::new(EventCode::Periodic)]));
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].method_name(), "Download");
        // Once the transfer shows, it is not asked again, and a TransferComplete sent again
        // after a lost response is no problem.
        let ans = dev.answer(&again[0]);
        p.on_answer(&again[0], ans.as_ref());
        let mut tc = TransferComplete::default();
        tc.command_key = DOWNLOAD_KEY.into();
        tc.fault_struct = FaultStruct::success();
        let mut seven = EventStruct::new(EventCode::TransferComplete);
        seven.command_key = String::new();
        assert!(p.on_inform(&inform(vec![seven])).is_empty());
        assert_eq!(p.on_transfer_complete(&tc).len(), 1);
        assert!(p.on_transfer_complete(&tc).is_empty());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }

    #[test]
    fn problems_are_recorded() {
        let mut p = Provisioning::new(1, "http://x/");
        p.on_inform(&inform(vec![EventStruct::new(EventCode::Periodic)]));
        let f = Fault::new(cwmp_types::FaultCode::InternalError);
        p.on_answer(&GetParameterValues::new(["Device."]).into(), Err(&f));
        let tc = TransferComplete::default();
        p.on_transfer_complete(&tc);
        assert_eq!(p.problems.len(), 3, "{:?}", p.problems);
    }
}
