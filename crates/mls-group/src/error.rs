//! The error type of the group engine.
//!
//! One enum for the crate, grouped by cause. Each variant names the RFC 9420
//! section and, where one exists, the VALIDATION.md rule (V-...) that failed.
//! Sections below are owned by the modules named in their headers.

use thiserror::Error;

/// Everything the group engine can reject.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GroupError {
    // ----- lower layers -----
    /// Wire decoding or encoding failed.
    #[error(transparent)]
    Codec(#[from] mls_codec::CodecError),
    /// A cryptographic operation failed.
    #[error(transparent)]
    Crypto(#[from] mls_crypto::CryptoError),
    /// The key schedule or secret tree rejected the input.
    #[error(transparent)]
    KeySchedule(#[from] mls_keyschedule::KeyScheduleError),
    /// The ratchet tree rejected the input.
    #[error(transparent)]
    TreeKem(#[from] mls_treekem::TreeKemError),

    // ----- framing (§6), module `framing` -----
    /// RFC 9420 §6 (V-6-01): a PublicMessage carries application data, which
    /// is only ever sent in a PrivateMessage (refused when protecting too).
    #[error("RFC 9420 §6 (V-6-01): application data in a PublicMessage")]
    PublicMessageApplicationData,
    /// RFC 9420 §6 (V-6-04): the message's `group_id` is not the group's.
    #[error("RFC 9420 §6 (V-6-04): message group_id is not the group's")]
    MessageGroupIdMismatch,
    /// RFC 9420 §6, §12.1 (V-6-05): the message's `epoch` is not the epoch
    /// whose keys were used to process it.
    #[error("RFC 9420 §6 (V-6-05): message epoch {actual}, expected {expected}")]
    MessageEpochMismatch {
        /// The epoch of the keys and GroupContext used.
        expected: u64,
        /// The epoch written in the message.
        actual: u64,
    },
    /// RFC 9420 §6.1, §6.3.2 (V-6.1-01, V-6.3.2-01, V-6.3.2-02): the member
    /// sender's leaf index is outside the tree or a blank leaf.
    #[error("RFC 9420 §6.1, §6.3.2 (V-6.1-01, V-6.3.2-01/02): sender leaf {0} is blank or outside the tree")]
    MessageSenderNotMember(u32),
    /// RFC 9420 §6.1, §12.1.8.1 (V-6.1-04, V-6.1-05): an `external` sender
    /// whose index names no entry of the group's `external_senders`
    /// extension (or the group has no such extension).
    #[error("RFC 9420 §6.1 (V-6.1-04/05): external sender {0} not in the group's external_senders")]
    MessageExternalSenderUnknown(u32),
    /// RFC 9420 §6.1 (V-6.1-06, V-6.1-09, V-6.1-11): the sender type may not
    /// send this content type (external and new_member_proposal: proposals
    /// only; new_member_commit: commits only).
    #[error("RFC 9420 §6.1 (V-6.1-06/09/11): a {sender} sender cannot send content type {content_type}")]
    MessageSenderContentTypeNotAllowed {
        /// `"external"`, `"new_member_proposal"` or `"new_member_commit"`.
        sender: &'static str,
        /// The content type (1 application, 2 proposal, 3 commit).
        content_type: u8,
    },
    /// RFC 9420 §6.1, §12.1.8 (V-6.1-07, V-6.1-11): the sender type may not
    /// send this proposal type (external: only types the registry marks
    /// external-capable; new_member_proposal: add only).
    #[error("RFC 9420 §6.1 (V-6.1-07/11): a {sender} sender cannot propose type 0x{proposal_type:04x}")]
    MessageSenderProposalTypeNotAllowed {
        /// `"external"` or `"new_member_proposal"`.
        sender: &'static str,
        /// The proposal type.
        proposal_type: u16,
    },
    /// RFC 9420 §6.1, §12.4.3.2 (V-6.1-10): a `new_member_commit` without an
    /// UpdatePath, so there is no key to verify its signature with.
    #[error("RFC 9420 §6.1 (V-6.1-10): new_member_commit without a path")]
    MessageNewMemberCommitWithoutPath,
    /// RFC 9420 §6.2 (V-6.2-01, V-6.2-02): the membership tag does not match
    /// `MAC(membership_key, AuthenticatedContentTBM)` (wrong, empty or
    /// truncated; constant-time comparison after a length check).
    #[error("RFC 9420 §6.2 (V-6.2-01/02): membership tag invalid")]
    PublicMessageMembershipTagInvalid,
    /// RFC 9420 §6.1 (V-6.1-02, V-6.1-03, V-6.1-08, V-6.1-10, V-6.1-12,
    /// V-6.3.1-04): the FramedContentTBS signature does not verify under the
    /// sender's signature key (or the key or signature is malformed).
    #[error("RFC 9420 §6.1 (V-6.1-02/03, V-6.3.1-04): message signature invalid")]
    MessageSignatureInvalid,
    /// RFC 9420 §6.3.2 (V-6.3.2-03): `encrypted_sender_data` does not open
    /// (tampered, or keyed from another epoch or another ciphertext).
    #[error("RFC 9420 §6.3.2 (V-6.3.2-03): sender data does not decrypt")]
    SenderDataDecryptionFailed,
    /// RFC 9420 §6.3.2 (V-6.3.2-04): the decrypted SenderData is not exactly
    /// 12 bytes.
    #[error("RFC 9420 §6.3.2 (V-6.3.2-04): malformed SenderData: {0}")]
    SenderDataMalformed(#[source] mls_codec::CodecError),
    /// RFC 9420 §6.3.1 (V-6.3.1-03, V-6.3.1-05): the ciphertext does not open
    /// with the sender's ratchet key (tampered ciphertext or AAD, wrong
    /// ratchet for the content type, wrong reuse guard).
    #[error("RFC 9420 §6.3.1 (V-6.3.1-03/05): content does not decrypt")]
    ContentDecryptionFailed,
    /// RFC 9420 §6.3.1 (V-6.3.1-01): the PrivateMessageContent padding holds
    /// a non-zero byte.
    #[error("RFC 9420 §6.3.1 (V-6.3.1-01): non-zero padding")]
    PaddingNotZero,
    /// RFC 9420 §6.3.1 (V-6.3.1-06): the decrypted content does not parse as
    /// the content type written in the PrivateMessage header.
    #[error("RFC 9420 §6.3.1 (V-6.3.1-06): decrypted content malformed: {0}")]
    PrivateContentMalformed(#[source] mls_codec::CodecError),
    /// RFC 9420 §6 {sender}: the content cannot be protected as asked; the
    /// text names the rule (e.g. §6.3.2 V-6.3.2-06: only members send
    /// PrivateMessages; §6.1: a commit needs its confirmation tag; the
    /// content's wire format must be the one it is sent in).
    #[error("RFC 9420 §6: cannot protect message: {0}")]
    FramingMisuse(&'static str),

    // ----- key packages (§10), module `key_package` -----
    /// RFC 9420 §5.1 (V-5.1-01): a KeyPackage, Welcome or GroupInfo names a
    /// cipher suite this client does not implement (0, GREASE, unassigned,
    /// or missing from the crypto provider).
    #[error("RFC 9420 §5.1 (V-5.1-01): unsupported cipher suite 0x{0:04x}")]
    KeyPackageUnsupportedCipherSuite(u16),
    /// RFC 9420 §10, §10.1 (V-10-03, V-10.1-02): the KeyPackage version is not
    /// the expected one (the MLSMessage's or the group's, mls10).
    #[error(
        "RFC 9420 §10.1 (V-10-03, V-10.1-02): KeyPackage version 0x{actual:04x}, expected 0x{expected:04x}"
    )]
    KeyPackageVersionMismatch {
        /// The version required.
        expected: u16,
        /// The version of the KeyPackage.
        actual: u16,
    },
    /// RFC 9420 §10.1 (V-10.1-01): the KeyPackage cipher suite differs from
    /// the group's.
    #[error(
        "RFC 9420 §10.1 (V-10.1-01): KeyPackage cipher suite 0x{actual:04x}, group uses 0x{expected:04x}"
    )]
    KeyPackageCipherSuiteMismatch {
        /// The group's suite.
        expected: u16,
        /// The KeyPackage's suite.
        actual: u16,
    },
    /// RFC 9420 §10 (V-10-02): `init_key` is not a valid HPKE public key for
    /// the suite.
    #[error("RFC 9420 §10 (V-10-02): KeyPackage init_key is not a valid public key for the suite")]
    KeyPackageInvalidInitKey,
    /// RFC 9420 §10 (V-10-06): the leaf `encryption_key` or `signature_key`
    /// is not a valid public key for the suite.
    #[error(
        "RFC 9420 §10 (V-10-06): KeyPackage leaf {which} is not a valid public key for the suite"
    )]
    KeyPackageInvalidLeafKey {
        /// `"encryption_key"` or `"signature_key"`.
        which: &'static str,
    },
    /// RFC 9420 §10, §10.1 (V-10-01, V-10.1-04): the KeyPackage signature
    /// does not verify under `leaf_node.signature_key`.
    #[error("RFC 9420 §10.1 (V-10-01, V-10.1-04): KeyPackage signature invalid")]
    KeyPackageSignatureInvalid,
    /// RFC 9420 §10.1 (V-10.1-03): the KeyPackage's LeafNode fails leaf
    /// validation in the KeyPackage context (§7.3); the inner error names
    /// the leaf rule.
    #[error("RFC 9420 §10.1 (V-10.1-03): KeyPackage leaf node invalid: {0}")]
    KeyPackageLeafInvalid(#[source] mls_treekem::TreeKemError),
    /// RFC 9420 §10.1 (V-10.1-05): `leaf_node.encryption_key` equals `init_key`.
    #[error("RFC 9420 §10.1 (V-10.1-05): KeyPackage init_key equals the leaf encryption_key")]
    KeyPackageInitKeyEqualsEncryptionKey,
    /// RFC 9420 §10 (V-10-04): a non-default extension of `KeyPackage.extensions`
    /// is missing from `leaf_node.capabilities.extensions`.
    #[error("RFC 9420 §10 (V-10-04): KeyPackage extension 0x{0:04x} not in the leaf capabilities")]
    KeyPackageExtensionNotInCapabilities(u16),
    /// RFC 9420 §13.4 (V-13.4-01): an extension type appears twice in
    /// `KeyPackage.extensions` or `leaf_node.extensions`.
    #[error("RFC 9420 §13.4 (V-13.4-01): duplicate extension type 0x{0:04x} in a KeyPackage")]
    KeyPackageDuplicateExtension(u16),
    /// RFC 9420 §7.2 (V-7.2-08): the capabilities list a default
    /// (RFC-defined, always supported) extension or proposal type, which
    /// they MUST NOT.
    #[error("RFC 9420 §7.2 (V-7.2-08): capabilities list the default {kind} type 0x{value:04x}")]
    KeyPackageListsDefaultType {
        /// `"extension"` or `"proposal"`.
        kind: &'static str,
        /// The listed value.
        value: u16,
    },
    /// RFC 9420 §7.2, §7.3 (V-7.3-08): the leaf capabilities do not list the
    /// KeyPackage's own protocol version or cipher suite.
    #[error(
        "RFC 9420 §7.3 (V-7.3-08): leaf capabilities do not list the KeyPackage's {what} 0x{value:04x}"
    )]
    KeyPackageCapabilitiesIncomplete {
        /// `"version"` or `"cipher suite"`.
        what: &'static str,
        /// The missing value.
        value: u16,
    },
    /// RFC 9420 §6, §10: the MLSMessage carries another wire format than
    /// `mls_key_package` (the value given).
    #[error("RFC 9420 §6: MLSMessage of wire format {0} is not a KeyPackage")]
    NotAKeyPackage(u16),
    /// RFC 9420 §10 {sender}: the KeyPackage to create is inconsistent; the
    /// text says what (e.g. an extension in the wrong container).
    #[error("RFC 9420 §10: cannot create KeyPackage: {0}")]
    KeyPackageCreation(&'static str),

    // ----- Welcome (§12.4.3, §12.4.3.1), module `welcome` -----
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-01): no `secrets` entry of the Welcome
    /// names a KeyPackage we hold.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-01): Welcome for a KeyPackage we do not hold")]
    WelcomeNoMatchingKeyPackage,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-02): the Welcome's cipher suite differs
    /// from the matched KeyPackage's.
    #[error(
        "RFC 9420 §12.4.3.1 (V-12.4.3.1-02): Welcome cipher suite 0x{welcome:04x}, KeyPackage uses 0x{key_package:04x}"
    )]
    WelcomeCipherSuiteMismatch {
        /// The Welcome's suite.
        welcome: u16,
        /// The KeyPackage's suite.
        key_package: u16,
    },
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-03): `encrypted_group_secrets` does not
    /// open with our init key (wrong key, tampering, or a changed
    /// `encrypted_group_info`, its HPKE context).
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-03): GroupSecrets do not decrypt")]
    WelcomeGroupSecretsDecryptionFailed,
    /// RFC 9420 §12.4.3.1 {implied}: the decrypted GroupSecrets do not parse,
    /// or a secret in them does not have the suite's length `KDF.Nh`.
    #[error("RFC 9420 §12.4.3.1: malformed GroupSecrets: {0}")]
    WelcomeGroupSecretsMalformed(&'static str),
    /// RFC 9420 §12.2, §12.4.3.1 (V-12.2-12): the GroupSecrets list the same
    /// PreSharedKeyID twice.
    #[error("RFC 9420 §12.2 (V-12.2-12): duplicate PreSharedKeyID in the GroupSecrets")]
    WelcomeDuplicatePsk,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-05): a resumption PSK with usage
    /// reinit or branch is not the only such PSK.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-05): more than one reinit/branch resumption PSK")]
    WelcomeResumptionPskNotUnique,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-04): the GroupSecrets name a PSK we do
    /// not hold (or an invalid psk_nonce); the inner error says which.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-04): PSK of the Welcome unavailable: {0}")]
    WelcomePskUnavailable(#[source] mls_keyschedule::KeyScheduleError),
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-06): `encrypted_group_info` does not
    /// open with the welcome key and nonce.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-06): GroupInfo does not decrypt")]
    WelcomeGroupInfoDecryptionFailed,
    /// RFC 9420 §12.4.3.1: the decrypted GroupInfo does not parse.
    #[error("RFC 9420 §12.4.3.1: malformed GroupInfo: {0}")]
    WelcomeGroupInfoMalformed(#[source] mls_codec::CodecError),
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-08, V-12.4.3.1-09): the GroupInfo's
    /// cipher suite or version differs from the KeyPackage's.
    #[error(
        "RFC 9420 §12.4.3.1 (V-12.4.3.1-08/09): GroupInfo {what} 0x{group_info:04x}, KeyPackage has 0x{key_package:04x}"
    )]
    WelcomeGroupInfoMismatch {
        /// `"cipher suite"` or `"version"`.
        what: &'static str,
        /// The GroupInfo's value.
        group_info: u16,
        /// The KeyPackage's value.
        key_package: u16,
    },
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-22): a reinit or branch resumption PSK
    /// is used but the GroupInfo epoch is not 1.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-22): reinit/branch join at epoch {0}, expected 1")]
    WelcomeResumptionEpochNotOne(u64),
    /// RFC 9420 §12.4.3, §13.4 (V-12.4.3-06): an extension type appears twice
    /// in `GroupInfo.extensions` or `group_context.extensions`.
    #[error("RFC 9420 §12.4.3 (V-12.4.3-06): duplicate extension type 0x{0:04x} in the GroupInfo")]
    GroupInfoDuplicateExtension(u16),
    /// RFC 9420 §12.4.3 (V-12.4.3-05): a GroupContext extension of the
    /// GroupInfo is of a non-default type our KeyPackage does not list.
    #[error(
        "RFC 9420 §12.4.3 (V-12.4.3-05): GroupContext extension 0x{0:04x} not supported by the joiner"
    )]
    WelcomeGroupContextExtensionUnsupported(u16),
    /// RFC 9420 §12.4.3.1 (V-12.4.3-02, V-12.4.3.1-07): the GroupInfo
    /// `signer` is beyond the tree or a blank leaf.
    #[error(
        "RFC 9420 §12.4.3 (V-12.4.3-02): GroupInfo signer leaf {0} is blank or outside the tree"
    )]
    GroupInfoSignerNotInTree(u32),
    /// RFC 9420 §12.4.3 (V-12.4.3-01, V-12.4.3.1-07): the GroupInfo signature
    /// does not verify under the signer's key.
    #[error("RFC 9420 §12.4.3 (V-12.4.3-01, V-12.4.3.1-07): GroupInfo signature invalid")]
    GroupInfoSignatureInvalid,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-21): the GroupInfo confirmation tag
    /// does not verify with the confirmation key of the joined epoch.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-21): GroupInfo confirmation tag invalid")]
    WelcomeConfirmationTagInvalid,
    /// RFC 9420 §12.4.3.1 {sender}: the Welcome to create is inconsistent;
    /// the text says what.
    #[error("RFC 9420 §12.4.3.1: cannot create Welcome: {0}")]
    WelcomeCreation(&'static str),
    // ----- group lifecycle (§11-§14) -----
}
