//! A complete blocking CPE in one file: std only, HTTP/1.1 over `std::net::TcpStream` with
//! digest authentication and cookies, a TR-181 tree from `cwmp-datamodel`, Download, Reboot,
//! and a value change that opens its own session. Copy it; replace the marked parts.
//! `cargo run -p cwmp-examples --example cpe_blocking -- http://127.0.0.1:7547/cwmp SERIAL`

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cwmp_datamodel::{DataModel, Effects, ReadOnly, Schema, Value};
use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::digest::{self, Challenge};
use cwmp_session::cpe::{Config, Deferred, Event, InformArgs, Input, Output, TransportError};
use cwmp_session::http::{IncomingResponse, SendReason};
use cwmp_session::{CpeRequest, CpeSession, EventQueue, Reply, TransferKind};
use cwmp_types::*;

const CR_URL: &str = "Device.ManagementServer.ConnectionRequestURL";
const SOFTWARE_VERSION: &str = "Device.DeviceInfo.SoftwareVersion";
const UPTIME: &str = "Device.DeviceInfo.UpTime";
const SECOND: Duration = Duration::from_secs(1);
const ACS_URL: &str = "http://127.0.0.1:7547/cwmp";
/// Any error of the run: I/O or session misuse.
type Error = Box<dyn std::error::Error + Send + Sync>;

/// One HTTP connection, with the session's cookie and the last digest challenge.
#[derive(Default)]
struct Http {
    conn: Option<BufReader<TcpStream>>,
    cookie: Option<String>,
    challenge: Option<(Challenge, u32)>,
}

/// A response: status, body, `Location`.
type Response = (u16, Vec<u8>, Option<String>);

impl Http {
    /// One request on the connection (opened if needed), answering a digest challenge.
    fn send(&mut self, m: &str, url: &str, body: &[u8], c: &Credentials) -> io::Result<Response> {
        let rest = url.trim_start_matches("http://");
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let path = if path.is_empty() { "/" } else { path };
        if self.conn.is_none() {
            let s = TcpStream::connect(host)?;
            s.set_read_timeout(Some(Duration::from_secs(30)))?;
            self.conn = Some(BufReader::new(s));
        }
        let mut head = format!("{m} {path} HTTP/1.1\r\nHost: {host}\r\n");
        head += &format!("Content-Length: {}\r\n", body.len());
        if !body.is_empty() {
            head.push_str("Content-Type: text/xml; charset=utf-8\r\nSOAPAction:\r\n");
        }
        if let Some(c) = &self.cookie {
            head += &format!("Cookie: {c}\r\n");
        }
        if let Some((ch, nc)) = &mut self.challenge {
            *nc += 1;
            let cnonce = format!("{:x}", unix_now()); // use your hardware RNG
            let auth = digest::authorization(ch, c, m, path, &cnonce, *nc);
            head += &format!("Authorization: {auth}\r\n");
        }
        let conn = self.conn.as_mut().expect("connected above");
        conn.get_mut().write_all(format!("{head}\r\n").as_bytes())?;
        conn.get_mut().write_all(body)?;
        let mut line = String::new();
        conn.read_line(&mut line)?;
        let status = line.split(' ').nth(1).and_then(|s| s.parse().ok());
        let status = status.ok_or(io::ErrorKind::InvalidData)?;
        let (mut len, mut location, mut close) = (0, None, false);
        loop {
            line.clear();
            conn.read_line(&mut line)?;
            let Some((name, value)) = line.trim_end().split_once(':') else {
                break;
            };
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => len = value.parse().map_err(|_| io::ErrorKind::InvalidData)?,
                "set-cookie" => self.cookie = value.split(';').next().map(str::to_owned),
                "location" => location = Some(value.to_owned()),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                "www-authenticate" => self.challenge = Challenge::parse(value).ok().zip(Some(0)),
                _ => {}
            }
        }
        let mut body = vec![0; len];
        conn.read_exact(&mut body)?;
        self.conn = self.conn.take().filter(|_| !close);
        Ok((status, body, location))
    }
}

fn unix_now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH);
    since.map_or(0, |d| d.as_secs() as i64) // your wall clock
}

/// The device's tree: the TR-181 subset it supports, live values bound to the system.
fn device_model(serial: &str, acs_url: &str) -> DataModel {
    let subset = [
        "Device.DeviceInfo.",
        "Device.ManagementServer.",
        "Device.IP.Interface.{i}.",
    ];
    let mut model = DataModel::new(Schema::tr181().select(&subset));
    let boot = Instant::now(); // your system's uptime
    let uptime = move |_: &str| Ok(Value::from(boot.elapsed().as_secs() as u32));
    model.bind(UPTIME, ReadOnly(uptime)).expect("in the schema");
    for (path, value) in [
        ("Device.DeviceInfo.Manufacturer", "Acme"),
        ("Device.DeviceInfo.ManufacturerOUI", "00D09E"),
        ("Device.DeviceInfo.ProductClass", "Router"),
        ("Device.DeviceInfo.SerialNumber", serial),
        (SOFTWARE_VERSION, "1.0.0"),
        ("Device.ManagementServer.URL", acs_url),
        ("Device.ManagementServer.PeriodicInformEnable", "true"), // your factory defaults
        ("Device.ManagementServer.PeriodicInformInterval", "3600"),
        ("Device.ManagementServer.Username", "cpe"),
        ("Device.ManagementServer.Password", "cpe-secret"),
        (CR_URL, "http://127.0.0.1:1/cr"), // your Connection Request server
    ] {
        model.set(path, value).expect("valid for the schema");
    }
    model.clear_changes(); // set-up is no change; at later starts: model.restore(&saved)
    model
}

/// Fetches a Download's file (then check it and write it to flash) and reports the outcome.
fn download(d: &Download) -> TransferComplete {
    let mut tc = TransferComplete::default();
    tc.command_key = d.command_key.clone();
    tc.start_time = DateTime::from_unix(unix_now()).into();
    let creds = Credentials::new(d.username.clone(), d.password.clone());
    let size_ok = |n: usize| d.file_size == 0 || n == d.file_size as usize;
    tc.fault_struct = match Http::default().send("GET", &d.url, &[], &creds) {
        Ok((200, file, _)) if size_ok(file.len()) => FaultStruct::success(),
        _ => FaultStruct::failure(FaultCode::UnableToCompleteDownload),
    };
    tc.complete_time = DateTime::from_unix(unix_now()).into();
    tc
}

/// Answers what the tree does not: Download (done after the session) and Reboot.
fn other_request(request: &Request) -> Reply {
    match request {
        Request::Download(_) => Reply::response(DownloadResponse::pending()), // TransferComplete later
        Request::Reboot(_) => Reply::response(RebootResponse::default()),
        _ => Reply::fault(FaultCode::MethodNotSupported),
    }
}

/// Runs the CPE until four sessions are over (a real agent loops forever); returns one line
/// per session: its events and outcome.
pub fn run(acs_url: &str, serial: &str) -> Result<Vec<String>, Error> {
    let mut model = device_model(serial, acs_url);
    let id = DeviceIdStruct::new("Acme", "00D09E", "Router", serial);
    let config = Config::new(id, acs_url);
    let mut cpe = CpeSession::new(config.clone(), Instant::now(), EventQueue::bootstrap());
    let (mut http, mut sessions, mut events, mut moved) = (Http::default(), vec![], vec![], false);
    let lost = TransportError::Connect;
    loop {
        let now = Instant::now();
        model.notify_session(&mut cpe, now)?;
        let mut reboot = false;
        while let Some(out) = cpe.poll_output() {
            match out {
                Output::SendHttp(req) => {
                    if req.reason == SendReason::NewSession {
                        http = Http::default(); // new connection, no old cookie
                    }
                    let ms = model.management_server();
                    let creds = Credentials::new(ms.username, ms.password);
                    let input = match http.send("POST", &req.url, &req.body, &creds) {
                        Ok((status, body, location)) => {
                            let mut response = IncomingResponse::new(status, &body);
                            response.location = location.as_deref();
                            cpe.handle_input(Input::HttpResponse { now, response })
                        }
                        Err(_) => cpe.handle_input(Input::TransportFailed { now, error: lost }),
                    };
                    input?;
                }
                Output::Event(Event::InformDue { .. }) => {
                    model.notify_session(&mut cpe, now)?;
                    let queued = cpe.event_queue().events();
                    events = queued.map(|e| e.event_code.to_string()).collect();
                    let args =
                        InformArgs::new(DateTime::from_unix(unix_now()), model.inform_parameters());
                    cpe.start_session(now, args)?;
                }
                Output::Event(Event::AcsRequest { handle, request }) => {
                    let reply = match model.answer_session(&mut cpe, now, unix_now(), &request) {
                        Some((reply, _effects)) => reply, // _effects: reconfigure your HTTP client
                        None => other_request(&request),
                    };
                    cpe.respond(now, handle, reply)?;
                }
                Output::Event(Event::SessionEnded(end)) => {
                    sessions.push(format!("{events:?} {:?}", end.result));
                    // Persist model.stored() and cpe.event_queue() here (serde).
                    for action in end.deferred {
                        match action {
                            Deferred::Download(d) => {
                                let (kind, body) = (TransferKind::Download, download(&d));
                                let req = CpeRequest::TransferComplete { kind, body };
                                cpe.queue_request(now, req)?;
                            }
                            Deferred::Reboot { .. } => reboot = true,
                            _ => {}
                        }
                    }
                    if sessions.len() == 4 {
                        return Ok(sessions);
                    }
                }
                Output::Event(other) => model.on_session_event(&other),
                _ => {}
            }
        }
        if reboot {
            // Reboot; the new firmware's version is a (forced active) value change.
            let mut queue = cpe.event_queue().clone();
            queue.on_reboot();
            cpe = CpeSession::new(config.clone(), Instant::now(), queue);
            let (now, settings) = (Instant::now(), Effects::startup());
            model.apply_management_server(&mut cpe, now, unix_now(), settings)?;
            model.set(SOFTWARE_VERSION, "1.0.1").expect("valid");
        } else if sessions.len() == 3 && !moved {
            // A new address: ConnectionRequestURL (active by default) opens a session.
            model.set(CR_URL, "http://127.0.0.1:2/cr").expect("valid");
            moved = true;
        }
        let until = cpe.poll_timeout().unwrap_or(now + SECOND);
        let wait = until.saturating_duration_since(Instant::now()).min(SECOND);
        std::thread::sleep(wait); // or until your system has news (a change, a request)
        let now = Instant::now();
        cpe.handle_input(Input::Timeout(now))?;
    }
}

#[allow(dead_code)] // the test includes this file and calls `run`
fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).map_or(ACS_URL, String::as_str);
    let serial = args.get(2).map_or("BLOCKING-1", String::as_str);
    for line in run(url, serial)? {
        println!("session: {line}");
    }
    Ok(())
}
