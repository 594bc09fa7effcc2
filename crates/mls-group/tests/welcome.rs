//! Welcome creation and opening (RFC 9420 §12.4.3, §12.4.3.1): a round trip
//! per suite, and every rejection with its exact error.

use std::sync::Arc;

use mls_codec::{
    CipherSuiteId, Credential, EncryptedGroupSecrets, Extension, ExtensionType, GroupContext,
    GroupInfo, GroupSecrets, HpkeCiphertext, PathSecret, PreSharedKeyId, ProtocolVersion, Psk,
    RatchetTreeExtension, ResumptionPskUsage, VLBytes, Welcome,
};
use mls_crypto::labeled::encrypt_with_label;
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, Secret, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle, KeyPackageRef};
use mls_group::welcome::{
    WelcomeRecipient, create_welcome, open_welcome, sign_group_info, verify_group_info_signature,
};
use mls_group::{GroupError, KeyPackageError, Misuse, Rejection, WelcomeError};
use mls_keyschedule::{
    CommitSecret, EpochKeys, InMemoryPskStore, InitSecret, InterimTranscriptHash, PskSecret,
    ResumptionPsk,
};
use mls_treekem::{RatchetTree, TreeView};

/// The committer's side of a new epoch: the GroupInfo, its key schedule,
/// and the committer's signature key.
struct Epoch {
    cs: Arc<dyn CipherSuiteProvider>,
    committer: SignatureKeyPair,
    committer_bundle: KeyPackageBundle,
    group_info: GroupInfo,
    keys: EpochKeys,
    psks: Vec<PreSharedKeyId>,
}

/// Which error a rejection case expects.
type Expect = fn(&GroupError) -> bool;

fn provider() -> RustCryptoProvider {
    RustCryptoProvider::with_seed([9; 32])
}

fn bundle(cs: &dyn CipherSuiteProvider, name: &str) -> (KeyPackageBundle, SignatureKeyPair) {
    let signer = cs.signature_generate_key_pair().expect("key pair");
    let b = KeyPackageBuilder::new()
        .build(cs, Credential::basic(name.as_bytes().to_vec()), &signer)
        .expect("builds");
    (b, signer)
}

fn context(cs: &dyn CipherSuiteProvider, epoch: u64) -> GroupContext {
    let nh = cs.cipher_suite().hash_len();
    GroupContext {
        version: ProtocolVersion::MLS10,
        cipher_suite: CipherSuiteId(cs.cipher_suite().id()),
        group_id: VLBytes::new(b"group".to_vec()),
        epoch,
        tree_hash: VLBytes::new(vec![0x11; nh]),
        confirmed_transcript_hash: VLBytes::new(vec![0x22; nh]),
        extensions: vec![],
    }
}

/// A new epoch with the given PSKs (values from `store`), GroupContext
/// changes applied by `edit`, and the GroupInfo extensions `extensions`.
fn epoch_with(
    cs: Arc<dyn CipherSuiteProvider>,
    psks: Vec<PreSharedKeyId>,
    store: &InMemoryPskStore,
    edit: impl FnOnce(&mut GroupContext),
    extensions: Vec<Extension>,
    tag_override: Option<Vec<u8>>,
) -> Epoch {
    let (committer_bundle, committer) = bundle(&*cs, "committer");
    let mut gc = context(&*cs, 5);
    edit(&mut gc);
    let gc_bytes = mls_codec::encode(&gc).expect("encodes");
    let psk_secret = PskSecret::resolve(&*cs, &psks, store).expect("PSKs known");
    let keys = EpochKeys::derive(
        &*cs,
        InitSecret::random(&*cs).expect("random"),
        CommitSecret::zero(&*cs),
        psk_secret,
        &gc_bytes,
    )
    .expect("key schedule");
    let tag = tag_override.unwrap_or_else(|| {
        keys.secrets
            .confirmation_key
            .tag(&*cs, gc.confirmed_transcript_hash.as_slice())
    });
    let group_info = sign_group_info(&*cs, &committer, gc, extensions, tag, 0).expect("signs");
    Epoch {
        cs,
        committer,
        committer_bundle,
        group_info,
        keys,
        psks,
    }
}

fn epoch(cs: Arc<dyn CipherSuiteProvider>) -> Epoch {
    epoch_with(cs, vec![], &InMemoryPskStore::new(), |_| {}, vec![], None)
}

fn welcome_for(e: &Epoch, recipients: &[WelcomeRecipient<'_>]) -> Welcome {
    create_welcome(
        &*e.cs,
        &e.group_info,
        &e.keys.joiner_secret,
        &e.keys.welcome_secret,
        &e.psks,
        recipients,
    )
    .expect("creates")
}

fn suite1(p: &RustCryptoProvider) -> Arc<dyn CipherSuiteProvider> {
    p.cipher_suite_provider(CipherSuite::ALL[0])
        .expect("suite 1")
}

fn external_psk(cs: &dyn CipherSuiteProvider, id: &[u8]) -> PreSharedKeyId {
    PreSharedKeyId {
        psk: Psk::External {
            psk_id: VLBytes::new(id.to_vec()),
        },
        psk_nonce: VLBytes::new(vec![7; cs.cipher_suite().hash_len()]),
    }
}

fn resumption_psk(
    cs: &dyn CipherSuiteProvider,
    usage: ResumptionPskUsage,
    epoch: u64,
) -> PreSharedKeyId {
    PreSharedKeyId {
        psk: Psk::Resumption {
            usage,
            psk_group_id: VLBytes::new(b"old".to_vec()),
            psk_epoch: epoch,
        },
        psk_nonce: VLBytes::new(vec![8; cs.cipher_suite().hash_len()]),
    }
}

#[test]
fn create_then_open_every_suite() {
    let p = provider();
    for suite in CipherSuite::ALL {
        let cs = p.cipher_suite_provider(suite).expect("suite");
        let nh = suite.hash_len();
        let e = epoch(cs.clone());
        let (alice, _) = bundle(&*cs, "alice");
        let (bob, _) = bundle(&*cs, "bob");
        let path_secret = Secret::new(vec![0x33; nh]);
        let welcome = welcome_for(
            &e,
            &[
                WelcomeRecipient {
                    key_package: alice.key_package(),
                    path_secret: Some(&path_secret),
                },
                WelcomeRecipient {
                    key_package: bob.key_package(),
                    path_secret: None,
                },
            ],
        );
        assert_eq!(welcome.cipher_suite, CipherSuiteId(suite.id()));
        assert_eq!(welcome.secrets.len(), 2);
        assert_eq!(
            welcome.secrets[0].new_member.as_slice(),
            alice.reference().as_bytes()
        );
        // The Welcome survives the wire.
        let welcome: Welcome =
            mls_codec::decode(&mls_codec::encode(&welcome).expect("encodes")).expect("decodes");

        let store = InMemoryPskStore::new();
        for (me, path) in [(&alice, Some(&path_secret)), (&bob, None)] {
            // Our KeyPackages, among others we hold.
            let (other, _) = bundle(&*cs, "other");
            let ours = vec![other, me.clone()];
            let decrypted = open_welcome(&p, &welcome, &ours, &store).expect("opens");
            assert_eq!(decrypted.group_info(), &e.group_info);
            assert_eq!(decrypted.key_package_ref(), me.reference());
            assert_eq!(decrypted.ratchet_tree_extension().expect("parses"), None);
            let joined = decrypted
                .verify_signature(&e.committer.public_key)
                .expect("signature verifies");
            assert_eq!(joined.key_package_ref, *me.reference());
            assert_eq!(&joined.key_package, me.key_package());
            assert_eq!(joined.group_info, e.group_info);
            assert_eq!(joined.path_secret.as_ref(), path);
            assert!(joined.psks.is_empty());
            assert_eq!(joined.epoch_keys, e.keys, "{suite}");
            assert_eq!(
                joined.confirmed_transcript_hash.as_bytes(),
                e.group_info
                    .group_context
                    .confirmed_transcript_hash
                    .as_slice()
            );
            assert_eq!(
                joined.interim_transcript_hash,
                InterimTranscriptHash::next(
                    &*cs,
                    &joined.confirmed_transcript_hash,
                    e.group_info.confirmation_tag.as_slice()
                )
                .expect("hash")
            );
        }
    }
}

#[test]
fn open_with_psks_and_tree_extension() {
    let p = provider();
    let cs = suite1(&p);
    let nh = cs.cipher_suite().hash_len();
    let mut store = InMemoryPskStore::new();
    store.insert_external(b"ext".to_vec(), Secret::new(vec![1; nh]));
    store.insert_resumption(
        b"old".to_vec(),
        3,
        ResumptionPsk::new(Secret::new(vec![2; nh])),
    );
    let psks = vec![
        external_psk(&*cs, b"ext"),
        resumption_psk(&*cs, ResumptionPskUsage::Application, 3),
    ];
    // The tree: the committer's leaf at index 0 (signer).
    let mut e = epoch_with(cs.clone(), psks.clone(), &store, |_| {}, vec![], None);
    let tree = RatchetTree::new(e.committer_bundle.key_package().leaf_node.clone());
    let ext = Extension::from_payload(&RatchetTreeExtension {
        ratchet_tree: tree.to_wire(),
    })
    .expect("encodes");
    // Re-sign the GroupInfo with the tree extension and the committer's key.
    let gi = e.group_info.clone();
    e.group_info = sign_group_info(
        &*cs,
        &e.committer_bundle.signer().expect("an in-memory key"),
        gi.group_context,
        vec![ext],
        gi.confirmation_tag.as_slice().to_vec(),
        0,
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
    let decrypted = open_welcome(&p, &welcome, &[alice.clone()][..], &store).expect("opens");
    let wire_tree = decrypted
        .ratchet_tree_extension()
        .expect("parses")
        .expect("present");
    let tree = RatchetTree::from_wire(wire_tree).expect("tree");
    let joined = decrypted
        .verify_signature_with_tree(&tree)
        .expect("verifies");
    assert_eq!(joined.psks, psks);
    assert_eq!(joined.epoch_keys.joiner_secret, e.keys.joiner_secret);
    assert_eq!(joined.epoch_keys.secrets, e.keys.secrets);

    // Without the PSKs the joiner cannot open it (V-12.4.3.1-04).
    let err = open_welcome(&p, &welcome, &[alice][..], &InMemoryPskStore::new()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::PskUnavailable(_)))
        ),
        "{err:?}"
    );
}

#[test]
fn lookup_by_map() {
    let p = provider();
    let cs = suite1(&p);
    let e = epoch(cs.clone());
    let (alice, _) = bundle(&*cs, "alice");
    let welcome = welcome_for(
        &e,
        &[WelcomeRecipient {
            key_package: alice.key_package(),
            path_secret: None,
        }],
    );
    let mut map = std::collections::HashMap::new();
    map.insert(alice.reference().clone(), alice.clone());
    open_welcome(&p, &welcome, &map, &InMemoryPskStore::new()).expect("opens");
    let mut map = std::collections::BTreeMap::new();
    map.insert(alice.reference().clone(), alice);
    open_welcome(&p, &welcome, &map, &InMemoryPskStore::new()).expect("opens");
}

/// A Welcome to `alice` for `e`, with its decrypted-side fixtures.
fn simple(p: &RustCryptoProvider) -> (Epoch, KeyPackageBundle, Welcome) {
    let cs = suite1(p);
    let e = epoch(cs.clone());
    let (alice, _) = bundle(&*cs, "alice");
    let welcome = welcome_for(
        &e,
        &[WelcomeRecipient {
            key_package: alice.key_package(),
            path_secret: None,
        }],
    );
    (e, alice, welcome)
}

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
