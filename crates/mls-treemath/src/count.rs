//! Leaf counts and node widths (RFC 9420 Appendix C `node_width`).

use std::fmt;

use crate::{LeafIndex, MAX_LEAVES, TreeMathError};

/// A number of leaves: at least 1 and at most 2^31 ([`MAX_LEAVES`]).
///
/// It need not be a power of two; [`crate::TreeSize::new`] rounds it up to the
/// full tree that RFC 9420 uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LeafCount(u32);

impl LeafCount {
    /// A leaf count; fails for 0 (no tree) and above 2^31 (node indices would
    /// not fit in `u32`).
    pub const fn new(value: u32) -> Result<Self, TreeMathError> {
        if value == 0 {
            Err(TreeMathError::EmptyTree)
        } else if value > MAX_LEAVES {
            Err(TreeMathError::TooManyLeaves(value as u64))
        } else {
            Ok(LeafCount(value))
        }
    }

    /// A leaf count from a collection length, with the same bounds as [`LeafCount::new`].
    pub fn from_usize(value: usize) -> Result<Self, TreeMathError> {
        let v = u32::try_from(value).map_err(|_| TreeMathError::TooManyLeaves(value as u64))?;
        LeafCount::new(v)
    }

    /// The number of leaves.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// Whether the count is a power of two, i.e. already a full tree.
    pub const fn is_full(self) -> bool {
        self.0.is_power_of_two()
    }

    /// The count rounded up to a power of two (the leaves of the full tree).
    pub const fn padded(self) -> LeafCount {
        // self.0 <= 2^31, so the next power of two is at most 2^31.
        LeafCount(self.0.next_power_of_two())
    }

    /// The power of two at or above `leaf + 1`: the leaves of the smallest
    /// full tree holding `leaf`.
    pub(crate) const fn covering(leaf: LeafIndex) -> LeafCount {
        // leaf < 2^31, so leaf + 1 <= 2^31 and so is its next power of two.
        LeafCount((leaf.get() + 1).next_power_of_two())
    }
}

impl fmt::Display for LeafCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A number of nodes, the width of a flat tree array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeCount(u32);

impl NodeCount {
    /// The number of nodes.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The number of nodes as a length for a node array.
    pub const fn as_usize(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for NodeCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The number of nodes needed for `n` leaves: `2(n - 1) + 1` (RFC 9420 Appendix C
/// `node_width`). At most 2^32 - 1, so it always fits.
pub const fn node_width(n: LeafCount) -> NodeCount {
    NodeCount(2 * (n.0 - 1) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_enforced() {
        assert_eq!(LeafCount::new(0), Err(TreeMathError::EmptyTree));
        assert_eq!(
            LeafCount::new(MAX_LEAVES + 1),
            Err(TreeMathError::TooManyLeaves(u64::from(MAX_LEAVES) + 1))
        );
        assert!(LeafCount::new(u32::MAX).is_err());
        assert_eq!(
            LeafCount::new(MAX_LEAVES).map(LeafCount::get),
            Ok(MAX_LEAVES)
        );
        assert_eq!(LeafCount::from_usize(0), Err(TreeMathError::EmptyTree));
        assert_eq!(LeafCount::from_usize(3).map(LeafCount::get), Ok(3));
    }

    #[test]
    fn node_width_matches_appendix_c() {
        let w = |n: u32| node_width(LeafCount::new(n).expect("valid count")).get();
        assert_eq!(w(1), 1);
        assert_eq!(w(2), 3);
        assert_eq!(w(5), 9);
        assert_eq!(w(8), 15);
        assert_eq!(w(MAX_LEAVES), u32::MAX);
    }

    #[test]
    fn padding_rounds_up_to_a_power_of_two() {
        let p = |n: u32| LeafCount::new(n).expect("valid count").padded().get();
        assert_eq!(p(1), 1);
        assert_eq!(p(3), 4);
        assert_eq!(p(5), 8);
        assert_eq!(p(8), 8);
        assert_eq!(p(MAX_LEAVES - 1), MAX_LEAVES);
        assert!(LeafCount::new(4).expect("valid").is_full());
        assert!(!LeafCount::new(6).expect("valid").is_full());
    }
}
