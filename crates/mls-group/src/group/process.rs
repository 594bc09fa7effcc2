//! Receiving group messages (RFC 9420 §6, §12.1, §12.4.2, §15): the epoch
//! is chosen (current, or a kept past epoch for late application
//! messages), the framing layer verifies the message, then the content is
//! handled by type. A rejected message changes nothing: the secret
//! tree key is consumed only once the message is accepted.

use mls_codec::{
    ContentType, FramedContent, FramedContentBody, MlsMessage, MlsMessageBody, Sender, WireFormat,
};
use mls_keyschedule::{InMemoryPskStore, KeyScheduleError, PskStore};
use mls_treekem::LeafIndex;
use tracing::info_span;

use super::Group;
use super::application::ReceivedApplicationMessage;
use super::proposal::ReceivedProposal;
use crate::framing::{FramingContext, VerifiedMessage};
use crate::proposals::ProposalSender;
use crate::staged::{StagedCommit, is_echo};
use crate::{FramingError, GroupError, Misuse, Rejection, Result};

/// The result of [`Group::process_message`].
#[derive(Debug)]
pub enum ProcessedMessage {
    /// An application message (already consumed from the secret tree).
    Application(ReceivedApplicationMessage),
    /// A proposal, now in the proposal cache of this epoch.
    Proposal(Box<ReceivedProposal>),
    /// A Commit, staged: inspect it, then [`Group::merge_staged_commit`].
    /// Our own Commit echoed back by the delivery service is returned here
    /// too (`info().own_commit`), ready to merge.
    Commit(StagedCommit),
}

/// Map secret-tree replay errors to the group's typed error (V-9.2-01).
fn map_replay(e: GroupError) -> GroupError {
    match e {
        GroupError::KeySchedule(KeyScheduleError::GenerationAlreadyUsed(g)) => {
            GroupError::Rejected(Rejection::Framing(FramingError::Replayed(g)))
        }
        other => other,
    }
}

impl Group {
    /// Process a message of this group without PSKs from a store.
    pub fn process_message(&mut self, message: &MlsMessage) -> Result<ProcessedMessage> {
        self.process_message_with_psks(message, &InMemoryPskStore::new())
    }

    /// Process a received PublicMessage or PrivateMessage; Commits with
    /// PreSharedKey proposals resolve their PSKs in `psk_store`.
    pub fn process_message_with_psks(
        &mut self,
        message: &MlsMessage,
        psk_store: &dyn PskStore,
    ) -> Result<ProcessedMessage> {
        let (group_id, epoch, public) = match &message.body {
            MlsMessageBody::PublicMessage(m) => {
                (m.content.group_id.as_slice(), m.content.epoch, true)
            }
            MlsMessageBody::PrivateMessage(m) => (m.group_id.as_slice(), m.epoch, false),
            _ => {
                return Err(FramingError::WrongMessageKind(
                    "only PublicMessage and PrivateMessage carry group content",
                )
                .into());
            }
        };
        let span = info_span!(
            "mls.process",
            epoch = self.context.epoch,
            message_epoch = epoch,
            members = self.member_count(),
            public,
            message_bytes = mls_codec::tls_codec::Size::tls_serialized_len(message),
            content_type = tracing::field::Empty,
        );
        let _guard = span.enter();

        // RFC 9420 §14: our own Commit, echoed by the delivery service.
        if let Some(pending) = &self.pending
            && is_echo(pending, message)
        {
            let mut staged = pending.staged.clone();
            staged.info.own_commit = true;
            return Ok(ProcessedMessage::Commit(StagedCommit::new(staged)));
        }
        // RFC 9420 §6 (V-6-04): our group.
        if group_id != self.context.group_id.as_slice() {
            return Err(FramingError::GroupIdMismatch.into());
        }
        if !self.active {
            return Err(Misuse::NotAMember.into());
        }
        let current = self.context.epoch;
        // RFC 9420 §11.2 (V-12.1.5-02): the epoch a ReInit started accepts
        // nothing; late application messages of earlier epochs still do.
        if self.reinit.is_some() && epoch >= current {
            return Err(Misuse::GroupReInitialized.into());
        }
        if epoch > current || (epoch < current && public) {
            // Future epochs are unknown; handshake messages must be for the
            // current epoch (V-6-05, V-12.4.2-01, G-16).
            return Err(FramingError::EpochMismatch {
                expected: current,
                actual: epoch,
            }
            .into());
        }
        if epoch < current {
            return self.process_past_epoch(message, epoch).map_err(map_replay);
        }

        // §6: the local wire-format policy for handshake messages (V-6-07);
        // a PublicMessage never carries application data (V-6-01).
        // Non-members cannot encrypt (RFC 9420 §6.3.2): the policy is for
        // members' handshake messages.
        let member_sender = match &message.body {
            MlsMessageBody::PublicMessage(m) => matches!(m.content.sender, Sender::Member(_)),
            _ => true,
        };
        if public && member_sender && self.config.require_encrypted_handshake {
            return Err(FramingError::HandshakeWireFormatNotAllowed.into());
        }
        let ctx = FramingContext {
            cs: self.cs.as_ref(),
            group_context: &self.context,
            membership_key: &self.epoch.membership_key,
            sender_data_secret: &self.epoch.sender_data_secret,
        };
        // G-35: a member's Commit meets the structural list rules before
        // its membership tag and signature are computed (issue 15 item 2).
        let precheck = |content: &FramedContent| self.precheck_content(content);
        let verified = ctx
            .unprotect_with(&self.epoch.secret_tree, message, &self.tree, &precheck)
            .map_err(map_replay)?;
        span.record("content_type", verified.content_type() as u8);
        let sender = match verified.sender() {
            Sender::Member(leaf) => leaf,
            // §12.1.8: proposals from non-members (the framing layer let
            // only proposals of the allowed types through, signed by the
            // listed external sender or the Add's KeyPackage leaf, and
            // only as PublicMessages: a PrivateMessage names a member leaf).
            sender @ (Sender::External(_) | Sender::NewMemberProposal) => {
                let sender = ProposalSender::from_wire(sender).ok_or(GroupError::Internal(
                    "a non-member sender that is no proposal sender",
                ))?;
                return Ok(ProcessedMessage::Proposal(Box::new(
                    self.accept_proposal(verified, sender)?,
                )));
            }
            Sender::NewMemberCommit => return self.accept_external_commit(&verified, psk_store),
        };
        // The framing layer found this leaf in the tree (V-6.1-01).
        let sender = LeafIndex::new(sender).map_err(|_| FramingError::SenderNotMember(sender))?;
        match verified.content_type() {
            ContentType::Application => self.accept_application(verified, sender, epoch, None),
            ContentType::Proposal => Ok(ProcessedMessage::Proposal(Box::new(
                self.accept_proposal(verified, ProposalSender::Member(sender))?,
            ))),
            ContentType::Commit => self.accept_commit(verified, sender, psk_store),
        }
    }

    /// The checks of a received content that need no cryptography, run
    /// before it is authenticated (GUIDANCE G-35): for a member's Commit
    /// (not our own leaf's, which [`Group::accept_commit`] refuses), its
    /// proposal list's structural rules. The framing layer has found the
    /// sender's leaf in the tree.
    fn precheck_content(&self, content: &FramedContent) -> Result<()> {
        match (&content.sender, &content.content) {
            (Sender::Member(leaf), FramedContentBody::Commit(commit)) => {
                match LeafIndex::new(*leaf) {
                    Ok(leaf) if leaf != self.own_leaf() => self.precheck_commit(commit, leaf),
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// A late application message of a kept past epoch (G-12, G-15).
    fn process_past_epoch(&mut self, message: &MlsMessage, epoch: u64) -> Result<ProcessedMessage> {
        let Some(index) = self.past.iter().position(|p| p.epoch == epoch) else {
            let oldest_kept = self.past.front().map_or(self.context.epoch, |p| p.epoch);
            return Err(FramingError::EpochTooOld { epoch, oldest_kept }.into());
        };
        let past = self
            .past
            .get(index)
            .ok_or(GroupError::Internal("past epoch index"))?;
        let ctx = FramingContext {
            cs: self.cs.as_ref(),
            group_context: &past.context,
            membership_key: &past.membership_key,
            sender_data_secret: &past.sender_data_secret,
        };
        let verified = ctx.unprotect(&past.secret_tree, message, past)?;
        if verified.content_type() != ContentType::Application {
            return Err(FramingError::EpochMismatch {
                expected: self.context.epoch,
                actual: epoch,
            }
            .into());
        }
        let Sender::Member(sender) = verified.sender() else {
            return Err(GroupError::Internal(
                "a non-member sender in a PrivateMessage",
            ));
        };
        let sender = LeafIndex::new(sender).map_err(|_| FramingError::SenderNotMember(sender))?;
        self.accept_application(verified, sender, epoch, Some(index))
    }

    /// Accept a verified application message: consume its key, return it.
    fn accept_application(
        &mut self,
        mut verified: VerifiedMessage,
        sender: LeafIndex,
        epoch: u64,
        past: Option<usize>,
    ) -> Result<ProcessedMessage> {
        if verified.wire_format() != WireFormat::PRIVATE_MESSAGE {
            return Err(FramingError::ApplicationDataInPublicMessage.into());
        }
        let FramedContentBody::Application(data) = &verified.framed_content().content else {
            return Err(GroupError::Internal("application content expected"));
        };
        let data = data.as_slice().to_vec();
        let authenticated_data = verified
            .framed_content()
            .authenticated_data
            .as_slice()
            .to_vec();
        let generation = verified.generation.unwrap_or(0);
        let tree = match past {
            Some(i) => {
                &mut self
                    .past
                    .get_mut(i)
                    .ok_or(GroupError::Internal("past epoch index"))?
                    .secret_tree
            }
            None => &mut self.epoch.secret_tree,
        };
        verified.confirm(tree)?;
        Ok(ProcessedMessage::Application(ReceivedApplicationMessage {
            sender,
            epoch,
            generation,
            data,
            authenticated_data,
        }))
    }

    /// Stage a verified Commit; consume its key only if it is valid.
    fn accept_commit(
        &mut self,
        mut verified: VerifiedMessage,
        sender: LeafIndex,
        psk_store: &dyn PskStore,
    ) -> Result<ProcessedMessage> {
        if sender == self.own_leaf() {
            return Err(Misuse::StaleCommit(
                "a Commit from our own leaf that is not our pending Commit",
            )
            .into());
        }
        let FramedContentBody::Commit(commit) = &verified.framed_content().content else {
            return Err(GroupError::Internal("Commit content expected"));
        };
        let staged = self.stage_commit(&verified, commit, sender, psk_store)?;
        verified.confirm(&mut self.epoch.secret_tree)?;
        Ok(ProcessedMessage::Commit(staged))
    }

    /// Stage a verified external Commit (RFC 9420 §12.4.3.2); PublicMessages
    /// only, so there is no ratchet key to consume.
    fn accept_external_commit(
        &mut self,
        verified: &VerifiedMessage,
        psk_store: &dyn PskStore,
    ) -> Result<ProcessedMessage> {
        let FramedContentBody::Commit(commit) = &verified.framed_content().content else {
            return Err(GroupError::Internal("Commit content expected"));
        };
        let staged = self.stage_external_commit(verified, commit, psk_store)?;
        Ok(ProcessedMessage::Commit(staged))
    }
}
