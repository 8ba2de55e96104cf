//! [`SavedSession`]: an [`AcsSession`] between two POSTs, made for a store shared by the
//! nodes of an ACS cluster.

use std::collections::VecDeque;
use std::time::SystemTime;

use cwmp_types::DeviceIdStruct;
use sha2::{Digest as _, Sha256};

use super::{AcsSession, Config, Phase, SessionState, Waiting};
use crate::http::{HttpResponse, is_empty_body};

/// The SHA-256 of a POST body.
pub(super) type Digest = [u8; 32];

pub(super) fn digest(body: &[u8]) -> Digest {
    Sha256::digest(body).into()
}

/// The last POST answered and the response it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LastExchange {
    pub(super) digest: Digest,
    /// The POST's length, when known: a body of another length is not a retry, without
    /// hashing it.
    pub(super) post_len: Option<u64>,
    pub(super) response: HttpResponse,
}

/// Why a session cannot be saved or restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Outputs are waiting in [`AcsSession::poll_output`]: drain them first (they would be
    /// lost with the process; the state never drops them silently).
    #[error("{count} outputs not drained: call poll_output until it returns None before saving")]
    OutputsPending {
        /// How many.
        count: usize,
    },
    /// The saved state was written in a format this release does not read (a newer one: see
    /// [`SavedSession::FORMAT`] for the upgrade rule).
    #[error("saved session format {found} is not readable here (formats {oldest}..={newest})")]
    UnsupportedFormat {
        /// The state's format.
        found: u32,
        /// The oldest format this release reads.
        oldest: u32,
        /// The newest (the one it writes).
        newest: u32,
    },
}

/// An [`AcsSession`] between two POSTs: what an ACS cluster keeps in its shared store.
///
/// * [`AcsSession::save`] makes one (refused while outputs are undrained);
///   [`AcsSession::restore`] continues it on any node, with that node's [`Config`] (the
///   configuration is not part of the state).
/// * [`revision`](Self::revision) increases with every change of the session: store it beside
///   the state and write a new state only if the stored revision is still the one the session
///   was restored from (compare-and-set). A node that lost the race reloads and feeds the
///   POST again: if the winner handled the same POST, the session answers it from its state
///   ([`AcsSession::is_retry`]) and nothing is applied twice.
/// * [`deadline`](Self::deadline) says when a sweeper (any node) must restore the session and
///   feed it [`Input::Timeout`](super::Input::Timeout), which ends it with the same
///   [`Event::SessionEnded`](super::Event::SessionEnded) as in one process.
/// * With the `serde` feature it serializes to a self-describing format (JSON, CBOR,
///   MessagePack with field names). The form carries its [`format`](Self::format).
///
/// # Formats and rolling upgrades
///
/// A release writes [`FORMAT`](Self::FORMAT) and reads every format from
/// [`OLDEST_FORMAT`](Self::OLDEST_FORMAT) to `FORMAT`; a newer format is refused with
/// [`StateError::UnsupportedFormat`], never half-read. A new format only adds fields, each
/// with a default that means what the older release did. So a cluster upgrades in two steps
/// when a release raises the format: first every node runs a release that reads the new format,
/// then the nodes start writing it. A session that meets a node that cannot read its state
/// during an upgrade is lost the way a node failure loses it: the CPE's next POST fails, and
/// its next session (a new Inform, read by every release) starts fresh.
///
/// Format 0 is the unversioned form of the first release (the serialized `AcsSession`, with
/// its `Config` inside): it is read with revision 0, no previous response (a retry of the
/// POST answered before the upgrade is handled as a new POST), and the `Config` inside it
/// ignored in favour of the one given to `restore`.
///
/// The serialized form is one object: `format`, `deadline` and the session's own fields side
/// by side, under the same names in formats 0 and 1 (format 1 added `format`, `revision`,
/// `deadline`, `post_digest`, `last`, `cpe_session_timeout` and the queued request inside
/// `outstanding`). Format 1 later gained the optional `post_len` (beside `post_digest`, and
/// inside `last`): a release that does not know it ignores it, and a state without it is
/// read as before (a retry is then told by the digest alone).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SavedSession {
    #[cfg_attr(feature = "serde", serde(default))]
    format: u32,
    #[cfg_attr(feature = "serde", serde(default))]
    deadline: Option<SystemTime>,
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub(super) state: SessionState,
}

impl SavedSession {
    /// The format this release writes.
    pub const FORMAT: u32 = 1;
    /// The oldest format this release reads.
    pub const OLDEST_FORMAT: u32 = 0;

    /// The state's format.
    pub fn format(&self) -> u32 {
        self.format
    }

    /// The session's revision when it was saved ([`AcsSession::revision`]).
    pub fn revision(&self) -> u64 {
        self.state.revision
    }

    /// When the session times out unless a POST comes first ([`AcsSession::poll_timeout`],
    /// computed with the saving node's `session_timeout`); `None` once ended, and in format 0.
    pub fn deadline(&self) -> Option<SystemTime> {
        self.deadline
    }

    /// The CPE's DeviceId (after the Inform).
    pub fn device_id(&self) -> Option<&DeviceIdStruct> {
        self.state.device_id.as_ref()
    }

    /// Whether the session is over (a store keeps it a little longer only to answer a retry
    /// of its last POST).
    pub fn is_ended(&self) -> bool {
        self.state.phase == Phase::Ended
    }

    /// What the session waits for and since when (`None` once ended).
    pub fn waiting_for(&self) -> Option<Waiting> {
        self.state.waiting_for()
    }

    /// Whether `body` repeats the last POST the session answered ([`AcsSession::is_retry`]).
    pub fn is_retry(&self, body: &[u8]) -> bool {
        self.state.retry_response(None, body).is_some()
    }
}

impl SessionState {
    /// The response to answer `body` with again, if it repeats the last POST answered. A
    /// repeated empty POST after a `204` that released HoldRequests is the CPE's next empty
    /// POST, not a retry.
    /// `digest` is the body's, if the caller has it already (else it is computed when the
    /// lengths match).
    pub(super) fn retry_response(
        &self,
        digest: Option<&Digest>,
        body: &[u8],
    ) -> Option<&HttpResponse> {
        let last = self.last.as_ref()?;
        if self.phase == Phase::MaybeDone && is_empty_body(body) {
            return None;
        }
        if last
            .post_len
            .is_some_and(|n| u64::try_from(body.len()).ok() != Some(n))
        {
            return None;
        }
        let same = match digest {
            Some(d) => last.digest == *d,
            None => last.digest == self::digest(body),
        };
        same.then_some(&last.response)
    }
}

impl AcsSession {
    /// The revision: it increases with every change of the session (any POST handled, any
    /// command that changed something, any output produced). A retry answered again, a
    /// timeout that ends nothing and a refused command leave it as is.
    pub fn revision(&self) -> u64 {
        self.state.revision
    }

    /// Whether `body` repeats the last POST this session answered (same bytes): feeding it
    /// answers it with the same response again and changes nothing. Used to route a POST
    /// ([`AcsSession::route`]) and by a node that lost a compare-and-set race.
    ///
    /// Bytes are all the session can go by: a CPE that sends responses without `cwmp:ID` and
    /// answers two requests in a row with the same bytes looks like a retry.
    pub fn is_retry(&self, body: &[u8]) -> bool {
        self.state.retry_response(None, body).is_some()
    }

    /// The state to keep in a store until the next POST or timeout (see [`SavedSession`]).
    ///
    /// Refused while outputs are undrained ([`StateError::OutputsPending`]): drain
    /// [`poll_output`](Self::poll_output) first.
    pub fn save(&self) -> Result<SavedSession, StateError> {
        if !self.outputs.is_empty() {
            return Err(StateError::OutputsPending {
                count: self.outputs.len(),
            });
        }
        Ok(SavedSession {
            format: SavedSession::FORMAT,
            deadline: self.poll_timeout(),
            state: self.state.clone(),
        })
    }

    /// Continues a saved session with this node's `config`.
    ///
    /// Refused if the state's format is not one this release reads
    /// ([`StateError::UnsupportedFormat`]; see [`SavedSession`] for the upgrade rule).
    pub fn restore(saved: SavedSession, config: Config) -> Result<Self, StateError> {
        if !(SavedSession::OLDEST_FORMAT..=SavedSession::FORMAT).contains(&saved.format) {
            return Err(StateError::UnsupportedFormat {
                found: saved.format,
                oldest: SavedSession::OLDEST_FORMAT,
                newest: SavedSession::FORMAT,
            });
        }
        Ok(Self {
            config,
            state: saved.state,
            retired: Vec::new(),
            outputs: VecDeque::new(),
        })
    }
}

/// The serialized form of a digest: lower-case hex (one that is not 64 hex digits reads as
/// none).
#[cfg(feature = "serde")]
pub(super) mod digest_hex {
    use serde::{Deserialize as _, Deserializer, Serializer};

    use super::{Digest, hex, unhex};

    pub(in crate::acs) fn serialize<S: Serializer>(
        d: &Option<Digest>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&hex(d)),
            None => s.serialize_none(),
        }
    }

    pub(in crate::acs) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Digest>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.as_deref().and_then(unhex))
    }
}

/// The serialized form of the last exchange: the POST's digest in hex and the response's
/// status, body (the session's own output: UTF-8 XML or a short plain-text reason) and
/// whether it ended the session; its content type follows from them when read. One that does
/// not read back (a digest that is not hex) is none: a retry of that POST is then handled as
/// a new POST.
#[cfg(feature = "serde")]
pub(super) mod last_exchange {
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{LastExchange, hex, unhex};

    #[derive(Serialize, Deserialize)]
    struct SavedResponse {
        /// Hex SHA-256 of the POST it answered.
        post: String,
        /// The POST's length (absent when written by a release before it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        post_len: Option<u64>,
        status: u16,
        body: String,
        session_ended: bool,
    }

    pub(in crate::acs) fn serialize<S: Serializer>(
        last: &Option<LastExchange>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let saved = last.as_ref().and_then(|l| {
            // The session's bodies are UTF-8 (the encoder's XML, static reasons).
            let body = String::from_utf8(l.response.body.to_vec()).ok()?;
            Some(SavedResponse {
                post: hex(&l.digest),
                post_len: l.post_len,
                status: l.response.status,
                body,
                session_ended: l.response.session_ended,
            })
        });
        saved.serialize(s)
    }

    pub(in crate::acs) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<LastExchange>, D::Error> {
        Ok(Option::<SavedResponse>::deserialize(d)?.and_then(|l| {
            Some(LastExchange {
                digest: unhex(&l.post)?,
                post_len: l.post_len,
                response: crate::acs::outbound::http_response(
                    l.status,
                    Bytes::from(l.body.into_bytes()),
                    l.session_ended,
                ),
            })
        }))
    }
}

#[cfg(feature = "serde")]
fn hex(d: &Digest) -> String {
    crate::connreq::hex(d)
}

#[cfg(feature = "serde")]
fn unhex(s: &str) -> Option<Digest> {
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let nibble = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|v| u8::try_from(v).ok())
    };
    let mut d = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        d[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(d)
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;

    #[test]
    fn digests_round_trip_through_hex() {
        let d = digest(b"<Envelope/>");
        assert_eq!(unhex(&hex(&d)), Some(d));
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex(&"g".repeat(64)), None);
    }
}
