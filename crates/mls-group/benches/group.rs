//! Group-level benchmarks (RFC 9420 §12.4) for suites 1 (X25519, Ed25519)
//! and 2 (P-256):
//!
//! - `commit_add/N`: one Commit adding N-1 members to a one-member group
//!   (KeyPackage validation, tree, UpdatePath, Welcome), N = 10, 100, 1,000;
//! - `join/N`: joining from that Welcome (GroupSecrets, GroupInfo, full tree
//!   validation, path secret);
//! - `self_update/N`: an empty Commit with a fresh UpdatePath by the creator
//!   of a full group of N, and `process_update/N`: staging it at another
//!   member (N = 10, 100, 1,000, 10,000; suite 2 self_update stops at
//!   1,000: in a freshly built group the UpdatePath encrypts to all N-1
//!   leaves, about 13 s per Commit at 10,000 with P-256), and
//!   `receive_update/N`: the same Commit as bytes, decoded, staged and
//!   merged by that member (what `benches/compare` times).
//!
//! Creating a Commit and staging a received PublicMessage Commit leave the
//! group unchanged, so each group is built once per N and reused. Sample
//! sizes are small: the whole run takes a few minutes.

#[path = "support/mod.rs"]
mod support;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use support::{adds, bundles};

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use mls_codec::{Credential, MlsMessage, Proposal};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::KeyPackageBundle;
use mls_group::{CreateOptions, Group, GroupConfig, JoinOptions, ProcessedMessage};

const SUITES: [(CipherSuite, &str); 2] = [
    (
        CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519,
        "suite1",
    ),
    (CipherSuite::Mls128DhKemP256Aes128GcmSha256P256, "suite2"),
];

/// A creator with N-1 KeyPackages to add.
struct Setup {
    provider: RustCryptoProvider,
    creator: Group,
    joiners: Vec<KeyPackageBundle>,
}

fn setup(suite: CipherSuite, n: usize) -> Setup {
    let provider = RustCryptoProvider::with_seed([7; 32]);
    let cs: Arc<dyn CipherSuiteProvider> = provider.cipher_suite_provider(suite).expect("suite");
    let all = bundles(cs.as_ref(), 0, n - 1);
    let signer = cs.signature_generate_key_pair().expect("signature key");
    let creator = Group::create(
        cs,
        Credential::basic("creator"),
        Arc::new(signer),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .expect("create");
    Setup {
        provider,
        creator,
        joiners: all,
    }
}

/// A full group of N: the creator and the member at leaf 1.
fn full_group(suite: CipherSuite, n: usize) -> (Group, Group) {
    let Setup {
        provider,
        mut creator,
        mut joiners,
    } = setup(suite, n);
    let out = creator
        .commit_builder()
        .proposals(adds(&joiners))
        .build()
        .expect("commit");
    creator.merge_pending_commit().expect("merge");
    let first = joiners.swap_remove(0);
    let welcome = out.welcome.expect("welcome");
    let (member, _) = Group::join(
        &provider,
        &welcome,
        &vec![first],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect("join");
    (creator, member)
}

fn commit_and_join(c: &mut Criterion) {
    for (suite, name) in SUITES {
        let mut group = c.benchmark_group(format!("{name}/commit_add"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500));
        for n in [10usize, 100, 1_000] {
            // Built on first use, so a filtered-out benchmark costs nothing.
            let mut state: Option<(Setup, Vec<Proposal>)> = None;
            group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
                let (s, options) = state.get_or_insert_with(|| {
                    let s = setup(suite, n);
                    let options = adds(&s.joiners);
                    (s, options)
                });
                b.iter(|| {
                    let out = s
                        .creator
                        .commit_builder()
                        .proposals(options.clone())
                        .build()
                        .expect("commit");
                    s.creator.clear_pending_commit();
                    black_box(out)
                })
            });
        }
        group.finish();

        let mut group = c.benchmark_group(format!("{name}/join"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500));
        for n in [10usize, 100, 1_000] {
            let mut state: Option<(Setup, MlsMessage, Vec<KeyPackageBundle>)> = None;
            group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
                let (s, welcome, me) = state.get_or_insert_with(|| {
                    let mut s = setup(suite, n);
                    let out = s
                        .creator
                        .commit_builder()
                        .proposals(adds(&s.joiners))
                        .build()
                        .expect("commit");
                    let me = vec![s.joiners.swap_remove(0)];
                    (s, out.welcome.expect("welcome"), me)
                });
                b.iter(|| {
                    black_box(
                        Group::join(
                            &s.provider,
                            welcome,
                            &*me,
                            GroupConfig::default(),
                            JoinOptions::default(),
                        )
                        .expect("join"),
                    )
                })
            });
        }
        group.finish();
    }
}

fn self_update(c: &mut Criterion) {
    for (suite, name) in SUITES {
        for n in [10usize, 100, 1_000, 10_000] {
            // The full group is built on first use and shared by both
            // benchmarks of this N.
            let mut state: Option<(Group, Group)> = None;
            // In a freshly built group every copath resolution is a set of
            // leaves, so a self-update encrypts to all N-1 members: ~13 s per
            // Commit with P-256 at 10,000, too slow to sample here (one
            // Commit is still made for process_update).
            if !(suite == SUITES[1].0 && n == 10_000) {
                let mut group = c.benchmark_group(format!("{name}/self_update"));
                group
                    .sample_size(10)
                    .warm_up_time(Duration::from_millis(200))
                    .measurement_time(Duration::from_secs(2));
                group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
                    let (creator, _) = state.get_or_insert_with(|| full_group(suite, n));
                    b.iter(|| {
                        let out = creator.commit_builder().build().expect("commit");
                        creator.clear_pending_commit();
                        black_box(out)
                    })
                });
                group.finish();
            }
            let mut group = c.benchmark_group(format!("{name}/process_update"));
            group
                .sample_size(10)
                .warm_up_time(Duration::from_millis(200))
                .measurement_time(Duration::from_secs(2));
            let mut commit: Option<MlsMessage> = None;
            group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
                let (creator, member) = state.get_or_insert_with(|| full_group(suite, n));
                let message = commit.get_or_insert_with(|| update_commit(creator));
                b.iter(|| black_box(member.process_message(message).expect("process")))
            });
            group.finish();
            // What a receiver does end to end (and what the comparison
            // with other libraries times): decode the bytes, stage, merge.
            let mut group = c.benchmark_group(format!("{name}/receive_update"));
            group
                .sample_size(10)
                .warm_up_time(Duration::from_millis(200))
                .measurement_time(Duration::from_secs(2));
            group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
                let (creator, member) = state.get_or_insert_with(|| full_group(suite, n));
                let message = commit.get_or_insert_with(|| update_commit(creator));
                let bytes = mls_codec::encode(&*message).expect("encode");
                let snapshot = member.to_bytes().expect("save");
                let provider = RustCryptoProvider::new();
                b.iter_batched(
                    || Group::from_bytes(&snapshot, &provider).expect("load"),
                    |mut g| {
                        let message = mls_codec::decode::<MlsMessage>(&bytes).expect("decode");
                        let ProcessedMessage::Commit(staged) =
                            g.process_message(&message).expect("process")
                        else {
                            panic!("not a Commit")
                        };
                        g.merge_staged_commit(staged).expect("merge");
                        g
                    },
                    BatchSize::LargeInput,
                )
            });
            group.finish();
        }
    }
}

/// A self-update Commit of `creator`, not merged.
fn update_commit(creator: &mut Group) -> MlsMessage {
    let out = creator.commit_builder().build().expect("commit");
    creator.clear_pending_commit();
    out.commit
}

criterion_group!(benches, commit_and_join, self_update);
criterion_main!(benches);
