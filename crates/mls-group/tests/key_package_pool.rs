//! The KeyPackage pool (RFC 9420 §10, §16.8; GUIDANCE G-22 to G-24):
//! single use, last-resort reuse and rotation, replenishing, expiry, and a
//! second Welcome to a consumed KeyPackage failing (V-12.4.3.1-23).

use std::sync::Arc;

use mls_codec::{Credential, Lifetime};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::{
    KeyPackageBuilder, KeyPackageBundle, KeyPackagePool, sign_key_package,
};
use mls_group::welcome::{WelcomeRecipient, create_welcome, open_welcome, sign_group_info};
use mls_group::{GroupError, Misuse, Rejection, WelcomeError};
use mls_keyschedule::{CommitSecret, EpochKeys, InMemoryPskStore, InitSecret, PskSecret};
use mls_treekem::FixedClock;

fn setup() -> (
    RustCryptoProvider,
    Arc<dyn CipherSuiteProvider>,
    SignatureKeyPair,
    Credential,
) {
    let p = RustCryptoProvider::with_seed([5; 32]);
    let cs = p
        .cipher_suite_provider(CipherSuite::ALL[0])
        .expect("suite 1");
    let signer = cs.signature_generate_key_pair().expect("key pair");
    (p, cs, signer, Credential::basic(b"me".to_vec()))
}

fn welcome_to(cs: &dyn CipherSuiteProvider, kp: &mls_codec::KeyPackage) -> mls_codec::Welcome {
    let committer = cs.signature_generate_key_pair().expect("key pair");
    let nh = cs.cipher_suite().hash_len();
    let gc = mls_codec::GroupContext {
        version: mls_codec::ProtocolVersion::MLS10,
        cipher_suite: mls_codec::CipherSuiteId(cs.cipher_suite().id()),
        group_id: mls_codec::VLBytes::new(b"g".to_vec()),
        epoch: 3,
        tree_hash: mls_codec::VLBytes::new(vec![1; nh]),
        confirmed_transcript_hash: mls_codec::VLBytes::new(vec![2; nh]),
        extensions: vec![],
    };
    let keys = EpochKeys::derive(
        cs,
        InitSecret::random(cs).expect("random"),
        CommitSecret::zero(cs),
        PskSecret::zero(cs),
        &mls_codec::encode(&gc).expect("encodes"),
    )
    .expect("key schedule");
    let tag = keys
        .secrets
        .confirmation_key
        .tag(cs, gc.confirmed_transcript_hash.as_slice());
    let gi = sign_group_info(cs, &committer, gc, vec![], tag, 0).expect("signs");
    create_welcome(
        cs,
        &gi,
        &keys.joiner_secret,
        &keys.welcome_secret,
        &[],
        &[WelcomeRecipient {
            key_package: kp,
            path_secret: None,
        }],
    )
    .expect("creates")
}

#[test]
fn ordinary_key_packages_are_single_use() {
    let (p, cs, signer, cred) = setup();
    let mut pool = KeyPackagePool::new();
    let published = pool
        .replenish(&*cs, &KeyPackageBuilder::new(), &cred, &signer, 5)
        .expect("generates");
    assert_eq!(published.len(), 5);
    assert_eq!(pool.ordinary_count(), 5);
    // Already full: nothing new.
    assert!(
        pool.replenish(&*cs, &KeyPackageBuilder::new(), &cred, &signer, 3)
            .expect("no-op")
            .is_empty()
    );

    let welcome = welcome_to(&*cs, &published[2]);
    let store = InMemoryPskStore::new();
    let opened = open_welcome(&p, &welcome, &pool, &store).expect("opens");
    let used = pool.consume(opened.key_package_ref()).expect("held");
    assert_eq!(used.key_package(), &published[2]);
    assert_eq!(pool.ordinary_count(), 4);
    // A second Welcome to the same KeyPackage fails (V-12.4.3.1-23).
    let err = open_welcome(&p, &welcome, &pool, &store).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
        ),
        "{err:?}"
    );
    let again = pool
        .replenish(&*cs, &KeyPackageBuilder::new(), &cred, &signer, 5)
        .expect("generates");
    assert_eq!(again.len(), 1);
}

#[test]
fn last_resort_is_reusable_and_rotated() {
    let (p, cs, signer, cred) = setup();
    let mut pool = KeyPackagePool::new();
    let builder = KeyPackageBuilder::new().clock(Arc::new(FixedClock(1_000_000)));
    assert!(pool.last_resort_needs_rotation(1_000_000, 3600));
    let first = pool
        .rotate_last_resort(&*cs, &builder, &cred, &signer)
        .expect("generates");
    let first_ref = pool.last_resort().expect("current").reference().clone();
    assert!(pool.last_resort().expect("current").is_last_resort());
    assert!(!pool.last_resort_needs_rotation(1_000_000, 7200));
    // Old: created (not_before = now - 3600) more than max_age ago.
    assert!(pool.last_resort_needs_rotation(1_000_000 + 4000, 7200));

    let welcome = welcome_to(&*cs, &first);
    let store = InMemoryPskStore::new();
    for _ in 0..2 {
        let opened = open_welcome(&p, &welcome, &pool, &store).expect("reusable");
        pool.consume(opened.key_package_ref()).expect("held");
        assert!(pool.last_resort().is_some());
    }
    assert!(pool.last_resort_needs_rotation(1_000_000, 7200));

    // Rotation: the new one is current, the old one still opens Welcomes
    // until it expires or is removed.
    let second = pool
        .rotate_last_resort(&*cs, &builder, &cred, &signer)
        .expect("generates");
    assert_ne!(second, first);
    assert!(!pool.last_resort_needs_rotation(1_000_000, 7200));
    assert_eq!(pool.len(), 2);
    open_welcome(&p, &welcome, &pool, &store).expect("retired one still found");
    assert!(pool.remove(&first_ref).is_some());
    let err = open_welcome(&p, &welcome, &pool, &store).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
        ),
        "{err:?}"
    );
}

#[test]
fn replenish_refuses_last_resort_builder_and_expiry_drops_old_ones() {
    let (_, cs, signer, cred) = setup();
    let mut pool = KeyPackagePool::new();
    let err = pool
        .replenish(
            &*cs,
            &KeyPackageBuilder::new().last_resort(),
            &cred,
            &signer,
            1,
        )
        .unwrap_err();
    assert!(
        matches!(err, GroupError::Misuse(Misuse::KeyPackageCreation(_))),
        "{err:?}"
    );

    let short = KeyPackageBuilder::new().lifetime(Lifetime {
        not_before: 0,
        not_after: 100,
    });
    let long = KeyPackageBuilder::new().lifetime(Lifetime {
        not_before: 0,
        not_after: 1000,
    });
    pool.replenish(&*cs, &short, &cred, &signer, 2)
        .expect("generates");
    pool.replenish(&*cs, &long, &cred, &signer, 3)
        .expect("generates");
    pool.rotate_last_resort(&*cs, &short, &cred, &signer)
        .expect("generates");
    assert_eq!(pool.len(), 4);
    assert_eq!(pool.remove_expired(100), 0);
    assert_eq!(pool.remove_expired(101), 3);
    assert_eq!(pool.ordinary_count(), 1);
    assert!(pool.last_resort().is_none());
    assert_eq!(pool.remove_expired(1001), 1);
    assert!(pool.is_empty());
}

#[test]
fn refuses_a_repeated_init_key() {
    // V-10-07: init keys are unique among our KeyPackages.
    let (_, cs, signer, cred) = setup();
    let a = KeyPackageBuilder::new()
        .build(&*cs, cred.clone(), &signer)
        .expect("builds");
    let b = KeyPackageBuilder::new()
        .build(&*cs, cred, &signer)
        .expect("builds");
    // b's KeyPackage re-keyed to a's init key (as a repeated RNG would do).
    let mut kp = b.key_package().clone();
    kp.init_key = a.key_package().init_key.clone();
    sign_key_package(&*cs, &b.signer().expect("an in-memory key"), &mut kp).expect("signs");
    let clash = KeyPackageBundle::from_parts(
        &*cs,
        kp,
        a.init_private_key().clone(),
        b.encryption_private_key().clone(),
        b.signature_private_key().cloned(),
        false,
    )
    .expect("consistent");
    let mut pool = KeyPackagePool::new();
    pool.insert(a.clone()).expect("first");
    let err = pool.insert(clash).unwrap_err();
    assert!(
        matches!(err, GroupError::Misuse(Misuse::KeyPackageCreation(_))),
        "{err:?}"
    );
    let err = pool.insert(a).unwrap_err();
    assert!(
        matches!(err, GroupError::Misuse(Misuse::KeyPackageCreation(_))),
        "{err:?}"
    );
    pool.insert(b).expect("distinct");
    assert_eq!(pool.iter().count(), 2);
}
