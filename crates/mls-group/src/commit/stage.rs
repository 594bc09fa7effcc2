//! Staging a received Commit (RFC 9420 §12.4.2): the checks of the RFC in
//! its order, on a diff of the tree and copies of the secrets. The group is
//! not touched; the result is a [`StagedCommit`] to inspect and merge.

use std::collections::BTreeSet;

use mls_codec::{Commit, Proposal, ProposalOrRef, VLBytes};
use mls_keyschedule::{CommitSecret, PskSecret, PskStore};
use mls_treekem::{LeafIndex, PrivateKeyChanges, TreeView, apply_update_path};

use super::epoch_step::{self, NextEpoch, ScheduleInput};
use super::{CommitInfo, MemberChange, StagedCommit, StagedEpoch, TreeUpdate};
use crate::framing::VerifiedMessage;
use crate::group::Group;
use crate::proposals::{
    ApplyContext, ProposalSender, ProposalSource, apply_proposals, check_list_structure,
};
use crate::{CommitError, GroupError, ProposalError, Result};

impl Group {
    /// The structural rules of a member's Commit (RFC 9420 §12.2, §12.4:
    /// references resolve, the list rules without the application's hooks),
    /// run by the framing layer before the Commit's membership tag and
    /// signature are checked (GUIDANCE G-35, issue 15 item 2). The full
    /// check in [`Group::stage_commit`] runs once the Commit is
    /// authenticated; this one only makes hostile lists fail early.
    pub(crate) fn precheck_commit(&self, commit: &Commit, committer_leaf: LeafIndex) -> Result<()> {
        let (sources, _) = self.commit_sources(commit, committer_leaf)?;
        let policy = self.config.leaf_policy();
        check_list_structure(
            &self.receiver_apply_context(committer_leaf.get(), &policy),
            &self.tree,
            &sources,
        )
    }

    /// The inputs of a received member Commit's list checks.
    fn receiver_apply_context<'a>(
        &'a self,
        committer: u32,
        policy: &'a mls_treekem::LeafValidationPolicy,
    ) -> ApplyContext<'a> {
        ApplyContext {
            cs: self.cs.as_ref(),
            context: &self.context,
            committer,
            leaf_policy: policy,
            proposal_policy: self.config.proposal_policy.as_deref(),
            // Resolved by the key schedule in `stage_commit`, and not at all
            // when the Commit removes us.
            psk_store: None,
            restart_usage: None,
            custom: &self.config.custom,
        }
    }

    /// §12.4: a Commit's proposals with their senders, references resolved
    /// in this epoch's cache (V-12.4-08/09), and the private key of our own
    /// leaf when one of them is our cached Update.
    fn commit_sources<'a>(
        &'a self,
        commit: &'a Commit,
        committer_leaf: LeafIndex,
    ) -> Result<(Vec<ProposalSource<'a>>, Option<mls_crypto::HpkePrivateKey>)> {
        let mut seen_refs = BTreeSet::new();
        let mut sources = Vec::with_capacity(commit.proposals.len());
        let mut own_leaf_key = None;
        for item in &commit.proposals {
            match item {
                ProposalOrRef::Reference(r) => {
                    if !seen_refs.insert(r.as_slice()) {
                        return Err(ProposalError::DuplicateRef.into());
                    }
                    let cached = self
                        .proposals
                        .get(r.as_slice())
                        .ok_or(ProposalError::UnknownRef)?;
                    if cached.update_key.is_some() {
                        own_leaf_key = cached.update_key.clone();
                    }
                    sources.push(ProposalSource {
                        proposal: &cached.proposal,
                        sender: cached.sender,
                        by_reference: true,
                    });
                }
                ProposalOrRef::Proposal(p) => sources.push(ProposalSource {
                    proposal: p,
                    sender: ProposalSender::Member(committer_leaf),
                    by_reference: false,
                }),
            }
        }
        Ok((sources, own_leaf_key))
    }

    /// §12.4.2: our path secret of a received UpdatePath, decrypted under
    /// the provisional GroupContext (with our new leaf key when the Commit
    /// covers our own Update), and the commit secret it leads to.
    fn decrypt_path(
        &self,
        applied_path: &mls_treekem::AppliedUpdatePath<'_>,
        diff: &mls_treekem::TreeDiff<'_>,
        context: &mls_codec::GroupContext,
        own_leaf_key: Option<&mls_crypto::HpkePrivateKey>,
        committer: u32,
    ) -> Result<(CommitSecret, PrivateKeyChanges)> {
        let cs = self.cs.as_ref();
        let provisional = mls_codec::encode(context)?;
        let received = match own_leaf_key {
            Some(key) => {
                let mut keys = self.private.clone();
                keys.insert(self.own_leaf().node(), key.clone());
                applied_path.decrypt(diff, cs, &keys, &provisional)
            }
            None => applied_path.decrypt(diff, cs, &self.private, &provisional),
        }
        // §16.12: name the committer whose path secrets are wrong.
        .map_err(|source| CommitError::InconsistentPath { committer, source })?;
        Ok((
            CommitSecret::new(received.commit_secret),
            received.private_keys,
        ))
    }

    /// Stage the Commit in `verified`, whose framing (epoch, membership tag or
    /// decryption, signature) the caller has verified; `committer_leaf` is the
    /// sender's leaf.
    pub(crate) fn stage_commit(
        &self,
        verified: &VerifiedMessage,
        commit: &Commit,
        committer_leaf: LeafIndex,
        psk_store: &dyn PskStore,
    ) -> Result<StagedCommit> {
        let cs = self.cs.as_ref();
        let me = self.own_leaf();
        let committer = committer_leaf.get();

        let (sources, mut own_leaf_key) = self.commit_sources(commit, committer_leaf)?;

        // §12.2, §12.3: validate the list and apply it to a diff.
        let policy = self.config.leaf_policy();
        let mut diff = self.tree.diff();
        let applied = apply_proposals(
            &self.receiver_apply_context(committer, &policy),
            &mut diff,
            &sources,
        )?;
        // Copied only once the list is valid: a rejected list costs no
        // second copy of its proposals (issue 15 item 1).
        let proposals: Vec<Proposal> = sources.iter().map(|s| s.proposal.clone()).collect();
        let custom = crate::proposals::committed_custom(&sources);
        drop(sources);
        // §12.4.2: the path is present when required (V-12.4-01..05).
        if applied.path_required && commit.path.is_none() {
            return Err(CommitError::PathRequired.into());
        }
        let removes_us = applied.removed.iter().any(|(l, _)| *l == me);
        // Our own Update is committed: our leaf key becomes the new one.
        let own_updated = applied.updated.contains(&me);
        if !own_updated {
            own_leaf_key = None;
        }

        let mut context = self.context.clone();
        context.epoch = context
            .epoch
            .checked_add(1)
            .ok_or(GroupError::Internal("epoch overflow"))?;
        if let Some(ext) = &applied.extensions {
            context.extensions = ext.clone();
        }
        let new_leaves: Vec<LeafIndex> = applied.added.iter().map(|(l, _)| *l).collect();
        let sender = committer_leaf;
        // §12.4.2: the path's public part into the diff (checked like an
        // Update, V-7.5-05), then the provisional tree hash.
        let applied_path = match &commit.path {
            Some(path) => {
                let support_changes = diff.leaf(sender).is_none_or(|old| {
                    crate::proposals::credential_support_changes(old, &path.leaf_node)
                });
                let applied_path = apply_update_path(
                    &mut diff,
                    cs,
                    sender,
                    path,
                    self.context.group_id.as_slice(),
                    &new_leaves,
                    &policy,
                )
                .map_err(CommitError::InvalidTree)?;
                // §7.3: the committer's new leaf and the members support each
                // other's credential types (V-7.3-06/07); unchanged support
                // keeps the rule the tree met.
                if support_changes {
                    crate::proposals::check_credential_support(&diff, &[sender])?;
                }
                Some(applied_path)
            }
            None => None,
        };
        context.tree_hash = VLBytes::new(diff.tree_hash(cs)?);
        if removes_us {
            // We cannot decrypt (our leaf is blank); the new epoch's
            // secrets are not ours to know (RFC 9420 §12.4.2).
            return removed_commit(
                self,
                context,
                diff.into_changes(),
                proposals,
                &applied,
                committer_leaf,
                commit.path.is_some(),
            )
            .map(|staged| staged.with_custom_proposals(custom));
        }
        let (commit_secret, private_changes) = match applied_path {
            Some(applied_path) => self.decrypt_path(
                &applied_path,
                &diff,
                &context,
                own_leaf_key.as_ref(),
                committer,
            )?,
            None => (CommitSecret::zero(cs), PrivateKeyChanges::default()),
        };
        // §12.4.2: PSKs available (V-12.4.2-06).
        // (the group's own current and retained resumption PSKs, §8.6)
        let psk_store = crate::group::psk::GroupPskStore::new(self, psk_store);
        let psk_secret = PskSecret::resolve(cs, &applied.psks, &psk_store)
            .map_err(CommitError::PskUnavailable)?;

        // §12.4.2: transcript hashes, key schedule, confirmation tag.
        let NextEpoch {
            keys,
            interim,
            confirmation_tag,
        } = epoch_step::verify(
            cs,
            &self.interim,
            verified,
            &mut context,
            ScheduleInput {
                init_secret: self.epoch.init_secret.clone(),
                commit_secret,
                psk_secret,
            },
        )?;
        let info = commit_info(
            &applied,
            proposals,
            custom,
            committer_leaf,
            &context,
            commit.path.is_some(),
            false,
        );
        Ok(StagedCommit::new(StagedEpoch {
            from_epoch: self.context.epoch,
            context,
            tree: TreeUpdate::Changes(diff.into_changes()),
            private_changes,
            own_leaf_key,
            secrets: Some(keys.secrets),
            interim,
            confirmation_tag,
            info,
            new_signer: None,
        }))
    }
}

/// The public summary of a Commit, as received (`own_commit: false`); the
/// committer's own summary sets `own_commit` on the same value.
pub(super) fn commit_info(
    applied: &crate::proposals::AppliedProposals,
    proposals: Vec<Proposal>,
    custom_proposals: Vec<crate::custom::CommittedCustomProposal>,
    committer: LeafIndex,
    context: &mls_codec::GroupContext,
    has_path: bool,
    removes_us: bool,
) -> CommitInfo {
    CommitInfo {
        committer,
        new_epoch: context.epoch,
        proposals,
        custom_proposals,
        added: applied
            .added
            .iter()
            .map(|(l, kp)| MemberChange {
                leaf_index: *l,
                credential: kp.leaf_node.credential.clone(),
            })
            .collect(),
        removed: applied
            .removed
            .iter()
            .map(|(l, n)| MemberChange {
                leaf_index: *l,
                credential: n.credential.clone(),
            })
            .collect(),
        updated: applied.updated.clone(),
        psks: applied.psks.clone(),
        new_extensions: applied.extensions.clone(),
        has_path,
        removes_us,
        own_commit: false,
    }
}

/// A Commit that removes us: merging it ends our membership. The new
/// epoch's secrets are not ours to know (RFC 9420 §12.4.2): the staged
/// Commit has none ([`StagedCommit::epoch_authenticator`] is `None`), and the
/// merge wipes the current ones (GUIDANCE G-11, `commit/merge.rs`).
pub(super) fn removed_commit(
    group: &Group,
    context: mls_codec::GroupContext,
    changes: mls_treekem::TreeChanges,
    proposals: Vec<Proposal>,
    applied: &crate::proposals::AppliedProposals,
    committer: LeafIndex,
    has_path: bool,
) -> Result<StagedCommit> {
    let info = commit_info(
        applied,
        proposals,
        Vec::new(),
        committer,
        &context,
        has_path,
        true,
    );
    Ok(StagedCommit::new(StagedEpoch {
        from_epoch: group.context.epoch,
        context,
        tree: TreeUpdate::Changes(changes),
        private_changes: PrivateKeyChanges::default(),
        own_leaf_key: None,
        secrets: None,
        interim: group.interim.clone(),
        confirmation_tag: group.confirmation_tag.clone(),
        info,
        new_signer: None,
    }))
}
