//! Leaf nodes (RFC 9420 §7.2): capabilities, lifetime, leaf node source,
//! the leaf node itself and its to-be-signed form `LeafNodeTBS`.
//!
//! ```text
//! struct {
//!     HPKEPublicKey encryption_key;
//!     SignaturePublicKey signature_key;
//!     Credential credential;
//!     Capabilities capabilities;
//!     LeafNodeSource leaf_node_source;
//!     select (LeafNode.leaf_node_source) {
//!         case key_package: Lifetime lifetime;
//!         case update:      struct{};
//!         case commit:      opaque parent_hash<V>;
//!     };
//!     Extension extensions<V>;
//!     opaque signature<V>;
//! } LeafNode;
//! ```

use std::io::Write;

use tls_codec::{Serialize, Size, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{
    Decode, Reader, decode_struct, encode_into, tls_deserialize_bytes, write_opaque,
};
use crate::credential::Credential;
use crate::error::CodecError;
use crate::extension::Extension;
use crate::primitives::{
    CipherSuiteId, CredentialType, ExtensionType, HpkePublicKey, ProposalType, ProtocolVersion,
    SignaturePublicKey,
};

/// `Capabilities` (RFC 9420 §7.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, TlsSerialize, TlsSize)]
pub struct Capabilities {
    /// Supported protocol versions.
    pub versions: Vec<ProtocolVersion>,
    /// Supported cipher suites.
    pub cipher_suites: Vec<CipherSuiteId>,
    /// Supported non-default extension types.
    pub extensions: Vec<ExtensionType>,
    /// Supported non-default proposal types.
    pub proposals: Vec<ProposalType>,
    /// Supported credential types.
    pub credentials: Vec<CredentialType>,
}
decode_struct!(Capabilities {
    versions,
    cipher_suites,
    extensions,
    proposals,
    credentials
});

/// `Lifetime` (RFC 9420 §7.2): seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, TlsSerialize, TlsSize)]
pub struct Lifetime {
    /// Start of validity.
    pub not_before: u64,
    /// End of validity.
    pub not_after: u64,
}
decode_struct!(Lifetime {
    not_before,
    not_after
});

/// `LeafNodeSource` with the data it selects (RFC 9420 §7.2). A closed
/// enum: 0 and values above 3 are rejected (V-2.1-10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeafNodeSource {
    /// `key_package` (1): the leaf of a KeyPackage, with its lifetime.
    KeyPackage(Lifetime),
    /// `update` (2): the leaf of an Update proposal.
    Update,
    /// `commit` (3): the leaf of a commit's UpdatePath, with its parent hash.
    Commit(VLBytes),
}

impl LeafNodeSource {
    /// The wire value of the source.
    pub fn source_type(&self) -> u8 {
        match self {
            LeafNodeSource::KeyPackage(_) => 1,
            LeafNodeSource::Update => 2,
            LeafNodeSource::Commit(_) => 3,
        }
    }
}

impl Size for LeafNodeSource {
    fn tls_serialized_len(&self) -> usize {
        1 + match self {
            LeafNodeSource::KeyPackage(l) => l.tls_serialized_len(),
            LeafNodeSource::Update => 0,
            LeafNodeSource::Commit(h) => h.tls_serialized_len(),
        }
    }
}

impl Serialize for LeafNodeSource {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        let n = self.source_type().tls_serialize(w)?;
        Ok(n + match self {
            LeafNodeSource::KeyPackage(l) => l.tls_serialize(w)?,
            LeafNodeSource::Update => 0,
            LeafNodeSource::Commit(h) => h.tls_serialize(w)?,
        })
    }
}

impl Decode for LeafNodeSource {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        match r.read_u8()? {
            1 => Ok(LeafNodeSource::KeyPackage(Decode::decode(r)?)),
            2 => Ok(LeafNodeSource::Update),
            3 => Ok(LeafNodeSource::Commit(Decode::decode(r)?)),
            value => Err(CodecError::InvalidEnumValue {
                what: "LeafNodeSource",
                value: value.into(),
            }),
        }
    }
}
tls_deserialize_bytes!(LeafNodeSource);

/// `LeafNode` (RFC 9420 §7.2).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct LeafNode {
    /// The leaf's HPKE public key.
    pub encryption_key: HpkePublicKey,
    /// The member's signature public key.
    pub signature_key: SignaturePublicKey,
    /// The member's credential.
    pub credential: Credential,
    /// What the member's client supports.
    pub capabilities: Capabilities,
    /// Where the leaf node came from, with the data that depends on it.
    pub leaf_node_source: LeafNodeSource,
    /// Leaf node extensions.
    pub extensions: Vec<Extension>,
    /// `SignWithLabel(., "LeafNodeTBS", LeafNodeTBS)`.
    pub signature: VLBytes,
}
decode_struct!(LeafNode {
    encryption_key,
    signature_key,
    credential,
    capabilities,
    leaf_node_source,
    extensions,
    signature
});

impl LeafNode {
    /// The serialized `LeafNodeTBS` (RFC 9420 §7.2): every field but the
    /// signature, then — only for the `update` and `commit` sources —
    /// `opaque group_id<V>` and `uint32 leaf_index`. For a `key_package`
    /// source `group_id` and `leaf_index` are ignored.
    pub fn tbs_bytes(&self, group_id: &[u8], leaf_index: u32) -> Result<Vec<u8>, CodecError> {
        let mut out = Vec::with_capacity(self.tls_serialized_len() + group_id.len() + 8);
        encode_into(&self.encryption_key, &mut out)?;
        encode_into(&self.signature_key, &mut out)?;
        encode_into(&self.credential, &mut out)?;
        encode_into(&self.capabilities, &mut out)?;
        encode_into(&self.leaf_node_source, &mut out)?;
        encode_into(&self.extensions, &mut out)?;
        match self.leaf_node_source {
            LeafNodeSource::KeyPackage(_) => {}
            LeafNodeSource::Update | LeafNodeSource::Commit(_) => {
                write_opaque(group_id, &mut out)?;
                out.extend_from_slice(&leaf_index.to_be_bytes());
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::codec::{decode, encode};

    /// A small leaf node for tests in this crate.
    pub(crate) fn sample_leaf(source: LeafNodeSource) -> LeafNode {
        LeafNode {
            encryption_key: HpkePublicKey::from(vec![1; 32]),
            signature_key: SignaturePublicKey::from(vec![2; 32]),
            credential: Credential::basic(b"alice".to_vec()),
            capabilities: Capabilities {
                versions: vec![ProtocolVersion::MLS10],
                cipher_suites: vec![CipherSuiteId(1), CipherSuiteId(0x2a2a)],
                extensions: vec![ExtensionType(0x3a3a)],
                proposals: vec![],
                credentials: vec![CredentialType::BASIC],
            },
            leaf_node_source: source,
            extensions: vec![],
            signature: VLBytes::new(vec![3; 64]),
        }
    }

    #[test]
    fn round_trips_all_sources() {
        for source in [
            LeafNodeSource::KeyPackage(Lifetime {
                not_before: 1,
                not_after: u64::MAX,
            }),
            LeafNodeSource::Update,
            LeafNodeSource::Commit(VLBytes::new(vec![9; 32])),
        ] {
            let leaf = sample_leaf(source);
            let bytes = encode(&leaf).expect("encodes");
            assert_eq!(decode::<LeafNode>(&bytes), Ok(leaf));
        }
    }

    #[test]
    fn rejects_bad_source() {
        for value in [0u8, 4, 255] {
            assert_eq!(
                decode::<LeafNodeSource>(&[value]),
                Err(CodecError::InvalidEnumValue {
                    what: "LeafNodeSource",
                    value: value.into()
                })
            );
        }
    }

    #[test]
    fn tbs_appends_group_and_index_only_for_update_and_commit() {
        let kp = sample_leaf(LeafNodeSource::KeyPackage(Lifetime::default()));
        let full = encode(&kp).expect("encodes");
        let tbs = kp.tbs_bytes(b"group", 7).expect("encodes");
        // TBS = everything but the trailing signature<V> (64 bytes + 2-byte header).
        assert_eq!(tbs, full[..full.len() - 66]);

        let up = sample_leaf(LeafNodeSource::Update);
        let full = encode(&up).expect("encodes");
        let tbs = up.tbs_bytes(b"group", 7).expect("encodes");
        let mut want = full[..full.len() - 66].to_vec();
        want.extend_from_slice(&[5, b'g', b'r', b'o', b'u', b'p', 0, 0, 0, 7]);
        assert_eq!(tbs, want);
    }
}
