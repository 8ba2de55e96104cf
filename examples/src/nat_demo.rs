//! The servers the demo's `--connection-request udp|xmpp` modes need, and how each CPE of the
//! demo is set up for them: with `xmpp` a private Prosody with an account for the ACS and one per
//! CPE, and CPEs that open no listening socket at all; with `udp` a private coturn whose STUN
//! answers give each CPE its UDPConnectionRequestAddress, and CPEs without an HTTP listener.

use std::io;

use crate::coturn::Coturn;
use crate::cpe::AgentConfig;
use crate::natcr::Path;
use crate::prosody::Prosody;
use crate::xmpp::XmppAccount;

/// The XMPP domain of the demo's Prosody.
pub const DOMAIN: &str = "cwmp-demo.test";

/// The running servers of one demo run (stopped when dropped).
#[derive(Debug)]
pub struct DemoServers {
    path: Path,
    prosody: Option<Prosody>,
    coturn: Option<Coturn>,
}

fn password(i: usize) -> String {
    format!("demo-cpe-{i}-secret")
}

impl DemoServers {
    /// Starts what `path` needs for `cpes` CPEs (nothing for HTTP). Blocking: Prosody's
    /// accounts are created with `prosodyctl`, a few at a time.
    pub fn start(path: Path, cpes: usize) -> io::Result<Self> {
        let mut servers = Self {
            path,
            prosody: None,
            coturn: None,
        };
        match path {
            Path::Xmpp => {
                let prosody = Prosody::start(DOMAIN)?;
                prosody.register("acs", "demo-acs-secret")?;
                let users: Vec<(String, String)> = (0..cpes)
                    .map(|i| (format!("cpe{i}"), password(i)))
                    .collect();
                prosody.register_many(&users)?;
                servers.prosody = Some(prosody);
            }
            Path::Udp => servers.coturn = Some(Coturn::start()?),
            Path::Http => {}
        }
        Ok(servers)
    }

    /// The ACS's XMPP account (in the `xmpp` mode).
    pub fn acs_account(&self) -> Option<XmppAccount> {
        let p = self.prosody.as_ref()?;
        Some(XmppAccount::new(
            format!("acs@{DOMAIN}/acs"),
            "demo-acs-secret",
            p.addr().to_string(),
        ))
    }

    /// Sets CPE number `i` up for the mode.
    pub fn configure(&self, agent: &mut AgentConfig, i: usize) {
        match self.path {
            Path::Xmpp => {
                if let Some(p) = &self.prosody {
                    agent.nat.xmpp = Some(XmppAccount::new(
                        format!("cpe{i}@{DOMAIN}/cwmp"),
                        password(i),
                        p.addr().to_string(),
                    ));
                    agent.nat.xmpp_allowed = vec![format!("acs@{DOMAIN}")];
                    agent.nat.no_http = true;
                }
            }
            Path::Udp => {
                agent.nat.udp_listen = Some("127.0.0.1:0".into());
                agent.nat.stun_server = self.coturn.as_ref().map(Coturn::addr);
                agent.nat.no_http = true;
            }
            Path::Http => {}
        }
    }
}
