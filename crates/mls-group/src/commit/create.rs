//! Creating a Commit (RFC 9420 §12.4.1) with its Welcome and GroupInfo.
//!
//! The new epoch is computed in full but kept as the group's pending Commit;
//! the group itself does not change until [`Group::merge_pending_commit`]
//! (§14, V-14-01). (With encrypted handshake messages, the sender's
//! handshake ratchet does advance: a nonce is never used twice, G-04.)

use std::sync::Arc;

use mls_codec::{
    Commit, Credential, FramedContent, FramedContentBody, LeafNode, MlsMessage, MlsMessageBody,
    Proposal, Sender, VLBytes, WireFormat,
};
use mls_crypto::{Secret, Signer};
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
    /// Also sign a GroupInfo of the new epoch for external joins (with
    /// `external_pub`), even when no member is added (issue 14 item 3).
    pub group_info: bool,
    /// Our new signer, and credential, when the Commit rotates the
    /// signature key (GUIDANCE G-54).
    pub rotation: Option<SignerRotation>,
}

/// A rotation of our signature key by a Commit (GUIDANCE G-54): the
/// UpdatePath's leaf carries the new key (and credential), the Commit is
/// still signed with the old key (RFC 9420 §12.4.2: receivers verify it with
/// the key of the sender's leaf in the current tree), and the new epoch's
/// GroupInfo with the new one (§12.4.3: verified with the key of the signer's
/// leaf in the new tree).
#[derive(Clone, Debug)]
pub(crate) struct SignerRotation {
    pub signer: Arc<dyn Signer>,
    pub credential: Option<Credential>,
}

impl Default for CommitOptions {
    fn default() -> Self {
        CommitOptions {
            proposals: Vec::new(),
            include_pending: true,
            force_path: false,
            authenticated_data: Vec::new(),
            restart_usage: None,
            group_info: false,
            rotation: None,
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
    /// The signed GroupInfo of the new epoch: made only when the Commit adds
    /// members (the Welcome carries it) or when asked with
    /// [`super::CommitBuilder::group_info`] (then with `external_pub`, for
    /// external joins, RFC 9420 §12.4.3.2). A GroupInfo costs a signature
    /// and, with the tree in it, an encoding of the whole tree, so an
    /// empty self-update does not pay for one nobody asked for (issue 14
    /// item 3); [`Group::export_group_info`] makes one on demand after the
    /// merge.
    pub group_info: Option<MlsMessage>,
    /// The new ratchet tree, when [`CommitOutput::group_info`] is made and
    /// the tree is not in it (`ratchet_tree_extension = false`): for the
    /// new members, and for external joiners of a published GroupInfo.
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
            custom: &self.config.custom,
        };
        let cached: &[crate::proposals::CachedProposal] = if options.include_pending {
            &self.proposals.entries
        } else {
            &[]
        };
        let selection = select_proposals(&ctx, &self.tree, cached, &options.proposals)?;
        let mut diff = self.tree.diff();
        let list = selection.list;
        let omitted = selection.omitted;
        span.record("proposals", selection.sources.len());
        let proposals: Vec<Proposal> = selection
            .sources
            .iter()
            .map(|s| s.proposal.clone())
            .collect();
        let applied = apply_plan(&mut diff, selection.plan)?;
        let custom = crate::proposals::committed_custom(&selection.sources);
        drop(selection.sources);
        // G-54: a rotation always travels in an UpdatePath.
        let rotation = options.rotation;
        let with_path = applied.path_required
            || options.force_path
            || self.config.force_path
            || rotation.is_some();
        let new_signer = rotation.as_ref().map(|r| r.signer.clone());
        let leaf_signer: &dyn Signer = new_signer.as_deref().unwrap_or(self.signer.as_ref());

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
        let template = match (with_path, &rotation) {
            (false, _) => None,
            (true, Some(rotation)) => Some(self.rotated_leaf(rotation, &policy)?),
            (true, None) => Some(self.own_leaf_node()?.clone()),
        };
        let CommitPath {
            commit_secret,
            path,
            private_changes,
            path_secrets,
        } = commit_path(
            cs,
            &mut diff,
            &mut context,
            me,
            &new_leaves,
            template.as_ref().map(|t| (t, leaf_signer)),
        )?;
        // §7.3 (V-7.3-06/07): the members' check of our path leaf
        // (commit::stage), before anything is signed: a rotation to a
        // credential type some member does not support is refused here.
        if let Some(new) = &template
            && crate::proposals::credential_support_changes(self.own_leaf_node()?, new)
        {
            crate::proposals::check_credential_support(&diff, &[me])?;
        }
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

        let Announcement {
            group_info,
            ratchet_tree,
            welcome,
        } = announce(
            NewEpoch {
                cs,
                diff: &diff,
                applied: &applied,
                context: &context,
                keys: &keys,
                confirmation_tag: &confirmation_tag,
                path_secrets: &path_secrets,
                committer: me,
                with_path,
                signer: leaf_signer,
            },
            options.group_info,
            self.config.ratchet_tree_extension,
            self.config.grease,
        )?;

        let info = CommitInfo {
            own_commit: true,
            ..super::stage::commit_info(&applied, proposals, custom, me, &context, with_path, false)
        };
        let staged = StagedEpoch {
            from_epoch: self.context.epoch,
            context,
            tree: TreeUpdate::Changes(diff.into_changes()),
            private_changes,
            own_leaf_key: None,
            secrets: Some(keys.secrets),
            interim,
            confirmation_tag,
            info: info.clone(),
            new_signer,
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
            group_info: group_info.map(|gi| MlsMessage::new(MlsMessageBody::GroupInfo(gi))),
            ratchet_tree,
            info,
            omitted,
        })
    }

    /// Our leaf as the template of a rotating Commit's path leaf (GUIDANCE
    /// G-54): the new signer's key and, if given, the new credential, checked
    /// with the same rules the receivers apply to the path (RFC 9420 §5.3.1,
    /// V-5.3.1-08).
    fn rotated_leaf(
        &self,
        rotation: &SignerRotation,
        policy: &mls_treekem::LeafValidationPolicy,
    ) -> Result<LeafNode> {
        let cs = self.cs.as_ref();
        crate::key_package::check_signer(cs, rotation.signer.as_ref()).map_err(|_| {
            Misuse::SignerRotation("the new signer's scheme or key pair does not fit the suite")
        })?;
        let old = self.own_leaf_node()?;
        if rotation.signer.public_key() == old.signature_key.as_slice() {
            return Err(Misuse::SignerRotation("the new signer has our leaf's key").into());
        }
        let mut leaf = old.clone();
        leaf.signature_key =
            mls_codec::SignaturePublicKey(VLBytes::new(rotation.signer.public_key().to_vec()));
        if let Some(credential) = &rotation.credential {
            leaf.credential = credential.clone();
        }
        mls_treekem::check_credential_replacement(policy, self.own_leaf(), old, &leaf).map_err(
            |_| {
                Misuse::SignerRotation(
                    "the group's credential validator refuses the new credential",
                )
            },
        )?;
        Ok(leaf)
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

/// The path part of a Commit (RFC 9420 §12.4.1 steps "If populating the
/// path field" and "Otherwise"): the commit secret, the UpdatePath, our new
/// private keys and the path secrets (for the new members' Welcome).
pub(super) struct CommitPath {
    pub(super) commit_secret: CommitSecret,
    pub(super) path: Option<mls_codec::UpdatePath>,
    pub(super) private_changes: PrivateKeyChanges,
    pub(super) path_secrets: Vec<(NodeIndex, Secret)>,
}

/// §12.4.1: with `leaf` (our new leaf's template and the key that signs it),
/// a fresh UpdatePath in `diff`, encrypted under the provisional
/// GroupContext to everyone but `new_leaves`; without, a zero commit secret.
/// Either way the provisional GroupContext gets the new tree hash. A
/// member's Commit and an external Commit (§12.4.3.2) take this one step.
pub(super) fn commit_path(
    cs: &dyn mls_crypto::CipherSuiteProvider,
    diff: &mut mls_treekem::TreeDiff<'_>,
    context: &mut mls_codec::GroupContext,
    sender: LeafIndex,
    new_leaves: &[LeafIndex],
    leaf: Option<(&LeafNode, &dyn Signer)>,
) -> Result<CommitPath> {
    let Some((template, signer)) = leaf else {
        context.tree_hash = VLBytes::new(diff.tree_hash(cs)?);
        return Ok(CommitPath {
            commit_secret: CommitSecret::zero(cs),
            path: None,
            private_changes: PrivateKeyChanges::default(),
            path_secrets: Vec::new(),
        });
    };
    let leaf_secret = Secret::new(cs.random_bytes(cs.cipher_suite().hash_len())?);
    let group_id = context.group_id.as_slice().to_vec();
    let prepared = prepare_update_path(
        diff,
        cs,
        UpdatePathInput {
            sender,
            group_id: &group_id,
            leaf_secret: &leaf_secret,
            leaf_template: template,
            signer,
        },
    )
    .map_err(CommitError::InvalidTree)?;
    context.tree_hash = VLBytes::new(diff.tree_hash(cs)?);
    let provisional = mls_codec::encode(&*context)?;
    let created = prepared
        .encrypt(diff, cs, &provisional, new_leaves)
        .map_err(CommitError::InvalidTree)?;
    Ok(CommitPath {
        commit_secret: CommitSecret::new(created.commit_secret),
        path: Some(created.update_path),
        private_changes: created.private_keys,
        path_secrets: created.path_secrets,
    })
}

/// The new epoch as the committer holds it after the key schedule: what
/// its GroupInfo and Welcome are made from.
struct NewEpoch<'a> {
    cs: &'a dyn mls_crypto::CipherSuiteProvider,
    diff: &'a mls_treekem::TreeDiff<'a>,
    applied: &'a crate::proposals::AppliedProposals,
    context: &'a mls_codec::GroupContext,
    keys: &'a mls_keyschedule::EpochKeys,
    confirmation_tag: &'a [u8],
    path_secrets: &'a [(NodeIndex, Secret)],
    committer: LeafIndex,
    with_path: bool,
    /// Our key in the new epoch (the new one when rotating, G-54).
    signer: &'a dyn Signer,
}

/// What a Commit hands to new members and external joiners.
struct Announcement {
    group_info: Option<mls_codec::GroupInfo>,
    ratchet_tree: Option<mls_codec::RatchetTree>,
    welcome: Option<MlsMessage>,
}

/// §12.4.1 last steps, §12.4.3: the GroupInfo of the new epoch, signed
/// with our key of that epoch, and the tree on the wire, only when a
/// Welcome (the Commit adds members) or the caller (`publish`: with
/// `external_pub`, §12.4.3.2) needs them (issue 14 item 3); then the
/// Welcome, each new member getting the path secret of its common ancestor
/// with us.
fn announce(
    epoch: NewEpoch<'_>,
    publish: bool,
    tree_extension: bool,
    grease: bool,
) -> Result<Announcement> {
    let NewEpoch {
        cs,
        diff,
        applied,
        keys,
        ..
    } = epoch;
    let adds = !applied.added.is_empty();
    if !adds && !publish {
        return Ok(Announcement {
            group_info: None,
            ratchet_tree: None,
            welcome: None,
        });
    }
    // The tree goes into the GroupInfo, or out of band to the new members.
    let tree_wire = diff.to_wire();
    let (tree_in_info, ratchet_tree) = if tree_extension {
        (Some(tree_wire), None)
    } else {
        (None, Some(tree_wire))
    };
    let extensions = crate::group::info::group_info_extensions(
        cs,
        tree_in_info,
        publish.then_some(&keys.secrets.external_secret),
        grease,
    )?;
    let group_info = sign_group_info(
        cs,
        epoch.signer,
        epoch.context.clone(),
        extensions,
        epoch.confirmation_tag.to_vec(),
        epoch.committer.get(),
    )?;
    let welcome = if adds {
        let size = diff.size();
        let secrets_for: Vec<Option<&Secret>> = applied
            .added
            .iter()
            .map(|(leaf, _)| {
                common_ancestor(size, epoch.committer, *leaf).and_then(|lca| {
                    epoch
                        .path_secrets
                        .iter()
                        .find(|(n, _)| *n == lca)
                        .map(|(_, s)| s)
                })
            })
            .collect();
        if epoch.with_path && secrets_for.iter().any(Option::is_none) {
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
    } else {
        None
    };
    Ok(Announcement {
        group_info: Some(group_info),
        ratchet_tree,
        welcome,
    })
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
