//! The store contract of docs/storage.md as one test suite, run against
//! every store (`contract_tests!` in `tests/contract.rs`): atomicity,
//! generations and conflicts, failure, deletion, reads byte for byte, and
//! the same with real groups through `Group::save` / `Group::load`.

#![allow(clippy::unwrap_used)]

use mls_group::storage::{
    EpochRecord, GroupWrite, KeyPackageRecord, PskChange, Store, StoreError, StoredGroup,
};
use mls_group::{Group, GroupConfig, GroupError, SaveCursor, SideEffects};
use zeroize::Zeroizing;

use crate::common::*;

fn bytes(tag: u8, len: usize) -> Zeroizing<Vec<u8>> {
    Zeroizing::new((0..len).map(|i| tag ^ (i as u8)).collect())
}

fn epoch(epoch: u64, tag: u8) -> EpochRecord {
    EpochRecord {
        epoch,
        bytes: bytes(tag, 40),
    }
}

fn write(group: &[u8], expected: Option<u64>, e: u64, tag: u8) -> GroupWrite {
    GroupWrite {
        group_id: group.to_vec(),
        expected_generation: expected,
        epoch: e,
        state: bytes(tag, 300),
        past_epochs: Vec::new(),
        prune_before: 0,
        consumed_key_packages: Vec::new(),
        psk_changes: Vec::new(),
    }
}

fn key_package(reference: &[u8], last_resort: bool) -> KeyPackageRecord {
    KeyPackageRecord {
        reference: reference.to_vec(),
        bundle: bytes(reference[0], 64),
        last_resort,
        created_at: 1_700_000_000 + u64::from(reference[0]),
    }
}

fn stored(store: &dyn Store, group: &[u8]) -> StoredGroup {
    store.read_group(group).unwrap().unwrap()
}

/// Everything a store holds, to check that a refused write changed nothing.
fn contents(store: &dyn Store) -> (Vec<StoredGroup>, Vec<KeyPackageRecord>) {
    let groups = store
        .group_ids()
        .unwrap()
        .iter()
        .map(|g| stored(store, g))
        .collect();
    let kps = store
        .key_package_refs()
        .unwrap()
        .iter()
        .map(|(r, _, _)| store.key_package(r).unwrap().unwrap())
        .collect();
    (groups, kps)
}

/// A new group reads back byte for byte, with generation 1.
pub fn a_new_group_reads_back_exactly(store: &dyn Store) {
    assert!(store.read_group(b"g").unwrap().is_none());
    let mut w = write(b"g", None, 3, 1);
    w.past_epochs = vec![epoch(2, 9), epoch(1, 8)];
    w.prune_before = 1;
    assert_eq!(store.write_group(w.clone()).unwrap(), 1);
    let s = stored(store, b"g");
    assert_eq!(s.group_id, b"g");
    assert_eq!((s.generation, s.epoch), (1, 3));
    assert_eq!(s.state, w.state);
    // Oldest first, whatever order they were written in.
    assert_eq!(s.past_epochs, vec![epoch(1, 8), epoch(2, 9)]);
    assert_eq!(store.group_ids().unwrap(), vec![b"g".to_vec()]);
}

/// Generations count writes; a writer naming another generation than the
/// stored one is refused with `Conflict` and changes nothing.
pub fn stale_writers_conflict_and_change_nothing(store: &dyn Store) {
    store.insert_key_package(key_package(b"k", false)).unwrap();
    store.insert_psk(b"p", b"secret").unwrap();
    assert_eq!(store.write_group(write(b"g", None, 0, 1)).unwrap(), 1);
    assert_eq!(store.write_group(write(b"g", Some(1), 1, 2)).unwrap(), 2);
    let before = contents(store);
    let mut stale = write(b"g", Some(1), 1, 3);
    stale.past_epochs = vec![epoch(0, 4)];
    stale.prune_before = 5;
    stale.consumed_key_packages = vec![b"k".to_vec()];
    stale.psk_changes = vec![
        PskChange::Delete { id: b"p".to_vec() },
        PskChange::Insert {
            id: b"q".to_vec(),
            secret: bytes(5, 8),
        },
    ];
    assert_eq!(
        store.write_group(stale.clone()),
        Err(StoreError::Conflict {
            stored: Some(2),
            stored_epoch: Some(1),
            expected: Some(1),
        })
    );
    // A "new" group that exists, and an update of a group that does not.
    assert!(matches!(
        store.write_group(write(b"g", None, 1, 3)),
        Err(StoreError::Conflict {
            stored: Some(2),
            expected: None,
            ..
        })
    ));
    assert_eq!(
        store.write_group(write(b"h", Some(1), 1, 3)),
        Err(StoreError::Conflict {
            stored: None,
            stored_epoch: None,
            expected: Some(1),
        })
    );
    assert_eq!(contents(store), before);
    assert_eq!(store.psk(b"p").unwrap().unwrap().as_slice(), b"secret");
    assert!(store.psk(b"q").unwrap().is_none());
    // The writer that read generation 2 goes on.
    stale.expected_generation = Some(2);
    assert_eq!(store.write_group(stale).unwrap(), 3);
}

/// Past epochs: new ones added, a changed one replaced, everything below
/// `prune_before` deleted, in the same write.
pub fn past_epochs_are_replaced_and_pruned(store: &dyn Store) {
    let mut w = write(b"g", None, 3, 1);
    w.past_epochs = vec![epoch(1, 1), epoch(2, 2)];
    store.write_group(w).unwrap();
    let mut w = write(b"g", Some(1), 4, 2);
    // Epoch 2's ratchet advanced (a late message), epoch 3 just left.
    w.past_epochs = vec![epoch(2, 22), epoch(3, 3)];
    w.prune_before = 2;
    store.write_group(w).unwrap();
    assert_eq!(
        stored(store, b"g").past_epochs,
        vec![epoch(2, 22), epoch(3, 3)]
    );
    // A write without past-epoch records keeps the stored ones.
    let mut w = write(b"g", Some(2), 4, 3);
    w.prune_before = 2;
    store.write_group(w).unwrap();
    assert_eq!(stored(store, b"g").past_epochs.len(), 2);
    // Pruning touches this group only.
    let mut other = write(b"o", None, 9, 1);
    other.past_epochs = vec![epoch(1, 5)];
    store.write_group(other).unwrap();
    let mut w = write(b"g", Some(3), 5, 4);
    w.prune_before = 5;
    store.write_group(w).unwrap();
    assert!(stored(store, b"g").past_epochs.is_empty());
    assert_eq!(stored(store, b"o").past_epochs, vec![epoch(1, 5)]);
}

/// KeyPackage deletions and PSK changes are part of the group's batch.
pub fn side_effects_are_in_the_batch(store: &dyn Store) {
    store.insert_key_package(key_package(b"k1", false)).unwrap();
    store.insert_key_package(key_package(b"k2", true)).unwrap();
    store.insert_psk(b"old", b"o").unwrap();
    let mut w = write(b"g", None, 1, 1);
    w.consumed_key_packages = vec![b"k1".to_vec(), b"absent".to_vec()];
    w.psk_changes = vec![
        PskChange::Insert {
            id: b"new".to_vec(),
            secret: bytes(7, 16),
        },
        PskChange::Delete {
            id: b"old".to_vec(),
        },
    ];
    store.write_group(w).unwrap();
    assert!(store.key_package(b"k1").unwrap().is_none());
    assert_eq!(
        store.key_package(b"k2").unwrap().unwrap(),
        key_package(b"k2", true)
    );
    assert_eq!(store.psk(b"new").unwrap().unwrap(), bytes(7, 16));
    assert!(store.psk(b"old").unwrap().is_none());
}

/// `delete_group` forgets the state and every past epoch; the id can be
/// created anew.
pub fn deleted_groups_are_gone(store: &dyn Store) {
    let mut w = write(b"g", None, 2, 1);
    w.past_epochs = vec![epoch(1, 1)];
    store.write_group(w).unwrap();
    store.write_group(write(b"h", None, 0, 1)).unwrap();
    store.delete_group(b"g").unwrap();
    store.delete_group(b"never stored").unwrap();
    assert!(store.read_group(b"g").unwrap().is_none());
    assert_eq!(store.group_ids().unwrap(), vec![b"h".to_vec()]);
    assert_eq!(store.write_group(write(b"g", None, 7, 2)).unwrap(), 1);
    assert!(stored(store, b"g").past_epochs.is_empty());
}

/// KeyPackages: insert, replace, read, list (sorted), delete.
pub fn key_packages_round_trip(store: &dyn Store) {
    store.insert_key_package(key_package(b"b", false)).unwrap();
    store.insert_key_package(key_package(b"a", true)).unwrap();
    assert_eq!(
        store.key_package_refs().unwrap(),
        vec![
            (b"a".to_vec(), true, 1_700_000_000 + u64::from(b'a')),
            (b"b".to_vec(), false, 1_700_000_000 + u64::from(b'b')),
        ]
    );
    let mut replaced = key_package(b"a", false);
    replaced.bundle = bytes(1, 10);
    store.insert_key_package(replaced.clone()).unwrap();
    assert_eq!(store.key_package(b"a").unwrap().unwrap(), replaced);
    store.delete_key_package(b"a").unwrap();
    store.delete_key_package(b"a").unwrap();
    assert!(store.key_package(b"a").unwrap().is_none());
    assert_eq!(store.key_package_refs().unwrap().len(), 1);
}

/// PSKs: insert, replace, read, delete.
pub fn psks_round_trip(store: &dyn Store) {
    assert!(store.psk(b"p").unwrap().is_none());
    store.insert_psk(b"p", b"one").unwrap();
    store.insert_psk(b"p", b"two").unwrap();
    assert_eq!(store.psk(b"p").unwrap().unwrap().as_slice(), b"two");
    store.delete_psk(b"p").unwrap();
    assert!(store.psk(b"p").unwrap().is_none());
}

/// A store belongs to the first identity bound to it.
pub fn the_first_identity_owns_the_store(store: &dyn Store) {
    store.bind_identity(b"alice").unwrap();
    store.bind_identity(b"alice").unwrap();
    assert_eq!(store.bind_identity(b"bob"), Err(StoreError::WrongIdentity));
    store.bind_identity(b"alice").unwrap();
}

/// Real groups: each save writes one batch, the loaded group is the saved
/// one byte for byte, and it goes on working with the other member.
pub fn real_groups_save_and_load(store: &dyn Store) {
    let (provider, mut alice, mut bob) = two_members(11);
    let mut cursor = SaveCursor::new();
    alice
        .save(store, &mut cursor, SideEffects::default())
        .unwrap();
    for _ in 0..4 {
        let commit = commit_and_merge(&mut alice);
        process_commit(&mut bob, &commit);
        alice
            .save(store, &mut cursor, SideEffects::default())
            .unwrap();
        let s = stored(store, alice.group_id());
        assert_eq!(s.epoch, alice.epoch());
        assert_eq!(s.state, alice.to_records().unwrap().state);
    }
    assert_eq!(cursor.generation(), Some(5));
    assert_eq!(
        stored(store, alice.group_id()).past_epochs.len(),
        GroupConfig::default().max_past_epochs
    );
    let (loaded, loaded_cursor) = Group::load(store, alice.group_id(), &provider)
        .unwrap()
        .unwrap();
    assert_eq!(snapshot(&loaded), snapshot(&alice));
    assert_eq!(loaded_cursor, cursor);
    let mut alice = loaded;
    let commit = commit_and_merge(&mut alice);
    process_commit(&mut bob, &commit);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
    alice
        .save(store, &mut cursor, SideEffects::default())
        .unwrap();
}

/// Two writers of one real group: the second one to save after loading the
/// same generation gets a conflict, and the stored group is the first's.
pub fn two_writers_of_a_real_group_conflict(store: &dyn Store) {
    let (provider, mut alice, _bob) = two_members(12);
    let mut cursor = SaveCursor::new();
    alice
        .save(store, &mut cursor, SideEffects::default())
        .unwrap();
    let (mut other, mut other_cursor) = Group::load(store, alice.group_id(), &provider)
        .unwrap()
        .unwrap();
    commit_and_merge(&mut other);
    other
        .save(store, &mut other_cursor, SideEffects::default())
        .unwrap();
    commit_and_merge(&mut alice);
    let err = alice
        .save(store, &mut cursor, SideEffects::default())
        .unwrap_err();
    assert!(matches!(
        err,
        GroupError::Storage(StoreError::Conflict {
            stored: Some(2),
            expected: Some(1),
            ..
        })
    ));
    assert_eq!(
        snapshot(&load(store, alice.group_id(), &provider)),
        snapshot(&other)
    );
}

/// A write that fails (the n-th, for every n of a run) applies nothing: the
/// stored group stays at the old epoch with its KeyPackage, the caller's
/// cursor is unchanged, a reload gives the old epoch that still processes
/// the Commit the others merged, and the next write succeeds.
pub fn a_failed_write_applies_nothing(store: &dyn Store) {
    let (provider, mut alice, mut bob) = two_members(13);
    let mut bob_cursor = SaveCursor::new();
    bob.save(store, &mut bob_cursor, SideEffects::default())
        .unwrap();
    for n in 1..=3u8 {
        store
            .insert_key_package(key_package(&[n, 0xee], false))
            .unwrap();
        let failing = FailingStore::new(store, 1);
        let commit = commit_and_merge(&mut alice);
        let before_cursor = bob_cursor.clone();
        let before = store.read_group(bob.group_id()).unwrap();
        let old_epoch = bob.epoch();
        process_commit(&mut bob, &commit);
        let effects = SideEffects {
            consumed_key_packages: vec![vec![n, 0xee]],
            ..SideEffects::default()
        };
        assert!(matches!(
            bob.save(&failing, &mut bob_cursor, effects.clone()),
            Err(GroupError::Storage(StoreError::Backend(_)))
        ));
        assert_eq!(bob_cursor, before_cursor);
        assert_eq!(store.read_group(bob.group_id()).unwrap(), before);
        assert!(store.key_package(&[n, 0xee]).unwrap().is_some());
        // The caller keeps the old epoch: reload it and process again.
        let mut reloaded = load(store, bob.group_id(), &provider);
        assert_eq!(reloaded.epoch(), old_epoch);
        process_commit(&mut reloaded, &commit);
        assert_eq!(reloaded.epoch_authenticator(), alice.epoch_authenticator());
        // The next write (the failing store's second) succeeds.
        reloaded.save(&failing, &mut bob_cursor, effects).unwrap();
        assert!(store.key_package(&[n, 0xee]).unwrap().is_none());
        assert_eq!(stored(store, bob.group_id()).epoch, alice.epoch());
        bob = reloaded;
    }
}

/// Every case, as `#[test]`s over the store `$make()` returns (a store and
/// a guard kept alive for the test).
macro_rules! contract_tests {
    ($make:expr) => {
        contract_tests!(@cases $make;
            a_new_group_reads_back_exactly,
            stale_writers_conflict_and_change_nothing,
            past_epochs_are_replaced_and_pruned,
            side_effects_are_in_the_batch,
            deleted_groups_are_gone,
            key_packages_round_trip,
            psks_round_trip,
            the_first_identity_owns_the_store,
            real_groups_save_and_load,
            two_writers_of_a_real_group_conflict,
            a_failed_write_applies_nothing
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                let (store, _guard) = ($make)();
                crate::store_contract::$case(&store);
            }
        )*
    };
}
pub(crate) use contract_tests;
