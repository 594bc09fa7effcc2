//! The group side of the entropy pool (GUIDANCE G-39, docs/entropy-pool.md):
//! per-member, per-epoch contributions, and a group whose every random draw
//! goes through a pool.

mod common;

use std::sync::Arc;

use common::*;
use mls_crypto::{CryptoProvider, EntropyPool};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::GroupConfig;

#[test]
fn contributions_differ_per_member_and_per_epoch() {
    let provider = provider(7);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let mut bob = add_member(&mut alice, &provider, cs.as_ref(), "bob");
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
    let (a1, b1) = (
        alice.entropy_contribution().expect("value"),
        bob.entropy_contribution().expect("value"),
    );
    assert_eq!(a1.len(), cs.cipher_suite().hash_len());
    assert_ne!(a1, b1, "the leaf index separates members");

    let out = alice.commit_builder().build().expect("commit");
    alice.merge_pending_commit().expect("merge");
    process_commit(&mut bob, &out.commit);
    let b2 = bob.entropy_contribution().expect("value");
    assert_ne!(b1, b2, "every epoch gives a new value");

    // Absorbing it moves the pool.
    let pool = EntropyPool::new(cs.clone()).expect("pool");
    let before = pool.to_bytes().expect("persist");
    bob.absorb_epoch_entropy(&pool).expect("absorb");
    assert_ne!(pool.to_bytes().expect("persist"), before);
}

#[test]
fn a_group_runs_on_a_pooled_provider() {
    let os = RustCryptoProvider::new();
    let kdf = EntropyPool::kdf_for_suites(&os, &[SUITE]).expect("kdf");
    let pool = Arc::new(EntropyPool::new(kdf).expect("pool"));
    let provider = RustCryptoProvider::with_random_source(pool.clone());
    let cs = provider.cipher_suite_provider(SUITE).expect("suite");
    let before = pool.to_bytes().expect("persist");
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .proposals(vec![mls_codec::Proposal::from(mls_codec::Add {
            key_package: bob_kp.key_package().clone(),
        })])
        .build()
        .expect("add");
    alice.merge_pending_commit().expect("merge");
    assert_ne!(
        pool.to_bytes().expect("persist"),
        before,
        "draws went through the pool"
    );
    let mut bob = join(
        &provider,
        out.welcome.as_ref().expect("welcome"),
        bob_kp,
        GroupConfig::default(),
        None,
    );
    bob.absorb_epoch_entropy(&pool).expect("absorb");
    let m = alice
        .encrypt_application_message(b"pooled", b"")
        .expect("send");
    assert_eq!(receive_app(&mut bob, &m), b"pooled");
}
