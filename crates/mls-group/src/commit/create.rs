//! Creating a Commit (RFC 9420 §12.4.1) with its Welcome and GroupInfo.
//!
//! The new epoch is computed in full but kept as the group's pending Commit;
//! the group itself does not change until [`Group::merge_pending_commit`]
//! (§14, V-14-01). (With encrypted handshake messages, the sender's
//! handshake ratchet does advance: a nonce is never used twice, G-04.)

use mls_codec::{
    Commit, Extension, FramedContent, FramedContentBody, MlsMessage, MlsMessageBody, Proposal,
    RatchetTreeExtension, Sender, VLBytes, WireFormat,
};
use mls_crypto::Secret;
use mls_keyschedule::{CommitSecret, PskSecret, PskStore};
use mls_treekem::{
    LeafIndex, NodeIndex, PrivateKeyChanges, TreeView, UpdatePathInput, prepare_update_path,
};
use tracing::info_span;

use super::epoch_step::{self, NextEpoch, ScheduleInput};
use super::{CommitInfo, PendingCommit, StagedEpoch, TreeUpdate};
use crate::framing::{FramingContext, sign_content};
use crate::group::Group;
use crate::proposals::{ApplyContext, OmittedProposal, apply_plan, select_proposals};
use crate::welcome::{WelcomeRecipient, create_welcome, sign_group_info};
use crate::{CommitError, GroupError, Misuse, Result};

/// What to commit, as described through [`super::CommitBuilder`].
#[derive(Clone, Debug)]
pub(crate) struct CommitOptions {
    /// Proposals to include by value (Add, Remove, PreSharedKey,
    /// GroupContextExtensions).
    pub proposals: Vec<Proposal>,
    /// Also commit the proposals received in this epoch, by reference
    /// (default true). Our own Updates and Removes of us are left out, and
    /// of competing Update/Remove proposals for one leaf the Remove wins
    /// (V-12.2-19).
    pub include_pending: bool,
    /// Include an UpdatePath even when not required (the group
    /// configuration's `force_path` also forces it).
    pub force_path: bool,
    /// The `authenticated_data` of the Commit message.
    pub authenticated_data: Vec<u8>,
    /// The resumption PSK usage this Commit may inject: set only for the
    /// first Commit of a successor or branch group (RFC 9420 §11.2, §11.3).
    pub restart_usage: Option<mls_codec::ResumptionPskUsage>,
}

impl Default for CommitOptions {
    fn default() -> Self {
        CommitOptions {
            proposals: Vec::new(),
            include_pending: true,
            force_path: false,
            authenticated_data: Vec::new(),
            restart_usage: None,
        }
    }
}

/// The messages of a new Commit. Send `commit` to the group through the
/// delivery service; only once it is accepted, merge the pending Commit and
/// hand `welcome` (and, when the ratchet tree is sent out of band,
/// `ratchet_tree`) to the new members (RFC 9420 §14, G-19).
#[derive(Clone, Debug)]
pub struct CommitOutput {
    /// The Commit (PublicMessage or PrivateMessage per configuration).
    pub commit: MlsMessage,
    /// `commit` encoded for the wire: the bytes the group keeps to
    /// recognise the echo of its pending Commit, so nothing is encoded twice.
    pub commit_bytes: Vec<u8>,
    /// The Welcome for the added members, if any: hand it to
    /// [`Group::join`](crate::Group::join) as it is.
    pub welcome: Option<MlsMessage>,
    /// The signed GroupInfo of the new epoch.
    pub group_info: MlsMessage,
    /// The new ratchet tree, when members were added and the tree is not in
    /// the Welcome's GroupInfo (`ratchet_tree_extension = false`).
    pub ratchet_tree: Option<mls_codec::RatchetTree>,
    /// What the Commit does.
    pub info: CommitInfo,
    /// The cached proposals left out because they would make the Commit
    /// invalid, each with its reason (RFC 9420 §12.2; issue 15 item 3).
    /// They stay cached until the epoch ends.
    pub omitted: Vec<OmittedProposal>,
}

/// The lowest common ancestor of two leaves on `a`'s direct path.
fn common_ancestor(size: mls_treekem::TreeSize, a: LeafIndex, b: LeafIndex) -> Option<NodeIndex> {
    size.direct_path_iter(a.node())
        .ok()?
        .find(|n| n.leaf_span().is_some_and(|(lo, hi)| lo <= b && b <= hi))
}

impl Group {
    /// Create a Commit (RFC 9420 §12.4.1); PreSharedKey proposals are
    /// resolved in `psk_store`. The new epoch becomes the pending Commit.
    pub(crate) fn create_commit(
        &mut self,
        options: CommitOptions,
        psk_store: &dyn PskStore,
    ) -> Result<CommitOutput> {
        let span = info_span!(
            "mls.commit",
            epoch = self.context.epoch,
            members = self.member_count(),
            proposals = tracing::field::Empty,
            commit_bytes = tracing::field::Empty,
            welcome_bytes = tracing::field::Empty,
        );
        let _guard = span.enter();
        self.ensure_active()?;
        if self.pending.is_some() {
            return Err(Misuse::PendingCommitExists.into());
        }
        let cs_arc = self.cs.clone();
        let cs = cs_arc.as_ref();
        let me = self.own_leaf();

        // The proposal list: cached proposals by reference (those that would
        // make the Commit invalid left out and reported), then ours by value
        // (RFC 9420 §12.2; issue 15 item 3).
        let policy = self.config.leaf_policy();
        let group_psks = crate::group::psk::GroupPskStore::new(self, psk_store);
        let ctx = ApplyContext {
            cs,
            context: &self.context,
            committer: me.get(),
            leaf_policy: &policy,
            proposal_policy: self.config.proposal_policy.as_deref(),
            psk_store: Some(&group_psks),
            restart_usage: options.restart_usage,
        };
        let cached: &[crate::proposals::CachedProposal] = if options.include_pending {
            &self.proposals.entries
        } else {
            &[]
        };
        let mut diff = self.tree.diff();
        let selection = select_proposals(&ctx, &diff, cached, &options.proposals)?;
        let list = selection.list;
        let omitted = selection.omitted;
        span.record("proposals", selection.sources.len());
        let proposals: Vec<Proposal> = selection
            .sources
            .iter()
            .map(|s| s.proposal.clone())
            .collect();
        let applied = apply_plan(&mut diff, &selection.sources, selection.plan)?;
        drop(selection.sources);
        let with_path = applied.path_required || options.force_path || self.config.force_path;

        // §12.4.1: the provisional GroupContext.
        let mut context = self.context.clone();
        context.epoch = context
            .epoch
            .checked_add(1)
            .ok_or(GroupError::Internal("epoch overflow"))?;
        if let Some(ext) = &applied.extensions {
            context.extensions = ext.clone();
        }
        let new_leaves: Vec<LeafIndex> = applied.added.iter().map(|(l, _)| *l).collect();
        let group_id = self.context.group_id.as_slice().to_vec();
        let (commit_secret, path, private_changes, path_secrets) = if with_path {
            let leaf_secret = Secret::new(cs.random_bytes(cs.cipher_suite().hash_len())?);
            let template = self.own_leaf_node()?.clone();
            let prepared = prepare_update_path(
                &mut diff,
                cs,
                UpdatePathInput {
                    sender: me,
                    group_id: &group_id,
                    leaf_secret: &leaf_secret,
                    leaf_template: &template,
                    signer: self.signer.as_ref(),
                },
            )
            .map_err(CommitError::InvalidTree)?;
            context.tree_hash = VLBytes::new(diff.tree_hash(cs)?);
            let provisional = mls_codec::encode(&context)?;
            let created = prepared
                .encrypt(&diff, cs, &provisional, &new_leaves)
                .map_err(CommitError::InvalidTree)?;
            (
                CommitSecret::new(created.commit_secret),
                Some(created.update_path),
                created.private_keys,
                created.path_secrets,
            )
        } else {
            context.tree_hash = VLBytes::new(diff.tree_hash(cs)?);
            (
                CommitSecret::zero(cs),
                None,
                PrivateKeyChanges::default(),
                Vec::new(),
            )
        };
        let psk_secret = PskSecret::resolve(cs, &applied.psks, &group_psks)
            .map_err(CommitError::PskUnavailable)?;

        // §12.4.1: sign under the old GroupContext, then the transcript and
        // key schedule of the new epoch, then the confirmation tag.
        let wire_format = if self.config.encrypt_handshake {
            WireFormat::PRIVATE_MESSAGE
        } else {
            WireFormat::PUBLIC_MESSAGE
        };
        let content = FramedContent {
            group_id: self.context.group_id.clone(),
            epoch: self.context.epoch,
            sender: Sender::Member(me.get()),
            authenticated_data: VLBytes::new(options.authenticated_data),
            content: FramedContentBody::Commit(Commit {
                proposals: list,
                path,
            }),
        };
        let mut auth = sign_content(
            cs,
            self.signer.as_ref(),
            wire_format,
            content,
            Some(&self.context),
        )?;
        let NextEpoch {
            keys,
            interim,
            confirmation_tag,
        } = epoch_step::seal(
            cs,
            &self.interim,
            &mut auth,
            &mut context,
            ScheduleInput {
                init_secret: self.epoch.init_secret.clone(),
                commit_secret,
                psk_secret,
            },
        )?;

        // §12.4.1: protect with the old epoch's keys.
        let commit_message = protect_handshake(
            cs,
            &self.context,
            &mut self.epoch,
            self.config.padding,
            auth,
        )?;

        // §12.4.1: the GroupInfo of the new epoch, signed with our key.
        let tree_wire = diff.to_wire();
        let mut gi_extensions: Vec<Extension> = Vec::new();
        if self.config.ratchet_tree_extension {
            gi_extensions.push(Extension::from_payload(&RatchetTreeExtension {
                ratchet_tree: tree_wire.clone(),
            })?);
        }
        // RFC 9420 §13.5: GREASE in GroupInfo extensions (G-48).
        if self.config.grease {
            gi_extensions.push(crate::grease::group_info_extension(cs)?);
        }
        let group_info = sign_group_info(
            cs,
            self.signer.as_ref(),
            context.clone(),
            gi_extensions,
            confirmation_tag.clone(),
            me.get(),
        )?;
        let welcome = if applied.added.is_empty() {
            None
        } else {
            let size = diff.size();
            let secrets_for: Vec<Option<&Secret>> = applied
                .added
                .iter()
                .map(|(leaf, _)| {
                    common_ancestor(size, me, *leaf).and_then(|lca| {
                        path_secrets.iter().find(|(n, _)| *n == lca).map(|(_, s)| s)
                    })
                })
                .collect();
            if with_path && secrets_for.iter().any(Option::is_none) {
                return Err(Misuse::WelcomeCreation(
                    "no path secret for a new member's common ancestor",
                )
                .into());
            }
            let recipients: Vec<WelcomeRecipient<'_>> = applied
                .added
                .iter()
                .zip(&secrets_for)
                .map(|((_, kp), secret)| WelcomeRecipient {
                    key_package: kp,
                    path_secret: *secret,
                })
                .collect();
            let welcome = create_welcome(
                cs,
                &group_info,
                &keys.joiner_secret,
                &keys.welcome_secret,
                &applied.psks,
                &recipients,
            )?;
            Some(MlsMessage::new(MlsMessageBody::Welcome(welcome)))
        };
        let ratchet_tree =
            (!applied.added.is_empty() && !self.config.ratchet_tree_extension).then_some(tree_wire);

        let info = CommitInfo {
            own_commit: true,
            ..super::stage::commit_info(&applied, proposals, me, &context, with_path, false)
        };
        let staged = StagedEpoch {
            from_epoch: self.context.epoch,
            context,
            tree: TreeUpdate::Changes(diff.into_changes()),
            private_changes,
            own_leaf_key: None,
            secrets: keys.secrets,
            interim,
            confirmation_tag,
            info: info.clone(),
        };
        let commit_bytes = mls_codec::encode(&commit_message)?;
        span.record("commit_bytes", commit_bytes.len());
        if let Some(w) = &welcome {
            span.record(
                "welcome_bytes",
                mls_codec::tls_codec::Size::tls_serialized_len(w),
            );
        }
        self.pending = Some(PendingCommit {
            message: commit_bytes.clone(),
            staged,
        });
        Ok(CommitOutput {
            commit: commit_message,
            commit_bytes,
            welcome,
            group_info: MlsMessage::new(MlsMessageBody::GroupInfo(group_info)),
            ratchet_tree,
            info,
            omitted,
        })
    }

    /// Protect handshake content of the current epoch for sending (RFC 9420
    /// §6.2, §6.3).
    pub(crate) fn protect_handshake(
        &mut self,
        auth: mls_codec::AuthenticatedContent,
    ) -> Result<MlsMessage> {
        protect_handshake(
            self.cs.as_ref(),
            &self.context,
            &mut self.epoch,
            self.config.padding,
            auth,
        )
    }
}

/// Protect handshake content with the keys of `epoch` (RFC 9420 §6.2, §6.3).
fn protect_handshake(
    cs: &dyn mls_crypto::CipherSuiteProvider,
    context: &mls_codec::GroupContext,
    epoch: &mut crate::group::epoch::EpochState,
    padding: crate::framing::PaddingMode,
    auth: mls_codec::AuthenticatedContent,
) -> Result<MlsMessage> {
    let ctx = FramingContext {
        cs,
        group_context: context,
        membership_key: &epoch.membership_key,
        sender_data_secret: &epoch.sender_data_secret,
    };
    let body = if auth.wire_format == WireFormat::PUBLIC_MESSAGE {
        MlsMessageBody::PublicMessage(ctx.protect_public(auth)?)
    } else {
        MlsMessageBody::PrivateMessage(ctx.protect_private(
            &mut epoch.secret_tree,
            &auth,
            padding,
        )?)
    };
    Ok(MlsMessage::new(body))
}
