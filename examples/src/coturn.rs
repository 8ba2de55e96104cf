//! A private coturn STUN server for the demo and the tests: STUN only (no relay, no TLS, no
//! admin interface), on a free loopback UDP port, its own log, pid and database files in a fresh
//! temporary directory; stopped (and its directory removed) when dropped.
//!
//! coturn comes from the Debian package `coturn` (`apt-get install -y coturn`); `.ci/run`
//! installs it when missing.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::prosody::{tail, temp_dir, terminate};
use crate::stun;

/// A running coturn server (STUN only).
#[derive(Debug)]
pub struct Coturn {
    dir: PathBuf,
    addr: SocketAddr,
    child: Option<Child>,
}

fn free_udp_port() -> io::Result<u16> {
    Ok(UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Coturn {
    /// Starts a STUN server on a free loopback UDP port (a few tries, should another process take
    /// the port in between). Blocking, like [`crate::prosody::Prosody::start`].
    pub fn start() -> io::Result<Self> {
        let dir = temp_dir("cwmp-coturn")?;
        let mut last = None;
        for _ in 0..3 {
            let port = free_udp_port()?;
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            match Self::spawn(&dir, addr) {
                Ok(child) => {
                    return Ok(Self {
                        dir,
                        addr,
                        child: Some(child),
                    });
                }
                Err(e) => last = Some(e),
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        Err(last.unwrap_or_else(|| io::Error::other("coturn did not start")))
    }

    fn spawn(dir: &std::path::Path, addr: SocketAddr) -> io::Result<Child> {
        let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
        let log = dir.join("turn.log");
        let mut child = Command::new("turnserver")
            .args([
                "-n",
                "--stun-only",
                "--no-tls",
                "--no-dtls",
                "--no-cli",
                "--simple-log",
                "--no-stdout-log",
                "--listening-ip=127.0.0.1",
            ])
            .arg(format!("--listening-port={}", addr.port()))
            .arg(format!("--pidfile={}", path("turn.pid")))
            .arg(format!("--log-file={}", path("turn.log")))
            .arg(format!("--userdb={}", path("turndb")))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot run turnserver ({e}); install it: apt-get install -y coturn"),
                )
            })?;
        // Ready when it answers a Binding Request.
        let probe = UdpSocket::bind("127.0.0.1:0")?;
        probe.set_read_timeout(Some(Duration::from_millis(100)))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut buf = [0u8; 1500];
        loop {
            let (request, id) = stun::binding_request();
            probe.send_to(&request, addr)?;
            if let Ok((n, from)) = probe.recv_from(&mut buf) {
                if from == addr && stun::mapped_address(&buf[..n], id).is_some() {
                    return Ok(child);
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(io::Error::other(format!(
                    "turnserver exited ({status}); its log:\n{}",
                    tail(&log)
                )));
            }
            if Instant::now() >= deadline {
                terminate(&mut child, Duration::from_secs(2));
                return Err(io::Error::other(format!(
                    "turnserver does not answer on {addr}; its log:\n{}",
                    tail(&log)
                )));
            }
        }
    }

    /// The server's UDP address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Coturn {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child, Duration::from_secs(5));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
