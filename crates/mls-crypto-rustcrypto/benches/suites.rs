//! Per-suite cost of the public-key operations MLS performs most: HPKE
//! seal/open (EncryptWithLabel/DecryptWithLabel, RFC 9420 §5.1.3),
//! signing and verification (§5.1.2), and DeriveKeyPair (RFC 9180 §7.1.3,
//! once per UpdatePath node). Sample sizes are small to keep the run short.
//!
//! Two reference groups run beside them (issue 14, "the crypto floor"):
//! `hpke_anchor` seals and opens with the `hpke` crate's own DHKEMs (what
//! this provider used before `dhkem.rs`), and `floor` times the scalar
//! multiplications that a seal (one fixed-base, one variable-base) and an
//! open (one variable-base) cannot avoid.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mls_crypto::{CipherSuite, CipherSuiteProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;

/// A short name for a suite in the report.
fn name(suite: CipherSuite) -> String {
    format!("0x{:04x}", suite.id())
}

fn hpke(c: &mut Criterion) {
    let provider = RustCryptoProvider::with_seed([1; 32]);
    let mut group = c.benchmark_group("hpke");
    for suite in CipherSuite::ALL {
        let cs = provider.suite(suite);
        let keys = cs.hpke_generate_key_pair().expect("key generation");
        let plaintext = [0x5a; 64];
        group.bench_function(BenchmarkId::new("seal", name(suite)), |b| {
            b.iter(|| {
                cs.hpke_seal(black_box(&keys.public_key), b"info", b"", &plaintext)
                    .expect("seal")
            })
        });
        let ct = cs
            .hpke_seal(&keys.public_key, b"info", b"", &plaintext)
            .expect("seal");
        group.bench_function(BenchmarkId::new("open", name(suite)), |b| {
            b.iter(|| {
                cs.hpke_open(
                    &keys.private_key,
                    &keys.public_key,
                    b"info",
                    b"",
                    black_box(ct.as_ref()),
                )
                .expect("open")
            })
        });
        group.bench_function(BenchmarkId::new("derive_key_pair", name(suite)), |b| {
            b.iter(|| {
                cs.hpke_derive_key_pair(black_box(&[7; 64]))
                    .expect("derive")
            })
        });
    }
    group.finish();
}

/// A deterministic RNG for the anchor (xorshift; benchmark only).
struct BenchRng(u64);

impl hpke::rand_core::TryRng for BenchRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        self.try_next_u64().map(|v| v as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Ok(self.0)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let v = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}

impl hpke::rand_core::TryCryptoRng for BenchRng {}

/// Seal and open 64 bytes with the `hpke` crate's KEM `K`.
fn anchor_for<K: hpke::Kem>(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: &str,
) {
    use hpke::aead::AesGcm128;
    use hpke::kdf::HkdfSha256;
    use hpke::{OpModeR, OpModeS};
    let mut rng = BenchRng(0x0123_4567_89ab_cdef);
    let (sk, pk) = K::derive_keypair(&[9; 66]);
    let plaintext = [0x5a; 64];
    c.bench_function(BenchmarkId::new("seal", id), |b| {
        b.iter(|| {
            hpke::single_shot_seal_with_rng::<AesGcm128, HkdfSha256, K>(
                &OpModeS::Base,
                black_box(&pk),
                b"info",
                &plaintext,
                b"",
                &mut rng,
            )
            .expect("seal")
        })
    });
    let (enc, ct) = hpke::single_shot_seal_with_rng::<AesGcm128, HkdfSha256, K>(
        &OpModeS::Base,
        &pk,
        b"info",
        &plaintext,
        b"",
        &mut rng,
    )
    .expect("seal");
    c.bench_function(BenchmarkId::new("open", id), |b| {
        b.iter(|| {
            hpke::single_shot_open::<AesGcm128, HkdfSha256, K>(
                &OpModeR::Base,
                &sk,
                black_box(&enc),
                b"info",
                &ct,
                b"",
            )
            .expect("open")
        })
    });
}

fn hpke_anchor(c: &mut Criterion) {
    let mut group = c.benchmark_group("hpke_anchor");
    anchor_for::<hpke::kem::X25519HkdfSha256>(&mut group, "0x0001");
    anchor_for::<hpke::kem::DhP256HkdfSha256>(&mut group, "0x0002");
    group.finish();
}

fn floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("floor");
    let secret = x25519_dalek::StaticSecret::from([0x42; 32]);
    let peer = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from([0x24; 32]));
    group.bench_function(BenchmarkId::new("fixed_base", "x25519"), |b| {
        b.iter(|| x25519_dalek::PublicKey::from(black_box(&secret)))
    });
    group.bench_function(BenchmarkId::new("variable_base", "x25519"), |b| {
        b.iter(|| black_box(&secret).diffie_hellman(&peer))
    });
    let sk = p256::SecretKey::from_bytes(&[0x42; 32].into()).expect("scalar");
    let other = p256::SecretKey::from_bytes(&[0x24; 32].into())
        .expect("scalar")
        .public_key();
    group.bench_function(BenchmarkId::new("fixed_base", "p256"), |b| {
        b.iter(|| black_box(&sk).public_key())
    });
    group.bench_function(BenchmarkId::new("variable_base", "p256"), |b| {
        b.iter(|| {
            p256::elliptic_curve::ecdh::diffie_hellman(
                black_box(&sk).to_nonzero_scalar(),
                other.as_affine(),
            )
        })
    });
    group.finish();
}

fn signatures(c: &mut Criterion) {
    let provider = RustCryptoProvider::with_seed([2; 32]);
    let mut group = c.benchmark_group("signature");
    let message = [0xa5; 256];
    for suite in CipherSuite::ALL {
        let cs = provider.suite(suite);
        let keys = cs.signature_generate_key_pair().expect("key generation");
        group.bench_function(BenchmarkId::new("sign", name(suite)), |b| {
            b.iter(|| {
                cs.sign(&keys.private_key, black_box(&message))
                    .expect("sign")
            })
        });
        let sig = cs.sign(&keys.private_key, &message).expect("sign");
        group.bench_function(BenchmarkId::new("verify", name(suite)), |b| {
            b.iter(|| {
                cs.verify(&keys.public_key, black_box(&message), &sig)
                    .expect("verify")
            })
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(500))
}

criterion_group! {
    name = benches;
    config = config();
    targets = hpke, hpke_anchor, floor, signatures
}
criterion_main!(benches);
