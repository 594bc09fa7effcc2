//! State serialization, the store, and atomicity: restoring gives the same
//! bytes, corrupt snapshots are rejected without panicking, and a pending
//! Commit survives a restart.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_codec::{Add, Proposal};
use mls_group::{Group, GroupConfig, GroupStore, InMemoryGroupStore};

fn two_members(seed: u8) -> (mls_crypto_rustcrypto::RustCryptoProvider, Group, Group) {
    let provider = provider(seed);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::Add(Add {
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

#[test]
fn store_holds_one_snapshot_per_merge() {
    let (provider, mut alice, _bob) = two_members(4);
    let mut store = InMemoryGroupStore::new();
    alice.save(&mut store).unwrap();
    alice.commit_builder().build().unwrap();
    alice.merge_pending_commit().unwrap();
    alice.save(&mut store).unwrap();
    assert_eq!(store.write_count(), 2);
    let loaded = Group::load(&store, alice.group_id(), &provider, GroupConfig::default())
        .unwrap()
        .unwrap();
    assert_eq!(snapshot(&loaded), snapshot(&alice));
    store.delete(alice.group_id()).unwrap();
    assert!(store.is_empty());
}

#[test]
fn corrupt_snapshots_are_rejected_without_panic() {
    let (provider, alice, _bob) = two_members(5);
    let bytes = snapshot(&alice);
    // Every truncation.
    for len in 0..bytes.len() {
        assert!(Group::from_bytes(&bytes[..len], &provider, GroupConfig::default()).is_err());
    }
    // Single-byte flips at many positions: never a panic; most fail.
    for i in (0..bytes.len()).step_by(7) {
        let mut b = bytes.clone();
        b[i] ^= 0x5a;
        let _ = Group::from_bytes(&b, &provider, GroupConfig::default());
    }
    // Trailing bytes.
    let mut b = bytes.clone();
    b.push(0);
    assert!(Group::from_bytes(&b, &provider, GroupConfig::default()).is_err());
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
