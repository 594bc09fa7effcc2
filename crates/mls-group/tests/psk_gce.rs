//! PreSharedKey and GroupContextExtensions proposals (RFC 9420 §12.1.4,
//! §12.1.7, §8.4): an external PSK injected by value and by reference,
//! a joiner receiving it in the Welcome, a member without the PSK
//! rejecting the Commit unchanged, and a GroupContextExtensions change.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_codec::{
    Add, Extension, GroupContextExtensions, PreSharedKeyProposal, Proposal, Psk,
    RequiredCapabilities, VLBytes,
};
use mls_crypto::Secret;
use mls_group::{
    CommitError, Group, GroupConfig, GroupError, JoinOptions, ProcessedMessage, ProposalError,
    Rejection, WelcomeError,
};
use mls_keyschedule::{InMemoryPskStore, psk_id_with_random_nonce};

#[test]
fn external_psk_by_value_and_in_the_welcome() {
    let provider = provider(31);
    let cs = suite(&provider);
    let mut store = InMemoryPskStore::new();
    store.insert_external(b"shared".to_vec(), Secret::from_slice(&[9; 32]));
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob_kp = bundle(cs.as_ref(), "bob");
    let psk = psk_id_with_random_nonce(
        cs.as_ref(),
        Psk::External {
            psk_id: VLBytes::new(b"shared".to_vec()),
        },
    )
    .unwrap();
    let out = alice
        .commit_builder()
        .proposals(vec![
            Proposal::from(Add {
                key_package: bob_kp.key_package().clone(),
            }),
            Proposal::from(PreSharedKeyProposal { psk: psk.clone() }),
        ])
        .psk_store(&store)
        .build()
        .unwrap();
    assert_eq!(out.info.psks, vec![psk]);
    alice.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    // Without the PSK the join fails (V-12.4.3.1-04).
    let missing = Group::join(
        &provider,
        &welcome,
        &vec![bob_kp.clone()],
        GroupConfig::default(),
        JoinOptions::default(),
    );
    assert!(matches!(
        missing,
        Err(GroupError::Rejected(Rejection::Welcome(
            WelcomeError::PskUnavailable(_)
        )))
    ));
    let (mut bob, _) = Group::join_with_psks(
        &provider,
        &welcome,
        &vec![bob_kp],
        &store,
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap();
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());

    // A PSK proposal by reference; Bob lacks the PSK at first.
    let psk = psk_id_with_random_nonce(
        cs.as_ref(),
        Psk::External {
            psk_id: VLBytes::new(b"shared".to_vec()),
        },
    )
    .unwrap();
    let p = alice.propose().psk(psk).unwrap();
    bob.process_message(&p).unwrap();
    let out = alice.commit_builder().psk_store(&store).build().unwrap();
    alice.merge_pending_commit().unwrap();
    let before = bob.to_bytes().unwrap();
    let err = bob.process_message(&out.commit).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::PskUnavailable(_)))
        ),
        "{err}"
    );
    assert_eq!(bob.to_bytes().unwrap(), before);
    match bob.process_message_with_psks(&out.commit, &store).unwrap() {
        ProcessedMessage::Commit(staged) => bob.merge_staged_commit(staged).unwrap(),
        other => panic!("{other:?}"),
    }
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
}

#[test]
fn group_context_extensions_replace_the_list() {
    let provider = provider(32);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::from(Add {
            key_package: bob_kp.key_package().clone(),
        })])
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let mut bob = join(
        &provider,
        out.welcome.as_ref().unwrap(),
        bob_kp,
        GroupConfig::default(),
        None,
    );
    let required = Extension::from_payload(&RequiredCapabilities {
        extension_types: Vec::new(),
        proposal_types: Vec::new(),
        credential_types: vec![mls_codec::CredentialType::BASIC],
    })
    .unwrap();
    let gce = Proposal::GroupContextExtensions(GroupContextExtensions {
        extensions: vec![required.clone()],
    });
    // Without a path it is rejected when forged; our own Commit adds one.
    let out = bob.commit_builder().proposals(vec![gce]).build().unwrap();
    assert!(out.info.has_path);
    bob.merge_pending_commit().unwrap();
    process_commit(&mut alice, &out.commit);
    assert_eq!(alice.extensions(), &[required][..]);
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());

    // Two GCE proposals in one Commit are refused (V-12.2-13).
    let twice = Proposal::GroupContextExtensions(GroupContextExtensions {
        extensions: Vec::new(),
    });
    let before = bob.to_bytes().unwrap();
    let err = bob
        .commit_builder()
        .proposals(vec![twice.clone(), twice])
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        GroupError::Rejected(Rejection::Proposal(
            ProposalError::DuplicateGroupContextExtensions
        ))
    ));
    assert_eq!(bob.to_bytes().unwrap(), before);
}
