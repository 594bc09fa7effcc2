//! The settings an application may change per group after it exists. The
//! data settings are saved with the group (its snapshot holds them, so a
//! change survives a restart); the clock, credential validator and proposal
//! policy are code, restored to the defaults by a load and set again here
//! (or given in [`crate::LoadOptions`]).

use std::sync::Arc;

use mls_treekem::{Clock, CredentialValidator};

use super::Group;
use crate::ProposalPolicy;
use crate::framing::PaddingMode;

impl Group {
    /// Send our later Proposals and Commits as PrivateMessages (true) or
    /// PublicMessages (false) (RFC 9420 §6); saved with the group.
    pub fn set_encrypt_handshake(&mut self, encrypt: bool) {
        self.config.encrypt_handshake = encrypt;
    }

    /// Reject (true) or accept (false) received handshake messages sent as
    /// PublicMessage (RFC 9420 §6, V-6-07); saved with the group.
    pub fn set_require_encrypted_handshake(&mut self, require: bool) {
        self.config.require_encrypted_handshake = require;
    }

    /// Accept (true) or refuse (false) external Commits from now on
    /// (RFC 9420 §12.4.3.2, V-12.4.3.2-07); saved with the group.
    pub fn set_allow_external_commits(&mut self, allow: bool) {
        self.config.allow_external_commits = allow;
    }

    /// Put the ratchet tree into the GroupInfo of our later Welcomes (true)
    /// or hand it to joiners out of band (false) (RFC 9420 §12.4.3.3);
    /// saved with the group.
    pub fn set_ratchet_tree_extension(&mut self, in_welcome: bool) {
        self.config.ratchet_tree_extension = in_welcome;
    }

    /// The padding of our later PrivateMessages (RFC 9420 §6.3.1, §15.1);
    /// saved with the group.
    pub fn set_padding(&mut self, padding: PaddingMode) {
        self.config.padding = padding;
    }

    /// The clock of lifetime checks (RFC 9420 §7.3); not saved.
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.config.clock = clock;
    }

    /// The application's credential check (RFC 9420 §5.3.1); not saved.
    pub fn set_credential_validator(&mut self, validator: Arc<dyn CredentialValidator>) {
        self.config.credential_validator = validator;
    }

    /// The application's proposal policy (RFC 9420 §12.2, V-12.2-18);
    /// `None` allows every proposal the RFC allows. Not saved.
    pub fn set_proposal_policy(&mut self, policy: Option<Arc<dyn ProposalPolicy>>) {
        self.config.proposal_policy = policy;
    }
}
