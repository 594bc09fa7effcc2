//! Bad-input tests of message protection (RFC 9420 §6, VALIDATION.md §6):
//! each rejection names its rule and leaves the secret tree unchanged.

use std::sync::Arc;

use mls_codec::{
    AuthenticatedContent, CipherSuiteId, Commit, ContentType, Credential, Extension,
    ExternalSender, ExternalSenders, FramedContentBody, GroupContext, PrivateContentAad,
    PrivateMessage, Proposal, ProtocolVersion, PublicMessage, Remove, Sender, SenderData,
    SenderDataAad, SignaturePublicKey, VLBytes, WireFormat, decode, encode,
};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::GroupError;
use mls_group::framing::{
    FramingContext, MemberView, PaddingMode, framed_content, protect_public, sign_content,
};
use mls_keyschedule::{
    EncryptionSecret, KeyScheduleError, MembershipKey, RatchetKind, SecretTree, SecretTreeConfig,
    SenderDataSecret,
};
use mls_treemath::{LeafCount, LeafIndex};

/// The sender of most messages.
const ALICE: u32 = 1;
/// The other member.
const BOB: u32 = 0;
/// A blank leaf inside the tree.
const BLANK: u32 = 2;

/// Leaves 0 and 1 are members, leaf 2 is blank; the tree has 3 leaves.
struct Members(Vec<Option<Vec<u8>>>);

impl MemberView for Members {
    fn member_signature_key(&self, leaf_index: u32) -> Option<&[u8]> {
        self.0.get(usize::try_from(leaf_index).ok()?)?.as_deref()
    }
}

struct Fx {
    cs: Arc<dyn CipherSuiteProvider>,
    group_context: GroupContext,
    membership_key: MembershipKey,
    sender_data_secret: SenderDataSecret,
    encryption_secret: Vec<u8>,
    bob: SignatureKeyPair,
    alice: SignatureKeyPair,
    members: Members,
}

fn application() -> FramedContentBody {
    FramedContentBody::Application(VLBytes::new(b"hello, group".to_vec()))
}

fn proposal() -> FramedContentBody {
    FramedContentBody::Proposal(Proposal::Remove(Remove { removed: BOB }))
}

fn commit() -> FramedContentBody {
    FramedContentBody::Commit(Commit::default())
}

impl Fx {
    fn new(suite: CipherSuite) -> Fx {
        let cs = RustCryptoProvider::with_seed([7; 32])
            .cipher_suite_provider(suite)
            .expect("suite supported");
        let nh = suite.hash_len();
        let bob = cs.signature_generate_key_pair().expect("key pair");
        let alice = cs.signature_generate_key_pair().expect("key pair");
        let members = Members(vec![
            Some(bob.public_key.clone()),
            Some(alice.public_key.clone()),
            None,
        ]);
        Fx {
            group_context: GroupContext {
                version: ProtocolVersion::MLS10,
                cipher_suite: CipherSuiteId(suite.id()),
                group_id: VLBytes::new(b"framing test group".to_vec()),
                epoch: 42,
                tree_hash: VLBytes::new(vec![1; nh]),
                confirmed_transcript_hash: VLBytes::new(vec![2; nh]),
                extensions: Vec::new(),
            },
            membership_key: MembershipKey::from_slice(&vec![3; nh]),
            sender_data_secret: SenderDataSecret::from_slice(&vec![4; nh]),
            encryption_secret: vec![5; nh],
            cs,
            bob,
            alice,
            members,
        }
    }

    fn suite1() -> Fx {
        Fx::new(CipherSuite::ALL[0])
    }

    fn cs(&self) -> &dyn CipherSuiteProvider {
        self.cs.as_ref()
    }

    fn ctx(&self) -> FramingContext<'_> {
        FramingContext {
            cs: self.cs(),
            group_context: &self.group_context,
            membership_key: &self.membership_key,
            sender_data_secret: &self.sender_data_secret,
        }
    }

    fn tree(&self) -> SecretTree {
        SecretTree::new(
            EncryptionSecret::from_slice(&self.encryption_secret),
            LeafCount::new(3).expect("count"),
            SecretTreeConfig::default(),
        )
    }

    fn key_of(&self, leaf: u32) -> &SignatureKeyPair {
        if leaf == ALICE {
            &self.alice
        } else {
            &self.bob
        }
    }

    /// Content from `sender` signed by `signer`'s key for `wire_format`;
    /// commits get a confirmation tag.
    fn signed_by(
        &self,
        sender: Sender,
        signer: u32,
        body: FramedContentBody,
        wire_format: WireFormat,
    ) -> AuthenticatedContent {
        let is_commit = body.content_type() == ContentType::Commit;
        let content = framed_content(&self.group_context, sender, b"aad".to_vec(), body);
        let mut signed = sign_content(
            self.cs(),
            self.key_of(signer),
            wire_format,
            content,
            Some(&self.group_context),
        )
        .expect("signs");
        if is_commit {
            signed.auth.confirmation_tag = Some(VLBytes::new(vec![9; 32]));
        }
        signed
    }

    fn signed(&self, body: FramedContentBody, wire_format: WireFormat) -> AuthenticatedContent {
        self.signed_by(Sender::Member(ALICE), ALICE, body, wire_format)
    }

    fn public(&self, body: FramedContentBody) -> PublicMessage {
        self.ctx()
            .protect_public(self.signed(body, WireFormat::PUBLIC_MESSAGE))
            .expect("protects")
    }

    fn private(&self, sender_tree: &mut SecretTree, body: FramedContentBody) -> PrivateMessage {
        let signed = self.signed(body, WireFormat::PRIVATE_MESSAGE);
        self.ctx()
            .protect_private(sender_tree, &signed, PaddingMode::Padme)
            .expect("protects")
    }

    fn unprotect_public(
        &self,
        message: &PublicMessage,
    ) -> Result<AuthenticatedContent, GroupError> {
        self.ctx()
            .unprotect_public(message, &self.members)
            .map(|v| v.into_content())
    }

    /// Unprotect with `tree` and assert the tree is unchanged.
    fn unprotect_private(
        &self,
        tree: &SecretTree,
        message: &PrivateMessage,
    ) -> Result<AuthenticatedContent, GroupError> {
        let before = tree.clone();
        let result = self.ctx().unprotect_private(tree, message, &self.members);
        assert_eq!(tree, &before, "unprotect_private changed the secret tree");
        result.map(|v| v.into_content())
    }

    fn sender_data_aad(&self, message: &PrivateMessage) -> Vec<u8> {
        encode(&SenderDataAad {
            group_id: message.group_id.clone(),
            epoch: message.epoch,
            content_type: message.content_type,
        })
        .expect("encodes")
    }

    /// Decrypt a message's SenderData (test-side, with the known secret).
    fn open_sender_data(&self, message: &PrivateMessage) -> SenderData {
        let key = self
            .sender_data_secret
            .key_nonce(self.cs(), message.ciphertext.as_slice())
            .expect("derives");
        let plain = self
            .cs()
            .aead_open(
                key.key.as_bytes(),
                key.nonce.as_bytes(),
                &self.sender_data_aad(message),
                message.encrypted_sender_data.as_slice(),
            )
            .expect("opens");
        decode(&plain).expect("parses")
    }

    /// Encrypt raw SenderData bytes into `message` (a forgery by an insider
    /// who knows the sender-data secret).
    fn seal_sender_data(&self, message: &mut PrivateMessage, sender_data: &[u8]) {
        let key = self
            .sender_data_secret
            .key_nonce(self.cs(), message.ciphertext.as_slice())
            .expect("derives");
        let sealed = self
            .cs()
            .aead_seal(
                key.key.as_bytes(),
                key.nonce.as_bytes(),
                &self.sender_data_aad(message),
                sender_data,
            )
            .expect("seals");
        message.encrypted_sender_data = VLBytes::new(sealed);
    }

    /// A PrivateMessage from Alice whose header says `content_type` and
    /// whose plaintext is `plaintext` exactly, encrypted with the next key of
    /// Alice's `kind` ratchet in `sender_tree`.
    fn seal_raw(
        &self,
        sender_tree: &mut SecretTree,
        content_type: ContentType,
        kind: RatchetKind,
        plaintext: &[u8],
    ) -> PrivateMessage {
        let group_id = self.group_context.group_id.clone();
        let epoch = self.group_context.epoch;
        let authenticated_data = VLBytes::new(b"aad".to_vec());
        let aad = encode(&PrivateContentAad {
            group_id: group_id.clone(),
            epoch,
            content_type,
            authenticated_data: authenticated_data.clone(),
        })
        .expect("encodes");
        let leaf = LeafIndex::new(ALICE).expect("index");
        let (generation, key) = sender_tree
            .encryption_key(self.cs(), leaf, kind)
            .expect("key");
        let reuse_guard = [1, 2, 3, 4];
        let nonce = key.nonce.with_reuse_guard(reuse_guard);
        let ciphertext = self
            .cs()
            .aead_seal(key.key.as_bytes(), nonce.as_bytes(), &aad, plaintext)
            .expect("seals");
        let mut message = PrivateMessage {
            group_id,
            epoch,
            content_type,
            authenticated_data,
            encrypted_sender_data: VLBytes::new(vec![]),
            ciphertext: VLBytes::new(ciphertext),
        };
        let sender_data = encode(&SenderData {
            leaf_index: ALICE,
            generation,
            reuse_guard,
        })
        .expect("encodes");
        self.seal_sender_data(&mut message, &sender_data);
        message
    }

    /// The PrivateMessageContent plaintext of a correctly signed
    /// application message, without padding.
    fn application_plaintext(&self) -> Vec<u8> {
        let signed = self.signed(application(), WireFormat::PRIVATE_MESSAGE);
        let mut out = Vec::new();
        let FramedContentBody::Application(data) = &signed.content.content else {
            unreachable!()
        };
        out.extend(encode(data).expect("encodes"));
        out.extend(encode(&signed.auth).expect("encodes"));
        out
    }
}

fn flip_last(bytes: &mut VLBytes) {
    let mut v = bytes.as_slice().to_vec();
    if let Some(b) = v.last_mut() {
        *b ^= 1;
    }
    *bytes = VLBytes::new(v);
}

fn flip_first(bytes: &mut VLBytes) {
    let mut v = bytes.as_slice().to_vec();
    if let Some(b) = v.first_mut() {
        *b ^= 1;
    }
    *bytes = VLBytes::new(v);
}

// ----- round trips ---------------------------------------------------------

#[test]
fn every_suite_round_trips_both_wire_formats() {
    for suite in CipherSuite::ALL {
        let fx = Fx::new(suite);
        for body in [proposal(), commit()] {
            let message = fx.public(body.clone());
            assert_eq!(
                fx.unprotect_public(&message)
                    .expect("verifies")
                    .content
                    .content,
                body
            );
        }
        let mut sender = fx.tree();
        let mut receiver = fx.tree();
        for body in [application(), proposal(), commit(), application()] {
            let message = fx.private(&mut sender, body.clone());
            let mut verified = fx
                .ctx()
                .unprotect_private(&receiver, &message, &fx.members)
                .expect("decrypts");
            assert_eq!(verified.content().content.content, body);
            assert_eq!(verified.sender(), Sender::Member(ALICE));
            verified.confirm(&mut receiver).expect("confirms");
        }
    }
}

#[test]
fn padding_modes_and_accepted_padding_lengths() {
    let fx = Fx::suite1();
    let mut sender = fx.tree();
    let receiver = fx.tree();
    for mode in [
        PaddingMode::None,
        PaddingMode::Multiple(64),
        PaddingMode::Padme,
    ] {
        let signed = fx.signed(application(), WireFormat::PRIVATE_MESSAGE);
        let message = fx
            .ctx()
            .protect_private(&mut sender, &signed, mode)
            .expect("protects");
        if mode == PaddingMode::Multiple(64) {
            // AEAD tag of 16 bytes on top of the padded plaintext.
            assert_eq!((message.ciphertext.as_slice().len() - 16) % 64, 0);
        }
        assert!(
            fx.ctx()
                .unprotect_private(&receiver, &message, &fx.members)
                .is_ok()
        );
    }
    // V-6.3.1-02, G-43: zero padding of 0, 1 and 4096 bytes is accepted.
    for len in [0, 1, 4096] {
        let mut plaintext = fx.application_plaintext();
        plaintext.resize(plaintext.len() + len, 0);
        let message = fx.seal_raw(
            &mut sender,
            ContentType::Application,
            RatchetKind::Application,
            &plaintext,
        );
        assert!(
            fx.unprotect_private(&receiver, &message).is_ok(),
            "padding {len}"
        );
    }
}

#[test]
fn reuse_guard_is_fresh_per_message() {
    // V-6.3.1-07.
    let fx = Fx::suite1();
    let mut sender = fx.tree();
    let a = fx.open_sender_data(&fx.private(&mut sender, application()));
    let b = fx.open_sender_data(&fx.private(&mut sender, application()));
    assert_eq!((a.generation, b.generation), (0, 1));
    assert_ne!(a.reuse_guard, b.reuse_guard);
}

#[test]
fn out_of_order_messages_decrypt_once_each() {
    let fx = Fx::suite1();
    let mut sender = fx.tree();
    let mut receiver = fx.tree();
    let first = fx.private(&mut sender, application());
    let second = fx.private(&mut sender, application());
    for message in [&second, &first] {
        let mut v = fx
            .ctx()
            .unprotect_private(&receiver, message, &fx.members)
            .expect("decrypts");
        assert!(v.is_unconfirmed());
        v.confirm(&mut receiver).expect("confirms");
        // A second confirm is a no-op.
        v.confirm(&mut receiver).expect("no-op");
    }
}

// ----- §6 common -----------------------------------------------------------

#[test]
fn application_data_in_a_public_message_is_rejected() {
    // V-6-01, sender side.
    let fx = Fx::suite1();
    let signed = fx.signed(application(), WireFormat::PUBLIC_MESSAGE);
    assert!(matches!(
        fx.ctx().protect_public(signed.clone()),
        Err(GroupError::PublicMessageApplicationData)
    ));
    // Receiver side: a correctly signed and tagged one is still rejected.
    let tbm = signed.tbm_bytes(Some(&fx.group_context)).expect("tbm");
    let tag = fx.membership_key.tag(fx.cs(), &tbm);
    let message = PublicMessage::from_authenticated_content(signed, Some(VLBytes::new(tag)));
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::PublicMessageApplicationData)
    ));
}

#[test]
fn wrong_group_id_is_rejected() {
    // V-6-04.
    let fx = Fx::suite1();
    let mut public = fx.public(proposal());
    public.content.group_id = VLBytes::new(b"another group".to_vec());
    assert!(matches!(
        fx.unprotect_public(&public),
        Err(GroupError::MessageGroupIdMismatch)
    ));
    let receiver = fx.tree();
    let mut private = fx.private(&mut fx.tree(), application());
    private.group_id = VLBytes::new(b"another group".to_vec());
    assert!(matches!(
        fx.unprotect_private(&receiver, &private),
        Err(GroupError::MessageGroupIdMismatch)
    ));
}

#[test]
fn wrong_epoch_is_rejected() {
    // V-6-05.
    let fx = Fx::suite1();
    let mut public = fx.public(commit());
    public.content.epoch = 41;
    assert!(matches!(
        fx.unprotect_public(&public),
        Err(GroupError::MessageEpochMismatch {
            expected: 42,
            actual: 41
        })
    ));
    let receiver = fx.tree();
    let mut private = fx.private(&mut fx.tree(), application());
    private.epoch = 43;
    assert!(matches!(
        fx.unprotect_private(&receiver, &private),
        Err(GroupError::MessageEpochMismatch {
            expected: 42,
            actual: 43
        })
    ));
}

// ----- §6.1 / §6.2 PublicMessage -------------------------------------------

#[test]
fn wrong_membership_tag_is_rejected() {
    // V-6.2-01, V-6.2-02.
    let fx = Fx::suite1();
    let good = fx.public(proposal());
    let tag = good.membership_tag.clone().expect("member tag");
    let other_key = MembershipKey::from_slice(&[0x33; 32]);
    let tbm = good.tbm_bytes(Some(&fx.group_context)).expect("tbm");
    let tags = [
        {
            let mut t = tag.clone();
            flip_last(&mut t);
            t
        },
        VLBytes::new(vec![]),
        VLBytes::new(tag.as_slice()[..1].to_vec()),
        VLBytes::new(tag.as_slice()[..16].to_vec()),
        VLBytes::new([tag.as_slice(), &[0]].concat()),
        VLBytes::new(other_key.tag(fx.cs(), &tbm)),
    ];
    for bad in tags {
        let mut message = good.clone();
        message.membership_tag = Some(bad);
        assert!(matches!(
            fx.unprotect_public(&message),
            Err(GroupError::PublicMessageMembershipTagInvalid)
        ));
    }
    // V-6.2-03: the tag covers the auth data.
    let mut message = good.clone();
    flip_last(&mut message.auth.signature);
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::PublicMessageMembershipTagInvalid)
    ));
    let mut message = good;
    message.membership_tag = None;
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::PublicMessageMembershipTagInvalid)
    ));
}

#[test]
fn bad_signature_is_rejected() {
    let fx = Fx::suite1();
    // V-6.1-02: signed by Bob's key but claiming to come from Alice; a
    // correct membership tag (an insider) does not help.
    let forged = fx.signed_by(
        Sender::Member(ALICE),
        BOB,
        proposal(),
        WireFormat::PUBLIC_MESSAGE,
    );
    let message = fx.ctx().protect_public(forged).expect("protects");
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::MessageSignatureInvalid)
    ));
    // V-6.1-03: signed for private_message, sent as public_message.
    let mut other_format = fx.signed(proposal(), WireFormat::PRIVATE_MESSAGE);
    other_format.wire_format = WireFormat::PUBLIC_MESSAGE;
    let message = fx.ctx().protect_public(other_format).expect("protects");
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::MessageSignatureInvalid)
    ));
    // V-6.1-02: signed over another epoch's GroupContext.
    let mut old_context = fx.group_context.clone();
    old_context.confirmed_transcript_hash = VLBytes::new(vec![0; 32]);
    let content = framed_content(&fx.group_context, Sender::Member(ALICE), vec![], commit());
    let mut signed = sign_content(
        fx.cs(),
        &fx.alice,
        WireFormat::PUBLIC_MESSAGE,
        content,
        Some(&old_context),
    )
    .expect("signs");
    signed.auth.confirmation_tag = Some(VLBytes::new(vec![1; 32]));
    let message = fx.ctx().protect_public(signed).expect("protects");
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::MessageSignatureInvalid)
    ));
    // V-6.3.1-04: a PrivateMessage that decrypts but is signed by Bob.
    let receiver = fx.tree();
    let forged = fx.signed_by(
        Sender::Member(ALICE),
        BOB,
        application(),
        WireFormat::PRIVATE_MESSAGE,
    );
    let message = fx
        .ctx()
        .protect_private(&mut fx.tree(), &forged, PaddingMode::None)
        .expect("protects");
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::MessageSignatureInvalid)
    ));
}

#[test]
fn sender_outside_the_tree_or_blank_is_rejected() {
    // V-6.1-01.
    let fx = Fx::suite1();
    for leaf in [BLANK, 3, 1000, u32::MAX] {
        let message = fx
            .ctx()
            .protect_public(fx.signed_by(
                Sender::Member(leaf),
                ALICE,
                proposal(),
                WireFormat::PUBLIC_MESSAGE,
            ))
            .expect("protects");
        assert!(matches!(
            fx.unprotect_public(&message),
            Err(GroupError::MessageSenderNotMember(l)) if l == leaf
        ));
    }
    // V-6.3.2-01, V-6.3.2-02: SenderData naming a blank or absent leaf.
    let receiver = fx.tree();
    let good = fx.private(&mut fx.tree(), application());
    for leaf in [BLANK, 3, u32::MAX] {
        let mut message = good.clone();
        let mut sender_data = fx.open_sender_data(&message);
        sender_data.leaf_index = leaf;
        fx.seal_sender_data(&mut message, &encode(&sender_data).expect("encodes"));
        assert!(matches!(
            fx.unprotect_private(&receiver, &message),
            Err(GroupError::MessageSenderNotMember(l)) if l == leaf
        ));
    }
}

#[test]
fn sender_type_rules() {
    let fx = Fx::suite1();
    let external_key = fx.cs().signature_generate_key_pair().expect("key");
    let sign_external = |sender: Sender, body: FramedContentBody| {
        let is_commit = body.content_type() == ContentType::Commit;
        let content = framed_content(&fx.group_context, sender, vec![], body);
        let mut signed = sign_content(
            fx.cs(),
            &external_key,
            WireFormat::PUBLIC_MESSAGE,
            content,
            // Ignored for external and new_member_proposal senders.
            Some(&fx.group_context),
        )
        .expect("signs");
        if is_commit {
            signed.auth.confirmation_tag = Some(VLBytes::new(vec![1; 32]));
        }
        protect_public(fx.cs(), signed, None, None).expect("protects")
    };
    // V-6.1-04: no external_senders extension.
    let message = sign_external(Sender::External(0), proposal());
    assert!(message.membership_tag.is_none());
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::MessageExternalSenderUnknown(0))
    ));
    // With the extension: index 0 verifies, index 1 is unknown (V-6.1-05).
    let mut with_senders = Fx::suite1();
    with_senders.group_context.extensions = vec![
        Extension::from_payload(&ExternalSenders(vec![ExternalSender {
            signature_key: SignaturePublicKey(VLBytes::new(external_key.public_key.clone())),
            credential: Credential::basic(b"server".to_vec()),
        }]))
        .expect("encodes"),
    ];
    assert!(with_senders.unprotect_public(&message).is_ok());
    let message = sign_external(Sender::External(1), proposal());
    assert!(matches!(
        with_senders.unprotect_public(&message),
        Err(GroupError::MessageExternalSenderUnknown(1))
    ));
    // V-6.1-06: an external sender cannot commit.
    let message = sign_external(Sender::External(0), commit());
    assert!(matches!(
        with_senders.unprotect_public(&message),
        Err(GroupError::MessageSenderContentTypeNotAllowed {
            sender: "external",
            content_type: 3
        })
    ));
    // V-6.1-09: new_member_commit with a proposal.
    let message = sign_external(Sender::NewMemberCommit, proposal());
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::MessageSenderContentTypeNotAllowed {
            sender: "new_member_commit",
            content_type: 2
        })
    ));
    // V-6.1-10: new_member_commit without a path.
    let content = framed_content(&fx.group_context, Sender::NewMemberCommit, vec![], commit());
    let mut signed = sign_content(
        fx.cs(),
        &external_key,
        WireFormat::PUBLIC_MESSAGE,
        content,
        Some(&fx.group_context),
    )
    .expect("signs");
    signed.auth.confirmation_tag = Some(VLBytes::new(vec![1; 32]));
    let message = protect_public(fx.cs(), signed, Some(&fx.group_context), None).expect("ok");
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::MessageNewMemberCommitWithoutPath)
    ));
    // V-6.1-11: new_member_proposal must be an Add.
    let message = sign_external(Sender::NewMemberProposal, proposal());
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::MessageSenderProposalTypeNotAllowed {
            sender: "new_member_proposal",
            proposal_type: 3
        })
    ));
}

#[test]
fn protect_refuses_misuse() {
    let fx = Fx::suite1();
    let mut tree = fx.tree();
    // V-6.3.2-06: only members send PrivateMessages.
    let external = fx.signed_by(
        Sender::External(0),
        ALICE,
        proposal(),
        WireFormat::PRIVATE_MESSAGE,
    );
    assert!(matches!(
        fx.ctx()
            .protect_private(&mut tree, &external, PaddingMode::None),
        Err(GroupError::FramingMisuse(_))
    ));
    // A commit without its confirmation tag.
    let mut untagged = fx.signed(commit(), WireFormat::PRIVATE_MESSAGE);
    untagged.auth.confirmation_tag = None;
    assert!(matches!(
        fx.ctx()
            .protect_private(&mut tree, &untagged, PaddingMode::None),
        Err(GroupError::FramingMisuse(_))
    ));
    // Content signed for the other wire format.
    let public = fx.signed(proposal(), WireFormat::PUBLIC_MESSAGE);
    assert!(matches!(
        fx.ctx()
            .protect_private(&mut tree, &public, PaddingMode::None),
        Err(GroupError::FramingMisuse(_))
    ));
    let private = fx.signed(proposal(), WireFormat::PRIVATE_MESSAGE);
    assert!(matches!(
        fx.ctx().protect_public(private),
        Err(GroupError::FramingMisuse(_))
    ));
    // A member PublicMessage needs the membership key.
    let public = fx.signed(proposal(), WireFormat::PUBLIC_MESSAGE);
    assert!(matches!(
        protect_public(fx.cs(), public, Some(&fx.group_context), None),
        Err(GroupError::FramingMisuse(_))
    ));
    // V-6.3.1-08: a plaintext padded beyond what a PrivateMessage carries.
    let huge = fx.signed(application(), WireFormat::PRIVATE_MESSAGE);
    assert!(matches!(
        fx.ctx()
            .protect_private(&mut tree, &huge, PaddingMode::Multiple(u32::MAX)),
        Err(GroupError::FramingMisuse(_))
    ));
    // Nothing was taken from the tree by the refusals.
    assert_eq!(tree, fx.tree());
}

// ----- §6.3 PrivateMessage -------------------------------------------------

#[test]
fn non_zero_padding_is_rejected() {
    // V-6.3.1-01, G-43: first, middle and last padding byte.
    let fx = Fx::suite1();
    let mut sender = fx.tree();
    let receiver = fx.tree();
    for position in [0, 50, 99] {
        let mut plaintext = fx.application_plaintext();
        let start = plaintext.len();
        plaintext.resize(start + 100, 0);
        plaintext[start + position] = 1;
        let message = fx.seal_raw(
            &mut sender,
            ContentType::Application,
            RatchetKind::Application,
            &plaintext,
        );
        assert!(matches!(
            fx.unprotect_private(&receiver, &message),
            Err(GroupError::PaddingNotZero)
        ));
    }
}

#[test]
fn inner_content_type_differing_from_the_header_is_rejected() {
    // V-6.3.1-06: the header says commit, the plaintext is application data.
    let fx = Fx::suite1();
    let mut sender = fx.tree();
    let receiver = fx.tree();
    let message = fx.seal_raw(
        &mut sender,
        ContentType::Commit,
        RatchetKind::Handshake,
        &fx.application_plaintext(),
    );
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::PrivateContentMalformed(_))
    ));
    // V-6.3.1-05: the header says proposal but the application ratchet was
    // used: the handshake key does not open it.
    let message = fx.seal_raw(
        &mut sender,
        ContentType::Proposal,
        RatchetKind::Application,
        &fx.application_plaintext(),
    );
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::ContentDecryptionFailed)
    ));
}

#[test]
fn replayed_message_is_rejected() {
    let fx = Fx::suite1();
    let mut receiver = fx.tree();
    let message = fx.private(&mut fx.tree(), application());
    let mut first = fx
        .ctx()
        .unprotect_private(&receiver, &message, &fx.members)
        .expect("decrypts");
    first.confirm(&mut receiver).expect("confirms");
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::KeySchedule(
            KeyScheduleError::GenerationAlreadyUsed(0)
        ))
    ));
}

#[test]
fn tampered_ciphertext_is_rejected() {
    // V-6.3.1-03.
    let fx = Fx::suite1();
    let receiver = fx.tree();
    let good = fx.private(&mut fx.tree(), proposal());
    // The last byte (AEAD tag) is outside the sender-data sample.
    let mut message = good.clone();
    flip_last(&mut message.ciphertext);
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::ContentDecryptionFailed)
    ));
    // The first byte is in the sample: the sender-data key changes.
    let mut message = good.clone();
    flip_first(&mut message.ciphertext);
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::SenderDataDecryptionFailed)
    ));
    // authenticated_data is in the content AAD only.
    let mut message = good.clone();
    message.authenticated_data = VLBytes::new(b"other".to_vec());
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::ContentDecryptionFailed)
    ));
    // content_type is in both AADs; the sender data fails first.
    let mut message = good;
    message.content_type = ContentType::Commit;
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::SenderDataDecryptionFailed)
    ));
}

#[test]
fn tampered_sender_data_is_rejected() {
    // V-6.3.2-03, V-6.3.2-04.
    let fx = Fx::suite1();
    let receiver = fx.tree();
    let good = fx.private(&mut fx.tree(), application());
    let mut message = good.clone();
    flip_first(&mut message.encrypted_sender_data);
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::SenderDataDecryptionFailed)
    ));
    // Under another epoch's sender-data secret.
    let mut other = Fx::suite1();
    other.sender_data_secret = SenderDataSecret::from_slice(&[0x44; 32]);
    let foreign = other.private(&mut other.tree(), application());
    assert!(matches!(
        fx.unprotect_private(&receiver, &foreign),
        Err(GroupError::SenderDataDecryptionFailed)
    ));
    // Well encrypted but not 12 bytes.
    for len in [11, 13] {
        let mut message = good.clone();
        let mut bytes = encode(&fx.open_sender_data(&message)).expect("encodes");
        bytes.resize(len, 0);
        fx.seal_sender_data(&mut message, &bytes);
        assert!(matches!(
            fx.unprotect_private(&receiver, &message),
            Err(GroupError::SenderDataMalformed(_))
        ));
    }
    // A changed reuse guard gives the wrong nonce.
    let mut message = good.clone();
    let mut sender_data = fx.open_sender_data(&message);
    sender_data.reuse_guard[0] ^= 1;
    fx.seal_sender_data(&mut message, &encode(&sender_data).expect("encodes"));
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::ContentDecryptionFailed)
    ));
    // A generation far ahead is refused before any derivation.
    let mut message = good;
    let mut sender_data = fx.open_sender_data(&message);
    sender_data.generation = u32::MAX;
    fx.seal_sender_data(&mut message, &encode(&sender_data).expect("encodes"));
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::KeySchedule(
            KeyScheduleError::GenerationTooFarAhead { .. }
        ))
    ));
}

#[test]
fn rejected_after_framing_leaves_the_tree_unchanged() {
    // The engine drops the VerifiedMessage (its checks failed): the key is
    // still there and the same message decrypts later.
    let fx = Fx::suite1();
    let mut receiver = fx.tree();
    let before = receiver.clone();
    let message = fx.private(&mut fx.tree(), application());
    let dropped = fx
        .ctx()
        .unprotect_private(&receiver, &message, &fx.members)
        .expect("decrypts");
    drop(dropped);
    assert_eq!(receiver, before);
    let mut again = fx
        .ctx()
        .unprotect_private(&receiver, &message, &fx.members)
        .expect("decrypts again");
    again.confirm(&mut receiver).expect("confirms");
    assert_ne!(receiver, before);
}

// ----- hostile input ---------------------------------------------------------

mod hostile {
    use super::*;
    use mls_codec::MlsMessage;
    use proptest::prelude::*;

    /// Flip bits of the encoded message; whatever decodes must be rejected
    /// by unprotect without changing the tree (and nothing panics).
    fn flipped(bytes: &[u8], flips: &[(usize, u8)]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for &(at, mask) in flips {
            let len = out.len();
            if let Some(b) = out.get_mut(at % len) {
                *b ^= mask.max(1);
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn tampered_private_messages_are_rejected(
            flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        ) {
            let fx = Fx::suite1();
            let receiver = fx.tree();
            let good = fx.private(&mut fx.tree(), proposal());
            let bytes = encode(&MlsMessage::from(good.clone())).expect("encodes");
            let bad = flipped(&bytes, &flips);
            if let Ok(message) = decode::<MlsMessage>(&bad) {
                let before = receiver.clone();
                let result = fx.ctx().unprotect(&receiver, &message, &fx.members);
                prop_assert_eq!(&receiver, &before);
                // Only an encoding-neutral change could verify; the content
                // is then exactly the original.
                if let Ok(v) = result {
                    prop_assert_eq!(message.into_private_message(), Some(good));
                    prop_assert_eq!(v.into_content().content.content, proposal());
                }
            }
        }

        #[test]
        fn tampered_public_messages_are_rejected(
            flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        ) {
            let fx = Fx::suite1();
            let good = fx.public(commit());
            let bytes = encode(&MlsMessage::from(good.clone())).expect("encodes");
            let bad = flipped(&bytes, &flips);
            if let Ok(message) = decode::<MlsMessage>(&bad)
                && let Ok(v) = fx.ctx().unprotect(&fx.tree(), &message, &fx.members)
            {
                prop_assert_eq!(message.into_public_message(), Some(good));
                prop_assert_eq!(v.into_content().content.content, commit());
            }
        }

        #[test]
        fn random_private_messages_never_panic(
            header in (any::<u64>(), 1u8..=3),
            sender_data in prop::collection::vec(any::<u8>(), 0..40),
            ciphertext in prop::collection::vec(any::<u8>(), 0..200),
            same_group in any::<bool>(),
        ) {
            let fx = Fx::suite1();
            let receiver = fx.tree();
            let content_type = match header.1 {
                1 => ContentType::Application,
                2 => ContentType::Proposal,
                _ => ContentType::Commit,
            };
            let message = PrivateMessage {
                group_id: fx.group_context.group_id.clone(),
                epoch: if same_group { fx.group_context.epoch } else { header.0 },
                content_type,
                authenticated_data: VLBytes::new(vec![]),
                encrypted_sender_data: VLBytes::new(sender_data),
                ciphertext: VLBytes::new(ciphertext),
            };
            let result = fx.unprotect_private(&receiver, &message);
            prop_assert!(result.is_err());
        }
    }
}
