//! The client end to end on the in-memory store: create, join from a
//! Welcome (the KeyPackage found and deleted in the join's write), external
//! join, messages, reopening, listing and deleting groups.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use mls_client::{Client, ClientError, Received};
use mls_codec::{Credential, WireFormat};
use mls_group::storage::{GroupStateStore, KeyPackageStore, StoreError};
use mls_group::{CreateOptions, GroupConfig, ProcessedMessage};
use support::{CountingStore, add, agree, client, client_on, signer};

#[test]
fn a_member_joins_from_a_welcome_and_its_key_package_goes_in_the_same_write() {
    let (alice, _) = client("alice");
    let (bob, bob_store) = client("bob");
    let published = bob.key_packages_to_publish().unwrap();
    let stored_before = bob_store.key_package_refs().unwrap().len();
    assert_eq!(stored_before, published.len());

    let mut group = alice.create_group().unwrap();
    let out = group
        .commit(|c| c.add_member(published[3].clone()))
        .unwrap();
    group.merge_pending_commit().unwrap();
    let writes = bob_store.write_count();
    let bob_group = bob.join(&out.welcome.unwrap()).unwrap();

    // One write stored the group and deleted that KeyPackage, only that one.
    assert_eq!(bob_store.write_count(), writes + 1);
    assert_eq!(
        bob_store.key_package_refs().unwrap().len(),
        stored_before - 1
    );
    assert!(agree(&group, &bob_group));
    assert_eq!(bob.group_ids().unwrap(), vec![group.group_id().to_vec()]);
}

#[test]
fn a_welcome_to_a_used_key_package_or_to_someone_else_is_refused() {
    let (alice, _) = client("alice");
    let (bob, _) = client("bob");
    let (carol, _) = client("carol");
    let mut group = alice.create_group().unwrap();
    let kp = bob.new_key_package().unwrap();
    let out = group.commit(|c| c.add_member(kp)).unwrap();
    group.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    assert!(matches!(
        carol.join(&welcome),
        Err(ClientError::NoMatchingKeyPackage)
    ));
    bob.join(&welcome).unwrap();
    // The single-use KeyPackage is gone: the same Welcome again finds none.
    assert!(matches!(
        bob.join(&welcome),
        Err(ClientError::NoMatchingKeyPackage)
    ));
    // Not a Welcome at all.
    assert!(matches!(
        bob.join(&out.commit),
        Err(ClientError::UnexpectedWireFormat { .. })
    ));
}

#[test]
fn three_members_send_commit_and_remove_through_their_handles() {
    let (alice, _) = client("alice");
    let (bob, _) = client("bob");
    let (carol, _) = client("carol");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);
    let out = {
        let kp = carol.new_key_package().unwrap();
        a.commit(|c| c.add_member(kp)).unwrap()
    };
    // Alice merges her Commit on the Delivery Service's echo.
    assert!(matches!(
        a.receive(&out.commit).unwrap(),
        Received::Commit(_)
    ));
    assert!(matches!(
        b.receive(&out.commit).unwrap(),
        Received::Commit(_)
    ));
    let mut c = carol.join(&out.welcome.unwrap()).unwrap();
    assert!(agree(&a, &b) && agree(&b, &c));

    let m = c.encrypt_application_message(b"hello", b"").unwrap();
    for member in [&mut a, &mut b] {
        let Received::Application(got) = member.receive(&m).unwrap() else {
            panic!("application data expected");
        };
        assert_eq!(got.data, b"hello");
    }

    // Bob updates; Alice inspects the staged Commit before merging.
    let update = b.self_update().unwrap();
    b.merge_pending_commit().unwrap();
    let ProcessedMessage::Commit(staged) = a.process_message(&update.commit).unwrap() else {
        panic!("a Commit expected");
    };
    assert!(!staged.info().own_commit);
    a.merge_staged_commit(staged).unwrap();
    c.receive(&update.commit).unwrap();

    // Alice removes Carol by proposal and Commit.
    let leaf = c.group().own_leaf();
    let proposal = a.propose(|p| p.remove(leaf)).unwrap();
    b.receive(&proposal).unwrap();
    c.receive(&proposal).unwrap();
    let remove = a.commit(|c| c).unwrap();
    a.merge_pending_commit().unwrap();
    b.receive(&remove.commit).unwrap();
    c.receive(&remove.commit).unwrap();
    assert!(!c.group().is_active());
    assert_eq!(a.group().member_count(), 2);
    assert!(agree(&a, &b));
}

#[test]
fn a_reopened_client_finds_its_groups_where_it_left_them() {
    let store = Arc::new(CountingStore::default());
    let key = signer();
    let alice = client_on("alice", key.clone(), store.clone());
    let (bob, _) = client("bob");
    let mut ids = Vec::new();
    let mut bobs = Vec::new();
    for i in 0..5u8 {
        let mut g = alice
            .create_group_with(CreateOptions {
                group_id: Some(vec![i; 8]),
                ..CreateOptions::default()
            })
            .unwrap();
        bobs.push(add(&mut g, &bob));
        ids.push(g.group_id().to_vec());
    }
    drop(alice);

    // Opening reads no group; listing reads none either.
    let reads = store.reads();
    let alice = client_on("alice", key, store.clone());
    assert_eq!(alice.group_ids().unwrap(), ids);
    assert_eq!(store.reads(), reads);
    // Loading one group reads that one only, and it carries on.
    let mut g = alice.group(&ids[2]).unwrap().unwrap();
    assert_eq!(store.reads(), reads + 1);
    assert_eq!(
        store.read_ids.lock().unwrap().last(),
        Some(&ids[2]),
        "loading a group reads that group's records only"
    );
    assert!(agree(&g, &bobs[2]));
    let m = g.encrypt_application_message(b"back", b"").unwrap();
    let Received::Application(got) = bobs[2].receive(&m).unwrap() else {
        panic!("application data expected");
    };
    assert_eq!(got.data, b"back");
    assert!(alice.group(b"no such group").unwrap().is_none());

    alice.delete_group(&ids[0]).unwrap();
    assert_eq!(alice.group_ids().unwrap(), ids[1..].to_vec());
    assert!(alice.group(&ids[0]).unwrap().is_none());
}

#[test]
fn a_store_of_another_identity_is_refused_at_build() {
    let (alice, store) = client("alice");
    drop(alice);
    let other = Client::builder()
        .identity(Credential::basic("mallory"), signer())
        .shared_store(store.clone())
        .build();
    assert!(matches!(
        other,
        Err(ClientError::Store(StoreError::WrongIdentity))
    ));
    // The same name with another key is another identity too.
    let other = Client::builder()
        .identity(Credential::basic("alice"), signer())
        .shared_store(store)
        .build();
    assert!(matches!(
        other,
        Err(ClientError::Store(StoreError::WrongIdentity))
    ));
}

#[test]
fn a_signer_whose_public_key_is_not_its_private_keys_is_refused_at_build() {
    let (store, good, other) = (
        Arc::new(mls_group::InMemoryStore::new()),
        signer(),
        signer(),
    );
    let mut mismatched = (*good).clone();
    mismatched.public_key = other.public_key.clone();
    let built = Client::builder()
        .identity(Credential::basic("alice"), Arc::new(mismatched))
        .shared_store(store.clone())
        .build();
    assert!(matches!(built, Err(ClientError::SignerKeyMismatch)));
    // Refused before the store was bound: the right pair builds on it.
    assert!(
        Client::builder()
            .identity(Credential::basic("alice"), good)
            .shared_store(store)
            .build()
            .is_ok()
    );
}

#[test]
fn creating_a_group_id_in_use_is_refused() {
    let (alice, _) = client("alice");
    let options = || CreateOptions {
        group_id: Some(b"chat".to_vec()),
        ..CreateOptions::default()
    };
    alice.create_group_with(options()).unwrap();
    assert!(matches!(
        alice.create_group_with(options()),
        Err(ClientError::GroupExists)
    ));
}

/// RFC 9420 §12.4.3.1 (V-12.4.3-03): "Verify that the group_id is unique
/// among the groups that the client is currently participating in." A
/// Welcome into a second group with the id of one the client is in is
/// refused; the group it is in and the KeyPackage stay as they were.
#[test]
fn joining_a_group_id_in_use_is_refused() {
    let (alice, _) = client("alice");
    let (carol, _) = client("carol");
    let (bob, bob_store) = client("bob");
    let options = || CreateOptions {
        group_id: Some(b"chat".to_vec()),
        ..CreateOptions::default()
    };
    let mut first = alice.create_group_with(options()).unwrap();
    let bob_first = add(&mut first, &bob);
    let epoch = bob_first.group().epoch();

    let mut second = carol.create_group_with(options()).unwrap();
    let published = bob.key_packages_to_publish().unwrap();
    let out = second
        .commit(|c| c.add_member(published[0].clone()))
        .unwrap();
    second.merge_pending_commit().unwrap();
    let stored = bob_store.key_package_refs().unwrap().len();
    assert!(matches!(
        bob.join(&out.welcome.unwrap()),
        Err(ClientError::GroupExists)
    ));
    assert_eq!(bob_store.key_package_refs().unwrap().len(), stored);
    assert_eq!(bob.group_ids().unwrap(), vec![b"chat".to_vec()]);
    let reopened = bob.group(b"chat").unwrap().expect("still stored");
    assert_eq!(reopened.group().epoch(), epoch);
    assert!(agree(&first, &reopened));
}

#[test]
fn a_client_joins_by_external_commit_and_the_members_follow() {
    let (alice, _) = client("alice");
    let (bob, _) = client("bob");
    let (dave, dave_store) = client("dave");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);
    let info = a.group().export_group_info(true).unwrap();
    let (d, out) = dave.join_external(&info, None).unwrap();
    // Stored before the Commit was handed out.
    assert_eq!(dave_store.write_count(), 1);
    a.receive(&out.commit).unwrap();
    b.receive(&out.commit).unwrap();
    assert!(agree(&a, &d) && agree(&b, &d));
    assert_eq!(a.group().member_count(), 3);
    assert!(matches!(
        dave.join_external(&out.commit, None),
        Err(ClientError::UnexpectedWireFormat { .. })
    ));
}

/// A member that missed Commits (here: its handle kept at an old epoch)
/// rejoins by external Commit that removes its old leaf (RFC 9420
/// §12.4.3.2): one write replaces the held state, the old past epochs are
/// gone from the store, the members follow, and the group has as many
/// members as before.
#[test]
fn a_member_that_fell_behind_resyncs_and_the_held_state_is_replaced() {
    let (alice, _) = client("alice");
    let (bob, bob_store) = client("bob");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);
    // Bob follows one Commit (he keeps its epoch as a past one), then
    // misses two.
    let update = a.self_update().unwrap();
    a.merge_pending_commit().unwrap();
    b.receive(&update.commit).unwrap();
    let held = bob_store.read_group(a.group_id()).unwrap().unwrap();
    assert!(!held.past_epochs.is_empty());
    for _ in 0..2 {
        a.self_update().unwrap();
        a.merge_pending_commit().unwrap();
    }
    assert!(b.epoch() < a.epoch());
    let writes = bob_store.write_count();
    let generation = b.generation();

    // join_external cannot: Bob still holds the group.
    let info = a.group().export_group_info(true).unwrap();
    assert!(matches!(
        bob.join_external(&info, None),
        Err(ClientError::GroupExists)
    ));
    let out = b.resync(&info, None).unwrap();
    assert_eq!(bob_store.write_count(), writes + 1);
    assert_eq!(b.generation(), generation.map(|g| g + 1));
    assert_eq!(b.epoch(), a.epoch() + 1);
    a.receive(&out.commit).unwrap();
    assert!(agree(&a, &b));
    assert_eq!(a.group().member_count(), 2);

    // The store holds the new state only: none of the old past epochs is
    // left, and reopened, it follows the group.
    let stored = bob_store.read_group(a.group_id()).unwrap().unwrap();
    assert!(stored.past_epochs.iter().all(|p| p.epoch > held.epoch));
    let mut reopened = bob.group(a.group_id()).unwrap().expect("stored");
    assert!(agree(&a, &reopened));
    let m = a.encrypt_application_message(b"back", b"").unwrap();
    let Received::Application(got) = reopened.receive(&m).unwrap() else {
        panic!("application data expected");
    };
    assert_eq!(got.data, b"back");
}

/// A resync is refused, with nothing written, from a GroupInfo of another
/// group or of an epoch older than the one held (rejoining from it would
/// roll the group back), and from a message that is not a GroupInfo.
#[test]
fn a_resync_from_another_group_or_an_older_epoch_is_refused() {
    let (alice, _) = client("alice");
    let (bob, bob_store) = client("bob");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);
    let old_info = a.group().export_group_info(true).unwrap();
    let update = a.self_update().unwrap();
    a.merge_pending_commit().unwrap();
    b.receive(&update.commit).unwrap();
    let other = alice.create_group().unwrap();
    let other_info = other.group().export_group_info(true).unwrap();
    let writes = bob_store.write_count();
    let epoch = b.epoch();
    for (info, why) in [(&old_info, "older epoch"), (&other_info, "another group")] {
        match b.resync(info, None) {
            Err(ClientError::ResyncGroupInfo(reason)) => assert!(reason.contains(why), "{reason}"),
            other => panic!("expected a refused resync, got {other:?}"),
        }
    }
    assert!(matches!(
        b.resync(&update.commit, None),
        Err(ClientError::UnexpectedWireFormat { .. })
    ));
    assert_eq!(bob_store.write_count(), writes);
    assert_eq!(b.epoch(), epoch);
    assert!(agree(&a, &b));
}

#[test]
fn the_client_default_sends_handshakes_encrypted_and_public_is_explicit() {
    // GUIDANCE G-52: by default Commits and Proposals are PrivateMessages.
    let (alice, _) = client("alice");
    let (bob, _) = client("bob");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);
    let update = b.self_update().unwrap();
    assert_eq!(update.commit.wire_format(), WireFormat::PRIVATE_MESSAGE);
    b.merge_pending_commit().unwrap();
    assert!(matches!(
        a.receive(&update.commit).unwrap(),
        Received::Commit(_)
    ));
    let leaf = b.group().own_leaf();
    let proposal = a.propose(|p| p.remove(leaf)).unwrap();
    assert_eq!(proposal.wire_format(), WireFormat::PRIVATE_MESSAGE);
    assert!(agree(&a, &b));

    // PublicMessage only when the application configures it.
    let public = Client::builder()
        .identity(Credential::basic("carol"), signer())
        .group_config(GroupConfig::default())
        .build()
        .unwrap();
    let mut c = public.create_group().unwrap();
    let out = c.self_update().unwrap();
    assert_eq!(out.commit.wire_format(), WireFormat::PUBLIC_MESSAGE);
}

#[test]
fn a_commit_rotating_one_groups_signer_is_refused_and_nothing_is_stored() {
    // Every group of a client is loaded with the client's signer, so a
    // rotation of one group's key (G-54) is for a Group, not a ClientGroup.
    let (alice, store) = client("alice");
    let (bob, _) = client("bob");
    let mut group = alice.create_group().unwrap();
    let _bob_group = add(&mut group, &bob);
    let epoch = group.group().epoch();
    let writes = store.write_count();
    let err = group
        .commit(|c| c.rotate_signer(signer(), None))
        .expect_err("a rotation through the client");
    assert!(
        matches!(
            err,
            ClientError::Group(mls_group::GroupError::Misuse(
                mls_group::Misuse::SignerRotation(_)
            ))
        ),
        "{err:?}"
    );
    assert!(group.group().pending_commit().is_none());
    let reopened = alice.group(group.group_id()).unwrap().unwrap();
    assert_eq!(reopened.group().epoch(), epoch);
    assert!(reopened.group().pending_commit().is_none());
    // Refused before the Commit is built: nothing was written, not even a
    // ratchet step.
    assert_eq!(store.write_count(), writes);
}
