//! One checker per rule of a member Commit's proposal list (RFC 9420
//! §12.1, §12.2), shared by the receiver of a Commit, which rejects the
//! Commit at the first failing rule, and by the committer, which leaves out
//! the cached proposals that fail and reports them (issue 15 item 3) while
//! its proposals by value still fail loudly. Standalone proposals are
//! checked at receipt with the same per-proposal functions.
//!
//! Cheap checks first (GUIDANCE G-35): [`ListChecker::admit`] runs the
//! structural and duplicate rules, which need no cryptography, and
//! [`verify_proposal`] the signature work of one proposal (a KeyPackage's
//! two signatures, an Update's leaf signature). A receiver admits the whole
//! list before verifying any proposal, so a Commit repeating one Add
//! thousands of times is rejected at the second copy without a signature
//! verified.
//!
//! A receiver runs the admission twice (issue 15 item 2). First
//! [`check_list_structure`], from inside the framing layer, before the
//! Commit's membership tag and signature are computed over its (possibly
//! megabytes of) content: the same checker in its structural mode, which
//! skips the application's hooks (the proposal policy and the credential
//! validator are never shown unauthenticated content). Then, once the
//! message is authenticated, [`check_list`] with every rule. A hostile
//! member's Commit of duplicate Adds is therefore rejected after decoding,
//! without a MAC, hash or signature over it.
//!
//! Proposals are admitted in the order of [`admission_rank`] (ReInit, then
//! Removes, Updates, GroupContextExtensions, Adds, PreSharedKeys): a rule that
//! depends on other proposals (an Add of a member removed in the same
//! Commit, new members supporting the new extensions) then sees all of
//! them, of a Remove and an Update of one leaf the Remove wins
//! (V-12.2-19), and a committer's ReInit leaves out every cached proposal
//! (V-12.2-14: a ReInit stands alone). The rules are pairwise or per proposal, so the verdict on a
//! list does not depend on the order inside one rank.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use mls_codec::{
    Extension, ExtensionContainer, ExternalSenders, KeyPackage, LeafNode, PreSharedKeyId, Proposal,
    ProtocolVersion, Psk, ReInit, ResumptionPskUsage,
};
use mls_keyschedule::PskSecret;
use mls_treekem::{
    LeafContext, LeafIndex, LeafValidationPolicy, TreeView, check_credential_replacement,
    validate_leaf_node,
};

use super::context::{ApplyContext, GroupRequirements, ProposalSource, leaf_supports};
use super::custom::{check_custom_proposal, check_custom_support, with_extensions};
use crate::key_package::{KeyPackageValidation, validate_key_package};
use crate::{CommitError, FramingError, GroupError, ProposalError, Rejection, Result};

/// The last rank of [`admission_rank`].
const LAST_RANK: u8 = 7;

/// The order in which a list's proposals are admitted (see the module docs).
/// Custom proposals (RFC 9420 §13) come after the Removes and Updates (the
/// members staying must support them) and the GroupContextExtensions, and
/// before the Adds (new members must support the GroupContext extensions a
/// custom proposal sets).
pub(crate) fn admission_rank(proposal: &Proposal) -> u8 {
    match proposal {
        Proposal::ReInit(_) => 0,
        Proposal::Remove(_) => 1,
        Proposal::Update(_) => 2,
        Proposal::GroupContextExtensions(_) => 3,
        Proposal::Unknown { .. } => 4,
        Proposal::Add(_) => 5,
        Proposal::PreSharedKey(_) => 6,
        _ => 7,
    }
}

/// What a valid list does, each part in list order (RFC 9420 §12.3).
#[derive(Debug, Default)]
pub(crate) struct ListPlan<'a> {
    pub removes: Vec<LeafIndex>,
    pub updates: Vec<(LeafIndex, &'a LeafNode)>,
    pub adds: Vec<&'a KeyPackage>,
    pub psks: Vec<PreSharedKeyId>,
    /// The new GroupContext extensions: a GCE's, or the current ones with
    /// the custom proposals' effects (RFC 9420 §13).
    pub extensions: Option<Cow<'a, [Extension]>>,
    /// Whether the Commit must carry a path (RFC 9420 §12.4, §17.4): an
    /// empty list, or a proposal whose type requires one (custom types:
    /// as registered).
    pub path_required: bool,
}

/// [`ListChecker::tree_changes`].
pub(crate) struct TreeChanges<'c, 'a> {
    pub removes: &'c [(usize, LeafIndex)],
    pub updates: &'c [(usize, LeafIndex, &'a LeafNode)],
    pub adds: &'c [(usize, &'a KeyPackage)],
}

/// The list rules of RFC 9420 §12.2 over the proposals admitted so far. A
/// failed [`ListChecker::admit`] leaves the state unchanged, so a committer
/// can go on with the next proposal.
pub(crate) struct ListChecker<'a, 't> {
    ctx: &'t ApplyContext<'t>,
    tree: &'t dyn TreeView,
    changed_leaves: HashSet<u32>,
    removes: Vec<(usize, LeafIndex)>,
    updates: Vec<(usize, LeafIndex, &'a LeafNode)>,
    adds: Vec<(usize, &'a KeyPackage)>,
    init_keys: HashSet<&'a [u8]>,
    signature_keys: HashSet<&'a [u8]>,
    /// Basic-credential identities of the members (built on the first
    /// Add), and of the Adds admitted.
    member_identities: Option<HashMap<Vec<u8>, Vec<u32>>>,
    new_identities: HashSet<Vec<u8>>,
    psks: Vec<(usize, &'a PreSharedKeyId)>,
    psk_set: HashSet<&'a PreSharedKeyId>,
    gce: Option<&'a Vec<Extension>>,
    /// The GroupContext extensions after the custom proposals' effects.
    custom_extensions: Option<Vec<Extension>>,
    /// How many custom proposals were admitted.
    customs: usize,
    reinit: Option<&'a ReInit>,
    /// How many proposals were admitted, and whether one requires a path.
    admitted: usize,
    path_required: bool,
    /// Whether the application's hooks run (proposal policy, credential
    /// validator); off for the structural pass on unauthenticated content.
    hooks: bool,
}

impl<'a, 't> ListChecker<'a, 't> {
    /// A checker for a Commit on `tree` (the tree before the Commit).
    pub(crate) fn new(ctx: &'t ApplyContext<'t>, tree: &'t dyn TreeView) -> Self {
        ListChecker {
            ctx,
            tree,
            changed_leaves: HashSet::new(),
            removes: Vec::new(),
            updates: Vec::new(),
            adds: Vec::new(),
            init_keys: HashSet::new(),
            signature_keys: HashSet::new(),
            member_identities: None,
            new_identities: HashSet::new(),
            psks: Vec::new(),
            psk_set: HashSet::new(),
            gce: None,
            custom_extensions: None,
            customs: 0,
            reinit: None,
            admitted: 0,
            path_required: false,
            hooks: true,
        }
    }

    /// A checker for the structural pass over a list whose message is not
    /// authenticated yet: every rule but the application's hooks.
    pub(crate) fn structural(ctx: &'t ApplyContext<'t>, tree: &'t dyn TreeView) -> Self {
        ListChecker {
            hooks: false,
            ..ListChecker::new(ctx, tree)
        }
    }

    /// Whether a proposal has been admitted.
    fn admitted_any(&self) -> bool {
        !(self.removes.is_empty()
            && self.updates.is_empty()
            && self.adds.is_empty()
            && self.psks.is_empty()
            && self.gce.is_none()
            && self.customs == 0
            && self.reinit.is_none())
    }

    /// The GroupContext extensions the Commit leaves (RFC 9420 §12.3: a GCE
    /// applies before the Adds), as far as admitted.
    fn new_extensions(&self) -> &[Extension] {
        match (&self.custom_extensions, self.gce) {
            (Some(e), _) => e,
            (None, Some(e)) => e,
            (None, None) => &self.ctx.context.extensions,
        }
    }

    /// §12.1.7: members staying in the group support `extensions`
    /// (V-12.1.7-01/02); Removes and Updates are admitted before.
    fn staying_members_support(&self, extensions: &[Extension]) -> Result<()> {
        let requirements = GroupRequirements::new(extensions);
        // Looked up per leaf: a Commit of many Removes or Updates stays
        // O(N + its list), not O(N x its list) (G-35).
        let removed: HashSet<LeafIndex> = self.removes.iter().map(|(_, l)| *l).collect();
        let updated: HashMap<LeafIndex, &LeafNode> =
            self.updates.iter().map(|(_, l, n)| (*l, *n)).collect();
        for i in 0..self.tree.leaf_count() {
            let Ok(leaf) = LeafIndex::new(i) else {
                continue;
            };
            if removed.contains(&leaf) {
                continue;
            }
            let node = updated.get(&leaf).copied().or_else(|| self.tree.leaf(leaf));
            if let Some(node) = node {
                requirements
                    .supported_by(node)
                    .map_err(ProposalError::InvalidGroupContextExtensions)?;
            }
        }
        Ok(())
    }

    /// Check `source`, the proposal at `index` of the list, against the
    /// rules that need no signature work, and record it if it passes.
    pub(crate) fn admit(&mut self, index: usize, source: &ProposalSource<'a>) -> Result<()> {
        self.admit_one(index, source)?;
        // §12.4, §17.4: the path-required column (custom types decide).
        self.path_required |= self
            .ctx
            .custom
            .path_required(source.proposal.proposal_type());
        self.admitted += 1;
        Ok(())
    }

    /// §13: a custom proposal (see [`super::custom`]). Its GroupContext
    /// effect is checked like a GCE and replaces no GCE (V-13-02).
    fn admit_custom(&mut self, source: &ProposalSource<'a>) -> Result<()> {
        let ctx = self.ctx;
        let effect = check_custom_proposal(ctx, source, self.hooks)?;
        let proposal_type = source.proposal.proposal_type();
        let removed: Vec<LeafIndex> = self.removes.iter().map(|(_, l)| *l).collect();
        let updated: Vec<(LeafIndex, &LeafNode)> =
            self.updates.iter().map(|(_, l, n)| (*l, *n)).collect();
        check_custom_support(self.tree, &removed, &updated, proposal_type)?;
        let mut new = None;
        if !effect.group_context_extensions.is_empty() {
            if self.gce.is_some() {
                return Err(ProposalError::CustomExtensionsConflict.into());
            }
            let next = with_extensions(self.new_extensions(), &effect.group_context_extensions);
            check_group_context_extensions(ctx.leaf_policy, &next)?;
            self.staying_members_support(&next)?;
            new = Some(next);
        }
        self.check_policy(source)?;
        if new.is_some() {
            // A change of the GroupContext extensions requires a path, as
            // for a GroupContextExtensions proposal (RFC 9420 §17.4).
            self.path_required = true;
            self.custom_extensions = new;
        }
        self.customs += 1;
        Ok(())
    }

    /// [`ListChecker::admit`] without the bookkeeping of every proposal.
    fn admit_one(&mut self, index: usize, source: &ProposalSource<'a>) -> Result<()> {
        let ctx = self.ctx;
        // §12.2: a ReInit is the only proposal of its Commit (V-12.2-14).
        if self.reinit.is_some() {
            return Err(ProposalError::ReInitNotAlone.into());
        }
        match source.proposal {
            Proposal::Remove(remove) => {
                let leaf = check_remove_target(self.tree, remove.removed)?;
                // §12.2: the committer does not remove itself (V-12.2-04).
                if remove.removed == ctx.committer {
                    return Err(ProposalError::CommitterRemoved(remove.removed).into());
                }
                // §12.2: at most one Update or Remove per leaf (V-12.2-06/07).
                if !self.changed_leaves.insert(remove.removed) {
                    return Err(ProposalError::DuplicateLeafChange(remove.removed).into());
                }
                self.removes.push((index, leaf));
            }
            Proposal::Update(update) => {
                // §12.1.8: only a member updates, its own leaf (V-6.1-07).
                let sender = update_sender(source)?.get();
                // §12.2: the committer's own leaf changes only through the
                // path (V-12.2-02), and Updates come only by reference (V-12.2-03).
                if sender == ctx.committer || !source.by_reference {
                    return Err(ProposalError::UpdateFromCommitter(ctx.committer).into());
                }
                let leaf = update_target(self.tree, sender, &update.leaf_node)?;
                if self.hooks {
                    check_update_credential(ctx, self.tree, leaf, &update.leaf_node)?;
                }
                // §12.2: at most one Update or Remove per leaf (V-12.2-05/07).
                if self.changed_leaves.contains(&sender) {
                    return Err(ProposalError::DuplicateLeafChange(sender).into());
                }
                let key = update.leaf_node.signature_key.as_slice();
                self.check_policy(source)?;
                self.changed_leaves.insert(sender);
                self.signature_keys.insert(key);
                self.updates.push((index, leaf, &update.leaf_node));
                return Ok(());
            }
            Proposal::GroupContextExtensions(g) => {
                // §12.2: at most one GCE (V-12.2-13).
                if self.gce.is_some() {
                    return Err(ProposalError::DuplicateGroupContextExtensions.into());
                }
                check_group_context_extension_types(&g.extensions)?;
                if self.hooks {
                    check_group_context_hooks(ctx.leaf_policy, &g.extensions)?;
                }
                self.staying_members_support(&g.extensions)?;
                self.check_policy(source)?;
                self.gce = Some(&g.extensions);
                return Ok(());
            }
            Proposal::Add(add) => {
                let kp = &add.key_package;
                // V-12.2-09: two Adds never share an init key.
                if self.init_keys.contains(kp.init_key.as_slice()) {
                    return Err(ProposalError::DuplicateInitKey.into());
                }
                // §12.2: no Add of a client already in the group unless
                // removed here, and no two Adds of one client (V-12.2-08/10).
                let key = kp.leaf_node.signature_key.as_slice();
                if self.signature_keys.contains(key)
                    || self
                        .tree
                        .leaves_with_signature_key(key)
                        .iter()
                        .any(|l| !self.removes.iter().any(|(_, r)| r == l))
                {
                    return Err(ProposalError::AddOfExistingMember.into());
                }
                let identity = self.new_identity(&kp.leaf_node)?;
                // §11.1, §13.4: new members support the group's extensions
                // and required capabilities (V-11.1-01, V-13.4-04; after a
                // GCE, V-12.3-01).
                leaf_supports(&kp.leaf_node, self.new_extensions())
                    .map_err(ProposalError::MissingCapability)?;
                self.check_policy(source)?;
                self.init_keys.insert(kp.init_key.as_slice());
                self.signature_keys.insert(key);
                if let Some(identity) = identity {
                    self.new_identities.insert(identity);
                }
                self.adds.push((index, kp));
                return Ok(());
            }
            Proposal::PreSharedKey(psk) => {
                check_psk_proposal(ctx, &psk.psk)?;
                // §12.2: no PSK twice (V-12.2-12).
                if self.psk_set.contains(&psk.psk) {
                    return Err(ProposalError::DuplicatePsk.into());
                }
                self.check_policy(source)?;
                self.psk_set.insert(&psk.psk);
                self.psks.push((index, &psk.psk));
                return Ok(());
            }
            Proposal::ReInit(reinit) => {
                if self.admitted_any() {
                    return Err(ProposalError::ReInitNotAlone.into());
                }
                // Its extension checks show the credential validator the
                // external senders: a hook, for the authenticated pass.
                if self.hooks {
                    check_reinit_proposal(ctx, self.tree, reinit)?;
                }
                self.check_policy(source)?;
                self.reinit = Some(&**reinit);
                return Ok(());
            }
            // §13: an application-defined type (unregistered: V-12.2-16).
            Proposal::Unknown { .. } => return self.admit_custom(source),
            // §12.2: ExternalInit in a member Commit (V-12.2-15).
            other => return Err(ProposalError::NotAllowed(other.proposal_type().0).into()),
        }
        // A Remove: recorded above; the policy may still refuse it.
        if let Err(e) = self.check_policy(source) {
            if let Some((_, leaf)) = self.removes.pop() {
                self.changed_leaves.remove(&leaf.get());
            }
            return Err(e);
        }
        Ok(())
    }

    /// The identity of a new member's basic credential, refused when a
    /// member staying in the group or another Add has it (issue 15 item 4,
    /// RFC 9420 §5.3.1: one client, one identity).
    fn new_identity(&mut self, leaf: &LeafNode) -> Result<Option<Vec<u8>>> {
        if !self.hooks {
            return Ok(None);
        }
        let validator = &self.ctx.leaf_policy.credential_validator;
        let Some(identity) = validator.identity(&leaf.credential) else {
            return Ok(None);
        };
        if self.new_identities.contains(&identity) {
            return Err(ProposalError::DuplicateIdentity.into());
        }
        let tree = self.tree;
        let members = self.member_identities.get_or_insert_with(|| {
            let mut map: HashMap<Vec<u8>, Vec<u32>> = HashMap::new();
            for i in 0..tree.leaf_count() {
                let Some(node) = LeafIndex::new(i).ok().and_then(|l| tree.leaf(l)) else {
                    continue;
                };
                if let Some(id) = validator.identity(&node.credential) {
                    map.entry(id).or_default().push(i);
                }
            }
            map
        });
        if members.get(&identity).is_some_and(|leaves| {
            leaves
                .iter()
                .any(|l| !self.removes.iter().any(|(_, r)| r.get() == *l))
        }) {
            return Err(ProposalError::DuplicateIdentity.into());
        }
        Ok(Some(identity))
    }

    /// §12.2: the application's own rules (V-12.2-18).
    fn check_policy(&self, source: &ProposalSource<'_>) -> Result<()> {
        let Some(policy) = self.ctx.proposal_policy.filter(|_| self.hooks) else {
            return Ok(());
        };
        // A committer index that is not a valid leaf is refused rather
        // than allowed.
        let allowed = LeafIndex::new(self.ctx.committer)
            .is_ok_and(|committer| policy.allow(source.proposal, source.sender, committer));
        if allowed {
            Ok(())
        } else {
            Err(ProposalError::RejectedByPolicy {
                proposal_type: source.proposal.proposal_type().0,
                sender: source.sender,
            }
            .into())
        }
    }

    /// The tree changes admitted so far, in admission order: Removes,
    /// Updates and Adds, each with its index in the list.
    pub(crate) fn tree_changes(&self) -> TreeChanges<'_, 'a> {
        TreeChanges {
            removes: &self.removes,
            updates: &self.updates,
            adds: &self.adds,
        }
    }

    /// The admitted proposals, each kind in list order.
    pub(crate) fn finish(mut self) -> ListPlan<'a> {
        self.removes.sort_by_key(|(i, _)| *i);
        self.updates.sort_by_key(|(i, _, _)| *i);
        self.adds.sort_by_key(|(i, _)| *i);
        self.psks.sort_by_key(|(i, _)| *i);
        ListPlan {
            removes: self.removes.into_iter().map(|(_, l)| l).collect(),
            updates: self.updates.into_iter().map(|(_, l, n)| (l, n)).collect(),
            adds: self.adds.into_iter().map(|(_, k)| k).collect(),
            psks: self.psks.into_iter().map(|(_, p)| p.clone()).collect(),
            extensions: match self.custom_extensions {
                Some(e) => Some(Cow::Owned(e)),
                None => self.gce.map(|e| Cow::Borrowed(e.as_slice())),
            },
            path_required: self.path_required || self.admitted == 0,
        }
    }
}

/// The receiver's check of a whole list: every structural rule, then the
/// signature work of every proposal (G-35).
pub(crate) fn check_list<'a>(
    ctx: &ApplyContext<'_>,
    tree: &dyn TreeView,
    list: &[ProposalSource<'a>],
) -> Result<ListPlan<'a>> {
    let mut checker = ListChecker::new(ctx, tree);
    admit_all(&mut checker, list)?;
    // Independent signature work, on every core; the first failing
    // proposal in list order is the error (issue 14 item 2).
    let verifier = Verifier::of(ctx);
    mls_treekem::par::try_map(list, |source| verifier.verify(source))?;
    Ok(checker.finish())
}

/// The structural pass of [`check_list`] (see the module docs): every rule
/// of the admission but the application's hooks, and no signature work.
/// Run by a receiver on a Commit that is not authenticated yet.
pub(crate) fn check_list_structure(
    ctx: &ApplyContext<'_>,
    tree: &dyn TreeView,
    list: &[ProposalSource<'_>],
) -> Result<()> {
    admit_all(&mut ListChecker::structural(ctx, tree), list)
}

/// Admit every proposal of `list` in the order of [`admission_rank`].
fn admit_all<'a>(checker: &mut ListChecker<'a, '_>, list: &[ProposalSource<'a>]) -> Result<()> {
    // Ranks and proposals in one pass each: the list is decoded input, so
    // the checker holds no more than a few bytes per proposal beyond it.
    for rank in 0..=LAST_RANK {
        for (i, source) in list.iter().enumerate() {
            if admission_rank(source.proposal) == rank {
                checker.admit(i, source)?;
            }
        }
    }
    Ok(())
}

/// The signature work of one proposal (RFC 9420 §12.1.1, §12.1.2): an Add's
/// KeyPackage is valid (§10.1, V-12.1.1-01), an Update's leaf node is valid
/// in the update context (V-12.1.2-01/02).
pub(crate) fn verify_proposal(ctx: &ApplyContext<'_>, source: &ProposalSource<'_>) -> Result<()> {
    Verifier::of(ctx).verify(source)
}

/// What [`verify_proposal`] needs of an [`ApplyContext`]: the part that
/// can be shared between threads (the PSK store cannot).
pub(super) struct Verifier<'a> {
    cs: &'a dyn mls_crypto::CipherSuiteProvider,
    group_id: &'a [u8],
    leaf_policy: &'a LeafValidationPolicy,
}

impl<'a> Verifier<'a> {
    pub(super) fn of(ctx: &ApplyContext<'a>) -> Self {
        Verifier {
            cs: ctx.cs,
            group_id: ctx.context.group_id.as_slice(),
            leaf_policy: ctx.leaf_policy,
        }
    }

    /// [`verify_proposal`].
    pub(super) fn verify(&self, source: &ProposalSource<'_>) -> Result<()> {
        verify_with(self, source)
    }
}

/// The body of [`Verifier::verify`].
fn verify_with(ctx: &Verifier<'_>, source: &ProposalSource<'_>) -> Result<()> {
    match source.proposal {
        Proposal::Add(add) => {
            let validation = KeyPackageValidation {
                leaf_policy: ctx.leaf_policy.clone(),
                ..KeyPackageValidation::default()
            };
            validate_key_package(ctx.cs, &add.key_package, &validation)?;
        }
        Proposal::Update(update) => {
            let leaf = update_sender(source)?;
            validate_leaf_node(
                ctx.cs,
                &update.leaf_node,
                LeafContext::Update {
                    group_id: ctx.group_id,
                    leaf,
                },
                ctx.leaf_policy,
            )
            .map_err(ProposalError::UpdateLeafInvalid)?;
        }
        _ => {}
    }
    Ok(())
}

/// §12.1.2, §12.1.8: an Update comes from a member, for its own leaf
/// (V-6.1-07: never from an external sender or a new member).
fn update_sender(source: &ProposalSource<'_>) -> Result<LeafIndex> {
    source
        .sender
        .leaf()
        .ok_or(GroupError::Rejected(Rejection::Framing(
            FramingError::SenderProposalTypeNotAllowed {
                sender: source.sender.type_name(),
                proposal_type: source.proposal.proposal_type().0,
            },
        )))
}

/// §12.1.3: the removed leaf is in the tree and not blank (V-12.1.3-01/02).
pub(crate) fn check_remove_target(tree: &dyn TreeView, removed: u32) -> Result<LeafIndex> {
    LeafIndex::new(removed)
        .ok()
        .filter(|l| l.get() < tree.leaf_count() && tree.leaf(*l).is_some())
        .ok_or(GroupError::Rejected(Rejection::Proposal(
            ProposalError::RemoveOfNonMember(removed),
        )))
}

/// §12.1.2: the sender's leaf is a member; the Update changes the
/// encryption key (§7.3, V-7.3-14); the new credential represents the same
/// client (§5.3.1, issue 15 item 4).
pub(crate) fn check_update_target(
    ctx: &ApplyContext<'_>,
    tree: &dyn TreeView,
    sender: u32,
    new: &LeafNode,
) -> Result<LeafIndex> {
    let leaf = update_target(tree, sender, new)?;
    check_update_credential(ctx, tree, leaf, new)?;
    Ok(leaf)
}

/// The structural half of [`check_update_target`]: a member's leaf, a new
/// encryption key.
fn update_target(tree: &dyn TreeView, sender: u32, new: &LeafNode) -> Result<LeafIndex> {
    let leaf = LeafIndex::new(sender).map_err(|_| FramingError::SenderNotMember(sender))?;
    let old = tree
        .leaf(leaf)
        .ok_or(ProposalError::InvalidUpdate("the sender's leaf is blank"))?;
    if old.encryption_key == new.encryption_key {
        return Err(ProposalError::UpdateKeepsEncryptionKey(sender).into());
    }
    Ok(leaf)
}

/// The hook half of [`check_update_target`]: the credential validator
/// accepts `new` as the successor of the leaf's credential.
fn check_update_credential(
    ctx: &ApplyContext<'_>,
    tree: &dyn TreeView,
    leaf: LeafIndex,
    new: &LeafNode,
) -> Result<()> {
    let old = tree
        .leaf(leaf)
        .ok_or(ProposalError::InvalidUpdate("the sender's leaf is blank"))?;
    check_credential_replacement(ctx.leaf_policy, leaf, old, new)
        .map_err(|e| ProposalError::UpdateLeafInvalid(e).into())
}

/// §12.1.4: resumption PSKs with usage reinit/branch only in their flows
/// (V-12.1.4-01/02, V-11.2-01, V-11.3-01: the first Commit of a successor
/// or branch group, [`ApplyContext::restart_usage`]); a nonce of length Nh (V-12.1.4-03); and, when the
/// context has a PSK store, the PSK resolves (V-12.4.2-06).
pub(crate) fn check_psk_proposal(ctx: &ApplyContext<'_>, psk: &PreSharedKeyId) -> Result<()> {
    if let Psk::Resumption { usage, .. } = &psk.psk {
        match usage {
            ResumptionPskUsage::Application => {}
            u if ctx.restart_usage == Some(*u) => {}
            ResumptionPskUsage::Reinit => {
                return Err(ProposalError::PskUsageNotAllowed("reinit").into());
            }
            ResumptionPskUsage::Branch => {
                return Err(ProposalError::PskUsageNotAllowed("branch").into());
            }
        }
    }
    mls_keyschedule::check_psk_nonce(ctx.cs, psk).map_err(CommitError::PskUnavailable)?;
    if let Some(store) = ctx.psk_store {
        PskSecret::resolve(ctx.cs, std::slice::from_ref(psk), store)
            .map_err(CommitError::PskUnavailable)?;
    }
    Ok(())
}

/// §12.1.5: a ReInit names a protocol version not lower than the group's
/// and that this engine implements (V-12.1.5-01), a cipher suite it
/// implements (not reserved, not GREASE; V-12.1.5-03), and GroupContext
/// extensions that are well formed and that every member supports
/// (V-12.1.5-03, as for a GroupContextExtensions proposal). The one checker
/// for proposing, receiving and committing a ReInit.
pub(crate) fn check_reinit_proposal(
    ctx: &ApplyContext<'_>,
    tree: &dyn TreeView,
    reinit: &ReInit,
) -> Result<()> {
    if reinit.version < ctx.context.version || reinit.version != ProtocolVersion::MLS10 {
        return Err(ProposalError::ReInitUnsupportedVersion(reinit.version.0).into());
    }
    let suite = reinit.cipher_suite.0;
    if mls_crypto::CipherSuite::from_id(suite).is_err() {
        return Err(ProposalError::ReInitUnsupportedCipherSuite(suite).into());
    }
    check_group_context_extensions(ctx.leaf_policy, &reinit.extensions).map_err(|e| match e {
        GroupError::Rejected(Rejection::Proposal(
            ProposalError::InvalidGroupContextExtensions(why),
        )) => GroupError::Rejected(Rejection::Proposal(
            ProposalError::ReInitExtensionsUnsupported(why),
        )),
        other => other,
    })?;
    for i in 0..tree.leaf_count() {
        if let Some(node) = LeafIndex::new(i).ok().and_then(|l| tree.leaf(l)) {
            leaf_supports(node, &reinit.extensions)
                .map_err(ProposalError::ReInitExtensionsUnsupported)?;
        }
    }
    Ok(())
}

/// GroupContext extensions: no type twice, none that belongs elsewhere
/// (RFC 9420 §13.4, §17.3; V-13.4-01, V-12.1.7-03/05, V-17.3-01). The one
/// checker for group creation, GCE proposals at receipt and in Commits.
pub(crate) fn check_group_context_extensions(
    leaf_policy: &LeafValidationPolicy,
    extensions: &[Extension],
) -> Result<()> {
    check_group_context_extension_types(extensions)?;
    check_group_context_hooks(leaf_policy, extensions)
}

/// The application's half of [`check_group_context_extensions`]: its own
/// extension types (RFC 9420 §13, V-13-03) and the external senders'
/// credentials.
fn check_group_context_hooks(
    leaf_policy: &LeafValidationPolicy,
    extensions: &[Extension],
) -> Result<()> {
    crate::custom::check_custom_extensions(
        leaf_policy,
        ExtensionContainer::GroupContext,
        extensions,
    )
    .map_err(
        |(extension_type, reason)| ProposalError::CustomExtensionRefused {
            extension_type,
            reason,
        },
    )?;
    check_external_senders(leaf_policy, extensions)
}

/// The structural half of [`check_group_context_extensions`]: the types.
fn check_group_context_extension_types(extensions: &[Extension]) -> Result<()> {
    let mut seen = HashSet::with_capacity(extensions.len());
    for e in extensions {
        if !seen.insert(e.extension_type.0) {
            return Err(ProposalError::InvalidGroupContextExtensions(
                "an extension type appears twice",
            )
            .into());
        }
        if e.extension_type
            .allowed_containers()
            .is_some_and(|c| !c.contains(&ExtensionContainer::GroupContext))
        {
            return Err(ProposalError::InvalidGroupContextExtensions(
                "an extension type not allowed in the GroupContext",
            )
            .into());
        }
        // §13.5: this client's own capabilities hold no GREASE value, so a
        // GroupContext extension of a GREASE type is one it does not
        // support (the normal logic for an unsupported type, V-13.5-02).
        if e.extension_type.is_grease() {
            return Err(ProposalError::InvalidGroupContextExtensions(
                "an extension type this client does not support (GREASE, RFC 9420 §13.5)",
            )
            .into());
        }
    }
    Ok(())
}

/// §12.1.8.1, §5.3.1: an `external_senders` extension parses exactly, and
/// the application's credential validator accepts every sender's
/// credential with its signature key (V-12.1.8-02, V-2.1-11, V-5.3.1-06/07).
/// Checked wherever the extension enters the GroupContext: at creation, in
/// a GroupContextExtensions proposal, in a Commit's list.
pub(crate) fn check_external_senders(
    leaf_policy: &LeafValidationPolicy,
    extensions: &[Extension],
) -> Result<()> {
    let Some(senders) = mls_codec::find_payload::<ExternalSenders>(extensions)? else {
        return Ok(());
    };
    let validator = &leaf_policy.credential_validator;
    match senders
        .0
        .iter()
        .position(|s| !validator.accept(&s.credential, s.signature_key.as_slice()))
    {
        Some(index) => Err(ProposalError::ExternalSenderCredentialRejected(index).into()),
        None => Ok(()),
    }
}
