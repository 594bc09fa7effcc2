//! The entropy pool in the client (GUIDANCE G-39; issue 16's bad input):
//! with the operating system's generator replaced by a constant, outputs
//! still differ; a join or a received Commit is absorbed, in the write that
//! stores the new epoch; the stored bytes do not hold the previous pool
//! value; a corrupted stored pool is a typed error at open, never a reseed.

#![allow(clippy::unwrap_used)]

mod support;

use std::convert::Infallible;
use std::sync::Arc;

use mls_client::{Client, ClientError, DEFAULT_CIPHER_SUITE, POOL_RECORD, Received};
use mls_codec::Credential;
use mls_crypto::entropy_pool::{EntropyPool, EntropyPoolError};
use mls_crypto::{CryptoProvider, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::storage::{ClientRecord, ClientRecordStore, InMemoryStore, Store};
use rand_core::{TryCryptoRng, TryRng};
use support::{add, agree, client, signer};
use zeroize::Zeroizing;

/// A broken "OS" generator: every byte is 0x42.
struct ConstantRng;

impl TryRng for ConstantRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(0x4242_4242)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(0x4242_4242_4242_4242)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        dst.fill(0x42);
        Ok(())
    }
}

impl TryCryptoRng for ConstantRng {}

fn constant() -> Arc<dyn CryptoProvider> {
    Arc::new(RustCryptoProvider::with_rng(ConstantRng))
}

/// A pooled client whose fresh input is the constant generator.
fn pooled(name: &str, key: Arc<SignatureKeyPair>, store: Arc<dyn Store>) -> Client {
    Client::builder()
        .identity(Credential::basic(name), key)
        .shared_store(store)
        .entropy_pool_fresh_from(constant())
        .build()
        .unwrap()
}

fn stored_pool(store: &dyn Store) -> Zeroizing<Vec<u8>> {
    store.client_record(POOL_RECORD).unwrap().unwrap()
}

fn draw(client: &Client) -> Vec<u8> {
    client
        .provider()
        .cipher_suite_provider(DEFAULT_CIPHER_SUITE)
        .unwrap()
        .random_bytes(32)
        .unwrap()
}

/// The stored pool `before`, with `value` absorbed, as stored bytes.
fn absorbed(before: &[u8], value: &[u8]) -> Zeroizing<Vec<u8>> {
    let kdf = constant()
        .cipher_suite_provider(DEFAULT_CIPHER_SUITE)
        .unwrap();
    let pool = EntropyPool::from_bytes(kdf, before).unwrap();
    pool.absorb(value).unwrap();
    pool.to_bytes().unwrap()
}

#[test]
fn with_a_constant_os_generator_the_client_still_draws_differing_outputs() {
    let store = Arc::new(InMemoryStore::new());
    let bob = pooled("bob", signer(), store.clone());
    let outputs: Vec<Vec<u8>> = (0..32).map(|_| draw(&bob)).collect();
    for (i, a) in outputs.iter().enumerate() {
        assert_ne!(a, &vec![0x42; 32], "an output is not the OS bytes");
        for b in &outputs[i + 1..] {
            assert_ne!(a, b, "two outputs are equal");
        }
    }
    // Every KeyPackage gets its own init key, and the pool after its draws
    // is stored before the KeyPackage.
    let before = stored_pool(store.as_ref());
    let a = bob.new_key_package().unwrap();
    let after = stored_pool(store.as_ref());
    let b = bob.new_key_package().unwrap();
    assert_ne!(a.init_key, b.init_key);
    assert_ne!(before, after);
    assert_ne!(after, stored_pool(store.as_ref()));
}

#[test]
fn a_join_and_a_received_commit_are_absorbed_in_the_write_of_the_new_epoch() {
    let (alice, _) = client("alice");
    let store = Arc::new(InMemoryStore::new());
    let bob = pooled("bob", signer(), store.clone());
    let twin_store = Arc::new(InMemoryStore::new());
    let twin = pooled("bob", signer(), twin_store.clone());
    // Both pools were seeded from the same constant: the same outputs.
    assert_eq!(draw(&bob), draw(&twin));

    let mut a = alice.create_group().unwrap();
    let before = stored_pool(store.as_ref());
    let kp = bob.new_key_package().unwrap();
    twin.new_key_package().unwrap();
    let out = a.commit(|c| c.add_member(kp)).unwrap();
    a.merge_pending_commit().unwrap();
    let before_join = stored_pool(store.as_ref());
    assert_ne!(before, before_join);
    let mut b = bob.join(&out.welcome.unwrap()).unwrap();
    // The join's write stored the pool with the group's value absorbed.
    let contribution = b.group().entropy_contribution().unwrap();
    assert_eq!(
        stored_pool(store.as_ref()),
        absorbed(&before_join, contribution.as_bytes())
    );
    // A received Commit of another member: absorbed, in the merge's write.
    let update = a.self_update().unwrap();
    a.merge_pending_commit().unwrap();
    let before_commit = stored_pool(store.as_ref());
    assert!(matches!(
        b.receive(&update.commit).unwrap(),
        Received::Commit(_)
    ));
    let contribution = b.group().entropy_contribution().unwrap();
    assert_eq!(
        stored_pool(store.as_ref()),
        absorbed(&before_commit, contribution.as_bytes())
    );
    assert!(agree(&a, &b));

    // Application data is not absorbed: the pool stays as stored.
    let m = a.encrypt_application_message(b"hi", b"").unwrap();
    let before_message = stored_pool(store.as_ref());
    b.receive(&m).unwrap();
    assert_eq!(stored_pool(store.as_ref()), before_message);

    // The twin that joined nothing draws other outputs (a direct draw
    // advances the pool in memory only; the next write stores it).
    assert_ne!(draw(&bob), draw(&twin));
}

#[test]
fn the_stored_bytes_do_not_hold_the_previous_pool_value() {
    let (alice, _) = client("alice");
    let store = Arc::new(InMemoryStore::new());
    let bob = pooled("bob", signer(), store.clone());
    let nh = DEFAULT_CIPHER_SUITE.hash_len();
    let mut a = alice.create_group().unwrap();
    let mut seen: Vec<Vec<u8>> = vec![stored_pool(store.as_ref())[3..3 + nh].to_vec()];
    let mut b = add(&mut a, &bob);
    seen.push(stored_pool(store.as_ref())[3..3 + nh].to_vec());
    for _ in 0..3 {
        let out = b.self_update().unwrap();
        b.merge_pending_commit().unwrap();
        a.receive(&out.commit).unwrap();
        seen.push(stored_pool(store.as_ref())[3..3 + nh].to_vec());
    }
    let now = stored_pool(store.as_ref());
    for old in &seen[..seen.len() - 1] {
        assert_ne!(old.as_slice(), &seen[seen.len() - 1][..]);
        assert!(
            !now.windows(nh).any(|w| w == old.as_slice()),
            "an earlier pool value is in the stored record"
        );
    }
}

#[test]
fn a_corrupted_stored_pool_is_a_typed_error_at_open_never_a_reseed() {
    let store = Arc::new(InMemoryStore::new());
    let key = signer();
    let bob = pooled("bob", key.clone(), store.clone());
    bob.new_key_package().unwrap();
    drop(bob);
    let good = stored_pool(store.as_ref());

    let mut flipped = good.clone();
    flipped[10] ^= 1;
    let truncated = Zeroizing::new(good[..good.len() - 1].to_vec());
    for (bad, expected) in [
        (flipped, EntropyPoolError::Corrupted),
        (
            truncated,
            EntropyPoolError::WrongLength {
                expected: good.len(),
                actual: good.len() - 1,
            },
        ),
    ] {
        store
            .write_client_record(ClientRecord {
                name: POOL_RECORD.to_vec(),
                value: bad.clone(),
            })
            .unwrap();
        let e = Client::builder()
            .identity(Credential::basic("bob"), key.clone())
            .shared_store(store.clone())
            .entropy_pool_fresh_from(constant())
            .build()
            .expect_err("a damaged pool");
        match e {
            ClientError::EntropyPool(ref got) => assert_eq!(got, &expected),
            other => panic!("expected an entropy pool error, got {other}"),
        }
        assert_eq!(e.rule(), Some("G-39"));
        // Nothing was reseeded: the damaged bytes are still what is stored.
        assert_eq!(stored_pool(store.as_ref()), bad);
    }

    // Put back, the pool opens again and carries on from its stored value.
    store
        .write_client_record(ClientRecord {
            name: POOL_RECORD.to_vec(),
            value: good.clone(),
        })
        .unwrap();
    let bob = pooled("bob", key, store.clone());
    assert_eq!(stored_pool(store.as_ref()), good);
    draw(&bob);
}

#[test]
fn the_pool_needs_the_default_provider() {
    let e = Client::builder()
        .identity(Credential::basic("bob"), signer())
        .crypto(RustCryptoProvider::new())
        .entropy_pool()
        .build()
        .expect_err("an application provider with the pool");
    assert!(matches!(e, ClientError::EntropyPoolProvider));
    // Without the pool, no pool record is made.
    let (bob, store) = client("bob");
    bob.new_key_package().unwrap();
    assert!(store.client_record(POOL_RECORD).unwrap().is_none());
}
