//! Creating and opening Welcomes (RFC 9420 §12.4.3.1) in every suite, with PSKs and the tree extension.

use super::*;

// ---- opening

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
pub(crate) fn simple(p: &RustCryptoProvider) -> (Epoch, KeyPackageBundle, Welcome) {
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
