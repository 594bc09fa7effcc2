//! Property tests of the tree relations (RFC 9420 Appendix C) over trees of
//! 1 to 2^31 leaves, and totality over arbitrary `u32` inputs.

use mls_treemath::{LeafCount, LeafIndex, NodeIndex, TreeSize};
use proptest::prelude::*;

/// A full tree of 2^0 ..= 2^31 leaves and a node inside it.
fn tree_and_node() -> impl Strategy<Value = (TreeSize, NodeIndex)> {
    (0u32..=31).prop_flat_map(|depth| {
        let tree = TreeSize::for_leaves(1 << depth).expect("power of two up to 2^31");
        (Just(tree), (0..tree.width().get()).prop_map(NodeIndex::new))
    })
}

/// A full tree and two nodes inside it.
fn tree_and_two_nodes() -> impl Strategy<Value = (TreeSize, NodeIndex, NodeIndex)> {
    (0u32..=31).prop_flat_map(|depth| {
        let tree = TreeSize::for_leaves(1 << depth).expect("power of two up to 2^31");
        let node = (0..tree.width().get()).prop_map(NodeIndex::new);
        (Just(tree), node.clone(), node)
    })
}

proptest! {
    #[test]
    fn parent_and_children_are_inverse((tree, x) in tree_and_node()) {
        if let Ok(p) = tree.parent(x) {
            prop_assert!(tree.contains_node(p));
            prop_assert_eq!(p.level(), x.level() + 1);
            let l = tree.left(p).expect("parent has children");
            let r = tree.right(p).expect("parent has children");
            prop_assert!(x == l || x == r);
        } else {
            prop_assert_eq!(x, tree.root());
        }
        match (tree.left(x), tree.right(x)) {
            (Ok(l), Ok(r)) => {
                prop_assert!(!x.is_leaf());
                prop_assert!(l < x && x < r);
                prop_assert_eq!(tree.parent(l), Ok(x));
                prop_assert_eq!(tree.parent(r), Ok(x));
            }
            (Err(_), Err(_)) => prop_assert!(x.is_leaf()),
            _ => prop_assert!(false, "only one child of {}", x),
        }
    }

    #[test]
    fn sibling_is_symmetric((tree, x) in tree_and_node()) {
        if let Ok(s) = tree.sibling(x) {
            prop_assert_ne!(s, x);
            prop_assert_eq!(tree.sibling(s), Ok(x));
            prop_assert_eq!(tree.parent(s), tree.parent(x));
            prop_assert_eq!(s.level(), x.level());
        } else {
            prop_assert_eq!(x, tree.root());
        }
    }

    #[test]
    fn direct_path_climbs_to_the_root((tree, x) in tree_and_node()) {
        let path = tree.direct_path(x).expect("node in tree");
        prop_assert_eq!(path.len() as u32, tree.depth() - x.level());
        if x == tree.root() {
            prop_assert!(path.is_empty());
        } else {
            prop_assert_eq!(path.last().copied(), Some(tree.root()));
        }
        let mut below = x;
        for &node in &path {
            prop_assert_eq!(tree.parent(below), Ok(node));
            below = node;
        }
    }

    #[test]
    fn copath_pairs_with_direct_path((tree, x) in tree_and_node()) {
        let path = tree.direct_path(x).expect("node in tree");
        let copath = tree.copath(x).expect("node in tree");
        prop_assert_eq!(copath.len(), path.len());
        let mut below = x;
        for (&p, &c) in path.iter().zip(&copath) {
            prop_assert_eq!(tree.sibling(below), Ok(c));
            prop_assert_eq!(tree.parent(c), Ok(p));
            below = p;
        }
        prop_assert_eq!(tree.direct_path_iter(x).map(|i| i.len()), Ok(path.len()));
        prop_assert_eq!(tree.copath_iter(x).map(|i| i.len()), Ok(copath.len()));
    }

    #[test]
    fn common_ancestor_is_lowest_shared_node((tree, x, y) in tree_and_two_nodes()) {
        let a = tree.common_ancestor(x, y).expect("nodes in tree");
        prop_assert_eq!(tree.common_ancestor(y, x), Ok(a));
        let mut up_x = vec![x];
        up_x.extend(tree.direct_path(x).expect("node in tree"));
        let mut up_y = vec![y];
        up_y.extend(tree.direct_path(y).expect("node in tree"));
        prop_assert!(up_x.contains(&a));
        prop_assert!(up_y.contains(&a));
        // Lowest: the child of `a` on x's path is not on y's path.
        let lowest_shared = up_x.iter().find(|n| up_y.contains(n)).copied();
        prop_assert_eq!(lowest_shared, Some(a));
        if x != y && x.is_leaf() && y.is_leaf() {
            prop_assert!(tree.direct_path(x).expect("in tree").contains(&a));
            prop_assert!(tree.direct_path(y).expect("in tree").contains(&a));
        }
    }

    #[test]
    fn leaf_and_node_indices_round_trip((tree, x) in tree_and_node()) {
        match x.leaf() {
            Some(leaf) => {
                prop_assert!(x.is_leaf());
                prop_assert_eq!(leaf.node(), x);
                prop_assert!(tree.contains_leaf(leaf));
                prop_assert_eq!(x.leaf_span(), Some((leaf, leaf)));
            }
            None => prop_assert!(!x.is_leaf()),
        }
        let (first, last) = x.leaf_span().expect("node in a tree");
        prop_assert!(tree.contains_leaf(first) && tree.contains_leaf(last));
        prop_assert_eq!(tree.common_ancestor(first.node(), last.node()), Ok(x));
    }

    /// No u32 input makes any function panic.
    #[test]
    fn every_input_is_total(leaves in any::<u32>(), a in any::<u32>(), b in any::<u32>()) {
        let (x, y) = (NodeIndex::new(a), NodeIndex::new(b));
        let _ = (x.level(), x.left(), x.right(), x.leaf(), x.leaf_span(), x.is_leaf());
        if let Ok(leaf) = LeafIndex::new(a) {
            let _ = TreeSize::covering_leaf(leaf);
            prop_assert_eq!(leaf.node().leaf(), Some(leaf));
        }
        let _ = TreeSize::covering_width(a);
        let _ = LeafCount::new(leaves);
        if let Ok(tree) = TreeSize::for_leaves(leaves) {
            let inside = tree.contains_node(x);
            prop_assert_eq!(tree.parent(x).is_ok(), inside && x != tree.root());
            prop_assert_eq!(tree.sibling(x).is_ok(), inside && x != tree.root());
            prop_assert_eq!(tree.left(x).is_ok(), inside && !x.is_leaf());
            prop_assert_eq!(tree.right(x).is_ok(), inside && !x.is_leaf());
            prop_assert_eq!(tree.direct_path(x).is_ok(), inside);
            prop_assert_eq!(tree.copath(x).is_ok(), inside);
            prop_assert_eq!(tree.common_ancestor(x, y).is_ok(), inside && tree.contains_node(y));
            let _ = (tree.extended(), tree.truncated());
        } else {
            prop_assert!(leaves == 0 || leaves > mls_treemath::MAX_LEAVES);
        }
    }
}
