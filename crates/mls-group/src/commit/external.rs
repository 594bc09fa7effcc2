//! External Commits (RFC 9420 §12.4.3.2): the proposal-list rules of §12.2
//! for a `new_member_commit`, shared by the joiner that builds one
//! (`crate::group::external_join`) and by the members that stage a received
//! one (here), so that both judge a list the same way.
//!
//! An external Commit holds exactly one ExternalInit (§12.1.6), at most one
//! Remove (of the joiner's own earlier leaf, a "resync"), any number of
//! PreSharedKeys, nothing else, and nothing by reference; it always has a
//! path (the framing layer refuses one without, V-6.1-10). The joiner takes
//! the leftmost blank leaf once the Remove is applied (§12.4.3.2, V-12.4.1-05).

use mls_codec::{Commit, LeafNode, Proposal, ProposalOrRef, VLBytes};
use mls_crypto::CipherSuiteProvider;
use mls_keyschedule::{CommitSecret, PskSecret, PskStore};
use mls_treekem::{
    CredentialValidator, LeafIndex, LeafValidationPolicy, TreeDiff, apply_external_update_path,
};

use super::epoch_step::{self, NextEpoch, ScheduleInput};
use super::stage::{commit_info, removed_commit};
use super::{MemberChange, StagedCommit, StagedEpoch, TreeUpdate};
use crate::framing::VerifiedMessage;
use crate::group::Group;
use crate::proposals::{
    AppliedProposals, ApplyContext, ProposalSender, ProposalSource, apply_proposals,
    check_credential_support,
};
use crate::{CommitError, FramingError, GroupError, Result};

/// An external Commit's proposal list, checked for its shape.
pub(crate) struct ExternalProposals<'a> {
    /// The ExternalInit `kem_output` (RFC 9420 §8.3).
    pub kem_output: &'a [u8],
    /// The Remove (if any) and the PreSharedKeys, for [`apply_external_proposals`].
    pub others: Vec<ProposalSource<'a>>,
}

/// The leaf index no member has: the "committer" of the shared §12.2
/// checker for a joiner, whose leaf is only known once the list is applied.
const NO_LEAF: u32 = u32::MAX;

/// RFC 9420 §12.2, §12.4.3.2: everything by value (V-12.4.3.2-02), exactly
/// one ExternalInit (V-12.2-20/21), at most one Remove (V-12.2-22), and no
/// other type than ExternalInit, Remove and PreSharedKey (V-12.2-24).
pub(crate) fn check_external_proposals(list: &[ProposalOrRef]) -> Result<ExternalProposals<'_>> {
    let mut kem_output = None;
    let mut removes = 0usize;
    let mut others = Vec::new();
    for item in list {
        let ProposalOrRef::Proposal(proposal) = item else {
            return Err(CommitError::ExternalProposalByReference.into());
        };
        match proposal {
            Proposal::ExternalInit(init) => {
                if kem_output.is_some() {
                    return Err(CommitError::ExternalDuplicateExternalInit.into());
                }
                kem_output = Some(init.kem_output.as_slice());
            }
            Proposal::Remove(_) | Proposal::PreSharedKey(_) => {
                if matches!(proposal, Proposal::Remove(_)) {
                    removes += 1;
                    if removes > 1 {
                        return Err(CommitError::ExternalDuplicateRemove.into());
                    }
                }
                others.push(ProposalSource {
                    proposal,
                    sender: ProposalSender::NewMember,
                    by_reference: false,
                });
            }
            other => {
                return Err(
                    CommitError::ExternalProposalNotAllowed(other.proposal_type().0).into(),
                );
            }
        }
    }
    let kem_output = kem_output.ok_or(CommitError::ExternalWithoutExternalInit)?;
    Ok(ExternalProposals { kem_output, others })
}

/// Validate and apply the Remove and PreSharedKeys of an external Commit
/// with the members' own §12.2/§12.3 checker (the Remove names a non-blank
/// leaf of the tree; PSK usage, nonce and uniqueness). The application's
/// proposal policy is not asked: it judges members' proposals, and external
/// joins have their own switch (`GroupConfig::allow_external_commits`).
pub(crate) fn apply_external_proposals(
    cs: &dyn CipherSuiteProvider,
    context: &mls_codec::GroupContext,
    leaf_policy: &LeafValidationPolicy,
    diff: &mut TreeDiff<'_>,
    others: &[ProposalSource<'_>],
) -> Result<AppliedProposals> {
    apply_proposals(
        &ApplyContext {
            cs,
            context,
            committer: NO_LEAF,
            leaf_policy,
            proposal_policy: None,
            psk_store: None,
            restart_usage: None,
            custom: crate::custom::CustomRegistry::empty(),
        },
        diff,
        others,
    )
}

/// RFC 9420 §12.2 (V-12.2-23): a resync external Commit removes only the
/// joiner's own earlier leaf: the joiner's credential is a valid successor
/// of the removed one (decided by the application's credential validator on
/// identity, never by signature key), and the new leaf does not reuse the
/// removed leaf's encryption key (the Update rule, V-7.3-14).
pub(crate) fn check_resync(
    validator: &dyn CredentialValidator,
    removed: &[(LeafIndex, LeafNode)],
    joiner: &LeafNode,
) -> Result<()> {
    for (leaf, old) in removed {
        if !validator.valid_successor(&old.credential, &joiner.credential) {
            return Err(CommitError::ExternalInvalidResync {
                leaf: leaf.get(),
                reason: "whose identity is not the joiner's",
            }
            .into());
        }
        if old.encryption_key == joiner.encryption_key {
            return Err(CommitError::ExternalInvalidResync {
                leaf: leaf.get(),
                reason: "whose encryption key the joiner's new leaf reuses",
            }
            .into());
        }
    }
    Ok(())
}

impl Group {
    /// Stage a received external Commit (RFC 9420 §12.4.2, §12.4.3.2)
    /// whose framing (a PublicMessage of the current epoch, signature under
    /// the path leaf's key) the caller verified.
    pub(crate) fn stage_external_commit(
        &self,
        verified: &VerifiedMessage,
        commit: &Commit,
        psk_store: &dyn PskStore,
    ) -> Result<StagedCommit> {
        if !self.config.allow_external_commits {
            return Err(CommitError::ExternalNotAllowed.into());
        }
        let cs = self.cs.as_ref();
        let shape = check_external_proposals(&commit.proposals)?;
        let path = commit
            .path
            .as_ref()
            .ok_or(FramingError::NewMemberCommitWithoutPath)?;
        let policy = self.config.leaf_policy();
        let mut diff = self.tree.diff();
        let applied =
            apply_external_proposals(cs, &self.context, &policy, &mut diff, &shape.others)?;
        check_resync(
            self.config.credential_validator.as_ref(),
            &applied.removed,
            &path.leaf_node,
        )?;
        let group_id = self.context.group_id.as_slice();
        // §12.4.3.2: the joiner's leaf takes the leftmost blank leaf; its
        // signature covers that index (V-12.4.3.2-05), its keys are unique
        // (V-12.4.3.2-06), the path fits the tree (§7.6).
        let (joiner, applied_path) =
            apply_external_update_path(&mut diff, cs, path, group_id, &[], &policy)
                .map_err(CommitError::InvalidTree)?;
        check_credential_support(&diff, &[joiner])?;

        // Every item is by value (checked above): the Commit's proposals.
        let proposals: Vec<Proposal> = commit
            .proposals
            .iter()
            .filter_map(|p| match p {
                ProposalOrRef::Proposal(p) => Some(p.clone()),
                ProposalOrRef::Reference(_) => None,
            })
            .collect();
        let mut context = self.context.clone();
        context.epoch = context
            .epoch
            .checked_add(1)
            .ok_or(GroupError::Internal("epoch overflow"))?;
        context.tree_hash = VLBytes::new(diff.tree_hash(cs)?);
        let me = self.own_leaf();
        if applied.removed.iter().any(|(l, _)| *l == me) {
            // A resync of our own identity from another device: our leaf
            // is gone, the new epoch's secrets are not ours (§12.4.2).
            return removed_commit(
                self,
                context,
                diff.into_changes(),
                proposals,
                &applied,
                joiner,
                true,
            );
        }
        let provisional = mls_codec::encode(&context)?;
        let received = applied_path
            .decrypt(&diff, cs, &self.private, &provisional)
            .map_err(|source| CommitError::InconsistentPath {
                committer: joiner.get(),
                source,
            })?;
        // §8.3: the init secret comes from the ExternalInit (V-8.3-02); a
        // kem_output made for another external_pub decapsulates to another
        // secret and fails the confirmation tag below (V-8.3-01).
        let init_secret = self
            .epoch
            .external_secret
            .external_init_secret(cs, shape.kem_output)
            .map_err(|_| CommitError::ExternalInitInvalid)?;
        let psk_store = crate::group::psk::GroupPskStore::new(self, psk_store);
        let psk_secret = PskSecret::resolve(cs, &applied.psks, &psk_store)
            .map_err(CommitError::PskUnavailable)?;

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
                init_secret,
                commit_secret: CommitSecret::new(received.commit_secret),
                psk_secret,
            },
        )?;
        let info = external_commit_info(&applied, proposals, joiner, &path.leaf_node, &context);
        Ok(StagedCommit::new(StagedEpoch {
            from_epoch: self.context.epoch,
            context,
            tree: TreeUpdate::Changes(diff.into_changes()),
            private_changes: received.private_keys,
            own_leaf_key: None,
            secrets: Some(keys.secrets),
            interim,
            confirmation_tag,
            info,
            new_signer: None,
        }))
    }
}

/// The summary of an external Commit: the joiner is its committer and its
/// one added member.
pub(crate) fn external_commit_info(
    applied: &AppliedProposals,
    proposals: Vec<Proposal>,
    joiner: LeafIndex,
    joiner_leaf: &LeafNode,
    context: &mls_codec::GroupContext,
) -> super::CommitInfo {
    let mut info = commit_info(applied, proposals, Vec::new(), joiner, context, true, false);
    info.added.push(MemberChange {
        leaf_index: joiner,
        credential: joiner_leaf.credential.clone(),
    });
    info
}
