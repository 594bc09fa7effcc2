//! Joining a group by external Commit (RFC 9420 §12.4.3.2): from a
//! published GroupInfo (with its `external_pub` and, in the `ratchet_tree`
//! extension or out of band, the tree), the joiner encapsulates an init
//! secret to `external_pub` (ExternalInit, §8.3), takes the leftmost blank
//! leaf, sends an UpdatePath, and is a member of the new epoch at once.
//!
//! ```text
//! let (group, output) = Group::external_commit_builder(cs, &group_info, credential, signer)
//!     .ratchet_tree(tree)          // when the GroupInfo has no ratchet_tree extension
//!     .remove_prior_leaf(old_leaf) // resync: replace our own earlier leaf
//!     .psk(psk_id)                 // inject a PSK (with .psk_store(store))
//!     .build()?;
//! // send output.commit (a PublicMessage, sender new_member_commit)
//! ```

use std::collections::VecDeque;
use std::sync::Arc;

use mls_codec::{
    Commit, Credential, ExternalInit, ExternalPub, FramedContent, FramedContentBody, MlsMessage,
    MlsMessageBody, PreSharedKeyId, PreSharedKeyProposal, Proposal, ProposalOrRef, Remove, Sender,
    VLBytes, WireFormat, find_payload,
};
use mls_crypto::{CipherSuiteProvider, Signer};
use mls_keyschedule::{
    ConfirmedTranscriptHash, InMemoryPskStore, InitSecret, InterimTranscriptHash, PskSecret,
    PskStore,
};
use mls_treekem::{TreePrivateKeys, TreeView};
use mls_treemath::LeafIndex as TypedLeaf;
use tracing::info_span;

use super::CommitInfo;
use super::create::{CommitPath, commit_path};
use super::epoch_step::{self, NextEpoch, ScheduleInput};
use super::external::{
    apply_external_proposals, check_external_proposals, check_resync, external_commit_info,
};
use crate::framing::{protect_public, sign_content};
use crate::group::Group;
use crate::group::epoch::EpochState;
use crate::key_package::KeyPackageBuilder;
use crate::proposals::{ProposalCache, leaf_supports};
use crate::welcome::verified_group_info_tree;
use crate::{
    CommitError, FramingError, GroupConfig, GroupError, ProposalError, Result, WelcomeError,
};

/// An external join being described; [`ExternalCommitBuilder::build`]
/// makes the Commit and the joiner's group. Made by
/// [`Group::external_commit_builder`].
#[must_use = "an ExternalCommitBuilder does nothing until build()"]
pub struct ExternalCommitBuilder<'a> {
    cs: Arc<dyn CipherSuiteProvider>,
    group_info: &'a MlsMessage,
    credential: Credential,
    signer: Arc<dyn Signer>,
    config: GroupConfig,
    leaf: KeyPackageBuilder,
    ratchet_tree: Option<mls_codec::RatchetTree>,
    remove_prior: Option<TypedLeaf>,
    psks: Vec<PreSharedKeyId>,
    psk_store: Option<&'a dyn PskStore>,
    authenticated_data: Vec<u8>,
}

impl std::fmt::Debug for ExternalCommitBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalCommitBuilder")
            .field("cipher_suite", &self.cs.cipher_suite())
            .field("ratchet_tree", &self.ratchet_tree.is_some())
            .field("remove_prior", &self.remove_prior)
            .field("psks", &self.psks.len())
            .finish_non_exhaustive()
    }
}

/// The result of an external join: send `commit` to the group; the
/// joiner's [`Group`] (returned beside it) is already in the new epoch.
#[derive(Clone, Debug)]
pub struct ExternalCommitOutput {
    /// The Commit, a PublicMessage with sender `new_member_commit`.
    pub commit: MlsMessage,
    /// `commit` encoded for the wire.
    pub commit_bytes: Vec<u8>,
    /// What the Commit does (the joiner is its committer and added member).
    pub info: CommitInfo,
}

impl Group {
    /// Describe an external join (RFC 9420 §12.4.3.2) from `group_info` (an
    /// MLSMessage carrying a GroupInfo with an `external_pub` extension) as
    /// the client `credential` with the signature key `signer` (kept by the
    /// joined group), in the suite of `cs` (the GroupInfo's). See
    /// [`ExternalCommitBuilder`].
    pub fn external_commit_builder<'a>(
        cs: Arc<dyn CipherSuiteProvider>,
        group_info: &'a MlsMessage,
        credential: Credential,
        signer: Arc<dyn Signer>,
    ) -> ExternalCommitBuilder<'a> {
        ExternalCommitBuilder {
            cs,
            group_info,
            credential,
            signer,
            config: GroupConfig::default(),
            leaf: KeyPackageBuilder::new(),
            ratchet_tree: None,
            remove_prior: None,
            psks: Vec::new(),
            psk_store: None,
            authenticated_data: Vec::new(),
        }
    }
}

impl<'a> ExternalCommitBuilder<'a> {
    /// The configuration of the joined group (default [`GroupConfig::default`]).
    pub fn config(mut self, config: GroupConfig) -> Self {
        self.config = config;
        self
    }

    /// How our leaf is made: capabilities and leaf extensions (as for a
    /// KeyPackage, RFC 9420 §7.2).
    pub fn leaf(mut self, leaf: KeyPackageBuilder) -> Self {
        self.leaf = leaf;
        self
    }

    /// The ratchet tree, when the GroupInfo has no `ratchet_tree`
    /// extension (RFC 9420 §12.4.3.3).
    pub fn ratchet_tree(mut self, tree: mls_codec::RatchetTree) -> Self {
        self.ratchet_tree = Some(tree);
        self
    }

    /// Resync: remove our own earlier leaf `leaf` in the same Commit
    /// (RFC 9420 §12.4.3.2). The members accept it only if that leaf's
    /// credential names the same client as ours (V-12.2-23).
    pub fn remove_prior_leaf(mut self, leaf: TypedLeaf) -> Self {
        self.remove_prior = Some(leaf);
        self
    }

    /// Inject the PSK `psk` (a PreSharedKey proposal, RFC 9420 §12.1.4);
    /// its secret is looked up in the store of
    /// [`ExternalCommitBuilder::psk_store`].
    pub fn psk(mut self, psk: PreSharedKeyId) -> Self {
        self.psks.push(psk);
        self
    }

    /// Where the secrets of the PSKs are found.
    pub fn psk_store(mut self, store: &'a dyn PskStore) -> Self {
        self.psk_store = Some(store);
        self
    }

    /// The `authenticated_data` of the Commit message (RFC 9420 §6).
    pub fn authenticated_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.authenticated_data = data.into();
        self
    }

    /// Verify the GroupInfo and its tree, build the external Commit, and
    /// return the joiner's group in the new epoch with the Commit to send.
    pub fn build(self) -> Result<(Group, ExternalCommitOutput)> {
        let span = info_span!(
            "mls.external_join",
            epoch = tracing::field::Empty,
            members = tracing::field::Empty
        );
        let _guard = span.enter();
        let cs_arc = self.cs.clone();
        let cs = cs_arc.as_ref();
        let group_info = self
            .group_info
            .as_group_info()
            .ok_or(FramingError::WrongWireFormat {
                expected: WireFormat::GROUP_INFO,
                actual: self.group_info.wire_format(),
            })?;
        let old_context = &group_info.group_context;
        span.record("epoch", old_context.epoch);
        // §12.4.3.2 (V-12.4.3.2-08): no external_pub, no external join.
        let external_pub = find_payload::<ExternalPub>(&group_info.extensions)?
            .ok_or(WelcomeError::GroupInfoWithoutExternalPub)?;
        // The tree, validated in full against the GroupContext's tree hash,
        // then the GroupInfo signature under its signer's leaf (§12.4.3.1).
        let mut tree = verified_group_info_tree(cs, group_info, self.ratchet_tree, &self.config)?;
        let policy = self.config.leaf_policy();

        // Our leaf: the template of a KeyPackage leaf of ours; it must
        // support the group's extensions (§11.1, §12.4.3).
        // §13: our leaf lists the application's registered types, as a
        // KeyPackage of ours would.
        let bundle = self.leaf.advertise(&self.config.custom).build(
            cs,
            self.credential.clone(),
            self.signer.as_ref(),
        )?;
        let template = bundle.key_package().leaf_node.clone();
        leaf_supports(&template, &old_context.extensions)
            .map_err(ProposalError::MissingCapability)?;

        // §8.3: the init secret, encapsulated to external_pub.
        let (kem_output, init_secret) =
            InitSecret::external_init(cs, external_pub.external_pub.as_slice())?;
        let list = external_proposal_list(kem_output, self.remove_prior, &self.psks);

        // The members' own checks on our list (one checker for both sides).
        let shape = check_external_proposals(&list)?;
        let mut diff = tree.diff();
        let applied = apply_external_proposals(cs, old_context, &policy, &mut diff, &shape.others)?;
        check_resync(
            self.config.credential_validator.as_ref(),
            &applied.removed,
            &template,
        )?;
        drop(shape);

        // §12.4.3.2: the leftmost blank leaf, then the path from it (the
        // step a member's Commit takes too, §12.4.1).
        let me = diff.add_leaf(template.clone())?;
        // §7.3 (V-7.3-06/07): the members' check of our leaf
        // (commit::external), before anything is encrypted or signed.
        crate::proposals::check_credential_support(&diff, &[me])?;
        let mut context = old_context.clone();
        context.epoch = context
            .epoch
            .checked_add(1)
            .ok_or(GroupError::Internal("epoch overflow"))?;
        let CommitPath {
            commit_secret,
            path,
            private_changes,
            ..
        } = commit_path(
            cs,
            &mut diff,
            &mut context,
            me,
            &[],
            Some((&template, self.signer.as_ref())),
        )?;
        let psk_secret = match self.psk_store {
            Some(store) => PskSecret::resolve(cs, &applied.psks, store),
            None => PskSecret::resolve(cs, &applied.psks, &InMemoryPskStore::new()),
        }
        .map_err(CommitError::PskUnavailable)?;

        // §12.4.1: sign under the GroupInfo's GroupContext, then the
        // transcript (from the GroupInfo's interim hash), key schedule and
        // confirmation tag of the new epoch.
        let content = FramedContent {
            group_id: old_context.group_id.clone(),
            epoch: old_context.epoch,
            sender: Sender::NewMemberCommit,
            authenticated_data: VLBytes::new(self.authenticated_data),
            content: FramedContentBody::Commit(Commit {
                proposals: list.clone(),
                path,
            }),
        };
        let mut auth = sign_content(
            cs,
            self.signer.as_ref(),
            WireFormat::PUBLIC_MESSAGE,
            content,
            Some(old_context),
        )?;
        let old_confirmed =
            ConfirmedTranscriptHash::new(old_context.confirmed_transcript_hash.as_slice().to_vec());
        let old_interim = InterimTranscriptHash::next(
            cs,
            &old_confirmed,
            group_info.confirmation_tag.as_slice(),
        )?;
        let NextEpoch {
            keys,
            interim,
            confirmation_tag,
        } = epoch_step::seal(
            cs,
            &old_interim,
            &mut auth,
            &mut context,
            ScheduleInput {
                init_secret,
                commit_secret,
                psk_secret,
            },
        )?;
        let commit = MlsMessage::new(MlsMessageBody::PublicMessage(protect_public(
            cs,
            auth,
            Some(old_context),
            None,
        )?));
        let commit_bytes = mls_codec::encode(&commit)?;

        let joiner_leaf = diff
            .leaf(me)
            .cloned()
            .ok_or(GroupError::Internal("own leaf of the external Commit"))?;
        let proposals: Vec<Proposal> = list
            .into_iter()
            .filter_map(|p| match p {
                ProposalOrRef::Proposal(p) => Some(p),
                ProposalOrRef::Reference(_) => None,
            })
            .collect();
        let info = CommitInfo {
            own_commit: true,
            ..external_commit_info(&applied, proposals, me, &joiner_leaf, &context)
        };
        let changes = diff.into_changes();
        tree.merge(changes);
        let mut private = TreePrivateKeys::without_keys(me);
        private.apply(private_changes);
        private.prune(&tree);
        let epoch = EpochState::new(keys.secrets, tree.leaf_count(), self.config.secret_tree)?;
        let group = Group {
            cs: cs_arc,
            signer: self.signer,
            config: self.config,
            context,
            tree,
            private,
            interim,
            confirmation_tag,
            epoch,
            past: VecDeque::new(),
            proposals: ProposalCache::default(),
            pending: None,
            active: true,
            reinit: None,
        };
        span.record("members", group.member_count());
        Ok((
            group,
            ExternalCommitOutput {
                commit,
                commit_bytes,
                info,
            },
        ))
    }
}

/// §12.4.3.2: the external Commit's proposals, all by value: the
/// ExternalInit, then the Remove of our prior leaf (a resync) and the PSKs,
/// if any.
fn external_proposal_list(
    kem_output: Vec<u8>,
    remove_prior: Option<TypedLeaf>,
    psks: &[PreSharedKeyId],
) -> Vec<ProposalOrRef> {
    let external_init = Proposal::ExternalInit(ExternalInit {
        kem_output: VLBytes::new(kem_output),
    });
    let remove = remove_prior.map(|leaf| {
        Proposal::Remove(Remove {
            removed: leaf.get(),
        })
    });
    let psks = psks
        .iter()
        .map(|psk| Proposal::from(PreSharedKeyProposal { psk: psk.clone() }));
    std::iter::once(external_init)
        .chain(remove)
        .chain(psks)
        .map(ProposalOrRef::Proposal)
        .collect()
}
