//! Cheap rejections (GUIDANCE G-35, issue 15 item 2): a member's signed
//! Commit (PublicMessage, suite 1) repeating one Add 30,000 times, decoded
//! and processed by another member of a 2-member group. The duplicate is
//! found at the second copy by the structural pass, before the membership
//! tag, the signature or any KeyPackage hash; what remains is decoding the
//! 8 MB message, measured alone in the same run (`decode_only`) so that the
//! two read as a ratio. Target: under 50 ms (docs/benchmarks.md).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use mls_codec::{
    Add, Commit, Credential, FramedContentBody, MlsMessage, MlsMessageBody, Proposal,
    ProposalOrRef, Sender, VLBytes, WireFormat,
};
use mls_crypto::{CipherSuite, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::framing::framed_content;
use mls_group::key_package::KeyPackageBuilder;
use mls_group::{CreateOptions, Group, GroupConfig, GroupError, JoinOptions};

const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
const COPIES: usize = 30_000;

fn duplicate_adds(c: &mut Criterion) {
    let provider = RustCryptoProvider::new();
    let cs = provider.cipher_suite_provider(SUITE).expect("suite 1");
    let alice_keys = cs.signature_generate_key_pair().expect("keys");
    let mut alice = Group::create(
        cs.clone(),
        Credential::basic(b"alice".to_vec()),
        Arc::new(alice_keys),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .expect("create");
    let bob_keys = cs.signature_generate_key_pair().expect("keys");
    let bob_kp = KeyPackageBuilder::new()
        .build(&*cs, Credential::basic(b"bob".to_vec()), &bob_keys)
        .expect("kp");
    let out = alice
        .commit_builder()
        .add_member(bob_kp.key_package().clone())
        .build()
        .expect("add bob");
    alice.merge_pending_commit().expect("merge");
    let (bob, _) = Group::join(
        &provider,
        out.welcome.as_ref().expect("welcome"),
        &bob_kp,
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect("join");

    let dave_keys = cs.signature_generate_key_pair().expect("keys");
    let dave = KeyPackageBuilder::new()
        .build(&*cs, Credential::basic(b"dave".to_vec()), &dave_keys)
        .expect("kp");
    let add = ProposalOrRef::Proposal(Proposal::from(Add {
        key_package: dave.key_package().clone(),
    }));
    let ctx = bob.framing_context();
    let content = framed_content(
        ctx.group_context,
        Sender::Member(bob.own_leaf().get()),
        Vec::new(),
        FramedContentBody::Commit(Commit {
            proposals: vec![add; COPIES],
            path: None,
        }),
    );
    let mut auth = ctx
        .sign(
            &bob_kp.signer().expect("an in-memory key"),
            WireFormat::PUBLIC_MESSAGE,
            content,
        )
        .expect("sign");
    auth.auth.confirmation_tag = Some(VLBytes::new(vec![0; 32]));
    let message = MlsMessage::new(MlsMessageBody::PublicMessage(
        ctx.protect_public(auth).expect("protect"),
    ));
    let bytes = mls_codec::encode(&message).expect("encode");
    println!("commit of {COPIES} duplicate Adds: {} bytes", bytes.len());

    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    group.bench_function("decode_only", |b| {
        b.iter(|| {
            let message: MlsMessage = mls_codec::decode(black_box(&bytes)).expect("decode");
            black_box(message)
        })
    });
    group.bench_function("reject_30000_duplicate_adds", |b| {
        b.iter(|| {
            let message: MlsMessage = mls_codec::decode(black_box(&bytes)).expect("decode");
            let err = alice.process_message(&message).expect_err("duplicate Adds");
            assert!(matches!(err, GroupError::DuplicateInitKey));
        })
    });
    group.finish();
}

criterion_group!(benches, duplicate_adds);
criterion_main!(benches);
