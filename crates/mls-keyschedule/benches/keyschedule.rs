//! Benchmarks of the key schedule and the secret tree (RFC 9420 §8, §9).
//!
//! - one full epoch derivation (joiner, welcome, epoch and all derived
//!   secrets), per suite;
//! - 10,000 sequential application keys of one sender, sending and receiving;
//! - fetching a key 1,000 generations ahead of a fresh ratchet;
//! - secret-tree setup plus the first key of one sender, for groups of 16,
//!   10,000 and 1,000,000 leaves (must grow with log N only).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_keyschedule::{
    CommitSecret, EncryptionSecret, EpochKeys, InitSecret, PskSecret, RatchetKind, SecretTree,
    SecretTreeConfig,
};
use mls_treemath::{LeafCount, LeafIndex};

fn suite(s: CipherSuite) -> Arc<dyn CipherSuiteProvider> {
    RustCryptoProvider::new()
        .cipher_suite_provider(s)
        .expect("suite supported")
}

fn tree(leaves: u32, config: SecretTreeConfig) -> SecretTree {
    SecretTree::new(
        EncryptionSecret::from_slice(&[7; 32]),
        LeafCount::new(leaves).expect("leaf count"),
        config,
    )
}

fn epoch(c: &mut Criterion) {
    let mut g = c.benchmark_group("epoch_derivation");
    let group_context = [0x5a; 120];
    for s in CipherSuite::ALL {
        let cs = suite(s);
        let nh = s.hash_len();
        g.bench_function(BenchmarkId::from_parameter(s.id()), |b| {
            b.iter(|| {
                EpochKeys::derive(
                    cs.as_ref(),
                    InitSecret::from_slice(&vec![1; nh]),
                    CommitSecret::from_slice(&vec![2; nh]),
                    PskSecret::from_slice(&vec![3; nh]),
                    black_box(&group_context),
                )
                .expect("derive")
            })
        });
    }
    g.finish();
}

fn sequential_keys(c: &mut Criterion) {
    let cs = suite(CipherSuite::ALL[0]);
    let cs = cs.as_ref();
    let me = LeafIndex::new(3).expect("leaf");
    let mut g = c.benchmark_group("ratchet_10000_keys");
    g.sample_size(10);
    g.bench_function("send", |b| {
        b.iter_batched(
            || tree(16, SecretTreeConfig::default()),
            |mut t| {
                for _ in 0..10_000 {
                    black_box(
                        t.encryption_key(cs, me, RatchetKind::Application)
                            .expect("send"),
                    );
                }
                t
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("receive", |b| {
        b.iter_batched(
            || tree(16, SecretTreeConfig::default()),
            |mut t| {
                for generation in 0..10_000 {
                    let (key, token) = t
                        .decryption_key(cs, me, RatchetKind::Application, generation)
                        .expect("receive");
                    black_box(key);
                    t.confirm(token).expect("confirm");
                }
                t
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn jump_ahead(c: &mut Criterion) {
    let cs = suite(CipherSuite::ALL[0]);
    let cs = cs.as_ref();
    let sender = LeafIndex::new(3).expect("leaf");
    // Derive the leaf first so only the ratchet jump is measured.
    let mut base = tree(16, SecretTreeConfig::default());
    let (_, token) = base
        .decryption_key(cs, sender, RatchetKind::Application, 0)
        .expect("first");
    base.confirm(token).expect("confirm");
    c.bench_function("ratchet_jump_1000_ahead", |b| {
        b.iter_batched(
            || base.clone(),
            |mut t| {
                let (key, token) = t
                    .decryption_key(cs, sender, RatchetKind::Application, 1001)
                    .expect("jump");
                t.confirm(token).expect("confirm");
                (key, t)
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("ratchet_reject_u32_max", |b| {
        b.iter(|| {
            base.decryption_key(cs, sender, RatchetKind::Application, black_box(u32::MAX))
                .expect_err("too far")
        })
    });
}

fn setup(c: &mut Criterion) {
    let cs = suite(CipherSuite::ALL[0]);
    let cs = cs.as_ref();
    let mut g = c.benchmark_group("tree_setup_one_sender");
    for leaves in [16u32, 10_000, 1_000_000] {
        let me = LeafIndex::new(leaves / 2).expect("leaf");
        g.bench_function(BenchmarkId::from_parameter(leaves), |b| {
            b.iter(|| {
                let mut t = tree(black_box(leaves), SecretTreeConfig::default());
                let key = t
                    .encryption_key(cs, me, RatchetKind::Application)
                    .expect("send");
                (key, t)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, epoch, sequential_keys, jump_ahead, setup);
criterion_main!(benches);
