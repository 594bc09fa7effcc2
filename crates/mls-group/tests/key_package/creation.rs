//! Creating KeyPackages (RFC 9420 §10): every suite, keys, capabilities, extensions, GREASE, last resort.

use super::*;

// ---- creation

#[test]
fn create_then_validate_every_suite() {
    let p = provider();
    for suite in CipherSuite::ALL {
        let cs = suite_provider(&p, suite);
        let bundle = build(&*cs, &KeyPackageBuilder::new());
        let kp = bundle.key_package();
        assert_eq!(kp.version, ProtocolVersion::MLS10);
        assert_eq!(kp.cipher_suite, CipherSuiteId(suite.id()));
        assert!(matches!(
            kp.leaf_node.leaf_node_source,
            LeafNodeSource::KeyPackage(_)
        ));
        assert_ne!(kp.init_key, kp.leaf_node.encryption_key);
        // Without the GREASE values (on by default, RFC 9420 §13.5), the
        // capabilities are the client's own.
        let caps = own_capabilities(&kp.leaf_node.capabilities);
        assert_eq!(caps.versions, [ProtocolVersion::MLS10]);
        assert_eq!(caps.cipher_suites, [CipherSuiteId(suite.id())]);
        assert_eq!(caps.credentials, [CredentialType::BASIC]);
        assert!(caps.extensions.is_empty() && caps.proposals.is_empty());

        let reference = validate_key_package(&*cs, kp, &strict()).expect("valid");
        assert_eq!(&reference, bundle.reference());
        assert_eq!(
            reference,
            KeyPackageRef::compute(&*cs, kp).expect("reference")
        );
        assert_eq!(reference.as_bytes().len(), suite.hash_len());

        let message = MlsMessage::from(kp.clone());
        let (got, r) = validate_key_package_message(&p, &message, &strict()).expect("valid");
        assert_eq!((got, &r), (kp, bundle.reference()));

        // The private half matches, and can be reassembled (storage).
        let again = KeyPackageBundle::from_parts(
            &*cs,
            kp.clone(),
            bundle.init_private_key().clone(),
            bundle.encryption_private_key().clone(),
            bundle.signature_private_key().cloned(),
            false,
        )
        .expect("keys match");
        assert_eq!(again, bundle);
    }
}

#[test]
fn from_parts_rejects_mismatched_keys() {
    let (_, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    let err = KeyPackageBundle::from_parts(
        &*cs,
        bundle.key_package().clone(),
        bundle.encryption_private_key().clone(), // swapped
        bundle.init_private_key().clone(),
        bundle.signature_private_key().cloned(),
        false,
    )
    .unwrap_err();
    assert!(
        matches!(err, GroupError::Misuse(Misuse::KeyPackageCreation(_))),
        "{err:?}"
    );
}

/// Issue 11 item 5(b): P-521 private keys written without their leading
/// zero bytes (as some implementations store them) still form a bundle with
/// their KeyPackage, also through the storage encoding; a key one byte
/// longer than the field size does not. (P-384 keys take the same provider
/// path, tested in `mls-crypto-rustcrypto`.)
#[test]
fn from_parts_accepts_short_p521_private_keys() {
    use mls_crypto::{HpkePrivateKey, SignaturePrivateKey};
    fn strip(key: &[u8]) -> Vec<u8> {
        let zeros = key.iter().take_while(|b| **b == 0).count();
        key[zeros..].to_vec()
    }
    let p = provider();
    let cs = suite_provider(&p, CipherSuite::Mls256DhKemP521Aes256GcmSha512P521);
    // A P-521 scalar starts with a zero byte about half the time: draw
    // until all three keys do (1 in 8 per draw).
    let bundle = (0..200)
        .map(|_| build(&*cs, &KeyPackageBuilder::new()))
        .find(|b| {
            [
                b.init_private_key().as_bytes(),
                b.encryption_private_key().as_bytes(),
                b.signature_private_key()
                    .expect("an in-memory key")
                    .as_bytes(),
            ]
            .iter()
            .all(|k| k.first() == Some(&0))
        })
        .expect("a bundle whose three keys start with a zero byte");
    let short = KeyPackageBundle::from_parts(
        &*cs,
        bundle.key_package().clone(),
        HpkePrivateKey::from(strip(bundle.init_private_key().as_bytes())),
        HpkePrivateKey::from(strip(bundle.encryption_private_key().as_bytes())),
        Some(SignaturePrivateKey::from(strip(
            bundle
                .signature_private_key()
                .expect("an in-memory key")
                .as_bytes(),
        ))),
        false,
    )
    .expect("short keys are left-padded");
    let stored = short.to_bytes().expect("encodes");
    KeyPackageBundle::from_bytes(&p, &stored).expect("short keys read back");
    let longer = [
        &[0u8][..],
        bundle
            .signature_private_key()
            .expect("an in-memory key")
            .as_bytes(),
    ]
    .concat();
    let err = KeyPackageBundle::from_parts(
        &*cs,
        bundle.key_package().clone(),
        bundle.init_private_key().clone(),
        bundle.encryption_private_key().clone(),
        Some(SignaturePrivateKey::from(longer)),
        false,
    )
    .unwrap_err();
    assert!(matches!(err, GroupError::Crypto(_)), "{err:?}");
}

#[test]
fn bundle_debug_redacts_private_keys() {
    let (_, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    let dbg = format!("{bundle:?}");
    for key in [
        bundle.init_private_key().as_bytes(),
        bundle.encryption_private_key().as_bytes(),
        bundle
            .signature_private_key()
            .expect("an in-memory key")
            .as_bytes(),
    ] {
        assert!(!dbg.contains(&hex::encode(key)), "{dbg}");
        let decimal = format!("{:?}", key);
        assert!(!dbg.contains(&decimal[1..decimal.len() - 1]), "{dbg}");
    }
}

#[test]
fn init_keys_are_distinct() {
    // RFC 9420 §10 (V-10-07, G-24): init keys unique among our KeyPackages.
    let (_, cs) = suite1();
    let builder = KeyPackageBuilder::new();
    let s = signer(&*cs);
    let mut seen = HashSet::new();
    for _ in 0..200 {
        let b = builder
            .build(&*cs, Credential::basic(b"alice".to_vec()), &s)
            .expect("builds");
        assert!(seen.insert(b.key_package().init_key.clone()));
        assert!(seen.insert(b.key_package().leaf_node.encryption_key.clone()));
    }
}

#[test]
fn builder_normalises_capabilities_and_extensions() {
    let (_, cs) = suite1();
    let builder = KeyPackageBuilder::new()
        .capabilities(Capabilities {
            versions: vec![ProtocolVersion::MLS10],
            cipher_suites: vec![CipherSuiteId(3), CipherSuiteId(1)],
            // Default extension and proposal types must not be listed (§7.2).
            extensions: (1..=5)
                .map(ExtensionType)
                .chain([ExtensionType(0xff10)])
                .collect(),
            proposals: (1..=7)
                .map(ProposalType)
                .chain([ProposalType(0xff20)])
                .collect(),
            credentials: vec![CredentialType::X509],
        })
        .leaf_extension(Extension {
            extension_type: ExtensionType::APPLICATION_ID,
            extension_data: VLBytes::new(vec![3, b'a', b'p', b'p']),
        })
        .leaf_extension(Extension {
            extension_type: ExtensionType(0xff11),
            extension_data: VLBytes::new(vec![]),
        })
        .key_package_extension(Extension {
            extension_type: ExtensionType(0xff12),
            extension_data: VLBytes::new(vec![1]),
        })
        .last_resort()
        .grease(false);
    let bundle = build(&*cs, &builder);
    let kp = bundle.key_package();
    let caps = &kp.leaf_node.capabilities;
    assert_eq!(caps.versions, [ProtocolVersion::MLS10]);
    assert_eq!(caps.cipher_suites, [CipherSuiteId(1), CipherSuiteId(3)]);
    assert_eq!(
        caps.extensions,
        [
            ExtensionType(0xff10),
            ExtensionType(0xff11),
            ExtensionType(0xff12),
            LAST_RESORT_DRAFT_EXTENSION_TYPE
        ]
    );
    assert_eq!(caps.proposals, [ProposalType(0xff20)]);
    assert_eq!(
        caps.credentials,
        [CredentialType::BASIC, CredentialType::X509]
    );
    assert!(bundle.is_last_resort());
    assert!(
        kp.extensions
            .iter()
            .any(|e| e.extension_type == ExtensionType(0x000a))
    );
    validate_key_package(&*cs, kp, &strict()).expect("valid");

    // Without GREASE and configuration, no extension and no last-resort marker.
    let plain = build(&*cs, &KeyPackageBuilder::new().grease(false));
    assert!(!plain.is_last_resort());
    assert!(plain.key_package().extensions.is_empty());
}

#[test]
fn last_resort_type_is_application_chosen() {
    let (_, cs) = suite1();
    let bundle = build(
        &*cs,
        &KeyPackageBuilder::new()
            .last_resort_with_type(ExtensionType(0xf0aa))
            .grease(false),
    );
    let kp = bundle.key_package();
    assert!(bundle.is_last_resort());
    assert_eq!(kp.extensions[0].extension_type, ExtensionType(0xf0aa));
    assert!(kp.extensions[0].extension_data.as_slice().is_empty());
    assert_eq!(
        kp.leaf_node.capabilities.extensions,
        [ExtensionType(0xf0aa)]
    );
}

#[test]
fn grease_by_default_and_accepted() {
    // RFC 9420 §13.5 (V-13.5-01, V-13.5-05, G-48): by default a GREASE value
    // in every capability list, a GREASE leaf extension and a GREASE
    // KeyPackage extension (both listed in the capabilities); the receiver
    // ignores them; the own representation holds none (V-13.5-04).
    let (_, cs) = suite1();
    let mut drawn = HashSet::new();
    for _ in 0..16 {
        let bundle = build(&*cs, &KeyPackageBuilder::new());
        let kp = bundle.key_package();
        let caps = &kp.leaf_node.capabilities;
        assert_eq!(
            caps.cipher_suites.iter().filter(|s| s.is_grease()).count(),
            1
        );
        assert_eq!(caps.proposals.iter().filter(|t| t.is_grease()).count(), 1);
        assert_eq!(caps.credentials.iter().filter(|t| t.is_grease()).count(), 1);
        assert_eq!(caps.extensions.iter().filter(|t| t.is_grease()).count(), 2);
        let leaf_grease: Vec<_> = kp
            .leaf_node
            .extensions
            .iter()
            .filter(|e| e.extension_type.is_grease())
            .collect();
        let kp_grease: Vec<_> = kp
            .extensions
            .iter()
            .filter(|e| e.extension_type.is_grease())
            .collect();
        assert_eq!((leaf_grease.len(), kp_grease.len()), (1, 1));
        for e in leaf_grease.iter().chain(&kp_grease) {
            assert!(caps.extensions.contains(&e.extension_type));
            assert!(e.extension_data.as_slice().len() <= 16);
            drawn.insert(e.extension_type.0);
        }
        validate_key_package(&*cs, kp, &strict()).expect("GREASE is ignored");
        let own = own_capabilities(caps);
        assert!(!own.cipher_suites.iter().any(|s| s.is_grease()));
        assert!(!own.extensions.iter().any(|t| t.is_grease()));
        assert!(!own.proposals.iter().any(|t| t.is_grease()));
        assert!(!own.credentials.iter().any(|t| t.is_grease()));
    }
    // Random values, not one fixed value.
    assert!(drawn.len() > 2, "{drawn:?}");
    // The switch turns it off.
    let plain = build(&*cs, &KeyPackageBuilder::new().grease(false));
    let kp = plain.key_package();
    let caps = &kp.leaf_node.capabilities;
    assert_eq!(&own_capabilities(caps), caps);
    assert!(kp.extensions.is_empty() && kp.leaf_node.extensions.is_empty());
}

#[test]
fn builder_rejects_misplaced_or_duplicate_extensions() {
    let (_, cs) = suite1();
    let s = signer(&*cs);
    let ext = |t: u16| Extension {
        extension_type: ExtensionType(t),
        extension_data: VLBytes::new(vec![]),
    };
    for builder in [
        // ratchet_tree belongs in a GroupInfo (§17.3).
        KeyPackageBuilder::new().key_package_extension(
            Extension::from_payload(&mls_codec::ExternalPub {
                external_pub: HpkePublicKey::from(vec![1; 32]),
            })
            .expect("encodes"),
        ),
        KeyPackageBuilder::new()
            .leaf_extension(ext(0xff00))
            .leaf_extension(ext(0xff00)),
    ] {
        let err = builder
            .build(&*cs, Credential::basic(b"a".to_vec()), &s)
            .unwrap_err();
        assert!(
            matches!(err, GroupError::Misuse(Misuse::KeyPackageCreation(_))),
            "{err:?}"
        );
    }
    // A signer whose halves do not match is refused by `check_signer`, the
    // one check where a signer enters a group or a client; the builder does
    // not re-derive the public key per KeyPackage (issue 14), and what it
    // builds with such a signer is refused by every receiver.
    let mut bad = signer(&*cs);
    bad.public_key = signer(&*cs).public_key;
    let err = mls_group::key_package::check_signer(&*cs, &bad).unwrap_err();
    assert!(
        matches!(err, GroupError::Misuse(Misuse::KeyPackageCreation(_))),
        "{err:?}"
    );
    let forged = KeyPackageBuilder::new()
        .build(&*cs, Credential::basic(b"a".to_vec()), &bad)
        .expect("the pair is not re-checked per KeyPackage");
    assert!(validate_key_package(&*cs, forged.key_package(), &strict()).is_err());
}
