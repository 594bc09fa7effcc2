//! The commit builder (RFC 9420 §12.4.1): what a Commit covers, said step
//! by step, then [`CommitBuilder::build`].
//!
//! ```text
//! group.commit_builder()
//!     .add_member(key_package)          // an Add by value (§12.1.1)
//!     .remove_member(leaf)              // a Remove by value (§12.1.3)
//!     .psk(psk_id)                      // a PreSharedKey by value (§12.1.4)
//!     .group_context_extensions(exts)   // a GroupContextExtensions (§12.1.7)
//!     .custom_proposal(0xf000, body)    // an application-defined proposal (§13)
//!     .force_path(true)                 // an UpdatePath even when not required
//!     .group_info(true)                 // a GroupInfo for external joins (§12.4.3.2)
//!     .rotate_signer(signer, credential) // a new signature key (G-54)
//!     .build()?                         // the pending Commit and its messages
//! ```

use mls_codec::{
    Add, Extension, GroupContextExtensions, KeyPackage, PreSharedKeyId, PreSharedKeyProposal,
    Proposal, Remove,
};
use mls_keyschedule::{InMemoryPskStore, PskStore};
use mls_treemath::LeafIndex;

use super::create::{CommitOptions, CommitOutput};
use crate::Result;
use crate::group::Group;

/// A Commit being described; [`CommitBuilder::build`] creates it as the
/// group's pending Commit. Made by [`Group::commit_builder`].
///
/// By default the Commit covers every proposal received in this epoch (by
/// reference), plus the proposals added here (by value), and carries an
/// UpdatePath when the proposals require one or the group's configuration
/// forces it; with no proposals at all it is an empty Commit that updates
/// our leaf through its path.
#[must_use = "a CommitBuilder does nothing until build()"]
pub struct CommitBuilder<'a> {
    group: &'a mut Group,
    options: CommitOptions,
    psk_store: Option<&'a dyn PskStore>,
}

impl std::fmt::Debug for CommitBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommitBuilder")
            .field("proposals", &self.options.proposals.len())
            .field("include_pending", &self.options.include_pending)
            .field("force_path", &self.options.force_path)
            .field("group_info", &self.options.group_info)
            .field("rotates_signer", &self.options.rotation.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a> CommitBuilder<'a> {
    pub(crate) fn new(group: &'a mut Group) -> Self {
        CommitBuilder {
            group,
            options: CommitOptions::default(),
            psk_store: None,
        }
    }

    /// Add the owner of `key_package` (an Add proposal by value, RFC 9420
    /// §12.1.1); the Commit's Welcome is for them.
    pub fn add_member(self, key_package: KeyPackage) -> Self {
        self.proposal(Proposal::from(Add { key_package }))
    }

    /// Remove the member at `leaf` (a Remove proposal by value, RFC 9420
    /// §12.1.3).
    pub fn remove_member(self, leaf: LeafIndex) -> Self {
        self.proposal(Proposal::Remove(Remove {
            removed: leaf.get(),
        }))
    }

    /// Inject the PSK `psk` (a PreSharedKey proposal by value, RFC 9420
    /// §12.1.4); its secret is looked up in the group's own resumption PSKs
    /// and in the store given to [`CommitBuilder::psk_store`].
    pub fn psk(self, psk: PreSharedKeyId) -> Self {
        self.proposal(Proposal::from(PreSharedKeyProposal { psk }))
    }

    /// Replace the GroupContext extensions (a GroupContextExtensions
    /// proposal by value, RFC 9420 §12.1.7).
    pub fn group_context_extensions(self, extensions: Vec<Extension>) -> Self {
        self.proposal(Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions,
        }))
    }

    /// Reinitialize the group (a ReInit proposal by value, RFC 9420 §11.2,
    /// §12.1.5): the Commit holds only this proposal, so the cached
    /// proposals are left out (and reported in [`CommitOutput::omitted`]).
    /// Once merged the group is shut down ([`Group::pending_reinit`]).
    pub fn reinit(
        self,
        group_id: Vec<u8>,
        version: mls_codec::ProtocolVersion,
        cipher_suite: mls_crypto::CipherSuite,
        extensions: Vec<Extension>,
    ) -> Self {
        self.proposal(crate::group::reinit_proposal(
            group_id,
            version,
            cipher_suite,
            extensions,
        ))
    }

    /// Include an application-defined proposal of the registered type
    /// `proposal_type` by value (RFC 9420 §13; [`crate::CustomRegistry`]).
    /// The build fails if the type is not registered, its hook refuses it,
    /// or a member staying in the group does not support it (§12.2,
    /// V-12.2-16), rather than leaving it out.
    pub fn custom_proposal(self, proposal_type: u16, body: Vec<u8>) -> Self {
        self.proposal(Proposal::Unknown {
            proposal_type,
            data: mls_codec::VLBytes::new(body),
        })
    }

    /// Include any proposal by value, after those added before. The
    /// Commit's proposal list is checked in full when it is built (RFC 9420
    /// §12.2): a proposal the RFC does not allow by value fails there.
    pub fn proposal(mut self, proposal: Proposal) -> Self {
        self.options.proposals.push(proposal);
        self
    }

    /// Include several proposals by value, in order.
    pub fn proposals(mut self, proposals: Vec<Proposal>) -> Self {
        self.options.proposals.extend(proposals);
        self
    }

    /// Whether to cover the proposals received in this epoch by reference
    /// (default true). Our own Updates and Removes of us are left out, and
    /// of competing Update/Remove proposals for one leaf the Remove wins
    /// (V-12.2-19).
    pub fn include_pending(mut self, include: bool) -> Self {
        self.options.include_pending = include;
        self
    }

    /// Include an UpdatePath even when the proposals do not require one
    /// (the group configuration's `force_path` forces it as well).
    pub fn force_path(mut self, force: bool) -> Self {
        self.options.force_path = force;
        self
    }

    /// Also sign a GroupInfo of the new epoch for external joins (RFC 9420
    /// §12.4.3.2: with `external_pub`, the tree per the group's
    /// `ratchet_tree_extension`), in [`CommitOutput::group_info`], even
    /// when the Commit adds nobody. Default false: a Commit makes a
    /// GroupInfo only for the Welcome of its Adds (issue 14 item 3), and
    /// [`Group::export_group_info`] gives one on demand after the merge.
    pub fn group_info(mut self, publish: bool) -> Self {
        self.options.group_info = publish;
        self
    }

    /// Rotate our signature key (GUIDANCE G-54; RFC 9420 §5.3.1): the
    /// Commit's UpdatePath (forced) gives our leaf `signer`'s public key and,
    /// if given, `credential` (a credential for the new key; the group's
    /// credential validator must accept it as a successor of ours). The
    /// Commit itself is signed with our current key, which the members
    /// know; the new epoch's GroupInfo (Welcome, [`CommitOutput::group_info`])
    /// with the new one. The group signs with `signer` from the merge on
    /// ([`Group::export_group_info`] included); discarding the pending
    /// Commit keeps the old signer. The build fails with
    /// [`crate::Misuse::SignerRotation`] for a signer of another scheme, a
    /// key pair that does not match, our current key, or a refused
    /// credential.
    pub fn rotate_signer(
        mut self,
        signer: std::sync::Arc<dyn mls_crypto::Signer>,
        credential: Option<mls_codec::Credential>,
    ) -> Self {
        self.options.rotation = Some(super::create::SignerRotation { signer, credential });
        self
    }

    /// Whether this Commit rotates our signature key
    /// ([`CommitBuilder::rotate_signer`]).
    pub fn rotates_signer(&self) -> bool {
        self.options.rotation.is_some()
    }

    /// The `authenticated_data` of the Commit message (RFC 9420 §6).
    pub fn authenticated_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.options.authenticated_data = data.into();
        self
    }

    /// Where the secrets of external PSKs are found (RFC 9420 §8.4); the
    /// group's own resumption PSKs are always available.
    pub fn psk_store(mut self, store: &'a dyn PskStore) -> Self {
        self.psk_store = Some(store);
        self
    }

    /// Create the Commit (RFC 9420 §12.4.1). The new epoch becomes the
    /// group's pending Commit: send [`CommitOutput::commit`], then
    /// [`Group::merge_pending_commit`] once the delivery service accepted it.
    pub fn build(self) -> Result<CommitOutput> {
        match self.psk_store {
            Some(store) => self.group.create_commit(self.options, store),
            None => self
                .group
                .create_commit(self.options, &InMemoryPskStore::new()),
        }
    }
}

impl Group {
    /// Describe a Commit (RFC 9420 §12.4.1); see [`CommitBuilder`].
    pub fn commit_builder(&mut self) -> CommitBuilder<'_> {
        CommitBuilder::new(self)
    }
}
