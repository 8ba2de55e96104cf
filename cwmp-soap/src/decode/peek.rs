//! [`peek`]: what a router needs to know about a POST body, without decoding the message.
//!
//! A load balancer or an ACS front end decides where a POST goes (which session, which node,
//! whether it starts a new session) from four facts: the method, the `cwmp:ID`, the CWMP
//! namespace and, for an Inform, the device. `peek` reads the envelope up to those facts and
//! stops: the Header's entries, the Body's first element and, for an Inform, its `DeviceId`.
//! The rest (parameter lists, events, anything after the DeviceId) is never read, so the cost
//! is the bytes before the facts, not the size of the message. It applies the same limits and
//! the same refusals (DOCTYPE, entities, size, depth, attributes) as [`decode_with`](crate::decode_with),
//! never panics, and errors carry a byte offset.
//!
//! A body that peeks fine may still fail to decode (the part not read may be broken): peek
//! routes, the session machine's full decode judges.

use cwmp_types::{CwmpNamespace, CwmpVersion, DeviceIdStruct};

use super::charset;
use super::reader::{Elem, Ev, Ns, Parser, Result, is_xml_ws, trim_xml};
use crate::{DecodeError, DecodeErrorKind, DecodeOptions};

/// What [`peek`] found in a POST body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Peek {
    /// The local name of the Body's element: the method (`Inform`,
    /// `GetParameterValuesResponse`, `X_ACME_Frobnicate`, …), or `Fault` for a SOAP Fault.
    pub method: String,
    /// The `cwmp:ID` header, if any.
    pub id: Option<String>,
    /// The CWMP namespace of the message (the method's, else the Body's, the Header's or the
    /// Envelope's declaration, as the decoder chooses it); `None` when none was seen (the
    /// decoder would assume `cwmp-1-2` with a warning).
    pub namespace: Option<CwmpNamespace>,
    /// The `cwmp:SupportedCWMPVersions` header (CWMP 1.4 Informs), if any.
    pub supported_cwmp_versions: Option<Vec<CwmpVersion>>,
    /// The `cwmp:UseCWMPVersion` header, if any and readable.
    pub use_cwmp_version: Option<CwmpVersion>,
    /// An Inform's `DeviceId` (`None` for other methods, or an Inform without one).
    pub device_id: Option<DeviceIdStruct>,
}

impl Peek {
    /// Whether the body is an Inform (the first message of a session).
    pub fn is_inform(&self) -> bool {
        self.method == "Inform"
    }

    /// Whether the body is a SOAP Fault (a CPE's answer to an ACS request).
    pub fn is_fault(&self) -> bool {
        self.method == "Fault"
    }

    /// The CWMP version the envelope implies without a negotiation: `UseCWMPVersion`, else
    /// the namespace's base version (`cwmp-1-2` means 1.2 or later), else 1.2.
    pub fn version(&self) -> CwmpVersion {
        self.use_cwmp_version
            .unwrap_or_else(|| self.namespace.unwrap_or_default().base_version())
    }
}

/// Peeks at a POST body with the default options (see [`peek_with`]).
pub fn peek(input: &[u8]) -> Result<Peek> {
    peek_with(input, &DecodeOptions::default())
}

/// Peeks at a POST body: the method, `cwmp:ID`, namespace and an Inform's DeviceId, what a
/// router needs to pick a session or a node, without decoding the message.
///
/// It reads the Header's entries, the Body's first element and, for an Inform, its
/// `DeviceId`, and stops: parameter lists, events and anything after the DeviceId are never
/// read, so the cost is the bytes before those facts. The charset, limits and refusals
/// (DOCTYPE, entities, size, depth, attributes) of `options` apply as in
/// [`decode_with`](crate::decode_with); errors carry a byte offset; it never panics. A body
/// that peeks fine may still fail to decode (the part not read may be broken): peek routes,
/// the session's full decode judges. An empty body (the empty POST) is
/// [`DecodeErrorKind::UnexpectedEof`]: test for it first.
pub fn peek_with(input: &[u8], options: &DecodeOptions) -> Result<Peek> {
    if input.len() > options.max_envelope_bytes {
        return Err(DecodeError::new(
            DecodeErrorKind::TooLarge,
            options.max_envelope_bytes as u64,
        ));
    }
    let text = charset::to_utf8(input, options.charset)?;
    if let Some(p) = memchr_nul(text.text.as_bytes()) {
        return Err(DecodeError::new(
            DecodeErrorKind::MalformedXml,
            text.map_offset(p as u64),
        ));
    }
    let mut parser = Parser::new(&text.text, options);
    parser
        .peek()
        .map_err(|e| DecodeError::new(e.kind, text.map_offset(e.offset)))
}

fn memchr_nul(b: &[u8]) -> Option<usize> {
    // `contains` is a fast memchr scan; the position is only looked for when there is one.
    b.contains(&0)
        .then(|| b.iter().position(|&c| c == 0).unwrap_or_default())
}

impl<'a> Parser<'a, '_> {
    fn peek(&mut self) -> Result<Peek> {
        let root = loop {
            match self.event()? {
                Ev::Start(e) => break e,
                Ev::Text(t) if t.bytes().all(is_xml_ws) => {}
                Ev::Eof => return Err(self.eof()),
                _ => return Err(Self::err(DecodeErrorKind::MalformedXml, 0)),
            }
        };
        if root.local() != "Envelope" || !self.soap_ok(&root) {
            return Err(Self::err(DecodeErrorKind::NotSoapEnvelope, root.offset));
        }
        let mut peek = Peek {
            method: String::new(),
            id: None,
            namespace: None,
            supported_cwmp_versions: None,
            use_cwmp_version: None,
            device_id: None,
        };
        let envelope_ns = root.declared_cwmp();
        let mut header_ns = None;
        while let Some(c) = self.child_of(&root)? {
            match c.local() {
                "Header" if self.soap_ok(&c) => {
                    header_ns = c.declared_cwmp();
                    self.peek_header(c, &mut peek, &mut header_ns)?;
                }
                "Body" if self.soap_ok(&c) => {
                    let body_ns = c.declared_cwmp();
                    let Some(m) = self.child_of(&c)? else {
                        return Err(Self::err(DecodeErrorKind::InvalidBody, c.offset));
                    };
                    let ns = self.ns(&m);
                    let method_ns = match ns {
                        Ns::Cwmp(n) => Some(n),
                        _ => m.declared_cwmp(),
                    };
                    peek.namespace = method_ns.or(body_ns).or(header_ns).or(envelope_ns);
                    peek.method = m.local().to_owned();
                    if m.local() == "Inform" && !matches!(ns, Ns::SoapEnv) {
                        peek.device_id = self.peek_device_id(m)?;
                    }
                    return Ok(peek);
                }
                "Header" | "Body" => {
                    // Only with `strict_namespaces`: a SOAP element outside its namespace.
                    return Err(Self::err(DecodeErrorKind::UnexpectedNamespace, c.offset));
                }
                _ => {
                    self.skip(c)?;
                }
            }
        }
        Err(Self::err(DecodeErrorKind::MissingBody, root.offset))
    }

    /// Whether a SOAP element is acceptable where found: in the SOAP namespace, or in any
    /// namespace unless `strict_namespaces` (as the decoder, which warns).
    fn soap_ok(&self, e: &Elem<'a>) -> bool {
        self.ns(e) == Ns::SoapEnv || !self.opts.strict_namespaces
    }

    fn peek_header(
        &mut self,
        h: Elem<'a>,
        peek: &mut Peek,
        header_ns: &mut Option<CwmpNamespace>,
    ) -> Result<()> {
        while let Some(c) = self.child_of(&h)? {
            if let Ns::Cwmp(n) = self.ns(&c) {
                header_ns.get_or_insert(n);
            }
            match c.local() {
                "ID" => peek.id = Some(self.string(c)?),
                "SupportedCWMPVersions" => {
                    let t = self.text(&c)?;
                    peek.supported_cwmp_versions = Some(CwmpVersion::parse_list(&t));
                }
                "UseCWMPVersion" => {
                    let t = self.text(&c)?;
                    peek.use_cwmp_version = trim_xml(&t).parse().ok();
                }
                _ => {
                    self.skip(c)?;
                }
            }
        }
        Ok(())
    }

    /// The Inform's `DeviceId`, reading nothing after it.
    fn peek_device_id(&mut self, inform: Elem<'a>) -> Result<Option<DeviceIdStruct>> {
        while let Some(c) = self.child_of(&inform)? {
            if c.local() == "DeviceId" {
                return self.device_id(c).map(Some);
            }
            self.skip(c)?;
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFORM: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Header><cwmp:ID soap:mustUnderstand="1">42</cwmp:ID></soap:Header><soap:Body><cwmp:Inform><DeviceId><Manufacturer>Acme</Manufacturer><OUI>00D09E</OUI><ProductClass>Router</ProductClass><SerialNumber>SN1</SerialNumber></DeviceId><Event/></cwmp:Inform></soap:Body></soap:Envelope>"#;

    #[test]
    fn inform_facts() {
        let p = peek(INFORM.as_bytes()).unwrap();
        assert!(p.is_inform());
        assert_eq!(p.id.as_deref(), Some("42"));
        assert_eq!(p.namespace, Some(CwmpNamespace::Cwmp1_0));
        assert_eq!(p.version(), CwmpVersion::V1_0);
        let d = p.device_id.unwrap();
        assert_eq!(
            (d.oui.as_str(), d.serial_number.as_str()),
            ("00D09E", "SN1")
        );
    }

    #[test]
    fn nothing_after_the_device_id_is_read() {
        // Broken XML after the DeviceId: peek does not see it; decode does.
        let broken = INFORM.replace("<Event/>", "<Event><oops></Event>");
        assert!(peek(broken.as_bytes()).unwrap().is_inform());
        assert!(crate::decode(broken.as_bytes()).is_err());
    }
}
