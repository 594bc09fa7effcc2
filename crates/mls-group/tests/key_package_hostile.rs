//! Hostile KeyPackages and Welcomes (VALIDATION X-02): arbitrary mutations
//! of valid ones never panic, and a mutated KeyPackage or Welcome is never
//! accepted as something else.

use std::sync::OnceLock;

use mls_codec::{Credential, MlsMessage};
use mls_crypto::{CipherSuite, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::{
    KeyPackageBuilder, KeyPackageBundle, KeyPackageValidation, validate_key_package_message,
};
use mls_group::welcome::{WelcomeRecipient, create_welcome, open_welcome, sign_group_info};
use mls_keyschedule::{CommitSecret, EpochKeys, InMemoryPskStore, InitSecret, PskSecret};
use proptest::prelude::*;

struct Fixture {
    provider: RustCryptoProvider,
    key_package: Vec<u8>,
    welcome: Vec<u8>,
    joiner: KeyPackageBundle,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let provider = RustCryptoProvider::with_seed([3; 32]);
        let cs = provider
            .cipher_suite_provider(CipherSuite::ALL[0])
            .expect("suite 1");
        let signer = cs.signature_generate_key_pair().expect("key pair");
        let joiner = KeyPackageBuilder::new()
            .grease(true)
            .build(&*cs, Credential::basic(b"joiner".to_vec()), &signer)
            .expect("builds");
        let key_package =
            mls_codec::encode(&MlsMessage::from(joiner.key_package().clone())).expect("encodes");
        let nh = cs.cipher_suite().hash_len();
        let gc = mls_codec::GroupContext {
            version: mls_codec::ProtocolVersion::MLS10,
            cipher_suite: mls_codec::CipherSuiteId(1),
            group_id: mls_codec::VLBytes::new(b"g".to_vec()),
            epoch: 1,
            tree_hash: mls_codec::VLBytes::new(vec![1; nh]),
            confirmed_transcript_hash: mls_codec::VLBytes::new(vec![2; nh]),
            extensions: vec![],
        };
        let keys = EpochKeys::derive(
            &*cs,
            InitSecret::random(&*cs).expect("random"),
            CommitSecret::zero(&*cs),
            PskSecret::zero(&*cs),
            &mls_codec::encode(&gc).expect("encodes"),
        )
        .expect("key schedule");
        let tag = keys
            .secrets
            .confirmation_key
            .tag(&*cs, gc.confirmed_transcript_hash.as_slice());
        let gi = sign_group_info(&*cs, &signer, gc, vec![], tag, 0).expect("signs");
        let welcome = create_welcome(
            &*cs,
            &gi,
            &keys.joiner_secret,
            &keys.welcome_secret,
            &[],
            &[WelcomeRecipient {
                key_package: joiner.key_package(),
                path_secret: None,
            }],
        )
        .expect("creates");
        let welcome = mls_codec::encode(&MlsMessage::from(welcome)).expect("encodes");
        Fixture {
            provider,
            key_package,
            welcome,
            joiner,
        }
    })
}

/// Apply `edits` (position, xor mask) and an optional truncation.
fn mutate(bytes: &[u8], edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for (pos, mask) in edits {
        let i = pos % out.len();
        out[i] ^= mask;
    }
    if let Some(c) = cut {
        out.truncate(c % (out.len() + 1));
    }
    out
}

#[test]
fn fixtures_are_valid() {
    let f = fixture();
    let msg: MlsMessage = mls_codec::decode(&f.key_package).expect("decodes");
    validate_key_package_message(&f.provider, &msg, &KeyPackageValidation::default())
        .expect("valid");
    let w: MlsMessage = mls_codec::decode(&f.welcome).expect("decodes");
    open_welcome(
        &f.provider,
        w.as_welcome().expect("welcome"),
        &[f.joiner.clone()][..],
        &InMemoryPskStore::new(),
    )
    .expect("opens");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_key_packages_never_panic_nor_validate(
        edits in prop::collection::vec((any::<usize>(), 1u8..=255), 1..4),
        cut in prop::option::of(any::<usize>()),
    ) {
        let f = fixture();
        let bytes = mutate(&f.key_package, &edits, cut);
        if let Ok(msg) = mls_codec::decode::<MlsMessage>(&bytes) {
            let policy = KeyPackageValidation::default();
            if validate_key_package_message(&f.provider, &msg, &policy).is_ok() {
                // Only a byte-identical KeyPackage may validate.
                prop_assert_eq!(bytes, f.key_package.clone());
            }
        }
    }

    #[test]
    fn mutated_welcomes_never_panic_nor_open(
        edits in prop::collection::vec((any::<usize>(), 1u8..=255), 1..4),
        cut in prop::option::of(any::<usize>()),
    ) {
        let f = fixture();
        let bytes = mutate(&f.welcome, &edits, cut);
        if let Ok(msg) = mls_codec::decode::<MlsMessage>(&bytes)
            && let Some(w) = msg.as_welcome()
        {
            let ours = [f.joiner.clone()];
            if open_welcome(&f.provider, w, &ours[..], &InMemoryPskStore::new()).is_ok() {
                prop_assert_eq!(bytes, f.welcome.clone());
            }
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let f = fixture();
        if let Ok(msg) = mls_codec::decode::<MlsMessage>(&bytes) {
            let _ = validate_key_package_message(&f.provider, &msg, &KeyPackageValidation::default());
            if let Some(w) = msg.as_welcome() {
                let _ = open_welcome(&f.provider, w, &[f.joiner.clone()][..], &InMemoryPskStore::new());
            }
        }
        let _ = KeyPackageBundle::from_bytes(&f.provider, &bytes);
    }
}
