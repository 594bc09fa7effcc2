//! Check of the official `message-protection.json` (RFC 9420 §6, §6.1-§6.3):
//! unprotect the given PublicMessages and PrivateMessages, protect the raw
//! payloads ourselves and round-trip them, and refuse application data in a
//! PublicMessage.

use mls_codec::{
    CipherSuiteId, Commit, ContentType, FramedContentBody, GroupContext, MlsMessage, Proposal,
    ProtocolVersion, Sender, VLBytes, WireFormat, decode, encode,
};
use mls_crypto::{
    CipherSuite, CipherSuiteProvider, CryptoProvider, SignatureKeyPair, SignaturePrivateKey,
};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::framing::{FramingContext, MemberView, PaddingMode, framed_content, protect_public};
use mls_group::{FramingError, GroupError, Rejection};
use mls_keyschedule::{
    EncryptionSecret, MembershipKey, SecretTree, SecretTreeConfig, SenderDataSecret,
};
use mls_treemath::LeafCount;
use mls_vectors::{Case, CaseError, CaseResult, ensure};

/// The sender of every message of the file.
const SENDER: u32 = 1;

/// A two-leaf group whose only known member is leaf 1.
struct SenderAtLeafOne(Vec<u8>);

impl MemberView for SenderAtLeafOne {
    fn member_signature_key(&self, leaf_index: u32) -> Option<&[u8]> {
        (leaf_index == SENDER).then_some(self.0.as_slice())
    }
}

/// Everything one case provides.
struct Fixture {
    cs: std::sync::Arc<dyn CipherSuiteProvider>,
    group_context: GroupContext,
    membership_key: MembershipKey,
    sender_data_secret: SenderDataSecret,
    encryption_secret: Vec<u8>,
    signer: SignatureKeyPair,
    members: SenderAtLeafOne,
}

impl Fixture {
    fn context(&self) -> FramingContext<'_> {
        FramingContext {
            cs: self.cs.as_ref(),
            group_context: &self.group_context,
            membership_key: &self.membership_key,
            sender_data_secret: &self.sender_data_secret,
        }
    }

    /// A fresh two-leaf secret tree (rebuilt for each payload).
    fn secret_tree(&self) -> Result<SecretTree, CaseError> {
        Ok(SecretTree::new(
            EncryptionSecret::from_slice(&self.encryption_secret),
            LeafCount::new(2)?,
            SecretTreeConfig::default(),
        ))
    }

    /// Our own signed content with `body` from leaf 1, for `wire_format`;
    /// commits get a placeholder confirmation tag of length Nh.
    fn sign(
        &self,
        body: FramedContentBody,
        wire_format: WireFormat,
    ) -> Result<mls_codec::AuthenticatedContent, CaseError> {
        let is_commit = body.content_type() == ContentType::Commit;
        let content = framed_content(
            &self.group_context,
            Sender::Member(SENDER),
            b"aad".to_vec(),
            body,
        );
        let mut signed = self.context().sign(&self.signer, wire_format, content)?;
        if is_commit {
            signed.auth.confirmation_tag =
                Some(VLBytes::new(vec![0x5a; self.cs.cipher_suite().hash_len()]));
        }
        Ok(signed)
    }

    /// Unprotect `*_pub`, compare its content, then protect `body` as a
    /// PublicMessage ourselves and unprotect that.
    fn public_round_trip(&self, their_bytes: &[u8], body: &FramedContentBody) -> CaseResult {
        let theirs = decode::<MlsMessage>(their_bytes)?
            .into_public_message()
            .ok_or_else(|| CaseError::failed("*_pub is not a PublicMessage"))?;
        let verified = self.context().unprotect_public(&theirs, &self.members)?;
        ensure(&verified.framed_content().content == body, || {
            "PublicMessage content differs from the raw value".into()
        })?;
        ensure(verified.sender() == Sender::Member(SENDER), || {
            "PublicMessage sender is not leaf 1".into()
        })?;

        let ours = self
            .context()
            .protect_public(self.sign(body.clone(), WireFormat::PUBLIC_MESSAGE)?)?;
        let bytes = encode(&MlsMessage::from(ours))?;
        let back = decode::<MlsMessage>(&bytes)?
            .into_public_message()
            .ok_or_else(|| CaseError::failed("our PublicMessage did not decode as one"))?;
        let verified = self.context().unprotect_public(&back, &self.members)?;
        ensure(&verified.framed_content().content == body, || {
            "our PublicMessage did not round-trip".into()
        })
    }

    /// Unprotect `*_priv` with a fresh tree and compare its content, then
    /// protect `body` as a PrivateMessage (with a fresh sender tree) and
    /// unprotect it with another fresh tree.
    fn private_round_trip(&self, their_bytes: &[u8], body: &FramedContentBody) -> CaseResult {
        let theirs = decode::<MlsMessage>(their_bytes)?
            .into_private_message()
            .ok_or_else(|| CaseError::failed("*_priv is not a PrivateMessage"))?;
        let mut tree = self.secret_tree()?;
        let mut verified = self
            .context()
            .unprotect_private(&tree, &theirs, &self.members)?;
        ensure(&verified.framed_content().content == body, || {
            "PrivateMessage content differs from the raw value".into()
        })?;
        verified.confirm(&mut tree)?;

        let signed = self.sign(body.clone(), WireFormat::PRIVATE_MESSAGE)?;
        let mut sender_tree = self.secret_tree()?;
        let ours = self
            .context()
            .protect_private(&mut sender_tree, &signed, PaddingMode::Padme)?;
        let bytes = encode(&MlsMessage::from(ours))?;
        let back = decode::<MlsMessage>(&bytes)?
            .into_private_message()
            .ok_or_else(|| CaseError::failed("our PrivateMessage did not decode as one"))?;
        let receiver_tree = self.secret_tree()?;
        let verified = self
            .context()
            .unprotect_private(&receiver_tree, &back, &self.members)?;
        ensure(verified.to_content() == signed, || {
            "our PrivateMessage did not round-trip".into()
        })
    }
}

/// Check one case of `message-protection.json`.
pub fn check(case: &Case<'_>) -> CaseResult {
    let suite_id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(suite_id)
        .map_err(|_| CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let cs = RustCryptoProvider::new()
        .cipher_suite_provider(suite)
        .ok_or(CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let signer = SignatureKeyPair::from_private_key(
        &*cs,
        SignaturePrivateKey::from(case.bytes("signature_priv")?),
    )?;
    let fixture = Fixture {
        cs,
        group_context: GroupContext {
            version: ProtocolVersion::MLS10,
            cipher_suite: CipherSuiteId(suite_id),
            group_id: VLBytes::new(case.bytes("group_id")?),
            epoch: case.u64("epoch")?,
            tree_hash: VLBytes::new(case.bytes("tree_hash")?),
            confirmed_transcript_hash: VLBytes::new(case.bytes("confirmed_transcript_hash")?),
            extensions: Vec::new(),
        },
        membership_key: MembershipKey::from_slice(&case.bytes("membership_key")?),
        sender_data_secret: SenderDataSecret::from_slice(&case.bytes("sender_data_secret")?),
        encryption_secret: case.bytes("encryption_secret")?,
        signer,
        members: SenderAtLeafOne(case.bytes("signature_pub")?),
    };

    let proposal = FramedContentBody::Proposal(decode::<Proposal>(&case.bytes("proposal")?)?);
    fixture.public_round_trip(&case.bytes("proposal_pub")?, &proposal)?;
    fixture.private_round_trip(&case.bytes("proposal_priv")?, &proposal)?;

    let commit = FramedContentBody::Commit(decode::<Commit>(&case.bytes("commit")?)?);
    fixture.public_round_trip(&case.bytes("commit_pub")?, &commit)?;
    fixture.private_round_trip(&case.bytes("commit_priv")?, &commit)?;

    let application = FramedContentBody::Application(VLBytes::new(case.bytes("application")?));
    fixture.private_round_trip(&case.bytes("application_priv")?, &application)?;
    // Application data as a PublicMessage must fail (RFC 9420 §6, V-6-01).
    let signed = fixture.sign(application, WireFormat::PUBLIC_MESSAGE)?;
    let refused = protect_public(
        fixture.cs.as_ref(),
        signed,
        Some(&fixture.group_context),
        Some(&fixture.membership_key),
    );
    ensure(
        matches!(
            refused,
            Err(GroupError::Rejected(Rejection::Framing(
                FramingError::ApplicationDataInPublicMessage
            )))
        ),
        || format!("application PublicMessage not refused: {refused:?}"),
    )
}
