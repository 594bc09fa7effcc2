//! An external sender (RFC 9420 §12.1.8.1): a party listed in the group's
//! `external_senders` extension that proposes without being a member.

use mls_codec::{
    Add, Extension, GroupContextExtensions, KeyPackage, MlsMessage, PreSharedKeyId,
    PreSharedKeyProposal, Proposal, ProtocolVersion, ReInit, Remove, VLBytes,
};
use mls_crypto::SignatureKeyPair;
use mls_treekem::LeafIndex;

use super::PublicGroupState;
use crate::proposals::ProposalSender;
use crate::{FramingError, Misuse, Result};

/// An external sender's proposer: its signature key pair, its index in
/// the group's `external_senders` list and the group's public state of one
/// epoch. Each method builds one proposal (sender `external`, RFC 9420
/// §12.1.8.1) as a PublicMessage signed with the listed key (the members
/// verify it with `external_senders[index].signature_key`, V-6.1-08).
///
/// The types an external sender may propose are Add, Remove,
/// PreSharedKey, ReInit and GroupContextExtensions (§12.1.8); an Update
/// or ExternalInit is refused by [`ExternalProposer::proposal`] as the
/// members would refuse it (V-6.1-07).
pub struct ExternalProposer {
    state: PublicGroupState,
    signer: SignatureKeyPair,
    index: u32,
}

impl std::fmt::Debug for ExternalProposer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalProposer")
            .field("index", &self.index)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// §12.1.8.1 {sender}: `external_senders[index]` of `state` holds our key.
fn check_listed(state: &PublicGroupState, signer: &SignatureKeyPair, index: u32) -> Result<()> {
    let senders = state.external_senders()?;
    let entry = usize::try_from(index)
        .ok()
        .and_then(|i| senders.get(i))
        .ok_or(FramingError::ExternalSenderUnknown(index))?;
    if entry.signature_key.as_slice() != signer.public_key.as_slice() {
        return Err(Misuse::ExternalSenderKeyMismatch(index).into());
    }
    Ok(())
}

impl ExternalProposer {
    /// The external sender at `index` of the group's `external_senders`
    /// (RFC 9420 §12.1.8.1) with the key pair `signer`. Fails when the
    /// group has no such entry (`FramingError::ExternalSenderUnknown`)
    /// or it lists another key (`Misuse::ExternalSenderKeyMismatch`).
    pub fn new(state: PublicGroupState, signer: SignatureKeyPair, index: u32) -> Result<Self> {
        check_listed(&state, &signer, index)?;
        Ok(ExternalProposer {
            state,
            signer,
            index,
        })
    }

    /// The index of the first entry of the group's `external_senders` that
    /// lists `public_key`, if any.
    pub fn index_of(state: &PublicGroupState, public_key: &[u8]) -> Result<Option<u32>> {
        Ok(state
            .external_senders()?
            .iter()
            .position(|s| s.signature_key.as_slice() == public_key)
            .and_then(|i| u32::try_from(i).ok()))
    }

    /// Move to another epoch of the group: `state` is read from the
    /// group's newer GroupInfo (see the [module docs](super) for why the
    /// state is not advanced by processing Commits). Our entry must still
    /// be listed at our index; on error nothing changes.
    pub fn update_group_info(&mut self, state: PublicGroupState) -> Result<()> {
        check_listed(&state, &self.signer, self.index)?;
        self.state = state;
        Ok(())
    }

    /// The group's public state we propose on.
    pub fn state(&self) -> &PublicGroupState {
        &self.state
    }

    /// Our index in the group's `external_senders`.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// Propose adding the owner of `key_package` (RFC 9420 §12.1.1).
    // `add(kp)` reads as the protocol step; it is not arithmetic.
    #[allow(clippy::should_implement_trait)]
    pub fn add(&self, key_package: KeyPackage) -> Result<MlsMessage> {
        self.proposal(Proposal::from(Add { key_package }))
    }

    /// Propose removing the member at `leaf` (RFC 9420 §12.1.3).
    pub fn remove(&self, leaf: LeafIndex) -> Result<MlsMessage> {
        self.proposal(Proposal::Remove(Remove {
            removed: leaf.get(),
        }))
    }

    /// Propose injecting a PSK (RFC 9420 §12.1.4).
    pub fn psk(&self, psk: PreSharedKeyId) -> Result<MlsMessage> {
        self.proposal(Proposal::from(PreSharedKeyProposal { psk }))
    }

    /// Propose reinitializing the group as `group_id` in `cipher_suite`
    /// with `extensions` (RFC 9420 §12.1.5, §11.2).
    pub fn reinit(
        &self,
        group_id: Vec<u8>,
        cipher_suite: mls_codec::CipherSuiteId,
        extensions: Vec<Extension>,
    ) -> Result<MlsMessage> {
        self.proposal(Proposal::from(ReInit {
            group_id: VLBytes::new(group_id),
            version: ProtocolVersion::MLS10,
            cipher_suite,
            extensions,
        }))
    }

    /// Propose new GroupContext extensions (RFC 9420 §12.1.7).
    pub fn group_context_extensions(&self, extensions: Vec<Extension>) -> Result<MlsMessage> {
        self.proposal(Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions,
        }))
    }

    /// Propose `proposal`, checked as the members will check it (RFC 9420
    /// §12.1.8: only the external-capable types; §12.1.x: the proposal on
    /// its own against this epoch's tree).
    pub fn proposal(&self, proposal: Proposal) -> Result<MlsMessage> {
        self.state
            .sign_proposal(&self.signer, ProposalSender::External(self.index), proposal)
    }
}
