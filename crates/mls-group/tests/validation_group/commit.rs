//! Commit structure (RFC 9420 §12.4) and processing a Commit (§12.4.2).

use super::*;

// ---- §12.4 Commit structure ----------------------------------------------------

/// V-12.4-01..04: path-less Commits that need a path (empty list, Update,
/// Remove, GroupContextExtensions).
#[test]
fn v12_4_01_04_path_required() {
    let mut w = World::new(50, 3);
    let p = w.members[2].propose().update().unwrap();
    let r = w.deliver_proposal(2, &p);
    for list in [
        vec![],
        vec![ProposalOrRef::Reference(r)],
        vec![val(remove(2))],
        vec![val(gce(vec![]))],
    ] {
        let m = w.forge_commit(0, list, None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Commit(CommitError::PathRequired))
            ),
            "{err}"
        );
    }
}

/// V-12.4-06: a path-less Commit of Adds and PSKs is accepted.
#[test]
fn v12_4_06_pathless_add_and_psk() {
    let mut w = World::new(51, 2);
    let mut store = InMemoryPskStore::new();
    store.insert_external(b"e".to_vec(), Secret::from(vec![3; 32]));
    let kp = bundle(w.cs.as_ref(), "new").key_package().clone();
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(&kp), psk(w.cs.as_ref(), external(b"e"))])
        .psk_store(&store)
        .build()
        .unwrap();
    match w.members[1]
        .process_message_with_psks(&out.commit, &store)
        .unwrap()
    {
        ProcessedMessage::Commit(staged) => {
            assert!(!staged.info().has_path);
            w.members[1].merge_staged_commit(staged).unwrap();
        }
        _ => panic!("not a commit"),
    }
    w.members[0].merge_pending_commit().unwrap();
    assert_eq!(
        w.members[0].epoch_authenticator(),
        w.members[1].epoch_authenticator()
    );
}

/// V-12.4-08 (unknown reference) and V-12.4-09 (a reference listed twice),
/// V-5.2-02 (a reference hashed over the bare Proposal matches nothing).
#[test]
fn v12_4_08_09_unknown_and_repeated_references() {
    let mut w = World::new(52, 3);
    let p = w.members[2].propose().remove(leaf(1)).unwrap();
    let r = w.deliver_proposal(2, &p);
    let bare = mls_crypto::labeled::make_proposal_ref(
        w.cs.as_ref(),
        &mls_codec::encode(&remove(1)).unwrap(),
    )
    .unwrap();
    let m = w.forge_commit(0, vec![ProposalOrRef::Reference(VLBytes::new(bare))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UnknownRef))
        ),
        "{err}"
    );
    let m = w.forge_commit(
        0,
        vec![
            ProposalOrRef::Reference(r.clone()),
            ProposalOrRef::Reference(r),
        ],
        None,
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateRef))
        ),
        "{err}"
    );
}

/// V-12.4-10: a Commit that leaves out pending valid proposals is accepted.
#[test]
fn v12_4_10_commit_may_leave_out_pending_proposals() {
    let mut w = World::new(53, 3);
    let p = w.members[2].propose().remove(leaf(1)).unwrap();
    w.deliver_proposal(2, &p);
    let out = w.members[0]
        .commit_builder()
        .include_pending(false)
        .force_path(true)
        .build()
        .unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    assert_eq!(w.members[1].member_count(), 3);
}

// ---- §12.4.2 processing a Commit -------------------------------------------------

/// A real Commit with a path from member 0 (not merged by the committer).
pub(crate) fn path_commit(w: &mut World) -> MlsMessage {
    let out = w.members[0]
        .commit_builder()
        .force_path(true)
        .build()
        .unwrap();
    w.members[0].clear_pending_commit();
    out.commit
}

/// Edit the UpdatePath of a Commit.
pub(crate) fn edit_path(p: &mut PublicMessage, edit: impl FnOnce(&mut mls_codec::UpdatePath)) {
    let FramedContentBody::Commit(commit) = &mut p.content.content else {
        panic!("not a commit");
    };
    edit(commit.path.as_mut().unwrap());
}

/// Re-sign the path leaf of member 0 after an edit.
pub(crate) fn resign_path_leaf(w: &World, path: &mut mls_codec::UpdatePath) {
    let g = &w.members[0];
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[0],
        &mut path.leaf_node,
        g.group_id(),
        0,
    )
    .unwrap();
}

/// V-12.4.2-01, V-6-05: a Commit for another epoch, including the second of
/// two competing Commits once the first is merged.
#[test]
fn v12_4_2_01_commit_of_another_epoch() {
    let mut w = World::new(60, 3);
    let m = w.forge_commit(0, vec![], None);
    let m = w.resign(0, &m, |p| p.content.epoch += 1);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err}"
    );

    let first = path_commit(&mut w);
    let out = w.members[2]
        .commit_builder()
        .force_path(true)
        .build()
        .unwrap();
    accepted_commit(&mut w.members[1], &first);
    let err = rejected(&mut w.members[1], &out.commit);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err}"
    );
}

/// V-12.4.2-02, V-6.2-01, V-6.2-03: a bad membership tag; changing the
/// confirmation tag or the signature without re-tagging breaks it.
#[test]
fn v12_4_2_02_bad_membership_tag() {
    let mut w = World::new(61, 2);
    let good = path_commit(&mut w);
    type Edit = fn(&mut PublicMessage);
    let edits: [Edit; 3] = [
        |p| flip(p.membership_tag.as_mut().unwrap(), 0),
        |p| flip(p.auth.confirmation_tag.as_mut().unwrap(), 0),
        |p| flip(&mut p.auth.signature, 0),
    ];
    for edit in edits {
        let MlsMessageBody::PublicMessage(mut p) = good.body.clone() else {
            panic!()
        };
        edit(&mut p);
        let m = MlsMessage::new(MlsMessageBody::PublicMessage(p));
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Framing(FramingError::MembershipTagInvalid))
            ),
            "{err}"
        );
    }
}

/// V-12.4.2-03, V-6.3.1-03: a PrivateMessage Commit that does not decrypt.
#[test]
fn v12_4_2_03_private_commit_that_does_not_decrypt() {
    let config = GroupConfig {
        encrypt_handshake: true,
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(62, 2, None, config);
    let out = w.members[0]
        .commit_builder()
        .force_path(true)
        .build()
        .unwrap();
    let MlsMessageBody::PrivateMessage(mut p) = out.commit.body.clone() else {
        panic!("not a PrivateMessage")
    };
    let last = p.ciphertext.as_slice().len() - 1;
    flip(&mut p.ciphertext, last);
    let m = MlsMessage::new(MlsMessageBody::PrivateMessage(p));
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::ContentDecryptionFailed))
        ),
        "{err}"
    );
}

/// V-12.4.2-04, V-6.1-02: a Commit signed with another member's key.
#[test]
fn v12_4_2_04_commit_signature() {
    let mut w = World::new(63, 3);
    let m = w.forge_as(
        0,
        &w.signers[2].clone(),
        FramedContentBody::Commit(Commit {
            proposals: vec![],
            path: None,
        }),
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid))
        ),
        "{err}"
    );
}

/// V-12.4.2-07, V-7.3-15: the path leaf's source is not `commit`.
#[test]
fn v7_3_15_path_leaf_source_not_commit() {
    let mut w = World::new(64, 3);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node.leaf_node_source = LeafNodeSource::Update;
            resign_path_leaf(&w, path);
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::WrongLeafNodeSource { .. }
            )))
        ),
        "{err}"
    );
}

/// V-12.4.2-07, V-7.2-05: the path leaf changed without re-signing.
#[test]
fn v12_4_2_07_path_leaf_not_re_signed() {
    let mut w = World::new(65, 3);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node
                .capabilities
                .extensions
                .push(ExtensionType(0xff80));
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::LeafSignatureInvalid { .. }
            )))
        ),
        "{err}"
    );
}

/// V-12.4.2-08, V-7.5-05: the path leaf keeps the committer's encryption key.
#[test]
fn v12_4_2_08_path_leaf_keeps_encryption_key() {
    let mut w = World::new(66, 3);
    let good = path_commit(&mut w);
    let old = own_leaf(&w.members[0]).encryption_key;
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node.encryption_key = old;
            resign_path_leaf(&w, path);
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::EncryptionKeyNotChanged { .. }
            )))
        ),
        "{err}"
    );
}

/// V-12.4.2-09, V-7.3-17: the path leaf reuses another member's key.
#[test]
fn v12_4_2_09_path_key_already_in_the_tree() {
    let mut w = World::new(67, 3);
    let good = path_commit(&mut w);
    let theirs = leaf_of(&w.members[0], 2).encryption_key;
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node.encryption_key = theirs;
            resign_path_leaf(&w, path);
        })
    });
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

/// V-12.4.2-10: an UpdatePath repeating one public key on two nodes.
#[test]
fn v12_4_2_10_path_repeats_a_key() {
    let mut w = World::new(68, 4);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            let k = path.nodes[0].encryption_key.clone();
            path.nodes[1].encryption_key = k;
        })
    });
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

/// V-7.5-04, V-7.9.2-05: a parent key replaced, so the leaf's parent hash
/// no longer matches.
#[test]
fn v7_5_04_path_parent_hash_mismatch() {
    let mut w = World::new(69, 4);
    let good = path_commit(&mut w);
    let fresh = w.cs.hpke_generate_key_pair().unwrap().public_key;
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| path.nodes[1].encryption_key = fresh.into())
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::PathParentHashMismatch
            )))
        ),
        "{err}"
    );
}

/// V-7.6-01: an UpdatePath with a node missing.
#[test]
fn v7_6_01_path_length() {
    let mut w = World::new(70, 4);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.nodes.pop();
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::PathLengthMismatch { .. }
            )))
        ),
        "{err}"
    );
}

/// V-7.6-02: an UpdatePathNode with a ciphertext missing.
#[test]
fn v7_6_02_ciphertext_count() {
    let mut w = World::new(71, 4);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.nodes[1].encrypted_path_secret.pop();
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::CiphertextCountMismatch { .. }
            )))
        ),
        "{err}"
    );
}

/// V-7.5-03, V-16.12-01: the receiver's ciphertext does not open; the
/// error names the committer.
#[test]
fn v7_5_03_path_secret_does_not_decrypt() {
    let mut w = World::new(72, 2);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            flip(&mut path.nodes[0].encrypted_path_secret[0].kem_output, 0);
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InconsistentPath {
                committer: 0,
                source: TreeKemError::PathSecretDecryptionFailed { .. }
            }))
        ),
        "{err}"
    );
}

/// V-12.4.2-11, V-6.1-13: a wrong confirmation tag (the membership tag is
/// recomputed, so only the confirmation tag is wrong).
#[test]
fn v12_4_2_11_confirmation_tag() {
    let mut w = World::new(73, 2);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        flip(p.auth.confirmation_tag.as_mut().unwrap(), 0)
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ConfirmationTagInvalid))
        ),
        "{err}"
    );
}

/// V-12.4.2-12: a Commit removing us is reported; afterwards we cannot send.
#[test]
fn v12_4_2_12_removed_member() {
    let mut w = World::new(74, 3);
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![remove(1)])
        .build()
        .unwrap();
    let staged = match w.members[1].process_message(&out.commit).unwrap() {
        ProcessedMessage::Commit(s) => s,
        _ => panic!("not a commit"),
    };
    assert!(staged.info().removes_us);
    w.members[1].merge_staged_commit(staged).unwrap();
    assert!(!w.members[1].is_active());
    let err = w.members[1].commit_builder().build().expect_err("removed");
    assert!(
        matches!(err, GroupError::Misuse(Misuse::NotAMember)),
        "{err}"
    );
}

/// V-12.4.2-13: our own Commit echoed back is recognised.
#[test]
fn v12_4_2_13_own_commit_echo() {
    let mut w = World::new(75, 2);
    let out = w.members[0]
        .commit_builder()
        .force_path(true)
        .build()
        .unwrap();
    match w.members[0].process_message(&out.commit).unwrap() {
        ProcessedMessage::Commit(s) => {
            assert!(s.info().own_commit);
            w.members[0].merge_staged_commit(s).unwrap();
        }
        _ => panic!("not a commit"),
    }
    accepted_commit(&mut w.members[1], &out.commit);
    assert_eq!(
        w.members[0].epoch_authenticator(),
        w.members[1].epoch_authenticator()
    );
}

/// V-6-08: a Welcome, GroupInfo or KeyPackage given to `process_message`.
#[test]
fn v6_08_wrong_message_kind() {
    let mut w = World::new(76, 2);
    let kp = bundle(w.cs.as_ref(), "x").key_package().clone();
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(&kp)])
        .build()
        .unwrap();
    w.members[0].clear_pending_commit();
    for m in [
        out.welcome.unwrap(),
        out.group_info.unwrap(),
        MlsMessage::new(MlsMessageBody::KeyPackage(kp)),
    ] {
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Framing(FramingError::WrongMessageKind(_)))
            ),
            "{err}"
        );
    }
}
