//! The registry at load, and application-defined extension types in every container.

use super::*;

// ---- the registry at load ---------------------------------------------------

/// The registry is not saved: a group holding a cached custom proposal
/// loads only with a registry that has its type (a typed error otherwise);
/// a pending Commit's custom proposals survive the round trip.
#[test]
fn load_needs_the_registry_of_stored_custom_proposals() {
    let r = registry();
    let mut w = world(14, &[r.clone(), r.clone()], &[true, true]);
    let message = w.members[1]
        .propose()
        .custom(NOTE, b"cached".to_vec())
        .unwrap();
    w.deliver_proposal(1, &message);
    let bytes = snapshot(&w.members[0]);
    let err =
        Group::from_bytes_with_options(&bytes, &w.provider, LoadOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::State(StateError::CustomTypeNotRegistered(NOTE))
        ),
        "{err}"
    );
    let options = LoadOptions::default().with_runtime_of(&w.configs[0]);
    let restored = Group::from_bytes_with_options(&bytes, &w.provider, options.clone()).unwrap();
    assert_eq!(snapshot(&restored), bytes);

    let out = w.members[0]
        .commit_builder()
        .custom_proposal(RETENTION, days(5))
        .build()
        .unwrap();
    let bytes = snapshot(&w.members[0]);
    let mut restored = Group::from_bytes_with_options(&bytes, &w.provider, options).unwrap();
    assert_eq!(snapshot(&restored), bytes);
    assert_eq!(
        restored.pending_commit().unwrap().custom_proposals,
        out.info.custom_proposals
    );
    restored.merge_pending_commit().unwrap();
    assert_eq!(retention_of(&restored), Some(days(5)));
}

// ---- application-defined extension types -----------------------------------

fn retention_ext(data: &[u8]) -> Extension {
    Extension {
        extension_type: ExtensionType(RETENTION_EXT),
        extension_data: VLBytes::new(data.to_vec()),
    }
}

/// Our own KeyPackages and leaves list the registered extension types in
/// their capabilities (never GREASE: GREASE cannot be registered).
#[test]
fn own_key_packages_and_leaves_advertise_registered_types() {
    let r = registry();
    let w = world(20, &[r.clone(), r.clone()], &[true, true]);
    for g in &w.members {
        let leaf = mls_treekem::TreeView::leaf(g.ratchet_tree(), g.own_leaf()).unwrap();
        let caps = &leaf.capabilities;
        assert!(caps.extensions.contains(&ExtensionType(RETENTION_EXT)));
        for t in [RETENTION, NOTE, AUDIT] {
            assert!(caps.proposals.contains(&ProposalType(t)));
        }
        let own = mls_group::grease::own_capabilities(caps);
        assert!(own.proposals.iter().all(|t| !t.is_grease()));
    }
}

/// Bad input: a registered extension in a context its registration does
/// not allow (the GroupContext-only retention extension in a leaf node and
/// in a KeyPackage), in an Add of a received Commit: V-13-03, the receiver
/// byte-identical. Our own Commit refuses the same KeyPackage.
#[test]
fn a_registered_extension_in_a_forbidden_context_is_rejected() {
    let r = registry();
    let mut w = world(21, &[r.clone(), r.clone()], &[true, true]);
    let signer = w.cs.signature_generate_key_pair().unwrap();
    let in_leaf = KeyPackageBuilder::new()
        .advertise(&r)
        .leaf_extension(retention_ext(&days(1)))
        .build(w.cs.as_ref(), Credential::basic(b"x".to_vec()), &signer)
        .unwrap();
    let m = w.forge_commit(
        0,
        vec![Proposal::from(mls_codec::Add {
            key_package: in_leaf.key_package().clone(),
        })],
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            &err,
            GroupError::Rejected(Rejection::KeyPackage(
                mls_group::KeyPackageError::LeafInvalid(
                    mls_treekem::TreeKemError::ExtensionRefused {
                        extension_type: RETENTION_EXT,
                        ..
                    }
                )
            ))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_03));
    let before = snapshot(&w.members[0]);
    assert!(
        w.members[0]
            .commit_builder()
            .add_member(in_leaf.key_package().clone())
            .build()
            .is_err()
    );
    assert_eq!(snapshot(&w.members[0]), before);

    let in_key_package = KeyPackageBuilder::new()
        .advertise(&r)
        .key_package_extension(retention_ext(&days(1)))
        .build(w.cs.as_ref(), Credential::basic(b"y".to_vec()), &signer)
        .unwrap();
    let m = w.forge_commit(
        0,
        vec![Proposal::from(mls_codec::Add {
            key_package: in_key_package.key_package().clone(),
        })],
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            &err,
            GroupError::Rejected(Rejection::KeyPackage(
                mls_group::KeyPackageError::CustomExtensionRefused {
                    extension_type: RETENTION_EXT,
                    ..
                }
            ))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_03));
}

/// Bad input: a registered extension that its validation refuses, in a
/// GroupContextExtensions proposal of a Commit (V-13-03); a valid value is
/// committed and applied.
#[test]
fn a_registered_extension_its_hook_refuses_is_rejected() {
    let r = registry();
    let mut w = world(22, &[r.clone(), r.clone()], &[true, true]);
    let gce = |data: &[u8]| {
        Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions: vec![retention_ext(data)],
        })
    };
    let m = w.forge_commit(0, vec![gce(b"bad")]);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            &err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CustomExtensionRefused {
                extension_type: RETENTION_EXT,
                reason
            })) if reason == "a bad retention value"
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_03));
    let out = w.members[0]
        .commit_builder()
        .group_context_extensions(vec![retention_ext(&days(2))])
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    let s = staged(&mut w.members[1], &out.commit);
    w.members[1].merge_staged_commit(s).unwrap();
    assert_eq!(retention_of(&w.members[1]), Some(days(2)));
}
