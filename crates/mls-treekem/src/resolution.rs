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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use mls_codec::{
        Capabilities, Credential, LeafNode, LeafNodeSource, Node, ParentNode, RatchetTree as Wire,
        VLBytes,
    };

    use super::*;
    use crate::RatchetTree;

    fn leaf(k: u8) -> Option<Node> {
        Some(Node::Leaf(LeafNode {
            encryption_key: vec![k; 32].into(),
            signature_key: vec![k; 32].into(),
            credential: Credential::basic(vec![k]),
            capabilities: Capabilities::default(),
            leaf_node_source: LeafNodeSource::Update,
            extensions: vec![],
            signature: VLBytes::new(vec![]),
        }))
    }

    fn parent(k: u8, unmerged: Vec<u32>) -> Option<Node> {
        Some(Node::Parent(ParentNode {
            encryption_key: vec![k; 32].into(),
            parent_hash: VLBytes::new(vec![]),
            unmerged_leaves: unmerged,
        }))
    }

    fn nodes(v: &[NodeIndex]) -> Vec<u32> {
        v.iter().map(|n| n.get()).collect()
    }

    #[test]
    fn rfc_resolution_example() {
        // RFC 9420 §4.1.2, "A Tree with Blanks and Unmerged Leaves": X = node 3
        // with unmerged B (leaf 1), Y = node 9, leaves 2 and 6 blank.
        let tree = RatchetTree::from_wire(Wire::from_nodes(vec![
            leaf(0xA),
            None,
            leaf(0xB),
            parent(0x10, vec![1]),
            None,
            None,
            leaf(0xD),
            None,
            leaf(0xE),
            parent(0x11, vec![]),
            leaf(0xF),
            None,
            None,
            None,
            leaf(0x8),
        ]))
        .unwrap();
        assert_eq!(nodes(&resolution(&tree, NodeIndex::new(3))), [3, 2]);
        assert!(resolution(&tree, NodeIndex::new(4)).is_empty());
        assert!(resolution(&tree, NodeIndex::new(12)).is_empty());
        assert_eq!(nodes(&resolution(&tree, NodeIndex::new(7))), [3, 2, 9, 14]);
        // Excluding leaf 1 (a new member) drops it from X's resolution.
        let mut out = Vec::new();
        resolution_into(&tree, NodeIndex::new(7), &[1, 7], &mut out);
        assert_eq!(nodes(&out), [3, 9]);
    }

    #[test]
    fn rfc_filtered_direct_path_example() {
        // RFC 9420 §4.1.2, "A Complete Tree with Five Members": T = 1,
        // W = 7, X = 9, Y = 11 non-blank; U = 3, V = 5, Z = 13 blank;
        // leaves 2, 3 and 7 blank.
        let tree = RatchetTree::from_wire(Wire::from_nodes(vec![
            leaf(0xA),
            parent(0x20, vec![]),
            leaf(0xB),
            None,
            None,
            None,
            None,
            parent(0x21, vec![]),
            leaf(0xE),
            parent(0x22, vec![]),
            leaf(0xF),
            parent(0x23, vec![]),
            leaf(0x6),
        ]))
        .unwrap();
        let fdp = |l: u32| -> Vec<u32> {
            filtered_direct_path(&tree, LeafIndex::new(l).unwrap())
                .unwrap()
                .iter()
                .map(|s| s.node.get())
                .collect()
        };
        assert_eq!(fdp(0), [1, 7]); // A: T, W
        assert_eq!(fdp(1), [1, 7]); // B: T, W
        assert_eq!(fdp(4), [9, 11, 7]); // E: X, Y, W
        assert_eq!(fdp(5), [9, 11, 7]); // F: X, Y, W
        assert_eq!(fdp(6), [11, 7]); // G: Y, W
    }
}
