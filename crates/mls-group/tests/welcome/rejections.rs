//! Welcomes a joiner must refuse (RFC 9420 §12.4.3.1): wrong KeyPackage, suite, secrets, signature, signer, tag, PSKs.

use super::*;

// ---- rejections

#[test]
fn rejects_welcome_for_a_key_package_we_do_not_hold() {
    // V-12.4.3.1-01.
    let p = provider();
    let (e, _alice, welcome) = simple(&p);
    let (stranger, _) = bundle(&*e.cs, "stranger");
    let err = open_welcome(&p, &welcome, &[stranger][..], &InMemoryPskStore::new()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
        ),
        "{err:?}"
    );
    let none: Vec<KeyPackageBundle> = vec![];
    let err = open_welcome(&p, &welcome, &none, &InMemoryPskStore::new()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_welcome_with_another_suite_than_the_key_package() {
    // V-12.4.3.1-02.
    let p = provider();
    let (_, alice, mut welcome) = simple(&p);
    welcome.cipher_suite = CipherSuiteId(3);
    let err = open_welcome(&p, &welcome, &[alice][..], &InMemoryPskStore::new()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::CipherSuiteMismatch {
                welcome: 3,
                key_package: 1
            }))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_group_secrets_that_do_not_decrypt() {
    // V-12.4.3.1-03: tampered kem_output or ciphertext, another init key,
    // or a changed encrypted_group_info (the HPKE context).
    let p = provider();
    let (_, alice, welcome) = simple(&p);
    let flip = |v: &VLBytes| {
        let mut b = v.as_slice().to_vec();
        b[0] ^= 1;
        VLBytes::new(b)
    };
    let mut tampered = Vec::new();
    let mut w = welcome.clone();
    w.secrets[0].encrypted_group_secrets.ciphertext =
        flip(&w.secrets[0].encrypted_group_secrets.ciphertext);
    tampered.push(w);
    let mut w = welcome.clone();
    w.secrets[0].encrypted_group_secrets.kem_output =
        flip(&w.secrets[0].encrypted_group_secrets.kem_output);
    tampered.push(w);
    let mut w = welcome.clone();
    w.encrypted_group_info = flip(&w.encrypted_group_info);
    tampered.push(w);
    for w in tampered {
        let err = open_welcome(&p, &w, &[alice.clone()][..], &InMemoryPskStore::new()).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Welcome(
                    WelcomeError::GroupSecretsDecryptionFailed
                ))
            ),
            "{err:?}"
        );
    }
    // Our reference, but a bundle with other private keys.
    let cs = suite1(&p);
    let (other, _) = bundle(&*cs, "other");
    let forged = KeyPackageBundle::from_parts(
        &*cs,
        other.key_package().clone(),
        other.init_private_key().clone(),
        other.encryption_private_key().clone(),
        other.signature_private_key().cloned(),
        false,
    )
    .expect("consistent");
    let mut w = welcome.clone();
    w.secrets[0].new_member = VLBytes::new(forged.reference().as_bytes().to_vec());
    w.secrets[0].encrypted_group_secrets = welcome.secrets[0].encrypted_group_secrets.clone();
    let err = open_welcome(&p, &w, &[forged][..], &InMemoryPskStore::new()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(
                WelcomeError::GroupSecretsDecryptionFailed
            ))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_group_info_that_does_not_decrypt() {
    // V-12.4.3.1-06: the GroupInfo sealed under another welcome secret.
    let p = provider();
    let cs = suite1(&p);
    let e = epoch(cs.clone());
    let other = epoch(cs.clone());
    let (alice, _) = bundle(&*cs, "alice");
    let welcome = create_welcome(
        &*cs,
        &e.group_info,
        &e.keys.joiner_secret,
        &other.keys.welcome_secret,
        &[],
        &[WelcomeRecipient {
            key_package: alice.key_package(),
            path_secret: None,
        }],
    )
    .expect("creates");
    let err = open_welcome(&p, &welcome, &[alice][..], &InMemoryPskStore::new()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::GroupInfoDecryptionFailed))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_wrong_group_info_signature() {
    // V-12.4.3-01, V-12.4.3.1-07.
    let p = provider();
    let (e, alice, welcome) = simple(&p);
    let decrypted =
        open_welcome(&p, &welcome, &[alice.clone()][..], &InMemoryPskStore::new()).expect("opens");
    let (_, someone) = bundle(&*e.cs, "someone");
    let err = decrypted.verify_signature(&someone.public_key).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::GroupInfoSignatureInvalid))
        ),
        "{err:?}"
    );

    // A GroupInfo field changed after signing.
    let mut gi = e.group_info.clone();
    gi.signer = 1;
    let err = verify_group_info_signature(&*e.cs, &gi, &e.committer.public_key).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::GroupInfoSignatureInvalid))
        ),
        "{err:?}"
    );

    // The signer's leaf in the tree has another key.
    let decrypted =
        open_welcome(&p, &welcome, &[alice.clone()][..], &InMemoryPskStore::new()).expect("opens");
    let tree = RatchetTree::new(alice.key_package().leaf_node.clone());
    let err = decrypted.verify_signature_with_tree(&tree).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::GroupInfoSignatureInvalid))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_signer_outside_the_tree() {
    // V-12.4.3-02.
    let p = provider();
    let cs = suite1(&p);
    let mut e = epoch(cs.clone());
    let gi = e.group_info.clone();
    e.group_info = sign_group_info(
        &*cs,
        &e.committer,
        gi.group_context,
        vec![],
        gi.confirmation_tag.as_slice().to_vec(),
        7,
    )
    .expect("signs");
    let (alice, _) = bundle(&*cs, "alice");
    let welcome = welcome_for(
        &e,
        &[WelcomeRecipient {
            key_package: alice.key_package(),
            path_secret: None,
        }],
    );
    let decrypted =
        open_welcome(&p, &welcome, &[alice][..], &InMemoryPskStore::new()).expect("opens");
    let tree = RatchetTree::new(e.committer_bundle.key_package().leaf_node.clone());
    let err = decrypted.verify_signature_with_tree(&tree).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::GroupInfoSignerNotInTree(
                7
            )))
        ),
        "{err:?}"
    );
}

#[test]
fn rejects_wrong_confirmation_tag() {
    // V-12.4.3.1-21.
    let p = provider();
    let cs = suite1(&p);
    let nh = cs.cipher_suite().hash_len();
    for tag in [vec![0u8; nh], vec![0u8; nh - 1], vec![]] {
        let e = epoch_with(
            cs.clone(),
            vec![],
            &InMemoryPskStore::new(),
            |_| {},
            vec![],
            Some(tag),
        );
        let (alice, _) = bundle(&*cs, "alice");
        let welcome = welcome_for(
            &e,
            &[WelcomeRecipient {
                key_package: alice.key_package(),
                path_secret: None,
            }],
        );
        let err = open_welcome(&p, &welcome, &[alice][..], &InMemoryPskStore::new()).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Welcome(WelcomeError::ConfirmationTagInvalid))
            ),
            "{err:?}"
        );
    }
}

#[test]
fn rejects_duplicate_or_repeated_restart_psks() {
    // V-12.2-12 and V-12.4.3.1-05 (checked before the store is asked).
    let p = provider();
    let cs = suite1(&p);
    let nh = cs.cipher_suite().hash_len();
    let mut store = InMemoryPskStore::new();
    store.insert_external(b"ext".to_vec(), Secret::new(vec![1; nh]));
    for epoch in [1, 2] {
        store.insert_resumption(
            b"old".to_vec(),
            epoch,
            ResumptionPsk::new(Secret::new(vec![2; nh])),
        );
    }
    let cases: Vec<(Vec<PreSharedKeyId>, Expect)> = vec![
        (
            vec![external_psk(&*cs, b"ext"), external_psk(&*cs, b"ext")],
            |e| {
                matches!(
                    e,
                    GroupError::Rejected(Rejection::Welcome(WelcomeError::DuplicatePsk))
                )
            },
        ),
        (
            vec![
                resumption_psk(&*cs, ResumptionPskUsage::Reinit, 1),
                resumption_psk(&*cs, ResumptionPskUsage::Branch, 2),
            ],
            |e| {
                matches!(
                    e,
                    GroupError::Rejected(Rejection::Welcome(WelcomeError::ResumptionPskNotUnique))
                )
            },
        ),
        (
            // A restart PSK at an epoch other than 1 (V-12.4.3.1-22).
            vec![resumption_psk(&*cs, ResumptionPskUsage::Branch, 2)],
            |e| {
                matches!(
                    e,
                    GroupError::Rejected(Rejection::Welcome(WelcomeError::ResumptionEpochNotOne(
                        5
                    )))
                )
            },
        ),
    ];
    for (psks, expected) in cases {
        let e = epoch_with(cs.clone(), psks, &store, |_| {}, vec![], None);
        let (alice, _) = bundle(&*cs, "alice");
        let welcome = welcome_for(
            &e,
            &[WelcomeRecipient {
                key_package: alice.key_package(),
                path_secret: None,
            }],
        );
        let err = open_welcome(&p, &welcome, &[alice][..], &store).unwrap_err();
        assert!(expected(&err), "{err:?}");
    }
    // A single restart PSK at epoch 1 is accepted.
    let e = epoch_with(
        cs.clone(),
        vec![resumption_psk(&*cs, ResumptionPskUsage::Reinit, 1)],
        &store,
        |gc| gc.epoch = 1,
        vec![],
        None,
    );
    let (alice, _) = bundle(&*cs, "alice");
    let welcome = welcome_for(
        &e,
        &[WelcomeRecipient {
            key_package: alice.key_package(),
            path_secret: None,
        }],
    );
    open_welcome(&p, &welcome, &[alice][..], &store).expect("one restart PSK at epoch 1");
}
