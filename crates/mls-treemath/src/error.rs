//! The error type of tree math: each variant names the rule of RFC 9420 §4.1 /
//! Appendix C that an input broke.

/// Why a tree-math operation has no answer for its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TreeMathError {
    /// RFC 9420 §4.1: a ratchet tree has at least one leaf; a leaf count of 0 has no tree.
    #[error("RFC 9420 §4.1: a tree needs at least one leaf (leaf count 0)")]
    EmptyTree,
    /// A tree of more than 2^31 leaves has node indices beyond `u32` (§4.1 node index = 2 * leaf index).
    #[error("leaf count {0} exceeds 2^31, the largest tree whose node indices fit in u32")]
    TooManyLeaves(u64),
    /// A leaf index of 2^31 or more has no node index in `u32` (RFC 9420 Appendix C: leaf `n` is node `2n`).
    #[error("leaf index {0} is 2^31 or more and has no u32 node index (RFC 9420 Appendix C)")]
    LeafIndexTooLarge(u32),
    /// RFC 9420 Appendix C: the node index is not below the tree's node width.
    #[error("RFC 9420 Appendix C: node {node} is outside a tree of width {width}")]
    NodeOutsideTree {
        /// The rejected node index.
        node: u32,
        /// The node width of the tree.
        width: u32,
    },
    /// RFC 9420 Appendix C: the leaf index is not below the tree's leaf count.
    #[error("RFC 9420 Appendix C: leaf {leaf} is outside a tree of {leaves} leaves")]
    LeafOutsideTree {
        /// The rejected leaf index.
        leaf: u32,
        /// The leaf count of the tree.
        leaves: u32,
    },
    /// RFC 9420 Appendix C `left`/`right`: a leaf node has no children.
    #[error("RFC 9420 Appendix C: node {0} is a leaf and has no children")]
    LeafHasNoChildren(u32),
    /// RFC 9420 Appendix C `parent`/`sibling`: the root has no parent and no sibling.
    #[error("RFC 9420 Appendix C: node {0} is the root and has no parent or sibling")]
    RootHasNoParent(u32),
}
