//! Value-change notification end to end over loopback HTTP: an ACS sets active notification
//! on a parameter with SetParameterAttributes, the device changes that parameter itself,
//! and the agent opens a session of its own with `4 VALUE CHANGE` carrying the new value.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cwmp_examples::cpe::{self, AgentConfig};
use cwmp_examples::support::Stats;
use cwmp_examples::transport::{Handler, IncomingRequest, Reply, bind, serve};
use cwmp_session::AcsSession;
use cwmp_session::acs::{Event, Input, Output};
use cwmp_types::{
    Inform, ParameterValue, ParameterValueStruct, SetParameterAttributes,
    SetParameterAttributesStruct, SetParameterValues,
};
use hyper::StatusCode;
use tokio::sync::{Notify, watch};

const STATUS: &str = "Device.IP.Interface.1.Status";
const ENABLE: &str = "Device.IP.Interface.1.Enable";

/// An ACS without authentication that records every Inform; in the first session it sets
/// `notification` on the wan interface's Status, then enables the interface.
fn acs(notification: i32, informs: Arc<Mutex<Vec<Inform>>>, seen: Arc<Notify>) -> Handler {
    let session: Arc<Mutex<Option<AcsSession>>> = Arc::default();
    Arc::new(move |req: IncomingRequest| {
        let now = SystemTime::now();
        let mut guard = session.lock().unwrap();
        let s = guard.get_or_insert_with(|| AcsSession::new(Default::default(), now));
        let request = cwmp_session::http::IncomingRequest::new(&req.body);
        s.handle_input(Input::HttpRequest { now, request }).unwrap();
        let mut reply = Reply::status(StatusCode::INTERNAL_SERVER_ERROR);
        while let Some(output) = s.poll_output() {
            match output {
                Output::Event(Event::Inform { inform, .. }) => {
                    let mut all = informs.lock().unwrap();
                    if all.is_empty() {
                        let spa = SetParameterAttributes::new(vec![
                            SetParameterAttributesStruct::notification(STATUS, notification),
                        ]);
                        s.queue_request(now, spa).unwrap();
                        let enable =
                            ParameterValueStruct::new(ENABLE, ParameterValue::boolean(true));
                        let spv = SetParameterValues::new(vec![enable], "up");
                        s.queue_request(now, spv).unwrap();
                    }
                    all.push(*inform);
                    seen.notify_one();
                }
                Output::Event(Event::AwaitingRequests) => s.finish(now),
                Output::SendHttp(r) => {
                    reply = Reply {
                        status: StatusCode::from_u16(r.status).unwrap(),
                        body: r.body,
                        headers: Vec::new(),
                    };
                }
                _ => {}
            }
        }
        if s.is_ended() {
            *guard = None;
        }
        Box::pin(async move { reply })
    })
}

/// Runs an agent against that ACS; returns the Informs once `wanted` have arrived, or after
/// `wait` if fewer do.
async fn run(notification: i32, wanted: usize, wait: Duration) -> (Vec<Inform>, Vec<String>) {
    let informs: Arc<Mutex<Vec<Inform>>> = Arc::default();
    let seen = Arc::new(Notify::new());
    let listener = bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cwmp", listener.local_addr().unwrap());
    let server = tokio::spawn(serve(
        listener,
        acs(notification, informs.clone(), seen.clone()),
    ));
    let mut config = AgentConfig::new(format!("VC{notification}"), url);
    config.connection_request_listen = "127.0.0.1:0".into();
    config.transcript = true;
    let (stop, stopped) = watch::channel(false);
    let agent = tokio::spawn(cpe::run(config, Arc::new(Stats::default()), stopped));
    let _ = tokio::time::timeout(wait, async {
        while informs.lock().unwrap().len() < wanted {
            seen.notified().await;
        }
    })
    .await;
    // Let a session that should not happen have its chance.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send(true).unwrap();
    let report = agent.await.unwrap().unwrap();
    server.abort();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let informs = informs.lock().unwrap().clone();
    (informs, report.transcript)
}

fn codes(inform: &Inform) -> Vec<String> {
    inform
        .event
        .iter()
        .map(|e| e.event_code.to_string())
        .collect()
}

#[tokio::test]
async fn an_active_notification_change_opens_a_value_change_session() {
    let (informs, transcript) = run(2, 2, Duration::from_secs(10)).await;
    assert_eq!(informs.len(), 2, "{}", transcript.join("\n"));
    assert!(codes(&informs[0]).contains(&"0 BOOTSTRAP".to_owned()));
    // The device brought the interface up; its Status changed, which the ACS asked to hear of
    // at once: a session of its own, with the new value.
    assert_eq!(
        codes(&informs[1]),
        ["4 VALUE CHANGE"],
        "{}",
        transcript.join("\n")
    );
    let status = informs[1]
        .parameter_list
        .iter()
        .find(|p| p.name.as_str() == STATUS)
        .expect("Status in the Inform");
    assert_eq!(status.value.text, "Up");
    // The ACS's own change (Enable) is not reported back.
    assert!(
        informs[1]
            .parameter_list
            .iter()
            .all(|p| p.name.as_str() != ENABLE)
    );
}

#[tokio::test]
async fn a_passive_notification_change_waits_for_the_next_session() {
    // Notification 1: the change is reported with the next Inform, which nothing opens here.
    let (informs, transcript) = run(1, 2, Duration::from_secs(2)).await;
    assert_eq!(informs.len(), 1, "{}", transcript.join("\n"));
}
