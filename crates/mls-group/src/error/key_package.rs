//! Rejections of a KeyPackage (RFC 9420 §10, §10.1, §5.1; its leaf node,
//! §7.2, §7.3; its extensions, §13.4, §17.3).

use mls_codec::Rule;
use thiserror::Error;

/// A KeyPackage breaks a rule (RFC 9420 §10).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeyPackageError {
    /// RFC 9420 §5.1 (V-5.1-01): a KeyPackage, Welcome or GroupInfo names a
    /// cipher suite this client does not implement (0, GREASE, unassigned,
    /// or missing from the crypto provider).
    #[error("unsupported cipher suite 0x{0:04x}")]
    UnsupportedCipherSuite(u16),
    /// RFC 9420 §10, §10.1 (V-10-03, V-10.1-02): the KeyPackage version is not
    /// the expected one (the MLSMessage's or the group's, mls10).
    #[error("KeyPackage version 0x{actual:04x}, expected 0x{expected:04x}")]
    VersionMismatch {
        /// The version required.
        expected: u16,
        /// The version of the KeyPackage.
        actual: u16,
    },
    /// RFC 9420 §10.1 (V-10.1-01): the KeyPackage cipher suite differs from
    /// the group's.
    #[error("KeyPackage cipher suite 0x{actual:04x}, group uses 0x{expected:04x}")]
    CipherSuiteMismatch {
        /// The group's suite.
        expected: u16,
        /// The KeyPackage's suite.
        actual: u16,
    },
    /// RFC 9420 §10 (V-10-02): `init_key` is not a valid HPKE public key for
    /// the suite.
    #[error("KeyPackage init_key is not a valid public key for the suite")]
    InvalidInitKey,
    /// RFC 9420 §10 (V-10-06): the leaf `encryption_key` or `signature_key`
    /// is not a valid public key for the suite.
    #[error("KeyPackage leaf {which} is not a valid public key for the suite")]
    InvalidLeafKey {
        /// `"encryption_key"` or `"signature_key"`.
        which: &'static str,
    },
    /// RFC 9420 §10, §10.1 (V-10-01, V-10.1-04): the KeyPackage signature
    /// does not verify under `leaf_node.signature_key`.
    #[error("KeyPackage signature invalid")]
    SignatureInvalid,
    /// RFC 9420 §10.1 (V-10.1-03): the KeyPackage's LeafNode fails leaf
    /// validation in the KeyPackage context (§7.3); the inner error names
    /// the leaf rule.
    #[error("KeyPackage leaf node invalid: {0}")]
    LeafInvalid(#[source] mls_treekem::TreeKemError),
    /// RFC 9420 §10.1 (V-10.1-05): `leaf_node.encryption_key` equals `init_key`.
    #[error("KeyPackage init_key equals the leaf encryption_key")]
    InitKeyEqualsEncryptionKey,
    /// RFC 9420 §13.4 (V-13.4-01): an extension type appears twice in
    /// `KeyPackage.extensions` or `leaf_node.extensions`.
    #[error("duplicate extension type 0x{0:04x} in a KeyPackage")]
    DuplicateExtension(u16),
    /// RFC 9420 §17.3 (V-17.3-01): a registered extension type in a
    /// KeyPackage or its LeafNode that the registry does not allow there
    /// (e.g. `ratchet_tree` in `KeyPackage.extensions`).
    #[error("extension type 0x{0:04x} not allowed in a KeyPackage or its leaf")]
    ExtensionMisplaced(u16),
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
    /// RFC 9420 §7.2 (V-7.2-08): the capabilities list a default
    /// (RFC-defined, always supported) extension or proposal type, which
    /// the sender MUST NOT do (rejected only when
    /// `KeyPackageValidation::reject_default_types_in_capabilities` is set).
    #[error("capabilities list the default {kind} type 0x{value:04x}")]
    ListsDefaultType {
        /// `"extension"` or `"proposal"`.
        kind: &'static str,
        /// The listed value.
        value: u16,
    },
    /// RFC 9420 §7.2, §7.3 (V-7.3-08): the leaf capabilities do not list the
    /// KeyPackage's own protocol version or cipher suite.
    #[error("leaf capabilities do not list the KeyPackage's {what} 0x{value:04x}")]
    CapabilitiesIncomplete {
        /// `"version"` or `"cipher suite"`.
        what: &'static str,
        /// The missing value.
        value: u16,
    },
}

impl KeyPackageError {
    /// The rule this input breaks (`docs/validation.md`).
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Self::UnsupportedCipherSuite(..) => Rule::V_5_1_01,
            Self::VersionMismatch { .. } => Rule::V_10_1_02,
            Self::CipherSuiteMismatch { .. } => Rule::V_10_1_01,
            Self::InvalidInitKey => Rule::V_10_02,
            Self::InvalidLeafKey { .. } => Rule::V_10_06,
            Self::SignatureInvalid => Rule::V_10_1_04,
            // The leaf rule that failed (§7.3), where the tree layer names one.
            Self::LeafInvalid(e) => return e.rule().or(Some(Rule::V_10_1_03)),
            Self::InitKeyEqualsEncryptionKey => Rule::V_10_1_05,
            Self::CustomExtensionRefused { .. } => Rule::V_13_03,
            Self::DuplicateExtension(..) => Rule::V_13_4_01,
            Self::ExtensionMisplaced(..) => Rule::V_17_3_01,
            Self::ListsDefaultType { .. } => Rule::V_7_2_08,
            Self::CapabilitiesIncomplete { .. } => Rule::V_7_3_08,
        })
    }
}
