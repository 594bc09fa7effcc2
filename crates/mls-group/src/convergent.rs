//! Eventually-consistent delivery (GUIDANCE G-18 (b), RFC 9420 §14,
//! draft-ietf-mls-architecture §5.2.2): when the delivery service does not
//! order Commits, two members may commit in the same epoch and different
//! members may see the two Commits in different orders. A
//! [`ConvergentGroup`] merges the first valid Commit of an epoch at once,
//! keeps the state of the epoch before it, and when a competing Commit of
//! that same epoch arrives, applies one deterministic tie-break: **the
//! Commit whose MLSMessage encoding has the smaller hash (the suite's hash,
//! compared as bytes) wins**. A winning competitor is processed against the
//! kept state, with every check of [`Group::process_message`], and replaces
//! the merged epoch; a losing one is ignored without being processed. Every
//! member that receives the same Commits therefore ends in the same epoch,
//! whatever the order of arrival, and each decision depends only on the
//! input and the state (G-18's requirement).
//!
//! The window is one epoch: once a Commit of the next epoch is merged, the
//! kept state is replaced by the one before that Commit, so a competitor
//! for an older epoch is refused like any message of an old epoch.
//!
//! What it costs and what it does not protect:
//! - The kept state holds the previous epoch's secrets until the window
//!   closes (the next merge, or [`ConvergentGroup::settle`]): forward
//!   secrecy for that one epoch is delayed by the window (G-08). Call
//!   `settle` as soon as the application knows the epoch is final.
//! - It doubles the group's memory while a window is open, and the kept
//!   state lives in memory only: after a restart the window is closed.
//! - Messages of the losing epoch (application messages, proposals sent in
//!   it) cannot be read after a switch; the application learns of the switch
//!   from [`CommitOutcome::Switched`] and may resend its own.
//!
//! The kept state is a copy taken before the merge: application messages
//! sent in the previous epoch had consumed their secret-tree generations
//! before the copy, and no message can be sent in that epoch afterwards,
//! so no key is ever used twice.

use mls_codec::{ContentType, MlsMessage};
use mls_keyschedule::{InMemoryPskStore, PskStore};

use crate::group::Group;
use crate::staged::CommitInfo;
use crate::{CommitOutput, GroupError, ProcessedMessage, Result};

/// A [`Group`] for delivery services that do not order Commits (G-18 (b)).
pub struct ConvergentGroup {
    group: Group,
    window: Option<Window>,
}

/// The state before the current epoch's Commit and that Commit's key.
struct Window {
    before: Group,
    winner: Vec<u8>,
}

/// What happened to a Commit given to a [`ConvergentGroup`].
#[derive(Debug)]
pub enum CommitOutcome {
    /// The first valid Commit of the current epoch: merged.
    Merged(CommitInfo),
    /// A competing Commit of the previous epoch won the tie-break: the group
    /// now follows it. `replaced` is the epoch authenticator of the epoch it
    /// replaced.
    Switched {
        /// The winning Commit.
        info: CommitInfo,
        /// The epoch authenticator of the replaced epoch.
        replaced: Vec<u8>,
    },
    /// A competing Commit of the previous epoch lost the tie-break (or is
    /// the Commit already merged): ignored, the group is unchanged.
    Ignored,
}

/// The result of [`ConvergentGroup::process_message`].
#[derive(Debug)]
pub enum ConvergentMessage {
    /// A Commit, merged, switched to or ignored.
    Commit(CommitOutcome),
    /// Anything else, as [`Group::process_message`] returns it.
    Other(ProcessedMessage),
}

impl ConvergentGroup {
    /// Follow `group` under eventually-consistent delivery.
    pub fn new(group: Group) -> Self {
        ConvergentGroup {
            group,
            window: None,
        }
    }

    /// The group in its current epoch.
    pub fn group(&self) -> &Group {
        &self.group
    }

    /// The group, for sending. A Commit merged through this handle directly
    /// (rather than through [`ConvergentGroup::commit`]) closes the window.
    pub fn group_mut(&mut self) -> &mut Group {
        &mut self.group
    }

    /// The group, without the window.
    pub fn into_group(self) -> Group {
        self.group
    }

    /// Whether a competing Commit of the previous epoch could still replace
    /// the current epoch.
    pub fn window_open(&self) -> bool {
        self.open_window().is_some()
    }

    /// Close the window: the previous epoch's state is dropped (and its
    /// secrets with it); no competing Commit can replace the current epoch.
    pub fn settle(&mut self) {
        self.window = None;
    }

    /// Create a Commit with `build` (e.g. `|g| g.commit_builder().build()`)
    /// and merge it at once, keeping the state before it: under
    /// eventually-consistent delivery our own Commit competes like anyone's.
    pub fn commit(
        &mut self,
        build: impl FnOnce(&mut Group) -> Result<CommitOutput>,
    ) -> Result<CommitOutput> {
        let before = self.group.duplicate();
        let out = build(&mut self.group)?;
        if let Err(e) = self.group.merge_pending_commit() {
            self.group.clear_pending_commit();
            return Err(e);
        }
        // The Commit's encoding is already in the output (no re-encode).
        let winner = tie_break_key(&self.group, &out.commit_bytes);
        self.window = Some(Window { before, winner });
        Ok(out)
    }

    /// Process a message without PSKs from a store.
    pub fn process_message(&mut self, message: &MlsMessage) -> Result<ConvergentMessage> {
        self.process_message_with_psks(message, &InMemoryPskStore::new())
    }

    /// Process a message: a Commit of the current epoch is merged at once;
    /// a Commit of the previous epoch competes with the merged one; every
    /// other message goes to [`Group::process_message_with_psks`]. A rejected
    /// message leaves the group (and the window) unchanged.
    pub fn process_message_with_psks(
        &mut self,
        message: &MlsMessage,
        psk_store: &dyn PskStore,
    ) -> Result<ConvergentMessage> {
        if message.content_type() != Some(ContentType::Commit) {
            return self
                .group
                .process_message_with_psks(message, psk_store)
                .map(ConvergentMessage::Other);
        }
        let current = self.group.epoch();
        match message.epoch() {
            Some(epoch) if epoch == current => self.first_commit(message, psk_store),
            Some(epoch) if epoch.checked_add(1) == Some(current) && self.window_open() => {
                self.competing_commit(message, psk_store)
            }
            // Not a competitor: the group judges it (an old epoch is refused).
            _ => self
                .group
                .process_message_with_psks(message, psk_store)
                .map(ConvergentMessage::Other),
        }
    }

    /// The window, if it is still about the epoch before the current one
    /// (a Commit merged through [`ConvergentGroup::group_mut`] leaves it
    /// behind).
    fn open_window(&self) -> Option<&Window> {
        self.window
            .as_ref()
            .filter(|w| w.before.epoch().checked_add(1) == Some(self.group.epoch()))
    }

    fn first_commit(
        &mut self,
        message: &MlsMessage,
        psk_store: &dyn PskStore,
    ) -> Result<ConvergentMessage> {
        let mut candidate = self.group.duplicate();
        let staged = match candidate.process_message_with_psks(message, psk_store)? {
            ProcessedMessage::Commit(staged) => staged,
            _ => {
                return Err(GroupError::Internal(
                    "a Commit content type that is no Commit",
                ));
            }
        };
        let info = staged.info().clone();
        candidate.merge_staged_commit(staged)?;
        let winner = tie_break_key(&self.group, &mls_codec::encode(message)?);
        let mut before = std::mem::replace(&mut self.group, candidate);
        // The state before keeps our pending Commit out: if a competitor wins,
        // it is processed as any received Commit.
        before.clear_pending_commit();
        self.window = Some(Window { before, winner });
        Ok(ConvergentMessage::Commit(CommitOutcome::Merged(info)))
    }

    fn competing_commit(
        &mut self,
        message: &MlsMessage,
        psk_store: &dyn PskStore,
    ) -> Result<ConvergentMessage> {
        let window = self
            .window
            .as_ref()
            .ok_or(GroupError::Internal("competing Commit without a window"))?;
        let key = tie_break_key(&window.before, &mls_codec::encode(message)?);
        if key >= window.winner {
            return Ok(ConvergentMessage::Commit(CommitOutcome::Ignored));
        }
        let mut candidate = window.before.duplicate();
        let staged = match candidate.process_message_with_psks(message, psk_store)? {
            ProcessedMessage::Commit(staged) => staged,
            _ => {
                return Err(GroupError::Internal(
                    "a Commit content type that is no Commit",
                ));
            }
        };
        let info = staged.info().clone();
        candidate.merge_staged_commit(staged)?;
        let replaced = self.group.epoch_authenticator().to_vec();
        self.group = candidate;
        if let Some(window) = self.window.as_mut() {
            window.winner = key;
        }
        Ok(ConvergentMessage::Commit(CommitOutcome::Switched {
            info,
            replaced,
        }))
    }
}

impl std::fmt::Debug for ConvergentGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConvergentGroup")
            .field("group", &self.group)
            .field("window_open", &self.window_open())
            .finish()
    }
}

/// The tie-break key of a Commit: the suite's hash of its MLSMessage
/// encoding, which every member receives byte for byte from the delivery
/// service.
fn tie_break_key(group: &Group, encoded_message: &[u8]) -> Vec<u8> {
    group.cs.hash(encoded_message)
}

impl Group {
    /// A copy of the whole state, for the convergent window only (a public
    /// `Clone` would let an application send twice with one key).
    pub(crate) fn duplicate(&self) -> Group {
        Group {
            cs: self.cs.clone(),
            config: self.config.clone(),
            context: self.context.clone(),
            tree: self.tree.clone(),
            private: self.private.clone(),
            signer: self.signer.clone(),
            interim: self.interim.clone(),
            confirmation_tag: self.confirmation_tag.clone(),
            epoch: self.epoch.clone(),
            past: self.past.clone(),
            proposals: self.proposals.clone(),
            pending: self.pending.clone(),
            active: self.active,
            reinit: self.reinit.clone(),
        }
    }
}
