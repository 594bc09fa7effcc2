//! Failed writes and conflicts (issue 13, "Bad input and faults"): a store
//! that fails on the n-th write leaves the handle at the old state and the
//! next write succeeds; a second writer gets a typed conflict.

#![allow(clippy::unwrap_used)]

mod support;

use mls_client::{ClientError, ClientErrorKind, Received};
use mls_group::storage::KeyPackageStore;
use support::{add, agree, client};

#[test]
fn a_failed_commit_write_hands_out_no_commit_and_the_next_one_succeeds() {
    let (alice, store) = client("alice");
    let (bob, _) = client("bob");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);
    let epoch = a.epoch();
    store.fail_nth_write(1);
    let e = a.self_update().unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Store);
    assert!(!a.group().has_pending_commit(), "the stored state has none");
    assert_eq!(a.epoch(), epoch);
    // The next write succeeds.
    let out = a.self_update().unwrap();
    a.merge_pending_commit().unwrap();
    b.receive(&out.commit).unwrap();
    assert!(agree(&a, &b));
}

#[test]
fn a_failed_merge_write_leaves_the_group_at_the_old_epoch() {
    let (alice, store) = client("alice");
    let (bob, bob_store) = client("bob");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);
    let out = a.self_update().unwrap();

    // Our own merge fails: still at the old epoch, the pending Commit kept
    // (it was stored with the group before it was handed out, G-05).
    let epoch = a.epoch();
    store.fail_nth_write(1);
    assert!(a.merge_pending_commit().is_err());
    assert_eq!(a.epoch(), epoch);
    assert!(a.group().has_pending_commit());
    a.merge_pending_commit().unwrap();
    assert_eq!(a.epoch(), epoch + 1);

    // A received Commit whose write fails: old epoch, and processing it
    // again works.
    bob_store.fail_nth_write(1);
    assert!(b.receive(&out.commit).is_err());
    assert_eq!(b.epoch(), epoch);
    assert!(matches!(
        b.receive(&out.commit).unwrap(),
        Received::Commit(_)
    ));
    assert!(agree(&a, &b));
}

#[test]
fn a_failed_write_of_a_sent_or_received_message_hands_nothing_out() {
    let (alice, store) = client("alice");
    let (bob, bob_store) = client("bob");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);

    store.fail_nth_write(1);
    assert!(a.encrypt_application_message(b"lost", b"").is_err());
    let m = a.encrypt_application_message(b"sent", b"").unwrap();

    // Bob's write fails: the plaintext is not handed out and the message
    // can be read again (its key was not consumed in the stored state).
    bob_store.fail_nth_write(1);
    assert!(b.receive(&m).is_err());
    let Received::Application(got) = b.receive(&m).unwrap() else {
        panic!("application data expected");
    };
    assert_eq!(got.data, b"sent");
    // Stored: a reopened handle cannot read it a third time (the key is
    // deleted, forward secrecy).
    let mut reopened = bob.group(b.group_id()).unwrap().unwrap();
    assert!(reopened.receive(&m).is_err());
}

#[test]
fn a_failed_join_write_keeps_the_key_package_and_stores_no_group() {
    let (alice, _) = client("alice");
    let (bob, bob_store) = client("bob");
    let mut a = alice.create_group().unwrap();
    let kp = bob.new_key_package().unwrap();
    let out = a.commit(|c| c.add_member(kp)).unwrap();
    a.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    bob_store.fail_nth_write(1);
    assert!(matches!(bob.join(&welcome), Err(ClientError::Store(_))));
    assert!(bob.group_ids().unwrap().is_empty());
    assert_eq!(bob_store.key_package_refs().unwrap().len(), 1);
    let b = bob.join(&welcome).unwrap();
    assert!(agree(&a, &b));
    assert!(bob_store.key_package_refs().unwrap().is_empty());
}

#[test]
fn a_second_writer_gets_a_conflict_and_the_stored_state() {
    let (alice, _) = client("alice");
    let (bob, _) = client("bob");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);
    let id = a.group_id().to_vec();
    let mut first = alice.group(&id).unwrap().unwrap();
    let mut second = alice.group(&id).unwrap().unwrap();
    drop(a);

    let out = first.self_update().unwrap();
    first.merge_pending_commit().unwrap();
    let e = second.self_update().unwrap_err();
    assert!(matches!(
        e,
        ClientError::Conflict {
            stored_epoch: Some(_)
        }
    ));
    assert_eq!(e.kind(), ClientErrorKind::Conflict);
    // The loser now holds what the winner stored and can carry on.
    assert!(agree(&first, &second));
    assert_eq!(first.generation(), second.generation());
    b.receive(&out.commit).unwrap();
    let m = second
        .encrypt_application_message(b"after the conflict", b"")
        .unwrap();
    assert!(matches!(b.receive(&m).unwrap(), Received::Application(_)));
}

#[test]
fn a_rejected_message_writes_nothing_and_leaves_the_handle_equal_to_the_store() {
    let (alice, _) = client("alice");
    let (bob, bob_store) = client("bob");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);
    let sent = a.encrypt_application_message(b"once", b"").unwrap();
    b.receive(&sent).unwrap();
    let update = a.self_update().unwrap();

    // A Commit with one byte of its ciphertext flipped (a PrivateMessage:
    // the client default), the application message again (a replay), and
    // the genuine Commit after its epoch has gone.
    let mut bytes = mls_codec::encode(&update.commit).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let tampered: mls_codec::MlsMessage = mls_codec::decode(&bytes).unwrap();
    let writes = bob_store.write_count();
    assert!(b.receive(&tampered).is_err());
    assert!(b.receive(&sent).is_err());
    assert_eq!(
        bob_store.write_count(),
        writes,
        "a rejection writes nothing"
    );
    let stored = bob.group(b.group_id()).unwrap().unwrap();
    assert_eq!(
        b.group().to_bytes().unwrap().to_vec(),
        stored.group().to_bytes().unwrap().to_vec(),
        "the handle holds what the store holds"
    );
    a.merge_pending_commit().unwrap();
    b.receive(&update.commit).unwrap();
    assert!(agree(&a, &b));
    let writes = bob_store.write_count();
    assert!(
        b.receive(&update.commit).is_err(),
        "the Commit of a past epoch"
    );
    assert_eq!(bob_store.write_count(), writes);
}
