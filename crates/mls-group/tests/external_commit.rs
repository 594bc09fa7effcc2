//! External Commits (RFC 9420 §12.4.3.2): joining and resyncing from a
//! GroupInfo, and every receiver check of issue 11's "Bad input" list. Each
//! rejection asserts the exact error (and so its rule) and that the group is
//! byte-identical afterwards.

mod common;

use std::sync::Arc;

use common::{create, leaf, process_commit, provider, snapshot, suite};
use mls_codec::{
    Add, Commit, Credential, ExternalInit, FramedContent, FramedContentBody,
    GroupContextExtensions, MlsMessage, MlsMessageBody, PreSharedKeyId, Proposal, ProposalOrRef,
    Psk, Update, VLBytes, WireFormat,
};
use mls_crypto::{CipherSuiteProvider, Secret, SignatureKeyPair};
use mls_group::framing::{protect_public, sign_content};
use mls_group::{
    CommitError, ExternalCommitOutput, FramingError, Group, GroupConfig, GroupError,
    ProcessedMessage, Rejection, WelcomeError,
};
use mls_keyschedule::{InMemoryPskStore, InitSecret};
use mls_treekem::{CredentialValidator, TreeView};

/// Alice creates a group and adds Bob; both are returned with the suite.
fn two_members(seed: u8) -> (Arc<dyn CipherSuiteProvider>, Group, Group) {
    let p = provider(seed);
    let cs = suite(&p);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob = common::add_member(&mut alice, &p, cs.as_ref(), "bob");
    (cs, alice, bob)
}

fn signer(cs: &dyn CipherSuiteProvider) -> SignatureKeyPair {
    cs.signature_generate_key_pair().expect("signature key")
}

/// `name` joins `group` by external Commit from its GroupInfo (tree in-band).
fn external_join(
    cs: &Arc<dyn CipherSuiteProvider>,
    group: &Group,
    name: &str,
    key: &SignatureKeyPair,
) -> (Group, ExternalCommitOutput) {
    let info = group.export_group_info(true).expect("group info");
    Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic(name),
        Arc::new(key.clone()),
    )
    .build()
    .expect("external join")
}

/// The rejection of `message` by `group`: the error, with the state unchanged.
fn rejected(group: &mut Group, message: &MlsMessage) -> GroupError {
    let before = snapshot(group);
    let err = group.process_message(message).expect_err("rejected");
    assert_eq!(snapshot(group), before, "state unchanged after {err:?}");
    err
}

/// Re-sign the external Commit `message` with `key` after `edit` changed its
/// content (the confirmation tag is kept: checks before it must fire).
fn forge(
    cs: &dyn CipherSuiteProvider,
    group: &Group,
    message: &MlsMessage,
    key: &SignatureKeyPair,
    edit: impl FnOnce(&mut Commit),
) -> MlsMessage {
    let MlsMessageBody::PublicMessage(public) = &message.body else {
        panic!("an external Commit is a PublicMessage");
    };
    let mut content: FramedContent = public.content.clone();
    let FramedContentBody::Commit(commit) = &mut content.content else {
        panic!("a Commit");
    };
    edit(commit);
    let mut auth = sign_content(
        cs,
        key,
        WireFormat::PUBLIC_MESSAGE,
        content,
        Some(group.context()),
    )
    .expect("sign");
    auth.auth.confirmation_tag = public.auth.confirmation_tag.clone();
    MlsMessage::new(MlsMessageBody::PublicMessage(
        protect_public(cs, auth, Some(group.context()), None).expect("protect"),
    ))
}

fn by_value(p: Proposal) -> ProposalOrRef {
    ProposalOrRef::Proposal(p)
}

#[test]
fn joiner_and_members_agree_and_the_joiner_can_talk() {
    let (cs, mut alice, mut bob) = two_members(1);
    let carol_key = signer(cs.as_ref());
    let (mut carol, out) = external_join(&cs, &alice, "carol", &carol_key);
    assert_eq!(carol.epoch(), alice.epoch() + 1);
    assert_eq!(carol.own_leaf(), leaf(2));
    assert!(out.info.own_commit);
    for member in [&mut alice, &mut bob] {
        match member.process_message(&out.commit).expect("accepted") {
            ProcessedMessage::Commit(staged) => {
                let info = staged.info();
                assert_eq!(info.committer, leaf(2));
                assert_eq!(info.added.len(), 1);
                assert_eq!(info.added[0].credential, Credential::basic("carol"));
                member.merge_staged_commit(staged).expect("merge");
            }
            other => panic!("expected a Commit, got {other:?}"),
        }
        assert_eq!(member.epoch_authenticator(), carol.epoch_authenticator());
        assert_eq!(member.export_ratchet_tree(), carol.export_ratchet_tree());
    }
    // The joiner's group is usable at once: it commits and sends.
    let next = carol.commit_builder().build().expect("commit");
    carol.merge_pending_commit().expect("merge");
    process_commit(&mut alice, &next.commit);
    process_commit(&mut bob, &next.commit);
    let msg = carol
        .encrypt_application_message(b"hello", &[])
        .expect("encrypt");
    assert_eq!(common::receive_app(&mut bob, &msg), b"hello");
}

#[test]
fn out_of_band_tree_is_used_when_the_group_info_has_none() {
    let (cs, mut alice, _) = two_members(2);
    let info = alice.export_group_info(false).expect("group info");
    let key = signer(cs.as_ref());
    let err = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("carol"),
        Arc::new(key.clone()),
    )
    .build()
    .expect_err("no tree");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::MissingRatchetTree))
        ),
        "{err:?}"
    );
    let (carol, out) = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("carol"),
        Arc::new(key.clone()),
    )
    .ratchet_tree(alice.export_ratchet_tree())
    .build()
    .expect("join with the tree out of band");
    process_commit(&mut alice, &out.commit);
    assert_eq!(alice.epoch_authenticator(), carol.epoch_authenticator());
}

#[test]
fn resync_replaces_the_old_leaf_in_every_members_tree() {
    // RFC 9420 §12.4.3.2: Bob lost his state and rejoins, removing his old
    // leaf. Alice, Carol and the new Bob agree, and the old leaf is gone
    // (the advisory of another implementation: the removed member stayed).
    let p = provider(3);
    let cs = suite(&p);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let old_bob = common::add_member(&mut alice, &p, cs.as_ref(), "bob");
    let mut carol = common::add_member(&mut alice, &p, cs.as_ref(), "carol");
    // Old Bob did not process the Commit that added Carol: a stale copy.
    let mut old_bob = old_bob;
    let bob_old_key = alice.member(leaf(1)).expect("bob").signature_key;
    let new_key = signer(cs.as_ref());
    let info = alice.export_group_info(true).expect("group info");
    let (new_bob, out) = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("bob"),
        Arc::new(new_key.clone()),
    )
    .remove_prior_leaf(leaf(1))
    .build()
    .expect("resync");
    // The freed leaf is the leftmost blank one: the new Bob takes it.
    assert_eq!(new_bob.own_leaf(), leaf(1));
    process_commit(&mut alice, &out.commit);
    process_commit(&mut carol, &out.commit);
    for member in [&alice, &carol, &new_bob] {
        assert_eq!(member.member_count(), 3);
        assert_eq!(member.epoch_authenticator(), new_bob.epoch_authenticator());
        assert!(
            member
                .members()
                .iter()
                .all(|m| m.signature_key != bob_old_key),
            "the old leaf is gone"
        );
        assert_eq!(
            member.member(leaf(1)).expect("bob").signature_key,
            new_key.public_key
        );
    }
    // The old Bob (a stale copy, one epoch behind) cannot follow.
    assert!(old_bob.process_message(&out.commit).is_err());
}

#[test]
fn removed_by_resync_sees_its_removal() {
    // The old device is still live and processes the resync of its own
    // identity: it learns that it is removed.
    let (cs, mut alice, mut old_bob) = two_members(4);
    let key = signer(cs.as_ref());
    let info = alice.export_group_info(true).expect("info");
    let (_, out) = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("bob"),
        Arc::new(key.clone()),
    )
    .remove_prior_leaf(leaf(1))
    .build()
    .expect("resync");
    match old_bob.process_message(&out.commit).expect("staged") {
        ProcessedMessage::Commit(staged) => {
            assert!(staged.info().removes_us);
            old_bob.merge_staged_commit(staged).expect("merge");
        }
        other => panic!("expected a Commit, got {other:?}"),
    }
    assert!(!old_bob.is_active());
    process_commit(&mut alice, &out.commit);
    assert_eq!(alice.member_count(), 2);
}

#[test]
fn v12_2_25_external_commit_with_several_psks() {
    let (cs, mut alice, _) = two_members(5);
    let nonce = |b: u8| VLBytes::new(vec![b; cs.cipher_suite().hash_len()]);
    let ids: Vec<PreSharedKeyId> = (1..=2u8)
        .map(|i| PreSharedKeyId {
            psk: Psk::External {
                psk_id: VLBytes::new(vec![i]),
            },
            psk_nonce: nonce(i),
        })
        .collect();
    let mut store = InMemoryPskStore::new();
    for i in 1..=2u8 {
        store.insert_external(vec![i], Secret::new(vec![i; 32]));
    }
    let info = alice.export_group_info(true).expect("info");
    let key = signer(cs.as_ref());
    let (carol, out) = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("carol"),
        Arc::new(key.clone()),
    )
    .psk(ids[0].clone())
    .psk(ids[1].clone())
    .psk_store(&store)
    .build()
    .expect("join with PSKs");
    // Without the PSKs the member cannot follow (state unchanged).
    let err = rejected(&mut alice, &out.commit);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::PskUnavailable(_)))
        ),
        "{err:?}"
    );
    match alice
        .process_message_with_psks(&out.commit, &store)
        .expect("accepted")
    {
        ProcessedMessage::Commit(staged) => {
            assert_eq!(staged.info().psks, ids);
            alice.merge_staged_commit(staged).expect("merge");
        }
        other => panic!("expected a Commit, got {other:?}"),
    }
    assert_eq!(alice.epoch_authenticator(), carol.epoch_authenticator());
}

#[test]
fn v12_4_3_2_07_group_refusing_external_joins() {
    let (cs, mut alice, _) = two_members(6);
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "carol", &key);
    alice.set_allow_external_commits(false);
    let err = rejected(&mut alice, &out.commit);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ExternalNotAllowed))
        ),
        "{err:?}"
    );
    alice.set_allow_external_commits(true);
    process_commit(&mut alice, &out.commit);
}

#[test]
fn v12_4_3_2_08_no_join_from_a_group_info_without_external_pub() {
    let (cs, alice, _) = two_members(7);
    let mut info = alice.export_group_info(true).expect("info");
    let MlsMessageBody::GroupInfo(gi) = &mut info.body else {
        panic!("a GroupInfo");
    };
    gi.extensions
        .retain(|e| e.extension_type != mls_codec::ExtensionType::EXTERNAL_PUB);
    let key = signer(cs.as_ref());
    let err = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("carol"),
        Arc::new(key.clone()),
    )
    .build()
    .expect_err("no external_pub");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(
                WelcomeError::GroupInfoWithoutExternalPub
            ))
        ),
        "{err:?}"
    );
}

#[test]
fn v12_2_20_without_external_init() {
    let (cs, mut alice, _) = two_members(8);
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "carol", &key);
    let bad = forge(cs.as_ref(), &alice, &out.commit, &key, |c| {
        c.proposals.clear();
    });
    let err = rejected(&mut alice, &bad);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ExternalWithoutExternalInit))
        ),
        "{err:?}"
    );
}

#[test]
fn v12_2_21_two_external_inits() {
    let (cs, mut alice, _) = two_members(9);
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "carol", &key);
    let bad = forge(cs.as_ref(), &alice, &out.commit, &key, |c| {
        let first = c.proposals[0].clone();
        c.proposals.push(first);
    });
    let err = rejected(&mut alice, &bad);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(
                CommitError::ExternalDuplicateExternalInit
            ))
        ),
        "{err:?}"
    );
}

#[test]
fn v12_2_22_two_removes() {
    let p = provider(10);
    let cs = suite(&p);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let _bob = common::add_member(&mut alice, &p, cs.as_ref(), "bob");
    let _carol = common::add_member(&mut alice, &p, cs.as_ref(), "carol");
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "dave", &key);
    let bad = forge(cs.as_ref(), &alice, &out.commit, &key, |c| {
        for l in [1, 2] {
            c.proposals
                .push(by_value(Proposal::Remove(mls_codec::Remove { removed: l })));
        }
    });
    let err = rejected(&mut alice, &bad);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ExternalDuplicateRemove))
        ),
        "{err:?}"
    );
}

/// Accepts any successor: a joiner built with it may name any member in its
/// Remove, as a buggy or hostile implementation would.
struct AnySuccessor;

impl CredentialValidator for AnySuccessor {
    fn accept(&self, credential: &Credential, _: &[u8]) -> bool {
        matches!(credential, Credential::Basic { .. })
    }
    fn valid_successor(&self, _: &Credential, _: &Credential) -> bool {
        true
    }
}

#[test]
fn v12_2_23_remove_of_a_leaf_with_another_identity() {
    // The bug other implementations shipped: an external joiner removing an
    // arbitrary member. The joiner's own builder refuses to make it...
    let (cs, mut alice, _) = two_members(11);
    let key = signer(cs.as_ref());
    let info = alice.export_group_info(true).expect("info");
    let err = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("mallory"),
        Arc::new(key.clone()),
    )
    .remove_prior_leaf(leaf(1))
    .build()
    .expect_err("not mallory's leaf");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ExternalInvalidResync {
                leaf: 1,
                ..
            }))
        ),
        "{err:?}"
    );
    // ... and the members reject it when another implementation does.
    let (_, out) = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("mallory"),
        Arc::new(key.clone()),
    )
    .config(
        GroupConfig::builder()
            .credential_validator(Arc::new(AnySuccessor))
            .build(),
    )
    .remove_prior_leaf(leaf(1))
    .build()
    .expect("a permissive joiner builds it");
    let err = rejected(&mut alice, &out.commit);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ExternalInvalidResync {
                leaf: 1,
                ..
            }))
        ),
        "{err:?}"
    );
    // Nor the leaf of the member who published the GroupInfo.
    let (_, out) = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("mallory"),
        Arc::new(key.clone()),
    )
    .config(
        GroupConfig::builder()
            .credential_validator(Arc::new(AnySuccessor))
            .build(),
    )
    .remove_prior_leaf(leaf(0))
    .build()
    .expect("a permissive joiner builds it");
    let err = rejected(&mut alice, &out.commit);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ExternalInvalidResync {
                leaf: 0,
                ..
            }))
        ),
        "{err:?}"
    );
    assert_eq!(alice.member_count(), 2);
}

#[test]
fn v12_2_24_update_add_or_gce_in_an_external_commit() {
    let (cs, mut alice, bob) = two_members(12);
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "carol", &key);
    let bob_leaf = bob.member(bob.own_leaf()).expect("bob");
    let leaf_node = bob
        .ratchet_tree()
        .leaf(bob_leaf.leaf_index)
        .expect("leaf")
        .clone();
    let kp = common::bundle(cs.as_ref(), "dave").key_package().clone();
    let cases: Vec<(Proposal, u16)> = vec![
        (Proposal::from(Update { leaf_node }), 2),
        (Proposal::from(Add { key_package: kp }), 1),
        (
            Proposal::GroupContextExtensions(GroupContextExtensions { extensions: vec![] }),
            7,
        ),
    ];
    for (proposal, t) in cases {
        let bad = forge(cs.as_ref(), &alice, &out.commit, &key, |c| {
            c.proposals.push(by_value(proposal));
        });
        let err = rejected(&mut alice, &bad);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Commit(CommitError::ExternalProposalNotAllowed(x))) if x == t),
            "{err:?}"
        );
    }
}

#[test]
fn v12_4_3_2_02_proposal_by_reference() {
    let (cs, mut alice, _) = two_members(13);
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "carol", &key);
    let bad = forge(cs.as_ref(), &alice, &out.commit, &key, |c| {
        c.proposals
            .push(ProposalOrRef::Reference(VLBytes::new(vec![7; 32])));
    });
    let err = rejected(&mut alice, &bad);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ExternalProposalByReference))
        ),
        "{err:?}"
    );
}

#[test]
fn v12_4_3_2_01_without_a_path() {
    let (cs, mut alice, _) = two_members(14);
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "carol", &key);
    let bad = forge(cs.as_ref(), &alice, &out.commit, &key, |c| c.path = None);
    let err = rejected(&mut alice, &bad);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::NewMemberCommitWithoutPath))
        ),
        "{err:?}"
    );
}

#[test]
fn v12_4_3_2_03_signature_by_another_key() {
    let (cs, mut alice, _) = two_members(15);
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "carol", &key);
    let other = signer(cs.as_ref());
    let bad = forge(cs.as_ref(), &alice, &out.commit, &other, |_| {});
    let err = rejected(&mut alice, &bad);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid))
        ),
        "{err:?}"
    );
}

#[test]
fn v8_3_01_and_02_wrong_kem_output() {
    let (cs, mut alice, _) = two_members(16);
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "carol", &key);
    // V-8.3-01: a kem_output made for another group's external_pub
    // decapsulates to another init secret: the confirmation tag fails.
    let (_, stranger, _) = two_members(17);
    let info = stranger.export_group_info(false).expect("info");
    let MlsMessageBody::GroupInfo(gi) = &info.body else {
        panic!("a GroupInfo");
    };
    let other_pub = mls_codec::find_payload::<mls_codec::ExternalPub>(&gi.extensions)
        .expect("parse")
        .expect("external_pub");
    let (other_kem, _) =
        InitSecret::external_init(cs.as_ref(), other_pub.external_pub.as_slice()).expect("kem");
    let replace = |kem: Vec<u8>| {
        move |c: &mut Commit| {
            c.proposals[0] = by_value(Proposal::ExternalInit(ExternalInit {
                kem_output: VLBytes::new(kem),
            }));
        }
    };
    let bad = forge(cs.as_ref(), &alice, &out.commit, &key, replace(other_kem));
    let err = rejected(&mut alice, &bad);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ConfirmationTagInvalid))
        ),
        "{err:?}"
    );
    // V-8.3-02: a kem_output that is not a KEM encapsulation at all.
    let bad = forge(
        cs.as_ref(),
        &alice,
        &out.commit,
        &key,
        replace(vec![1, 2, 3]),
    );
    let err = rejected(&mut alice, &bad);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ExternalInitInvalid))
        ),
        "{err:?}"
    );
}

#[test]
fn against_a_group_info_of_another_epoch() {
    let (cs, mut alice, mut bob) = two_members(18);
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "carol", &key);
    let next = alice.commit_builder().build().expect("commit");
    alice.merge_pending_commit().expect("merge");
    process_commit(&mut bob, &next.commit);
    let err = rejected(&mut alice, &out.commit);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err:?}"
    );
}

#[test]
fn v12_4_3_2_06_joiner_reusing_a_members_signature_key() {
    // A joiner whose leaf duplicates a member's signature key is refused by
    // the tree checks (openmls#2207 class).
    let p = provider(19);
    let cs = suite(&p);
    let alice_key = signer(cs.as_ref());
    let mut alice = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        Arc::new(alice_key.clone()),
        GroupConfig::default(),
        mls_group::CreateOptions::default(),
    )
    .expect("create");
    let (_, out) = external_join(&cs, &alice, "carol", &alice_key);
    let err = rejected(&mut alice, &out.commit);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                mls_treekem::TreeKemError::DuplicateSignatureKey {
                    first: 0,
                    second: 1
                }
            )))
        ),
        "{err:?}"
    );
}

#[test]
fn v12_4_3_2_05_path_leaf_signed_for_another_leaf_index() {
    // The joiner's leaf is signed for leaf 3, but the leftmost blank leaf
    // (the one it takes) is 2.
    let (cs, mut alice, _) = two_members(20);
    let key = signer(cs.as_ref());
    let (_, out) = external_join(&cs, &alice, "carol", &key);
    let group_id = alice.group_id().to_vec();
    let bad = forge(cs.as_ref(), &alice, &out.commit, &key, |c| {
        let leaf = &mut c.path.as_mut().expect("path").leaf_node;
        let tbs = leaf.tbs_bytes(&group_id, 3).expect("tbs");
        leaf.signature = VLBytes::new(
            mls_crypto::labeled::sign_with_label(
                cs.as_ref(),
                &key,
                mls_treekem::LEAF_NODE_TBS_LABEL,
                &tbs,
            )
            .expect("sign"),
        );
    });
    let err = rejected(&mut alice, &bad);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                mls_treekem::TreeKemError::LeafSignatureInvalid { .. }
            )))
        ),
        "{err:?}"
    );
}

/// A validator that accepts every credential (a joiner of a private type).
struct AcceptAll;

impl CredentialValidator for AcceptAll {
    fn accept(&self, _: &Credential, _: &[u8]) -> bool {
        true
    }
}

/// V-7.3-06 on the joiner's side: an external joiner whose credential type
/// a member does not support is refused by its own builder, with the error
/// the members would reject its Commit with, before anything is sent.
#[test]
fn v7_3_06_an_external_joiner_of_an_unsupported_credential_type_is_refused() {
    let (cs, alice, _bob) = two_members(47);
    let info = alice.export_group_info(true).expect("group info");
    let mut capabilities = mls_group::key_package::KeyPackageBuilder::new()
        .build(
            cs.as_ref(),
            Credential::basic("probe"),
            &signer(cs.as_ref()),
        )
        .expect("KeyPackage")
        .key_package()
        .leaf_node
        .capabilities
        .clone();
    capabilities
        .credentials
        .push(mls_codec::CredentialType(0xff90));
    let err = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::Unknown {
            credential_type: 0xff90,
            data: VLBytes::new(b"custom".to_vec()),
        },
        Arc::new(signer(cs.as_ref())),
    )
    .config(GroupConfig {
        credential_validator: Arc::new(AcceptAll),
        ..GroupConfig::default()
    })
    .leaf(mls_group::key_package::KeyPackageBuilder::new().capabilities(capabilities))
    .build()
    .expect_err("refused");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                mls_group::ProposalError::CredentialTypeUnsupportedByMember {
                    credential_type: 0xff90,
                    ..
                }
            ))
        ),
        "{err}"
    );
}
