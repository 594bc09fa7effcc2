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
use mls_group::framing::{
    FramingContext, MemberView, PaddingMode, framed_content, protect_public, sign_content,
};
use mls_group::{FramingError, GroupError, Misuse, Rejection};
use mls_keyschedule::{
    EncryptionSecret, KeyScheduleError, MembershipKey, RatchetKind, SecretTree, SecretTreeConfig,
    SenderDataSecret,
};
use mls_treemath::{LeafCount, LeafIndex};

/// The sender of most messages.
mod hostile;
mod private;
mod public;
mod round_trips;

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
