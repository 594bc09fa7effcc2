//! PublicMessage protection (RFC 9420 §6.2): signature plus, for member
//! senders, the membership tag.
//!
//! ```text
//! membership_tag = MAC(membership_key, AuthenticatedContentTBM)
//! AuthenticatedContentTBM = FramedContentTBS || FramedContentAuthData
//! ```

use mls_codec::{
    AuthenticatedContent, CodecError, ContentType, GroupContext, PublicMessage, Sender, VLBytes,
    WireFormat, authenticated_content_tbm_bytes,
};
use std::borrow::Cow;

use mls_crypto::CipherSuiteProvider;
use mls_keyschedule::MembershipKey;

use super::auth::{check_auth_shape, encode_received, tbs_bytes, verify_encoded};
use super::sender::{MemberView, sender_signature_key};
use super::{ContentPrecheck, FramingContext, VerifiedMessage, check_group_and_epoch};
use crate::{FramingError, GroupError, Misuse, Result};

/// Protect signed content as a PublicMessage (RFC 9420 §6.2).
///
/// `content` must have been signed for `mls_public_message` and, for a
/// commit, carry its confirmation tag. Application data is refused
/// ([`FramingError::ApplicationDataInPublicMessage`](crate::FramingError::ApplicationDataInPublicMessage), V-6-01). A member sender
/// needs `group_context` and `membership_key` for the membership tag; other
/// senders need neither (and get no tag).
pub fn protect_public(
    cs: &dyn CipherSuiteProvider,
    content: AuthenticatedContent,
    group_context: Option<&GroupContext>,
    membership_key: Option<&MembershipKey>,
) -> Result<PublicMessage> {
    if content.content.content_type() == ContentType::Application {
        return Err(FramingError::ApplicationDataInPublicMessage.into());
    }
    if content.wire_format != WireFormat::PUBLIC_MESSAGE {
        return Err(Misuse::CannotProtect(
            "RFC 9420 §6.1: content signed for another wire format cannot be sent as a PublicMessage",
        ).into());
    }
    check_auth_shape(&content)?;
    let membership_tag = match content.content.sender {
        Sender::Member(_) => {
            let key = membership_key.ok_or(Misuse::CannotProtect(
                "RFC 9420 §6.2: a member's PublicMessage needs the membership key",
            ))?;
            let tbs = tbs_bytes(content.wire_format, &content.content, group_context)?;
            let tbm = authenticated_content_tbm_bytes(&tbs, &content.auth)?;
            Some(VLBytes::new(key.tag(cs, &tbm)))
        }
        Sender::External(_) | Sender::NewMemberProposal | Sender::NewMemberCommit => None,
    };
    Ok(PublicMessage::from_authenticated_content(
        content,
        membership_tag,
    ))
}

/// Verify a received PublicMessage (RFC 9420 §6.2); see
/// [`FramingContext::unprotect_public`].
pub(super) fn unprotect_public<'m>(
    ctx: &FramingContext<'_>,
    message: &'m PublicMessage,
    members: &dyn MemberView,
    precheck: ContentPrecheck<'_>,
) -> Result<VerifiedMessage<'m>> {
    let content = &message.content;
    let _span = tracing::debug_span!(
        "unprotect_public",
        epoch = content.epoch,
        content_type = content.content_type() as u8,
        sender_type = content.sender.sender_type(),
    )
    .entered();
    // V-6-01: application data only ever travels encrypted.
    if content.content_type() == ContentType::Application {
        return Err(FramingError::ApplicationDataInPublicMessage.into());
    }
    // V-6-04, V-6-05.
    check_group_and_epoch(ctx.group_context, &content.group_id, content.epoch)?;
    // §6.1: the confirmation tag is present exactly for commits (the decoder
    // guarantees it; a hand-built message is checked here).
    message.auth.check_for(content.content_type())?;
    // §6.1: the sender may send this, and its key (V-6.1-01, V-6.1-04..12).
    let signature_key = sender_signature_key(content, ctx.group_context, members)?;
    // G-35: the caller's rules on the content before the MAC and the
    // signature, each of which encodes and hashes all of it.
    precheck(content)?;
    // One encoding serves the membership tag, the signature and (for a
    // Commit) the transcript hash.
    let mut encoding = encode_received(
        WireFormat::PUBLIC_MESSAGE,
        content,
        Some(ctx.group_context),
        &message.auth,
    )?;
    // §6.2 (V-6.2-01, V-6.2-02): the membership tag of member senders,
    // compared in constant time after a length check. The cheap MAC goes
    // before the signature.
    match (&content.sender, &message.membership_tag) {
        (Sender::Member(_), Some(tag)) => {
            ctx.membership_key
                .verify(ctx.cs, encoding.tbm(), tag.as_slice())
                .map_err(|_| FramingError::MembershipTagInvalid)?;
        }
        (Sender::Member(_), None) => return Err(FramingError::MembershipTagInvalid.into()),
        (_, None) => {}
        (_, Some(_)) => {
            return Err(GroupError::from(CodecError::InconsistentFields {
                what: "RFC 9420 §6.2: only member senders carry a membership tag",
            }));
        }
    }
    // §6.1 (V-6.1-02, V-6.1-03, V-6.1-08, V-6.1-10, V-6.1-12).
    verify_encoded(ctx.cs, &signature_key, &mut encoding, &message.auth)?;
    tracing::debug!("PublicMessage verified");
    Ok(VerifiedMessage::new(
        WireFormat::PUBLIC_MESSAGE,
        Cow::Borrowed(content),
        Cow::Borrowed(&message.auth),
        encoding,
        None,
    ))
}
