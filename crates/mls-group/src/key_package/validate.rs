//! Validating received KeyPackages (RFC 9420 §10, §10.1), in the order
//! §10.1 lists the steps, with the §10 structure rules first.

use std::collections::HashSet;

use mls_codec::{Extension, ExtensionContainer, KeyPackage, MlsMessage, ProtocolVersion};
use mls_crypto::labeled::verify_with_label;
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_treekem::{LeafContext, LeafValidationPolicy, validate_leaf_node};

use super::{KEY_PACKAGE_TBS_LABEL, KeyPackageRef};
use crate::{FramingError, GroupError, KeyPackageError, Rejection, Result};

/// The policy of KeyPackage validation.
#[derive(Clone, Debug)]
pub struct KeyPackageValidation {
    /// The protocol version the KeyPackage must have (the group's; mls10).
    pub version: ProtocolVersion,
    /// Leaf validation policy (RFC 9420 §7.3): credential validator, clock
    /// for the lifetime (`None` switches the current-time check off,
    /// V-7.3-10 is RECOMMENDED only) and maximum lifetime (V-7.2-03).
    pub leaf_policy: LeafValidationPolicy,
    /// RFC 9420 §7.2 says a sender MUST NOT list the default extension and
    /// proposal types in its capabilities, but does not ask receivers to
    /// reject such KeyPackages. `false` (the default) tolerates them, for
    /// interoperability (VALIDATION.md V-7.2-08 and Part D #6); `true`
    /// rejects them with `KeyPackageError::ListsDefaultType` (as
    /// some implementations do).
    pub reject_default_types_in_capabilities: bool,
}

impl Default for KeyPackageValidation {
    /// mls10, the default leaf policy (basic credentials, system clock, no
    /// maximum lifetime), default types in capabilities tolerated.
    fn default() -> Self {
        KeyPackageValidation {
            version: ProtocolVersion::MLS10,
            leaf_policy: LeafValidationPolicy::default(),
            reject_default_types_in_capabilities: false,
        }
    }
}

impl KeyPackageValidation {
    /// The default policy without current-time lifetime checks.
    pub fn without_time_checks() -> Self {
        KeyPackageValidation {
            leaf_policy: LeafValidationPolicy::without_time_checks(),
            ..Self::default()
        }
    }
}

/// Validate a KeyPackage for a group whose suite is `cs`'s (RFC 9420
/// §10.1) and return its [`KeyPackageRef`].
///
/// Checks, in order: version (V-10.1-02) and suite (V-10.1-01) match;
/// `init_key` (V-10-02) and the leaf keys (V-10-06) are valid for the
/// suite; the capabilities list the own version and suite (V-7.3-08) and no
/// default type (V-7.2-08, per policy); no duplicate extension (V-13.4-01)
/// and no registered extension outside its container (V-17.3-01);
/// KeyPackage extensions not listed in the capabilities are ignored
/// (V-10-04 is a sender rule; §10.1 does not ask receivers to check it);
/// the LeafNode is valid in the KeyPackage context (V-10.1-03: credential,
/// source `key_package`, signature, lifetime, extensions, credential type);
/// the KeyPackage signature verifies under the leaf `signature_key`
/// (V-10.1-04); `init_key` differs from the leaf `encryption_key`
/// (V-10.1-05). The group-level leaf checks (required capabilities,
/// credential types of the other members, key uniqueness in the tree) are
/// the caller's.
pub fn validate_key_package(
    cs: &dyn CipherSuiteProvider,
    key_package: &KeyPackage,
    policy: &KeyPackageValidation,
) -> Result<KeyPackageRef> {
    // §10.1: version and cipher suite match the group's.
    if key_package.version != policy.version {
        return Err(KeyPackageError::VersionMismatch {
            expected: policy.version.0,
            actual: key_package.version.0,
        }
        .into());
    }
    let suite = cs.cipher_suite().id();
    if key_package.cipher_suite.0 != suite {
        return Err(KeyPackageError::CipherSuiteMismatch {
            expected: suite,
            actual: key_package.cipher_suite.0,
        }
        .into());
    }

    // §10: the keys are valid for the suite.
    let leaf = &key_package.leaf_node;
    cs.hpke_validate_public_key(key_package.init_key.as_slice())
        .map_err(|_| KeyPackageError::InvalidInitKey)?;
    cs.hpke_validate_public_key(leaf.encryption_key.as_slice())
        .map_err(|_| KeyPackageError::InvalidLeafKey {
            which: "encryption_key",
        })?;
    cs.signature_validate_public_key(leaf.signature_key.as_slice())
        .map_err(|_| KeyPackageError::InvalidLeafKey {
            which: "signature_key",
        })?;

    // §7.2, §10: the capabilities and the extensions.
    check_capabilities(key_package, policy)?;
    check_no_duplicates(&key_package.extensions)?;
    check_no_duplicates(&leaf.extensions)?;
    check_placement(&key_package.extensions, ExtensionContainer::KeyPackage)?;
    check_placement(&leaf.extensions, ExtensionContainer::LeafNode)?;
    // §13: the application's own types (V-13-03; the leaf's, in
    // `validate_leaf_node`).
    crate::custom::check_custom_extensions(
        &policy.leaf_policy,
        ExtensionContainer::KeyPackage,
        &key_package.extensions,
    )
    .map_err(
        |(extension_type, reason)| KeyPackageError::CustomExtensionRefused {
            extension_type,
            reason,
        },
    )?;
    // RFC 9420 §10.1, §13.5: a KeyPackage extension missing from the
    // capabilities (e.g. GREASE) is ignored, not rejected; listing it is the
    // creator's duty (V-10-04, a sender rule kept by `KeyPackageBuilder`).

    // §10.1: the leaf node is valid for a KeyPackage (§7.3).
    validate_leaf_node(cs, leaf, LeafContext::KeyPackage, &policy.leaf_policy)
        .map_err(KeyPackageError::LeafInvalid)?;

    // §10.1: the KeyPackage signature, under the leaf's signature key.
    verify_key_package_signature(cs, key_package)?;

    // §10.1: init_key differs from the leaf encryption key.
    if key_package.init_key.as_slice() == leaf.encryption_key.as_slice() {
        return Err(KeyPackageError::InitKeyEqualsEncryptionKey.into());
    }
    KeyPackageRef::compute(cs, key_package)
}

/// Verify `SignWithLabel(., "KeyPackageTBS", KeyPackageTBS)` under
/// `leaf_node.signature_key` (RFC 9420 §10, V-10-01, V-10.1-04).
pub fn verify_key_package_signature(
    cs: &dyn CipherSuiteProvider,
    key_package: &KeyPackage,
) -> Result<()> {
    let tbs = key_package.tbs_bytes()?;
    verify_with_label(
        cs,
        key_package.leaf_node.signature_key.as_slice(),
        KEY_PACKAGE_TBS_LABEL,
        &tbs,
        key_package.signature.as_slice(),
    )
    .map_err(|_| GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::SignatureInvalid)))
}

/// Validate a KeyPackage received in an MLSMessage before any group is
/// chosen (e.g. fetched from the Delivery Service): the KeyPackage version
/// equals the MLSMessage version (V-10-03), its suite is one `provider`
/// implements (V-5.1-01: not 0, GREASE or unknown), then
/// [`validate_key_package`] with that suite. Returns the KeyPackage and its
/// reference.
pub fn validate_key_package_message<'m>(
    provider: &dyn CryptoProvider,
    message: &'m MlsMessage,
    policy: &KeyPackageValidation,
) -> Result<(&'m KeyPackage, KeyPackageRef)> {
    let key_package = message
        .as_key_package()
        .ok_or(FramingError::WrongWireFormat {
            expected: mls_codec::WireFormat::KEY_PACKAGE,
            actual: message.wire_format(),
        })?;
    if key_package.version != message.version {
        return Err(KeyPackageError::VersionMismatch {
            expected: message.version.0,
            actual: key_package.version.0,
        }
        .into());
    }
    let id = key_package.cipher_suite.0;
    let suite =
        CipherSuite::from_id(id).map_err(|_| KeyPackageError::UnsupportedCipherSuite(id))?;
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(KeyPackageError::UnsupportedCipherSuite(id))?;
    let reference = validate_key_package(&*cs, key_package, policy)?;
    Ok((key_package, reference))
}

/// RFC 9420 §7.2, §7.3: own version and suite listed; default types not.
fn check_capabilities(key_package: &KeyPackage, policy: &KeyPackageValidation) -> Result<()> {
    let caps = &key_package.leaf_node.capabilities;
    if !caps.versions.contains(&key_package.version) {
        return Err(KeyPackageError::CapabilitiesIncomplete {
            what: "version",
            value: key_package.version.0,
        }
        .into());
    }
    if !caps.cipher_suites.contains(&key_package.cipher_suite) {
        return Err(KeyPackageError::CapabilitiesIncomplete {
            what: "cipher suite",
            value: key_package.cipher_suite.0,
        }
        .into());
    }
    if policy.reject_default_types_in_capabilities {
        if let Some(t) = caps.extensions.iter().find(|t| t.is_default()) {
            return Err(KeyPackageError::ListsDefaultType {
                kind: "extension",
                value: t.0,
            }
            .into());
        }
        if let Some(t) = caps.proposals.iter().find(|t| t.is_default()) {
            return Err(KeyPackageError::ListsDefaultType {
                kind: "proposal",
                value: t.0,
            }
            .into());
        }
    }
    Ok(())
}

/// RFC 9420 §17.3 (V-17.3-01): registered extension types only where the
/// registry allows them; unregistered types are not checked.
fn check_placement(extensions: &[Extension], container: ExtensionContainer) -> Result<()> {
    match extensions.iter().find(|e| {
        e.extension_type
            .allowed_containers()
            .is_some_and(|allowed| !allowed.contains(&container))
    }) {
        Some(e) => Err(KeyPackageError::ExtensionMisplaced(e.extension_type.0).into()),
        None => Ok(()),
    }
}

/// RFC 9420 §13.4 (V-13.4-01): no extension type twice in one list
/// (a set, so a hostile list of many extensions costs linear time).
fn check_no_duplicates(extensions: &[Extension]) -> Result<()> {
    let mut seen = HashSet::with_capacity(extensions.len());
    for e in extensions {
        if !seen.insert(e.extension_type) {
            return Err(KeyPackageError::DuplicateExtension(e.extension_type.0).into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use mls_codec::{ExtensionType, VLBytes};

    use super::*;

    #[test]
    fn duplicate_check_is_linear_and_exact() {
        let many: Vec<Extension> = (0..=u16::MAX)
            .map(|t| Extension {
                extension_type: ExtensionType(t),
                extension_data: VLBytes::new(vec![]),
            })
            .collect();
        assert!(check_no_duplicates(&many).is_ok());
        let mut dup = many;
        dup.push(Extension {
            extension_type: ExtensionType(0x1234),
            extension_data: VLBytes::new(vec![1]),
        });
        assert!(matches!(
            check_no_duplicates(&dup),
            Err(GroupError::Rejected(Rejection::KeyPackage(
                KeyPackageError::DuplicateExtension(0x1234)
            )))
        ));
    }

    #[test]
    fn default_policy_is_strict_and_time_checked() {
        let p = KeyPackageValidation::default();
        assert_eq!(p.version, ProtocolVersion::MLS10);
        assert!(p.leaf_policy.clock.is_some());
        assert!(!p.reject_default_types_in_capabilities);
        assert!(
            KeyPackageValidation::without_time_checks()
                .leaf_policy
                .clock
                .is_none()
        );
    }
}
