//! Codec benchmarks: encode and decode of a large ratchet tree (10,000
//! leaves, built here) and of the largest MLSMessage in `messages.json`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mls_codec::{
    Capabilities, CipherSuiteId, Credential, CredentialType, HpkePublicKey, LeafNode,
    LeafNodeSource, Lifetime, MlsMessage, Node, ParentNode, ProtocolVersion, RatchetTree,
    SignaturePublicKey, VLBytes, decode, encode,
};

const LEAVES: u32 = 10_000;

fn leaf(i: u32) -> LeafNode {
    LeafNode {
        encryption_key: HpkePublicKey::from(vec![(i % 251) as u8; 32]),
        signature_key: SignaturePublicKey::from(vec![(i % 241) as u8; 32]),
        credential: Credential::basic(format!("member-{i}").into_bytes()),
        capabilities: Capabilities {
            versions: vec![ProtocolVersion::MLS10],
            cipher_suites: vec![CipherSuiteId(1), CipherSuiteId(0x0a0a)],
            extensions: vec![],
            proposals: vec![],
            credentials: vec![CredentialType::BASIC],
        },
        leaf_node_source: LeafNodeSource::KeyPackage(Lifetime {
            not_before: 0,
            not_after: u64::MAX,
        }),
        extensions: vec![],
        signature: VLBytes::new(vec![7; 64]),
    }
}

/// A full tree of `LEAVES` leaves: every leaf and every parent populated.
fn large_tree() -> RatchetTree {
    let nodes: Vec<Option<Node>> = (0..2 * LEAVES - 1)
        .map(|i| {
            Some(if i % 2 == 0 {
                Node::Leaf(leaf(i / 2))
            } else {
                Node::Parent(ParentNode {
                    encryption_key: HpkePublicKey::from(vec![(i % 239) as u8; 32]),
                    parent_hash: VLBytes::new(vec![1; 32]),
                    unmerged_leaves: vec![],
                })
            })
        })
        .collect();
    RatchetTree::from_nodes(nodes)
}

fn tree_benches(c: &mut Criterion) {
    let tree = large_tree();
    let bytes = encode(&tree).expect("tree encodes");
    c.bench_function("ratchet_tree_10000_leaves/encode", |b| {
        b.iter(|| encode(black_box(&tree)).expect("encodes"))
    });
    c.bench_function("ratchet_tree_10000_leaves/decode", |b| {
        b.iter(|| decode::<RatchetTree>(black_box(&bytes)).expect("decodes"))
    });
}

/// The longest MLSMessage field of any case in messages.json.
fn largest_vector_message() -> Option<Vec<u8>> {
    let cases = match mls_vectors::load(&mls_vectors::vectors_dir(), "messages.json") {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("skipping the messages.json bench: {e}");
            return None;
        }
    };
    let fields = [
        "mls_welcome",
        "mls_group_info",
        "mls_key_package",
        "public_message_application",
        "public_message_proposal",
        "public_message_commit",
        "private_message",
    ];
    cases
        .iter()
        .flat_map(|c| fields.iter().filter_map(|f| c.get(*f)?.as_str()))
        .max_by_key(|h| h.len())
        .and_then(|h| hex::decode(h).ok())
}

fn message_benches(c: &mut Criterion) {
    let Some(bytes) = largest_vector_message() else {
        return;
    };
    let message: MlsMessage = decode(&bytes).expect("vector message decodes");
    c.bench_function("largest_vector_message/decode", |b| {
        b.iter(|| decode::<MlsMessage>(black_box(&bytes)).expect("decodes"))
    });
    c.bench_function("largest_vector_message/encode", |b| {
        b.iter(|| encode(black_box(&message)).expect("encodes"))
    });
}

criterion_group!(benches, tree_benches, message_benches);
criterion_main!(benches);
