//! Tree operations, caching and UpdatePath round trips on groups built
//! through the public API.

#![allow(clippy::unwrap_used)]

mod common;

use common::{GROUP_ID, Group, full_tree::build_full_tree, group_context, key_package_leaf};
use mls_crypto::Secret;
use mls_treekem::{
    LeafIndex, LeafValidationPolicy, NodeIndex, RatchetTree, TreeView, UpdatePathInput,
    apply_update_path, prepare_update_path, resolution, validate_tree,
};

fn policy() -> LeafValidationPolicy {
    LeafValidationPolicy::without_time_checks()
}

/// The tree hash of a copy hashed from scratch.
fn fresh_hash(tree: &RatchetTree, cs: &dyn mls_crypto::CipherSuiteProvider) -> Vec<u8> {
    let mut copy = RatchetTree::from_bytes(&tree.to_bytes().expect("bytes")).expect("tree");
    copy.tree_hash(cs).expect("hash")
}

#[test]
fn mixed_group_is_valid_and_cache_matches_fresh_hash() {
    let mut g = Group::mixed();
    let cs = g.cs.clone();
    let cached = g.tree.tree_hash(cs.as_ref()).unwrap();
    assert_eq!(cached, fresh_hash(&g.tree, cs.as_ref()));
    validate_tree(&mut g.tree, cs.as_ref(), GROUP_ID, Some(&cached), &policy()).unwrap();
    // The tree has unmerged leaves somewhere (adds after commits).
    let width = g.tree.size().width().get();
    let unmerged = (0..width)
        .filter_map(|i| g.tree.parent(NodeIndex::new(i)))
        .any(|p| !p.unmerged_leaves.is_empty());
    assert!(unmerged);
}

#[test]
fn cached_hash_tracks_many_operations() {
    let mut g = Group::new();
    let cs = g.cs.clone();
    let cs = cs.as_ref();
    for round in 0..4u32 {
        for i in 0..5 {
            g.add(&format!("r{round} m{i}"));
        }
        let last = (g.members.len() - 1) as u32;
        g.commit(last);
        let h = g.tree.tree_hash(cs).unwrap();
        assert_eq!(h, fresh_hash(&g.tree, cs));
        g.remove(1 + round);
        let h = g.tree.tree_hash(cs).unwrap();
        assert_eq!(h, fresh_hash(&g.tree, cs));
        g.commit(0);
        let mut t = g.tree.clone();
        let h = t.tree_hash(cs).unwrap();
        validate_tree(&mut t, cs, GROUP_ID, Some(&h), &policy()).unwrap();
    }
}

#[test]
fn add_fills_leftmost_blank_then_extends_and_remove_truncates() {
    let mut g = Group::new();
    let cs = g.cs.clone();
    for i in 1..4 {
        g.add(&format!("m{i}"));
    }
    assert_eq!(g.tree.leaf_count(), 4);
    g.remove(1);
    let (leaf, _, _) = key_package_leaf(cs.as_ref(), "again");
    assert_eq!(g.tree.add_leaf(leaf).unwrap(), LeafIndex::new(1).unwrap());
    let (leaf, _, _) = key_package_leaf(cs.as_ref(), "fifth");
    assert_eq!(g.tree.add_leaf(leaf).unwrap(), LeafIndex::new(4).unwrap());
    assert_eq!(g.tree.leaf_count(), 8);
    g.tree.remove_leaf(LeafIndex::new(4).unwrap()).unwrap();
    assert_eq!(g.tree.leaf_count(), 4);
    // Serialization never ends with a blank node.
    assert!(!g.tree.to_wire().ends_with_blank());
    assert_eq!(
        g.tree.tree_hash(cs.as_ref()).unwrap(),
        fresh_hash(&g.tree, cs.as_ref())
    );
}

#[test]
fn truncate_then_extend_in_one_diff_does_not_resurrect_base_nodes() {
    let mut g = Group::new();
    let cs = g.cs.clone();
    for i in 1..5 {
        g.add(&format!("m{i}"));
    }
    g.commit(4);
    let mut diff = g.tree.diff();
    diff.remove_leaf(LeafIndex::new(4).unwrap()).unwrap();
    assert_eq!(diff.leaf_count(), 4);
    let (leaf, _, _) = key_package_leaf(cs.as_ref(), "new");
    diff.remove_leaf(LeafIndex::new(3).unwrap()).unwrap();
    diff.add_leaf(leaf.clone()).unwrap();
    let (leaf2, _, _) = key_package_leaf(cs.as_ref(), "new2");
    assert_eq!(diff.add_leaf(leaf2).unwrap(), LeafIndex::new(4).unwrap());
    // Leaf 4's old path (nodes 9, 11) must not show through.
    assert!(diff.parent(NodeIndex::new(9)).is_none());
    let h = diff.tree_hash(cs.as_ref()).unwrap();
    let changes = diff.into_changes();
    g.tree.merge(changes);
    assert_eq!(g.tree.tree_hash(cs.as_ref()).unwrap(), h);
    assert_eq!(h, fresh_hash(&g.tree, cs.as_ref()));
}

#[test]
fn resolution_matches_rfc_example() {
    // RFC 9420 §4.1.2: after commits and adds, a blank parent resolves to
    // its children's resolutions, a non-blank one to itself plus unmerged leaves.
    let g = Group::mixed();
    for i in 0..g.tree.size().width().get() {
        let node = NodeIndex::new(i);
        let res = resolution(&g.tree, node);
        match g.tree.node(node) {
            Some(_) => assert_eq!(res[0], node),
            None if node.is_leaf() => assert!(res.is_empty()),
            None => {
                let mut want = resolution(&g.tree, node.left().unwrap());
                want.extend(resolution(&g.tree, node.right().unwrap()));
                assert_eq!(res, want);
            }
        }
    }
}

#[test]
fn update_path_excludes_new_leaves_and_may_have_zero_ciphertexts() {
    let mut g = Group::new();
    let cs = g.cs.clone();
    let cs = cs.as_ref();
    g.add("m1");
    g.commit(0);
    // Add two members in the same commit as the path.
    let mut diff = g.tree.diff();
    let (l2, _, _) = key_package_leaf(cs, "m2");
    let (l3, _, _) = key_package_leaf(cs, "m3");
    let a = diff.add_leaf(l2).unwrap();
    let b = diff.add_leaf(l3).unwrap();
    let sender = LeafIndex::new(0).unwrap();
    let template = g.tree.leaf(sender).unwrap().clone();
    let me = g.members[0].as_ref().unwrap();
    let secret = Secret::new(vec![9; 32]);
    let prepared = prepare_update_path(
        &mut diff,
        cs,
        UpdatePathInput {
            sender,
            group_id: GROUP_ID,
            leaf_secret: &secret,
            leaf_template: &template,
            signer: &me.signer,
        },
    )
    .unwrap();
    let h = diff.tree_hash(cs).unwrap();
    let gc = group_context(2, &h);
    let created = prepared.encrypt(&diff, cs, &gc, &[a, b]).unwrap();
    // Filtered path of leaf 0 in 4 leaves: node 1 (copath leaf 1) and root 3
    // (copath node 5 holds only new leaves: zero ciphertexts, V-7.6-03).
    assert_eq!(created.update_path.nodes.len(), 2);
    assert_eq!(created.update_path.nodes[0].encrypted_path_secret.len(), 1);
    assert_eq!(created.update_path.nodes[1].encrypted_path_secret.len(), 0);

    // Member 1 processes it on its own diff with the same adds.
    let mut d = g.tree.diff();
    let (l2b, l3b) = (
        g.tree.leaf(sender).unwrap().clone(),
        g.tree.leaf(sender).unwrap().clone(),
    );
    let _ = (l2b, l3b);
    let m1 = g.members[1].as_ref().unwrap();
    let mut d2 = g.tree.diff();
    for leaf in [a, b] {
        let node = diff.leaf(leaf).unwrap().clone();
        d2.add_leaf(node).unwrap();
    }
    let applied = apply_update_path(
        &mut d2,
        cs,
        sender,
        &created.update_path,
        GROUP_ID,
        &[a, b],
        &policy(),
    )
    .unwrap();
    assert_eq!(d2.tree_hash(cs).unwrap(), h);
    let got = applied.decrypt(&d2, cs, &m1.keys, &gc).unwrap();
    assert_eq!(got.commit_secret, created.commit_secret);
    // Without excluding the new leaves the ciphertext count is wrong.
    d.add_leaf(diff.leaf(a).unwrap().clone()).unwrap();
    d.add_leaf(diff.leaf(b).unwrap().clone()).unwrap();
    assert!(
        apply_update_path(
            &mut d,
            cs,
            sender,
            &created.update_path,
            GROUP_ID,
            &[],
            &policy()
        )
        .is_err()
    );
}

#[test]
fn update_path_is_deterministic_given_the_leaf_secret() {
    let g = Group::mixed();
    let cs = g.cs.clone();
    let cs = cs.as_ref();
    let sender = LeafIndex::new(2).unwrap();
    let template = g.tree.leaf(sender).unwrap().clone();
    let me = g.members[2].as_ref().unwrap();
    let secret = Secret::new(vec![5; 32]);
    let mut keys = Vec::new();
    for _ in 0..2 {
        let mut diff = g.tree.diff();
        let prepared = prepare_update_path(
            &mut diff,
            cs,
            UpdatePathInput {
                sender,
                group_id: GROUP_ID,
                leaf_secret: &secret,
                leaf_template: &template,
                signer: &me.signer,
            },
        )
        .unwrap();
        let h = diff.tree_hash(cs).unwrap();
        let created = prepared
            .encrypt(&diff, cs, &group_context(1, &h), &[])
            .unwrap();
        keys.push((
            created.commit_secret,
            created
                .update_path
                .nodes
                .iter()
                .map(|n| n.encryption_key.clone())
                .collect::<Vec<_>>(),
            created.update_path.leaf_node.encryption_key.clone(),
        ));
    }
    assert_eq!(keys[0], keys[1]);
}

#[test]
fn full_tree_builder_gives_a_valid_tree_and_paths_work() {
    let cs = common::suite();
    let cs = cs.as_ref();
    for n in [2u32, 3, 5, 8, 13, 64] {
        let ft = build_full_tree(cs, n);
        let mut tree = RatchetTree::from_wire(ft.wire.clone()).unwrap();
        let h = tree.tree_hash(cs).unwrap();
        validate_tree(&mut tree, cs, GROUP_ID, Some(&h), &policy()).unwrap();

        let template = tree.leaf(ft.sender).unwrap().clone();
        let secret = Secret::new(vec![3; 32]);
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
        let h2 = diff.tree_hash(cs).unwrap();
        let gc = group_context(1, &h2);
        let created = prepared.encrypt(&diff, cs, &gc, &[]).unwrap();
        let mut d = tree.diff();
        let applied = apply_update_path(
            &mut d,
            cs,
            ft.sender,
            &created.update_path,
            GROUP_ID,
            &[],
            &policy(),
        )
        .unwrap();
        assert_eq!(d.tree_hash(cs).unwrap(), h2);
        let got = applied.decrypt(&d, cs, &ft.receiver_keys, &gc).unwrap();
        assert_eq!(got.commit_secret, created.commit_secret);
        mls_treekem::verify_path_parent_hashes(&d, cs, ft.sender).unwrap();
        // After merging, the tree is still valid.
        let changes = d.into_changes();
        tree.merge(changes);
        let h3 = tree.tree_hash(cs).unwrap();
        assert_eq!(h3, h2);
        validate_tree(&mut tree, cs, GROUP_ID, Some(&h3), &policy()).unwrap();
    }
}

#[test]
fn external_commit_round_trip() {
    // RFC 9420 §12.4.3.2: a joiner places its own leaf (leftmost blank) and
    // sends a path; members process it with apply_external_update_path.
    let mut g = Group::mixed();
    g.remove(4);
    let cs = g.cs.clone();
    let cs = cs.as_ref();
    let (template, _, signer) = key_package_leaf(cs, "joiner");
    let mut diff = g.tree.diff();
    let joiner = diff.add_leaf(template.clone()).unwrap();
    assert_eq!(joiner, LeafIndex::new(4).unwrap());
    let secret = Secret::new(vec![8; 32]);
    let prepared = prepare_update_path(
        &mut diff,
        cs,
        UpdatePathInput {
            sender: joiner,
            group_id: GROUP_ID,
            leaf_secret: &secret,
            leaf_template: &template,
            signer: &signer,
        },
    )
    .unwrap();
    let h = diff.tree_hash(cs).unwrap();
    let gc = group_context(7, &h);
    let created = prepared.encrypt(&diff, cs, &gc, &[]).unwrap();
    let mut joiner_keys = mls_treekem::TreePrivateKeys::without_keys(joiner);
    joiner_keys.apply(created.private_keys);
    assert!(joiner_keys.get(joiner.node()).is_some());
    for (i, m) in g.members.iter().enumerate() {
        let Some(m) = m else { continue };
        let mut d = g.tree.diff();
        let (at, applied) = mls_treekem::apply_external_update_path(
            &mut d,
            cs,
            &created.update_path,
            GROUP_ID,
            &[],
            &policy(),
        )
        .unwrap();
        assert_eq!(at, joiner);
        assert_eq!(d.tree_hash(cs).unwrap(), h, "member {i}");
        let got = applied.decrypt(&d, cs, &m.keys, &gc).unwrap();
        assert_eq!(got.commit_secret, created.commit_secret);
    }
    let changes = diff.into_changes();
    g.tree.merge(changes);
    let h2 = g.tree.tree_hash(cs).unwrap();
    validate_tree(&mut g.tree, cs, GROUP_ID, Some(&h2), &policy()).unwrap();
    g.tree.verify_parent_hashes(cs).unwrap();
}

#[test]
fn one_call_create_and_process() {
    let g = Group::mixed();
    let cs = g.cs.clone();
    let cs = cs.as_ref();
    let sender = LeafIndex::new(1).unwrap();
    let template = g.tree.leaf(sender).unwrap().clone();
    let secret = Secret::new(vec![4; 32]);
    let mut diff = g.tree.diff();
    let created = mls_treekem::create_update_path(
        &mut diff,
        cs,
        UpdatePathInput {
            sender,
            group_id: GROUP_ID,
            leaf_secret: &secret,
            leaf_template: &template,
            signer: &g.members[1].as_ref().unwrap().signer,
        },
        &[],
        |h| Ok(group_context(3, h)),
    )
    .unwrap();
    for (i, m) in g.members.iter().enumerate() {
        let Some(m) = m else { continue };
        if i == 1 {
            continue;
        }
        let mut d = g.tree.diff();
        let got = mls_treekem::process_update_path(
            &mut d,
            cs,
            sender,
            &created.update_path,
            GROUP_ID,
            &[],
            &policy(),
            &m.keys,
            |h| Ok(group_context(3, h)),
        )
        .unwrap();
        assert_eq!(got.commit_secret, created.commit_secret);
        // A wrong context fails and leaves the diff as it was.
        let mut d = g.tree.diff();
        let before = d.to_wire();
        assert!(
            mls_treekem::process_update_path(
                &mut d,
                cs,
                sender,
                &created.update_path,
                GROUP_ID,
                &[],
                &policy(),
                &m.keys,
                |h| Ok(group_context(4, h)),
            )
            .is_err()
        );
        assert_eq!(d.to_wire(), before);
    }
}
