//! [`SavedSession`]: an [`AcsSession`] between two POSTs, made for a store shared by the
//! nodes of an ACS cluster.

use std::collections::VecDeque;
use std::time::SystemTime;

use bytes::Bytes;
use cwmp_types::{CwmpNamespace, CwmpVersion, DeviceIdStruct, Request};
use sha2::{Digest as _, Sha256};

use super::{AcsSession, Config, EndReason, Outstanding, Owed, Phase, Step, Waiting};
use crate::RpcHandle;
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
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SavedSession {
    #[cfg_attr(feature = "serde", serde(default))]
    format: u32,
    #[cfg_attr(feature = "serde", serde(default))]
    revision: u64,
    #[cfg_attr(feature = "serde", serde(default))]
    deadline: Option<SystemTime>,
    #[cfg_attr(feature = "serde", serde(default))]
    post_digest: Option<String>,
    #[cfg_attr(feature = "serde", serde(default))]
    last: Option<SavedResponse>,
    pub(super) phase: Phase,
    end_reason: Option<EndReason>,
    device_id: Option<DeviceIdStruct>,
    version: CwmpVersion,
    namespace: CwmpNamespace,
    use_version_header: bool,
    hold: bool,
    hold_sent: bool,
    cpe_done: bool,
    finish: bool,
    announced_awaiting: bool,
    queue: VecDeque<(RpcHandle, Request)>,
    outstanding: Option<Outstanding>,
    owed: Option<Owed>,
    next_id: u64,
    next_handle: u64,
    now: SystemTime,
    step: Step,
    since: SystemTime,
    /// The Inform's `cwmp:SessionTimeout` (format 1 and later; absent before).
    #[cfg_attr(feature = "serde", serde(default))]
    cpe_session_timeout: Option<u32>,
}

/// The last response, as saved: the body is the session's own output (UTF-8 XML or a short
/// plain-text reason).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct SavedResponse {
    /// Hex SHA-256 of the POST it answered.
    post: String,
    status: u16,
    body: String,
    session_ended: bool,
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
        self.revision
    }

    /// When the session times out unless a POST comes first ([`AcsSession::poll_timeout`],
    /// computed with the saving node's `session_timeout`); `None` once ended, and in format 0.
    pub fn deadline(&self) -> Option<SystemTime> {
        self.deadline
    }

    /// The CPE's DeviceId (after the Inform).
    pub fn device_id(&self) -> Option<&DeviceIdStruct> {
        self.device_id.as_ref()
    }

    /// Whether the session is over (a store keeps it a little longer only to answer a retry
    /// of its last POST).
    pub fn is_ended(&self) -> bool {
        self.phase == Phase::Ended
    }

    /// What the session waits for and since when (`None` once ended).
    pub fn waiting_for(&self) -> Option<Waiting> {
        (self.phase != Phase::Ended).then(|| Waiting {
            step: self.step.clone(),
            since: self.since,
        })
    }

    /// Whether `body` repeats the last POST the session answered ([`AcsSession::is_retry`]).
    pub fn is_retry(&self, body: &[u8]) -> bool {
        let Some(last) = &self.last else {
            return false;
        };
        retry_allowed(self.phase, body) && last.post == hex(&digest(body))
    }
}

/// A repeated empty POST after a `204` that released HoldRequests is the CPE's next empty
/// POST, not a retry.
fn retry_allowed(phase: Phase, body: &[u8]) -> bool {
    !(phase == Phase::MaybeDone && is_empty_body(body))
}

impl AcsSession {
    /// The revision: it increases with every change of the session (any POST handled, any
    /// command that changed something, any output produced). A retry answered again, a
    /// timeout that ends nothing and a refused command leave it as is.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether `body` repeats the last POST this session answered (same bytes): feeding it
    /// answers it with the same response again and changes nothing. Used to route a POST
    /// ([`AcsSession::route`]) and by a node that lost a compare-and-set race.
    ///
    /// Bytes are all the session can go by: a CPE that sends responses without `cwmp:ID` and
    /// answers two requests in a row with the same bytes looks like a retry.
    pub fn is_retry(&self, body: &[u8]) -> bool {
        self.retry_response(&digest(body), body).is_some()
    }

    pub(super) fn retry_response(&self, digest: &Digest, body: &[u8]) -> Option<HttpResponse> {
        let last = self.last.as_ref()?;
        (retry_allowed(self.phase, body) && last.digest == *digest).then(|| last.response.clone())
    }

    /// The state to keep in a store until the next POST or timeout (see [`SavedSession`]).
    ///
    /// Refused while outputs are undrained ([`StateError::OutputsPending`]): drain
    /// [`poll_output`](Self::poll_output) first.
    pub fn save(&self) -> Result<SavedSession, StateError> {
        // Every field is named, so a field added to the session cannot be forgotten here.
        let Self {
            config: _,
            phase,
            end_reason,
            device_id,
            version,
            namespace,
            use_version_header,
            hold,
            hold_sent,
            cpe_done,
            finish,
            announced_awaiting,
            queue,
            outstanding,
            owed,
            next_id,
            next_handle,
            now,
            step,
            since,
            cpe_session_timeout,
            retired: _,
            outputs,
            revision,
            post_digest,
            last,
        } = self;
        if !outputs.is_empty() {
            return Err(StateError::OutputsPending {
                count: outputs.len(),
            });
        }
        let last = last.as_ref().and_then(|l| {
            // The session's bodies are UTF-8 (the encoder's XML, static reasons).
            let body = String::from_utf8(l.response.body.to_vec()).ok()?;
            Some(SavedResponse {
                post: hex(&l.digest),
                status: l.response.status,
                body,
                session_ended: l.response.session_ended,
            })
        });
        Ok(SavedSession {
            format: SavedSession::FORMAT,
            revision: *revision,
            deadline: self.poll_timeout(),
            post_digest: post_digest.as_ref().map(hex),
            last,
            phase: *phase,
            end_reason: end_reason.clone(),
            device_id: device_id.clone(),
            version: *version,
            namespace: *namespace,
            use_version_header: *use_version_header,
            hold: *hold,
            hold_sent: *hold_sent,
            cpe_done: *cpe_done,
            finish: *finish,
            announced_awaiting: *announced_awaiting,
            queue: queue.clone(),
            outstanding: outstanding.clone(),
            owed: owed.clone(),
            next_id: *next_id,
            next_handle: *next_handle,
            now: *now,
            step: step.clone(),
            since: *since,
            cpe_session_timeout: *cpe_session_timeout,
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
        let last = saved.last.and_then(|l| {
            Some(LastExchange {
                digest: unhex(&l.post)?,
                response: super::http_response(
                    l.status,
                    Bytes::from(l.body.into_bytes()),
                    l.session_ended,
                ),
            })
        });
        Ok(Self {
            config,
            phase: saved.phase,
            end_reason: saved.end_reason,
            device_id: saved.device_id,
            version: saved.version,
            namespace: saved.namespace,
            use_version_header: saved.use_version_header,
            hold: saved.hold,
            hold_sent: saved.hold_sent,
            cpe_done: saved.cpe_done,
            finish: saved.finish,
            announced_awaiting: saved.announced_awaiting,
            queue: saved.queue,
            outstanding: saved.outstanding,
            owed: saved.owed,
            next_id: saved.next_id,
            next_handle: saved.next_handle,
            now: saved.now,
            step: saved.step,
            since: saved.since,
            cpe_session_timeout: saved.cpe_session_timeout,
            retired: Vec::new(),
            outputs: VecDeque::new(),
            revision: saved.revision,
            post_digest: saved.post_digest.as_deref().and_then(unhex),
            last,
        })
    }
}

fn hex(d: &Digest) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in d {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

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

#[cfg(test)]
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
