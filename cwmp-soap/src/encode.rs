//! The encoder (being written: see the cwmp-soap issue).

use cwmp_types::Envelope;

use crate::{EncodeError, EncodeOptions};

/// Encodes an envelope with the default options, appending to `out`.
pub fn encode(envelope: &Envelope, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    encode_with(envelope, &EncodeOptions::default(), out)
}

/// Encodes an envelope, appending to `out` (the caller owns and reuses the buffer).
pub fn encode_with(
    envelope: &Envelope,
    options: &EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let _ = (envelope, options, out);
    Ok(())
}
