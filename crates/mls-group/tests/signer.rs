//! A signer whose key never leaves it (an HSM, GUIDANCE G-42): groups and
//! KeyPackages work with it, their saved forms hold no signature key, and
//! loading or joining needs the signer again (typed errors otherwise).

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use mls_codec::Credential;
use mls_crypto::{
    CipherSuiteProvider, CryptoError, SignatureKeyPair, SignaturePrivateKey, SignatureScheme,
    Signer,
};
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle};
use mls_group::storage::{GroupStateStore, LoadOptions};
use mls_group::{
    CreateOptions, Group, GroupConfig, GroupError, InMemoryStore, JoinOptions, Misuse, SaveCursor,
    SideEffects,
};

/// A key held "elsewhere": it signs, counts its signatures, and never
/// exports its private key.
struct Hsm {
    key: SignatureKeyPair,
    signatures: AtomicUsize,
}

impl Hsm {
    fn new(cs: &dyn CipherSuiteProvider) -> Arc<Self> {
        Arc::new(Hsm {
            key: cs.signature_generate_key_pair().unwrap(),
            signatures: AtomicUsize::new(0),
        })
    }
}

impl Signer for Hsm {
    fn public_key(&self) -> &[u8] {
        &self.key.public_key
    }
    fn signature_scheme(&self) -> SignatureScheme {
        self.key.scheme
    }
    fn sign(&self, cs: &dyn CipherSuiteProvider, message: &[u8]) -> mls_crypto::Result<Vec<u8>> {
        self.signatures.fetch_add(1, Ordering::Relaxed);
        self.key.sign(cs, message)
    }
    fn exportable_private_key(&self) -> Option<&SignaturePrivateKey> {
        None
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_group_with_an_hsm_signer_saves_no_key_and_needs_it_to_load() {
    let provider = provider(71);
    let cs = suite(&provider);
    let hsm = Hsm::new(cs.as_ref());
    let mut alice = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        hsm.clone(),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .unwrap();
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .add_member(bob_kp.key_package().clone())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    assert!(
        hsm.signatures.load(Ordering::Relaxed) >= 3,
        "leaf, commit, GroupInfo"
    );
    let mut bob = join(
        &provider,
        out.welcome.as_ref().unwrap(),
        bob_kp,
        GroupConfig::default(),
        None,
    );

    let bytes = alice.to_bytes().unwrap();
    assert!(!contains(&bytes, hsm.key.private_key.as_bytes()));
    assert!(matches!(
        Group::from_bytes(&bytes, &provider),
        Err(GroupError::Misuse(Misuse::SignerRequired))
    ));
    // Another key is not ours.
    let other: Arc<dyn Signer> = Arc::new(cs.signature_generate_key_pair().unwrap());
    assert!(matches!(
        Group::from_bytes_with_options(
            &bytes,
            &provider,
            LoadOptions::default().with_signer(other)
        ),
        Err(GroupError::Misuse(Misuse::SignerMismatch))
    ));
    let mut loaded = Group::from_bytes_with_options(
        &bytes,
        &provider,
        LoadOptions::default().with_signer(hsm.clone()),
    )
    .unwrap();
    assert_eq!(loaded.to_bytes().unwrap(), bytes, "the load is exact");

    // The loaded group signs with the HSM and Bob accepts it.
    let before = hsm.signatures.load(Ordering::Relaxed);
    let update = loaded.commit_builder().build().unwrap();
    loaded.merge_pending_commit().unwrap();
    assert!(hsm.signatures.load(Ordering::Relaxed) > before);
    process_commit(&mut bob, &update.commit);
    assert_eq!(bob.epoch_authenticator(), loaded.epoch_authenticator());

    // Through a store, the same.
    let store = InMemoryStore::new();
    let mut cursor = SaveCursor::new();
    loaded
        .save(&store, &mut cursor, SideEffects::default())
        .unwrap();
    assert!(matches!(
        Group::load(&store, loaded.group_id(), &provider),
        Err(GroupError::Misuse(Misuse::SignerRequired))
    ));
    let options = LoadOptions::default().with_signer(hsm.clone());
    let (again, _) = Group::load_with_options(&store, loaded.group_id(), &provider, options)
        .unwrap()
        .unwrap();
    assert_eq!(again.epoch(), loaded.epoch());
    let stored = store.read_group(loaded.group_id()).unwrap().unwrap();
    assert!(!contains(&stored.state, hsm.key.private_key.as_bytes()));
}

#[test]
fn an_in_memory_signer_is_saved_and_a_given_signer_replaces_it() {
    let provider = provider(72);
    let cs = suite(&provider);
    let key = cs.signature_generate_key_pair().unwrap();
    let alice = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        Arc::new(key.clone()),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .unwrap();
    let bytes = alice.to_bytes().unwrap();
    assert!(contains(&bytes, key.private_key.as_bytes()));
    Group::from_bytes(&bytes, &provider).unwrap();
    let hsm_like = Arc::new(Hsm {
        key,
        signatures: AtomicUsize::new(0),
    });
    let loaded = Group::from_bytes_with_options(
        &bytes,
        &provider,
        LoadOptions::default().with_signer(hsm_like),
    )
    .unwrap();
    // Saved again, the key is no longer exportable, so it is not saved.
    let again = loaded.to_bytes().unwrap();
    assert!(matches!(
        Group::from_bytes(&again, &provider),
        Err(GroupError::Misuse(Misuse::SignerRequired))
    ));
}

#[test]
fn a_key_package_of_an_hsm_signer_joins_only_with_the_signer() {
    let provider = provider(73);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let hsm = Hsm::new(cs.as_ref());
    let bob_kp = KeyPackageBuilder::new()
        .build(cs.as_ref(), Credential::basic("bob"), hsm.as_ref())
        .unwrap();
    assert!(bob_kp.signature_private_key().is_none());
    assert!(bob_kp.signer().is_none());
    // The stored form reads back without a signature key.
    let stored = bob_kp.to_bytes().unwrap();
    let read = KeyPackageBundle::from_bytes(&provider, &stored).unwrap();
    assert_eq!(read, bob_kp);

    let out = alice
        .commit_builder()
        .add_member(bob_kp.key_package().clone())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let pool = vec![bob_kp];
    assert!(matches!(
        Group::join(
            &provider,
            &welcome,
            &pool,
            GroupConfig::default(),
            JoinOptions::default()
        ),
        Err(GroupError::Misuse(Misuse::SignerRequired))
    ));
    let wrong: Arc<dyn Signer> = Arc::new(cs.signature_generate_key_pair().unwrap());
    assert!(matches!(
        Group::join(
            &provider,
            &welcome,
            &pool,
            GroupConfig::default(),
            JoinOptions::default().with_signer(wrong)
        ),
        Err(GroupError::Misuse(Misuse::SignerMismatch))
    ));
    let (mut bob, _) = Group::join(
        &provider,
        &welcome,
        &pool,
        GroupConfig::default(),
        JoinOptions::default().with_signer(hsm.clone()),
    )
    .unwrap();
    let before = hsm.signatures.load(Ordering::Relaxed);
    let update = bob.commit_builder().build().unwrap();
    bob.merge_pending_commit().unwrap();
    assert!(hsm.signatures.load(Ordering::Relaxed) > before);
    process_commit(&mut alice, &update.commit);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
}

#[test]
fn a_signer_of_another_scheme_is_refused() {
    let provider = provider(74);
    let cs = suite(&provider); // Ed25519
    let p256 = suite_provider(
        &provider,
        mls_crypto::CipherSuite::Mls128DhKemP256Aes128GcmSha256P256,
    );
    let key: Arc<dyn Signer> = Arc::new(p256.signature_generate_key_pair().unwrap());
    let err = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        key.clone(),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Crypto(CryptoError::SignatureSchemeMismatch { .. })
        ),
        "{err:?}"
    );
    assert!(matches!(
        key.sign(cs.as_ref(), b"m"),
        Err(CryptoError::SignatureSchemeMismatch { .. })
    ));
}

#[test]
fn a_branch_is_created_with_an_hsm_signer() {
    use mls_group::ResumptionOptions;
    let provider = provider(72);
    let cs = suite(&provider);
    let mut alice = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        Arc::new(cs.signature_generate_key_pair().unwrap()),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .unwrap();
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .add_member(bob_kp.key_package().clone())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let bob = join(
        &provider,
        out.welcome.as_ref().unwrap(),
        bob_kp,
        GroupConfig::default(),
        None,
    );

    // RFC 9420 §11.3 with a key that never leaves its device (G-42).
    let hsm = Hsm::new(cs.as_ref());
    let bob_sub = bundle(cs.as_ref(), "bob");
    let (sub, sub_out) = alice
        .branch(
            hsm.clone(),
            b"sub".to_vec(),
            Vec::new(),
            vec![bob_sub.key_package().clone()],
            ResumptionOptions::default(),
        )
        .unwrap();
    assert!(
        hsm.signatures.load(Ordering::Relaxed) >= 3,
        "leaf, commit, GroupInfo"
    );
    let own = sub.member(sub.own_leaf()).unwrap();
    assert_eq!(own.signature_key, hsm.public_key());
    let (bob_in_sub, _) = bob
        .join_branch(
            &provider,
            &sub_out.welcome.unwrap(),
            &bob_sub,
            GroupConfig::default(),
            JoinOptions::default(),
        )
        .unwrap();
    assert_eq!(bob_in_sub.epoch_authenticator(), sub.epoch_authenticator());
    let bytes = sub.to_bytes().unwrap();
    assert!(!contains(&bytes, hsm.key.private_key.as_bytes()));
}

/// A hand-assembled pair whose public key is not its private key's is
/// refused where it enters a group (`check_signer`), not silently used to
/// sign a leaf that every receiver would refuse.
#[test]
fn a_signer_whose_public_key_is_not_its_private_keys_cannot_create_a_group() {
    let provider = provider(7);
    let cs = suite(&provider);
    let good = cs.signature_generate_key_pair().unwrap();
    let mut mismatched = good.clone();
    mismatched.public_key = cs.signature_generate_key_pair().unwrap().public_key;
    let err = Group::create(
        cs.clone(),
        Credential::basic(b"alice".to_vec()),
        Arc::new(mismatched.clone()),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        GroupError::Misuse(Misuse::KeyPackageCreation(_))
    ));
    assert!(mls_group::key_package::check_signer(cs.as_ref(), &mismatched).is_err());
    assert!(mls_group::key_package::check_signer(cs.as_ref(), &good).is_ok());
}
