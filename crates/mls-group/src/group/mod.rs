//! The group state machine (RFC 9420 §11-§14): a [`Group`] holds one
//! member's view of one group: the public ratchet tree, its private path
//! keys, the GroupContext and transcript hashes, the epoch secrets with the
//! secret tree, the secrets of a few past epochs for late messages, the
//! proposal cache and the pending own Commit.
//!
//! Every operation that changes the epoch is staged: [`Group::commit`]
//! keeps the new state as the pending Commit until [`Group::merge_pending_commit`];
//! [`Group::process_message`] returns a [`StagedCommit`] for a received Commit,
//! which only [`Group::merge_staged_commit`] applies. A rejected input
//! leaves the group byte-identical ([`Group::to_bytes`] before and after).

mod application;
#[cfg(test)]
mod bad_input_tests;
mod create;
mod entropy;
pub(crate) mod epoch;
pub(crate) mod info;
mod join;
mod process;
mod proposal;
pub(crate) mod psk;
mod settings;
pub(crate) mod signer;

use std::collections::VecDeque;
use std::sync::Arc;

use mls_codec::{Credential, Extension, GroupContext, LeafNode, ReInit};
use mls_crypto::{CipherSuite, CipherSuiteProvider, Signer};
use mls_keyschedule::InterimTranscriptHash;
use mls_treekem::{LeafIndex, RatchetTree, TreePrivateKeys, TreeView};

use crate::proposals::ProposalCache;
use crate::staged::PendingCommit;
use crate::{GroupConfig, Misuse};
use epoch::{EpochState, PastEpoch};

pub use application::ReceivedApplicationMessage;
pub use create::CreateOptions;
pub use join::JoinOptions;
pub use process::ProcessedMessage;
pub(crate) use proposal::check_standalone_proposal;
pub(crate) use proposal::reinit_proposal;
pub use proposal::{Proposer, ReceivedProposal};

/// One member's state of one MLS group.
///
/// `Debug` shows only public facts (group id, epoch, member count).
pub struct Group {
    pub(crate) cs: Arc<dyn CipherSuiteProvider>,
    pub(crate) config: GroupConfig,
    pub(crate) context: GroupContext,
    pub(crate) tree: RatchetTree,
    pub(crate) private: TreePrivateKeys,
    /// Our signature key (in memory or in an HSM, GUIDANCE G-42).
    pub(crate) signer: Arc<dyn Signer>,
    pub(crate) interim: InterimTranscriptHash,
    /// The confirmation tag of the Commit (or creation) that started this epoch.
    pub(crate) confirmation_tag: Vec<u8>,
    pub(crate) epoch: EpochState,
    pub(crate) past: VecDeque<PastEpoch>,
    pub(crate) proposals: ProposalCache,
    pub(crate) pending: Option<PendingCommit>,
    /// False once a merged Commit removed us (RFC 9420 §12.4.2).
    pub(crate) active: bool,
    /// The ReInit of the last merged Commit (RFC 9420 §11.2): the group is
    /// shut down and waits for its successor.
    pub(crate) reinit: Option<ReInit>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group")
            .field("group_id_len", &self.context.group_id.as_slice().len())
            .field("epoch", &self.context.epoch)
            .field("members", &self.member_count())
            .field("own_leaf", &self.own_leaf())
            .finish_non_exhaustive()
    }
}

/// A member of the group as seen in the ratchet tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The member's leaf index.
    pub leaf_index: LeafIndex,
    /// Its credential.
    pub credential: Credential,
    /// Its signature public key.
    pub signature_key: Vec<u8>,
}

impl Member {
    pub(crate) fn from_leaf(leaf: LeafIndex, node: &LeafNode) -> Self {
        Member {
            leaf_index: leaf,
            credential: node.credential.clone(),
            signature_key: node.signature_key.as_slice().to_vec(),
        }
    }
}

impl Group {
    /// The group id.
    pub fn group_id(&self) -> &[u8] {
        self.context.group_id.as_slice()
    }

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.context.epoch
    }

    /// The cipher suite.
    pub fn cipher_suite(&self) -> CipherSuite {
        self.cs.cipher_suite()
    }

    /// The cipher suite provider of this group.
    pub fn cipher_suite_provider(&self) -> &Arc<dyn CipherSuiteProvider> {
        &self.cs
    }

    /// The configuration.
    pub fn config(&self) -> &GroupConfig {
        &self.config
    }

    /// The current GroupContext (RFC 9420 §8.1).
    pub fn context(&self) -> &GroupContext {
        &self.context
    }

    /// The group's extensions (in the GroupContext).
    pub fn extensions(&self) -> &[Extension] {
        &self.context.extensions
    }

    /// Our leaf index.
    pub fn own_leaf(&self) -> LeafIndex {
        self.private.leaf()
    }

    /// Whether we are still a member (false after a merged Commit removed us).
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// The public ratchet tree.
    pub fn ratchet_tree(&self) -> &RatchetTree {
        &self.tree
    }

    /// The ratchet tree in its wire form, for handing to joiners out of band
    /// (RFC 9420 §12.4.3.3).
    pub fn export_ratchet_tree(&self) -> mls_codec::RatchetTree {
        self.tree.to_wire()
    }

    /// The members, by leaf index.
    pub fn members(&self) -> Vec<Member> {
        self.tree
            .members()
            .map(|(leaf, node)| Member::from_leaf(leaf, node))
            .collect()
    }

    /// The member at `leaf`, if that leaf is occupied.
    pub fn member(&self, leaf: LeafIndex) -> Option<Member> {
        self.tree.leaf(leaf).map(|n| Member::from_leaf(leaf, n))
    }

    /// The number of members.
    pub fn member_count(&self) -> usize {
        self.tree.member_count()
    }

    /// The epoch authenticator (RFC 9420 §8.7): equal for every member that
    /// agrees on the group state; compare it out of band to detect forks.
    pub fn epoch_authenticator(&self) -> &[u8] {
        self.epoch.epoch_authenticator.as_bytes()
    }

    /// `MLS-Exporter(label, context, length)` (RFC 9420 §8.5).
    pub fn export_secret(
        &self,
        label: &[u8],
        context: &[u8],
        length: u16,
    ) -> crate::Result<mls_crypto::Secret> {
        Ok(self
            .epoch
            .exporter_secret
            .export(self.cs.as_ref(), label, context, length)?)
    }

    /// The resumption PSK of the current epoch (RFC 9420 §8.6): a secret,
    /// so only with the `test-utils` feature.
    #[cfg(feature = "test-utils")]
    pub fn resumption_psk(&self) -> &mls_keyschedule::ResumptionPsk {
        &self.epoch.resumption_psk
    }

    /// The confirmation tag of the Commit that started this epoch.
    pub fn confirmation_tag(&self) -> &[u8] {
        &self.confirmation_tag
    }

    /// The framing keys and GroupContext of the current epoch (RFC 9420 §6),
    /// for tests that forge correctly protected but invalid messages. It
    /// hands out the membership key and the sender-data secret, so it
    /// exists only with the `test-utils` feature; applications never need
    /// it, the engine protects its own messages.
    #[cfg(feature = "test-utils")]
    pub fn framing_context(&self) -> crate::framing::FramingContext<'_> {
        crate::framing::FramingContext {
            cs: self.cs.as_ref(),
            group_context: &self.context,
            membership_key: &self.epoch.membership_key,
            sender_data_secret: &self.epoch.sender_data_secret,
        }
    }

    /// Our own LeafNode.
    pub(crate) fn own_leaf_node(&self) -> crate::Result<&LeafNode> {
        self.tree
            .leaf(self.own_leaf())
            .ok_or(crate::GroupError::Misuse(Misuse::NotAMember))
    }

    /// Whether a pending own Commit waits for the delivery service.
    pub fn has_pending_commit(&self) -> bool {
        self.pending.is_some()
    }

    /// How many proposals are cached for the next Commit.
    pub fn pending_proposal_count(&self) -> usize {
        self.proposals.entries.len()
    }

    /// The ReInit of the Commit that ended this group (RFC 9420 §11.2), if
    /// one did: the group then sends and accepts nothing more, and the
    /// application moves to the successor group that the ReInit describes
    /// ([`Group::reinit_successor`], [`Group::join_reinit_successor`]).
    pub fn pending_reinit(&self) -> Option<&ReInit> {
        self.reinit.as_ref()
    }

    /// Fail unless we may send (RFC 9420 §12.4.2: removed members cannot;
    /// §11.2, V-12.1.5-02: nothing is sent in a reinitialized group).
    pub(crate) fn ensure_active(&self) -> crate::Result<()> {
        if !self.active {
            return Err(crate::GroupError::Misuse(Misuse::NotAMember));
        }
        if self.reinit.is_some() {
            return Err(crate::GroupError::Misuse(Misuse::GroupReInitialized));
        }
        Ok(())
    }
}
