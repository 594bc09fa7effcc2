//! Three members, an add, an update, a remove, messages both ways, and every
//! member agreeing on the epoch authenticator.
//!
//! Run with `cargo run -p mls --example quickstart`.

use std::sync::Arc;

use mls::{
    CipherSuite, CreateOptions, Credential, CryptoProvider, Group, GroupConfig, JoinOptions,
    KeyPackageBuilder, MlsMessage, ProcessedMessage, RustCryptoProvider,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Everything a member receives goes through the same call; Commits are
/// merged right away (a real client could inspect `staged.info()` first).
fn receive(group: &mut Group, message: &MlsMessage) -> Result<Option<Vec<u8>>> {
    match group.process_message(message)? {
        ProcessedMessage::Application(m) => Ok(Some(m.data)),
        ProcessedMessage::Commit(staged) => {
            group.merge_staged_commit(staged)?;
            Ok(None)
        }
        ProcessedMessage::Proposal(_) => Ok(None),
    }
}

fn main() -> Result<()> {
    let provider = RustCryptoProvider::new();
    let suite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or("suite not supported")?;

    // Bob and Carol each make a signature key and publish a KeyPackage.
    let key_package = |name: &str| -> Result<_> {
        let signer = cs.signature_generate_key_pair()?;
        Ok(KeyPackageBuilder::new().build(cs.as_ref(), Credential::basic(name), &signer)?)
    };
    let bob_kp = key_package("bob")?;
    let carol_kp = key_package("carol")?;

    // Alice creates the group from her identity and adds Bob and Carol in
    // one Commit.
    let alice_signer = cs.signature_generate_key_pair()?;
    let mut alice = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        Arc::new(alice_signer),
        GroupConfig::default(),
        CreateOptions::default(),
    )?;
    let add = alice
        .commit_builder()
        .add_member(bob_kp.key_package().clone())
        .add_member(carol_kp.key_package().clone())
        .build()?;
    // The delivery service accepted the Commit: merge it, then send the Welcome.
    alice.merge_pending_commit()?;
    let welcome = add
        .welcome
        .ok_or("a Commit that adds members has a Welcome")?;
    let (mut bob, _) = Group::join(
        &provider,
        &welcome,
        &bob_kp,
        GroupConfig::default(),
        JoinOptions::default(),
    )?;
    let (mut carol, _) = Group::join(
        &provider,
        &welcome,
        &carol_kp,
        GroupConfig::default(),
        JoinOptions::default(),
    )?;
    println!("epoch {}: {} members", alice.epoch(), alice.member_count());

    // Messages both ways.
    let hello = alice.encrypt_application_message(b"hello from alice", b"")?;
    assert_eq!(
        receive(&mut bob, &hello)?.as_deref(),
        Some(&b"hello from alice"[..])
    );
    assert_eq!(
        receive(&mut carol, &hello)?.as_deref(),
        Some(&b"hello from alice"[..])
    );
    let reply = bob.encrypt_application_message(b"hi, bob here", b"")?;
    assert_eq!(
        receive(&mut alice, &reply)?.as_deref(),
        Some(&b"hi, bob here"[..])
    );
    assert_eq!(
        receive(&mut carol, &reply)?.as_deref(),
        Some(&b"hi, bob here"[..])
    );

    // Bob updates his keys (an empty Commit carries a fresh UpdatePath).
    let update = bob.commit_builder().build()?;
    bob.merge_pending_commit()?;
    receive(&mut alice, &update.commit)?;
    receive(&mut carol, &update.commit)?;
    println!("epoch {}: Bob updated", bob.epoch());

    // Alice removes Carol.
    let remove = alice
        .commit_builder()
        .remove_member(carol.own_leaf())
        .build()?;
    alice.merge_pending_commit()?;
    receive(&mut bob, &remove.commit)?;
    receive(&mut carol, &remove.commit)?;
    assert!(!carol.is_active());
    println!(
        "epoch {}: Carol removed, {} members",
        alice.epoch(),
        alice.member_count()
    );

    let bye = bob.encrypt_application_message(b"just us now", b"")?;
    assert_eq!(
        receive(&mut alice, &bye)?.as_deref(),
        Some(&b"just us now"[..])
    );

    // Everyone still in the group agrees on the epoch authenticator.
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
    println!("alice and bob agree on epoch {}", alice.epoch());
    Ok(())
}
