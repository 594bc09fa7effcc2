//! Members with X.509 credentials from a test CA (issue 17 item 4): create
//! a group, add members, rotate a certificate, remove a member; and the
//! refusals the engine makes through the validator, each leaving the
//! receiver's state byte-identical.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::*;
use mls_codec::{Certificate as Entry, Credential, MlsMessage, VLBytes};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::GroupError;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle};
use mls_group::{
    CreateOptions, Group, GroupConfig, JoinOptions, ProcessedMessage, ProposalError, Rejection,
};
use mls_treekem::{FixedClock, TreeKemError};
use mls_x509::X509CredentialValidator;

const SUITE: CipherSuite = CipherSuite::Mls128DhKemP256Aes128GcmSha256P256;

struct World {
    provider: RustCryptoProvider,
    cs: Arc<dyn CipherSuiteProvider>,
    root: Ca,
    intermediate: Ca,
}

impl World {
    fn new() -> Self {
        let provider = RustCryptoProvider::new();
        let cs = provider.cipher_suite_provider(SUITE).unwrap();
        let root = ca(&Spec::ca("CN=Group Root", Some(1)), 1, None);
        let intermediate = ca(&Spec::ca("CN=Group Intermediate", Some(0)), 2, Some(&root));
        World {
            provider,
            cs,
            root,
            intermediate,
        }
    }

    fn validator(&self) -> X509CredentialValidator {
        X509CredentialValidator::builder(Arc::new(RustCryptoProvider::new()))
            .trust_anchor(self.root.cert.clone())
            .clock(Arc::new(FixedClock(NOW)))
            .build()
    }

    fn config(&self) -> GroupConfig {
        GroupConfig::builder()
            .clock(Arc::new(FixedClock(NOW)))
            .credential_validator(Arc::new(self.validator()))
            .build()
    }

    fn credential(&self, spec: &Spec, key: &[u8], serial: u32) -> Credential {
        let leaf = issue(
            spec,
            spki_p256(key),
            Some(&self.intermediate),
            &self.intermediate.key,
            serial,
        );
        Credential::X509 {
            certificates: [der(&leaf), der(&self.intermediate.cert)]
                .into_iter()
                .map(|d| Entry {
                    cert_data: VLBytes::new(d),
                })
                .collect(),
        }
    }

    fn leaf_builder() -> KeyPackageBuilder {
        KeyPackageBuilder::new().clock(Arc::new(FixedClock(NOW)))
    }

    fn member(&self, name: &str, serial: u32) -> (SignatureKeyPair, Credential) {
        let signer = self.cs.signature_generate_key_pair().unwrap();
        let credential = self.credential(
            &Spec::leaf(&format!("CN={name}")),
            &signer.public_key,
            serial,
        );
        (signer, credential)
    }

    fn key_package(&self, spec: &Spec, serial: u32) -> KeyPackageBundle {
        let signer = self.cs.signature_generate_key_pair().unwrap();
        let credential = self.credential(spec, &signer.public_key, serial);
        World::leaf_builder()
            .build(self.cs.as_ref(), credential, &signer)
            .unwrap()
    }

    fn join(&self, welcome: &MlsMessage, bundle: &KeyPackageBundle) -> Group {
        Group::join(
            &self.provider,
            welcome,
            bundle,
            self.config(),
            JoinOptions::default(),
        )
        .unwrap()
        .0
    }

    /// Alice creates the group and adds Bob, both with certificates
    /// (serial numbers `serial` and `serial + 1`).
    fn alice_and_bob(&self, serial: u32) -> (Group, Group) {
        let (alice_signer, alice_credential) = self.member("alice", serial);
        let options = CreateOptions {
            leaf: World::leaf_builder(),
            ..CreateOptions::default()
        };
        let mut alice = Group::create(
            self.cs.clone(),
            alice_credential,
            Arc::new(alice_signer),
            self.config(),
            options,
        )
        .unwrap();
        let bob_kp = self.key_package(&Spec::leaf("CN=bob"), serial + 1);
        let add = alice
            .commit_builder()
            .add_member(bob_kp.key_package().clone())
            .build()
            .unwrap();
        alice.merge_pending_commit().unwrap();
        let bob = self.join(add.welcome.as_ref().unwrap(), &bob_kp);
        (alice, bob)
    }
}

fn merge(group: &mut Group, commit: &MlsMessage) {
    let ProcessedMessage::Commit(staged) = group.process_message(commit).unwrap() else {
        panic!("not a commit");
    };
    group.merge_staged_commit(staged).unwrap();
}

#[test]
fn members_with_certificates_add_rotate_and_remove() {
    let world = World::new();
    let (mut alice, mut bob) = world.alice_and_bob(10);

    let carol_kp = world.key_package(&Spec::leaf("CN=carol"), 12);
    let add = alice
        .commit_builder()
        .add_member(carol_kp.key_package().clone())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    merge(&mut bob, &add.commit);
    let mut carol = world.join(add.welcome.as_ref().unwrap(), &carol_kp);
    assert_eq!(alice.member_count(), 3);

    // Bob's certificate is renewed (same subject and key, new serial and
    // validity): he proposes the new credential, Alice commits it.
    let bob_key = bob.members()[1].signature_key.clone();
    let renewed = Spec {
        not_after: NOW + 2 * 365 * DAY,
        ..Spec::leaf("CN=bob")
    };
    let renewed = world.credential(&renewed, &bob_key, 21);
    let proposal = bob
        .propose()
        .update_with_credential(renewed.clone())
        .unwrap();
    for member in [&mut alice, &mut carol] {
        assert!(matches!(
            member.process_message(&proposal).unwrap(),
            ProcessedMessage::Proposal(_)
        ));
    }
    let commit = alice.commit_builder().build().unwrap();
    alice.merge_pending_commit().unwrap();
    merge(&mut bob, &commit.commit);
    merge(&mut carol, &commit.commit);
    for group in [&alice, &bob, &carol] {
        assert_eq!(group.members()[1].credential, renewed);
    }

    // Alice removes Carol.
    let remove = alice
        .commit_builder()
        .remove_member(carol.own_leaf())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    merge(&mut bob, &remove.commit);
    assert_eq!(alice.member_count(), 2);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
}

#[test]
fn the_engine_refuses_bad_certificates_and_identity_changes() {
    let world = World::new();
    let (mut alice, mut bob) = world.alice_and_bob(30);

    // A KeyPackage with an expired certificate cannot be added.
    let expired = Spec {
        not_before: NOW - 10 * DAY,
        not_after: NOW - DAY,
        ..Spec::leaf("CN=dave")
    };
    let dave_kp = world.key_package(&expired, 32);
    let before = alice.to_bytes().unwrap();
    let Err(error) = alice
        .commit_builder()
        .add_member(dave_kp.key_package().clone())
        .build()
    else {
        panic!("an expired certificate was accepted");
    };
    assert!(
        format!("{error:?}").contains("CredentialRejected"),
        "refused for another reason: {error}"
    );
    assert_eq!(alice.to_bytes().unwrap(), before);

    // Bob, with a validator that lets anyone rename themselves, proposes a
    // certificate for another identity; Alice's validator refuses it.
    let bob_key = bob.members()[1].signature_key.clone();
    let renamed = world.credential(&Spec::leaf("CN=mallory"), &bob_key, 33);
    let permissive = GroupConfig::builder()
        .clock(Arc::new(FixedClock(NOW)))
        .credential_validator(Arc::new(
            X509CredentialValidator::builder(Arc::new(RustCryptoProvider::new()))
                .trust_anchor(world.root.cert.clone())
                .clock(Arc::new(FixedClock(NOW)))
                .allow_identity_change(|_, _| true)
                .build(),
        ))
        .build();
    let options = mls_group::LoadOptions::default().with_runtime_of(&permissive);
    let mut sneaky_bob =
        Group::from_bytes_with_options(&bob.to_bytes().unwrap(), &world.provider, options).unwrap();
    let proposal = sneaky_bob
        .propose()
        .update_with_credential(renamed.clone())
        .unwrap();
    // Bob's own, strict validator would not have sent it.
    assert!(bob.propose().update_with_credential(renamed).is_err());
    let before = alice.to_bytes().unwrap();
    // The refusal names RFC 9420 §5.3.1's rule, for Bob's leaf.
    assert!(matches!(
        alice.process_message(&proposal),
        Err(GroupError::Rejected(Rejection::Proposal(
            ProposalError::UpdateLeafInvalid(TreeKemError::CredentialNotSuccessor { leaf: 1 })
        )))
    ));
    assert_eq!(alice.to_bytes().unwrap(), before);
}
