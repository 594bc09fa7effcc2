//! The public API's shape (issue 10): one way in for messages, routing
//! accessors on `MlsMessage`, typed leaf indices, and a `CommitOutput` that
//! carries the bytes it already encoded.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_codec::{Add, ContentType, MlsMessage, Proposal, WireFormat};
use mls_group::{
    FramingError, Group, GroupConfig, GroupError, JoinOptions, Rejection, WelcomeError,
};

#[test]
fn join_takes_the_welcome_message_and_refuses_other_wire_formats() {
    let provider = provider(41);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::from(Add {
            key_package: bob.key_package().clone(),
        })])
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();

    // The Commit is not a Welcome: a typed error naming both wire formats.
    let err = Group::join(
        &provider,
        &out.commit,
        &vec![bob.clone()],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::WrongWireFormat {
                expected: WireFormat::WELCOME,
                actual: WireFormat::PUBLIC_MESSAGE,
            }))
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "expected a Welcome, got a PublicMessage (RFC 9420 §6, V-6-08)"
    );
    assert_eq!(err.rule(), Some(mls_group::Rule::V_6_08));

    let welcome = out.welcome.unwrap();
    let (bob, _) = Group::join(
        &provider,
        &welcome,
        &vec![bob],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap();
    assert_eq!(bob.own_leaf(), leaf(1));
    assert_eq!(bob.member(leaf(0)).unwrap().leaf_index, leaf(0));
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
}

#[test]
fn commit_output_carries_its_encoded_bytes_and_messages_route_without_decryption() {
    let provider = provider(42);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::from(Add {
            key_package: bob.key_package().clone(),
        })])
        .build()
        .unwrap();
    assert_eq!(out.commit_bytes, mls_codec::encode(&out.commit).unwrap());
    assert_eq!(
        mls_codec::decode::<MlsMessage>(&out.commit_bytes).unwrap(),
        out.commit
    );
    assert_eq!(out.info.committer, leaf(0));
    assert_eq!(out.info.added[0].leaf_index, leaf(1));

    // A PublicMessage Commit of epoch 0.
    assert_eq!(out.commit.group_id(), Some(alice.group_id()));
    assert_eq!(out.commit.epoch(), Some(0));
    assert_eq!(out.commit.content_type(), Some(ContentType::Commit));
    // The GroupInfo of the new epoch: group and epoch, no content type.
    let group_info = out.group_info.as_ref().expect("an Add makes a GroupInfo");
    assert_eq!(group_info.group_id(), Some(alice.group_id()));
    assert_eq!(group_info.epoch(), Some(1));
    assert_eq!(group_info.content_type(), None);
    // A Welcome shows nothing before it is opened.
    let welcome = out.welcome.as_ref().unwrap();
    assert_eq!(
        (welcome.group_id(), welcome.epoch(), welcome.content_type()),
        (None, None, None)
    );
    alice.merge_pending_commit().unwrap();

    // A PrivateMessage shows its group, epoch and content type in the clear.
    let app = alice.encrypt_application_message(b"hi", b"").unwrap();
    assert_eq!(app.wire_format(), WireFormat::PRIVATE_MESSAGE);
    assert_eq!(app.group_id(), Some(alice.group_id()));
    assert_eq!(app.epoch(), Some(1));
    assert_eq!(app.content_type(), Some(ContentType::Application));
}

#[test]
fn proposals_and_per_group_settings_through_the_builders() {
    let provider = provider(43);
    let cs = suite(&provider);
    let mut alice = create(
        &cs,
        "alice",
        GroupConfig::builder().encrypt_handshake(true).build(),
    );
    let bob = bundle(cs.as_ref(), "bob");

    // A proposal of ours is cached and covered by the next Commit.
    let proposal = alice.propose().add(bob.key_package().clone()).unwrap();
    assert_eq!(proposal.wire_format(), WireFormat::PRIVATE_MESSAGE);
    assert_eq!(alice.pending_proposal_count(), 1);

    // The tree goes out of band from now on, for this group only.
    alice.set_ratchet_tree_extension(false);
    alice.set_encrypt_handshake(false);
    let out = alice.commit_builder().force_path(true).build().unwrap();
    assert_eq!(out.commit.wire_format(), WireFormat::PUBLIC_MESSAGE);
    assert!(out.info.has_path);
    assert_eq!(out.info.added.len(), 1);
    let tree = out.ratchet_tree.clone().unwrap();
    alice.merge_pending_commit().unwrap();

    let welcome = out.welcome.unwrap();
    let err = Group::join(
        &provider,
        &welcome,
        &bob,
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::MissingRatchetTree))
        ),
        "{err:?}"
    );
    let (bob, _) = Group::join(
        &provider,
        &welcome,
        &bob,
        GroupConfig::default(),
        JoinOptions {
            ratchet_tree: Some(tree),
            ..JoinOptions::default()
        },
    )
    .unwrap();
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
}
