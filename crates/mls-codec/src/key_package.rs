//! Key packages (RFC 9420 §10).
//!
//! ```text
//! struct {
//!     ProtocolVersion version;
//!     CipherSuite cipher_suite;
//!     HPKEPublicKey init_key;
//!     LeafNode leaf_node;
//!     Extension extensions<V>;
//!     opaque signature<V>;   /* SignWithLabel(., "KeyPackageTBS", KeyPackageTBS) */
//! } KeyPackage;
//! ```

use tls_codec::{Size, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{decode_struct, encode_into};
use crate::error::CodecError;
use crate::extension::Extension;
use crate::leaf_node::LeafNode;
use crate::primitives::{CipherSuiteId, HpkePublicKey, ProtocolVersion};

/// `KeyPackage` (RFC 9420 §10).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct KeyPackage {
    /// The protocol version.
    pub version: ProtocolVersion,
    /// The cipher suite.
    pub cipher_suite: CipherSuiteId,
    /// The HPKE key the Welcome is encrypted to.
    pub init_key: HpkePublicKey,
    /// The leaf node the member will occupy.
    pub leaf_node: LeafNode,
    /// Key package extensions.
    pub extensions: Vec<Extension>,
    /// `SignWithLabel(., "KeyPackageTBS", KeyPackageTBS)`.
    pub signature: VLBytes,
}
decode_struct!(KeyPackage {
    version,
    cipher_suite,
    init_key,
    leaf_node,
    extensions,
    signature
});

impl KeyPackage {
    /// The serialized `KeyPackageTBS` (RFC 9420 §10): every field but the
    /// signature.
    pub fn tbs_bytes(&self) -> Result<Vec<u8>, CodecError> {
        let mut out = Vec::with_capacity(self.tls_serialized_len());
        encode_into(&self.version, &mut out)?;
        encode_into(&self.cipher_suite, &mut out)?;
        encode_into(&self.init_key, &mut out)?;
        encode_into(&self.leaf_node, &mut out)?;
        encode_into(&self.extensions, &mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::codec::{decode, encode};
    use crate::leaf_node::tests::sample_leaf;
    use crate::leaf_node::{LeafNodeSource, Lifetime};

    pub(crate) fn sample_key_package() -> KeyPackage {
        KeyPackage {
            version: ProtocolVersion::MLS10,
            cipher_suite: CipherSuiteId(1),
            init_key: HpkePublicKey::from(vec![4; 32]),
            leaf_node: sample_leaf(LeafNodeSource::KeyPackage(Lifetime {
                not_before: 0,
                not_after: u64::MAX,
            })),
            extensions: vec![],
            signature: VLBytes::new(vec![5; 64]),
        }
    }

    #[test]
    fn round_trip_and_tbs() {
        let kp = sample_key_package();
        let bytes = encode(&kp).expect("encodes");
        assert_eq!(decode::<KeyPackage>(&bytes), Ok(kp.clone()));
        assert_eq!(kp.tbs_bytes().expect("encodes"), bytes[..bytes.len() - 66]);
    }
}
