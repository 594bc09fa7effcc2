//! A valid tree of `n` occupied leaves built directly (not by replaying
//! commits), for benchmarks and large-tree tests (suite 1 only: random
//! 32-byte strings are valid X25519 public keys).
//!
//! History it mimics: every non-blank parent was last set by the commit of
//! its leftmost leaf, commits ran from the right to the left, so each
//! parent-hash chain starts at a leaf with an even index and climbs while
//! the node is a left child. Parents whose right subtree is empty are blank.
//! Leaves are signed (source `commit` where a chain starts, `update`
//! elsewhere) for group [`super::GROUP_ID`]. Leaf 0 (the sender) and leaf
//! `n - 1` (the receiver, with every key of its direct path) have real
//! HPKE keys.

use mls_codec::{LeafNode, LeafNodeSource, Node, ParentNode, VLBytes};
use mls_crypto::{CipherSuiteProvider, HpkeKeyPair, SignatureKeyPair};
use mls_treekem::{
    LeafIndex, NodeIndex, TreePrivateKeys, TreeSize, leaf_tree_hash, parent_hash, parent_tree_hash,
};

use super::{capabilities, sign_leaf};

/// The built tree and the private state of its sender and receiver.
pub struct FullTree {
    /// The wire form.
    pub wire: mls_codec::RatchetTree,
    /// Leaf 0.
    pub sender: LeafIndex,
    /// Leaf 0's signature key.
    pub sender_signer: SignatureKeyPair,
    /// Leaf n - 1.
    pub receiver: LeafIndex,
    /// Leaf n - 1's keys (leaf and every non-blank node of its direct path).
    pub receiver_keys: TreePrivateKeys,
}

struct Builder<'a> {
    cs: &'a dyn CipherSuiteProvider,
    n: u32,
    nodes: Vec<Option<Node>>,
    receiver_path: Vec<NodeIndex>,
    receiver_keys: Vec<(NodeIndex, HpkeKeyPair)>,
    sender_signer: Option<SignatureKeyPair>,
}

impl Builder<'_> {
    fn occupied(&self, node: NodeIndex) -> bool {
        node.leaf_span().is_some_and(|(lo, _)| lo.get() < self.n)
    }

    fn encryption_key(&mut self, node: NodeIndex) -> Vec<u8> {
        let real = node.get() == 0 || self.receiver_path.contains(&node);
        if real {
            let pair = self.cs.hpke_generate_key_pair().expect("hpke");
            let public = pair.public_key.clone();
            self.receiver_keys.push((node, pair));
            public
        } else {
            self.cs.random_bytes(32).expect("rand")
        }
    }

    /// Build the subtree at `node`; `ph` is the parent hash it carries if it
    /// continues a chain. Returns its tree hash.
    fn build(&mut self, node: NodeIndex, ph: Option<Vec<u8>>) -> Vec<u8> {
        let cs = self.cs;
        if let Some(leaf) = node.leaf() {
            if leaf.get() >= self.n {
                return leaf_tree_hash(cs, leaf, None).expect("hash");
            }
            let sig = cs.signature_generate_key_pair().expect("sig");
            let mut l = LeafNode {
                encryption_key: self.encryption_key(node).into(),
                signature_key: sig.public_key.clone().into(),
                credential: mls_codec::Credential::basic(
                    format!("member {}", leaf.get()).into_bytes(),
                ),
                capabilities: capabilities(),
                leaf_node_source: match ph {
                    Some(ph) => LeafNodeSource::Commit(VLBytes::new(ph)),
                    None => LeafNodeSource::Update,
                },
                extensions: vec![],
                signature: VLBytes::new(vec![]),
            };
            sign_leaf(cs, &mut l, &sig, leaf.get());
            if leaf.get() == 0 {
                self.sender_signer = Some(sig);
            }
            let hash = leaf_tree_hash(cs, leaf, Some(&l)).expect("hash");
            self.nodes[node.as_usize()] = Some(Node::Leaf(l));
            return hash;
        }
        let (left, right) = (node.left().expect("left"), node.right().expect("right"));
        if !self.occupied(right) {
            let lh = self.build(left, ph);
            let rh = self.build(right, None);
            return parent_tree_hash(cs, None, &lh, &rh).expect("hash");
        }
        let key = self.encryption_key(node);
        let own_ph = ph.unwrap_or_else(|| cs.random_bytes(32).expect("rand"));
        let rh = self.build(right, None);
        let left_ph = parent_hash(cs, &key, &own_ph, &rh).expect("ph");
        let lh = self.build(left, Some(left_ph));
        let p = ParentNode {
            encryption_key: key.into(),
            parent_hash: VLBytes::new(own_ph),
            unmerged_leaves: vec![],
        };
        let hash = parent_tree_hash(cs, Some(&p), &lh, &rh).expect("hash");
        self.nodes[node.as_usize()] = Some(Node::Parent(p));
        hash
    }
}

/// Build a valid tree of `n >= 2` occupied leaves.
pub fn build_full_tree(cs: &dyn CipherSuiteProvider, n: u32) -> FullTree {
    let size = TreeSize::for_leaves(n).expect("size");
    let receiver = LeafIndex::new(n - 1).expect("leaf");
    let mut receiver_path = vec![receiver.node()];
    receiver_path.extend(size.direct_path_iter(receiver.node()).expect("path"));
    let mut b = Builder {
        cs,
        n,
        nodes: vec![None; size.width().as_usize()],
        receiver_path,
        receiver_keys: Vec::new(),
        sender_signer: None,
    };
    b.build(size.root(), Some(Vec::new()));
    while matches!(b.nodes.last(), Some(None)) {
        b.nodes.pop();
    }
    let pairs = std::mem::take(&mut b.receiver_keys);
    let leaf_key = pairs
        .iter()
        .find(|(node, _)| *node == receiver.node())
        .map(|(_, pair)| pair.private_key.clone())
        .expect("receiver leaf key");
    let mut keys = TreePrivateKeys::new(receiver, leaf_key);
    for (node, pair) in pairs {
        if node != receiver.node() && b.receiver_path.contains(&node) {
            keys.insert(node, pair.private_key);
        }
    }
    FullTree {
        wire: mls_codec::RatchetTree::from_nodes(b.nodes),
        sender: LeafIndex::new(0).expect("leaf"),
        sender_signer: b.sender_signer.expect("sender"),
        receiver,
        receiver_keys: keys,
    }
}
