//! Proposals from outside the group (RFC 9420 §12.1.8, §12.1.8.1): external
//! senders listed in the `external_senders` extension, and new members
//! proposing their own Add. The flows end to end (cached, committed by
//! reference, joined), and every receiver check of issue 11's "Bad input"
//! list: each rejection asserts the exact error (and so its rule) and that
//! the group is byte-identical afterwards.

mod common;

use std::sync::Arc;

use common::{bundle, create, join, leaf, process_commit, provider, snapshot, suite};
use mls_codec::{
    Commit, Credential, Extension, ExtensionType, ExternalInit, ExternalSender, ExternalSenders,
    FramedContent, FramedContentBody, MlsMessage, MlsMessageBody, PreSharedKeyId, Proposal,
    ProposalOrRef, Psk, Remove, RequiredCapabilities, Sender, Update, VLBytes, WireFormat,
};
use mls_crypto::{CipherSuiteProvider, Secret, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::framing::{PaddingMode, protect_public, sign_content};
use mls_group::non_member::{ExternalProposer, PublicGroupState};
use mls_group::{
    CommitError, CreateOptions, FramingError, Group, GroupConfig, GroupError, LeafIndex, Misuse,
    ProcessedMessage, ProposalError, ProposalPolicy, ProposalSender, Rejection,
};
use mls_keyschedule::InMemoryPskStore;
use mls_treekem::TreeView;

/// A group of Alice and Bob whose `external_senders` lists the delivery
/// service `ds`.
struct World {
    provider: RustCryptoProvider,
    cs: Arc<dyn CipherSuiteProvider>,
    alice: Group,
    bob: Group,
    ds: SignatureKeyPair,
}

fn key(cs: &dyn CipherSuiteProvider) -> SignatureKeyPair {
    cs.signature_generate_key_pair().expect("signature key")
}

fn senders_extension(entries: &[(&SignatureKeyPair, Credential)]) -> Extension {
    Extension::from_payload(&ExternalSenders(
        entries
            .iter()
            .map(|(k, credential)| ExternalSender {
                signature_key: k.public_key.clone().into(),
                credential: credential.clone(),
            })
            .collect(),
    ))
    .expect("external_senders")
}

fn world(seed: u8, config: GroupConfig) -> World {
    let provider = provider(seed);
    let cs = suite(&provider);
    let ds = key(cs.as_ref());
    let mut alice = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        Arc::new(key(cs.as_ref())),
        config,
        CreateOptions {
            extensions: vec![senders_extension(&[(&ds, Credential::basic("ds"))])],
            ..CreateOptions::default()
        },
    )
    .expect("create");
    let bob = common::add_member(&mut alice, &provider, cs.as_ref(), "bob");
    World {
        provider,
        cs,
        alice,
        bob,
        ds,
    }
}

fn public_state(cs: &Arc<dyn CipherSuiteProvider>, group: &Group) -> PublicGroupState {
    let info = group.export_group_info(true).expect("group info");
    PublicGroupState::from_group_info(cs.clone(), &info, None, GroupConfig::default())
        .expect("public state")
}

fn proposer(w: &World) -> ExternalProposer {
    ExternalProposer::new(public_state(&w.cs, &w.alice), w.ds.clone(), 0).expect("listed")
}

/// The rejection of `message` by `group`: the error, with the state unchanged.
fn rejected(group: &mut Group, message: &MlsMessage) -> GroupError {
    let before = snapshot(group);
    let err = group.process_message(message).expect_err("rejected");
    assert_eq!(snapshot(group), before, "state unchanged after {err:?}");
    err
}

/// Cache a proposal; return who sent it.
fn cached(group: &mut Group, message: &MlsMessage) -> ProposalSender {
    match group.process_message(message).expect("proposal accepted") {
        ProcessedMessage::Proposal(p) => p.sender,
        other => panic!("expected a proposal, got {other:?}"),
    }
}

/// A PublicMessage of `group`'s epoch from the non-member `sender`, signed
/// with `key` (no GroupContext in the TBS, no membership tag).
fn forge(
    cs: &dyn CipherSuiteProvider,
    group: &Group,
    sender: Sender,
    key: &SignatureKeyPair,
    body: FramedContentBody,
) -> MlsMessage {
    let content = FramedContent {
        group_id: group.context().group_id.clone(),
        epoch: group.epoch(),
        sender,
        authenticated_data: VLBytes::new(Vec::new()),
        content: body,
    };
    let mut signed =
        sign_content(cs, key, WireFormat::PUBLIC_MESSAGE, content, None).expect("sign");
    if matches!(signed.content.content, FramedContentBody::Commit(_)) {
        signed.auth.confirmation_tag = Some(VLBytes::new(vec![0; 32]));
    }
    MlsMessage::new(MlsMessageBody::PublicMessage(
        protect_public(cs, signed, None, None).expect("protect"),
    ))
}

/// The Commit of `group`'s cached proposals (by reference), merged.
fn commit_pending(group: &mut Group) -> mls_group::CommitOutput {
    let out = group.commit_builder().build().expect("commit");
    group.merge_pending_commit().expect("merge");
    out
}

fn references(out: &mls_group::CommitOutput) -> usize {
    let body = match &out.commit.body {
        MlsMessageBody::PublicMessage(m) => &m.content.content,
        _ => panic!("handshake messages are public in these tests"),
    };
    let FramedContentBody::Commit(commit) = body else {
        panic!("a Commit");
    };
    commit
        .proposals
        .iter()
        .filter(|p| matches!(p, ProposalOrRef::Reference(_)))
        .count()
}

#[test]
fn external_add_is_cached_committed_by_reference_and_the_joiner_joins() {
    let mut w = world(1, GroupConfig::default());
    let carol = bundle(w.cs.as_ref(), "carol");
    let proposal = proposer(&w).add(carol.key_package().clone()).unwrap();
    assert_eq!(cached(&mut w.alice, &proposal), ProposalSender::External(0));
    assert_eq!(cached(&mut w.bob, &proposal), ProposalSender::External(0));
    let out = commit_pending(&mut w.alice);
    assert_eq!(references(&out), 1);
    process_commit(&mut w.bob, &out.commit);
    let carol = join(
        &w.provider,
        out.welcome.as_ref().expect("welcome"),
        carol,
        GroupConfig::default(),
        None,
    );
    assert_eq!(w.alice.epoch_authenticator(), w.bob.epoch_authenticator());
    assert_eq!(w.alice.epoch_authenticator(), carol.epoch_authenticator());
    assert_eq!(w.alice.member_count(), 3);
}

#[test]
fn external_remove_psk_and_group_context_extensions() {
    let mut w = world(2, GroupConfig::default());
    // PreSharedKey: an external PSK every member holds.
    let mut psks = InMemoryPskStore::new();
    psks.insert_external(b"psk".to_vec(), Secret::new(vec![9; 32]));
    let psk = PreSharedKeyId {
        psk: Psk::External {
            psk_id: VLBytes::new(b"psk".to_vec()),
        },
        psk_nonce: VLBytes::new(vec![1; 32]),
    };
    let proposal = proposer(&w).psk(psk).unwrap();
    cached(&mut w.alice, &proposal);
    cached(&mut w.bob, &proposal);
    let out = w.alice.commit_builder().psk_store(&psks).build().unwrap();
    w.alice.merge_pending_commit().unwrap();
    match w.bob.process_message_with_psks(&out.commit, &psks).unwrap() {
        ProcessedMessage::Commit(staged) => w.bob.merge_staged_commit(staged).unwrap(),
        other => panic!("{other:?}"),
    }
    assert_eq!(w.alice.epoch_authenticator(), w.bob.epoch_authenticator());

    // GroupContextExtensions: keep external_senders, add required_capabilities.
    let mut extensions = w.alice.extensions().to_vec();
    extensions.push(Extension::from_payload(&RequiredCapabilities::default()).unwrap());
    let proposal = proposer(&w)
        .group_context_extensions(extensions.clone())
        .unwrap();
    cached(&mut w.alice, &proposal);
    cached(&mut w.bob, &proposal);
    let out = commit_pending(&mut w.alice);
    process_commit(&mut w.bob, &out.commit);
    assert_eq!(w.bob.extensions(), extensions.as_slice());

    // Remove: Bob is gone from Alice's tree and learns it.
    let proposal = proposer(&w).remove(w.bob.own_leaf()).unwrap();
    cached(&mut w.alice, &proposal);
    cached(&mut w.bob, &proposal);
    let out = commit_pending(&mut w.alice);
    process_commit(&mut w.bob, &out.commit);
    assert!(!w.bob.is_active());
    assert_eq!(w.alice.member_count(), 1);
}

#[test]
fn new_member_add_is_committed_by_reference_and_the_joiner_joins() {
    let mut w = world(3, GroupConfig::default());
    let carol = bundle(w.cs.as_ref(), "carol");
    let proposal = public_state(&w.cs, &w.bob).new_member_add(&carol).unwrap();
    let MlsMessageBody::PublicMessage(m) = &proposal.body else {
        panic!("a PublicMessage");
    };
    assert_eq!(m.content.sender, Sender::NewMemberProposal);
    assert!(m.membership_tag.is_none());
    assert_eq!(cached(&mut w.alice, &proposal), ProposalSender::NewMember);
    assert_eq!(cached(&mut w.bob, &proposal), ProposalSender::NewMember);
    let out = commit_pending(&mut w.alice);
    assert_eq!(references(&out), 1);
    process_commit(&mut w.bob, &out.commit);
    let carol = join(
        &w.provider,
        out.welcome.as_ref().expect("welcome"),
        carol,
        GroupConfig::default(),
        None,
    );
    assert_eq!(w.bob.epoch_authenticator(), carol.epoch_authenticator());
}

#[test]
fn external_senders_set_by_a_gce_proposal_then_used() {
    let p = provider(4);
    let cs = suite(&p);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let mut bob = common::add_member(&mut alice, &p, cs.as_ref(), "bob");
    let ds = key(cs.as_ref());
    let gce = bob
        .propose()
        .group_context_extensions(vec![senders_extension(&[(&ds, Credential::basic("ds"))])])
        .unwrap();
    cached(&mut alice, &gce);
    let out = commit_pending(&mut alice);
    process_commit(&mut bob, &out.commit);
    let ds = ExternalProposer::new(public_state(&cs, &alice), ds, 0).unwrap();
    let proposal = ds.remove(bob.own_leaf()).unwrap();
    assert_eq!(cached(&mut alice, &proposal), ProposalSender::External(0));
}

#[test]
fn a_cached_external_proposal_survives_save_and_restore() {
    let mut w = world(5, GroupConfig::default());
    let proposal = proposer(&w).remove(w.bob.own_leaf()).unwrap();
    cached(&mut w.alice, &proposal);
    cached(&mut w.bob, &proposal);
    let mut alice = common::round_trip(&w.alice, &w.provider, GroupConfig::default());
    let out = commit_pending(&mut alice);
    assert_eq!(references(&out), 1);
    process_commit(&mut w.bob, &out.commit);
    assert!(!w.bob.is_active());
}

/// Refuses every proposal that does not come from a member.
struct MembersOnly;

impl ProposalPolicy for MembersOnly {
    fn allow(&self, _: &Proposal, sender: ProposalSender, _: LeafIndex) -> bool {
        matches!(sender, ProposalSender::Member(_))
    }
}

/// V-12.1.8-01 {policy}: the application's policy sees the sender; the
/// committer leaves an unauthorized external proposal out, a receiver
/// rejects a Commit that includes it.
#[test]
fn v12_1_8_01_policy_refuses_external_proposals() {
    let strict = GroupConfig {
        proposal_policy: Some(Arc::new(MembersOnly)),
        ..GroupConfig::default()
    };
    let mut w = world(6, GroupConfig::default());
    let bob_strict = common::round_trip(&w.bob, &w.provider, strict.clone());
    let carol = bundle(w.cs.as_ref(), "carol");
    let proposal = proposer(&w).add(carol.key_package().clone()).unwrap();
    let mut bob = bob_strict;
    cached(&mut bob, &proposal);
    cached(&mut w.alice, &proposal);
    // Bob, committing, leaves it out.
    let mut bob_committer = common::round_trip(&bob, &w.provider, strict);
    let out = bob_committer.commit_builder().build().unwrap();
    assert_eq!(out.omitted.len(), 1);
    assert!(
        matches!(
            *out.omitted[0].reason,
            GroupError::Rejected(Rejection::Proposal(ProposalError::RejectedByPolicy {
                proposal_type: 1,
                sender: ProposalSender::External(0)
            }))
        ),
        "{:?}",
        out.omitted[0].reason
    );
    // Alice commits it; strict Bob rejects her Commit.
    let out = commit_pending(&mut w.alice);
    let err = rejected(&mut bob, &out.commit);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::RejectedByPolicy {
                sender: ProposalSender::External(0),
                ..
            }))
        ),
        "{err:?}"
    );
}

#[test]
fn v6_1_04_external_sender_without_the_extension() {
    let p = provider(7);
    let cs = suite(&p);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let ds = key(cs.as_ref());
    let m = forge(
        cs.as_ref(),
        &alice,
        Sender::External(0),
        &ds,
        FramedContentBody::Proposal(Proposal::Remove(Remove { removed: 0 })),
    );
    let err = rejected(&mut alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::ExternalSenderUnknown(0)))
        ),
        "{err:?}"
    );
}

#[test]
fn v6_1_05_external_sender_index_beyond_the_list() {
    let mut w = world(8, GroupConfig::default());
    let m = forge(
        w.cs.as_ref(),
        &w.alice,
        Sender::External(1),
        &w.ds,
        FramedContentBody::Proposal(Proposal::Remove(Remove { removed: 1 })),
    );
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::ExternalSenderUnknown(1)))
        ),
        "{err:?}"
    );
    // The proposer refuses an index the group does not list, or another key.
    let state = public_state(&w.cs, &w.alice);
    let err = ExternalProposer::new(state, w.ds.clone(), 1).expect_err("index");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::ExternalSenderUnknown(1)))
        ),
        "{err:?}"
    );
    let state = public_state(&w.cs, &w.alice);
    let err = ExternalProposer::new(state, key(w.cs.as_ref()), 0).expect_err("key");
    assert!(
        matches!(
            err,
            GroupError::Misuse(Misuse::ExternalSenderKeyMismatch(0))
        ),
        "{err:?}"
    );
}

#[test]
fn v6_1_08_external_proposal_signed_by_another_key() {
    let mut w = world(9, GroupConfig::default());
    let other = key(w.cs.as_ref());
    let m = forge(
        w.cs.as_ref(),
        &w.alice,
        Sender::External(0),
        &other,
        FramedContentBody::Proposal(Proposal::Remove(Remove { removed: 1 })),
    );
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid))
        ),
        "{err:?}"
    );
}

#[test]
fn v6_1_07_update_and_external_init_from_an_external_sender() {
    let mut w = world(10, GroupConfig::default());
    let update = Proposal::from(Update {
        leaf_node: w.alice.ratchet_tree().leaf(leaf(0)).cloned().expect("leaf"),
    });
    let init = Proposal::ExternalInit(ExternalInit {
        kem_output: VLBytes::new(vec![1; 32]),
    });
    for (proposal, proposal_type) in [(update, 2u16), (init, 6)] {
        let m = forge(
            w.cs.as_ref(),
            &w.alice,
            Sender::External(0),
            &w.ds,
            FramedContentBody::Proposal(proposal.clone()),
        );
        let err = rejected(&mut w.alice, &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Framing(FramingError::SenderProposalTypeNotAllowed { sender: "external", proposal_type: t }))
                    if t == proposal_type
            ),
            "{err:?}"
        );
        // The proposer refuses to build it (one checker, V-6.1-07 {sender}).
        let err = proposer(&w).proposal(proposal).expect_err("forbidden");
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Framing(
                    FramingError::SenderProposalTypeNotAllowed {
                        sender: "external",
                        ..
                    }
                ))
            ),
            "{err:?}"
        );
    }
}

#[test]
fn v6_1_06_external_sender_cannot_commit() {
    let mut w = world(11, GroupConfig::default());
    let m = forge(
        w.cs.as_ref(),
        &w.alice,
        Sender::External(0),
        &w.ds,
        FramedContentBody::Commit(Commit {
            proposals: vec![],
            path: None,
        }),
    );
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(
                FramingError::SenderContentTypeNotAllowed {
                    sender: "external",
                    content_type: 3
                }
            ))
        ),
        "{err:?}"
    );
}

/// RFC 9420 §12.1.8: external proposals are PublicMessages. A
/// PrivateMessage names a member leaf in its sender data, so non-member
/// content cannot be encrypted (V-6.3.2-06), and a non-member's
/// PublicMessage carrying a membership tag is malformed (§6.2).
#[test]
fn external_proposal_as_private_message_or_with_a_membership_tag() {
    let mut w = world(12, GroupConfig::default());
    let body = FramedContentBody::Proposal(Proposal::Remove(Remove { removed: 1 }));
    let content = FramedContent {
        group_id: w.alice.context().group_id.clone(),
        epoch: w.alice.epoch(),
        sender: Sender::External(0),
        authenticated_data: VLBytes::new(Vec::new()),
        content: body.clone(),
    };
    let signed = sign_content(
        w.cs.as_ref(),
        &w.ds,
        WireFormat::PRIVATE_MESSAGE,
        content,
        None,
    )
    .unwrap();
    let before = snapshot(&w.alice);
    let mut tree = mls_keyschedule::SecretTree::new(
        mls_keyschedule::EncryptionSecret::from_slice(&[3; 32]),
        mls_treemath::LeafCount::new(2).unwrap(),
        mls_keyschedule::SecretTreeConfig::default(),
    );
    let err = w
        .alice
        .framing_context()
        .protect_private(&mut tree, &signed, PaddingMode::None)
        .expect_err("non-members cannot encrypt");
    assert!(
        matches!(err, GroupError::Misuse(Misuse::PrivateMessageFromNonMember)),
        "{err:?}"
    );
    assert_eq!(snapshot(&w.alice), before);

    let mut m = forge(w.cs.as_ref(), &w.alice, Sender::External(0), &w.ds, body);
    if let MlsMessageBody::PublicMessage(p) = &mut m.body {
        p.membership_tag = Some(VLBytes::new(vec![0; 32]));
    }
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Decode(
                mls_codec::CodecError::InconsistentFields { .. }
            ))
        ),
        "{err:?}"
    );
    assert!(mls_codec::encode(&m).is_err(), "the encoder refuses it too");
}

#[test]
fn v6_1_11_new_member_proposal_that_is_not_an_add() {
    let mut w = world(13, GroupConfig::default());
    let carol = key(w.cs.as_ref());
    let m = forge(
        w.cs.as_ref(),
        &w.alice,
        Sender::NewMemberProposal,
        &carol,
        FramedContentBody::Proposal(Proposal::Remove(Remove { removed: 1 })),
    );
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(
                FramingError::SenderProposalTypeNotAllowed {
                    sender: "new_member_proposal",
                    proposal_type: 3
                }
            ))
        ),
        "{err:?}"
    );
}

#[test]
fn v6_1_12_new_member_add_signed_by_another_key() {
    let mut w = world(14, GroupConfig::default());
    let carol = bundle(w.cs.as_ref(), "carol");
    let m = forge(
        w.cs.as_ref(),
        &w.alice,
        Sender::NewMemberProposal,
        &key(w.cs.as_ref()),
        FramedContentBody::Proposal(Proposal::from(mls_codec::Add {
            key_package: carol.key_package().clone(),
        })),
    );
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid))
        ),
        "{err:?}"
    );
}

#[test]
fn new_member_add_with_a_membership_tag() {
    let mut w = world(15, GroupConfig::default());
    let carol = bundle(w.cs.as_ref(), "carol");
    let mut m = public_state(&w.cs, &w.alice)
        .new_member_add(&carol)
        .unwrap();
    if let MlsMessageBody::PublicMessage(p) = &mut m.body {
        p.membership_tag = Some(VLBytes::new(vec![0; 32]));
    }
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Decode(
                mls_codec::CodecError::InconsistentFields { .. }
            ))
        ),
        "{err:?}"
    );
}

/// RFC 9420 §12.4.3.2 (V-12.4.3.2-02): an external Commit cannot take a
/// cached new-member Add by reference (nor hold an Add by value, V-12.2-24).
#[test]
fn new_member_add_referenced_by_an_external_commit() {
    let mut w = world(16, GroupConfig::default());
    let carol = bundle(w.cs.as_ref(), "carol");
    let add = public_state(&w.cs, &w.alice)
        .new_member_add(&carol)
        .unwrap();
    let reference = match w.alice.process_message(&add).unwrap() {
        ProcessedMessage::Proposal(p) => p.reference,
        other => panic!("{other:?}"),
    };
    let dave = key(w.cs.as_ref());
    let info = w.alice.export_group_info(true).unwrap();
    let (_, out) = Group::external_commit_builder(
        w.cs.clone(),
        &info,
        Credential::basic("dave"),
        Arc::new(dave.clone()),
    )
    .build()
    .unwrap();
    let MlsMessageBody::PublicMessage(public) = &out.commit.body else {
        panic!("public");
    };
    for extra in [
        ProposalOrRef::Reference(VLBytes::new(reference.as_bytes().to_vec())),
        ProposalOrRef::Proposal(Proposal::from(mls_codec::Add {
            key_package: carol.key_package().clone(),
        })),
    ] {
        let mut content = public.content.clone();
        let FramedContentBody::Commit(commit) = &mut content.content else {
            panic!("a Commit");
        };
        commit.proposals.push(extra);
        let mut auth = sign_content(
            w.cs.as_ref(),
            &dave,
            WireFormat::PUBLIC_MESSAGE,
            content,
            Some(w.alice.context()),
        )
        .unwrap();
        auth.auth.confirmation_tag = public.auth.confirmation_tag.clone();
        let m = MlsMessage::new(MlsMessageBody::PublicMessage(
            protect_public(w.cs.as_ref(), auth, Some(w.alice.context()), None).unwrap(),
        ));
        let err = rejected(&mut w.alice, &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Commit(CommitError::ExternalProposalByReference))
                    | GroupError::Rejected(Rejection::Commit(
                        CommitError::ExternalProposalNotAllowed(1)
                    ))
            ),
            "{err:?}"
        );
    }
}

/// V-12.1.8-02, V-5.3.1-06/07: an `external_senders` extension whose
/// credential the validator rejects (a basic credential with an empty
/// identity) is refused at creation, in a received GCE proposal, in a
/// Commit by value; one that does not parse is refused as malformed.
#[test]
fn v12_1_8_02_external_senders_with_an_invalid_credential() {
    let mut w = world(17, GroupConfig::default());
    let bad = senders_extension(&[(&w.ds, Credential::basic(""))]);
    let err = Group::create(
        w.cs.clone(),
        Credential::basic("erin"),
        Arc::new(key(w.cs.as_ref())),
        GroupConfig::default(),
        CreateOptions {
            extensions: vec![bad.clone()],
            ..CreateOptions::default()
        },
    )
    .expect_err("rejected credential");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::ExternalSenderCredentialRejected(0)
            ))
        ),
        "{err:?}"
    );

    // Bob's GCE proposal with it: Bob refuses to send it, Alice to cache a
    // forged one.
    let err = w
        .bob
        .propose()
        .group_context_extensions(vec![bad.clone()])
        .expect_err("sender side");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::ExternalSenderCredentialRejected(0)
            ))
        ),
        "{err:?}"
    );
    let gce = proposer(&w)
        .group_context_extensions(vec![senders_extension(&[(&w.ds, Credential::basic("ds"))])])
        .unwrap();
    let MlsMessageBody::PublicMessage(public) = &gce.body else {
        panic!("public");
    };
    let mut content = public.content.clone();
    content.content = FramedContentBody::Proposal(Proposal::GroupContextExtensions(
        mls_codec::GroupContextExtensions {
            extensions: vec![bad.clone()],
        },
    ));
    let signed = sign_content(
        w.cs.as_ref(),
        &w.ds,
        WireFormat::PUBLIC_MESSAGE,
        content,
        None,
    )
    .unwrap();
    let forged = MlsMessage::new(MlsMessageBody::PublicMessage(
        protect_public(w.cs.as_ref(), signed, None, None).unwrap(),
    ));
    let err = rejected(&mut w.alice, &forged);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::ExternalSenderCredentialRejected(0)
            ))
        ),
        "{err:?}"
    );

    // By value in a Commit.
    let before = snapshot(&w.alice);
    let err = w
        .alice
        .commit_builder()
        .group_context_extensions(vec![bad])
        .build()
        .expect_err("by value");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::ExternalSenderCredentialRejected(0)
            ))
        ),
        "{err:?}"
    );
    assert_eq!(snapshot(&w.alice), before);

    // Malformed payload (V-2.1-11).
    let malformed = Extension {
        extension_type: ExtensionType::EXTERNAL_SENDERS,
        extension_data: VLBytes::new(vec![0x05, 0x01]),
    };
    let err = w
        .bob
        .propose()
        .group_context_extensions(vec![malformed])
        .expect_err("malformed");
    assert!(
        matches!(err, GroupError::Rejected(Rejection::Decode(_))),
        "{err:?}"
    );
}

/// A proposal names its epoch; after a Commit the proposer moves on with
/// the group's next GroupInfo (the public state is not advanced by
/// Commits, see `non_member`).
#[test]
fn external_proposals_follow_the_epoch_through_a_new_group_info() {
    let mut w = world(18, GroupConfig::default());
    let mut ds = proposer(&w);
    let old = ds.remove(w.bob.own_leaf()).unwrap();
    let out = commit_pending(&mut w.alice);
    process_commit(&mut w.bob, &out.commit);
    let err = rejected(&mut w.alice, &old);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err:?}"
    );
    ds.update_group_info(public_state(&w.cs, &w.bob)).unwrap();
    assert_eq!(ds.state().epoch(), w.alice.epoch());
    let fresh = ds.remove(w.bob.own_leaf()).unwrap();
    assert_eq!(cached(&mut w.alice, &fresh), ProposalSender::External(0));
}
