//! XMPP Connection Request (TR-069 Annex K): the `connectionRequest` IQ stanza, its replies,
//! and the CPE-side check of the sender's JID and credentials. The XMPP connection itself is
//! the transport's.

use super::{Credentials, ct_eq};
use quick_xml::Reader;
use quick_xml::events::Event;

/// The namespace of the `connectionRequest` element.
pub const NAMESPACE: &str = "urn:broadband-forum-org:cwmp:xmppConnReq-1-0";

/// Largest stanza accepted by [`parse`].
pub const MAX_STANZA: usize = 16 * 1024;
const MAX_DEPTH: usize = 8;

/// A parsed IQ stanza of the Connection Request exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stanza {
    /// `<iq type="set">` carrying a `connectionRequest`.
    Request {
        /// `id` attribute.
        id: String,
        /// `from` JID.
        from: String,
        /// `to` JID.
        to: String,
        /// The credentials carried.
        credentials: Credentials,
    },
    /// `<iq type="result">`: the CPE accepted.
    Result {
        /// `id` attribute.
        id: String,
        /// `from` JID.
        from: String,
        /// `to` JID.
        to: String,
    },
    /// `<iq type="error">`.
    Error {
        /// `id` attribute.
        id: String,
        /// `from` JID.
        from: String,
        /// `to` JID.
        to: String,
        /// The stanza error condition.
        condition: ErrorCondition,
    },
}

/// The error conditions Annex K uses.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCondition {
    /// `not-authorized`: wrong credentials or sender (type `cancel`).
    NotAuthorized,
    /// `service-unavailable`: the CPE does not accept Connection Requests now (type `cancel`).
    ServiceUnavailable,
    /// Any other condition element name.
    Other(String),
}

impl ErrorCondition {
    fn as_str(&self) -> &str {
        match self {
            Self::NotAuthorized => "not-authorized",
            Self::ServiceUnavailable => "service-unavailable",
            Self::Other(s) => s,
        }
    }
}

/// Why a stanza could not be parsed or was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmppError {
    /// Larger than [`MAX_STANZA`] or nested deeper than the stanza allows.
    #[error("stanza too large or too deep")]
    TooLarge,
    /// XML syntax error, DOCTYPE, or an unknown entity, at a byte offset.
    #[error("malformed stanza at byte {offset}: {reason}")]
    Malformed {
        /// Byte offset.
        offset: u64,
        /// What was wrong.
        reason: String,
    },
    /// Not an IQ of this exchange (wrong root, type, or missing `connectionRequest`).
    #[error("not a connection request stanza: {0}")]
    NotConnectionRequest(&'static str),
    /// The sender's JID is not allowed.
    #[error("sender JID not allowed")]
    JidNotAllowed,
    /// Wrong username or password.
    #[error("wrong username or password")]
    WrongCredentials,
}

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// Builds the `<iq type="set">` request the ACS sends.
pub fn build_request(id: &str, from: &str, to: &str, credentials: &Credentials) -> String {
    format!(
        "<iq type=\"set\" id=\"{}\" from=\"{}\" to=\"{}\"><connectionRequest xmlns=\"{NAMESPACE}\"><username>{}</username><password>{}</password></connectionRequest></iq>",
        esc(id),
        esc(from),
        esc(to),
        esc(&credentials.username),
        esc(&credentials.password)
    )
}

/// Builds the `result` reply the CPE sends to request `id` (`from` is the CPE, `to` the ACS).
pub fn build_result(id: &str, from: &str, to: &str) -> String {
    format!(
        "<iq type=\"result\" id=\"{}\" from=\"{}\" to=\"{}\"/>",
        esc(id),
        esc(from),
        esc(to)
    )
}

/// Builds an `error` reply (type `cancel`) with `condition`.
pub fn build_error(id: &str, from: &str, to: &str, condition: &ErrorCondition) -> String {
    format!(
        "<iq type=\"error\" id=\"{}\" from=\"{}\" to=\"{}\"><error type=\"cancel\"><{} xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/></error></iq>",
        esc(id),
        esc(from),
        esc(to),
        esc(condition.as_str())
    )
}

/// Parses a stanza (bounded size and depth, DOCTYPE rejected). Never panics.
pub fn parse(stanza: &str) -> Result<Stanza, XmppError> {
    if stanza.len() > MAX_STANZA {
        return Err(XmppError::TooLarge);
    }
    let mut r = Reader::from_str(stanza);
    let mut path: Vec<String> = Vec::new();
    let (mut ty, mut id, mut from, mut to) = (None, String::new(), String::new(), String::new());
    let mut has_cr = false;
    let mut user: Option<String> = None;
    let mut pass: Option<String> = None;
    let mut condition: Option<ErrorCondition> = None;
    let mut done = false;
    let mal = |r: &Reader<&[u8]>, reason: String| XmppError::Malformed {
        offset: r.buffer_position(),
        reason,
    };
    loop {
        let ev = r.read_event().map_err(|e| mal(&r, e.to_string()))?;
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            if done {
                return Err(mal(&r, "content after the root element".into()));
            }
            if path.len() >= MAX_DEPTH {
                return Err(XmppError::TooLarge);
            }
            let local = e.local_name().as_ref().to_string();
            let mut attrs = Vec::new();
            for a in e.attributes() {
                let a = a.map_err(|x| mal(&r, x.to_string()))?;
                let v = a.unescape_value_compat().map_err(|x| mal(&r, x))?;
                attrs.push((a.key.as_ref().to_string(), v));
            }
            let attr = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
            match path.len() {
                0 => {
                    if local != "iq" {
                        return Err(XmppError::NotConnectionRequest("root is not iq"));
                    }
                    ty = attr("type");
                    id = attr("id").unwrap_or_default();
                    from = attr("from").unwrap_or_default();
                    to = attr("to").unwrap_or_default();
                }
                1 if local == "connectionRequest" => {
                    let prefix = e.name().prefix().map(|p| p.as_ref().to_string());
                    let ns_attr = match prefix {
                        Some(p) => format!("xmlns:{p}"),
                        None => "xmlns".to_string(),
                    };
                    if attr(&ns_attr).as_deref() != Some(NAMESPACE) {
                        return Err(XmppError::NotConnectionRequest("wrong namespace"));
                    }
                    has_cr = true;
                }
                2 if path[1] == "error" => {
                    condition = Some(match local.as_str() {
                        "not-authorized" => ErrorCondition::NotAuthorized,
                        "service-unavailable" => ErrorCondition::ServiceUnavailable,
                        "text" => condition.unwrap_or(ErrorCondition::Other(String::new())),
                        o => ErrorCondition::Other(o.to_string()),
                    });
                }
                2 if path[1] == "connectionRequest" && local == "username" && empty => {
                    user.get_or_insert_with(String::new);
                }
                2 if path[1] == "connectionRequest" && local == "password" && empty => {
                    pass.get_or_insert_with(String::new);
                }
                _ => {}
            }
            if empty {
                if path.is_empty() {
                    done = true;
                }
            } else {
                path.push(local);
            }
            continue;
        }
        match ev {
            Event::End(_) => {
                path.pop();
                if path.is_empty() {
                    done = true;
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content();
                push_text(&path, &mut user, &mut pass, &s);
            }
            Event::CData(t) => {
                let s = t.xml10_content();
                push_text(&path, &mut user, &mut pass, &s);
            }
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref().map_err(|e| mal(&r, e.to_string()))? {
                    Some(c) => c,
                    None => match g.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => return Err(mal(&r, "unknown entity".into())),
                    },
                };
                push_text(&path, &mut user, &mut pass, c.encode_utf8(&mut [0; 4]));
            }
            Event::DocType(_) => return Err(mal(&r, "DOCTYPE not allowed".into())),
            Event::Eof => break,
            _ => {}
        }
    }
    if !done {
        return Err(mal(&r, "unexpected end".into()));
    }
    match ty.as_deref() {
        Some("set") if has_cr => Ok(Stanza::Request {
            id,
            from,
            to,
            credentials: Credentials::new(
                user.ok_or(XmppError::NotConnectionRequest("no username"))?,
                pass.ok_or(XmppError::NotConnectionRequest("no password"))?,
            ),
        }),
        Some("set") => Err(XmppError::NotConnectionRequest("no connectionRequest")),
        Some("result") => Ok(Stanza::Result { id, from, to }),
        Some("error") => Ok(Stanza::Error {
            id,
            from,
            to,
            condition: condition
                .ok_or(XmppError::NotConnectionRequest("error without condition"))?,
        }),
        _ => Err(XmppError::NotConnectionRequest("unexpected iq type")),
    }
}

fn push_text(path: &[String], user: &mut Option<String>, pass: &mut Option<String>, s: &str) {
    if path.len() == 3 && path[1] == "connectionRequest" {
        let slot = match path[2].as_str() {
            "username" => user,
            "password" => pass,
            _ => return,
        };
        slot.get_or_insert_with(String::new).push_str(s);
    }
}

trait UnescapeCompat {
    fn unescape_value_compat(&self) -> Result<String, String>;
}

impl UnescapeCompat for quick_xml::events::attributes::Attribute<'_> {
    fn unescape_value_compat(&self) -> Result<String, String> {
        self.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|c| c.into_owned())
            .map_err(|e| e.to_string())
    }
}

/// Whether `jid` matches an allow-list entry: a bare JID (`user@host`) matches any resource of
/// it, a full JID (`user@host/resource`) only itself. Comparison is case-sensitive except for the
/// domain part.
pub fn jid_allowed(jid: &str, allowed: &[&str]) -> bool {
    let (bare, _res) = jid.split_once('/').unwrap_or((jid, ""));
    allowed.iter().any(|a| {
        if a.contains('/') {
            jid_eq(jid, a)
        } else {
            jid_eq(bare, a)
        }
    })
}

fn jid_eq(a: &str, b: &str) -> bool {
    let split = |j: &str| -> (String, String) {
        let (bare, res) = j.split_once('/').unwrap_or((j, ""));
        let (local, domain) = bare.rsplit_once('@').unwrap_or(("", bare));
        (format!("{local}/{res}"), domain.to_ascii_lowercase())
    };
    split(a) == split(b)
}

/// CPE side: parses `stanza`, checks it is a request from an allowed JID
/// (`allowed`, see [`jid_allowed`]; an empty list allows any sender) carrying `expected`
/// credentials (constant time). Returns the request's `id` and `from` for the reply.
pub fn verify_request(
    stanza: &str,
    allowed: &[&str],
    expected: &Credentials,
) -> Result<(String, String), XmppError> {
    match parse(stanza)? {
        Stanza::Request {
            id,
            from,
            credentials,
            ..
        } => {
            if !allowed.is_empty() && !jid_allowed(&from, allowed) {
                return Err(XmppError::JidNotAllowed);
            }
            let u = ct_eq(
                credentials.username.as_bytes(),
                expected.username.as_bytes(),
            );
            let p = ct_eq(
                credentials.password.as_bytes(),
                expected.password.as_bytes(),
            );
            if u & p {
                Ok((id, from))
            } else {
                Err(XmppError::WrongCredentials)
            }
        }
        _ => Err(XmppError::NotConnectionRequest("not a request")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_round_trip_and_verify() {
        let c = Credentials::new("u<&>\"", "p'ss");
        let s = build_request("cr001", "acs@example.com/acs1", "cpe@example.com/cwmp", &c);
        match parse(&s).unwrap() {
            Stanza::Request {
                id,
                from,
                to,
                credentials,
            } => {
                assert_eq!(
                    (id.as_str(), from.as_str(), to.as_str()),
                    ("cr001", "acs@example.com/acs1", "cpe@example.com/cwmp")
                );
                assert_eq!(credentials, c);
            }
            o => panic!("{o:?}"),
        }
        assert_eq!(
            verify_request(&s, &["acs@example.com"], &c).unwrap().0,
            "cr001"
        );
        assert_eq!(
            verify_request(&s, &["acs@EXAMPLE.com/acs1"], &c).unwrap().1,
            "acs@example.com/acs1"
        );
        assert_eq!(
            verify_request(&s, &["acs@example.com/acs2"], &c),
            Err(XmppError::JidNotAllowed)
        );
        assert_eq!(
            verify_request(&s, &["other@example.com"], &c),
            Err(XmppError::JidNotAllowed)
        );
        assert_eq!(
            verify_request(&s, &[], &Credentials::new("u<&>\"", "pass")),
            Err(XmppError::WrongCredentials)
        );
    }

    #[test]
    fn replies() {
        assert_eq!(
            parse(&build_result("1", "cpe@x/r", "acs@x")).unwrap(),
            Stanza::Result {
                id: "1".into(),
                from: "cpe@x/r".into(),
                to: "acs@x".into()
            }
        );
        for c in [
            ErrorCondition::NotAuthorized,
            ErrorCondition::ServiceUnavailable,
        ] {
            match parse(&build_error("1", "a", "b", &c)).unwrap() {
                Stanza::Error { condition, .. } => assert_eq!(condition, c),
                o => panic!("{o:?}"),
            }
        }
    }

    #[test]
    fn hostile_and_garbage() {
        let dtd = "<!DOCTYPE iq [<!ENTITY x \"y\">]><iq type=\"set\"/>";
        assert!(matches!(parse(dtd), Err(XmppError::Malformed { .. })));
        assert!(parse("<iq type=\"set\"><connectionRequest xmlns=\"urn:other\"><username>a</username><password>b</password></connectionRequest></iq>").is_err());
        assert!(parse("<iq type='set'><connectionRequest xmlns='urn:broadband-forum-org:cwmp:xmppConnReq-1-0'><username>&x;</username><password/></connectionRequest></iq>").is_err());
        let deep = format!("<iq type='set'>{}", "<a>".repeat(100));
        assert_eq!(parse(&deep), Err(XmppError::TooLarge));
        assert_eq!(parse(&"x".repeat(MAX_STANZA + 1)), Err(XmppError::TooLarge));
        let s = build_request("1", "a@b", "c@d", &Credentials::new("u", "p"));
        for n in 0..s.len() {
            assert!(parse(&s[..n]).is_err(), "{n}");
        }
        let ok = "<iq type='set' id='7' from='a@b/c'><x:connectionRequest xmlns:x='urn:broadband-forum-org:cwmp:xmppConnReq-1-0'><x:username>u&amp;&#65;</x:username><x:password/></x:connectionRequest></iq>";
        match parse(ok).unwrap() {
            Stanza::Request { credentials, .. } => {
                assert_eq!(credentials, Credentials::new("u&A", ""))
            }
            o => panic!("{o:?}"),
        }
    }
}
