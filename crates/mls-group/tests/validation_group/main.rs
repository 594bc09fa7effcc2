//! The validation rulebook at the group level (VALIDATION.md Part B, the
//! `[group]` receiver rules of §6.1, §7.3, §8.6, §12.1-§12.4.2; see
//! docs/validation.md for the rule -> test table). One module per part of
//! the RFC: [`proposals`] (§12.1), [`proposal_list`] (§12.2, §13.5),
//! [`commit`] (§12.4, §12.4.2), [`join`] (§12.4.3.1 and around),
//! [`credentials`] (§5.3.1, §7.3); the world and the helpers they share are
//! here.
//!
//! Each test builds the offending input, feeds it to a member and asserts
//! the exact error variant, and that the member's serialized state is
//! byte-identical afterwards. Messages a correct client never
//! produces are forged with the sender's own keys (signature key and the
//! epoch's membership key, via `Group::framing_context` of the `test-utils`
//! feature), so the check under test is the one that fires rather than a
//! framing check.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use mls_codec::{
    Add, Capabilities, Commit, Credential, Extension, ExtensionType, ExternalInit,
    FramedContentBody, GroupContextExtensions, KeyPackage, LeafNode, LeafNodeSource, MlsMessage,
    MlsMessageBody, PreSharedKeyId, PreSharedKeyProposal, Proposal, ProposalOrRef, ProposalType,
    ProtocolVersion, Psk, PublicMessage, ReInit, Remove, RequiredCapabilities, ResumptionPskUsage,
    Sender, Update, VLBytes, WireFormat,
};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, Secret, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::framing::framed_content;
use mls_group::key_package::{
    KeyPackageBuilder, KeyPackageBundle, sign_key_package, sign_leaf_node,
};
use mls_group::{
    CommitError, CreateOptions, FramingError, Group, GroupConfig, GroupError, JoinOptions,
    KeyPackageError, Misuse, ProcessedMessage, ProposalError, Rejection, Rule, WelcomeError,
};
use mls_keyschedule::{InMemoryPskStore, KeyScheduleError, PskStore};
use mls_treekem::TreeKemError;

mod commit;
mod credentials;
mod join;
mod proposal_list;
mod proposals;

use commit::{edit_path, path_commit, resign_path_leaf};
use credentials::{caps_with_credentials, deny_evil, key_package_with};

const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;

/// A group of members that all agree on the current epoch, with their
/// signature keys (leaf i is `members[i]`).
struct World {
    provider: RustCryptoProvider,
    cs: Arc<dyn CipherSuiteProvider>,
    members: Vec<Group>,
    signers: Vec<SignatureKeyPair>,
}

fn provider_and_suite(seed: u8) -> (RustCryptoProvider, Arc<dyn CipherSuiteProvider>) {
    let provider = RustCryptoProvider::with_seed([seed; 32]);
    let cs = provider.cipher_suite_provider(SUITE).unwrap();
    (provider, cs)
}

fn bundle_with(
    cs: &dyn CipherSuiteProvider,
    name: &str,
    capabilities: Option<Capabilities>,
) -> KeyPackageBundle {
    let signer = cs.signature_generate_key_pair().unwrap();
    let mut builder = KeyPackageBuilder::new();
    if let Some(c) = capabilities {
        builder = builder.capabilities(c);
    }
    builder
        .build(cs, Credential::basic(name.as_bytes().to_vec()), &signer)
        .unwrap()
}

fn bundle(cs: &dyn CipherSuiteProvider, name: &str) -> KeyPackageBundle {
    bundle_with(cs, name, None)
}

/// Capabilities that also list the private extension type `ext`.
fn caps_with_extension(ext: u16) -> Capabilities {
    Capabilities {
        versions: vec![ProtocolVersion::MLS10],
        cipher_suites: vec![mls_codec::CipherSuiteId(SUITE.id())],
        extensions: vec![ExtensionType(ext)],
        proposals: Vec::new(),
        credentials: vec![mls_codec::CredentialType::BASIC],
    }
}

impl World {
    /// `n` members with default capabilities.
    fn new(seed: u8, n: usize) -> Self {
        Self::with_caps(seed, n, None, GroupConfig::default())
    }

    fn with_caps(seed: u8, n: usize, caps: Option<Capabilities>, config: GroupConfig) -> Self {
        let (provider, cs) = provider_and_suite(seed);
        let bundles: Vec<KeyPackageBundle> = (0..n)
            .map(|i| bundle_with(cs.as_ref(), &format!("m{i}"), caps.clone()))
            .collect();
        let signers = bundles
            .iter()
            .map(|b| b.signer().expect("an in-memory key"))
            .collect();
        let mut first = create_as(&cs, &bundles[0], config.clone());
        let mut members = Vec::new();
        if n > 1 {
            let out = first
                .commit_builder()
                .proposals(
                    bundles[1..]
                        .iter()
                        .map(|b| {
                            Proposal::from(Add {
                                key_package: b.key_package().clone(),
                            })
                        })
                        .collect(),
                )
                .build()
                .unwrap();
            first.merge_pending_commit().unwrap();
            let welcome = out.welcome.unwrap();
            for b in &bundles[1..] {
                let (g, _) = Group::join(
                    &provider,
                    &welcome,
                    &vec![b.clone()],
                    config.clone(),
                    JoinOptions::default(),
                )
                .unwrap();
                members.push(g);
            }
        }
        members.insert(0, first);
        World {
            provider,
            cs,
            members,
            signers,
        }
    }

    /// Deliver `message` to every member except `except` and merge.
    fn deliver_commit(&mut self, from: usize, message: &MlsMessage) {
        for (i, g) in self.members.iter_mut().enumerate() {
            if i == from {
                g.merge_pending_commit().unwrap();
                continue;
            }
            match g.process_message(message).unwrap() {
                ProcessedMessage::Commit(staged) => g.merge_staged_commit(staged).unwrap(),
                _ => panic!("not a commit"),
            }
        }
    }

    /// Deliver a proposal message to every other member; returns its reference.
    fn deliver_proposal(&mut self, from: usize, message: &MlsMessage) -> VLBytes {
        let mut reference = None;
        for (i, g) in self.members.iter_mut().enumerate() {
            if i == from {
                continue;
            }
            match g.process_message(message).unwrap() {
                ProcessedMessage::Proposal(p) => {
                    reference = Some(VLBytes::new(p.reference.as_bytes().to_vec()))
                }
                _ => panic!("not a proposal"),
            }
        }
        reference.unwrap()
    }

    /// Content from member `from`, signed with `signer` and membership-tagged
    /// with `from`'s keys; commits get a junk confirmation tag.
    fn forge_as(
        &self,
        from: usize,
        signer: &SignatureKeyPair,
        body: FramedContentBody,
    ) -> MlsMessage {
        let sender = &self.members[from];
        let ctx = sender.framing_context();
        let is_commit = matches!(body, FramedContentBody::Commit(_));
        let content = framed_content(
            ctx.group_context,
            Sender::Member(sender.own_leaf().get()),
            Vec::new(),
            body,
        );
        let mut auth = ctx
            .sign(signer, WireFormat::PUBLIC_MESSAGE, content)
            .unwrap();
        if is_commit {
            auth.auth.confirmation_tag = Some(VLBytes::new(vec![0x42; 32]));
        }
        MlsMessage::new(MlsMessageBody::PublicMessage(
            ctx.protect_public(auth).unwrap(),
        ))
    }

    fn forge(&self, from: usize, body: FramedContentBody) -> MlsMessage {
        self.forge_as(from, &self.signers[from], body)
    }

    fn forge_commit(
        &self,
        from: usize,
        proposals: Vec<ProposalOrRef>,
        path: Option<mls_codec::UpdatePath>,
    ) -> MlsMessage {
        self.forge(from, FramedContentBody::Commit(Commit { proposals, path }))
    }

    /// Re-sign and re-tag a PublicMessage of member `from` after `edit`
    /// changed its content; the confirmation tag is kept as it was.
    fn resign(
        &self,
        from: usize,
        message: &MlsMessage,
        edit: impl FnOnce(&mut PublicMessage),
    ) -> MlsMessage {
        let MlsMessageBody::PublicMessage(mut public) = message.body.clone() else {
            panic!("not a PublicMessage");
        };
        edit(&mut public);
        let ctx = self.members[from].framing_context();
        let mut auth = ctx
            .sign(
                &self.signers[from],
                WireFormat::PUBLIC_MESSAGE,
                public.content,
            )
            .unwrap();
        auth.auth.confirmation_tag = public.auth.confirmation_tag;
        MlsMessage::new(MlsMessageBody::PublicMessage(
            ctx.protect_public(auth).unwrap(),
        ))
    }
}

fn snapshot(g: &Group) -> Vec<u8> {
    g.to_bytes().unwrap().to_vec()
}

/// `message` is rejected by `group`, which stays byte-identical.
fn rejected_with(group: &mut Group, message: &MlsMessage, psks: &dyn PskStore) -> GroupError {
    let before = snapshot(group);
    let err = group
        .process_message_with_psks(message, psks)
        .expect_err("must be rejected");
    assert_eq!(snapshot(group), before, "state changed after {err}");
    err
}

fn rejected(group: &mut Group, message: &MlsMessage) -> GroupError {
    rejected_with(group, message, &InMemoryPskStore::new())
}

fn accepted_commit(group: &mut Group, message: &MlsMessage) {
    match group.process_message(message).unwrap() {
        ProcessedMessage::Commit(staged) => group.merge_staged_commit(staged).unwrap(),
        _ => panic!("not a commit"),
    }
}

/// Flip one bit of byte `i`.
fn flip(v: &mut VLBytes, i: usize) {
    let mut b = v.as_slice().to_vec();
    b[i] ^= 1;
    *v = VLBytes::new(b);
}

fn val(p: Proposal) -> ProposalOrRef {
    ProposalOrRef::Proposal(p)
}

fn remove(leaf: u32) -> Proposal {
    Proposal::Remove(Remove { removed: leaf })
}

fn add(kp: &KeyPackage) -> Proposal {
    Proposal::from(Add {
        key_package: kp.clone(),
    })
}

fn gce(extensions: Vec<Extension>) -> Proposal {
    Proposal::GroupContextExtensions(GroupContextExtensions { extensions })
}

fn psk(cs: &dyn CipherSuiteProvider, id: Psk) -> Proposal {
    Proposal::from(PreSharedKeyProposal {
        psk: PreSharedKeyId {
            psk: id,
            psk_nonce: VLBytes::new(vec![7; cs.cipher_suite().hash_len()]),
        },
    })
}

fn external(id: &[u8]) -> Psk {
    Psk::External {
        psk_id: VLBytes::new(id.to_vec()),
    }
}

fn resumption(usage: ResumptionPskUsage, group: &Group, epoch: u64) -> Psk {
    Psk::Resumption {
        usage,
        psk_group_id: VLBytes::new(group.group_id().to_vec()),
        psk_epoch: epoch,
    }
}

/// An Update LeafNode for member `who` with a fresh encryption key, signed
/// by `signer` for leaf `index` (a correct one uses `who`'s own).
fn update_leaf(w: &World, who: usize, signer: &SignatureKeyPair, index: u32) -> LeafNode {
    let g = &w.members[who];
    let mut node = own_leaf(g);
    node.encryption_key = w.cs.hpke_generate_key_pair().unwrap().public_key.into();
    node.leaf_node_source = LeafNodeSource::Update;
    sign_leaf_node(w.cs.as_ref(), signer, &mut node, g.group_id(), index).unwrap();
    node
}

/// Member `who`'s own correct Update leaf, `edit`ed before it is signed.
fn edited_update_leaf(w: &World, who: usize, edit: impl FnOnce(&mut LeafNode)) -> LeafNode {
    let g = &w.members[who];
    let mut node = own_leaf(g);
    node.encryption_key = w.cs.hpke_generate_key_pair().unwrap().public_key.into();
    node.leaf_node_source = LeafNodeSource::Update;
    edit(&mut node);
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[who],
        &mut node,
        g.group_id(),
        g.own_leaf().get(),
    )
    .unwrap();
    node
}

/// The one cached proposal a Commit left out: why.
fn only_omitted(out: &mls_group::CommitOutput) -> &GroupError {
    assert_eq!(out.omitted.len(), 1, "{:?}", out.omitted);
    out.omitted[0].reason.as_ref()
}

fn own_leaf(g: &Group) -> LeafNode {
    use mls_treekem::TreeView;
    g.ratchet_tree().leaf(g.own_leaf()).unwrap().clone()
}

fn leaf_of(g: &Group, index: u32) -> LeafNode {
    use mls_treekem::TreeView;
    g.ratchet_tree()
        .leaf(mls_treekem::LeafIndex::new(index).unwrap())
        .unwrap()
        .clone()
}

fn update(leaf: LeafNode) -> Proposal {
    Proposal::from(Update { leaf_node: leaf })
}

/// Leaf `n` (tests name leaves by number).
fn leaf(n: u32) -> mls_group::LeafIndex {
    mls_group::LeafIndex::new(n).expect("a leaf index below 2^31")
}

/// Create a group whose creator has the identity, signature key and
/// capabilities of `bundle` (tests that forge messages need those keys).
fn create_as(
    cs: &std::sync::Arc<dyn mls_crypto::CipherSuiteProvider>,
    bundle: &KeyPackageBundle,
    config: GroupConfig,
) -> Group {
    let leaf = &bundle.key_package().leaf_node;
    let signer = bundle.signer().expect("an in-memory key");
    let options = CreateOptions {
        leaf: KeyPackageBuilder::new().capabilities(leaf.capabilities.clone()),
        ..CreateOptions::default()
    };
    Group::create(
        cs.clone(),
        leaf.credential.clone(),
        std::sync::Arc::new(signer),
        config,
        options,
    )
    .unwrap()
}
