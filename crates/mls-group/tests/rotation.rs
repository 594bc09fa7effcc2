//! Rotating our signature key by a Commit (GUIDANCE G-54,
//! `CommitBuilder::rotate_signer`): the path's leaf carries the new key, the
//! Commit is signed with the old one, every GroupInfo of the new epoch (the
//! Welcome's, the Commit's and `export_group_info` after the merge) with the
//! new one; a pending rotation survives a restart; misuse is refused with the
//! group unchanged.

mod common;

use std::sync::{Arc, Mutex};

use common::{
    add_member, bundle, join, process_commit, provider, receive_app, snapshot, suite,
    suite_provider,
};
use mls_codec::{Credential, MlsMessageBody};
use mls_crypto::{
    CipherSuite, CipherSuiteProvider, SignatureKeyPair, SignaturePrivateKey, SignatureScheme,
    Signer,
};
use mls_group::{
    CreateOptions, FramingError, Group, GroupConfig, GroupError, LoadOptions, Misuse,
    ProcessedMessage, Rejection,
};

/// A key that never leaves its device (GUIDANCE G-42) whose signing key can
/// be swapped under it, so a test can make the group sign with its old key
/// while it announces the new one.
#[derive(Debug)]
struct DeviceKey {
    public: Vec<u8>,
    signing: Mutex<SignatureKeyPair>,
}

impl DeviceKey {
    fn new(pair: SignatureKeyPair) -> Arc<Self> {
        Arc::new(DeviceKey {
            public: pair.public_key().to_vec(),
            signing: Mutex::new(pair),
        })
    }

    fn sign_with(&self, pair: SignatureKeyPair) {
        *self.signing.lock().expect("lock") = pair;
    }
}

impl Signer for DeviceKey {
    fn public_key(&self) -> &[u8] {
        &self.public
    }
    fn signature_scheme(&self) -> SignatureScheme {
        self.signing.lock().expect("lock").signature_scheme()
    }
    fn sign(&self, cs: &dyn CipherSuiteProvider, message: &[u8]) -> mls_crypto::Result<Vec<u8>> {
        self.signing.lock().expect("lock").sign(cs, message)
    }
    fn exportable_private_key(&self) -> Option<&SignaturePrivateKey> {
        None
    }
}

fn key(cs: &dyn CipherSuiteProvider) -> SignatureKeyPair {
    cs.signature_generate_key_pair().expect("signature key")
}

/// The signature key of `group`'s own leaf.
fn own_key(group: &Group) -> Vec<u8> {
    group
        .member(group.own_leaf())
        .expect("own leaf")
        .signature_key
        .clone()
}

fn the_commit(group: &mut Group, message: &mls_codec::MlsMessage) -> mls_group::StagedCommit {
    match group.process_message(message).expect("accepted") {
        ProcessedMessage::Commit(staged) => staged,
        other => panic!("expected a Commit, got {other:?}"),
    }
}

/// Alice, signing with `signer`, and Bob in one group.
fn alice_and_bob(
    p: &mls_crypto_rustcrypto::RustCryptoProvider,
    cs: &Arc<dyn CipherSuiteProvider>,
    signer: Arc<dyn Signer>,
) -> (Group, Group) {
    let mut alice = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        signer,
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .expect("create");
    let bob = add_member(&mut alice, p, cs.as_ref(), "bob");
    (alice, bob)
}

fn send(from: &mut Group, text: &[u8]) -> mls_codec::MlsMessage {
    from.encrypt_application_message(text, &[])
        .expect("encrypt")
}

#[test]
fn members_accept_the_new_key_refuse_the_old_one_and_joiners_verify_the_new_group_info() {
    let p = provider(54);
    let cs = suite(&p);
    let old = key(cs.as_ref());
    let (mut alice, mut bob) = alice_and_bob(&p, &cs, Arc::new(old.clone()));
    let new = key(cs.as_ref());
    let device = DeviceKey::new(new.clone());
    let carol_kp = bundle(cs.as_ref(), "carol");

    let out = alice
        .commit_builder()
        .add_member(carol_kp.key_package().clone())
        .rotate_signer(device.clone(), Some(Credential::basic("alice")))
        .build()
        .expect("rotating commit");
    assert!(out.info.has_path, "a rotation forces an UpdatePath (G-54)");
    // The members verify the Commit with the key they know (RFC 9420 §12.4.2).
    let staged = the_commit(&mut bob, &out.commit);
    bob.merge_staged_commit(staged).expect("merge");
    alice.merge_pending_commit().expect("merge");
    assert_eq!(own_key(&alice), new.public_key());
    assert_eq!(
        bob.member(alice.own_leaf()).expect("alice").signature_key,
        new.public_key()
    );
    // Carol verifies the Welcome's GroupInfo with the key of its signer's
    // leaf in the new tree: the new key (RFC 9420 §12.4.3.1).
    let mut carol = join(
        &p,
        out.welcome.as_ref().expect("welcome"),
        carol_kp,
        GroupConfig::default(),
        None,
    );
    let hello = send(&mut alice, b"signed with the new key");
    assert_eq!(receive_app(&mut bob, &hello), b"signed with the new key");
    assert_eq!(receive_app(&mut carol, &hello), b"signed with the new key");

    // The old key no longer speaks for Alice.
    device.sign_with(old.clone());
    let forged = send(&mut alice, b"signed with the old key");
    let before = snapshot(&bob);
    let err = bob.process_message(&forged).expect_err("old key refused");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid))
        ),
        "{err:?}"
    );
    assert_eq!(snapshot(&bob), before, "state unchanged");
    device.sign_with(new.clone());

    // A GroupInfo exported after the merge is signed with the new key: an
    // external joiner verifies it, and the members accept the join.
    let info = alice.export_group_info(true).expect("group info");
    let (mut dave, joined) = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("dave"),
        Arc::new(key(cs.as_ref())),
    )
    .build()
    .expect("external join with the exported GroupInfo");
    for member in [&mut alice, &mut bob, &mut carol] {
        process_commit(member, &joined.commit);
    }
    let last = send(&mut alice, b"four");
    assert_eq!(receive_app(&mut dave, &last), b"four");
    assert_eq!(receive_app(&mut carol, &last), b"four");
}

#[test]
fn the_group_info_of_a_rotating_commit_is_signed_with_the_new_key() {
    let p = provider(55);
    let cs = suite(&p);
    let old = key(cs.as_ref());
    let (mut alice, mut bob) = alice_and_bob(&p, &cs, Arc::new(old));
    let new = key(cs.as_ref());
    let out = alice
        .commit_builder()
        .rotate_signer(Arc::new(new.clone()), None)
        .group_info(true)
        .build()
        .expect("rotating commit");
    process_commit(&mut bob, &out.commit);
    alice.merge_pending_commit().expect("merge");
    let info = out.group_info.expect("group info asked for");
    let MlsMessageBody::GroupInfo(gi) = &info.body else {
        panic!("a GroupInfo");
    };
    let tbs = gi.tbs_bytes().expect("tbs");
    let verify = |key: &[u8]| {
        mls_crypto::labeled::verify_with_label(
            cs.as_ref(),
            key,
            b"GroupInfoTBS",
            &tbs,
            gi.signature.as_slice(),
        )
        .is_ok()
    };
    assert!(verify(new.public_key()), "signed with the new key");
    let (eve, _) = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("eve"),
        Arc::new(key(cs.as_ref())),
    )
    .build()
    .expect("external join from the Commit's GroupInfo");
    assert_eq!(eve.epoch(), bob.epoch() + 1);
}

#[test]
fn a_discarded_rotation_keeps_the_old_signer() {
    let p = provider(56);
    let cs = suite(&p);
    let old = key(cs.as_ref());
    let (mut alice, mut bob) = alice_and_bob(&p, &cs, Arc::new(old.clone()));
    let before = snapshot(&alice);
    alice
        .commit_builder()
        .rotate_signer(Arc::new(key(cs.as_ref())), None)
        .build()
        .expect("rotating commit");
    alice.clear_pending_commit();
    assert_eq!(
        snapshot(&alice),
        before,
        "the discarded rotation left nothing"
    );
    assert_eq!(own_key(&alice), old.public_key());
    let update = alice.commit_builder().build().expect("plain commit");
    process_commit(&mut bob, &update.commit);
    alice.merge_pending_commit().expect("merge");
    assert_eq!(own_key(&alice), old.public_key());
    let hello = send(&mut alice, b"still the old key");
    assert_eq!(receive_app(&mut bob, &hello), b"still the old key");
}

#[test]
fn a_pending_rotation_survives_a_restart() {
    let p = provider(57);
    let cs = suite(&p);
    let (mut alice, mut bob) = alice_and_bob(&p, &cs, Arc::new(key(cs.as_ref())));
    let new = key(cs.as_ref());
    let out = alice
        .commit_builder()
        .rotate_signer(Arc::new(new.clone()), None)
        .build()
        .expect("rotating commit");
    // An exportable new key is stored with the pending Commit.
    let bytes = snapshot(&alice);
    let mut alice = Group::from_bytes(&bytes, &p).expect("restore");
    assert_eq!(snapshot(&alice), bytes, "restore is exact");
    process_commit(&mut bob, &out.commit);
    alice.merge_pending_commit().expect("merge");
    assert_eq!(own_key(&alice), new.public_key());
    let mut alice = Group::from_bytes(&snapshot(&alice), &p).expect("restore after merge");
    let hello = send(&mut alice, b"after two restarts");
    assert_eq!(receive_app(&mut bob, &hello), b"after two restarts");
}

#[test]
fn a_pending_rotation_to_a_device_key_needs_that_key_at_load() {
    let p = provider(58);
    let cs = suite(&p);
    let (mut alice, mut bob) = alice_and_bob(&p, &cs, Arc::new(key(cs.as_ref())));
    let device = DeviceKey::new(key(cs.as_ref()));
    let out = alice
        .commit_builder()
        .rotate_signer(device.clone(), None)
        .build()
        .expect("rotating commit");
    let bytes = snapshot(&alice);
    let err = Group::from_bytes(&bytes, &p).expect_err("the device key is not stored");
    assert!(
        matches!(err, GroupError::Misuse(Misuse::SignerRequired)),
        "{err:?}"
    );
    let stranger: Arc<dyn Signer> = Arc::new(key(cs.as_ref()));
    let err = Group::from_bytes_with_options(
        &bytes,
        &p,
        LoadOptions::default().with_rotated_signer(stranger),
    )
    .expect_err("another key is not the rotated one");
    assert!(
        matches!(err, GroupError::Misuse(Misuse::SignerMismatch)),
        "{err:?}"
    );
    let mut alice = Group::from_bytes_with_options(
        &bytes,
        &p,
        LoadOptions::default().with_rotated_signer(device.clone()),
    )
    .expect("restore with the device key");
    assert_eq!(snapshot(&alice), bytes, "restore is exact");
    process_commit(&mut bob, &out.commit);
    alice.merge_pending_commit().expect("merge");
    let hello = send(&mut alice, b"from the device");
    assert_eq!(receive_app(&mut bob, &hello), b"from the device");
    // After the merge the device key is the group's signer: a load needs it.
    let merged = snapshot(&alice);
    assert!(matches!(
        Group::from_bytes(&merged, &p),
        Err(GroupError::Misuse(Misuse::SignerRequired))
    ));
    Group::from_bytes_with_options(&merged, &p, LoadOptions::default().with_signer(device))
        .expect("restore with the device key as signer");
}

#[test]
fn a_rotation_that_cannot_work_is_refused_and_changes_nothing() {
    let p = provider(59);
    let cs = suite(&p);
    let old = key(cs.as_ref());
    let (mut alice, _bob) = alice_and_bob(&p, &cs, Arc::new(old.clone()));
    let p256 = suite_provider(&p, CipherSuite::Mls128DhKemP256Aes128GcmSha256P256);
    let mut mismatched = key(cs.as_ref());
    mismatched.public_key = key(cs.as_ref()).public_key;
    let cases: Vec<(&str, Arc<dyn Signer>, Option<Credential>)> = vec![
        ("our current key", Arc::new(old.clone()), None),
        ("another scheme", Arc::new(key(p256.as_ref())), None),
        ("a key pair that does not match", Arc::new(mismatched), None),
        (
            "a credential of another identity (not a valid successor)",
            Arc::new(key(cs.as_ref())),
            Some(Credential::basic("eve")),
        ),
        (
            "a credential the validator refuses",
            Arc::new(key(cs.as_ref())),
            Some(Credential::basic("")),
        ),
    ];
    for (case, signer, credential) in cases {
        let before = snapshot(&alice);
        let err = alice
            .commit_builder()
            .rotate_signer(signer, credential)
            .build()
            .expect_err(case);
        assert!(
            matches!(err, GroupError::Misuse(Misuse::SignerRotation(_))),
            "{case}: {err:?}"
        );
        assert_eq!(snapshot(&alice), before, "{case}: group unchanged");
        assert!(alice.pending_commit().is_none(), "{case}: nothing pending");
    }
    assert_eq!(own_key(&alice), old.public_key());
}
