//! Joining (RFC 9420 §12.4.3.1) and the other checks around joins, policies and epochs.

use super::*;

// ---- §12.4.3.1 joining ---------------------------------------------------------

/// V-12.4.3.1-10: no ratchet tree in the GroupInfo and none supplied.
#[test]
fn v12_4_3_1_10_no_ratchet_tree() {
    let config = GroupConfig {
        ratchet_tree_extension: false,
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(77, 1, None, config.clone());
    let b = bundle(w.cs.as_ref(), "x");
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .build()
        .unwrap();
    let welcome = out.welcome.unwrap();
    let err = Group::join(
        &w.provider,
        &welcome,
        &vec![b.clone()],
        config.clone(),
        JoinOptions::default(),
    )
    .expect_err("no tree");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::MissingRatchetTree))
        ),
        "{err}"
    );
    // With the tree out of band the join succeeds.
    Group::join(
        &w.provider,
        &welcome,
        &vec![b],
        config,
        JoinOptions {
            ratchet_tree: out.ratchet_tree,
            ..JoinOptions::default()
        },
    )
    .unwrap();
}

/// V-12.4.3.1-23, V-16.8-01: an ordinary KeyPackage serves one join (the
/// pool drops it when consumed); a last-resort one serves several.
#[test]
fn v16_8_01_key_package_single_use() {
    let mut w = World::new(78, 1);
    let mut pool = mls_group::key_package::KeyPackagePool::new();
    let b = bundle(w.cs.as_ref(), "x");
    pool.insert(b.clone()).unwrap();
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .build()
        .unwrap();
    let welcome = out.welcome.unwrap();
    let (_, used) = Group::join(
        &w.provider,
        &welcome,
        &pool,
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap();
    assert!(pool.consume(&used).is_some());
    let err = Group::join(
        &w.provider,
        &welcome,
        &pool,
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect_err("consumed");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
        ),
        "{err}"
    );
}

// ---- more joins ------------------------------------------------------------------

/// V-5.2-01: a Welcome whose `new_member` was hashed with the wrong label
/// matches no KeyPackage.
#[test]
fn v5_2_01_welcome_ref_with_wrong_label() {
    let mut w = World::new(87, 1);
    let b = bundle(w.cs.as_ref(), "x");
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .build()
        .unwrap();
    let mut welcome = out.welcome.unwrap().as_welcome().unwrap().clone();
    let kp_bytes = mls_codec::encode(b.key_package()).unwrap();
    welcome.secrets[0].new_member = VLBytes::new(
        mls_crypto::labeled::ref_hash(w.cs.as_ref(), b"MLS 1.0 Proposal Reference", &kp_bytes)
            .unwrap(),
    );
    let err = Group::join(
        &w.provider,
        &MlsMessage::from(welcome.clone()),
        &vec![b],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect_err("no match");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
        ),
        "{err}"
    );
}

/// V-12.4.3.1-19: the Welcome opens with our KeyPackage but no leaf of the
/// tree is our `leaf_node` (a KeyPackage sharing the init key of the added
/// one, with another leaf).
#[test]
fn v12_4_3_1_19_own_leaf_not_in_the_tree() {
    let mut w = World::new(88, 1);
    let added = bundle(w.cs.as_ref(), "x");
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(added.key_package())])
        .build()
        .unwrap();
    // Same init key and signer, another leaf encryption key.
    let pair = w.cs.hpke_generate_key_pair().unwrap();
    let mut kp = added.key_package().clone();
    kp.leaf_node.encryption_key = pair.public_key.into();
    let signer = &added.signer().expect("an in-memory key");
    sign_leaf_node(w.cs.as_ref(), signer, &mut kp.leaf_node, &[], 0).unwrap();
    sign_key_package(w.cs.as_ref(), signer, &mut kp).unwrap();
    let other = KeyPackageBundle::from_parts(
        w.cs.as_ref(),
        kp,
        added.init_private_key().clone(),
        pair.private_key,
        Some(signer.private_key.clone()),
        false,
    )
    .unwrap();
    let mut welcome = out.welcome.unwrap().as_welcome().unwrap().clone();
    welcome.secrets[0].new_member = VLBytes::new(other.reference().as_bytes().to_vec());
    let err = Group::join(
        &w.provider,
        &MlsMessage::from(welcome.clone()),
        &vec![other],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect_err("not in tree");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::OwnLeafNotInTree))
        ),
        "{err}"
    );
}

/// V-7.3-11: a received tree with an expired leaf is rejected with lifetime
/// checks on and accepted with them off (the conformance setting).
#[test]
fn v7_3_11_expired_leaf_in_the_joined_tree() {
    let mut w = World::new(89, 1);
    let b = {
        let signer = w.cs.signature_generate_key_pair().unwrap();
        KeyPackageBuilder::new()
            .lifetime(mls_codec::Lifetime {
                not_before: 1,
                not_after: 2,
            })
            .build(w.cs.as_ref(), Credential::basic(b"old".to_vec()), &signer)
            .unwrap()
    };
    let lenient = GroupConfig::without_lifetime_checks();
    // The committer must not check lifetimes to add it.
    let mut creator = World::with_caps(89, 1, None, lenient.clone());
    std::mem::swap(&mut w, &mut creator);
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .build()
        .unwrap();
    let welcome = out.welcome.unwrap();
    let err = Group::join(
        &w.provider,
        &welcome,
        &vec![b.clone()],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect_err("expired");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::InvalidTree(
                TreeKemError::LifetimeExpired { .. }
            )))
        ),
        "{err}"
    );
    Group::join(
        &w.provider,
        &welcome,
        &vec![b],
        lenient,
        JoinOptions::default(),
    )
    .unwrap();
}

/// V-11-02: a new group has epoch 0, an empty confirmed transcript hash and
/// an Nh-byte group id.
#[test]
fn v11_02_fresh_group() {
    let w = World::new(90, 1);
    let g = &w.members[0];
    assert_eq!(g.epoch(), 0);
    assert!(g.context().confirmed_transcript_hash.as_slice().is_empty());
    assert_eq!(g.group_id().len(), w.cs.cipher_suite().hash_len());
}

/// V-12.2-19: building a Commit with a competing Update and Remove for one
/// leaf keeps the Remove.
#[test]
fn v12_2_19_remove_wins_over_update() {
    let mut w = World::new(91, 3);
    let u = w.members[2].propose().update().unwrap();
    w.deliver_proposal(2, &u);
    let r = w.members[1].propose().remove(leaf(2)).unwrap();
    w.deliver_proposal(1, &r);
    let out = w.members[0].commit_builder().build().unwrap();
    assert_eq!(out.info.removed.len(), 1);
    assert!(out.info.updated.is_empty());
    accepted_commit(&mut w.members[1], &out.commit);
}

/// V-12.4.3.1-20: a Welcome whose path secret does not derive the keys in
/// the tree (GroupSecrets re-sealed with a random path secret).
#[test]
fn v12_4_3_1_20_welcome_path_secret_mismatch() {
    let mut w = World::new(92, 2);
    let b = bundle(w.cs.as_ref(), "x");
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .force_path(true)
        .build()
        .unwrap();
    let mut welcome = out.welcome.unwrap().as_welcome().unwrap().clone();
    let entry = &welcome.secrets[0];
    let context = welcome.encrypted_group_info.as_slice().to_vec();
    let plain = mls_crypto::labeled::decrypt_with_label(
        w.cs.as_ref(),
        b.init_private_key(),
        b.key_package().init_key.as_slice(),
        b"Welcome",
        &context,
        mls_crypto::HpkeCiphertextRef {
            kem_output: entry.encrypted_group_secrets.kem_output.as_slice(),
            ciphertext: entry.encrypted_group_secrets.ciphertext.as_slice(),
        },
    )
    .unwrap();
    let mut secrets: mls_codec::GroupSecrets = mls_codec::decode(&plain).unwrap();
    let nh = w.cs.cipher_suite().hash_len();
    secrets.path_secret = Some(mls_codec::PathSecret {
        path_secret: VLBytes::new(vec![0x55; nh]),
    });
    let sealed = mls_crypto::labeled::encrypt_with_label(
        w.cs.as_ref(),
        b.key_package().init_key.as_slice(),
        b"Welcome",
        &context,
        &mls_codec::encode(&secrets).unwrap(),
    )
    .unwrap();
    welcome.secrets[0].encrypted_group_secrets = mls_codec::HpkeCiphertext {
        kem_output: VLBytes::new(sealed.kem_output),
        ciphertext: VLBytes::new(sealed.ciphertext),
    };
    let err = Group::join(
        &w.provider,
        &MlsMessage::from(welcome.clone()),
        &vec![b],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect_err("path secret");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::PathSecretInvalid(_)))
        ),
        "{err}"
    );
}

/// Only leaf 0 may add members (an application rule).
struct OnlyLeafZeroAdds;

impl mls_group::ProposalPolicy for OnlyLeafZeroAdds {
    fn allow(
        &self,
        proposal: &Proposal,
        sender: mls_group::ProposalSender,
        _committer: mls_group::LeafIndex,
    ) -> bool {
        !matches!(proposal, Proposal::Add(_))
            || sender == mls_group::ProposalSender::Member(leaf(0))
    }
}

/// V-12.2-18: a Commit whose proposals the application policy forbids is
/// rejected by receivers and refused when building it.
#[test]
fn v12_2_18_application_policy() {
    let config = GroupConfig {
        proposal_policy: Some(Arc::new(OnlyLeafZeroAdds)),
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(93, 3, None, config);
    let kp = bundle(w.cs.as_ref(), "x").key_package().clone();
    let m = w.forge_commit(1, vec![val(add(&kp))], None);
    let err = rejected(&mut w.members[2], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::RejectedByPolicy {
                proposal_type: 1,
                sender: mls_group::ProposalSender::Member(l)
            })) if l == leaf(1)
        ),
        "{err}"
    );
    let err = w.members[1]
        .commit_builder()
        .proposals(vec![add(&kp)])
        .build()
        .expect_err("policy");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::RejectedByPolicy { .. }))
        ),
        "{err}"
    );
    // Leaf 0 may.
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(&kp)])
        .build()
        .unwrap();
    accepted_commit(&mut w.members[2], &out.commit);
}

/// V-6-07: with encrypted handshakes required, a PublicMessage Commit or
/// Proposal is refused; a PrivateMessage one is accepted.
#[test]
fn v6_07_handshake_wire_format_policy() {
    let strict = GroupConfig {
        require_encrypted_handshake: true,
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(94, 2, None, strict.clone());
    let public = path_commit(&mut w);
    let err = rejected(&mut w.members[1], &public);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(
                FramingError::HandshakeWireFormatNotAllowed
            ))
        ),
        "{err}"
    );
    let proposal = w.members[0].propose().remove(leaf(1)).unwrap();
    let err = rejected(&mut w.members[1], &proposal);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(
                FramingError::HandshakeWireFormatNotAllowed
            ))
        ),
        "{err}"
    );

    let both = GroupConfig {
        encrypt_handshake: true,
        ..strict
    };
    let mut w = World::with_caps(95, 2, None, both);
    let private = path_commit(&mut w);
    accepted_commit(&mut w.members[1], &private);
}

/// V-15.2-01: after a merge, application messages are sent in the new
/// epoch, and a member still in the old epoch cannot read them.
#[test]
fn v15_2_01_messages_use_the_new_epoch() {
    let mut w = World::new(96, 3);
    let out = w.members[0]
        .commit_builder()
        .force_path(true)
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    let m = w.members[0]
        .encrypt_application_message(b"hi", b"")
        .unwrap();
    let MlsMessageBody::PrivateMessage(p) = &m.body else {
        panic!("not a PrivateMessage")
    };
    assert_eq!(p.epoch, w.members[0].epoch());
    // Member 2 has not merged the Commit: the message is from its future.
    let err = rejected(&mut w.members[2], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err}"
    );
    match w.members[1].process_message(&m).unwrap() {
        ProcessedMessage::Application(a) => assert_eq!(a.data, b"hi"),
        _ => panic!("not application data"),
    }
}

/// V-12.4.3.3-05: the exported ratchet tree has no trailing blank node
/// after the rightmost member is removed.
#[test]
fn v12_4_3_3_05_no_trailing_blank_in_exported_tree() {
    let mut w = World::new(97, 3);
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![remove(2)])
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    let tree = w.members[1].export_ratchet_tree();
    assert!(!tree.is_empty() && !tree.ends_with_blank());
    assert_eq!(tree.len(), 3);
}
