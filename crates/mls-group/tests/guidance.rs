//! Tests of implementer-guidance items (shared/docs/GUIDANCE.md) that no
//! other test file proves; `docs/implementation-considerations.md` points
//! here.

mod common;

use common::*;
use mls_codec::{MlsMessageBody, Proposal, Remove};
use mls_group::storage::GroupStateStore;
use mls_group::{
    FramingError, Group, GroupConfig, GroupError, InMemoryStore, Misuse, ProcessedMessage,
    Rejection, SaveCursor, SideEffects,
};

/// Alice creates a group and adds Bob; Bob's KeyPackage bundle is returned
/// too (its leaf private key is Bob's first leaf key).
fn alice_and_bob(
    seed: u8,
) -> (
    mls_crypto_rustcrypto::RustCryptoProvider,
    Group,
    Group,
    mls_group::key_package::KeyPackageBundle,
) {
    let provider = provider(seed);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::from(mls_codec::Add {
            key_package: bob_kp.key_package().clone(),
        })])
        .build()
        .expect("add bob");
    alice.merge_pending_commit().expect("merge");
    let bob = join(
        &provider,
        out.welcome.as_ref().expect("welcome"),
        bob_kp.clone(),
        GroupConfig::default(),
        None,
    );
    (provider, alice, bob, bob_kp)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn sender_cannot_decrypt_its_own_application_message() {
    // G-08: the key used to encrypt is deleted at once, so the sender's own
    // ciphertext is unreadable for it (a replay to the sender is rejected).
    let (_, mut alice, mut bob, _) = alice_and_bob(1);
    let m = alice
        .encrypt_application_message(b"once", b"")
        .expect("send");
    let before = snapshot(&alice);
    let err = alice.process_message(&m).expect_err("own key is deleted");
    assert!(
        matches!(
            err,
            GroupError::KeySchedule(mls_keyschedule::KeyScheduleError::GenerationTooOld(0))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&alice), before);
    assert_eq!(receive_app(&mut bob, &m), b"once");
}

#[test]
fn replaced_leaf_private_key_is_gone_from_the_stored_state() {
    // G-06, G-09: after a Commit with a path replaces Bob's leaf, the old
    // leaf private key is in no stored snapshot.
    let (provider, mut alice, mut bob, bob_kp) = alice_and_bob(2);
    let old_key = bob_kp.encryption_private_key().as_bytes().to_vec();
    let store = InMemoryStore::new();
    let mut cursor = SaveCursor::new();
    bob.save(&store, &mut cursor, SideEffects::default())
        .expect("save");
    let stored = store
        .read_group(bob.group_id())
        .expect("read")
        .expect("stored");
    let stored = stored.state;
    assert!(
        contains(&stored, &old_key),
        "the leaf key is stored while in use"
    );

    let out = bob
        .commit_builder()
        .force_path(true)
        .build()
        .expect("self-update");
    bob.merge_pending_commit().expect("merge");
    process_commit(&mut alice, &out.commit);
    bob.save(&store, &mut cursor, SideEffects::default())
        .expect("save");
    let stored = store
        .read_group(bob.group_id())
        .expect("read")
        .expect("stored");
    let stored = stored.state;
    assert!(
        !contains(&stored, &old_key),
        "the replaced leaf key is deleted"
    );
    // The stored group still works.
    let (mut bob, _) = Group::load(&store, alice.group_id(), &provider)
        .expect("load")
        .expect("stored");
    let m = alice
        .encrypt_application_message(b"after", b"")
        .expect("send");
    assert_eq!(receive_app(&mut bob, &m), b"after");
}

#[test]
fn the_epoch_is_checked_before_the_signature() {
    // G-35: a Commit for another epoch with a broken signature fails the
    // cheap epoch check, not the signature check.
    let (_, mut alice, mut bob, _) = alice_and_bob(3);
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::Remove(Remove { removed: 1 })])
        .build()
        .expect("commit");
    let mut msg = out.commit.clone();
    let MlsMessageBody::PublicMessage(m) = &mut msg.body else {
        panic!("handshake messages are PublicMessages by default")
    };
    m.content.epoch += 1;
    let mut signature = m.auth.signature.as_slice().to_vec();
    signature[0] ^= 1;
    m.auth.signature = signature.into();
    let before = snapshot(&bob);
    let err = bob.process_message(&msg).expect_err("wrong epoch");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&bob), before);
}

#[test]
fn a_removed_member_keeps_none_of_the_epoch_secrets() {
    // G-11 (RFC 9420 §12.4.2): once Bob merges the Commit that removes him,
    // his group object, and so its stored state, holds none of the secrets
    // of the epoch he was removed in, nor his leaf key; he cannot send.
    let (_provider, mut alice, mut bob, bob_kp) = alice_and_bob(11);
    let leaf_key = bob_kp.encryption_private_key().as_bytes().to_vec();
    let authenticator = bob.epoch_authenticator().to_vec();
    let resumption = bob.resumption_psk().as_bytes().to_vec();
    let exported = bob.export_secret(b"test", b"", 32).expect("export");
    let before = snapshot(&bob);
    for secret in [&leaf_key, &authenticator, &resumption] {
        assert!(contains(&before, secret), "stored while a member");
    }
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::Remove(Remove {
            removed: bob.own_leaf().get(),
        })])
        .build()
        .expect("remove bob");
    alice.merge_pending_commit().expect("merge");
    // The staged Commit that removes Bob holds no secrets of the new epoch
    // (they are not his to know): no epoch authenticator either.
    let ProcessedMessage::Commit(staged) = bob.process_message(&out.commit).expect("staged") else {
        panic!("a Commit");
    };
    assert!(staged.info().removes_us);
    assert_eq!(staged.epoch_authenticator(), None);
    bob.merge_staged_commit(staged).expect("merge");
    assert!(!bob.is_active());
    let after = snapshot(&bob);
    for (what, secret) in [
        ("leaf key", &leaf_key),
        ("epoch authenticator", &authenticator),
        ("resumption PSK", &resumption),
    ] {
        assert!(!contains(&after, secret), "{what} wiped after the removal");
    }
    assert_ne!(bob.epoch_authenticator(), authenticator.as_slice());
    let again = bob.export_secret(b"test", b"", 32).expect("export");
    assert_ne!(again.as_bytes(), exported.as_bytes());
    // The wiped state still saves and loads.
    let restored = round_trip(&bob, &_provider, GroupConfig::default());
    assert!(!restored.is_active());
    assert!(matches!(
        bob.encrypt_application_message(b"late", b""),
        Err(GroupError::Misuse(Misuse::NotAMember))
    ));
}
