//! Rejections of framing and message protection (RFC 9420 §6, §9): group
//! and epoch, sender, membership tag, signature, sender data, content
//! decryption, padding, replays, and a message given to the wrong call.

use mls_codec::Rule;
use thiserror::Error;

/// A message's framing or protection breaks a rule (RFC 9420 §6, §9).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FramingError {
    /// RFC 9420 §6 (V-6-01): a PublicMessage carries application data, which
    /// is only ever sent in a PrivateMessage (refused when protecting too).
    #[error("application data in a PublicMessage")]
    ApplicationDataInPublicMessage,
    /// RFC 9420 §6 (V-6-04): the message's `group_id` is not the group's.
    #[error("message group_id is not the group's")]
    GroupIdMismatch,
    /// RFC 9420 §6, §12.1 (V-6-05): the message's `epoch` is not the epoch
    /// whose keys were used to process it.
    #[error("message epoch {actual}, expected {expected}")]
    EpochMismatch {
        /// The epoch of the keys and GroupContext used.
        expected: u64,
        /// The epoch written in the message.
        actual: u64,
    },
    /// RFC 9420 §6.1, §6.3.2 (V-6.1-01, V-6.3.2-01, V-6.3.2-02): the member
    /// sender's leaf index is outside the tree or a blank leaf.
    #[error("sender leaf {0} is blank or outside the tree")]
    SenderNotMember(u32),
    /// RFC 9420 §6.1, §12.1.8.1 (V-6.1-04, V-6.1-05): an `external` sender
    /// whose index names no entry of the group's `external_senders`
    /// extension (or the group has no such extension).
    #[error("external sender {0} not in the group's external_senders")]
    ExternalSenderUnknown(u32),
    /// RFC 9420 §6.1 (V-6.1-06, V-6.1-09, V-6.1-11): the sender type may not
    /// send this content type (external and new_member_proposal: proposals
    /// only; new_member_commit: commits only).
    #[error(
        "sender type {sender} cannot send content type {}",
        super::content_type_name(*.content_type)
    )]
    SenderContentTypeNotAllowed {
        /// `"external"`, `"new_member_proposal"` or `"new_member_commit"`.
        sender: &'static str,
        /// The content type (1 application, 2 proposal, 3 commit).
        content_type: u8,
    },
    /// RFC 9420 §6.1, §12.1.8 (V-6.1-07, V-6.1-11): the sender type may not
    /// send this proposal type (external: only types the registry marks
    /// external-capable; new_member_proposal: add only).
    #[error(
        "sender type {sender} cannot propose proposal type {}",
        super::proposal_type_name(*.proposal_type)
    )]
    SenderProposalTypeNotAllowed {
        /// `"external"` or `"new_member_proposal"`.
        sender: &'static str,
        /// The proposal type.
        proposal_type: u16,
    },
    /// RFC 9420 §6.1, §12.4.3.2 (V-6.1-10): a `new_member_commit` without an
    /// UpdatePath, so there is no key to verify its signature with.
    #[error("new_member_commit without a path")]
    NewMemberCommitWithoutPath,
    /// RFC 9420 §6.2 (V-6.2-01, V-6.2-02): the membership tag does not match
    /// `MAC(membership_key, AuthenticatedContentTBM)` (wrong, empty or
    /// truncated; constant-time comparison after a length check).
    #[error("membership tag invalid")]
    MembershipTagInvalid,
    /// RFC 9420 §6.1 (V-6.1-02, V-6.1-03, V-6.1-08, V-6.1-10, V-6.1-12,
    /// V-6.3.1-04): the FramedContentTBS signature does not verify under the
    /// sender's signature key (or the key or signature is malformed).
    #[error("message signature invalid")]
    SignatureInvalid,
    /// RFC 9420 §6.3.2 (V-6.3.2-03): `encrypted_sender_data` does not open
    /// (tampered, or keyed from another epoch or another ciphertext).
    #[error("sender data does not decrypt")]
    SenderDataDecryptionFailed,
    /// RFC 9420 §6.3.2 (V-6.3.2-04): the decrypted SenderData is not exactly
    /// 12 bytes.
    #[error("malformed SenderData: {0}")]
    SenderDataMalformed(#[source] mls_codec::CodecError),
    /// RFC 9420 §6.3.1 (V-6.3.1-03, V-6.3.1-05): the ciphertext does not open
    /// with the sender's ratchet key (tampered ciphertext or AAD, wrong
    /// ratchet for the content type, wrong reuse guard).
    #[error("content does not decrypt")]
    ContentDecryptionFailed,
    /// RFC 9420 §6.3.1 (V-6.3.1-01): the PrivateMessageContent padding holds
    /// a non-zero byte.
    #[error("non-zero padding")]
    PaddingNotZero,
    /// RFC 9420 §6.3.1 (V-6.3.1-06): the decrypted content does not parse as
    /// the content type written in the PrivateMessage header.
    #[error("decrypted content malformed: {0}")]
    ContentMalformed(#[source] mls_codec::CodecError),
    /// RFC 9420 §14, §15.3 (GUIDANCE G-12): an application message from a
    /// past epoch whose secrets are no longer kept (beyond the configured
    /// `max_past_epochs`).
    #[error("message from epoch {epoch}, secrets kept only from epoch {oldest_kept}")]
    EpochTooOld {
        /// The message's epoch.
        epoch: u64,
        /// The oldest epoch still kept.
        oldest_kept: u64,
    },
    /// RFC 9420 §6 {implied}: a message of a kind this call does not take
    /// (e.g. a Welcome given to `process_message`, or an application message
    /// sent as a PublicMessage, V-6-07).
    #[error("unexpected message: {0}")]
    WrongMessageKind(&'static str),
    /// RFC 9420 §6: the MLSMessage has another wire format than the call
    /// takes (e.g. a PublicMessage given to `Group::join`).
    #[error(
        "expected {}, got {}",
        wire_format_name(*.expected),
        wire_format_name(*.actual)
    )]
    WrongWireFormat {
        /// The wire format the call takes.
        expected: mls_codec::WireFormat,
        /// The wire format of the message given.
        actual: mls_codec::WireFormat,
    },
    /// RFC 9420 §9.2 (V-9.2-01): the message was already received (its key
    /// was consumed), or it is our own message.
    #[error("replayed message (generation {0} already used)")]
    Replayed(u32),
    /// RFC 9420 §6 (V-6-07): a handshake message in a PublicMessage while the
    /// group requires encrypted handshakes
    /// ([`crate::GroupConfig::require_encrypted_handshake`]).
    #[error("PublicMessage handshake refused by the group's wire-format policy")]
    HandshakeWireFormatNotAllowed,
}

impl FramingError {
    /// The rule this input breaks (`docs/validation.md`).
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Self::ApplicationDataInPublicMessage => Rule::V_6_01,
            Self::GroupIdMismatch => Rule::V_6_04,
            Self::EpochMismatch { .. } => Rule::V_6_05,
            Self::SenderNotMember(..) => Rule::V_6_1_01,
            Self::ExternalSenderUnknown(..) => Rule::V_6_1_05,
            // One rule per sender type (§6.1).
            Self::SenderContentTypeNotAllowed { sender, .. } => match *sender {
                "new_member_commit" => Rule::V_6_1_09,
                "new_member_proposal" => Rule::V_6_1_11,
                _ => Rule::V_6_1_06,
            },
            Self::SenderProposalTypeNotAllowed { sender, .. } => match *sender {
                "new_member_proposal" => Rule::V_6_1_11,
                _ => Rule::V_6_1_07,
            },
            Self::NewMemberCommitWithoutPath => Rule::V_6_1_10,
            Self::MembershipTagInvalid => Rule::V_6_2_01,
            Self::SignatureInvalid => Rule::V_6_1_02,
            Self::SenderDataDecryptionFailed => Rule::V_6_3_2_03,
            Self::SenderDataMalformed(..) => Rule::V_6_3_2_04,
            Self::ContentDecryptionFailed => Rule::V_6_3_1_03,
            Self::PaddingNotZero => Rule::V_6_3_1_01,
            Self::ContentMalformed(..) => Rule::V_6_3_1_06,
            Self::EpochTooOld { .. } => Rule::V_6_06,
            Self::WrongMessageKind(..) => Rule::V_6_08,
            Self::WrongWireFormat { .. } => Rule::V_6_08,
            Self::Replayed(..) => Rule::V_9_1_01,
            Self::HandshakeWireFormatNotAllowed => Rule::V_6_07,
        })
    }
}

/// A wire format by its RFC 9420 §17.2 name, for messages read by people.
fn wire_format_name(w: mls_codec::WireFormat) -> String {
    use mls_codec::WireFormat;
    match w {
        WireFormat::PUBLIC_MESSAGE => "a PublicMessage".into(),
        WireFormat::PRIVATE_MESSAGE => "a PrivateMessage".into(),
        WireFormat::WELCOME => "a Welcome".into(),
        WireFormat::GROUP_INFO => "a GroupInfo".into(),
        WireFormat::KEY_PACKAGE => "a KeyPackage".into(),
        WireFormat(other) => format!("wire format 0x{other:04x}"),
    }
}
