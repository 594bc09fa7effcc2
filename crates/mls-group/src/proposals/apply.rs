//! Proposal-list validation for a member Commit (RFC 9420 §12.2) and its
//! application in the §12.3 order: GroupContextExtensions, then Updates,
//! Removes, Adds (in list order), then PreSharedKeys (in list order).
//!
//! The checks of §12.1 and §12.2 come first, in [`super::check`] (one
//! checker per rule, shared with the committer, cheap rules before
//! signatures); nothing is applied unless the whole list is valid.
//! Everything happens on a [`TreeDiff`], never on the stored tree.

use mls_codec::{Extension, KeyPackage, LeafNode, PreSharedKeyId};
use mls_treekem::{LeafIndex, TreeDiff, TreeView, check_leaf_keys_unique};

use super::check::{ListPlan, check_list};
pub(crate) use super::context::{ApplyContext, GroupRequirements, ProposalSource, leaf_supports};
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
    // §12.3 step 2: Updates.
    for (leaf, node) in &updates {
        diff.update_leaf(*leaf, (*node).clone())
            .map_err(ProposalError::UpdateLeafInvalid)?;
        check_leaf_keys_unique(&*diff, *leaf, node, &[])
            .map_err(ProposalError::UpdateLeafInvalid)?;
        out.updated.push(*leaf);
    }
    // §12.3 step 3: Removes.
    for leaf in &removes {
        let old = diff
            .leaf(*leaf)
            .cloned()
            .ok_or(ProposalError::RemoveOfNonMember(leaf.get()))?;
        diff.remove_leaf(*leaf).map_err(CommitError::InvalidTree)?;
        out.removed.push((*leaf, old));
    }
    // §12.3 step 4: Adds, in list order (V-12.2-09, V-12.2-17: keys unique).
    // The new leaves' encryption keys are checked against the stored tree's
    // key index and the leaves changed by this Commit, not by scanning the
    // diff per Add (which would make a Commit with many Adds quadratic).
    let mut changed_keys: std::collections::HashMap<Vec<u8>, u32> = out
        .updated
        .iter()
        .filter_map(|l| {
            diff.leaf(*l)
                .map(|n| (n.encryption_key.as_slice().to_vec(), l.node().get()))
        })
        .collect();
    for kp in adds {
        let key = kp.leaf_node.encryption_key.as_slice();
        let leaf = diff
            .add_leaf(kp.leaf_node.clone())
            .map_err(CommitError::InvalidTree)?;
        let own = leaf.node().get();
        let in_tree = diff
            .base()
            .nodes_with_encryption_key(key)
            .into_iter()
            .find(|n| n.get() != own && diff.node(*n).is_some_and(|x| x.encryption_key() == key))
            .map(|n| n.get());
        let clash = in_tree.or_else(|| changed_keys.get(key).copied());
        if let Some(other) = clash {
            return Err(CommitError::InvalidTree(
                mls_treekem::TreeKemError::DuplicateEncryptionKey {
                    first: other.min(own),
                    second: other.max(own),
                },
            )
            .into());
        }
        changed_keys.insert(key.to_vec(), own);
        out.added.push((leaf, kp.clone()));
    }
    // §7.3 (V-7.3-06/07, V-13.3-01): every new or updated leaf and every
    // other member support each other's credential types.
    let changed: Vec<LeafIndex> = out
        .updated
        .iter()
        .copied()
        .chain(out.added.iter().map(|(l, _)| *l))
        .collect();
    check_credential_support(&*diff, &changed)?;
    Ok(out)
}

/// RFC 9420 §7.3 for every leaf of a tree received whole (§12.4.3.1:
/// "for each non-empty leaf node, validate the LeafNode"): every member
/// uses a credential type all the others support (V-7.3-06, V-7.3-07), in
/// the one pass of [`check_credential_support`], O(N × types in use).
pub(crate) fn check_tree_credential_support<V: TreeView + ?Sized>(tree: &V) -> Result<()> {
    let leaves: Vec<LeafIndex> = (0..tree.leaf_count())
        .filter_map(|i| LeafIndex::new(i).ok())
        .filter(|&l| tree.leaf(l).is_some())
        .collect();
    check_credential_support(tree, &leaves)
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

/// RFC 9420 §7.3 (V-7.3-06, V-7.3-07): each leaf of `changed` uses a
/// credential type that every other member supports, and supports the
/// credential type of every other member.
///
/// One pass over the tree records, per credential type in use, up to two
/// leaves holding it and up to two leaves not supporting it; each changed
/// leaf is then checked against those records, so a Commit with many Adds
/// costs O(N + changed × types), not O(N × changed).
pub(crate) fn check_credential_support<V: TreeView + ?Sized>(
    tree: &V,
    changed: &[LeafIndex],
) -> Result<()> {
    use std::collections::BTreeMap;
    if changed.is_empty() {
        return Ok(());
    }
    let members: Vec<(u32, &LeafNode)> = (0..tree.leaf_count())
        .filter_map(|i| {
            let l = LeafIndex::new(i).ok()?;
            tree.leaf(l).map(|n| (i, n))
        })
        .collect();
    // Type in use -> up to two leaves that hold it.
    let mut holders: BTreeMap<u16, Vec<u32>> = BTreeMap::new();
    for (i, n) in &members {
        let h = holders.entry(n.credential.credential_type().0).or_default();
        if h.len() < 2 {
            h.push(*i);
        }
    }
    // Type in use -> up to two leaves that do not support it.
    let mut lacking: BTreeMap<u16, Vec<u32>> = BTreeMap::new();
    for t in holders.keys() {
        let v: Vec<u32> = members
            .iter()
            .filter(|(_, n)| {
                !n.capabilities
                    .credentials
                    .contains(&mls_codec::CredentialType(*t))
            })
            .map(|(i, _)| *i)
            .take(2)
            .collect();
        lacking.insert(*t, v);
    }
    for &leaf in changed {
        let Some(node) = tree.leaf(leaf) else {
            continue;
        };
        let me = leaf.get();
        let own_type = node.credential.credential_type();
        if let Some(&member) = lacking
            .get(&own_type.0)
            .and_then(|v| v.iter().find(|&&i| i != me))
        {
            return Err(ProposalError::CredentialTypeUnsupportedByMember {
                leaf: me,
                credential_type: own_type.0,
                member,
            }
            .into());
        }
        for (t, leaves) in &holders {
            if node
                .capabilities
                .credentials
                .contains(&mls_codec::CredentialType(*t))
            {
                continue;
            }
            if let Some(&member) = leaves.iter().find(|&&i| i != me) {
                return Err(ProposalError::MemberCredentialTypeUnsupported {
                    leaf: me,
                    credential_type: *t,
                    member,
                }
                .into());
            }
        }
    }
    Ok(())
}
