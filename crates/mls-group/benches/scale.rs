//! Large groups (issue 14 items 3 and 5), suite 1, N = 1,000, 10,000 and
//! 50,000 (the sizes can be narrowed with a criterion filter such as
//! `scale/10000/`):
//!
//! - `self_update`: an empty Commit with a fresh UpdatePath by the creator
//!   of a full group (in a group built by one Commit adding everyone, every
//!   copath resolution is a set of leaves, so this encrypts to all N-1
//!   members: the TreeKEM cost of such a tree, RFC 9420 §7.4-§7.6);
//! - `process_update`: another member staging that Commit;
//! - `join`: joining the group of N from the Welcome that added everyone;
//! - `add_100`: one Commit adding 100 members to the group of N (KeyPackage
//!   validation, 100 leaves, 100 Welcome encryptions, the GroupInfo with the
//!   tree); divide by 100 for the cost per added member;
//! - `add_100_tree_out_of_band`: the same with the tree not in the
//!   Welcome (`ratchet_tree_extension` off): the per-Add work alone;
//! - `group_info_with_tree`: `export_group_info(true)`, the GroupInfo every
//!   Commit signed before issue 14 item 3;
//! - `app_encrypt`, `app_decrypt`: a 1 KiB application message.
//!
//! Each group is built once per N (its Commit, Welcome and join are the
//! setup, not timed) and shared by the benchmarks of that N; creating a
//! Commit and staging a received one leave the groups unchanged. The heap
//! a joined member's `Group` retains (a counting allocator around `join`)
//! is printed per member as `scale/N/memory`.

#[path = "support/mod.rs"]
mod support;
use std::alloc::System;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{adds, bundles};

use cap::Cap;
use criterion::{Criterion, criterion_group, criterion_main};
use mls_codec::{Credential, MlsMessage, Proposal};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::KeyPackageBundle;
use mls_group::{CreateOptions, Group, GroupConfig, JoinOptions};

#[global_allocator]
static ALLOC: Cap<System> = Cap::new(System, usize::MAX);

const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
const SIZES: [usize; 3] = [1_000, 10_000, 50_000];
const ADDED: usize = 100;

/// A full group of N: its creator, the member at leaf 1, what that member
/// joined with, and 100 KeyPackages to add.
struct World {
    provider: RustCryptoProvider,
    creator: Group,
    member: Group,
    welcome: MlsMessage,
    member_bundle: KeyPackageBundle,
    extra: Vec<Proposal>,
    self_update: MlsMessage,
}

fn world(n: usize) -> World {
    let provider = RustCryptoProvider::with_seed([9; 32]);
    let cs: Arc<dyn CipherSuiteProvider> = provider.cipher_suite_provider(SUITE).expect("suite");
    let mut joiners = bundles(cs.as_ref(), 1, n - 1);
    let extra = adds(&bundles(cs.as_ref(), n, ADDED));
    let signer = cs.signature_generate_key_pair().expect("signature key");
    let mut creator = Group::create(
        cs,
        Credential::basic("creator"),
        Arc::new(signer),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .expect("create");
    let out = creator
        .commit_builder()
        .proposals(adds(&joiners))
        .build()
        .expect("commit");
    creator.merge_pending_commit().expect("merge");
    let welcome = out.welcome.expect("welcome");
    let member_bundle = joiners.swap_remove(0);
    drop(joiners);
    let before = ALLOC.allocated();
    let (member, _) = Group::join(
        &provider,
        &welcome,
        &vec![member_bundle.clone()],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect("join");
    let retained = ALLOC.allocated().saturating_sub(before);
    println!(
        "scale/{n}/memory: a member's Group retains {retained} bytes, {} bytes per member",
        retained / n
    );
    let self_update = {
        let out = creator.commit_builder().build().expect("commit");
        creator.clear_pending_commit();
        out.commit
    };
    World {
        provider,
        creator,
        member,
        welcome,
        member_bundle,
        extra,
        self_update,
    }
}

fn scale(c: &mut Criterion) {
    for n in SIZES {
        // Built on first use, so a filtered-out size costs nothing.
        let mut state: Option<World> = None;
        let mut group = c.benchmark_group(format!("scale/{n}"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(1))
            .measurement_time(Duration::from_secs(1));
        group.bench_function("self_update", |b| {
            let w = state.get_or_insert_with(|| world(n));
            b.iter(|| {
                let out = w.creator.commit_builder().build().expect("commit");
                w.creator.clear_pending_commit();
                black_box(out)
            })
        });
        group.bench_function("process_update", |b| {
            let w = state.get_or_insert_with(|| world(n));
            b.iter(|| black_box(w.member.process_message(&w.self_update).expect("process")))
        });
        group.bench_function("join", |b| {
            let w = state.get_or_insert_with(|| world(n));
            let me = vec![w.member_bundle.clone()];
            b.iter(|| {
                black_box(
                    Group::join(
                        &w.provider,
                        &w.welcome,
                        &me,
                        GroupConfig::default(),
                        JoinOptions::default(),
                    )
                    .expect("join"),
                )
            })
        });
        group.bench_function("add_100", |b| {
            let w = state.get_or_insert_with(|| world(n));
            b.iter(|| {
                let out = w
                    .creator
                    .commit_builder()
                    .proposals(w.extra.clone())
                    .build()
                    .expect("commit");
                w.creator.clear_pending_commit();
                black_box(out)
            })
        });
        // The same Commit with the tree handed out of band: what remains is
        // the work per Add, without encoding, signing and encrypting the
        // whole tree inside the Welcome's GroupInfo.
        group.bench_function("add_100_tree_out_of_band", |b| {
            let w = state.get_or_insert_with(|| world(n));
            w.creator.set_ratchet_tree_extension(false);
            b.iter(|| {
                let out = w
                    .creator
                    .commit_builder()
                    .proposals(w.extra.clone())
                    .build()
                    .expect("commit");
                w.creator.clear_pending_commit();
                black_box(out)
            });
            w.creator.set_ratchet_tree_extension(true);
        });
        // A signed GroupInfo with the tree, on demand: what every Commit
        // paid before issue 14 item 3, and what a Welcome still needs.
        group.bench_function("group_info_with_tree", |b| {
            let w = state.get_or_insert_with(|| world(n));
            b.iter(|| black_box(w.creator.export_group_info(true).expect("group info")))
        });
        let data = vec![0x5a; 1024];
        group.bench_function("app_encrypt", |b| {
            let w = state.get_or_insert_with(|| world(n));
            b.iter(|| {
                black_box(
                    w.creator
                        .encrypt_application_message(&data, b"")
                        .expect("encrypt"),
                )
            })
        });
        // The member sends (its ratchet is unused by the encryption bench
        // above), the creator receives, generation after generation.
        group.bench_function("app_decrypt", |b| {
            let w = state.get_or_insert_with(|| world(n));
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let m = w
                        .member
                        .encrypt_application_message(&data, b"")
                        .expect("encrypt");
                    let start = Instant::now();
                    black_box(w.creator.process_message(&m).expect("decrypt"));
                    spent += start.elapsed();
                }
                spent
            })
        });
        group.finish();
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
