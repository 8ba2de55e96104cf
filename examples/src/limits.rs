//! What the example HTTP server ([`crate::transport::serve_with`]) allows a peer, shared by the
//! ACS and the CPE's Connection Request listener: how long a connection may take to send a
//! request's headers and body, how long it may sit idle, how many connections may be open (in
//! all and from one address), the listen backlog and the largest body. Every limit has a flag
//! of the same name in `acs_server` and `cpe_agent` ([`Limits::from_flags`]).
//!
//! The timeouts are enforced per connection by a watchdog that follows the connection through
//! three phases: waiting for a request (idle), receiving a request's headers, and handling a
//! request (its body has its own deadline). A connection that overstays its phase is closed.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

use crate::http::MAX_BODY;
use crate::support::Flags;

/// The limits of one server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Time allowed from a connection's first byte of a request (or its opening) to the end of
    /// the request's headers (slow-header attacks). Flag `--header-timeout SECONDS`.
    pub header_timeout: Duration,
    /// Time allowed to receive a request's whole body once its headers are in (slow-body
    /// attacks). Flag `--body-timeout SECONDS`.
    pub body_timeout: Duration,
    /// Time a keep-alive connection may wait for its next request, and a response may take to
    /// be read by the peer, before it is closed. Flag `--idle-timeout SECONDS`.
    pub idle_timeout: Duration,
    /// Connections open at once; more are closed as soon as they are accepted. Flag
    /// `--max-connections N` (without it, [`Limits::from_flags`] keeps under the process's
    /// open-files limit).
    pub max_connections: usize,
    /// Connections open at once from one IP address. Flag `--max-connections-per-address N`.
    pub max_connections_per_address: usize,
    /// The listen backlog (connections the kernel queues before they are accepted). Flag
    /// `--backlog N`.
    pub backlog: u32,
    /// Largest request body, before and after inflating gzip/deflate: a larger
    /// `Content-Length` is answered `413` before `100 Continue` is sent. Flag `--max-body BYTES`.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(30),
            max_connections: 4096,
            max_connections_per_address: 256,
            backlog: 1024,
            max_body: MAX_BODY,
        }
    }
}

/// The flags [`Limits::from_flags`] reads, as `(name, takes_value)` for [`Flags::parse`].
pub const FLAGS: &[(&str, bool)] = &[
    ("header-timeout", true),
    ("body-timeout", true),
    ("idle-timeout", true),
    ("max-connections", true),
    ("max-connections-per-address", true),
    ("backlog", true),
    ("max-body", true),
];

/// The usage text of [`FLAGS`].
pub const USAGE: &str =
    "  --header-timeout S     time for a request's headers to arrive (default 10)
  --body-timeout S       time for a request's body to arrive (default 30)
  --idle-timeout S       time a connection may wait idle between requests (default 30)
  --max-connections N    connections open at once (default 4096, less under a lower
                         open-files limit)
  --max-connections-per-address N  connections open at once from one IP (default 256)
  --backlog N            listen backlog (default 1024)
  --max-body BYTES       largest request body, also after inflating (default 4194304)";

impl Limits {
    /// The limits with the flags of [`FLAGS`] applied.
    pub fn from_flags(flags: &Flags) -> Result<Self, String> {
        let d = Self::default();
        let secs = |name: &str, default: Duration| -> Result<Duration, String> {
            let s: u64 = flags.parse_or(name, default.as_secs())?;
            if s == 0 {
                return Err(format!("--{name} must be at least 1"));
            }
            Ok(Duration::from_secs(s))
        };
        let count = |name: &str, default: usize| -> Result<usize, String> {
            let n: usize = flags.parse_or(name, default)?;
            if n == 0 {
                return Err(format!("--{name} must be at least 1"));
            }
            Ok(n)
        };
        // Without the flag, stay under the process's file limit: past it, accepting fails and
        // every connection (legitimate ones too) waits.
        let max_connections = match open_files_limit() {
            Some(n) if !flags.has("max-connections") => {
                d.max_connections.min(n.saturating_sub(FILES_KEPT).max(1))
            }
            _ => d.max_connections,
        };
        Ok(Self {
            header_timeout: secs("header-timeout", d.header_timeout)?,
            body_timeout: secs("body-timeout", d.body_timeout)?,
            idle_timeout: secs("idle-timeout", d.idle_timeout)?,
            max_connections: count("max-connections", max_connections)?,
            max_connections_per_address: count(
                "max-connections-per-address",
                d.max_connections_per_address,
            )?,
            backlog: u32::try_from(count("backlog", d.backlog as usize)?)
                .map_err(|_| "--backlog is too large".to_owned())?,
            max_body: count("max-body", d.max_body)?,
        })
    }
}

/// File descriptors left for everything but server connections (client connections,
/// listeners, files).
const FILES_KEPT: usize = 128;

/// The soft limit of open files of this process (`/proc/self/limits`), where there is one.
pub fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Open connections, in all and per address.
#[derive(Debug, Default)]
pub struct ConnectionCount {
    counts: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One admitted connection; dropping it frees its place.
#[derive(Debug)]
pub struct ConnectionPermit {
    count: Arc<ConnectionCount>,
    ip: IpAddr,
}

impl ConnectionCount {
    /// Admits a connection from `ip` if neither cap is reached.
    pub fn admit(self: &Arc<Self>, ip: IpAddr, limits: &Limits) -> Option<ConnectionPermit> {
        let mut c = self.counts.lock().expect("lock");
        let from_ip = c.1.get(&ip).copied().unwrap_or(0);
        if c.0 >= limits.max_connections || from_ip >= limits.max_connections_per_address {
            return None;
        }
        c.0 += 1;
        c.1.insert(ip, from_ip + 1);
        Some(ConnectionPermit {
            count: self.clone(),
            ip,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.counts.lock().expect("lock").0
    }
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        let mut c = self.count.counts.lock().expect("lock");
        c.0 = c.0.saturating_sub(1);
        if let Some(n) = c.1.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                c.1.remove(&self.ip);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for the next request (or for the peer to read a response).
    Idle,
    /// Receiving a request's headers.
    Head,
    /// A request is being handled (its body read under its own deadline).
    Busy,
}

/// Where a connection is, for its watchdog.
#[derive(Debug)]
pub struct Watch {
    phase: Mutex<(Phase, Instant)>,
}

impl Watch {
    /// A connection just accepted: its first request's headers are due within the header
    /// timeout.
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            phase: Mutex::new((Phase::Head, Instant::now())),
        })
    }

    fn set(&self, phase: Phase) {
        *self.phase.lock().expect("lock") = (phase, Instant::now());
    }

    /// A request's headers are in: its handling starts.
    pub fn busy(&self) {
        self.set(Phase::Busy);
    }

    /// A request was answered: the connection waits for the next one.
    pub fn idle(&self) {
        self.set(Phase::Idle);
    }

    fn bytes_read(&self) {
        let mut p = self.phase.lock().expect("lock");
        if p.0 == Phase::Idle {
            *p = (Phase::Head, Instant::now());
        }
    }

    /// Resolves when the connection has overstayed its phase (the caller then closes it).
    pub async fn expired(&self, limits: &Limits) {
        loop {
            let seen = *self.phase.lock().expect("lock");
            let deadline = match seen.0 {
                Phase::Head => seen.1 + limits.header_timeout,
                Phase::Idle => seen.1 + limits.idle_timeout,
                // The body deadline is the handler's; look again later.
                Phase::Busy => Instant::now() + limits.idle_timeout,
            };
            tokio::time::sleep_until(deadline).await;
            let now = *self.phase.lock().expect("lock");
            if now == seen && seen.0 != Phase::Busy {
                return;
            }
        }
    }
}

/// A stream that tells its [`Watch`] when request bytes arrive.
#[derive(Debug)]
pub struct Watched<S> {
    inner: S,
    watch: Arc<Watch>,
}

impl<S> Watched<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, watch: Arc<Watch>) -> Self {
        Self { inner, watch }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.watch.bytes_read();
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_count_per_address_and_in_all() {
        let limits = Limits {
            max_connections: 3,
            max_connections_per_address: 2,
            ..Limits::default()
        };
        let count = Arc::new(ConnectionCount::default());
        let a: IpAddr = [127, 0, 0, 2].into();
        let b: IpAddr = [127, 0, 0, 3].into();
        let a1 = count.admit(a, &limits).unwrap();
        let _a2 = count.admit(a, &limits).unwrap();
        assert!(count.admit(a, &limits).is_none(), "per-address cap");
        let _b1 = count.admit(b, &limits).unwrap();
        assert!(count.admit(b, &limits).is_none(), "total cap");
        drop(a1);
        assert_eq!(count.open(), 2);
        assert!(count.admit(b, &limits).is_some(), "a freed place is reused");
    }

    #[test]
    fn connections_stay_under_the_open_files_limit() {
        let n = open_files_limit().expect("Linux has /proc/self/limits");
        let l = Limits::from_flags(&Flags::default()).unwrap();
        assert!(
            l.max_connections + FILES_KEPT <= n.max(FILES_KEPT + 1),
            "{l:?} {n}"
        );
    }

    #[test]
    fn flags_override_and_refuse_zero() {
        let f = Flags::parse(["--max-body".to_owned(), "1000".to_owned()], FLAGS).unwrap();
        assert_eq!(Limits::from_flags(&f).unwrap().max_body, 1000);
        let f = Flags::parse(["--idle-timeout=0".to_owned()], FLAGS).unwrap();
        assert!(Limits::from_flags(&f).is_err());
    }
}
