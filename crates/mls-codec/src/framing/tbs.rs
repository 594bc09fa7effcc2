//! Byte strings signed, MACed or hashed over framed content
//! (RFC 9420 §6.1, §6.2, §8.2).
//!
//! ```text
//! struct {
//!     ProtocolVersion version = mls10;
//!     WireFormat wire_format;
//!     FramedContent content;
//!     select (FramedContentTBS.content.sender.sender_type) {
//!         case member:
//!         case new_member_commit: GroupContext context;
//!         case external:
//!         case new_member_proposal: struct{};
//!     };
//! } FramedContentTBS;
//! struct { FramedContentTBS content_tbs; FramedContentAuthData auth; } AuthenticatedContentTBM;
//! struct { WireFormat wire_format; FramedContent content; /* commit */
//!          opaque signature<V>; } ConfirmedTranscriptHashInput;
//! struct { MAC confirmation_tag; } InterimTranscriptHashInput;
//! ```

use crate::codec::{encode, encode_into, write_opaque};
use crate::error::CodecError;
use crate::framing::auth::{AuthenticatedContent, FramedContentAuthData};
use crate::framing::content::{ContentType, FramedContent};
use crate::framing::public::PublicMessage;
use crate::group_context::GroupContext;
use crate::primitives::{ProtocolVersion, WireFormat};

/// The rule checked by the FramedContentTBS builders (RFC 9420 §6.1).
pub const CONTEXT_IFF_MEMBER_SENDER: &str = "the group context is part of FramedContentTBS exactly \
     for member and new_member_commit senders (RFC 9420 §6.1)";

/// The rule checked by the ConfirmedTranscriptHashInput builder (RFC 9420 §8.2).
pub const TRANSCRIPT_NEEDS_COMMIT: &str =
    "ConfirmedTranscriptHashInput is built over commit content only (RFC 9420 §8.2)";

/// Serialized `FramedContentTBS` (RFC 9420 §6.1). `serialized_context` is the
/// encoded GroupContext; it must be given exactly when the sender is a
/// `member` or `new_member_commit`.
pub fn framed_content_tbs_bytes(
    wire_format: WireFormat,
    content: &FramedContent,
    serialized_context: Option<&[u8]>,
) -> Result<Vec<u8>, CodecError> {
    if serialized_context.is_some() != content.sender.signs_group_context() {
        return Err(CodecError::InconsistentFields {
            what: CONTEXT_IFF_MEMBER_SENDER,
        });
    }
    let mut out = Vec::new();
    encode_into(&ProtocolVersion::MLS10, &mut out)?;
    encode_into(&wire_format, &mut out)?;
    encode_into(content, &mut out)?;
    if let Some(context) = serialized_context {
        out.extend_from_slice(context);
    }
    Ok(out)
}

/// Serialized `AuthenticatedContentTBM` (RFC 9420 §6.2): a serialized
/// FramedContentTBS followed by the auth data.
pub fn authenticated_content_tbm_bytes(
    content_tbs: &[u8],
    auth: &FramedContentAuthData,
) -> Result<Vec<u8>, CodecError> {
    let mut out = content_tbs.to_vec();
    encode_into(auth, &mut out)?;
    Ok(out)
}

/// Serialized `ConfirmedTranscriptHashInput` (RFC 9420 §8.2); `content` must
/// be a commit.
pub fn confirmed_transcript_hash_input_bytes(
    wire_format: WireFormat,
    content: &FramedContent,
    signature: &[u8],
) -> Result<Vec<u8>, CodecError> {
    if content.content_type() != ContentType::Commit {
        return Err(CodecError::InconsistentFields {
            what: TRANSCRIPT_NEEDS_COMMIT,
        });
    }
    let mut out = Vec::new();
    encode_into(&wire_format, &mut out)?;
    encode_into(content, &mut out)?;
    write_opaque(signature, &mut out)?;
    Ok(out)
}

/// Serialized `InterimTranscriptHashInput` (RFC 9420 §8.2): the confirmation
/// tag as `opaque<V>`.
pub fn interim_transcript_hash_input_bytes(confirmation_tag: &[u8]) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::with_capacity(confirmation_tag.len() + 4);
    write_opaque(confirmation_tag, &mut out)?;
    Ok(out)
}

fn context_bytes(context: Option<&GroupContext>) -> Result<Option<Vec<u8>>, CodecError> {
    context.map(encode).transpose()
}

impl FramedContent {
    /// Serialized `FramedContentTBS` for this content sent in `wire_format`;
    /// `context` must be given exactly for member and new_member_commit
    /// senders (RFC 9420 §6.1).
    pub fn tbs_bytes(
        &self,
        wire_format: WireFormat,
        context: Option<&GroupContext>,
    ) -> Result<Vec<u8>, CodecError> {
        framed_content_tbs_bytes(wire_format, self, context_bytes(context)?.as_deref())
    }
}

impl AuthenticatedContent {
    /// Serialized `FramedContentTBS` of this content with its own wire format
    /// (RFC 9420 §6.1).
    pub fn tbs_bytes(&self, context: Option<&GroupContext>) -> Result<Vec<u8>, CodecError> {
        self.content.tbs_bytes(self.wire_format, context)
    }

    /// Serialized `AuthenticatedContentTBM` (RFC 9420 §6.2).
    pub fn tbm_bytes(&self, context: Option<&GroupContext>) -> Result<Vec<u8>, CodecError> {
        authenticated_content_tbm_bytes(&self.tbs_bytes(context)?, &self.auth)
    }

    /// Serialized `ConfirmedTranscriptHashInput` (RFC 9420 §8.2); the content
    /// must be a commit.
    pub fn confirmed_transcript_hash_input(&self) -> Result<Vec<u8>, CodecError> {
        confirmed_transcript_hash_input_bytes(
            self.wire_format,
            &self.content,
            self.auth.signature.as_slice(),
        )
    }
}

impl PublicMessage {
    /// Serialized `AuthenticatedContentTBM` (RFC 9420 §6.2) over which the
    /// membership tag is computed: wire format `mls_public_message`, with
    /// `context` (required for member senders).
    pub fn tbm_bytes(&self, context: Option<&GroupContext>) -> Result<Vec<u8>, CodecError> {
        let tbs = self
            .content
            .tbs_bytes(WireFormat::PUBLIC_MESSAGE, context)?;
        authenticated_content_tbm_bytes(&tbs, &self.auth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commit::Commit;
    use crate::framing::content::{FramedContentBody, Sender};
    use crate::group_context::tests::sample_context;
    use tls_codec::VLBytes;

    fn commit_content(sender: Sender) -> FramedContent {
        FramedContent {
            group_id: VLBytes::new(b"group".to_vec()),
            epoch: 3,
            sender,
            authenticated_data: VLBytes::new(vec![]),
            content: FramedContentBody::Commit(Commit::default()),
        }
    }

    #[test]
    fn tbs_layout() {
        let gc = sample_context();
        let content = commit_content(Sender::Member(1));
        let tbs = content
            .tbs_bytes(WireFormat::PUBLIC_MESSAGE, Some(&gc))
            .expect("builds");
        let mut want = vec![0, 1, 0, 1];
        want.extend(encode(&content).expect("encodes"));
        want.extend(encode(&gc).expect("encodes"));
        assert_eq!(tbs, want);
        assert_eq!(
            content.tbs_bytes(WireFormat::PUBLIC_MESSAGE, None),
            Err(CodecError::InconsistentFields {
                what: CONTEXT_IFF_MEMBER_SENDER
            })
        );
        let external = commit_content(Sender::External(0));
        assert_eq!(
            external.tbs_bytes(WireFormat::PUBLIC_MESSAGE, Some(&gc)),
            Err(CodecError::InconsistentFields {
                what: CONTEXT_IFF_MEMBER_SENDER
            })
        );
        assert!(external.tbs_bytes(WireFormat::PUBLIC_MESSAGE, None).is_ok());
    }

    #[test]
    fn transcript_inputs() {
        let ac = AuthenticatedContent {
            wire_format: WireFormat::PRIVATE_MESSAGE,
            content: commit_content(Sender::Member(0)),
            auth: FramedContentAuthData {
                signature: VLBytes::new(vec![9; 3]),
                confirmation_tag: Some(VLBytes::new(vec![7; 2])),
            },
        };
        let input = ac.confirmed_transcript_hash_input().expect("builds");
        let mut want = vec![0, 2];
        want.extend(encode(&ac.content).expect("encodes"));
        want.extend([3, 9, 9, 9]);
        assert_eq!(input, want);
        assert_eq!(
            interim_transcript_hash_input_bytes(&[7, 7]),
            Ok(vec![2, 7, 7])
        );
        let tbm = ac.tbm_bytes(Some(&sample_context())).expect("builds");
        let full = encode(&ac).expect("encodes");
        // TBM = version || TBS-without-version... ends with the auth data.
        assert!(tbm.ends_with(&full[full.len() - 7..]));
    }
}
