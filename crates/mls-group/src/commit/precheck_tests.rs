//! The structural pass over a received Commit's proposal list runs before
//! the Commit is authenticated (GUIDANCE G-35, issue 15 item 2): a Commit of
//! duplicate Adds whose membership tag or signature is also broken is
//! rejected for the duplicate, in both wire formats, and the group stays
//! byte-identical; a well-formed list with a broken signature still fails
//! on the signature.

use std::sync::Arc;

use mls_codec::{
    Add, Commit, Credential, FramedContentBody, MlsMessage, MlsMessageBody, Proposal,
    ProposalOrRef, Sender, VLBytes, WireFormat,
};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;

use crate::framing::{framed_content, sign_content};
use crate::key_package::{KeyPackageBuilder, KeyPackageBundle};
use crate::{CreateOptions, Group, GroupConfig, GroupError, JoinOptions};

const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;

fn bundle(cs: &dyn CipherSuiteProvider, name: &str) -> KeyPackageBundle {
    let signer = cs.signature_generate_key_pair().unwrap();
    KeyPackageBuilder::new()
        .build(cs, Credential::basic(name), &signer)
        .unwrap()
}

/// Alice and Bob in one group; Bob forges.
fn pair(seed: u8) -> (Arc<dyn CipherSuiteProvider>, Group, Group) {
    let provider = RustCryptoProvider::with_seed([seed; 32]);
    let cs = provider.cipher_suite_provider(SUITE).unwrap();
    let keys = cs.signature_generate_key_pair().unwrap();
    let mut alice = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        Arc::new(keys),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .unwrap();
    let bob = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .add_member(bob.key_package().clone())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let (bob, _) = Group::join(
        &provider,
        out.welcome.as_ref().unwrap(),
        &vec![bob],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap();
    (cs, alice, bob)
}

/// Bob's Commit of `proposals` in `wire_format`, its signature broken
/// when `break_signature` (before protection: a PublicMessage's membership
/// tag is over the broken signature and valid).
fn forge(
    bob: &mut Group,
    proposals: Vec<ProposalOrRef>,
    wire_format: WireFormat,
    break_signature: bool,
) -> MlsMessage {
    let content = framed_content(
        &bob.context,
        Sender::Member(bob.own_leaf().get()),
        Vec::new(),
        FramedContentBody::Commit(Commit {
            proposals,
            path: None,
        }),
    );
    let mut auth = sign_content(
        bob.cs.as_ref(),
        bob.signer.as_ref(),
        wire_format,
        content,
        Some(&bob.context),
    )
    .unwrap();
    auth.auth.confirmation_tag = Some(VLBytes::new(vec![0x42; 32]));
    if break_signature {
        let mut signature = auth.auth.signature.as_slice().to_vec();
        signature[0] ^= 1;
        auth.auth.signature = VLBytes::new(signature);
    }
    bob.protect_handshake(auth).unwrap()
}

fn rejected(group: &mut Group, message: &MlsMessage) -> GroupError {
    let before = group.to_bytes().unwrap().to_vec();
    let err = group.process_message(message).expect_err("rejected");
    assert_eq!(group.to_bytes().unwrap().to_vec(), before, "{err}");
    err
}

fn adds(cs: &dyn CipherSuiteProvider, copies: usize) -> Vec<ProposalOrRef> {
    let dave = bundle(cs, "dave");
    let add = ProposalOrRef::Proposal(Proposal::from(Add {
        key_package: dave.key_package().clone(),
    }));
    vec![add; copies]
}

#[test]
fn duplicates_are_found_before_the_signature_in_both_wire_formats() {
    let (cs, mut alice, mut bob) = pair(50);
    for wire_format in [WireFormat::PUBLIC_MESSAGE, WireFormat::PRIVATE_MESSAGE] {
        let message = forge(&mut bob, adds(cs.as_ref(), 100), wire_format, true);
        let err = rejected(&mut alice, &message);
        assert!(matches!(err, GroupError::DuplicateInitKey), "{err}");
    }
}

#[test]
fn duplicates_are_found_before_the_membership_tag() {
    let (cs, mut alice, mut bob) = pair(51);
    let message = forge(
        &mut bob,
        adds(cs.as_ref(), 2),
        WireFormat::PUBLIC_MESSAGE,
        false,
    );
    let MlsMessageBody::PublicMessage(mut public) = message.body else {
        panic!("a PublicMessage");
    };
    public.membership_tag = Some(VLBytes::new(vec![0; 32]));
    let message = MlsMessage::new(MlsMessageBody::PublicMessage(public));
    let err = rejected(&mut alice, &message);
    assert!(matches!(err, GroupError::DuplicateInitKey), "{err}");
}

#[test]
fn a_well_formed_list_still_needs_its_signature() {
    let (cs, mut alice, mut bob) = pair(52);
    for wire_format in [WireFormat::PUBLIC_MESSAGE, WireFormat::PRIVATE_MESSAGE] {
        let message = forge(&mut bob, adds(cs.as_ref(), 1), wire_format, true);
        let err = rejected(&mut alice, &message);
        assert!(matches!(err, GroupError::MessageSignatureInvalid), "{err}");
    }
}
