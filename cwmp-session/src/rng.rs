//! A tiny deterministic PRNG (SplitMix64) for retry jitter and phase picks.
//!
//! Not for cryptography: it only spreads retries of many CPEs over the back-off window.
//! The seed comes from the caller ([`crate::cpe::Config::seed`]), so runs are reproducible.

#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) const fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_spread() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        let xs: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        // Both halves of the range are hit.
        assert!(xs.iter().any(|&x| x < u64::MAX / 2));
        assert!(xs.iter().any(|&x| x > u64::MAX / 2));
        let mut c = SplitMix64::new(8);
        assert_ne!(c.next_u64(), xs[0]);
    }
}
