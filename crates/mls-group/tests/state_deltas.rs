//! The change records of state format 7 (storage/past.rs, storage/pending.rs):
//! a past epoch's signature keys as changes against the next newer epoch,
//! a pending Commit's staged tree as changes against the current tree.
//! Verifying a late message of a past epoch after a load uses that epoch's
//! keys exactly; changes of another base, another target or damaged (the
//! record's digest fixed up, so the change check itself is what refuses
//! them) are `StateError::Corrupt`, never a panic or a different state.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_codec::Reader;
use mls_codec::codec::write_opaque;
use mls_crypto::CipherSuiteProvider;
use mls_group::storage::{EpochRecord, LoadOptions};
use mls_group::{Group, GroupConfig, GroupError, StateError};

/// Replace a record's trailing digest (suite 1: SHA-256).
fn reseal(cs: &dyn CipherSuiteProvider, record: &mut Vec<u8>) {
    let body_len = record.len() - 32;
    record.truncate(body_len);
    let digest = cs.hash(record);
    record.extend_from_slice(&digest);
}

fn offset(whole: &[u8], rest: &[u8]) -> usize {
    rest.as_ptr() as usize - whole.as_ptr() as usize
}

/// The span of the pending Commit's stored tree changes (`body<V>` after
/// the kind byte) in a version 7 state record with a pending Commit.
fn staged_tree_span(state: &[u8]) -> (usize, usize) {
    let mut r = Reader::new(state);
    r.read_array::<9>().unwrap(); // magic, version, suite, active
    r.read_vector().unwrap(); // settings
    r.read_vector().unwrap(); // context
    r.read_array::<4>().unwrap(); // tree leaves
    r.read_vector().unwrap(); // parts digest
    r.read_array::<4>().unwrap(); // own leaf
    r.read_vector().unwrap(); // private keys
    assert!(r.read_presence().unwrap(), "an exportable signer");
    r.read_vector().unwrap();
    for _ in 0..(2 + 9) {
        r.read_vector().unwrap(); // interim, tag, eight secrets, secret tree
    }
    r.read_vector().unwrap(); // proposals
    assert!(r.read_presence().unwrap(), "a pending Commit");
    r.read_vector().unwrap(); // message
    r.read_array::<8>().unwrap(); // from epoch
    r.read_vector().unwrap(); // staged context
    assert_eq!(r.read_array::<1>().unwrap(), [0], "stored as changes");
    let start = offset(state, r.rest());
    r.read_vector().unwrap();
    (start, offset(state, r.rest()))
}

/// `state` with its pending tree changes replaced by `changes` (a whole
/// `body<V>`), digest fixed up.
fn with_changes(cs: &dyn CipherSuiteProvider, state: &[u8], changes: &[u8]) -> Vec<u8> {
    let (start, end) = staged_tree_span(state);
    let mut out = state[..start].to_vec();
    out.extend_from_slice(changes);
    out.extend_from_slice(&state[end..]);
    reseal(cs, &mut out);
    out
}

fn changes_of(state: &[u8]) -> Vec<u8> {
    let (start, end) = staged_tree_span(state);
    state[start..end].to_vec()
}

fn load(
    provider: &mls_crypto_rustcrypto::RustCryptoProvider,
    state: &[u8],
    parts: &[mls_group::storage::TreePart],
    past: &[EpochRecord],
) -> Result<Group, GroupError> {
    Group::from_stored_records(state, parts, past, provider, LoadOptions::default())
}

fn assert_corrupt(result: Result<Group, GroupError>, what: &str) {
    match result {
        Err(GroupError::State(StateError::Corrupt(_))) => {}
        Err(e) => panic!("{what}: {e:?}"),
        Ok(_) => panic!("{what}: loaded"),
    }
}

/// A pending Commit's changes saved with another state (another base: the
/// epoch after; another target: another Commit of the same epoch),
/// truncated or with a byte changed are corrupt; the real ones load and
/// merge into exactly the in-memory result.
#[test]
fn pending_tree_changes_of_another_base_or_damaged_are_corrupt() {
    let provider = provider(71);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let _bob = add_member(&mut alice, &provider, cs.as_ref(), "bob");
    let _carol = add_member(&mut alice, &provider, cs.as_ref(), "carol");
    let before = snapshot(&alice);

    alice.commit_builder().build().unwrap();
    let first = alice.to_records().unwrap();
    let first_changes = changes_of(&first.state);
    // The same pending Commit loads and merges exactly as in memory.
    let mut loaded = load(
        &provider,
        &first.state,
        &first.tree_parts,
        &first.past_epochs,
    )
    .unwrap();
    assert_eq!(snapshot(&loaded), snapshot(&alice));
    loaded.merge_pending_commit().unwrap();

    // Another Commit of the same epoch (it adds a member): its changes
    // are for another staged tree.
    let mut other = Group::from_bytes(&before, &provider).unwrap();
    other
        .commit_builder()
        .add_member(bundle(cs.as_ref(), "dave").key_package().clone())
        .build()
        .unwrap();
    let other_changes = changes_of(&other.to_records().unwrap().state);
    assert_ne!(other_changes, first_changes);
    let swapped = with_changes(cs.as_ref(), &first.state, &other_changes);
    assert_corrupt(
        load(&provider, &swapped, &first.tree_parts, &first.past_epochs),
        "another Commit's changes",
    );

    // The epoch after: a new pending Commit over the merged tree, given the
    // first Commit's changes (made over the tree before).
    alice.merge_pending_commit().unwrap();
    assert_eq!(
        snapshot(&loaded),
        snapshot(&alice),
        "loaded pending merges exactly"
    );
    alice.commit_builder().build().unwrap();
    let next = alice.to_records().unwrap();
    let stale = with_changes(cs.as_ref(), &next.state, &first_changes);
    assert_corrupt(
        load(&provider, &stale, &next.tree_parts, &next.past_epochs),
        "changes of the epoch before",
    );

    // Truncated inside, or one bit flipped, digest fixed up each time.
    let changes = changes_of(&next.state);
    let mut r = Reader::new(&changes);
    let body = r.read_vector().unwrap().rest();
    assert!(r.is_empty() && !body.is_empty());
    for cut in 0..body.len() {
        let mut short = Vec::new();
        write_opaque(&body[..cut], &mut short).unwrap();
        let bad = with_changes(cs.as_ref(), &next.state, &short);
        assert_corrupt(
            load(&provider, &bad, &next.tree_parts, &next.past_epochs),
            "truncated",
        );
    }
    for i in 0..body.len() {
        for bit in [0x01, 0x80] {
            let mut flipped = body.to_vec();
            flipped[i] ^= bit;
            let mut v = Vec::new();
            write_opaque(&flipped, &mut v).unwrap();
            let bad = with_changes(cs.as_ref(), &next.state, &v);
            assert_corrupt(
                load(&provider, &bad, &next.tree_parts, &next.past_epochs),
                &format!("byte {i} bit {bit:#x}"),
            );
        }
    }
    // And the real ones still load.
    load(&provider, &next.state, &next.tree_parts, &next.past_epochs).unwrap();
}

/// A late message of a past epoch, from a member removed in the next one,
/// is verified after a load with that epoch's keys (rebuilt from the key
/// changes: the removed member's key is one of them); a past record of
/// another history of the group (a fork at that epoch) is corrupt.
#[test]
fn past_epoch_keys_survive_a_load_and_foreign_records_are_corrupt() {
    let provider = provider(72);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let (bob_kp, carol_kp) = (bundle(cs.as_ref(), "bob"), bundle(cs.as_ref(), "carol"));
    let out = alice
        .commit_builder()
        .add_member(bob_kp.key_package().clone())
        .add_member(carol_kp.key_package().clone())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let welcome = out.welcome.as_ref().unwrap();
    let mut bob = join(&provider, welcome, bob_kp, GroupConfig::default(), None);
    let mut carol = join(&provider, welcome, carol_kp, GroupConfig::default(), None);
    process_commit(&mut bob, &last_commit(&mut alice, &mut carol));
    let late = carol.encrypt_application_message(b"late", b"").unwrap();
    let fork = snapshot(&bob);

    let out = alice
        .commit_builder()
        .remove_member(carol.own_leaf())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    process_commit(&mut bob, &out.commit);
    let records = bob.to_records().unwrap();
    // The past record of the epoch before holds Carol's key as a change.
    let mut restored = load(
        &provider,
        &records.state,
        &records.tree_parts,
        &records.past_epochs,
    )
    .unwrap();
    assert_eq!(receive_app(&mut restored, &late), b"late");
    assert_eq!(receive_app(&mut bob, &late), b"late");

    // A fork of Bob at the same epoch that goes on with another Commit:
    // its record of that epoch chains to another tree.
    let mut forked = Group::from_bytes(&fork, &provider).unwrap();
    forked.commit_builder().build().unwrap();
    forked.merge_pending_commit().unwrap();
    let theirs = forked.to_records().unwrap();
    let epoch = records.past_epochs.last().unwrap().epoch;
    let foreign = theirs
        .past_epochs
        .iter()
        .find(|p| p.epoch == epoch)
        .unwrap()
        .clone();
    assert_ne!(foreign.bytes, records.past_epochs.last().unwrap().bytes);
    let mut mixed = records.past_epochs.clone();
    *mixed.last_mut().unwrap() = foreign;
    assert!(matches!(
        load(&provider, &records.state, &records.tree_parts, &mixed),
        Err(GroupError::State(StateError::Corrupt(
            "past epoch record does not chain to the next epoch"
        )))
    ));
    // Without its newer neighbour an older record does not chain either.
    if records.past_epochs.len() >= 2 {
        let older = vec![records.past_epochs[0].clone()];
        assert_corrupt(
            load(&provider, &records.state, &records.tree_parts, &older),
            "a gap in the past epochs",
        );
    }
}

/// Alice commits, Carol processes it; returns the Commit for the others.
fn last_commit(alice: &mut Group, carol: &mut Group) -> mls_codec::MlsMessage {
    let out = alice.commit_builder().build().unwrap();
    alice.merge_pending_commit().unwrap();
    process_commit(carol, &out.commit);
    out.commit
}
