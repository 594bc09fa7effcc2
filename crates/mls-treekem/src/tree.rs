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
//! merged with [`RatchetTree::merge`] (both in `diff.rs`, so that this module
//! does not depend on the change set).

use mls_codec::{LeafNode, Node, ParentNode};
use mls_crypto::CipherSuiteProvider;
use mls_treemath::{LeafIndex, NodeIndex, TreeSize};

use crate::hash::{HashStore, compute_tree_hash};
use crate::key_index::KeyIndex;
use crate::part_stamps::PartStamps;
use crate::view::TreeView;
use crate::{Result, TreeKemError};

/// The default largest number of nodes accepted from the wire
/// (V-12.4.3.3-03): the tree of the codec's default maximum group size
/// ([`mls_codec::limits::DEFAULT_MAX_GROUP_SIZE`] leaves).
pub const DEFAULT_MAX_NODES: usize = 2 * mls_codec::limits::DEFAULT_MAX_GROUP_SIZE as usize - 1;

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
    /// Boxed, so that blank slots of the padded tree cost a pointer.
    pub(crate) leaves: Vec<Option<Box<LeafNode>>>,
    /// One slot per parent position: node `2k+1` is slot `k`. Boxed too:
    /// a blank parent costs a pointer, not a `ParentNode` (G-34).
    pub(crate) parents: Vec<Option<Box<ParentNode>>>,
    /// Every node at this index or beyond is blank.
    pub(crate) blank_from: u32,
    /// One bit per leaf, set when occupied: finds the leftmost blank leaf
    /// (RFC 9420 §12.1.1) with a word scan instead of a node scan.
    occupied: Vec<u64>,
}

/// The parent-array slot of an odd node index.
pub(crate) fn parent_slot(node: NodeIndex) -> usize {
    node.as_usize() >> 1
}

impl TreeNodes {
    pub(crate) fn with_size(size: TreeSize) -> Self {
        let n = size.leaf_count().get() as usize;
        TreeNodes {
            size,
            leaves: vec![None; n],
            parents: vec![None; n - 1],
            blank_from: 0,
            occupied: vec![0; n.div_ceil(64)],
        }
    }

    /// Set or blank a leaf slot, keeping the occupancy bits in step.
    pub(crate) fn set_leaf(&mut self, leaf: usize, node: Option<Box<LeafNode>>) {
        if let Some(slot) = self.leaves.get_mut(leaf) {
            let bit = 1u64 << (leaf % 64);
            if let Some(word) = self.occupied.get_mut(leaf / 64) {
                if node.is_some() {
                    *word |= bit;
                } else {
                    *word &= !bit;
                }
            }
            *slot = node;
        }
    }

    /// Blank leaves from `start` on, ascending.
    pub(crate) fn blank_leaves_from(&self, start: u32) -> impl Iterator<Item = u32> + '_ {
        let n = self.leaves.len() as u32;
        let first_word = (start / 64) as usize;
        self.occupied
            .iter()
            .enumerate()
            .skip(first_word)
            .flat_map(move |(w, &word)| {
                let mut free = !word;
                std::iter::from_fn(move || {
                    if free == 0 {
                        return None;
                    }
                    let bit = free.trailing_zeros();
                    free &= free - 1;
                    Some(w as u32 * 64 + bit)
                })
            })
            .filter(move |&l| l >= start && l < n)
    }

    /// Grow or shrink to `size`, blanking new positions.
    pub(crate) fn resize(&mut self, size: TreeSize) {
        let n = size.leaf_count().get() as usize;
        self.leaves.resize(n, None);
        self.parents.resize(n - 1, None);
        self.occupied.resize(n.div_ceil(64), 0);
        // Clear the bits of leaves dropped by a truncation.
        if !n.is_multiple_of(64)
            && let Some(last) = self.occupied.last_mut()
        {
            *last &= (1u64 << (n % 64)) - 1;
        }
        self.size = size;
        self.blank_from = self.blank_from.min(size.width().get());
    }

    /// Lower `blank_from` to just after the last non-blank node, scanning
    /// back from a known bound.
    pub(crate) fn tighten_blank_from(&mut self, bound: u32) {
        let mut b = bound.min(self.size.width().get());
        while b > 0 && self.node(NodeIndex::new(b - 1)).is_none() {
            b -= 1;
        }
        self.blank_from = b;
    }
}

impl TreeView for TreeNodes {
    fn size(&self) -> TreeSize {
        self.size
    }

    fn leaf(&self, leaf: LeafIndex) -> Option<&LeafNode> {
        self.leaves.get(leaf.as_usize()).and_then(Option::as_deref)
    }

    fn parent(&self, node: NodeIndex) -> Option<&ParentNode> {
        if node.is_leaf() {
            return None;
        }
        self.parents
            .get(parent_slot(node))
            .and_then(Option::as_deref)
    }

    fn cached_hash(&self, _node: NodeIndex) -> Option<&[u8]> {
        None
    }

    fn blank_from(&self) -> u32 {
        self.blank_from
    }
}

/// Tree hashes of every node, in one flat buffer (`Nh` bytes per node) with
/// a validity flag per node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HashCache {
    pub(crate) nh: usize,
    pub(crate) bytes: Vec<u8>,
    pub(crate) valid: Vec<bool>,
    /// When each stored part last changed (nodes or hashes): every change
    /// of a node goes through the cache (its hash is invalidated or
    /// replaced), so the cache is where a change is noticed
    /// ([`crate::persist`]).
    pub(crate) stamps: PartStamps,
}

impl HashCache {
    /// Match the node width of `size`; new entries are invalid.
    pub(crate) fn resize(&mut self, size: TreeSize) {
        let width = size.width().as_usize();
        self.valid.resize(width, false);
        self.bytes.resize(width * self.nh, 0);
        self.stamps.resize(width);
    }

    /// Forget the hash of `node`.
    pub(crate) fn invalidate(&mut self, node: NodeIndex) {
        if let Some(v) = self.valid.get_mut(node.as_usize()) {
            *v = false;
            self.stamps.touch(node);
        }
    }

    /// Forget every hash.
    pub(crate) fn clear(&mut self) {
        self.valid.iter_mut().for_each(|v| *v = false);
        self.stamps.touch_all();
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
            self.stamps.touch(node);
        }
    }
}

/// The public ratchet tree of a group.
///
/// Besides the nodes it keeps a tree-hash cache and an index of public keys
/// (both derived data; equality compares the nodes only).
#[derive(Debug, Clone)]
pub struct RatchetTree {
    pub(crate) nodes: TreeNodes,
    pub(crate) hashes: HashCache,
    pub(crate) keys: KeyIndex,
}

impl PartialEq for RatchetTree {
    fn eq(&self, other: &Self) -> bool {
        self.nodes == other.nodes
    }
}

impl Eq for RatchetTree {}

/// The keys a node contributes to the index: encryption key, and for a leaf
/// the signature key.
fn node_keys(node: crate::NodeRef<'_>) -> (&[u8], Option<&[u8]>) {
    match node {
        crate::NodeRef::Leaf(l) => (
            l.encryption_key.as_slice(),
            Some(l.signature_key.as_slice()),
        ),
        crate::NodeRef::Parent(p) => (p.encryption_key.as_slice(), None),
    }
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

    fn blank_from(&self) -> u32 {
        self.nodes.blank_from
    }

    fn blank_leaves_from(&self, start: u32) -> Box<dyn Iterator<Item = u32> + '_> {
        Box::new(self.nodes.blank_leaves_from(start))
    }

    fn nodes_with_encryption_key(&self, key: &[u8]) -> Vec<NodeIndex> {
        self.keys
            .encryption_candidates(key)
            .into_iter()
            .map(NodeIndex::new)
            .filter(|&n| self.node(n).is_some_and(|x| x.encryption_key() == key))
            .collect()
    }

    fn leaves_with_signature_key(&self, key: &[u8]) -> Vec<LeafIndex> {
        self.keys
            .signature_candidates(key)
            .into_iter()
            .filter_map(|n| NodeIndex::new(n).leaf())
            .filter(|&l| {
                self.leaf(l)
                    .is_some_and(|x| x.signature_key.as_slice() == key)
            })
            .collect()
    }
}

impl RatchetTree {
    /// Build the key index over `nodes`.
    pub(crate) fn with_index(mut nodes: TreeNodes, hashes: HashCache) -> Self {
        nodes.tighten_blank_from(u32::MAX);
        let mut keys = KeyIndex::default();
        for i in 0..nodes.size.width().get() {
            if let Some(n) = nodes.node(NodeIndex::new(i)) {
                let (enc, sig) = node_keys(n);
                keys.insert(i, enc, sig);
            }
        }
        RatchetTree {
            nodes,
            hashes,
            keys,
        }
    }

    /// Drop the keys of the node at `i` from the index.
    pub(crate) fn unindex(&mut self, i: u32) {
        if let Some(n) = self.nodes.node(NodeIndex::new(i)) {
            let (enc, sig) = node_keys(n);
            self.keys.remove(i, enc, sig);
        }
    }

    /// Drop every node beyond `size` from the index, then shrink or grow.
    pub(crate) fn resize_to(&mut self, size: TreeSize) {
        let new_width = size.width().get();
        for i in new_width..self.nodes.size.width().get() {
            self.unindex(i);
        }
        self.nodes.resize(size);
        self.hashes.resize(size);
    }

    /// A one-member tree holding `leaf` at leaf 0 (group creation, RFC 9420 §11).
    pub fn new(leaf: LeafNode) -> Self {
        let size = ONE_LEAF;
        let mut nodes = TreeNodes::with_size(size);
        nodes.set_leaf(0, Some(Box::new(leaf)));
        let mut hashes = HashCache::default();
        hashes.resize(size);
        RatchetTree::with_index(nodes, hashes)
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
        // Shape checks first: they cost nothing and reject before any node
        // is decoded or stored (G-35).
        let wire = &tree;
        if wire.is_empty() {
            return Err(TreeKemError::EmptyTree);
        }
        if wire.len() > max_nodes {
            return Err(TreeKemError::TreeTooLarge {
                nodes: wire.len(),
                max: max_nodes,
            });
        }
        if wire.ends_with_blank() {
            return Err(TreeKemError::TrailingBlankNode);
        }
        let count = u32::try_from(wire.len()).map_err(|_| TreeKemError::TreeTooLarge {
            nodes: wire.len(),
            max: max_nodes,
        })?;
        let size = TreeSize::covering_width(count)?;
        let mut nodes = TreeNodes::with_size(size);
        for node in wire.nodes() {
            let (i, node) = node?;
            let index = NodeIndex::new(i);
            match (node, index.leaf()) {
                (Node::Leaf(l), Some(leaf)) => nodes.set_leaf(leaf.as_usize(), Some(Box::new(l))),
                (Node::Parent(p), None) => {
                    if let Some(slot) = nodes.parents.get_mut(parent_slot(index)) {
                        *slot = Some(Box::new(p));
                    }
                }
                _ => return Err(TreeKemError::WrongNodeType { node: index.get() }),
            }
        }
        let mut hashes = HashCache::default();
        hashes.resize(size);
        Ok(RatchetTree::with_index(nodes, hashes))
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

    /// The occupied leaves and their LeafNodes, in index order.
    pub fn members(&self) -> impl Iterator<Item = (LeafIndex, &LeafNode)> {
        self.nodes
            .leaves
            .iter()
            .enumerate()
            .filter_map(|(i, l)| Some((LeafIndex::new(i as u32).ok()?, l.as_deref()?)))
    }

    /// How many leaves are occupied: a count over the occupancy bitmap
    /// (one word per 64 leaves), not a walk over the leaves, so a per-message
    /// tracing field costs next to nothing in a large group (issue 14 item 3).
    pub fn member_count(&self) -> usize {
        self.nodes
            .occupied
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum()
    }

    /// The leaf whose LeafNode equals `leaf` (e.g. a joiner finding its own
    /// leaf, RFC 9420 §12.4.3.1).
    pub fn find_leaf(&self, leaf: &LeafNode) -> Option<LeafIndex> {
        self.members().find(|(_, l)| *l == leaf).map(|(i, _)| i)
    }

    /// An estimate of the bytes this tree occupies: the node arrays, each
    /// node's own struct and variable-length fields (counted as their encoded
    /// size plus [`ALLOC_OVERHEAD`] per heap allocation), the hash cache and
    /// the key index.
    pub fn memory_bytes(&self) -> usize {
        let mut total = std::mem::size_of::<Self>();
        total += self.nodes.leaves.capacity() * std::mem::size_of::<Option<Box<LeafNode>>>();
        total += self.nodes.parents.capacity() * std::mem::size_of::<Option<Box<ParentNode>>>();
        for leaf in self.nodes.leaves.iter().flatten() {
            total += leaf_heap_bytes(leaf);
        }
        for p in self.nodes.parents.iter().flatten() {
            total += std::mem::size_of::<ParentNode>()
                + p.encryption_key.0.as_slice().len()
                + p.parent_hash.as_slice().len()
                + p.unmerged_leaves.capacity() * 4
                + 4 * ALLOC_OVERHEAD;
        }
        total + self.hashes.heap_bytes() + self.keys.heap_bytes()
    }
}

/// Bytes a heap allocation costs beyond its payload (allocator header and
/// rounding), as assumed by [`RatchetTree::memory_bytes`].
pub const ALLOC_OVERHEAD: usize = 16;

/// Approximate bytes of a boxed LeafNode: the struct, its variable-length
/// data (its encoded size is a close bound) and one allocation overhead per
/// vector it owns.
fn leaf_heap_bytes(leaf: &LeafNode) -> usize {
    let allocations = 10 + leaf.extensions.len();
    std::mem::size_of::<LeafNode>()
        + mls_codec::encode(leaf).map(|b| b.len()).unwrap_or(0)
        + allocations * ALLOC_OVERHEAD
}

impl TryFrom<mls_codec::RatchetTree> for RatchetTree {
    type Error = TreeKemError;

    /// [`RatchetTree::from_wire`].
    fn try_from(tree: mls_codec::RatchetTree) -> Result<Self> {
        RatchetTree::from_wire(tree)
    }
}

impl From<&RatchetTree> for mls_codec::RatchetTree {
    /// [`TreeView::to_wire`]: trailing blank nodes omitted.
    fn from(tree: &RatchetTree) -> Self {
        tree.to_wire()
    }
}
