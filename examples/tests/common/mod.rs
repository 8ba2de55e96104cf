//! Running the built example binaries (`acs_server`, `cpe_agent`) as real processes on
//! loopback, and talking to them as an attacker would: raw sockets from chosen loopback
//! source addresses, digest answers, resident memory from `/proc`.
#![allow(dead_code)]

pub(crate) mod redis;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// The path of a built example (cargo test builds the examples next to the test binaries).
pub(crate) fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target/<profile>/deps");
    let path = dir.join("examples").join(name);
    assert!(
        path.exists(),
        "{} is missing: `cargo test -p cwmp-examples` builds it (or `cargo build -p cwmp-examples --examples`)",
        path.display()
    );
    path
}

/// A running example process; killed when dropped.
pub(crate) struct Proc {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Every stdout line seen so far.
    pub(crate) seen: Vec<String>,
}

impl Proc {
    /// Starts an example with these arguments, reading its stdout line by line.
    pub(crate) fn spawn(name: &str, args: &[&str]) -> Self {
        let mut child = Command::new(example(name))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the example starts");
        let stdout = child.stdout.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a stdout line containing `needle`.
    pub(crate) fn wait_line(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("no line with {needle:?}; seen {:?}", self.seen),
            }
        }
    }

    /// Reads stdout lines into [`Proc::seen`] for `wait`.
    pub(crate) fn collect(&mut self, wait: Duration) {
        let deadline = std::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => return,
            }
        }
    }

    /// Waits for the process to exit by itself; returns its success and every stdout line.
    pub(crate) fn finish(mut self, timeout: Duration) -> (bool, Vec<String>) {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // The reader thread ends with the pipe.
                while let Ok(l) = self.lines.recv_timeout(Duration::from_millis(500)) {
                    self.seen.push(l);
                }
                return (status.success(), std::mem::take(&mut self.seen));
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the process did not exit; seen {:?}",
                self.seen
            );
            while let Ok(l) = self.lines.try_recv() {
                self.seen.push(l);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends a signal (`STOP`, `CONT`) to the process.
    pub(crate) fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill -{name}");
    }

    /// Resident memory (KiB) from `/proc/PID/status`.
    pub(crate) fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `acs_server` on a free loopback port with extra arguments; returns the process,
/// its CWMP URL and its address.
pub(crate) fn acs_server(args: &[&str]) -> (Proc, String, SocketAddr) {
    let mut all = vec!["--listen", "127.0.0.1:0", "--quiet"];
    all.extend_from_slice(args);
    let mut p = Proc::spawn("acs_server", &all);
    let line = p.wait_line("ACS listening", Duration::from_secs(20));
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the URL")
        .to_owned();
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/cwmp")
        .parse()
        .expect("an address");
    (p, url, addr)
}

/// Starts a `cpe_agent` for `serial` against `acs_url` for `seconds`.
pub(crate) fn cpe_agent(serial: &str, acs_url: &str, seconds: u32, extra: &[&str]) -> Proc {
    let secs = seconds.to_string();
    let mut args = vec![
        "--acs",
        acs_url,
        "--serial",
        serial,
        "--cr-listen",
        "127.0.0.1:0",
        "--duration",
        &secs,
    ];
    args.extend_from_slice(extra);
    Proc::spawn("cpe_agent", &args)
}

/// The agent's final figures: (sessions, failed sessions).
pub(crate) fn agent_figures(lines: &[String]) -> (u64, u64) {
    let last = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("sessions: "))
        .unwrap_or_else(|| panic!("no summary line in {lines:?}"));
    let n = |key: &str| -> u64 {
        let rest = &last[last.find(key).expect(key) + key.len()..];
        rest.split_whitespace().next().unwrap().parse().unwrap()
    };
    (n("sessions: "), n("failed: "))
}

/// Runs `n` legitimate agents for `seconds` and asserts every one completed its sessions
/// without a failure.
pub(crate) fn legitimate_cpes_complete(acs_url: &str, prefix: &str, n: usize, seconds: u32) {
    let agents: Vec<_> = (0..n)
        .map(|i| cpe_agent(&format!("{prefix}{i}"), acs_url, seconds, &[]))
        .collect();
    for a in agents {
        let (ok, lines) = a.finish(Duration::from_secs(u64::from(seconds) + 30));
        let (sessions, failed) = agent_figures(&lines);
        assert!(ok && failed == 0, "a legitimate CPE failed: {lines:?}");
        assert!(
            sessions >= 4,
            "the scenario's sessions completed: {lines:?}"
        );
    }
}

/// A TCP connection from a chosen loopback source address (127.0.0.0/8 all reach `lo`).
pub(crate) async fn connect_from(source: [u8; 4], to: SocketAddr) -> std::io::Result<TcpStream> {
    let s = TcpSocket::new_v4()?;
    s.bind(SocketAddr::from((source, 0)))?;
    s.connect(to).await
}

/// Whether the server has closed the connection (or reset it) within `wait`: reading gives
/// end-of-stream or an error, after any response bytes.
pub(crate) async fn closed_within(s: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// Sends `head` + `body` on a fresh connection and reads the reply until the server closes
/// the connection or `wait` passes.
pub(crate) async fn exchange(to: SocketAddr, head: &str, body: &[u8], wait: Duration) -> String {
    let mut s = TcpStream::connect(to).await.expect("connect");
    s.write_all(head.as_bytes()).await.expect("head");
    if !body.is_empty() {
        let _ = s.write_all(body).await;
    }
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How many of `streams` the server closes within `wait`, all watched at once; returns the
/// ones still open.
pub(crate) async fn count_closed(
    streams: Vec<TcpStream>,
    wait: Duration,
) -> (usize, Vec<TcpStream>) {
    let tasks: Vec<_> = streams
        .into_iter()
        .map(|mut s| {
            tokio::spawn(async move {
                let closed = closed_within(&mut s, wait).await;
                (closed, s)
            })
        })
        .collect();
    let mut closed = 0;
    let mut open = Vec::new();
    for t in tasks {
        let (c, s) = t.await.expect("a watcher");
        if c {
            closed += 1;
        } else {
            open.push(s);
        }
    }
    (closed, open)
}
