//! Relations that depend on the size of the tree: root, parent, sibling,
//! direct path, copath and common ancestor (RFC 9420 §4.1, Appendix C).
//!
//! RFC 9420 trees are always full: the leaf count is a power of two (§7.7
//! doubles the tree when it is full and truncates it back to a power of
//! two). [`TreeSize`] is such a full tree; every method checks that its
//! arguments lie inside it and answers with a [`TreeMathError`] otherwise,
//! so no input can make it panic.

use crate::{LeafCount, LeafIndex, NodeCount, NodeIndex, TreeMathError, node_width};

/// The shape of a full RFC 9420 tree: a power-of-two number of leaves, from 1
/// to 2^31.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TreeSize {
    /// Invariant: a power of two.
    leaves: LeafCount,
}

impl TreeSize {
    /// The full tree for `n` leaves: `n` rounded up to a power of two.
    pub const fn new(n: LeafCount) -> TreeSize {
        TreeSize { leaves: n.padded() }
    }

    /// The full tree for `n` leaves; fails for 0 and above 2^31.
    pub const fn for_leaves(n: u32) -> Result<TreeSize, TreeMathError> {
        match LeafCount::new(n) {
            Ok(c) => Ok(TreeSize::new(c)),
            Err(e) => Err(e),
        }
    }

    /// The smallest full tree whose node array holds at least `nodes` nodes
    /// (for a node list received truncated, RFC 9420 §12.4.3.3); fails for 0.
    pub fn covering_width(nodes: u32) -> Result<TreeSize, TreeMathError> {
        if nodes == 0 {
            return Err(TreeMathError::EmptyTree);
        }
        // A full tree of L leaves has 2L - 1 nodes, so L = floor(nodes / 2) + 1
        // leaves are enough; at most 2^31.
        TreeSize::for_leaves(nodes / 2 + 1)
    }

    /// The smallest full tree that contains `leaf`.
    pub const fn covering_leaf(leaf: LeafIndex) -> TreeSize {
        // leaf < 2^31, so leaf + 1 is a valid leaf count.
        TreeSize {
            leaves: LeafCount::covering(leaf),
        }
    }

    /// The number of leaves (a power of two).
    pub const fn leaf_count(self) -> LeafCount {
        self.leaves
    }

    /// The number of nodes, `2 * leaves - 1` (RFC 9420 Appendix C `node_width`).
    pub const fn width(self) -> NodeCount {
        node_width(self.leaves)
    }

    /// The root node (RFC 9420 Appendix C `root`): `leaves - 1` in a full tree.
    pub const fn root(self) -> NodeIndex {
        NodeIndex::new(self.leaves.get() - 1)
    }

    /// The level of the root, i.e. log2 of the leaf count (0 for one leaf).
    pub const fn depth(self) -> u32 {
        self.leaves.get().trailing_zeros()
    }

    /// The tree with twice as many leaves (RFC 9420 §7.7, adding to a full
    /// tree); fails beyond 2^31 leaves.
    pub const fn extended(self) -> Result<TreeSize, TreeMathError> {
        let doubled = self.leaves.get() as u64 * 2;
        if doubled > crate::MAX_LEAVES as u64 {
            return Err(TreeMathError::TooManyLeaves(doubled));
        }
        TreeSize::for_leaves(doubled as u32)
    }

    /// The tree with half as many leaves (RFC 9420 §7.8, truncation); `None`
    /// for a one-leaf tree.
    pub const fn truncated(self) -> Option<TreeSize> {
        match TreeSize::for_leaves(self.leaves.get() / 2) {
            Ok(t) => Some(t),
            Err(_) => None,
        }
    }

    /// Whether `x` is a node of this tree.
    pub const fn contains_node(self, x: NodeIndex) -> bool {
        x.get() < self.width().get()
    }

    /// Whether `leaf` is a leaf of this tree.
    pub const fn contains_leaf(self, leaf: LeafIndex) -> bool {
        leaf.get() < self.leaves.get()
    }

    /// `x` itself if it is a node of this tree, else [`TreeMathError::NodeOutsideTree`].
    pub const fn check_node(self, x: NodeIndex) -> Result<NodeIndex, TreeMathError> {
        if self.contains_node(x) {
            Ok(x)
        } else {
            Err(TreeMathError::NodeOutsideTree {
                node: x.get(),
                width: self.width().get(),
            })
        }
    }

    /// `leaf` itself if it is a leaf of this tree, else [`TreeMathError::LeafOutsideTree`].
    pub const fn check_leaf(self, leaf: LeafIndex) -> Result<LeafIndex, TreeMathError> {
        if self.contains_leaf(leaf) {
            Ok(leaf)
        } else {
            Err(TreeMathError::LeafOutsideTree {
                leaf: leaf.get(),
                leaves: self.leaves.get(),
            })
        }
    }

    /// The left child of `x` (RFC 9420 Appendix C `left`).
    pub fn left(self, x: NodeIndex) -> Result<NodeIndex, TreeMathError> {
        self.check_node(x)?
            .left()
            .ok_or(TreeMathError::LeafHasNoChildren(x.get()))
    }

    /// The right child of `x` (RFC 9420 Appendix C `right`).
    pub fn right(self, x: NodeIndex) -> Result<NodeIndex, TreeMathError> {
        self.check_node(x)?
            .right()
            .ok_or(TreeMathError::LeafHasNoChildren(x.get()))
    }

    /// The parent of `x` (RFC 9420 Appendix C `parent`); the root has none.
    pub fn parent(self, x: NodeIndex) -> Result<NodeIndex, TreeMathError> {
        self.check_below_root(x)?;
        Ok(parent_of(x))
    }

    /// The other child of `x`'s parent (RFC 9420 Appendix C `sibling`); the
    /// root has none.
    pub fn sibling(self, x: NodeIndex) -> Result<NodeIndex, TreeMathError> {
        self.check_below_root(x)?;
        Ok(sibling_of(x))
    }

    /// The direct path of `x`: its ancestors from its parent up to and
    /// including the root, bottom-up (RFC 9420 §4.1, Appendix C
    /// `direct_path`). Empty for the root.
    pub fn direct_path(self, x: NodeIndex) -> Result<Vec<NodeIndex>, TreeMathError> {
        Ok(self.direct_path_iter(x)?.collect())
    }

    /// The copath of `x`: the sibling of `x` and of each node of its direct
    /// path except the root, bottom-up (RFC 9420 §4.1, Appendix C `copath`).
    /// As long as the direct path; empty for the root.
    pub fn copath(self, x: NodeIndex) -> Result<Vec<NodeIndex>, TreeMathError> {
        Ok(self.copath_iter(x)?.collect())
    }

    /// The direct path of `x` as an iterator, without allocating.
    pub fn direct_path_iter(self, x: NodeIndex) -> Result<DirectPath, TreeMathError> {
        self.check_node(x)?;
        Ok(DirectPath {
            current: x,
            root: self.root(),
        })
    }

    /// The copath of `x` as an iterator, without allocating.
    pub fn copath_iter(self, x: NodeIndex) -> Result<Copath, TreeMathError> {
        Ok(Copath {
            path: self.direct_path_iter(x)?,
        })
    }

    /// The lowest node that is `x` or one of its ancestors and also `y` or one
    /// of its ancestors (RFC 9420 Appendix C `common_ancestor`). When one node
    /// is an ancestor of the other, that ancestor is the answer.
    pub fn common_ancestor(self, x: NodeIndex, y: NodeIndex) -> Result<NodeIndex, TreeMathError> {
        self.check_node(x)?;
        self.check_node(y)?;
        // The subtree of a node at level L is the run of indices sharing all
        // bits above bit L. Find the lowest L, at least the level of both
        // nodes, where x and y agree above bit L; the node of that run is
        // those bits followed by 0 and then L ones.
        let (a, b) = (u64::from(x.get()), u64::from(y.get()));
        let mut level = x.level().max(y.level());
        while (a >> (level + 1)) != (b >> (level + 1)) {
            level += 1;
        }
        let node = ((a >> (level + 1)) << (level + 1)) | ((1u64 << level) - 1);
        // Both nodes are in the tree, so their ancestor is too (at most the
        // root, below 2^31).
        u32::try_from(node)
            .map(NodeIndex::new)
            .map_err(|_| TreeMathError::NodeOutsideTree {
                node: u32::MAX,
                width: self.width().get(),
            })
    }

    fn check_below_root(self, x: NodeIndex) -> Result<(), TreeMathError> {
        self.check_node(x)?;
        if x == self.root() {
            Err(TreeMathError::RootHasNoParent(x.get()))
        } else {
            Ok(())
        }
    }
}

/// The parent of a non-root node of a full tree: set bit `k` and clear bit
/// `k + 1` if it was set (RFC 9420 Appendix C `parent`). The caller ensures
/// the node is below the root, so its level is at most 30 and no shift
/// overflows.
fn parent_of(x: NodeIndex) -> NodeIndex {
    let v = x.get();
    let k = x.level();
    let b = (v >> (k + 1)) & 1;
    NodeIndex::new((v | (1 << k)) ^ (b << (k + 1)))
}

/// The sibling of a non-root node: flip bit `k + 1` (same preconditions as
/// [`parent_of`]).
fn sibling_of(x: NodeIndex) -> NodeIndex {
    NodeIndex::new(x.get() ^ (2 << x.level()))
}

/// Iterator over a direct path, bottom-up, ending with the root.
#[derive(Debug, Clone)]
pub struct DirectPath {
    current: NodeIndex,
    root: NodeIndex,
}

impl Iterator for DirectPath {
    type Item = NodeIndex;

    fn next(&mut self) -> Option<NodeIndex> {
        if self.current == self.root {
            return None;
        }
        self.current = parent_of(self.current);
        Some(self.current)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.root.level() - self.current.level()) as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for DirectPath {}

/// Iterator over a copath, bottom-up.
#[derive(Debug, Clone)]
pub struct Copath {
    path: DirectPath,
}

impl Iterator for Copath {
    type Item = NodeIndex;

    fn next(&mut self) -> Option<NodeIndex> {
        let below = self.path.current;
        self.path.next().map(|_| sibling_of(below))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.path.size_hint()
    }
}

impl ExactSizeIterator for Copath {}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: u32) -> NodeIndex {
        NodeIndex::new(x)
    }

    fn nodes(xs: &[u32]) -> Vec<NodeIndex> {
        xs.iter().copied().map(n).collect()
    }

    fn tree(leaves: u32) -> TreeSize {
        TreeSize::for_leaves(leaves).expect("valid leaf count")
    }

    #[test]
    fn eight_leaf_tree_of_appendix_c() {
        let t = tree(8);
        assert_eq!(t.width().get(), 15);
        assert_eq!(t.root(), n(7));
        assert_eq!(t.depth(), 3);
        assert_eq!(t.parent(n(0)), Ok(n(1)));
        assert_eq!(t.parent(n(2)), Ok(n(1)));
        assert_eq!(t.parent(n(1)), Ok(n(3)));
        assert_eq!(t.parent(n(5)), Ok(n(3)));
        assert_eq!(t.parent(n(3)), Ok(n(7)));
        assert_eq!(t.parent(n(11)), Ok(n(7)));
        assert_eq!(t.parent(n(14)), Ok(n(13)));
        assert_eq!(t.sibling(n(0)), Ok(n(2)));
        assert_eq!(t.sibling(n(5)), Ok(n(1)));
        assert_eq!(t.sibling(n(3)), Ok(n(11)));
        assert_eq!(t.left(n(7)), Ok(n(3)));
        assert_eq!(t.right(n(7)), Ok(n(11)));
        assert_eq!(t.direct_path(n(0)), Ok(nodes(&[1, 3, 7])));
        assert_eq!(t.copath(n(0)), Ok(nodes(&[2, 5, 11])));
        assert_eq!(t.direct_path(n(10)), Ok(nodes(&[9, 11, 7])));
        assert_eq!(t.copath(n(10)), Ok(nodes(&[8, 13, 3])));
        assert_eq!(t.direct_path(n(7)), Ok(vec![]));
        assert_eq!(t.copath(n(7)), Ok(vec![]));
        assert_eq!(t.common_ancestor(n(0), n(2)), Ok(n(1)));
        assert_eq!(t.common_ancestor(n(0), n(4)), Ok(n(3)));
        assert_eq!(t.common_ancestor(n(2), n(12)), Ok(n(7)));
        assert_eq!(t.common_ancestor(n(5), n(3)), Ok(n(3)));
        assert_eq!(t.common_ancestor(n(6), n(6)), Ok(n(6)));
    }

    #[test]
    fn undefined_cases_are_errors() {
        let t = tree(8);
        assert_eq!(t.parent(n(7)), Err(TreeMathError::RootHasNoParent(7)));
        assert_eq!(t.sibling(n(7)), Err(TreeMathError::RootHasNoParent(7)));
        assert_eq!(t.left(n(4)), Err(TreeMathError::LeafHasNoChildren(4)));
        assert_eq!(t.right(n(4)), Err(TreeMathError::LeafHasNoChildren(4)));
        let outside = TreeMathError::NodeOutsideTree {
            node: 15,
            width: 15,
        };
        assert_eq!(t.parent(n(15)), Err(outside));
        assert_eq!(t.direct_path(n(15)), Err(outside));
        assert_eq!(t.common_ancestor(n(0), n(15)), Err(outside));
        let leaf = LeafIndex::new(8).expect("small leaf");
        assert_eq!(
            t.check_leaf(leaf),
            Err(TreeMathError::LeafOutsideTree { leaf: 8, leaves: 8 })
        );
        assert_eq!(TreeSize::for_leaves(0), Err(TreeMathError::EmptyTree));
        assert!(TreeSize::for_leaves(u32::MAX).is_err());
        let one = tree(1);
        assert_eq!(one.root(), n(0));
        assert_eq!(one.parent(n(0)), Err(TreeMathError::RootHasNoParent(0)));
        assert_eq!(one.direct_path(n(0)), Ok(vec![]));
    }

    #[test]
    fn sizes_pad_extend_and_truncate() {
        assert_eq!(tree(5), tree(8));
        assert_eq!(tree(8).extended(), Ok(tree(16)));
        assert!(tree(crate::MAX_LEAVES).extended().is_err());
        assert_eq!(tree(8).truncated(), Some(tree(4)));
        assert_eq!(tree(1).truncated(), None);
        assert_eq!(TreeSize::covering_width(0), Err(TreeMathError::EmptyTree));
        assert_eq!(TreeSize::covering_width(1), Ok(tree(1)));
        assert_eq!(TreeSize::covering_width(3), Ok(tree(2)));
        assert_eq!(TreeSize::covering_width(4), Ok(tree(4)));
        assert_eq!(TreeSize::covering_width(15), Ok(tree(8)));
        assert_eq!(TreeSize::covering_width(u32::MAX), Ok(tree(1 << 31)));
        let leaf = |x| LeafIndex::new(x).expect("leaf");
        assert_eq!(TreeSize::covering_leaf(leaf(0)), tree(1));
        assert_eq!(TreeSize::covering_leaf(leaf(4)), tree(8));
        assert_eq!(
            TreeSize::covering_leaf(leaf(crate::MAX_LEAVES - 1)),
            tree(crate::MAX_LEAVES)
        );
    }

    #[test]
    fn largest_tree_has_no_overflow() {
        let t = tree(crate::MAX_LEAVES);
        assert_eq!(t.width().get(), u32::MAX);
        assert_eq!(t.root(), n((1 << 31) - 1));
        let last = LeafIndex::new(crate::MAX_LEAVES - 1).expect("leaf").node();
        let dp = t.direct_path(last).expect("in tree");
        assert_eq!(dp.len(), 31);
        assert_eq!(dp.last(), Some(&t.root()));
        assert_eq!(t.copath(last).map(|c| c.len()), Ok(31));
        assert_eq!(t.common_ancestor(n(0), last), Ok(t.root()));
        assert!(t.parent(n(u32::MAX)).is_err());
    }

    /// A literal transcription of the RFC 9420 Appendix C Python code, for
    /// comparing against on every node of small trees.
    mod reference {
        pub fn log2(x: u64) -> u64 {
            if x == 0 {
                return 0;
            }
            let mut k = 0;
            while (x >> k) > 0 {
                k += 1;
            }
            k - 1
        }
        pub fn level(x: u64) -> u64 {
            if x & 1 == 0 {
                return 0;
            }
            let mut k = 0;
            while (x >> k) & 1 == 1 {
                k += 1;
            }
            k
        }
        pub fn root(n: u64) -> u64 {
            let w = 2 * (n - 1) + 1;
            (1 << log2(w)) - 1
        }
        pub fn left(x: u64) -> Option<u64> {
            let k = level(x);
            (k != 0).then(|| x ^ (1 << (k - 1)))
        }
        pub fn right(x: u64) -> Option<u64> {
            let k = level(x);
            (k != 0).then(|| x ^ (3 << (k - 1)))
        }
        pub fn parent(x: u64, n: u64) -> Option<u64> {
            if x == root(n) {
                return None;
            }
            let k = level(x);
            let b = (x >> (k + 1)) & 1;
            Some((x | (1 << k)) ^ (b << (k + 1)))
        }
        pub fn sibling(x: u64, n: u64) -> Option<u64> {
            let p = parent(x, n)?;
            if x < p { right(p) } else { left(p) }
        }
        pub fn direct_path(mut x: u64, n: u64) -> Vec<u64> {
            let r = root(n);
            let mut d = vec![];
            while x != r {
                x = parent(x, n).expect("not root");
                d.push(x);
            }
            d
        }
        pub fn copath(x: u64, n: u64) -> Vec<u64> {
            let mut d = direct_path(x, n);
            d.insert(0, x);
            d.pop();
            d.into_iter()
                .map(|y| sibling(y, n).expect("not root"))
                .collect()
        }
    }

    #[test]
    fn matches_appendix_c_reference_on_small_trees() {
        let v = |x: NodeIndex| u64::from(x.get());
        for depth in 0..=8 {
            let t = tree(1 << depth);
            let leaves = u64::from(t.leaf_count().get());
            assert_eq!(v(t.root()), reference::root(leaves));
            for x in 0..t.width().get() {
                let (x64, node) = (u64::from(x), n(x));
                assert_eq!(u64::from(node.level()), reference::level(x64));
                assert_eq!(t.left(node).ok().map(v), reference::left(x64));
                assert_eq!(t.right(node).ok().map(v), reference::right(x64));
                assert_eq!(t.parent(node).ok().map(v), reference::parent(x64, leaves));
                assert_eq!(t.sibling(node).ok().map(v), reference::sibling(x64, leaves));
                let dp: Vec<u64> = t
                    .direct_path(node)
                    .expect("in tree")
                    .into_iter()
                    .map(v)
                    .collect();
                assert_eq!(dp, reference::direct_path(x64, leaves));
                let cp: Vec<u64> = t
                    .copath(node)
                    .expect("in tree")
                    .into_iter()
                    .map(v)
                    .collect();
                assert_eq!(cp, reference::copath(x64, leaves));
            }
        }
    }
}
