//! The whole CWMP session of the `session` bench (and of `icount session`), in memory,
//! every message encoded and decoded: Inform, InformResponse, empty POST,
//! GetParameterValues of 50 parameters, its response, 204.

use std::time::{Duration, Instant, SystemTime};

use cwmp_session::acs::{self, AcsSession};
use cwmp_session::cpe::{self, CpeSession, InformArgs};
use cwmp_session::http::{IncomingRequest, IncomingResponse};
use cwmp_session::{EventQueue, Reply};
use cwmp_types::*;

/// How many parameters the ACS asks for.
const PARAMS: usize = 50;

/// The 50 names the ACS asks for.
pub fn names() -> Vec<String> {
    (0..PARAMS)
        .map(|i| format!("Device.Services.X_ACME_Bench.Entry.{i}.Value"))
        .collect()
}

/// The CPE's values of [`names`].
pub fn values() -> Vec<ParameterValueStruct> {
    names()
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let v = if i % 2 == 0 {
                ParameterValue::unsigned_int(i as u32 * 1000)
            } else {
                ParameterValue::string(format!("value-{i}"))
            };
            ParameterValueStruct::new(n, v)
        })
        .collect()
}

/// The CPE's DeviceId.
pub fn device() -> DeviceIdStruct {
    DeviceIdStruct::new("Acme", "00D09E", "Router", "SN0001")
}

/// The Inform's ParameterList.
pub fn inform_params() -> Vec<ParameterValueStruct> {
    vec![
        ParameterValueStruct::new(
            "Device.DeviceInfo.HardwareVersion",
            ParameterValue::string("r2"),
        ),
        ParameterValueStruct::new(
            "Device.DeviceInfo.SoftwareVersion",
            ParameterValue::string("1.0.3"),
        ),
        ParameterValueStruct::new(
            "Device.ManagementServer.ConnectionRequestURL",
            ParameterValue::string("http://192.0.2.1:7547/cr"),
        ),
        ParameterValueStruct::new(
            "Device.ManagementServer.ParameterKey",
            ParameterValue::string(""),
        ),
    ]
}

fn encode(env: &Envelope) -> Vec<u8> {
    let mut out = Vec::new();
    cwmp_soap::encode(env, &mut out).expect("encodes");
    out
}

/// One ACS session fed with the CPE's pre-encoded messages; returns the bytes it sent.
pub fn acs_session(inform: &[u8], gpv_response: &[u8], names: &[String]) -> usize {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut s = AcsSession::new(acs::Config::default(), now);
    let mut sent = 0;
    for body in [inform, b"".as_slice(), gpv_response] {
        s.handle_input(acs::Input::HttpRequest {
            now,
            request: IncomingRequest::new(body),
        })
        .unwrap();
        while let Some(o) = s.poll_output() {
            match o {
                acs::Output::Event(acs::Event::Inform { .. }) => {
                    s.queue_request(
                        now,
                        GetParameterValues::new(names.iter().map(String::as_str)),
                    )
                    .unwrap();
                    s.finish(now);
                }
                acs::Output::SendHttp(r) => sent += r.body.len(),
                _ => {}
            }
        }
    }
    assert!(s.is_ended());
    sent
}

/// One full session, both machines; returns the bytes both sent.
pub fn pair_session(t0: Instant, names: &[String], values: &[ParameterValueStruct]) -> usize {
    let sys = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let config = cpe::Config::new(device(), "http://acs.example/");
    let mut cpe = CpeSession::new(config, t0, EventQueue::bootstrap());
    let mut acs = AcsSession::new(acs::Config::default(), sys);
    let mut bytes = 0;
    let mut ended = false;
    while let Some(o) = cpe.poll_output() {
        match o {
            cpe::Output::Event(cpe::Event::InformDue { .. }) => cpe
                .start_session(
                    t0,
                    InformArgs::new(DateTime::from_unix(1_700_000_000), inform_params()),
                )
                .unwrap(),
            cpe::Output::Event(cpe::Event::AcsRequest { handle, .. }) => cpe
                .respond(
                    t0,
                    handle,
                    Reply::response(GetParameterValuesResponse::new(values.to_vec())),
                )
                .unwrap(),
            cpe::Output::Event(cpe::Event::SessionEnded(end)) => {
                assert!(end.result.is_ok());
                ended = true;
            }
            cpe::Output::SendHttp(req) => {
                bytes += req.body.len();
                acs.handle_input(acs::Input::HttpRequest {
                    now: sys,
                    request: IncomingRequest::new(&req.body),
                })
                .unwrap();
                let mut answer = None;
                while let Some(o) = acs.poll_output() {
                    match o {
                        acs::Output::Event(acs::Event::Inform { .. }) => {
                            acs.queue_request(
                                sys,
                                GetParameterValues::new(names.iter().map(String::as_str)),
                            )
                            .unwrap();
                            acs.finish(sys);
                        }
                        acs::Output::SendHttp(r) => answer = Some(r),
                        _ => {}
                    }
                }
                let r = answer.expect("answered");
                bytes += r.body.len();
                cpe.handle_input(cpe::Input::HttpResponse {
                    now: t0,
                    response: IncomingResponse::new(r.status, &r.body),
                })
                .unwrap();
            }
            _ => {}
        }
    }
    assert!(ended && acs.is_ended());
    bytes
}

/// The CPE's messages fed to the ACS side alone, encoded once: the Inform (BOOTSTRAP and
/// BOOT, every CWMP version supported) and the GetParameterValuesResponse to the ACS's
/// request 1.
pub fn acs_inputs() -> (Vec<u8>, Vec<u8>) {
    let mut inform = Inform::new(
        device(),
        vec![
            EventStruct::new(EventCode::Bootstrap),
            EventStruct::new(EventCode::Boot),
        ],
    );
    inform.current_time = DateTime::from_unix(1_700_000_000).into();
    inform.parameter_list = inform_params();
    let mut inform_env = Envelope::with_id("1", inform);
    inform_env.header.supported_cwmp_versions = Some(CwmpVersion::ALL.to_vec());
    let inform_bytes = encode(&inform_env);
    // The ACS numbers its requests from 1.
    let gpv_response = encode(&Envelope::with_id(
        "1",
        GetParameterValuesResponse::new(values()),
    ));
    (inform_bytes, gpv_response)
}
