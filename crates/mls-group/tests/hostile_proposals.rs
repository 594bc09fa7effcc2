//! Hostile proposal lists (issue 15 items 2-4): cheap rules before any
//! signature work (G-35), a committer that leaves out cached proposals that
//! would make its Commit invalid and reports them, while the receiver still
//! rejects such a Commit, and identity continuity of credentials. Every
//! rejection leaves the group byte-identical.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{SUITE, bundle, provider, snapshot, suite};
use mls_codec::{
    Add, Commit, Credential, FramedContentBody, GroupContextExtensions, KeyPackage, LeafNode,
    LeafNodeSource, MlsMessage, MlsMessageBody, PreSharedKeyId, PreSharedKeyProposal, Proposal,
    ProposalOrRef, Psk, Sender, Update, VLBytes, WireFormat,
};
use mls_crypto::{
    CipherSuite, CipherSuiteProvider, HpkeCiphertext, HpkeKeyPair, HpkePrivateKey, Result, Secret,
    SignatureKeyPair, SignaturePrivateKey,
};
use mls_group::framing::framed_content;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle, sign_leaf_node};
use mls_group::{CreateOptions, Group, GroupConfig, GroupError, JoinOptions, ProcessedMessage};
use mls_treekem::{TreeKemError, TreeView};
use zeroize::Zeroizing;

/// A suite provider that counts signature verifications, MACs and the
/// bytes it hashes.
struct CountingSuite {
    inner: Arc<dyn CipherSuiteProvider>,
    verifies: AtomicUsize,
    macs: AtomicUsize,
    hashed_bytes: AtomicUsize,
}

impl CountingSuite {
    fn new(inner: Arc<dyn CipherSuiteProvider>) -> Self {
        CountingSuite {
            inner,
            verifies: AtomicUsize::new(0),
            macs: AtomicUsize::new(0),
            hashed_bytes: AtomicUsize::new(0),
        }
    }

    fn reset(&self) {
        self.verifies.store(0, Ordering::Relaxed);
        self.macs.store(0, Ordering::Relaxed);
        self.hashed_bytes.store(0, Ordering::Relaxed);
    }
}

impl CipherSuiteProvider for CountingSuite {
    fn cipher_suite(&self) -> CipherSuite {
        self.inner.cipher_suite()
    }
    fn hash(&self, data: &[u8]) -> Vec<u8> {
        self.hashed_bytes.fetch_add(data.len(), Ordering::Relaxed);
        self.inner.hash(data)
    }
    fn mac(&self, key: &[u8], data: &[u8]) -> Vec<u8> {
        self.macs.fetch_add(1, Ordering::Relaxed);
        self.inner.mac(key, data)
    }
    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Secret {
        self.inner.kdf_extract(salt, ikm)
    }
    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret> {
        self.inner.kdf_expand(prk, info, len)
    }
    fn aead_seal(&self, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>> {
        self.inner.aead_seal(key, nonce, aad, pt)
    }
    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ct: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.inner.aead_open(key, nonce, aad, ct)
    }
    fn hpke_seal(&self, pk: &[u8], info: &[u8], aad: &[u8], pt: &[u8]) -> Result<HpkeCiphertext> {
        self.inner.hpke_seal(pk, info, aad, pt)
    }
    fn hpke_open(
        &self,
        sk: &HpkePrivateKey,
        pk: &[u8],
        info: &[u8],
        aad: &[u8],
        ct: mls_crypto::HpkeCiphertextRef<'_>,
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.inner.hpke_open(sk, pk, info, aad, ct)
    }
    fn hpke_export_sender(
        &self,
        pk: &[u8],
        info: &[u8],
        ctx: &[u8],
        len: usize,
    ) -> Result<(Vec<u8>, Secret)> {
        self.inner.hpke_export_sender(pk, info, ctx, len)
    }
    fn hpke_export_receiver(
        &self,
        sk: &HpkePrivateKey,
        pk: &[u8],
        kem_output: &[u8],
        info: &[u8],
        ctx: &[u8],
        len: usize,
    ) -> Result<Secret> {
        self.inner
            .hpke_export_receiver(sk, pk, kem_output, info, ctx, len)
    }
    fn hpke_generate_key_pair(&self) -> Result<HpkeKeyPair> {
        self.inner.hpke_generate_key_pair()
    }
    fn hpke_derive_key_pair(&self, ikm: &[u8]) -> Result<HpkeKeyPair> {
        self.inner.hpke_derive_key_pair(ikm)
    }
    fn hpke_public_key(&self, sk: &HpkePrivateKey) -> Result<Vec<u8>> {
        self.inner.hpke_public_key(sk)
    }
    fn hpke_validate_public_key(&self, pk: &[u8]) -> Result<()> {
        self.inner.hpke_validate_public_key(pk)
    }
    fn signature_generate_key_pair(&self) -> Result<SignatureKeyPair> {
        self.inner.signature_generate_key_pair()
    }
    fn signature_public_key(&self, sk: &SignaturePrivateKey) -> Result<Vec<u8>> {
        self.inner.signature_public_key(sk)
    }
    fn signature_validate_public_key(&self, pk: &[u8]) -> Result<()> {
        self.inner.signature_validate_public_key(pk)
    }
    fn sign(&self, sk: &SignaturePrivateKey, message: &[u8]) -> Result<Vec<u8>> {
        self.inner.sign(sk, message)
    }
    fn verify(&self, pk: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        self.verifies.fetch_add(1, Ordering::Relaxed);
        self.inner.verify(pk, message, signature)
    }
    fn random_fill(&self, out: &mut [u8]) -> Result<()> {
        self.inner.random_fill(out)
    }
}

/// Alice (leaf 0, on `alice_cs`), Bob (leaf 1) and Carol (leaf 2), with
/// their signature keys.
struct Trio {
    cs: Arc<dyn CipherSuiteProvider>,
    groups: Vec<Group>,
    signers: Vec<SignatureKeyPair>,
}

impl Trio {
    fn new(seed: u8, alice_cs: Arc<dyn CipherSuiteProvider>) -> Self {
        let provider = provider(seed);
        let cs = suite(&provider);
        let alice_keys = cs.signature_generate_key_pair().unwrap();
        let mut alice = Group::create(
            alice_cs,
            Credential::basic(b"alice".to_vec()),
            Arc::new(alice_keys.clone()),
            GroupConfig::default(),
            CreateOptions::default(),
        )
        .unwrap();
        let bob = bundle(&*cs, "bob");
        let carol = bundle(&*cs, "carol");
        let out = alice
            .commit_builder()
            .add_member(bob.key_package().clone())
            .add_member(carol.key_package().clone())
            .build()
            .unwrap();
        alice.merge_pending_commit().unwrap();
        let welcome = out.welcome.unwrap();
        let mut groups = vec![alice];
        let mut signers = vec![alice_keys];
        for b in [bob, carol] {
            let key = b.signature_private_key().expect("an in-memory key").clone();
            signers.push(SignatureKeyPair::from_private_key(&*cs, key).unwrap());
            let (g, _) = Group::join(
                &provider,
                &welcome,
                &vec![b],
                GroupConfig::default(),
                JoinOptions::default(),
            )
            .unwrap();
            groups.push(g);
        }
        Trio {
            cs,
            groups,
            signers,
        }
    }

    /// A PublicMessage from member `from`, signed and membership-tagged with
    /// its own keys (a Commit gets a junk confirmation tag: the rules under
    /// test fire before it is checked).
    fn forge(&self, from: usize, body: FramedContentBody) -> MlsMessage {
        let sender = &self.groups[from];
        let ctx = sender.framing_context();
        let is_commit = matches!(body, FramedContentBody::Commit(_));
        let content = framed_content(
            ctx.group_context,
            Sender::Member(sender.own_leaf().get()),
            Vec::new(),
            body,
        );
        let mut auth = ctx
            .sign(&self.signers[from], WireFormat::PUBLIC_MESSAGE, content)
            .unwrap();
        if is_commit {
            auth.auth.confirmation_tag = Some(VLBytes::new(vec![0x42; 32]));
        }
        MlsMessage::new(MlsMessageBody::PublicMessage(
            ctx.protect_public(auth).unwrap(),
        ))
    }

    /// Member `from` sends `proposal` (and caches it); every other member
    /// caches it. Returns the message.
    fn propose(&mut self, from: usize, proposal: Proposal) -> MlsMessage {
        let message = self.groups[from].propose().proposal(proposal).unwrap();
        for (i, g) in self.groups.iter_mut().enumerate() {
            if i != from {
                match g.process_message(&message).unwrap() {
                    ProcessedMessage::Proposal(_) => {}
                    other => panic!("not a proposal: {other:?}"),
                }
            }
        }
        message
    }
}

/// `message` is rejected by `group`, which stays byte-identical.
fn rejected(group: &mut Group, message: &MlsMessage) -> GroupError {
    let before = snapshot(group);
    let err = group
        .process_message(message)
        .expect_err("must be rejected");
    assert_eq!(snapshot(group), before, "state changed after {err}");
    err
}

fn add(kp: &KeyPackage) -> Proposal {
    Proposal::from(Add {
        key_package: kp.clone(),
    })
}

fn gce() -> Proposal {
    Proposal::GroupContextExtensions(GroupContextExtensions {
        extensions: Vec::new(),
    })
}

fn unknown_psk() -> Proposal {
    Proposal::from(PreSharedKeyProposal {
        psk: PreSharedKeyId {
            psk: Psk::External {
                psk_id: VLBytes::new(b"nobody holds this".to_vec()),
            },
            psk_nonce: VLBytes::new(vec![7; SUITE.hash_len()]),
        },
    })
}

/// Issue 15 item 2 (G-35): a member's signed Commit repeating one Add
/// 30,000 times is rejected as a duplicate before any signature is verified
/// (once every copy's two signatures were: 60,000 verifications, 8.1 s),
/// before the membership tag (a MAC over the 8 MB content) and without
/// hashing anything (no KeyPackageRef, no signature's hash of the content).
/// The time is measured in `benches/hostile.rs`.
#[test]
fn thirty_thousand_duplicate_adds_are_rejected_before_any_key_package_signature() {
    let counting = Arc::new(CountingSuite::new(suite(&provider(40))));
    let mut trio = Trio::new(40, counting.clone());
    let dave = bundle(&*trio.cs, "dave");
    let proposals = vec![ProposalOrRef::Proposal(add(dave.key_package())); 30_000];
    let message = trio.forge(
        1,
        FramedContentBody::Commit(Commit {
            proposals,
            path: None,
        }),
    );
    let before = snapshot(&trio.groups[0]);
    counting.reset();
    let err = trio.groups[0]
        .process_message(&message)
        .expect_err("duplicate Adds");
    assert!(matches!(err, GroupError::DuplicateInitKey), "{err}");
    assert_eq!(counting.verifies.load(Ordering::Relaxed), 0, "signatures");
    assert_eq!(counting.macs.load(Ordering::Relaxed), 0, "membership tag");
    assert_eq!(counting.hashed_bytes.load(Ordering::Relaxed), 0, "hashes");
    assert_eq!(snapshot(&trio.groups[0]), before, "state changed");
}

/// Issue 15 item 3: a PSK nobody holds, a second GroupContextExtensions and
/// a second Add of one KeyPackage are each accepted at receipt; a default
/// Commit leaves them out and says why, and the others process it.
#[test]
fn a_commit_leaves_out_cached_proposals_that_would_make_it_invalid() {
    let mut trio = Trio::new(41, suite(&provider(41)));
    let dave = bundle(&*trio.cs, "dave");
    trio.propose(1, unknown_psk());
    trio.propose(1, gce());
    trio.propose(2, gce());
    trio.propose(1, add(dave.key_package()));
    trio.propose(2, add(dave.key_package()));

    let out = trio.groups[0].commit_builder().build().expect("commit");
    let reasons: Vec<String> = out.omitted.iter().map(|o| o.reason.to_string()).collect();
    assert_eq!(out.omitted.len(), 3, "{reasons:?}");
    assert!(matches!(
        *out.omitted[0].reason,
        GroupError::DuplicateGroupContextExtensions
    ));
    assert!(matches!(
        *out.omitted[1].reason,
        GroupError::DuplicateInitKey
    ));
    assert!(matches!(
        *out.omitted[2].reason,
        GroupError::PskUnavailable(_)
    ));
    assert_eq!(out.info.added.len(), 1);
    assert_eq!(out.info.proposals.len(), 2, "one GCE and one Add");
    trio.groups[0].merge_pending_commit().unwrap();
    for i in 1..3 {
        common::process_commit(&mut trio.groups[i], &out.commit);
        assert_eq!(
            trio.groups[i].epoch_authenticator(),
            trio.groups[0].epoch_authenticator()
        );
    }
}

/// Issue 15 item 3: what the caller gives by value still fails loudly, and
/// wins over a cached proposal it conflicts with.
#[test]
fn proposals_by_value_fail_loudly_and_win_over_cached_ones() {
    let mut trio = Trio::new(42, suite(&provider(42)));
    let dave = bundle(&*trio.cs, "dave");
    trio.propose(1, add(dave.key_package()));
    let alice = &mut trio.groups[0];
    let before = snapshot(alice);
    let err = alice
        .commit_builder()
        .proposals(vec![gce(), gce()])
        .build()
        .expect_err("two GCE by value");
    assert!(
        matches!(err, GroupError::DuplicateGroupContextExtensions),
        "{err}"
    );
    let err = alice
        .commit_builder()
        .proposals(vec![unknown_psk()])
        .build()
        .expect_err("an unknown PSK by value");
    assert!(matches!(err, GroupError::PskUnavailable(_)), "{err}");
    assert_eq!(snapshot(alice), before);

    let out = alice
        .commit_builder()
        .add_member(dave.key_package().clone())
        .build()
        .expect("by value wins");
    assert_eq!(out.omitted.len(), 1);
    assert!(matches!(
        *out.omitted[0].reason,
        GroupError::DuplicateInitKey
    ));
    assert!(matches!(out.commit.body, MlsMessageBody::PublicMessage(_)));
    assert_eq!(out.info.added.len(), 1);
}

/// Issue 15 item 3: the receiver still rejects a Commit that includes an
/// invalid proposal (two cached GroupContextExtensions by reference).
#[test]
fn a_received_commit_with_an_invalid_cached_proposal_is_rejected() {
    let mut trio = Trio::new(43, suite(&provider(43)));
    let first = trio.propose(1, gce());
    let second = trio.propose(2, gce());
    let refs: Vec<ProposalOrRef> = [first, second]
        .iter()
        .map(|m| {
            let MlsMessageBody::PublicMessage(p) = &m.body else {
                panic!("public");
            };
            let auth = mls_codec::AuthenticatedContent {
                wire_format: WireFormat::PUBLIC_MESSAGE,
                content: p.content.clone(),
                auth: p.auth.clone(),
            };
            let r = mls_group::ProposalRef::compute(&*trio.cs, &auth).unwrap();
            ProposalOrRef::Reference(VLBytes::new(r.as_bytes().to_vec()))
        })
        .collect();
    let commit = trio.forge(
        1,
        FramedContentBody::Commit(Commit {
            proposals: refs,
            path: None,
        }),
    );
    let err = rejected(&mut trio.groups[0], &commit);
    assert!(
        matches!(err, GroupError::DuplicateGroupContextExtensions),
        "{err}"
    );
}

/// An Update LeafNode for member `who` with a fresh encryption key and
/// `credential`, signed with `who`'s own key.
fn update_with_credential(trio: &Trio, who: usize, credential: Credential) -> LeafNode {
    let g = &trio.groups[who];
    let mut node = g.ratchet_tree().leaf(g.own_leaf()).unwrap().clone();
    node.encryption_key = trio.cs.hpke_generate_key_pair().unwrap().public_key.into();
    node.leaf_node_source = LeafNodeSource::Update;
    node.credential = credential;
    sign_leaf_node(
        &*trio.cs,
        &trio.signers[who],
        &mut node,
        g.group_id(),
        g.own_leaf().get(),
    )
    .unwrap();
    node
}

/// Issue 15 item 4 (RFC 9420 §5.3.1, V-5.3.1-08): an Update renaming Bob
/// to another identity is refused at receipt; the same identity passes.
#[test]
fn an_update_to_another_identity_is_refused() {
    let mut trio = Trio::new(44, suite(&provider(44)));
    let forged: Vec<MlsMessage> = ["mallory", "carol", "bob"]
        .iter()
        .map(|name| {
            let leaf_node =
                update_with_credential(&trio, 1, Credential::basic(name.as_bytes().to_vec()));
            trio.forge(
                1,
                FramedContentBody::Proposal(Proposal::from(Update { leaf_node })),
            )
        })
        .collect();
    let alice = &mut trio.groups[0];
    for (name, message) in ["mallory", "carol"].iter().zip(&forged) {
        let err = rejected(alice, message);
        assert!(
            matches!(
                err,
                GroupError::InvalidCommitTree(TreeKemError::CredentialNotSuccessor { leaf: 1 })
            ),
            "{name}: {err}"
        );
    }
    assert!(matches!(
        alice.process_message(&forged[2]).unwrap(),
        ProcessedMessage::Proposal(_)
    ));
}

fn bundle_named(cs: &dyn CipherSuiteProvider, identity: &[u8]) -> KeyPackageBundle {
    let signer = cs.signature_generate_key_pair().unwrap();
    KeyPackageBuilder::new()
        .build(cs, Credential::basic(identity.to_vec()), &signer)
        .unwrap()
}

/// Issue 15 item 4: by default, an Add of a basic credential with the
/// identity of a current member is refused (by the committer, and in a
/// received Commit), unless that member is removed by the same Commit.
#[test]
fn an_add_with_the_identity_of_a_current_member_is_refused() {
    let mut trio = Trio::new(45, suite(&provider(45)));
    let twin = bundle_named(&*trio.cs, b"carol");
    let alice = &mut trio.groups[0];
    let before = snapshot(alice);
    let err = alice
        .commit_builder()
        .add_member(twin.key_package().clone())
        .build()
        .expect_err("a second carol");
    assert!(matches!(err, GroupError::DuplicateIdentity), "{err}");
    assert_eq!(snapshot(alice), before);

    let commit = trio.forge(
        1,
        FramedContentBody::Commit(Commit {
            proposals: vec![ProposalOrRef::Proposal(add(twin.key_package()))],
            path: None,
        }),
    );
    let err = rejected(&mut trio.groups[0], &commit);
    assert!(matches!(err, GroupError::DuplicateIdentity), "{err}");

    // Carol replaced in one Commit: allowed.
    let out = trio.groups[0]
        .commit_builder()
        .remove_member(common::leaf(2))
        .add_member(twin.key_package().clone())
        .build()
        .expect("remove and re-add carol");
    assert_eq!(out.info.added.len(), 1);
}

/// Issue 15 item 4: a basic credential with an empty identity is refused
/// by the default validator (its KeyPackage does not validate).
#[test]
fn an_empty_basic_identity_is_refused() {
    let provider = provider(46);
    let cs = suite(&provider);
    let mut alice = common::create(&cs, "alice", GroupConfig::default());
    let before = snapshot(&alice);
    // The credential is checked before the signature (RFC 9420 §7.3).
    let mut kp = bundle(&*cs, "x").key_package().clone();
    kp.leaf_node.credential = Credential::basic(Vec::new());
    let err = alice
        .commit_builder()
        .add_member(kp)
        .build()
        .expect_err("empty identity");
    assert!(
        matches!(
            err,
            GroupError::KeyPackageLeafInvalid(TreeKemError::CredentialRejected { .. })
        ),
        "{err}"
    );
    assert_eq!(snapshot(&alice), before);
}
