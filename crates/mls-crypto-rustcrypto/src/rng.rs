//! The provider's single randomness source (GUIDANCE G-38).
//!
//! Every random draw of the provider (key generation, HPKE encapsulation,
//! `random_fill`) goes through one [`Randomness`] value: the operating
//! system's generator by default, or an injected deterministic generator for
//! tests. ECDSA signing is deterministic (RFC 6979) and EdDSA is deterministic
//! by definition, so signing draws nothing.

use std::convert::Infallible;
use std::sync::Mutex;

use chacha20::ChaCha20Rng;
use mls_crypto::{CryptoError, Result};
use rand_core::{SeedableRng, TryCryptoRng, TryRng};
use zeroize::Zeroize;

/// An injectable, infallible cryptographically secure generator.
pub(crate) type InjectedRng = Box<dyn TryCryptoRng<Error = Infallible> + Send>;

/// Where random bytes come from.
enum Source {
    /// `getrandom`: the operating system's CSPRNG.
    Os,
    /// A generator supplied by the caller (or seeded by us), shared by every
    /// suite of the provider.
    Injected(Mutex<InjectedRng>),
    /// A fallible source such as the entropy pool (GUIDANCE G-39).
    External(std::sync::Arc<dyn mls_crypto::RandomSource>),
}

/// The randomness source shared by a provider and all its suites.
pub(crate) struct Randomness {
    source: Source,
}

impl Randomness {
    /// The operating system's generator.
    pub(crate) fn os() -> Self {
        Randomness { source: Source::Os }
    }

    /// A deterministic ChaCha20 generator seeded with `seed` (tests only).
    pub(crate) fn seeded(seed: [u8; 32]) -> Self {
        Self::injected(Box::new(ChaCha20Rng::from_seed(seed)))
    }

    /// A caller-supplied generator.
    pub(crate) fn injected(rng: InjectedRng) -> Self {
        Randomness {
            source: Source::Injected(Mutex::new(rng)),
        }
    }

    /// A fallible source shared with others (the entropy pool, G-39).
    pub(crate) fn external(source: std::sync::Arc<dyn mls_crypto::RandomSource>) -> Self {
        Randomness {
            source: Source::External(source),
        }
    }

    /// Whether this source is the operating system's generator.
    pub(crate) fn is_os(&self) -> bool {
        matches!(self.source, Source::Os)
    }

    /// Fill `out` with random bytes.
    pub(crate) fn fill(&self, out: &mut [u8]) -> Result<()> {
        match &self.source {
            Source::Os => getrandom::fill(out).map_err(|e| CryptoError::Randomness(e.to_string())),
            Source::Injected(rng) => {
                let mut rng = rng
                    .lock()
                    .map_err(|_| CryptoError::Randomness("generator lock poisoned".into()))?;
                match rng.try_fill_bytes(out) {
                    Ok(()) => Ok(()),
                }
            }
            Source::External(source) => source.fill(out),
        }
    }

    /// Run `f` with an infallible [`rand_core::CryptoRng`] view of this source,
    /// for library calls that take one (HPKE encapsulation).
    ///
    /// If the source fails during `f`, the bytes handed out are zeros and the
    /// result of `f` is discarded: the caller gets `CryptoError::Randomness`,
    /// never a value computed from the zeros.
    pub(crate) fn with_rng<T>(&self, f: impl FnOnce(&mut DrawRng<'_>) -> T) -> Result<T> {
        let mut rng = DrawRng {
            source: self,
            error: None,
        };
        let value = f(&mut rng);
        match rng.error {
            None => Ok(value),
            Some(e) => Err(e),
        }
    }
}

/// A generator that hands out the bytes of a seed, in order: the
/// randomness a seal drew beforehand (`hpke_seal_with_seed`; issue 14 item
/// 2). Asked for more than the seed holds it yields zeros and remembers it,
/// and [`ReplayRng::finish`] makes that an error, so nothing computed from
/// the zeros is ever used.
pub(crate) struct ReplayRng<'a> {
    seed: &'a [u8],
    overrun: bool,
}

impl<'a> ReplayRng<'a> {
    /// A generator yielding `seed`.
    pub(crate) fn new(seed: &'a [u8]) -> Self {
        ReplayRng {
            seed,
            overrun: false,
        }
    }

    /// `Ok` when every byte handed out came from the seed.
    pub(crate) fn finish(self) -> Result<()> {
        if self.overrun {
            return Err(CryptoError::Randomness(
                "the seal drew more than its seed".into(),
            ));
        }
        Ok(())
    }
}

impl TryRng for ReplayRng<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, out: &mut [u8]) -> std::result::Result<(), Infallible> {
        if out.len() > self.seed.len() {
            out.fill(0);
            self.overrun = true;
            self.seed = &[];
        } else {
            let (head, rest) = self.seed.split_at(out.len());
            out.copy_from_slice(head);
            self.seed = rest;
        }
        Ok(())
    }
}

impl TryCryptoRng for ReplayRng<'_> {}

/// A view of [`Randomness`] as an infallible generator that records the first
/// failure instead of panicking (see [`Randomness::with_rng`]).
pub(crate) struct DrawRng<'a> {
    source: &'a Randomness,
    error: Option<CryptoError>,
}

impl TryRng for DrawRng<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Infallible> {
        if let Err(e) = self.source.fill(dst) {
            dst.zeroize();
            self.error.get_or_insert(e);
        }
        Ok(())
    }
}

impl TryCryptoRng for DrawRng<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_sources_repeat_and_differ_by_seed() {
        let draw = |seed| {
            let r = Randomness::seeded(seed);
            let mut a = [0u8; 48];
            r.fill(&mut a).expect("fill");
            a
        };
        assert_eq!(draw([7; 32]), draw([7; 32]));
        assert_ne!(draw([7; 32]), draw([8; 32]));
    }

    #[test]
    fn consecutive_draws_differ() {
        for r in [Randomness::os(), Randomness::seeded([1; 32])] {
            let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
            r.fill(&mut a).expect("fill");
            r.fill(&mut b).expect("fill");
            assert_ne!(a, b);
        }
    }

    #[test]
    fn with_rng_draws_from_the_same_stream() {
        let r = Randomness::seeded([3; 32]);
        let mut via_view = [0u8; 16];
        r.with_rng(|rng| rng.try_fill_bytes(&mut via_view))
            .expect("no failure")
            .expect("infallible");
        let mut direct = [0u8; 16];
        Randomness::seeded([3; 32]).fill(&mut direct).expect("fill");
        assert_eq!(via_view, direct);
    }

    /// A generator that panics, used to poison the source's lock.
    struct PanickingRng;

    impl TryRng for PanickingRng {
        type Error = Infallible;

        fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
            panic!("generator failure")
        }

        fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
            panic!("generator failure")
        }

        fn try_fill_bytes(&mut self, _: &mut [u8]) -> std::result::Result<(), Infallible> {
            panic!("generator failure")
        }
    }

    impl TryCryptoRng for PanickingRng {}

    #[test]
    fn a_failed_source_is_an_error_and_discards_the_result() {
        let r = Randomness::injected(Box::new(PanickingRng));
        let poisoned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = r.fill(&mut [0u8; 4]);
        }));
        assert!(poisoned.is_err());
        assert!(matches!(
            r.fill(&mut [0u8; 4]),
            Err(CryptoError::Randomness(_))
        ));
        let mut seen = [1u8; 8];
        let result = r.with_rng(|rng| {
            rng.try_fill_bytes(&mut seen).expect("infallible");
            seen
        });
        assert!(matches!(result, Err(CryptoError::Randomness(_))));
        // The bytes handed out on failure were zeros, never stale data.
        assert_eq!(seen, [0u8; 8]);
    }
}
