//! Standalone proposals (RFC 9420 §12.1): sending Add, Update, Remove,
//! PreSharedKey and GroupContextExtensions proposals, and checking and
//! caching received ones. A proposal is cached under its ProposalRef so a
//! later Commit can reference it.

use mls_codec::{
    Add, FramedContentBody, GroupContextExtensions, KeyPackage, LeafNode, LeafNodeSource,
    MlsMessage, PreSharedKeyId, PreSharedKeyProposal, Proposal, Remove, Sender, Update, VLBytes,
    WireFormat,
};
use mls_crypto::labeled::sign_with_label;
use mls_treekem::{
    LEAF_NODE_TBS_LABEL, LeafContext, LeafIndex, TreeView, check_leaf_keys_unique,
    validate_leaf_node,
};
use tracing::info_span;

use super::Group;
use super::process::ProcessedMessage;
use crate::framing::{VerifiedMessage, framed_content, sign_content};
use crate::key_package::{KeyPackageValidation, validate_key_package};
use crate::proposals::{CachedProposal, ProposalRef};
use crate::{GroupError, Result};

/// A received proposal, now cached for this epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedProposal {
    /// The proposer's leaf index.
    pub sender: LeafIndex,
    /// Its reference (RFC 9420 §5.2).
    pub reference: ProposalRef,
    /// The proposal.
    pub proposal: Proposal,
}

impl Group {
    /// Propose adding the owner of `key_package` (RFC 9420 §12.1.1).
    pub fn propose_add(&mut self, key_package: KeyPackage) -> Result<MlsMessage> {
        self.propose(Proposal::Add(Add { key_package }))
    }

    /// Propose removing the member at `leaf` (RFC 9420 §12.1.3).
    pub fn propose_remove(&mut self, leaf: LeafIndex) -> Result<MlsMessage> {
        self.propose(Proposal::Remove(Remove {
            removed: leaf.get(),
        }))
    }

    /// Propose injecting a PSK (RFC 9420 §12.1.4).
    pub fn propose_psk(&mut self, psk: PreSharedKeyId) -> Result<MlsMessage> {
        self.propose(Proposal::PreSharedKey(PreSharedKeyProposal { psk }))
    }

    /// Propose new GroupContext extensions (RFC 9420 §12.1.7).
    pub fn propose_group_context_extensions(
        &mut self,
        extensions: Vec<mls_codec::Extension>,
    ) -> Result<MlsMessage> {
        self.propose(Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions,
        }))
    }

    /// Propose replacing our leaf with a fresh encryption key (RFC 9420
    /// §12.1.2). The new private key is kept with the cached proposal and
    /// becomes ours when another member commits it.
    pub fn propose_update(&mut self) -> Result<MlsMessage> {
        let cs = self.cs.clone();
        let pair = cs.hpke_generate_key_pair()?;
        let mut leaf: LeafNode = self.own_leaf_node()?.clone();
        leaf.encryption_key = pair.public_key.into();
        leaf.leaf_node_source = LeafNodeSource::Update;
        let tbs = leaf.tbs_bytes(self.context.group_id.as_slice(), self.own_leaf().get())?;
        leaf.signature = VLBytes::new(sign_with_label(
            cs.as_ref(),
            &self.signer,
            LEAF_NODE_TBS_LABEL,
            &tbs,
        )?);
        self.propose_with_key(
            Proposal::Update(Update { leaf_node: leaf }),
            Some(pair.private_key),
        )
    }

    /// Send any proposal; it is also cached here so our next Commit
    /// includes it.
    pub fn propose(&mut self, proposal: Proposal) -> Result<MlsMessage> {
        self.propose_with_key(proposal, None)
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
        self.check_proposal(&proposal, me)?;
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
            &self.signer,
            wire_format,
            content,
            Some(&self.context),
        )?;
        let reference = ProposalRef::compute(self.cs.as_ref(), &signed)?;
        let message = self.protect_handshake(signed)?;
        self.proposals.insert(CachedProposal {
            reference,
            sender: me,
            proposal,
            update_key,
        });
        Ok(message)
    }

    /// The checks a proposal must pass on its own (RFC 9420 §12.1.x); the
    /// list rules of §12.2 are checked when it is committed.
    fn check_proposal(&self, proposal: &Proposal, sender: u32) -> Result<()> {
        let cs = self.cs.as_ref();
        let policy = self.config.leaf_policy();
        match proposal {
            Proposal::Add(add) => {
                let validation = KeyPackageValidation {
                    leaf_policy: policy,
                    ..KeyPackageValidation::default()
                };
                validate_key_package(cs, &add.key_package, &validation)?;
            }
            Proposal::Update(update) => {
                let leaf =
                    LeafIndex::new(sender).map_err(|_| GroupError::SenderOutsideTree(sender))?;
                validate_leaf_node(
                    cs,
                    &update.leaf_node,
                    LeafContext::Update {
                        group_id: self.context.group_id.as_slice(),
                        leaf,
                    },
                    &policy,
                )
                .map_err(GroupError::InvalidCommitTree)?;
                // §7.3: a new encryption key (V-7.3-14).
                if self
                    .tree
                    .leaf(leaf)
                    .is_some_and(|old| old.encryption_key == update.leaf_node.encryption_key)
                {
                    return Err(GroupError::UpdateKeepsEncryptionKey(sender));
                }
                check_leaf_keys_unique(&self.tree, leaf, &update.leaf_node, &[])
                    .map_err(GroupError::InvalidCommitTree)?;
            }
            Proposal::Remove(remove) => {
                let ok = LeafIndex::new(remove.removed)
                    .ok()
                    .is_some_and(|l| self.tree.leaf(l).is_some());
                if !ok {
                    return Err(GroupError::RemoveOfNonMember(remove.removed));
                }
            }
            Proposal::PreSharedKey(psk) => {
                // §12.1.4: reinit/branch resumption PSKs only in those flows
                // (V-12.1.4-01/02).
                if let mls_codec::Psk::Resumption { usage, .. } = &psk.psk.psk {
                    match usage {
                        mls_codec::ResumptionPskUsage::Application => {}
                        mls_codec::ResumptionPskUsage::Reinit => {
                            return Err(GroupError::PskUsageNotAllowed("reinit"));
                        }
                        mls_codec::ResumptionPskUsage::Branch => {
                            return Err(GroupError::PskUsageNotAllowed("branch"));
                        }
                    }
                }
                mls_keyschedule::check_psk_nonce(cs, &psk.psk)
                    .map_err(GroupError::PskUnavailable)?;
            }
            Proposal::GroupContextExtensions(g) => {
                super::create::check_group_extensions(&g.extensions)?;
            }
            other => return Err(GroupError::ProposalNotAllowed(other.proposal_type().0)),
        }
        Ok(())
    }

    /// Check and cache a verified proposal; consume its key only if valid.
    pub(crate) fn accept_proposal(
        &mut self,
        mut verified: VerifiedMessage,
        sender: LeafIndex,
    ) -> Result<ProcessedMessage> {
        let FramedContentBody::Proposal(proposal) = &verified.content.content.content else {
            return Err(GroupError::UnexpectedMessage("not a proposal"));
        };
        self.check_proposal(proposal, sender.get())?;
        let reference = ProposalRef::compute(self.cs.as_ref(), &verified.content)?;
        let proposal = proposal.clone();
        verified.confirm(&mut self.epoch.secret_tree)?;
        self.proposals.insert(CachedProposal {
            reference: reference.clone(),
            sender: sender.get(),
            proposal: proposal.clone(),
            update_key: None,
        });
        Ok(ProcessedMessage::Proposal(Box::new(ReceivedProposal {
            sender,
            reference,
            proposal,
        })))
    }
}
