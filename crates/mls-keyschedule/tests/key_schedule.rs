//! Behaviour of the key schedule (RFC 9420 §8, §8.2-§8.5, §12.4.3.1) beyond
//! the official vectors: tag checks (G-40), PSK errors, external init on
//! both sides, the Welcome path.

use std::sync::Arc;

use mls_codec::VLBytes;
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, Secret};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_keyschedule::{
    CommitSecret, ConfirmationKey, EpochKeys, ExternalSecret, InMemoryPskStore, InitSecret,
    KeyScheduleError, MembershipKey, PreSharedKeyId, Psk, PskSecret, ResumptionPsk,
    ResumptionPskUsage, check_psk_nonce, psk_id_with_random_nonce,
};

fn suites() -> Vec<Arc<dyn CipherSuiteProvider>> {
    let provider = RustCryptoProvider::new();
    CipherSuite::ALL
        .iter()
        .map(|s| provider.cipher_suite_provider(*s).expect("supported"))
        .collect()
}

fn suite1() -> Arc<dyn CipherSuiteProvider> {
    suites().swap_remove(0)
}

fn external(id: &[u8], nonce_len: usize) -> PreSharedKeyId {
    PreSharedKeyId {
        psk: Psk::External {
            psk_id: VLBytes::new(id.to_vec()),
        },
        psk_nonce: VLBytes::new(vec![0x11; nonce_len]),
    }
}

#[test]
fn wrong_confirmation_tags_are_rejected() {
    // G-40: empty, short, prefix and one-bit-flipped tags all fail.
    let cs = suite1();
    let key = ConfirmationKey::from_slice(&[5; 32]);
    let cth = b"confirmed transcript hash";
    let tag = key.tag(cs.as_ref(), cth);
    assert_eq!(tag.len(), 32);
    key.verify(cs.as_ref(), cth, &tag)
        .expect("own tag verifies");
    let mut flipped = tag.clone();
    flipped[31] ^= 1;
    let mut longer = tag.clone();
    longer.push(0);
    for bad in [&[][..], &tag[..1], &tag[..16], &flipped[..], &longer[..]] {
        assert_eq!(
            key.verify(cs.as_ref(), cth, bad),
            Err(KeyScheduleError::InvalidConfirmationTag)
        );
    }
    assert_eq!(
        key.verify(cs.as_ref(), b"other transcript", &tag),
        Err(KeyScheduleError::InvalidConfirmationTag)
    );
}

#[test]
fn wrong_membership_tags_are_rejected() {
    let cs = suite1();
    let key = MembershipKey::from_slice(&[6; 32]);
    let tag = key.tag(cs.as_ref(), b"tbm");
    key.verify(cs.as_ref(), b"tbm", &tag).expect("verifies");
    assert_eq!(
        key.verify(cs.as_ref(), b"tbm", &tag[..31]),
        Err(KeyScheduleError::InvalidMembershipTag)
    );
}

#[test]
fn psk_nonce_must_be_nh_bytes() {
    // V-8.4 rule: psk_nonce is KDF.Nh bytes.
    for cs in suites() {
        let nh = cs.cipher_suite().hash_len();
        let value = Secret::from_slice(&[1; 32]);
        for bad in [0, 1, nh - 1, nh + 1] {
            let id = external(b"id", bad);
            assert_eq!(
                PskSecret::from_psks(cs.as_ref(), &[(&id, &value)]),
                Err(KeyScheduleError::InvalidPskNonceLength {
                    expected: nh,
                    actual: bad
                })
            );
        }
        let id = external(b"id", nh);
        PskSecret::from_psks(cs.as_ref(), &[(&id, &value)]).expect("Nh-byte nonce");
    }
}

#[test]
fn missing_psk_is_reported() {
    let cs = suite1();
    let mut store = InMemoryPskStore::new();
    store.insert_external(b"known".to_vec(), Secret::from_slice(&[9; 32]));
    let ids = [external(b"known", 32), external(b"unknown", 32)];
    match PskSecret::resolve(cs.as_ref(), &ids, &store) {
        Err(KeyScheduleError::PskNotFound(what)) => {
            assert!(what.contains("756e6b6e6f776e"), "{what}")
        }
        other => panic!("expected PskNotFound, got {other:?}"),
    }
    let resumption = PreSharedKeyId {
        psk: Psk::Resumption {
            usage: ResumptionPskUsage::Application,
            psk_group_id: VLBytes::new(b"group".to_vec()),
            psk_epoch: 3,
        },
        psk_nonce: VLBytes::new(vec![0; 32]),
    };
    assert!(matches!(
        PskSecret::resolve(cs.as_ref(), std::slice::from_ref(&resumption), &store),
        Err(KeyScheduleError::PskNotFound(_))
    ));
    store.insert_resumption(b"group".to_vec(), 3, ResumptionPsk::from_slice(&[4; 32]));
    let resolved = PskSecret::resolve(cs.as_ref(), &[ids[0].clone(), resumption.clone()], &store)
        .expect("both present");
    let direct = PskSecret::from_psks(
        cs.as_ref(),
        &[
            (&ids[0], &Secret::from_slice(&[9; 32])),
            (&resumption, &Secret::from_slice(&[4; 32])),
        ],
    )
    .expect("direct");
    assert_eq!(resolved, direct);
    // Order matters (V-8.4-02).
    let swapped =
        PskSecret::resolve(cs.as_ref(), &[resumption, ids[0].clone()], &store).expect("swapped");
    assert_ne!(resolved, swapped);
}

#[test]
fn random_psk_nonces_are_fresh_and_nh_long() {
    // V-8.4-03: two injections of the same PSK get different ids.
    for cs in suites() {
        let psk = Psk::External {
            psk_id: VLBytes::new(b"id".to_vec()),
        };
        let a = psk_id_with_random_nonce(cs.as_ref(), psk.clone()).expect("random");
        let b = psk_id_with_random_nonce(cs.as_ref(), psk).expect("random");
        check_psk_nonce(cs.as_ref(), &a).expect("Nh bytes");
        assert_ne!(a, b);
    }
}

#[test]
fn no_psks_give_the_zero_secret() {
    for cs in suites() {
        assert_eq!(
            PskSecret::from_psks(cs.as_ref(), &[]).expect("empty"),
            PskSecret::zero(cs.as_ref())
        );
    }
}

#[test]
fn external_init_agrees_on_both_sides() {
    // RFC 9420 §8.3, every suite.
    for cs in suites() {
        let cs = cs.as_ref();
        let nh = cs.cipher_suite().hash_len();
        let external_secret = ExternalSecret::from_slice(&vec![0x42; nh]);
        let external_pub = external_secret.external_pub(cs).expect("derive");
        let (kem_output, joiner_init) =
            InitSecret::external_init(cs, &external_pub).expect("sender side");
        assert_eq!(joiner_init.len(), nh);
        let member_init = external_secret
            .external_init_secret(cs, &kem_output)
            .expect("receiver side");
        assert_eq!(joiner_init, member_init);
        // Another group's external secret yields another init secret (V-8.3-01).
        let other = ExternalSecret::from_slice(&vec![0x43; nh]);
        if let Ok(wrong) = other.external_init_secret(cs, &kem_output) {
            assert_ne!(wrong, joiner_init);
        }
        // A malformed kem_output is an error, not a panic (V-8.3-02).
        assert!(matches!(
            external_secret.external_init_secret(cs, &[1, 2, 3]),
            Err(KeyScheduleError::Crypto(_))
        ));
    }
}

#[test]
fn welcome_joiner_derives_the_same_epoch() {
    for cs in suites() {
        let cs = cs.as_ref();
        let nh = cs.cipher_suite().hash_len();
        let gc = b"group context";
        let psk = PskSecret::from_slice(&vec![3; nh]);
        let member = EpochKeys::derive(
            cs,
            InitSecret::from_slice(&vec![1; nh]),
            CommitSecret::from_slice(&vec![2; nh]),
            psk.clone(),
            gc,
        )
        .expect("member");
        // The joiner first gets the welcome key without the GroupContext ...
        let ms = member.joiner_secret.member_secret(cs, &psk);
        let welcome = ms.welcome_secret(cs).expect("welcome");
        assert_eq!(welcome, member.welcome_secret);
        let key = welcome.key_nonce(cs).expect("key");
        assert_eq!(key.key.len(), cs.cipher_suite().aead_key_len());
        assert_eq!(key.nonce.len(), cs.cipher_suite().aead_nonce_len());
        // ... then the epoch from the GroupInfo's GroupContext.
        let joiner =
            EpochKeys::from_joiner(cs, member.joiner_secret.clone(), psk, gc).expect("joiner");
        assert_eq!(joiner, member);
        // The PSK secret is bound in: a joiner with a different one disagrees.
        let wrong =
            EpochKeys::from_joiner(cs, member.joiner_secret.clone(), PskSecret::zero(cs), gc)
                .expect("joiner");
        assert_ne!(
            wrong.secrets.confirmation_key,
            member.secrets.confirmation_key
        );
    }
}

#[test]
fn exporter_binds_label_context_and_length() {
    let cs = suite1();
    let cs = cs.as_ref();
    let keys = EpochKeys::derive(
        cs,
        InitSecret::from_slice(&[1; 32]),
        CommitSecret::zero(cs),
        PskSecret::zero(cs),
        b"gc",
    )
    .expect("derive");
    let e = &keys.secrets.exporter_secret;
    let a = e.export(cs, b"label", b"ctx", 32).expect("export");
    assert_eq!(a.len(), 32);
    assert_ne!(a, e.export(cs, b"label2", b"ctx", 32).expect("export"));
    assert_ne!(a, e.export(cs, b"label", b"ctx2", 32).expect("export"));
    assert_eq!(e.export(cs, b"label", b"ctx", 0).expect("empty").len(), 0);
    // Longer than 255 * Nh is refused by HKDF.
    assert!(e.export(cs, b"label", b"ctx", 255 * 32 + 1).is_err());
}

#[test]
fn epoch_secrets_do_not_print() {
    let cs = suite1();
    let keys = EpochKeys::derive(
        cs.as_ref(),
        InitSecret::from_slice(&[0xab; 32]),
        CommitSecret::from_slice(&[0xab; 32]),
        PskSecret::from_slice(&[0xab; 32]),
        b"gc",
    )
    .expect("derive");
    let shown = format!("{keys:?}");
    for s in [
        keys.secrets.init_secret.as_bytes(),
        keys.joiner_secret.as_bytes(),
        keys.secrets.encryption_secret.as_bytes(),
    ] {
        let hex: String = s.iter().map(|b| format!("{b:02x}")).collect();
        assert!(!shown.contains(&hex[..8]));
        assert!(!shown.contains(&format!("{}, {}", s[0], s[1])));
    }
    assert!(shown.contains("redacted"));
}
