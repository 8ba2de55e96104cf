//! The HTTP floor under the ACS's CPU per session ([`run`], the `http_floor` example): the
//! example ACS's HTTP server ([`transport::serve_with`], same limits and watchdog) answering
//! canned CWMP bodies, driven by the CPE agents' HTTP client ([`SessionClient`]) with the
//! session of the ACS target in BENCHMARKS.md: a TCP connection, Inform → InformResponse,
//! empty POST → GetParameterValues, two responses → GetParameterValues, the third → `204`,
//! close. No SOAP is parsed, no digest checked, no session kept: what is left is hyper, tokio
//! and the kernel's TCP over loopback, the part of an ACS's CPU that no CWMP code removes.
//!
//! The server runs on a runtime of its own (threads `floor-server`, 2 workers, as the demo's
//! ACS node), so its CPU time (user and kernel, from `/proc/self/task`) is read apart from
//! the clients'.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cwmp_types::{
    DateTime, DeviceIdStruct, Envelope, EventCode, EventStruct, GetParameterValues,
    GetParameterValuesResponse, Inform, InformResponse, ParameterValue, ParameterValueStruct,
};
use hyper::{StatusCode, Uri};

use crate::cpu::{CpuTime, threads_cpu};
use crate::limits::Limits;
use crate::transport::{self, Handler, Reply, ServerOptions, SessionClient};

/// What a run measured.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FloorReport {
    /// Sessions completed.
    pub sessions: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// The server threads' CPU time over the run.
    pub server_cpu: CpuTime,
}

impl FloorReport {
    /// CPU time per session, in microseconds.
    pub fn per_session_us(&self, d: Duration) -> f64 {
        d.as_secs_f64() * 1e6 / self.sessions.max(1) as f64
    }
}

impl std::fmt::Display for FloorReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "sessions: {}  time: {:.2}s  sessions/s: {:.0}",
            self.sessions,
            self.elapsed.as_secs_f64(),
            self.sessions as f64 / self.elapsed.as_secs_f64().max(1e-9)
        )?;
        write!(
            f,
            "server CPU: {:.2}s, {:.1} µs per session ({:.1} user, {:.1} kernel); a connection and 5 POSTs each",
            self.server_cpu.total().as_secs_f64(),
            self.per_session_us(self.server_cpu.total()),
            self.per_session_us(self.server_cpu.user),
            self.per_session_us(self.server_cpu.system)
        )
    }
}

const SERVER_THREADS: &str = "floor-server";

/// The bodies of one session, encoded as the example CPE and ACS encode them.
struct Bodies {
    inform: Bytes,
    inform_response: Bytes,
    get_values: Bytes,
    values: Bytes,
    /// The last response of the session (answered with `204`).
    last_values: Bytes,
}

fn encode(envelope: &Envelope) -> Bytes {
    let mut out = Vec::new();
    cwmp_soap::encode(envelope, &mut out).expect("the canned envelopes encode");
    Bytes::from(out)
}

fn bodies() -> Bodies {
    let device = DeviceIdStruct::new("Acme", "00D09E", "Router", "SN0001");
    let mut inform = Inform::new(
        device,
        vec![
            EventStruct::new(EventCode::Periodic),
            EventStruct::new(EventCode::ValueChange),
        ],
    );
    inform.current_time = DateTime::from_unix(1_700_000_000).into();
    inform.parameter_list = [
        ("Device.DeviceInfo.HardwareVersion", "r2"),
        ("Device.DeviceInfo.SoftwareVersion", "1.0.3"),
        (
            "Device.ManagementServer.ConnectionRequestURL",
            "http://192.0.2.1:7547/cr",
        ),
        ("Device.ManagementServer.ParameterKey", ""),
        ("Device.IP.Interface.1.IPv4Address.1.IPAddress", "192.0.2.1"),
    ]
    .into_iter()
    .map(|(n, v)| ParameterValueStruct::new(n, ParameterValue::string(v)))
    .collect();
    let names = vec![
        "Device.DeviceInfo.".to_string(),
        "Device.ManagementServer.PeriodicInformInterval".to_string(),
    ];
    let values: Vec<ParameterValueStruct> = (0..12)
        .map(|i| {
            ParameterValueStruct::new(
                format!("Device.DeviceInfo.X_ACME_Counter.{i}"),
                ParameterValue::unsigned_int(i * 1000),
            )
        })
        .collect();
    Bodies {
        inform: encode(&Envelope::with_id("1", inform)),
        inform_response: encode(&Envelope::with_id("1", InformResponse::new())),
        get_values: encode(&Envelope::with_id("2", GetParameterValues::new(names))),
        values: encode(&Envelope::with_id(
            "2",
            GetParameterValuesResponse::new(values.clone()),
        )),
        last_values: encode(&Envelope::with_id(
            "4",
            GetParameterValuesResponse::new(values),
        )),
    }
}

/// Answers as the ACS would, from the body alone.
fn handler(bodies: Arc<Bodies>) -> Handler {
    Arc::new(move |request| {
        let bodies = bodies.clone();
        Box::pin(async move {
            if request.body == bodies.inform {
                Reply::ok(bodies.inform_response.clone())
            } else if request.body == bodies.last_values {
                Reply::status(StatusCode::NO_CONTENT)
            } else {
                Reply::ok(bodies.get_values.clone())
            }
        })
    })
}

/// One client: sessions until `left` runs out; the number it completed.
async fn client(url: Uri, bodies: Arc<Bodies>, left: Arc<AtomicU64>) -> Result<u64, String> {
    let mut done = 0;
    while left
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
    {
        let mut http = SessionClient::default();
        let posts = [
            (&bodies.inform, StatusCode::OK),
            (&Bytes::new(), StatusCode::OK),
            (&bodies.values, StatusCode::OK),
            (&bodies.values, StatusCode::OK),
            (&bodies.last_values, StatusCode::NO_CONTENT),
        ];
        for (body, expected) in posts {
            let response = http
                .post(&url, body.clone(), None, true)
                .await
                .map_err(|e| e.to_string())?;
            if response.status != expected {
                return Err(format!(
                    "got {} for a POST, not {expected}",
                    response.status
                ));
            }
        }
        http.end_session();
        done += 1;
    }
    Ok(done)
}

/// Runs `sessions` sessions, `concurrency` clients at a time, against a floor server on
/// 127.0.0.1; blocks (it builds its own runtimes: call it outside of one).
pub fn run(sessions: u64, concurrency: u64) -> Result<FloorReport, String> {
    let bodies = Arc::new(bodies());
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(SERVER_THREADS)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let listener = server
        .block_on(transport::bind("127.0.0.1:0"))
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // As the demo's ACS: every client is on 127.0.0.1, so the per-address cap is the total.
    let mut limits = Limits::default();
    limits.max_connections_per_address = limits.max_connections;
    server.spawn(transport::serve_with(
        listener,
        ServerOptions::new(limits),
        handler(bodies.clone()),
    ));
    let clients = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let url: Uri = format!("http://{addr}/acs")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let before = threads_cpu(SERVER_THREADS).ok_or("no /proc/self/task")?;
    let start = Instant::now();
    let left = Arc::new(AtomicU64::new(sessions));
    let done = clients.block_on(async {
        let tasks: Vec<_> = (0..concurrency.max(1))
            .map(|_| tokio::spawn(client(url.clone(), bodies.clone(), left.clone())))
            .collect();
        let mut done = 0;
        for task in tasks {
            done += task.await.map_err(|e| e.to_string())??;
        }
        Ok::<u64, String>(done)
    })?;
    let elapsed = start.elapsed();
    let cpu = threads_cpu(SERVER_THREADS)
        .ok_or("no /proc/self/task")?
        .since(&before);
    server.shutdown_timeout(Duration::from_secs(1));
    Ok(FloorReport {
        sessions: done,
        elapsed,
        server_cpu: cpu,
    })
}
