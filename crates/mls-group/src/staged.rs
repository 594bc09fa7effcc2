//! A Commit's outcome before it is merged (RFC 9420 §12.4.2, §14): what it
//! does ([`CommitInfo`]) and the complete state of the epoch it starts
//! ([`StagedCommit`]), and our own pending Commit. Both the commit paths
//! (`crate::commit`) and the group (`crate::group`) work on these values,
//! so they live apart from either.

use mls_codec::{Credential, Extension, GroupContext, MlsMessage, PreSharedKeyId, Proposal};
use mls_crypto::HpkePrivateKey;
use mls_keyschedule::{EpochSecrets, InterimTranscriptHash};
use mls_treekem::{LeafIndex, PrivateKeyChanges, RatchetTree, TreeChanges};

/// A member added or removed by a Commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberChange {
    /// The leaf index (new leaf of an added member, old leaf of a removed one).
    pub leaf_index: LeafIndex,
    /// The member's credential.
    pub credential: Credential,
}

/// What a Commit does, for the application to inspect before merging.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitInfo {
    /// The committer's leaf index.
    pub committer: LeafIndex,
    /// The epoch the Commit starts.
    pub new_epoch: u64,
    /// The proposals the Commit covers, in list order.
    pub proposals: Vec<Proposal>,
    /// The application-defined proposals among them (RFC 9420 §13), in
    /// list order with their senders: the application applies their effect
    /// when it merges the Commit (their GroupContext effects, if any, are
    /// in [`CommitInfo::new_extensions`]).
    pub custom_proposals: Vec<crate::custom::CommittedCustomProposal>,
    /// Members added, in list order.
    pub added: Vec<MemberChange>,
    /// Members removed.
    pub removed: Vec<MemberChange>,
    /// Leaves replaced by Update proposals.
    pub updated: Vec<LeafIndex>,
    /// PSKs injected (RFC 9420 §8.4).
    pub psks: Vec<PreSharedKeyId>,
    /// The new GroupContext extensions, if a GroupContextExtensions proposal
    /// changed them.
    pub new_extensions: Option<Vec<Extension>>,
    /// Whether the Commit carried an UpdatePath.
    pub has_path: bool,
    /// Whether the Commit removes us (RFC 9420 §12.4.2, V-12.4.2-12).
    pub removes_us: bool,
    /// Whether this is our own Commit (created here, or echoed back by the
    /// delivery service).
    pub own_commit: bool,
}

impl CommitInfo {
    /// The ReInit the Commit holds (RFC 9420 §11.2, §12.1.5): once it is
    /// merged the group is shut down and the members move to the successor
    /// group it describes.
    pub fn reinit(&self) -> Option<&mls_codec::ReInit> {
        self.proposals.iter().find_map(|p| match p {
            Proposal::ReInit(r) => Some(&**r),
            _ => None,
        })
    }
}

/// The tree of the new epoch: a change set over the current tree, or (for a
/// pending Commit restored from storage) the whole tree.
#[derive(Clone, Debug)]
pub(crate) enum TreeUpdate {
    Changes(TreeChanges),
    Full(Box<RatchetTree>),
}

/// A Commit ready to be merged: what it does ([`StagedCommit::info`]) and
/// the complete state of the new epoch, boxed so that it moves cheaply.
#[derive(Clone, Debug)]
pub struct StagedCommit {
    pub(crate) epoch: Box<StagedEpoch>,
}

/// The complete state of the epoch a Commit starts.
#[derive(Clone, Debug)]
pub(crate) struct StagedEpoch {
    pub(crate) from_epoch: u64,
    pub(crate) context: GroupContext,
    pub(crate) tree: TreeUpdate,
    pub(crate) private_changes: PrivateKeyChanges,
    /// Our new leaf key when an Update proposal of ours is committed.
    pub(crate) own_leaf_key: Option<HpkePrivateKey>,
    /// The new epoch's secrets; `None` for a Commit that removes us: they
    /// are not ours to know (RFC 9420 §12.4.2).
    pub(crate) secrets: Option<EpochSecrets>,
    pub(crate) interim: InterimTranscriptHash,
    pub(crate) confirmation_tag: Vec<u8>,
    pub(crate) info: CommitInfo,
    /// The signer our own Commit rotates to (GUIDANCE G-54): adopted at
    /// merge; `None` for every other Commit.
    pub(crate) new_signer: Option<std::sync::Arc<dyn mls_crypto::Signer>>,
}

impl StagedCommit {
    pub(crate) fn new(epoch: StagedEpoch) -> Self {
        StagedCommit {
            epoch: Box::new(epoch),
        }
    }

    /// The Commit's custom proposals set after staging (a Commit that
    /// removes us is staged without them).
    pub(crate) fn with_custom_proposals(
        mut self,
        custom: Vec<crate::custom::CommittedCustomProposal>,
    ) -> Self {
        self.epoch.info.custom_proposals = custom;
        self
    }

    /// What the Commit does.
    pub fn info(&self) -> &CommitInfo {
        &self.epoch.info
    }

    /// The epoch the Commit starts.
    pub fn new_epoch(&self) -> u64 {
        self.epoch.context.epoch
    }

    /// The epoch authenticator of the new epoch (RFC 9420 §8.7).
    pub fn epoch_authenticator(&self) -> Option<&[u8]> {
        self.epoch
            .secrets
            .as_ref()
            .map(|s| s.epoch_authenticator.as_bytes())
    }
}

/// Our own Commit, sent to the delivery service and waiting for its
/// confirmation (RFC 9420 §14).
#[derive(Clone, Debug)]
pub(crate) struct PendingCommit {
    /// The serialized MLSMessage of the Commit, to recognise its echo.
    pub message: Vec<u8>,
    pub staged: StagedEpoch,
}

/// Recognise an MLSMessage as the pending Commit's.
pub(crate) fn is_echo(pending: &PendingCommit, message: &MlsMessage) -> bool {
    mls_codec::encode(message).is_ok_and(|bytes| bytes == pending.message)
}
