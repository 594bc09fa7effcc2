//! Resolution and filtered direct path (RFC 9420 §4.1.2).
//!
//! The resolution of a non-blank node is the node followed by its unmerged
//! leaves; of a blank leaf, empty; of a blank parent, the resolution of its
//! left child followed by that of its right child. The filtered direct path
//! of a leaf is its direct path without the nodes whose copath child has an
//! empty resolution (unmerged leaves count).

use mls_treemath::{LeafIndex, NodeIndex};

use crate::Result;
use crate::view::{NodeRef, TreeView};

/// The resolution of `node` as node indices, in order (RFC 9420 §4.1.2).
pub fn resolution<V: TreeView + ?Sized>(view: &V, node: NodeIndex) -> Vec<NodeIndex> {
    let mut out = Vec::new();
    resolution_into(view, node, &[], &mut out);
    out
}

/// The resolution of `node` without the leaves in `excluded` (sorted leaf
/// indices; RFC 9420 §7.5: leaves added by the same Commit receive no
/// ciphertext), appended to `out`.
pub fn resolution_into<V: TreeView + ?Sized>(
    view: &V,
    node: NodeIndex,
    excluded: &[u32],
    out: &mut Vec<NodeIndex>,
) {
    if view.subtree_blank(node) {
        return;
    }
    let is_excluded = |leaf: u32| excluded.binary_search(&leaf).is_ok();
    match view.node(node) {
        Some(NodeRef::Leaf(_)) => {
            if let Some(leaf) = node.leaf()
                && !is_excluded(leaf.get())
            {
                out.push(node);
            }
        }
        Some(NodeRef::Parent(p)) => {
            out.push(node);
            for &u in &p.unmerged_leaves {
                if let Ok(leaf) = LeafIndex::new(u)
                    && !is_excluded(u)
                {
                    out.push(leaf.node());
                }
            }
        }
        None => {
            if let (Some(l), Some(r)) = (node.left(), node.right())
                && view.size().contains_node(node)
            {
                resolution_into(view, l, excluded, out);
                resolution_into(view, r, excluded, out);
            }
        }
    }
}

/// Whether the resolution of `node` is empty, i.e. its subtree holds no
/// non-blank node. Stops at the first non-blank node found.
pub fn resolution_is_empty<V: TreeView + ?Sized>(view: &V, node: NodeIndex) -> bool {
    if view.subtree_blank(node) {
        return true;
    }
    if view.node(node).is_some() {
        return false;
    }
    match (node.left(), node.right()) {
        (Some(l), Some(r)) if view.size().contains_node(node) => {
            resolution_is_empty(view, l) && resolution_is_empty(view, r)
        }
        _ => true,
    }
}

/// One node of a filtered direct path with the copath child below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathStep {
    /// The node on the filtered direct path.
    pub node: NodeIndex,
    /// Its child that is not on the direct path (the copath node whose
    /// resolution receives the path secret).
    pub copath_child: NodeIndex,
}

/// The filtered direct path of `leaf`, bottom-up, each node with its copath
/// child (RFC 9420 §4.1.2).
pub fn filtered_direct_path<V: TreeView + ?Sized>(
    view: &V,
    leaf: LeafIndex,
) -> Result<Vec<PathStep>> {
    let size = view.size();
    let start = size.check_leaf(leaf)?.node();
    let mut out = Vec::new();
    let path = size.direct_path_iter(start)?;
    let copath = size.copath_iter(start)?;
    for (node, copath_child) in path.zip(copath) {
        if !resolution_is_empty(view, copath_child) {
            out.push(PathStep { node, copath_child });
        }
    }
    Ok(out)
}
