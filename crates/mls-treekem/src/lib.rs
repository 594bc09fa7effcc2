//! The MLS ratchet tree: structure, hashes, validation and UpdatePath.
//!
//! RFC 9420 sections covered:
//! - §4.1 the tree: [`RatchetTree`], an array of optional leaf and parent
//!   nodes indexed by node index (types from `mls-treemath`), resolution and
//!   filtered direct path ([`resolution`], [`filtered_direct_path`]);
//! - §4.2 views: the member's private keys ([`TreePrivateKeys`]) are kept
//!   apart from the public tree;
//! - §7.1-§7.3 parent and leaf nodes, leaf validation ([`validate_leaf_node`],
//!   with an application [`CredentialValidator`] and an injectable [`Clock`]);
//! - §7.4-§7.6 path secrets, UpdatePath creation ([`prepare_update_path`]) and
//!   processing ([`apply_update_path`]), both two-phase around the
//!   provisional GroupContext;
//! - §7.7 extension and truncation, §12.1.1-§12.1.3 Add/Update/Remove on a
//!   change set ([`TreeDiff`]) merged with [`RatchetTree::merge`];
//! - §7.8 tree hashes, cached per node and invalidated along the changed
//!   direct paths only;
//! - §7.9 parent hashes and the verification of every chain of a tree (§7.9.2);
//! - §12.4.3.1, §12.4.3.3 validation of a tree received from outside
//!   ([`validate_tree`]).
//!
//! Nothing here mutates a stored tree in place while processing a message:
//! every change is staged on a [`TreeDiff`], which the caller merges or drops.
//!
//! Costs (N leaves, after the first full tree hash):
//! - root tree hash after an add, update, remove or UpdatePath: the changed
//!   nodes and their direct paths, O(log N) hashes (an add that doubles the
//!   tree also hashes the new blank half once: amortized O(1) per add);
//! - UpdatePath creation and processing: O(log N) hashes, key derivations
//!   and HPKE operations plus the copath resolution sizes; key uniqueness is
//!   an index lookup and the leftmost blank leaf a bitmap scan;
//! - validation of a received tree: linear in the tree (one signature per
//!   leaf, one tree hash per node, one parent hash per side of each parent);
//!   original sibling tree hashes reuse the cached subtree hashes and only
//!   rehash the paths down to the parent's unmerged leaves, so trees with
//!   many unmerged leaves add O(depth) hashes per unmerged-leaf entry.
//!
//! ```no_run
//! # fn demo(bytes: &[u8], cs: &dyn mls_crypto::CipherSuiteProvider, group_id: &[u8], tree_hash: &[u8])
//! # -> Result<(), mls_treekem::TreeKemError> {
//! use mls_treekem::{LeafValidationPolicy, RatchetTree, validate_tree};
//!
//! let mut tree = RatchetTree::from_bytes(bytes)?;
//! validate_tree(&mut tree, cs, group_id, Some(tree_hash), &LeafValidationPolicy::default())?;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod diff;
mod error;
mod hash;
mod key_index;
mod leaf;
pub mod par;
mod parent_hash;
mod part_stamps;
mod persist;
mod private;
mod resolution;
mod tree;
mod update_path;
mod validate;
mod view;

pub use diff::{TreeChanges, TreeDiff};
pub use error::{Result, TreeKemError};
pub use hash::{leaf_tree_hash, parent_hash, parent_tree_hash};
pub use leaf::{
    BasicCredentialValidator, Clock, CredentialValidator, ExtensionValidator, FixedClock,
    LEAF_NODE_TBS_LABEL, LeafContext, LeafValidationPolicy, SystemClock,
    check_credential_replacement, check_leaf_keys_unique, validate_leaf_node,
    verify_leaf_signature,
};
pub use parent_hash::verify_path_parent_hashes;
pub use part_stamps::TREE_PART_NODES;
pub use private::{PrivateKeyChanges, TreePrivateKeys, derive_node_key_pair, next_path_secret};
pub use resolution::{
    PathStep, filtered_direct_path, resolution, resolution_into, resolution_is_empty,
};
pub use tree::{ALLOC_OVERHEAD, DEFAULT_MAX_NODES, RatchetTree};
pub use update_path::{
    AppliedUpdatePath, CreatedUpdatePath, PreparedUpdatePath, ReceivedUpdatePath,
    UPDATE_PATH_NODE_LABEL, UpdatePathInput, apply_external_update_path, apply_update_path,
    create_update_path, prepare_update_path, process_update_path,
};
pub use validate::{check_keys_unique, check_unmerged_leaves, validate_tree, validate_wire_tree};
pub use view::{NodeRef, TreeView};

pub use mls_treemath::{LeafIndex, NodeIndex, TreeSize};
