//! Creating KeyPackages (RFC 9420 §7.2, §10, §13.5).

use std::collections::HashSet;
use std::hash::Hash;
use std::sync::Arc;

use mls_codec::{
    Capabilities, CipherSuiteId, Credential, CredentialType, Extension, ExtensionContainer,
    ExtensionType, HpkePublicKey, KeyPackage, LeafNode, LeafNodeSource, Lifetime, ProposalType,
    ProtocolVersion, SignaturePublicKey, VLBytes,
};
use mls_crypto::labeled::sign_with_label;
use mls_crypto::{CipherSuiteProvider, Signer, check_signer_scheme};
use mls_treekem::{Clock, LEAF_NODE_TBS_LABEL, SystemClock};

use super::{KeyPackageBundle, KeyPackageRef};
use crate::grease::{GreaseDraw, grease_extension};
use crate::{KeyPackageError, Misuse, Result};

/// The signature label of KeyPackageTBS (RFC 9420 §10).
pub const KEY_PACKAGE_TBS_LABEL: &[u8] = b"KeyPackageTBS";

/// The `last_resort_key_package` extension type of
/// draft-ietf-mls-extensions-05 (`0x000A`, KeyPackage extension, empty
/// data). Not part of RFC 9420: applications may use another value with
/// [`KeyPackageBuilder::last_resort_with_type`].
pub const LAST_RESORT_DRAFT_EXTENSION_TYPE: ExtensionType = ExtensionType(0x000A);

/// The default validity of a new KeyPackage: 84 days from its creation.
pub const DEFAULT_KEY_PACKAGE_LIFETIME: u64 = 84 * 24 * 3600;

/// How far `not_before` is set before "now" by default, to tolerate clock
/// skew between clients (RFC 9420 §7.2 asks for synchronized clocks).
const DEFAULT_BACKDATE: u64 = 3600;

/// `SignWithLabel(key, "LeafNodeTBS", LeafNodeTBS)` (RFC 9420 §7.2): set
/// `leaf.signature`. `group_id` and `leaf_index` are signed only for the
/// `update` and `commit` sources.
pub fn sign_leaf_node(
    cs: &dyn CipherSuiteProvider,
    key: &dyn Signer,
    leaf: &mut LeafNode,
    group_id: &[u8],
    leaf_index: u32,
) -> Result<()> {
    let tbs = leaf.tbs_bytes(group_id, leaf_index)?;
    leaf.signature = VLBytes::new(sign_with_label(cs, key, LEAF_NODE_TBS_LABEL, &tbs)?);
    Ok(())
}

/// `SignWithLabel(key, "KeyPackageTBS", KeyPackageTBS)` (RFC 9420 §10): set
/// `key_package.signature`.
pub fn sign_key_package(
    cs: &dyn CipherSuiteProvider,
    key: &dyn Signer,
    key_package: &mut KeyPackage,
) -> Result<()> {
    let tbs = key_package.tbs_bytes()?;
    key_package.signature = VLBytes::new(sign_with_label(cs, key, KEY_PACKAGE_TBS_LABEL, &tbs)?);
    Ok(())
}

/// Builds a KeyPackage and its [`KeyPackageBundle`] (RFC 9420 §10).
///
/// Defaults: protocol mls10; lifetime from one hour before now to
/// [`DEFAULT_KEY_PACKAGE_LIFETIME`] after, read from the system clock; the
/// capabilities list mls10, the KeyPackage's suite and the credential's
/// type; no extensions of the caller's; GREASE on (RFC 9420 §13.5, see
/// [`KeyPackageBuilder::grease`]); not last-resort.
///
/// Capabilities are normalised when building (RFC 9420 §7.2, §10): default
/// extension types (1-5) and proposal types (1-7) given to
/// [`KeyPackageBuilder::capabilities`] are dropped (they MUST NOT be
/// listed, V-7.2-08); the own version, suite and credential type and every
/// non-default extension type used in the leaf or KeyPackage extensions
/// are added; duplicates are removed.
#[derive(Clone)]
pub struct KeyPackageBuilder {
    lifetime: Option<Lifetime>,
    validity: u64,
    clock: Arc<dyn Clock>,
    capabilities: Capabilities,
    leaf_extensions: Vec<Extension>,
    key_package_extensions: Vec<Extension>,
    last_resort: Option<ExtensionType>,
    grease: bool,
}

impl Default for KeyPackageBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for KeyPackageBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPackageBuilder")
            .field("lifetime", &self.lifetime)
            .field("validity", &self.validity)
            .field("capabilities", &self.capabilities)
            .field("leaf_extensions", &self.leaf_extensions)
            .field("key_package_extensions", &self.key_package_extensions)
            .field("last_resort", &self.last_resort)
            .field("grease", &self.grease)
            .finish_non_exhaustive()
    }
}

/// Check a signer before it signs for a group or a client: its scheme is
/// the one of `cs`, and an exportable private key's public key is the one
/// it announces (a mismatched pair would sign leaves, KeyPackages and
/// messages that every receiver refuses). An HSM signer's pair cannot be
/// checked here.
pub fn check_signer(cs: &dyn CipherSuiteProvider, signer: &dyn Signer) -> Result<()> {
    check_signer_scheme(cs, signer.signature_scheme())?;
    if let Some(private_key) = signer.exportable_private_key()
        && cs.signature_public_key(private_key)? != signer.public_key()
    {
        return Err(Misuse::KeyPackageCreation(
            "signature public key does not match the private key",
        )
        .into());
    }
    Ok(())
}

impl KeyPackageBuilder {
    /// A builder with the defaults above.
    pub fn new() -> Self {
        KeyPackageBuilder {
            lifetime: None,
            validity: DEFAULT_KEY_PACKAGE_LIFETIME,
            clock: Arc::new(SystemClock),
            capabilities: Capabilities::default(),
            leaf_extensions: Vec::new(),
            key_package_extensions: Vec::new(),
            last_resort: None,
            grease: true,
        }
    }

    /// Use this exact lifetime (seconds since the Unix epoch) instead of
    /// one computed from the clock.
    pub fn lifetime(mut self, lifetime: Lifetime) -> Self {
        self.lifetime = Some(lifetime);
        self
    }

    /// Validity in seconds after "now" for a computed lifetime.
    pub fn validity_seconds(mut self, seconds: u64) -> Self {
        self.validity = seconds;
        self
    }

    /// The clock a computed lifetime is read from (tests inject a fixed one).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// What the client supports beyond the defaults: further versions,
    /// suites, non-default extension and proposal types, credential types
    /// (normalised as described on [`KeyPackageBuilder`]).
    pub fn capabilities(mut self, capabilities: Capabilities) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// Add an extension to the LeafNode (registered types: only
    /// `application_id` belongs in a LeafNode, RFC 9420 §17.3).
    pub fn leaf_extension(mut self, extension: Extension) -> Self {
        self.leaf_extensions.push(extension);
        self
    }

    /// Add an extension to the KeyPackage (no RFC 9420 type belongs there;
    /// application and GREASE types only, RFC 9420 §17.3).
    pub fn key_package_extension(mut self, extension: Extension) -> Self {
        self.key_package_extensions.push(extension);
        self
    }

    /// Mark the KeyPackage last-resort with the draft extension type
    /// [`LAST_RESORT_DRAFT_EXTENSION_TYPE`].
    pub fn last_resort(self) -> Self {
        self.last_resort_with_type(LAST_RESORT_DRAFT_EXTENSION_TYPE)
    }

    /// Mark the KeyPackage last-resort with an application-chosen extension
    /// type (an empty KeyPackage extension of that type, listed in the
    /// capabilities).
    pub fn last_resort_with_type(mut self, extension_type: ExtensionType) -> Self {
        self.last_resort = Some(extension_type);
        self
    }

    /// Add the draft last-resort marker unless a type is already chosen.
    pub(crate) fn ensure_last_resort(mut self) -> Self {
        self.last_resort
            .get_or_insert(LAST_RESORT_DRAFT_EXTENSION_TYPE);
        self
    }

    /// Whether to add random GREASE values (RFC 9420 §13.5, GUIDANCE
    /// G-48): one in each of the suite, proposal and credential capability
    /// lists, a GREASE leaf extension (listed in the extension
    /// capabilities) and a GREASE KeyPackage extension, both with random
    /// data. On by default; `grease(false)` turns it off. The
    /// [`KeyPackageBundle`] still knows the client's real capabilities
    /// ([`crate::grease::own_capabilities`]).
    pub fn grease(mut self, enabled: bool) -> Self {
        self.grease = enabled;
        self
    }

    /// List the proposal and extension types of the application's
    /// `registry` in the capabilities (RFC 9420 §7.2, §13: a client
    /// advertises the non-default types it supports, so that a group
    /// commits them; never GREASE, which cannot be registered).
    pub fn advertise(mut self, registry: &crate::custom::CustomRegistry) -> Self {
        registry.advertise(&mut self.capabilities);
        self
    }

    /// Create the KeyPackage for the suite of `cs`, with `credential` and
    /// the signature key `signer` (its public key becomes the leaf
    /// `signature_key`; an exportable private key is kept in the bundle, an
    /// HSM key is not). Draws two fresh HPKE key pairs from the provider:
    /// the init key and the leaf encryption key (RFC 9420 §10). The signer's
    /// scheme is checked; that its public key is the one of its private key
    /// is not (per KeyPackage it would cost a key derivation): check a
    /// hand-assembled signer once with [`check_signer`] ([`Group::create`]
    /// and `mls_client::ClientBuilder::build` do).
    ///
    /// [`Group::create`]: crate::Group::create
    pub fn build(
        &self,
        cs: &dyn CipherSuiteProvider,
        credential: Credential,
        signer: &dyn Signer,
    ) -> Result<KeyPackageBundle> {
        let suite = CipherSuiteId(cs.cipher_suite().id());
        // The pair itself is checked once where a signer enters a long-lived
        // owner ([`check_signer`]), not per KeyPackage: re-deriving the
        // public key is a base-point multiplication, 10-15% of a KeyPackage
        // (issue 14). A pair that does not match signs KeyPackages that no
        // receiver accepts (RFC 9420 §10.1), so nothing unsafe gets out.
        check_signer_scheme(cs, signer.signature_scheme())?;
        let mut key_package_extensions = self.key_package_extensions.clone();
        if let Some(t) = self.last_resort {
            key_package_extensions.push(Extension {
                extension_type: t,
                extension_data: VLBytes::new(Vec::new()),
            });
        }
        let mut leaf_extensions = self.leaf_extensions.clone();
        let grease = if self.grease {
            let g = GreaseDraw::draw(cs)?;
            // §13.5: GREASE types the caller already uses are not repeated.
            let used = |list: &[Extension], t: u16| list.iter().any(|e| e.extension_type.0 == t);
            if !used(&leaf_extensions, g.leaf_extension) {
                leaf_extensions.push(grease_extension(cs, g.leaf_extension)?);
            }
            if !used(&key_package_extensions, g.key_package_extension) {
                key_package_extensions.push(grease_extension(cs, g.key_package_extension)?);
            }
            Some(g)
        } else {
            None
        };
        check_extensions(&leaf_extensions, ExtensionContainer::LeafNode)?;
        check_extensions(&key_package_extensions, ExtensionContainer::KeyPackage)?;

        let capabilities = self.normalised_capabilities(
            suite,
            credential.credential_type(),
            &leaf_extensions,
            &key_package_extensions,
            grease,
        );
        let lifetime = match self.lifetime {
            Some(l) => l,
            None => {
                let now = self.clock.now();
                Lifetime {
                    not_before: now.saturating_sub(DEFAULT_BACKDATE),
                    not_after: now.saturating_add(self.validity),
                }
            }
        };

        let init = cs.hpke_generate_key_pair()?;
        let encryption = cs.hpke_generate_key_pair()?;
        // RFC 9420 §10.1 (V-10.1-05): the init key differs from the leaf key.
        if init.public_key == encryption.public_key {
            return Err(KeyPackageError::InitKeyEqualsEncryptionKey.into());
        }

        let mut leaf_node = LeafNode {
            encryption_key: HpkePublicKey::from(encryption.public_key),
            signature_key: SignaturePublicKey::from(signer.public_key().to_vec()),
            credential,
            capabilities,
            leaf_node_source: LeafNodeSource::KeyPackage(lifetime),
            extensions: leaf_extensions,
            signature: VLBytes::new(Vec::new()),
        };
        sign_leaf_node(cs, signer, &mut leaf_node, &[], 0)?;
        let mut key_package = KeyPackage {
            version: ProtocolVersion::MLS10,
            cipher_suite: suite,
            init_key: HpkePublicKey::from(init.public_key),
            leaf_node,
            extensions: key_package_extensions,
            signature: VLBytes::new(Vec::new()),
        };
        sign_key_package(cs, signer, &mut key_package)?;
        let reference = KeyPackageRef::compute(cs, &key_package)?;
        Ok(KeyPackageBundle::new_unchecked(
            key_package,
            reference,
            init.private_key,
            encryption.private_key,
            signer.exportable_private_key().cloned(),
            self.last_resort.is_some(),
        ))
    }

    /// The capabilities as RFC 9420 §7.2 and §10 require them.
    fn normalised_capabilities(
        &self,
        suite: CipherSuiteId,
        credential_type: CredentialType,
        leaf_extensions: &[Extension],
        key_package_extensions: &[Extension],
        grease: Option<GreaseDraw>,
    ) -> Capabilities {
        let given = &self.capabilities;
        let mut versions = vec![ProtocolVersion::MLS10];
        versions.extend(given.versions.iter().copied());
        let mut cipher_suites = vec![suite];
        cipher_suites.extend(given.cipher_suites.iter().copied());
        let mut extensions: Vec<ExtensionType> = given.extensions.clone();
        extensions.extend(
            leaf_extensions
                .iter()
                .chain(key_package_extensions)
                .map(|e| e.extension_type),
        );
        extensions.retain(|t| !t.is_default());
        let mut proposals: Vec<ProposalType> = given.proposals.clone();
        proposals.retain(|t| !t.is_default());
        let mut credentials = vec![credential_type];
        credentials.extend(given.credentials.iter().copied());
        if let Some(g) = grease {
            cipher_suites.push(CipherSuiteId(g.cipher_suite));
            proposals.push(ProposalType(g.proposal));
            credentials.push(CredentialType(g.credential));
        }
        Capabilities {
            versions: dedup(versions),
            cipher_suites: dedup(cipher_suites),
            extensions: dedup(extensions),
            proposals: dedup(proposals),
            credentials: dedup(credentials),
        }
    }
}

/// Keep the first occurrence of each value, in order.
fn dedup<T: Eq + Hash + Copy>(mut values: Vec<T>) -> Vec<T> {
    let mut seen = HashSet::with_capacity(values.len());
    values.retain(|v| seen.insert(*v));
    values
}

/// RFC 9420 §13.4, §17.3 {sender}: no duplicate types, and registered types
/// only in the container the registry allows.
fn check_extensions(extensions: &[Extension], container: ExtensionContainer) -> Result<()> {
    let mut seen = HashSet::with_capacity(extensions.len());
    for e in extensions {
        if !seen.insert(e.extension_type) {
            return Err(
                Misuse::KeyPackageCreation("duplicate extension type (RFC 9420 §13.4)").into(),
            );
        }
        if let Some(allowed) = e.extension_type.allowed_containers()
            && !allowed.contains(&container)
        {
            return Err(Misuse::KeyPackageCreation(
                "extension type not allowed in this container (RFC 9420 §17.3)",
            )
            .into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(t: u16) -> Extension {
        Extension {
            extension_type: ExtensionType(t),
            extension_data: VLBytes::new(vec![]),
        }
    }

    #[test]
    fn dedup_keeps_first_occurrences_in_order() {
        assert_eq!(dedup(vec![3, 1, 3, 2, 1]), [3, 1, 2]);
        assert_eq!(dedup(Vec::<u16>::new()), [] as [u16; 0]);
    }

    #[test]
    fn extension_placement_follows_the_registry() {
        use ExtensionContainer::{KeyPackage as Kp, LeafNode as Ln};
        // application_id (1) is a LeafNode extension only (RFC 9420 §17.3).
        assert!(check_extensions(&[ext(1)], Ln).is_ok());
        assert!(check_extensions(&[ext(1)], Kp).is_err());
        // GREASE and unregistered types go anywhere.
        assert!(check_extensions(&[ext(0x0a0a), ext(0xff00), ext(0x000a)], Kp).is_ok());
        for t in 2..=5 {
            assert!(check_extensions(&[ext(t)], Kp).is_err(), "{t}");
            assert!(check_extensions(&[ext(t)], Ln).is_err(), "{t}");
        }
        assert!(check_extensions(&[ext(0xff00), ext(0xff00)], Ln).is_err());
    }

    #[test]
    fn labels_are_the_rfc_ones() {
        assert_eq!(KEY_PACKAGE_TBS_LABEL, b"KeyPackageTBS");
        assert_eq!(LAST_RESORT_DRAFT_EXTENSION_TYPE.0, 0x000a);
        assert!(!LAST_RESORT_DRAFT_EXTENSION_TYPE.is_default());
        assert!(!LAST_RESORT_DRAFT_EXTENSION_TYPE.is_grease());
    }
}
