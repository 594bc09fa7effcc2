//! A `mls_client::Client` on a SQLite file (issue 13): the same life as the
//! in-memory client tests of `crates/mls-client/tests/client.rs` (create,
//! join from a Welcome, commit, list, delete), but every state lives in the
//! file, so a client built again on it (a restart) carries on where the last
//! one stopped; a file of another identity or of a newer schema is refused
//! before any group is read; the entropy pool (G-39) is a row of the file.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{TempDb, file_contains};
use mls_client::{
    Client, ClientError, DEFAULT_CIPHER_SUITE, POOL_RECORD, Received, generate_signer,
};
use mls_codec::Credential;
use mls_crypto::SignatureKeyPair;
use mls_group::CreateOptions;
use mls_group::storage::{ClientRecordStore, StoreError};
use mls_store_sqlite::{SCHEMA_VERSION, SqliteStore};

/// A client named `name` on the file `db` (opened afresh: a restart).
fn client_on_file(name: &str, signer: Arc<SignatureKeyPair>, db: &TempDb) -> Client {
    Client::builder()
        .identity(Credential::basic(name), signer)
        .store(SqliteStore::open(db.path()).unwrap())
        .build()
        .unwrap()
}

#[test]
fn a_client_on_a_file_creates_joins_commits_restarts_lists_and_deletes() {
    let (alice_db, bob_db) = (TempDb::new("client-alice"), TempDb::new("client-bob"));
    let (alice_key, bob_key) = (
        generate_signer(DEFAULT_CIPHER_SUITE).unwrap(),
        generate_signer(DEFAULT_CIPHER_SUITE).unwrap(),
    );
    let alice = client_on_file("alice", alice_key.clone(), &alice_db);
    let bob = client_on_file("bob", bob_key.clone(), &bob_db);

    // Bob publishes; Alice creates two groups and adds Bob to both.
    let published = bob.key_packages_to_publish().unwrap();
    let kp_count = bob.store().key_package_refs().unwrap().len();
    assert_eq!(kp_count, published.len());
    let mut ids = Vec::new();
    let mut pairs = Vec::new();
    for (i, kp) in published.into_iter().take(2).enumerate() {
        let mut a = alice
            .create_group_with(CreateOptions {
                group_id: Some(format!("group-{i}").into_bytes()),
                ..CreateOptions::default()
            })
            .unwrap();
        let out = a.commit(|c| c.add_member(kp)).unwrap();
        a.merge_pending_commit().unwrap();
        let b = bob.join(&out.welcome.unwrap()).unwrap();
        assert_eq!(
            a.group().epoch_authenticator(),
            b.group().epoch_authenticator()
        );
        ids.push(a.group_id().to_vec());
        pairs.push((a, b));
    }
    // Both joins deleted their KeyPackage from the file.
    assert_eq!(bob.store().key_package_refs().unwrap().len(), kp_count - 2);

    // Bob commits a self-update in group 0; Alice receives it.
    let (a0, b0) = &mut pairs[0];
    let update = b0.self_update().unwrap();
    b0.merge_pending_commit().unwrap();
    assert!(matches!(
        a0.receive(&update.commit).unwrap(),
        Received::Commit(_)
    ));
    let epoch = b0.epoch();
    let authenticator = b0.group().epoch_authenticator().to_vec();

    // Both processes stop; new clients open the same files.
    drop(pairs);
    drop((alice, bob));
    let alice = client_on_file("alice", alice_key, &alice_db);
    let bob = client_on_file("bob", bob_key.clone(), &bob_db);
    assert_eq!(alice.group_ids().unwrap(), ids);
    assert_eq!(bob.group_ids().unwrap(), ids);
    let mut a0 = alice.group(&ids[0]).unwrap().unwrap();
    let mut b0 = bob.group(&ids[0]).unwrap().unwrap();
    assert_eq!(a0.epoch(), epoch);
    assert_eq!(b0.group().epoch_authenticator(), authenticator.as_slice());
    assert_eq!(a0.group().epoch_authenticator(), authenticator.as_slice());
    assert_eq!(
        bob.store().key_package_refs().unwrap().len(),
        kp_count - 2,
        "the used KeyPackages stay deleted after the restart"
    );

    // The restarted clients carry on: a message, then a Commit.
    let m = a0
        .encrypt_application_message(b"after restart", b"")
        .unwrap();
    let Received::Application(got) = b0.receive(&m).unwrap() else {
        panic!("application data expected");
    };
    assert_eq!(got.data, b"after restart");
    let out = a0.self_update().unwrap();
    a0.merge_pending_commit().unwrap();
    b0.receive(&out.commit).unwrap();
    assert_eq!(a0.epoch(), epoch + 1);
    assert_eq!(
        a0.group().epoch_authenticator(),
        b0.group().epoch_authenticator()
    );

    // Deleting a group removes it from the file.
    bob.delete_group(&ids[1]).unwrap();
    drop(bob);
    let bob = client_on_file("bob", bob_key, &bob_db);
    assert_eq!(bob.group_ids().unwrap(), vec![ids[0].clone()]);
    assert!(bob.group(&ids[1]).unwrap().is_none());
}

#[test]
fn a_file_of_another_identity_or_a_newer_schema_is_refused() {
    let db = TempDb::new("client-identity");
    let key = generate_signer(DEFAULT_CIPHER_SUITE).unwrap();
    let alice = client_on_file("alice", key.clone(), &db);
    alice.create_group().unwrap();
    drop(alice);

    // Another credential, or the same name with another key: refused at build.
    for (name, signer) in [
        ("mallory", key.clone()),
        ("alice", generate_signer(DEFAULT_CIPHER_SUITE).unwrap()),
    ] {
        let e = Client::builder()
            .identity(Credential::basic(name), signer)
            .store(SqliteStore::open(db.path()).unwrap())
            .build()
            .expect_err("another identity");
        assert!(
            matches!(e, ClientError::Store(StoreError::WrongIdentity)),
            "{e}"
        );
    }
    // The right identity still opens it.
    assert_eq!(
        client_on_file("alice", key, &db).group_ids().unwrap().len(),
        1
    );

    // A file written by a newer schema: the store refuses to open it.
    let raw = rusqlite::Connection::open(db.path()).unwrap();
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
fn the_entropy_pool_lives_in_the_file_without_its_old_values_and_damage_is_refused() {
    let db = TempDb::new("client-pool");
    let key = generate_signer(DEFAULT_CIPHER_SUITE).unwrap();
    let nh = DEFAULT_CIPHER_SUITE.hash_len();
    let store = Arc::new(SqliteStore::open(db.path()).unwrap());
    let pooled = |store: Arc<SqliteStore>| {
        Client::builder()
            .identity(Credential::basic("alice"), key.clone())
            .shared_store(store)
            .entropy_pool()
            .build()
    };
    let alice = pooled(store.clone()).unwrap();
    let pool_value = |store: &SqliteStore| {
        store.client_record(POOL_RECORD).unwrap().unwrap()[3..3 + nh].to_vec()
    };
    let first = pool_value(&store);
    let mut group = alice.create_group().unwrap();
    for _ in 0..3 {
        group.self_update().unwrap();
        group.merge_pending_commit().unwrap();
    }
    let now = pool_value(&store);
    assert_ne!(first, now);
    store.checkpoint().unwrap();
    // GUIDANCE G-39, G-06: the first pool value is gone from the file and
    // its log; the current one is there (the file is what a thief reads).
    assert!(!file_contains(&db, &first), "an old pool value in the file");
    assert!(file_contains(&db, &now));
    drop((group, alice));

    // Restarted, the client goes on from the stored pool.
    let alice = pooled(Arc::new(SqliteStore::open(db.path()).unwrap())).unwrap();
    assert_eq!(alice.group_ids().unwrap().len(), 1);
    drop(alice);

    // A damaged pool row: a typed error at open, the row left as it was.
    let raw = rusqlite::Connection::open(db.path()).unwrap();
    raw.execute(
        "UPDATE client_record SET value = substr(value, 1, 10) || x'00' || substr(value, 12) \
         WHERE name = ?1",
        [POOL_RECORD],
    )
    .unwrap();
    drop(raw);
    let store = Arc::new(SqliteStore::open(db.path()).unwrap());
    let damaged = store.client_record(POOL_RECORD);
    assert!(
        matches!(damaged, Err(StoreError::Corrupt(_))),
        "{damaged:?}"
    );
    let e = pooled(store).expect_err("a damaged pool");
    assert!(
        matches!(e, ClientError::Store(StoreError::Corrupt(_))),
        "{e}"
    );
}

/// `ClientGroup::resync` on a file (RFC 9420 §12.4.3.2): Bob misses ten Adds
/// (the tree grows past one stored part of 16 nodes) and a self-update, then
/// rejoins from a GroupInfo; the one write replaces his tree parts and past
/// epochs, and after a restart his client follows the group.
#[test]
fn a_client_on_a_file_resyncs_a_group_it_fell_behind_in() {
    let (alice_db, bob_db) = (TempDb::new("resync-alice"), TempDb::new("resync-bob"));
    let alice = client_on_file(
        "alice",
        generate_signer(DEFAULT_CIPHER_SUITE).unwrap(),
        &alice_db,
    );
    let bob_key = generate_signer(DEFAULT_CIPHER_SUITE).unwrap();
    let bob = client_on_file("bob", bob_key.clone(), &bob_db);
    let mut a = alice.create_group().unwrap();
    let kp = bob.new_key_package().unwrap();
    let out = a.commit(|c| c.add_member(kp)).unwrap();
    a.merge_pending_commit().unwrap();
    let mut b = bob.join(&out.welcome.unwrap()).unwrap();
    let update = a.self_update().unwrap();
    a.merge_pending_commit().unwrap();
    b.receive(&update.commit).unwrap();

    let others: Vec<Client> = (0..10)
        .map(|i| {
            Client::builder()
                .identity(
                    Credential::basic(format!("m{i}")),
                    generate_signer(DEFAULT_CIPHER_SUITE).unwrap(),
                )
                .store(mls_group::storage::InMemoryStore::new())
                .build()
                .unwrap()
        })
        .collect();
    for other in &others {
        let kp = other.new_key_package().unwrap();
        a.commit(|c| c.add_member(kp)).unwrap();
        a.merge_pending_commit().unwrap();
    }
    a.self_update().unwrap();
    a.merge_pending_commit().unwrap();
    assert!(b.epoch() + 10 < a.epoch());

    let info = a.group().export_group_info(true).unwrap();
    let out = b.resync(&info, None).unwrap();
    a.receive(&out.commit).unwrap();
    assert_eq!(
        a.group().epoch_authenticator(),
        b.group().epoch_authenticator()
    );
    assert_eq!(a.group().member_count(), 12);

    drop(b);
    drop(bob);
    let bob = client_on_file("bob", bob_key, &bob_db);
    let mut b = bob.group(a.group_id()).unwrap().expect("stored");
    assert_eq!(
        a.group().epoch_authenticator(),
        b.group().epoch_authenticator()
    );
    let m = a.encrypt_application_message(b"rejoined", b"").unwrap();
    let Received::Application(got) = b.receive(&m).unwrap() else {
        panic!("application data expected");
    };
    assert_eq!(got.data, b"rejoined");
    let update = b.self_update().unwrap();
    b.merge_pending_commit().unwrap();
    a.receive(&update.commit).unwrap();
    assert_eq!(
        a.group().epoch_authenticator(),
        b.group().epoch_authenticator()
    );
}
