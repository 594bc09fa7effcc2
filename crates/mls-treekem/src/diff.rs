//! A change set over a [`RatchetTree`]: the staged state of a commit
//! (ARCHITECTURE "state changes are atomic"; RFC 9420 §7.7, §12.1, §12.3).
//!
//! A [`TreeDiff`] borrows the stored tree and records only the nodes it
//! changes, the new size, and the tree hashes it had to recompute. Reading
//! through it shows the changed tree; the stored tree is untouched until the
//! caller merges [`TreeDiff::into_changes`] with [`RatchetTree::merge`], or
//! drops the diff. Cloning a diff costs the size of the changes, not of the
//! tree.
//!
//! Leaf operations follow RFC 9420: Add takes the leftmost blank leaf or
//! extends the tree (§7.7, §12.1.1) and records the new leaf in the
//! `unmerged_leaves` of every non-blank parent above it, kept sorted
//! (§7.1, §7.8); Update replaces the leaf and blanks its direct path
//! (§12.1.2); Remove blanks the leaf and its direct path and truncates
//! trailing blank subtrees (§7.7, §12.1.3).

use std::collections::{BTreeMap, BTreeSet};

use mls_codec::{LeafNode, ParentNode};
use mls_crypto::CipherSuiteProvider;
use mls_treemath::{LeafIndex, NodeIndex, TreeSize};

use crate::hash::{HashStore, compute_tree_hash};
use crate::key_index::KeyIndex;
use crate::tree::{RatchetTree, parent_slot};
use crate::view::TreeView;
use crate::{Result, TreeKemError};

mod stored;

/// The owned result of a [`TreeDiff`], to merge into the tree it was made from.
#[derive(Debug, Clone)]
pub struct TreeChanges {
    pub(crate) size: TreeSize,
    pub(crate) base_leaves: u32,
    pub(crate) leaves: BTreeMap<u32, Option<LeafNode>>,
    pub(crate) parents: BTreeMap<u32, Option<ParentNode>>,
    pub(crate) dirty: BTreeSet<NodeIndex>,
    pub(crate) hashes: BTreeMap<NodeIndex, Vec<u8>>,
}

/// The node overlay of a diff (split from the hash memo so hashing can
/// borrow the nodes while filling the memo).
#[derive(Debug, Clone)]
pub(crate) struct DiffNodes<'a> {
    base: &'a RatchetTree,
    size: TreeSize,
    /// Leaves of the base that are still visible: after a truncation below
    /// the base size, base nodes beyond it stay hidden even if the tree grows.
    base_leaves: u32,
    leaves: BTreeMap<u32, Option<LeafNode>>,
    parents: BTreeMap<u32, Option<ParentNode>>,
    /// Nodes whose tree hash may differ from the base's.
    dirty: BTreeSet<NodeIndex>,
    /// Every node at this index or beyond is blank (an upper bound).
    blank_from: u32,
    /// The keys of the nodes this diff sets, so that the uniqueness lookups
    /// of RFC 9420 §7.3 cost O(1) per Add instead of a scan of the changes.
    keys: KeyIndex,
    /// Leaves this diff blanked (their entry in `leaves` is `None`).
    blanked: BTreeSet<u32>,
    /// Every leaf blank in the base below this index has an entry in
    /// `leaves`: the leftmost-blank search starts here (issue 14 item 3).
    base_cursor: u32,
    /// Every leaf from `base_leaves` up to this index has an entry in `leaves`.
    fresh_cursor: u32,
}

impl DiffNodes<'_> {
    fn in_base(&self, node: NodeIndex) -> bool {
        u64::from(node.get()) < 2 * u64::from(self.base_leaves) - 1
    }

    /// Leaves of the base still visible through the diff.
    fn visible_base_leaves(&self) -> u32 {
        self.base_leaves.min(self.size.leaf_count().get())
    }

    /// Move the leftmost-blank cursors past leaves that now have an entry.
    /// Amortized O(1) per Add: each cursor only moves forward (until a
    /// truncation, which restarts them).
    fn advance_cursors(&mut self) {
        let visible = self.visible_base_leaves();
        loop {
            match self.base.blank_leaves_from(self.base_cursor).next() {
                Some(l) if l < visible && self.leaves.contains_key(&l) => self.base_cursor = l + 1,
                Some(l) if l < visible => break,
                _ => {
                    self.base_cursor = visible;
                    break;
                }
            }
        }
        self.fresh_cursor = self.fresh_cursor.max(self.base_leaves);
        while self.leaves.contains_key(&self.fresh_cursor) {
            self.fresh_cursor += 1;
        }
    }

    /// Drop the index entries of the diff's own entry for `node`, if any.
    fn unindex(&mut self, node: NodeIndex) {
        let (enc, sig) = match node.leaf() {
            Some(leaf) => match self.leaves.get(&leaf.get()) {
                Some(Some(l)) => (
                    l.encryption_key.as_slice(),
                    Some(l.signature_key.as_slice()),
                ),
                _ => return,
            },
            None => match self.parents.get(&node.get()) {
                Some(Some(p)) => (p.encryption_key.as_slice(), None),
                _ => return,
            },
        };
        self.keys.remove(node.get(), enc, sig);
    }
}

impl TreeView for DiffNodes<'_> {
    fn size(&self) -> TreeSize {
        self.size
    }

    fn leaf(&self, leaf: LeafIndex) -> Option<&LeafNode> {
        if !self.size.contains_leaf(leaf) {
            return None;
        }
        match self.leaves.get(&leaf.get()) {
            Some(over) => over.as_ref(),
            None if leaf.get() < self.base_leaves => self.base.leaf(leaf),
            None => None,
        }
    }

    fn parent(&self, node: NodeIndex) -> Option<&ParentNode> {
        if node.is_leaf() || !self.size.contains_node(node) {
            return None;
        }
        match self.parents.get(&node.get()) {
            Some(over) => over.as_ref(),
            None if self.in_base(node) => self.base.parent(node),
            None => None,
        }
    }

    fn cached_hash(&self, node: NodeIndex) -> Option<&[u8]> {
        if self.in_base(node) && !self.dirty.contains(&node) {
            self.base.cached_hash(node)
        } else {
            None
        }
    }

    fn blank_from(&self) -> u32 {
        self.blank_from.min(self.size.width().get())
    }
}

/// A staged change set over a [`RatchetTree`].
#[derive(Debug, Clone)]
pub struct TreeDiff<'a> {
    nodes: DiffNodes<'a>,
    /// Tree hashes computed through this diff.
    memo: BTreeMap<NodeIndex, Vec<u8>>,
}

impl TreeView for TreeDiff<'_> {
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
        self.nodes
            .cached_hash(node)
            .or_else(|| HashStore::get(&self.memo, node))
    }

    fn blank_from(&self) -> u32 {
        self.nodes.blank_from()
    }

    /// The base tree's index, filtered through the overlay, plus the changed nodes.
    fn nodes_with_encryption_key(&self, key: &[u8]) -> Vec<NodeIndex> {
        let holds = |n: NodeIndex| self.node(n).is_some_and(|x| x.encryption_key() == key);
        let mut out: Vec<NodeIndex> = self
            .nodes
            .base
            .nodes_with_encryption_key(key)
            .into_iter()
            .filter(|&n| holds(n))
            .collect();
        for n in self.nodes.keys.encryption_candidates(key) {
            let n = NodeIndex::new(n);
            if holds(n) && !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }

    fn leaves_with_signature_key(&self, key: &[u8]) -> Vec<LeafIndex> {
        let holds = |l: LeafIndex| {
            self.leaf(l)
                .is_some_and(|x| x.signature_key.as_slice() == key)
        };
        let mut out: Vec<LeafIndex> = self
            .nodes
            .base
            .leaves_with_signature_key(key)
            .into_iter()
            .filter(|&l| holds(l))
            .collect();
        for l in self
            .nodes
            .keys
            .signature_candidates(key)
            .into_iter()
            .filter_map(|n| NodeIndex::new(n).leaf())
        {
            if holds(l) && !out.contains(&l) {
                out.push(l);
            }
        }
        out
    }
}

impl<'a> TreeDiff<'a> {
    /// An empty change set over `base`.
    pub fn new(base: &'a RatchetTree) -> Self {
        let size = base.size();
        TreeDiff {
            nodes: DiffNodes {
                base,
                size,
                base_leaves: size.leaf_count().get(),
                leaves: BTreeMap::new(),
                parents: BTreeMap::new(),
                dirty: BTreeSet::new(),
                blank_from: base.blank_from(),
                keys: KeyIndex::default(),
                blanked: BTreeSet::new(),
                base_cursor: 0,
                fresh_cursor: size.leaf_count().get(),
            },
            memo: BTreeMap::new(),
        }
    }

    /// The tree this diff is over.
    pub fn base(&self) -> &'a RatchetTree {
        self.nodes.base
    }

    /// The root tree hash of the changed tree (RFC 9420 §7.8). Uses the
    /// base tree's cached hashes for unchanged subtrees, so after the first
    /// full pass it costs the changed nodes and their direct paths.
    pub fn tree_hash(&mut self, cs: &dyn CipherSuiteProvider) -> Result<Vec<u8>> {
        let root = self.nodes.size.root();
        self.node_tree_hash(cs, root)
    }

    /// The tree hash of one node of the changed tree.
    pub fn node_tree_hash(
        &mut self,
        cs: &dyn CipherSuiteProvider,
        node: NodeIndex,
    ) -> Result<Vec<u8>> {
        self.nodes.size.check_node(node)?;
        compute_tree_hash(&self.nodes, &mut self.memo, cs, node)
    }

    /// Finish: the owned changes, for [`RatchetTree::merge`].
    pub fn into_changes(self) -> TreeChanges {
        let n = self.nodes;
        TreeChanges {
            size: n.size,
            base_leaves: n.base_leaves,
            leaves: n.leaves,
            parents: n.parents,
            dirty: n.dirty,
            hashes: self.memo,
        }
    }

    // ---- Node writes -------------------------------------------------------

    /// Mark `node` and its ancestors as changed: their tree hashes must be
    /// recomputed (and only theirs, RFC 9420 §7.8 caching).
    fn touch(&mut self, node: NodeIndex) {
        self.nodes.dirty.insert(node);
        self.memo.remove(&node);
        if let Ok(path) = self.nodes.size.direct_path_iter(node) {
            for p in path {
                self.nodes.dirty.insert(p);
                self.memo.remove(&p);
            }
        }
    }

    /// Set or blank a leaf.
    pub fn set_leaf(&mut self, leaf: LeafIndex, node: Option<LeafNode>) -> Result<()> {
        self.nodes.size.check_leaf(leaf)?;
        if node.is_some() {
            self.nodes.blank_from = self.nodes.blank_from.max(leaf.node().get() + 1);
        }
        self.nodes.unindex(leaf.node());
        match &node {
            Some(l) => {
                self.nodes.keys.insert(
                    leaf.node().get(),
                    l.encryption_key.as_slice(),
                    Some(l.signature_key.as_slice()),
                );
                self.nodes.blanked.remove(&leaf.get());
            }
            None => {
                self.nodes.blanked.insert(leaf.get());
            }
        }
        self.nodes.leaves.insert(leaf.get(), node);
        self.nodes.advance_cursors();
        self.touch(leaf.node());
        Ok(())
    }

    /// Set or blank a parent node.
    pub fn set_parent(&mut self, node: NodeIndex, value: Option<ParentNode>) -> Result<()> {
        self.nodes.size.check_node(node)?;
        if node.is_leaf() {
            return Err(TreeKemError::WrongNodeType { node: node.get() });
        }
        if value.is_some() {
            self.nodes.blank_from = self.nodes.blank_from.max(node.get() + 1);
        }
        self.nodes.unindex(node);
        if let Some(p) = &value {
            self.nodes
                .keys
                .insert(node.get(), p.encryption_key.as_slice(), None);
        }
        self.nodes.parents.insert(node.get(), value);
        self.touch(node);
        Ok(())
    }

    /// Blank every node on the direct path of `leaf` (RFC 9420 §7.4, §12.1.2, §12.1.3).
    pub fn blank_direct_path(&mut self, leaf: LeafIndex) -> Result<()> {
        self.nodes.size.check_leaf(leaf)?;
        let path: Vec<NodeIndex> = self.nodes.size.direct_path_iter(leaf.node())?.collect();
        for node in path {
            if self.parent(node).is_some() {
                self.set_parent(node, None)?;
            }
        }
        Ok(())
    }

    // ---- Proposals ----------------------------------------------------------

    /// The leftmost blank leaf, if any (RFC 9420 §12.1.1). Uses the base
    /// tree's occupancy bitmap plus the leaves this diff changed, each
    /// searched from a cursor past the leaves already filled, so a Commit of
    /// many Adds does not rescan them (issue 14 item 3).
    pub fn leftmost_blank_leaf(&self) -> Option<LeafIndex> {
        let n = &self.nodes;
        let leaves = n.size.leaf_count().get();
        let visible = n.visible_base_leaves();
        // Blank in the base and not filled by this diff.
        let from_base = n
            .base
            .blank_leaves_from(n.base_cursor)
            .take_while(|&l| l < visible)
            .find(|l| !matches!(n.leaves.get(l), Some(Some(_))));
        // Blanked by this diff.
        let from_diff = n.blanked.iter().copied().find(|&l| l < leaves);
        // Beyond the visible base, blank unless set by this diff.
        let beyond = (visible.max(n.fresh_cursor)..leaves)
            .find(|l| !matches!(n.leaves.get(l), Some(Some(_))));
        [from_base, from_diff, beyond]
            .into_iter()
            .flatten()
            .min()
            .and_then(|l| LeafIndex::new(l).ok())
    }

    /// Add a member (RFC 9420 §12.1.1, §7.7): the leftmost blank leaf, else a
    /// new leaf after extending the tree; the new leaf index is added (in
    /// sorted position) to `unmerged_leaves` of every non-blank parent on its
    /// direct path. Returns the leaf index used.
    pub fn add_leaf(&mut self, leaf_node: LeafNode) -> Result<LeafIndex> {
        let leaf = match self.leftmost_blank_leaf() {
            Some(l) => l,
            None => {
                let old = self.nodes.size;
                let grown = old.extended().map_err(|_| TreeKemError::TreeFull)?;
                self.nodes.size = grown;
                LeafIndex::new(old.leaf_count().get())?
            }
        };
        self.set_leaf(leaf, Some(leaf_node))?;
        let path: Vec<NodeIndex> = self.nodes.size.direct_path_iter(leaf.node())?.collect();
        for node in path {
            // A parent this diff already holds is updated in place (its keys
            // do not change); one of the base is copied once.
            if let Some(Some(p)) = self.nodes.parents.get_mut(&node.get()) {
                if let Err(pos) = p.unmerged_leaves.binary_search(&leaf.get()) {
                    p.unmerged_leaves.insert(pos, leaf.get());
                }
                self.touch(node);
            } else if let Some(p) = self.parent(node) {
                let mut p = p.clone();
                if let Err(pos) = p.unmerged_leaves.binary_search(&leaf.get()) {
                    p.unmerged_leaves.insert(pos, leaf.get());
                }
                self.set_parent(node, Some(p))?;
            }
        }
        Ok(leaf)
    }

    /// Apply an Update (RFC 9420 §12.1.2): replace the sender's leaf and
    /// blank its direct path. The leaf must be occupied.
    pub fn update_leaf(&mut self, leaf: LeafIndex, leaf_node: LeafNode) -> Result<()> {
        if self.leaf(leaf).is_none() {
            return Err(TreeKemError::BlankLeaf { leaf: leaf.get() });
        }
        self.set_leaf(leaf, Some(leaf_node))?;
        self.blank_direct_path(leaf)
    }

    /// Apply a Remove (RFC 9420 §12.1.3): blank the leaf and its direct
    /// path, then truncate trailing blank subtrees (§7.7). The leaf must be
    /// occupied.
    pub fn remove_leaf(&mut self, leaf: LeafIndex) -> Result<()> {
        if self.leaf(leaf).is_none() {
            return Err(TreeKemError::BlankLeaf { leaf: leaf.get() });
        }
        self.set_leaf(leaf, None)?;
        self.blank_direct_path(leaf)?;
        self.truncate();
        Ok(())
    }

    /// Whether every node in the right half of the tree is blank.
    fn right_half_blank(&self) -> bool {
        let width = self.nodes.size.width().get();
        let root = self.nodes.size.root().get();
        if self.blank_from() <= root + 1 {
            return true;
        }
        // Scan from the right end: in a populated tree the first check fails fast.
        ((root + 1)..width)
            .rev()
            .all(|i| self.is_blank(NodeIndex::new(i)))
    }

    /// Halve the tree while its right half is entirely blank (RFC 9420 §7.7).
    pub fn truncate(&mut self) {
        while let Some(half) = self.nodes.size.truncated() {
            if !self.right_half_blank() {
                break;
            }
            self.nodes.size = half;
            let leaves = half.leaf_count().get();
            let width = half.width().get();
            self.nodes.base_leaves = self.nodes.base_leaves.min(leaves);
            self.nodes.leaves.retain(|&l, _| l < leaves);
            self.nodes.parents.retain(|&n, _| n < width);
            self.nodes.dirty.retain(|n| n.get() < width);
            self.memo.retain(|n, _| n.get() < width);
            self.nodes.blanked.retain(|&l| l < leaves);
            // Keys of dropped entries stay in the index as stale candidates;
            // every lookup compares the node's real key, so they never match.
            self.nodes.base_cursor = 0;
            self.nodes.fresh_cursor = self.nodes.base_leaves;
            self.nodes.advance_cursors();
        }
    }
}

impl RatchetTree {
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
                self.resize_to(s);
            }
        }
        self.resize_to(size);
        let mut bound = self.nodes.blank_from;
        for &leaf in leaves.keys() {
            bound = bound.max((leaf << 1).saturating_add(1));
        }
        for &node in parents.keys() {
            bound = bound.max(node.saturating_add(1));
        }
        for (leaf, node) in leaves {
            let index = leaf << 1;
            self.unindex(index);
            if let Some(n) = &node {
                self.keys.insert(
                    index,
                    n.encryption_key.as_slice(),
                    Some(n.signature_key.as_slice()),
                );
            }
            self.nodes.set_leaf(leaf as usize, node.map(Box::new));
            self.hashes.stamps.touch(NodeIndex::new(index));
        }
        for (node, value) in parents {
            self.unindex(node);
            if let Some(p) = &value {
                self.keys.insert(node, p.encryption_key.as_slice(), None);
            }
            if let Some(slot) = self
                .nodes
                .parents
                .get_mut(parent_slot(NodeIndex::new(node)))
            {
                *slot = value.map(Box::new);
            }
            self.hashes.stamps.touch(NodeIndex::new(node));
        }
        self.nodes.tighten_blank_from(bound);
        for node in dirty {
            self.hashes.invalidate(node);
        }
        for (node, hash) in hashes {
            if size.contains_node(node) {
                self.hashes.put(node, hash);
            }
        }
    }

    /// Add a member to the stored tree (stage, then merge).
    pub fn add_leaf(&mut self, leaf_node: LeafNode) -> Result<LeafIndex> {
        let mut diff = self.diff();
        let leaf = diff.add_leaf(leaf_node)?;
        let changes = diff.into_changes();
        self.merge(changes);
        Ok(leaf)
    }

    /// Apply an Update to the stored tree (stage, then merge).
    pub fn update_leaf(&mut self, leaf: LeafIndex, leaf_node: LeafNode) -> Result<()> {
        let mut diff = self.diff();
        diff.update_leaf(leaf, leaf_node)?;
        let changes = diff.into_changes();
        self.merge(changes);
        Ok(())
    }

    /// Apply a Remove to the stored tree (stage, then merge).
    pub fn remove_leaf(&mut self, leaf: LeafIndex) -> Result<()> {
        let mut diff = self.diff();
        diff.remove_leaf(leaf)?;
        let changes = diff.into_changes();
        self.merge(changes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use mls_codec::{Capabilities, Credential, LeafNodeSource, Node, RatchetTree as Wire, VLBytes};

    use super::*;

    fn leaf_node(k: u8) -> LeafNode {
        LeafNode {
            encryption_key: vec![k; 32].into(),
            signature_key: vec![k; 32].into(),
            credential: Credential::basic(vec![k]),
            capabilities: Capabilities::default(),
            leaf_node_source: LeafNodeSource::Update,
            extensions: vec![],
            signature: VLBytes::new(vec![]),
        }
    }

    fn leaf(k: u8) -> Option<Node> {
        Some(Node::Leaf(leaf_node(k)))
    }

    fn parent(k: u8, unmerged: Vec<u32>) -> Option<Node> {
        Some(Node::Parent(ParentNode {
            encryption_key: vec![k; 32].into(),
            parent_hash: VLBytes::new(vec![]),
            unmerged_leaves: unmerged,
        }))
    }

    #[test]
    fn add_keeps_unmerged_leaves_sorted() {
        // V-7.1-02: leaf 6 is already unmerged at nodes 11 and 7; the new
        // member lands in blank leaf 4 and must go before it.
        let tree = RatchetTree::from_wire(Wire::from_nodes(vec![
            leaf(1),
            parent(2, vec![]),
            leaf(3),
            parent(4, vec![]),
            leaf(5),
            parent(6, vec![]),
            leaf(7),
            parent(8, vec![6]),
            None,
            None,
            leaf(10),
            parent(11, vec![6]),
            leaf(12),
            None,
            leaf(14),
        ]))
        .unwrap();
        let mut diff = tree.diff();
        assert_eq!(
            diff.add_leaf(leaf_node(99)).unwrap(),
            LeafIndex::new(4).unwrap()
        );
        assert_eq!(
            diff.parent(NodeIndex::new(11)).unwrap().unmerged_leaves,
            [4, 6]
        );
        assert_eq!(
            diff.parent(NodeIndex::new(7)).unwrap().unmerged_leaves,
            [4, 6]
        );
        // Blank node 9 stays blank; the base tree is untouched.
        assert!(diff.parent(NodeIndex::new(9)).is_none());
        assert_eq!(
            tree.parent(NodeIndex::new(11)).unwrap().unmerged_leaves,
            [6]
        );
    }

    #[test]
    fn leftmost_blank_leaf_sees_the_diff() {
        // Leaf 1 blank in the base; 130 leaves so the bitmap spans words.
        let mut wire: Vec<Option<Node>> = vec![None; 2 * 130 - 1];
        for i in (0..130u32).filter(|&i| i != 1) {
            let mut l = leaf_node(0);
            l.encryption_key = i.to_be_bytes().to_vec().into();
            wire[2 * i as usize] = Some(Node::Leaf(l));
        }
        let tree = RatchetTree::from_wire(Wire::from_nodes(wire)).unwrap();
        assert_eq!(tree.leaf_count(), 256);
        assert_eq!(tree.member_count(), 129);
        assert_eq!(tree.member_count(), tree.members().count());
        let mut diff = tree.diff();
        assert_eq!(diff.leftmost_blank_leaf(), LeafIndex::new(1).ok());
        diff.set_leaf(LeafIndex::new(1).unwrap(), Some(leaf_node(200)))
            .unwrap();
        assert_eq!(diff.leftmost_blank_leaf(), LeafIndex::new(130).ok());
        diff.set_leaf(LeafIndex::new(70).unwrap(), None).unwrap();
        assert_eq!(diff.leftmost_blank_leaf(), LeafIndex::new(70).ok());
        let changes = diff.into_changes();
        let mut tree = tree;
        tree.merge(changes);
        // Leaf 1 filled, leaf 70 blanked.
        assert_eq!(tree.member_count(), 129);
        tree.add_leaf(leaf_node(201)).unwrap();
        assert_eq!(tree.member_count(), 130);
        assert_eq!(tree.member_count(), tree.members().count());
    }

    #[test]
    fn remove_truncates_and_dropping_a_diff_changes_nothing() {
        let tree = RatchetTree::from_wire(Wire::from_nodes(vec![
            leaf(1),
            parent(2, vec![]),
            leaf(3),
            None,
            leaf(5),
        ]))
        .unwrap();
        assert_eq!(tree.leaf_count(), 4);
        let before = tree.to_wire();
        {
            let mut diff = tree.diff();
            diff.remove_leaf(LeafIndex::new(2).unwrap()).unwrap();
            assert_eq!(diff.leaf_count(), 2);
            diff.remove_leaf(LeafIndex::new(1).unwrap()).unwrap();
            assert_eq!(diff.leaf_count(), 1);
            assert_eq!(diff.to_wire().len(), 1);
            assert_eq!(
                diff.remove_leaf(LeafIndex::new(1).unwrap()).unwrap_err(),
                TreeKemError::BlankLeaf { leaf: 1 }
            );
        }
        assert_eq!(tree.to_wire(), before);
    }
}
