//! Connection Requests over XMPP (TR-069 Annex K), both ends, over `tokio-xmpp`.
//!
//! * [`CpeXmpp`]: the agent's side. It keeps one XMPP stream to its server (the crate
//!   reconnects with a doubling back-off up to 30 s and probes a silent stream with an XEP-0198
//!   ack request or an XEP-0199 ping), publishes the JID the server bound (the device's
//!   `ManagementServer.ConnReqJabberID`), and answers each `connectionRequest` IQ: the sender
//!   is checked against the allowed JIDs and the credentials against the device's
//!   ConnectionRequestUsername/Password with `cwmp_session::connreq::xmpp::verify_request`;
//!   accepted ones get an IQ `result` and start a session with `6 CONNECTION REQUEST`.
//!   Refusals follow Annex K: `not-authorized` for wrong credentials, `service-unavailable`
//!   for a sender that is not allowed and while an accepted request still waits for its
//!   session (the rate limit).
//! * [`AcsXmpp`]: the ACS's own account; [`AcsXmpp::connection_request`] sends the IQ to a
//!   device's JID and waits for its `result` or `error`.
//!
//! Both build and read the stanzas with the library (`connreq::xmpp`), so the examples and a
//! firmware using only the library agree on every byte; tokio-xmpp carries them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cwmp_session::connreq::Credentials;
use cwmp_session::connreq::xmpp::{self as annex_k, ErrorCondition, Stanza as CrStanza, XmppError};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_stream::StreamExt;
use tokio_xmpp::connect::DnsConfig;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::xmlstream::Timeouts;
use tokio_xmpp::{Client, Event, Stanza};

/// An XMPP account: `JID,PASSWORD,SERVER` on the command line (`SERVER` is `host:port` of the
/// server's client port).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct XmppAccount {
    /// The JID to log in as; with a resource (`user@domain/cwmp`) the bound JID stays the same
    /// across reconnections.
    pub jid: String,
    /// The account's password.
    pub password: String,
    /// The server's client port, `host:port`.
    pub server: String,
}

impl std::fmt::Debug for XmppAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmppAccount")
            .field("jid", &self.jid)
            .field("password", &"<redacted>")
            .field("server", &self.server)
            .finish()
    }
}

impl XmppAccount {
    /// An account.
    pub fn new(
        jid: impl Into<String>,
        password: impl Into<String>,
        server: impl Into<String>,
    ) -> Self {
        Self {
            jid: jid.into(),
            password: password.into(),
            server: server.into(),
        }
    }

    /// Parses `JID,PASSWORD,SERVER` (the password may hold commas: the JID is up to the first
    /// comma, the server after the last).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (jid, rest) = text.split_once(',').ok_or("expected JID,PASSWORD,SERVER")?;
        let (password, server) = rest
            .rsplit_once(',')
            .ok_or("expected JID,PASSWORD,SERVER")?;
        jid.parse::<Jid>()
            .map_err(|e| format!("JID {jid:?}: {e}"))?;
        if !server.contains(':') {
            return Err(format!("SERVER {server:?}: expected host:port"));
        }
        Ok(Self::new(jid, password, server))
    }

    fn client(&self, keep_alive: Duration) -> Result<Client, String> {
        let jid: Jid = self
            .jid
            .parse()
            .map_err(|e| format!("JID {:?}: {e}", self.jid))?;
        let timeouts = Timeouts {
            // Silence this long triggers a keep-alive probe; no answer within
            // `response_timeout` drops the stream, and the crate reconnects.
            read_timeout: keep_alive,
            response_timeout: Duration::from_secs(20),
        };
        Ok(Client::new_plaintext(
            jid,
            self.password.clone(),
            DnsConfig::Addr {
                addr: self.server.clone(),
            },
            timeouts,
        ))
    }
}

/// How long a silent stream waits before a keep-alive probe.
pub const KEEP_ALIVE: Duration = Duration::from_secs(60);

/// Turns a stanza the library wrote (`<iq ...>`, no namespace) into tokio-xmpp's `Iq`.
fn to_iq(text: &str) -> Result<Iq, String> {
    let qualified = text.replacen("<iq ", "<iq xmlns=\"jabber:client\" ", 1);
    let element: Element = qualified.parse().map_err(|e| format!("{e}"))?;
    Iq::try_from(element).map_err(|e| format!("{e}"))
}

/// `stanza` with the text of its `password` element hidden, for logs and transcripts.
pub fn redact(stanza: &str) -> String {
    let Some(start) = stanza.find("<password>") else {
        return stanza.to_owned();
    };
    let from = start + "<password>".len();
    match stanza[from..].find("</password>") {
        Some(len) => format!("{}***{}", &stanza[..from], &stanza[from + len..]),
        None => stanza.to_owned(),
    }
}

/// The text of a received IQ, for the library to read.
fn iq_text(iq: Iq) -> String {
    String::from(&Element::from(iq))
}

/// What the CPE's XMPP task reports to the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CpeNotice {
    /// A Connection Request was accepted (and answered with `result`): start a session.
    ConnectionRequest {
        /// The request as received (its password hidden).
        request: String,
        /// The reply sent.
        reply: String,
    },
    /// A Connection Request was refused with an IQ error.
    Refused {
        /// The request as received (its password hidden).
        request: String,
        /// The reply sent.
        reply: String,
        /// Why.
        reason: String,
    },
    /// The stream is up (again, after a reconnection) with this JID.
    Online(String),
    /// A reply could not be sent (the stream is reconnecting, or down).
    Problem(String),
}

/// The agent's XMPP connection (a task); dropping it closes the stream.
#[derive(Debug)]
pub struct CpeXmpp {
    jid: watch::Receiver<Option<String>>,
    accepted: mpsc::Receiver<CpeNotice>,
    notices: mpsc::Receiver<CpeNotice>,
    task: tokio::task::AbortHandle,
}

impl Drop for CpeXmpp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CpeXmpp {
    /// Connects `account` and answers Connection Requests from `allowed` JIDs (bare JIDs match
    /// any resource; empty allows any sender) carrying `credentials` (shared with the agent,
    /// which changes them when the ACS sets ConnectionRequestUsername/Password).
    pub fn start(
        account: &XmppAccount,
        allowed: Vec<String>,
        credentials: Arc<Mutex<Credentials>>,
    ) -> Result<Self, String> {
        let client = account.client(KEEP_ALIVE)?;
        let (jid_tx, jid) = watch::channel(None);
        // Room for one accepted request, which waits for the running session to end; a
        // Connection Request that finds no room is refused (the rate limit).
        let (accepted_tx, accepted) = mpsc::channel(1);
        // Refusals and stream changes, for the log; dropped when nobody reads them.
        let (notices_tx, notices) = mpsc::channel(16);
        let task = tokio::spawn(cpe_loop(
            client,
            allowed,
            credentials,
            jid_tx,
            accepted_tx,
            notices_tx,
        ))
        .abort_handle();
        Ok(Self {
            jid,
            accepted,
            notices,
            task,
        })
    }

    /// The bound JID (the device's ConnReqJabberID), once the stream is up.
    pub fn jid(&self) -> Option<String> {
        self.jid.borrow().clone()
    }

    /// Waits until the stream is up (or `timeout`); returns the bound JID.
    pub async fn online(&mut self, timeout: Duration) -> Option<String> {
        let wait = self.jid.wait_for(Option::is_some);
        match tokio::time::timeout(timeout, wait).await {
            Ok(Ok(jid)) => jid.clone(),
            _ => None,
        }
    }

    /// The next notice: an accepted Connection Request first, else a refusal or a change of
    /// the stream (never `None` while the task runs).
    pub async fn recv(&mut self) -> Option<CpeNotice> {
        tokio::select! {
            biased;
            Some(n) = self.accepted.recv() => Some(n),
            Some(n) = self.notices.recv() => Some(n),
            else => None,
        }
    }
}

async fn cpe_loop(
    mut client: Client,
    allowed: Vec<String>,
    credentials: Arc<Mutex<Credentials>>,
    jid_tx: watch::Sender<Option<String>>,
    accepted: mpsc::Sender<CpeNotice>,
    notices: mpsc::Sender<CpeNotice>,
) {
    let mut own_jid = String::new();
    while let Some(event) = client.next().await {
        match event {
            Event::Online { bound_jid, .. } => {
                own_jid = bound_jid.to_string();
                let _ = jid_tx.send(Some(own_jid.clone()));
                let _ = notices.try_send(CpeNotice::Online(own_jid.clone()));
            }
            Event::Disconnected(e) => {
                let _ = notices.try_send(CpeNotice::Problem(e.to_string()));
            }
            Event::Stanza(Stanza::Iq(iq)) if matches!(iq, Iq::Set { .. } | Iq::Get { .. }) => {
                let request = iq_text(iq);
                let slot = accepted.try_reserve().ok();
                let (reply, notice) =
                    answer(&request, &own_jid, &allowed, &credentials, slot.is_some());
                let sent = match to_iq(&reply) {
                    Ok(iq) => send(&mut client, iq).await,
                    Err(e) => Err(e),
                };
                match sent {
                    Ok(()) => {}
                    Err(e) => {
                        let _ = notices
                            .try_send(CpeNotice::Problem(format!("cannot send the reply: {e}")));
                    }
                }
                match (notice, slot) {
                    (Some(n @ CpeNotice::ConnectionRequest { .. }), Some(slot)) => slot.send(n),
                    (Some(n), _) => {
                        let _ = notices.try_send(n);
                    }
                    (None, _) => {}
                }
            }
            _ => {}
        }
    }
}

/// The reply to one IQ `get`/`set` (the library's stanza text) and what to tell the agent;
/// `room` says whether an accepted request can be queued now.
fn answer(
    request: &str,
    own_jid: &str,
    allowed: &[String],
    credentials: &Mutex<Credentials>,
    room: bool,
) -> (String, Option<CpeNotice>) {
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    let expected = credentials.lock().expect("lock").clone();
    let (id, from) = match annex_k::parse(request) {
        Ok(CrStanza::Request { id, from, .. }) => (id, from),
        _ => header(request),
    };
    let refuse = |condition: ErrorCondition, reason: String| {
        let reply = annex_k::build_error(&id, own_jid, &from, &condition);
        let notice = CpeNotice::Refused {
            request: redact(request),
            reply: reply.clone(),
            reason,
        };
        (reply, Some(notice))
    };
    match annex_k::verify_request(request, &allowed, &expected) {
        Ok(_) if room => {
            let reply = annex_k::build_result(&id, own_jid, &from);
            let notice = CpeNotice::ConnectionRequest {
                request: redact(request),
                reply: reply.clone(),
            };
            (reply, Some(notice))
        }
        Ok(_) => refuse(
            ErrorCondition::ServiceUnavailable,
            "a Connection Request already waits for its session".into(),
        ),
        Err(XmppError::WrongCredentials) => {
            refuse(ErrorCondition::NotAuthorized, "wrong credentials".into())
        }
        Err(XmppError::JidNotAllowed) => refuse(
            ErrorCondition::ServiceUnavailable,
            format!("sender {from} not allowed"),
        ),
        // Any other IQ request: this entity offers nothing else (RFC 6120 §8.2.3).
        Err(_) => {
            let condition = ErrorCondition::ServiceUnavailable;
            (annex_k::build_error(&id, own_jid, &from, &condition), None)
        }
    }
}

/// The `id` and `from` of an IQ that is not a Connection Request (for the error reply).
fn header(text: &str) -> (String, String) {
    let Ok(element) = text.parse::<Element>() else {
        return (String::new(), String::new());
    };
    let attr = |n: &str| element.attr(n).unwrap_or_default().to_owned();
    (attr("id"), attr("from"))
}

/// What came back for a Connection Request sent by [`AcsXmpp::connection_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Exchange {
    /// The IQ sent (its password hidden).
    pub request: String,
    /// The reply received.
    pub reply: String,
    /// `Ok` for a `result`, the error condition otherwise.
    pub outcome: Result<(), ErrorCondition>,
}

type Waiters = Arc<Mutex<HashMap<String, oneshot::Sender<String>>>>;

/// The ACS's XMPP connection (a task); dropping it closes the stream.
#[derive(Debug)]
pub struct AcsXmpp {
    sender: mpsc::Sender<(Iq, oneshot::Sender<Result<(), String>>)>,
    jid: watch::Receiver<Option<String>>,
    waiters: Waiters,
    next_id: std::sync::atomic::AtomicU64,
    task: tokio::task::AbortHandle,
}

impl Drop for AcsXmpp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl AcsXmpp {
    /// Connects the ACS's `account` (reconnecting like the agent's).
    pub fn start(account: &XmppAccount) -> Result<Self, String> {
        let client = account.client(KEEP_ALIVE)?;
        let (jid_tx, jid) = watch::channel(None);
        let (sender, outgoing) = mpsc::channel(64);
        let waiters: Waiters = Arc::default();
        let task = tokio::spawn(acs_loop(client, jid_tx, outgoing, waiters.clone())).abort_handle();
        Ok(Self {
            sender,
            jid,
            waiters,
            next_id: std::sync::atomic::AtomicU64::new(1),
            task,
        })
    }

    /// The ACS's bound JID, while the stream is up.
    pub fn jid(&self) -> Option<String> {
        self.jid.borrow().clone()
    }

    /// Waits until the stream is up (or `timeout`); returns the bound JID.
    pub async fn online(&self, timeout: Duration) -> Option<String> {
        let mut jid = self.jid.clone();
        let wait = jid.wait_for(Option::is_some);
        match tokio::time::timeout(timeout, wait).await {
            Ok(Ok(jid)) => jid.clone(),
            _ => None,
        }
    }

    /// Sends a Connection Request to `to` (the device's ConnReqJabberID) with the device's
    /// ConnectionRequestUsername/Password, and waits up to `timeout` for the reply (the stream
    /// must come up within that time too).
    pub async fn connection_request(
        &self,
        to: &str,
        credentials: &Credentials,
        timeout: Duration,
    ) -> Result<Exchange, String> {
        let n = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("cr{n}");
        let work = async {
            let from = self
                .online(timeout)
                .await
                .ok_or("the ACS's XMPP stream is not up")?;
            let request = annex_k::build_request(&id, &from, to, credentials);
            let iq = to_iq(&request)?;
            let (reply_tx, reply_rx) = oneshot::channel();
            self.waiters
                .lock()
                .expect("lock")
                .insert(id.clone(), reply_tx);
            let (sent_tx, sent_rx) = oneshot::channel();
            self.sender
                .send((iq, sent_tx))
                .await
                .map_err(|_| "the ACS's XMPP task ended")?;
            sent_rx.await.map_err(|_| "the ACS's XMPP task ended")??;
            let reply = reply_rx.await.map_err(|_| "the ACS's XMPP task ended")?;
            let outcome = match annex_k::parse(&reply) {
                Ok(CrStanza::Result { .. }) => Ok(()),
                Ok(CrStanza::Error { condition, .. }) => Err(condition),
                Ok(other) => return Err(format!("unexpected reply {other:?}")),
                Err(e) => return Err(format!("unreadable reply: {e}")),
            };
            Ok::<_, String>(Exchange {
                request: redact(&request),
                reply,
                outcome,
            })
        };
        let result = match tokio::time::timeout(timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(format!("no reply from {to} within {timeout:?}")),
        };
        self.waiters.lock().expect("lock").remove(&id);
        result
    }
}

async fn acs_loop(
    mut client: Client,
    jid_tx: watch::Sender<Option<String>>,
    mut outgoing: mpsc::Receiver<(Iq, oneshot::Sender<Result<(), String>>)>,
    waiters: Waiters,
) {
    // One task owns the client: tokio-xmpp's split halves share it behind a lock that a
    // waiting receiver does not get woken for.
    loop {
        tokio::select! {
            event = client.next() => match event {
                None => break,
                Some(Event::Online { bound_jid, .. }) => {
                    let _ = jid_tx.send(Some(bound_jid.to_string()));
                }
                Some(Event::Disconnected(_)) => {
                    let _ = jid_tx.send(None);
                }
                Some(Event::Stanza(Stanza::Iq(iq))) if matches!(iq, Iq::Result { .. } | Iq::Error { .. }) => {
                    let id = iq.id().to_owned();
                    let waiter = waiters.lock().expect("lock").remove(&id);
                    if let Some(w) = waiter {
                        let _ = w.send(iq_text(iq));
                    }
                }
                Some(_) => {}
            },
            Some((iq, done)) = outgoing.recv() => {
                let _ = done.send(send(&mut client, iq).await);
            }
        }
    }
}

/// How long a stanza may wait to be written (the stream may be reconnecting).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

async fn send(client: &mut Client, iq: Iq) -> Result<(), String> {
    match tokio::time::timeout(SEND_TIMEOUT, client.send_stanza(Stanza::Iq(iq))).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!("cannot send: {e}")),
        Err(_) => Err(format!("cannot send within {SEND_TIMEOUT:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_and_redaction() {
        let a = XmppAccount::parse("cpe@example.net/cwmp,pa,ss,127.0.0.1:5222").unwrap();
        assert_eq!(
            (a.jid.as_str(), a.password.as_str(), a.server.as_str()),
            ("cpe@example.net/cwmp", "pa,ss", "127.0.0.1:5222")
        );
        assert!(XmppAccount::parse("cpe@example.net").is_err());
        assert!(XmppAccount::parse("cpe@example.net,pw,nohostport").is_err());
        let iq = annex_k::build_request("1", "a@b", "c@d", &Credentials::new("u", "s3cret"));
        let shown = redact(&iq);
        assert!(!shown.contains("s3cret") && shown.contains("<password>***</password>"));
        assert_eq!(redact("<iq/>"), "<iq/>");
        // What the library writes is what tokio-xmpp sends.
        let back = iq_text(to_iq(&iq).unwrap());
        assert!(matches!(
            annex_k::parse(&back),
            Ok(CrStanza::Request { .. })
        ));
    }
}
