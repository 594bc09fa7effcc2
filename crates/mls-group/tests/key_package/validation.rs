//! Validating received KeyPackages (RFC 9420 §10.1) and storing bundles.

use super::*;

// ---- validation

#[test]
fn rejects_wrong_version() {
    // V-10.1-02 against the group; V-10-03 against the MLSMessage.
    let (p, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    let mut kp = bundle.key_package().clone();
    kp.version = ProtocolVersion(2);
    resign(&*cs, &bundle, &mut kp, false);
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::VersionMismatch {
                expected: 1,
                actual: 2
            }))
        ),
        "{err:?}"
    );
    let err = validate_key_package_message(&p, &MlsMessage::from(kp), &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::VersionMismatch {
                expected: 1,
                actual: 2
            }))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_unsupported_grease_or_other_suite() {
    // V-5.1-01: 0, GREASE and unassigned suites; V-10.1-01: another suite
    // than the group's.
    let (p, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    for id in [0x0000u16, 0x0a0a, 0x2a2a, 0x0008] {
        let mut kp = bundle.key_package().clone();
        kp.cipher_suite = CipherSuiteId(id);
        kp.leaf_node
            .capabilities
            .cipher_suites
            .push(CipherSuiteId(id));
        resign(&*cs, &bundle, &mut kp, true);
        let err =
            validate_key_package_message(&p, &MlsMessage::from(kp.clone()), &strict()).unwrap_err();
        assert!(
            matches!(err, GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::UnsupportedCipherSuite(x))) if x == id),
            "{err:?}"
        );
        let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::CipherSuiteMismatch { expected: 1, actual })) if actual == id
            ),
            "{err:?}"
        );
    }
    let cs2 = suite_provider(&p, CipherSuite::ALL[1]);
    let err = validate_key_package(&*cs2, bundle.key_package(), &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(
                KeyPackageError::CipherSuiteMismatch {
                    expected: 2,
                    actual: 1
                }
            ))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_message_that_is_not_a_key_package() {
    let (p, _) = suite1();
    let message = MlsMessage::from(mls_codec::Welcome {
        cipher_suite: CipherSuiteId(1),
        secrets: vec![],
        encrypted_group_info: VLBytes::new(vec![]),
    });
    let err = validate_key_package_message(&p, &message, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::WrongWireFormat {
                expected: mls_codec::WireFormat::KEY_PACKAGE,
                actual: mls_codec::WireFormat(3)
            }))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_bad_key_package_signature() {
    // V-10-01, V-10.1-04.
    let p = provider();
    for suite in CipherSuite::ALL {
        let cs = suite_provider(&p, suite);
        let bundle = build(&*cs, &KeyPackageBuilder::new().grease(false));
        let mut kp = bundle.key_package().clone();
        let mut sig = kp.signature.as_slice().to_vec();
        let last = sig.len() - 1;
        sig[last] ^= 1;
        kp.signature = VLBytes::new(sig);
        let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::SignatureInvalid))
            ),
            "{suite}: {err:?}"
        );

        // A field changed after signing (V-7.2-05 for the KeyPackage).
        let mut kp = bundle.key_package().clone();
        kp.extensions.push(Extension {
            extension_type: ExtensionType(0x0a0a),
            extension_data: VLBytes::new(vec![]),
        });
        kp.leaf_node
            .capabilities
            .extensions
            .push(ExtensionType(0x0a0a));
        resign(&*cs, &bundle, &mut kp, true);
        kp.extensions[0].extension_data = VLBytes::new(vec![1]);
        let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::SignatureInvalid))
            ),
            "{suite}: {err:?}"
        );
    }
}

#[test]
fn rejects_signature_by_another_key() {
    let (_, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    let mut kp = bundle.key_package().clone();
    let other = signer(&*cs);
    sign_key_package(&*cs, &other, &mut kp).expect("signs");
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::SignatureInvalid))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_bad_leaf_signature() {
    // V-10.1-03 with V-7.3-02.
    let (_, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    let mut kp = bundle.key_package().clone();
    let mut sig = kp.leaf_node.signature.as_slice().to_vec();
    sig[0] ^= 0x80;
    kp.leaf_node.signature = VLBytes::new(sig);
    resign(&*cs, &bundle, &mut kp, false);
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                TreeKemError::LeafSignatureInvalid { leaf: None }
            )))
        ),
        "{err:?}"
    );
    // A leaf signed as an update leaf (with group context) is not a
    // KeyPackage leaf (V-7.3-12).
    let mut kp = bundle.key_package().clone();
    kp.leaf_node.leaf_node_source = LeafNodeSource::Update;
    sign_leaf_node(
        &*cs,
        &bundle.signer().expect("an in-memory key"),
        &mut kp.leaf_node,
        b"g",
        0,
    )
    .expect("signs");
    resign(&*cs, &bundle, &mut kp, false);
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                TreeKemError::WrongLeafNodeSource {
                    expected: "key_package",
                    actual: "update"
                }
            )))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_init_key_equal_to_encryption_key() {
    // V-10.1-05.
    let (_, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    let mut kp = bundle.key_package().clone();
    kp.init_key = kp.leaf_node.encryption_key.clone();
    resign(&*cs, &bundle, &mut kp, false);
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(
                KeyPackageError::InitKeyEqualsEncryptionKey
            ))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_keys_invalid_for_the_suite() {
    // V-10-02 (init key), V-10-06 (leaf keys).
    let p = provider();
    let cs = suite_provider(&p, CipherSuite::ALL[1]); // P-256
    let bundle = build(&*cs, &KeyPackageBuilder::new());

    let mut kp = bundle.key_package().clone();
    kp.init_key = HpkePublicKey::from(vec![4; 65]); // not on the curve
    resign(&*cs, &bundle, &mut kp, false);
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::InvalidInitKey))
        ),
        "{err:?}"
    );

    let mut kp = bundle.key_package().clone();
    kp.leaf_node.encryption_key = HpkePublicKey::from(vec![4; 10]);
    resign(&*cs, &bundle, &mut kp, true);
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::InvalidLeafKey {
                which: "encryption_key"
            }))
        ),
        "{err:?}"
    );

    let mut kp = bundle.key_package().clone();
    kp.leaf_node.signature_key = mls_codec::SignaturePublicKey::from(vec![2; 33]); // compressed
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::InvalidLeafKey {
                which: "signature_key"
            }))
        ),
        "{err:?}"
    );
}

#[test]
fn lifetime_checked_against_the_injected_clock_unless_switched_off() {
    // V-7.3-10 (RECOMMENDED, switchable), V-7.2-04.
    let (_, cs) = suite1();
    let lifetime = Lifetime {
        not_before: 1_000_000,
        not_after: 2_000_000,
    };
    let bundle = build(&*cs, &KeyPackageBuilder::new().lifetime(lifetime));
    let kp = bundle.key_package();
    let at = |now: u64| {
        let mut policy = strict();
        policy.leaf_policy.clock = Some(Arc::new(FixedClock(now)));
        validate_key_package(&*cs, kp, &policy)
    };
    for now in [999_999u64, 2_000_001, 0, u64::MAX] {
        let err = at(now).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(TreeKemError::LifetimeExpired { leaf: None, now: n })))
                    if n == now
            ),
            "{now}: {err:?}"
        );
    }
    for now in [1_000_000u64, 1_500_000, 2_000_000] {
        at(now).expect("inside the lifetime");
    }
    // Clock checks off: an expired KeyPackage is accepted.
    validate_key_package(&*cs, kp, &KeyPackageValidation::without_time_checks())
        .expect("time checks off");

    // The application maximum (V-7.2-03) and an inverted lifetime (V-7.2-04)
    // still apply without the clock.
    let mut policy = KeyPackageValidation::without_time_checks();
    policy.leaf_policy.max_lifetime = Some(999_999);
    let err = validate_key_package(&*cs, kp, &policy).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                TreeKemError::LifetimeTooLong { .. }
            )))
        ),
        "{err:?}"
    );
    let inverted = build(
        &*cs,
        &KeyPackageBuilder::new().lifetime(Lifetime {
            not_before: 5,
            not_after: 4,
        }),
    );
    let err = validate_key_package(
        &*cs,
        inverted.key_package(),
        &KeyPackageValidation::without_time_checks(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                TreeKemError::LifetimeInverted { .. }
            )))
        ),
        "{err:?}"
    );
}

#[test]
fn computed_lifetime_reads_the_injected_clock() {
    let (_, cs) = suite1();
    let bundle = build(
        &*cs,
        &KeyPackageBuilder::new()
            .clock(Arc::new(FixedClock(10_000)))
            .validity_seconds(500),
    );
    assert_eq!(
        bundle.key_package().leaf_node.leaf_node_source,
        LeafNodeSource::KeyPackage(Lifetime {
            not_before: 10_000 - 3600,
            not_after: 10_500
        })
    );
}

#[test]
fn default_types_in_capabilities_rejected_only_when_configured() {
    // RFC 9420 §7.2: a sender MUST NOT list default types (V-7.2-08).
    let (_, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    for (ext, prop, kind, value) in [
        (Some(ExtensionType::APPLICATION_ID), None, "extension", 1u16),
        (Some(ExtensionType::EXTERNAL_SENDERS), None, "extension", 5),
        (None, Some(ProposalType::ADD), "proposal", 1),
        (
            None,
            Some(ProposalType::GROUP_CONTEXT_EXTENSIONS),
            "proposal",
            7,
        ),
    ] {
        let mut kp = bundle.key_package().clone();
        let caps = &mut kp.leaf_node.capabilities;
        caps.extensions.extend(ext);
        caps.proposals.extend(prop);
        resign(&*cs, &bundle, &mut kp, true);
        let mut rejecting = strict();
        rejecting.reject_default_types_in_capabilities = true;
        let err = validate_key_package(&*cs, &kp, &rejecting).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::ListsDefaultType { kind: k, value: v })) if k == kind && v == value
            ),
            "{err:?}"
        );
        // Tolerated by default (VALIDATION.md Part D #6, V-7.2-08).
        validate_key_package(&*cs, &kp, &strict()).expect("tolerated");
    }
}

#[test]
fn rejects_capabilities_without_own_version_or_suite() {
    // V-7.3-08 {implied}.
    let (_, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    let mut kp = bundle.key_package().clone();
    kp.leaf_node.capabilities.cipher_suites = vec![CipherSuiteId(2)];
    resign(&*cs, &bundle, &mut kp, true);
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(
                KeyPackageError::CapabilitiesIncomplete {
                    what: "cipher suite",
                    value: 1
                }
            ))
        ),
        "{err:?}"
    );
    let mut kp = bundle.key_package().clone();
    kp.leaf_node.capabilities.versions = vec![ProtocolVersion(0x0a0a)];
    resign(&*cs, &bundle, &mut kp, true);
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(
                KeyPackageError::CapabilitiesIncomplete {
                    what: "version",
                    value: 1
                }
            ))
        ),
        "{err:?}"
    );
}

#[test]
fn kp_extension_rules_unlisted_accepted_leaf_and_duplicates_rejected() {
    let (_, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    let ext = |t: u16| Extension {
        extension_type: ExtensionType(t),
        extension_data: VLBytes::new(vec![]),
    };

    // V-10-04 is a sender rule: a received KeyPackage whose extensions carry
    // unknown or GREASE types missing from its capabilities is valid
    // (RFC 9420 §10.1, §13.5), as other implementations send them.
    for t in [0xff01, 0x5a5a] {
        let mut kp = bundle.key_package().clone();
        kp.extensions.push(ext(t));
        resign(&*cs, &bundle, &mut kp, false);
        assert!(
            !kp.leaf_node
                .capabilities
                .extensions
                .contains(&ExtensionType(t))
        );
        validate_key_package(&*cs, &kp, &strict()).expect("unlisted KeyPackage extension ignored");
    }

    // V-7.2-01: a leaf extension not in the capabilities.
    let mut kp = bundle.key_package().clone();
    kp.leaf_node.extensions.push(ext(0xff02));
    resign(&*cs, &bundle, &mut kp, true);
    let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                TreeKemError::ExtensionNotSupported {
                    extension_type: 0xff02,
                    ..
                }
            )))
        ),
        "{err:?}"
    );

    // V-13.4-01: duplicates in either list.
    for in_leaf in [false, true] {
        let mut kp = bundle.key_package().clone();
        kp.leaf_node
            .capabilities
            .extensions
            .push(ExtensionType(0xff03));
        let list = if in_leaf {
            &mut kp.leaf_node.extensions
        } else {
            &mut kp.extensions
        };
        list.push(ext(0xff03));
        list.push(ext(0xff03));
        resign(&*cs, &bundle, &mut kp, true);
        let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::DuplicateExtension(
                    0xff03
                )))
            ),
            "{err:?}"
        );
    }

    // V-10-05: unknown listed extensions are ignored.
    let mut kp = bundle.key_package().clone();
    kp.leaf_node
        .capabilities
        .extensions
        .push(ExtensionType(0xff04));
    kp.extensions.push(ext(0xff04));
    resign(&*cs, &bundle, &mut kp, true);
    validate_key_package(&*cs, &kp, &strict()).expect("unknown extension ignored");
}

#[test]
fn rejects_credential_the_validator_refuses() {
    // V-7.3-01 via the leaf policy: x509 is refused by the default validator.
    let (_, cs) = suite1();
    let bundle = KeyPackageBuilder::new()
        .build(
            &*cs,
            Credential::X509 {
                certificates: vec![mls_codec::Certificate {
                    cert_data: VLBytes::new(vec![1, 2, 3]),
                }],
            },
            &signer(&*cs),
        )
        .expect("builds");
    let err = validate_key_package(&*cs, bundle.key_package(), &strict()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                TreeKemError::CredentialRejected { leaf: None }
            )))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_misplaced_registered_extensions() {
    // V-17.3-01: external_pub belongs in a GroupInfo, application_id in a
    // LeafNode only.
    let (_, cs) = suite1();
    let bundle = build(&*cs, &KeyPackageBuilder::new());
    let external_pub = Extension::from_payload(&mls_codec::ExternalPub {
        external_pub: HpkePublicKey::from(vec![1; 32]),
    })
    .expect("encodes");
    let application_id = Extension::from_payload(&mls_codec::ApplicationId {
        application_id: VLBytes::new(b"app".to_vec()),
    })
    .expect("encodes");
    for (in_leaf, ext) in [
        (true, external_pub.clone()),
        (false, external_pub),
        (false, application_id.clone()),
    ] {
        let mut kp = bundle.key_package().clone();
        let t = ext.extension_type.0;
        if in_leaf {
            kp.leaf_node.extensions.push(ext);
        } else {
            kp.extensions.push(ext);
        }
        resign(&*cs, &bundle, &mut kp, true);
        let err = validate_key_package(&*cs, &kp, &strict()).unwrap_err();
        assert!(
            matches!(err, GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::ExtensionMisplaced(x))) if x == t),
            "{err:?}"
        );
    }
    let mut kp = bundle.key_package().clone();
    kp.leaf_node.extensions.push(application_id);
    resign(&*cs, &bundle, &mut kp, true);
    validate_key_package(&*cs, &kp, &strict()).expect("application_id in the leaf");
}

#[test]
fn bundle_storage_round_trip_and_rejections() {
    let p = provider();
    for suite in CipherSuite::ALL {
        let cs = suite_provider(&p, suite);
        for builder in [
            KeyPackageBuilder::new(),
            KeyPackageBuilder::new().last_resort(),
        ] {
            let bundle = build(&*cs, &builder);
            let bytes = bundle.to_bytes().expect("encodes");
            assert_eq!(
                KeyPackageBundle::from_bytes(&p, &bytes).expect("decodes"),
                bundle
            );
            // Truncated, extended, wrong format or flag: typed errors.
            for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
                assert!(KeyPackageBundle::from_bytes(&p, &bytes[..cut]).is_err());
            }
            let mut longer = bytes.to_vec();
            longer.push(0);
            assert!(matches!(
                KeyPackageBundle::from_bytes(&p, &longer),
                Err(GroupError::State(StateError::KeyPackageBundle(_)))
            ));
            let mut format = bytes.to_vec();
            format[0] = 2;
            assert!(matches!(
                KeyPackageBundle::from_bytes(&p, &format),
                Err(GroupError::State(StateError::KeyPackageBundle(_)))
            ));
            let mut flag = bytes.to_vec();
            *flag.last_mut().expect("non-empty") = 2;
            assert!(matches!(
                KeyPackageBundle::from_bytes(&p, &flag),
                Err(GroupError::State(StateError::KeyPackageBundle(_)))
            ));
        }
    }
    // A bundle whose stored init key does not match the KeyPackage.
    let (_, cs) = suite1();
    let a = build(&*cs, &KeyPackageBuilder::new());
    let b = build(&*cs, &KeyPackageBuilder::new());
    let mut bytes = a.to_bytes().expect("encodes").to_vec();
    let key = a.init_private_key().as_bytes().to_vec();
    let pos = bytes
        .windows(key.len())
        .position(|w| w == key.as_slice())
        .expect("stored");
    bytes[pos..pos + key.len()].copy_from_slice(b.init_private_key().as_bytes());
    assert!(matches!(
        KeyPackageBundle::from_bytes(&provider(), &bytes),
        Err(GroupError::Misuse(Misuse::KeyPackageCreation(_)))
    ));
}
