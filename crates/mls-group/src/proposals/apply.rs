//! Proposal-list validation for a member Commit (RFC 9420 §12.2) and its
//! application in the §12.3 order: GroupContextExtensions, then Updates,
//! Removes, Adds (in list order), then PreSharedKeys (in list order).
//!
//! The checks of §12.2 come first, in the order the RFC lists them, so a
//! reviewer can audit them against the text; nothing is applied unless the
//! whole list is valid. Everything happens on a [`TreeDiff`], never on the
//! stored tree.

use std::collections::BTreeSet;

use mls_codec::{
    Extension, ExtensionContainer, GroupContext, KeyPackage, LeafNode, PreSharedKeyId, Proposal,
    Psk, RequiredCapabilities, ResumptionPskUsage,
};
use mls_crypto::CipherSuiteProvider;
use mls_treekem::{
    LeafContext, LeafIndex, LeafValidationPolicy, TreeDiff, TreeView, check_leaf_keys_unique,
    validate_leaf_node,
};

use crate::key_package::{KeyPackageValidation, validate_key_package};
use crate::{GroupError, Result};

/// One proposal of a Commit with where it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProposalSource<'a> {
    /// The proposal.
    pub proposal: &'a Proposal,
    /// The leaf of the member who proposed it (the committer for proposals
    /// by value).
    pub sender: u32,
    /// Whether the Commit lists it by reference.
    pub by_reference: bool,
}

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

/// RFC 9420 §12.4 and the "Path Required" column of §17.4: a Commit needs a
/// path when its proposal list is empty or holds a proposal type that
/// requires one (Update, Remove, ExternalInit, GroupContextExtensions;
/// unknown types are treated as requiring one).
fn path_required<'a>(proposals: impl IntoIterator<Item = &'a Proposal>) -> bool {
    let mut empty = true;
    for p in proposals {
        empty = false;
        if p.proposal_type().path_required().unwrap_or(true) {
            return true;
        }
    }
    empty
}

/// Duplicate extension types in a list (RFC 9420 §13.4, V-13.4-01).
fn has_duplicate_extension(extensions: &[Extension]) -> bool {
    let mut seen = BTreeSet::new();
    extensions.iter().any(|e| !seen.insert(e.extension_type.0))
}

/// Whether `leaf` supports every non-default extension type of `extensions`
/// and the `required_capabilities` among them (RFC 9420 §11.1, §12.1.7, §13.4).
pub(crate) fn leaf_supports(
    leaf: &LeafNode,
    extensions: &[Extension],
) -> std::result::Result<(), &'static str> {
    let caps = &leaf.capabilities;
    for ext in extensions {
        if !ext.extension_type.is_default() && !caps.extensions.contains(&ext.extension_type) {
            return Err("a group extension type is not in the member's capabilities");
        }
    }
    if let Ok(Some(required)) = mls_codec::find_payload::<RequiredCapabilities>(extensions) {
        if required
            .extension_types
            .iter()
            .any(|t| !t.is_default() && !caps.extensions.contains(t))
        {
            return Err("required extension type not supported");
        }
        if required
            .proposal_types
            .iter()
            .any(|t| !t.is_default() && !caps.proposals.contains(t))
        {
            return Err("required proposal type not supported");
        }
        if required
            .credential_types
            .iter()
            .any(|t| !caps.credentials.contains(t))
        {
            return Err("required credential type not supported");
        }
    }
    Ok(())
}

/// The inputs of list validation that come from the group.
pub(crate) struct ApplyContext<'a> {
    pub cs: &'a dyn CipherSuiteProvider,
    pub context: &'a GroupContext,
    pub committer: u32,
    pub leaf_policy: &'a LeafValidationPolicy,
    /// The application's proposal policy, if any (V-12.2-18).
    pub proposal_policy: Option<&'a dyn crate::ProposalPolicy>,
}

/// Validate a member Commit's proposal list (RFC 9420 §12.2) and apply it to
/// `diff` (§12.3). On error `diff` may hold part of the changes: the caller
/// drops it.
pub(crate) fn apply_proposals(
    ctx: &ApplyContext<'_>,
    diff: &mut TreeDiff<'_>,
    list: &[ProposalSource<'_>],
) -> Result<AppliedProposals> {
    let group_id = ctx.context.group_id.as_slice();
    let leaf_count = diff.leaf_count();
    let mut out = AppliedProposals {
        path_required: path_required(list.iter().map(|s| s.proposal)),
        ..AppliedProposals::default()
    };
    let mut updates: Vec<(LeafIndex, &LeafNode)> = Vec::new();
    let mut removes: Vec<LeafIndex> = Vec::new();
    let mut adds: Vec<&KeyPackage> = Vec::new();
    let mut changed_leaves = BTreeSet::new();
    let mut gce: Option<&Vec<Extension>> = None;

    for source in list {
        match source.proposal {
            Proposal::Update(update) => {
                // §12.2: the committer's own leaf changes only through the path
                // (V-12.2-02), and Updates come only by reference (V-12.2-03).
                if source.sender == ctx.committer || !source.by_reference {
                    return Err(GroupError::UpdateFromCommitter(ctx.committer));
                }
                let leaf = LeafIndex::new(source.sender)
                    .map_err(|_| GroupError::SenderOutsideTree(source.sender))?;
                if diff.leaf(leaf).is_none() {
                    return Err(GroupError::InvalidUpdate("the sender's leaf is blank"));
                }
                // §12.2: at most one Update or Remove per leaf (V-12.2-05/07).
                if !changed_leaves.insert(source.sender) {
                    return Err(GroupError::DuplicateLeafChange(source.sender));
                }
                // §12.1.2: the new leaf is valid in the update context (V-12.1.2-01/02).
                validate_leaf_node(
                    ctx.cs,
                    &update.leaf_node,
                    LeafContext::Update { group_id, leaf },
                    ctx.leaf_policy,
                )
                .map_err(GroupError::InvalidCommitTree)?;
                // §7.3: the Update changes the encryption key (V-7.3-14).
                if diff
                    .leaf(leaf)
                    .is_some_and(|old| old.encryption_key == update.leaf_node.encryption_key)
                {
                    return Err(GroupError::UpdateKeepsEncryptionKey(source.sender));
                }
                updates.push((leaf, &update.leaf_node));
            }
            Proposal::Remove(remove) => {
                let removed = remove.removed;
                // §12.1.3: the removed leaf is in the tree and not blank
                // (V-12.1.3-01/02).
                let leaf = LeafIndex::new(removed)
                    .ok()
                    .filter(|l| l.get() < leaf_count && diff.leaf(*l).is_some())
                    .ok_or(GroupError::RemoveOfNonMember(removed))?;
                // §12.2: the committer does not remove itself (V-12.2-04).
                if removed == ctx.committer {
                    return Err(GroupError::CommitterRemoved(removed));
                }
                // §12.2: at most one Update or Remove per leaf (V-12.2-06/07).
                if !changed_leaves.insert(removed) {
                    return Err(GroupError::DuplicateLeafChange(removed));
                }
                removes.push(leaf);
            }
            Proposal::Add(add) => {
                // §12.1.1: the KeyPackage is valid (§10.1, V-12.1.1-01).
                let validation = KeyPackageValidation {
                    leaf_policy: ctx.leaf_policy.clone(),
                    ..KeyPackageValidation::default()
                };
                validate_key_package(ctx.cs, &add.key_package, &validation)?;
                adds.push(&add.key_package);
            }
            Proposal::PreSharedKey(psk) => {
                // §12.1.4: resumption PSKs with usage reinit/branch only in
                // their flows (V-12.1.4-01/02); nonce of length Nh (V-12.1.4-03).
                if let Psk::Resumption { usage, .. } = &psk.psk.psk {
                    match usage {
                        ResumptionPskUsage::Application => {}
                        ResumptionPskUsage::Reinit => {
                            return Err(GroupError::PskUsageNotAllowed("reinit"));
                        }
                        ResumptionPskUsage::Branch => {
                            return Err(GroupError::PskUsageNotAllowed("branch"));
                        }
                    }
                }
                mls_keyschedule::check_psk_nonce(ctx.cs, &psk.psk)
                    .map_err(GroupError::PskUnavailable)?;
                // §12.2: no PSK twice (V-12.2-12).
                if out.psks.contains(&psk.psk) {
                    return Err(GroupError::DuplicatePskProposal);
                }
                out.psks.push(psk.psk.clone());
            }
            Proposal::GroupContextExtensions(g) => {
                // §12.2: at most one GCE (V-12.2-13).
                if gce.is_some() {
                    return Err(GroupError::DuplicateGroupContextExtensions);
                }
                gce = Some(&g.extensions);
            }
            // §12.2: ReInit (not supported by this engine yet), ExternalInit in
            // a member Commit (V-12.2-15) and unknown types (V-12.2-16).
            other => return Err(GroupError::ProposalNotAllowed(other.proposal_type().0)),
        }
    }

    // §12.1.7, §13.4: the new extension list (V-12.1.7-03, V-12.1.7-05).
    if let Some(extensions) = gce {
        if has_duplicate_extension(extensions) {
            return Err(GroupError::InvalidGroupContextExtensions(
                "an extension type appears twice",
            ));
        }
        if extensions.iter().any(|e| {
            e.extension_type
                .allowed_containers()
                .is_some_and(|c| !c.contains(&ExtensionContainer::GroupContext))
        }) {
            return Err(GroupError::InvalidGroupContextExtensions(
                "an extension type not allowed in the GroupContext",
            ));
        }
    }
    let extensions: &[Extension] = gce.map_or(&ctx.context.extensions, |e| e.as_slice());

    // §12.2: no Add of a client already in the group unless removed here,
    // and no two Adds of one client (V-12.2-08/10).
    // Signature keys of new leaves: those of the Updates, then of the Adds.
    let mut add_keys: BTreeSet<Vec<u8>> = updates
        .iter()
        .map(|(_, n)| n.signature_key.as_slice().to_vec())
        .collect();
    let mut init_keys = BTreeSet::new();
    for kp in &adds {
        // V-12.2-09: two Adds never share an init key.
        if !init_keys.insert(kp.init_key.as_slice().to_vec()) {
            return Err(GroupError::DuplicateInitKey);
        }
        let key = kp.leaf_node.signature_key.as_slice();
        if !add_keys.insert(key.to_vec()) {
            return Err(GroupError::AddOfExistingMember);
        }
        if diff
            .leaves_with_signature_key(key)
            .iter()
            .any(|l| !removes.contains(l))
        {
            return Err(GroupError::AddOfExistingMember);
        }
        // §11.1, §13.4: new members support the group's extensions and
        // required capabilities (V-11.1-01, V-13.4-04; after a GCE, V-12.3-01).
        leaf_supports(&kp.leaf_node, extensions).map_err(GroupError::MissingCapability)?;
    }

    // §12.2: the application's own rules (V-12.2-18), last, once the list
    // is valid by the RFC's rules.
    if let Some(policy) = ctx.proposal_policy {
        for source in list {
            // Both leaves were checked against the tree above, so they are
            // valid indices; an invalid one is refused rather than allowed.
            let allowed = match (LeafIndex::new(source.sender), LeafIndex::new(ctx.committer)) {
                (Ok(sender), Ok(committer)) => policy.allow(source.proposal, sender, committer),
                _ => false,
            };
            if !allowed {
                return Err(GroupError::ProposalRejectedByPolicy {
                    proposal_type: source.proposal.proposal_type().0,
                    sender: source.sender,
                });
            }
        }
    }

    // §12.3 step 1: GroupContextExtensions. Members staying in the group
    // must support the new list (V-12.1.7-01/02).
    if let Some(new) = gce {
        for i in 0..leaf_count {
            let Ok(leaf) = LeafIndex::new(i) else {
                continue;
            };
            if removes.contains(&leaf) {
                continue;
            }
            let node = updates
                .iter()
                .find(|(l, _)| *l == leaf)
                .map(|(_, n)| *n)
                .or_else(|| diff.leaf(leaf));
            if let Some(node) = node {
                leaf_supports(node, new).map_err(GroupError::InvalidGroupContextExtensions)?;
            }
        }
        out.extensions = Some(new.clone());
    }
    // §12.3 step 2: Updates.
    for (leaf, node) in &updates {
        diff.update_leaf(*leaf, (*node).clone())
            .map_err(GroupError::InvalidCommitTree)?;
        check_leaf_keys_unique(&*diff, *leaf, node, &[]).map_err(GroupError::InvalidCommitTree)?;
        out.updated.push(*leaf);
    }
    // §12.3 step 3: Removes.
    for leaf in &removes {
        let old = diff
            .leaf(*leaf)
            .cloned()
            .ok_or(GroupError::RemoveOfNonMember(leaf.get()))?;
        diff.remove_leaf(*leaf)
            .map_err(GroupError::InvalidCommitTree)?;
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
            .map_err(GroupError::InvalidCommitTree)?;
        let own = leaf.node().get();
        let in_tree = diff
            .base()
            .nodes_with_encryption_key(key)
            .into_iter()
            .find(|n| n.get() != own && diff.node(*n).is_some_and(|x| x.encryption_key() == key))
            .map(|n| n.get());
        let clash = in_tree.or_else(|| changed_keys.get(key).copied());
        if let Some(other) = clash {
            return Err(GroupError::InvalidCommitTree(
                mls_treekem::TreeKemError::DuplicateEncryptionKey {
                    first: other.min(own),
                    second: other.max(own),
                },
            ));
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
            return Err(GroupError::CredentialTypeUnsupportedByMember {
                leaf: me,
                credential_type: own_type.0,
                member,
            });
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
                return Err(GroupError::MemberCredentialTypeUnsupported {
                    leaf: me,
                    credential_type: *t,
                    member,
                });
            }
        }
    }
    Ok(())
}
