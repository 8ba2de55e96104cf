//! The Connection Request paths that reach a CPE behind NAT, as the agent and the ACS use them.
//!
//! * Agent: [`NatConfig`] says which paths the device offers besides (or instead of) the HTTP
//!   listener; [`NatPaths`] runs them ([`CpeXmpp`], [`CpeUdp`]), adds what the device
//!   publishes to its Informs (`ManagementServer.ConnReqJabberID`,
//!   `ManagementServer.UDPConnectionRequestAddress`, `ManagementServer.SupportedConnReqMethods`)
//!   and hands the agent each accepted Connection Request with the lines of its transcript.
//! * ACS: [`Targets`] is what a device published in its last Inform; [`deliver`] picks the
//!   path: XMPP when the device has a JID (and the ACS an XMPP account), else UDP when it has a
//!   UDP address, else the HTTP Connection Request URL.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cwmp_session::connreq::Credentials;
use cwmp_types::{Inform, ParameterValue, ParameterValueStruct};

use crate::udp_cr::{self, CpeUdp, UdpNotice};
use crate::xmpp::{AcsXmpp, CpeNotice, CpeXmpp, XmppAccount};

/// `Device.ManagementServer.ConnReqJabberID`.
pub const JABBER_ID: &str = "Device.ManagementServer.ConnReqJabberID";
/// `Device.ManagementServer.UDPConnectionRequestAddress`.
pub const UDP_ADDRESS: &str = "Device.ManagementServer.UDPConnectionRequestAddress";
/// `Device.ManagementServer.SupportedConnReqMethods`.
pub const SUPPORTED_METHODS: &str = "Device.ManagementServer.SupportedConnReqMethods";

/// The agent's Connection Request paths besides HTTP.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct NatConfig {
    /// Keep an XMPP connection with this account (`--xmpp JID,PASSWORD,SERVER`).
    pub xmpp: Option<XmppAccount>,
    /// The JIDs allowed to send Connection Requests (ConnReqAllowedJabberIDs); empty allows
    /// any sender.
    pub xmpp_allowed: Vec<String>,
    /// Listen for UDP Connection Requests here (`host:port`).
    pub udp_listen: Option<String>,
    /// Learn the mapped UDP address from this STUN server (and keep the binding).
    pub stun_server: Option<SocketAddr>,
    /// Run no HTTP Connection Request listener (ConnectionRequestURL is then empty): the
    /// device is reachable over XMPP or UDP only.
    pub no_http: bool,
}

/// What [`NatPaths::recv`] hands the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notice {
    /// Transcript lines.
    pub lines: Vec<String>,
    /// A Connection Request was accepted: queue `6 CONNECTION REQUEST`.
    pub connection_request: bool,
    /// A published value changed (a new JID or mapped address): queue `4 VALUE CHANGE`.
    pub value_change: bool,
}

/// The running paths of an agent.
#[derive(Debug, Default)]
pub struct NatPaths {
    xmpp: Option<CpeXmpp>,
    udp: Option<CpeUdp>,
    http: bool,
    /// The values the last Inform carried.
    published_jid: String,
    published_udp: String,
    /// An Inform has carried them.
    informed: bool,
}

/// How long the agent waits at start for its XMPP stream and STUN answer, so that the first
/// Inform already carries them (later changes go out with `4 VALUE CHANGE`).
const SETTLE: Duration = Duration::from_secs(5);

impl NatPaths {
    /// Starts the configured paths; `credentials` are the device's ConnectionRequestUsername/
    /// Password (shared, the ACS may change them).
    pub async fn start(
        config: &NatConfig,
        credentials: Arc<Mutex<Credentials>>,
    ) -> std::io::Result<Self> {
        let mut paths = Self {
            http: !config.no_http,
            ..Self::default()
        };
        if let Some(listen) = &config.udp_listen {
            let mut udp = CpeUdp::start(listen, config.stun_server, credentials.clone()).await?;
            if config.stun_server.is_some() {
                udp.mapped(SETTLE).await;
            }
            paths.udp = Some(udp);
        }
        if let Some(account) = &config.xmpp {
            let mut xmpp = CpeXmpp::start(account, config.xmpp_allowed.clone(), credentials)
                .map_err(std::io::Error::other)?;
            xmpp.online(SETTLE).await;
            paths.xmpp = Some(xmpp);
        }
        Ok(paths)
    }

    /// Adds what the device publishes to an Inform's parameters (and remembers it, so that a
    /// later change is reported).
    pub fn add_inform_parameters(&mut self, params: &mut Vec<ParameterValueStruct>) {
        if self.xmpp.is_none() && self.udp.is_none() {
            return;
        }
        self.informed = true;
        self.published_jid = self
            .xmpp
            .as_ref()
            .and_then(CpeXmpp::jid)
            .unwrap_or_default();
        self.published_udp = self.udp.as_ref().map(CpeUdp::address).unwrap_or_default();
        let mut methods: Vec<&str> = Vec::new();
        if self.http {
            methods.push("HTTP");
        }
        if self.udp.is_some() {
            methods.push("STUN");
        }
        if self.xmpp.is_some() {
            methods.push("XMPP");
        }
        for (name, value) in [
            (JABBER_ID, self.published_jid.clone()),
            (UDP_ADDRESS, self.published_udp.clone()),
            (SUPPORTED_METHODS, methods.join(",")),
        ] {
            params.push(ParameterValueStruct::new(
                name,
                ParameterValue::string(value),
            ));
        }
    }

    /// The next notice of any path; pending forever when the device runs none.
    pub async fn recv(&mut self) -> Notice {
        let xmpp = async {
            match self.xmpp.as_mut() {
                Some(x) => x.recv().await,
                None => std::future::pending().await,
            }
        };
        let udp = async {
            match self.udp.as_mut() {
                Some(u) => u.recv().await,
                None => std::future::pending().await,
            }
        };
        let mut notice = Notice {
            lines: Vec::new(),
            connection_request: false,
            value_change: false,
        };
        tokio::select! {
            Some(n) = xmpp => match n {
                CpeNotice::ConnectionRequest { request, reply } => {
                    notice.lines.push(format!("ACS → CPE  XMPP {request}"));
                    notice.lines.push(format!("CPE → ACS  XMPP {reply}"));
                    notice.connection_request = true;
                }
                CpeNotice::Refused { request, reply, reason } => {
                    notice.lines.push(format!("ACS → CPE  XMPP {request}"));
                    notice.lines.push(format!("CPE → ACS  XMPP {reply} ({reason})"));
                }
                CpeNotice::Online(jid) => {
                    notice.lines.push(format!("     (XMPP stream up as {jid})"));
                    // A JID the last Inform did not carry (a first one after a slow login, or
                    // a new one) is reported at once.
                    notice.value_change = self.informed && jid != self.published_jid;
                }
                CpeNotice::Problem(e) => {
                    notice.lines.push(format!("     (XMPP: {e})"));
                }
            },
            Some(n) = udp => match n {
                UdpNotice::ConnectionRequest { id, from } => {
                    notice.lines.push(format!("ACS → CPE  UDP Connection Request id {id} from {from} (signature verified)"));
                    notice.connection_request = true;
                }
                UdpNotice::Ignored { from, reason } => {
                    notice.lines.push(format!("ACS → CPE  UDP datagram from {from} ignored: {reason}"));
                }
                UdpNotice::Mapped(addr) => {
                    notice.lines.push(format!("     (STUN: mapped address {addr})"));
                    notice.value_change = self.informed && addr.to_string() != self.published_udp;
                }
            },
            else => std::future::pending::<()>().await,
        }
        notice
    }
}

/// What a device published for Connection Requests, from its last Inform.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Targets {
    /// ConnectionRequestURL.
    pub url: Option<String>,
    /// ConnReqJabberID.
    pub jid: Option<String>,
    /// UDPConnectionRequestAddress.
    pub udp: Option<String>,
}

impl Targets {
    /// Takes what an Inform carries (TR-181 or TR-098 names): a parameter it carries replaces
    /// the known value (an empty value clears it), one it does not carry leaves it.
    pub fn update(&mut self, inform: &Inform) {
        let slots = [
            ("ManagementServer.ConnectionRequestURL", &mut self.url),
            ("ManagementServer.ConnReqJabberID", &mut self.jid),
            (
                "ManagementServer.UDPConnectionRequestAddress",
                &mut self.udp,
            ),
        ];
        for (suffix, slot) in slots {
            if let Some(p) = inform
                .parameter_list
                .iter()
                .find(|p| p.name.as_str().ends_with(suffix))
            {
                *slot = Some(p.value.text.clone()).filter(|v| !v.is_empty());
            }
        }
    }
}

/// The path a Connection Request took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Path {
    /// XMPP IQ (Annex K).
    Xmpp,
    /// Signed UDP datagram (Annex G).
    Udp,
    /// HTTP GET to the ConnectionRequestURL.
    Http,
}

impl std::str::FromStr for Path {
    type Err = String;

    /// `http`, `udp` or `xmpp`.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "http" => Ok(Self::Http),
            "udp" => Ok(Self::Udp),
            "xmpp" => Ok(Self::Xmpp),
            other => Err(format!("{other:?}: expected http, udp or xmpp")),
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Xmpp => "XMPP",
            Self::Udp => "UDP",
            Self::Http => "HTTP",
        })
    }
}

/// The outcome of [`deliver`]: the path, and what was sent and answered (for the log).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The path taken.
    pub path: Path,
    /// Log lines: the request and its answer.
    pub detail: Vec<String>,
}

/// How long an XMPP Connection Request waits for the device's answer.
pub const XMPP_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends a Connection Request by the best path the device published: XMPP (when the ACS has
/// an XMPP connection), else UDP, else HTTP. `random` seeds the UDP id and cnonce and the
/// HTTP digest cnonce. `Err` carries the path and the reason.
pub async fn deliver(
    targets: &Targets,
    xmpp: Option<&AcsXmpp>,
    credentials: &Credentials,
    random: [u8; 8],
) -> Result<Delivery, (Path, String)> {
    if let (Some(jid), Some(client)) = (&targets.jid, xmpp) {
        let exchange = client
            .connection_request(jid, credentials, XMPP_TIMEOUT)
            .await
            .map_err(|e| (Path::Xmpp, e))?;
        let detail = vec![exchange.request.clone(), exchange.reply.clone()];
        return match exchange.outcome {
            Ok(()) => Ok(Delivery {
                path: Path::Xmpp,
                detail,
            }),
            Err(condition) => Err((
                Path::Xmpp,
                format!("the CPE answered {condition:?}: {}", exchange.reply),
            )),
        };
    }
    if let Some(address) = &targets.udp {
        let n = u64::from_le_bytes(random);
        let id = (n >> 32).to_string();
        let cnonce = format!("{:08x}", n & 0xffff_ffff);
        let datagram = udp_cr::send(address, credentials, &id, &cnonce, 3)
            .await
            .map_err(|e| (Path::Udp, e))?;
        return Ok(Delivery {
            path: Path::Udp,
            detail: vec![datagram.trim_end().to_owned()],
        });
    }
    if let Some(url) = &targets.url {
        tokio::time::timeout(
            crate::acs::CONNECTION_REQUEST_TIMEOUT,
            crate::acs::connection_request(url, credentials, &random),
        )
        .await
        .unwrap_or_else(|_| Err("no answer in time".to_owned()))
        .map_err(|e| (Path::Http, e))?;
        return Ok(Delivery {
            path: Path::Http,
            detail: vec![format!("GET {url}")],
        });
    }
    Err((
        Path::Http,
        "the device published no Connection Request address".into(),
    ))
}
