//! Bad input at the group level: each rejected message gets the typed error
//! of its rule and leaves the group byte-identical (VALIDATION X-01).
//! Messages a correct client never produces are forged here with the
//! sender's own keys (signature and membership key), so the check under
//! test is the one that fires.

use std::sync::Arc;

use mls_codec::{
    Add, Commit, Credential, FramedContentBody, MlsMessage, MlsMessageBody, Proposal,
    ProposalOrRef, Remove, Sender, Update, VLBytes, WireFormat,
};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;

use crate::framing::{FramingContext, framed_content, sign_content};
use crate::key_package::{KeyPackageBuilder, KeyPackageBundle};
use crate::{
    CommitError, CreateOptions, FramingError, Group, GroupConfig, GroupError, JoinOptions,
    ProcessedMessage, ProposalError, Rejection, WelcomeError,
};

const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;

struct World {
    provider: RustCryptoProvider,
    cs: Arc<dyn CipherSuiteProvider>,
}

impl World {
    fn new(seed: u8) -> Self {
        let provider = RustCryptoProvider::with_seed([seed; 32]);
        let cs = provider.cipher_suite_provider(SUITE).unwrap();
        World { provider, cs }
    }

    fn bundle(&self, name: &str) -> KeyPackageBundle {
        let signer = self.cs.signature_generate_key_pair().unwrap();
        KeyPackageBuilder::new()
            .build(self.cs.as_ref(), Credential::basic(name), &signer)
            .unwrap()
    }

    /// A group of `n` members (leaf i is member i), all in the same epoch.
    fn group(&self, n: usize, config: GroupConfig) -> Vec<Group> {
        let creator = self.bundle("m0");
        let mut first = create_as(&self.cs, &creator, config.clone());
        let bundles: Vec<KeyPackageBundle> =
            (1..n).map(|i| self.bundle(&format!("m{i}"))).collect();
        let mut members = Vec::new();
        if !bundles.is_empty() {
            let out = first
                .commit_builder()
                .proposals(
                    bundles
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
            for b in bundles {
                let (g, _) = Group::join(
                    &self.provider,
                    &welcome,
                    &vec![b],
                    config.clone(),
                    JoinOptions::default(),
                )
                .unwrap();
                members.push(g);
            }
        }
        members.insert(0, first);
        members
    }
}

fn snapshot(g: &Group) -> Vec<u8> {
    g.to_bytes().unwrap().to_vec()
}

/// Process `message` at `group` expecting a rejection; the group must be
/// byte-identical afterwards. Returns the error.
fn rejected(group: &mut Group, message: &MlsMessage) -> GroupError {
    let before = snapshot(group);
    let err = group
        .process_message(message)
        .expect_err("must be rejected");
    assert_eq!(snapshot(group), before, "state changed after {err}");
    err
}

/// A Commit from `sender` with any proposal list and path, signed and
/// membership-tagged with the sender's keys; the confirmation tag is junk.
fn forge_commit(
    sender: &Group,
    proposals: Vec<ProposalOrRef>,
    path: Option<mls_codec::UpdatePath>,
) -> MlsMessage {
    let cs = sender.cs.as_ref();
    let content = framed_content(
        &sender.context,
        Sender::Member(sender.own_leaf().get()),
        Vec::new(),
        FramedContentBody::Commit(Commit { proposals, path }),
    );
    let mut auth = sign_content(
        cs,
        sender.signer.as_ref(),
        WireFormat::PUBLIC_MESSAGE,
        content,
        Some(&sender.context),
    )
    .unwrap();
    auth.auth.confirmation_tag = Some(VLBytes::new(vec![0x42; 32]));
    let ctx = FramingContext {
        cs,
        group_context: &sender.context,
        membership_key: &sender.epoch.membership_key,
        sender_data_secret: &sender.epoch.sender_data_secret,
    };
    MlsMessage::new(MlsMessageBody::PublicMessage(
        ctx.protect_public(auth).unwrap(),
    ))
}

fn by_value(p: Proposal) -> ProposalOrRef {
    ProposalOrRef::Proposal(p)
}

fn remove(leaf: u32) -> Proposal {
    Proposal::Remove(Remove { removed: leaf })
}

#[test]
fn wrong_group_id() {
    let w = World::new(1);
    let mut g = w.group(2, GroupConfig::default());
    let out = g[1].commit_builder().build().unwrap();
    let mut msg = out.commit;
    if let MlsMessageBody::PublicMessage(m) = &mut msg.body {
        m.content.group_id = VLBytes::new(b"another group".to_vec());
    }
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Framing(FramingError::GroupIdMismatch))
    ));
}

#[test]
fn future_epoch_and_past_handshake() {
    let w = World::new(2);
    let mut g = w.group(2, GroupConfig::default());
    let out = g[1].commit_builder().build().unwrap();
    let mut future = out.commit.clone();
    if let MlsMessageBody::PublicMessage(m) = &mut future.body {
        m.content.epoch += 1;
    }
    assert!(matches!(
        rejected(&mut g[0], &future),
        GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch {
            expected: 1,
            actual: 2
        }))
    ));
    // The genuine Commit applies; replaying it afterwards is a past-epoch
    // handshake message (V-12.4.2-01).
    let ProcessedMessage::Commit(staged) = g[0].process_message(&out.commit).unwrap() else {
        panic!()
    };
    g[0].merge_staged_commit(staged).unwrap();
    assert!(matches!(
        rejected(&mut g[0], &out.commit),
        GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch {
            expected: 2,
            actual: 1
        }))
    ));
}

#[test]
fn late_messages_within_and_beyond_retention() {
    let w = World::new(3);
    let config = GroupConfig {
        max_past_epochs: 1,
        ..GroupConfig::default()
    };
    let mut g = w.group(2, config);
    let old = g[1].encrypt_application_message(b"epoch 1", b"").unwrap();
    let older = g[1]
        .encrypt_application_message(b"epoch 1 again", b"")
        .unwrap();
    for _ in 0..1 {
        let out = g[0].commit_builder().build().unwrap();
        g[0].merge_pending_commit().unwrap();
        let ProcessedMessage::Commit(s) = g[1].process_message(&out.commit).unwrap() else {
            panic!()
        };
        g[1].merge_staged_commit(s).unwrap();
    }
    // One epoch back: still readable (G-12).
    let ProcessedMessage::Application(m) = g[0].process_message(&old).unwrap() else {
        panic!()
    };
    assert_eq!((m.data.as_slice(), m.epoch), (&b"epoch 1"[..], 1));
    // Two epochs back: too old.
    let out = g[0].commit_builder().build().unwrap();
    g[0].merge_pending_commit().unwrap();
    drop(out);
    assert!(matches!(
        rejected(&mut g[0], &older),
        GroupError::Rejected(Rejection::Framing(FramingError::EpochTooOld {
            epoch: 1,
            oldest_kept: 2
        }))
    ));
}

#[test]
fn replayed_application_message() {
    let w = World::new(4);
    let mut g = w.group(2, GroupConfig::default());
    let m = g[1].encrypt_application_message(b"once", b"").unwrap();
    g[0].process_message(&m).unwrap();
    assert!(matches!(
        rejected(&mut g[0], &m),
        GroupError::Rejected(Rejection::Framing(FramingError::Replayed(0)))
    ));
}

#[test]
fn sender_outside_tree_or_blank() {
    let w = World::new(5);
    let mut g = w.group(3, GroupConfig::default());
    let out = g[1].commit_builder().build().unwrap();
    let mut msg = out.commit;
    if let MlsMessageBody::PublicMessage(m) = &mut msg.body {
        m.content.sender = Sender::Member(99);
    }
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Framing(FramingError::SenderNotMember(99)))
    ));
    g[1].clear_pending_commit();
    // Remove member 2, then a message claiming leaf 2 (now blank)... the
    // tree shrinks to leaves 0..1 only when leaf 2 is the last; use leaf 1.
    let out = g[0]
        .commit_builder()
        .proposals(vec![remove(1)])
        .build()
        .unwrap();
    g[0].merge_pending_commit().unwrap();
    let ProcessedMessage::Commit(s) = g[2].process_message(&out.commit).unwrap() else {
        panic!()
    };
    g[2].merge_staged_commit(s).unwrap();
    let mut msg = g[2].commit_builder().build().unwrap().commit;
    if let MlsMessageBody::PublicMessage(m) = &mut msg.body {
        m.content.sender = Sender::Member(1);
    }
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Framing(FramingError::SenderNotMember(1)))
    ));
}

#[test]
fn welcome_for_a_key_package_we_do_not_hold() {
    let w = World::new(6);
    let mut g = w.group(1, GroupConfig::default());
    let bob = w.bundle("bob");
    let stranger = w.bundle("stranger");
    let out = g[0]
        .commit_builder()
        .proposals(vec![Proposal::from(Add {
            key_package: bob.key_package().clone(),
        })])
        .build()
        .unwrap();
    let welcome = out.welcome.unwrap();
    let err = Group::join(
        &w.provider,
        &welcome,
        &vec![stranger],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        GroupError::Rejected(Rejection::Welcome(WelcomeError::NoMatchingKeyPackage))
    ));
}

#[test]
fn wrong_confirmation_tag() {
    let w = World::new(7);
    let mut g = w.group(2, GroupConfig::default());
    let carol = w.bundle("carol");
    let msg = forge_commit(
        &g[1],
        vec![by_value(Proposal::from(Add {
            key_package: carol.key_package().clone(),
        }))],
        None,
    );
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Commit(CommitError::ConfirmationTagInvalid))
    ));
}

#[test]
fn commit_removing_the_committer() {
    let w = World::new(8);
    let mut g = w.group(3, GroupConfig::default());
    let msg = forge_commit(&g[1], vec![by_value(remove(1))], None);
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Proposal(ProposalError::CommitterRemoved(1)))
    ));
    // The sender side refuses to build it too (V-12.4.1-01).
    let before = snapshot(&g[1]);
    let err = g[1]
        .commit_builder()
        .proposals(vec![remove(1)])
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        GroupError::Rejected(Rejection::Proposal(ProposalError::CommitterRemoved(1)))
    ));
    assert_eq!(snapshot(&g[1]), before);
}

#[test]
fn duplicate_remove_for_one_leaf() {
    let w = World::new(9);
    let mut g = w.group(3, GroupConfig::default());
    let msg = forge_commit(&g[1], vec![by_value(remove(2)), by_value(remove(2))], None);
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateLeafChange(2)))
    ));
}

#[test]
fn update_and_remove_for_one_leaf() {
    let w = World::new(10);
    let mut g = w.group(3, GroupConfig::default());
    let p = g[2].propose().update().unwrap();
    g[0].process_message(&p).unwrap();
    g[1].process_message(&p).unwrap();
    let reference = g[1].proposals.entries[0].reference.clone();
    let msg = forge_commit(
        &g[1],
        vec![
            ProposalOrRef::Reference(VLBytes::new(reference.0)),
            by_value(remove(2)),
        ],
        None,
    );
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateLeafChange(2)))
    ));
}

#[test]
fn update_by_value_from_the_committer() {
    let w = World::new(11);
    let mut g = w.group(2, GroupConfig::default());
    let leaf = g[1].own_leaf_node().unwrap().clone();
    let msg = forge_commit(
        &g[1],
        vec![by_value(Proposal::from(Update { leaf_node: leaf }))],
        None,
    );
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateFromCommitter(1)))
    ));
}

#[test]
fn add_of_an_existing_member() {
    let w = World::new(12);
    let mut g = w.group(2, GroupConfig::default());
    // A new KeyPackage with member 1's signature key.
    let signer = g[1].signer.clone();
    let again = KeyPackageBuilder::new()
        .build(w.cs.as_ref(), Credential::basic("m1"), signer.as_ref())
        .unwrap();
    let msg = forge_commit(
        &g[1],
        vec![by_value(Proposal::from(Add {
            key_package: again.key_package().clone(),
        }))],
        None,
    );
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Proposal(ProposalError::AddOfExistingMember))
    ));
}

#[test]
fn path_missing_when_required() {
    let w = World::new(13);
    let mut g = w.group(3, GroupConfig::default());
    let msg = forge_commit(&g[1], vec![by_value(remove(2))], None);
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Commit(CommitError::PathRequired))
    ));
    let empty = forge_commit(&g[1], Vec::new(), None);
    assert!(matches!(
        rejected(&mut g[0], &empty),
        GroupError::Rejected(Rejection::Commit(CommitError::PathRequired))
    ));
}

#[test]
fn unknown_and_duplicate_proposal_refs() {
    let w = World::new(14);
    let mut g = w.group(3, GroupConfig::default());
    let unknown = forge_commit(
        &g[1],
        vec![ProposalOrRef::Reference(VLBytes::new(vec![7; 32]))],
        None,
    );
    assert!(matches!(
        rejected(&mut g[0], &unknown),
        GroupError::Rejected(Rejection::Proposal(ProposalError::UnknownRef))
    ));
    let p = g[2]
        .propose()
        .remove(leaf(0))
        .unwrap_or_else(|_| unreachable!());
    g[0].process_message(&p).unwrap();
    g[1].process_message(&p).unwrap();
    let r = g[1].proposals.entries[0].reference.0.clone();
    let twice = forge_commit(
        &g[1],
        vec![
            ProposalOrRef::Reference(VLBytes::new(r.clone())),
            ProposalOrRef::Reference(VLBytes::new(r)),
        ],
        None,
    );
    assert!(matches!(
        rejected(&mut g[0], &twice),
        GroupError::Rejected(Rejection::Proposal(ProposalError::DuplicateRef))
    ));
}

#[test]
fn tampered_membership_tag_and_signature() {
    let w = World::new(15);
    let mut g = w.group(2, GroupConfig::default());
    let out = g[1].commit_builder().build().unwrap();
    let mut msg = out.commit;
    if let MlsMessageBody::PublicMessage(m) = &mut msg.body {
        m.auth.signature = VLBytes::new(vec![0; 64]);
    }
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Framing(FramingError::MembershipTagInvalid))
    ));
}

#[test]
fn mutated_commits_never_panic_and_change_nothing() {
    let w = World::new(16);
    let mut g = w.group(3, GroupConfig::default());
    let carol = w.bundle("carol");
    let out = g[1]
        .commit_builder()
        .proposals(vec![Proposal::from(Add {
            key_package: carol.key_package().clone(),
        })])
        .build()
        .unwrap();
    let bytes = mls_codec::encode(&out.commit).unwrap();
    let before = snapshot(&g[0]);
    let mut tried = 0;
    for i in (0..bytes.len()).step_by(3) {
        for flip in [0x01u8, 0x80] {
            let mut b = bytes.clone();
            b[i] ^= flip;
            let Ok(msg) = mls_codec::decode::<MlsMessage>(&b) else {
                continue;
            };
            tried += 1;
            if g[0].process_message(&msg).is_ok() {
                // Only a mutation the signature does not cover could pass;
                // none exists for a PublicMessage Commit.
                panic!("mutated commit at byte {i} accepted");
            }
            assert_eq!(snapshot(&g[0]), before, "state changed at byte {i}");
        }
    }
    assert!(tried > 100);
}

/// A standalone proposal from `sender`, signed and tagged with its keys,
/// without the sender-side checks.
fn forge_proposal(sender: &Group, proposal: Proposal) -> MlsMessage {
    let cs = sender.cs.as_ref();
    let content = framed_content(
        &sender.context,
        Sender::Member(sender.own_leaf().get()),
        Vec::new(),
        FramedContentBody::Proposal(proposal),
    );
    let auth = sign_content(
        cs,
        sender.signer.as_ref(),
        WireFormat::PUBLIC_MESSAGE,
        content,
        Some(&sender.context),
    )
    .unwrap();
    let ctx = FramingContext {
        cs,
        group_context: &sender.context,
        membership_key: &sender.epoch.membership_key,
        sender_data_secret: &sender.epoch.sender_data_secret,
    };
    MlsMessage::new(MlsMessageBody::PublicMessage(
        ctx.protect_public(auth).unwrap(),
    ))
}

#[test]
fn invalid_standalone_proposals_are_not_cached() {
    let w = World::new(17);
    let mut g = w.group(2, GroupConfig::default());
    let msg = forge_proposal(&g[1], remove(99));
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Proposal(ProposalError::RemoveOfNonMember(99)))
    ));
    // An Update whose leaf is signed for another leaf index (V-12.1.2-02).
    let mut leaf = g[0].own_leaf_node().unwrap().clone();
    leaf.leaf_node_source = mls_codec::LeafNodeSource::Update;
    let msg = forge_proposal(&g[1], Proposal::from(Update { leaf_node: leaf }));
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(_)))
    ));
    // A ReInit to a GREASE suite or an unknown version (V-12.1.5-01/03).
    let reinit = |version: u16, suite: u16| {
        Proposal::from(mls_codec::ReInit {
            group_id: VLBytes::new(b"new".to_vec()),
            version: mls_codec::ProtocolVersion(version),
            cipher_suite: mls_codec::CipherSuiteId(suite),
            extensions: Vec::new(),
        })
    };
    let msg = forge_proposal(&g[1], reinit(1, 0x0a0a));
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Proposal(
            ProposalError::ReInitUnsupportedCipherSuite(0x0a0a)
        ))
    ));
    let msg = forge_proposal(&g[1], reinit(2, 1));
    assert!(matches!(
        rejected(&mut g[0], &msg),
        GroupError::Rejected(Rejection::Proposal(
            ProposalError::ReInitUnsupportedVersion(2)
        ))
    ));
}

/// Leaf `n` (tests name leaves by number).
fn leaf(n: u32) -> crate::LeafIndex {
    crate::LeafIndex::new(n).expect("a leaf index below 2^31")
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
