//! Connection Requests over UDP (TR-069 Annex G), both ends.
//!
//! * [`CpeUdp`]: the agent's listener. Each datagram is verified with
//!   `cwmp_session::connreq::udp::UdpVerifier` (username, HMAC-SHA1 signature, a timestamp within
//!   [`WINDOW_SECS`] of the device's clock and not older than the last accepted one, an id not
//!   seen before); a valid one starts a session with `6 CONNECTION REQUEST`, anything else is
//!   ignored (no reply is ever sent). With a STUN server, the same socket sends Binding Requests
//!   to it, so the NAT binding the server sees is the one Connection Requests come through: the
//!   mapped address it reports becomes the device's `UDPConnectionRequestAddress`, and the
//!   binding is refreshed every keep-alive period. Without one, the socket's own address is
//!   published.
//! * [`send`]: what the ACS does: the signed datagram, sent a few times with the same id
//!   (UDP is lossy; the device takes the first and ignores the copies).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::udp::{self, MAX_DATAGRAM, UdpVerifier};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch};

use crate::stun;

/// How far a request's timestamp may be from the device's clock, in seconds.
pub const WINDOW_SECS: u64 = 120;

/// How often the STUN binding is refreshed (TR-069's STUNMinimumKeepAlivePeriod).
pub const KEEP_ALIVE: Duration = Duration::from_secs(30);

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What the agent's UDP listener reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UdpNotice {
    /// A valid Connection Request: start a session.
    ConnectionRequest {
        /// Its message id.
        id: String,
        /// Where it came from.
        from: SocketAddr,
    },
    /// A datagram that starts nothing, and why.
    Ignored {
        /// Where it came from.
        from: SocketAddr,
        /// Why it was ignored.
        reason: String,
    },
    /// The STUN server reported a (new) mapped address.
    Mapped(SocketAddr),
}

/// The agent's UDP Connection Request listener (a task); dropping it closes the socket.
#[derive(Debug)]
pub struct CpeUdp {
    address: watch::Receiver<String>,
    accepted: mpsc::Receiver<UdpNotice>,
    notices: mpsc::Receiver<UdpNotice>,
    task: tokio::task::AbortHandle,
}

impl Drop for CpeUdp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CpeUdp {
    /// Binds `listen` and verifies Connection Requests against `credentials` (shared with the
    /// agent, which changes them when the ACS sets ConnectionRequestUsername/Password); with
    /// `stun_server`, learns and keeps the mapped address.
    pub async fn start(
        listen: &str,
        stun_server: Option<SocketAddr>,
        credentials: Arc<Mutex<Credentials>>,
    ) -> std::io::Result<Self> {
        let socket = UdpSocket::bind(listen).await?;
        let local = socket.local_addr()?;
        let local = if local.ip().is_unspecified() {
            SocketAddr::new([127, 0, 0, 1].into(), local.port())
        } else {
            local
        };
        let (address_tx, address) = watch::channel(local.to_string());
        let (accepted_tx, accepted) = mpsc::channel(1);
        let (notices_tx, notices) = mpsc::channel(16);
        let task = tokio::spawn(cpe_loop(
            socket,
            stun_server,
            credentials,
            address_tx,
            accepted_tx,
            notices_tx,
        ))
        .abort_handle();
        Ok(Self {
            address,
            accepted,
            notices,
            task,
        })
    }

    /// The device's `UDPConnectionRequestAddress` (`host:port`): the STUN-mapped address once
    /// known, the socket's own before (or without a STUN server).
    pub fn address(&self) -> String {
        self.address.borrow().clone()
    }

    /// Waits up to `timeout` for the STUN server's first answer; returns the address to
    /// publish either way.
    pub async fn mapped(&mut self, timeout: Duration) -> String {
        let _ = tokio::time::timeout(timeout, self.address.changed()).await;
        self.address()
    }

    /// The next notice: an accepted Connection Request first (never `None` while the task
    /// runs).
    pub async fn recv(&mut self) -> Option<UdpNotice> {
        tokio::select! {
            biased;
            Some(n) = self.accepted.recv() => Some(n),
            Some(n) = self.notices.recv() => Some(n),
            else => None,
        }
    }
}

async fn cpe_loop(
    socket: UdpSocket,
    stun_server: Option<SocketAddr>,
    credentials: Arc<Mutex<Credentials>>,
    address: watch::Sender<String>,
    accepted: mpsc::Sender<UdpNotice>,
    notices: mpsc::Sender<UdpNotice>,
) {
    let mut verifier = UdpVerifier::new();
    let mut buf = vec![0u8; MAX_DATAGRAM + 1];
    let mut transaction = None;
    let mut learned = false;
    // Until the server answers, Binding Requests are retransmitted (doubling from 250 ms),
    // then sent every keep-alive period.
    let mut retransmit = Duration::from_millis(250);
    let mut next_binding = tokio::time::Instant::now();
    loop {
        let binding_due = async {
            match stun_server {
                Some(_) => tokio::time::sleep_until(next_binding).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = binding_due => {
                if let Some(server) = stun_server {
                    let (request, id) = stun::binding_request();
                    let _ = socket.send_to(&request, server).await;
                    transaction = Some(id);
                    next_binding = tokio::time::Instant::now() + retransmit;
                    retransmit = (retransmit * 2).min(KEEP_ALIVE);
                }
            }
            received = socket.recv_from(&mut buf) => {
                let Ok((n, from)) = received else { continue };
                let datagram = &buf[..n];
                if stun::is_stun(datagram) {
                    if Some(from) != stun_server {
                        continue;
                    }
                    let Some(mapped) = transaction.and_then(|id| stun::mapped_address(datagram, id)) else {
                        continue;
                    };
                    transaction = None;
                    retransmit = KEEP_ALIVE;
                    next_binding = tokio::time::Instant::now() + KEEP_ALIVE;
                    let text = mapped.to_string();
                    // The first answer is always reported (it may equal the local address:
                    // no NAT), later ones when the binding changed.
                    if !learned || *address.borrow() != text {
                        learned = true;
                        let _ = address.send(text);
                        let _ = notices.try_send(UdpNotice::Mapped(mapped));
                    }
                    continue;
                }
                let expected = credentials.lock().expect("lock").clone();
                let notice = match accepted.try_reserve() {
                    // Verified only when it could be acted on: a request that finds one waiting
                    // is not recorded as seen, so the ACS's copy or retry still counts.
                    Ok(slot) => match verifier.verify(datagram, &expected, unix_now(), WINDOW_SECS) {
                        Ok(request) => {
                            slot.send(UdpNotice::ConnectionRequest { id: request.id, from });
                            continue;
                        }
                        Err(e) => UdpNotice::Ignored { from, reason: e.to_string() },
                    },
                    Err(_) => UdpNotice::Ignored {
                        from,
                        reason: "a Connection Request already waits for its session".into(),
                    },
                };
                let _ = notices.try_send(notice);
            }
        }
    }
}

/// Sends a Connection Request to `address` (the device's UDPConnectionRequestAddress):
/// `copies` identical datagrams 20 ms apart. `id` must be new for each request, `cnonce` random.
/// Returns the datagram's text (for the log).
pub async fn send(
    address: &str,
    credentials: &Credentials,
    id: &str,
    cnonce: &str,
    copies: u32,
) -> Result<String, String> {
    let target = tokio::net::lookup_host(address)
        .await
        .map_err(|e| format!("{address}: {e}"))?
        .next()
        .ok_or_else(|| format!("{address}: no address"))?;
    let datagram = udp::build(address, unix_now(), id, credentials, cnonce)
        .map_err(|e| format!("{address}: {e}"))?;
    let bind: SocketAddr = if target.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(bind)
        .await
        .map_err(|e| format!("bind: {e}"))?;
    for copy in 0..copies.max(1) {
        if copy > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        socket
            .send_to(&datagram, target)
            .await
            .map_err(|e| format!("{address}: {e}"))?;
    }
    Ok(String::from_utf8_lossy(&datagram).into_owned())
}
