//! Ratchet-tree benchmarks at N = 1,000, 10,000 and 100,000 occupied
//! leaves (suite 1): first tree hash, root hash after one UpdatePath,
//! UpdatePath creation and processing, full validation of a received tree,
//! the tree work of one Commit adding N - 1 members (N <= 10,000), and the
//! memory the public tree takes per member (printed).
//!
//! Trees are built once per size by `tests/common/full_tree.rs` (real
//! signatures on every leaf), then reused by every benchmark of that size.

#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use common::full_tree::{FullTree, build_full_tree};
use common::{GROUP_ID, group_context};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use mls_crypto::{CipherSuiteProvider, Secret};
use mls_treekem::{
    CreatedUpdatePath, LeafValidationPolicy, RatchetTree, TreeView, UpdatePathInput,
    apply_update_path, prepare_update_path, validate_tree,
};

const SIZES: [u32; 3] = [1_000, 10_000, 100_000];

fn create_path(
    tree: &RatchetTree,
    ft: &FullTree,
    cs: &dyn CipherSuiteProvider,
) -> (CreatedUpdatePath, Vec<u8>) {
    let template = tree.leaf(ft.sender).unwrap().clone();
    let secret = Secret::new(cs.random_bytes(32).unwrap());
    let mut diff = tree.diff();
    let prepared = prepare_update_path(
        &mut diff,
        cs,
        UpdatePathInput {
            sender: ft.sender,
            group_id: GROUP_ID,
            leaf_secret: &secret,
            leaf_template: &template,
            signer: &ft.sender_signer,
        },
    )
    .unwrap();
    let hash = diff.tree_hash(cs).unwrap();
    let gc = group_context(1, &hash);
    (prepared.encrypt(&diff, cs, &gc, &[]).unwrap(), gc)
}

fn benches(c: &mut Criterion) {
    let cs = common::suite();
    let cs = cs.as_ref();
    let policy = LeafValidationPolicy::without_time_checks();
    let mut group = c.benchmark_group("treekem");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));

    // TREEKEM_BENCH_MAX=10000 skips the larger trees (quick runs).
    let max: u32 = std::env::var("TREEKEM_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(u32::MAX);
    for n in SIZES.into_iter().filter(|&n| n <= max) {
        let ft = build_full_tree(cs, n);
        let mut tree = RatchetTree::from_wire(ft.wire.clone()).unwrap();
        tree.tree_hash(cs).unwrap();
        if n <= 10_000 {
            // One Commit adding N - 1 members to a one-member group: the
            // per-Add tree work (key uniqueness lookups, leftmost blank leaf,
            // unmerged leaves) must not grow with the Adds before it.
            let leaves: Vec<_> = tree.members().map(|(_, l)| l.clone()).collect();
            let base = RatchetTree::new(leaves[0].clone());
            group.bench_with_input(BenchmarkId::new("add_n_minus_1_members", n), &n, |b, _| {
                b.iter(|| {
                    let mut diff = base.diff();
                    for leaf in &leaves[1..] {
                        assert!(
                            diff.nodes_with_encryption_key(leaf.encryption_key.as_slice())
                                .is_empty()
                        );
                        assert!(
                            diff.leaves_with_signature_key(leaf.signature_key.as_slice())
                                .is_empty()
                        );
                        diff.add_leaf(leaf.clone()).unwrap();
                    }
                    diff.into_changes()
                })
            });
        }
        let bytes = tree.memory_bytes();
        println!(
            "treekem/memory/{n}: public tree {bytes} bytes, {} bytes per member; receiver private keys: {} nodes",
            bytes / n as usize,
            ft.receiver_keys.nodes().count()
        );

        group.bench_with_input(BenchmarkId::new("first_tree_hash", n), &n, |b, _| {
            b.iter_batched(
                || RatchetTree::from_wire(ft.wire.clone()).unwrap(),
                |mut t| t.tree_hash(cs).unwrap(),
                BatchSize::LargeInput,
            )
        });

        let (created, gc) = create_path(&tree, &ft, cs);

        group.bench_with_input(
            BenchmarkId::new("root_hash_after_update_path", n),
            &n,
            |b, _| {
                b.iter_batched(
                    || {
                        let mut d = tree.diff();
                        apply_update_path(
                            &mut d,
                            cs,
                            ft.sender,
                            &created.update_path,
                            GROUP_ID,
                            &[],
                            &policy,
                        )
                        .unwrap();
                        d
                    },
                    |mut d| d.tree_hash(cs).unwrap(),
                    BatchSize::SmallInput,
                )
            },
        );

        group.bench_with_input(BenchmarkId::new("update_path_create", n), &n, |b, _| {
            b.iter(|| create_path(&tree, &ft, cs))
        });

        group.bench_with_input(BenchmarkId::new("update_path_process", n), &n, |b, _| {
            b.iter(|| {
                let mut d = tree.diff();
                let applied = apply_update_path(
                    &mut d,
                    cs,
                    ft.sender,
                    &created.update_path,
                    GROUP_ID,
                    &[],
                    &policy,
                )
                .unwrap();
                let hash = d.tree_hash(cs).unwrap();
                let got = applied.decrypt(&d, cs, &ft.receiver_keys, &gc).unwrap();
                (hash, got.commit_secret)
            })
        });

        group.bench_with_input(BenchmarkId::new("validate_received_tree", n), &n, |b, _| {
            b.iter_batched(
                || RatchetTree::from_wire(ft.wire.clone()).unwrap(),
                |mut t| {
                    let expected = tree.cached_root_hash().unwrap();
                    validate_tree(&mut t, cs, GROUP_ID, Some(expected), &policy).unwrap()
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(treekem, benches);
criterion_main!(treekem);
