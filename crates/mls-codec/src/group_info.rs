//! Group info (RFC 9420 §12.4.3).
//!
//! ```text
//! struct {
//!     GroupContext group_context;
//!     Extension extensions<V>;
//!     MAC confirmation_tag;
//!     uint32 signer;
//!     /* SignWithLabel(., "GroupInfoTBS", GroupInfoTBS) */
//!     opaque signature<V>;
//! } GroupInfo;
//! ```

use tls_codec::{Size, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{decode_struct, encode_into};
use crate::error::CodecError;
use crate::extension::Extension;
use crate::group_context::GroupContext;

/// `GroupInfo` (RFC 9420 §12.4.3).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct GroupInfo {
    /// The group context of the new epoch.
    pub group_context: GroupContext,
    /// GroupInfo extensions (e.g. `ratchet_tree`, `external_pub`).
    pub extensions: Vec<Extension>,
    /// The confirmation tag of the new epoch.
    pub confirmation_tag: VLBytes,
    /// The leaf index of the signer.
    pub signer: u32,
    /// `SignWithLabel(., "GroupInfoTBS", GroupInfoTBS)`.
    pub signature: VLBytes,
}
decode_struct!(GroupInfo {
    group_context,
    extensions,
    confirmation_tag,
    signer,
    signature
});

impl GroupInfo {
    /// The serialized `GroupInfoTBS` (RFC 9420 §12.4.3): every field but the
    /// signature.
    pub fn tbs_bytes(&self) -> Result<Vec<u8>, CodecError> {
        let mut out = Vec::with_capacity(self.tls_serialized_len());
        encode_into(&self.group_context, &mut out)?;
        encode_into(&self.extensions, &mut out)?;
        encode_into(&self.confirmation_tag, &mut out)?;
        encode_into(&self.signer, &mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::codec::{decode, encode};
    use crate::extensions::RatchetTreeExtension;
    use crate::group_context::tests::sample_context;
    use crate::tree::tests::sample_tree;

    pub(crate) fn sample_group_info() -> GroupInfo {
        GroupInfo {
            group_context: sample_context(),
            extensions: vec![
                Extension::from_payload(&RatchetTreeExtension {
                    ratchet_tree: sample_tree(),
                })
                .expect("encodes"),
            ],
            confirmation_tag: VLBytes::new(vec![1; 32]),
            signer: 0,
            signature: VLBytes::new(vec![2; 64]),
        }
    }

    #[test]
    fn round_trip_and_tbs() {
        let gi = sample_group_info();
        let bytes = encode(&gi).expect("encodes");
        assert_eq!(decode::<GroupInfo>(&bytes), Ok(gi.clone()));
        assert_eq!(gi.tbs_bytes().expect("builds"), bytes[..bytes.len() - 66]);
    }
}
