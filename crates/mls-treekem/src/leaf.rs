//! LeafNode validation (RFC 9420 §7.2, §7.3), in the order §7.3 lists the
//! steps: credential, signature, lifetime, extensions supported, leaf node
//! source, key uniqueness.
//!
//! The group-level steps of §7.3 that need the GroupContext or the other
//! members' capabilities (required capabilities, credential types supported
//! by every member) belong to the group layer and are not checked here.
//!
//! Credential acceptance is the application's decision
//! ([`CredentialValidator`], default [`BasicCredentialValidator`]); lifetime
//! checks read an injectable [`Clock`] and can be switched off
//! ([`LeafValidationPolicy::without_time_checks`]), as the official passive
//! test vectors need.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use mls_codec::{Credential, CredentialType, ExtensionType, LeafNode, LeafNodeSource};
use mls_crypto::CipherSuiteProvider;
use mls_crypto::labeled::verify_with_label;
use mls_treemath::{LeafIndex, NodeIndex};

use crate::view::TreeView;
use crate::{Result, TreeKemError};

/// The signature label of LeafNodeTBS (RFC 9420 §7.2).
pub const LEAF_NODE_TBS_LABEL: &[u8] = b"LeafNodeTBS";

/// The application's credential check (RFC 9420 §5.3.1, §7.3 step 1).
///
/// Besides accepting a credential on its own, the validator decides
/// identity continuity (issue 15 item 4): [`CredentialValidator::valid_successor`]
/// is called whenever a leaf's credential is replaced (an Update proposal,
/// a Commit's path leaf, an external Commit that resyncs a member), with the
/// old and the new credential ([`check_credential_replacement`]); and
/// [`CredentialValidator::identity`] tells which members are the same
/// client, so that a new member cannot take a current member's identity.
pub trait CredentialValidator: Send + Sync {
    /// Whether `credential` is acceptable and binds `signature_key`.
    fn accept(&self, credential: &Credential, signature_key: &[u8]) -> bool;

    /// Whether `new` names the same client as `old`, so that a leaf with
    /// `new` may replace one with `old` (RFC 9420 §5.3.1 "valid successor";
    /// §12.4.3.2: the Remove of a resync external Commit names the joiner's
    /// own earlier leaf). Decided by identity, never by signature key. The
    /// default: two basic credentials with equal identities, or equal
    /// credentials of any other type.
    fn valid_successor(&self, old: &Credential, new: &Credential) -> bool {
        match (old, new) {
            (Credential::Basic { identity: a }, Credential::Basic { identity: b }) => a == b,
            (a, b) => a == b,
        }
    }

    /// The client identity `credential` presents, compared between members
    /// and across a leaf's replacements; `None` when this validator does not
    /// compare identities of that kind. Default: a basic credential's
    /// identity bytes; `None` for other types.
    fn identity(&self, credential: &Credential) -> Option<Vec<u8>> {
        match credential {
            Credential::Basic { identity } => Some(identity.as_slice().to_vec()),
            _ => None,
        }
    }
}

/// The default validator: accepts basic credentials with a non-empty
/// identity, rejects every other type; identities are the basic identity
/// bytes, and a leaf keeps its identity.
#[derive(Debug, Clone, Copy, Default)]
pub struct BasicCredentialValidator;

impl CredentialValidator for BasicCredentialValidator {
    fn accept(&self, credential: &Credential, _signature_key: &[u8]) -> bool {
        // An empty identity names nobody (issue 15 item 4).
        matches!(credential, Credential::Basic { identity } if !identity.as_slice().is_empty())
    }
}

/// RFC 9420 §5.3.1 (V-5.3.1-08): the credential of `new`, replacing `old`
/// at `leaf`, represents the same client, per the application's validator.
/// The one check for every replacement: Update proposals, commit paths and
/// external-commit resyncs.
pub fn check_credential_replacement(
    policy: &LeafValidationPolicy,
    leaf: LeafIndex,
    old: &LeafNode,
    new: &LeafNode,
) -> Result<()> {
    // A credential the application refuses outright is reported as such
    // (V-7.3-01), before asking whether it succeeds the old one.
    if !policy
        .credential_validator
        .accept(&new.credential, new.signature_key.as_slice())
    {
        return Err(TreeKemError::CredentialRejected {
            leaf: Some(leaf.get()),
        });
    }
    if old.credential == new.credential
        || policy
            .credential_validator
            .valid_successor(&old.credential, &new.credential)
    {
        Ok(())
    } else {
        Err(TreeKemError::CredentialNotSuccessor { leaf: leaf.get() })
    }
}

/// The current time, in seconds since the Unix epoch.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// A fixed time (tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now(&self) -> u64 {
        self.0
    }
}

/// The application's check of the extension types it defines (RFC 9420
/// §13): called for every extension of a received list, with the object
/// the list belongs to. An unknown type is accepted (§13.4 handles it).
pub trait ExtensionValidator: Send + Sync {
    /// Accept `extension` found in `container`, or say why not.
    fn check(
        &self,
        container: mls_codec::ExtensionContainer,
        extension: &mls_codec::Extension,
    ) -> std::result::Result<(), String>;
}

/// The policy choices of leaf validation.
#[derive(Clone)]
pub struct LeafValidationPolicy {
    /// Credential acceptance (V-7.3-01).
    pub credential_validator: Arc<dyn CredentialValidator>,
    /// The clock for lifetime checks; `None` switches current-time checks
    /// off (V-7.3-10/11 are RECOMMENDED, not MUST, for received leaves).
    pub clock: Option<Arc<dyn Clock>>,
    /// The largest accepted `not_after - not_before` (V-7.2-03); `None` for no limit.
    pub max_lifetime: Option<u64>,
    /// The application's extension types (RFC 9420 §13), checked in every
    /// leaf's extensions (V-13-03); `None`: no application types.
    pub extension_validator: Option<Arc<dyn ExtensionValidator>>,
}

impl std::fmt::Debug for LeafValidationPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeafValidationPolicy")
            .field("time_checks", &self.clock.is_some())
            .field("max_lifetime", &self.max_lifetime)
            .finish()
    }
}

impl Default for LeafValidationPolicy {
    /// Basic credentials accepted, lifetimes checked against the system clock.
    fn default() -> Self {
        LeafValidationPolicy {
            credential_validator: Arc::new(BasicCredentialValidator),
            clock: Some(Arc::new(SystemClock)),
            max_lifetime: None,
            extension_validator: None,
        }
    }
}

impl LeafValidationPolicy {
    /// The default policy without current-time lifetime checks (test vectors,
    /// or a joiner that accepts expired leaves of offline members, G-27).
    pub fn without_time_checks() -> Self {
        LeafValidationPolicy {
            clock: None,
            ..Self::default()
        }
    }
}

/// Where a LeafNode appears, which fixes the expected `leaf_node_source`
/// and the signing context (RFC 9420 §7.3).
#[derive(Debug, Clone, Copy)]
pub enum LeafContext<'a> {
    /// In a KeyPackage: source must be `key_package`.
    KeyPackage,
    /// In an Update proposal from `leaf`: source must be `update`.
    Update {
        /// The group id signed in LeafNodeTBS.
        group_id: &'a [u8],
        /// The leaf the node replaces.
        leaf: LeafIndex,
    },
    /// In the UpdatePath of a Commit from `leaf`: source must be `commit`.
    Commit {
        /// The group id signed in LeafNodeTBS.
        group_id: &'a [u8],
        /// The committer's leaf.
        leaf: LeafIndex,
    },
    /// In a ratchet tree at `leaf`: any source, signed according to it.
    Tree {
        /// The group id signed in LeafNodeTBS (update/commit sources).
        group_id: &'a [u8],
        /// The leaf's position.
        leaf: LeafIndex,
    },
}

impl LeafContext<'_> {
    fn leaf(&self) -> Option<u32> {
        match self {
            LeafContext::KeyPackage => None,
            LeafContext::Update { leaf, .. }
            | LeafContext::Commit { leaf, .. }
            | LeafContext::Tree { leaf, .. } => Some(leaf.get()),
        }
    }

    fn group_id_and_index(&self) -> (&[u8], u32) {
        match self {
            LeafContext::KeyPackage => (&[], 0),
            LeafContext::Update { group_id, leaf }
            | LeafContext::Commit { group_id, leaf }
            | LeafContext::Tree { group_id, leaf } => (group_id, leaf.get()),
        }
    }
}

/// The name of a leaf node source (for errors).
fn source_name(source: &LeafNodeSource) -> &'static str {
    match source {
        LeafNodeSource::KeyPackage(_) => "key_package",
        LeafNodeSource::Update => "update",
        LeafNodeSource::Commit(_) => "commit",
    }
}

/// Extension types that are never listed in capabilities (RFC 9420 §7.2).
fn is_default_extension(t: ExtensionType) -> bool {
    (1..=5).contains(&t.0)
}

/// Verify the LeafNode signature (RFC 9420 §7.2, §7.3 step 2) with the
/// signing context that its source requires.
pub fn verify_leaf_signature(
    cs: &dyn CipherSuiteProvider,
    leaf: &LeafNode,
    group_id: &[u8],
    leaf_index: u32,
    reported: Option<u32>,
) -> Result<()> {
    let tbs = leaf.tbs_bytes(group_id, leaf_index)?;
    verify_with_label(
        cs,
        leaf.signature_key.as_slice(),
        LEAF_NODE_TBS_LABEL,
        &tbs,
        leaf.signature.as_slice(),
    )
    .map_err(|_| TreeKemError::LeafSignatureInvalid { leaf: reported })
}

/// Validate a LeafNode on its own (RFC 9420 §7.2, §7.3), without the
/// uniqueness of its keys (see [`check_leaf_keys_unique`]).
pub fn validate_leaf_node(
    cs: &dyn CipherSuiteProvider,
    leaf: &LeafNode,
    context: LeafContext<'_>,
    policy: &LeafValidationPolicy,
) -> Result<()> {
    let who = context.leaf();

    // §7.3: the credential is valid (§5.3.1), per the application (V-7.3-01).
    if !policy
        .credential_validator
        .accept(&leaf.credential, leaf.signature_key.as_slice())
    {
        return Err(TreeKemError::CredentialRejected { leaf: who });
    }

    // §7.3: the leaf_node_source matches where the LeafNode appears
    // (V-7.3-12/13/15). Checked before the signature, whose context depends on it.
    let expected = match context {
        LeafContext::KeyPackage => Some("key_package"),
        LeafContext::Update { .. } => Some("update"),
        LeafContext::Commit { .. } => Some("commit"),
        LeafContext::Tree { .. } => None,
    };
    let actual = source_name(&leaf.leaf_node_source);
    if let Some(expected) = expected
        && expected != actual
    {
        return Err(TreeKemError::WrongLeafNodeSource { expected, actual });
    }

    // §7.3: the signature verifies (V-7.3-02, V-7.2-06).
    let (group_id, index) = context.group_id_and_index();
    verify_leaf_signature(cs, leaf, group_id, index, who)?;

    // §7.2/§7.3: lifetime (V-7.2-03, V-7.2-04, V-7.3-10/11).
    if let LeafNodeSource::KeyPackage(lifetime) = &leaf.leaf_node_source {
        if lifetime.not_before > lifetime.not_after {
            return Err(TreeKemError::LifetimeInverted { leaf: who });
        }
        if let Some(max) = policy.max_lifetime
            && lifetime.not_after - lifetime.not_before > max
        {
            return Err(TreeKemError::LifetimeTooLong { leaf: who });
        }
        if let Some(clock) = &policy.clock {
            let now = clock.now();
            if now < lifetime.not_before || now > lifetime.not_after {
                return Err(TreeKemError::LifetimeExpired { leaf: who, now });
            }
        }
    }

    // §7.2/§7.3: every non-default extension is in the capabilities (V-7.2-01).
    for ext in &leaf.extensions {
        let t = ext.extension_type;
        if !is_default_extension(t) && !leaf.capabilities.extensions.contains(&t) {
            return Err(TreeKemError::ExtensionNotSupported {
                leaf: who,
                extension_type: t.0,
            });
        }
    }

    // §13: the application's own extension types (V-13-03).
    if let Some(validator) = &policy.extension_validator {
        for ext in &leaf.extensions {
            validator
                .check(mls_codec::ExtensionContainer::LeafNode, ext)
                .map_err(|reason| TreeKemError::ExtensionRefused {
                    leaf: who,
                    extension_type: ext.extension_type.0,
                    reason,
                })?;
        }
    }

    // §7.2: the credential type is in the capabilities (V-7.2-02).
    let ct: CredentialType = leaf.credential.credential_type();
    if !leaf.capabilities.credentials.contains(&ct) {
        return Err(TreeKemError::CredentialTypeNotSupported {
            leaf: who,
            credential_type: ct.0,
        });
    }
    Ok(())
}

/// RFC 9420 §7.3 last step (V-7.3-16, V-7.3-17): the LeafNode that is (or
/// will be) at `position` shares neither its signature key with another
/// leaf nor its encryption key with another node of `view`. Nodes on
/// `ignore` (e.g. a direct path being replaced) are skipped.
pub fn check_leaf_keys_unique<V: TreeView + ?Sized>(
    view: &V,
    position: LeafIndex,
    leaf: &LeafNode,
    ignore: &[NodeIndex],
) -> Result<()> {
    let own = position.node();
    let skip = |n: &NodeIndex| *n != own && !ignore.contains(n);
    if let Some(other) = view
        .nodes_with_encryption_key(leaf.encryption_key.as_slice())
        .into_iter()
        .find(skip)
    {
        return Err(TreeKemError::DuplicateEncryptionKey {
            first: other.get().min(own.get()),
            second: other.get().max(own.get()),
        });
    }
    if let Some(other) = view
        .leaves_with_signature_key(leaf.signature_key.as_slice())
        .into_iter()
        .find(|l| skip(&l.node()))
    {
        return Err(TreeKemError::DuplicateSignatureKey {
            first: other.get().min(position.get()),
            second: other.get().max(position.get()),
        });
    }
    Ok(())
}
