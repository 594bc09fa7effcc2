//! Bad input of reinitialization and branching (RFC 9420 §11.2, §11.3):
//! messages received by a reinitialized group, and successor or branch
//! Welcomes that a correct creator never makes, forged with the internal
//! [`create_restarted`]. Each is refused with its rule, and the old group
//! stays byte-identical.

use std::sync::Arc;

use mls_codec::{
    Credential, Extension, MlsMessage, PreSharedKeyId, ProtocolVersion, Psk, ResumptionPskUsage,
    VLBytes,
};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_keyschedule::InMemoryPskStore;

use super::{Restart, ResumptionOptions, create_restarted};
use crate::group::psk::GroupPskStore;
use crate::key_package::{KeyPackageBuilder, KeyPackageBundle};
use crate::{
    Group, GroupConfig, GroupError, JoinOptions, Misuse, ProcessedMessage, Rejection,
    ResumptionError, WelcomeError,
};

const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;

struct World {
    provider: RustCryptoProvider,
    cs: Arc<dyn CipherSuiteProvider>,
    /// Alice (leaf 0) and Bob (leaf 1).
    groups: Vec<Group>,
}

impl World {
    /// Alice and Bob in one group, two epochs in.
    fn new(seed: u8) -> Self {
        let provider = RustCryptoProvider::with_seed([seed; 32]);
        let cs = provider.cipher_suite_provider(SUITE).unwrap();
        let signer = cs.signature_generate_key_pair().unwrap();
        let mut alice = Group::create(
            cs.clone(),
            Credential::basic("alice"),
            std::sync::Arc::new(signer.clone()),
            GroupConfig::default(),
            crate::CreateOptions::default(),
        )
        .unwrap();
        let bob = bundle(&cs, "bob");
        let out = alice
            .commit_builder()
            .add_member(bob.key_package().clone())
            .build()
            .unwrap();
        alice.merge_pending_commit().unwrap();
        let (mut bob, _) = Group::join(
            &provider,
            out.welcome.as_ref().unwrap(),
            &bob,
            GroupConfig::default(),
            JoinOptions::default(),
        )
        .unwrap();
        let out = alice.commit_builder().force_path(true).build().unwrap();
        alice.merge_pending_commit().unwrap();
        merge(&mut bob, &out.commit);
        World {
            provider,
            cs,
            groups: vec![alice, bob],
        }
    }

    /// Alice commits a ReInit to `group_id` in our suite; both merge it.
    fn reinit(&mut self, group_id: &[u8]) {
        let out = self.groups[0]
            .commit_builder()
            .reinit(group_id.to_vec(), ProtocolVersion::MLS10, SUITE, Vec::new())
            .build()
            .unwrap();
        self.groups[0].merge_pending_commit().unwrap();
        merge(&mut self.groups[1], &out.commit);
    }

    /// A successor or branch made by Alice from `old` (her group) with
    /// Bob's KeyPackage `bob`, with the parameters and PSK given.
    fn forge(
        &self,
        cs: &Arc<dyn CipherSuiteProvider>,
        group_id: &[u8],
        extensions: Vec<Extension>,
        bob: &KeyPackageBundle,
        psk: PreSharedKeyId,
        epochs: usize,
    ) -> MlsMessage {
        let old = &self.groups[0];
        let empty = InMemoryPskStore::new();
        let store = GroupPskStore::new(old, &empty);
        let signer = cs.signature_generate_key_pair().unwrap();
        let (mut new, out) = create_restarted(
            Restart {
                cs: cs.clone(),
                signer: std::sync::Arc::new(signer),
                credential: Credential::basic("alice"),
                group_id: group_id.to_vec(),
                extensions,
                key_packages: if epochs == 1 {
                    vec![bob.key_package().clone()]
                } else {
                    Vec::new()
                },
                psk: psk.clone(),
                psk_store: &store,
            },
            ResumptionOptions::default(),
        )
        .unwrap();
        if epochs == 1 {
            return out.welcome.unwrap();
        }
        // Epoch 2: Bob is added with the same restart PSK (a new nonce).
        let usage = match &psk.psk {
            Psk::Resumption { usage, .. } => *usage,
            Psk::External { .. } => unreachable!(),
        };
        let mut options = crate::commit::CommitOptions {
            restart_usage: Some(usage),
            ..crate::commit::CommitOptions::default()
        };
        options.proposals = vec![
            mls_codec::Proposal::from(mls_codec::Add {
                key_package: bob.key_package().clone(),
            }),
            mls_codec::Proposal::from(mls_codec::PreSharedKeyProposal {
                psk: PreSharedKeyId {
                    psk_nonce: VLBytes::new(vec![9; cs.cipher_suite().hash_len()]),
                    ..psk
                },
            }),
        ];
        let out = new.create_commit(options, &store).unwrap();
        out.welcome.unwrap()
    }

    /// Bob joins `welcome` as a successor of his group; his group must not
    /// change.
    fn bob_joins_successor(&self, welcome: &MlsMessage, bob: &KeyPackageBundle) -> GroupError {
        let old = &self.groups[1];
        let before = old.to_bytes().unwrap();
        let err = old
            .join_reinit_successor(
                &self.provider,
                welcome,
                bob,
                GroupConfig::default(),
                JoinOptions::default(),
            )
            .expect_err("a bad successor Welcome");
        assert_eq!(old.to_bytes().unwrap(), before);
        err
    }

    /// Bob joins `welcome` as a branch of his group.
    fn bob_joins_branch(&self, welcome: &MlsMessage, bob: &KeyPackageBundle) -> GroupError {
        let old = &self.groups[1];
        let before = old.to_bytes().unwrap();
        let err = old
            .join_branch(
                &self.provider,
                welcome,
                bob,
                GroupConfig::default(),
                JoinOptions::default(),
            )
            .expect_err("a bad branch Welcome");
        assert_eq!(old.to_bytes().unwrap(), before);
        err
    }
}

fn bundle(cs: &Arc<dyn CipherSuiteProvider>, name: &str) -> KeyPackageBundle {
    let signer = cs.signature_generate_key_pair().unwrap();
    KeyPackageBuilder::new()
        .build(cs.as_ref(), Credential::basic(name), &signer)
        .unwrap()
}

fn merge(group: &mut Group, commit: &MlsMessage) {
    match group.process_message(commit).unwrap() {
        ProcessedMessage::Commit(staged) => group.merge_staged_commit(staged).unwrap(),
        other => panic!("not a Commit: {other:?}"),
    }
}

fn psk_id(
    cs: &dyn CipherSuiteProvider,
    usage: ResumptionPskUsage,
    group_id: &[u8],
    epoch: u64,
) -> PreSharedKeyId {
    super::resumption_psk_id(cs, usage, group_id, epoch).unwrap()
}

/// V-12.1.5-02: application data, a proposal or a Commit of the epoch the
/// ReInit started are refused (a copy of Bob's state that forgot the
/// ReInit makes them).
#[test]
fn messages_in_a_reinitialized_group_are_refused() {
    let mut w = World::new(1);
    w.reinit(b"next");
    let mut rogue = Group::from_bytes(&w.groups[1].to_bytes().unwrap(), &w.provider).unwrap();
    rogue.reinit = None;
    let kp = bundle(&w.cs, "carol").key_package().clone();
    let messages = [
        rogue.encrypt_application_message(b"late", b"").unwrap(),
        rogue.propose().update().unwrap(),
        rogue.propose().add(kp).unwrap(),
    ];
    rogue.proposals = Default::default();
    let commit = rogue.commit_builder().force_path(true).build().unwrap();
    let alice = &mut w.groups[0];
    for m in messages.iter().chain([&commit.commit]) {
        let before = alice.to_bytes().unwrap();
        let err = alice.process_message(m).expect_err("refused");
        assert!(
            matches!(err, GroupError::Misuse(Misuse::GroupReInitialized)),
            "{err}"
        );
        assert_eq!(alice.to_bytes().unwrap(), before);
    }
}

/// V-11.2-06: the reinit PSK of another epoch of the old group (a retained
/// one), or of another group.
#[test]
fn a_successor_welcome_with_a_psk_of_another_epoch_or_group_is_refused() {
    let mut w = World::new(2);
    w.reinit(b"next");
    let old_id = w.groups[0].group_id().to_vec();
    let epoch = w.groups[0].epoch();
    let bob = bundle(&w.cs, "bob");
    let psk = psk_id(
        w.cs.as_ref(),
        ResumptionPskUsage::Reinit,
        &old_id,
        epoch - 1,
    );
    let welcome = w.forge(&w.cs, b"next", Vec::new(), &bob, psk, 1);
    let err = w.bob_joins_successor(&welcome, &bob);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::PskMismatch("epoch")))
        ),
        "{err}"
    );

    // Another group: a third group whose resumption PSK Alice layers in.
    let other = World::new(3);
    let store = InMemoryPskStore::new();
    let other_store = GroupPskStore::new(&other.groups[0], &store);
    let signer = w.cs.signature_generate_key_pair().unwrap();
    let (_, out) = create_restarted(
        Restart {
            cs: w.cs.clone(),
            signer: std::sync::Arc::new(signer),
            credential: Credential::basic("alice"),
            group_id: b"next".to_vec(),
            extensions: Vec::new(),
            key_packages: vec![bob.key_package().clone()],
            psk: psk_id(
                w.cs.as_ref(),
                ResumptionPskUsage::Reinit,
                other.groups[0].group_id(),
                other.groups[0].epoch(),
            ),
            psk_store: &other_store,
        },
        ResumptionOptions::default(),
    )
    .unwrap();
    let err = w.bob_joins_successor(&out.welcome.unwrap(), &bob);
    // Bob holds no PSK of that group: the Welcome does not even open.
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::PskUnavailable(_)))
        ),
        "{err}"
    );
}

/// V-11.2-03: a successor whose group id, extensions or cipher suite
/// differ from the ReInit.
#[test]
fn a_successor_welcome_with_other_parameters_is_refused() {
    let mut w = World::new(4);
    w.reinit(b"next");
    let old_id = w.groups[0].group_id().to_vec();
    let epoch = w.groups[0].epoch();
    let bob = bundle(&w.cs, "bob");
    let psk = || psk_id(w.cs.as_ref(), ResumptionPskUsage::Reinit, &old_id, epoch);
    let welcome = w.forge(&w.cs, b"other", Vec::new(), &bob, psk(), 1);
    let err = w.bob_joins_successor(&welcome, &bob);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::ParameterMismatch(
                "group id"
            )))
        ),
        "{err}"
    );

    let extensions = vec![Extension {
        extension_type: mls_codec::ExtensionType::EXTERNAL_SENDERS,
        extension_data: VLBytes::new(vec![0]),
    }];
    let welcome = w.forge(&w.cs, b"next", extensions, &bob, psk(), 1);
    let err = w.bob_joins_successor(&welcome, &bob);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::ParameterMismatch(
                "extensions"
            )))
        ),
        "{err}"
    );

    let p256 = w
        .provider
        .cipher_suite_provider(CipherSuite::Mls128DhKemP256Aes128GcmSha256P256)
        .unwrap();
    let bob256 = bundle(&p256, "bob");
    let psk = psk_id(p256.as_ref(), ResumptionPskUsage::Reinit, &old_id, epoch);
    let welcome = w.forge(&p256, b"next", Vec::new(), &bob256, psk, 1);
    let err = w.bob_joins_successor(&welcome, &bob256);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::ParameterMismatch(
                "cipher suite"
            )))
        ),
        "{err}"
    );
}

/// V-11.2-04: a member whose group was not reinitialized refuses a
/// successor Welcome.
#[test]
fn a_successor_welcome_without_a_committed_reinit_is_refused() {
    let w = World::new(5);
    let old_id = w.groups[0].group_id().to_vec();
    let bob = bundle(&w.cs, "bob");
    let psk = psk_id(
        w.cs.as_ref(),
        ResumptionPskUsage::Reinit,
        &old_id,
        w.groups[0].epoch(),
    );
    let welcome = w.forge(&w.cs, b"next", Vec::new(), &bob, psk, 1);
    let err = w.bob_joins_successor(&welcome, &bob);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::NoPendingReInit))
        ),
        "{err}"
    );
}

/// V-11.3-03, V-12.4.3.1-22: a branch Welcome of epoch 2; V-11.3: a branch
/// Welcome whose PSK has usage reinit.
#[test]
fn a_branch_welcome_of_epoch_two_or_of_another_usage_is_refused() {
    let w = World::new(6);
    let parent_id = w.groups[0].group_id().to_vec();
    let epoch = w.groups[0].epoch();
    let bob = bundle(&w.cs, "bob");
    let psk = psk_id(w.cs.as_ref(), ResumptionPskUsage::Branch, &parent_id, epoch);
    let welcome = w.forge(&w.cs, b"sub", Vec::new(), &bob, psk, 2);
    let err = w.bob_joins_branch(&welcome, &bob);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::ResumptionEpochNotOne(2)))
        ),
        "{err}"
    );

    let psk = psk_id(w.cs.as_ref(), ResumptionPskUsage::Reinit, &parent_id, epoch);
    let welcome = w.forge(&w.cs, b"sub", Vec::new(), &bob, psk, 1);
    let err = w.bob_joins_branch(&welcome, &bob);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::PskMissing("branch")))
        ),
        "{err}"
    );

    // The same epoch-1 branch Welcome with the right usage is accepted.
    let psk = psk_id(w.cs.as_ref(), ResumptionPskUsage::Branch, &parent_id, epoch);
    let welcome = w.forge(&w.cs, b"sub", Vec::new(), &bob, psk, 1);
    w.groups[1]
        .join_branch(
            &w.provider,
            &welcome,
            &bob,
            GroupConfig::default(),
            JoinOptions::default(),
        )
        .expect("a good branch Welcome");
}

/// V-11.3-02: a branch in another cipher suite than the parent's.
#[test]
fn a_branch_welcome_in_another_suite_is_refused() {
    let w = World::new(7);
    let parent_id = w.groups[0].group_id().to_vec();
    let p256 = w
        .provider
        .cipher_suite_provider(CipherSuite::Mls128DhKemP256Aes128GcmSha256P256)
        .unwrap();
    let bob = bundle(&p256, "bob");
    let psk = psk_id(
        p256.as_ref(),
        ResumptionPskUsage::Branch,
        &parent_id,
        w.groups[0].epoch(),
    );
    let welcome = w.forge(&p256, b"sub", Vec::new(), &bob, psk, 1);
    let err = w.bob_joins_branch(&welcome, &bob);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::ParameterMismatch(
                "cipher suite"
            )))
        ),
        "{err}"
    );
}
