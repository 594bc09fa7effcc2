//! Rejections of a Welcome and of the GroupInfo it carries or that an
//! external joiner reads (RFC 9420 §12.4.3, §12.4.3.1), and of the tree
//! joined with it.

use mls_codec::Rule;
use thiserror::Error;

/// A Welcome or GroupInfo breaks a rule (RFC 9420 §12.4.3).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WelcomeError {
    /// RFC 9420 §5.1 (V-5.1-01): the Welcome names a cipher suite this
    /// client does not implement (or its crypto provider lacks).
    #[error("unsupported cipher suite 0x{0:04x}")]
    UnsupportedCipherSuite(u16),
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-01): no `secrets` entry of the Welcome
    /// names a KeyPackage we hold.
    #[error("Welcome for a KeyPackage we do not hold")]
    NoMatchingKeyPackage,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-02): the Welcome's cipher suite differs
    /// from the matched KeyPackage's.
    #[error("Welcome cipher suite 0x{welcome:04x}, KeyPackage uses 0x{key_package:04x}")]
    CipherSuiteMismatch {
        /// The Welcome's suite.
        welcome: u16,
        /// The KeyPackage's suite.
        key_package: u16,
    },
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-03): `encrypted_group_secrets` does not
    /// open with our init key (wrong key, tampering, or a changed
    /// `encrypted_group_info`, its HPKE context).
    #[error("GroupSecrets do not decrypt")]
    GroupSecretsDecryptionFailed,
    /// RFC 9420 §12.4.3.1 {implied}: the decrypted GroupSecrets do not parse,
    /// or a secret in them does not have the suite's length `KDF.Nh`.
    #[error("malformed GroupSecrets: {0}")]
    GroupSecretsMalformed(&'static str),
    /// RFC 9420 §12.2, §12.4.3.1 (V-12.2-12): the GroupSecrets list the same
    /// PreSharedKeyID twice.
    #[error("duplicate PreSharedKeyID in the GroupSecrets")]
    DuplicatePsk,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-05): a resumption PSK with usage
    /// reinit or branch is not the only such PSK.
    #[error("more than one reinit/branch resumption PSK")]
    ResumptionPskNotUnique,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-04): the GroupSecrets name a PSK we do
    /// not hold (or an invalid psk_nonce); the inner error says which.
    #[error("PSK of the Welcome unavailable: {0}")]
    PskUnavailable(#[source] mls_keyschedule::KeyScheduleError),
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-06): `encrypted_group_info` does not
    /// open with the welcome key and nonce.
    #[error("GroupInfo does not decrypt")]
    GroupInfoDecryptionFailed,
    /// RFC 9420 §12.4.3.1: the decrypted GroupInfo does not parse.
    #[error("malformed GroupInfo: {0}")]
    GroupInfoMalformed(#[source] mls_codec::CodecError),
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-08, V-12.4.3.1-09): the GroupInfo's
    /// cipher suite or version differs from the KeyPackage's.
    #[error("GroupInfo {what} 0x{group_info:04x}, KeyPackage has 0x{key_package:04x}")]
    GroupInfoMismatch {
        /// `"cipher suite"` or `"version"`.
        what: &'static str,
        /// The GroupInfo's value.
        group_info: u16,
        /// The KeyPackage's value.
        key_package: u16,
    },
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-22): a reinit or branch resumption PSK
    /// is used but the GroupInfo epoch is not 1.
    #[error("reinit/branch join at epoch {0}, expected 1")]
    ResumptionEpochNotOne(u64),
    /// RFC 9420 §12.4.3, §13.4 (V-12.4.3-06): an extension type appears twice
    /// in `GroupInfo.extensions` or `group_context.extensions`.
    #[error("duplicate extension type 0x{0:04x} in the GroupInfo")]
    GroupInfoDuplicateExtension(u16),
    /// RFC 9420 §17.3 (V-17.3-01): a registered extension type in
    /// `GroupInfo.extensions` or `group_context.extensions` that the
    /// registry does not allow there.
    #[error("extension type 0x{0:04x} not allowed where the GroupInfo has it")]
    GroupInfoExtensionMisplaced(u16),
    /// RFC 9420 §13 (V-13-03): the application refuses an extension of a
    /// type it registered ([`crate::CustomRegistry`]): not registered for
    /// the object it is in, or failing its validation.
    #[error("extension 0x{extension_type:04x} refused: {reason}")]
    CustomExtensionRefused {
        /// The extension type.
        extension_type: u16,
        /// Why.
        reason: String,
    },
    /// RFC 9420 §12.4.3 (V-12.4.3-05): a GroupContext extension of the
    /// GroupInfo is of a non-default type our KeyPackage does not list.
    #[error("GroupContext extension 0x{0:04x} not supported by the joiner")]
    GroupContextExtensionUnsupported(u16),
    /// RFC 9420 §12.4.3.1 (V-12.4.3-02, V-12.4.3.1-07): the GroupInfo
    /// `signer` is beyond the tree or a blank leaf.
    #[error("GroupInfo signer leaf {0} is blank or outside the tree")]
    GroupInfoSignerNotInTree(u32),
    /// RFC 9420 §12.4.3 (V-12.4.3-01, V-12.4.3.1-07): the GroupInfo signature
    /// does not verify under the signer's key.
    #[error("GroupInfo signature invalid")]
    GroupInfoSignatureInvalid,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-21): the GroupInfo confirmation tag
    /// does not verify with the confirmation key of the joined epoch.
    #[error("GroupInfo confirmation tag invalid")]
    ConfirmationTagInvalid,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-10): no ratchet tree: neither in the
    /// GroupInfo nor given out of band.
    #[error("no ratchet tree for the join")]
    MissingRatchetTree,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-11..18): the joined tree is invalid;
    /// the inner error names the rule.
    #[error("invalid ratchet tree: {0}")]
    InvalidTree(#[source] mls_treekem::TreeKemError),
    /// RFC 9420 §12.4.3.1 and §7.3 (V-7.3-03/04/05, V-13.4-04): a leaf of
    /// the received tree does not support the group's `required_capabilities`
    /// or one of its non-default GroupContext extension types.
    #[error("leaf {leaf} of the tree does not support the group: {reason}")]
    TreeLeafUnsupported {
        /// The leaf.
        leaf: u32,
        /// What it lacks.
        reason: &'static str,
    },
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-19): no leaf of the tree equals our
    /// KeyPackage's leaf node.
    #[error("our leaf is not in the tree")]
    OwnLeafNotInTree,
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-20): the Welcome's path secret does not
    /// derive the tree's public keys.
    #[error("Welcome path secret does not match the tree: {0}")]
    PathSecretInvalid(#[source] mls_treekem::TreeKemError),
    /// RFC 9420 §12.4.3.2 (V-12.4.3.2-08) {sender}: the GroupInfo has no
    /// `external_pub` extension, so no external Commit can be made from it.
    #[error("the GroupInfo has no external_pub extension")]
    GroupInfoWithoutExternalPub,
}

impl WelcomeError {
    /// The rule this input breaks (`docs/validation.md`).
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Self::UnsupportedCipherSuite(..) => Rule::V_5_1_01,
            Self::NoMatchingKeyPackage => Rule::V_12_4_3_1_01,
            Self::CipherSuiteMismatch { .. } => Rule::V_12_4_3_1_02,
            Self::GroupSecretsDecryptionFailed => Rule::V_12_4_3_1_03,
            Self::GroupSecretsMalformed(..) => return None,
            Self::DuplicatePsk => Rule::V_12_2_12,
            Self::ResumptionPskNotUnique => Rule::V_12_4_3_1_05,
            Self::PskUnavailable(..) => Rule::V_12_4_3_1_04,
            Self::GroupInfoDecryptionFailed => Rule::V_12_4_3_1_06,
            Self::GroupInfoMalformed(..) => return None,
            Self::GroupInfoMismatch { what, .. } => match *what {
                "version" => Rule::V_12_4_3_1_09,
                _ => Rule::V_12_4_3_1_08,
            },
            Self::ResumptionEpochNotOne(..) => Rule::V_12_4_3_1_22,
            Self::GroupInfoDuplicateExtension(..) => Rule::V_12_4_3_06,
            Self::GroupInfoExtensionMisplaced(..) => Rule::V_17_3_01,
            Self::CustomExtensionRefused { .. } => Rule::V_13_03,
            Self::GroupContextExtensionUnsupported(..) => Rule::V_12_4_3_05,
            Self::GroupInfoSignerNotInTree(..) => Rule::V_12_4_3_02,
            Self::GroupInfoSignatureInvalid => Rule::V_12_4_3_01,
            Self::ConfirmationTagInvalid => Rule::V_12_4_3_1_21,
            Self::MissingRatchetTree => Rule::V_12_4_3_1_10,
            // The tree rule that failed, where the tree layer names one.
            Self::InvalidTree(e) => return e.rule().or(Some(Rule::V_12_4_3_1_13)),
            Self::TreeLeafUnsupported { reason, .. } => match *reason {
                super::unsupported::REQUIRED_EXTENSION => Rule::V_7_3_03,
                super::unsupported::REQUIRED_PROPOSAL => Rule::V_7_3_04,
                super::unsupported::REQUIRED_CREDENTIAL => Rule::V_7_3_05,
                _ => Rule::V_13_4_04,
            },
            Self::OwnLeafNotInTree => Rule::V_12_4_3_1_19,
            Self::PathSecretInvalid(e) => return e.rule().or(Some(Rule::V_12_4_3_1_20)),
            Self::GroupInfoWithoutExternalPub => Rule::V_12_4_3_2_08,
        })
    }
}
