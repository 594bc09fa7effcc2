//! What only a database file has: two stores (connections) on one file,
//! writers serialized by SQLite's lock and refused on a stale generation,
//! the schema version, the bound identity, a full disk, retention, and
//! secure deletion.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::*;
use mls_group::storage::{
    GroupStateStore, GroupWrite, KeyPackageRecord, KeyPackageStore, PskChange, PskStore, Store,
    StoreError,
};
use mls_group::{Group, GroupError, SaveCursor, SideEffects};
use mls_store_sqlite::{SCHEMA_VERSION, SqliteOptions, SqliteStore};
use zeroize::Zeroizing;

fn synthetic(group: &[u8], expected: Option<u64>, state_len: usize) -> GroupWrite {
    GroupWrite {
        group_id: group.to_vec(),
        expected_generation: expected,
        epoch: expected.unwrap_or(0),
        state: Zeroizing::new(vec![0x42; state_len]),
        past_epochs: Vec::new(),
        prune_before: 0,
        tree_parts: Vec::new(),
        tree_part_count: 0,
        consumed_key_packages: Vec::new(),
        psk_changes: Vec::new(),
        client_records: Vec::new(),
    }
}

#[test]
fn two_stores_on_one_file_get_a_conflict_not_a_lost_update() {
    let db = TempDb::new("two-stores");
    let a = SqliteStore::open(db.path()).unwrap();
    let b = SqliteStore::open(db.path()).unwrap();
    let (provider, mut alice, _bob) = two_members(21);
    let mut cursor = SaveCursor::new();
    alice.save(&a, &mut cursor, SideEffects::default()).unwrap();
    let (mut other, mut other_cursor) = Group::load(&b, alice.group_id(), &provider)
        .unwrap()
        .unwrap();
    commit_and_merge(&mut other);
    other
        .save(&b, &mut other_cursor, SideEffects::default())
        .unwrap();
    commit_and_merge(&mut alice);
    assert!(matches!(
        alice.save(&a, &mut cursor, SideEffects::default()),
        Err(GroupError::Storage(StoreError::Conflict {
            stored: Some(2),
            expected: Some(1),
            ..
        }))
    ));
    // Store `a` reads what `b` wrote.
    assert_eq!(
        snapshot(&load(&a, alice.group_id(), &provider)),
        snapshot(&other)
    );
}

#[test]
fn concurrent_writers_on_one_file_serialize() {
    const WRITES: u64 = 25;
    let db = TempDb::new("serialize");
    let first = SqliteStore::open(db.path()).unwrap();
    first.write_group(synthetic(b"g", None, 100)).unwrap();
    let path = Arc::new(db.path().to_path_buf());
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || {
                // Each thread its own connection, as another process would.
                let store = SqliteStore::open(path.as_path()).unwrap();
                let mut done = 0;
                let mut conflicts = 0;
                while done < WRITES {
                    let generation = store.read_group(b"g").unwrap().unwrap().generation;
                    match store.write_group(synthetic(b"g", Some(generation), 100)) {
                        Ok(_) => done += 1,
                        Err(StoreError::Conflict { .. }) => conflicts += 1,
                        Err(e) => panic!("a writer failed: {e}"),
                    }
                }
                conflicts
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // Every successful write counted once: none lost, none doubled.
    assert_eq!(
        first.read_group(b"g").unwrap().unwrap().generation,
        1 + 2 * WRITES
    );
}

#[test]
fn a_file_of_a_newer_schema_is_refused() {
    let db = TempDb::new("newer");
    drop(SqliteStore::open(db.path()).unwrap());
    let raw = rusqlite::Connection::open(db.path()).unwrap();
    let version: u32 = raw
        .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    raw.execute(
        "UPDATE schema_version SET version = ?1",
        [SCHEMA_VERSION + 1],
    )
    .unwrap();
    drop(raw);
    assert_eq!(
        SqliteStore::open(db.path()).map(|_| ()),
        Err(StoreError::NewerVersion {
            found: SCHEMA_VERSION + 1,
            supported: SCHEMA_VERSION,
        })
    );
}

#[test]
fn a_file_of_another_identity_is_refused() {
    let db = TempDb::new("identity");
    let store = SqliteStore::open(db.path()).unwrap();
    store.bind_identity(b"alice").unwrap();
    drop(store);
    let store = SqliteStore::open(db.path()).unwrap();
    assert_eq!(store.bind_identity(b"bob"), Err(StoreError::WrongIdentity));
    store.bind_identity(b"alice").unwrap();
}

#[test]
fn a_full_disk_applies_nothing_and_the_next_write_succeeds() {
    let db = TempDb::new("full");
    let store = SqliteStore::open(db.path()).unwrap();
    store
        .insert_key_package(KeyPackageRecord {
            reference: b"kp".to_vec(),
            bundle: Zeroizing::new(vec![7; 100]),
            last_resort: false,
            created_at: 1,
        })
        .unwrap();
    store.insert_psk(b"psk", b"old").unwrap();
    store.write_group(synthetic(b"g", None, 1000)).unwrap();
    let before = store.read_group(b"g").unwrap();
    let mut grow = synthetic(b"g", Some(1), 256 * 1024);
    grow.consumed_key_packages = vec![b"kp".to_vec()];
    grow.psk_changes = vec![PskChange::Delete {
        id: b"psk".to_vec(),
    }];
    let size = std::fs::metadata(db.path()).unwrap().len();
    store.limit_size(Some(size)).unwrap();
    let err = store.write_group(grow.clone()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Backend(m) if m.contains("full")),
        "{err}"
    );
    assert_eq!(store.read_group(b"g").unwrap(), before);
    assert!(store.key_package(b"kp").unwrap().is_some());
    assert_eq!(store.psk(b"psk").unwrap().unwrap().as_slice(), b"old");
    store.limit_size(None).unwrap();
    assert_eq!(store.write_group(grow).unwrap(), 2);
    assert!(store.key_package(b"kp").unwrap().is_none());
    assert!(store.psk(b"psk").unwrap().is_none());
}

#[test]
fn retention_keeps_the_newest_past_epochs() {
    let db = TempDb::new("retention");
    let store = SqliteStore::open_with(
        db.path(),
        SqliteOptions {
            max_past_epochs: Some(1),
            ..SqliteOptions::default()
        },
    )
    .unwrap();
    let (provider, mut alice, mut bob) = two_members(22);
    let mut cursor = SaveCursor::new();
    alice
        .save(&store, &mut cursor, SideEffects::default())
        .unwrap();
    for _ in 0..3 {
        let commit = commit_and_merge(&mut alice);
        process_commit(&mut bob, &commit);
        alice
            .save(&store, &mut cursor, SideEffects::default())
            .unwrap();
    }
    let stored = store.read_group(alice.group_id()).unwrap().unwrap();
    let epochs: Vec<u64> = stored.past_epochs.iter().map(|p| p.epoch).collect();
    assert_eq!(epochs, vec![alice.epoch() - 1]);
    // The group loads with the one past epoch kept and goes on.
    let mut loaded = load(&store, alice.group_id(), &provider);
    let commit = commit_and_merge(&mut loaded);
    process_commit(&mut bob, &commit);
    assert_eq!(loaded.epoch_authenticator(), bob.epoch_authenticator());
}

#[test]
fn a_consumed_key_package_leaves_no_copy_in_the_file() {
    let db = TempDb::new("secure-delete");
    let store = SqliteStore::open(db.path()).unwrap();
    let secret: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
    store
        .insert_key_package(KeyPackageRecord {
            reference: b"kp".to_vec(),
            bundle: Zeroizing::new(secret.clone()),
            last_resort: false,
            created_at: 1,
        })
        .unwrap();
    store.checkpoint().unwrap();
    assert!(file_contains(&db, &secret), "the bundle is in the file");
    let mut w = synthetic(b"g", None, 100);
    w.consumed_key_packages = vec![b"kp".to_vec()];
    store.write_group(w).unwrap();
    store.checkpoint().unwrap();
    assert!(
        !file_contains(&db, &secret),
        "GUIDANCE G-06: no copy of a consumed KeyPackage's private part"
    );
}
