//! A `mls_client::Client` on a SQLite file (issue 13): the same life as the
//! in-memory client tests of `crates/mls-client/tests/client.rs` (create,
//! join from a Welcome, commit, list, delete), but every state lives in the
//! file, so a client built again on it (a restart) carries on where the last
//! one stopped; a file of another identity or of a newer schema is refused
//! before any group is read.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::TempDb;
use mls_client::{Client, ClientError, DEFAULT_CIPHER_SUITE, Received, generate_signer};
use mls_codec::Credential;
use mls_crypto::SignatureKeyPair;
use mls_group::CreateOptions;
use mls_group::storage::StoreError;
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
