//! Bad input (VALIDATION.md §7, §12.4.3.1, §12.4.3.3): every rejected tree
//! or UpdatePath gets the typed error naming the rule, and the tree (or the
//! staged diff) it was applied to is unchanged.

#![allow(clippy::unwrap_used)]

mod common;

use common::{GROUP_ID, Group, group_context, sign_leaf};
use mls_codec::{Certificate, Credential, CredentialType, Node, UpdatePath, VLBytes};
use mls_crypto::Secret;
use mls_crypto::labeled::encrypt_with_label;
use mls_treekem::{
    LeafIndex, LeafValidationPolicy, RatchetTree, TreeKemError, TreeView, UPDATE_PATH_NODE_LABEL,
    UpdatePathInput, apply_update_path, prepare_update_path, resolution_into, validate_tree,
};

fn policy() -> LeafValidationPolicy {
    LeafValidationPolicy::without_time_checks()
}

/// The mixed fixture's wire nodes, mutated by `f`.
fn mutated(g: &Group, f: impl FnOnce(&mut Vec<Option<Node>>)) -> mls_codec::RatchetTree {
    let mut nodes = g.tree.to_wire().to_nodes().unwrap();
    f(&mut nodes);
    mls_codec::RatchetTree::from_nodes(nodes)
}

fn parent_mut(nodes: &mut [Option<Node>], i: usize) -> &mut mls_codec::ParentNode {
    match nodes[i].as_mut() {
        Some(Node::Parent(p)) => p,
        _ => panic!("node {i} is not a parent"),
    }
}

fn leaf_mut(nodes: &mut [Option<Node>], leaf: usize) -> &mut mls_codec::LeafNode {
    match nodes[2 * leaf].as_mut() {
        Some(Node::Leaf(l)) => l,
        _ => panic!("leaf {leaf} is blank"),
    }
}

/// Validate a mutated tree against its own (recomputed) tree hash, so the
/// deeper check fires (G-26), and check the tree is unchanged afterwards.
fn validate_mutated(g: &Group, wire: mls_codec::RatchetTree) -> TreeKemError {
    let cs = g.cs.as_ref();
    let mut tree = RatchetTree::from_wire(wire).unwrap();
    let hash = tree.clone().tree_hash(cs).unwrap();
    let before = tree.to_wire();
    let err = validate_tree(&mut tree, cs, GROUP_ID, Some(&hash), &policy()).unwrap_err();
    assert_eq!(
        tree.to_wire(),
        before,
        "tree changed by a failed validation"
    );
    err
}

#[test]
fn fixture_is_valid() {
    let g = Group::mixed();
    let wire = mutated(&g, |_| {});
    let mut tree = RatchetTree::from_wire(wire).unwrap();
    let hash = tree.clone().tree_hash(g.cs.as_ref()).unwrap();
    validate_tree(&mut tree, g.cs.as_ref(), GROUP_ID, Some(&hash), &policy()).unwrap();
}

#[test]
fn wrong_tree_hash() {
    let g = Group::mixed();
    let mut tree = g.tree.clone();
    let before = tree.to_wire();
    let err = validate_tree(
        &mut tree,
        g.cs.as_ref(),
        GROUP_ID,
        Some(&[0; 32]),
        &policy(),
    )
    .unwrap_err();
    assert_eq!(err, TreeKemError::TreeHashMismatch);
    assert_eq!(tree.to_wire(), before);
}

#[test]
fn wrong_parent_hash() {
    // V-7.9.2-01: a parent hash changed breaks the link to its parent, which
    // is then on no chain.
    let g = Group::mixed();
    let wire = mutated(&g, |n| {
        let p = parent_mut(n, 3);
        let mut ph = p.parent_hash.as_slice().to_vec();
        ph[0] ^= 1;
        p.parent_hash = VLBytes::new(ph);
    });
    // Node 3's own parent hash is an input of the parent hash its child
    // links with, so node 3 loses its chain too; the lowest is reported.
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::ParentHashNotCovered { node: 3 }
    );
}

#[test]
fn replaced_parent_key_is_not_covered() {
    // V-7.9.2-01: node 11's key replaced: its child's chain no longer reaches it.
    let g = Group::mixed();
    let wire = mutated(&g, |n| {
        parent_mut(n, 11).encryption_key = vec![0x42; 32].into();
    });
    assert!(matches!(
        validate_mutated(&g, wire),
        TreeKemError::ParentHashNotCovered { .. }
    ));
}

#[test]
fn parent_on_no_chain() {
    // V-7.9.2-02: a parent node inserted at a blank position is on no chain.
    let g = Group::mixed();
    let blank = (1..15)
        .step_by(2)
        .find(|&i| g.tree.to_wire().to_nodes().unwrap()[i].is_none())
        .unwrap();
    let wire = mutated(&g, |n| {
        n[blank] = Some(Node::Parent(mls_codec::ParentNode {
            encryption_key: vec![0x77; 32].into(),
            parent_hash: VLBytes::new(vec![1; 32]),
            // Consistent with node 11's unmerged leaf 7 when below it.
            unmerged_leaves: if blank == 13 { vec![7] } else { vec![] },
        }));
    });
    let err = validate_mutated(&g, wire);
    assert!(
        matches!(err, TreeKemError::ParentHashNotCovered { .. }),
        "{err:?}"
    );
}

#[test]
fn unsorted_or_duplicate_unmerged_leaves() {
    let g = Group::mixed();
    assert_eq!(
        g.tree.to_wire().to_nodes().unwrap()[11]
            .as_ref()
            .map(|_| ()),
        Some(())
    );
    for list in [vec![7, 6], vec![7, 7]] {
        let wire = mutated(&g, |n| parent_mut(n, 11).unmerged_leaves = list.clone());
        assert_eq!(
            validate_mutated(&g, wire),
            TreeKemError::UnmergedLeavesNotSorted { node: 11 }
        );
    }
}

#[test]
fn unmerged_leaf_not_below_the_node() {
    let g = Group::mixed();
    let wire = mutated(&g, |n| parent_mut(n, 11).unmerged_leaves = vec![0]);
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::UnmergedLeafNotDescendant { node: 11, leaf: 0 }
    );
    let wire = mutated(&g, |n| parent_mut(n, 11).unmerged_leaves = vec![7, 99]);
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::UnmergedLeafNotDescendant { node: 11, leaf: 99 }
    );
}

#[test]
fn unmerged_leaf_blank() {
    let g = Group::mixed();
    let wire = mutated(&g, |n| {
        n[12] = None;
        parent_mut(n, 11).unmerged_leaves = vec![6, 7];
    });
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::UnmergedLeafBlank { node: 11, leaf: 6 }
    );
}

#[test]
fn unmerged_leaf_missing_on_intermediate_node() {
    // V-12.4.3.1-17: the root lists leaf 7 but node 11, between them, does not.
    let g = Group::mixed();
    let wire = mutated(&g, |n| {
        parent_mut(n, 7).unmerged_leaves = vec![7];
        parent_mut(n, 11).unmerged_leaves = vec![];
    });
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::UnmergedLeafMissingBelow {
            node: 11,
            ancestor: 7,
            leaf: 7
        }
    );
}

#[test]
fn leaf_in_parent_position_and_parent_in_leaf_position() {
    let g = Group::mixed();
    let wire = mutated(&g, |n| n[1] = n[0].clone());
    assert_eq!(
        RatchetTree::from_wire(wire).unwrap_err(),
        TreeKemError::WrongNodeType { node: 1 }
    );
    let wire = mutated(&g, |n| n[2] = n[3].clone());
    assert_eq!(
        RatchetTree::from_wire(wire).unwrap_err(),
        TreeKemError::WrongNodeType { node: 2 }
    );
}

#[test]
fn trailing_blank_and_empty_tree() {
    let g = Group::mixed();
    let wire = mutated(&g, |n| n.push(None));
    assert_eq!(
        RatchetTree::from_wire(wire).unwrap_err(),
        TreeKemError::TrailingBlankNode
    );
    assert_eq!(
        RatchetTree::from_wire(mls_codec::RatchetTree::new()).unwrap_err(),
        TreeKemError::EmptyTree
    );
    let too_big = mls_codec::RatchetTree::from_nodes(vec![
        g.tree.to_wire().to_nodes().unwrap()[0]
            .clone();
        9
    ]);
    assert!(matches!(
        RatchetTree::from_wire_with_limit(too_big, 8).unwrap_err(),
        TreeKemError::TreeTooLarge { .. }
    ));
}

#[test]
fn duplicate_keys() {
    let g = Group::mixed();
    // Two leaves with one encryption key.
    let wire = mutated(&g, |n| {
        let key = leaf_mut(n, 0).encryption_key.clone();
        leaf_mut(n, 1).encryption_key = key;
    });
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::DuplicateEncryptionKey {
            first: 0,
            second: 2
        }
    );
    // A parent sharing a leaf's encryption key (V-12.4.3.1-18).
    let wire = mutated(&g, |n| {
        let key = leaf_mut(n, 6).encryption_key.clone();
        parent_mut(n, 11).encryption_key = key;
    });
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::DuplicateEncryptionKey {
            first: 11,
            second: 12
        }
    );
    // Two leaves with one signature key.
    let wire = mutated(&g, |n| {
        let key = leaf_mut(n, 0).signature_key.clone();
        leaf_mut(n, 4).signature_key = key;
    });
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::DuplicateSignatureKey {
            first: 0,
            second: 4
        }
    );
}

#[test]
fn leaf_with_bad_signature() {
    let g = Group::mixed();
    let wire = mutated(&g, |n| {
        let l = leaf_mut(n, 4);
        let mut s = l.signature.as_slice().to_vec();
        s[5] ^= 0x80;
        l.signature = VLBytes::new(s);
    });
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::LeafSignatureInvalid { leaf: Some(4) }
    );
    // V-7.2-06: a commit-source leaf signed for another group.
    let mut tree = g.tree.clone();
    let hash = tree.tree_hash(g.cs.as_ref()).unwrap();
    let err = validate_tree(
        &mut tree,
        g.cs.as_ref(),
        b"another group",
        Some(&hash),
        &policy(),
    )
    .unwrap_err();
    assert!(matches!(err, TreeKemError::LeafSignatureInvalid { .. }));
}

#[test]
fn leaf_with_unsupported_credential_type() {
    let g = Group::mixed();
    let cs = g.cs.as_ref();
    let signer = &g.members[4].as_ref().unwrap().signer;
    // X.509 credential, listed in its capabilities and correctly signed: the
    // default validator accepts basic credentials only (V-7.3-01).
    let wire = mutated(&g, |n| {
        let l = leaf_mut(n, 4);
        l.credential = Credential::X509 {
            certificates: vec![Certificate {
                cert_data: VLBytes::new(vec![0x30, 0]),
            }],
        };
        l.capabilities.credentials.push(CredentialType::X509);
        sign_leaf(cs, l, signer, 4);
    });
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::CredentialRejected { leaf: Some(4) }
    );
    // A basic credential whose type is missing from the leaf's capabilities (V-7.2-02).
    let wire = mutated(&g, |n| {
        let l = leaf_mut(n, 4);
        l.capabilities.credentials = vec![CredentialType::X509];
        sign_leaf(cs, l, signer, 4);
    });
    assert_eq!(
        validate_mutated(&g, wire),
        TreeKemError::CredentialTypeNotSupported {
            leaf: Some(4),
            credential_type: 1
        }
    );
}

/// A valid UpdatePath from leaf 2 of the mixed group, with the GroupContext
/// it was encrypted under.
fn path_from_2(g: &Group) -> (UpdatePath, Vec<u8>) {
    let cs = g.cs.as_ref();
    let sender = LeafIndex::new(2).unwrap();
    let template = g.tree.leaf(sender).unwrap().clone();
    let secret = Secret::new(vec![1; 32]);
    let mut diff = g.tree.diff();
    let prepared = prepare_update_path(
        &mut diff,
        cs,
        UpdatePathInput {
            sender,
            group_id: GROUP_ID,
            leaf_secret: &secret,
            leaf_template: &template,
            signer: &g.members[2].as_ref().unwrap().signer,
        },
    )
    .unwrap();
    let h = diff.tree_hash(cs).unwrap();
    let gc = group_context(9, &h);
    (
        prepared.encrypt(&diff, cs, &gc, &[]).unwrap().update_path,
        gc,
    )
}

/// Apply a bad path and check the error and that the diff is unchanged.
fn apply_bad(g: &Group, path: &UpdatePath) -> TreeKemError {
    let mut diff = g.tree.diff();
    let before = diff.to_wire();
    let err = apply_update_path(
        &mut diff,
        g.cs.as_ref(),
        LeafIndex::new(2).unwrap(),
        path,
        GROUP_ID,
        &[],
        &policy(),
    )
    .unwrap_err();
    assert_eq!(
        diff.to_wire(),
        before,
        "diff changed by a failed UpdatePath"
    );
    err
}

#[test]
fn update_path_with_wrong_number_of_nodes() {
    let g = Group::mixed();
    let (mut path, _) = path_from_2(&g);
    path.nodes.pop();
    assert!(matches!(
        apply_bad(&g, &path),
        TreeKemError::PathLengthMismatch { .. }
    ));
}

#[test]
fn update_path_node_with_wrong_number_of_ciphertexts() {
    let g = Group::mixed();
    let (mut path, _) = path_from_2(&g);
    path.nodes[0].encrypted_path_secret.pop();
    assert!(matches!(
        apply_bad(&g, &path),
        TreeKemError::CiphertextCountMismatch { .. }
    ));
}

#[test]
fn update_path_with_wrong_parent_hash_or_leaf() {
    let g = Group::mixed();
    let (path, _) = path_from_2(&g);
    let mut bad = path.clone();
    bad.nodes[0].encryption_key = vec![0x55; 32].into();
    assert_eq!(apply_bad(&g, &bad), TreeKemError::PathParentHashMismatch);
    let mut bad = path.clone();
    let mut s = bad.leaf_node.signature.as_slice().to_vec();
    s[0] ^= 1;
    bad.leaf_node.signature = VLBytes::new(s);
    assert_eq!(
        apply_bad(&g, &bad),
        TreeKemError::LeafSignatureInvalid { leaf: Some(2) }
    );
    let mut bad = path;
    bad.leaf_node.leaf_node_source = mls_codec::LeafNodeSource::Update;
    assert!(matches!(
        apply_bad(&g, &bad),
        TreeKemError::WrongLeafNodeSource {
            expected: "commit",
            ..
        }
    ));
}

#[test]
fn update_path_reusing_a_key_in_the_tree() {
    // V-12.4.3.1-18 / V-7.3-17: a path node key equal to leaf 0's key.
    let g = Group::mixed();
    let (mut path, _) = path_from_2(&g);
    path.nodes[1].encryption_key = g
        .tree
        .leaf(LeafIndex::new(0).unwrap())
        .unwrap()
        .encryption_key
        .clone();
    assert!(matches!(
        apply_bad(&g, &path),
        TreeKemError::DuplicateEncryptionKey { first: 0, .. }
    ));
    // A new leaf whose signature key belongs to another member (signed
    // with that member's key, so only the uniqueness rule catches it).
    let (mut path, _) = path_from_2(&g);
    path.leaf_node.signature_key = g
        .tree
        .leaf(LeafIndex::new(1).unwrap())
        .unwrap()
        .signature_key
        .clone();
    sign_leaf(
        g.cs.as_ref(),
        &mut path.leaf_node,
        &g.members[1].as_ref().unwrap().signer,
        2,
    );
    assert_eq!(
        apply_bad(&g, &path),
        TreeKemError::DuplicateSignatureKey {
            first: 1,
            second: 2
        }
    );
}

#[test]
fn ciphertext_that_does_not_decrypt() {
    let g = Group::mixed();
    let cs = g.cs.as_ref();
    let (mut path, gc) = path_from_2(&g);
    for node in &mut path.nodes {
        for ct in &mut node.encrypted_path_secret {
            let mut c = ct.ciphertext.as_slice().to_vec();
            c[0] ^= 1;
            ct.ciphertext = VLBytes::new(c);
        }
    }
    let mut diff = g.tree.diff();
    let applied = apply_update_path(
        &mut diff,
        cs,
        LeafIndex::new(2).unwrap(),
        &path,
        GROUP_ID,
        &[],
        &policy(),
    )
    .unwrap();
    let keys = &g.members[0].as_ref().unwrap().keys;
    let err = applied.decrypt(&diff, cs, keys, &gc).unwrap_err();
    assert!(matches!(
        err,
        TreeKemError::PathSecretDecryptionFailed { .. }
    ));
    // The wrong context (another GroupContext) does not decrypt either (V-7.5-03).
    let (good, _) = path_from_2(&g);
    let mut diff = g.tree.diff();
    let applied = apply_update_path(
        &mut diff,
        cs,
        LeafIndex::new(2).unwrap(),
        &good,
        GROUP_ID,
        &[],
        &policy(),
    )
    .unwrap();
    let err = applied
        .decrypt(&diff, cs, keys, &group_context(10, &[0; 32]))
        .unwrap_err();
    assert!(matches!(
        err,
        TreeKemError::PathSecretDecryptionFailed { .. }
    ));
}

#[test]
fn derived_public_key_does_not_match() {
    // A path secret that decrypts but does not derive the key sent (V-7.5-01).
    let g = Group::mixed();
    let cs = g.cs.as_ref();
    let (mut path, gc) = path_from_2(&g);
    let mut diff = g.tree.diff();
    let steps = apply_update_path(
        &mut diff,
        cs,
        LeafIndex::new(2).unwrap(),
        &path,
        GROUP_ID,
        &[],
        &policy(),
    )
    .unwrap()
    .filtered_direct_path()
    .to_vec();
    for (step, node) in steps.iter().zip(&mut path.nodes) {
        let mut targets = Vec::new();
        resolution_into(&diff, step.copath_child, &[], &mut targets);
        for (target, ct) in targets.iter().zip(&mut node.encrypted_path_secret) {
            let pk = diff.node(*target).unwrap().encryption_key();
            let wrong =
                encrypt_with_label(cs, pk, UPDATE_PATH_NODE_LABEL, &gc, &[0xee; 32]).unwrap();
            ct.kem_output = VLBytes::new(wrong.kem_output);
            ct.ciphertext = VLBytes::new(wrong.ciphertext);
        }
    }
    let mut diff = g.tree.diff();
    let applied = apply_update_path(
        &mut diff,
        cs,
        LeafIndex::new(2).unwrap(),
        &path,
        GROUP_ID,
        &[],
        &policy(),
    )
    .unwrap();
    let keys = &g.members[0].as_ref().unwrap().keys;
    let err = applied.decrypt(&diff, cs, keys, &gc).unwrap_err();
    assert!(matches!(err, TreeKemError::DerivedKeyMismatch { .. }));
    // A secret of the wrong length (V-7.5-06).
    for (step, node) in steps.iter().zip(&mut path.nodes) {
        let mut targets = Vec::new();
        resolution_into(&diff, step.copath_child, &[], &mut targets);
        for (target, ct) in targets.iter().zip(&mut node.encrypted_path_secret) {
            let pk = diff.node(*target).unwrap().encryption_key();
            let wrong =
                encrypt_with_label(cs, pk, UPDATE_PATH_NODE_LABEL, &gc, &[0xee; 31]).unwrap();
            ct.kem_output = VLBytes::new(wrong.kem_output);
            ct.ciphertext = VLBytes::new(wrong.ciphertext);
        }
    }
    let mut diff = g.tree.diff();
    let applied = apply_update_path(
        &mut diff,
        cs,
        LeafIndex::new(2).unwrap(),
        &path,
        GROUP_ID,
        &[],
        &policy(),
    )
    .unwrap();
    assert_eq!(
        applied.decrypt(&diff, cs, keys, &gc).unwrap_err(),
        TreeKemError::PathSecretLength {
            expected: 32,
            actual: 31
        }
    );
}

#[test]
fn every_node_mutation_is_rejected() {
    // G-26: change one byte of any node's key; validation (against the
    // mutated tree's own hash, so the deeper rule fires) must fail.
    let g = Group::mixed();
    let width = g.tree.to_wire().len();
    for i in 0..width {
        if g.tree.to_wire().to_nodes().unwrap()[i].is_none() {
            continue;
        }
        let wire = mutated(&g, |n| match n[i].as_mut() {
            Some(Node::Leaf(l)) => {
                let mut k = l.encryption_key.as_slice().to_vec();
                k[0] ^= 1;
                l.encryption_key = k.into();
            }
            Some(Node::Parent(p)) => {
                let mut k = p.encryption_key.as_slice().to_vec();
                k[0] ^= 1;
                p.encryption_key = k.into();
            }
            None => {}
        });
        let err = validate_mutated(&g, wire);
        assert!(
            matches!(
                err,
                TreeKemError::LeafSignatureInvalid { .. }
                    | TreeKemError::ParentHashNotCovered { .. }
            ),
            "node {i}: {err:?}"
        );
    }
}

#[test]
fn swapped_leaves_are_rejected() {
    let g = Group::mixed();
    let wire = mutated(&g, |n| n.swap(0, 2));
    assert!(matches!(
        validate_mutated(&g, wire),
        TreeKemError::LeafSignatureInvalid { .. } | TreeKemError::ParentHashNotCovered { .. }
    ));
}

#[test]
fn garbled_update_paths_never_panic() {
    // X-02 for processing: arbitrary byte flips in an encoded UpdatePath
    // either fail to decode or are rejected (or, if harmless, accepted),
    // never panic, and never change the diff on error.
    let g = Group::mixed();
    let cs = g.cs.as_ref();
    let (path, gc) = path_from_2(&g);
    let bytes = mls_codec::encode(&path).unwrap();
    let keys = &g.members[0].as_ref().unwrap().keys;
    for i in (0..bytes.len()).step_by(7) {
        let mut b = bytes.clone();
        b[i] ^= 0x5a;
        let Ok(p) = mls_codec::decode::<UpdatePath>(&b) else {
            continue;
        };
        let mut diff = g.tree.diff();
        let before = diff.to_wire();
        match apply_update_path(
            &mut diff,
            cs,
            LeafIndex::new(2).unwrap(),
            &p,
            GROUP_ID,
            &[],
            &policy(),
        ) {
            Ok(applied) => {
                let _ = applied.decrypt(&diff, cs, keys, &gc);
            }
            Err(_) => assert_eq!(diff.to_wire(), before),
        }
    }
}
