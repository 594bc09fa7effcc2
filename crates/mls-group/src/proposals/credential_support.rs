//! RFC 9420 §7.3 (V-7.3-06, V-7.3-07, V-13.3-01): every member uses a
//! credential type all the others support, and supports the credential
//! types all the others use. One checker, [`CredentialSupport`], for a
//! Commit's new and changed leaves (receiver and committer), for a tree
//! received whole, and for the committer's choice of cached proposals.

use std::collections::BTreeMap;

use mls_codec::LeafNode;
use mls_treekem::{LeafIndex, TreeView};

use crate::{ProposalError, Result};

/// RFC 9420 §7.3 for every leaf of a tree received whole (§12.4.3.1:
/// "for each non-empty leaf node, validate the LeafNode"): every member
/// uses a credential type all the others support (V-7.3-06, V-7.3-07):
/// one [`CredentialSupport`] over the members, each checked against it,
/// O(N × types in use).
pub(crate) fn check_tree_credential_support<V: TreeView + ?Sized>(tree: &V) -> Result<()> {
    let all: Vec<(u32, &LeafNode)> = members(tree).collect();
    let mut support = CredentialSupport::new(all.clone());
    for (leaf, node) in all {
        support.check(leaf, node)?;
    }
    Ok(())
}

/// The non-blank leaves of `tree`: (leaf index, leaf).
pub(crate) fn members<V: TreeView + ?Sized>(tree: &V) -> impl Iterator<Item = (u32, &LeafNode)> {
    (0..tree.leaf_count()).filter_map(|i| {
        let l = LeafIndex::new(i).ok()?;
        tree.leaf(l).map(|n| (i, n))
    })
}

/// Whether `new` replacing `old` in a tree can change the outcome of
/// [`check_credential_support`]: only another credential type or another
/// list of supported ones can. Every tree a group holds meets V-7.3-06/07
/// (a received tree is checked whole, every change after), so a leaf
/// replaced without such a change needs no O(N) pass (a self-update
/// Commit, an Update proposal).
pub(crate) fn credential_support_changes(old: &LeafNode, new: &LeafNode) -> bool {
    old.credential.credential_type() != new.credential.credential_type()
        || old.capabilities.credentials != new.capabilities.credentials
}

/// RFC 9420 §7.3 (V-7.3-06, V-7.3-07): each leaf of `changed` uses a
/// credential type that every other member supports, and supports the
/// credential type of every other member ([`CredentialSupport`] over the
/// whole tree), so a Commit with many Adds costs O(N + changed × types),
/// not O(N × changed).
pub(crate) fn check_credential_support<V: TreeView + ?Sized>(
    tree: &V,
    changed: &[LeafIndex],
) -> Result<()> {
    if changed.is_empty() {
        return Ok(());
    }
    let mut support = CredentialSupport::new(members(tree).collect());
    for &leaf in changed {
        if let Some(node) = tree.leaf(leaf) {
            support.check(leaf.get(), node)?;
        }
    }
    Ok(())
}

/// The credential types of a set of members, for V-7.3-06/07: per type in
/// use, up to two leaves holding it (one pass); per type asked about, up
/// to two leaves not supporting it (one scan per type, then kept). Up to
/// two, so that a leaf checked against the set it is in finds another.
pub(crate) struct CredentialSupport<'t> {
    members: Vec<(u32, &'t LeafNode)>,
    holders: BTreeMap<u16, Vec<u32>>,
    lacking: BTreeMap<u16, Vec<u32>>,
}

impl<'t> CredentialSupport<'t> {
    /// The records of `members` (leaf index, leaf).
    pub(crate) fn new(members: Vec<(u32, &'t LeafNode)>) -> Self {
        let mut support = CredentialSupport {
            members: Vec::with_capacity(members.len()),
            holders: BTreeMap::new(),
            lacking: BTreeMap::new(),
        };
        for (i, n) in members {
            support.hold(i, n);
        }
        support
    }

    fn hold(&mut self, leaf: u32, node: &'t LeafNode) {
        let h = self
            .holders
            .entry(node.credential.credential_type().0)
            .or_default();
        if h.len() < 2 {
            h.push(leaf);
        }
        self.members.push((leaf, node));
    }

    /// Add a member (a change the committer chose, checked first).
    pub(crate) fn insert(&mut self, leaf: u32, node: &'t LeafNode) {
        for (t, v) in self.lacking.iter_mut() {
            if v.len() < 2 && !supports(node, *t) {
                v.push(leaf);
            }
        }
        self.hold(leaf, node);
    }

    /// `node` at `leaf` and every member other than `leaf` support each
    /// other's credential types.
    pub(crate) fn check(&mut self, leaf: u32, node: &LeafNode) -> Result<()> {
        let own_type = node.credential.credential_type().0;
        let members = &self.members;
        let lacking = self.lacking.entry(own_type).or_insert_with(|| {
            members
                .iter()
                .filter(|(_, n)| !supports(n, own_type))
                .map(|(i, _)| *i)
                .take(2)
                .collect()
        });
        if let Some(&member) = lacking.iter().find(|&&i| i != leaf) {
            return Err(ProposalError::CredentialTypeUnsupportedByMember {
                leaf,
                credential_type: own_type,
                member,
            }
            .into());
        }
        for (t, leaves) in &self.holders {
            if supports(node, *t) {
                continue;
            }
            if let Some(&member) = leaves.iter().find(|&&i| i != leaf) {
                return Err(ProposalError::MemberCredentialTypeUnsupported {
                    leaf,
                    credential_type: *t,
                    member,
                }
                .into());
            }
        }
        Ok(())
    }
}

fn supports(node: &LeafNode, credential_type: u16) -> bool {
    node.capabilities
        .credentials
        .contains(&mls_codec::CredentialType(credential_type))
}
