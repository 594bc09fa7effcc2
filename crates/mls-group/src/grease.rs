//! GREASE on send (RFC 9420 §13.5, GUIDANCE G-48), on by default.
//!
//! A client SHOULD put random GREASE values (`0x0A0A`, `0x1A1A`, ...,
//! `0xEAEA`) into the fields a correct receiver ignores: the four
//! capability lists of a LeafNode, `LeafNode.extensions`,
//! `KeyPackage.extensions` and `GroupInfo.extensions`. A peer that rejects
//! them has an extensibility bug, and GREASE finds it early.
//!
//! What this module draws:
//!
//! - [`GreaseDraw`]: one random GREASE value per capability list, a GREASE
//!   leaf extension (listed in `capabilities.extensions`, as the leaf
//!   validation of §7.3 requires) and a GREASE KeyPackage extension, both
//!   with a random amount of random data (§13.5: "MAY have any contents").
//!   [`crate::key_package::KeyPackageBuilder`] adds them unless
//!   `grease(false)`; every leaf the library makes from a builder (group
//!   creation, external joins, resumption) carries them, and Update and
//!   commit-path leaves keep the capabilities and extensions of the leaf
//!   they replace.
//! - [`group_info_extension`]: one GREASE GroupInfo extension, added to
//!   every GroupInfo the group signs (Welcome and exported) unless
//!   [`crate::GroupConfig::grease`] is false.
//!
//! Never sent where §13.5 forbids it (`Proposal.proposal_type`,
//! `Credential.credential_type`, `GroupContext.extensions`,
//! `GroupContextExtensions.extensions`), and a received GREASE value there
//! is rejected like any unsupported value: the client's own capabilities
//! are represented without GREASE ([`own_capabilities`]), so a GroupContext
//! extension of a GREASE type is one this client does not support.

use mls_codec::{Capabilities, Extension, ExtensionType, GREASE_VALUES, VLBytes, is_grease};
use mls_crypto::CipherSuiteProvider;

use crate::Result;

/// The largest random payload of a GREASE extension, in bytes.
const MAX_GREASE_DATA: usize = 16;

/// Random GREASE values for one LeafNode and its KeyPackage (RFC 9420
/// §13.5), one per field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GreaseDraw {
    /// For `capabilities.cipher_suites`.
    pub cipher_suite: u16,
    /// For `capabilities.proposals`.
    pub proposal: u16,
    /// For `capabilities.credentials`.
    pub credential: u16,
    /// The type of the GREASE leaf extension (also listed in
    /// `capabilities.extensions`).
    pub leaf_extension: u16,
    /// The type of the GREASE KeyPackage extension (differs from the leaf
    /// one, so the capability list shows two GREASE extension types).
    pub key_package_extension: u16,
}

impl GreaseDraw {
    /// Five values drawn from the provider's randomness.
    pub(crate) fn draw(cs: &dyn CipherSuiteProvider) -> Result<Self> {
        let r = cs.random_bytes(5)?;
        let byte = |i: usize| usize::from(r.get(i).copied().unwrap_or(0));
        let pick = |i: usize| GREASE_VALUES[byte(i) % GREASE_VALUES.len()];
        let n = GREASE_VALUES.len();
        let leaf = byte(3) % n;
        // Another value than the leaf extension's: offset 1..n-1.
        let kp = (leaf + 1 + byte(4) % (n - 1)) % n;
        Ok(GreaseDraw {
            cipher_suite: pick(0),
            proposal: pick(1),
            credential: pick(2),
            leaf_extension: GREASE_VALUES[leaf],
            key_package_extension: GREASE_VALUES[kp],
        })
    }
}

/// An extension of the GREASE type `extension_type` with 0 to 16 random
/// bytes of data (RFC 9420 §13.5).
pub(crate) fn grease_extension(
    cs: &dyn CipherSuiteProvider,
    extension_type: u16,
) -> Result<Extension> {
    let len = cs.random_bytes(1)?.first().copied().unwrap_or(0);
    let data = cs.random_bytes(usize::from(len) % (MAX_GREASE_DATA + 1))?;
    Ok(Extension {
        extension_type: ExtensionType(extension_type),
        extension_data: VLBytes::new(data),
    })
}

/// One GREASE GroupInfo extension of a random GREASE type (RFC 9420 §13.5).
pub(crate) fn group_info_extension(cs: &dyn CipherSuiteProvider) -> Result<Extension> {
    let pick = cs.random_bytes(1)?.first().copied().unwrap_or(0);
    let t = GREASE_VALUES[usize::from(pick) % GREASE_VALUES.len()];
    grease_extension(cs, t)
}

/// The client's own representation of `advertised` capabilities: the same
/// lists without GREASE values (RFC 9420 §13.5: "representations of a
/// client's own capabilities MUST NOT contain GREASE values"). Used
/// wherever this client compares what it supports itself.
pub fn own_capabilities(advertised: &Capabilities) -> Capabilities {
    Capabilities {
        versions: advertised.versions.clone(),
        cipher_suites: advertised
            .cipher_suites
            .iter()
            .copied()
            .filter(|v| !is_grease(v.0))
            .collect(),
        extensions: advertised
            .extensions
            .iter()
            .copied()
            .filter(|v| !is_grease(v.0))
            .collect(),
        proposals: advertised
            .proposals
            .iter()
            .copied()
            .filter(|v| !is_grease(v.0))
            .collect(),
        credentials: advertised
            .credentials
            .iter()
            .copied()
            .filter(|v| !is_grease(v.0))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mls_codec::{CipherSuiteId, CredentialType, ProposalType, ProtocolVersion};

    #[test]
    fn own_capabilities_drop_every_grease_value() {
        let advertised = Capabilities {
            versions: vec![ProtocolVersion::MLS10],
            cipher_suites: vec![CipherSuiteId(1), CipherSuiteId(0x2a2a)],
            extensions: vec![ExtensionType(0x0a0a), ExtensionType(0xff00)],
            proposals: vec![ProposalType(0xeaea), ProposalType(0xff01)],
            credentials: vec![CredentialType(1), CredentialType(0x5a5a)],
        };
        let own = own_capabilities(&advertised);
        assert_eq!(own.cipher_suites, [CipherSuiteId(1)]);
        assert_eq!(own.extensions, [ExtensionType(0xff00)]);
        assert_eq!(own.proposals, [ProposalType(0xff01)]);
        assert_eq!(own.credentials, [CredentialType(1)]);
        assert_eq!(own.versions, advertised.versions);
    }
}
