//! Per-suite cost of the public-key operations MLS performs most: HPKE
//! seal/open (EncryptWithLabel/DecryptWithLabel, RFC 9420 §5.1.3),
//! signing and verification (§5.1.2), and DeriveKeyPair (RFC 9180 §7.1.3,
//! once per UpdatePath node). Sample sizes are small to keep the run short.

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
                    black_box(&ct.kem_output),
                    b"info",
                    b"",
                    &ct.ciphertext,
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
    targets = hpke, signatures
}
criterion_main!(benches);
