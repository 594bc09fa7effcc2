//! Message framing and protection (RFC 9420 §6).
//!
//! - §6.1 content authentication: [`sign_content`] signs a FramedContent
//!   (label `"FramedContentTBS"`, the GroupContext included for member and
//!   new_member_commit senders); [`sender_signature_key`] applies the sender
//!   rules and finds the key to verify with.
//! - §6.2 PublicMessage: [`protect_public`] adds the membership tag of member
//!   senders; [`FramingContext::unprotect_public`] checks tag and signature.
//! - §6.3 PrivateMessage: [`FramingContext::protect_private`] encrypts with
//!   the sender's ratchet key, a random reuse guard, [`PaddingMode`] padding
//!   and encrypted sender data; [`FramingContext::unprotect_private`] undoes
//!   it and checks everything §6.3 asks.
//!
//! # Example
//!
//! ```
//! use mls_codec::{CipherSuiteId, FramedContentBody, GroupContext, ProtocolVersion, Sender,
//!                 VLBytes, WireFormat};
//! use mls_crypto::{CipherSuite, CryptoProvider};
//! use mls_crypto_rustcrypto::RustCryptoProvider;
//! use mls_group::framing::{framed_content, FramingContext, MemberView, PaddingMode};
//! use mls_keyschedule::{EncryptionSecret, MembershipKey, SecretTree, SecretTreeConfig,
//!                       SenderDataSecret};
//! use mls_treemath::LeafCount;
//!
//! // The engine's view of the members; `RatchetTree` implements it too.
//! struct Members(Vec<Vec<u8>>);
//! impl MemberView for Members {
//!     fn member_signature_key(&self, leaf: u32) -> Option<&[u8]> {
//!         self.0.get(leaf as usize).map(Vec::as_slice)
//!     }
//! }
//!
//! let cs = RustCryptoProvider::new()
//!     .cipher_suite_provider(CipherSuite::ALL[0])
//!     .expect("suite 1");
//! let alice = cs.signature_generate_key_pair()?;
//! let members = Members(vec![alice.public_key.clone()]);
//! let group_context = GroupContext {
//!     version: ProtocolVersion::MLS10,
//!     cipher_suite: CipherSuiteId(1),
//!     group_id: VLBytes::new(b"group".to_vec()),
//!     epoch: 1,
//!     tree_hash: VLBytes::new(vec![0; 32]),
//!     confirmed_transcript_hash: VLBytes::new(vec![0; 32]),
//!     extensions: vec![],
//! };
//! let (membership_key, sender_data_secret) =
//!     (MembershipKey::from_slice(&[1; 32]), SenderDataSecret::from_slice(&[2; 32]));
//! let ctx = FramingContext {
//!     cs: cs.as_ref(),
//!     group_context: &group_context,
//!     membership_key: &membership_key,
//!     sender_data_secret: &sender_data_secret,
//! };
//! let new_tree = || SecretTree::new(
//!     EncryptionSecret::from_slice(&[3; 32]),
//!     LeafCount::new(1).expect("count"),
//!     SecretTreeConfig::default(),
//! );
//! let (mut sender_tree, mut receiver_tree) = (new_tree(), new_tree());
//!
//! // Sending: build, sign (commits: set auth.confirmation_tag now), protect.
//! let body = FramedContentBody::Application(VLBytes::new(b"hi".to_vec()));
//! let content = framed_content(&group_context, Sender::Member(0), vec![], body);
//! let signed = ctx.sign(&alice, WireFormat::PRIVATE_MESSAGE, content)?;
//! let message = ctx.protect_private(&mut sender_tree, &signed, PaddingMode::Padme)?;
//!
//! // Receiving: verify (the tree is not touched), decide, then confirm.
//! let mut verified = ctx.unprotect_private(&receiver_tree, &message, &members)?;
//! assert_eq!(verified.to_content(), signed);
//! verified.confirm(&mut receiver_tree)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Receiving, and who checks what
//!
//! The engine picks the epoch (current, or a retained past one for
//! application messages: the retention policy is the engine's) and passes
//! that epoch's [`FramingContext`], secret tree and membership view
//! ([`MemberView`], implemented by `RatchetTree` and `TreeDiff`). This module
//! then checks, in order:
//!
//! 1. application content is never accepted in a PublicMessage (V-6-01);
//! 2. `group_id` and `epoch` equal the GroupContext's (V-6-04, V-6-05);
//! 3. PrivateMessage: sender data decrypts and parses (V-6.3.2-03/04);
//! 4. the sender may send this content and has a key: a member leaf inside
//!    the tree and non-blank (V-6.1-01, V-6.3.2-01/02), the external-sender,
//!    new-member-proposal and new-member-commit rules (V-6.1-04 .. 12);
//! 5. the caller's [`ContentPrecheck`], if any: rules on the content that
//!    need no cryptography (a Commit's proposal list), so that a hostile
//!    message fails at its cheapest check (GUIDANCE G-35, issue 15 item 2);
//! 6. PublicMessage: the membership tag of members (V-6.2-01/02);
//!    PrivateMessage: the key of the header's ratchet at the sender data's
//!    generation (replay, too old, too far ahead: the secret tree's errors),
//!    AEAD with the reuse guard (V-6.3.1-03), content parses as the header
//!    type (V-6.3.1-06) and padding is zero (V-6.3.1-01);
//! 7. the signature over FramedContentTBS with the sender's key (V-6.1-02/03).
//!
//! The result is a [`VerifiedMessage`]. The caller still checks what needs
//! more state: the confirmation tag of commits (it needs the next epoch's
//! confirmation key, RFC 9420 §6.1, §12.4.2), whether a handshake message is
//! for the *current* epoch, wire-format policy (V-6-07), and the proposal
//! and commit rules.
//!
//! # Atomicity of the secret tree
//!
//! Receiving never changes the secret tree: [`FramingContext::unprotect_private`]
//! takes it by shared reference and returns, inside the [`VerifiedMessage`],
//! the pending [`ConsumeToken`] of the key it used. A message that fails any
//! check here consumes nothing. The engine applies the token with
//! [`VerifiedMessage::confirm`] (or `SecretTree::confirm`) once it has
//! accepted the message; if it rejects the message it drops the token and
//! the tree is unchanged (VALIDATION X-01). Sending advances the sender's
//! ratchet at once (a key is never used twice, even if encryption fails).
//!
//! # Replays
//!
//! A PrivateMessage decrypts once per receiver (its key is deleted on
//! confirmation; a second delivery fails with `GenerationAlreadyUsed`). MLS
//! does not stop an insider from re-encrypting the same content under a
//! later generation, nor anyone from replaying a PublicMessage (GUIDANCE
//! G-17); an application that cares puts a unique id in the payload or in
//! `authenticated_data`. [`VerifiedMessage::generation`] exposes the
//! generation for gap detection.
//!
//! Secrets never appear in tracing spans or events (only epoch, content
//! type, sender index, generation and lengths).

mod auth;
mod padding;
mod private;
mod public;
mod sender;

use mls_codec::{
    AuthenticatedContent, ContentEncoding, ContentType, FramedContent, FramedContentAuthData,
    GroupContext, MlsMessage, MlsMessageBody, PrivateMessage, PublicMessage, Sender, VLBytes,
    WireFormat,
};
use std::borrow::Cow;

use mls_crypto::{CipherSuiteProvider, Signer};
use mls_keyschedule::{ConsumeToken, MembershipKey, SecretTree, SenderDataSecret};

pub use auth::{FRAMED_CONTENT_TBS_LABEL, framed_content, sign_content, verify_content_signature};
pub use padding::{PaddingMode, padme};
pub use private::MAX_CIPHERTEXT_LEN;
pub use public::protect_public;
pub use sender::{MemberView, check_sender_proposal_type, sender_signature_key};

use crate::{FramingError, Misuse, Result};

/// A check of the content that the engine runs inside
/// [`FramingContext::unprotect_with`] once the sender and its key are known
/// (and a PrivateMessage decrypted), before the membership tag and the
/// signature are computed over the whole content (GUIDANCE G-35). Its error
/// is returned as is; it must not change any state (the content is not yet
/// authenticated).
pub type ContentPrecheck<'c> = &'c dyn Fn(&FramedContent) -> Result<()>;

/// The precheck that accepts everything (plain [`FramingContext::unprotect`]).
fn no_precheck(_: &FramedContent) -> Result<()> {
    Ok(())
}

/// The keys and GroupContext of one epoch, borrowed from the engine's
/// state, that protect and unprotect messages of that epoch.
#[derive(Clone, Copy)]
pub struct FramingContext<'a> {
    /// The group's cipher suite.
    pub cs: &'a dyn CipherSuiteProvider,
    /// The epoch's GroupContext (signed over by members, RFC 9420 §6.1).
    pub group_context: &'a GroupContext,
    /// The epoch's `membership_key` (RFC 9420 §6.2).
    pub membership_key: &'a MembershipKey,
    /// The epoch's `sender_data_secret` (RFC 9420 §6.3.2).
    pub sender_data_secret: &'a SenderDataSecret,
}

impl std::fmt::Debug for FramingContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FramingContext")
            .field("cipher_suite", &self.cs.cipher_suite())
            .field("epoch", &self.group_context.epoch)
            .finish_non_exhaustive()
    }
}

impl<'a> FramingContext<'a> {
    /// Sign `content` (of this context's group and epoch) for sending as
    /// `wire_format`; see [`sign_content`].
    pub fn sign(
        &self,
        signer: &dyn Signer,
        wire_format: WireFormat,
        content: FramedContent,
    ) -> Result<AuthenticatedContent> {
        sign_content(
            self.cs,
            signer,
            wire_format,
            content,
            Some(self.group_context),
        )
    }

    /// Protect signed content as a PublicMessage with this epoch's
    /// membership key; see [`protect_public`].
    pub fn protect_public(&self, content: AuthenticatedContent) -> Result<PublicMessage> {
        protect_public(
            self.cs,
            content,
            Some(self.group_context),
            Some(self.membership_key),
        )
    }

    /// Encrypt signed content as a PrivateMessage (RFC 9420 §6.3).
    ///
    /// The sender must be a member (V-6.3.2-06), the content signed for
    /// `mls_private_message` in this context's group and epoch, and a
    /// commit must carry its confirmation tag. The next generation of the
    /// sender's handshake (proposal, commit) or application ratchet is
    /// taken from `secret_tree`, which advances at once; a random
    /// reuse guard is drawn from the cipher suite's randomness (§6.3.1) and
    /// `padding` zero bytes appended.
    pub fn protect_private(
        &self,
        secret_tree: &mut SecretTree,
        content: &AuthenticatedContent,
        padding: PaddingMode,
    ) -> Result<PrivateMessage> {
        private::protect_private(self, secret_tree, content, padding)
    }

    /// Verify a received PublicMessage of this epoch (RFC 9420 §6.2): not
    /// application data, group and epoch, sender rules and key (from
    /// `members` or the GroupContext), membership tag for members,
    /// signature. Checks in the order listed in the [module docs](self).
    pub fn unprotect_public<'m>(
        &self,
        message: &'m PublicMessage,
        members: &dyn MemberView,
    ) -> Result<VerifiedMessage<'m>> {
        public::unprotect_public(self, message, members, &no_precheck)
    }

    /// Decrypt and verify a received PrivateMessage of this epoch
    /// (RFC 9420 §6.3). `secret_tree` is not changed: the returned
    /// [`VerifiedMessage`] holds the pending [`ConsumeToken`], to be applied
    /// with [`VerifiedMessage::confirm`] once the caller accepts the message.
    ///
    /// Secret-tree errors (as [`GroupError::KeySchedule`]) tell replays
    /// (`GenerationAlreadyUsed`), keys older than the out-of-order window
    /// (`GenerationTooOld`) and jumps too far ahead (`GenerationTooFarAhead`).
    pub fn unprotect_private(
        &self,
        secret_tree: &SecretTree,
        message: &PrivateMessage,
        members: &dyn MemberView,
    ) -> Result<VerifiedMessage<'static>> {
        private::unprotect_private(self, secret_tree, message, members, &no_precheck)
    }

    /// [`FramingContext::unprotect_public`] or
    /// [`FramingContext::unprotect_private`] by the message's wire format;
    /// any other body (Welcome, GroupInfo, KeyPackage) is refused
    /// (V-6-08) with `Misuse::CannotProtect`.
    pub fn unprotect<'m>(
        &self,
        secret_tree: &SecretTree,
        message: &'m MlsMessage,
        members: &dyn MemberView,
    ) -> Result<VerifiedMessage<'m>> {
        self.unprotect_with(secret_tree, message, members, &no_precheck)
    }

    /// [`FramingContext::unprotect`] with `precheck` run on the content
    /// before its membership tag and signature are checked (step 5 of the
    /// [module docs](self)): a message that fails it costs no MAC, hash or
    /// signature over its content.
    pub fn unprotect_with<'m>(
        &self,
        secret_tree: &SecretTree,
        message: &'m MlsMessage,
        members: &dyn MemberView,
        precheck: ContentPrecheck<'_>,
    ) -> Result<VerifiedMessage<'m>> {
        match &message.body {
            MlsMessageBody::PublicMessage(m) => {
                public::unprotect_public(self, m, members, precheck)
            }
            MlsMessageBody::PrivateMessage(m) => {
                private::unprotect_private(self, secret_tree, m, members, precheck)
            }
            MlsMessageBody::Welcome(_)
            | MlsMessageBody::GroupInfo(_)
            | MlsMessageBody::KeyPackage(_) => Err(Misuse::CannotProtect(
                "RFC 9420 §6 (V-6-08): only PublicMessage and PrivateMessage carry group content",
            )
            .into()),
        }
    }
}

/// A received message whose protection has been removed and checked
/// (RFC 9420 §6): its content is authentic for the sender it names.
///
/// Only [`FramingContext::unprotect`] and its two variants make one: the
/// fields are private (GUIDANCE G-44, a type-enforced pipeline), so no
/// caller can build a `VerifiedMessage` around content whose signature and
/// membership tag were never checked.
///
/// A PublicMessage's content is borrowed from the message (`'m`), not
/// copied: a Commit is as large as its UpdatePath (issue 14 item 3). A
/// PrivateMessage's is the decrypted plaintext, owned.
///
/// ```compile_fail
/// # use mls_group::framing::VerifiedMessage;
/// # fn forge(content: mls_codec::AuthenticatedContent) -> VerifiedMessage<'static> {
/// VerifiedMessage { wire_format: content.wire_format, content: content.content.into(),
///     auth: content.auth.into(), generation: None, consume_token: None, encoding: None }
/// # }
/// ```
#[derive(Debug)]
pub struct VerifiedMessage<'m> {
    wire_format: WireFormat,
    /// The verified content.
    content: Cow<'m, FramedContent>,
    /// Its auth data. For a commit, the confirmation tag is *not* verified
    /// yet (that needs the next epoch's confirmation key).
    auth: Cow<'m, FramedContentAuthData>,
    /// The generation of the sender's ratchet (PrivateMessage only), for
    /// gap detection (GUIDANCE G-17).
    pub(crate) generation: Option<u32>,
    /// PrivateMessage only: the pending consumption of the ratchet key that
    /// decrypted it. `None` once confirmed, and for PublicMessages.
    pub(crate) consume_token: Option<ConsumeToken>,
    /// A Commit's encoding, made once for its signature (and membership
    /// tag), kept for its transcript hash (RFC 9420 §8.2); `None` for other
    /// content, whose encoding is dropped once verified.
    encoding: Option<ContentEncoding>,
}

impl<'m> VerifiedMessage<'m> {
    /// A verified content, with the encoding its checks were computed over
    /// and, for a PrivateMessage, its generation and pending key
    /// consumption.
    pub(super) fn new(
        wire_format: WireFormat,
        content: Cow<'m, FramedContent>,
        auth: Cow<'m, FramedContentAuthData>,
        encoding: ContentEncoding,
        ratchet: Option<(u32, ConsumeToken)>,
    ) -> Self {
        let encoding = (content.content_type() == ContentType::Commit).then_some(encoding);
        let (generation, consume_token) = ratchet.unzip();
        VerifiedMessage {
            wire_format,
            content,
            auth,
            generation,
            consume_token,
            encoding,
        }
    }

    /// The Commit's serialized ConfirmedTranscriptHashInput (RFC 9420
    /// §8.2), in the two parts [`ContentEncoding::confirmed_transcript_input`]
    /// gives.
    pub(crate) fn confirmed_transcript_input(&self) -> Result<[&[u8]; 2]> {
        let encoding = self.encoding.as_ref().ok_or(crate::GroupError::Internal(
            "a verified Commit keeps its encoding",
        ))?;
        Ok(encoding.confirmed_transcript_input()?)
    }

    /// The verified content.
    pub fn framed_content(&self) -> &FramedContent {
        &self.content
    }

    /// Its auth data. For a commit, the confirmation tag is *not* verified
    /// yet (that needs the next epoch's confirmation key).
    pub fn auth(&self) -> &FramedContentAuthData {
        &self.auth
    }

    /// The verified content with its wire format and auth data, as one
    /// value (a copy when it was borrowed from a PublicMessage; any pending
    /// ratchet consumption is dropped unconfirmed).
    pub fn into_content(self) -> AuthenticatedContent {
        AuthenticatedContent {
            wire_format: self.wire_format,
            content: self.content.into_owned(),
            auth: self.auth.into_owned(),
        }
    }

    /// A copy of the verified content as an [`AuthenticatedContent`].
    pub fn to_content(&self) -> AuthenticatedContent {
        AuthenticatedContent {
            wire_format: self.wire_format,
            content: self.content.as_ref().clone(),
            auth: self.auth.as_ref().clone(),
        }
    }

    /// The generation of the sender's ratchet (PrivateMessage only), for
    /// gap detection (GUIDANCE G-17).
    pub fn generation(&self) -> Option<u32> {
        self.generation
    }

    /// Whether the ratchet key that decrypted it still waits for
    /// [`VerifiedMessage::confirm`] (PrivateMessage only).
    pub fn is_unconfirmed(&self) -> bool {
        self.consume_token.is_some()
    }

    /// The sender.
    pub fn sender(&self) -> Sender {
        self.content.sender
    }

    /// The wire format it arrived in.
    pub fn wire_format(&self) -> WireFormat {
        self.wire_format
    }

    /// The content type.
    pub fn content_type(&self) -> ContentType {
        self.content.content_type()
    }

    /// Consume the decryption key in `secret_tree` (the tree the message was
    /// decrypted with): call it once the message is accepted (RFC 9420
    /// §9.2). Does nothing for a PublicMessage or a second time. Fails with
    /// the secret tree's `StaleToken` error, changing nothing, if the tree
    /// has consumed the same key meanwhile.
    pub fn confirm(&mut self, secret_tree: &mut SecretTree) -> Result<()> {
        if let Some(token) = self.consume_token.take() {
            secret_tree.confirm(token)?;
        }
        Ok(())
    }
}

/// RFC 9420 §6 (V-6-04, V-6-05): the message belongs to the group and the
/// epoch of `group_context`.
fn check_group_and_epoch(
    group_context: &GroupContext,
    group_id: &VLBytes,
    epoch: u64,
) -> Result<()> {
    if group_id.as_slice() != group_context.group_id.as_slice() {
        return Err(FramingError::GroupIdMismatch.into());
    }
    if epoch != group_context.epoch {
        return Err(FramingError::EpochMismatch {
            expected: group_context.epoch,
            actual: epoch,
        }
        .into());
    }
    Ok(())
}
