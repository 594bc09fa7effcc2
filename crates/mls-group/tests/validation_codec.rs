//! Codec rules of the validation rulebook that are exercised at the group
//! level (VALIDATION.md Part B, `[codec]`; docs/validation.md).

#![allow(clippy::unwrap_used)]

use mls_codec::{
    Commit, FramedContent, FramedContentAuthData, FramedContentBody, MlsMessage, MlsMessageBody,
    PublicMessage, Sender, VLBytes, decode, encode,
};

/// V-6.2-04: a PublicMessage from a non-member sender (new_member_commit)
/// followed by the bytes a member's membership tag would take is rejected
/// as trailing data; the same message without them decodes.
#[test]
fn v6_2_04_non_member_public_message_with_a_membership_tag() {
    let message = MlsMessage::new(MlsMessageBody::PublicMessage(PublicMessage {
        content: FramedContent {
            group_id: VLBytes::new(b"group".to_vec()),
            epoch: 3,
            sender: Sender::NewMemberCommit,
            authenticated_data: VLBytes::new(Vec::new()),
            content: FramedContentBody::Commit(Commit {
                proposals: Vec::new(),
                path: None,
            }),
        },
        auth: FramedContentAuthData {
            signature: VLBytes::new(vec![1; 64]),
            confirmation_tag: Some(VLBytes::new(vec![2; 32])),
        },
        membership_tag: None,
    }));
    let mut bytes = encode(&message).unwrap();
    assert_eq!(decode::<MlsMessage>(&bytes).unwrap(), message);
    bytes.push(32);
    bytes.extend_from_slice(&[3; 32]);
    assert!(matches!(
        decode::<MlsMessage>(&bytes),
        Err(mls_codec::CodecError::TrailingBytes { remaining: 33 })
    ));
}
