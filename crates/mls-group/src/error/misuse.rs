//! Misuse: what the caller asked for is not possible in the group's state
//! or with the arguments given. No input from the network is at fault;
//! where a sender-side rule forbids the request, [`Misuse::rule`] names it.

use mls_codec::Rule;
use thiserror::Error;

/// The caller asked for something the API or the group's state does not
/// allow.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Misuse {
    /// RFC 9420 §6 {sender}: the content cannot be protected as asked; the
    /// text names the section (§6.1: a commit needs its confirmation tag;
    /// the content's wire format must be the one it is sent in).
    #[error("cannot protect message: {0}")]
    CannotProtect(&'static str),
    /// RFC 9420 §6.3.2 (V-6.3.2-06): only a member sends a PrivateMessage.
    #[error("only member senders can send a PrivateMessage")]
    PrivateMessageFromNonMember,
    /// RFC 9420 §6.3.1 (V-6.3.1-08): the content with its AAD is too large
    /// to encrypt.
    #[error("content too large to encrypt")]
    ContentTooLarge,
    /// RFC 9420 §10 {sender}: the KeyPackage to create is inconsistent; the
    /// text says what (e.g. an extension in the wrong container).
    #[error("cannot create KeyPackage: {0}")]
    KeyPackageCreation(&'static str),
    /// RFC 9420 §12.4.3.1 {sender}: the Welcome to create is inconsistent;
    /// the text says what.
    #[error("cannot create Welcome: {0}")]
    WelcomeCreation(&'static str),
    /// RFC 9420 §12.4.2, §14: this member was removed, or the group ended
    /// for it; it can no longer send.
    #[error("no longer a member of the group")]
    NotAMember,
    /// RFC 9420 §14 (V-14-01/02): a staged or pending Commit that no longer
    /// fits the group (its epoch passed), or no pending Commit to merge.
    #[error("{0}")]
    StaleCommit(&'static str),
    /// RFC 9420 §14 {sender}: a pending own Commit exists; merge or clear it first.
    #[error("a pending Commit exists; merge or clear it first")]
    PendingCommitExists,
    /// RFC 9420 §12.4 (V-12.4-11) {sender}: refusing to send application data
    /// while own proposals wait for a Commit.
    #[error("proposals are pending; commit them first")]
    ProposalsPending,
    /// RFC 9420 §5.1: the cipher suite is not supported by the provider.
    #[error("cipher suite 0x{0:04x} not supported by the provider")]
    UnsupportedCipherSuite(u16),
    /// The saved group (or the KeyPackage a Welcome was sent to) holds no
    /// signature private key, because its signer's key is not exportable
    /// (an HSM key, GUIDANCE G-42), and no signer was given: load or join
    /// with the signer ([`crate::LoadOptions::signer`],
    /// [`crate::JoinOptions::signer`]).
    #[error(
        "no signature key: the saved state holds none (not exportable) and no signer was given"
    )]
    SignerRequired,
    /// The signer given for a group is not the one of our leaf: its public
    /// key or scheme differs from our leaf's `signature_key` (RFC 9420
    /// §5.1.2).
    #[error("the signer given does not match our leaf's signature key (RFC 9420 §5.1.2)")]
    SignerMismatch,
    /// RFC 9420 §11.2, §12.1.5 (V-12.1.5-02): the group's ReInit is
    /// committed; it sends and accepts nothing more. Move to the successor
    /// group ([`crate::Group::pending_reinit`]).
    #[error("the group was reinitialized; it sends and accepts no more messages")]
    GroupReInitialized,
    /// RFC 9420 §12.1.8.1 {sender}: the signature key given to an external
    /// proposer is not the one at its index of the group's
    /// `external_senders`, so the members would reject its proposals
    /// (V-6.1-08).
    #[error("our key is not external_senders entry {0} of the group")]
    ExternalSenderKeyMismatch(u32),
    /// RFC 9420 §12.1.8 {sender}: a new member proposes an Add of a
    /// KeyPackage of another cipher suite than the group's (V-12.1.1-01).
    #[error("the KeyPackage's cipher suite 0x{key_package:04x} is not the group's 0x{group:04x}")]
    NewMemberSuiteMismatch {
        /// The group's suite.
        group: u16,
        /// The KeyPackage's suite.
        key_package: u16,
    },
    /// RFC 9420 §13, §13.5 {sender}: a custom proposal or extension type
    /// cannot be registered (a code point of the RFC's own types, 0, a
    /// GREASE value, or a type registered twice); the text says which.
    #[error("cannot register a custom type: {0}")]
    CustomRegistration(&'static str),
    /// GUIDANCE G-54 {sender}: the signer a Commit rotates to cannot
    /// replace ours (another scheme, a key pair that does not match, the key
    /// our leaf already has, or a credential the group's validator
    /// refuses); the text says which.
    #[error("cannot rotate the signature key: {0}")]
    SignerRotation(&'static str),
}

impl Misuse {
    /// The rule this input breaks (`docs/validation.md`).
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Self::CannotProtect(..) => return None,
            Self::PrivateMessageFromNonMember => Rule::V_6_3_2_06,
            Self::ContentTooLarge => Rule::V_6_3_1_08,
            Self::KeyPackageCreation(..) => return None,
            Self::WelcomeCreation(..) => return None,
            Self::NotAMember => Rule::V_12_4_2_12,
            Self::StaleCommit(..) => Rule::V_14_02,
            Self::PendingCommitExists => return None,
            Self::ProposalsPending => Rule::V_12_4_11,
            Self::UnsupportedCipherSuite(..) => return None,
            Self::SignerRequired => return None,
            Self::SignerMismatch => return None,
            Self::GroupReInitialized => Rule::V_12_1_5_02,
            Self::ExternalSenderKeyMismatch(..) => Rule::V_6_1_08,
            Self::NewMemberSuiteMismatch { .. } => Rule::V_10_1_01,
            Self::CustomRegistration(..) => Rule::V_13_5_03,
            Self::SignerRotation(..) => return None,
        })
    }
}
