//! Hand-made Welcomes: malformed GroupSecrets, mismatched GroupInfo, inconsistent input, references.

use super::*;

// ---- hand-made

/// Seal a Welcome by hand (the test plays a misbehaving committer): the
/// GroupInfo bytes under the welcome key of `e`, `group_secrets` to `to`.
fn hand_made(
    e: &Epoch,
    group_info: &GroupInfo,
    group_secrets: &[u8],
    to: &KeyPackageBundle,
) -> Welcome {
    let cs = &*e.cs;
    let key = e.keys.welcome_secret.key_nonce(cs).expect("key");
    let encrypted_group_info = cs
        .aead_seal(
            key.key.as_bytes(),
            key.nonce.as_bytes(),
            &[],
            &mls_codec::encode(group_info).expect("encodes"),
        )
        .expect("seals");
    let ct = encrypt_with_label(
        cs,
        to.key_package().init_key.as_slice(),
        b"Welcome",
        &encrypted_group_info,
        group_secrets,
    )
    .expect("seals");
    Welcome {
        cipher_suite: CipherSuiteId(cs.cipher_suite().id()),
        secrets: vec![EncryptedGroupSecrets {
            new_member: VLBytes::new(to.reference().as_bytes().to_vec()),
            encrypted_group_secrets: HpkeCiphertext {
                kem_output: VLBytes::new(ct.kem_output),
                ciphertext: VLBytes::new(ct.ciphertext),
            },
        }],
        encrypted_group_info: VLBytes::new(encrypted_group_info),
    }
}

fn secrets_bytes(e: &Epoch, joiner: &[u8], path: Option<&[u8]>) -> Vec<u8> {
    mls_codec::encode(&GroupSecrets {
        joiner_secret: VLBytes::from(joiner),
        path_secret: path.map(|p| PathSecret {
            path_secret: VLBytes::from(p),
        }),
        psks: e.psks.clone(),
    })
    .expect("encodes")
}

#[test]
fn hand_made_welcome_opens() {
    // The hand-made sealing matches create_welcome's, so the rejections below
    // test exactly one change each.
    let p = provider();
    let (e, alice, _) = simple(&p);
    let w = hand_made(
        &e,
        &e.group_info,
        &secrets_bytes(&e, e.keys.joiner_secret.as_bytes(), None),
        &alice,
    );
    open_welcome(&p, &w, &[alice][..], &InMemoryPskStore::new()).expect("opens");
}

#[test]
fn rejects_malformed_group_secrets() {
    let p = provider();
    let (e, alice, _) = simple(&p);
    let nh = e.cs.cipher_suite().hash_len();
    let joiner = e.keys.joiner_secret.as_bytes();
    let mut garbage = secrets_bytes(&e, joiner, None);
    garbage.push(0);
    for bytes in [
        garbage,
        secrets_bytes(&e, &joiner[1..], None),
        secrets_bytes(&e, joiner, Some(&vec![1; nh + 1])),
    ] {
        let w = hand_made(&e, &e.group_info, &bytes, &alice);
        let err = open_welcome(&p, &w, &[alice.clone()][..], &InMemoryPskStore::new()).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Welcome(WelcomeError::GroupSecretsMalformed(_)))
            ),
            "{err:?}"
        );
    }
}

#[test]
fn rejects_group_info_not_matching_the_key_package() {
    // V-12.4.3.1-08 (suite), -09 (version), V-12.4.3-06 (duplicate
    // extensions), V-12.4.3-05 (unsupported GroupContext extension).
    let p = provider();
    let (e, alice, _) = simple(&p);
    let cs = &*e.cs;
    let secrets = secrets_bytes(&e, e.keys.joiner_secret.as_bytes(), None);
    let resign = |edit: &dyn Fn(&mut GroupInfo)| {
        let mut gi = e.group_info.clone();
        edit(&mut gi);
        sign_group_info(
            cs,
            &e.committer,
            gi.group_context,
            gi.extensions,
            gi.confirmation_tag.as_slice().to_vec(),
            gi.signer,
        )
        .expect("signs")
    };
    let ext = |t: u16| Extension {
        extension_type: ExtensionType(t),
        extension_data: VLBytes::new(vec![]),
    };
    let cases: Vec<(GroupInfo, Expect)> = vec![
        (
            resign(&|gi| gi.group_context.cipher_suite = CipherSuiteId(3)),
            |e| {
                matches!(
                    e,
                    GroupError::Rejected(Rejection::Welcome(WelcomeError::GroupInfoMismatch {
                        what: "cipher suite",
                        group_info: 3,
                        key_package: 1
                    }))
                )
            },
        ),
        (
            resign(&|gi| gi.group_context.version = ProtocolVersion(2)),
            |e| {
                matches!(
                    e,
                    GroupError::Rejected(Rejection::Welcome(WelcomeError::GroupInfoMismatch {
                        what: "version",
                        group_info: 2,
                        key_package: 1
                    }))
                )
            },
        ),
        (
            resign(&|gi| gi.extensions = vec![ext(0x0a0a), ext(0x0a0a)]),
            |e| {
                matches!(
                    e,
                    GroupError::Rejected(Rejection::Welcome(
                        WelcomeError::GroupInfoDuplicateExtension(0x0a0a)
                    ))
                )
            },
        ),
        (
            resign(&|gi| gi.group_context.extensions = vec![ext(0xff00), ext(0xff00)]),
            |e| {
                matches!(
                    e,
                    GroupError::Rejected(Rejection::Welcome(
                        WelcomeError::GroupInfoDuplicateExtension(0xff00)
                    ))
                )
            },
        ),
        (
            resign(&|gi| {
                gi.extensions = vec![
                    Extension::from_payload(&mls_codec::ApplicationId {
                        application_id: VLBytes::new(vec![]),
                    })
                    .expect("encodes"),
                ]
            }),
            |e| {
                matches!(
                    e,
                    GroupError::Rejected(Rejection::Welcome(
                        WelcomeError::GroupInfoExtensionMisplaced(1)
                    ))
                )
            },
        ),
        (
            resign(&|gi| {
                gi.group_context.extensions = vec![
                    Extension::from_payload(&mls_codec::ExternalPub {
                        external_pub: mls_codec::HpkePublicKey::from(vec![1; 32]),
                    })
                    .expect("encodes"),
                ]
            }),
            |e| {
                matches!(
                    e,
                    GroupError::Rejected(Rejection::Welcome(
                        WelcomeError::GroupInfoExtensionMisplaced(4)
                    ))
                )
            },
        ),
        (
            resign(&|gi| gi.group_context.extensions = vec![ext(0xff00)]),
            |e| {
                matches!(
                    e,
                    GroupError::Rejected(Rejection::Welcome(
                        WelcomeError::GroupContextExtensionUnsupported(0xff00)
                    ))
                )
            },
        ),
    ];
    for (gi, expected) in cases {
        let w = hand_made(&e, &gi, &secrets, &alice);
        let err = open_welcome(&p, &w, &[alice.clone()][..], &InMemoryPskStore::new()).unwrap_err();
        assert!(expected(&err), "{err:?}");
    }
    // Unknown GroupInfo extensions are ignored (V-12.4.3-04), and a
    // GroupContext extension our KeyPackage lists is supported.
    let cs_arc = e.cs.clone();
    let signer = cs_arc.signature_generate_key_pair().expect("key pair");
    let listing = KeyPackageBuilder::new()
        .capabilities(mls_codec::Capabilities {
            extensions: vec![ExtensionType(0xff00)],
            ..Default::default()
        })
        .build(&*cs_arc, Credential::basic(b"carol".to_vec()), &signer)
        .expect("builds");
    let gi = resign(&|gi| {
        gi.extensions = vec![ext(0x0a0a), ext(0xfefe)];
    });
    let w = hand_made(&e, &gi, &secrets, &alice);
    open_welcome(&p, &w, &[alice.clone()][..], &InMemoryPskStore::new()).expect("ignored");
    // The GroupContext extension changes the key schedule, so that case
    // needs its own epoch.
    let e2 = epoch_with(
        cs_arc.clone(),
        vec![],
        &InMemoryPskStore::new(),
        |gc| gc.extensions = vec![ext(0xff00)],
        vec![],
        None,
    );
    let w = welcome_for(
        &e2,
        &[WelcomeRecipient {
            key_package: listing.key_package(),
            path_secret: None,
        }],
    );
    open_welcome(&p, &w, &[listing][..], &InMemoryPskStore::new()).expect("supported");
}

#[test]
fn create_rejects_inconsistent_input() {
    let p = provider();
    let cs = suite1(&p);
    let e = epoch(cs.clone());
    let err = create_welcome(
        &*cs,
        &e.group_info,
        &e.keys.joiner_secret,
        &e.keys.welcome_secret,
        &[],
        &[],
    )
    .unwrap_err();
    assert!(
        matches!(err, GroupError::Misuse(Misuse::WelcomeCreation(_))),
        "{err:?}"
    );

    let cs2 = p
        .cipher_suite_provider(CipherSuite::ALL[1])
        .expect("suite 2");
    let (bob, _) = bundle(&*cs2, "bob");
    let err = create_welcome(
        &*cs,
        &e.group_info,
        &e.keys.joiner_secret,
        &e.keys.welcome_secret,
        &[],
        &[WelcomeRecipient {
            key_package: bob.key_package(),
            path_secret: None,
        }],
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(
                KeyPackageError::CipherSuiteMismatch {
                    expected: 1,
                    actual: 2
                }
            ))
        ),
        "{err:?}"
    );
    // The provider's suite must be the GroupInfo's.
    let err = create_welcome(
        &*cs2,
        &e.group_info,
        &e.keys.joiner_secret,
        &e.keys.welcome_secret,
        &[],
        &[WelcomeRecipient {
            key_package: bob.key_package(),
            path_secret: None,
        }],
    )
    .unwrap_err();
    assert!(
        matches!(err, GroupError::Misuse(Misuse::WelcomeCreation(_))),
        "{err:?}"
    );
}

#[test]
fn debug_output_hides_secrets() {
    let p = provider();
    let (e, alice, welcome) = simple(&p);
    let decrypted =
        open_welcome(&p, &welcome, &[alice][..], &InMemoryPskStore::new()).expect("opens");
    let joiner = hex::encode(e.keys.joiner_secret.as_bytes());
    assert!(!format!("{decrypted:?}").contains(&joiner));
    let joined = decrypted
        .verify_signature(&e.committer.public_key)
        .expect("verifies");
    let dbg = format!("{joined:?}");
    assert!(!dbg.contains(&joiner), "{dbg}");
    let kp_ref: &KeyPackageRef = &joined.key_package_ref;
    assert!(dbg.contains(&hex::encode(kp_ref.as_bytes())));
}

#[test]
fn init_key_only_entries_open_and_must_match() {
    use mls_group::welcome::KeyPackageInitKey;
    let p = provider();
    let (_, alice, welcome) = simple(&p);
    let cs = suite1(&p);
    let entry = KeyPackageInitKey::new(
        &*cs,
        alice.key_package().clone(),
        alice.init_private_key().clone(),
    )
    .expect("matches");
    open_welcome(&p, &welcome, &[entry][..], &InMemoryPskStore::new()).expect("opens");
    for (suite, key) in [
        (CipherSuite::ALL[0], alice.encryption_private_key().clone()),
        (CipherSuite::ALL[2], alice.init_private_key().clone()),
    ] {
        let cs = p.cipher_suite_provider(suite).expect("suite");
        let err = KeyPackageInitKey::new(&*cs, alice.key_package().clone(), key).unwrap_err();
        assert!(
            matches!(err, GroupError::Misuse(Misuse::KeyPackageCreation(_))),
            "{err:?}"
        );
    }
}

#[test]
fn reference_with_another_label_or_hash_matches_nothing() {
    // V-5.2-01: new_member computed with the wrong label, or with another
    // suite's hash, names none of our KeyPackages.
    let p = provider();
    let (_, alice, welcome) = simple(&p);
    let cs = suite1(&p);
    let kp_bytes = mls_codec::encode(alice.key_package()).expect("encodes");
    let cs7 = p
        .cipher_suite_provider(CipherSuite::ALL[6])
        .expect("suite 7");
    for wrong in [
        mls_crypto::labeled::ref_hash(&*cs, b"MLS 1.0 Proposal Reference", &kp_bytes),
        mls_crypto::labeled::ref_hash(&*cs, b"KeyPackage Reference", &kp_bytes),
        mls_crypto::labeled::make_key_package_ref(&*cs7, &kp_bytes),
    ] {
        let mut w = welcome.clone();
        w.secrets[0].new_member = VLBytes::new(wrong.expect("hash"));
        let err = open_welcome(&p, &w, &[alice.clone()][..], &InMemoryPskStore::new()).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
            ),
            "{err:?}"
        );
    }
}
