//! What a load adds to the saved state: the objects a snapshot cannot hold
//! (the signer when its key is not exportable, GUIDANCE G-42; the clock,
//! credential validator, proposal policy and custom-type registry, which
//! are code). Everything
//! else of the [`GroupConfig`] is in the snapshot.

use std::sync::Arc;

use mls_crypto::Signer;
use mls_treekem::{Clock, CredentialValidator};

use crate::{CustomRegistry, GroupConfig, ProposalPolicy};

/// Options of [`crate::Group::load_with_options`] and
/// [`crate::Group::from_bytes_with_options`]. The default restores the
/// signer from the snapshot and the default clock, credential validator
/// and proposal policy (the application may set them again with the
/// group's setters).
#[derive(Clone, Default)]
pub struct LoadOptions {
    /// Our signer. Required when the snapshot holds no private key (the
    /// signer's key is not exportable); otherwise it replaces the stored
    /// key. It must be the key of our leaf
    /// ([`crate::Misuse::SignerMismatch`]).
    pub signer: Option<Arc<dyn Signer>>,
    /// The signer a pending Commit of ours rotates to (GUIDANCE G-54;
    /// [`crate::CommitBuilder::rotate_signer`]). Required when that signer's
    /// key is not exportable; otherwise it replaces the stored key. It must
    /// be the key the pending Commit gives our leaf
    /// ([`crate::Misuse::SignerMismatch`]).
    pub rotated_signer: Option<Arc<dyn Signer>>,
    /// The clock of lifetime checks.
    pub clock: Option<Arc<dyn Clock>>,
    /// The application's credential check (RFC 9420 §5.3.1).
    pub credential_validator: Option<Arc<dyn CredentialValidator>>,
    /// The application's proposal policy (RFC 9420 §12.2).
    pub proposal_policy: Option<Arc<dyn ProposalPolicy>>,
    /// The application's proposal and extension types (RFC 9420 §13): a
    /// group whose cached or pending proposals need a type this registry
    /// lacks does not load ([`crate::StateError::CustomTypeNotRegistered`]).
    pub custom: CustomRegistry,
}

impl std::fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("signer", &self.signer)
            .field("rotated_signer", &self.rotated_signer)
            .field("clock", &self.clock.is_some())
            .field("credential_validator", &self.credential_validator.is_some())
            .field("proposal_policy", &self.proposal_policy.is_some())
            .field("custom", &self.custom)
            .finish()
    }
}

impl LoadOptions {
    /// Load with this signer (see [`LoadOptions::signer`]).
    pub fn with_signer(mut self, signer: Arc<dyn Signer>) -> Self {
        self.signer = Some(signer);
        self
    }

    /// Load with this signer for the pending Commit's rotation (see
    /// [`LoadOptions::rotated_signer`]).
    pub fn with_rotated_signer(mut self, signer: Arc<dyn Signer>) -> Self {
        self.rotated_signer = Some(signer);
        self
    }

    /// Take the clock, credential validator, proposal policy and custom
    /// registry of
    /// `config` (e.g. an application's default configuration).
    pub fn with_runtime_of(mut self, config: &GroupConfig) -> Self {
        self.clock = Some(config.clock.clone());
        self.credential_validator = Some(config.credential_validator.clone());
        self.proposal_policy = config.proposal_policy.clone();
        self.custom = config.custom.clone();
        self
    }

    /// The configuration a loaded group starts from: the defaults with the
    /// objects given here (the snapshot's data settings are read into it).
    pub(crate) fn base_config(&self) -> GroupConfig {
        let mut config = GroupConfig::default();
        if let Some(clock) = &self.clock {
            config.clock = clock.clone();
        }
        if let Some(validator) = &self.credential_validator {
            config.credential_validator = validator.clone();
        }
        config.proposal_policy = self.proposal_policy.clone();
        config.custom = self.custom.clone();
        config
    }
}
