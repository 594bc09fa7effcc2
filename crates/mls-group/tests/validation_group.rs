//! The validation rulebook at the group level (VALIDATION.md Part B, the
//! `[group]` receiver rules of §6.1, §7.3, §8.6, §12.1-§12.4.2; see
//! docs/validation.md for the rule -> test table).
//!
//! Each test builds the offending input, feeds it to a member and asserts
//! the exact error variant, and that the member's serialized state is
//! byte-identical afterwards. Messages a correct client never
//! produces are forged with the sender's own keys (signature key and the
//! epoch's membership key, via the doc-hidden `Group::framing_context`), so
//! the check under test is the one that fires rather than a framing check.

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

// ---- §12.1 standalone proposals -------------------------------------------

/// V-12.1-01: a standalone proposal whose signature fails is rejected and
/// not cached.
#[test]
fn v12_1_01_proposal_with_bad_signature() {
    let mut w = World::new(1, 3);
    let m = w.forge_as(
        0,
        &w.signers[2].clone(),
        FramedContentBody::Proposal(remove(2)),
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid))
        ),
        "{err}"
    );
    assert_eq!(w.members[1].pending_proposal_count(), 0);
}

/// V-12.1-02, V-6-05: a standalone proposal of another epoch is rejected.
#[test]
fn v12_1_02_proposal_of_another_epoch() {
    let mut w = World::new(2, 3);
    let m = w.forge(0, FramedContentBody::Proposal(remove(2)));
    let m = w.resign(0, &m, |p| p.content.epoch += 1);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err}"
    );
}

/// V-12.1-03: a proposal cached in epoch n cannot be referenced in n+1.
#[test]
fn v12_1_03_cache_cleared_by_epoch_change() {
    let mut w = World::new(3, 3);
    let p = w.members[0].propose().remove(leaf(2)).unwrap();
    let reference = w.deliver_proposal(0, &p);
    let out = w.members[0]
        .commit_builder()
        .include_pending(false)
        .force_path(true)
        .build()
        .unwrap();
    w.deliver_commit(0, &out.commit);
    let m = w.forge_commit(0, vec![ProposalOrRef::Reference(reference)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UnknownRef))
        ),
        "{err}"
    );
}

/// V-12.1.1-01, V-12.2-01, V-10-01: an Add whose KeyPackage fails §10.1
/// (signature broken by a changed field).
#[test]
fn v12_1_1_01_add_with_invalid_key_package() {
    let mut w = World::new(4, 2);
    let mut kp = bundle(w.cs.as_ref(), "new").key_package().clone();
    kp.init_key = w.cs.hpke_generate_key_pair().unwrap().public_key.into();
    let m = w.forge_commit(0, vec![val(add(&kp))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::SignatureInvalid))
        ),
        "{err}"
    );
    // The same as a standalone proposal: not cached.
    let m = w.forge(0, FramedContentBody::Proposal(add(&kp)));
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::SignatureInvalid))
        ),
        "{err}"
    );
}

/// V-12.1.2-01, V-7.3-13: an Update whose leaf source is not `update`.
#[test]
fn v7_3_13_update_with_wrong_leaf_source() {
    let mut w = World::new(5, 3);
    let mut leaf = update_leaf(&w, 1, &w.signers[1].clone(), 1);
    leaf.leaf_node_source = LeafNodeSource::Commit(VLBytes::new(vec![]));
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[1],
        &mut leaf,
        w.members[1].group_id(),
        1,
    )
    .unwrap();
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::WrongLeafNodeSource { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_13), "{err}");
}

/// V-12.1.2-02, V-7.2-06, V-7.3-02: an Update signed for another leaf index.
#[test]
fn v12_1_2_02_update_signed_for_another_leaf() {
    let mut w = World::new(6, 3);
    let leaf = update_leaf(&w, 1, &w.signers[1].clone(), 2);
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::LeafSignatureInvalid { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_02), "{err}");
}

/// V-7.2-05: changing a LeafNode field without re-signing is rejected.
#[test]
fn v7_2_05_update_changed_after_signing() {
    let mut w = World::new(7, 3);
    let mut leaf = update_leaf(&w, 1, &w.signers[1].clone(), 1);
    leaf.capabilities.extensions.push(ExtensionType(0xff20));
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::LeafSignatureInvalid { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_02), "{err}");
}

/// V-7.3-14: an Update keeping the encryption key of the leaf it replaces,
/// standalone and committed by reference.
#[test]
fn v7_3_14_update_keeping_its_encryption_key() {
    let mut w = World::new(8, 3);
    let mut leaf = own_leaf(&w.members[1]);
    leaf.leaf_node_source = LeafNodeSource::Update;
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[1],
        &mut leaf,
        w.members[1].group_id(),
        1,
    )
    .unwrap();
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::UpdateKeepsEncryptionKey(1)
            ))
        ),
        "{err}"
    );
}

/// V-7.3-16: an Update whose signature key is another member's.
#[test]
fn v7_3_16_update_with_another_members_signature_key() {
    let mut w = World::new(9, 3);
    let mut leaf = update_leaf(&w, 1, &w.signers[1].clone(), 1);
    leaf.signature_key = leaf_of(&w.members[1], 2).signature_key;
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[2],
        &mut leaf,
        w.members[1].group_id(),
        1,
    )
    .unwrap();
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::DuplicateSignatureKey { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_16), "{err}");
}

/// V-7.3-17: an Update whose encryption key is another member's.
#[test]
fn v7_3_17_update_with_another_members_encryption_key() {
    let mut w = World::new(10, 3);
    let mut leaf = update_leaf(&w, 1, &w.signers[1].clone(), 1);
    leaf.encryption_key = leaf_of(&w.members[1], 2).encryption_key;
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[1],
        &mut leaf,
        w.members[1].group_id(),
        1,
    )
    .unwrap();
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::DuplicateEncryptionKey { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_17), "{err}");
}

/// V-12.1.3-01, V-12.1.3-02: a Remove of a blank leaf, and of 0xFFFFFFFF.
#[test]
fn v12_1_3_remove_of_blank_or_outside_leaf() {
    let mut w = World::new(11, 3);
    for leaf in [3, 0xFFFF_FFFF] {
        let m = w.forge(0, FramedContentBody::Proposal(remove(leaf)));
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Proposal(ProposalError::RemoveOfNonMember(l))) if l == leaf),
            "{err}"
        );
        let m = w.forge_commit(0, vec![val(remove(leaf))], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Proposal(ProposalError::RemoveOfNonMember(l))) if l == leaf),
            "{err}"
        );
    }
}

/// V-12.1.4-01, V-12.1.4-02, V-11.2-01, V-11.3-01: resumption PSKs with
/// usage reinit or branch outside those flows (standalone and by value).
#[test]
fn v12_1_4_01_02_reinit_and_branch_psks_outside_their_flows() {
    let mut w = World::new(12, 2);
    for usage in [ResumptionPskUsage::Reinit, ResumptionPskUsage::Branch] {
        let p = psk(w.cs.as_ref(), resumption(usage, &w.members[0], 0));
        let m = w.forge(0, FramedContentBody::Proposal(p.clone()));
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(ProposalError::PskUsageNotAllowed(_)))
            ),
            "{err}"
        );
        let m = w.forge_commit(0, vec![val(p)], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(ProposalError::PskUsageNotAllowed(_)))
            ),
            "{err}"
        );
    }
}

/// V-12.1.4-03: a PSK nonce of length 0, Nh-1 or Nh+1.
#[test]
fn v12_1_4_03_psk_nonce_length() {
    let mut w = World::new(13, 2);
    let nh = w.cs.cipher_suite().hash_len();
    for len in [0, nh - 1, nh + 1] {
        let p = Proposal::from(PreSharedKeyProposal {
            psk: PreSharedKeyId {
                psk: external(b"x"),
                psk_nonce: VLBytes::new(vec![1; len]),
            },
        });
        let m = w.forge(0, FramedContentBody::Proposal(p));
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Commit(CommitError::PskUnavailable(
                    KeyScheduleError::InvalidPskNonceLength { .. }
                )))
            ),
            "{err}"
        );
    }
}

/// V-12.1.4-04, V-12.4.2-06: a Commit naming an external PSK the receiver
/// does not hold.
#[test]
fn v12_4_2_06_unknown_external_psk() {
    let mut w = World::new(14, 2);
    let m = w.forge_commit(0, vec![val(psk(w.cs.as_ref(), external(b"nope")))], None);
    let mut store = InMemoryPskStore::new();
    store.insert_external(b"other".to_vec(), Secret::from(vec![1; 32]));
    let err = rejected_with(&mut w.members[1], &m, &store);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::PskUnavailable(
                KeyScheduleError::PskNotFound(_)
            )))
        ),
        "{err}"
    );
}

/// V-8.6-01: a resumption PSK of an epoch that is no longer retained.
#[test]
fn v8_6_01_resumption_psk_not_retained() {
    let mut w = World::new(15, 2);
    for _ in 0..4 {
        let out = w.members[0]
            .commit_builder()
            .force_path(true)
            .build()
            .unwrap();
        w.deliver_commit(0, &out.commit);
    }
    let old = psk(
        w.cs.as_ref(),
        resumption(ResumptionPskUsage::Application, &w.members[0], 0),
    );
    let m = w.forge_commit(0, vec![val(old)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::PskUnavailable(
                KeyScheduleError::PskNotFound(_)
            )))
        ),
        "{err}"
    );
    // The current epoch's (and a retained one's) resumption PSK is accepted
    // (RFC 9420 §8.6; the passive-client vectors need the current one).
    let current = w.members[0].epoch();
    for epoch in [current, current - 1] {
        let p = psk(
            w.cs.as_ref(),
            resumption(ResumptionPskUsage::Application, &w.members[0], epoch),
        );
        let out = w.members[0]
            .commit_builder()
            .proposals(vec![p])
            .build()
            .unwrap();
        w.members[0].clear_pending_commit();
        let staged = match w.members[1].process_message(&out.commit).unwrap() {
            ProcessedMessage::Commit(s) => s,
            _ => panic!("not a commit"),
        };
        assert_eq!(staged.info().psks.len(), 1);
    }
}

/// V-12.1.6-01: an ExternalInit as a standalone proposal.
#[test]
fn v12_1_6_01_standalone_external_init() {
    let mut w = World::new(16, 2);
    let p = Proposal::ExternalInit(ExternalInit {
        kem_output: VLBytes::new(vec![1; 32]),
    });
    let m = w.forge(0, FramedContentBody::Proposal(p));
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(6)))
        ),
        "{err}"
    );
}

// ---- §12.1.7 GroupContextExtensions ------------------------------------------

/// V-12.1.7-03, V-13.4-01: a GCE listing one type twice.
#[test]
fn v12_1_7_03_gce_with_duplicate_type() {
    let mut w = World::new(17, 2);
    let e = Extension {
        extension_type: ExtensionType::EXTERNAL_SENDERS,
        extension_data: VLBytes::new(vec![0]),
    };
    let m = w.forge_commit(0, vec![val(gce(vec![e.clone(), e]))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::InvalidGroupContextExtensions(_)
            ))
        ),
        "{err}"
    );
}

/// V-12.1.7-05, V-17.3-01: a GCE holding an extension not allowed in the
/// GroupContext (ratchet_tree, external_pub, application_id).
#[test]
fn v12_1_7_05_gce_with_misplaced_extension() {
    let mut w = World::new(18, 2);
    for t in [
        ExtensionType::RATCHET_TREE,
        ExtensionType::EXTERNAL_PUB,
        ExtensionType::APPLICATION_ID,
    ] {
        let e = Extension {
            extension_type: t,
            extension_data: VLBytes::new(vec![0]),
        };
        let m = w.forge_commit(0, vec![val(gce(vec![e]))], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(
                    ProposalError::InvalidGroupContextExtensions(_)
                ))
            ),
            "{err}"
        );
    }
}

fn required(extensions: Vec<u16>, proposals: Vec<u16>, credentials: Vec<u16>) -> Extension {
    Extension::from_payload(&RequiredCapabilities {
        extension_types: extensions.into_iter().map(ExtensionType).collect(),
        proposal_types: proposals.into_iter().map(ProposalType).collect(),
        credential_types: credentials
            .into_iter()
            .map(mls_codec::CredentialType)
            .collect(),
    })
    .unwrap()
}

/// V-12.1.7-01, V-11.1-02, V-7.3-03/04/05: a GCE whose required
/// capabilities some member lacks (extension, proposal, credential type).
#[test]
fn v12_1_7_01_gce_requiring_unsupported_capabilities() {
    let mut w = World::new(19, 2);
    for req in [
        required(vec![0xff30], vec![], vec![]),
        required(vec![], vec![0xff31], vec![]),
        required(vec![], vec![], vec![0xff32]),
    ] {
        let m = w.forge_commit(0, vec![val(gce(vec![req]))], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(
                    ProposalError::InvalidGroupContextExtensions(_)
                ))
            ),
            "{err}"
        );
    }
}

/// V-12.1.7-02, V-13.4-04: a GCE with an extension type a member does not
/// support (a GREASE type too).
#[test]
fn v12_1_7_02_gce_with_unsupported_extension() {
    let mut w = World::new(20, 2);
    for t in [0xff40, 0x0a0a] {
        let e = Extension {
            extension_type: ExtensionType(t),
            extension_data: VLBytes::new(vec![]),
        };
        let m = w.forge_commit(0, vec![val(gce(vec![e]))], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(
                    ProposalError::InvalidGroupContextExtensions(_)
                ))
            ),
            "{err}"
        );
    }
}

/// V-12.3-01, V-11.1-01, V-13.4-04: a GCE adding required capability X and
/// an Add whose KeyPackage lacks X in one Commit: the Add is judged against
/// the new extensions. Members support X, so only the Add is at fault.
#[test]
fn v12_3_01_gce_applies_before_adds() {
    let mut w = World::with_caps(
        21,
        2,
        Some(caps_with_extension(0xff50)),
        GroupConfig::default(),
    );
    let kp = bundle(w.cs.as_ref(), "new").key_package().clone();
    let m = w.forge_commit(
        0,
        vec![
            val(gce(vec![required(vec![0xff50], vec![], vec![])])),
            val(add(&kp)),
        ],
        None,
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::MissingCapability(_)))
        ),
        "{err}"
    );
}

/// V-13.4-04, V-11.1-01: once the group has a non-default extension, an Add
/// of a member that does not support it is rejected.
#[test]
fn v13_4_04_add_lacking_group_extension() {
    let mut w = World::with_caps(
        22,
        2,
        Some(caps_with_extension(0xff60)),
        GroupConfig::default(),
    );
    let e = Extension {
        extension_type: ExtensionType(0xff60),
        extension_data: VLBytes::new(vec![]),
    };
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![gce(vec![e])])
        .build()
        .unwrap();
    w.deliver_commit(0, &out.commit);
    let kp = bundle(w.cs.as_ref(), "new").key_package().clone();
    let m = w.forge_commit(0, vec![val(add(&kp))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::MissingCapability(_)))
        ),
        "{err}"
    );
}

// ---- §12.2 proposal-list validation ------------------------------------------

/// V-12.2-02: a Commit referencing an Update the committer itself sent.
#[test]
fn v12_2_02_committer_references_own_update() {
    let mut w = World::new(30, 3);
    let p = w.members[0].propose().update().unwrap();
    let r = w.deliver_proposal(0, &p);
    let m = w.forge_commit(0, vec![ProposalOrRef::Reference(r)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateFromCommitter(0)))
        ),
        "{err}"
    );
}

/// V-12.2-03: an Update by value.
#[test]
fn v12_2_03_update_by_value() {
    let mut w = World::new(31, 3);
    let leaf = update_leaf(&w, 0, &w.signers[0].clone(), 0);
    let m = w.forge_commit(0, vec![val(update(leaf))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateFromCommitter(0)))
        ),
        "{err}"
    );
}

/// V-12.2-04: a Remove of the committer, by value and by reference.
#[test]
fn v12_2_04_remove_of_the_committer() {
    let mut w = World::new(32, 3);
    let m = w.forge_commit(0, vec![val(remove(0))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CommitterRemoved(0)))
        ),
        "{err}"
    );
    let p = w.members[2].propose().remove(leaf(0)).unwrap();
    let r = w.deliver_proposal(2, &p);
    let m = w.forge_commit(0, vec![ProposalOrRef::Reference(r)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CommitterRemoved(0)))
        ),
        "{err}"
    );
}

/// V-12.2-05: two Updates for one leaf.
#[test]
fn v12_2_05_two_updates_for_one_leaf() {
    let mut w = World::new(33, 3);
    let p1 = w.members[2].propose().update().unwrap();
    let r1 = w.deliver_proposal(2, &p1);
    let p2 = w.members[2].propose().update().unwrap();
    let r2 = w.deliver_proposal(2, &p2);
    let m = w.forge_commit(
        0,
        vec![ProposalOrRef::Reference(r1), ProposalOrRef::Reference(r2)],
        None,
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateLeafChange(2)))
        ),
        "{err}"
    );
}

/// V-12.2-06: two Removes for one leaf.
#[test]
fn v12_2_06_two_removes_for_one_leaf() {
    let mut w = World::new(34, 3);
    let m = w.forge_commit(0, vec![val(remove(2)), val(remove(2))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateLeafChange(2)))
        ),
        "{err}"
    );
}

/// V-12.2-07: an Update and a Remove for one leaf.
#[test]
fn v12_2_07_update_and_remove_for_one_leaf() {
    let mut w = World::new(35, 3);
    let p = w.members[2].propose().update().unwrap();
    let r = w.deliver_proposal(2, &p);
    let m = w.forge_commit(0, vec![ProposalOrRef::Reference(r), val(remove(2))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateLeafChange(2)))
        ),
        "{err}"
    );
}

/// V-12.2-08: two Adds of one client (same signature key).
#[test]
fn v12_2_08_two_adds_of_one_client() {
    let mut w = World::new(36, 2);
    let signer = w.cs.signature_generate_key_pair().unwrap();
    let kp = |name: &str| {
        KeyPackageBuilder::new()
            .build(
                w.cs.as_ref(),
                Credential::basic(name.as_bytes().to_vec()),
                &signer,
            )
            .unwrap()
            .key_package()
            .clone()
    };
    let (a, b) = (kp("x"), kp("x"));
    let m = w.forge_commit(0, vec![val(add(&a)), val(add(&b))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::AddOfExistingMember))
        ),
        "{err}"
    );
}

/// V-12.2-09: two Adds sharing an init_key (the same KeyPackage twice), and
/// two Adds sharing a leaf encryption key (V-12.2-17, V-16.7-01).
#[test]
fn v12_2_09_two_adds_sharing_keys() {
    let mut w = World::new(37, 2);
    let kp = bundle(w.cs.as_ref(), "x").key_package().clone();
    let m = w.forge_commit(0, vec![val(add(&kp)), val(add(&kp))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateInitKey))
        ),
        "{err}"
    );

    // A second client whose KeyPackage reuses the first one's leaf
    // encryption key (re-signed, so it is valid on its own).
    let other = bundle(w.cs.as_ref(), "y");
    let mut kp2 = other.key_package().clone();
    kp2.leaf_node.encryption_key = kp.leaf_node.encryption_key.clone();
    sign_leaf_node(
        w.cs.as_ref(),
        &other.signer().expect("an in-memory key"),
        &mut kp2.leaf_node,
        &[],
        0,
    )
    .unwrap();
    sign_key_package(
        w.cs.as_ref(),
        &other.signer().expect("an in-memory key"),
        &mut kp2,
    )
    .unwrap();
    let m = w.forge_commit(0, vec![val(add(&kp)), val(add(&kp2))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::DuplicateEncryptionKey { .. }
            )))
        ),
        "{err}"
    );
}

/// V-12.2-17: an Add whose leaf encryption key is an existing member's.
#[test]
fn v12_2_17_add_reusing_a_members_encryption_key() {
    let mut w = World::new(38, 2);
    let other = bundle(w.cs.as_ref(), "y");
    let mut kp = other.key_package().clone();
    kp.leaf_node.encryption_key = leaf_of(&w.members[0], 1).encryption_key;
    sign_leaf_node(
        w.cs.as_ref(),
        &other.signer().expect("an in-memory key"),
        &mut kp.leaf_node,
        &[],
        0,
    )
    .unwrap();
    sign_key_package(
        w.cs.as_ref(),
        &other.signer().expect("an in-memory key"),
        &mut kp,
    )
    .unwrap();
    let m = w.forge_commit(0, vec![val(add(&kp))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::DuplicateEncryptionKey { .. }
            )))
        ),
        "{err}"
    );
}

/// V-12.2-10 (rejected) and V-12.2-11 (accepted with a Remove of that member).
#[test]
fn v12_2_10_11_add_of_an_existing_member() {
    let mut w = World::new(39, 3);
    let again = KeyPackageBuilder::new()
        .build(
            w.cs.as_ref(),
            Credential::basic(b"m2".to_vec()),
            &w.signers[2],
        )
        .unwrap()
        .key_package()
        .clone();
    let m = w.forge_commit(0, vec![val(add(&again))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::AddOfExistingMember))
        ),
        "{err}"
    );

    let out = w.members[0]
        .commit_builder()
        .proposals(vec![remove(2), add(&again)])
        .build()
        .unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    assert_eq!(w.members[1].member_count(), 3);
}

/// V-12.2-12: two PreSharedKey proposals with the same PreSharedKeyID.
#[test]
fn v12_2_12_duplicate_psk() {
    let mut w = World::new(40, 2);
    let p = psk(w.cs.as_ref(), external(b"e"));
    let m = w.forge_commit(0, vec![val(p.clone()), val(p)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicatePsk))
        ),
        "{err}"
    );
}

/// V-12.2-13: two GroupContextExtensions proposals.
#[test]
fn v12_2_13_two_gces() {
    let mut w = World::new(41, 2);
    let m = w.forge_commit(0, vec![val(gce(vec![])), val(gce(vec![]))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::DuplicateGroupContextExtensions
            ))
        ),
        "{err}"
    );
}

/// V-12.2-14: a ReInit together with another proposal (a Remove, or a
/// second ReInit); a ReInit alone is accepted (tests/resumption.rs).
#[test]
fn v12_2_14_reinit_with_other_proposals() {
    let mut w = World::new(42, 3);
    let reinit = Proposal::from(ReInit {
        group_id: VLBytes::new(b"new".to_vec()),
        version: ProtocolVersion::MLS10,
        cipher_suite: mls_codec::CipherSuiteId(SUITE.id()),
        extensions: Vec::new(),
    });
    for list in [
        vec![val(reinit.clone()), val(remove(2))],
        vec![val(reinit.clone()), val(reinit)],
    ] {
        let m = w.forge_commit(0, list, None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(ProposalError::ReInitNotAlone))
            ),
            "{err}"
        );
    }
}

/// V-12.2-15, V-12.4.2-14, V-12.4-05: an ExternalInit in a member Commit.
#[test]
fn v12_2_15_external_init_in_member_commit() {
    let mut w = World::new(43, 2);
    let p = Proposal::ExternalInit(ExternalInit {
        kem_output: VLBytes::new(vec![1; 32]),
    });
    let m = w.forge_commit(0, vec![val(p)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(6)))
        ),
        "{err}"
    );
}

/// V-12.2-16, V-13.2-01, V-12.4-07: a custom proposal type (nobody
/// supports it; the engine implements no custom proposals).
#[test]
fn v12_2_16_custom_proposal_type() {
    let mut w = World::new(44, 2);
    let p = Proposal::Unknown {
        proposal_type: 0xff70,
        data: VLBytes::new(vec![1, 2]),
    };
    let m = w.forge_commit(0, vec![val(p)], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(0xff70)))
        ),
        "{err}"
    );
}

// ---- §13.5 GREASE where it is forbidden ------------------------------------------

/// V-13.5-02/03 (RFC 9420 §13.5): a GREASE value in `Proposal.proposal_type`
/// is an unsupported proposal type, rejected exactly like an unregistered
/// one (0xff70), the state byte-identical.
#[test]
fn v13_5_grease_proposal_type_is_rejected_like_any_unsupported_type() {
    let mut w = World::new(45, 2);
    for t in [0xff70u16, 0x3a3a, 0xeaea] {
        let p = Proposal::Unknown {
            proposal_type: t,
            data: VLBytes::new(vec![1, 2]),
        };
        let m = w.forge_commit(0, vec![val(p)], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(x))) if x == t),
            "{err}"
        );
    }
}

/// V-13.5-02/03 (RFC 9420 §13.5): an Add whose credential has a GREASE
/// `credential_type` (listed in its own capabilities) is refused with the
/// same error as an unregistered credential type, the state byte-identical.
#[test]
fn v13_5_grease_credential_type_is_rejected_like_any_unsupported_type() {
    let mut w = World::new(46, 2);
    let mut lenient = World::with_caps(48, 2, None, deny_evil());
    // A GREASE value no member happens to advertise (their GREASE is random).
    let advertised: Vec<u16> = w
        .members
        .iter()
        .chain(&lenient.members)
        .flat_map(|g| own_leaf(g).capabilities.credentials)
        .map(|c| c.0)
        .collect();
    let grease = *mls_codec::GREASE_VALUES
        .iter()
        .find(|v| !advertised.contains(v))
        .unwrap();
    let mut texts = Vec::new();
    for t in [0xff90u16, grease] {
        let kp = key_package_with(
            w.cs.as_ref(),
            Credential::Unknown {
                credential_type: t,
                data: VLBytes::new(b"x".to_vec()),
            },
            caps_with_credentials(&[1, t]),
        );
        let m = w.forge_commit(0, vec![val(add(&kp))], None);
        // The basic-only credential validator refuses it.
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(_)))
            ),
            "{err}"
        );
        texts.push(err.to_string());
    }
    assert_eq!(texts[0], texts[1]);
    // A validator that accepts other credential types: the members do not
    // support the type, GREASE or not.
    let w = &mut lenient;
    for t in [0xff90u16, grease] {
        let kp = key_package_with(
            w.cs.as_ref(),
            Credential::Unknown {
                credential_type: t,
                data: VLBytes::new(b"x".to_vec()),
            },
            caps_with_credentials(&[1, t]),
        );
        let m = w.forge_commit(0, vec![val(add(&kp))], None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Proposal(ProposalError::CredentialTypeUnsupportedByMember { credential_type, .. })) if credential_type == t),
            "{err}"
        );
    }
}

/// V-13.5-04 (RFC 9420 §13.5): the client's own capabilities hold no
/// GREASE. Members whose leaves advertise the GREASE extension type 0x0a0a
/// still refuse a GroupContextExtensions of that type, while a private type
/// they list is accepted.
#[test]
fn v13_5_own_capabilities_hold_no_grease() {
    let ext = |t: u16| Extension {
        extension_type: ExtensionType(t),
        extension_data: VLBytes::new(vec![]),
    };
    let mut caps = caps_with_extension(0xff40);
    caps.extensions.push(ExtensionType(0x0a0a));
    let mut w = World::with_caps(47, 2, Some(caps), GroupConfig::default());
    for g in &w.members {
        let leaf = own_leaf(g);
        assert!(
            leaf.capabilities
                .extensions
                .contains(&ExtensionType(0x0a0a))
        );
    }
    let m = w.forge_commit(0, vec![val(gce(vec![ext(0x0a0a)]))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::InvalidGroupContextExtensions(_)
            ))
        ),
        "{err}"
    );
    // The committer's own check is the same one.
    let before = snapshot(&w.members[0]);
    let err = w.members[0]
        .commit_builder()
        .proposals(vec![gce(vec![ext(0x0a0a)])])
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::InvalidGroupContextExtensions(_)
            ))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&w.members[0]), before);
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![gce(vec![ext(0xff40)])])
        .build()
        .unwrap();
    w.deliver_commit(0, &out.commit);
}

// ---- §12.4 Commit structure ----------------------------------------------------

/// V-12.4-01..04: path-less Commits that need a path (empty list, Update,
/// Remove, GroupContextExtensions).
#[test]
fn v12_4_01_04_path_required() {
    let mut w = World::new(50, 3);
    let p = w.members[2].propose().update().unwrap();
    let r = w.deliver_proposal(2, &p);
    for list in [
        vec![],
        vec![ProposalOrRef::Reference(r)],
        vec![val(remove(2))],
        vec![val(gce(vec![]))],
    ] {
        let m = w.forge_commit(0, list, None);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Commit(CommitError::PathRequired))
            ),
            "{err}"
        );
    }
}

/// V-12.4-06: a path-less Commit of Adds and PSKs is accepted.
#[test]
fn v12_4_06_pathless_add_and_psk() {
    let mut w = World::new(51, 2);
    let mut store = InMemoryPskStore::new();
    store.insert_external(b"e".to_vec(), Secret::from(vec![3; 32]));
    let kp = bundle(w.cs.as_ref(), "new").key_package().clone();
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(&kp), psk(w.cs.as_ref(), external(b"e"))])
        .psk_store(&store)
        .build()
        .unwrap();
    match w.members[1]
        .process_message_with_psks(&out.commit, &store)
        .unwrap()
    {
        ProcessedMessage::Commit(staged) => {
            assert!(!staged.info().has_path);
            w.members[1].merge_staged_commit(staged).unwrap();
        }
        _ => panic!("not a commit"),
    }
    w.members[0].merge_pending_commit().unwrap();
    assert_eq!(
        w.members[0].epoch_authenticator(),
        w.members[1].epoch_authenticator()
    );
}

/// V-12.4-08 (unknown reference) and V-12.4-09 (a reference listed twice),
/// V-5.2-02 (a reference hashed over the bare Proposal matches nothing).
#[test]
fn v12_4_08_09_unknown_and_repeated_references() {
    let mut w = World::new(52, 3);
    let p = w.members[2].propose().remove(leaf(1)).unwrap();
    let r = w.deliver_proposal(2, &p);
    let bare = mls_crypto::labeled::make_proposal_ref(
        w.cs.as_ref(),
        &mls_codec::encode(&remove(1)).unwrap(),
    )
    .unwrap();
    let m = w.forge_commit(0, vec![ProposalOrRef::Reference(VLBytes::new(bare))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UnknownRef))
        ),
        "{err}"
    );
    let m = w.forge_commit(
        0,
        vec![
            ProposalOrRef::Reference(r.clone()),
            ProposalOrRef::Reference(r),
        ],
        None,
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateRef))
        ),
        "{err}"
    );
}

/// V-12.4-10: a Commit that leaves out pending valid proposals is accepted.
#[test]
fn v12_4_10_commit_may_leave_out_pending_proposals() {
    let mut w = World::new(53, 3);
    let p = w.members[2].propose().remove(leaf(1)).unwrap();
    w.deliver_proposal(2, &p);
    let out = w.members[0]
        .commit_builder()
        .include_pending(false)
        .force_path(true)
        .build()
        .unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    assert_eq!(w.members[1].member_count(), 3);
}

// ---- §12.4.2 processing a Commit -------------------------------------------------

/// A real Commit with a path from member 0 (not merged by the committer).
fn path_commit(w: &mut World) -> MlsMessage {
    let out = w.members[0]
        .commit_builder()
        .force_path(true)
        .build()
        .unwrap();
    w.members[0].clear_pending_commit();
    out.commit
}

/// Edit the UpdatePath of a Commit.
fn edit_path(p: &mut PublicMessage, edit: impl FnOnce(&mut mls_codec::UpdatePath)) {
    let FramedContentBody::Commit(commit) = &mut p.content.content else {
        panic!("not a commit");
    };
    edit(commit.path.as_mut().unwrap());
}

/// Re-sign the path leaf of member 0 after an edit.
fn resign_path_leaf(w: &World, path: &mut mls_codec::UpdatePath) {
    let g = &w.members[0];
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[0],
        &mut path.leaf_node,
        g.group_id(),
        0,
    )
    .unwrap();
}

/// V-12.4.2-01, V-6-05: a Commit for another epoch, including the second of
/// two competing Commits once the first is merged.
#[test]
fn v12_4_2_01_commit_of_another_epoch() {
    let mut w = World::new(60, 3);
    let m = w.forge_commit(0, vec![], None);
    let m = w.resign(0, &m, |p| p.content.epoch += 1);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err}"
    );

    let first = path_commit(&mut w);
    let out = w.members[2]
        .commit_builder()
        .force_path(true)
        .build()
        .unwrap();
    accepted_commit(&mut w.members[1], &first);
    let err = rejected(&mut w.members[1], &out.commit);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err}"
    );
}

/// V-12.4.2-02, V-6.2-01, V-6.2-03: a bad membership tag; changing the
/// confirmation tag or the signature without re-tagging breaks it.
#[test]
fn v12_4_2_02_bad_membership_tag() {
    let mut w = World::new(61, 2);
    let good = path_commit(&mut w);
    type Edit = fn(&mut PublicMessage);
    let edits: [Edit; 3] = [
        |p| flip(p.membership_tag.as_mut().unwrap(), 0),
        |p| flip(p.auth.confirmation_tag.as_mut().unwrap(), 0),
        |p| flip(&mut p.auth.signature, 0),
    ];
    for edit in edits {
        let MlsMessageBody::PublicMessage(mut p) = good.body.clone() else {
            panic!()
        };
        edit(&mut p);
        let m = MlsMessage::new(MlsMessageBody::PublicMessage(p));
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Framing(FramingError::MembershipTagInvalid))
            ),
            "{err}"
        );
    }
}

/// V-12.4.2-03, V-6.3.1-03: a PrivateMessage Commit that does not decrypt.
#[test]
fn v12_4_2_03_private_commit_that_does_not_decrypt() {
    let config = GroupConfig {
        encrypt_handshake: true,
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(62, 2, None, config);
    let out = w.members[0]
        .commit_builder()
        .force_path(true)
        .build()
        .unwrap();
    let MlsMessageBody::PrivateMessage(mut p) = out.commit.body.clone() else {
        panic!("not a PrivateMessage")
    };
    let last = p.ciphertext.as_slice().len() - 1;
    flip(&mut p.ciphertext, last);
    let m = MlsMessage::new(MlsMessageBody::PrivateMessage(p));
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::ContentDecryptionFailed))
        ),
        "{err}"
    );
}

/// V-12.4.2-04, V-6.1-02: a Commit signed with another member's key.
#[test]
fn v12_4_2_04_commit_signature() {
    let mut w = World::new(63, 3);
    let m = w.forge_as(
        0,
        &w.signers[2].clone(),
        FramedContentBody::Commit(Commit {
            proposals: vec![],
            path: None,
        }),
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid))
        ),
        "{err}"
    );
}

/// V-12.4.2-07, V-7.3-15: the path leaf's source is not `commit`.
#[test]
fn v7_3_15_path_leaf_source_not_commit() {
    let mut w = World::new(64, 3);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node.leaf_node_source = LeafNodeSource::Update;
            resign_path_leaf(&w, path);
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::WrongLeafNodeSource { .. }
            )))
        ),
        "{err}"
    );
}

/// V-12.4.2-07, V-7.2-05: the path leaf changed without re-signing.
#[test]
fn v12_4_2_07_path_leaf_not_re_signed() {
    let mut w = World::new(65, 3);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node
                .capabilities
                .extensions
                .push(ExtensionType(0xff80));
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::LeafSignatureInvalid { .. }
            )))
        ),
        "{err}"
    );
}

/// V-12.4.2-08, V-7.5-05: the path leaf keeps the committer's encryption key.
#[test]
fn v12_4_2_08_path_leaf_keeps_encryption_key() {
    let mut w = World::new(66, 3);
    let good = path_commit(&mut w);
    let old = own_leaf(&w.members[0]).encryption_key;
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node.encryption_key = old;
            resign_path_leaf(&w, path);
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::EncryptionKeyNotChanged { .. }
            )))
        ),
        "{err}"
    );
}

/// V-12.4.2-09, V-7.3-17: the path leaf reuses another member's key.
#[test]
fn v12_4_2_09_path_key_already_in_the_tree() {
    let mut w = World::new(67, 3);
    let good = path_commit(&mut w);
    let theirs = leaf_of(&w.members[0], 2).encryption_key;
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node.encryption_key = theirs;
            resign_path_leaf(&w, path);
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::DuplicateEncryptionKey { .. }
            )))
        ),
        "{err}"
    );
}

/// V-12.4.2-10: an UpdatePath repeating one public key on two nodes.
#[test]
fn v12_4_2_10_path_repeats_a_key() {
    let mut w = World::new(68, 4);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            let k = path.nodes[0].encryption_key.clone();
            path.nodes[1].encryption_key = k;
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::DuplicateEncryptionKey { .. }
            )))
        ),
        "{err}"
    );
}

/// V-7.5-04, V-7.9.2-05: a parent key replaced, so the leaf's parent hash
/// no longer matches.
#[test]
fn v7_5_04_path_parent_hash_mismatch() {
    let mut w = World::new(69, 4);
    let good = path_commit(&mut w);
    let fresh = w.cs.hpke_generate_key_pair().unwrap().public_key;
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| path.nodes[1].encryption_key = fresh.into())
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::PathParentHashMismatch
            )))
        ),
        "{err}"
    );
}

/// V-7.6-01: an UpdatePath with a node missing.
#[test]
fn v7_6_01_path_length() {
    let mut w = World::new(70, 4);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.nodes.pop();
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::PathLengthMismatch { .. }
            )))
        ),
        "{err}"
    );
}

/// V-7.6-02: an UpdatePathNode with a ciphertext missing.
#[test]
fn v7_6_02_ciphertext_count() {
    let mut w = World::new(71, 4);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.nodes[1].encrypted_path_secret.pop();
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::CiphertextCountMismatch { .. }
            )))
        ),
        "{err}"
    );
}

/// V-7.5-03, V-16.12-01: the receiver's ciphertext does not open; the
/// error names the committer.
#[test]
fn v7_5_03_path_secret_does_not_decrypt() {
    let mut w = World::new(72, 2);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            flip(&mut path.nodes[0].encrypted_path_secret[0].kem_output, 0);
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InconsistentPath {
                committer: 0,
                source: TreeKemError::PathSecretDecryptionFailed { .. }
            }))
        ),
        "{err}"
    );
}

/// V-12.4.2-11, V-6.1-13: a wrong confirmation tag (the membership tag is
/// recomputed, so only the confirmation tag is wrong).
#[test]
fn v12_4_2_11_confirmation_tag() {
    let mut w = World::new(73, 2);
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        flip(p.auth.confirmation_tag.as_mut().unwrap(), 0)
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::ConfirmationTagInvalid))
        ),
        "{err}"
    );
}

/// V-12.4.2-12: a Commit removing us is reported; afterwards we cannot send.
#[test]
fn v12_4_2_12_removed_member() {
    let mut w = World::new(74, 3);
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![remove(1)])
        .build()
        .unwrap();
    let staged = match w.members[1].process_message(&out.commit).unwrap() {
        ProcessedMessage::Commit(s) => s,
        _ => panic!("not a commit"),
    };
    assert!(staged.info().removes_us);
    w.members[1].merge_staged_commit(staged).unwrap();
    assert!(!w.members[1].is_active());
    let err = w.members[1].commit_builder().build().expect_err("removed");
    assert!(
        matches!(err, GroupError::Misuse(Misuse::NotAMember)),
        "{err}"
    );
}

/// V-12.4.2-13: our own Commit echoed back is recognised.
#[test]
fn v12_4_2_13_own_commit_echo() {
    let mut w = World::new(75, 2);
    let out = w.members[0]
        .commit_builder()
        .force_path(true)
        .build()
        .unwrap();
    match w.members[0].process_message(&out.commit).unwrap() {
        ProcessedMessage::Commit(s) => {
            assert!(s.info().own_commit);
            w.members[0].merge_staged_commit(s).unwrap();
        }
        _ => panic!("not a commit"),
    }
    accepted_commit(&mut w.members[1], &out.commit);
    assert_eq!(
        w.members[0].epoch_authenticator(),
        w.members[1].epoch_authenticator()
    );
}

/// V-6-08: a Welcome, GroupInfo or KeyPackage given to `process_message`.
#[test]
fn v6_08_wrong_message_kind() {
    let mut w = World::new(76, 2);
    let kp = bundle(w.cs.as_ref(), "x").key_package().clone();
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(&kp)])
        .build()
        .unwrap();
    w.members[0].clear_pending_commit();
    for m in [
        out.welcome.unwrap(),
        out.group_info.unwrap(),
        MlsMessage::new(MlsMessageBody::KeyPackage(kp)),
    ] {
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Framing(FramingError::WrongMessageKind(_)))
            ),
            "{err}"
        );
    }
}

// ---- §12.4.3.1 joining ---------------------------------------------------------

/// V-12.4.3.1-10: no ratchet tree in the GroupInfo and none supplied.
#[test]
fn v12_4_3_1_10_no_ratchet_tree() {
    let config = GroupConfig {
        ratchet_tree_extension: false,
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(77, 1, None, config.clone());
    let b = bundle(w.cs.as_ref(), "x");
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .build()
        .unwrap();
    let welcome = out.welcome.unwrap();
    let err = Group::join(
        &w.provider,
        &welcome,
        &vec![b.clone()],
        config.clone(),
        JoinOptions::default(),
    )
    .expect_err("no tree");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::MissingRatchetTree))
        ),
        "{err}"
    );
    // With the tree out of band the join succeeds.
    Group::join(
        &w.provider,
        &welcome,
        &vec![b],
        config,
        JoinOptions {
            ratchet_tree: out.ratchet_tree,
            ..JoinOptions::default()
        },
    )
    .unwrap();
}

/// V-12.4.3.1-23, V-16.8-01: an ordinary KeyPackage serves one join (the
/// pool drops it when consumed); a last-resort one serves several.
#[test]
fn v16_8_01_key_package_single_use() {
    let mut w = World::new(78, 1);
    let mut pool = mls_group::key_package::KeyPackagePool::new();
    let b = bundle(w.cs.as_ref(), "x");
    pool.insert(b.clone()).unwrap();
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .build()
        .unwrap();
    let welcome = out.welcome.unwrap();
    let (_, used) = Group::join(
        &w.provider,
        &welcome,
        &pool,
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap();
    assert!(pool.consume(&used).is_some());
    let err = Group::join(
        &w.provider,
        &welcome,
        &pool,
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect_err("consumed");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
        ),
        "{err}"
    );
}

// ---- §5.3.1 credentials, §7.3 credential types -------------------------------

/// A credential validator that refuses the basic identity `evil` and
/// accepts everything else (including non-basic types).
struct DenyEvil;

impl mls_treekem::CredentialValidator for DenyEvil {
    fn accept(&self, credential: &Credential, _signature_key: &[u8]) -> bool {
        !matches!(credential, Credential::Basic { identity } if identity.as_slice() == b"evil")
    }
}

fn deny_evil() -> GroupConfig {
    GroupConfig {
        credential_validator: Arc::new(DenyEvil),
        ..GroupConfig::default()
    }
}

fn caps_with_credentials(credentials: &[u16]) -> Capabilities {
    Capabilities {
        credentials: credentials
            .iter()
            .map(|c| mls_codec::CredentialType(*c))
            .collect(),
        ..caps_with_extension(0xff00)
    }
}

/// A KeyPackage with `credential` and `capabilities`.
fn key_package_with(
    cs: &dyn CipherSuiteProvider,
    credential: Credential,
    capabilities: Capabilities,
) -> KeyPackage {
    let signer = cs.signature_generate_key_pair().unwrap();
    KeyPackageBuilder::new()
        .capabilities(capabilities)
        .build(cs, credential, &signer)
        .unwrap()
        .key_package()
        .clone()
}

/// V-5.3.1-01: the member refuses to build an Add of a rejected credential.
#[test]
fn v5_3_1_01_refuse_to_add_a_rejected_credential() {
    let mut w = World::with_caps(80, 2, None, deny_evil());
    let kp = bundle(w.cs.as_ref(), "evil").key_package().clone();
    let before = snapshot(&w.members[0]);
    let err = w.members[0]
        .propose()
        .add(kp.clone())
        .expect_err("rejected");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                TreeKemError::CredentialRejected { .. }
            )))
        ),
        "{err}"
    );
    let err = w.members[0]
        .commit_builder()
        .proposals(vec![add(&kp)])
        .build()
        .expect_err("rejected");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                TreeKemError::CredentialRejected { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&w.members[0]), before);
}

/// V-5.3.1-03, V-7.3-01: a received Add (standalone or in a Commit) of a
/// credential the AS rejects.
#[test]
fn v5_3_1_03_received_add_of_a_rejected_credential() {
    let mut w = World::with_caps(81, 2, None, deny_evil());
    let kp = bundle(w.cs.as_ref(), "evil").key_package().clone();
    for m in [
        w.forge(0, FramedContentBody::Proposal(add(&kp))),
        w.forge_commit(0, vec![val(add(&kp))], None),
    ] {
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                    TreeKemError::CredentialRejected { .. }
                )))
            ),
            "{err}"
        );
    }
}

/// V-5.3.1-04: an Update whose new credential the AS rejects.
#[test]
fn v5_3_1_04_update_with_a_rejected_credential() {
    let mut w = World::with_caps(82, 3, None, deny_evil());
    let mut leaf = update_leaf(&w, 1, &w.signers[1].clone(), 1);
    leaf.credential = Credential::basic(b"evil".to_vec());
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[1],
        &mut leaf,
        w.members[1].group_id(),
        1,
    )
    .unwrap();
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::CredentialRejected { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_01), "{err}");
}

/// V-5.3.1-05: a Commit whose path leaf carries a rejected credential.
#[test]
fn v5_3_1_05_path_leaf_with_a_rejected_credential() {
    let mut w = World::with_caps(83, 3, None, deny_evil());
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node.credential = Credential::basic(b"evil".to_vec());
            resign_path_leaf(&w, path);
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::CredentialRejected { .. }
            )))
        ),
        "{err}"
    );
}

/// V-5.3.1-02, V-12.4.3.1-13: joining a group whose tree holds a credential
/// the joiner's AS rejects.
#[test]
fn v5_3_1_02_join_with_a_rejected_credential_in_the_tree() {
    let (provider, cs) = provider_and_suite(84);
    let creator = bundle(cs.as_ref(), "evil");
    let mut g = create_as(&cs, &creator, GroupConfig::default());
    let b = bundle(cs.as_ref(), "x");
    let out = g
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .build()
        .unwrap();
    let err = Group::join(
        &provider,
        out.welcome.as_ref().unwrap(),
        &vec![b],
        deny_evil(),
        JoinOptions::default(),
    )
    .expect_err("rejected");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::InvalidTree(
                TreeKemError::CredentialRejected { .. }
            )))
        ),
        "{err}"
    );
}

/// V-7.3-06, V-13.3-01: an Add whose credential type a member does not
/// support.
#[test]
fn v7_3_06_credential_type_not_supported_by_members() {
    let config = GroupConfig {
        credential_validator: Arc::new(DenyEvil),
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(85, 2, None, config);
    let kp = key_package_with(
        w.cs.as_ref(),
        Credential::Unknown {
            credential_type: 0xff90,
            data: VLBytes::new(b"custom".to_vec()),
        },
        caps_with_credentials(&[1, 0xff90]),
    );
    let m = w.forge_commit(0, vec![val(add(&kp))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::CredentialTypeUnsupportedByMember {
                    credential_type: 0xff90,
                    ..
                }
            ))
        ),
        "{err}"
    );
}

/// V-7.3-07: an Add whose capabilities lack a credential type a member uses.
#[test]
fn v7_3_07_new_member_lacks_a_members_credential_type() {
    let mut w = World::with_caps(
        86,
        2,
        Some(caps_with_credentials(&[1, 0xff90])),
        deny_evil(),
    );
    let custom = key_package_with(
        w.cs.as_ref(),
        Credential::Unknown {
            credential_type: 0xff90,
            data: VLBytes::new(b"custom".to_vec()),
        },
        caps_with_credentials(&[1, 0xff90]),
    );
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(&custom)])
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    let basic_only = key_package_with(
        w.cs.as_ref(),
        Credential::basic(b"b".to_vec()),
        caps_with_credentials(&[1]),
    );
    let m = w.forge_commit(0, vec![val(add(&basic_only))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::MemberCredentialTypeUnsupported {
                    credential_type: 0xff90,
                    ..
                }
            ))
        ),
        "{err}"
    );
}

/// GUIDANCE G-27, RFC 9420 §7.3 (RECOMMENDED for received leaves): a tree
/// holding another member's expired leaf is joined with the default
/// configuration; `joined_tree_lifetime_checks` makes the check strict.
#[test]
fn g27_expired_leaf_of_another_member_does_not_block_a_join() {
    let lenient = GroupConfig::without_lifetime_checks();
    let mut w = World::with_caps(90, 1, None, lenient.clone());
    let expired = {
        let signer = w.cs.signature_generate_key_pair().unwrap();
        KeyPackageBuilder::new()
            .lifetime(mls_codec::Lifetime {
                not_before: 1,
                not_after: 2,
            })
            .build(w.cs.as_ref(), Credential::basic(b"old".to_vec()), &signer)
            .unwrap()
    };
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(expired.key_package())])
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    let fresh = bundle(w.cs.as_ref(), "fresh");
    let out2 = w.members[0]
        .commit_builder()
        .proposals(vec![add(fresh.key_package())])
        .build()
        .unwrap();
    drop(out);
    w.members[0].merge_pending_commit().unwrap();
    let welcome = out2.welcome.unwrap();
    let strict = GroupConfig::builder()
        .joined_tree_lifetime_checks(true)
        .build();
    let err = Group::join(
        &w.provider,
        &welcome,
        &vec![fresh.clone()],
        strict,
        JoinOptions::default(),
    )
    .expect_err("strict");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::InvalidTree(
                TreeKemError::LifetimeExpired { leaf: Some(1), .. }
            )))
        ),
        "{err}"
    );
    let (joined, _) = Group::join(
        &w.provider,
        &welcome,
        &vec![fresh],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap();
    assert_eq!(joined.member_count(), 3);
    assert_eq!(
        joined.epoch_authenticator(),
        w.members[0].epoch_authenticator()
    );
}

// ---- more joins ------------------------------------------------------------------

/// V-5.2-01: a Welcome whose `new_member` was hashed with the wrong label
/// matches no KeyPackage.
#[test]
fn v5_2_01_welcome_ref_with_wrong_label() {
    let mut w = World::new(87, 1);
    let b = bundle(w.cs.as_ref(), "x");
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .build()
        .unwrap();
    let mut welcome = out.welcome.unwrap().as_welcome().unwrap().clone();
    let kp_bytes = mls_codec::encode(b.key_package()).unwrap();
    welcome.secrets[0].new_member = VLBytes::new(
        mls_crypto::labeled::ref_hash(w.cs.as_ref(), b"MLS 1.0 Proposal Reference", &kp_bytes)
            .unwrap(),
    );
    let err = Group::join(
        &w.provider,
        &MlsMessage::from(welcome.clone()),
        &vec![b],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect_err("no match");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
        ),
        "{err}"
    );
}

/// V-12.4.3.1-19: the Welcome opens with our KeyPackage but no leaf of the
/// tree is our `leaf_node` (a KeyPackage sharing the init key of the added
/// one, with another leaf).
#[test]
fn v12_4_3_1_19_own_leaf_not_in_the_tree() {
    let mut w = World::new(88, 1);
    let added = bundle(w.cs.as_ref(), "x");
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(added.key_package())])
        .build()
        .unwrap();
    // Same init key and signer, another leaf encryption key.
    let pair = w.cs.hpke_generate_key_pair().unwrap();
    let mut kp = added.key_package().clone();
    kp.leaf_node.encryption_key = pair.public_key.into();
    let signer = &added.signer().expect("an in-memory key");
    sign_leaf_node(w.cs.as_ref(), signer, &mut kp.leaf_node, &[], 0).unwrap();
    sign_key_package(w.cs.as_ref(), signer, &mut kp).unwrap();
    let other = KeyPackageBundle::from_parts(
        w.cs.as_ref(),
        kp,
        added.init_private_key().clone(),
        pair.private_key,
        Some(signer.private_key.clone()),
        false,
    )
    .unwrap();
    let mut welcome = out.welcome.unwrap().as_welcome().unwrap().clone();
    welcome.secrets[0].new_member = VLBytes::new(other.reference().as_bytes().to_vec());
    let err = Group::join(
        &w.provider,
        &MlsMessage::from(welcome.clone()),
        &vec![other],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect_err("not in tree");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::OwnLeafNotInTree))
        ),
        "{err}"
    );
}

/// V-7.3-11: a received tree with an expired leaf is rejected with lifetime
/// checks on and accepted with them off (the conformance setting).
#[test]
fn v7_3_11_expired_leaf_in_the_joined_tree() {
    let mut w = World::new(89, 1);
    let b = {
        let signer = w.cs.signature_generate_key_pair().unwrap();
        KeyPackageBuilder::new()
            .lifetime(mls_codec::Lifetime {
                not_before: 1,
                not_after: 2,
            })
            .build(w.cs.as_ref(), Credential::basic(b"old".to_vec()), &signer)
            .unwrap()
    };
    let lenient = GroupConfig::without_lifetime_checks();
    // The committer must not check lifetimes to add it.
    let mut creator = World::with_caps(89, 1, None, lenient.clone());
    std::mem::swap(&mut w, &mut creator);
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .build()
        .unwrap();
    let welcome = out.welcome.unwrap();
    let err = Group::join(
        &w.provider,
        &welcome,
        &vec![b.clone()],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect_err("expired");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::InvalidTree(
                TreeKemError::LifetimeExpired { .. }
            )))
        ),
        "{err}"
    );
    Group::join(
        &w.provider,
        &welcome,
        &vec![b],
        lenient,
        JoinOptions::default(),
    )
    .unwrap();
}

/// V-11-02: a new group has epoch 0, an empty confirmed transcript hash and
/// an Nh-byte group id.
#[test]
fn v11_02_fresh_group() {
    let w = World::new(90, 1);
    let g = &w.members[0];
    assert_eq!(g.epoch(), 0);
    assert!(g.context().confirmed_transcript_hash.as_slice().is_empty());
    assert_eq!(g.group_id().len(), w.cs.cipher_suite().hash_len());
}

/// V-12.2-19: building a Commit with a competing Update and Remove for one
/// leaf keeps the Remove.
#[test]
fn v12_2_19_remove_wins_over_update() {
    let mut w = World::new(91, 3);
    let u = w.members[2].propose().update().unwrap();
    w.deliver_proposal(2, &u);
    let r = w.members[1].propose().remove(leaf(2)).unwrap();
    w.deliver_proposal(1, &r);
    let out = w.members[0].commit_builder().build().unwrap();
    assert_eq!(out.info.removed.len(), 1);
    assert!(out.info.updated.is_empty());
    accepted_commit(&mut w.members[1], &out.commit);
}

/// V-12.4.3.1-20: a Welcome whose path secret does not derive the keys in
/// the tree (GroupSecrets re-sealed with a random path secret).
#[test]
fn v12_4_3_1_20_welcome_path_secret_mismatch() {
    let mut w = World::new(92, 2);
    let b = bundle(w.cs.as_ref(), "x");
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .force_path(true)
        .build()
        .unwrap();
    let mut welcome = out.welcome.unwrap().as_welcome().unwrap().clone();
    let entry = &welcome.secrets[0];
    let context = welcome.encrypted_group_info.as_slice().to_vec();
    let plain = mls_crypto::labeled::decrypt_with_label(
        w.cs.as_ref(),
        b.init_private_key(),
        b.key_package().init_key.as_slice(),
        b"Welcome",
        &context,
        mls_crypto::HpkeCiphertextRef {
            kem_output: entry.encrypted_group_secrets.kem_output.as_slice(),
            ciphertext: entry.encrypted_group_secrets.ciphertext.as_slice(),
        },
    )
    .unwrap();
    let mut secrets: mls_codec::GroupSecrets = mls_codec::decode(&plain).unwrap();
    let nh = w.cs.cipher_suite().hash_len();
    secrets.path_secret = Some(mls_codec::PathSecret {
        path_secret: VLBytes::new(vec![0x55; nh]),
    });
    let sealed = mls_crypto::labeled::encrypt_with_label(
        w.cs.as_ref(),
        b.key_package().init_key.as_slice(),
        b"Welcome",
        &context,
        &mls_codec::encode(&secrets).unwrap(),
    )
    .unwrap();
    welcome.secrets[0].encrypted_group_secrets = mls_codec::HpkeCiphertext {
        kem_output: VLBytes::new(sealed.kem_output),
        ciphertext: VLBytes::new(sealed.ciphertext),
    };
    let err = Group::join(
        &w.provider,
        &MlsMessage::from(welcome.clone()),
        &vec![b],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect_err("path secret");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::PathSecretInvalid(_)))
        ),
        "{err}"
    );
}

/// Only leaf 0 may add members (an application rule).
struct OnlyLeafZeroAdds;

impl mls_group::ProposalPolicy for OnlyLeafZeroAdds {
    fn allow(
        &self,
        proposal: &Proposal,
        sender: mls_group::ProposalSender,
        _committer: mls_group::LeafIndex,
    ) -> bool {
        !matches!(proposal, Proposal::Add(_))
            || sender == mls_group::ProposalSender::Member(leaf(0))
    }
}

/// V-12.2-18: a Commit whose proposals the application policy forbids is
/// rejected by receivers and refused when building it.
#[test]
fn v12_2_18_application_policy() {
    let config = GroupConfig {
        proposal_policy: Some(Arc::new(OnlyLeafZeroAdds)),
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(93, 3, None, config);
    let kp = bundle(w.cs.as_ref(), "x").key_package().clone();
    let m = w.forge_commit(1, vec![val(add(&kp))], None);
    let err = rejected(&mut w.members[2], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::RejectedByPolicy {
                proposal_type: 1,
                sender: mls_group::ProposalSender::Member(l)
            })) if l == leaf(1)
        ),
        "{err}"
    );
    let err = w.members[1]
        .commit_builder()
        .proposals(vec![add(&kp)])
        .build()
        .expect_err("policy");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::RejectedByPolicy { .. }))
        ),
        "{err}"
    );
    // Leaf 0 may.
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(&kp)])
        .build()
        .unwrap();
    accepted_commit(&mut w.members[2], &out.commit);
}

/// V-6-07: with encrypted handshakes required, a PublicMessage Commit or
/// Proposal is refused; a PrivateMessage one is accepted.
#[test]
fn v6_07_handshake_wire_format_policy() {
    let strict = GroupConfig {
        require_encrypted_handshake: true,
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(94, 2, None, strict.clone());
    let public = path_commit(&mut w);
    let err = rejected(&mut w.members[1], &public);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(
                FramingError::HandshakeWireFormatNotAllowed
            ))
        ),
        "{err}"
    );
    let proposal = w.members[0].propose().remove(leaf(1)).unwrap();
    let err = rejected(&mut w.members[1], &proposal);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(
                FramingError::HandshakeWireFormatNotAllowed
            ))
        ),
        "{err}"
    );

    let both = GroupConfig {
        encrypt_handshake: true,
        ..strict
    };
    let mut w = World::with_caps(95, 2, None, both);
    let private = path_commit(&mut w);
    accepted_commit(&mut w.members[1], &private);
}

/// V-15.2-01: after a merge, application messages are sent in the new
/// epoch, and a member still in the old epoch cannot read them.
#[test]
fn v15_2_01_messages_use_the_new_epoch() {
    let mut w = World::new(96, 3);
    let out = w.members[0]
        .commit_builder()
        .force_path(true)
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    let m = w.members[0]
        .encrypt_application_message(b"hi", b"")
        .unwrap();
    let MlsMessageBody::PrivateMessage(p) = &m.body else {
        panic!("not a PrivateMessage")
    };
    assert_eq!(p.epoch, w.members[0].epoch());
    // Member 2 has not merged the Commit: the message is from its future.
    let err = rejected(&mut w.members[2], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err}"
    );
    match w.members[1].process_message(&m).unwrap() {
        ProcessedMessage::Application(a) => assert_eq!(a.data, b"hi"),
        _ => panic!("not application data"),
    }
}

/// V-12.4.3.3-05: the exported ratchet tree has no trailing blank node
/// after the rightmost member is removed.
#[test]
fn v12_4_3_3_05_no_trailing_blank_in_exported_tree() {
    let mut w = World::new(97, 3);
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![remove(2)])
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    let tree = w.members[1].export_ratchet_tree();
    assert!(!tree.is_empty() && !tree.ends_with_blank());
    assert_eq!(tree.len(), 3);
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
