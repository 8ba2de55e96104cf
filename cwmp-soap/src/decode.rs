//! The decoder (being written: see the cwmp-soap issue).

use cwmp_types::Envelope;

use crate::{DecodeError, DecodeErrorKind, DecodeOptions, Warning};

/// A decoded envelope and what the decoder had to guess or drop to get it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decoded {
    /// The message.
    pub envelope: Envelope,
    /// Repairs and guesses, in input order.
    pub warnings: Vec<Warning>,
}

/// Decodes one envelope with the default options.
pub fn decode(input: &[u8]) -> Result<Decoded, DecodeError> {
    decode_with(input, &DecodeOptions::default())
}

/// Decodes one envelope.
pub fn decode_with(input: &[u8], options: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let _ = (input, options);
    Err(DecodeError::new(DecodeErrorKind::MalformedXml, 0))
}
