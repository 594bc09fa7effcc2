//! The basic group lifecycle: create, add by Commit, join by Welcome,
//! application messages both ways, update, remove.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_codec::{Add, Proposal};
use mls_group::{CommitOptions, GroupConfig, ProcessedMessage};

#[test]
fn create_add_join_message_update_remove() {
    let provider = provider(1);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    assert_eq!(alice.epoch(), 0);

    // Alice adds Bob.
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit(CommitOptions {
            proposals: vec![Proposal::Add(Add {
                key_package: bob_kp.key_package().clone(),
            })],
            ..CommitOptions::default()
        })
        .expect("commit add");
    assert_eq!(alice.epoch(), 0, "commit is pending until merged");
    alice.merge_pending_commit().expect("merge");
    assert_eq!(alice.epoch(), 1);
    let mut bob = join(
        &provider,
        out.welcome.as_ref().expect("welcome"),
        bob_kp,
        GroupConfig::default(),
        None,
    );
    assert_eq!(bob.epoch(), 1);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());

    // Messages both ways.
    let m = alice.encrypt_application_message(b"hi bob", b"").unwrap();
    assert_eq!(receive_app(&mut bob, &m), b"hi bob");
    let m = bob.encrypt_application_message(b"hi alice", b"").unwrap();
    assert_eq!(receive_app(&mut alice, &m), b"hi alice");

    // Bob updates with an empty commit (path).
    let out = bob.commit(CommitOptions::default()).expect("self update");
    bob.merge_pending_commit().unwrap();
    process_commit(&mut alice, &out.commit);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());

    // Alice proposes an update, Bob commits it.
    let p = alice.propose_update().unwrap();
    match bob.process_message(&p).unwrap() {
        ProcessedMessage::Proposal(_) => {}
        other => panic!("{other:?}"),
    }
    let out = bob.commit(CommitOptions::default()).expect("commit update");
    bob.merge_pending_commit().unwrap();
    process_commit(&mut alice, &out.commit);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
    let m = alice
        .encrypt_application_message(b"after update", b"")
        .unwrap();
    assert_eq!(receive_app(&mut bob, &m), b"after update");

    // Alice removes Bob.
    let out = alice
        .commit(CommitOptions {
            proposals: vec![Proposal::Remove(mls_codec::Remove { removed: 1 })],
            ..CommitOptions::default()
        })
        .unwrap();
    alice.merge_pending_commit().unwrap();
    match bob.process_message(&out.commit).unwrap() {
        ProcessedMessage::Commit(staged) => {
            assert!(staged.info().removes_us);
            bob.merge_staged_commit(*staged).unwrap();
        }
        other => panic!("{other:?}"),
    }
    assert!(!bob.is_active());
    assert_eq!(alice.member_count(), 1);
}
