//! An optional, client-wide entropy pool (GUIDANCE G-39, from the
//! "Improving resilience to poor random number generators" section of
//! draft-kohbrok-mls-implementation-considerations, branch
//! `konrad/entropy-improvements`; mlswg/mls-protocol PR #467).
//!
//! The pool is one secret of `Nh` bytes, `Nh` the largest hash output among
//! the client's cipher suites, seeded from the operating system's generator
//! and kept across restarts ([`EntropyPool::to_bytes`],
//! [`EntropyPool::from_bytes`]). Built on the suite's KDF (RFC 9420 §5.1,
//! `ExpandWithLabel` of §8):
//!
//! ```text
//! draw(len):   fresh  = OS(Nh)                                  fresh input on every draw
//!              prk    = KDF.Extract(salt = pool, ikm = fresh)
//!              output = ExpandWithLabel(prk, "mls_secret", "", len)
//!              pool   = ExpandWithLabel(prk, "entropy_pool", "", Nh)   old value overwritten
//! absorb(v):   prk    = KDF.Extract(salt = pool, ikm = v)
//!              pool   = ExpandWithLabel(prk, "entropy_pool", "", Nh)
//! ```
//!
//! A group absorbs a per-member value whenever its member enters an epoch
//! from someone else's Commit or a Welcome (label [`GROUP_ABSORB_LABEL`],
//! computed by the group engine from that epoch's exporter with the own
//! leaf index as context). The pool is a [`RandomSource`], so a provider
//! built on it draws every random byte through it. `docs/entropy-pool.md`
//! states what it protects against and what it does not.

use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use crate::labeled::expand_with_label;
use crate::{CipherSuite, CipherSuiteProvider, CryptoError, CryptoProvider, Secret};

/// The label of the output derivation.
pub const OUTPUT_LABEL: &[u8] = b"mls_secret";
/// The label of the next pool value.
pub const NEXT_POOL_LABEL: &[u8] = b"entropy_pool";
/// The label of the per-member value a group contributes (an exporter
/// label; the context is the member's leaf index, 4 bytes big-endian).
pub const GROUP_ABSORB_LABEL: &[u8] = b"internal_update";

/// Version byte of the persisted form.
const FORMAT_VERSION: u8 = 1;
/// Label of the integrity check over the persisted pool.
const CHECK_LABEL: &[u8] = b"entropy_pool check";

/// A source of random bytes (the operating system's generator, an injected
/// test generator, or an [`EntropyPool`]).
pub trait RandomSource: Send + Sync {
    /// Fill `out` with random bytes; fails with `CryptoError::Randomness`.
    fn fill(&self, out: &mut [u8]) -> crate::Result<()>;
}

/// Why a persisted pool was refused. A refused pool is never replaced by a
/// fresh one silently: the caller decides (G-39 bad input).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EntropyPoolError {
    /// The bytes are shorter or longer than the persisted form.
    #[error("persisted entropy pool has {actual} bytes, expected {expected}")]
    WrongLength {
        /// What the suite's form needs.
        expected: usize,
        /// What was given.
        actual: usize,
    },
    /// The version byte is not one this library writes.
    #[error("persisted entropy pool has unknown format version {0}")]
    UnknownVersion(u8),
    /// The pool was persisted for another KDF suite than the one given.
    #[error("persisted entropy pool is for suite 0x{stored:04x}, the KDF given is 0x{given:04x}")]
    SuiteMismatch {
        /// The suite in the bytes.
        stored: u16,
        /// The suite of the KDF provider given.
        given: u16,
    },
    /// The integrity check does not match: the bytes were corrupted.
    #[error("persisted entropy pool fails its integrity check (corrupted)")]
    Corrupted,
    /// None of the client's suites is implemented by the provider.
    #[error("no cipher suite of the client is available for the entropy pool's KDF")]
    NoSuite,
    /// The KDF or the operating system's generator failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// The pool. Shared by all groups of a client (wrap it in an [`Arc`]);
/// draws are serialised by an internal lock.
pub struct EntropyPool {
    /// The suite whose KDF runs the pool (the largest hash of the client's
    /// suites). Its own `random_fill` is the fresh input, so it must draw
    /// from the operating system, never from this pool.
    kdf: Arc<dyn CipherSuiteProvider>,
    pool: Mutex<Secret>,
}

impl std::fmt::Debug for EntropyPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntropyPool")
            .field("suite", &self.kdf.cipher_suite())
            .finish_non_exhaustive()
    }
}

impl EntropyPool {
    /// A new pool seeded from `kdf`'s generator (the operating system's).
    pub fn new(kdf: Arc<dyn CipherSuiteProvider>) -> Result<Self, EntropyPoolError> {
        let seed = Secret::new(kdf.random_bytes(kdf.cipher_suite().hash_len())?);
        Ok(EntropyPool {
            kdf,
            pool: Mutex::new(seed),
        })
    }

    /// The KDF suite for a client with `suites`: the one with the largest
    /// hash that `provider` implements (ties: the first listed).
    pub fn kdf_for_suites(
        provider: &dyn CryptoProvider,
        suites: &[CipherSuite],
    ) -> Result<Arc<dyn CipherSuiteProvider>, EntropyPoolError> {
        let mut best: Option<Arc<dyn CipherSuiteProvider>> = None;
        for &suite in suites {
            if let Some(cs) = provider.cipher_suite_provider(suite)
                && best
                    .as_ref()
                    .is_none_or(|b| b.cipher_suite().hash_len() < suite.hash_len())
            {
                best = Some(cs);
            }
        }
        best.ok_or(EntropyPoolError::NoSuite)
    }

    /// The suite whose KDF runs the pool.
    pub fn cipher_suite(&self) -> CipherSuite {
        self.kdf.cipher_suite()
    }

    fn nh(&self) -> usize {
        self.kdf.cipher_suite().hash_len()
    }

    fn nh_u16(&self) -> crate::Result<u16> {
        u16::try_from(self.nh()).map_err(|_| CryptoError::EncodingFailed)
    }

    fn lock(&self) -> crate::Result<std::sync::MutexGuard<'_, Secret>> {
        self.pool
            .lock()
            .map_err(|_| CryptoError::Randomness("entropy pool lock poisoned".into()))
    }

    /// Mix `value` into the pool (a group's per-member epoch value, or any
    /// other input such as a signature with a long-term key).
    pub fn absorb(&self, value: &[u8]) -> crate::Result<()> {
        let nh = self.nh_u16()?;
        let mut pool = self.lock()?;
        let prk = self.kdf.kdf_extract(pool.as_bytes(), value);
        *pool = expand_with_label(self.kdf.as_ref(), prk.as_bytes(), NEXT_POOL_LABEL, b"", nh)?;
        Ok(())
    }

    /// One draw of at most `255 * Nh` bytes: fresh OS input, output, next pool.
    fn draw(&self, pool: &mut Secret, out: &mut [u8]) -> crate::Result<()> {
        let len = u16::try_from(out.len()).map_err(|_| CryptoError::KdfOutputTooLong(out.len()))?;
        let fresh = Zeroizing::new(self.kdf.random_bytes(self.nh())?);
        let prk = self.kdf.kdf_extract(pool.as_bytes(), &fresh);
        let output = expand_with_label(self.kdf.as_ref(), prk.as_bytes(), OUTPUT_LABEL, b"", len)?;
        // Derive the next value before writing anything, so a failure
        // leaves the pool and `out` as they were.
        let next = expand_with_label(
            self.kdf.as_ref(),
            prk.as_bytes(),
            NEXT_POOL_LABEL,
            b"",
            self.nh_u16()?,
        )?;
        out.copy_from_slice(output.as_bytes());
        *pool = next;
        Ok(())
    }

    /// The persisted form: version (1 byte), KDF suite (2 bytes), the pool
    /// (`Nh` bytes), `MAC(pool, "entropy_pool check")` (`Nh` bytes). Holds
    /// the pool secret: store it with the client's other secrets.
    pub fn to_bytes(&self) -> crate::Result<Zeroizing<Vec<u8>>> {
        let pool = self.lock()?;
        Ok(encode(self.kdf.as_ref(), &pool))
    }

    /// Restore a persisted pool for the KDF suite `kdf`. Corrupted,
    /// truncated or foreign bytes are an [`EntropyPoolError`], never a
    /// fresh pool.
    pub fn from_bytes(
        kdf: Arc<dyn CipherSuiteProvider>,
        bytes: &[u8],
    ) -> Result<Self, EntropyPoolError> {
        let nh = kdf.cipher_suite().hash_len();
        let expected = 3 + 2 * nh;
        if bytes.len() != expected {
            return Err(EntropyPoolError::WrongLength {
                expected,
                actual: bytes.len(),
            });
        }
        let (header, rest) = bytes.split_at(3);
        let (pool, check) = rest.split_at(nh);
        if header[0] != FORMAT_VERSION {
            return Err(EntropyPoolError::UnknownVersion(header[0]));
        }
        let stored = u16::from_be_bytes([header[1], header[2]]);
        let given = kdf.cipher_suite().id();
        if stored != given {
            return Err(EntropyPoolError::SuiteMismatch { stored, given });
        }
        crate::labeled::verify_mac(kdf.as_ref(), pool, CHECK_LABEL, check)
            .map_err(|_| EntropyPoolError::Corrupted)?;
        Ok(EntropyPool {
            kdf,
            pool: Mutex::new(Secret::from_slice(pool)),
        })
    }
}

fn encode(kdf: &dyn CipherSuiteProvider, pool: &Secret) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(3 + 2 * pool.len()));
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&kdf.cipher_suite().id().to_be_bytes());
    out.extend_from_slice(pool.as_bytes());
    out.extend_from_slice(&kdf.mac(pool.as_bytes(), CHECK_LABEL));
    out
}

impl RandomSource for EntropyPool {
    /// Every call absorbs fresh OS randomness and moves the pool forward;
    /// requests longer than `255 * Nh` bytes take several draws.
    fn fill(&self, out: &mut [u8]) -> crate::Result<()> {
        let mut pool = self.lock()?;
        for chunk in out.chunks_mut(255 * self.nh()) {
            self.draw(&mut pool, chunk)?;
        }
        Ok(())
    }
}
