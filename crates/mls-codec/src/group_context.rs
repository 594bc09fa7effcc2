//! The group context (RFC 9420 §8.1).
//!
//! ```text
//! struct {
//!     ProtocolVersion version = mls10;
//!     CipherSuite cipher_suite;
//!     opaque group_id<V>;
//!     uint64 epoch;
//!     opaque tree_hash<V>;
//!     opaque confirmed_transcript_hash<V>;
//!     Extension extensions<V>;
//! } GroupContext;
//! ```

use tls_codec::{TlsSerialize, TlsSize, VLBytes};

use crate::codec::decode_struct;
use crate::extension::Extension;
use crate::primitives::{CipherSuiteId, ProtocolVersion};

/// `GroupContext` (RFC 9420 §8.1).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct GroupContext {
    /// The protocol version (mls10).
    pub version: ProtocolVersion,
    /// The group's cipher suite.
    pub cipher_suite: CipherSuiteId,
    /// The group id.
    pub group_id: VLBytes,
    /// The epoch number.
    pub epoch: u64,
    /// The tree hash of the ratchet tree's root.
    pub tree_hash: VLBytes,
    /// The confirmed transcript hash.
    pub confirmed_transcript_hash: VLBytes,
    /// Group context extensions.
    pub extensions: Vec<Extension>,
}
decode_struct!(GroupContext {
    version,
    cipher_suite,
    group_id,
    epoch,
    tree_hash,
    confirmed_transcript_hash,
    extensions
});

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::codec::{decode, encode};

    pub(crate) fn sample_context() -> GroupContext {
        GroupContext {
            version: ProtocolVersion::MLS10,
            cipher_suite: CipherSuiteId(1),
            group_id: VLBytes::new(b"group".to_vec()),
            epoch: 3,
            tree_hash: VLBytes::new(vec![1; 32]),
            confirmed_transcript_hash: VLBytes::new(vec![2; 32]),
            extensions: vec![],
        }
    }

    #[test]
    fn round_trip() {
        let gc = sample_context();
        let bytes = encode(&gc).expect("encodes");
        assert_eq!(decode::<GroupContext>(&bytes), Ok(gc));
    }
}
