//! Content authentication (RFC 9420 §6.1): the FramedContentTBS signature.
//!
//! ```text
//! signature = SignWithLabel(sender's key, "FramedContentTBS", FramedContentTBS)
//! FramedContentTBS = version || wire_format || FramedContent
//!                    || GroupContext   (member and new_member_commit senders only)
//! ```
//!
//! The TBS covers the wire format, so a message signed for one wire format
//! does not verify in the other (V-6.1-03), and for members the GroupContext,
//! so it does not verify in another group or epoch (V-6.1-02).

use mls_codec::{
    AuthenticatedContent, ContentEncoding, FramedContent, FramedContentAuthData, FramedContentBody,
    GroupContext, Sender, VLBytes, WireFormat,
};
use mls_crypto::labeled::{sign_content_header, sign_content_header_max_len, sign_with_label};
use mls_crypto::{CipherSuiteProvider, Signer};

use crate::{FramingError, GroupError, Misuse, Rejection, Result};

/// The label of the FramedContentTBS signature (RFC 9420 §6.1).
pub const FRAMED_CONTENT_TBS_LABEL: &[u8] = b"FramedContentTBS";

/// A FramedContent for the group and epoch of `group_context` (RFC 9420 §6).
pub fn framed_content(
    group_context: &GroupContext,
    sender: Sender,
    authenticated_data: Vec<u8>,
    content: FramedContentBody,
) -> FramedContent {
    FramedContent {
        group_id: group_context.group_id.clone(),
        epoch: group_context.epoch,
        sender,
        authenticated_data: VLBytes::new(authenticated_data),
        content,
    }
}

/// Serialized FramedContentTBS of `content` sent as `wire_format`
/// (RFC 9420 §6.1). The GroupContext is included exactly for member and
/// new_member_commit senders; for them it is required.
pub(crate) fn tbs_bytes(
    wire_format: WireFormat,
    content: &FramedContent,
    group_context: Option<&GroupContext>,
) -> Result<Vec<u8>> {
    Ok(content.tbs_bytes(wire_format, tbs_context(content, group_context)?)?)
}

/// The GroupContext that goes into the TBS of `content`: exactly for member
/// and new_member_commit senders, for whom it is required (RFC 9420 §6.1).
fn tbs_context<'a>(
    content: &FramedContent,
    group_context: Option<&'a GroupContext>,
) -> Result<Option<&'a GroupContext>> {
    if content.sender.signs_group_context() {
        Ok(Some(group_context.ok_or(Misuse::CannotProtect(
            "RFC 9420 §6.1: member and new_member_commit senders sign the GroupContext; none given",
        ))?))
    } else {
        Ok(None)
    }
}

/// Sign `content` for sending as `wire_format` (RFC 9420 §6.1) and return
/// the [`AuthenticatedContent`].
///
/// `group_context` is the GroupContext of the content's epoch; it is needed
/// for member and new_member_commit senders and ignored for the others (an
/// external sender may have none).
///
/// For a commit the returned `auth.confirmation_tag` is `None`: the tag is
/// computed from the confirmed transcript hash, which covers this signature
/// (RFC 9420 §8.2), so the caller sets it afterwards
/// (`auth.confirmation_tag = Some(tag)`) before protecting the content.
pub fn sign_content(
    cs: &dyn CipherSuiteProvider,
    signer: &dyn Signer,
    wire_format: WireFormat,
    content: FramedContent,
    group_context: Option<&GroupContext>,
) -> Result<AuthenticatedContent> {
    let tbs = tbs_bytes(wire_format, &content, group_context)?;
    let signature = sign_with_label(cs, signer, FRAMED_CONTENT_TBS_LABEL, &tbs)?;
    Ok(AuthenticatedContent {
        wire_format,
        content,
        auth: FramedContentAuthData {
            signature: VLBytes::new(signature),
            confirmation_tag: None,
        },
    })
}

/// The one encoding of a received content (`mls_codec::ContentEncoding`)
/// from which its signature, membership tag and transcript hash are
/// computed, with room for the SignContent header (RFC 9420 §5.1.2) in
/// front. `group_context` as for [`tbs_bytes`].
pub(crate) fn encode_received(
    wire_format: WireFormat,
    content: &FramedContent,
    group_context: Option<&GroupContext>,
    auth: &FramedContentAuthData,
) -> Result<ContentEncoding> {
    let context = tbs_context(content, group_context)?;
    let room = sign_content_header_max_len(FRAMED_CONTENT_TBS_LABEL)?;
    Ok(ContentEncoding::new(
        wire_format,
        content,
        context,
        auth,
        room,
    )?)
}

/// Verify the signature of the content encoded in `encoding` with
/// `signature_key` (RFC 9420 §6.1): `VerifyWithLabel` (§5.1.2) with the
/// SignContent assembled in place, so the content is not copied. Any
/// failure, including a malformed key or signature, is
/// `FramingError::SignatureInvalid`.
pub(crate) fn verify_encoded(
    cs: &dyn CipherSuiteProvider,
    signature_key: &[u8],
    encoding: &mut ContentEncoding,
    auth: &FramedContentAuthData,
) -> Result<()> {
    let header = sign_content_header(FRAMED_CONTENT_TBS_LABEL, encoding.tbs().len())?;
    let sign_content = encoding.prefixed_tbs(&header).ok_or(GroupError::Internal(
        "the SignContent header outgrew its room",
    ))?;
    cs.verify(signature_key, sign_content, auth.signature.as_slice())
        .map_err(|_| GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid)))
}

/// Verify the signature of an [`AuthenticatedContent`] with the given key
/// (RFC 9420 §6.1), e.g. for content the caller built or stored itself.
pub fn verify_content_signature(
    cs: &dyn CipherSuiteProvider,
    content: &AuthenticatedContent,
    signature_key: &[u8],
    group_context: Option<&GroupContext>,
) -> Result<()> {
    let mut encoding = encode_received(
        content.wire_format,
        &content.content,
        group_context,
        &content.auth,
    )?;
    verify_encoded(cs, signature_key, &mut encoding, &content.auth)
}

/// Check that the confirmation tag is present exactly for commits (RFC 9420
/// §6.1), before protecting.
pub(crate) fn check_auth_shape(content: &AuthenticatedContent) -> Result<()> {
    content
        .auth
        .check_for(content.content.content_type())
        .map_err(|_| {
            GroupError::Misuse(Misuse::CannotProtect(
                "RFC 9420 §6.1: a commit needs its confirmation_tag (set it after signing); other content has none",
            ))
        })
}
