//! The memory bound of processing (issue 15 item 1, processing side;
//! G-34): decoding and processing a worst-case input holds at most 16
//! bytes of live heap per input byte. Each input is built first; then the
//! counting allocator's limit is set to what is live plus 16 times the
//! input (plus 1 MiB of slack for the group's own work), and the input is
//! decoded and processed under it: an allocation above the limit aborts
//! the test. One test function, so that no other test allocates meanwhile.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::alloc::System;

use cap::Cap;
use common::{bundle, provider, suite};
use mls_codec::limits::DEFAULT_HEAP_RATIO;
use mls_codec::{
    Add, Commit, EncryptedGroupSecrets, FramedContentBody, HpkeCiphertext, MlsMessage,
    MlsMessageBody, Proposal, ProposalOrRef, Remove, Sender, VLBytes, Welcome, WireFormat,
};
use mls_group::framing::framed_content;
use mls_group::{
    Group, GroupConfig, GroupError, JoinOptions, ProposalError, Rejection, WelcomeError,
};

#[global_allocator]
static ALLOC: Cap<System> = Cap::new(System, usize::MAX);

const SLACK: usize = 1 << 20;

/// Decode and process `bytes` with `process` under the heap limit.
fn under_the_bound<T>(name: &str, bytes: &[u8], process: impl FnOnce(MlsMessage) -> T) -> T {
    let before = ALLOC.allocated();
    ALLOC
        .set_limit(before + DEFAULT_HEAP_RATIO * bytes.len() + SLACK)
        .expect("limit above current use");
    let message: MlsMessage = mls_codec::decode(bytes).expect("decodes");
    let out = process(message);
    ALLOC.set_limit(usize::MAX).expect("no limit");
    eprintln!("{name}: {} bytes processed within the bound", bytes.len());
    out
}

/// A Commit of member `from`, signed and membership-tagged with its keys.
fn forged_commit(
    from: &Group,
    signer: &mls_crypto::SignatureKeyPair,
    proposals: Vec<ProposalOrRef>,
) -> Vec<u8> {
    let ctx = from.framing_context();
    let content = framed_content(
        ctx.group_context,
        Sender::Member(from.own_leaf().get()),
        Vec::new(),
        FramedContentBody::Commit(Commit {
            proposals,
            path: None,
        }),
    );
    let mut auth = ctx
        .sign(signer, WireFormat::PUBLIC_MESSAGE, content)
        .unwrap();
    auth.auth.confirmation_tag = Some(VLBytes::new(vec![0; 32]));
    let message = MlsMessage::new(MlsMessageBody::PublicMessage(
        ctx.protect_public(auth).unwrap(),
    ));
    mls_codec::encode(&message).unwrap()
}

#[test]
fn processing_worst_case_inputs_stays_within_16x_the_input() {
    let provider = provider(50);
    let cs = suite(&provider);
    let mut alice = common::create(&cs, "alice", GroupConfig::default());
    let bob_kp = bundle(&*cs, "bob");
    let bob_signer = bob_kp.signer().expect("an in-memory key");
    let out = alice
        .commit_builder()
        .add_member(bob_kp.key_package().clone())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let bob = common::join(
        &provider,
        out.welcome.as_ref().unwrap(),
        bob_kp,
        GroupConfig::default(),
        None,
    );

    // A member's Commit listing 300,000 Removes (issue 15: 3,000,000 of
    // them decoded into about 1 GB).
    let removes = vec![ProposalOrRef::Proposal(Proposal::Remove(Remove { removed: 0 })); 300_000];
    let bytes = forged_commit(&bob, &bob_signer, removes);
    let err = under_the_bound("commit of 300,000 Removes", &bytes, |m| {
        alice.process_message(&m).expect_err("duplicate Removes")
    });
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateLeafChange(0)))
        ),
        "{err}"
    );

    // A member's Commit repeating one Add 30,000 times.
    let dave = bundle(&*cs, "dave");
    let adds = vec![
        ProposalOrRef::Proposal(Proposal::from(Add {
            key_package: dave.key_package().clone(),
        }));
        30_000
    ];
    let bytes = forged_commit(&bob, &bob_signer, adds);
    let err = under_the_bound("commit of 30,000 duplicate Adds", &bytes, |m| {
        alice.process_message(&m).expect_err("duplicate Adds")
    });
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateInitKey))
        ),
        "{err}"
    );

    // A Welcome of 200,000 entries, none for us (anyone can send one).
    let carol = bundle(&*cs, "carol");
    let entry = EncryptedGroupSecrets {
        new_member: VLBytes::new(vec![0xab; 32]),
        encrypted_group_secrets: HpkeCiphertext {
            kem_output: VLBytes::new(Vec::new()),
            ciphertext: VLBytes::new(Vec::new()),
        },
    };
    let welcome = MlsMessage::new(MlsMessageBody::Welcome(Welcome {
        cipher_suite: mls_codec::CipherSuiteId(common::SUITE.id()),
        secrets: vec![entry; 200_000],
        encrypted_group_info: VLBytes::new(vec![0; 64]),
    }));
    let bytes = mls_codec::encode(&welcome).unwrap();
    drop(welcome);
    let err = under_the_bound("Welcome of 200,000 entries", &bytes, |m| {
        Group::join(
            &provider,
            &m,
            &carol,
            GroupConfig::default(),
            JoinOptions::default(),
        )
        .map(|_| ())
        .expect_err("not for us")
    });
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
        ),
        "{err}"
    );
}
