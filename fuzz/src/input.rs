//! Reading structured choices out of the fuzzer's bytes.

use cwmp_session::CpeRequest;
use cwmp_types::{Envelope, Request, Response};
use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A cursor over the fuzz input; reads past the end give zeros, so every input is a program.
#[derive(Debug)]
pub(crate) struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub(crate) fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    pub(crate) fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    pub(crate) fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }

    /// Up to `max` bytes, the length read from the input.
    pub(crate) fn bytes(&mut self, max: usize) -> &'a [u8] {
        let n = (self.u16() as usize).min(max).min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        head
    }

    /// 32 bytes (zero-padded) to seed a generator.
    pub(crate) fn seed(&mut self) -> [u8; 32] {
        let mut seed = [0; 32];
        for b in &mut seed {
            *b = self.u8();
        }
        seed
    }
}

/// One value of `strategy`, chosen deterministically by `seed`.
fn generate<S: Strategy>(strategy: &S, seed: [u8; 32]) -> Option<S::Value> {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    strategy
        .new_tree(&mut runner)
        .ok()
        .map(|tree| tree.current())
}

thread_local! {
    // Built once: the strategies are large, and building them per input would dominate.
    static ENVELOPE: BoxedStrategy<Envelope> = cwmp_types::strategy::envelope().boxed();
    static REQUEST: BoxedStrategy<Request> = cwmp_types::strategy::request().boxed();
    static RESPONSE: BoxedStrategy<Response> = cwmp_types::strategy::response().boxed();
    static CPE_REQUEST: BoxedStrategy<CpeRequest> = cwmp_session::strategy::cpe_request().boxed();
    static PEER_BODY: BoxedStrategy<Vec<u8>> = cwmp_session::strategy::peer_body().boxed();
}

/// An envelope chosen by `seed` (any message, header and namespace).
pub(crate) fn envelope(seed: [u8; 32]) -> Option<Envelope> {
    ENVELOPE.with(|s| generate(s, seed))
}

/// A request chosen by `seed`.
pub(crate) fn request(seed: [u8; 32]) -> Option<Request> {
    REQUEST.with(|s| generate(s, seed))
}

/// A response chosen by `seed`.
pub(crate) fn response(seed: [u8; 32]) -> Option<Response> {
    RESPONSE.with(|s| generate(s, seed))
}

/// A request a CPE application queues, chosen by `seed`.
pub(crate) fn cpe_request(seed: [u8; 32]) -> Option<CpeRequest> {
    CPE_REQUEST.with(|s| generate(s, seed))
}

/// An HTTP body a peer may send, chosen by `seed`.
pub(crate) fn peer_body(seed: [u8; 32]) -> Option<Vec<u8>> {
    PEER_BODY.with(|s| generate(s, seed))
}
