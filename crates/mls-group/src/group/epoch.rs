//! The secrets of the current epoch and of the past epochs kept for late
//! application messages (RFC 9420 §8, §9, §14; GUIDANCE G-12, G-15).

use mls_keyschedule::{
    ConfirmationKey, EpochAuthenticator, EpochSecrets, ExporterSecret, ExternalSecret, InitSecret,
    MembershipKey, ResumptionPsk, SecretTree, SecretTreeConfig, SenderDataSecret,
};
use mls_treemath::LeafCount;

use crate::Result;

/// The epoch-derived secrets a member keeps for the current epoch (RFC 9420
/// §8). The encryption secret lives only as the root of the secret tree and
/// the epoch secret is not kept (§9.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EpochState {
    pub sender_data_secret: SenderDataSecret,
    pub exporter_secret: ExporterSecret,
    pub external_secret: ExternalSecret,
    pub confirmation_key: ConfirmationKey,
    pub membership_key: MembershipKey,
    pub resumption_psk: ResumptionPsk,
    pub epoch_authenticator: EpochAuthenticator,
    pub init_secret: InitSecret,
    pub secret_tree: SecretTree,
}

impl EpochState {
    /// The state of a new epoch from its derived secrets; the secret tree
    /// takes over the encryption secret.
    pub fn new(secrets: EpochSecrets, leaf_count: u32, config: SecretTreeConfig) -> Result<Self> {
        let leaf_count = LeafCount::new(leaf_count.max(1))
            .map_err(|_| crate::GroupError::Internal("leaf count"))?;
        Ok(EpochState {
            sender_data_secret: secrets.sender_data_secret,
            exporter_secret: secrets.exporter_secret,
            external_secret: secrets.external_secret,
            confirmation_key: secrets.confirmation_key,
            membership_key: secrets.membership_key,
            resumption_psk: secrets.resumption_psk,
            epoch_authenticator: secrets.epoch_authenticator,
            init_secret: secrets.init_secret,
            secret_tree: SecretTree::new(secrets.encryption_secret, leaf_count, config),
        })
    }
}

/// What is kept of a past epoch to read late application messages: its
/// sender-data secret and secret tree, its serialized GroupContext (signed
/// in FramedContentTBS) and the signature keys of its members (GUIDANCE
/// G-15: a late message is verified against that epoch's membership).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PastEpoch {
    pub epoch: u64,
    pub context: mls_codec::GroupContext,
    pub sender_data_secret: SenderDataSecret,
    pub membership_key: MembershipKey,
    /// Its resumption PSK, for resumption PSK proposals (RFC 9420 §8.6).
    pub resumption_psk: ResumptionPsk,
    pub secret_tree: SecretTree,
    /// `(leaf index, signature key)` of every member of that epoch.
    pub signature_keys: Vec<(u32, Vec<u8>)>,
}

impl crate::framing::MemberView for PastEpoch {
    /// The signature key of `leaf` in that epoch.
    fn member_signature_key(&self, leaf: u32) -> Option<&[u8]> {
        self.signature_keys
            .binary_search_by_key(&leaf, |(l, _)| *l)
            .ok()
            .and_then(|i| self.signature_keys.get(i))
            .map(|(_, k)| k.as_slice())
    }
}
