//! Standalone proposals (RFC 9420 §12.1) and GroupContextExtensions (§12.1.7).

use super::*;

// ---- §12.1 standalone proposals -------------------------------------------

/// V-12.1-01: a standalone proposal whose signature fails is rejected and
/// not cached.
#[test]
fn v12_1_01_proposal_with_bad_signature() {
    let mut w = World::new(1, 3);
    let m = w.forge_as(
        0,
        &w.signers[2].clone(),
        FramedContentBody::Proposal(remove(2)),
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid))
        ),
        "{err}"
    );
    assert_eq!(w.members[1].pending_proposal_count(), 0);
}

/// V-12.1-02, V-6-05: a standalone proposal of another epoch is rejected.
#[test]
fn v12_1_02_proposal_of_another_epoch() {
    let mut w = World::new(2, 3);
    let m = w.forge(0, FramedContentBody::Proposal(remove(2)));
    let m = w.resign(0, &m, |p| p.content.epoch += 1);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err}"
    );
}

/// V-12.1-03: a proposal cached in epoch n cannot be referenced in n+1.
#[test]
fn v12_1_03_cache_cleared_by_epoch_change() {
    let mut w = World::new(3, 3);
    let p = w.members[0].propose().remove(leaf(2)).unwrap();
    let reference = w.deliver_proposal(0, &p);
    let out = w.members[0]
        .commit_builder()
        .include_pending(false)
        .force_path(true)
        .build()
        .unwrap();
    w.deliver_commit(0, &out.commit);
    let m = w.forge_commit(0, vec![ProposalOrRef::Reference(reference)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UnknownRef))
        ),
        "{err}"
    );
}

/// V-12.1.1-01, V-12.2-01, V-10-01: an Add whose KeyPackage fails §10.1
/// (signature broken by a changed field).
#[test]
fn v12_1_1_01_add_with_invalid_key_package() {
    let mut w = World::new(4, 2);
    let mut kp = bundle(w.cs.as_ref(), "new").key_package().clone();
    kp.init_key = w.cs.hpke_generate_key_pair().unwrap().public_key.into();
    let m = w.forge_commit(0, vec![val(add(&kp))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::SignatureInvalid))
        ),
        "{err}"
    );
    // The same as a standalone proposal: not cached.
    let m = w.forge(0, FramedContentBody::Proposal(add(&kp)));
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::SignatureInvalid))
        ),
        "{err}"
    );
}

/// V-12.1.2-01, V-7.3-13: an Update whose leaf source is not `update`.
#[test]
fn v7_3_13_update_with_wrong_leaf_source() {
    let mut w = World::new(5, 3);
    let mut leaf = update_leaf(&w, 1, &w.signers[1].clone(), 1);
    leaf.leaf_node_source = LeafNodeSource::Commit(VLBytes::new(vec![]));
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[1],
        &mut leaf,
        w.members[1].group_id(),
        1,
    )
    .unwrap();
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::WrongLeafNodeSource { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_13), "{err}");
}

/// V-12.1.2-02, V-7.2-06, V-7.3-02: an Update signed for another leaf index.
#[test]
fn v12_1_2_02_update_signed_for_another_leaf() {
    let mut w = World::new(6, 3);
    let leaf = update_leaf(&w, 1, &w.signers[1].clone(), 2);
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::LeafSignatureInvalid { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_02), "{err}");
}

/// V-7.2-05: changing a LeafNode field without re-signing is rejected.
#[test]
fn v7_2_05_update_changed_after_signing() {
    let mut w = World::new(7, 3);
    let mut leaf = update_leaf(&w, 1, &w.signers[1].clone(), 1);
    leaf.capabilities.extensions.push(ExtensionType(0xff20));
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::LeafSignatureInvalid { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_02), "{err}");
}

/// V-7.3-14: an Update keeping the encryption key of the leaf it replaces,
/// standalone and committed by reference.
#[test]
fn v7_3_14_update_keeping_its_encryption_key() {
    let mut w = World::new(8, 3);
    let mut leaf = own_leaf(&w.members[1]);
    leaf.leaf_node_source = LeafNodeSource::Update;
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[1],
        &mut leaf,
        w.members[1].group_id(),
        1,
    )
    .unwrap();
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::UpdateKeepsEncryptionKey(1)
            ))
        ),
        "{err}"
    );
}

/// V-7.3-16: an Update whose signature key is another member's.
#[test]
fn v7_3_16_update_with_another_members_signature_key() {
    let mut w = World::new(9, 3);
    let mut leaf = update_leaf(&w, 1, &w.signers[1].clone(), 1);
    leaf.signature_key = leaf_of(&w.members[1], 2).signature_key;
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[2],
        &mut leaf,
        w.members[1].group_id(),
        1,
    )
    .unwrap();
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::DuplicateSignatureKey { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_16), "{err}");
}

/// V-7.3-17: an Update whose encryption key is another member's.
#[test]
fn v7_3_17_update_with_another_members_encryption_key() {
    let mut w = World::new(10, 3);
    let mut leaf = update_leaf(&w, 1, &w.signers[1].clone(), 1);
    leaf.encryption_key = leaf_of(&w.members[1], 2).encryption_key;
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[1],
        &mut leaf,
        w.members[1].group_id(),
        1,
    )
    .unwrap();
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::DuplicateEncryptionKey { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_17), "{err}");
}

/// V-12.1.3-01, V-12.1.3-02: a Remove of a blank leaf, and of 0xFFFFFFFF.
#[test]
fn v12_1_3_remove_of_blank_or_outside_leaf() {
    let mut w = World::new(11, 3);
    for leaf in [3, 0xFFFF_FFFF] {
        let m = w.forge(0, FramedContentBody::Proposal(remove(leaf)));
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Proposal(ProposalError::RemoveOfNonMember(l))) if l == leaf),
            "{err}"
        );
        let m = w.forge_commit(0, vec![val(remove(leaf))], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Proposal(ProposalError::RemoveOfNonMember(l))) if l == leaf),
            "{err}"
        );
    }
}

/// V-12.1.4-01, V-12.1.4-02, V-11.2-01, V-11.3-01: resumption PSKs with
/// usage reinit or branch outside those flows (standalone and by value).
#[test]
fn v12_1_4_01_02_reinit_and_branch_psks_outside_their_flows() {
    let mut w = World::new(12, 2);
    for usage in [ResumptionPskUsage::Reinit, ResumptionPskUsage::Branch] {
        let p = psk(w.cs.as_ref(), resumption(usage, &w.members[0], 0));
        let m = w.forge(0, FramedContentBody::Proposal(p.clone()));
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(ProposalError::PskUsageNotAllowed(_)))
            ),
            "{err}"
        );
        let m = w.forge_commit(0, vec![val(p)], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(ProposalError::PskUsageNotAllowed(_)))
            ),
            "{err}"
        );
    }
}

/// V-12.1.4-03: a PSK nonce of length 0, Nh-1 or Nh+1.
#[test]
fn v12_1_4_03_psk_nonce_length() {
    let mut w = World::new(13, 2);
    let nh = w.cs.cipher_suite().hash_len();
    for len in [0, nh - 1, nh + 1] {
        let p = Proposal::from(PreSharedKeyProposal {
            psk: PreSharedKeyId {
                psk: external(b"x"),
                psk_nonce: VLBytes::new(vec![1; len]),
            },
        });
        let m = w.forge(0, FramedContentBody::Proposal(p));
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Commit(CommitError::PskUnavailable(
                    KeyScheduleError::InvalidPskNonceLength { .. }
                )))
            ),
            "{err}"
        );
    }
}

/// V-12.1.4-04, V-12.4.2-06: a Commit naming an external PSK the receiver
/// does not hold.
#[test]
fn v12_4_2_06_unknown_external_psk() {
    let mut w = World::new(14, 2);
    let m = w.forge_commit(0, vec![val(psk(w.cs.as_ref(), external(b"nope")))], None);
    let mut store = InMemoryPskStore::new();
    store.insert_external(b"other".to_vec(), Secret::from(vec![1; 32]));
    let err = rejected_with(&mut w.members[1], &m, &store);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::PskUnavailable(
                KeyScheduleError::PskNotFound(_)
            )))
        ),
        "{err}"
    );
}

/// V-8.6-01: a resumption PSK of an epoch that is no longer retained.
#[test]
fn v8_6_01_resumption_psk_not_retained() {
    let mut w = World::new(15, 2);
    for _ in 0..4 {
        let out = w.members[0]
            .commit_builder()
            .force_path(true)
            .build()
            .unwrap();
        w.deliver_commit(0, &out.commit);
    }
    let old = psk(
        w.cs.as_ref(),
        resumption(ResumptionPskUsage::Application, &w.members[0], 0),
    );
    let m = w.forge_commit(0, vec![val(old)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::PskUnavailable(
                KeyScheduleError::PskNotFound(_)
            )))
        ),
        "{err}"
    );
    // The current epoch's (and a retained one's) resumption PSK is accepted
    // (RFC 9420 §8.6; the passive-client vectors need the current one).
    let current = w.members[0].epoch();
    for epoch in [current, current - 1] {
        let p = psk(
            w.cs.as_ref(),
            resumption(ResumptionPskUsage::Application, &w.members[0], epoch),
        );
        let out = w.members[0]
            .commit_builder()
            .proposals(vec![p])
            .build()
            .unwrap();
        w.members[0].clear_pending_commit();
        let staged = match w.members[1].process_message(&out.commit).unwrap() {
            ProcessedMessage::Commit(s) => s,
            _ => panic!("not a commit"),
        };
        assert_eq!(staged.info().psks.len(), 1);
    }
}

/// V-12.1.6-01: an ExternalInit as a standalone proposal.
#[test]
fn v12_1_6_01_standalone_external_init() {
    let mut w = World::new(16, 2);
    let p = Proposal::ExternalInit(ExternalInit {
        kem_output: VLBytes::new(vec![1; 32]),
    });
    let m = w.forge(0, FramedContentBody::Proposal(p));
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(6)))
        ),
        "{err}"
    );
}

// ---- §12.1.7 GroupContextExtensions ------------------------------------------

/// V-12.1.7-03, V-13.4-01: a GCE listing one type twice.
#[test]
fn v12_1_7_03_gce_with_duplicate_type() {
    let mut w = World::new(17, 2);
    let e = Extension {
        extension_type: ExtensionType::EXTERNAL_SENDERS,
        extension_data: VLBytes::new(vec![0]),
    };
    let m = w.forge_commit(0, vec![val(gce(vec![e.clone(), e]))], None);
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
}

/// V-12.1.7-05, V-17.3-01: a GCE holding an extension not allowed in the
/// GroupContext (ratchet_tree, external_pub, application_id).
#[test]
fn v12_1_7_05_gce_with_misplaced_extension() {
    let mut w = World::new(18, 2);
    for t in [
        ExtensionType::RATCHET_TREE,
        ExtensionType::EXTERNAL_PUB,
        ExtensionType::APPLICATION_ID,
    ] {
        let e = Extension {
            extension_type: t,
            extension_data: VLBytes::new(vec![0]),
        };
        let m = w.forge_commit(0, vec![val(gce(vec![e]))], None);
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
    }
}

fn required(extensions: Vec<u16>, proposals: Vec<u16>, credentials: Vec<u16>) -> Extension {
    Extension::from_payload(&RequiredCapabilities {
        extension_types: extensions.into_iter().map(ExtensionType).collect(),
        proposal_types: proposals.into_iter().map(ProposalType).collect(),
        credential_types: credentials
            .into_iter()
            .map(mls_codec::CredentialType)
            .collect(),
    })
    .unwrap()
}

/// V-12.1.7-01, V-11.1-02, V-7.3-03/04/05: a GCE whose required
/// capabilities some member lacks (extension, proposal, credential type).
#[test]
fn v12_1_7_01_gce_requiring_unsupported_capabilities() {
    let mut w = World::new(19, 2);
    for req in [
        required(vec![0xff30], vec![], vec![]),
        required(vec![], vec![0xff31], vec![]),
        required(vec![], vec![], vec![0xff32]),
    ] {
        let m = w.forge_commit(0, vec![val(gce(vec![req]))], None);
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
    }
}

/// V-12.1.7-02, V-13.4-04: a GCE with an extension type a member does not
/// support (a GREASE type too).
#[test]
fn v12_1_7_02_gce_with_unsupported_extension() {
    let mut w = World::new(20, 2);
    for t in [0xff40, 0x0a0a] {
        let e = Extension {
            extension_type: ExtensionType(t),
            extension_data: VLBytes::new(vec![]),
        };
        let m = w.forge_commit(0, vec![val(gce(vec![e]))], None);
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
    }
}

/// V-12.3-01, V-11.1-01, V-13.4-04: a GCE adding required capability X and
/// an Add whose KeyPackage lacks X in one Commit: the Add is judged against
/// the new extensions. Members support X, so only the Add is at fault.
#[test]
fn v12_3_01_gce_applies_before_adds() {
    let mut w = World::with_caps(
        21,
        2,
        Some(caps_with_extension(0xff50)),
        GroupConfig::default(),
    );
    let kp = bundle(w.cs.as_ref(), "new").key_package().clone();
    let m = w.forge_commit(
        0,
        vec![
            val(gce(vec![required(vec![0xff50], vec![], vec![])])),
            val(add(&kp)),
        ],
        None,
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::MissingCapability(_)))
        ),
        "{err}"
    );
}

/// V-13.4-04, V-11.1-01: once the group has a non-default extension, an Add
/// of a member that does not support it is rejected.
#[test]
fn v13_4_04_add_lacking_group_extension() {
    let mut w = World::with_caps(
        22,
        2,
        Some(caps_with_extension(0xff60)),
        GroupConfig::default(),
    );
    let e = Extension {
        extension_type: ExtensionType(0xff60),
        extension_data: VLBytes::new(vec![]),
    };
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![gce(vec![e])])
        .build()
        .unwrap();
    w.deliver_commit(0, &out.commit);
    let kp = bundle(w.cs.as_ref(), "new").key_package().clone();
    let m = w.forge_commit(0, vec![val(add(&kp))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::MissingCapability(_)))
        ),
        "{err}"
    );
}
