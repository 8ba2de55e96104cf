//! The encoder: canonical, conservative XML written straight into the caller's buffer.
//!
//! No DOM and no per-element `String`: markup is copied from constants, text is escaped in
//! place, numbers and dateTimes are formatted without allocating, and the buffer is reserved
//! once from an estimate of the output size.
//!
//! What is written, and the choices made where the spec leaves room:
//! - `<?xml version="1.0" encoding="UTF-8"?>`, then the envelope with the fixed prefixes
//!   `soap-env`, `soap-enc`, `xsd`, `xsi` and `cwmp` (bound to the envelope's
//!   [`CwmpNamespace`](cwmp_types::CwmpNamespace)) all declared on `soap-env:Envelope`. No
//!   whitespace between elements, no `encodingStyle`, no `xsi:type="soap-enc:Array"`.
//! - `soap-env:Header` only when there is a header entry: `cwmp:ID`
//!   (`mustUnderstand="1"`, or `"0"` when `id_must_understand` is false), `HoldRequests`
//!   (`mustUnderstand="1"`), `SessionTimeout` and `SupportedCWMPVersions`
//!   (`mustUnderstand="0"`), `UseCWMPVersion` (`mustUnderstand="1"`), in that order. The
//!   deprecated `NoMoreRequests` is never written.
//! - The method element is `cwmp:`-qualified, its children unqualified, in XSD order. Empty
//!   elements are written as start and end tag (`<CommandKey></CommandKey>`).
//! - Arrays carry `soap-enc:arrayType="TYPE[N]"` with the true count (`xsd:string`,
//!   `soap-enc:base64`, `cwmp:<Struct>`), items named after their type (`<string>`,
//!   `<ParameterValueStruct>`, `<base64>`, `<AutonOpResultStruct>`, …).
//! - Every `Value` carries `xsi:type="xsd:TYPE"`; base64 is `xsd:base64`; a vendor type
//!   ([`ValueType::Other`](cwmp_types::ValueType::Other)) is written as `xsd:NAME` and must
//!   be an XML name without a colon ([`EncodeError::InvalidValueType`] otherwise).
//! - Booleans (`NextLevel`, `Writable`, `NotificationChange`, `AccessListChange`,
//!   `IsDownload`, `Resolved`, `HoldRequests`) are `1`/`0`, or `true`/`false` with
//!   [`BooleanStyle::Words`](crate::BooleanStyle::Words). The text of a `Value` of type
//!   `xsd:boolean` is the application's and is written as given, whatever the style
//!   ([`ParameterValue::boolean`](cwmp_types::ParameterValue::boolean) gives `1`/`0`).
//! - A dateTime is written as its `Display` form: the zone as it was (`Z`, an offset or
//!   none) and a fraction only when the value has one. An invalid dateTime kept as text
//!   ([`DateTimeField::Invalid`](cwmp_types::DateTimeField::Invalid)) is written as that text.
//! - Text: `<`, `>`, `&` as entities; a carriage return as `&#13;` (a reader would otherwise
//!   turn it into a line feed); characters XML 1.0 cannot carry (NUL and the other C0
//!   controls except tab, line feed and carriage return; U+FFFE; U+FFFF) are an
//!   [`EncodeError::InvalidXmlChar`]. Text is never trimmed.
//! - A fault is `<soap-env:Fault><faultcode>soap-env:Client</faultcode>` (or `Server`: the
//!   prefixed form, which SOAP 1.1 specifies and most peers send)
//!   `<faultstring>…</faultstring><detail><cwmp:Fault><FaultCode>…</FaultCode>`
//!   `<FaultString>…</FaultString>` then one `SetParameterValuesFault` per entry.
//!   `FaultString` is always written, even empty. The answer to a not-understood
//!   `mustUnderstand` header ([`Fault::must_understand`](cwmp_types::Fault::must_understand):
//!   faultcode `MustUnderstand` or `VersionMismatch`, code 0, nothing else) has no `detail`
//!   ([`Fault::has_cwmp_detail`](cwmp_types::Fault::has_cwmp_detail)).
//! - ChangeDUState `Operations` use the XSD form: one `<Operations
//!   xsi:type="cwmp:InstallOpStruct">` (or `UpdateOpStruct`, `UninstallOpStruct`) element
//!   per operation. Optional strings of the operation structs (`UUID`, `Version`,
//!   `Username`, …) are omitted when empty; the required `URL` of an install and `UUID` of
//!   an uninstall are always written. `CommandKey` of ChangeDUState and
//!   DUStateChangeComplete (optional in the XSD) is always written, even empty.
//! - OptionStruct `ExpirationDate` only when it is `Some`.
//! - An unknown method is written as `<cwmp:NAME>` + its XML verbatim + `</cwmp:NAME>`,
//!   after checking that the name is an XML name and the XML well-formed content
//!   ([`EncodeError::InvalidUnknownMethod`] otherwise).

pub(crate) mod fragment;
mod rpc;
mod writer;

#[cfg(test)]
mod tests;

use cwmp_types::{Body, CwmpVersion, Envelope, Fault, Header};

use crate::{EncodeError, EncodeOptions};
use writer::Writer;

/// Writes `<NAME>` + content + `</NAME>` for a literal element name.
macro_rules! el {
    ($w:ident, $name:literal, text $v:expr) => {{
        $w.raw(concat!("<", $name, ">"));
        $w.text($v, $name)?;
        $w.raw(concat!("</", $name, ">"));
    }};
    ($w:ident, $name:literal, uint $v:expr) => {{
        $w.raw(concat!("<", $name, ">"));
        $w.uint(u64::from($v));
        $w.raw(concat!("</", $name, ">"));
    }};
    ($w:ident, $name:literal, int $v:expr) => {{
        $w.raw(concat!("<", $name, ">"));
        $w.int(i64::from($v));
        $w.raw(concat!("</", $name, ">"));
    }};
    ($w:ident, $name:literal, bool $v:expr) => {{
        $w.raw(concat!("<", $name, ">"));
        $w.boolean($v);
        $w.raw(concat!("</", $name, ">"));
    }};
    ($w:ident, $name:literal, time $v:expr) => {{
        $w.raw(concat!("<", $name, ">"));
        $w.date_time_field($v, $name)?;
        $w.raw(concat!("</", $name, ">"));
    }};
}
pub(crate) use el;

/// Writes a SOAP-encoded array: `<NAME soap-enc:arrayType="TYPE[N]">` + each item +
/// `</NAME>`.
macro_rules! array {
    ($w:ident, $name:literal, $ty:literal, $items:expr, |$item:ident| $body:block) => {{
        let items = $items;
        $w.raw(concat!("<", $name, " soap-enc:arrayType=\"", $ty, "["));
        $w.uint(items.len() as u64);
        $w.raw("]\">");
        for $item in items.iter() $body
        $w.raw(concat!("</", $name, ">"));
    }};
}
pub(crate) use array;

/// Encodes an envelope with the default options, appending to `out`.
pub fn encode(envelope: &Envelope, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    encode_with(envelope, &EncodeOptions::default(), out)
}

/// Encodes an envelope, appending to `out` (the caller owns and reuses the buffer).
///
/// On error `out` is left as it was before the call.
pub fn encode_with(
    envelope: &Envelope,
    options: &EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let start = out.len();
    out.reserve(rpc::size_hint(&envelope.body));
    let mut w = Writer::new(out, options.booleans);
    let result = write_envelope(&mut w, envelope);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

fn write_envelope(w: &mut Writer<'_>, envelope: &Envelope) -> Result<(), EncodeError> {
    w.raw(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<soap-env:Envelope",
        " xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\"",
        " xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\"",
        " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"",
        " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
        " xmlns:cwmp=\""
    ));
    w.raw(envelope.namespace.uri());
    w.raw("\">");
    write_header(w, &envelope.header)?;
    w.raw("<soap-env:Body>");
    match &envelope.body {
        Body::Request(r) => rpc::request(w, r)?,
        Body::Response(r) => rpc::response(w, r)?,
        Body::Fault(f) => write_fault(w, f)?,
        // A body kind this encoder does not know cannot be written faithfully.
        #[allow(unreachable_patterns)]
        _ => {
            return Err(EncodeError::InvalidUnknownMethod {
                name: envelope.body.method_name().to_owned(),
                reason: "this body kind is not supported by the encoder",
            });
        }
    }
    w.raw("</soap-env:Body></soap-env:Envelope>");
    Ok(())
}

fn write_header(w: &mut Writer<'_>, h: &Header) -> Result<(), EncodeError> {
    let any = h.id.is_some()
        || h.hold_requests.is_some()
        || h.session_timeout.is_some()
        || h.supported_cwmp_versions.is_some()
        || h.use_cwmp_version.is_some();
    if !any {
        return Ok(());
    }
    w.raw("<soap-env:Header>");
    if let Some(id) = &h.id {
        w.raw(if h.id_must_understand {
            "<cwmp:ID soap-env:mustUnderstand=\"1\">"
        } else {
            "<cwmp:ID soap-env:mustUnderstand=\"0\">"
        });
        w.text(id, "ID")?;
        w.raw("</cwmp:ID>");
    }
    if let Some(hold) = h.hold_requests {
        w.raw("<cwmp:HoldRequests soap-env:mustUnderstand=\"1\">");
        w.boolean(hold);
        w.raw("</cwmp:HoldRequests>");
    }
    if let Some(t) = h.session_timeout {
        w.raw("<cwmp:SessionTimeout soap-env:mustUnderstand=\"0\">");
        w.uint(u64::from(t));
        w.raw("</cwmp:SessionTimeout>");
    }
    if let Some(list) = &h.supported_cwmp_versions {
        w.raw("<cwmp:SupportedCWMPVersions soap-env:mustUnderstand=\"0\">");
        for (i, v) in list.iter().enumerate() {
            if i > 0 {
                w.raw(",");
            }
            version(w, *v);
        }
        w.raw("</cwmp:SupportedCWMPVersions>");
    }
    if let Some(v) = h.use_cwmp_version {
        w.raw("<cwmp:UseCWMPVersion soap-env:mustUnderstand=\"1\">");
        version(w, v);
        w.raw("</cwmp:UseCWMPVersion>");
    }
    w.raw("</soap-env:Header>");
    Ok(())
}

fn version(w: &mut Writer<'_>, v: CwmpVersion) {
    w.uint(u64::from(v.major));
    w.raw(".");
    w.uint(u64::from(v.minor));
}

fn write_fault(w: &mut Writer<'_>, f: &Fault) -> Result<(), EncodeError> {
    w.raw("<soap-env:Fault><faultcode>soap-env:");
    w.raw(f.soap_fault_code.as_str());
    w.raw("</faultcode>");
    el!(w, "faultstring", text & f.soap_fault_string);
    if !f.has_cwmp_detail() {
        w.raw("</soap-env:Fault>");
        return Ok(());
    }
    w.raw("<detail><cwmp:Fault>");
    el!(w, "FaultCode", uint f.fault_code.code());
    el!(w, "FaultString", text & f.fault_string);
    for spv in &f.set_parameter_values_faults {
        w.raw("<SetParameterValuesFault>");
        el!(w, "ParameterName", text & spv.parameter_name);
        el!(w, "FaultCode", uint spv.fault_code.code());
        el!(w, "FaultString", text & spv.fault_string);
        w.raw("</SetParameterValuesFault>");
    }
    w.raw("</cwmp:Fault></detail></soap-env:Fault>");
    Ok(())
}
