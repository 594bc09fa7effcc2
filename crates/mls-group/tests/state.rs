//! State serialization, the store, and atomicity: restoring gives the same
//! bytes, corrupt snapshots are rejected without panicking, and a pending
//! Commit survives a restart.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_codec::{Add, Proposal};
use mls_group::storage::{GroupStateStore, KeyPackageRecord, KeyPackageStore, StoreError};
use mls_group::{Group, GroupConfig, GroupError, InMemoryStore, SaveCursor, SideEffects};

fn two_members(seed: u8) -> (mls_crypto_rustcrypto::RustCryptoProvider, Group, Group) {
    let provider = provider(seed);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::from(Add {
            key_package: bob_kp.key_package().clone(),
        })])
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let bob = join(
        &provider,
        out.welcome.as_ref().unwrap(),
        bob_kp,
        GroupConfig::default(),
        None,
    );
    (provider, alice, bob)
}

#[test]
fn round_trip_is_exact_and_restored_group_works() {
    let (provider, mut alice, mut bob) = two_members(2);
    // Some ratchet state, a past epoch, a cached proposal.
    let m = alice.encrypt_application_message(b"one", b"").unwrap();
    receive_app(&mut bob, &m);
    let out = bob.commit_builder().build().unwrap();
    bob.merge_pending_commit().unwrap();
    process_commit(&mut alice, &out.commit);
    let p = bob.propose().update().unwrap();
    alice.process_message(&p).unwrap();

    let mut alice = round_trip(&alice, &provider, GroupConfig::default());
    let mut bob = round_trip(&bob, &provider, GroupConfig::default());
    let out = alice.commit_builder().build().unwrap();
    // With a pending Commit too.
    let mut alice = round_trip(&alice, &provider, GroupConfig::default());
    alice.merge_pending_commit().unwrap();
    process_commit(&mut bob, &out.commit);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
    let m = bob
        .encrypt_application_message(b"after restore", b"")
        .unwrap();
    assert_eq!(receive_app(&mut alice, &m), b"after restore");
}

#[test]
fn echoed_commit_is_recognised_after_restore() {
    let (provider, mut alice, mut bob) = two_members(3);
    let out = alice.commit_builder().build().unwrap();
    let mut alice = round_trip(&alice, &provider, GroupConfig::default());
    // The delivery service echoes the Commit back.
    process_commit(&mut alice, &out.commit);
    process_commit(&mut bob, &out.commit);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
}

fn commit_and_merge(g: &mut Group) {
    g.commit_builder().build().unwrap();
    g.merge_pending_commit().unwrap();
}

#[test]
fn store_holds_one_batch_per_merge_and_only_changed_records() {
    let (provider, mut alice, _bob) = two_members(4);
    let store = InMemoryStore::new();
    let mut cursor = SaveCursor::new();
    alice
        .save(&store, &mut cursor, SideEffects::default())
        .unwrap();
    // Two past epochs retained by default: after enough commits every save
    // writes the state plus the one epoch just left, never all of them.
    for _ in 0..4 {
        commit_and_merge(&mut alice);
        let before = store.record_write_count();
        alice
            .save(&store, &mut cursor, SideEffects::default())
            .unwrap();
        assert_eq!(store.record_write_count() - before, 2);
    }
    assert_eq!(store.write_count(), 5);
    let stored = store.read_group(alice.group_id()).unwrap().unwrap();
    assert_eq!(
        stored.past_epochs.len(),
        GroupConfig::default().max_past_epochs
    );
    let (loaded, loaded_cursor) = Group::load(&store, alice.group_id(), &provider)
        .unwrap()
        .unwrap();
    assert_eq!(snapshot(&loaded), snapshot(&alice));
    assert_eq!(loaded_cursor, cursor);
    store.delete_group(alice.group_id()).unwrap();
    assert!(store.is_empty());
}

/// In a group of 100 (128 leaves: 255 nodes, 16 tree parts) a save after
/// a Commit writes the parts of the changed direct path only, and the
/// stored parts reload into the same group.
#[test]
fn a_commit_saves_the_changed_tree_parts_only() {
    let provider = provider(8);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let mut builder = alice.commit_builder();
    for i in 0..99 {
        builder = builder.add_member(bundle(cs.as_ref(), &format!("m{i}")).key_package().clone());
    }
    builder.build().unwrap();
    alice.merge_pending_commit().unwrap();
    let store = InMemoryStore::new();
    let mut cursor = SaveCursor::new();
    alice
        .save(&store, &mut cursor, SideEffects::default())
        .unwrap();
    let total = alice.to_records().unwrap().tree_parts.len();
    assert_eq!(total, 16);
    assert_eq!(store.part_write_count(), total);
    for _ in 0..3 {
        commit_and_merge(&mut alice);
        let before = store.part_write_count();
        alice
            .save(&store, &mut cursor, SideEffects::default())
            .unwrap();
        // Leaf 0's direct path: nodes 1, 3, 7 (part 0), 15 (part 0),
        // 31 (part 1), 63 (part 3), 127 (part 7).
        assert_eq!(store.part_write_count() - before, 4);
    }
    let (loaded, _) = Group::load(&store, alice.group_id(), &provider)
        .unwrap()
        .unwrap();
    assert_eq!(snapshot(&loaded), snapshot(&alice));
}

#[test]
fn a_stale_writer_gets_a_conflict_and_changes_nothing() {
    let (provider, mut alice, _bob) = two_members(7);
    let store = InMemoryStore::new();
    let mut cursor = SaveCursor::new();
    alice
        .save(&store, &mut cursor, SideEffects::default())
        .unwrap();
    let (mut other, mut other_cursor) = Group::load(&store, alice.group_id(), &provider)
        .unwrap()
        .unwrap();
    commit_and_merge(&mut other);
    other
        .save(&store, &mut other_cursor, SideEffects::default())
        .unwrap();
    commit_and_merge(&mut alice);
    let err = alice
        .save(&store, &mut cursor, SideEffects::default())
        .unwrap_err();
    assert!(matches!(
        err,
        GroupError::Storage(StoreError::Conflict {
            stored: Some(2),
            expected: Some(1),
            ..
        })
    ));
    let stored = store.read_group(alice.group_id()).unwrap().unwrap();
    assert_eq!(stored.epoch, other.epoch());
}

#[test]
fn a_failed_write_applies_nothing_and_the_next_succeeds() {
    let (provider, mut alice, _bob) = two_members(8);
    let store = InMemoryStore::new();
    store
        .insert_key_package(KeyPackageRecord {
            reference: vec![1, 2, 3],
            bundle: Default::default(),
            last_resort: false,
            created_at: 0,
        })
        .unwrap();
    let mut cursor = SaveCursor::new();
    alice
        .save(&store, &mut cursor, SideEffects::default())
        .unwrap();
    let saved = cursor.clone();
    commit_and_merge(&mut alice);
    store.fail_nth_write(1);
    let effects = SideEffects {
        consumed_key_packages: vec![vec![1, 2, 3]],
        ..SideEffects::default()
    };
    assert!(matches!(
        alice.save(&store, &mut cursor, effects.clone()),
        Err(GroupError::Storage(StoreError::Backend(_)))
    ));
    assert_eq!(cursor, saved);
    assert!(store.key_package(&[1, 2, 3]).unwrap().is_some());
    let stored = store.read_group(alice.group_id()).unwrap().unwrap();
    assert_eq!(stored.epoch, alice.epoch() - 1);
    alice.save(&store, &mut cursor, effects).unwrap();
    assert!(store.key_package(&[1, 2, 3]).unwrap().is_none());
    let (loaded, _) = Group::load(&store, alice.group_id(), &provider)
        .unwrap()
        .unwrap();
    assert_eq!(loaded.epoch_authenticator(), alice.epoch_authenticator());
}

#[test]
fn corrupt_snapshots_are_rejected_without_panic() {
    let (provider, alice, _bob) = two_members(5);
    let bytes = snapshot(&alice);
    // Every truncation.
    for len in 0..bytes.len() {
        assert!(Group::from_bytes(&bytes[..len], &provider).is_err());
    }
    // Single-byte flips at many positions: the record digests catch every one.
    for i in (0..bytes.len()).step_by(7) {
        let mut b = bytes.clone();
        b[i] ^= 0x5a;
        assert!(Group::from_bytes(&b, &provider).is_err());
    }
    // Trailing bytes.
    let mut b = bytes.clone();
    b.push(0);
    assert!(Group::from_bytes(&b, &provider).is_err());
    // A newer format version is its own error.
    let mut b = bytes.clone();
    b[5] = b[5].wrapping_add(1);
    assert!(matches!(
        Group::from_bytes(&b, &provider),
        Err(GroupError::StateVersion { .. })
    ));
}

#[test]
fn discarding_a_pending_commit_restores_the_state_exactly() {
    let (_provider, mut alice, mut bob) = two_members(6);
    let before = snapshot(&alice);
    let _ = alice.commit_builder().build().unwrap();
    alice.clear_pending_commit();
    assert_eq!(snapshot(&alice), before);
    // A competing Commit from Bob still applies (V-14-01).
    let _ = alice.commit_builder().build().unwrap();
    let out = bob.commit_builder().build().unwrap();
    bob.merge_pending_commit().unwrap();
    process_commit(&mut alice, &out.commit);
    assert!(
        !alice.has_pending_commit(),
        "the own pending Commit is dropped (V-14-02)"
    );
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
}
