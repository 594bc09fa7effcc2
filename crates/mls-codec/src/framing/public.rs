//! `PublicMessage` (RFC 9420 §6.2).
//!
//! ```text
//! struct {
//!     FramedContent content;
//!     FramedContentAuthData auth;
//!     select (PublicMessage.content.sender.sender_type) {
//!         case member: MAC membership_tag;
//!         case external:
//!         case new_member_commit:
//!         case new_member_proposal: struct{};
//!     };
//! } PublicMessage;
//! ```
//!
//! Any content type decodes, including `application` (which the protocol
//! forbids in a PublicMessage; rejecting it is the group layer's job, V-6-01).

use std::io::Write;

use tls_codec::{Serialize, Size, VLBytes};

use crate::codec::{Decode, Reader, tls_deserialize_bytes};
use crate::error::{CodecError, MEMBERSHIP_TAG_IFF_MEMBER, TAG_IFF_COMMIT, inconsistent};
use crate::framing::auth::{AuthenticatedContent, FramedContentAuthData};
use crate::framing::content::{FramedContent, Sender};
use crate::primitives::WireFormat;

/// `PublicMessage` (RFC 9420 §6.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicMessage {
    /// The content.
    pub content: FramedContent,
    /// Signature and (for commits) confirmation tag.
    pub auth: FramedContentAuthData,
    /// The membership tag; present exactly when the sender is a member.
    pub membership_tag: Option<VLBytes>,
}

impl PublicMessage {
    /// Check the two presence rules (§6.1 confirmation tag, §6.2 membership tag).
    pub fn check_consistency(&self) -> Result<(), CodecError> {
        self.auth.check_for(self.content.content_type())?;
        if self.membership_tag.is_some() != matches!(self.content.sender, Sender::Member(_)) {
            return Err(CodecError::InconsistentFields {
                what: MEMBERSHIP_TAG_IFF_MEMBER,
            });
        }
        Ok(())
    }

    /// The `AuthenticatedContent` of this message (wire format
    /// `mls_public_message`).
    pub fn authenticated_content(&self) -> AuthenticatedContent {
        AuthenticatedContent {
            wire_format: WireFormat::PUBLIC_MESSAGE,
            content: self.content.clone(),
            auth: self.auth.clone(),
        }
    }

    /// Build a PublicMessage from authenticated content and a membership tag
    /// (the content's own wire format is not checked).
    pub fn from_authenticated_content(
        content: AuthenticatedContent,
        membership_tag: Option<VLBytes>,
    ) -> Self {
        PublicMessage {
            content: content.content,
            auth: content.auth,
            membership_tag,
        }
    }
}

impl Size for PublicMessage {
    fn tls_serialized_len(&self) -> usize {
        self.content.tls_serialized_len()
            + self.auth.tls_serialized_len()
            + self
                .membership_tag
                .as_ref()
                .map_or(0, Size::tls_serialized_len)
    }
}

impl Serialize for PublicMessage {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        match self.check_consistency() {
            Ok(()) => {}
            Err(CodecError::InconsistentFields { what }) => return Err(inconsistent(what)),
            Err(_) => return Err(inconsistent(TAG_IFF_COMMIT)),
        }
        let mut n = self.content.tls_serialize(w)? + self.auth.tls_serialize(w)?;
        if let Some(tag) = &self.membership_tag {
            n += tag.tls_serialize(w)?;
        }
        Ok(n)
    }
}

impl Decode for PublicMessage {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        let content = FramedContent::decode(r)?;
        let auth = FramedContentAuthData::decode_for(r, content.content_type())?;
        let membership_tag = match content.sender {
            Sender::Member(_) => Some(VLBytes::decode(r)?),
            Sender::External(_) | Sender::NewMemberProposal | Sender::NewMemberCommit => None,
        };
        Ok(PublicMessage {
            content,
            auth,
            membership_tag,
        })
    }
}
tls_deserialize_bytes!(PublicMessage);
