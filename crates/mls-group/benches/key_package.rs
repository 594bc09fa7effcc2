//! Benchmarks of KeyPackages and Welcomes (RFC 9420 §10, §12.4.3.1):
//!
//! - KeyPackage generation (two HPKE key pairs, two signatures, the
//!   reference) for suites 1 (X25519/Ed25519) and 2 (P-256);
//! - validation of a received KeyPackage (three key checks, two signature
//!   verifications), same suites;
//! - opening a one-recipient Welcome up to the confirmation tag plus the
//!   GroupInfo signature, same suites.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mls_codec::{CipherSuiteId, Credential, GroupContext, ProtocolVersion, VLBytes};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageValidation, validate_key_package};
use mls_group::welcome::{WelcomeRecipient, create_welcome, open_welcome, sign_group_info};
use mls_keyschedule::{CommitSecret, EpochKeys, InMemoryPskStore, InitSecret, PskSecret};

const SUITES: [CipherSuite; 2] = [
    CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519,
    CipherSuite::Mls128DhKemP256Aes128GcmSha256P256,
];

fn suite(p: &RustCryptoProvider, s: CipherSuite) -> Arc<dyn CipherSuiteProvider> {
    p.cipher_suite_provider(s).expect("suite supported")
}

fn generation(c: &mut Criterion) {
    let p = RustCryptoProvider::new();
    let mut g = c.benchmark_group("key_package_generation");
    for s in SUITES {
        let cs = suite(&p, s);
        let signer = cs.signature_generate_key_pair().expect("key pair");
        let builder = KeyPackageBuilder::new();
        g.bench_function(BenchmarkId::from_parameter(s.id()), |b| {
            b.iter(|| {
                builder
                    .build(&*cs, Credential::basic(b"alice".to_vec()), &signer)
                    .expect("builds")
            })
        });
        // What each KeyPackage paid before the signer's pair was checked
        // once per client instead (issue 14): the public key re-derived.
        g.bench_function(BenchmarkId::new("with_pair_check", s.id()), |b| {
            b.iter(|| {
                mls_group::key_package::check_signer(&*cs, &signer).expect("pair");
                builder
                    .build(&*cs, Credential::basic(b"alice".to_vec()), &signer)
                    .expect("builds")
            })
        });
    }
    g.finish();
}

fn validation(c: &mut Criterion) {
    let p = RustCryptoProvider::new();
    let mut g = c.benchmark_group("key_package_validation");
    let policy = KeyPackageValidation::default();
    for s in SUITES {
        let cs = suite(&p, s);
        let signer = cs.signature_generate_key_pair().expect("key pair");
        let bundle = KeyPackageBuilder::new()
            .build(&*cs, Credential::basic(b"alice".to_vec()), &signer)
            .expect("builds");
        g.bench_function(BenchmarkId::from_parameter(s.id()), |b| {
            b.iter(|| validate_key_package(&*cs, black_box(bundle.key_package()), &policy))
        });
    }
    g.finish();
}

fn welcome_open(c: &mut Criterion) {
    let p = RustCryptoProvider::new();
    let mut g = c.benchmark_group("welcome_open");
    for s in SUITES {
        let cs = suite(&p, s);
        let nh = s.hash_len();
        let committer = cs.signature_generate_key_pair().expect("key pair");
        let joiner = cs.signature_generate_key_pair().expect("key pair");
        let bundle = KeyPackageBuilder::new()
            .build(&*cs, Credential::basic(b"bob".to_vec()), &joiner)
            .expect("builds");
        let gc = GroupContext {
            version: ProtocolVersion::MLS10,
            cipher_suite: CipherSuiteId(s.id()),
            group_id: VLBytes::new(b"bench".to_vec()),
            epoch: 1,
            tree_hash: VLBytes::new(vec![1; nh]),
            confirmed_transcript_hash: VLBytes::new(vec![2; nh]),
            extensions: vec![],
        };
        let keys = EpochKeys::derive(
            &*cs,
            InitSecret::random(&*cs).expect("random"),
            CommitSecret::zero(&*cs),
            PskSecret::zero(&*cs),
            &mls_codec::encode(&gc).expect("encodes"),
        )
        .expect("key schedule");
        let tag = keys
            .secrets
            .confirmation_key
            .tag(&*cs, gc.confirmed_transcript_hash.as_slice());
        let group_info = sign_group_info(&*cs, &committer, gc, vec![], tag, 0).expect("signs");
        let welcome = create_welcome(
            &*cs,
            &group_info,
            &keys.joiner_secret,
            &keys.welcome_secret,
            &[],
            &[WelcomeRecipient {
                key_package: bundle.key_package(),
                path_secret: None,
            }],
        )
        .expect("creates");
        let ours = vec![bundle];
        let store = InMemoryPskStore::new();
        g.bench_function(BenchmarkId::from_parameter(s.id()), |b| {
            b.iter(|| {
                open_welcome(&p, black_box(&welcome), &ours, &store)
                    .and_then(|d| d.verify_signature(&committer.public_key))
                    .expect("opens")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, generation, validation, welcome_open);
criterion_main!(benches);
