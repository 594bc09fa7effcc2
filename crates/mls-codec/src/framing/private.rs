//! `PrivateMessage` and the structs around its encryption (RFC 9420 §6.3).
//!
//! ```text
//! struct { opaque group_id<V>; uint64 epoch; ContentType content_type;
//!          opaque authenticated_data<V>; opaque encrypted_sender_data<V>;
//!          opaque ciphertext<V>; } PrivateMessage;
//! struct {
//!     select (PrivateMessage.content_type) {
//!         case application: opaque application_data<V>;
//!         case proposal:    Proposal proposal;
//!         case commit:      Commit commit;
//!     };
//!     FramedContentAuthData auth;
//!     opaque padding[length_of_padding];
//! } PrivateMessageContent;
//! struct { opaque group_id<V>; uint64 epoch; ContentType content_type;
//!          opaque authenticated_data<V>; } PrivateContentAAD;
//! struct { uint32 leaf_index; uint32 generation; opaque reuse_guard[4]; } SenderData;
//! struct { opaque group_id<V>; uint64 epoch; ContentType content_type; } SenderDataAAD;
//! ```

use std::io::Write;

use tls_codec::{Serialize, Size, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{Reader, decode_struct};
use crate::error::{CodecError, TAG_IFF_COMMIT, inconsistent};
use crate::framing::auth::FramedContentAuthData;
use crate::framing::content::{ContentType, FramedContentBody};

/// `PrivateMessage` (RFC 9420 §6.3).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct PrivateMessage {
    /// The group id.
    pub group_id: VLBytes,
    /// The epoch.
    pub epoch: u64,
    /// The type of the encrypted content.
    pub content_type: ContentType,
    /// Additional authenticated data from the application.
    pub authenticated_data: VLBytes,
    /// The encrypted `SenderData`.
    pub encrypted_sender_data: VLBytes,
    /// The encrypted `PrivateMessageContent`.
    pub ciphertext: VLBytes,
}
decode_struct!(PrivateMessage {
    group_id,
    epoch,
    content_type,
    authenticated_data,
    encrypted_sender_data,
    ciphertext
});

/// `PrivateContentAAD` (RFC 9420 §6.3.1), the AAD of the content encryption.
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct PrivateContentAad {
    /// The group id.
    pub group_id: VLBytes,
    /// The epoch.
    pub epoch: u64,
    /// The content type.
    pub content_type: ContentType,
    /// Additional authenticated data from the application.
    pub authenticated_data: VLBytes,
}
decode_struct!(PrivateContentAad {
    group_id,
    epoch,
    content_type,
    authenticated_data
});

/// `SenderData` (RFC 9420 §6.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct SenderData {
    /// The sender's leaf index.
    pub leaf_index: u32,
    /// The generation of the key used.
    pub generation: u32,
    /// XORed into the first four nonce bytes.
    pub reuse_guard: [u8; 4],
}
decode_struct!(SenderData {
    leaf_index,
    generation,
    reuse_guard
});

/// `SenderDataAAD` (RFC 9420 §6.3.2), the AAD of the sender data encryption.
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct SenderDataAad {
    /// The group id.
    pub group_id: VLBytes,
    /// The epoch.
    pub epoch: u64,
    /// The content type.
    pub content_type: ContentType,
}
decode_struct!(SenderDataAad {
    group_id,
    epoch,
    content_type
});

/// `PrivateMessageContent` (RFC 9420 §6.3.1): the plaintext of a
/// PrivateMessage. The content type is not on the wire (it is in the
/// PrivateMessage header), so [`PrivateMessageContent::decode`] takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateMessageContent {
    /// The content (its type is written in the PrivateMessage, not here).
    pub content: FramedContentBody,
    /// Signature and (for commits) confirmation tag.
    pub auth: FramedContentAuthData,
    /// Number of zero padding bytes at the end.
    pub padding_len: usize,
}

impl PrivateMessageContent {
    /// Decode a plaintext of the given content type. The padding (everything
    /// after the auth data) must be all zero; every byte is checked, with no
    /// early exit (RFC 9420 §6.3.1).
    pub fn decode(plaintext: &[u8], content_type: ContentType) -> Result<Self, CodecError> {
        let mut r = Reader::new(plaintext);
        let content = FramedContentBody::decode_body(&mut r, content_type)?;
        let auth = FramedContentAuthData::decode_for(&mut r, content_type)?;
        let padding = r.rest();
        if padding.iter().fold(0u8, |acc, b| acc | b) != 0 {
            return Err(CodecError::NonZeroPadding);
        }
        Ok(PrivateMessageContent {
            content,
            auth,
            padding_len: padding.len(),
        })
    }

    /// The content type (to be written in the PrivateMessage header).
    pub fn content_type(&self) -> ContentType {
        self.content.content_type()
    }
}

impl Size for PrivateMessageContent {
    fn tls_serialized_len(&self) -> usize {
        self.content.body_len() + self.auth.tls_serialized_len() + self.padding_len
    }
}

/// Writes the body without content type, the auth data and the zero padding.
impl Serialize for PrivateMessageContent {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        if self.auth.check_for(self.content.content_type()).is_err() {
            return Err(inconsistent(TAG_IFF_COMMIT));
        }
        let n = self.content.serialize_body(w)? + self.auth.tls_serialize(w)?;
        let zeros = [0u8; 256];
        let mut left = self.padding_len;
        while left > 0 {
            let chunk = left.min(zeros.len());
            w.write_all(&zeros[..chunk])?;
            left -= chunk;
        }
        Ok(n + self.padding_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode;

    #[test]
    fn content_round_trip_with_padding() {
        let pmc = PrivateMessageContent {
            content: FramedContentBody::Application(VLBytes::new(b"hi".to_vec())),
            auth: FramedContentAuthData {
                signature: VLBytes::new(vec![1; 64]),
                confirmation_tag: None,
            },
            padding_len: 300,
        };
        let bytes = encode(&pmc).expect("encodes");
        assert_eq!(bytes.len(), 3 + 66 + 300);
        assert_eq!(
            PrivateMessageContent::decode(&bytes, ContentType::Application),
            Ok(pmc)
        );
    }

    #[test]
    fn rejects_non_zero_padding() {
        let mut bytes = vec![1, b'x', 1, 0xaa];
        bytes.extend_from_slice(&[0, 0, 0, 1]);
        assert_eq!(
            PrivateMessageContent::decode(&bytes, ContentType::Application),
            Err(CodecError::NonZeroPadding)
        );
        bytes.pop();
        assert!(PrivateMessageContent::decode(&bytes, ContentType::Application).is_ok());
    }

    #[test]
    fn rejects_tag_mismatch_on_encode() {
        let pmc = PrivateMessageContent {
            content: FramedContentBody::Application(VLBytes::new(vec![])),
            auth: FramedContentAuthData {
                signature: VLBytes::new(vec![]),
                confirmation_tag: Some(VLBytes::new(vec![1])),
            },
            padding_len: 0,
        };
        assert_eq!(
            encode(&pmc),
            Err(CodecError::InconsistentFields {
                what: TAG_IFF_COMMIT
            })
        );
    }
}
