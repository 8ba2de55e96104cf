//! A private Prosody XMPP server for the demo, the tests and the figures: its own configuration,
//! data and log in a fresh temporary directory, one plain-TCP client port on loopback, accounts
//! created with `prosodyctl` against that configuration; stopped (and its directory removed) when
//! dropped.
//!
//! Prosody comes from the Debian package `prosody` (`apt-get install -y prosody`); `.ci/run`
//! installs it when missing. The server asks for no TLS (the tests run on loopback only): the
//! clients authenticate with SCRAM over plain TCP, as `c2s_require_encryption = false` allows.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a start may take before it is given up.
const START_TIMEOUT: Duration = Duration::from_secs(15);

/// A running (or stopped, see [`Prosody::stop`]) Prosody server.
#[derive(Debug)]
pub struct Prosody {
    dir: PathBuf,
    config: PathBuf,
    domain: String,
    addr: SocketAddr,
    child: Option<Child>,
}

/// A fresh, empty directory under the system's temporary directory.
pub(crate) fn temp_dir(prefix: &str) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!(
        "{prefix}-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A loopback TCP port free at the time of asking.
pub(crate) fn free_tcp_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Stops a child process: SIGTERM (through `kill`, so the server closes its streams), then
/// SIGKILL if it has not exited within `grace`.
pub(crate) fn terminate(child: &mut Child, grace: Duration) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Waits until `addr` accepts TCP connections, or `child` exits, or `timeout` passes.
pub(crate) fn wait_listening(
    child: &mut Child,
    addr: SocketAddr,
    timeout: Duration,
    log: &Path,
) -> io::Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(io::Error::other(format!(
                "the server exited ({status}) before listening on {addr}; its log:\n{}",
                tail(log)
            )));
        }
        if Instant::now() >= deadline {
            return Err(io::Error::other(format!(
                "the server does not listen on {addr} after {timeout:?}; its log:\n{}",
                tail(log)
            )));
        }
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// The last lines of a log file (for error messages).
pub(crate) fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn lua_string(s: &str) -> String {
    format!("{s:?}")
}

impl Prosody {
    /// Starts a server for `domain` on a free loopback port (a few tries, should another process
    /// take the port between the asking and the binding).
    ///
    /// Blocking (it spawns and waits for the process): call it from a blocking context, or
    /// accept a short stall of the runtime at setup.
    pub fn start(domain: &str) -> io::Result<Self> {
        let dir = temp_dir("cwmp-prosody")?;
        let mut last = None;
        for _ in 0..3 {
            let port = free_tcp_port()?;
            let mut server = Self {
                config: dir.join("prosody.cfg.lua"),
                dir: dir.clone(),
                domain: domain.to_owned(),
                addr: SocketAddr::from(([127, 0, 0, 1], port)),
                child: None,
            };
            server.write_config()?;
            match server.restart() {
                Ok(()) => return Ok(server),
                Err(e) => {
                    // Keep the directory for the next try; the Drop of this one must not
                    // remove it.
                    server.dir = PathBuf::new();
                    last = Some(e);
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        Err(last.unwrap_or_else(|| io::Error::other("prosody did not start")))
    }

    fn write_config(&self) -> io::Result<()> {
        for sub in ["data", "certs"] {
            std::fs::create_dir_all(self.dir.join(sub))?;
        }
        let d = |name: &str| lua_string(&self.dir.join(name).to_string_lossy());
        let config = format!(
            r#"-- Generated for one run; removed with its directory.
pidfile = {pid}
data_path = {data}
certificates = {certs}
daemonize = false
run_as_root = true
plugin_paths = {{}}
interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {port} }}
c2s_direct_tls_ports = {{}}
legacy_ssl_ports = {{}}
s2s_ports = {{}}
http_ports = {{}}
https_ports = {{}}
component_ports = {{}}
c2s_require_encryption = false
allow_unencrypted_plain_auth = false
authentication = "internal_hashed"
storage = "internal"
modules_enabled = {{ "roster", "saslauth", "disco", "ping", "posix" }}
modules_disabled = {{ "s2s", "tls", "offline", "c2s_direct_tls" }}
log = {{ {{ levels = {{ min = "info" }}, to = "file", filename = {log} }} }}
VirtualHost {domain}
"#,
            pid = d("prosody.pid"),
            data = d("data"),
            certs = d("certs"),
            port = self.addr.port(),
            log = d("prosody.log"),
            domain = lua_string(&self.domain),
        );
        std::fs::write(&self.config, config)
    }

    /// Starts the server again after [`Prosody::stop`] (same port, same accounts). A running
    /// server is stopped first.
    pub fn restart(&mut self) -> io::Result<()> {
        self.stop();
        let mut child = Command::new("prosody")
            .arg("--config")
            .arg(&self.config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot run prosody ({e}); install it: apt-get install -y prosody"),
                )
            })?;
        if let Err(e) = wait_listening(&mut child, self.addr, START_TIMEOUT, &self.log()) {
            terminate(&mut child, Duration::from_secs(2));
            return Err(e);
        }
        self.child = Some(child);
        Ok(())
    }

    /// Stops the server (its streams are closed; the data stays for [`Prosody::restart`]).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child, Duration::from_secs(5));
        }
    }

    /// Creates the account `user@DOMAIN` with `password` (`prosodyctl register`).
    pub fn register(&self, user: &str, password: &str) -> io::Result<String> {
        let out = Command::new("prosodyctl")
            .arg("--config")
            .arg(&self.config)
            .args(["register", user, &self.domain, password])
            .stdin(Stdio::null())
            .output()?;
        if !out.status.success() {
            return Err(io::Error::other(format!(
                "prosodyctl register {user}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(format!("{user}@{}", self.domain))
    }

    /// Creates many accounts (`(user, password)` pairs), running a few `prosodyctl`s at once.
    pub fn register_many(&self, users: &[(String, String)]) -> io::Result<()> {
        for chunk in users.chunks(4) {
            std::thread::scope(|scope| {
                let runs: Vec<_> = chunk
                    .iter()
                    .map(|(user, password)| scope.spawn(move || self.register(user, password)))
                    .collect();
                runs.into_iter().try_for_each(|r| {
                    r.join()
                        .unwrap_or_else(|_| Err(io::Error::other("prosodyctl thread panicked")))
                        .map(drop)
                })
            })?;
        }
        Ok(())
    }

    /// The client port's address (plain TCP).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The XMPP domain.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The server's log file.
    pub fn log(&self) -> PathBuf {
        self.dir.join("prosody.log")
    }

    /// The server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }
}

impl Drop for Prosody {
    fn drop(&mut self) {
        self.stop();
        if !self.dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
