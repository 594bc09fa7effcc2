//! The basic group lifecycle: create, add by Commit, join by Welcome,
//! application messages both ways, update, remove.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_codec::{Add, Proposal};
use mls_group::{GroupConfig, Misuse, ProcessedMessage};

#[test]
fn create_add_join_message_update_remove() {
    let provider = provider(1);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    assert_eq!(alice.epoch(), 0);

    // Alice adds Bob.
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::from(Add {
            key_package: bob_kp.key_package().clone(),
        })])
        .build()
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
    let out = bob.commit_builder().build().expect("self update");
    bob.merge_pending_commit().unwrap();
    process_commit(&mut alice, &out.commit);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());

    // Alice proposes an update, Bob commits it.
    let p = alice.propose().update().unwrap();
    match bob.process_message(&p).unwrap() {
        ProcessedMessage::Proposal(_) => {}
        other => panic!("{other:?}"),
    }
    let out = bob.commit_builder().build().expect("commit update");
    bob.merge_pending_commit().unwrap();
    process_commit(&mut alice, &out.commit);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
    let m = alice
        .encrypt_application_message(b"after update", b"")
        .unwrap();
    assert_eq!(receive_app(&mut bob, &m), b"after update");

    // Alice removes Bob.
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::Remove(mls_codec::Remove { removed: 1 })])
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    match bob.process_message(&out.commit).unwrap() {
        ProcessedMessage::Commit(staged) => {
            assert!(staged.info().removes_us);
            bob.merge_staged_commit(staged).unwrap();
        }
        other => panic!("{other:?}"),
    }
    assert!(!bob.is_active());
    assert_eq!(alice.member_count(), 1);
}

fn pair(seed: u8, config: GroupConfig) -> (mls_group::Group, mls_group::Group) {
    let provider = provider(seed);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", config.clone());
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::from(Add {
            key_package: bob_kp.key_package().clone(),
        })])
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let tree = out.ratchet_tree.clone();
    let bob = join(
        &provider,
        out.welcome.as_ref().unwrap(),
        bob_kp,
        config,
        tree,
    );
    (alice, bob)
}

#[test]
fn own_private_commit_echo_is_recognised() {
    let config = GroupConfig {
        encrypt_handshake: true,
        ..GroupConfig::default()
    };
    let (mut alice, mut bob) = pair(40, config);
    let out = alice.commit_builder().build().unwrap();
    assert!(out.commit.as_private_message().is_some());
    match alice.process_message(&out.commit).unwrap() {
        ProcessedMessage::Commit(staged) => {
            assert!(staged.info().own_commit);
            alice.merge_staged_commit(staged).unwrap();
        }
        other => panic!("{other:?}"),
    }
    process_commit(&mut bob, &out.commit);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
}

#[test]
fn staged_commit_goes_stale_after_another_merge() {
    let (mut alice, mut bob) = pair(41, GroupConfig::default());
    let first = alice.commit_builder().build().unwrap();
    alice.merge_pending_commit().unwrap();
    let ProcessedMessage::Commit(staged) = bob.process_message(&first.commit).unwrap() else {
        panic!()
    };
    let copy = staged.clone();
    bob.merge_staged_commit(staged).unwrap();
    assert!(matches!(
        bob.merge_staged_commit(copy),
        Err(mls_group::GroupError::Misuse(Misuse::StaleCommit(_)))
    ));
    assert!(matches!(
        bob.merge_pending_commit(),
        Err(mls_group::GroupError::Misuse(Misuse::StaleCommit(_)))
    ));
}

#[test]
fn application_data_waits_for_pending_proposals() {
    let (mut alice, mut bob) = pair(42, GroupConfig::default());
    let p = bob.propose().update().unwrap();
    alice.process_message(&p).unwrap();
    assert!(matches!(
        alice.encrypt_application_message(b"x", b""),
        Err(mls_group::GroupError::Misuse(Misuse::ProposalsPending))
    ));
    let out = alice.commit_builder().build().unwrap();
    alice.merge_pending_commit().unwrap();
    process_commit(&mut bob, &out.commit);
    let m = bob.encrypt_application_message(b"now", b"aad").unwrap();
    assert_eq!(receive_app(&mut alice, &m), b"now");
}

#[test]
fn exporter_and_members_agree() {
    let (alice, bob) = pair(43, GroupConfig::without_lifetime_checks());
    let a = alice.export_secret(b"label", b"context", 32).unwrap();
    let b = bob.export_secret(b"label", b"context", 32).unwrap();
    assert_eq!(a.as_bytes(), b.as_bytes());
    assert_eq!(alice.members(), bob.members());
    assert_eq!(bob.own_leaf().get(), 1);
}

#[test]
fn out_of_order_window_of_the_secret_tree() {
    let config = GroupConfig {
        secret_tree: mls_keyschedule::SecretTreeConfig {
            out_of_order_tolerance: 3,
            max_forward_distance: 100,
        },
        ..GroupConfig::default()
    };
    let (mut alice, mut bob) = pair(44, config);
    let msgs: Vec<_> = (0..8u8)
        .map(|i| bob.encrypt_application_message(&[i], b"").unwrap())
        .collect();
    // Reordered inside the window: all decrypt exactly once.
    for i in [2usize, 0, 1] {
        assert_eq!(receive_app(&mut alice, &msgs[i]), vec![i as u8]);
    }
    // Jump ahead to generation 7; generation 3 is now older than the window.
    assert_eq!(receive_app(&mut alice, &msgs[7]), vec![7]);
    let before = alice.to_bytes().unwrap();
    let err = alice.process_message(&msgs[3]).unwrap_err();
    assert!(
        matches!(
            err,
            mls_group::GroupError::KeySchedule(
                mls_keyschedule::KeyScheduleError::GenerationTooOld(3)
            )
        ),
        "{err}"
    );
    assert_eq!(alice.to_bytes().unwrap(), before);
    assert_eq!(receive_app(&mut alice, &msgs[5]), vec![5]);
}

#[test]
fn exported_group_info_verifies_and_carries_the_tree() {
    let (alice, bob) = pair(45, GroupConfig::default());
    let info = alice.export_group_info(true).unwrap();
    let info = info.as_group_info().unwrap();
    assert_eq!(&info.group_context, bob.context());
    let signer = bob.member(leaf(info.signer)).unwrap();
    mls_group::welcome::verify_group_info_signature(
        bob.cipher_suite_provider().as_ref(),
        info,
        &signer.signature_key,
    )
    .unwrap();
    let tree: Option<mls_codec::RatchetTreeExtension> =
        mls_codec::find_payload(&info.extensions).unwrap();
    assert_eq!(tree.unwrap().ratchet_tree, bob.export_ratchet_tree());
}

#[test]
fn late_message_uses_the_membership_of_its_epoch() {
    // G-15: Bob (leaf 1) sends in epoch 2, is removed and Dave takes leaf 1;
    // Carol still reads Bob's late message, verified with Bob's key.
    let provider = provider(46);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let (bob_kp, carol_kp) = (bundle(cs.as_ref(), "bob"), bundle(cs.as_ref(), "carol"));
    let out = alice
        .commit_builder()
        .proposals(vec![
            Proposal::from(Add {
                key_package: bob_kp.key_package().clone(),
            }),
            Proposal::from(Add {
                key_package: carol_kp.key_package().clone(),
            }),
        ])
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let mut bob = join(&provider, &welcome, bob_kp, GroupConfig::default(), None);
    let mut carol = join(&provider, &welcome, carol_kp, GroupConfig::default(), None);
    assert_eq!(bob.own_leaf().get(), 1);
    let late = bob
        .encrypt_application_message(b"sent before my removal", b"")
        .unwrap();

    let dave_kp = bundle(cs.as_ref(), "dave");
    let out = alice
        .commit_builder()
        .proposals(vec![
            Proposal::Remove(mls_codec::Remove { removed: 1 }),
            Proposal::from(Add {
                key_package: dave_kp.key_package().clone(),
            }),
        ])
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    assert_eq!(
        out.info.added[0].leaf_index,
        leaf(1),
        "Dave takes Bob's old leaf"
    );
    process_commit(&mut carol, &out.commit);
    match bob.process_message(&out.commit).unwrap() {
        ProcessedMessage::Commit(s) => bob.merge_staged_commit(s).unwrap(),
        other => panic!("{other:?}"),
    }
    match carol.process_message(&late).unwrap() {
        ProcessedMessage::Application(m) => {
            assert_eq!((m.sender, m.epoch), (leaf(1), 1));
            assert_eq!(m.data, b"sent before my removal");
        }
        other => panic!("{other:?}"),
    }
    assert!(!bob.is_active());
    assert!(matches!(
        bob.encrypt_application_message(b"x", b""),
        Err(mls_group::GroupError::Misuse(Misuse::NotAMember))
    ));
}
