//! PrivateMessage protection (RFC 9420 §6.3): content encryption with a
//! sender-ratchet key and the reuse guard (§6.3.1), sender-data encryption
//! keyed from a sample of the ciphertext (§6.3.2), padding.
//!
//! ```text
//! (generation, key, nonce) = sender's handshake/application ratchet (§9.1)
//! ciphertext    = AEAD.Seal(key, nonce XOR (reuse_guard || 0...),
//!                           PrivateContentAAD, PrivateMessageContent)
//! sample        = ciphertext[0..KDF.Nh]          (all of it if shorter)
//! encrypted_sender_data = AEAD.Seal(sender_data_key(sample),
//!                           sender_data_nonce(sample), SenderDataAAD, SenderData)
//! ```

use std::borrow::Cow;

use mls_codec::tls_codec::Serialize;
use mls_codec::{
    AuthenticatedContent, CodecError, ContentType, FramedContent, PrivateContentAad,
    PrivateMessage, PrivateMessageContent, Sender, SenderData, SenderDataAad, VLBytes, WireFormat,
    decode, encode,
};
use mls_keyschedule::{RatchetKind, SecretTree};
use mls_treekem::LeafIndex;
use zeroize::Zeroizing;

use super::auth::{check_auth_shape, encode_received, verify_encoded};
use super::sender::MemberView;
use super::{ContentPrecheck, FramingContext, PaddingMode, VerifiedMessage, check_group_and_epoch};
use crate::{FramingError, GroupError, Misuse, Rejection, Result};

/// The largest ciphertext a PrivateMessage can carry: the longest
/// `opaque<V>` (RFC 9420 §2.1.2).
pub const MAX_CIPHERTEXT_LEN: usize = (1 << 30) - 1;

/// The two AAD structures of a PrivateMessage header.
fn content_aad(message_header: &PrivateContentAad) -> Result<Vec<u8>> {
    Ok(encode(message_header)?)
}

fn sender_data_aad(group_id: &VLBytes, epoch: u64, content_type: ContentType) -> Result<Vec<u8>> {
    Ok(encode(&SenderDataAad {
        group_id: group_id.clone(),
        epoch,
        content_type,
    })?)
}

/// Encrypt signed content as a PrivateMessage; see
/// [`FramingContext::protect_private`].
pub(super) fn protect_private(
    ctx: &FramingContext<'_>,
    secret_tree: &mut SecretTree,
    content: &AuthenticatedContent,
    padding: PaddingMode,
) -> Result<PrivateMessage> {
    let framed = &content.content;
    // §6.3.2 (V-6.3.2-06): only members have a sender ratchet.
    let Sender::Member(leaf) = framed.sender else {
        return Err(Misuse::PrivateMessageFromNonMember.into());
    };
    if content.wire_format != WireFormat::PRIVATE_MESSAGE {
        return Err(Misuse::CannotProtect(
            "RFC 9420 §6.1: content signed for another wire format cannot be sent as a PrivateMessage",
        ).into());
    }
    if framed.group_id != ctx.group_context.group_id || framed.epoch != ctx.group_context.epoch {
        return Err(Misuse::CannotProtect(
            "RFC 9420 §6: the content's group_id and epoch must be those of the keys used",
        )
        .into());
    }
    check_auth_shape(content)?;
    let content_type = framed.content_type();
    let _span = tracing::debug_span!(
        "protect_private",
        epoch = framed.epoch,
        content_type = content_type as u8,
        sender = leaf,
    )
    .entered();

    // §6.3.1: PrivateMessageContent = body (no type octet) || auth || zeros.
    let mut plaintext = Zeroizing::new(Vec::new());
    framed
        .content
        .serialize_body(&mut *plaintext)
        .map_err(CodecError::from)?;
    content
        .auth
        .tls_serialize(&mut *plaintext)
        .map_err(CodecError::from)?;
    let padded_len = plaintext
        .len()
        .checked_add(padding.padding_len(plaintext.len()))
        .ok_or(Misuse::CannotProtect(
            "RFC 9420 §6.3.1: padded content too long",
        ))?;
    // §6.3.1 (V-6.3.1-08): the ciphertext (plaintext + AEAD tag) must fit
    // an `opaque<V>` (2^30 - 1 bytes), far below the per-message limits of
    // the registered AEADs.
    if padded_len.saturating_add(ctx.cs.cipher_suite().aead().tag_len()) > MAX_CIPHERTEXT_LEN {
        return Err(Misuse::ContentTooLarge.into());
    }
    plaintext.resize(padded_len, 0);

    let aad = content_aad(&PrivateContentAad {
        group_id: framed.group_id.clone(),
        epoch: framed.epoch,
        content_type,
        authenticated_data: framed.authenticated_data.clone(),
    })?;

    // §6.3.1: a fresh random reuse guard for every message.
    let mut reuse_guard = [0u8; 4];
    ctx.cs.random_fill(&mut reuse_guard)?;

    // §9.1: the next generation of our own ratchet; the tree advances now,
    // so the key is never used twice even if the rest fails.
    let sender_leaf = LeafIndex::new(leaf).map_err(|_| FramingError::SenderNotMember(leaf))?;
    let (generation, key) =
        secret_tree.encryption_key(ctx.cs, sender_leaf, RatchetKind::from(content_type))?;
    let nonce = key.nonce.with_reuse_guard(reuse_guard);
    let ciphertext = ctx
        .cs
        .aead_seal(key.key.as_bytes(), nonce.as_bytes(), &aad, &plaintext)?;

    // §6.3.2: the sender data, keyed from the ciphertext sample.
    let sender_data = encode(&SenderData {
        leaf_index: leaf,
        generation,
        reuse_guard,
    })?;
    let sd_key = ctx.sender_data_secret.key_nonce(ctx.cs, &ciphertext)?;
    let encrypted_sender_data = ctx.cs.aead_seal(
        sd_key.key.as_bytes(),
        sd_key.nonce.as_bytes(),
        &sender_data_aad(&framed.group_id, framed.epoch, content_type)?,
        &sender_data,
    )?;
    tracing::debug!(
        generation,
        ciphertext_len = ciphertext.len(),
        "PrivateMessage encrypted"
    );
    Ok(PrivateMessage {
        group_id: framed.group_id.clone(),
        epoch: framed.epoch,
        content_type,
        authenticated_data: framed.authenticated_data.clone(),
        encrypted_sender_data: VLBytes::new(encrypted_sender_data),
        ciphertext: VLBytes::new(ciphertext),
    })
}

/// Decrypt and verify a received PrivateMessage; see
/// [`FramingContext::unprotect_private`].
pub(super) fn unprotect_private(
    ctx: &FramingContext<'_>,
    secret_tree: &SecretTree,
    message: &PrivateMessage,
    members: &dyn MemberView,
    precheck: ContentPrecheck<'_>,
) -> Result<VerifiedMessage<'static>> {
    let cs = ctx.cs;
    let content_type = message.content_type;
    let _span = tracing::debug_span!(
        "unprotect_private",
        epoch = message.epoch,
        content_type = content_type as u8,
    )
    .entered();
    // V-6-04, V-6-05: before any cryptography.
    check_group_and_epoch(ctx.group_context, &message.group_id, message.epoch)?;

    // §6.3.2: sender data (V-6.3.2-03, V-6.3.2-04).
    let sd_key = ctx
        .sender_data_secret
        .key_nonce(cs, message.ciphertext.as_slice())?;
    let sender_data = cs
        .aead_open(
            sd_key.key.as_bytes(),
            sd_key.nonce.as_bytes(),
            &sender_data_aad(&message.group_id, message.epoch, content_type)?,
            message.encrypted_sender_data.as_slice(),
        )
        .map_err(|_| FramingError::SenderDataDecryptionFailed)?;
    let sender_data: SenderData =
        decode(sender_data.as_slice()).map_err(FramingError::SenderDataMalformed)?;
    let leaf = sender_data.leaf_index;
    let generation = sender_data.generation;

    // §6.3.2 (V-6.3.2-01, V-6.3.2-02): a non-blank leaf of the tree.
    let signature_key = members
        .member_signature_key(leaf)
        .ok_or(FramingError::SenderNotMember(leaf))?
        .to_vec();
    let sender_leaf = LeafIndex::new(leaf).map_err(|_| FramingError::SenderNotMember(leaf))?;

    // §9.1 (V-6.3.1-05): the ratchet of the header's content type. The
    // secret tree is not changed here; the token consumes the key later.
    let (key, token) =
        secret_tree.decryption_key(cs, sender_leaf, RatchetKind::from(content_type), generation)?;
    let nonce = key.nonce.with_reuse_guard(sender_data.reuse_guard);
    let aad = content_aad(&PrivateContentAad {
        group_id: message.group_id.clone(),
        epoch: message.epoch,
        content_type,
        authenticated_data: message.authenticated_data.clone(),
    })?;
    // §6.3.1 (V-6.3.1-03).
    let plaintext = cs
        .aead_open(
            key.key.as_bytes(),
            nonce.as_bytes(),
            &aad,
            message.ciphertext.as_slice(),
        )
        .map_err(|_| FramingError::ContentDecryptionFailed)?;
    // §6.3.1 (V-6.3.1-01, V-6.3.1-06): the body parses as the header's
    // content type, and every padding byte is zero (checked without early
    // exit by the decoder, GUIDANCE G-43).
    let decoded = PrivateMessageContent::decode(&plaintext, content_type).map_err(|e| match e {
        CodecError::NonZeroPadding => {
            GroupError::Rejected(Rejection::Framing(FramingError::PaddingNotZero))
        }
        other => GroupError::Rejected(Rejection::Framing(FramingError::ContentMalformed(other))),
    })?;

    let content = AuthenticatedContent {
        wire_format: WireFormat::PRIVATE_MESSAGE,
        content: FramedContent {
            group_id: message.group_id.clone(),
            epoch: message.epoch,
            sender: Sender::Member(leaf),
            authenticated_data: message.authenticated_data.clone(),
            content: decoded.content,
        },
        auth: decoded.auth,
    };
    // G-35: the caller's rules on the content before the signature, which
    // encodes and hashes all of it.
    precheck(&content.content)?;
    // §6.1, §6.3.1 (V-6.1-02, V-6.3.1-04): signed by the leaf's key over the
    // TBS with this epoch's GroupContext and wire format private_message.
    let mut encoding = encode_received(
        WireFormat::PRIVATE_MESSAGE,
        &content.content,
        Some(ctx.group_context),
        &content.auth,
    )?;
    verify_encoded(cs, &signature_key, &mut encoding, &content.auth)?;
    tracing::debug!(sender = leaf, generation, "PrivateMessage decrypted");
    Ok(VerifiedMessage::new(
        WireFormat::PRIVATE_MESSAGE,
        Cow::Owned(content.content),
        Cow::Owned(content.auth),
        encoding,
        Some((generation, token)),
    ))
}
