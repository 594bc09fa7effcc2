//! Leaving a group (GUIDANCE G-53): a member proposes its own removal and
//! another member commits it; the leaver cannot commit it itself; a
//! self-removal from an old epoch or from someone no longer in the group is
//! refused with the state unchanged, and a re-sent one from the new epoch
//! is accepted.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_group::{
    FramingError, GroupConfig, GroupError, ProcessedMessage, ProposalError, Rejection,
};

#[test]
fn a_member_leaves_by_proposal_and_another_commits_it() {
    let provider = provider(31);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let (bob_kp, carol_kp) = (bundle(cs.as_ref(), "bob"), bundle(cs.as_ref(), "carol"));
    let add = alice
        .commit_builder()
        .add_member(bob_kp.key_package().clone())
        .add_member(carol_kp.key_package().clone())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let welcome = add.welcome.as_ref().unwrap();
    let mut bob = join(&provider, welcome, bob_kp, GroupConfig::default(), None);
    let mut carol = join(&provider, welcome, carol_kp, GroupConfig::default(), None);
    let bob_leaf = bob.own_leaf();

    let leave = bob.propose().leave().unwrap();

    // Bob cannot commit his own removal (V-12.2-04): asked explicitly, the
    // commit is refused and nothing changes; his pending proposal is left
    // out of his own commits, with the reason.
    let before = bob.to_bytes().unwrap();
    assert!(matches!(
        bob.commit_builder().remove_member(bob_leaf).build(),
        Err(GroupError::Rejected(Rejection::Proposal(ProposalError::CommitterRemoved(leaf)))) if leaf == bob_leaf.get()
    ));
    assert_eq!(bob.to_bytes().unwrap(), before);
    let own = bob.commit_builder().build().unwrap();
    assert_eq!(own.omitted.len(), 1);
    assert!(matches!(
        own.omitted[0].reason.as_ref(),
        GroupError::Rejected(Rejection::Proposal(ProposalError::CommitterRemoved(leaf))) if *leaf == bob_leaf.get()
    ));
    bob.clear_pending_commit();
    assert_eq!(bob.to_bytes().unwrap(), before);

    for member in [&mut alice, &mut carol] {
        assert!(matches!(
            member.process_message(&leave).unwrap(),
            ProcessedMessage::Proposal(_)
        ));
    }
    let commit = alice.commit_builder().build().unwrap();
    alice.merge_pending_commit().unwrap();
    assert_eq!(alice.member_count(), 2);
    process_commit(&mut carol, &commit.commit);
    let ProcessedMessage::Commit(staged) = bob.process_message(&commit.commit).unwrap() else {
        panic!("not a commit");
    };
    assert!(staged.info().removes_us);
    assert_eq!(staged.info().removed[0].leaf_index, bob_leaf);
    bob.merge_staged_commit(staged).unwrap();
    assert!(!bob.is_active());
    assert_eq!(alice.epoch_authenticator(), carol.epoch_authenticator());

    // Bob is no member any more: he cannot propose, and his old proposal is
    // refused by the group's new epoch.
    assert!(bob.propose().leave().is_err());
    let before = alice.to_bytes().unwrap();
    assert!(alice.process_message(&leave).is_err());
    assert_eq!(alice.to_bytes().unwrap(), before);
}

#[test]
fn a_self_removal_from_an_old_epoch_is_refused_and_is_sent_again() {
    let provider = provider(32);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let mut bob = add_member(&mut alice, &provider, cs.as_ref(), "bob");

    let stale = bob.propose().leave().unwrap();
    // Before Alice sees it, she commits an update and Bob merges it.
    let update = alice.commit_builder().build().unwrap();
    alice.merge_pending_commit().unwrap();
    process_commit(&mut bob, &update.commit);

    let before = alice.to_bytes().unwrap();
    assert!(matches!(
        alice.process_message(&stale),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::EpochMismatch { .. }
        )))
    ));
    assert_eq!(alice.to_bytes().unwrap(), before);

    // Re-sent from the new epoch, it is accepted and committed.
    let again = bob.propose().leave().unwrap();
    assert!(matches!(
        alice.process_message(&again).unwrap(),
        ProcessedMessage::Proposal(_)
    ));
    alice.commit_builder().build().unwrap();
    alice.merge_pending_commit().unwrap();
    assert_eq!(alice.member_count(), 1);
}
