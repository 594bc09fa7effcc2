//! Proposal-list validation for a member Commit (RFC 9420 §12.2) and its
//! application in the §12.3 order: GroupContextExtensions, then Updates,
//! Removes, Adds (in list order), then PreSharedKeys (in list order).
//!
//! The checks of §12.1 and §12.2 come first, in [`super::check`] (one
//! checker per rule, shared with the committer, cheap rules before
//! signatures); nothing is applied unless the whole list is valid.
//! Everything happens on a [`TreeDiff`], never on the stored tree.

use std::collections::HashMap;

use mls_codec::{Extension, KeyPackage, LeafNode, PreSharedKeyId};
use mls_treekem::{LeafIndex, TreeDiff, TreeView, check_leaf_keys_unique};

use super::check::{ListPlan, check_list};
pub(crate) use super::context::{ApplyContext, GroupRequirements, ProposalSource, leaf_supports};
use super::credential_support::{check_credential_support, credential_support_changes};
use crate::{CommitError, ProposalError, Result};

/// The effect of a valid proposal list.
#[derive(Debug, Clone, Default)]
pub(crate) struct AppliedProposals {
    /// New members: their leaf and KeyPackage, in list order.
    pub added: Vec<(LeafIndex, KeyPackage)>,
    /// Removed members: their leaf and old LeafNode.
    pub removed: Vec<(LeafIndex, LeafNode)>,
    /// Leaves replaced by Update proposals.
    pub updated: Vec<LeafIndex>,
    /// PSKs in list order (RFC 9420 §8.4, V-12.3-03).
    pub psks: Vec<PreSharedKeyId>,
    /// The new GroupContext extensions, when a GCE proposal is present.
    pub extensions: Option<Vec<Extension>>,
    /// Whether the Commit must carry a path (RFC 9420 §12.4).
    pub path_required: bool,
}

/// Validate a member Commit's proposal list (RFC 9420 §12.2, with
/// [`check_list`]: cheap rules first, then signatures) and apply it to
/// `diff` (§12.3). On error `diff` may hold part of the changes: the caller
/// drops it.
pub(crate) fn apply_proposals(
    ctx: &ApplyContext<'_>,
    diff: &mut TreeDiff<'_>,
    list: &[ProposalSource<'_>],
) -> Result<AppliedProposals> {
    let plan = check_list(ctx, &*diff, list)?;
    apply_plan(diff, plan)
}

/// Apply a checked list to `diff` in the §12.3 order, with the rules that
/// need the tree as it changes (key uniqueness, credential support).
pub(crate) fn apply_plan(diff: &mut TreeDiff<'_>, plan: ListPlan<'_>) -> Result<AppliedProposals> {
    let mut out = AppliedProposals {
        // RFC 9420 §12.4, §17.4 (custom types as registered, §13).
        path_required: plan.path_required,
        psks: plan.psks,
        ..AppliedProposals::default()
    };
    let ListPlan {
        removes,
        updates,
        adds,
        extensions,
        ..
    } = plan;
    // §12.3 step 1: GroupContextExtensions (checked against the members
    // when admitted).
    out.extensions = extensions.map(std::borrow::Cow::into_owned);
    let mut steps = TreeSteps::new(diff);
    // §12.3 step 2: Updates.
    let mut support_changed = Vec::new();
    for (leaf, node) in &updates {
        if steps.update(*leaf, node)? {
            support_changed.push(*leaf);
        }
        out.updated.push(*leaf);
    }
    // §12.3 step 3: Removes.
    for leaf in &removes {
        let old = steps.remove(*leaf)?;
        out.removed.push((*leaf, old));
    }
    // §12.3 step 4: Adds, in list order.
    for kp in adds {
        let leaf = steps.add(kp)?;
        out.added.push((leaf, kp.clone()));
    }
    // §7.3 (V-7.3-06/07, V-13.3-01): every new leaf, every updated leaf
    // whose credential support changed, and every other member support
    // each other's credential types.
    let changed: Vec<LeafIndex> = support_changed
        .into_iter()
        .chain(out.added.iter().map(|(l, _)| *l))
        .collect();
    check_credential_support(&*diff, &changed)?;
    Ok(out)
}

/// The tree steps of §12.3 with the rules that need the tree as it changes,
/// one proposal at a time: [`apply_plan`] takes them for a whole list, the
/// committer's choice ([`super::select`]) to find the proposal that breaks
/// one.
pub(crate) struct TreeSteps<'d, 't> {
    diff: &'d mut TreeDiff<'t>,
    /// The encryption keys this Commit's Updates and Adds set, by node.
    changed_keys: HashMap<Vec<u8>, u32>,
}

impl<'d, 't> TreeSteps<'d, 't> {
    pub(crate) fn new(diff: &'d mut TreeDiff<'t>) -> Self {
        TreeSteps {
            diff,
            changed_keys: HashMap::new(),
        }
    }

    /// An Update of `leaf` to `node`, its keys unique in the tree
    /// (V-7.3-17); whether it changes the leaf's credential support (then
    /// V-7.3-06/07 must be checked for it).
    pub(crate) fn update(&mut self, leaf: LeafIndex, node: &LeafNode) -> Result<bool> {
        let support_changes = self
            .diff
            .leaf(leaf)
            .is_none_or(|old| credential_support_changes(old, node));
        self.diff
            .update_leaf(leaf, node.clone())
            .map_err(ProposalError::UpdateLeafInvalid)?;
        check_leaf_keys_unique(&*self.diff, leaf, node, &[])
            .map_err(ProposalError::UpdateLeafInvalid)?;
        self.changed_keys
            .insert(node.encryption_key.as_slice().to_vec(), leaf.node().get());
        Ok(support_changes)
    }

    /// A Remove of `leaf`; its old leaf.
    pub(crate) fn remove(&mut self, leaf: LeafIndex) -> Result<LeafNode> {
        let old = self
            .diff
            .leaf(leaf)
            .cloned()
            .ok_or(ProposalError::RemoveOfNonMember(leaf.get()))?;
        self.diff
            .remove_leaf(leaf)
            .map_err(CommitError::InvalidTree)?;
        Ok(old)
    }

    /// An Add of `kp`'s leaf at the leftmost blank leaf, its encryption key
    /// unique (V-12.2-09, V-12.2-17). The key is looked up in the stored
    /// tree's key index and among the keys this Commit set, not by scanning
    /// the diff per Add (which would make a Commit with many Adds
    /// quadratic), and before the leaf is placed: an Add refused here
    /// leaves the tree as it was, so the committer's choice can go on
    /// without it.
    pub(crate) fn add(&mut self, kp: &KeyPackage) -> Result<LeafIndex> {
        let key = kp.leaf_node.encryption_key.as_slice();
        let diff = &mut *self.diff;
        // §12.3: the leaf it takes, the leftmost blank one or a new one (a
        // full tree is add_leaf's error).
        if let Some(position) = diff
            .leftmost_blank_leaf()
            .or_else(|| LeafIndex::new(diff.leaf_count()).ok())
        {
            let own = position.node().get();
            let in_tree = diff
                .base()
                .nodes_with_encryption_key(key)
                .into_iter()
                .find(|n| {
                    n.get() != own && diff.node(*n).is_some_and(|x| x.encryption_key() == key)
                })
                .map(|n| n.get());
            if let Some(other) = in_tree.or_else(|| self.changed_keys.get(key).copied()) {
                return Err(CommitError::InvalidTree(
                    mls_treekem::TreeKemError::DuplicateEncryptionKey {
                        first: other.min(own),
                        second: other.max(own),
                    },
                )
                .into());
            }
        }
        let leaf = diff
            .add_leaf(kp.leaf_node.clone())
            .map_err(CommitError::InvalidTree)?;
        self.changed_keys.insert(key.to_vec(), leaf.node().get());
        Ok(leaf)
    }
}

/// RFC 9420 §7.3 for every leaf of a tree received whole: it supports the
/// group's `required_capabilities` and every non-default GroupContext
/// extension type (V-7.3-03/04/05, V-13.4-04), as [`leaf_supports`] checks
/// a new member; `required_capabilities` is decoded once for all leaves.
pub(crate) fn check_tree_supports_group<V: TreeView + ?Sized>(
    tree: &V,
    extensions: &[mls_codec::Extension],
) -> Result<()> {
    let requirements = GroupRequirements::new(extensions);
    for i in 0..tree.leaf_count() {
        let Ok(leaf) = LeafIndex::new(i) else {
            continue;
        };
        if let Some(node) = tree.leaf(leaf) {
            requirements
                .supported_by(node)
                .map_err(|reason| crate::WelcomeError::TreeLeafUnsupported { leaf: i, reason })?;
        }
    }
    Ok(())
}
