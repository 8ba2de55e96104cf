//! [`Route`]: which session a POST belongs to, when its cookie finds a live session.

use cwmp_soap::Peek;
use cwmp_types::DeviceIdStruct;

use super::{AcsSession, Phase, SavedSession};

/// Where a POST goes when its cookie (or whatever key the ACS uses) found a session.
///
/// The rule, for a POST whose key found session `S` (with [`cwmp_soap::peek`] of its body):
/// 1. A retry of the last POST `S` answered (same bytes) goes to `S`, which answers it again:
///    [`Route::Continue`].
/// 2. Else an Inform starts a new session (TR-069 §3.7.1: an Inform always opens one; some
///    CPEs present the previous session's cookie with their next Inform):
///    * if `S` is live and belongs to the same device (same OUI and serial number), the CPE
///      has walked away from it: end `S` ([`AcsSession::abort`]) and start the new one,
///      [`Route::NewSession`] `{ end_previous: true }`;
///    * if `S` belongs to another device (a stale or copied cookie), leave `S` alone: it is
///      never continued, ended or answered by another device's POST,
///      `{ end_previous: false }`; likewise when `S` has ended.
///    * if `S` is still waiting for its own Inform (created for this CPE's first POST, e.g.
///      before authentication), the Inform is its first message: [`Route::Continue`].
/// 3. Anything else (a response, a CPE request, the empty POST, a body that does not peek)
///    goes to `S`: [`Route::Continue`] (the session judges it).
///
/// A POST whose key finds no session gets a new `AcsSession` (an empty POST then ends at
/// once with `204`, anything but an Inform with `400`). One session per device at a time is
/// the store's part: when an Inform's device already has a live session under another key,
/// end that one as in 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Route {
    /// Feed the POST to the session the key found.
    Continue,
    /// Start a new session for the POST.
    NewSession {
        /// The key's session belongs to the same device and is live: end it first.
        end_previous: bool,
    },
}

fn route(retry: bool, phase: Phase, device: Option<&DeviceIdStruct>, peek: Option<&Peek>) -> Route {
    if retry {
        return Route::Continue;
    }
    let Some(peek) = peek.filter(|p| p.is_inform()) else {
        return Route::Continue;
    };
    match phase {
        Phase::AwaitInform => Route::Continue,
        Phase::Ended => Route::NewSession {
            end_previous: false,
        },
        Phase::Active | Phase::MaybeDone => {
            let same = match (device, &peek.device_id) {
                (Some(a), Some(b)) => a.oui == b.oui && a.serial_number == b.serial_number,
                _ => false,
            };
            Route::NewSession { end_previous: same }
        }
    }
}

impl AcsSession {
    /// Where a POST that found this session goes (see [`Route`] for the rule); `peek` is
    /// [`cwmp_soap::peek`] of `body` (`None` if it did not peek, e.g. the empty POST).
    pub fn route(&self, body: &[u8], peek: Option<&Peek>) -> Route {
        route(
            self.is_retry(body),
            self.state.phase,
            self.device_id(),
            peek,
        )
    }
}

impl SavedSession {
    /// [`AcsSession::route`] without restoring the session.
    pub fn route(&self, body: &[u8], peek: Option<&Peek>) -> Route {
        route(
            self.is_retry(body),
            self.state.phase,
            self.device_id(),
            peek,
        )
    }
}
