//! [`ClientGroup`]: a group of a [`crate::Client`] that persists itself.
//!
//! Every operation that changes the group writes it through the client's
//! store as ONE [`mls_group::storage::GroupWrite`] before it returns
//! (GUIDANCE G-03): a merge (own pending Commit, received Commit), a Commit
//! made (saved with its pending state before it is handed out, G-05), a
//! proposal made or received, an application message sent or received (the
//! ratchet moved, G-04). The caller cannot forget to persist, and cannot
//! see a state the store does not hold: an operation whose write fails
//! returns the error and leaves the handle at the stored state (the one
//! before the operation), by reloading it from the store, whose contract
//! says a failed write applied nothing. Nothing it produced (a Commit, a
//! ciphertext, a plaintext) is handed out.

use std::sync::Arc;

use mls_codec::{MlsMessage, RatchetTree, WireFormat};
use mls_group::{
    CommitBuilder, CommitInfo, CommitOutput, ExternalCommitOutput, Group, ProcessedMessage,
    Proposer, ReceivedApplicationMessage, ReceivedProposal, SaveCursor, SideEffects, StagedCommit,
};
use tracing::{info_span, warn};

use crate::error::{ClientError, Result};
use crate::external;
use crate::persist;
use crate::psk::StorePsks;
use crate::shared::Core;

/// What a received message was, after [`ClientGroup::receive`] processed
/// (and, for a Commit, merged) and persisted it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Received {
    /// Application data (RFC 9420 §15).
    Application(ReceivedApplicationMessage),
    /// A proposal, now cached for the next Commit (RFC 9420 §12.1).
    Proposal(Box<ReceivedProposal>),
    /// A Commit, merged: the group is in the next epoch (RFC 9420 §12.4.2).
    Commit(CommitInfo),
}

/// One group of a client, persisted after every change (see the module
/// docs). Read everything through [`ClientGroup::group`]; change it only
/// through the methods here.
pub struct ClientGroup {
    core: Arc<Core>,
    group: Group,
    cursor: SaveCursor,
    /// A failed write could not be rolled back to the stored state.
    stale: bool,
}

impl std::fmt::Debug for ClientGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientGroup")
            .field("group", &self.group)
            .field("generation", &self.cursor.generation())
            .field("stale", &self.stale)
            .finish_non_exhaustive()
    }
}

impl ClientGroup {
    pub(crate) fn new(core: Arc<Core>, group: Group, cursor: SaveCursor) -> Self {
        ClientGroup {
            core,
            group,
            cursor,
            stale: false,
        }
    }

    /// The group, read-only: id, epoch, members, epoch authenticator,
    /// exporter, GroupInfo export, pending Commit...
    pub fn group(&self) -> &Group {
        &self.group
    }

    /// The group id.
    pub fn group_id(&self) -> &[u8] {
        self.group.group_id()
    }

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.group.epoch()
    }

    /// The store generation this handle is at (one more per write).
    pub fn generation(&self) -> Option<u64> {
        self.cursor.generation()
    }

    /// Read the group again from the store (after [`ClientError::Stale`],
    /// or to pick up what another writer stored).
    pub fn reload(&mut self) -> Result<()> {
        match persist::load(&self.core, self.group.group_id())? {
            Some((group, cursor)) => {
                self.group = group;
                self.cursor = cursor;
                self.stale = false;
                Ok(())
            }
            // Deleted meanwhile: the handle keeps a state no store holds.
            None => {
                self.stale = true;
                Err(ClientError::Stale)
            }
        }
    }

    /// Make a Commit (RFC 9420 §12.4): `build` describes it on the engine's
    /// [`CommitBuilder`] (cached proposals are included; add, remove,
    /// proposals by value, extensions...). The group with its pending
    /// Commit is stored before the Commit is returned (G-05); once the
    /// Delivery Service accepted it, [`ClientGroup::merge_pending_commit`]
    /// (or merge the echo with [`ClientGroup::receive`]); if it refused it,
    /// [`ClientGroup::clear_pending_commit`].
    pub fn commit(
        &mut self,
        build: impl for<'b> FnOnce(CommitBuilder<'b>) -> CommitBuilder<'b>,
    ) -> Result<CommitOutput> {
        self.fresh()?;
        let psks = StorePsks(self.core.store.as_ref());
        let builder = build(self.group.commit_builder().psk_store(&psks));
        // A client's groups all sign with the client's signer (it is what
        // `persist::load` gives every group): a Commit that rotates one
        // group's key would leave that group unloadable, so it is refused
        // before anything is built or stored (GUIDANCE G-54).
        if builder.rotates_signer() {
            return Err(
                mls_group::GroupError::from(mls_group::Misuse::SignerRotation(
                    "a Client's groups sign with the client's signer; rotate on a Group",
                ))
                .into(),
            );
        }
        let output = builder.build();
        // Making an encrypted Commit advances the handshake ratchet even
        // when it then fails: that is stored too.
        match output {
            Ok(output) => {
                self.persist(SideEffects::default())?;
                Ok(output)
            }
            Err(e) => {
                if self.group.config().encrypt_handshake {
                    self.persist(SideEffects::default())?;
                }
                Err(e.into())
            }
        }
    }

    /// A Commit that only updates our own leaf (an empty Commit with a
    /// path, RFC 9420 §12.4), stored as [`ClientGroup::commit`] does.
    pub fn self_update(&mut self) -> Result<CommitOutput> {
        self.commit(|b| b.force_path(true))
    }

    /// The Delivery Service accepted our pending Commit: merge it and store
    /// the new epoch (RFC 9420 §14).
    pub fn merge_pending_commit(&mut self) -> Result<()> {
        self.fresh()?;
        self.group.merge_pending_commit()?;
        self.persist(SideEffects::default())
    }

    /// The Delivery Service refused our pending Commit: drop it and store
    /// the group without it.
    pub fn clear_pending_commit(&mut self) -> Result<()> {
        self.fresh()?;
        self.group.clear_pending_commit();
        self.persist(SideEffects::default())
    }

    /// Make a proposal (RFC 9420 §12.1) with the engine's [`Proposer`]
    /// (`|p| p.remove(leaf)`, `|p| p.update()`...): cached for our next
    /// Commit, stored, and the message to send returned.
    pub fn propose(
        &mut self,
        make: impl for<'b> FnOnce(Proposer<'b>) -> mls_group::Result<MlsMessage>,
    ) -> Result<MlsMessage> {
        self.fresh()?;
        let message = make(self.group.propose())?;
        self.persist(SideEffects::default())?;
        Ok(message)
    }

    /// Encrypt application data (RFC 9420 §15); the sending ratchet's new
    /// position is stored before the message is returned (G-04).
    pub fn encrypt_application_message(
        &mut self,
        data: &[u8],
        authenticated_data: &[u8],
    ) -> Result<MlsMessage> {
        self.fresh()?;
        let message = self
            .group
            .encrypt_application_message(data, authenticated_data)?;
        self.persist(SideEffects::default())?;
        Ok(message)
    }

    /// Process a received message (RFC 9420 §6, §12.4.2) as the engine
    /// does, storing what it changed: application data and proposals are
    /// stored before they are returned; a Commit comes back staged, for the
    /// caller to inspect and then [`ClientGroup::merge_staged_commit`] (a
    /// PrivateMessage Commit moved the handshake ratchet: that is stored
    /// first). [`ClientGroup::receive`] does both steps in one write.
    pub fn process_message(&mut self, message: &MlsMessage) -> Result<ProcessedMessage> {
        self.fresh()?;
        let processed = self
            .group
            .process_message_with_psks(message, &StorePsks(self.core.store.as_ref()))?;
        let changed = !matches!(processed, ProcessedMessage::Commit(_))
            || message.wire_format() == WireFormat::PRIVATE_MESSAGE;
        if changed {
            self.persist(SideEffects::default())?;
        }
        Ok(processed)
    }

    /// Merge a Commit staged by [`ClientGroup::process_message`] and store
    /// the new epoch. If the write fails the handle is back at the old
    /// epoch; process the Commit again.
    pub fn merge_staged_commit(&mut self, staged: StagedCommit) -> Result<()> {
        self.fresh()?;
        let foreign = !staged.info().own_commit;
        self.group.merge_staged_commit(staged)?;
        if foreign {
            self.absorb()?;
        }
        self.persist(SideEffects::default())
    }

    /// Process a received message and, if it is a Commit (ours echoed by
    /// the Delivery Service, or another member's), merge it; ONE write
    /// stores the result. For an application that accepts every valid
    /// Commit; one that inspects Commits first uses
    /// [`ClientGroup::process_message`].
    pub fn receive(&mut self, message: &MlsMessage) -> Result<Received> {
        self.fresh()?;
        let received = match self
            .group
            .process_message_with_psks(message, &StorePsks(self.core.store.as_ref()))?
        {
            ProcessedMessage::Application(m) => Received::Application(m),
            ProcessedMessage::Proposal(p) => Received::Proposal(p),
            ProcessedMessage::Commit(staged) => {
                let info = staged.info().clone();
                if let Err(e) = self.group.merge_staged_commit(staged) {
                    // The ratchet may have moved while processing.
                    self.persist(SideEffects::default())?;
                    return Err(e.into());
                }
                if !info.own_commit {
                    self.absorb()?;
                }
                Received::Commit(info)
            }
        };
        self.persist(SideEffects::default())?;
        Ok(received)
    }

    /// Rejoin this group by external Commit (RFC 9420 §12.4.3.2) that also
    /// removes our own earlier leaf: for a member that can no longer follow
    /// the group (state lost or forked, Commits missed). `group_info` (with
    /// `external_pub`; the tree in its `ratchet_tree` extension or as
    /// `ratchet_tree`) must be of this group and of an epoch no older than
    /// the one held. The new state replaces the held one, its past epochs
    /// pruned, in ONE write before the Commit is returned (G-03, G-05); send
    /// `commit` to the group. If the Delivery Service refuses it, resync
    /// again from a newer GroupInfo. On error the handle is at the stored
    /// state.
    pub fn resync(
        &mut self,
        group_info: &MlsMessage,
        ratchet_tree: Option<RatchetTree>,
    ) -> Result<ExternalCommitOutput> {
        let _span = info_span!("mls.client.resync", epoch = self.group.epoch()).entered();
        self.fresh()?;
        let context = &external::group_info_of(group_info)?.group_context;
        if context.group_id.as_slice() != self.group.group_id() {
            return Err(ClientError::ResyncGroupInfo(
                "the GroupInfo is of another group",
            ));
        }
        // Every past epoch held is below the new state's epoch, so the
        // write's pruning removes them all: no record of the old state
        // outlives it.
        if context.epoch < self.group.epoch() {
            return Err(ClientError::ResyncGroupInfo(
                "the GroupInfo is of an older epoch than the one held",
            ));
        }
        let (group, output) =
            external::external_commit_builder(&self.core, group_info, ratchet_tree)?
                .remove_prior_leaf(self.group.own_leaf())
                .build()?;
        self.group = group;
        self.cursor = self.cursor.replacing();
        self.persist(SideEffects::default())?;
        Ok(output)
    }

    /// Absorb the new epoch's value into the client's pool (G-39), before
    /// the write that stores the epoch. If that fails the merged epoch is
    /// not stored: go back to the stored state.
    fn absorb(&mut self) -> Result<()> {
        let Some(pool) = &self.core.pool else {
            return Ok(());
        };
        if let Err(e) = pool.absorb(&self.group) {
            if self.reload().is_err() {
                self.stale = true;
            }
            return Err(e);
        }
        Ok(())
    }

    /// Refuse to run on a state the store does not hold.
    fn fresh(&mut self) -> Result<()> {
        if self.stale {
            self.reload()?;
        }
        Ok(())
    }

    /// Store the group as one write; on failure go back to the stored state.
    fn persist(&mut self, effects: SideEffects) -> Result<()> {
        let result = persist::save(&self.core, &self.group, &mut self.cursor, effects);
        if let Err(e) = &result {
            warn!(error = %e, epoch = self.group.epoch(), "mls.client: write failed, reloading");
            if self.reload().is_err() {
                self.stale = true;
            }
        }
        result
    }
}
