//! The store contract of docs/storage.md as one test suite, run against
//! every store (`contract_tests!` in `tests/contract.rs`): atomicity,
//! generations and conflicts, failure, deletion, reads byte for byte, and
//! the same with real groups through `Group::save` / `Group::load`.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use mls_codec::Credential;
use mls_group::storage::{
    ClientRecord, EpochRecord, GroupStateStore, GroupWrite, InMemoryStore, KeyPackageRecord,
    PskChange, Store, StoreError, StoredGroup, TreePart,
};
use mls_group::{
    Group, GroupConfig, GroupError, ProcessedMessage, SaveCursor, SideEffects, StateError,
};
use zeroize::Zeroizing;

use crate::common::*;
use mls_crypto_rustcrypto::RustCryptoProvider;

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
        tree_parts: Vec::new(),
        tree_part_count: 0,
        consumed_key_packages: Vec::new(),
        psk_changes: Vec::new(),
        client_records: Vec::new(),
    }
}

fn part(index: u32, tag: u8) -> TreePart {
    TreePart {
        index,
        bytes: bytes(tag, 50).to_vec(),
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
    stale.tree_parts = vec![part(0, 4), part(1, 5)];
    stale.tree_part_count = 2;
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

/// Tree parts: the written ones inserted or replaced, the others kept,
/// every part at or beyond `tree_part_count` deleted, in the same write;
/// read back in index order; gone with the group.
pub fn tree_parts_are_replaced_and_dropped(store: &dyn Store) {
    let mut w = write(b"g", None, 1, 1);
    w.tree_parts = vec![part(2, 2), part(0, 0), part(1, 1), part(3, 3)];
    w.tree_part_count = 4;
    store.write_group(w).unwrap();
    assert_eq!(
        stored(store, b"g").tree_parts,
        vec![part(0, 0), part(1, 1), part(2, 2), part(3, 3)]
    );
    let mut other = write(b"o", None, 1, 1);
    other.tree_parts = vec![part(0, 9), part(1, 9), part(2, 9)];
    other.tree_part_count = 3;
    store.write_group(other).unwrap();
    // Part 1 changed, the tree shrank to two parts.
    let mut w = write(b"g", Some(1), 2, 2);
    w.tree_parts = vec![part(1, 11)];
    w.tree_part_count = 2;
    store.write_group(w).unwrap();
    assert_eq!(
        stored(store, b"g").tree_parts,
        vec![part(0, 0), part(1, 11)]
    );
    // A state that holds its tree (count 0) keeps no part.
    store.write_group(write(b"g", Some(2), 3, 3)).unwrap();
    assert!(stored(store, b"g").tree_parts.is_empty());
    assert_eq!(stored(store, b"o").tree_parts.len(), 3);
    store.delete_group(b"o").unwrap();
    let mut again = write(b"o", None, 1, 1);
    again.tree_part_count = 3;
    store.write_group(again).unwrap();
    assert!(stored(store, b"o").tree_parts.is_empty());
}

/// Records of different epochs mixed in one stored group are refused at
/// load with a typed error, never read as a different state: a past epoch
/// at or after the current epoch, and tree parts of another epoch (stale).
pub fn mixed_records_are_refused_at_load(store: &dyn Store) {
    let (provider, mut alice, _bob) = two_members(14);
    let old = alice.to_records().unwrap();
    commit_and_merge(&mut alice);
    commit_and_merge(&mut alice);
    let new = alice.to_records().unwrap();
    assert!(new.past_epochs.iter().any(|p| p.epoch >= old.epoch));
    let raw =
        |state: &Zeroizing<Vec<u8>>, epoch, past: &[EpochRecord], parts: &[TreePart]| GroupWrite {
            group_id: alice.group_id().to_vec(),
            expected_generation: None,
            epoch,
            state: state.clone(),
            past_epochs: past.to_vec(),
            prune_before: 0,
            tree_parts: parts.to_vec(),
            tree_part_count: u32::try_from(parts.len()).unwrap(),
            consumed_key_packages: Vec::new(),
            psk_changes: Vec::new(),
            client_records: Vec::new(),
        };
    let cases = [
        // The old state with the newer past epochs (one at its own epoch).
        raw(&old.state, old.epoch, &new.past_epochs, &old.tree_parts),
        // The new state with the old epoch's tree parts (stale).
        raw(&new.state, new.epoch, &new.past_epochs, &old.tree_parts),
        // A part missing.
        raw(
            &new.state,
            new.epoch,
            &new.past_epochs,
            &new.tree_parts[1..],
        ),
    ];
    for (i, w) in cases.into_iter().enumerate() {
        store.delete_group(alice.group_id()).unwrap();
        store.write_group(w).unwrap();
        let err = Group::load(store, alice.group_id(), &provider).unwrap_err();
        assert!(
            matches!(err, GroupError::State(StateError::Corrupt(_))),
            "case {i}: {err:?}"
        );
    }
}

/// A deterministic pseudo-random sequence (xorshift64).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A member of the random world: its group, its own store (Alice's is the
/// store under test) and its cursor.
struct Member {
    group: Group,
    store: Option<InMemoryStore>,
    cursor: SaveCursor,
}

impl Member {
    fn new(group: Group) -> Self {
        Member {
            group,
            store: Some(InMemoryStore::new()),
            cursor: SaveCursor::new(),
        }
    }

    /// Save incrementally, then check that what is stored equals a fresh
    /// full save byte for byte: the state, every tree part, every past epoch.
    fn save_and_check(&mut self, shared: &dyn Store) {
        let store: &dyn GroupStateStore = match &self.store {
            Some(own) => own,
            None => shared,
        };
        self.group
            .save(store, &mut self.cursor, SideEffects::default())
            .unwrap();
        let s = store.read_group(self.group.group_id()).unwrap().unwrap();
        let full = self.group.to_records().unwrap();
        assert_eq!(
            s.state,
            full.state,
            "state of leaf {:?}",
            self.group.own_leaf()
        );
        assert_eq!(
            s.tree_parts,
            full.tree_parts,
            "tree parts of {:?}",
            self.group.own_leaf()
        );
        assert_eq!(s.past_epochs, full.past_epochs);
    }
}

/// Deliver a Commit (or a proposal) to every member but `from`.
/// Commit, save while the Commit is pending (checked against a full save
/// like every save), load that state, then merge both the loaded copy and
/// the group: the stored pending Commit (its staged tree as changes against
/// the stored tree) merges into exactly the same group.
fn commit_saved_pending(
    m: &mut Member,
    store: &dyn Store,
    provider: &RustCryptoProvider,
) -> mls_codec::MlsMessage {
    let out = m.group.commit_builder().build().unwrap();
    m.save_and_check(store);
    let from: &dyn GroupStateStore = match &m.store {
        Some(own) => own,
        None => store,
    };
    let (mut loaded, _) = Group::load(from, m.group.group_id(), provider)
        .unwrap()
        .unwrap();
    assert_eq!(snapshot(&loaded), snapshot(&m.group), "pending state loads");
    loaded.merge_pending_commit().unwrap();
    m.group.merge_pending_commit().unwrap();
    assert_eq!(
        snapshot(&loaded),
        snapshot(&m.group),
        "loaded pending merges"
    );
    out.commit
}

fn deliver(members: &mut [Member], from: usize, message: &mls_codec::MlsMessage) {
    for (i, m) in members.iter_mut().enumerate() {
        if i == from {
            continue;
        }
        match m.group.process_message(message).unwrap() {
            ProcessedMessage::Commit(staged) => m.group.merge_staged_commit(staged).unwrap(),
            ProcessedMessage::Proposal(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// The dirty-part tracking is exact: after random sequences of Commits
/// with a path (each also saved, loaded and merged while pending), Update
/// proposals, Removes, Adds (by Welcome) and external joins, each member's
/// incrementally saved records (past epochs as key changes included) equal a fresh full
/// save byte for byte, and the incrementally saved group loads and goes on.
pub fn incremental_saves_equal_full_saves(store: &dyn Store) {
    let provider = provider(31);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice");
    let mut builder = alice.commit_builder();
    let bundles: Vec<_> = (0..10)
        .map(|i| bundle(cs.as_ref(), &format!("m{i}")))
        .collect();
    for b in &bundles {
        builder = builder.add_member(b.key_package().clone());
    }
    let out = builder.build().unwrap();
    alice.merge_pending_commit().unwrap();
    let mut members = vec![Member {
        group: alice,
        store: None,
        cursor: SaveCursor::new(),
    }];
    for b in bundles {
        members.push(Member::new(join(
            &provider,
            out.welcome.as_ref().unwrap(),
            b,
        )));
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut joined = 0;
    for step in 0..40 {
        let c = rng.below(members.len());
        match rng.below(5) {
            0 => {
                let commit = commit_saved_pending(&mut members[c], store, &provider);
                deliver(&mut members, c, &commit);
            }
            1 => {
                joined += 1;
                let b = bundle(cs.as_ref(), &format!("new{joined}"));
                let out = members[c]
                    .group
                    .commit_builder()
                    .add_member(b.key_package().clone())
                    .build()
                    .unwrap();
                members[c].group.merge_pending_commit().unwrap();
                deliver(&mut members, c, &out.commit);
                members.push(Member::new(join(
                    &provider,
                    out.welcome.as_ref().unwrap(),
                    b,
                )));
            }
            2 if members.len() > 3 => {
                // Remove someone other than Alice and the committer.
                let r = 1 + rng.below(members.len() - 1);
                if r == c {
                    continue;
                }
                let leaf = members[r].group.own_leaf();
                let out = members[c]
                    .group
                    .commit_builder()
                    .remove_member(leaf)
                    .build()
                    .unwrap();
                members[c].group.merge_pending_commit().unwrap();
                members.remove(r);
                let c = if r < c { c - 1 } else { c };
                deliver(&mut members, c, &out.commit);
            }
            3 => {
                let u = rng.below(members.len());
                if u == c {
                    continue;
                }
                let proposal = members[u].group.propose().update().unwrap();
                deliver(&mut members, u, &proposal);
                let commit = commit_saved_pending(&mut members[c], store, &provider);
                deliver(&mut members, c, &commit);
            }
            _ => {
                joined += 1;
                let key = cs.signature_generate_key_pair().unwrap();
                let info = members[c].group.export_group_info(true).unwrap();
                let (group, out) = Group::external_commit_builder(
                    cs.clone(),
                    &info,
                    Credential::basic(format!("ext{joined}")),
                    Arc::new(key),
                )
                .build()
                .unwrap();
                let n = members.len();
                members.push(Member::new(group));
                deliver(&mut members, n, &out.commit);
            }
        }
        for m in &mut members {
            m.save_and_check(store);
        }
        let first = members[0].group.epoch_authenticator();
        assert!(
            members
                .iter()
                .all(|m| m.group.epoch_authenticator() == first),
            "step {step}: members disagree"
        );
    }
    // Alice's incrementally saved group loads as she is, and goes on.
    let alice = &members[0];
    let (loaded, cursor) = Group::load(store, alice.group.group_id(), &provider)
        .unwrap()
        .unwrap();
    assert_eq!(snapshot(&loaded), snapshot(&alice.group));
    assert_eq!(cursor, alice.cursor);
    members[0].group = loaded;
    members[0].cursor = cursor;
    let commit = commit_and_merge(&mut members[0].group);
    deliver(&mut members, 0, &commit);
    members[0].save_and_check(store);
    assert_eq!(
        members[0].group.epoch_authenticator(),
        members[1].group.epoch_authenticator()
    );
}

/// Client-level records (the entropy pool, G-39): written on their own or
/// in a group's batch, replaced by name; a refused batch applies none.
pub fn client_records_are_in_the_batch(store: &dyn Store) {
    let record = |tag: u8| ClientRecord {
        name: b"pool".to_vec(),
        value: bytes(tag, 35),
    };
    assert_eq!(store.client_record(b"pool").unwrap(), None);
    store.write_client_record(record(1)).unwrap();
    assert_eq!(store.client_record(b"pool").unwrap(), Some(bytes(1, 35)));
    let mut w = write(b"g", None, 0, 1);
    w.client_records = vec![record(2)];
    store.write_group(w).unwrap();
    assert_eq!(store.client_record(b"pool").unwrap(), Some(bytes(2, 35)));
    let mut stale = write(b"g", None, 1, 2);
    stale.client_records = vec![record(3)];
    assert!(matches!(
        store.write_group(stale),
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.client_record(b"pool").unwrap(), Some(bytes(2, 35)));
    assert_eq!(store.client_record(b"other").unwrap(), None);
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
            a_failed_write_applies_nothing,
            tree_parts_are_replaced_and_dropped,
            mixed_records_are_refused_at_load,
            incremental_saves_equal_full_saves,
            client_records_are_in_the_batch
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
