//! The public ratchet tree (RFC 9420 §4.1, §7.7, §12.4.3.3): an array of
//! optional leaf and parent nodes indexed by node index, with a per-node
//! tree-hash cache.
//!
//! Leaves and parents are kept in two arrays (leaf `i` is node `2i`, parent
//! node `2k+1` is slot `k`), so a node can never sit at a position of the
//! wrong type. The tree is always full (a power-of-two leaf count); the
//! serialized form omits trailing blank nodes.
//!
//! The tree holds no private key: a member's keys live in
//! [`crate::TreePrivateKeys`], so the public part can be shared, stored and
//! validated on its own. Changes are staged in a [`crate::TreeDiff`] and
//! merged with [`RatchetTree::merge`].

use mls_codec::{LeafNode, Node, ParentNode};
use mls_crypto::CipherSuiteProvider;
use mls_treemath::{LeafIndex, NodeIndex, TreeSize};

use crate::diff::{TreeChanges, TreeDiff};
use crate::hash::{HashStore, compute_tree_hash};
use crate::view::TreeView;
use crate::{Result, TreeKemError};

/// The default largest number of nodes accepted from the wire
/// (V-12.4.3.3-03): 2^22 - 1 nodes, about two million leaves.
pub const DEFAULT_MAX_NODES: usize = (1 << 22) - 1;

/// The shape of a one-leaf tree.
const ONE_LEAF: TreeSize = match TreeSize::for_leaves(1) {
    Ok(t) => t,
    Err(_) => panic!("1 is a valid leaf count"),
};

/// The node arrays (no hashes), so that hashing can borrow the nodes while
/// filling the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreeNodes {
    pub(crate) size: TreeSize,
    /// One slot per leaf of the padded tree.
    pub(crate) leaves: Vec<Option<LeafNode>>,
    /// One slot per parent position: node `2k+1` is slot `k`.
    pub(crate) parents: Vec<Option<ParentNode>>,
}

/// The parent-array slot of an odd node index.
pub(crate) fn parent_slot(node: NodeIndex) -> usize {
    node.as_usize() >> 1
}

impl TreeNodes {
    fn with_size(size: TreeSize) -> Self {
        let n = size.leaf_count().get() as usize;
        TreeNodes {
            size,
            leaves: vec![None; n],
            parents: vec![None; n - 1],
        }
    }

    /// Grow or shrink to `size`, blanking new positions.
    pub(crate) fn resize(&mut self, size: TreeSize) {
        let n = size.leaf_count().get() as usize;
        self.leaves.resize(n, None);
        self.parents.resize(n - 1, None);
        self.size = size;
    }
}

impl TreeView for TreeNodes {
    fn size(&self) -> TreeSize {
        self.size
    }

    fn leaf(&self, leaf: LeafIndex) -> Option<&LeafNode> {
        self.leaves.get(leaf.as_usize()).and_then(Option::as_ref)
    }

    fn parent(&self, node: NodeIndex) -> Option<&ParentNode> {
        if node.is_leaf() {
            return None;
        }
        self.parents.get(parent_slot(node)).and_then(Option::as_ref)
    }

    fn cached_hash(&self, _node: NodeIndex) -> Option<&[u8]> {
        None
    }
}

/// Tree hashes of every node, in one flat buffer (`Nh` bytes per node) with
/// a validity flag per node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HashCache {
    nh: usize,
    bytes: Vec<u8>,
    valid: Vec<bool>,
}

impl HashCache {
    /// Match the node width of `size`; new entries are invalid.
    pub(crate) fn resize(&mut self, size: TreeSize) {
        let width = size.width().as_usize();
        self.valid.resize(width, false);
        self.bytes.resize(width * self.nh, 0);
    }

    /// Forget the hash of `node`.
    pub(crate) fn invalidate(&mut self, node: NodeIndex) {
        if let Some(v) = self.valid.get_mut(node.as_usize()) {
            *v = false;
        }
    }

    /// Forget every hash.
    pub(crate) fn clear(&mut self) {
        self.valid.iter_mut().for_each(|v| *v = false);
    }

    /// Bytes held by the cache.
    fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.valid.capacity()
    }
}

impl HashStore for HashCache {
    fn get(&self, node: NodeIndex) -> Option<&[u8]> {
        let i = node.as_usize();
        if *self.valid.get(i)? {
            self.bytes.get(i * self.nh..(i + 1) * self.nh)
        } else {
            None
        }
    }

    fn put(&mut self, node: NodeIndex, hash: Vec<u8>) {
        if hash.len() != self.nh {
            // First use (or a different suite): re-layout the buffer.
            self.nh = hash.len();
            self.bytes = vec![0; self.valid.len() * self.nh];
            self.clear();
        }
        let i = node.as_usize();
        if let Some(slot) = self.bytes.get_mut(i * self.nh..(i + 1) * self.nh) {
            slot.copy_from_slice(&hash);
            if let Some(v) = self.valid.get_mut(i) {
                *v = true;
            }
        }
    }
}

/// The public ratchet tree of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatchetTree {
    pub(crate) nodes: TreeNodes,
    pub(crate) hashes: HashCache,
}

impl TreeView for RatchetTree {
    fn size(&self) -> TreeSize {
        self.nodes.size
    }

    fn leaf(&self, leaf: LeafIndex) -> Option<&LeafNode> {
        self.nodes.leaf(leaf)
    }

    fn parent(&self, node: NodeIndex) -> Option<&ParentNode> {
        self.nodes.parent(node)
    }

    fn cached_hash(&self, node: NodeIndex) -> Option<&[u8]> {
        self.hashes.get(node)
    }
}

impl RatchetTree {
    /// A one-member tree holding `leaf` at leaf 0 (group creation, RFC 9420 §11).
    pub fn new(leaf: LeafNode) -> Self {
        let size = ONE_LEAF;
        let mut nodes = TreeNodes::with_size(size);
        nodes.leaves[0] = Some(leaf);
        let mut hashes = HashCache::default();
        hashes.resize(size);
        RatchetTree { nodes, hashes }
    }

    /// Import a tree received from the wire (RFC 9420 §12.4.3.3), checking
    /// its shape only: not empty (V-12.4.3.3-03), at most
    /// [`DEFAULT_MAX_NODES`] nodes, no trailing blank (V-12.4.3.3-01), leaves
    /// at even and parents at odd positions (V-12.4.3.3-02). The content is
    /// checked by [`crate::validate_tree`].
    pub fn from_wire(tree: mls_codec::RatchetTree) -> Result<Self> {
        Self::from_wire_with_limit(tree, DEFAULT_MAX_NODES)
    }

    /// [`RatchetTree::from_wire`] with a caller-chosen node limit.
    pub fn from_wire_with_limit(tree: mls_codec::RatchetTree, max_nodes: usize) -> Result<Self> {
        let wire = tree.0;
        if wire.is_empty() {
            return Err(TreeKemError::EmptyTree);
        }
        if wire.len() > max_nodes {
            return Err(TreeKemError::TreeTooLarge {
                nodes: wire.len(),
                max: max_nodes,
            });
        }
        if matches!(wire.last(), Some(None)) {
            return Err(TreeKemError::TrailingBlankNode);
        }
        let count = u32::try_from(wire.len()).map_err(|_| TreeKemError::TreeTooLarge {
            nodes: wire.len(),
            max: max_nodes,
        })?;
        let size = TreeSize::covering_width(count)?;
        let mut nodes = TreeNodes::with_size(size);
        for (i, node) in wire.into_iter().enumerate() {
            let index = NodeIndex::new(i as u32);
            match (node, index.leaf()) {
                (None, _) => {}
                (Some(Node::Leaf(l)), Some(leaf)) => nodes.leaves[leaf.as_usize()] = Some(l),
                (Some(Node::Parent(p)), None) => nodes.parents[parent_slot(index)] = Some(p),
                _ => return Err(TreeKemError::WrongNodeType { node: index.get() }),
            }
        }
        let mut hashes = HashCache::default();
        hashes.resize(size);
        Ok(RatchetTree { nodes, hashes })
    }

    /// Decode and import a serialized `optional<Node> ratchet_tree<V>`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Self::from_wire(mls_codec::decode::<mls_codec::RatchetTree>(bytes)?)
    }

    /// The serialized wire form.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        Ok(mls_codec::encode(&self.to_wire())?)
    }

    /// The tree hash of the root (RFC 9420 §7.8). The first call hashes every
    /// node; later calls rehash only nodes changed since.
    pub fn tree_hash(&mut self, cs: &dyn CipherSuiteProvider) -> Result<Vec<u8>> {
        let root = self.nodes.size.root();
        self.node_tree_hash(cs, root)
    }

    /// The tree hash of any node (RFC 9420 §7.8), cached.
    pub fn node_tree_hash(
        &mut self,
        cs: &dyn CipherSuiteProvider,
        node: NodeIndex,
    ) -> Result<Vec<u8>> {
        self.nodes.size.check_node(node)?;
        compute_tree_hash(&self.nodes, &mut self.hashes, cs, node)
    }

    /// The root tree hash if it is cached (no computation).
    pub fn cached_root_hash(&self) -> Option<&[u8]> {
        self.hashes.get(self.nodes.size.root())
    }

    /// Start a change set over this tree.
    pub fn diff(&self) -> TreeDiff<'_> {
        TreeDiff::new(self)
    }

    /// Apply a change set made by [`TreeDiff::into_changes`] on this tree.
    /// Only the tree hashes of changed nodes and their ancestors are
    /// invalidated; hashes the change set computed are kept.
    pub fn merge(&mut self, changes: TreeChanges) {
        let TreeChanges {
            size,
            base_leaves,
            leaves,
            parents,
            dirty,
            hashes,
        } = changes;
        let current = self.nodes.size.leaf_count().get();
        if base_leaves < current {
            // The change set truncated below the current size: nodes beyond
            // are gone even if it later grew again.
            if let Ok(s) = TreeSize::for_leaves(base_leaves) {
                self.nodes.resize(s);
                self.hashes.resize(s);
            }
        }
        self.nodes.resize(size);
        self.hashes.resize(size);
        for (leaf, node) in leaves {
            if let Some(slot) = self.nodes.leaves.get_mut(leaf as usize) {
                *slot = node;
            }
        }
        for (node, value) in parents {
            if let Some(slot) = self
                .nodes
                .parents
                .get_mut(parent_slot(NodeIndex::new(node)))
            {
                *slot = value;
            }
        }
        for node in dirty {
            self.hashes.invalidate(node);
        }
        for (node, hash) in hashes {
            if size.contains_node(node) {
                self.hashes.put(node, hash);
            }
        }
    }

    /// The occupied leaves and their LeafNodes, in index order.
    pub fn members(&self) -> impl Iterator<Item = (LeafIndex, &LeafNode)> {
        self.nodes
            .leaves
            .iter()
            .enumerate()
            .filter_map(|(i, l)| Some((LeafIndex::new(i as u32).ok()?, l.as_ref()?)))
    }

    /// The leaf whose LeafNode equals `leaf` (e.g. a joiner finding its own
    /// leaf, RFC 9420 §12.4.3.1).
    pub fn find_leaf(&self, leaf: &LeafNode) -> Option<LeafIndex> {
        self.members().find(|(_, l)| *l == leaf).map(|(i, _)| i)
    }

    /// An estimate of the heap and inline bytes this tree occupies (nodes,
    /// their variable-length fields and the hash cache).
    pub fn memory_bytes(&self) -> usize {
        let mut total = std::mem::size_of::<Self>();
        total += self.nodes.leaves.capacity() * std::mem::size_of::<Option<LeafNode>>();
        total += self.nodes.parents.capacity() * std::mem::size_of::<Option<ParentNode>>();
        for leaf in self.nodes.leaves.iter().flatten() {
            total += leaf_heap_bytes(leaf);
        }
        for p in self.nodes.parents.iter().flatten() {
            total += p.encryption_key.0.as_slice().len()
                + p.parent_hash.as_slice().len()
                + p.unmerged_leaves.capacity() * 4;
        }
        total + self.hashes.heap_bytes()
    }
}

/// Approximate heap bytes of a LeafNode (its encoded size is a close bound
/// on the variable-length data it owns).
fn leaf_heap_bytes(leaf: &LeafNode) -> usize {
    mls_codec::encode(leaf).map(|b| b.len()).unwrap_or(0)
}
