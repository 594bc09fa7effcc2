//! Loss signals (G-17) and update cadence (G-51) on a real group.

mod common;

use common::*;
use mls_group::signals::{GenerationSignal, GenerationTracker, UpdateCadence};
use mls_group::{Group, GroupConfig, ProcessedMessage};

fn alice_and_bob(seed: u8) -> (Group, Group) {
    let provider = provider(seed);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob = add_member(&mut alice, &provider, cs.as_ref(), "bob");
    (alice, bob)
}

fn received(group: &mut Group, m: &mls_codec::MlsMessage) -> mls_group::ReceivedApplicationMessage {
    match group.process_message(m).expect("process") {
        ProcessedMessage::Application(a) => a,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_suppressed_message_shows_as_a_gap_and_its_late_arrival_fills_it() {
    let (mut alice, mut bob) = alice_and_bob(11);
    let sent: Vec<_> = (0..4)
        .map(|i| {
            alice
                .encrypt_application_message(format!("m{i}").as_bytes(), b"")
                .expect("send")
        })
        .collect();
    let mut tracker = GenerationTracker::default();
    assert_eq!(
        tracker.observe(&received(&mut bob, &sent[0])),
        GenerationSignal::InOrder
    );
    // The delivery service drops or delays messages 1 and 2.
    let third = received(&mut bob, &sent[3]);
    assert_eq!(
        tracker.observe(&third),
        GenerationSignal::Gap { first: 1, last: 2 }
    );
    assert_eq!(tracker.missing(third.epoch, third.sender), vec![1, 2]);
    assert_eq!(
        tracker.observe(&received(&mut bob, &sent[2])),
        GenerationSignal::Late
    );
    assert_eq!(tracker.missing(third.epoch, third.sender), vec![1]);
    // A replay of a delivered ciphertext is rejected by the group itself.
    assert!(bob.process_message(&sent[2]).is_err());
}

#[test]
fn the_epoch_of_each_members_last_update_is_tracked() {
    let (mut alice, mut bob) = alice_and_bob(12);
    let (a, b) = (alice.own_leaf(), bob.own_leaf());
    let mut cadence = UpdateCadence::from_group(&bob);
    let joined = bob.epoch();
    assert_eq!(cadence.last_update(a), Some(joined));
    // Bob updates three times (Commits with a path); Alice never does.
    for _ in 0..3 {
        let out = bob
            .commit_builder()
            .force_path(true)
            .build()
            .expect("update");
        cadence.observe_commit(bob.pending_commit().expect("pending"));
        bob.merge_pending_commit().expect("merge");
        process_commit(&mut alice, &out.commit);
    }
    assert_eq!(cadence.last_update(b), Some(bob.epoch()));
    assert_eq!(cadence.last_update(a), Some(joined));
    assert_eq!(cadence.idle_members(bob.epoch(), 2), vec![a]);
    assert!(cadence.idle_members(bob.epoch(), 3).is_empty());
    // Alice commits a path; Bob processes it: she is no longer idle.
    let out = alice
        .commit_builder()
        .force_path(true)
        .build()
        .expect("update");
    alice.merge_pending_commit().expect("merge");
    let ProcessedMessage::Commit(staged) = bob.process_message(&out.commit).expect("process")
    else {
        panic!("commit")
    };
    cadence.observe_commit(staged.info());
    bob.merge_staged_commit(staged).expect("merge");
    assert_eq!(cadence.last_update(a), Some(bob.epoch()));
    assert!(cadence.idle_members(bob.epoch(), 1).is_empty());
    assert_eq!(cadence.idle_members(bob.epoch(), 0), vec![b]);
}
