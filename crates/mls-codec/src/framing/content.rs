//! Framed content and senders (RFC 9420 §6).
//!
//! ```text
//! enum { reserved(0), application(1), proposal(2), commit(3), (255) } ContentType;
//! enum { reserved(0), member(1), external(2), new_member_proposal(3),
//!        new_member_commit(4), (255) } SenderType;
//! struct { SenderType sender_type;
//!          select (Sender.sender_type) { case member: uint32 leaf_index;
//!                                        case external: uint32 sender_index;
//!                                        case new_member_commit:
//!                                        case new_member_proposal: struct{}; }; } Sender;
//! struct {
//!     opaque group_id<V>;
//!     uint64 epoch;
//!     Sender sender;
//!     opaque authenticated_data<V>;
//!     ContentType content_type;
//!     select (FramedContent.content_type) {
//!         case application: opaque application_data<V>;
//!         case proposal:    Proposal proposal;
//!         case commit:      Commit commit;
//!     };
//! } FramedContent;
//! ```
//!
//! `ContentType` and `SenderType` are closed (V-2.1-10).

use std::io::Write;

use tls_codec::{Serialize, Size, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{Decode, Reader, decode_struct, tls_deserialize_bytes};
use crate::commit::Commit;
use crate::error::CodecError;
use crate::proposals::Proposal;

/// `ContentType` (RFC 9420 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TlsSerialize, TlsSize)]
#[repr(u8)]
pub enum ContentType {
    /// `application` (1).
    Application = 1,
    /// `proposal` (2).
    Proposal = 2,
    /// `commit` (3).
    Commit = 3,
}

impl Decode for ContentType {
    const FIXED_SIZE: Option<usize> = Some(1);
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        match r.read_u8()? {
            1 => Ok(ContentType::Application),
            2 => Ok(ContentType::Proposal),
            3 => Ok(ContentType::Commit),
            value => Err(CodecError::InvalidEnumValue {
                what: "ContentType",
                value: value.into(),
            }),
        }
    }
}
tls_deserialize_bytes!(ContentType);

/// `Sender` (RFC 9420 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sender {
    /// `member` (1) with its leaf index.
    Member(u32),
    /// `external` (2) with its index in `external_senders`.
    External(u32),
    /// `new_member_proposal` (3).
    NewMemberProposal,
    /// `new_member_commit` (4).
    NewMemberCommit,
}

impl Sender {
    /// The wire `SenderType` value.
    pub fn sender_type(&self) -> u8 {
        match self {
            Sender::Member(_) => 1,
            Sender::External(_) => 2,
            Sender::NewMemberProposal => 3,
            Sender::NewMemberCommit => 4,
        }
    }

    /// Whether the FramedContentTBS of this sender includes the group context
    /// (RFC 9420 §6.1: `member` and `new_member_commit`).
    pub fn signs_group_context(&self) -> bool {
        matches!(self, Sender::Member(_) | Sender::NewMemberCommit)
    }
}

impl Size for Sender {
    fn tls_serialized_len(&self) -> usize {
        match self {
            Sender::Member(_) | Sender::External(_) => 5,
            Sender::NewMemberProposal | Sender::NewMemberCommit => 1,
        }
    }
}

impl Serialize for Sender {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        let n = self.sender_type().tls_serialize(w)?;
        Ok(n + match self {
            Sender::Member(i) | Sender::External(i) => i.tls_serialize(w)?,
            Sender::NewMemberProposal | Sender::NewMemberCommit => 0,
        })
    }
}

impl Decode for Sender {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        match r.read_u8()? {
            1 => Ok(Sender::Member(Decode::decode(r)?)),
            2 => Ok(Sender::External(Decode::decode(r)?)),
            3 => Ok(Sender::NewMemberProposal),
            4 => Ok(Sender::NewMemberCommit),
            value => Err(CodecError::InvalidEnumValue {
                what: "SenderType",
                value: value.into(),
            }),
        }
    }
}
tls_deserialize_bytes!(Sender);

/// The content-type-selected part of `FramedContent` (RFC 9420 §6). Its
/// encoding starts with the `ContentType` octet.
#[derive(Debug, Clone, PartialEq, Eq)]
// One body per message: its size is not multiplied by any input length.
#[allow(clippy::large_enum_variant)]
pub enum FramedContentBody {
    /// `application`: the application data.
    Application(VLBytes),
    /// `proposal`.
    Proposal(Proposal),
    /// `commit`.
    Commit(Commit),
}

impl FramedContentBody {
    /// The content type.
    pub fn content_type(&self) -> ContentType {
        match self {
            FramedContentBody::Application(_) => ContentType::Application,
            FramedContentBody::Proposal(_) => ContentType::Proposal,
            FramedContentBody::Commit(_) => ContentType::Commit,
        }
    }

    /// Size of the body without its content type octet.
    pub fn body_len(&self) -> usize {
        match self {
            FramedContentBody::Application(a) => a.tls_serialized_len(),
            FramedContentBody::Proposal(p) => p.tls_serialized_len(),
            FramedContentBody::Commit(c) => c.tls_serialized_len(),
        }
    }

    /// Write the body without its content type octet (as in
    /// `PrivateMessageContent`, RFC 9420 §6.3.1).
    pub fn serialize_body<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        match self {
            FramedContentBody::Application(a) => a.tls_serialize(w),
            FramedContentBody::Proposal(p) => p.tls_serialize(w),
            FramedContentBody::Commit(c) => c.tls_serialize(w),
        }
    }

    /// Read a body whose content type is known from elsewhere.
    pub fn decode_body(r: &mut Reader<'_>, content_type: ContentType) -> Result<Self, CodecError> {
        Ok(match content_type {
            ContentType::Application => FramedContentBody::Application(Decode::decode(r)?),
            ContentType::Proposal => FramedContentBody::Proposal(Decode::decode(r)?),
            ContentType::Commit => FramedContentBody::Commit(Decode::decode(r)?),
        })
    }
}

impl Size for FramedContentBody {
    fn tls_serialized_len(&self) -> usize {
        1 + self.body_len()
    }
}

impl Serialize for FramedContentBody {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        let n = self.content_type().tls_serialize(w)?;
        Ok(n + self.serialize_body(w)?)
    }
}

impl Decode for FramedContentBody {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        let content_type = ContentType::decode(r)?;
        Self::decode_body(r, content_type)
    }
}
tls_deserialize_bytes!(FramedContentBody);

/// `FramedContent` (RFC 9420 §6).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct FramedContent {
    /// The group id.
    pub group_id: VLBytes,
    /// The epoch.
    pub epoch: u64,
    /// Who sent it.
    pub sender: Sender,
    /// Additional authenticated data from the application.
    pub authenticated_data: VLBytes,
    /// The content, with its type.
    pub content: FramedContentBody,
}
decode_struct!(FramedContent {
    group_id,
    epoch,
    sender,
    authenticated_data,
    content
});

impl FramedContent {
    /// The content type.
    pub fn content_type(&self) -> ContentType {
        self.content.content_type()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{decode, encode};

    #[test]
    fn rejects_closed_enums() {
        for v in [0u8, 4, 0xff] {
            assert_eq!(
                decode::<ContentType>(&[v]),
                Err(CodecError::InvalidEnumValue {
                    what: "ContentType",
                    value: v.into()
                })
            );
        }
        for v in [0u8, 5] {
            assert_eq!(
                decode::<Sender>(&[v]),
                Err(CodecError::InvalidEnumValue {
                    what: "SenderType",
                    value: v.into()
                })
            );
        }
    }

    #[test]
    fn senders_round_trip() {
        for s in [
            Sender::Member(3),
            Sender::External(0),
            Sender::NewMemberProposal,
            Sender::NewMemberCommit,
        ] {
            let bytes = encode(&s).expect("encodes");
            assert_eq!(decode::<Sender>(&bytes), Ok(s));
        }
    }
}
