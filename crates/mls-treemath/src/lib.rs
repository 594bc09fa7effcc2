//! Index arithmetic for the array-based binary trees of MLS.
//!
//! RFC 9420 sections covered:
//! - §4.1 ratchet tree terminology: leaves, parents, levels, direct path,
//!   copath, root;
//! - §7.7/§7.8 tree growth and truncation by powers of two
//!   ([`TreeSize::extended`], [`TreeSize::truncated`]);
//! - Appendix C, array-based trees: leaf `n` is node `2n`, parents take the
//!   odd indices, and `level`, `left`, `right`, `parent`, `sibling`,
//!   `direct_path`, `copath`, `common_ancestor`, `node_width` and `root` are
//!   bit operations on the indices.
//!
//! Leaf and node indices are distinct types ([`LeafIndex`], [`NodeIndex`]);
//! [`LeafIndex::node`] and [`NodeIndex::leaf`] convert between them. Counts
//! are typed too ([`LeafCount`], [`NodeCount`]), and [`TreeSize`] is the full
//! tree (leaf count rounded up to a power of two, as RFC 9420 trees always
//! are) that answers the questions depending on the tree's size. Every
//! function is total: a case the RFC leaves undefined (children of a leaf,
//! parent of the root, a node outside the tree, an empty tree) is an
//! `Option` or a [`TreeMathError`], never a panic.
//!
//! ```
//! use mls_treemath::{LeafIndex, NodeIndex, TreeSize};
//!
//! let tree = TreeSize::for_leaves(5)?; // padded to 8 leaves
//! assert_eq!(tree.root(), NodeIndex::new(7));
//! let leaf = LeafIndex::new(0)?.node();
//! let path: Vec<u32> = tree.direct_path(leaf)?.iter().map(|n| n.get()).collect();
//! assert_eq!(path, [1, 3, 7]);
//! let copath: Vec<u32> = tree.copath(leaf)?.iter().map(|n| n.get()).collect();
//! assert_eq!(copath, [2, 5, 11]);
//! assert!(tree.parent(tree.root()).is_err());
//! # Ok::<(), mls_treemath::TreeMathError>(())
//! ```

#![forbid(unsafe_code)]

mod count;
mod error;
mod index;
mod tree;

pub use count::{LeafCount, NodeCount, node_width};
pub use error::TreeMathError;
pub use index::{LeafIndex, MAX_LEAVES, NodeIndex};
pub use tree::{Copath, DirectPath, TreeSize};
