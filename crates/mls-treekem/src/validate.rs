//! Validation of a ratchet tree received from outside (RFC 9420 §12.4.3.1,
//! §12.4.3.3, §7.9.2, §7.3; GUIDANCE G-26), in this order:
//!
//! 1. shape: not empty, no trailing blank, node types at the right
//!    positions (V-12.4.3.3-01/02/03) — done by [`RatchetTree::from_wire`];
//! 2. the root tree hash equals the expected one (V-12.4.3.1-11, V-7.8-01);
//! 3. unmerged leaves: strictly ascending (V-7.1-01), below the parent
//!    (V-12.4.3.1-16), non-blank (V-12.4.3.1-15), listed by every non-blank
//!    node in between (V-12.4.3.1-17);
//! 4. no encryption key in two nodes, no signature key in two leaves
//!    (V-12.4.3.1-14/18);
//! 5. every leaf valid with its own leaf index and the group id
//!    (V-12.4.3.1-13, §7.3), on every core ([`crate::par`]);
//! 6. every non-blank parent parent-hash valid, covered by exactly one
//!    chain (V-12.4.3.1-12, §7.9.2).
//!
//! Every step is linear in the size of the tree (plus the total length of
//! the unmerged-leaf lists). The tree is not modified, except that its hash
//! cache is filled.

use std::collections::HashMap;

use mls_crypto::CipherSuiteProvider;
use mls_treemath::{LeafIndex, NodeIndex};

use crate::leaf::{LeafContext, LeafValidationPolicy, validate_leaf_node};
use crate::parent_hash::verify_tree_parent_hashes;
use crate::tree::RatchetTree;
use crate::view::{NodeRef, TreeView};
use crate::{Result, TreeKemError};

/// Check the unmerged-leaf lists of every parent (RFC 9420 §7.1, §12.4.3.1).
pub fn check_unmerged_leaves<V: TreeView + ?Sized>(view: &V) -> Result<()> {
    check_unmerged_below(view, view.size().root(), None)
}

/// Walk down carrying the nearest non-blank parent ancestor. For a valid
/// tree it suffices that each non-blank parent Q lists every leaf below it
/// that its nearest non-blank ancestor P lists: by induction each leaf is
/// then listed by every non-blank node between it and any parent listing it.
fn check_unmerged_below<V: TreeView + ?Sized>(
    view: &V,
    node: NodeIndex,
    ancestor: Option<NodeIndex>,
) -> Result<()> {
    if node.is_leaf() {
        return Ok(());
    }
    let mut next = ancestor;
    if let Some(p) = view.parent(node) {
        let list = &p.unmerged_leaves;
        // V-7.1-01: strictly ascending.
        if list.windows(2).any(|w| w[0] >= w[1]) {
            return Err(TreeKemError::UnmergedLeavesNotSorted { node: node.get() });
        }
        let span = node.leaf_span();
        for &u in list {
            // V-12.4.3.1-16: a leaf below this node.
            let below = matches!(span, Some((lo, hi)) if lo.get() <= u && u <= hi.get());
            if !below {
                return Err(TreeKemError::UnmergedLeafNotDescendant {
                    node: node.get(),
                    leaf: u,
                });
            }
            // V-12.4.3.1-15: a non-blank leaf.
            let occupied = LeafIndex::new(u).ok().and_then(|l| view.leaf(l)).is_some();
            if !occupied {
                return Err(TreeKemError::UnmergedLeafBlank {
                    node: node.get(),
                    leaf: u,
                });
            }
        }
        // V-12.4.3.1-17: the nearest non-blank ancestor's entries below this
        // node are all listed here too.
        if let Some(a) = ancestor.and_then(|a| view.parent(a).map(|ap| (a, ap))) {
            let (a_index, a_node) = a;
            for &u in crate::hash::leaves_below(&a_node.unmerged_leaves, node) {
                if list.binary_search(&u).is_err() {
                    return Err(TreeKemError::UnmergedLeafMissingBelow {
                        node: node.get(),
                        ancestor: a_index.get(),
                        leaf: u,
                    });
                }
            }
        }
        next = Some(node);
    }
    let (left, right) = crate::hash::children(node)?;
    check_unmerged_below(view, left, next)?;
    check_unmerged_below(view, right, next)
}

/// No encryption key in two nodes, no signature key in two leaves
/// (RFC 9420 §7.3, §12.4.3.1; V-12.4.3.1-14, V-12.4.3.1-18).
pub fn check_keys_unique<V: TreeView + ?Sized>(view: &V) -> Result<()> {
    let width = view.size().width().get();
    let mut enc: HashMap<&[u8], u32> = HashMap::new();
    let mut sig: HashMap<&[u8], u32> = HashMap::new();
    for i in 0..width {
        let node = NodeIndex::new(i);
        let Some(n) = view.node(node) else { continue };
        if let Some(first) = enc.insert(n.encryption_key(), i) {
            return Err(TreeKemError::DuplicateEncryptionKey { first, second: i });
        }
        if let NodeRef::Leaf(l) = n
            && let Some(first) = sig.insert(l.signature_key.as_slice(), i >> 1)
        {
            return Err(TreeKemError::DuplicateSignatureKey {
                first,
                second: i >> 1,
            });
        }
    }
    Ok(())
}

/// Validate a tree received from outside (RFC 9420 §12.4.3.1); see the
/// module documentation for the checks and their order. `expected_tree_hash`
/// is the GroupInfo's `tree_hash` (pass `None` only when the caller checks
/// the hash itself).
pub fn validate_tree(
    tree: &mut RatchetTree,
    cs: &dyn CipherSuiteProvider,
    group_id: &[u8],
    expected_tree_hash: Option<&[u8]>,
    policy: &LeafValidationPolicy,
) -> Result<()> {
    // V-12.4.3.1-11, V-7.8-01 (also fills the hash cache used below).
    let root_hash = tree.tree_hash(cs)?;
    if let Some(expected) = expected_tree_hash
        && root_hash.as_slice() != expected
    {
        return Err(TreeKemError::TreeHashMismatch);
    }
    check_unmerged_leaves(&*tree)?;
    check_keys_unique(&*tree)?;
    // The leaves' signatures and keys are independent: spread over the
    // cores, the first invalid leaf in order named (issue 14 item 2).
    let members: Vec<(LeafIndex, &mls_codec::LeafNode)> = tree.members().collect();
    crate::par::try_map(&members, |&(leaf, node)| {
        validate_leaf_node(cs, node, LeafContext::Tree { group_id, leaf }, policy)
    })?;
    let RatchetTree { nodes, hashes, .. } = tree;
    verify_tree_parent_hashes(&*nodes, hashes, cs)
}

/// Import and validate a tree from the wire in one step (RFC 9420
/// §12.4.3.1, §12.4.3.3); returns the tree only if every check passes.
pub fn validate_wire_tree(
    wire: mls_codec::RatchetTree,
    cs: &dyn CipherSuiteProvider,
    group_id: &[u8],
    expected_tree_hash: &[u8],
    policy: &LeafValidationPolicy,
) -> Result<RatchetTree> {
    let mut tree = RatchetTree::from_wire(wire)?;
    validate_tree(&mut tree, cs, group_id, Some(expected_tree_hash), policy)?;
    Ok(tree)
}

impl RatchetTree {
    /// Only the parent-hash part of [`validate_tree`]: every non-blank
    /// parent is covered by exactly one valid chain (RFC 9420 §7.9.2).
    pub fn verify_parent_hashes(&mut self, cs: &dyn CipherSuiteProvider) -> Result<()> {
        check_unmerged_leaves(&*self)?;
        self.tree_hash(cs)?;
        let RatchetTree { nodes, hashes, .. } = self;
        verify_tree_parent_hashes(&*nodes, hashes, cs)
    }
}
