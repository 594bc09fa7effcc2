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
    #[error(
        "RFC 9420 §6.1, §6.3.2 (V-6.1-01, V-6.3.2-01/02): sender leaf {0} is blank or outside the tree"
    )]
    MessageSenderNotMember(u32),
    /// RFC 9420 §6.1, §12.1.8.1 (V-6.1-04, V-6.1-05): an `external` sender
    /// whose index names no entry of the group's `external_senders`
    /// extension (or the group has no such extension).
    #[error("RFC 9420 §6.1 (V-6.1-04/05): external sender {0} not in the group's external_senders")]
    MessageExternalSenderUnknown(u32),
    /// RFC 9420 §6.1 (V-6.1-06, V-6.1-09, V-6.1-11): the sender type may not
    /// send this content type (external and new_member_proposal: proposals
    /// only; new_member_commit: commits only).
    #[error(
        "RFC 9420 §6.1 (V-6.1-06/09/11): a {sender} sender cannot send content type {content_type}"
    )]
    MessageSenderContentTypeNotAllowed {
        /// `"external"`, `"new_member_proposal"` or `"new_member_commit"`.
        sender: &'static str,
        /// The content type (1 application, 2 proposal, 3 commit).
        content_type: u8,
    },
    /// RFC 9420 §6.1, §12.1.8 (V-6.1-07, V-6.1-11): the sender type may not
    /// send this proposal type (external: only types the registry marks
    /// external-capable; new_member_proposal: add only).
    #[error(
        "RFC 9420 §6.1 (V-6.1-07/11): a {sender} sender cannot propose type 0x{proposal_type:04x}"
    )]
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
    /// RFC 9420 §13.4 (V-13.4-01): an extension type appears twice in
    /// `KeyPackage.extensions` or `leaf_node.extensions`.
    #[error("RFC 9420 §13.4 (V-13.4-01): duplicate extension type 0x{0:04x} in a KeyPackage")]
    KeyPackageDuplicateExtension(u16),
    /// RFC 9420 §17.3 (V-17.3-01): a registered extension type in a
    /// KeyPackage or its LeafNode that the registry does not allow there
    /// (e.g. `ratchet_tree` in `KeyPackage.extensions`).
    #[error(
        "RFC 9420 §17.3 (V-17.3-01): extension type 0x{0:04x} not allowed in a KeyPackage or its leaf"
    )]
    KeyPackageExtensionMisplaced(u16),
    /// RFC 9420 §7.2 (V-7.2-08): the capabilities list a default
    /// (RFC-defined, always supported) extension or proposal type, which
    /// the sender MUST NOT do (rejected only when
    /// `KeyPackageValidation::reject_default_types_in_capabilities` is set).
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
    /// A stored KeyPackageBundle (`KeyPackageBundle::from_bytes`) is
    /// malformed; the text says how.
    #[error("stored KeyPackage bundle malformed: {0}")]
    KeyPackageBundleMalformed(&'static str),
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
    /// RFC 9420 §17.3 (V-17.3-01): a registered extension type in
    /// `GroupInfo.extensions` or `group_context.extensions` that the
    /// registry does not allow there.
    #[error(
        "RFC 9420 §17.3 (V-17.3-01): extension type 0x{0:04x} not allowed where the GroupInfo has it"
    )]
    GroupInfoExtensionMisplaced(u16),
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
    /// RFC 9420 §6 (V-6-01): the message names another group.
    #[error("RFC 9420 §6 (V-6-01): message for another group")]
    WrongGroupId,
    /// RFC 9420 §6, §12.4.2 (V-6-02, V-12.4.2-01): the message epoch is not
    /// the current one (a handshake message from another epoch, or any
    /// message from a future epoch).
    #[error(
        "RFC 9420 §6, §12.4.2 (V-6-02, V-12.4.2-01): message epoch {actual}, group is at epoch {current}"
    )]
    WrongEpoch {
        /// The group's epoch.
        current: u64,
        /// The message's epoch.
        actual: u64,
    },
    /// RFC 9420 §14, §15.3 (GUIDANCE G-12): an application message from a
    /// past epoch whose secrets are no longer kept (beyond the configured
    /// `max_past_epochs`).
    #[error(
        "RFC 9420 §14 (G-12): message from epoch {epoch}, secrets kept only from epoch {oldest_kept}"
    )]
    EpochTooOld {
        /// The message's epoch.
        epoch: u64,
        /// The oldest epoch still kept.
        oldest_kept: u64,
    },
    /// RFC 9420 §6 (V-6-05): the sender's leaf index is outside the tree.
    #[error("RFC 9420 §6 (V-6-05): sender leaf {0} is outside the tree")]
    SenderOutsideTree(u32),
    /// RFC 9420 §6 {implied}: a sender type this operation does not accept
    /// (external senders, new members).
    #[error("RFC 9420 §6: unsupported sender type {0}")]
    UnsupportedSender(&'static str),
    /// RFC 9420 §6 {implied}: a message of a kind this call does not take
    /// (e.g. a Welcome given to `process_message`, or an application message
    /// sent as a PublicMessage, V-6-07).
    #[error("RFC 9420 §6: unexpected message: {0}")]
    UnexpectedMessage(&'static str),
    /// RFC 9420 §6: the MLSMessage has another wire format than the call
    /// takes (e.g. a PublicMessage given to `Group::join`).
    #[error(
        "RFC 9420 §6: expected {}, got {}",
        wire_format_name(*.expected),
        wire_format_name(*.actual)
    )]
    UnexpectedWireFormat {
        /// The wire format the call takes.
        expected: mls_codec::WireFormat,
        /// The wire format of the message given.
        actual: mls_codec::WireFormat,
    },
    /// RFC 9420 §9.2 (V-9.2-01): the message was already received (its key
    /// was consumed), or it is our own message.
    #[error("RFC 9420 §9.2 (V-9.2-01): replayed message (generation {0} already used)")]
    ReplayedMessage(u32),
    /// RFC 9420 §12.4.2 (V-12.4.2-11): the Commit's confirmation tag does not
    /// match the new epoch's.
    #[error("RFC 9420 §12.4.2 (V-12.4.2-11): Commit confirmation tag invalid")]
    ConfirmationTagInvalid,
    /// RFC 9420 §12.2 (V-12.2-04): the Commit removes its committer.
    #[error("RFC 9420 §12.2 (V-12.2-04): Commit removes the committer (leaf {0})")]
    CommitterRemoved(u32),
    /// RFC 9420 §12.2 (V-12.2-02, V-12.2-03): an Update from the committer
    /// (by value, or a referenced Update the committer sent).
    #[error("RFC 9420 §12.2 (V-12.2-02/03): Commit holds an Update of the committer (leaf {0})")]
    UpdateFromCommitter(u32),
    /// RFC 9420 §12.2 (V-12.2-05, V-12.2-06, V-12.2-07): more than one Update
    /// or Remove for the same leaf.
    #[error("RFC 9420 §12.2 (V-12.2-05/06/07): several Update/Remove proposals for leaf {0}")]
    DuplicateLeafChange(u32),
    /// RFC 9420 §12.1.3 (V-12.1.3-01, V-12.1.3-02): a Remove names a blank
    /// leaf or a leaf outside the tree.
    #[error(
        "RFC 9420 §12.1.3 (V-12.1.3-01/02): Remove of leaf {0}, which is blank or outside the tree"
    )]
    RemoveOfNonMember(u32),
    /// RFC 9420 §12.2 (V-12.2-08, V-12.2-10): an Add of a client that is
    /// already a member (same signature key) and not removed by the Commit,
    /// or two Adds of one client.
    #[error("RFC 9420 §12.2 (V-12.2-08/10): Add of a client already in the group")]
    AddOfExistingMember,
    /// RFC 9420 §5.3.1 (V-5.3.1-01, issue 15 item 4): an Add whose
    /// credential presents the identity of a member staying in the group,
    /// or of another Add (per the `CredentialValidator::identity`).
    #[error(
        "RFC 9420 §5.3.1 (V-5.3.1-01): Add of a credential with the identity of another member"
    )]
    DuplicateIdentity,
    /// RFC 9420 §12.2, §16.7 (V-12.2-09): two Adds of the Commit share an
    /// `init_key`.
    #[error("RFC 9420 §12.2 (V-12.2-09): two Adds share an init_key")]
    DuplicateInitKey,
    /// RFC 9420 §7.3, §12.1.2 (V-7.3-14): an Update keeps the encryption key
    /// of the leaf it replaces.
    #[error("RFC 9420 §7.3 (V-7.3-14): Update of leaf {0} keeps its encryption key")]
    UpdateKeepsEncryptionKey(u32),
    /// RFC 9420 §7.3, §13.3 (V-7.3-06, V-13.3-01): a new or updated leaf
    /// uses a credential type that another member does not support.
    #[error(
        "RFC 9420 §7.3 (V-7.3-06, V-13.3-01): credential type 0x{credential_type:04x} of leaf {leaf} is not supported by member {member}"
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
        "RFC 9420 §7.3 (V-7.3-07): leaf {leaf} does not support credential type 0x{credential_type:04x} of member {member}"
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
    #[error("RFC 9420 §12.2 (V-12.2-12): duplicate PreSharedKey proposal")]
    DuplicatePskProposal,
    /// RFC 9420 §12.1.4, §11.2, §11.3 (V-12.1.4-01/02): a resumption PSK with
    /// usage reinit or branch outside those flows.
    #[error("RFC 9420 §12.1.4 (V-12.1.4-01/02): resumption PSK with usage {0} outside its flow")]
    PskUsageNotAllowed(&'static str),
    /// RFC 9420 §12.2 (V-12.2-13): more than one GroupContextExtensions proposal.
    #[error("RFC 9420 §12.2 (V-12.2-13): more than one GroupContextExtensions proposal")]
    DuplicateGroupContextExtensions,
    /// RFC 9420 §12.1.7, §13.4 (V-12.1.7-01/02/03/05): the new GroupContext
    /// extensions are invalid or not supported by every member.
    #[error("RFC 9420 §12.1.7 (V-12.1.7-01/02/03/05): GroupContextExtensions invalid: {0}")]
    InvalidGroupContextExtensions(&'static str),
    /// RFC 9420 §12.1.1, §11.1, §13.4 (V-11.1-01, V-13.4-04): a new member
    /// does not support the group's required capabilities or extensions.
    #[error(
        "RFC 9420 §11.1, §13.4 (V-11.1-01, V-13.4-04): new member lacks a required capability: {0}"
    )]
    MissingCapability(&'static str),
    /// RFC 9420 §12.2 (V-12.2-14, V-12.2-15): a proposal this Commit may not
    /// hold (ExternalInit in a member Commit, ReInit, or an unsupported type).
    #[error("RFC 9420 §12.2 (V-12.2-14/15, V-12.2-16): proposal type {0} not allowed here")]
    ProposalNotAllowed(u16),
    /// RFC 9420 §12.2 (V-12.2-18): the application's `ProposalPolicy`
    /// refused a proposal of the list.
    #[error(
        "RFC 9420 §12.2, §12.1.8 (V-12.2-18, V-12.1.8-01): proposal type {proposal_type} from {sender} refused by the application policy"
    )]
    ProposalRejectedByPolicy {
        /// The proposal type.
        proposal_type: u16,
        /// Who proposed it.
        sender: crate::proposal_sender::ProposalSender,
    },
    /// RFC 9420 §6 (V-6-07): a handshake message in a PublicMessage while the
    /// group requires encrypted handshakes
    /// ([`crate::GroupConfig::require_encrypted_handshake`]).
    #[error(
        "RFC 9420 §6 (V-6-07): PublicMessage handshake refused by the group's wire-format policy"
    )]
    HandshakeWireFormatNotAllowed,
    /// RFC 9420 §7.5, §16.12 (V-7.5-01..03, V-7.5-06, V-16.12-01): the path
    /// secret this member receives from the Commit does not decrypt or does
    /// not derive the keys sent; names the committer so the inconsistent
    /// Commit can be reported.
    #[error(
        "RFC 9420 §7.5, §16.12 (V-16.12-01): path secrets of the Commit from leaf {committer} are inconsistent: {source}"
    )]
    InconsistentCommitPath {
        /// The committer's leaf index.
        committer: u32,
        /// The TreeKEM rule that failed.
        #[source]
        source: mls_treekem::TreeKemError,
    },
    /// RFC 9420 §12.4 (V-12.4-01..05): the Commit has no path although its
    /// proposals require one.
    #[error("RFC 9420 §12.4 (V-12.4-01..05): Commit without the path its proposals require")]
    PathRequired,
    /// RFC 9420 §12.4 (V-12.4-08): a ProposalRef not in this epoch's cache.
    #[error("RFC 9420 §12.4 (V-12.4-08): unknown proposal reference")]
    UnknownProposalRef,
    /// RFC 9420 §12.4 (V-12.4-09): the same ProposalRef listed twice.
    #[error("RFC 9420 §12.4 (V-12.4-09): proposal reference listed twice")]
    DuplicateProposalRef,
    /// RFC 9420 §12.1.2 (V-12.1.2-01): an Update proposal whose sender is not
    /// the leaf it would replace, or is not a member.
    #[error("RFC 9420 §12.1.2 (V-12.1.2-01): invalid Update proposal: {0}")]
    InvalidUpdate(&'static str),
    /// RFC 9420 §12.4.2 (V-12.4.2-07..10): the Commit's path or the new tree
    /// is invalid; the inner error names the tree rule.
    #[error("RFC 9420 §12.4.2 (V-12.4.2-07..10): invalid Commit path or tree: {0}")]
    InvalidCommitTree(#[source] mls_treekem::TreeKemError),
    /// RFC 9420 §12.4.2 (V-12.4.2-06, V-12.1.4-04): a PSK of the Commit is
    /// unavailable or invalid.
    #[error("RFC 9420 §12.4.2 (V-12.4.2-06): PSK unavailable: {0}")]
    PskUnavailable(#[source] mls_keyschedule::KeyScheduleError),
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-10): no ratchet tree: neither in the
    /// GroupInfo nor given out of band.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-10): no ratchet tree for the join")]
    MissingRatchetTree,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-11..18): the joined tree is invalid;
    /// the inner error names the rule.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-11..18): invalid ratchet tree: {0}")]
    InvalidJoinTree(#[source] mls_treekem::TreeKemError),
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-19): no leaf of the tree equals our
    /// KeyPackage's leaf node.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-19): our leaf is not in the tree")]
    OwnLeafNotInTree,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-20): the Welcome's path secret does not
    /// derive the tree's public keys.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-20): Welcome path secret does not match the tree: {0}")]
    WelcomePathSecretInvalid(#[source] mls_treekem::TreeKemError),
    /// RFC 9420 §12.4.3 (V-12.4.3-03): already a member of this group.
    #[error("RFC 9420 §12.4.3 (V-12.4.3-03): already a member of this group")]
    AlreadyMember,
    /// RFC 9420 §12.4.2, §14: this member was removed, or the group ended
    /// for it; it can no longer send.
    #[error("RFC 9420 §12.4.2 (V-12.4.2-12): no longer a member of the group")]
    NotAMember,
    /// RFC 9420 §14 (V-14-01/02): a staged or pending Commit that no longer
    /// fits the group (its epoch passed), or no pending Commit to merge.
    #[error("RFC 9420 §14 (V-14-02): {0}")]
    StaleCommit(&'static str),
    /// RFC 9420 §14 {sender}: a pending own Commit exists; merge or clear it first.
    #[error("RFC 9420 §14: a pending Commit exists; merge or clear it first")]
    PendingCommitExists,
    /// RFC 9420 §12.4 (V-12.4-11) {sender}: refusing to send application data
    /// while own proposals wait for a Commit.
    #[error("RFC 9420 §12.4 (V-12.4-11): proposals are pending; commit them first")]
    ProposalsPending,
    /// RFC 9420 §5.1: the cipher suite is not supported by the provider.
    #[error("RFC 9420 §5.1: cipher suite 0x{0:04x} not supported by the provider")]
    UnsupportedCipherSuite(u16),
    /// Stored group state is corrupt or of an unknown version; the text says
    /// which part.
    #[error("stored group state invalid: {0}")]
    CorruptState(&'static str),
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
    /// Stored group state was written by a newer format version.
    #[error("stored group state has format version {found}; this build reads up to {supported}")]
    StateVersion {
        /// The version found.
        found: u16,
        /// The newest version this build reads.
        supported: u16,
    },
    /// The group store failed (see [`crate::storage::StoreError`]).
    #[error("group store: {0}")]
    Storage(#[from] crate::store_error::StoreError),

    // ----- reinitialization and branching (§11.2, §11.3, §12.1.5), modules `proposals::check`, `resumption` -----
    /// RFC 9420 §12.2 (V-12.2-14): a Commit holds a ReInit together with
    /// another proposal.
    #[error("RFC 9420 §12.2 (V-12.2-14): a ReInit must be the only proposal of its Commit")]
    ReInitNotAlone,
    /// RFC 9420 §12.1.5 (V-12.1.5-01): a ReInit to a protocol version lower
    /// than the group's, or one this engine does not implement.
    #[error("RFC 9420 §12.1.5 (V-12.1.5-01): ReInit to unsupported protocol version 0x{0:04x}")]
    ReInitUnsupportedVersion(u16),
    /// RFC 9420 §12.1.5 (V-12.1.5-03): a ReInit to a cipher suite this engine
    /// does not implement (unknown, reserved or GREASE).
    #[error("RFC 9420 §12.1.5 (V-12.1.5-03): ReInit to unsupported cipher suite 0x{0:04x}")]
    ReInitUnsupportedCipherSuite(u16),
    /// RFC 9420 §12.1.5, §11.1 (V-12.1.5-03): the ReInit's extensions are
    /// invalid or a member does not support them.
    #[error("RFC 9420 §12.1.5 (V-12.1.5-03): ReInit extensions not acceptable: {0}")]
    ReInitExtensionsUnsupported(&'static str),
    /// RFC 9420 §11.2, §12.1.5 (V-12.1.5-02): the group's ReInit is
    /// committed; it sends and accepts nothing more. Move to the successor
    /// group ([`crate::Group::pending_reinit`]).
    #[error(
        "RFC 9420 §11.2 (V-12.1.5-02): the group was reinitialized; it sends and accepts no more messages"
    )]
    GroupReInitialized,
    /// RFC 9420 §11.2 (V-11.2-04): a successor group is made or joined from
    /// a group whose last Commit held no ReInit.
    #[error("RFC 9420 §11.2 (V-11.2-04): the group's last Commit held no ReInit")]
    NoPendingReInit,
    /// RFC 9420 §11.2, §11.3 (V-11.2-06, V-12.4.1-07): the Welcome of a
    /// successor or branch names no resumption PSK of the expected usage.
    #[error("RFC 9420 §11.2, §11.3 (V-11.2-06): the Welcome has no resumption PSK of usage {0}")]
    ResumptionPskMissing(&'static str),
    /// RFC 9420 §11.2, §11.3 (V-11.2-06): the resumption PSK of a successor
    /// or branch Welcome is of another group or epoch than required.
    #[error("RFC 9420 §11.2, §11.3 (V-11.2-06): the resumption PSK names another {0}")]
    ResumptionPskMismatch(&'static str),
    /// RFC 9420 §11.2, §11.3 (V-11.2-03, V-11.3-02): a parameter of the new
    /// group differs from the ReInit proposal (or, for a branch, from the
    /// parent group).
    #[error("RFC 9420 §11.2, §11.3 (V-11.2-03, V-11.3-02): the new group's {0} differs")]
    ResumptionParameterMismatch(&'static str),
    /// RFC 9420 §11.2, §11.3 (V-11.2-02, V-11.3-03): the new group does not
    /// start at epoch 1.
    #[error("RFC 9420 §11.2, §11.3 (V-11.2-02, V-11.3-03): the new group is at epoch {0}, not 1")]
    ResumptionEpochNotOne(u64),
    /// RFC 9420 §11.2, §11.3 (V-11.2-05, V-11.3-04): the new group's members
    /// are not the old group's (a reinit keeps every member, a branch takes
    /// only members of the parent), compared by credential identity.
    #[error("RFC 9420 §11.2, §11.3 (V-11.2-05, V-11.3-04): membership of the new group: {0}")]
    ResumptionMembershipMismatch(&'static str),

    // ----- external Commits (§12.4.3.2), modules `commit::external`, `group::external_join` -----
    /// RFC 9420 §12.4.3.2 (V-12.4.3.2-07) {policy}: this group refuses
    /// external Commits (`GroupConfig::allow_external_commits`).
    #[error("RFC 9420 §12.4.3.2 (V-12.4.3.2-07): this group does not accept external Commits")]
    ExternalCommitNotAllowed,
    /// RFC 9420 §12.4.3.2 (V-12.4.3.2-02): an external Commit lists a
    /// proposal by reference (a joiner cannot judge cached proposals).
    #[error("RFC 9420 §12.4.3.2 (V-12.4.3.2-02): external Commit with a proposal by reference")]
    ExternalCommitProposalByReference,
    /// RFC 9420 §12.2 (V-12.2-20): an external Commit without ExternalInit.
    #[error("RFC 9420 §12.2 (V-12.2-20): external Commit without an ExternalInit proposal")]
    ExternalCommitWithoutExternalInit,
    /// RFC 9420 §12.2 (V-12.2-21): an external Commit with more than one
    /// ExternalInit.
    #[error("RFC 9420 §12.2 (V-12.2-21): external Commit with more than one ExternalInit")]
    ExternalCommitDuplicateExternalInit,
    /// RFC 9420 §12.2 (V-12.2-22): an external Commit with more than one
    /// Remove.
    #[error("RFC 9420 §12.2 (V-12.2-22): external Commit with more than one Remove")]
    ExternalCommitDuplicateRemove,
    /// RFC 9420 §12.2 (V-12.2-24): an external Commit holds a proposal type
    /// other than ExternalInit, Remove and PreSharedKey.
    #[error(
        "RFC 9420 §12.2 (V-12.2-24): proposal type 0x{0:04x} is not allowed in an external Commit"
    )]
    ExternalCommitProposalNotAllowed(u16),
    /// RFC 9420 §12.2, §12.4.3.2 (V-12.2-23): the Remove of a resync
    /// external Commit names a leaf that is not the joiner's earlier leaf
    /// (its credential is not one the joiner's is a valid successor of, as
    /// the credential validator decides) or the new leaf reuses its key.
    #[error("RFC 9420 §12.2 (V-12.2-23): external Commit removes leaf {leaf}, {reason}")]
    ExternalCommitInvalidResync {
        /// The removed leaf.
        leaf: u32,
        /// Why it may not be removed by this joiner.
        reason: &'static str,
    },
    /// RFC 9420 §8.3 (V-8.3-02): the ExternalInit `kem_output` does not
    /// decapsulate with the group's external key.
    #[error("RFC 9420 §8.3 (V-8.3-02): ExternalInit kem_output does not decapsulate")]
    ExternalInitInvalid,
    /// RFC 9420 §12.4.3.2 (V-12.4.3.2-08) {sender}: the GroupInfo has no
    /// `external_pub` extension, so no external Commit can be made from it.
    #[error("RFC 9420 §12.4.3.2 (V-12.4.3.2-08): the GroupInfo has no external_pub extension")]
    GroupInfoWithoutExternalPub,

    // ----- external senders and new members (§12.1.8), module `non_member` -----
    /// RFC 9420 §12.1.8.1, §5.3.1 (V-12.1.8-02, V-5.3.1-06/07): the
    /// application's credential validator rejects the credential of entry
    /// `{0}` of an `external_senders` extension (at creation, in a
    /// GroupContextExtensions proposal, in a Commit, in a joined group).
    #[error(
        "RFC 9420 §12.1.8.1 (V-12.1.8-02, V-5.3.1-06): external_senders entry {0} has a credential the validator rejects"
    )]
    ExternalSenderCredentialRejected(usize),
    /// RFC 9420 §12.1.8.1 {sender}: the signature key given to an external
    /// proposer is not the one at its index of the group's
    /// `external_senders`, so the members would reject its proposals
    /// (V-6.1-08).
    #[error(
        "RFC 9420 §12.1.8.1 (V-6.1-08): our key is not external_senders entry {0} of the group"
    )]
    ExternalSenderKeyMismatch(u32),
    /// RFC 9420 §12.1.8 {sender}: a new member proposes an Add of a
    /// KeyPackage of another cipher suite than the group's (V-12.1.1-01).
    #[error(
        "RFC 9420 §12.1.8 (V-12.1.1-01): the KeyPackage's cipher suite 0x{key_package:04x} is not the group's 0x{group:04x}"
    )]
    NewMemberSuiteMismatch {
        /// The group's suite.
        group: u16,
        /// The KeyPackage's suite.
        key_package: u16,
    },
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
