//! The SOAP layer: Envelope, Header entries, Body and Fault.

use cwmp_types::{
    Body, CwmpNamespace, CwmpVersion, Envelope, Fault, FaultCode, Header, SetParameterValuesFault,
    SoapFaultCode, parse_bool,
};

use super::reader::{Elem, Ev, Ns, Parser, Result, is_xml_ws, read_struct, trim_xml};
use crate::{DecodeErrorKind, NotUnderstood, WarningKind};

/// The header entries this decoder understands.
const HEADER_ENTRIES: [&str; 6] = [
    "ID",
    "HoldRequests",
    "NoMoreRequests",
    "SessionTimeout",
    "SupportedCWMPVersions",
    "UseCWMPVersion",
];

/// Where a cwmp namespace was seen, in the order they are preferred.
#[derive(Debug, Default)]
struct Seen {
    method: Option<CwmpNamespace>,
    body: Option<CwmpNamespace>,
    header: Option<CwmpNamespace>,
    envelope: Option<CwmpNamespace>,
}

impl<'a> Parser<'a, '_> {
    /// The whole document: one SOAP Envelope and nothing after it.
    pub(super) fn document(&mut self) -> Result<Envelope> {
        let root = loop {
            match self.event()? {
                Ev::Start(e) => break e,
                Ev::Text(t) if t.bytes().all(is_xml_ws) => {}
                Ev::Eof => return Err(self.eof()),
                _ => return Err(Self::err(DecodeErrorKind::MalformedXml, 0)),
            }
        };
        if root.local() != "Envelope" {
            return Err(Self::err(DecodeErrorKind::NotSoapEnvelope, root.offset));
        }
        let ns = self.ns(&root);
        self.expect_soap_ns(&root, ns, DecodeErrorKind::NotSoapEnvelope)?;
        let mut seen = Seen {
            envelope: root.declared_cwmp(),
            ..Seen::default()
        };
        let mut header = Header::default();
        let mut saw_id = false;
        let mut body = None;
        while let Some(c) = self.child_of(&root)? {
            match c.local() {
                "Header" => {
                    let ns = self.ns(&c);
                    self.expect_soap_ns(&c, ns, DecodeErrorKind::UnexpectedNamespace)?;
                    saw_id |= self.header(c, &mut header, &mut seen)?;
                }
                "Body" => {
                    let ns = self.ns(&c);
                    self.expect_soap_ns(&c, ns, DecodeErrorKind::UnexpectedNamespace)?;
                    if body.is_some() {
                        return Err(Self::err(DecodeErrorKind::InvalidBody, c.offset));
                    }
                    body = Some(self.body(c, &mut seen)?);
                }
                _ => self.unknown(c)?,
            }
        }
        let Some(body) = body else {
            return Err(Self::err(DecodeErrorKind::MissingBody, root.offset));
        };
        self.finish()?;
        if !saw_id {
            self.warn(WarningKind::MissingId, root.offset, "");
        }
        let namespace = match seen.method.or(seen.body).or(seen.header).or(seen.envelope) {
            Some(n) => n,
            None => {
                self.warn(WarningKind::MissingCwmpNamespace, root.offset, "");
                CwmpNamespace::default()
            }
        };
        let mut envelope = Envelope::new(body);
        envelope.namespace = namespace;
        envelope.header = header;
        Ok(envelope)
    }

    /// A SOAP element (`Envelope`, `Header`, `Body`, `Fault`) outside the SOAP namespace:
    /// an error with `strict_namespaces`, else a warning.
    fn expect_soap_ns(&mut self, e: &Elem<'a>, ns: Ns, strict_kind: DecodeErrorKind) -> Result<()> {
        if ns == Ns::SoapEnv {
            return Ok(());
        }
        if self.opts.strict_namespaces {
            let kind = if ns == Ns::Unbound {
                DecodeErrorKind::UnboundPrefix
            } else {
                strict_kind
            };
            return Err(Self::err(kind, e.offset));
        }
        self.warn(WarningKind::UnexpectedNamespace, e.offset, e.local());
        Ok(())
    }

    /// A header entry or method outside every cwmp namespace: an error with
    /// `strict_namespaces`; else a warning, except for unqualified names (common and harmless).
    fn expect_cwmp_ns(&mut self, e: &Elem<'a>, ns: Ns) -> Result<()> {
        match ns {
            Ns::Cwmp(_) => Ok(()),
            Ns::Unbound if self.opts.strict_namespaces => {
                Err(Self::err(DecodeErrorKind::UnboundPrefix, e.offset))
            }
            _ if self.opts.strict_namespaces => {
                Err(Self::err(DecodeErrorKind::UnexpectedNamespace, e.offset))
            }
            Ns::None => Ok(()),
            _ => {
                self.warn(WarningKind::UnexpectedNamespace, e.offset, e.local());
                Ok(())
            }
        }
    }

    /// The `mustUnderstand` attribute (any prefix): 1/0/true/false.
    fn must_understand(&mut self, e: &Elem<'a>) -> Result<Option<bool>> {
        let Some(v) = self.attr(e, "mustUnderstand")? else {
            return Ok(None);
        };
        match parse_bool(&v) {
            Ok(b) => Ok(Some(b)),
            Err(_) => {
                let ctx = format!("mustUnderstand={:?}", &*v);
                self.warn(WarningKind::InvalidBoolean, e.offset, &ctx);
                Ok(Some(false))
            }
        }
    }

    /// Lists a header entry marked `mustUnderstand="1"` that is not understood.
    fn not_understood(&mut self, e: &Elem<'a>) {
        self.not_understood
            .push(NotUnderstood::new(e.qname(), e.offset));
    }

    /// The Header's entries; returns whether a `cwmp:ID` was among them.
    fn header(&mut self, h: Elem<'a>, header: &mut Header, seen: &mut Seen) -> Result<bool> {
        if seen.header.is_none() {
            seen.header = h.declared_cwmp();
        }
        let mut saw_id = false;
        let mut seen_entries = 0u8;
        while let Some(c) = self.child_of(&h)? {
            let ns = self.ns(&c);
            if let Ns::Cwmp(n) = ns {
                seen.header.get_or_insert(n);
            }
            let mu = self.must_understand(&c)?;
            let known = HEADER_ENTRIES.contains(&c.local())
                && (matches!(ns, Ns::Cwmp(_)) || !self.opts.strict_namespaces);
            if !known {
                if mu == Some(true) && !self.opts.ignore_unknown_headers {
                    // SOAP 1.1 §4.2.3: the message must not be processed; the caller answers
                    // a MustUnderstand fault.
                    self.not_understood(&c);
                    self.skip(c)?;
                    continue;
                }
                self.warn(WarningKind::UnknownHeader, c.offset, c.local());
                self.skip(c)?;
                continue;
            }
            self.expect_cwmp_ns(&c, ns)?;
            // A header entry given twice: the first counts.
            let entry = HEADER_ENTRIES.iter().position(|n| *n == c.local());
            if let Some(i) = entry {
                if seen_entries & (1 << i) != 0 {
                    self.drop_repeated(c)?;
                    continue;
                }
                seen_entries |= 1 << i;
            }
            match c.local() {
                "ID" => {
                    header.id = Some(self.string(c)?);
                    header.id_must_understand = mu.unwrap_or(false);
                    saw_id = true;
                }
                "HoldRequests" => header.hold_requests = Some(self.boolean(c)?),
                "NoMoreRequests" => {
                    self.warn(WarningKind::NoMoreRequests, c.offset, "");
                    header.no_more_requests = Some(self.boolean(c)?);
                }
                "SessionTimeout" => header.session_timeout = Some(self.u32(c)?),
                "SupportedCWMPVersions" => {
                    let t = self.text(&c)?;
                    header.supported_cwmp_versions = Some(CwmpVersion::parse_list(&t));
                }
                _ => {
                    // UseCWMPVersion
                    let t = self.text(&c)?;
                    match trim_xml(&t).parse::<CwmpVersion>() {
                        Ok(v) => header.use_cwmp_version = Some(v),
                        Err(_) if mu == Some(true) && !self.opts.ignore_unknown_headers => {
                            self.not_understood(&c);
                        }
                        Err(_) => {
                            let ctx = format!("UseCWMPVersion: {:?}", trim_xml(&t));
                            self.warn(WarningKind::InvalidHeaderValue, c.offset, &ctx);
                        }
                    }
                }
            }
        }
        Ok(saw_id)
    }

    /// The Body: exactly one method element or Fault.
    fn body(&mut self, b: Elem<'a>, seen: &mut Seen) -> Result<Body> {
        seen.body = b.declared_cwmp();
        let Some(m) = self.child_of(&b)? else {
            return Err(Self::err(DecodeErrorKind::InvalidBody, b.offset));
        };
        let ns = self.ns(&m);
        // `soap-env:Body:Fault` (two colons, so no QName): GenieACS's Fault.
        let misnamed = m.qname().matches(':').count() > 1 && m.qname().ends_with(":Fault");
        let body = if (m.local() == "Fault" && !matches!(ns, Ns::Cwmp(_))) || misnamed {
            if misnamed {
                self.warn(WarningKind::MisnamedFault, m.offset, m.qname());
            }
            self.expect_soap_ns(&m, ns, DecodeErrorKind::UnexpectedNamespace)?;
            Body::Fault(self.fault(m)?)
        } else {
            self.expect_cwmp_ns(&m, ns)?;
            if let Ns::Cwmp(n) = ns {
                seen.method = Some(n);
            } else if let Some(n) = m.declared_cwmp() {
                seen.method = Some(n);
            }
            self.method(m)?
        };
        if let Some(extra) = self.child_of(&b)? {
            return Err(Self::err(DecodeErrorKind::InvalidBody, extra.offset));
        }
        Ok(body)
    }

    /// A SOAP Fault with its CWMP detail.
    fn fault(&mut self, f: Elem<'a>) -> Result<Fault> {
        let mut fault = Fault::new(FaultCode::from_code(0));
        fault.soap_fault_code = SoapFaultCode::Server;
        fault.soap_fault_string.clear();
        fault.fault_string.clear();
        let (mut code, mut string, mut detail) = (false, false, false);
        while let Some(c) = self.child_of(&f)? {
            match c.local() {
                "faultcode" if code => self.drop_repeated(c)?,
                "faultstring" if string => self.drop_repeated(c)?,
                "faultcode" => {
                    code = true;
                    let t = self.text(&c)?;
                    fault.soap_fault_code = match soap_fault_code(&t) {
                        Some(fc) => fc,
                        None => {
                            self.warn(WarningKind::UnknownFaultCode, c.offset, trim_xml(&t));
                            SoapFaultCode::Server
                        }
                    };
                }
                "faultstring" => {
                    string = true;
                    fault.soap_fault_string = self.string(c)?;
                }
                "faultactor" => {
                    self.skip(c)?;
                }
                "detail" => {
                    while let Some(d) = self.child_of(&c)? {
                        if d.local() == "Fault" && !detail {
                            detail = true;
                            self.cwmp_fault(d, &mut fault)?;
                        } else {
                            self.unknown(d)?;
                        }
                    }
                }
                _ => self.unknown(c)?,
            }
        }
        if !code {
            self.missing(&f, "faultcode");
        }
        if !string {
            self.missing(&f, "faultstring");
        }
        // An envelope fault (MustUnderstand, VersionMismatch) carries no CWMP detail.
        if !detail && !fault.soap_fault_code.is_envelope_fault() {
            self.missing(&f, "detail/Fault");
        }
        Ok(fault)
    }

    /// `detail/cwmp:Fault`.
    fn cwmp_fault(&mut self, d: Elem<'a>, fault: &mut Fault) -> Result<()> {
        let (mut code, mut string) = (false, false);
        while let Some(c) = self.child_of(&d)? {
            let at = c.offset;
            match c.local() {
                "FaultCode" if code => {
                    let second = self.fault_code(c)?;
                    self.repeated("FaultCode", at, &mut fault.fault_code, second)?;
                }
                "FaultCode" => {
                    code = true;
                    fault.fault_code = self.fault_code(c)?;
                }
                "FaultString" if string => {
                    let second = self.string(c)?;
                    self.repeated("FaultString", at, &mut fault.fault_string, second)?;
                }
                "FaultString" => {
                    string = true;
                    fault.fault_string = self.string(c)?;
                }
                "SetParameterValuesFault" => {
                    if fault.set_parameter_values_faults.len() >= self.opts.max_array_items {
                        return Err(Self::err(DecodeErrorKind::TooManyItems, c.offset));
                    }
                    let mut spvf = SetParameterValuesFault::new("", FaultCode::from_code(0));
                    spvf.fault_string.clear();
                    let spvf = read_struct!(self, c, spvf, {
                        "ParameterName" => parameter_name: string(req),
                        "FaultCode" => fault_code: fault_code(req),
                        "FaultString" => fault_string: string,
                    });
                    fault.set_parameter_values_faults.push(spvf);
                }
                _ => self.unknown(c)?,
            }
        }
        if !code {
            self.missing(&d, "FaultCode");
        }
        Ok(())
    }
}

/// `faultcode` text: prefix and SOAP 1.1 dotted sub-codes ignored; SOAP 1.2 names accepted.
fn soap_fault_code(text: &str) -> Option<SoapFaultCode> {
    let t = trim_xml(text);
    let local = t.rsplit_once(':').map_or(t, |(_, l)| l);
    let main = local.split('.').next().unwrap_or(local);
    if main.eq_ignore_ascii_case("Client") || main.eq_ignore_ascii_case("Sender") {
        Some(SoapFaultCode::Client)
    } else if main.eq_ignore_ascii_case("Server") || main.eq_ignore_ascii_case("Receiver") {
        Some(SoapFaultCode::Server)
    } else if main.eq_ignore_ascii_case("MustUnderstand") {
        Some(SoapFaultCode::MustUnderstand)
    } else if main.eq_ignore_ascii_case("VersionMismatch") {
        Some(SoapFaultCode::VersionMismatch)
    } else {
        None
    }
}
