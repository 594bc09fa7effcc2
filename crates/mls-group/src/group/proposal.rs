//! Standalone proposals (RFC 9420 §12.1): sending Add, Update, Remove,
//! PreSharedKey and GroupContextExtensions proposals, and checking and
//! caching received ones. A proposal is cached under its ProposalRef so a
//! later Commit can reference it.

use mls_codec::{
    Add, CipherSuiteId, Credential, FramedContentBody, GroupContextExtensions, KeyPackage,
    LeafNode, LeafNodeSource, MlsMessage, PreSharedKeyId, PreSharedKeyProposal, Proposal,
    ProtocolVersion, ReInit, Remove, Sender, Update, VLBytes, WireFormat,
};
use mls_crypto::CipherSuite;
use mls_crypto::labeled::sign_with_label;
use mls_treekem::{LEAF_NODE_TBS_LABEL, LeafIndex, TreeView, check_leaf_keys_unique};
use tracing::info_span;

use super::Group;
use crate::framing::{VerifiedMessage, check_sender_proposal_type, framed_content, sign_content};
use crate::proposals::{
    ApplyContext, CachedProposal, ProposalRef, ProposalSender, ProposalSource,
    check_custom_proposal, check_group_context_extensions, check_psk_proposal,
    check_reinit_proposal, check_remove_target, check_update_target, verify_proposal,
};
use crate::{FramingError, GroupError, ProposalError, Result};

/// A received proposal, now cached for this epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedProposal {
    /// Who proposed it: a member, an external sender (RFC 9420
    /// §12.1.8.1) or a new member adding itself (§12.1.8).
    pub sender: ProposalSender,
    /// Its reference (RFC 9420 §5.2).
    pub reference: ProposalRef,
    /// The proposal.
    pub proposal: Proposal,
}

/// Standalone proposals of ours (RFC 9420 §12.1), made by
/// [`Group::propose`]: each call signs the proposal, protects it as the
/// group's configuration says (PublicMessage or PrivateMessage), caches it
/// so that our next Commit includes it, and returns the message to send.
#[must_use = "a Proposer does nothing until one of its methods is called"]
pub struct Proposer<'a> {
    group: &'a mut Group,
}

impl std::fmt::Debug for Proposer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proposer").finish_non_exhaustive()
    }
}

impl Proposer<'_> {
    /// Propose adding the owner of `key_package` (RFC 9420 §12.1.1).
    // `propose().add(kp)` reads as the protocol step; it is not arithmetic.
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, key_package: KeyPackage) -> Result<MlsMessage> {
        self.proposal(Proposal::from(Add { key_package }))
    }

    /// Propose removing the member at `leaf` (RFC 9420 §12.1.3).
    pub fn remove(self, leaf: LeafIndex) -> Result<MlsMessage> {
        self.proposal(Proposal::Remove(Remove {
            removed: leaf.get(),
        }))
    }

    /// Propose our own removal (GUIDANCE G-53): a member cannot commit its
    /// own removal (RFC 9420 §12.2, V-12.2-04), so another member commits
    /// this Remove. Like every proposal it is valid for the current epoch
    /// only (§12.1): if the epoch moves on before anyone commits it, send it
    /// again from the new epoch.
    pub fn leave(self) -> Result<MlsMessage> {
        let own = self.group.own_leaf();
        self.remove(own)
    }

    /// Propose injecting a PSK (RFC 9420 §12.1.4).
    pub fn psk(self, psk: PreSharedKeyId) -> Result<MlsMessage> {
        self.proposal(Proposal::from(PreSharedKeyProposal { psk }))
    }

    /// Propose new GroupContext extensions (RFC 9420 §12.1.7).
    pub fn group_context_extensions(
        self,
        extensions: Vec<mls_codec::Extension>,
    ) -> Result<MlsMessage> {
        self.proposal(Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions,
        }))
    }

    /// Propose reinitializing the group (RFC 9420 §11.2, §12.1.5): a
    /// successor with the group id `group_id`, protocol `version`, cipher
    /// suite and GroupContext `extensions`. Checked like a received ReInit
    /// (version not lower and implemented, suite implemented, extensions
    /// supported by every member); a Commit covering it holds nothing else.
    pub fn reinit(
        self,
        group_id: Vec<u8>,
        version: ProtocolVersion,
        cipher_suite: CipherSuite,
        extensions: Vec<mls_codec::Extension>,
    ) -> Result<MlsMessage> {
        self.proposal(reinit_proposal(group_id, version, cipher_suite, extensions))
    }

    /// Propose replacing our leaf with a fresh encryption key (RFC 9420
    /// §12.1.2). The new private key is kept with the cached proposal and
    /// becomes ours when another member commits it.
    pub fn update(self) -> Result<MlsMessage> {
        self.update_leaf(None)
    }

    /// [`Proposer::update`] that also replaces our credential, e.g. a renewed
    /// X.509 certificate for the same signature key. Receivers accept it only
    /// when their credential validator calls it a valid successor of the old
    /// one (RFC 9420 §5.3.1).
    pub fn update_with_credential(self, credential: Credential) -> Result<MlsMessage> {
        self.update_leaf(Some(credential))
    }

    fn update_leaf(self, credential: Option<Credential>) -> Result<MlsMessage> {
        let group = self.group;
        let cs = group.cs.clone();
        let pair = cs.hpke_generate_key_pair()?;
        let mut leaf: LeafNode = group.own_leaf_node()?.clone();
        if let Some(credential) = credential {
            leaf.credential = credential;
        }
        leaf.encryption_key = pair.public_key.into();
        leaf.leaf_node_source = LeafNodeSource::Update;
        let tbs = leaf.tbs_bytes(group.context.group_id.as_slice(), group.own_leaf().get())?;
        leaf.signature = VLBytes::new(sign_with_label(
            cs.as_ref(),
            group.signer.as_ref(),
            LEAF_NODE_TBS_LABEL,
            &tbs,
        )?);
        group.propose_with_key(
            Proposal::from(Update { leaf_node: leaf }),
            Some(pair.private_key),
        )
    }

    /// Propose an application-defined proposal of the registered type
    /// `proposal_type` with `body` (RFC 9420 §13; [`crate::CustomRegistry`]):
    /// checked by its validation hook before it is sent. A Commit covers it
    /// only when every member staying in the group supports the type.
    pub fn custom(self, proposal_type: u16, body: Vec<u8>) -> Result<MlsMessage> {
        self.proposal(Proposal::Unknown {
            proposal_type,
            data: VLBytes::new(body),
        })
    }

    /// Propose any proposal; it is checked on its own (RFC 9420 §12.1.x)
    /// before it is sent.
    pub fn proposal(self, proposal: Proposal) -> Result<MlsMessage> {
        self.group.propose_with_key(proposal, None)
    }
}

/// A ReInit proposal (RFC 9420 §12.1.5).
pub(crate) fn reinit_proposal(
    group_id: Vec<u8>,
    version: ProtocolVersion,
    cipher_suite: CipherSuite,
    extensions: Vec<mls_codec::Extension>,
) -> Proposal {
    Proposal::ReInit(Box::new(ReInit {
        group_id: VLBytes::new(group_id),
        version,
        cipher_suite: CipherSuiteId(cipher_suite.id()),
        extensions,
    }))
}

impl Group {
    /// Make a standalone proposal (RFC 9420 §12.1), e.g.
    /// `group.propose().add(key_package)?`; see [`Proposer`].
    pub fn propose(&mut self) -> Proposer<'_> {
        Proposer { group: self }
    }

    fn propose_with_key(
        &mut self,
        proposal: Proposal,
        update_key: Option<mls_crypto::HpkePrivateKey>,
    ) -> Result<MlsMessage> {
        let span = info_span!(
            "mls.propose",
            epoch = self.context.epoch,
            members = self.member_count(),
            proposal_type = proposal.proposal_type().0,
        );
        let _guard = span.enter();
        self.ensure_active()?;
        let me = self.own_leaf().get();
        self.check_proposal(&proposal, ProposalSender::Member(self.own_leaf()))?;
        let wire_format = if self.config.encrypt_handshake {
            WireFormat::PRIVATE_MESSAGE
        } else {
            WireFormat::PUBLIC_MESSAGE
        };
        let content = framed_content(
            &self.context,
            Sender::Member(me),
            Vec::new(),
            FramedContentBody::Proposal(proposal.clone()),
        );
        let signed = sign_content(
            self.cs.as_ref(),
            self.signer.as_ref(),
            wire_format,
            content,
            Some(&self.context),
        )?;
        let reference = ProposalRef::compute(self.cs.as_ref(), &signed)?;
        let message = self.protect_handshake(signed)?;
        self.proposals.insert(CachedProposal {
            reference,
            sender: ProposalSender::Member(self.own_leaf()),
            proposal,
            update_key,
        });
        Ok(message)
    }

    /// The checks a proposal must pass on its own; see
    /// [`check_standalone_proposal`].
    fn check_proposal(&self, proposal: &Proposal, sender: ProposalSender) -> Result<()> {
        let policy = self.config.leaf_policy();
        let ctx = ApplyContext {
            cs: self.cs.as_ref(),
            context: &self.context,
            committer: self.own_leaf().get(),
            leaf_policy: &policy,
            proposal_policy: None,
            // A PSK we cannot resolve is kept: a committer that can may
            // commit it; our own Commits leave it out (issue 15 item 3).
            psk_store: None,
            restart_usage: None,
            custom: &self.config.custom,
        };
        check_standalone_proposal(&ctx, &self.tree, proposal, sender)
    }

    /// Check and cache a verified proposal; consume its key only if valid.
    pub(crate) fn accept_proposal(
        &mut self,
        mut verified: VerifiedMessage,
        sender: ProposalSender,
    ) -> Result<ReceivedProposal> {
        let FramedContentBody::Proposal(proposal) = &verified.framed_content().content else {
            return Err(GroupError::Internal("proposal content expected"));
        };
        self.check_proposal(proposal, sender)?;
        let reference = ProposalRef::compute(self.cs.as_ref(), &verified.to_content())?;
        let proposal = proposal.clone();
        verified.confirm(&mut self.epoch.secret_tree)?;
        self.proposals.insert(CachedProposal {
            reference: reference.clone(),
            sender,
            proposal: proposal.clone(),
            update_key: None,
        });
        Ok(ReceivedProposal {
            sender,
            reference,
            proposal,
        })
    }
}

/// The checks a proposal must pass on its own (RFC 9420 §12.1.x), with
/// the checkers a Commit's list uses (`proposals::check`); the list rules
/// of §12.2 are checked when it is committed. Cheap checks first, then the
/// signature work (G-35). One checker for a member receiving a proposal,
/// a member sending one, and a non-member building one
/// (`crate::non_member`); `tree` is the group's tree of this epoch.
pub(crate) fn check_standalone_proposal(
    ctx: &ApplyContext<'_>,
    tree: &dyn TreeView,
    proposal: &Proposal,
    sender: ProposalSender,
) -> Result<()> {
    // §12.1.8 (V-6.1-07, V-6.1-11): what a non-member may propose.
    check_sender_proposal_type(&sender.to_wire(), proposal)?;
    match proposal {
        Proposal::Add(_) => {}
        Proposal::Update(update) => {
            let leaf_index = sender
                .leaf()
                .ok_or(FramingError::SenderProposalTypeNotAllowed {
                    sender: sender.type_name(),
                    proposal_type: proposal.proposal_type().0,
                })?
                .get();
            let leaf = check_update_target(ctx, tree, leaf_index, &update.leaf_node)?;
            check_leaf_keys_unique(tree, leaf, &update.leaf_node, &[])
                .map_err(ProposalError::UpdateLeafInvalid)?;
        }
        Proposal::Remove(remove) => {
            check_remove_target(tree, remove.removed)?;
        }
        Proposal::PreSharedKey(psk) => check_psk_proposal(ctx, &psk.psk)?,
        Proposal::GroupContextExtensions(g) => {
            check_group_context_extensions(ctx.leaf_policy, &g.extensions)?;
        }
        Proposal::ReInit(reinit) => check_reinit_proposal(ctx, tree, reinit)?,
        // §13: an application-defined type: registered, and its hook
        // accepts it (its capability rule is the Commit's, §12.2).
        Proposal::Unknown { .. } => {
            let source = ProposalSource {
                proposal,
                sender,
                by_reference: true,
            };
            check_custom_proposal(ctx, &source, true)?;
        }
        other => return Err(ProposalError::NotAllowed(other.proposal_type().0).into()),
    }
    verify_proposal(
        ctx,
        &ProposalSource {
            proposal,
            sender,
            by_reference: true,
        },
    )
}
