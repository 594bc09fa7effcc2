//! Read access to a ratchet tree, shared by the stored tree
//! ([`crate::RatchetTree`]) and a change set over it ([`crate::TreeDiff`]).
//!
//! Every algorithm of this crate (resolution, filtered direct path, tree and
//! parent hashes, UpdatePath) is written once against [`TreeView`], so a
//! commit can be staged on a diff and never needs a copy of the whole tree.

use mls_codec::{LeafNode, ParentNode};
use mls_treemath::{LeafIndex, NodeIndex, TreeSize};

/// A node of the tree, borrowed: a leaf or a parent (RFC 9420 §4.1.1).
#[derive(Debug, Clone, Copy)]
pub enum NodeRef<'a> {
    /// A leaf node.
    Leaf(&'a LeafNode),
    /// A parent node.
    Parent(&'a ParentNode),
}

impl<'a> NodeRef<'a> {
    /// The node's HPKE public key (RFC 9420 §7.1, §7.2).
    pub fn encryption_key(&self) -> &'a [u8] {
        match self {
            NodeRef::Leaf(l) => l.encryption_key.0.as_slice(),
            NodeRef::Parent(p) => p.encryption_key.0.as_slice(),
        }
    }
}

/// Read access to the public part of a ratchet tree.
///
/// The tree is always full: [`TreeView::size`] has a power-of-two leaf count,
/// and positions beyond the nodes that were set are blank.
pub trait TreeView {
    /// The shape of the (padded) tree.
    fn size(&self) -> TreeSize;

    /// The leaf at `leaf`, `None` when blank or outside the tree.
    fn leaf(&self, leaf: LeafIndex) -> Option<&LeafNode>;

    /// The parent node at `node` (an odd index), `None` when blank, a leaf
    /// position, or outside the tree.
    fn parent(&self, node: NodeIndex) -> Option<&ParentNode>;

    /// A cached tree hash of `node`, if one is known without computing.
    fn cached_hash(&self, node: NodeIndex) -> Option<&[u8]>;

    /// A node index from which on every node is blank (an upper bound; the
    /// default is the width). Lets resolutions skip the blank right edge of
    /// a padded tree without walking it.
    fn blank_from(&self) -> u32 {
        self.size().width().get()
    }

    /// The blank leaves from `start` on, ascending (the default checks each
    /// leaf; the stored tree uses an occupancy bitmap).
    fn blank_leaves_from(&self, start: u32) -> Box<dyn Iterator<Item = u32> + '_> {
        Box::new(
            (start..self.leaf_count())
                .filter(move |&l| LeafIndex::new(l).is_ok_and(|l| self.leaf(l).is_none())),
        )
    }

    /// Whether the whole subtree of `node` is known to be blank.
    fn subtree_blank(&self, node: NodeIndex) -> bool {
        match node.leaf_span() {
            Some((lo, _)) => lo.node().get() >= self.blank_from(),
            None => true,
        }
    }

    /// The node at `node`, `None` when blank or outside the tree.
    fn node(&self, node: NodeIndex) -> Option<NodeRef<'_>> {
        match node.leaf() {
            Some(leaf) => self.leaf(leaf).map(NodeRef::Leaf),
            None => self.parent(node).map(NodeRef::Parent),
        }
    }

    /// Whether `node` is blank (or outside the tree).
    fn is_blank(&self, node: NodeIndex) -> bool {
        self.node(node).is_none()
    }

    /// The wire form: every node in array order, without trailing blank
    /// nodes (RFC 9420 §12.4.3.3, V-12.4.3.3-05).
    fn to_wire(&self) -> mls_codec::RatchetTree {
        let width = self.size().width().get();
        let end = (0..self.blank_from().min(width))
            .rev()
            .find(|&i| !self.is_blank(NodeIndex::new(i)))
            .map_or(0, |i| i + 1);
        let mut out = mls_codec::RatchetTree::new();
        for i in 0..end {
            match self.node(NodeIndex::new(i)) {
                Some(NodeRef::Leaf(l)) => out.push_leaf(l),
                Some(NodeRef::Parent(p)) => out.push_parent(p),
                None => out.push_blank(),
            }
        }
        out
    }

    /// The nodes whose encryption key is `key` (RFC 9420 §7.3 uniqueness).
    /// The default scans the tree; the stored tree and diffs use an index.
    fn nodes_with_encryption_key(&self, key: &[u8]) -> Vec<NodeIndex> {
        (0..self.size().width().get())
            .map(NodeIndex::new)
            .filter(|&n| self.node(n).is_some_and(|x| x.encryption_key() == key))
            .collect()
    }

    /// The leaves whose signature key is `key` (RFC 9420 §7.3 uniqueness).
    fn leaves_with_signature_key(&self, key: &[u8]) -> Vec<LeafIndex> {
        (0..self.leaf_count())
            .filter_map(|l| LeafIndex::new(l).ok())
            .filter(|&l| {
                self.leaf(l)
                    .is_some_and(|x| x.signature_key.as_slice() == key)
            })
            .collect()
    }

    /// The number of leaves of the padded tree.
    fn leaf_count(&self) -> u32 {
        self.size().leaf_count().get()
    }
}
