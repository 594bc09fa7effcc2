//! Proposals from outside the group (RFC 9420 §12.1.8, §12.1.8.1): external
//! senders listed in the `external_senders` extension, and new members
//! proposing their own Add. The flows end to end (cached, committed by
//! reference, joined), and every receiver check of issue 11's "Bad input"
//! list: each rejection asserts the exact error (and so its rule) and that
//! the group is byte-identical afterwards.

#[path = "../common/mod.rs"]
mod common;
mod rejections;

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
