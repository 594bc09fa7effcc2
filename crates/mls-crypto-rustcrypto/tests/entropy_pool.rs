//! The entropy pool (GUIDANCE G-39) on the RustCrypto KDFs, and a provider
//! that draws every random byte through it. The bad-input cases of issue 16:
//! a constant OS generator, absorbing a group value, the persisted bytes not
//! revealing the previous pool value, a corrupted persisted pool.

use std::convert::Infallible;
use std::sync::Arc;

use mls_crypto::entropy_pool::{EntropyPool, EntropyPoolError, RandomSource};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use rand_core::{TryCryptoRng, TryRng};

/// A broken "OS" generator: every byte is 0x42.
struct ConstantRng;

impl TryRng for ConstantRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(0x4242_4242)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(0x4242_4242_4242_4242)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        dst.fill(0x42);
        Ok(())
    }
}

impl TryCryptoRng for ConstantRng {}

const SHA256_SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
const SHA512_SUITE: CipherSuite = CipherSuite::Mls256DhKemX448Aes256GcmSha512Ed448;

fn constant_kdf(suite: CipherSuite) -> Arc<dyn CipherSuiteProvider> {
    RustCryptoProvider::with_rng(ConstantRng)
        .cipher_suite_provider(suite)
        .expect("suite")
}

fn draw(pool: &EntropyPool, len: usize) -> Vec<u8> {
    let mut out = vec![0; len];
    pool.fill(&mut out).expect("draw");
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The pool value inside the persisted form (after the 3-byte header).
fn pool_value(bytes: &[u8], nh: usize) -> Vec<u8> {
    bytes[3..3 + nh].to_vec()
}

#[test]
fn outputs_differ_with_a_constant_os_generator() {
    let pool = EntropyPool::new(constant_kdf(SHA256_SUITE)).expect("pool");
    let outputs: Vec<Vec<u8>> = (0..64).map(|_| draw(&pool, 32)).collect();
    for (i, a) in outputs.iter().enumerate() {
        assert_ne!(a, &[0x42; 32].to_vec(), "output is not the OS bytes");
        for b in &outputs[i + 1..] {
            assert_ne!(a, b, "consecutive outputs differ");
        }
    }
}

#[test]
fn absorbing_a_group_value_changes_the_outputs() {
    let kdf = constant_kdf(SHA256_SUITE);
    let saved = EntropyPool::new(kdf.clone())
        .expect("pool")
        .to_bytes()
        .expect("persist");
    let a = EntropyPool::from_bytes(kdf.clone(), &saved).expect("restore");
    let b = EntropyPool::from_bytes(kdf, &saved).expect("restore");
    // With the OS generator constant, two copies of one pool agree...
    assert_eq!(draw(&a, 32), draw(&b, 32));
    // ...until one absorbs a group's value.
    b.absorb(b"a per-member epoch value").expect("absorb");
    let (after_a, after_b) = (draw(&a, 32), draw(&b, 32));
    assert_ne!(after_a, after_b);
    // Absorbing also moves the persisted pool.
    assert_ne!(
        a.to_bytes().expect("persist"),
        b.to_bytes().expect("persist")
    );
}

#[test]
fn the_previous_pool_value_is_not_in_the_persisted_bytes() {
    for suite in [SHA256_SUITE, SHA512_SUITE] {
        let nh = suite.hash_len();
        let pool = EntropyPool::new(constant_kdf(suite)).expect("pool");
        let before = pool.to_bytes().expect("persist");
        let old = pool_value(&before, nh);
        let output = draw(&pool, 64);
        let after = pool.to_bytes().expect("persist");
        assert_eq!(after.len(), 3 + 2 * nh, "pool length is Nh of the suite");
        let new = pool_value(&after, nh);
        assert_ne!(old, new, "every draw moves the pool");
        assert!(!contains(&after, &old), "old pool value overwritten");
        assert!(
            !contains(&output, &new[..16]),
            "output is not the next pool"
        );
        assert!(!contains(&output, &old[..16]), "output is not the old pool");
        // After an absorb too.
        pool.absorb(b"value").expect("absorb");
        assert!(!contains(&pool.to_bytes().expect("persist"), &new));
    }
}

#[test]
fn a_corrupted_persisted_pool_is_a_typed_error() {
    let kdf = constant_kdf(SHA256_SUITE);
    let pool = EntropyPool::new(kdf.clone()).expect("pool");
    let bytes = pool.to_bytes().expect("persist");
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut bad = bytes.to_vec();
            bad[i] ^= bit;
            let err = EntropyPool::from_bytes(kdf.clone(), &bad).expect_err("corrupted");
            assert!(
                matches!(
                    err,
                    EntropyPoolError::Corrupted
                        | EntropyPoolError::UnknownVersion(_)
                        | EntropyPoolError::SuiteMismatch { .. }
                ),
                "byte {i}: {err}"
            );
        }
    }
    for len in [0, 1, 3, bytes.len() - 1, bytes.len() + 1] {
        let mut bad = bytes.to_vec();
        bad.resize(len, 0);
        assert!(matches!(
            EntropyPool::from_bytes(kdf.clone(), &bad),
            Err(EntropyPoolError::WrongLength { .. })
        ));
    }
    // An all-zero pool with a matching length is refused, not accepted as a seed.
    let mut zeros = bytes.to_vec();
    zeros[3..].fill(0);
    assert_eq!(
        EntropyPool::from_bytes(kdf.clone(), &zeros).expect_err("zeros"),
        EntropyPoolError::Corrupted
    );
    // Bytes of a SHA-512 pool do not load as a SHA-256 one.
    let other = EntropyPool::new(constant_kdf(SHA512_SUITE))
        .expect("pool")
        .to_bytes()
        .expect("persist");
    assert!(matches!(
        EntropyPool::from_bytes(kdf.clone(), &other),
        Err(EntropyPoolError::WrongLength { .. })
    ));
    // The intact bytes restore the same pool.
    let restored = EntropyPool::from_bytes(kdf, &bytes).expect("restore");
    assert_eq!(restored.to_bytes().expect("persist"), bytes);
}

#[test]
fn the_pool_uses_the_largest_hash_among_the_clients_suites() {
    let provider = RustCryptoProvider::new();
    let kdf = EntropyPool::kdf_for_suites(&provider, &[SHA256_SUITE, SHA512_SUITE, SHA256_SUITE])
        .expect("suite");
    assert_eq!(kdf.cipher_suite(), SHA512_SUITE);
    let pool = EntropyPool::new(kdf).expect("pool");
    assert_eq!(pool.to_bytes().expect("persist").len(), 3 + 2 * 64);
    assert!(matches!(
        EntropyPool::kdf_for_suites(&provider, &[]),
        Err(EntropyPoolError::NoSuite)
    ));
}

#[test]
fn a_provider_on_the_pool_draws_every_random_byte_through_it() {
    let pool = Arc::new(EntropyPool::new(constant_kdf(SHA256_SUITE)).expect("pool"));
    let provider = RustCryptoProvider::with_random_source(pool.clone());
    let cs = provider.cipher_suite_provider(SHA256_SUITE).expect("suite");
    let mut last = pool.to_bytes().expect("persist");
    let mut moved = |what: &str| {
        let now = pool.to_bytes().expect("persist");
        assert_ne!(now, last, "{what} drew from the pool");
        last = now;
    };
    let a = cs.hpke_generate_key_pair().expect("hpke key");
    moved("HPKE key generation");
    let b = cs.hpke_generate_key_pair().expect("hpke key");
    moved("HPKE key generation");
    assert_ne!(
        a.public_key, b.public_key,
        "keys differ despite a constant OS"
    );
    cs.hpke_seal(&a.public_key, b"info", b"aad", b"text")
        .expect("seal");
    moved("HPKE encapsulation");
    cs.signature_generate_key_pair().expect("signature key");
    moved("signature key generation");
    let (x, y) = (
        cs.random_bytes(32).expect("x"),
        cs.random_bytes(32).expect("y"),
    );
    moved("random_fill");
    assert_ne!(x, y);
}
