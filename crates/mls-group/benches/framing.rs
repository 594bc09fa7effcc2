//! Benchmarks of message protection (RFC 9420 §6.3): a 1 KiB application
//! message from leaf 1 of an 8-leaf group, for suites 1 (X25519, AES-128-GCM,
//! Ed25519) and 2 (P-256, AES-128-GCM, ECDSA P-256).
//!
//! - `encrypt`: sign the FramedContent and protect it as a PrivateMessage
//!   (next application key, Padmé padding, sender data);
//! - `decrypt`: unprotect it (sender data, ratchet key, AEAD, padding check,
//!   signature) and confirm the key in a fresh copy of the receiver's tree.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use mls_codec::{
    CipherSuiteId, FramedContentBody, GroupContext, ProtocolVersion, Sender, VLBytes, WireFormat,
};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::framing::{FramingContext, MemberView, PaddingMode, framed_content};
use mls_keyschedule::{
    EncryptionSecret, MembershipKey, SecretTree, SecretTreeConfig, SenderDataSecret,
};
use mls_treemath::LeafCount;

const SENDER: u32 = 1;
const LEAVES: u32 = 8;

struct OneSender(Vec<u8>);

impl MemberView for OneSender {
    fn member_signature_key(&self, leaf_index: u32) -> Option<&[u8]> {
        (leaf_index == SENDER).then_some(self.0.as_slice())
    }
}

struct Setup {
    cs: Arc<dyn CipherSuiteProvider>,
    group_context: GroupContext,
    membership_key: MembershipKey,
    sender_data_secret: SenderDataSecret,
    signer: SignatureKeyPair,
}

impl Setup {
    fn new(suite: CipherSuite) -> Setup {
        let cs = RustCryptoProvider::new()
            .cipher_suite_provider(suite)
            .expect("suite supported");
        let nh = suite.hash_len();
        let signer = cs.signature_generate_key_pair().expect("key pair");
        Setup {
            group_context: GroupContext {
                version: ProtocolVersion::MLS10,
                cipher_suite: CipherSuiteId(suite.id()),
                group_id: VLBytes::new(b"bench group".to_vec()),
                epoch: 7,
                tree_hash: VLBytes::new(vec![1; nh]),
                confirmed_transcript_hash: VLBytes::new(vec![2; nh]),
                extensions: Vec::new(),
            },
            membership_key: MembershipKey::from_slice(&vec![3; nh]),
            sender_data_secret: SenderDataSecret::from_slice(&vec![4; nh]),
            cs,
            signer,
        }
    }

    fn ctx(&self) -> FramingContext<'_> {
        FramingContext {
            cs: self.cs.as_ref(),
            group_context: &self.group_context,
            membership_key: &self.membership_key,
            sender_data_secret: &self.sender_data_secret,
        }
    }

    fn tree(&self) -> SecretTree {
        SecretTree::new(
            EncryptionSecret::from_slice(&vec![5; self.cs.cipher_suite().hash_len()]),
            LeafCount::new(LEAVES).expect("leaf count"),
            SecretTreeConfig::default(),
        )
    }

    fn encrypt(&self, tree: &mut SecretTree) -> mls_codec::PrivateMessage {
        let body = FramedContentBody::Application(VLBytes::new(vec![0xab; 1024]));
        let content = framed_content(&self.group_context, Sender::Member(SENDER), vec![], body);
        let signed = self
            .ctx()
            .sign(&self.signer, WireFormat::PRIVATE_MESSAGE, content)
            .expect("signs");
        self.ctx()
            .protect_private(tree, &signed, PaddingMode::Padme)
            .expect("protects")
    }
}

fn framing(c: &mut Criterion) {
    let mut g = c.benchmark_group("private_message_1KiB");
    for suite in [CipherSuite::ALL[0], CipherSuite::ALL[1]] {
        let setup = Setup::new(suite);
        let id = suite.id();
        let mut sender_tree = setup.tree();
        g.bench_function(BenchmarkId::new("encrypt", id), |b| {
            b.iter(|| black_box(setup.encrypt(&mut sender_tree)))
        });

        let message = setup.encrypt(&mut setup.tree());
        let members = OneSender(setup.signer.public_key.clone());
        let receiver_tree = setup.tree();
        g.bench_function(BenchmarkId::new("decrypt", id), |b| {
            b.iter_batched(
                || receiver_tree.clone(),
                |mut tree| {
                    let mut verified = setup
                        .ctx()
                        .unprotect_private(&tree, &message, &members)
                        .expect("decrypts");
                    verified.confirm(&mut tree).expect("confirms");
                    black_box(verified.into_content())
                },
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, framing);
criterion_main!(benches);
