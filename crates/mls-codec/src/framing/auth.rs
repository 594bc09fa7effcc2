//! Authentication data and authenticated content (RFC 9420 §6.1).
//!
//! ```text
//! struct {
//!     opaque signature<V>;
//!     select (FramedContent.content_type) {
//!         case commit:      MAC confirmation_tag;   /* opaque<V> */
//!         case application:
//!         case proposal:    struct{};
//!     };
//! } FramedContentAuthData;
//! struct { WireFormat wire_format; FramedContent content;
//!          FramedContentAuthData auth; } AuthenticatedContent;
//! ```
//!
//! `FramedContentAuthData` cannot be decoded alone: whether the confirmation
//! tag is present depends on the content type it belongs to, so decoding
//! takes it ([`FramedContentAuthData::decode_for`]). Encoding checks that the
//! tag is present exactly for commits.

use std::io::Write;

use tls_codec::{Serialize, Size, VLBytes};

use crate::codec::{Decode, Reader, tls_deserialize_bytes};
use crate::error::{CodecError, TAG_IFF_COMMIT, inconsistent};
use crate::framing::content::{ContentType, FramedContent};
use crate::primitives::WireFormat;

/// `FramedContentAuthData` (RFC 9420 §6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramedContentAuthData {
    /// `SignWithLabel(., "FramedContentTBS", FramedContentTBS)`.
    pub signature: VLBytes,
    /// The confirmation tag; present exactly when the content is a commit.
    pub confirmation_tag: Option<VLBytes>,
}

impl FramedContentAuthData {
    /// Decode the auth data of content of type `content_type`.
    pub fn decode_for(r: &mut Reader<'_>, content_type: ContentType) -> Result<Self, CodecError> {
        let signature = VLBytes::decode(r)?;
        let confirmation_tag = match content_type {
            ContentType::Commit => Some(VLBytes::decode(r)?),
            ContentType::Application | ContentType::Proposal => None,
        };
        Ok(FramedContentAuthData {
            signature,
            confirmation_tag,
        })
    }

    /// Check that the tag is present exactly for `content_type`.
    pub fn check_for(&self, content_type: ContentType) -> Result<(), CodecError> {
        if self.confirmation_tag.is_some() == (content_type == ContentType::Commit) {
            Ok(())
        } else {
            Err(CodecError::InconsistentFields {
                what: TAG_IFF_COMMIT,
            })
        }
    }
}

impl Size for FramedContentAuthData {
    fn tls_serialized_len(&self) -> usize {
        self.signature.tls_serialized_len()
            + self
                .confirmation_tag
                .as_ref()
                .map_or(0, Size::tls_serialized_len)
    }
}

/// Writes the signature and, if present, the tag (no presence octet: the
/// content type decides).
impl Serialize for FramedContentAuthData {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        let mut n = self.signature.tls_serialize(w)?;
        if let Some(tag) = &self.confirmation_tag {
            n += tag.tls_serialize(w)?;
        }
        Ok(n)
    }
}

/// `AuthenticatedContent` (RFC 9420 §6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedContent {
    /// The wire format the content is (or will be) sent in.
    pub wire_format: WireFormat,
    /// The content.
    pub content: FramedContent,
    /// Its signature and confirmation tag.
    pub auth: FramedContentAuthData,
}

impl Size for AuthenticatedContent {
    fn tls_serialized_len(&self) -> usize {
        self.wire_format.tls_serialized_len()
            + self.content.tls_serialized_len()
            + self.auth.tls_serialized_len()
    }
}

impl Serialize for AuthenticatedContent {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        if self.auth.check_for(self.content.content_type()).is_err() {
            return Err(inconsistent(TAG_IFF_COMMIT));
        }
        Ok(self.wire_format.tls_serialize(w)?
            + self.content.tls_serialize(w)?
            + self.auth.tls_serialize(w)?)
    }
}

impl Decode for AuthenticatedContent {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        let wire_format = WireFormat::decode(r)?;
        let content = FramedContent::decode(r)?;
        let auth = FramedContentAuthData::decode_for(r, content.content_type())?;
        Ok(AuthenticatedContent {
            wire_format,
            content,
            auth,
        })
    }
}
tls_deserialize_bytes!(AuthenticatedContent);
