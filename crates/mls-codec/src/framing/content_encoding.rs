//! One encoding of a received message's content for every byte string
//! computed over it (RFC 9420 §5.1.2, §6.1, §6.2, §8.2).
//!
//! ```text
//! [room for a SignContent header] version wire_format FramedContent [GroupContext] FramedContentAuthData
//!                                 |<------------------- FramedContentTBS ------------>|
//!                                 |<------------------- AuthenticatedContentTBM ---------------------->|
//!                                         |<- transcript part 1 ->|                    |<- part 2: signature<V>
//! ```
//!
//! Why: a member's Commit is as large as its UpdatePath (one ciphertext per
//! copath leaf, about 1 MB at 10,000 members), and a receiver needs the
//! FramedContentTBS for the signature, the AuthenticatedContentTBM for the
//! membership tag and the ConfirmedTranscriptHashInput for the transcript
//! hash. Built separately, that is three encodings and three copies of the
//! whole content; here it is one encoding, and each string is a slice of it
//! (the transcript input is two slices, hashed in parts). The room at the
//! front takes the `SignContent` header of §5.1.2 (label and content length),
//! so the signed bytes are a slice too.

use crate::codec::encode_into;
use crate::error::CodecError;
use crate::framing::auth::FramedContentAuthData;
use crate::framing::content::{ContentType, FramedContent};
use crate::framing::tbs::{CONTEXT_IFF_MEMBER_SENDER, TRANSCRIPT_NEEDS_COMMIT};
use crate::group_context::GroupContext;
use crate::primitives::{ProtocolVersion, WireFormat};

/// The encodings of one signed content (module docs).
#[derive(Clone, Debug)]
pub struct ContentEncoding {
    buf: Vec<u8>,
    /// Where the FramedContentTBS starts (the header room before it).
    tbs_start: usize,
    /// The end of `wire_format || FramedContent`.
    framed_end: usize,
    /// The end of the FramedContentTBS.
    tbs_end: usize,
    /// The end of `signature<V>`, the first field of the auth data.
    signature_end: usize,
    is_commit: bool,
}

/// The length of `version` (a `uint16`) at the start of the TBS.
const VERSION_LEN: usize = 2;

impl ContentEncoding {
    /// Encode `content` sent as `wire_format` with its `auth` data, leaving
    /// `header_room` bytes in front of the FramedContentTBS. `context` must
    /// be given exactly for member and new_member_commit senders (§6.1).
    pub fn new(
        wire_format: WireFormat,
        content: &FramedContent,
        context: Option<&GroupContext>,
        auth: &FramedContentAuthData,
        header_room: usize,
    ) -> Result<Self, CodecError> {
        if context.is_some() != content.sender.signs_group_context() {
            return Err(CodecError::InconsistentFields {
                what: CONTEXT_IFF_MEMBER_SENDER,
            });
        }
        let mut buf = vec![0; header_room];
        encode_into(&ProtocolVersion::MLS10, &mut buf)?;
        encode_into(&wire_format, &mut buf)?;
        encode_into(content, &mut buf)?;
        let framed_end = buf.len();
        if let Some(context) = context {
            encode_into(context, &mut buf)?;
        }
        let tbs_end = buf.len();
        encode_into(&auth.signature, &mut buf)?;
        let signature_end = buf.len();
        if let Some(tag) = &auth.confirmation_tag {
            encode_into(tag, &mut buf)?;
        }
        Ok(ContentEncoding {
            buf,
            tbs_start: header_room,
            framed_end,
            tbs_end,
            signature_end,
            is_commit: content.content_type() == ContentType::Commit,
        })
    }

    /// The serialized `FramedContentTBS` (§6.1).
    pub fn tbs(&self) -> &[u8] {
        &self.buf[self.tbs_start..self.tbs_end]
    }

    /// The serialized `AuthenticatedContentTBM` (§6.2): the TBS, then the
    /// auth data.
    pub fn tbm(&self) -> &[u8] {
        &self.buf[self.tbs_start..]
    }

    /// `header` written just before the TBS, and the two together: the
    /// `SignContent` of §5.1.2 when `header` is its label and length.
    /// `None` when the header does not fit the room left for it.
    pub fn prefixed_tbs(&mut self, header: &[u8]) -> Option<&[u8]> {
        let start = self.tbs_start.checked_sub(header.len())?;
        self.buf[start..self.tbs_start].copy_from_slice(header);
        Some(&self.buf[start..self.tbs_end])
    }

    /// The serialized `ConfirmedTranscriptHashInput` (§8.2) as two parts
    /// to hash one after the other: `wire_format || FramedContent`, then
    /// `signature<V>`. Only a commit has one.
    pub fn confirmed_transcript_input(&self) -> Result<[&[u8]; 2], CodecError> {
        if !self.is_commit {
            return Err(CodecError::InconsistentFields {
                what: TRANSCRIPT_NEEDS_COMMIT,
            });
        }
        Ok([
            &self.buf[self.tbs_start + VERSION_LEN..self.framed_end],
            &self.buf[self.tbs_end..self.signature_end],
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commit::Commit;
    use crate::framing::auth::AuthenticatedContent;
    use crate::framing::content::{FramedContentBody, Sender};
    use crate::group_context::tests::sample_context;
    use tls_codec::VLBytes;

    fn commit(sender: Sender) -> AuthenticatedContent {
        AuthenticatedContent {
            wire_format: WireFormat::PUBLIC_MESSAGE,
            content: FramedContent {
                group_id: VLBytes::new(b"group".to_vec()),
                epoch: 7,
                sender,
                authenticated_data: VLBytes::new(b"ad".to_vec()),
                content: FramedContentBody::Commit(Commit::default()),
            },
            auth: FramedContentAuthData {
                signature: VLBytes::new(vec![5; 64]),
                confirmation_tag: Some(VLBytes::new(vec![9; 32])),
            },
        }
    }

    fn encoding(ac: &AuthenticatedContent, context: Option<&GroupContext>) -> ContentEncoding {
        ContentEncoding::new(ac.wire_format, &ac.content, context, &ac.auth, 8).expect("encodes")
    }

    #[test]
    fn every_slice_is_the_separately_built_string() {
        let gc = sample_context();
        for (sender, context) in [
            (Sender::Member(3), Some(&gc)),
            (Sender::NewMemberCommit, Some(&gc)),
            (Sender::External(0), None),
        ] {
            let ac = commit(sender);
            let mut e = encoding(&ac, context);
            assert_eq!(e.tbs(), ac.tbs_bytes(context).unwrap());
            assert_eq!(e.tbm(), ac.tbm_bytes(context).unwrap());
            assert_eq!(
                e.confirmed_transcript_input().unwrap().concat(),
                ac.confirmed_transcript_hash_input().unwrap()
            );
            let tbs = e.tbs().to_vec();
            assert_eq!(
                e.prefixed_tbs(b"header").unwrap(),
                [b"header".as_slice(), &tbs].concat()
            );
            assert_eq!(e.prefixed_tbs(b"longer than 8"), None);
        }
    }

    #[test]
    fn context_exactly_for_members_and_transcript_only_for_commits() {
        let gc = sample_context();
        let ac = commit(Sender::Member(0));
        let wrong = ContentEncoding::new(ac.wire_format, &ac.content, None, &ac.auth, 0);
        assert!(matches!(wrong, Err(CodecError::InconsistentFields { .. })));
        let mut proposal = commit(Sender::Member(0));
        proposal.content.content = FramedContentBody::Application(VLBytes::new(vec![1]));
        proposal.auth.confirmation_tag = None;
        let e = encoding(&proposal, Some(&gc));
        assert_eq!(e.tbm(), proposal.tbm_bytes(Some(&gc)).unwrap());
        assert!(e.confirmed_transcript_input().is_err());
    }
}
