//! Runtime configuration of a group (policy, not Cargo features).
//!
//! Every knob has a safe default; the conformance runner switches lifetime
//! checks off, an application may tune the rest (RFC 9420 §15.3 and
//! RFC 9750 §7 "operational parameters"; GUIDANCE G-12, G-14, G-16).

use std::sync::Arc;

use mls_keyschedule::SecretTreeConfig;

use crate::custom::CustomRegistry;
use crate::framing::PaddingMode;
use crate::proposals::ProposalPolicy;
use mls_treekem::{
    BasicCredentialValidator, Clock, CredentialValidator, LeafValidationPolicy, SystemClock,
};

/// Default number of past epochs whose message secrets are kept for late
/// application messages (GUIDANCE G-12: small and non-zero).
pub const DEFAULT_MAX_PAST_EPOCHS: usize = 2;

/// How a group behaves. Cloning is cheap (the validator and clock are shared).
#[derive(Clone)]
pub struct GroupConfig {
    /// PrivateMessage padding (RFC 9420 §6.3.1, §15.1); default Padmé.
    pub padding: PaddingMode,
    /// Out-of-order window and maximum forward distance of the sender
    /// ratchets (RFC 9420 §9.1, §15.3, GUIDANCE G-14).
    pub secret_tree: SecretTreeConfig,
    /// How many past epochs keep their message secrets for late application
    /// messages (GUIDANCE G-12, RFC 9420 §14). A message from an older
    /// epoch fails with [`crate::FramingError::EpochTooOld`].
    pub max_past_epochs: usize,
    /// Send Proposals and Commits as PrivateMessages (true) or
    /// PublicMessages (false, the default) (RFC 9420 §6).
    pub encrypt_handshake: bool,
    /// Reject received handshake messages sent as PublicMessage (RFC 9420
    /// §6; a wire-format policy, V-6-07). Default false: PublicMessage
    /// handshakes are accepted (the official passive-client vectors use them).
    pub require_encrypted_handshake: bool,
    /// Put the ratchet tree into the GroupInfo of Welcome messages (the
    /// `ratchet_tree` extension, RFC 9420 §12.4.3.3). When false, the tree is
    /// handed to joiners out of band (see [`crate::CommitOutput::ratchet_tree`]).
    pub ratchet_tree_extension: bool,
    /// Always include an UpdatePath in own Commits, even when the proposals
    /// do not require one (RFC 9420 §12.4).
    pub force_path: bool,
    /// Check leaf lifetimes against the clock (RFC 9420 §7.3; on by default,
    /// off for the conformance runner).
    pub lifetime_checks: bool,
    /// Also check the lifetimes of the other members' leaves in a tree we
    /// join (RFC 9420 §7.3 RECOMMENDS it for received leaves; GUIDANCE
    /// G-27: it must not make joining impossible by default, as members may
    /// be offline for long). Default false: a joined tree's leaves are
    /// checked in full except their lifetime; our own KeyPackage's lifetime
    /// is checked whenever [`GroupConfig::lifetime_checks`] is on.
    pub joined_tree_lifetime_checks: bool,
    /// The clock used for lifetime checks and for new KeyPackage lifetimes.
    pub clock: Arc<dyn Clock>,
    /// The application's credential check (RFC 9420 §5.3.1).
    pub credential_validator: Arc<dyn CredentialValidator>,
    /// The application's proposal policy (RFC 9420 §12.2, V-12.2-18);
    /// `None` (the default) allows every proposal the RFC allows.
    pub proposal_policy: Option<Arc<dyn ProposalPolicy>>,
    /// The application's proposal and extension types (RFC 9420 §13);
    /// empty by default. Code, like the proposal policy: not saved with the
    /// group, given again at load ([`crate::LoadOptions::custom`]).
    pub custom: CustomRegistry,
    /// Accept external Commits (sender `new_member_commit`, RFC 9420
    /// §12.4.3.2) from joiners holding a published GroupInfo. Default true
    /// (publishing a GroupInfo with `external_pub` is the invitation); false
    /// refuses them with [`crate::CommitError::ExternalNotAllowed`]
    /// (V-12.4.3.2-07).
    pub allow_external_commits: bool,
    /// The limits of decoding what this group receives (GUIDANCE G-34,
    /// G-35; issue 15 items 1-2): the largest group (a Welcome's or
    /// GroupInfo's tree above it is rejected while it is decoded, before it
    /// is built; a Commit whose Adds pass it is rejected before any
    /// signature is verified) and the largest message.
    pub decode_limits: mls_codec::DecodeLimits,
    /// Add a random GREASE extension (RFC 9420 §13.5, GUIDANCE G-48) to
    /// every GroupInfo this group signs (in Welcomes and exported). Default
    /// true; KeyPackages and leaves take theirs from
    /// [`crate::key_package::KeyPackageBuilder::grease`].
    pub grease: bool,
}

impl std::fmt::Debug for GroupConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupConfig")
            .field("padding", &self.padding)
            .field("secret_tree", &self.secret_tree)
            .field("max_past_epochs", &self.max_past_epochs)
            .field("encrypt_handshake", &self.encrypt_handshake)
            .field(
                "require_encrypted_handshake",
                &self.require_encrypted_handshake,
            )
            .field("ratchet_tree_extension", &self.ratchet_tree_extension)
            .field("force_path", &self.force_path)
            .field("lifetime_checks", &self.lifetime_checks)
            .field(
                "joined_tree_lifetime_checks",
                &self.joined_tree_lifetime_checks,
            )
            .field("proposal_policy", &self.proposal_policy.is_some())
            .field("custom", &self.custom)
            .field("allow_external_commits", &self.allow_external_commits)
            .field("decode_limits", &self.decode_limits)
            .field("grease", &self.grease)
            .finish_non_exhaustive()
    }
}

impl Default for GroupConfig {
    fn default() -> Self {
        GroupConfig {
            padding: PaddingMode::Padme,
            secret_tree: SecretTreeConfig::default(),
            max_past_epochs: DEFAULT_MAX_PAST_EPOCHS,
            encrypt_handshake: false,
            require_encrypted_handshake: false,
            ratchet_tree_extension: true,
            force_path: false,
            lifetime_checks: true,
            joined_tree_lifetime_checks: false,
            clock: Arc::new(SystemClock),
            credential_validator: Arc::new(BasicCredentialValidator),
            proposal_policy: None,
            custom: CustomRegistry::default(),
            allow_external_commits: true,
            decode_limits: mls_codec::DecodeLimits::default(),
            grease: true,
        }
    }
}

impl GroupConfig {
    /// The leaf validation policy for received leaves (RFC 9420 §7.3).
    pub fn leaf_policy(&self) -> LeafValidationPolicy {
        LeafValidationPolicy {
            credential_validator: self.credential_validator.clone(),
            clock: self.lifetime_checks.then(|| self.clock.clone()),
            max_lifetime: None,
            // RFC 9420 §13: the application's extension types.
            extension_validator: (!self.custom.is_empty())
                .then(|| Arc::new(self.custom.clone()) as Arc<dyn mls_treekem::ExtensionValidator>),
        }
    }

    /// The leaf validation policy for the tree of a group we join: that of
    /// [`GroupConfig::leaf_policy`], without lifetime checks unless
    /// [`GroupConfig::joined_tree_lifetime_checks`] (GUIDANCE G-27).
    pub fn joined_tree_policy(&self) -> LeafValidationPolicy {
        let mut policy = self.leaf_policy();
        if !self.joined_tree_lifetime_checks {
            policy.clock = None;
        }
        policy
    }

    /// The default configuration without lifetime checks (conformance
    /// runner, test vectors).
    pub fn without_lifetime_checks() -> Self {
        GroupConfig {
            lifetime_checks: false,
            ..Self::default()
        }
    }
}

/// Builds a [`GroupConfig`] from its safe defaults; each method changes one
/// setting. Made by [`GroupConfig::builder`].
#[derive(Clone, Debug, Default)]
#[must_use = "a GroupConfigBuilder does nothing until build()"]
pub struct GroupConfigBuilder {
    config: GroupConfig,
}

impl GroupConfigBuilder {
    /// PrivateMessage padding (RFC 9420 §6.3.1).
    pub fn padding(mut self, padding: PaddingMode) -> Self {
        self.config.padding = padding;
        self
    }

    /// Out-of-order window and maximum forward distance of the sender
    /// ratchets (RFC 9420 §9.1, GUIDANCE G-14).
    pub fn secret_tree(mut self, secret_tree: SecretTreeConfig) -> Self {
        self.config.secret_tree = secret_tree;
        self
    }

    /// How many past epochs keep their message secrets (GUIDANCE G-12).
    pub fn max_past_epochs(mut self, epochs: usize) -> Self {
        self.config.max_past_epochs = epochs;
        self
    }

    /// Send Proposals and Commits as PrivateMessages (RFC 9420 §6).
    pub fn encrypt_handshake(mut self, encrypt: bool) -> Self {
        self.config.encrypt_handshake = encrypt;
        self
    }

    /// Reject received handshake messages sent as PublicMessage (V-6-07).
    pub fn require_encrypted_handshake(mut self, require: bool) -> Self {
        self.config.require_encrypted_handshake = require;
        self
    }

    /// Put the ratchet tree into the GroupInfo of Welcome messages (RFC 9420
    /// §12.4.3.3), or hand it out of band when false.
    pub fn ratchet_tree_extension(mut self, in_welcome: bool) -> Self {
        self.config.ratchet_tree_extension = in_welcome;
        self
    }

    /// Always include an UpdatePath in own Commits (RFC 9420 §12.4).
    pub fn force_path(mut self, force: bool) -> Self {
        self.config.force_path = force;
        self
    }

    /// Check leaf lifetimes against the clock (RFC 9420 §7.3).
    pub fn lifetime_checks(mut self, check: bool) -> Self {
        self.config.lifetime_checks = check;
        self
    }

    /// Also check the lifetimes of the other leaves of a joined tree
    /// ([`GroupConfig::joined_tree_lifetime_checks`], GUIDANCE G-27).
    pub fn joined_tree_lifetime_checks(mut self, check: bool) -> Self {
        self.config.joined_tree_lifetime_checks = check;
        self
    }

    /// The clock of lifetime checks.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.config.clock = clock;
        self
    }

    /// The application's credential check (RFC 9420 §5.3.1).
    pub fn credential_validator(mut self, validator: Arc<dyn CredentialValidator>) -> Self {
        self.config.credential_validator = validator;
        self
    }

    /// The application's proposal policy (RFC 9420 §12.2, V-12.2-18).
    pub fn proposal_policy(mut self, policy: Arc<dyn ProposalPolicy>) -> Self {
        self.config.proposal_policy = Some(policy);
        self
    }

    /// The application's proposal and extension types (RFC 9420 §13).
    pub fn custom(mut self, registry: CustomRegistry) -> Self {
        self.config.custom = registry;
        self
    }

    /// Accept (true, the default) or refuse external Commits (RFC 9420
    /// §12.4.3.2, V-12.4.3.2-07).
    pub fn allow_external_commits(mut self, allow: bool) -> Self {
        self.config.allow_external_commits = allow;
        self
    }

    /// The largest group this member accepts (Welcome, GroupInfo and
    /// Commits; [`GroupConfig::decode_limits`]).
    pub fn max_group_size(mut self, members: u32) -> Self {
        self.config.decode_limits.max_group_size = members;
        self
    }

    /// The largest message this member accepts, in bytes
    /// ([`GroupConfig::decode_limits`]).
    pub fn max_message_len(mut self, bytes: usize) -> Self {
        self.config.decode_limits.max_message_len = bytes;
        self
    }

    /// Add a GREASE extension to signed GroupInfos (true, the default) or
    /// not (RFC 9420 §13.5; [`GroupConfig::grease`]).
    pub fn grease(mut self, grease: bool) -> Self {
        self.config.grease = grease;
        self
    }

    /// The configuration.
    pub fn build(self) -> GroupConfig {
        self.config
    }
}

impl GroupConfig {
    /// A builder starting from the defaults.
    pub fn builder() -> GroupConfigBuilder {
        GroupConfigBuilder::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_changes_only_what_it_is_told() {
        let c = GroupConfig::builder()
            .encrypt_handshake(true)
            .ratchet_tree_extension(false)
            .max_past_epochs(5)
            .build();
        assert!(c.encrypt_handshake && !c.ratchet_tree_extension);
        assert_eq!(c.max_past_epochs, 5);
        let d = GroupConfig::default();
        assert_eq!(c.lifetime_checks, d.lifetime_checks);
        assert_eq!(c.force_path, d.force_path);
        assert_eq!(c.padding, d.padding);
    }

    #[test]
    fn defaults_are_safe() {
        let c = GroupConfig::default();
        assert!(c.max_past_epochs > 0);
        assert!(c.lifetime_checks);
        assert!(c.grease, "GREASE on by default (G-48)");
        // G-27: a joined tree's lifetimes are advisory by default.
        assert!(!c.joined_tree_lifetime_checks);
        assert!(c.joined_tree_policy().clock.is_none());
        assert!(
            GroupConfig::builder()
                .joined_tree_lifetime_checks(true)
                .build()
                .joined_tree_policy()
                .clock
                .is_some()
        );
        assert!(c.leaf_policy().clock.is_some());
        assert!(
            GroupConfig::without_lifetime_checks()
                .leaf_policy()
                .clock
                .is_none()
        );
    }
}
