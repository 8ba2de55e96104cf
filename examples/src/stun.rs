//! The STUN messages of the agent's UDP Connection Request binding (TR-069 Annex G), over the
//! `stun-types` codec: a Binding Request carrying the CONNECTION-REQUEST-BINDING attribute
//! that tells the STUN server (an ACS-side one) which binding carries Connection Requests, and
//! the mapped address read from the server's Binding Success Response.
//!
//! Annex G was written against classic STUN (RFC 3489); the request here is RFC 5389 (magic
//! cookie, XOR-MAPPED-ADDRESS), which servers such as coturn answer, with MAPPED-ADDRESS read
//! too for servers that only send that.

use std::net::SocketAddr;

use stun_types::attribute::{MappedSocketAddr, RawAttribute, XorMappedAddress};
use stun_types::message::{BINDING, Message, MessageClass, MessageWriteVec, TransactionId};
use stun_types::prelude::*;

/// The CONNECTION-REQUEST-BINDING attribute type (TR-069 Annex G).
pub const CONNECTION_REQUEST_BINDING: u16 = 0xC001;
/// Its fixed value.
pub const CONNECTION_REQUEST_BINDING_VALUE: &[u8] = b"dslforum.org/TR-111 ";
/// The MAPPED-ADDRESS attribute type (RFC 3489 / RFC 5389).
const MAPPED_ADDRESS: u16 = 0x0001;

/// A Binding Request (with CONNECTION-REQUEST-BINDING) and its transaction id.
pub fn binding_request() -> (Vec<u8>, TransactionId) {
    let mut msg = Message::builder_request(BINDING, MessageWriteVec::new());
    let binding = RawAttribute::new(
        CONNECTION_REQUEST_BINDING.into(),
        CONNECTION_REQUEST_BINDING_VALUE,
    );
    // A comprehension-optional attribute of a fixed, valid size: writing it cannot fail.
    let _ = msg.add_attribute(&binding);
    let id = msg.transaction_id();
    (msg.finish(), id)
}

/// Whether a datagram looks like a STUN message (the first two bits zero and the magic cookie),
/// as opposed to the HTTP text of a UDP Connection Request.
pub fn is_stun(datagram: &[u8]) -> bool {
    datagram.len() >= 20 && datagram[0] & 0xC0 == 0 && datagram[4..8] == [0x21, 0x12, 0xA4, 0x42]
}

/// The mapped address of a Binding Success Response to transaction `id`; `None` for anything
/// else (another transaction, an error response, garbage).
pub fn mapped_address(datagram: &[u8], id: TransactionId) -> Option<SocketAddr> {
    let msg = Message::from_bytes(datagram).ok()?;
    if msg.transaction_id() != id
        || !msg.has_method(BINDING)
        || !msg.has_class(MessageClass::Success)
    {
        return None;
    }
    if let Ok(xor) = msg.attribute::<XorMappedAddress>() {
        return Some(xor.addr(id));
    }
    let raw = msg.raw_attribute(MAPPED_ADDRESS.into())?;
    MappedSocketAddr::from_raw(&raw).ok().map(|m| m.addr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_carries_the_binding_attribute_and_a_response_is_read() {
        let (request, id) = binding_request();
        assert!(is_stun(&request));
        let msg = Message::from_bytes(&request).unwrap();
        assert!(msg.has_class(MessageClass::Request));
        let attr = msg
            .raw_attribute(CONNECTION_REQUEST_BINDING.into())
            .unwrap();
        assert_eq!(&attr.value[..], CONNECTION_REQUEST_BINDING_VALUE);

        let mapped: SocketAddr = "192.0.2.7:40000".parse().unwrap();
        let mut response = Message::builder_success(&msg, MessageWriteVec::new());
        response
            .add_attribute(&XorMappedAddress::new(mapped, id))
            .unwrap();
        let response = response.finish();
        assert_eq!(mapped_address(&response, id), Some(mapped));
        let (_, other) = binding_request();
        assert_eq!(mapped_address(&response, other), None);
        assert_eq!(
            mapped_address(b"GET http://x?ts=1 HTTP/1.1\r\n\r\n", id),
            None
        );
        assert!(!is_stun(b"GET http://x?ts=1 HTTP/1.1\r\n\r\n"));
    }
}
