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
//! maths. Decoding a ratchet tree allocates at most one `Option<Node>` per
//! input byte (a blank node is one byte).

use std::io::Write;

use tls_codec::{Serialize, Size, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{Decode, Reader, decode_struct, tls_deserialize_bytes};
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
#[derive(Debug, Clone, PartialEq, Eq, Default, TlsSerialize, TlsSize)]
pub struct RatchetTree(pub Vec<Option<Node>>);

impl Decode for RatchetTree {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        Ok(RatchetTree(Decode::decode(r)?))
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
        RatchetTree(vec![
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
