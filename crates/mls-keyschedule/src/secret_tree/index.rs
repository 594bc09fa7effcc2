//! The few tree-index relations the secret tree needs (RFC 9420 Appendix C),
//! over the full tree of `leaf_count` rounded up to a power of two.
//!
//! Kept private and small; to be replaced by `mls-treemath` once it lands.

use crate::{KeyScheduleError, Result};

/// The most leaves a tree can have with `u32` node indices.
const MAX_LEAVES: u32 = 1 << 31;

/// The node index of a leaf (`2 * leaf`); callers checked `leaf < leaf_count <= 2^31`.
pub(super) fn leaf_node(leaf: u32) -> u32 {
    leaf.wrapping_mul(2)
}

/// The root of the full tree over `leaf_count` leaves.
pub(super) fn root(leaf_count: u32) -> Result<u32> {
    if leaf_count == 0 || leaf_count > MAX_LEAVES {
        return Err(KeyScheduleError::InvalidLeafCount(leaf_count));
    }
    // The full tree has w = next_power_of_two(n) leaves and root w - 1.
    Ok(leaf_count.next_power_of_two() - 1)
}

/// `level(x)`: the number of trailing one bits.
fn level(x: u32) -> u32 {
    x.trailing_ones()
}

/// The children of a parent node; `None` for a leaf.
pub(super) fn children(x: u32) -> Option<(u32, u32)> {
    let k = level(x);
    if k == 0 {
        return None;
    }
    Some((x ^ (1 << (k - 1)), x ^ (3 << (k - 1))))
}

/// The nodes from the root down to `leaf`'s node, root first.
pub(super) fn path_from_root(leaf_count: u32, leaf: u32) -> Result<Vec<u32>> {
    let target = leaf_node(leaf);
    let mut node = root(leaf_count)?;
    let mut path = vec![node];
    while let Some((left, right)) = children(node) {
        node = if target < node { left } else { right };
        path.push(node);
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appendix_c_examples() {
        assert_eq!(root(1).unwrap(), 0);
        assert_eq!(root(2).unwrap(), 1);
        assert_eq!(root(5).unwrap(), 7);
        assert_eq!(root(8).unwrap(), 7);
        assert_eq!(root(MAX_LEAVES).unwrap(), u32::MAX / 2);
        assert!(root(0).is_err());
        assert!(root(MAX_LEAVES + 1).is_err());
        assert_eq!(children(7), Some((3, 11)));
        assert_eq!(children(1), Some((0, 2)));
        assert_eq!(children(4), None);
        assert_eq!(path_from_root(8, 5).unwrap(), vec![7, 11, 9, 10]);
        assert_eq!(path_from_root(1, 0).unwrap(), vec![0]);
        let deepest = path_from_root(MAX_LEAVES, MAX_LEAVES - 1).unwrap();
        assert_eq!(deepest.len(), 32);
        assert_eq!(deepest.last(), Some(&(u32::MAX - 1)));
    }
}
