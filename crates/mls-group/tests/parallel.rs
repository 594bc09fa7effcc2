//! The `parallel` feature (issue 14 item 2) changes nothing but the speed:
//! the same operations run in a 1-thread rayon pool and in a 4-thread pool
//! give byte-identical Commits, Welcomes and states, and the same error
//! (the first failing item in order) when several items are bad.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::{provider, snapshot, suite};
use mls_codec::{Credential, KeyPackage, VLBytes};
use mls_group::{CreateOptions, Group, GroupConfig, JoinOptions};
use mls_treekem::TreeView;

const MEMBERS: usize = 40;

/// One fixed time for every run, so that lifetimes (and so the bytes) do
/// not depend on when a run happens.
fn clock() -> Arc<dyn mls_treekem::Clock> {
    Arc::new(mls_treekem::FixedClock(1_800_000_000))
}

fn config() -> GroupConfig {
    GroupConfig {
        clock: clock(),
        ..GroupConfig::default()
    }
}

fn bundle(
    cs: &dyn mls_crypto::CipherSuiteProvider,
    name: &str,
) -> mls_group::key_package::KeyPackageBundle {
    let signer = cs.signature_generate_key_pair().unwrap();
    mls_group::key_package::KeyPackageBuilder::new()
        .clock(clock())
        .build(cs, Credential::basic(name.as_bytes().to_vec()), &signer)
        .unwrap()
}

/// What one run produces, as bytes and text.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    commit: Vec<u8>,
    welcome: Vec<u8>,
    self_update: Vec<u8>,
    creator: Vec<u8>,
    joined: Vec<Vec<u8>>,
    bad_add: String,
    bad_tree: String,
}

/// A Commit adding MEMBERS - 1 members (KeyPackage validation and the
/// Welcome's seals of a large add), three of them joining (the tree's leaf
/// checks), a self-update (the UpdatePath's seals), a Commit whose
/// KeyPackages 7 and 23 are broken, and the tree checks of a join on a tree
/// with two broken leaves.
fn run() -> Outcome {
    let provider = provider(60);
    let cs = suite(&provider);
    let keys = cs.signature_generate_key_pair().unwrap();
    let mut alice = Group::create(
        cs.clone(),
        Credential::basic(b"alice".to_vec()),
        Arc::new(keys),
        config(),
        CreateOptions {
            leaf: mls_group::key_package::KeyPackageBuilder::new().clock(clock()),
            ..CreateOptions::default()
        },
    )
    .unwrap();
    let bundles: Vec<_> = (1..MEMBERS)
        .map(|i| bundle(&*cs, &format!("m{i}")))
        .collect();

    let mut broken: Vec<KeyPackage> = bundles.iter().map(|b| b.key_package().clone()).collect();
    for i in [23, 7] {
        let mut signature = broken[i].signature.as_slice().to_vec();
        signature[3] ^= 1;
        broken[i].signature = VLBytes::new(signature);
    }
    let mut builder = alice.commit_builder();
    for kp in broken {
        builder = builder.add_member(kp);
    }
    let bad_add = format!("{:?}", builder.build().expect_err("broken KeyPackages"));

    let mut builder = alice.commit_builder();
    for b in &bundles {
        builder = builder.add_member(b.key_package().clone());
    }
    let out = builder.build().unwrap();
    alice.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let joined = [0, 17, MEMBERS - 2]
        .iter()
        .map(|&i| {
            let (g, _) = Group::join(
                &provider,
                &welcome,
                &vec![bundles[i].clone()],
                config(),
                JoinOptions::default(),
            )
            .unwrap();
            snapshot(&g)
        })
        .collect();
    // A self-update: its path secrets sealed to the 39 other leaves, seeds
    // drawn in order, seals on the pool.
    let update = alice.commit_builder().build().unwrap();
    alice.merge_pending_commit().unwrap();
    Outcome {
        commit: out.commit_bytes,
        welcome: mls_codec::encode(&welcome).unwrap(),
        self_update: update.commit_bytes,
        creator: snapshot(&alice),
        joined,
        bad_add,
        bad_tree: bad_tree(&alice, &*cs),
    }
}

/// The tree checks of a join over a tree whose leaves 30 and 9 have broken
/// signatures: the error names leaf 9, the first in order.
fn bad_tree(group: &Group, cs: &dyn mls_crypto::CipherSuiteProvider) -> String {
    let mut tree = group.ratchet_tree().clone();
    for i in [30, 9] {
        let leaf = mls_treekem::LeafIndex::new(i).unwrap();
        let mut node = tree.leaf(leaf).unwrap().clone();
        let mut signature = node.signature.as_slice().to_vec();
        signature[5] ^= 1;
        node.signature = VLBytes::new(signature);
        tree.update_leaf(leaf, node).unwrap();
    }
    let err = mls_treekem::validate_tree(
        &mut tree,
        cs,
        group.group_id(),
        None,
        &config().leaf_policy(),
    )
    .expect_err("broken leaves");
    format!("{err:?}")
}

#[test]
fn one_thread_and_four_threads_agree() {
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(run);
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(run);
    assert!(one.bad_tree.contains('9'), "{}", one.bad_tree);
    assert_eq!(one, four);
}
