//! LeafNode validation (RFC 9420 §7.2, §7.3): source per context, signing
//! context, lifetime against an injected clock, capabilities.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{GROUP_ID, key_package_leaf, sign_leaf, suite};
use mls_codec::{Extension, ExtensionType, LeafNodeSource, Lifetime, VLBytes};
use mls_crypto::labeled::sign_with_label;
use mls_treekem::{
    FixedClock, LEAF_NODE_TBS_LABEL, LeafContext, LeafIndex, LeafValidationPolicy, TreeKemError,
    validate_leaf_node,
};

fn leaf3() -> LeafIndex {
    LeafIndex::new(3).unwrap()
}

#[test]
fn source_must_match_the_context() {
    let cs = suite();
    let cs = cs.as_ref();
    let (kp_leaf, _, signer) = key_package_leaf(cs, "a");
    let policy = LeafValidationPolicy::without_time_checks();
    validate_leaf_node(cs, &kp_leaf, LeafContext::KeyPackage, &policy).unwrap();
    let err = validate_leaf_node(
        cs,
        &kp_leaf,
        LeafContext::Update {
            group_id: GROUP_ID,
            leaf: leaf3(),
        },
        &policy,
    )
    .unwrap_err();
    assert_eq!(
        err,
        TreeKemError::WrongLeafNodeSource {
            expected: "update",
            actual: "key_package"
        }
    );

    let mut update = kp_leaf.clone();
    update.leaf_node_source = LeafNodeSource::Update;
    sign_leaf(cs, &mut update, &signer, 3);
    validate_leaf_node(
        cs,
        &update,
        LeafContext::Update {
            group_id: GROUP_ID,
            leaf: leaf3(),
        },
        &policy,
    )
    .unwrap();
    let err = validate_leaf_node(
        cs,
        &update,
        LeafContext::Commit {
            group_id: GROUP_ID,
            leaf: leaf3(),
        },
        &policy,
    )
    .unwrap_err();
    assert_eq!(
        err,
        TreeKemError::WrongLeafNodeSource {
            expected: "commit",
            actual: "update"
        }
    );
    let err = validate_leaf_node(cs, &update, LeafContext::KeyPackage, &policy).unwrap_err();
    assert_eq!(
        err,
        TreeKemError::WrongLeafNodeSource {
            expected: "key_package",
            actual: "update"
        }
    );

    // V-7.2-06: the signature binds group id and leaf index.
    let err = validate_leaf_node(
        cs,
        &update,
        LeafContext::Update {
            group_id: GROUP_ID,
            leaf: LeafIndex::new(4).unwrap(),
        },
        &policy,
    )
    .unwrap_err();
    assert_eq!(err, TreeKemError::LeafSignatureInvalid { leaf: Some(4) });
    let err = validate_leaf_node(
        cs,
        &update,
        LeafContext::Update {
            group_id: b"other",
            leaf: leaf3(),
        },
        &policy,
    )
    .unwrap_err();
    assert_eq!(err, TreeKemError::LeafSignatureInvalid { leaf: Some(3) });

    // V-7.2-05: any field changed without re-signing.
    let mut changed = update.clone();
    changed
        .capabilities
        .proposals
        .push(mls_codec::ProposalType(0x0a0a));
    let err = validate_leaf_node(
        cs,
        &changed,
        LeafContext::Update {
            group_id: GROUP_ID,
            leaf: leaf3(),
        },
        &policy,
    )
    .unwrap_err();
    assert_eq!(err, TreeKemError::LeafSignatureInvalid { leaf: Some(3) });
}

#[test]
fn lifetime_against_an_injected_clock() {
    let cs = suite();
    let cs = cs.as_ref();
    let (mut leaf, _, signer) = key_package_leaf(cs, "a");
    let resign = |leaf: &mut mls_codec::LeafNode| {
        let tbs = leaf.tbs_bytes(&[], 0).unwrap();
        leaf.signature =
            VLBytes::new(sign_with_label(cs, &signer, LEAF_NODE_TBS_LABEL, &tbs).unwrap());
    };
    leaf.leaf_node_source = LeafNodeSource::KeyPackage(Lifetime {
        not_before: 100,
        not_after: 200,
    });
    resign(&mut leaf);
    let at = |now: u64| LeafValidationPolicy {
        clock: Some(Arc::new(FixedClock(now))),
        ..LeafValidationPolicy::default()
    };
    validate_leaf_node(cs, &leaf, LeafContext::KeyPackage, &at(150)).unwrap();
    assert_eq!(
        validate_leaf_node(cs, &leaf, LeafContext::KeyPackage, &at(99)).unwrap_err(),
        TreeKemError::LifetimeExpired {
            leaf: None,
            now: 99
        }
    );
    assert_eq!(
        validate_leaf_node(cs, &leaf, LeafContext::KeyPackage, &at(201)).unwrap_err(),
        TreeKemError::LifetimeExpired {
            leaf: None,
            now: 201
        }
    );
    // Switched off: an expired leaf passes.
    validate_leaf_node(
        cs,
        &leaf,
        LeafContext::KeyPackage,
        &LeafValidationPolicy::without_time_checks(),
    )
    .unwrap();
    // Maximum span (V-7.2-03).
    let capped = LeafValidationPolicy {
        max_lifetime: Some(50),
        ..at(150)
    };
    assert_eq!(
        validate_leaf_node(cs, &leaf, LeafContext::KeyPackage, &capped).unwrap_err(),
        TreeKemError::LifetimeTooLong { leaf: None }
    );
    // Inverted (V-7.2-04).
    leaf.leaf_node_source = LeafNodeSource::KeyPackage(Lifetime {
        not_before: 300,
        not_after: 200,
    });
    resign(&mut leaf);
    assert_eq!(
        validate_leaf_node(cs, &leaf, LeafContext::KeyPackage, &at(250)).unwrap_err(),
        TreeKemError::LifetimeInverted { leaf: None }
    );
}

#[test]
fn extensions_must_be_in_capabilities() {
    let cs = suite();
    let cs = cs.as_ref();
    let (mut leaf, _, signer) = key_package_leaf(cs, "a");
    let policy = LeafValidationPolicy::without_time_checks();
    let resign = |leaf: &mut mls_codec::LeafNode| {
        let tbs = leaf.tbs_bytes(&[], 0).unwrap();
        leaf.signature =
            VLBytes::new(sign_with_label(cs, &signer, LEAF_NODE_TBS_LABEL, &tbs).unwrap());
    };
    // A default extension (application_id) needs no listing.
    leaf.extensions.push(Extension {
        extension_type: ExtensionType::APPLICATION_ID,
        extension_data: VLBytes::new(b"app".to_vec()),
    });
    resign(&mut leaf);
    validate_leaf_node(cs, &leaf, LeafContext::KeyPackage, &policy).unwrap();
    // A GREASE extension not listed is rejected (V-7.2-01) ...
    leaf.extensions.push(Extension {
        extension_type: ExtensionType(0x1a1a),
        extension_data: VLBytes::new(vec![]),
    });
    resign(&mut leaf);
    assert_eq!(
        validate_leaf_node(cs, &leaf, LeafContext::KeyPackage, &policy).unwrap_err(),
        TreeKemError::ExtensionNotSupported {
            leaf: None,
            extension_type: 0x1a1a
        }
    );
    // ... and accepted once listed; unknown capability values are ignored (V-7.2-07).
    leaf.capabilities.extensions.push(ExtensionType(0x1a1a));
    leaf.capabilities
        .cipher_suites
        .push(mls_codec::CipherSuiteId(0x2a2a));
    resign(&mut leaf);
    validate_leaf_node(cs, &leaf, LeafContext::KeyPackage, &policy).unwrap();
}
