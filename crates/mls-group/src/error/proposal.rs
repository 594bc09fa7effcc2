//! Rejections of a proposal on its own terms (RFC 9420 §12.1) and of the
//! proposal list of a Commit (§12.2). One checker per rule serves the
//! committer and the receiver, so both report the same variant.

use mls_codec::Rule;
use thiserror::Error;

/// A proposal, or the proposal list of a Commit, breaks a rule (RFC 9420
/// §12.1, §12.2).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProposalError {
    /// RFC 9420 §12.2 (V-12.2-04): the Commit removes its committer.
    #[error("Commit removes the committer (leaf {0})")]
    CommitterRemoved(u32),
    /// RFC 9420 §12.2 (V-12.2-02, V-12.2-03): an Update from the committer
    /// (by value, or a referenced Update the committer sent).
    #[error("Commit holds an Update of the committer (leaf {0})")]
    UpdateFromCommitter(u32),
    /// RFC 9420 §12.2 (V-12.2-05, V-12.2-06, V-12.2-07): more than one Update
    /// or Remove for the same leaf.
    #[error("several Update/Remove proposals for leaf {0}")]
    DuplicateLeafChange(u32),
    /// RFC 9420 §12.1.2, §7.3 (V-12.1.2-01): the LeafNode of an Update fails
    /// leaf validation in the update context, its new credential is not a
    /// valid successor of the old one (§5.3.1, V-5.3.1-08), or its keys
    /// repeat a key of the tree (V-7.3-16, V-7.3-17); the inner error names
    /// the rule, which [`ProposalError::rule`] returns.
    #[error("the Update's leaf node is invalid: {0}")]
    UpdateLeafInvalid(#[source] mls_treekem::TreeKemError),
    /// RFC 9420 §12.1.3 (V-12.1.3-01, V-12.1.3-02): a Remove names a blank
    /// leaf or a leaf outside the tree.
    #[error("Remove of leaf {0}, which is blank or outside the tree")]
    RemoveOfNonMember(u32),
    /// RFC 9420 §12.2 (V-12.2-08, V-12.2-10): an Add of a client that is
    /// already a member (same signature key) and not removed by the Commit,
    /// or two Adds of one client.
    #[error("Add of a client already in the group")]
    AddOfExistingMember,
    /// RFC 9420 §5.3.1 (V-5.3.1-01, issue 15 item 4): an Add whose
    /// credential presents the identity of a member staying in the group,
    /// or of another Add (per the `CredentialValidator::identity`).
    #[error("Add of a credential with the identity of another member")]
    DuplicateIdentity,
    /// RFC 9420 §12.2, §16.7 (V-12.2-09): two Adds of the Commit share an
    /// `init_key`.
    #[error("two Adds share an init_key")]
    DuplicateInitKey,
    /// RFC 9420 §7.3, §12.1.2 (V-7.3-14): an Update keeps the encryption key
    /// of the leaf it replaces.
    #[error("Update of leaf {0} keeps its encryption key")]
    UpdateKeepsEncryptionKey(u32),
    /// RFC 9420 §7.3, §13.3 (V-7.3-06, V-13.3-01): a new or updated leaf
    /// uses a credential type that another member does not support.
    #[error(
        "credential type 0x{credential_type:04x} of leaf {leaf} is not supported by member {member}"
    )]
    CredentialTypeUnsupportedByMember {
        /// The new or updated leaf.
        leaf: u32,
        /// Its credential type.
        credential_type: u16,
        /// A member whose capabilities lack that type.
        member: u32,
    },
    /// RFC 9420 §7.3 (V-7.3-07): a new or updated leaf does not support the
    /// credential type another member uses.
    #[error(
        "leaf {leaf} does not support credential type 0x{credential_type:04x} of member {member}"
    )]
    MemberCredentialTypeUnsupported {
        /// The new or updated leaf.
        leaf: u32,
        /// The credential type it lacks.
        credential_type: u16,
        /// The member using that type.
        member: u32,
    },
    /// RFC 9420 §12.2 (V-12.2-12): two PreSharedKey proposals with the same id.
    #[error("duplicate PreSharedKey proposal")]
    DuplicatePsk,
    /// RFC 9420 §12.1.4, §11.2, §11.3 (V-12.1.4-01/02): a resumption PSK with
    /// usage reinit or branch outside those flows.
    #[error("resumption PSK with usage {0} outside its flow")]
    PskUsageNotAllowed(&'static str),
    /// RFC 9420 §12.2 (V-12.2-13): more than one GroupContextExtensions proposal.
    #[error("more than one GroupContextExtensions proposal")]
    DuplicateGroupContextExtensions,
    /// RFC 9420 §12.1.7, §13.4 (V-12.1.7-01/02/03/05): the new GroupContext
    /// extensions are invalid or not supported by every member.
    #[error("GroupContextExtensions invalid: {0}")]
    InvalidGroupContextExtensions(&'static str),
    /// RFC 9420 §12.1.1, §11.1, §13.4 (V-11.1-01, V-13.4-04): a new member
    /// does not support the group's required capabilities or extensions.
    #[error("new member lacks a required capability: {0}")]
    MissingCapability(&'static str),
    /// RFC 9420 §12.2 (V-12.2-14, V-12.2-15): a proposal this Commit may not
    /// hold (ExternalInit in a member Commit, ReInit, or an unsupported type).
    #[error(
        "proposal type {} is not allowed here",
        super::proposal_type_name(*.0)
    )]
    NotAllowed(u16),
    /// RFC 9420 §12.2 (V-12.2-18): the application's `ProposalPolicy`
    /// refused a proposal of the list.
    #[error(
        "proposal type {} from {sender} refused by the application policy",
        super::proposal_type_name(*.proposal_type)
    )]
    RejectedByPolicy {
        /// The proposal type.
        proposal_type: u16,
        /// Who proposed it.
        sender: crate::proposal_sender::ProposalSender,
    },
    /// RFC 9420 §12.4 (V-12.4-08): a ProposalRef not in this epoch's cache.
    #[error("unknown proposal reference")]
    UnknownRef,
    /// RFC 9420 §12.4 (V-12.4-09): the same ProposalRef listed twice.
    #[error("proposal reference listed twice")]
    DuplicateRef,
    /// RFC 9420 §12.1.2 (V-12.1.2-01): an Update proposal whose sender is not
    /// the leaf it would replace, or is not a member.
    #[error("invalid Update proposal: {0}")]
    InvalidUpdate(&'static str),
    /// RFC 9420 §12.2 (V-12.2-14): a Commit holds a ReInit together with
    /// another proposal.
    #[error("a ReInit must be the only proposal of its Commit")]
    ReInitNotAlone,
    /// RFC 9420 §12.1.5 (V-12.1.5-01): a ReInit to a protocol version lower
    /// than the group's, or one this engine does not implement.
    #[error("ReInit to unsupported protocol version 0x{0:04x}")]
    ReInitUnsupportedVersion(u16),
    /// RFC 9420 §12.1.5 (V-12.1.5-03): a ReInit to a cipher suite this engine
    /// does not implement (unknown, reserved or GREASE).
    #[error("ReInit to unsupported cipher suite 0x{0:04x}")]
    ReInitUnsupportedCipherSuite(u16),
    /// RFC 9420 §12.1.5, §11.1 (V-12.1.5-03): the ReInit's extensions are
    /// invalid or a member does not support them.
    #[error("ReInit extensions not acceptable: {0}")]
    ReInitExtensionsUnsupported(&'static str),
    /// RFC 9420 §12.1.8.1, §5.3.1 (V-12.1.8-02, V-5.3.1-06/07): the
    /// application's credential validator rejects the credential of entry
    /// `{0}` of an `external_senders` extension (at creation, in a
    /// GroupContextExtensions proposal, in a Commit, in a joined group).
    #[error("external_senders entry {0} has a credential the validator rejects")]
    ExternalSenderCredentialRejected(usize),
    /// RFC 9420 §12.2, §13 (V-12.2-16, V-13.2-01): a custom proposal type
    /// that a member staying in the group does not list in
    /// `capabilities.proposals` (members added or removed by the Commit
    /// need not).
    #[error(
        "custom proposal type {} is not supported by member {member}",
        super::proposal_type_name(*.proposal_type)
    )]
    CustomProposalUnsupported {
        /// The proposal type.
        proposal_type: u16,
        /// The first member lacking it.
        member: u32,
    },
    /// RFC 9420 §13 (V-13-01): the application's validation hook for a
    /// registered custom proposal type refused the proposal.
    #[error(
        "custom proposal type {} refused by its validation: {reason}",
        super::proposal_type_name(*.proposal_type)
    )]
    CustomProposalRefused {
        /// The proposal type.
        proposal_type: u16,
        /// The hook's reason.
        reason: String,
    },
    /// RFC 9420 §12.1.7, §13 (V-13-02): a Commit holds both a
    /// GroupContextExtensions proposal and a custom proposal whose effect
    /// sets GroupContext extensions, so the new GroupContext would depend on
    /// which is applied last.
    #[error(
        "a GroupContextExtensions proposal and a custom proposal both change the GroupContext extensions"
    )]
    CustomExtensionsConflict,
    /// RFC 9420 §13 (V-13-03), in the GroupContext extensions (at
    /// creation, in a GroupContextExtensions or custom proposal, a joined
    /// group's): the application refuses an extension of a
    /// type it registered ([`crate::CustomRegistry`]): not registered for
    /// the object it is in, or failing its validation.
    #[error("extension 0x{extension_type:04x} refused: {reason}")]
    CustomExtensionRefused {
        /// The extension type.
        extension_type: u16,
        /// Why.
        reason: String,
    },
}

impl ProposalError {
    /// The rule this input breaks (`docs/validation.md`).
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Self::CommitterRemoved(..) => Rule::V_12_2_04,
            Self::UpdateFromCommitter(..) => Rule::V_12_2_02,
            Self::DuplicateLeafChange(..) => Rule::V_12_2_05,
            Self::UpdateLeafInvalid(e) => return e.rule().or(Some(Rule::V_12_1_2_01)),
            Self::RemoveOfNonMember(..) => Rule::V_12_1_3_01,
            Self::AddOfExistingMember => Rule::V_12_2_10,
            Self::DuplicateIdentity => Rule::V_5_3_1_01,
            Self::DuplicateInitKey => Rule::V_12_2_09,
            Self::UpdateKeepsEncryptionKey(..) => Rule::V_7_3_14,
            Self::CredentialTypeUnsupportedByMember { .. } => Rule::V_7_3_06,
            Self::MemberCredentialTypeUnsupported { .. } => Rule::V_7_3_07,
            Self::DuplicatePsk => Rule::V_12_2_12,
            Self::PskUsageNotAllowed(usage) => match *usage {
                "branch" => Rule::V_12_1_4_02,
                _ => Rule::V_12_1_4_01,
            },
            Self::DuplicateGroupContextExtensions => Rule::V_12_2_13,
            Self::InvalidGroupContextExtensions(..) => Rule::V_12_1_7_01,
            Self::MissingCapability(..) => Rule::V_11_1_01,
            // An unknown (unregistered) type is one this member does not
            // support (V-12.2-16); an RFC type here is an ExternalInit.
            Self::NotAllowed(t) if !mls_codec::ProposalType(*t).is_default() => Rule::V_12_2_16,
            Self::NotAllowed(..) => Rule::V_12_2_15,
            Self::RejectedByPolicy { .. } => Rule::V_12_2_18,
            Self::UnknownRef => Rule::V_12_4_08,
            Self::DuplicateRef => Rule::V_12_4_09,
            Self::InvalidUpdate(..) => Rule::V_12_1_2_01,
            Self::ReInitNotAlone => Rule::V_12_2_14,
            Self::ReInitUnsupportedVersion(..) => Rule::V_12_1_5_01,
            Self::ReInitUnsupportedCipherSuite(..) => Rule::V_12_1_5_03,
            Self::ReInitExtensionsUnsupported(..) => Rule::V_12_1_5_03,
            Self::ExternalSenderCredentialRejected(..) => Rule::V_12_1_8_02,
            Self::CustomProposalUnsupported { .. } => Rule::V_12_2_16,
            Self::CustomProposalRefused { .. } => Rule::V_13_01,
            Self::CustomExtensionsConflict => Rule::V_13_02,
            Self::CustomExtensionRefused { .. } => Rule::V_13_03,
        })
    }
}
