//! Leaf and node indices (RFC 9420 §4.1, Appendix C).
//!
//! Leaves sit at the even positions of the flat node array: leaf `n` is node
//! `2n`; parent nodes take the odd positions. [`LeafIndex::node`] and
//! [`NodeIndex::leaf`] are the only conversions between the two numberings.
//!
//! The functions here do not need to know the size of the tree (level,
//! children, covered leaves); relations that do (parent, sibling, paths) live
//! on [`crate::TreeSize`].

use std::fmt;

use crate::TreeMathError;

/// The largest number of leaves a tree may have: with 2^31 leaves the node
/// width is 2^32 - 1, the most that `u32` node indices can address.
pub const MAX_LEAVES: u32 = 1 << 31;

/// The position of a member's leaf, counted over leaves only (RFC 9420 §4.1).
///
/// Always below [`MAX_LEAVES`], so that [`LeafIndex::node`] cannot overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LeafIndex(u32);

impl LeafIndex {
    /// A leaf index; fails for 2^31 or more, which no tree of `u32` node
    /// indices can hold. Whether the leaf is inside a particular tree is
    /// checked by [`crate::TreeSize::check_leaf`].
    pub const fn new(value: u32) -> Result<Self, TreeMathError> {
        if value < MAX_LEAVES {
            Ok(LeafIndex(value))
        } else {
            Err(TreeMathError::LeafIndexTooLarge(value))
        }
    }

    /// The leaf index as a number (the `u32` of the wire format).
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The leaf index as an array position in a list of leaves.
    pub const fn as_usize(self) -> usize {
        self.0 as usize
    }

    /// The node index of this leaf: leaf `n` is node `2n` (RFC 9420 Appendix C).
    pub const fn node(self) -> NodeIndex {
        // Cannot overflow: self.0 < 2^31.
        NodeIndex(self.0 << 1)
    }
}

impl TryFrom<u32> for LeafIndex {
    type Error = TreeMathError;

    fn try_from(value: u32) -> Result<Self, Self::Error> {
        LeafIndex::new(value)
    }
}

impl fmt::Display for LeafIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The position of a node in the flat array of the tree (RFC 9420 Appendix C).
///
/// Every `u32` is a node index; whether it lies inside a particular tree is
/// checked by [`crate::TreeSize::check_node`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeIndex(u32);

impl NodeIndex {
    /// A node index.
    pub const fn new(value: u32) -> Self {
        NodeIndex(value)
    }

    /// The node index as a number.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The node index as a position in the node array.
    pub const fn as_usize(self) -> usize {
        self.0 as usize
    }

    /// Whether this is a leaf node (an even index, RFC 9420 Appendix C).
    pub const fn is_leaf(self) -> bool {
        self.0 & 1 == 0
    }

    /// The leaf at this node, or `None` for a parent node (odd index).
    pub const fn leaf(self) -> Option<LeafIndex> {
        if self.is_leaf() {
            // self.0 / 2 < 2^31, so the LeafIndex invariant holds.
            Some(LeafIndex(self.0 >> 1))
        } else {
            None
        }
    }

    /// The level of the node: leaves are level 0, their parents level 1, and
    /// so on; it is the number of trailing one bits (RFC 9420 Appendix C `level`).
    /// Ranges over 0..=32 (32 only for `u32::MAX`, which is in no tree).
    pub const fn level(self) -> u32 {
        self.0.trailing_ones()
    }

    /// The left child (RFC 9420 Appendix C `left`); `None` for a leaf, and for
    /// `u32::MAX`, whose children would lie beyond `u32`.
    pub const fn left(self) -> Option<NodeIndex> {
        match self.level() {
            0 | 32 => None,
            k => Some(NodeIndex(self.0 ^ (1 << (k - 1)))),
        }
    }

    /// The right child (RFC 9420 Appendix C `right`); `None` for a leaf, and for
    /// `u32::MAX`, whose children would lie beyond `u32`.
    pub const fn right(self) -> Option<NodeIndex> {
        match self.level() {
            0 | 32 => None,
            // For k = 31 (node 2^31 - 1) the shifted 3 keeps both bits: 3 << 30.
            k => Some(NodeIndex(self.0 ^ (3 << (k - 1)))),
        }
    }

    /// The first and last leaf of the subtree rooted at this node (inclusive);
    /// `None` for `u32::MAX`, which roots no tree of `u32` indices.
    ///
    /// A node of level `k` spans the nodes `x - (2^k - 1) ..= x + (2^k - 1)`.
    pub const fn leaf_span(self) -> Option<(LeafIndex, LeafIndex)> {
        let k = self.level();
        if k >= 32 {
            return None;
        }
        let half = (1u64 << k) - 1;
        let lo = self.0 as u64 - half;
        let hi = self.0 as u64 + half;
        // Both even, and hi <= 2^32 - 2, so hi / 2 < 2^31.
        Some((LeafIndex((lo >> 1) as u32), LeafIndex((hi >> 1) as u32)))
    }
}

impl fmt::Display for NodeIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: u32) -> NodeIndex {
        NodeIndex::new(x)
    }

    #[test]
    fn leaf_node_conversion_follows_appendix_c() {
        // RFC 9420 Appendix C: "the n-th leaf at 2*n".
        for leaf in 0..8 {
            let l = LeafIndex::new(leaf).expect("small leaf");
            assert_eq!(l.node(), n(2 * leaf));
            assert_eq!(l.node().leaf(), Some(l));
        }
        assert_eq!(n(3).leaf(), None);
        let last = LeafIndex::new(MAX_LEAVES - 1).expect("largest leaf");
        assert_eq!(last.node(), n(u32::MAX - 1));
        assert_eq!(
            LeafIndex::new(MAX_LEAVES),
            Err(TreeMathError::LeafIndexTooLarge(MAX_LEAVES))
        );
        assert!(LeafIndex::try_from(u32::MAX).is_err());
    }

    #[test]
    fn levels_of_the_eight_leaf_tree() {
        // RFC 9420 Appendix C figure: nodes 0..=14, root 7.
        let levels = [0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 2, 0, 1, 0];
        for (x, want) in levels.iter().enumerate() {
            assert_eq!(n(x as u32).level(), *want, "node {x}");
        }
        assert_eq!(n(u32::MAX).level(), 32);
    }

    #[test]
    fn children_follow_the_bit_rule() {
        // parent = 01x => left = 00x, right = 10x.
        assert_eq!(n(7).left(), Some(n(3)));
        assert_eq!(n(7).right(), Some(n(11)));
        assert_eq!(n(3).left(), Some(n(1)));
        assert_eq!(n(11).right(), Some(n(13)));
        assert_eq!(n(1).left(), Some(n(0)));
        assert_eq!(n(1).right(), Some(n(2)));
        assert_eq!(n(4).left(), None);
        assert_eq!(n(4).right(), None);
        // The root of the largest tree and the one node index that is in no tree.
        let top = n(MAX_LEAVES - 1);
        assert_eq!(top.left(), Some(n((1 << 30) - 1)));
        assert_eq!(top.right(), Some(n(0xBFFF_FFFF)));
        assert_eq!(n(u32::MAX).left(), None);
        assert_eq!(n(u32::MAX).right(), None);
    }

    #[test]
    fn leaf_span_covers_the_subtree() {
        let l = |x: u32| LeafIndex::new(x).expect("small leaf");
        assert_eq!(n(6).leaf_span(), Some((l(3), l(3))));
        assert_eq!(n(5).leaf_span(), Some((l(2), l(3))));
        assert_eq!(n(7).leaf_span(), Some((l(0), l(7))));
        assert_eq!(n(11).leaf_span(), Some((l(4), l(7))));
        assert_eq!(
            n(MAX_LEAVES - 1).leaf_span(),
            Some((l(0), l(MAX_LEAVES - 1)))
        );
        assert_eq!(n(u32::MAX).leaf_span(), None);
    }
}
