//! Tree hashes (RFC 9420 §7.8) and parent hashes (§7.9).
//!
//! The tree hash of a node is the hash of its `TreeHashInput`: node type 1
//! with `LeafNodeHashInput { uint32 leaf_index; optional<LeafNode> }`, or
//! node type 2 with `ParentNodeHashInput { optional<ParentNode>;
//! opaque left_hash<V>; opaque right_hash<V> }`.
//!
//! Hashes are cached per node. [`compute_tree_hash`] consults, in order, the
//! view's own cache ([`TreeView::cached_hash`]) and a [`HashStore`] it fills,
//! so after a change only the changed nodes and their direct path are hashed
//! again.
//!
//! The parent hash of P with copath child S is the hash of
//! `ParentHashInput { encryption_key<V>; parent_hash<V>;
//! original_sibling_tree_hash<V> }`, where the original sibling tree hash is
//! the tree hash of S with P's unmerged leaves blanked and removed from every
//! `unmerged_leaves` list ([`original_tree_hash`]). It reuses cached subtree
//! hashes for every subtree that holds none of those leaves, so its cost is
//! proportional to the number of removed leaves times the depth, not to the
//! size of S.

use std::collections::BTreeMap;

use mls_codec::{LeafNode, ParentNode};
use mls_crypto::CipherSuiteProvider;
use mls_treemath::{LeafIndex, NodeIndex};
use tls_codec::{Serialize, VLByteSlice};

use crate::view::TreeView;
use crate::{Result, TreeKemError};

/// `NodeType` values (RFC 9420 §7.8).
const NODE_TYPE_LEAF: u8 = 1;
const NODE_TYPE_PARENT: u8 = 2;

/// Append `opaque data<V>`.
pub(crate) fn push_opaque(out: &mut Vec<u8>, data: &[u8]) -> Result<()> {
    VLByteSlice(data)
        .tls_serialize(out)
        .map(|_| ())
        .map_err(|_| TreeKemError::Crypto(mls_crypto::CryptoError::EncodingFailed))
}

/// Append the encoding of a codec value.
fn push_encoded<T: Serialize>(out: &mut Vec<u8>, value: &T) -> Result<()> {
    out.extend_from_slice(&mls_codec::encode(value)?);
    Ok(())
}

/// The tree hash of a leaf position (RFC 9420 §7.8, `LeafNodeHashInput`).
pub fn leaf_tree_hash(
    cs: &dyn CipherSuiteProvider,
    leaf: LeafIndex,
    node: Option<&LeafNode>,
) -> Result<Vec<u8>> {
    let mut input = Vec::with_capacity(256);
    input.push(NODE_TYPE_LEAF);
    input.extend_from_slice(&leaf.get().to_be_bytes());
    match node {
        None => input.push(0),
        Some(n) => {
            input.push(1);
            push_encoded(&mut input, n)?;
        }
    }
    Ok(cs.hash(&input))
}

/// The tree hash of a parent position from its children's hashes
/// (RFC 9420 §7.8, `ParentNodeHashInput`).
pub fn parent_tree_hash(
    cs: &dyn CipherSuiteProvider,
    node: Option<&ParentNode>,
    left_hash: &[u8],
    right_hash: &[u8],
) -> Result<Vec<u8>> {
    let mut input = Vec::with_capacity(128 + left_hash.len() + right_hash.len());
    input.push(NODE_TYPE_PARENT);
    match node {
        None => input.push(0),
        Some(n) => {
            input.push(1);
            push_encoded(&mut input, n)?;
        }
    }
    push_opaque(&mut input, left_hash)?;
    push_opaque(&mut input, right_hash)?;
    Ok(cs.hash(&input))
}

/// The parent hash of a node (RFC 9420 §7.9, `ParentHashInput`).
pub fn parent_hash(
    cs: &dyn CipherSuiteProvider,
    encryption_key: &[u8],
    parent_hash: &[u8],
    original_sibling_tree_hash: &[u8],
) -> Result<Vec<u8>> {
    let mut input = Vec::with_capacity(
        encryption_key.len() + parent_hash.len() + original_sibling_tree_hash.len() + 12,
    );
    push_opaque(&mut input, encryption_key)?;
    push_opaque(&mut input, parent_hash)?;
    push_opaque(&mut input, original_sibling_tree_hash)?;
    Ok(cs.hash(&input))
}

/// Where computed tree hashes are memoized.
pub(crate) trait HashStore {
    /// A memoized hash.
    fn get(&self, node: NodeIndex) -> Option<&[u8]>;
    /// Memoize a hash.
    fn put(&mut self, node: NodeIndex, hash: Vec<u8>);
}

/// A memo in a map (used by change sets and by one-off computations).
impl HashStore for BTreeMap<NodeIndex, Vec<u8>> {
    fn get(&self, node: NodeIndex) -> Option<&[u8]> {
        BTreeMap::get(self, &node).map(Vec::as_slice)
    }

    fn put(&mut self, node: NodeIndex, hash: Vec<u8>) {
        self.insert(node, hash);
    }
}

/// The tree hash of `node` in `view`, using and filling the caches.
pub(crate) fn compute_tree_hash<V: TreeView + ?Sized, S: HashStore>(
    view: &V,
    store: &mut S,
    cs: &dyn CipherSuiteProvider,
    node: NodeIndex,
) -> Result<Vec<u8>> {
    if let Some(h) = view.cached_hash(node) {
        return Ok(h.to_vec());
    }
    if let Some(h) = store.get(node) {
        return Ok(h.to_vec());
    }
    let hash = match node.leaf() {
        Some(leaf) => leaf_tree_hash(cs, leaf, view.leaf(leaf))?,
        None => {
            let (left, right) = children(node)?;
            let lh = compute_tree_hash(view, store, cs, left)?;
            let rh = compute_tree_hash(view, store, cs, right)?;
            parent_tree_hash(cs, view.parent(node), &lh, &rh)?
        }
    };
    store.put(node, hash.clone());
    Ok(hash)
}

/// The two children of a parent node.
pub(crate) fn children(node: NodeIndex) -> Result<(NodeIndex, NodeIndex)> {
    match (node.left(), node.right()) {
        (Some(l), Some(r)) => Ok((l, r)),
        _ => Err(TreeKemError::TreeMath(
            mls_treemath::TreeMathError::LeafHasNoChildren(node.get()),
        )),
    }
}

/// The part of a sorted leaf list that lies in the subtree of `node`.
pub(crate) fn leaves_below(sorted: &[u32], node: NodeIndex) -> &[u32] {
    match node.leaf_span() {
        Some((lo, hi)) => {
            let start = sorted.partition_point(|&l| l < lo.get());
            let end = sorted.partition_point(|&l| l <= hi.get());
            sorted.get(start..end).unwrap_or(&[])
        }
        None => &[],
    }
}

/// The tree hash of `node` after blanking the leaves in `excluded` (sorted,
/// ascending) and removing them from every `unmerged_leaves` list below
/// `node` (RFC 9420 §7.9, `original_sibling_tree_hash`).
///
/// Subtrees that hold none of the excluded leaves use the cached hash.
pub(crate) fn original_tree_hash<V: TreeView + ?Sized, S: HashStore>(
    view: &V,
    store: &mut S,
    cs: &dyn CipherSuiteProvider,
    node: NodeIndex,
    excluded: &[u32],
) -> Result<Vec<u8>> {
    let excluded = leaves_below(excluded, node);
    if excluded.is_empty() {
        return compute_tree_hash(view, store, cs, node);
    }
    match node.leaf() {
        // The only leaf below a leaf position is the leaf itself: blank it.
        Some(leaf) => leaf_tree_hash(cs, leaf, None),
        None => {
            let (left, right) = children(node)?;
            let lh = original_tree_hash(view, store, cs, left, excluded)?;
            let rh = original_tree_hash(view, store, cs, right, excluded)?;
            let filtered = view.parent(node).map(|p| {
                let mut p = p.clone();
                p.unmerged_leaves
                    .retain(|l| excluded.binary_search(l).is_err());
                p
            });
            parent_tree_hash(cs, filtered.as_ref(), &lh, &rh)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_below_selects_the_subtree_span() {
        let list = [0, 2, 3, 5, 7];
        // Node 5 spans leaves 2..=3; node 11 spans leaves 4..=7; leaf 0 only itself.
        assert_eq!(leaves_below(&list, NodeIndex::new(5)), [2, 3]);
        assert_eq!(leaves_below(&list, NodeIndex::new(11)), [5, 7]);
        assert_eq!(leaves_below(&list, NodeIndex::new(0)), [0]);
        assert!(leaves_below(&list, NodeIndex::new(2)).is_empty());
    }

    #[test]
    fn opaque_fields_have_varint_length() {
        // The fields of ParentHashInput and ParentNodeHashInput are opaque<V>.
        let mut input = Vec::new();
        push_opaque(&mut input, &[1, 2]).unwrap_or_default();
        push_opaque(&mut input, &[]).unwrap_or_default();
        assert_eq!(input, [2, 1, 2, 0]);
    }
}
