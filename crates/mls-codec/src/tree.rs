//! Ratchet tree nodes on the wire (RFC 9420 §7.1, §7.6, §12.4.3.3):
//! parent node, node, the `ratchet_tree` vector, and the UpdatePath.
//!
//! ```text
//! struct { HPKEPublicKey encryption_key; opaque parent_hash<V>;
//!          uint32 unmerged_leaves<V>; } ParentNode;
//! enum { reserved(0), leaf(1), parent(2), (255) } NodeType;
//! struct { NodeType node_type;
//!          select (Node.node_type) { case leaf: LeafNode leaf_node;
//!                                    case parent: ParentNode parent_node; }; } Node;
//! optional<Node> ratchet_tree<V>;
//! struct { HPKEPublicKey encryption_key;
//!          HPKECiphertext encrypted_path_secret<V>; } UpdatePathNode;
//! struct { LeafNode leaf_node; UpdatePathNode nodes<V>; } UpdatePath;
//! ```
//!
//! Leaf indices are plain `u32`; this crate does not depend on the tree
//! maths. A decoded ratchet tree keeps its encoding and an index of its
//! non-blank nodes: at most nine bytes of memory per input byte.

use std::io::Write;

use tls_codec::{Serialize, Size, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{
    Decode, MAX_VECTOR_LEN, Reader, decode_struct, encode_into, tls_deserialize_bytes, write_varint,
};
use crate::error::CodecError;
use crate::leaf_node::LeafNode;
use crate::primitives::{HpkeCiphertext, HpkePublicKey};

/// `ParentNode` (RFC 9420 §7.1).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct ParentNode {
    /// The node's HPKE public key.
    pub encryption_key: HpkePublicKey,
    /// The parent hash of this node's parent.
    pub parent_hash: VLBytes,
    /// Leaves added below this node since it was last set.
    pub unmerged_leaves: Vec<u32>,
}
decode_struct!(ParentNode {
    encryption_key,
    parent_hash,
    unmerged_leaves
});

/// `Node` (RFC 9420 §7.8, §12.4.3.3). `NodeType` is closed: 0 and values
/// above 2 are rejected (V-2.1-10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// `leaf` (1).
    Leaf(LeafNode),
    /// `parent` (2).
    Parent(ParentNode),
}

impl Node {
    /// The wire `NodeType` value.
    pub fn node_type(&self) -> u8 {
        match self {
            Node::Leaf(_) => 1,
            Node::Parent(_) => 2,
        }
    }
}

impl Size for Node {
    fn tls_serialized_len(&self) -> usize {
        1 + match self {
            Node::Leaf(l) => l.tls_serialized_len(),
            Node::Parent(p) => p.tls_serialized_len(),
        }
    }
}

impl Serialize for Node {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        let n = self.node_type().tls_serialize(w)?;
        Ok(n + match self {
            Node::Leaf(l) => l.tls_serialize(w)?,
            Node::Parent(p) => p.tls_serialize(w)?,
        })
    }
}

impl Decode for Node {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        match r.read_u8()? {
            1 => Ok(Node::Leaf(Decode::decode(r)?)),
            2 => Ok(Node::Parent(Decode::decode(r)?)),
            value => Err(CodecError::InvalidEnumValue {
                what: "NodeType",
                value: value.into(),
            }),
        }
    }
}
tls_deserialize_bytes!(Node);

/// The `ratchet_tree` vector (RFC 9420 §12.4.3.3): `optional<Node>
/// ratchet_tree<V>`, in array order (leaves at even indices). No tree
/// invariants are checked here.
///
/// Kept compact (G-34): the validated encoding of the vector plus the
/// position of each non-blank node, so that a blank node costs its one byte
/// and a present node eight bytes beyond its encoding. Nodes are decoded on
/// demand ([`RatchetTree::nodes`], [`RatchetTree::get`]); decoding checked
/// every node already, so reading one fails only if memory is corrupted.
/// Decoding rejects a tree above the configured maximum group size while
/// counting its nodes, before any node is kept (V-12.4.3.3-03).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct RatchetTree {
    /// The vector's body: its `optional<Node>` elements, encoded.
    body: Vec<u8>,
    /// How many elements (blank or not) the vector holds.
    len: u32,
    /// For each non-blank node: its node index and the offset in `body` of
    /// its `Node` (after the presence octet).
    present: Vec<(u32, u32)>,
    /// Set when a pushed node could not be encoded (a vector above 2^30 - 1
    /// bytes); encoding the tree then fails with it, as encoding the node
    /// itself would have.
    encode_error: Option<CodecError>,
}

impl std::fmt::Debug for RatchetTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RatchetTree")
            .field("nodes", &self.len)
            .field("non_blank", &self.present.len())
            .field("encoded_len", &self.body.len())
            .finish()
    }
}

impl RatchetTree {
    /// An empty tree (no nodes), to fill with [`RatchetTree::push_blank`],
    /// [`RatchetTree::push_leaf`] and [`RatchetTree::push_parent`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree of the given nodes in array order.
    pub fn from_nodes<I: IntoIterator<Item = Option<Node>>>(nodes: I) -> Self {
        let mut tree = RatchetTree::new();
        for node in nodes {
            match node {
                None => tree.push_blank(),
                Some(Node::Leaf(l)) => tree.push_leaf(&l),
                Some(Node::Parent(p)) => tree.push_parent(&p),
            }
        }
        tree
    }

    /// Append a blank node.
    pub fn push_blank(&mut self) {
        self.len = self.len.saturating_add(1);
        self.body.push(0);
    }

    fn push_node(&mut self, node_type: u8, value: &impl Serialize) {
        let index = self.len;
        let start = self.body.len();
        self.body.extend_from_slice(&[1, node_type]);
        match (encode_into(value, &mut self.body), u32::try_from(start + 1)) {
            (Ok(()), Ok(offset)) if self.body.len() <= MAX_VECTOR_LEN => {
                self.present.push((index, offset));
                self.len = index.saturating_add(1);
            }
            (result, _) => {
                self.body.truncate(start);
                self.encode_error.get_or_insert(match result {
                    Err(e) => e,
                    Ok(()) => CodecError::VectorTooLarge {
                        len: self.body.len(),
                        max: MAX_VECTOR_LEN,
                    },
                });
            }
        }
    }

    /// Append a leaf node.
    pub fn push_leaf(&mut self, leaf: &LeafNode) {
        self.push_node(1, leaf)
    }

    /// Append a parent node.
    pub fn push_parent(&mut self, parent: &ParentNode) {
        self.push_node(2, parent)
    }

    /// The number of nodes, blank ones included.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the tree has no node at all.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of non-blank nodes.
    pub fn non_blank_count(&self) -> usize {
        self.present.len()
    }

    /// Whether the last node is blank (a tree must not end with one,
    /// V-12.4.3.3-01).
    pub fn ends_with_blank(&self) -> bool {
        self.len > 0 && self.present.last().is_none_or(|&(i, _)| i + 1 != self.len)
    }

    fn node_at(&self, offset: u32) -> Result<Node, CodecError> {
        let bytes = self
            .body
            .get(offset as usize..)
            .ok_or(CodecError::EndOfInput)?;
        let mut r = Reader::new(bytes);
        Node::decode(&mut r)
    }

    /// The non-blank nodes with their node index, in array order, each
    /// decoded when the iterator reaches it.
    pub fn nodes(&self) -> impl Iterator<Item = Result<(u32, Node), CodecError>> + '_ {
        self.present
            .iter()
            .map(|&(index, offset)| Ok((index, self.node_at(offset)?)))
    }

    /// The node at `index` (`None` when blank or beyond the end).
    pub fn get(&self, index: u32) -> Result<Option<Node>, CodecError> {
        match self.present.binary_search_by_key(&index, |&(i, _)| i) {
            Ok(pos) => Ok(Some(self.node_at(self.present[pos].1)?)),
            Err(_) => Ok(None),
        }
    }

    /// Every node, blank ones as `None` (allocates the whole array: for small
    /// trees and tests).
    pub fn to_nodes(&self) -> Result<Vec<Option<Node>>, CodecError> {
        let mut out: Vec<Option<Node>> = (0..self.len).map(|_| None).collect();
        for node in self.nodes() {
            let (index, node) = node?;
            if let Some(slot) = out.get_mut(index as usize) {
                *slot = Some(node);
            }
        }
        Ok(out)
    }
}

impl Size for RatchetTree {
    fn tls_serialized_len(&self) -> usize {
        crate::codec::varint_len(self.body.len()) + self.body.len()
    }
}

impl Serialize for RatchetTree {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        if let Some(e) = &self.encode_error {
            return Err(e.clone().into());
        }
        let mut header = Vec::with_capacity(4);
        write_varint(self.body.len(), &mut header)?;
        w.write_all(&header)?;
        w.write_all(&self.body)?;
        Ok(header.len() + self.body.len())
    }
}

impl Decode for RatchetTree {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        let max_nodes = r.limits().max_tree_nodes();
        let mut body = r.read_vector()?;
        let start = body.rest();
        let mut present: Vec<(u32, u32)> = Vec::new();
        let mut len: u32 = 0;
        while !body.is_empty() {
            // V-12.4.3.3-03: counted before the node is read, so a tree
            // above the maximum group size is rejected before it is kept.
            if len as usize >= max_nodes {
                return Err(CodecError::TreeTooLarge { max: max_nodes });
            }
            // Each node is checked by decoding it and dropping the result.
            let element = (|| {
                if body.read_presence()? {
                    let offset = (start.len() - body.remaining()) as u32;
                    Node::decode(&mut body)?;
                    if present.len() == present.capacity() {
                        // As for any vector (codec.rs): old and new storage
                        // are live together while it grows.
                        let old = present.capacity() * 8;
                        let grow = present.capacity().max(4);
                        body.charge_heap(old + grow * 8)?;
                        present.reserve_exact(grow);
                        body.refund_heap(old);
                    }
                    present.push((len, offset));
                }
                Ok(())
            })();
            element.map_err(|e| match e {
                CodecError::EndOfInput | CodecError::VectorLengthExceedsInput { .. } => {
                    CodecError::ElementOverrunsVector
                }
                other => other,
            })?;
            len += 1;
        }
        r.charge_heap(start.len())?;
        Ok(RatchetTree {
            body: start.to_vec(),
            len,
            present,
            encode_error: None,
        })
    }
}
tls_deserialize_bytes!(RatchetTree);

/// `UpdatePathNode` (RFC 9420 §7.6).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct UpdatePathNode {
    /// The new public key of this path node.
    pub encryption_key: HpkePublicKey,
    /// The path secret encrypted to each node of the copath resolution.
    pub encrypted_path_secret: Vec<HpkeCiphertext>,
}
decode_struct!(UpdatePathNode {
    encryption_key,
    encrypted_path_secret
});

/// `UpdatePath` (RFC 9420 §7.6).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct UpdatePath {
    /// The committer's new leaf node (source `commit`).
    pub leaf_node: LeafNode,
    /// One entry per filtered direct-path node.
    pub nodes: Vec<UpdatePathNode>,
}
decode_struct!(UpdatePath { leaf_node, nodes });

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::codec::{decode, encode};
    use crate::leaf_node::tests::sample_leaf;
    use crate::leaf_node::{LeafNodeSource, Lifetime};

    pub(crate) fn sample_tree() -> RatchetTree {
        let leaf = sample_leaf(LeafNodeSource::KeyPackage(Lifetime::default()));
        RatchetTree::from_nodes(vec![
            Some(Node::Leaf(leaf.clone())),
            Some(Node::Parent(ParentNode {
                encryption_key: HpkePublicKey::from(vec![7; 32]),
                parent_hash: VLBytes::new(vec![]),
                unmerged_leaves: vec![2],
            })),
            None,
            None,
            Some(Node::Leaf(leaf)),
        ])
    }

    #[test]
    fn tree_round_trip() {
        let tree = sample_tree();
        let bytes = encode(&tree).expect("encodes");
        assert_eq!(decode::<RatchetTree>(&bytes), Ok(tree));
    }

    #[test]
    fn rejects_bad_node_type_and_presence() {
        for value in [0u8, 3] {
            assert_eq!(
                decode::<RatchetTree>(&[2, 1, value]),
                Err(CodecError::InvalidEnumValue {
                    what: "NodeType",
                    value: value.into()
                })
            );
        }
        assert_eq!(
            decode::<RatchetTree>(&[1, 2]),
            Err(CodecError::InvalidOptionalPresence(2))
        );
    }

    #[test]
    fn rejects_unmerged_leaves_not_multiple_of_four() {
        // V-2.1-07: encryption_key<V> = 1 byte, parent_hash<V> empty,
        // unmerged_leaves<V> of 5 bytes.
        assert_eq!(
            decode::<ParentNode>(&[1, 0xaa, 0, 5, 0, 0, 0, 1, 0]),
            Err(CodecError::VectorLengthNotMultiple {
                len: 5,
                element_size: 4
            })
        );
    }

    #[test]
    fn update_path_round_trip() {
        let path = UpdatePath {
            leaf_node: sample_leaf(LeafNodeSource::Commit(VLBytes::new(vec![1; 32]))),
            nodes: vec![UpdatePathNode {
                encryption_key: HpkePublicKey::from(vec![8; 32]),
                encrypted_path_secret: vec![HpkeCiphertext {
                    kem_output: VLBytes::new(vec![1; 32]),
                    ciphertext: VLBytes::new(vec![2; 48]),
                }],
            }],
        };
        let bytes = encode(&path).expect("encodes");
        assert_eq!(decode::<UpdatePath>(&bytes), Ok(path));
    }
}
