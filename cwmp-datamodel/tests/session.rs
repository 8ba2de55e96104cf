//! The `session` glue against real `CpeSession` and `AcsSession` machines, in memory.

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::*;
use cwmp_datamodel::DataModel;
use cwmp_session::acs;
use cwmp_session::cpe::{Config, Event, InformArgs, Input, Output};
use cwmp_session::http::{IncomingRequest, IncomingResponse, SendReason};
use cwmp_session::{AcsSession, CpeSession, EventQueue};
use cwmp_types::*;

const PII: &str = "Device.ManagementServer.PeriodicInformInterval";

/// An ACS that, for each session, sends a list of requests and records what it saw.
struct Acs {
    session: Option<AcsSession>,
    script: Vec<Vec<Request>>,
    informs: Vec<Inform>,
    responses: Vec<Result<Response, Fault>>,
}

impl Acs {
    fn post(&mut self, reason: SendReason, body: &[u8]) -> (u16, Vec<u8>) {
        let t0 = SystemTime::UNIX_EPOCH;
        if reason == SendReason::NewSession || self.session.is_none() {
            self.session = Some(AcsSession::new(Default::default(), t0));
        }
        let s = self.session.as_mut().unwrap();
        s.handle_input(acs::Input::HttpRequest {
            now: t0,
            request: IncomingRequest::new(body),
        })
        .unwrap();
        loop {
            match s.poll_output().expect("the ACS answers every POST") {
                acs::Output::SendHttp(r) => return (r.status, r.body.to_vec()),
                acs::Output::Event(acs::Event::Inform { inform, .. }) => {
                    self.informs.push(*inform);
                    let requests = if self.script.is_empty() {
                        Vec::new()
                    } else {
                        self.script.remove(0)
                    };
                    for r in requests {
                        s.queue_request(t0, r).unwrap();
                    }
                }
                acs::Output::Event(acs::Event::RpcResponse { response, .. }) => {
                    self.responses.push(Ok(response));
                }
                acs::Output::Event(acs::Event::RpcFault { fault, .. }) => {
                    self.responses.push(Err(fault))
                }
                acs::Output::Event(acs::Event::AwaitingRequests) => s.finish(t0),
                _ => {}
            }
        }
    }
}

/// Runs the CPE until `sessions` sessions have ended.
fn run(
    cpe: &mut CpeSession,
    model: &mut DataModel,
    acs: &mut Acs,
    now: &mut Instant,
    sessions: usize,
) {
    let mut ended = 0;
    while ended < sessions {
        model.notify_session(cpe, *now).unwrap();
        while let Some(out) = cpe.poll_output() {
            match out {
                Output::SendHttp(req) => {
                    let (status, body) = acs.post(req.reason, &req.body);
                    cpe.handle_input(Input::HttpResponse {
                        now: *now,
                        response: IncomingResponse::new(status, &body),
                    })
                    .unwrap();
                }
                Output::Event(Event::InformDue { .. }) => {
                    let params = model.inform_parameters();
                    cpe.start_session(
                        *now,
                        InformArgs::new(DateTime::from_unix(1_700_000_000), params),
                    )
                    .unwrap();
                }
                Output::Event(Event::AcsRequest { handle, request }) => {
                    let (reply, _) = model
                        .answer_session(cpe, *now, 1_700_000_000, &request)
                        .expect("a parameter RPC");
                    cpe.respond(*now, handle, reply).unwrap();
                }
                Output::Event(Event::SessionEnded(end)) => {
                    assert!(end.result.is_ok(), "{:?}", end.result);
                    ended += 1;
                }
                Output::Event(e) => model.on_session_event(&e),
                _ => {}
            }
        }
        if ended < sessions {
            let deadline = cpe.poll_timeout().expect("something is due");
            *now = (*now).max(deadline);
            cpe.handle_input(Input::Timeout(*now)).unwrap();
        }
    }
}

fn device() -> (CpeSession, DataModel, Instant) {
    let now = Instant::now();
    let mut model = model();
    model
        .set("Device.ManagementServer.URL", "http://acs.invalid/")
        .unwrap();
    model
        .set("Device.DeviceInfo.SoftwareVersion", "1.0")
        .unwrap();
    let config = Config::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", "SN1"),
        "http://acs.invalid/",
    );
    let cpe = CpeSession::new(config, now, EventQueue::bootstrap());
    (cpe, model, now)
}

#[test]
fn the_acs_scenario_runs_on_the_tree_and_management_server_settings_reach_the_session() {
    let (mut cpe, mut model, mut now) = device();
    let script = vec![vec![
        Request::GetParameterValues(GetParameterValues::new(["Device.DeviceInfo."])),
        Request::SetParameterValues(SetParameterValues::new(
            vec![
                ParameterValueStruct::new(PII, ParameterValue::unsigned_int(120)),
                ParameterValueStruct::new(
                    "Device.ManagementServer.PeriodicInformEnable",
                    ParameterValue::boolean(true),
                ),
                ParameterValueStruct::new(
                    "Device.ManagementServer.CWMPRetryMinimumWaitInterval",
                    ParameterValue::unsigned_int(10),
                ),
                ParameterValueStruct::new(
                    "Device.ManagementServer.CWMPRetryIntervalMultiplier",
                    ParameterValue::unsigned_int(3000),
                ),
                ParameterValueStruct::new(
                    "Device.ManagementServer.DefaultActiveNotificationThrottle",
                    ParameterValue::unsigned_int(30),
                ),
            ],
            "provisioned",
        )),
        Request::AddObject(AddObject::new("Device.IP.Interface.", "k2")),
        Request::SetParameterValues(SetParameterValues::new(
            vec![ParameterValueStruct::new(
                "Device.IP.Interface.1.Enable",
                ParameterValue::boolean(true),
            )],
            "k3",
        )),
        Request::GetParameterNames(GetParameterNames::new("Device.IP.", true)),
        Request::SetParameterAttributes(SetParameterAttributes::new(vec![
            SetParameterAttributesStruct::notification("Device.DeviceInfo.ProvisioningCode", 2),
        ])),
    ]];
    let mut acs = Acs {
        session: None,
        script,
        informs: Vec::new(),
        responses: Vec::new(),
    };
    run(&mut cpe, &mut model, &mut acs, &mut now, 1);
    let inform = &acs.informs[0];
    assert_eq!(
        inform
            .parameter("Device.DeviceInfo.SoftwareVersion")
            .unwrap()
            .text,
        "1.0"
    );
    assert_eq!(acs.responses.len(), 6, "{:?}", acs.responses);
    let Ok(Response::GetParameterValues(gpv)) = &acs.responses[0] else {
        panic!()
    };
    assert!(
        gpv.parameter_list
            .iter()
            .any(|p| p.name.as_str() == "Device.DeviceInfo.SoftwareVersion")
    );
    let Ok(Response::AddObject(added)) = &acs.responses[2] else {
        panic!()
    };
    assert_eq!(added.instance_number, 1);
    assert!(matches!(&acs.responses[3], Ok(Response::SetParameterValues(r)) if r.status == 0));
    let Ok(Response::GetParameterNames(names)) = &acs.responses[4] else {
        panic!()
    };
    assert!(
        names
            .parameter_list
            .iter()
            .any(|p| p.name.as_str() == "Device.IP.Interface.")
    );
    // The settings took effect on the session.
    assert_eq!(cpe.config().retry_policy.minimum_wait_interval(), 10);
    assert_eq!(cpe.config().retry_policy.interval_multiplier(), 3000);
    assert_eq!(
        cpe.config().active_notification_throttle,
        Duration::from_secs(30)
    );
    let next = cpe.next_periodic_inform().expect("periodic inform armed");
    assert!(next <= now + Duration::from_secs(120), "{:?}", next - now);
    assert_eq!(value(&model, "Device.ManagementServer.ParameterKey"), "k3");

    // A value change with active notification opens a session carrying 4 VALUE CHANGE.
    model
        .set("Device.DeviceInfo.ProvisioningCode", "ABC")
        .unwrap();
    run(&mut cpe, &mut model, &mut acs, &mut now, 1);
    let inform = acs.informs.last().unwrap();
    assert!(
        inform.has_event(&EventCode::ValueChange),
        "{:?}",
        inform.event
    );
    assert_eq!(
        inform
            .parameter("Device.DeviceInfo.ProvisioningCode")
            .unwrap()
            .text,
        "ABC"
    );
    assert_eq!(model.pending_changes().count(), 0, "cleared when delivered");
}

#[test]
fn a_new_acs_url_takes_effect_with_bootstrap() {
    let (mut cpe, mut model, now) = device();
    let req = Request::SetParameterValues(SetParameterValues::new(
        vec![ParameterValueStruct::new(
            "Device.ManagementServer.URL",
            ParameterValue::string("http://new.invalid/"),
        )],
        "",
    ));
    let (reply, effects) = model.answer_session(&mut cpe, now, 0, &req).unwrap();
    assert!(matches!(reply, cwmp_session::Reply::Response(_)));
    assert!(effects.acs_url && !effects.acs_credentials);
    assert_eq!(cpe.config().acs_url, "http://new.invalid/");
    assert!(
        cpe.event_queue()
            .events()
            .any(|e| e.event_code == EventCode::Bootstrap)
    );
    let creds = Request::SetParameterValues(SetParameterValues::new(
        vec![ParameterValueStruct::new(
            "Device.ManagementServer.Password",
            ParameterValue::string("pw"),
        )],
        "",
    ));
    let (_, effects) = model.answer_session(&mut cpe, now, 0, &creds).unwrap();
    assert!(effects.acs_credentials);
    assert_eq!(model.management_server().password, "pw");
    assert!(
        model
            .answer_session(&mut cpe, now, 0, &Request::Reboot(Reboot::new("")))
            .is_none()
    );
}

#[test]
fn a_passive_change_rides_with_the_next_session_without_opening_one() {
    let (mut cpe, mut model, mut now) = device();
    let mut acs = Acs {
        session: None,
        script: Vec::new(),
        informs: Vec::new(),
        responses: Vec::new(),
    };
    run(&mut cpe, &mut model, &mut acs, &mut now, 1);
    spa(&mut model, "Device.ManagementServer.Username", 1).unwrap();
    model.set("Device.ManagementServer.Username", "x").unwrap();
    model.notify_session(&mut cpe, now).unwrap();
    assert!(
        cpe.event_queue()
            .events()
            .any(|e| e.event_code == EventCode::ValueChange)
    );
    assert!(!cpe.is_in_session());
    assert!(
        cpe.poll_output().is_none(),
        "no session opened for a passive change"
    );
    // The next session (the periodic one) carries it.
    run(&mut cpe, &mut model, &mut acs, &mut now, 1);
    let inform = acs.informs.last().unwrap();
    assert!(inform.has_event(&EventCode::ValueChange));
    assert_eq!(
        inform
            .parameter("Device.ManagementServer.Username")
            .unwrap()
            .text,
        "x"
    );
}

#[test]
fn heartbeat_policy_set_by_the_acs_arms_the_session() {
    // Annex O HeartbeatPolicy through SetParameterValues: the session wakes for 14 HEARTBEAT.
    let now = Instant::now();
    let mut model = model();
    let config = Config::new(
        DeviceIdStruct::new("Acme", "00D09E", "Router", "SN2"),
        "http://a.invalid/",
    );
    let mut cpe = CpeSession::new(config, now, EventQueue::new());
    let before = cpe.poll_timeout().expect("the fallback periodic inform");
    assert!(before > now + Duration::from_secs(60));
    let req = Request::SetParameterValues(SetParameterValues::new(
        vec![
            ParameterValueStruct::new(
                "Device.ManagementServer.HeartbeatPolicy.Enable",
                ParameterValue::boolean(true),
            ),
            ParameterValueStruct::new(
                "Device.ManagementServer.HeartbeatPolicy.ReportingInterval",
                ParameterValue::unsigned_int(30),
            ),
        ],
        "hb",
    ));
    let (_, effects) = model
        .answer_session(&mut cpe, now, 1_700_000_000, &req)
        .unwrap();
    assert!(effects.heartbeat && !effects.periodic_inform);
    let after = cpe.poll_timeout().unwrap();
    assert!(after <= now + Duration::from_secs(30), "{:?}", after - now);
    let ms = model.management_server();
    assert_eq!(ms.heartbeat.map(|h| h.reporting_interval()), Some(30));
}
