//! The proposal list of a Commit (RFC 9420 §12.2) and GREASE where §13.5 forbids it.

use super::*;

// ---- §12.2 proposal-list validation ------------------------------------------

/// V-12.2-02: a Commit referencing an Update the committer itself sent.
#[test]
fn v12_2_02_committer_references_own_update() {
    let mut w = World::new(30, 3);
    let p = w.members[0].propose().update().unwrap();
    let r = w.deliver_proposal(0, &p);
    let m = w.forge_commit(0, vec![ProposalOrRef::Reference(r)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateFromCommitter(0)))
        ),
        "{err}"
    );
}

/// V-12.2-03: an Update by value.
#[test]
fn v12_2_03_update_by_value() {
    let mut w = World::new(31, 3);
    let leaf = update_leaf(&w, 0, &w.signers[0].clone(), 0);
    let m = w.forge_commit(0, vec![val(update(leaf))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateFromCommitter(0)))
        ),
        "{err}"
    );
}

/// V-12.2-04: a Remove of the committer, by value and by reference.
#[test]
fn v12_2_04_remove_of_the_committer() {
    let mut w = World::new(32, 3);
    let m = w.forge_commit(0, vec![val(remove(0))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CommitterRemoved(0)))
        ),
        "{err}"
    );
    let p = w.members[2].propose().remove(leaf(0)).unwrap();
    let r = w.deliver_proposal(2, &p);
    let m = w.forge_commit(0, vec![ProposalOrRef::Reference(r)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CommitterRemoved(0)))
        ),
        "{err}"
    );
}

/// V-12.2-05: two Updates for one leaf.
#[test]
fn v12_2_05_two_updates_for_one_leaf() {
    let mut w = World::new(33, 3);
    let p1 = w.members[2].propose().update().unwrap();
    let r1 = w.deliver_proposal(2, &p1);
    let p2 = w.members[2].propose().update().unwrap();
    let r2 = w.deliver_proposal(2, &p2);
    let m = w.forge_commit(
        0,
        vec![ProposalOrRef::Reference(r1), ProposalOrRef::Reference(r2)],
        None,
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateLeafChange(2)))
        ),
        "{err}"
    );
}

/// V-12.2-06: two Removes for one leaf.
#[test]
fn v12_2_06_two_removes_for_one_leaf() {
    let mut w = World::new(34, 3);
    let m = w.forge_commit(0, vec![val(remove(2)), val(remove(2))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateLeafChange(2)))
        ),
        "{err}"
    );
}

/// V-12.2-07: an Update and a Remove for one leaf.
#[test]
fn v12_2_07_update_and_remove_for_one_leaf() {
    let mut w = World::new(35, 3);
    let p = w.members[2].propose().update().unwrap();
    let r = w.deliver_proposal(2, &p);
    let m = w.forge_commit(0, vec![ProposalOrRef::Reference(r), val(remove(2))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateLeafChange(2)))
        ),
        "{err}"
    );
}

/// V-12.2-08: two Adds of one client (same signature key).
#[test]
fn v12_2_08_two_adds_of_one_client() {
    let mut w = World::new(36, 2);
    let signer = w.cs.signature_generate_key_pair().unwrap();
    let kp = |name: &str| {
        KeyPackageBuilder::new()
            .build(
                w.cs.as_ref(),
                Credential::basic(name.as_bytes().to_vec()),
                &signer,
            )
            .unwrap()
            .key_package()
            .clone()
    };
    let (a, b) = (kp("x"), kp("x"));
    let m = w.forge_commit(0, vec![val(add(&a)), val(add(&b))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::AddOfExistingMember))
        ),
        "{err}"
    );
}

/// V-12.2-09: two Adds sharing an init_key (the same KeyPackage twice), and
/// two Adds sharing a leaf encryption key (V-12.2-17, V-16.7-01).
#[test]
fn v12_2_09_two_adds_sharing_keys() {
    let mut w = World::new(37, 2);
    let kp = bundle(w.cs.as_ref(), "x").key_package().clone();
    let m = w.forge_commit(0, vec![val(add(&kp)), val(add(&kp))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateInitKey))
        ),
        "{err}"
    );

    // A second client whose KeyPackage reuses the first one's leaf
    // encryption key (re-signed, so it is valid on its own).
    let other = bundle(w.cs.as_ref(), "y");
    let mut kp2 = other.key_package().clone();
    kp2.leaf_node.encryption_key = kp.leaf_node.encryption_key.clone();
    sign_leaf_node(
        w.cs.as_ref(),
        &other.signer().expect("an in-memory key"),
        &mut kp2.leaf_node,
        &[],
        0,
    )
    .unwrap();
    sign_key_package(
        w.cs.as_ref(),
        &other.signer().expect("an in-memory key"),
        &mut kp2,
    )
    .unwrap();
    let m = w.forge_commit(0, vec![val(add(&kp)), val(add(&kp2))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::DuplicateEncryptionKey { .. }
            )))
        ),
        "{err}"
    );
}

/// A new client's KeyPackage whose leaf encryption key is `leaf`'s.
fn key_package_reusing_the_key_of(w: &World, leaf: u32) -> KeyPackage {
    let other = bundle(w.cs.as_ref(), &format!("reusing {leaf}"));
    let signer = other.signer().expect("an in-memory key");
    let mut kp = other.key_package().clone();
    kp.leaf_node.encryption_key = leaf_of(&w.members[0], leaf).encryption_key;
    sign_leaf_node(w.cs.as_ref(), &signer, &mut kp.leaf_node, &[], 0).unwrap();
    sign_key_package(w.cs.as_ref(), &signer, &mut kp).unwrap();
    kp
}

/// V-12.2-17: an Add whose leaf encryption key is an existing member's.
#[test]
fn v12_2_17_add_reusing_a_members_encryption_key() {
    let mut w = World::new(38, 2);
    let kp = key_package_reusing_the_key_of(&w, 1);
    let m = w.forge_commit(0, vec![val(add(&kp))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::DuplicateEncryptionKey { .. }
            )))
        ),
        "{err}"
    );
}

/// V-12.2-10 (rejected) and V-12.2-11 (accepted with a Remove of that member).
#[test]
fn v12_2_10_11_add_of_an_existing_member() {
    let mut w = World::new(39, 3);
    let again = KeyPackageBuilder::new()
        .build(
            w.cs.as_ref(),
            Credential::basic(b"m2".to_vec()),
            &w.signers[2],
        )
        .unwrap()
        .key_package()
        .clone();
    let m = w.forge_commit(0, vec![val(add(&again))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::AddOfExistingMember))
        ),
        "{err}"
    );

    let out = w.members[0]
        .commit_builder()
        .proposals(vec![remove(2), add(&again)])
        .build()
        .unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    assert_eq!(w.members[1].member_count(), 3);
}

/// V-12.2-12: two PreSharedKey proposals with the same PreSharedKeyID.
#[test]
fn v12_2_12_duplicate_psk() {
    let mut w = World::new(40, 2);
    let p = psk(w.cs.as_ref(), external(b"e"));
    let m = w.forge_commit(0, vec![val(p.clone()), val(p)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicatePsk))
        ),
        "{err}"
    );
}

/// V-12.2-13: two GroupContextExtensions proposals.
#[test]
fn v12_2_13_two_gces() {
    let mut w = World::new(41, 2);
    let m = w.forge_commit(0, vec![val(gce(vec![])), val(gce(vec![]))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::DuplicateGroupContextExtensions
            ))
        ),
        "{err}"
    );
}

/// V-12.2-14: a ReInit together with another proposal (a Remove, or a
/// second ReInit); a ReInit alone is accepted (tests/resumption.rs).
#[test]
fn v12_2_14_reinit_with_other_proposals() {
    let mut w = World::new(42, 3);
    let reinit = Proposal::from(ReInit {
        group_id: VLBytes::new(b"new".to_vec()),
        version: ProtocolVersion::MLS10,
        cipher_suite: mls_codec::CipherSuiteId(SUITE.id()),
        extensions: Vec::new(),
    });
    for list in [
        vec![val(reinit.clone()), val(remove(2))],
        vec![val(reinit.clone()), val(reinit)],
    ] {
        let m = w.forge_commit(0, list, None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(ProposalError::ReInitNotAlone))
            ),
            "{err}"
        );
    }
}

/// V-12.2-15, V-12.4.2-14, V-12.4-05: an ExternalInit in a member Commit.
#[test]
fn v12_2_15_external_init_in_member_commit() {
    let mut w = World::new(43, 2);
    let p = Proposal::ExternalInit(ExternalInit {
        kem_output: VLBytes::new(vec![1; 32]),
    });
    let m = w.forge_commit(0, vec![val(p)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(6)))
        ),
        "{err}"
    );
}

/// V-12.2-16, V-13.2-01, V-12.4-07: a custom proposal type (nobody
/// supports it; the engine implements no custom proposals).
#[test]
fn v12_2_16_custom_proposal_type() {
    let mut w = World::new(44, 2);
    let p = Proposal::Unknown {
        proposal_type: 0xff70,
        data: VLBytes::new(vec![1, 2]),
    };
    let m = w.forge_commit(0, vec![val(p)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(0xff70)))
        ),
        "{err}"
    );
}

// ---- §13.5 GREASE where it is forbidden ------------------------------------------

/// V-13.5-02/03 (RFC 9420 §13.5): a GREASE value in `Proposal.proposal_type`
/// is an unsupported proposal type, rejected exactly like an unregistered
/// one (0xff70), the state byte-identical.
#[test]
fn v13_5_grease_proposal_type_is_rejected_like_any_unsupported_type() {
    let mut w = World::new(45, 2);
    for t in [0xff70u16, 0x3a3a, 0xeaea] {
        let p = Proposal::Unknown {
            proposal_type: t,
            data: VLBytes::new(vec![1, 2]),
        };
        let m = w.forge_commit(0, vec![val(p)], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(x))) if x == t),
            "{err}"
        );
    }
}

/// V-13.5-02/03 (RFC 9420 §13.5): an Add whose credential has a GREASE
/// `credential_type` (listed in its own capabilities) is refused with the
/// same error as an unregistered credential type, the state byte-identical.
#[test]
fn v13_5_grease_credential_type_is_rejected_like_any_unsupported_type() {
    let mut w = World::new(46, 2);
    let mut lenient = World::with_caps(48, 2, None, deny_evil());
    // A GREASE value no member happens to advertise (their GREASE is random).
    let advertised: Vec<u16> = w
        .members
        .iter()
        .chain(&lenient.members)
        .flat_map(|g| own_leaf(g).capabilities.credentials)
        .map(|c| c.0)
        .collect();
    let grease = *mls_codec::GREASE_VALUES
        .iter()
        .find(|v| !advertised.contains(v))
        .unwrap();
    let mut texts = Vec::new();
    for t in [0xff90u16, grease] {
        let kp = key_package_with(
            w.cs.as_ref(),
            Credential::Unknown {
                credential_type: t,
                data: VLBytes::new(b"x".to_vec()),
            },
            caps_with_credentials(&[1, t]),
        );
        let m = w.forge_commit(0, vec![val(add(&kp))], None);
        // The basic-only credential validator refuses it.
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(_)))
            ),
            "{err}"
        );
        texts.push(err.to_string());
    }
    assert_eq!(texts[0], texts[1]);
    // A validator that accepts other credential types: the members do not
    // support the type, GREASE or not.
    let w = &mut lenient;
    for t in [0xff90u16, grease] {
        let kp = key_package_with(
            w.cs.as_ref(),
            Credential::Unknown {
                credential_type: t,
                data: VLBytes::new(b"x".to_vec()),
            },
            caps_with_credentials(&[1, t]),
        );
        let m = w.forge_commit(0, vec![val(add(&kp))], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Proposal(ProposalError::CredentialTypeUnsupportedByMember { credential_type, .. })) if credential_type == t),
            "{err}"
        );
    }
}

/// V-13.5-04 (RFC 9420 §13.5): the client's own capabilities hold no
/// GREASE. Members whose leaves advertise the GREASE extension type 0x0a0a
/// still refuse a GroupContextExtensions of that type, while a private type
/// they list is accepted.
#[test]
fn v13_5_own_capabilities_hold_no_grease() {
    let ext = |t: u16| Extension {
        extension_type: ExtensionType(t),
        extension_data: VLBytes::new(vec![]),
    };
    let mut caps = caps_with_extension(0xff40);
    caps.extensions.push(ExtensionType(0x0a0a));
    let mut w = World::with_caps(47, 2, Some(caps), GroupConfig::default());
    for g in &w.members {
        let leaf = own_leaf(g);
        assert!(
            leaf.capabilities
                .extensions
                .contains(&ExtensionType(0x0a0a))
        );
    }
    let m = w.forge_commit(0, vec![val(gce(vec![ext(0x0a0a)]))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::InvalidGroupContextExtensions(_)
            ))
        ),
        "{err}"
    );
    // The committer's own check is the same one.
    let before = snapshot(&w.members[0]);
    let err = w.members[0]
        .commit_builder()
        .proposals(vec![gce(vec![ext(0x0a0a)])])
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::InvalidGroupContextExtensions(_)
            ))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&w.members[0]), before);
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![gce(vec![ext(0xff40)])])
        .build()
        .unwrap();
    w.deliver_commit(0, &out.commit);
}

/// Issue 15 item 3 for V-12.2-17: another member's Add of a KeyPackage
/// whose leaf encryption key is a member's (public, so anyone can make one)
/// is cached at receipt (a Commit removing that member could take it); the
/// next Commit leaves it out and reports why instead of failing, and the
/// members accept that Commit.
#[test]
fn v12_2_17_a_cached_add_reusing_a_members_encryption_key_is_left_out() {
    let mut w = World::new(95, 3);
    // Two such Adds from member 1 (of leaf 2's key and of leaf 0's), and a
    // valid one from member 2.
    for kp in [
        key_package_reusing_the_key_of(&w, 2),
        key_package_reusing_the_key_of(&w, 0),
    ] {
        let m = w.forge(1, FramedContentBody::Proposal(add(&kp)));
        w.deliver_proposal(1, &m);
    }
    let valid = bundle(w.cs.as_ref(), "z").key_package().clone();
    let m = w.members[2].propose().add(valid).unwrap();
    w.deliver_proposal(2, &m);
    let out = w.members[0].commit_builder().build().unwrap();
    assert_eq!(out.omitted.len(), 2, "{:?}", out.omitted);
    for omitted in &out.omitted {
        assert!(
            matches!(
                omitted.reason.as_ref(),
                GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                    TreeKemError::DuplicateEncryptionKey { .. }
                )))
            ),
            "{}",
            omitted.reason
        );
    }
    assert_eq!(out.info.added.len(), 1);
    w.deliver_commit(0, &out.commit);
    assert_eq!(w.members[2].member_count(), 4);
}
