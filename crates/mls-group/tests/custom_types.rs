//! Application-defined proposal types (RFC 9420 §13, issue 12 item 4): the
//! registry, sending and committing custom proposals, what both sides
//! report, and the bad input of the issue, each rejection leaving the
//! receiver byte-identical.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::{SUITE, provider, snapshot};
use mls_codec::{
    Commit, Credential, Extension, ExtensionType, FramedContentBody, GroupContextExtensions,
    MlsMessage, MlsMessageBody, Proposal, ProposalOrRef, ProposalType, RequiredCapabilities,
    Sender, VLBytes, WireFormat,
};
use mls_crypto::{CipherSuiteProvider, CryptoProvider, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::custom::{CustomEffect, CustomProposal, CustomProposalHandler, CustomRefusal};
use mls_group::framing::framed_content;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle};
use mls_group::{
    CommitError, CreateOptions, CustomRegistry, Group, GroupConfig, GroupError, JoinOptions,
    LoadOptions, ProcessedMessage, ProposalError, ProposalSender, Rejection, Rule, StateError,
};

/// A message retention period in days (`u32`), held in the GroupContext
/// extension [`RETENTION_EXT`].
const RETENTION: u16 = 0xf0a1;
/// A note without effect on the group; the body `bad` is refused.
const NOTE: u16 = 0xf0a2;
/// An audit marker that requires an UpdatePath.
const AUDIT: u16 = 0xf0a3;
/// The GroupContext extension holding the retention period.
const RETENTION_EXT: u16 = 0xf0b1;

struct Retention;
impl CustomProposalHandler for Retention {
    fn validate(&self, p: &CustomProposal<'_>) -> Result<CustomEffect, CustomRefusal> {
        let days: [u8; 4] = p
            .body
            .try_into()
            .map_err(|_| CustomRefusal::new("a retention period is four bytes"))?;
        if u32::from_be_bytes(days) == 0 {
            return Err(CustomRefusal::new("a retention period is at least a day"));
        }
        Ok(CustomEffect {
            group_context_extensions: vec![Extension {
                extension_type: ExtensionType(RETENTION_EXT),
                extension_data: VLBytes::new(p.body.to_vec()),
            }],
        })
    }
}

struct Note;
impl CustomProposalHandler for Note {
    fn validate(&self, p: &CustomProposal<'_>) -> Result<CustomEffect, CustomRefusal> {
        if p.body == b"bad" {
            return Err(CustomRefusal::new("a bad note"));
        }
        Ok(CustomEffect::default())
    }
}

/// Accepts every value but `bad`.
struct RetentionExtension;
impl mls_group::custom::CustomExtensionHandler for RetentionExtension {
    fn validate(&self, _: mls_codec::ExtensionContainer, data: &[u8]) -> Result<(), CustomRefusal> {
        if data == b"bad" {
            return Err(CustomRefusal::new("a bad retention value"));
        }
        Ok(())
    }
}

fn registry() -> CustomRegistry {
    CustomRegistry::builder()
        .proposal_type(RETENTION, false, Arc::new(Retention))
        .unwrap()
        .proposal_type(NOTE, false, Arc::new(Note))
        .unwrap()
        .proposal_type(AUDIT, true, Arc::new(Note))
        .unwrap()
        .extension_type(
            RETENTION_EXT,
            &[mls_codec::ExtensionContainer::GroupContext],
            Arc::new(RetentionExtension),
        )
        .unwrap()
        .build()
}

fn config(custom: &CustomRegistry) -> GroupConfig {
    GroupConfig::builder().custom(custom.clone()).build()
}

fn days(n: u32) -> Vec<u8> {
    n.to_be_bytes().to_vec()
}

fn custom(proposal_type: u16, body: &[u8]) -> Proposal {
    Proposal::Unknown {
        proposal_type,
        data: VLBytes::new(body.to_vec()),
    }
}

struct World {
    provider: RustCryptoProvider,
    cs: Arc<dyn CipherSuiteProvider>,
    members: Vec<Group>,
    signers: Vec<SignatureKeyPair>,
    configs: Vec<GroupConfig>,
}

/// Member `i` has the registry `registries[i]` and lists its types in its
/// capabilities when `advertise[i]` (member 0 creates the group and always
/// does: `Group::create` advertises its registry).
fn world(seed: u8, registries: &[CustomRegistry], advertise: &[bool]) -> World {
    world_with(seed, registries, advertise, Vec::new())
}

fn world_with(
    seed: u8,
    registries: &[CustomRegistry],
    advertise: &[bool],
    extensions: Vec<Extension>,
) -> World {
    let provider = provider(seed);
    let cs = provider.cipher_suite_provider(SUITE).unwrap();
    let configs: Vec<GroupConfig> = registries.iter().map(config).collect();
    let signer0 = cs.signature_generate_key_pair().unwrap();
    let mut first = Group::create(
        cs.clone(),
        Credential::basic(b"m0".to_vec()),
        Arc::new(signer0.clone()),
        configs[0].clone(),
        CreateOptions {
            extensions,
            ..CreateOptions::default()
        },
    )
    .unwrap();
    let mut signers = vec![signer0];
    let mut members = Vec::new();
    let bundles: Vec<KeyPackageBundle> = (1..registries.len())
        .map(|i| {
            let signer = cs.signature_generate_key_pair().unwrap();
            signers.push(signer.clone());
            let mut builder = KeyPackageBuilder::new();
            if advertise[i] {
                builder = builder.advertise(&registries[i]);
            }
            builder
                .build(cs.as_ref(), Credential::basic(format!("m{i}")), &signer)
                .unwrap()
        })
        .collect();
    if !bundles.is_empty() {
        let mut b = first.commit_builder();
        for kp in &bundles {
            b = b.add_member(kp.key_package().clone());
        }
        let out = b.build().unwrap();
        first.merge_pending_commit().unwrap();
        let welcome = out.welcome.unwrap();
        for (i, kp) in bundles.iter().enumerate() {
            let (g, _) = Group::join(
                &provider,
                &welcome,
                &vec![kp.clone()],
                configs[i + 1].clone(),
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
        configs,
    }
}

impl World {
    /// A PublicMessage of member `from` with `body`, signed and tagged
    /// with its keys; a Commit gets a junk confirmation tag (every test
    /// here is rejected before it is checked).
    fn forge(&self, from: usize, body: FramedContentBody) -> MlsMessage {
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
            .sign(&self.signers[from], WireFormat::PUBLIC_MESSAGE, content)
            .unwrap();
        if is_commit {
            auth.auth.confirmation_tag = Some(VLBytes::new(vec![0x42; 32]));
        }
        MlsMessage::new(MlsMessageBody::PublicMessage(
            ctx.protect_public(auth).unwrap(),
        ))
    }

    fn forge_commit(&self, from: usize, proposals: Vec<Proposal>) -> MlsMessage {
        self.forge(
            from,
            FramedContentBody::Commit(Commit {
                proposals: proposals.into_iter().map(ProposalOrRef::Proposal).collect(),
                path: None,
            }),
        )
    }

    /// Member `from`'s message processed by every other member.
    fn deliver_proposal(&mut self, from: usize, message: &MlsMessage) {
        for (i, g) in self.members.iter_mut().enumerate() {
            if i != from {
                assert!(matches!(
                    g.process_message(message).unwrap(),
                    ProcessedMessage::Proposal(_)
                ));
            }
        }
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

fn staged(group: &mut Group, message: &MlsMessage) -> mls_group::StagedCommit {
    match group.process_message(message).unwrap() {
        ProcessedMessage::Commit(s) => s,
        other => panic!("not a commit: {other:?}"),
    }
}

fn retention_of(group: &Group) -> Option<Vec<u8>> {
    group
        .extensions()
        .iter()
        .find(|e| e.extension_type.0 == RETENTION_EXT)
        .map(|e| e.extension_data.as_slice().to_vec())
}

// ---- committed custom proposals, on both sides -----------------------------

/// A custom proposal by value: the committer's `CommitInfo` and every
/// receiver's report it (sender and body, in order), its GroupContext
/// effect is applied identically everywhere, and (the effect changing the
/// GroupContext, like a GCE) the Commit carries a path.
#[test]
fn custom_proposal_by_value_is_reported_and_applied_on_every_side() {
    let r = registry();
    let mut w = world(1, &[r.clone(), r.clone(), r.clone()], &[true, true, true]);
    let out = w.members[0]
        .commit_builder()
        .custom_proposal(RETENTION, days(30))
        .custom_proposal(NOTE, b"hello".to_vec())
        .build()
        .unwrap();
    let reported = &out.info.custom_proposals;
    assert_eq!(reported.len(), 2);
    assert_eq!(
        reported[0].sender,
        ProposalSender::Member(w.members[0].own_leaf())
    );
    assert_eq!(reported[0].proposal_type, ProposalType(RETENTION));
    assert_eq!(reported[0].body, days(30));
    assert_eq!(reported[1].body, b"hello");
    assert!(out.info.has_path, "a GroupContext effect requires a path");
    w.members[0].merge_pending_commit().unwrap();
    for i in 1..3 {
        let s = staged(&mut w.members[i], &out.commit);
        assert_eq!(&s.info().custom_proposals, reported);
        assert_eq!(s.info().new_extensions, out.info.new_extensions);
        w.members[i].merge_staged_commit(s).unwrap();
    }
    for g in &w.members {
        assert_eq!(retention_of(g), Some(days(30)));
        assert_eq!(g.epoch_authenticator(), w.members[0].epoch_authenticator());
    }
    // A second change replaces the setting, keeping the other extensions.
    let out = w.members[1]
        .commit_builder()
        .custom_proposal(RETENTION, days(7))
        .build()
        .unwrap();
    w.members[1].merge_pending_commit().unwrap();
    for i in [0, 2] {
        let s = staged(&mut w.members[i], &out.commit);
        w.members[i].merge_staged_commit(s).unwrap();
    }
    for g in &w.members {
        assert_eq!(retention_of(g), Some(days(7)));
        assert_eq!(g.extensions().len(), 1);
    }
}

/// A registered type whose registration says no path and whose hook
/// sets nothing: its Commit carries no path (custom types decide, §12.4).
#[test]
fn a_custom_type_without_path_requirement_commits_without_path() {
    let r = registry();
    let mut w = world(2, &[r.clone(), r.clone()], &[true, true]);
    let out = w.members[0]
        .commit_builder()
        .custom_proposal(NOTE, b"n".to_vec())
        .build()
        .unwrap();
    assert!(!out.info.has_path);
    w.members[0].merge_pending_commit().unwrap();
    let s = staged(&mut w.members[1], &out.commit);
    assert!(!s.info().has_path);
    assert_eq!(s.info().custom_proposals.len(), 1);
    w.members[1].merge_staged_commit(s).unwrap();
    assert_eq!(
        w.members[0].epoch_authenticator(),
        w.members[1].epoch_authenticator()
    );
}

/// A member's standalone custom proposal (`propose().custom`), committed
/// by reference by another: reported with its proposer as sender.
#[test]
fn custom_proposal_by_reference_is_reported_with_its_sender() {
    let r = registry();
    let mut w = world(3, &[r.clone(), r.clone(), r.clone()], &[true, true, true]);
    let message = w.members[1]
        .propose()
        .custom(NOTE, b"from m1".to_vec())
        .unwrap();
    w.deliver_proposal(1, &message);
    let out = w.members[0].commit_builder().build().unwrap();
    assert!(out.omitted.is_empty());
    let proposer = ProposalSender::Member(w.members[1].own_leaf());
    assert_eq!(out.info.custom_proposals[0].sender, proposer);
    w.members[0].merge_pending_commit().unwrap();
    for i in 1..3 {
        let s = staged(&mut w.members[i], &out.commit);
        assert_eq!(s.info().custom_proposals[0].sender, proposer);
        assert_eq!(s.info().custom_proposals[0].body, b"from m1");
        w.members[i].merge_staged_commit(s).unwrap();
    }
}

// ---- the §13 capability rule ------------------------------------------------

/// RFC 9420 §12.2, §13 (V-12.2-16, V-13.2-01): member 2 has the registry
/// but its leaf does not list the types. A cached custom proposal is left
/// out of the Commit and reported; the same proposal by value fails the
/// build, the committer unchanged.
#[test]
fn committer_leaves_out_a_cached_custom_proposal_a_member_lacks() {
    let r = registry();
    let mut w = world(4, &[r.clone(), r.clone(), r.clone()], &[true, true, false]);
    let message = w.members[1].propose().custom(NOTE, b"n".to_vec()).unwrap();
    w.deliver_proposal(1, &message);
    let out = w.members[0].commit_builder().build().unwrap();
    assert_eq!(out.omitted.len(), 1);
    assert!(
        matches!(
            &*out.omitted[0].reason,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::CustomProposalUnsupported {
                    proposal_type: NOTE,
                    member: 2
                }
            ))
        ),
        "{}",
        out.omitted[0].reason
    );
    assert!(out.info.custom_proposals.is_empty());
    w.members[0].clear_pending_commit();
    let before = snapshot(&w.members[0]);
    let err = w.members[0]
        .commit_builder()
        .include_pending(false)
        .custom_proposal(NOTE, b"n".to_vec())
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::CustomProposalUnsupported { member: 2, .. }
            ))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_12_2_16));
    assert_eq!(snapshot(&w.members[0]), before);
}

/// Bad input: a Commit holding a custom proposal while member 2 lacks the
/// type is rejected by a receiver (V-12.2-16), its state byte-identical.
#[test]
fn receiver_rejects_a_custom_proposal_a_member_lacks() {
    let r = registry();
    let mut w = world(5, &[r.clone(), r.clone(), r.clone()], &[true, true, false]);
    let m = w.forge_commit(0, vec![custom(NOTE, b"n")]);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::CustomProposalUnsupported {
                    proposal_type: NOTE,
                    member: 2
                }
            ))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_12_2_16));
}

/// §12.2: a member the Commit removes need not support the type.
#[test]
fn a_removed_member_need_not_support_the_type() {
    let r = registry();
    let mut w = world(6, &[r.clone(), r.clone(), r.clone()], &[true, true, false]);
    let leaving = w.members[2].own_leaf();
    let out = w.members[0]
        .commit_builder()
        .remove_member(leaving)
        .custom_proposal(NOTE, b"n".to_vec())
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    let s = staged(&mut w.members[1], &out.commit);
    assert_eq!(s.info().custom_proposals.len(), 1);
    w.members[1].merge_staged_commit(s).unwrap();
}

/// RFC 9420 §11.1, §12.1.1: a `required_capabilities` extension naming a
/// custom proposal type is honoured for Adds: a KeyPackage that does not
/// list it is refused; one that does is added and joins.
#[test]
fn required_capabilities_naming_a_custom_type_is_honoured_for_adds() {
    let r = registry();
    let required = Extension::from_payload(&RequiredCapabilities {
        extension_types: Vec::new(),
        proposal_types: vec![ProposalType(RETENTION)],
        credential_types: Vec::new(),
    })
    .unwrap();
    let mut w = world_with(7, std::slice::from_ref(&r), &[true], vec![required]);
    let signer = w.cs.signature_generate_key_pair().unwrap();
    let lacking = KeyPackageBuilder::new()
        .build(w.cs.as_ref(), Credential::basic(b"x".to_vec()), &signer)
        .unwrap();
    let before = snapshot(&w.members[0]);
    let err = w.members[0]
        .commit_builder()
        .add_member(lacking.key_package().clone())
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::MissingCapability(_)))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&w.members[0]), before);
    let listing = KeyPackageBuilder::new()
        .advertise(&r)
        .build(w.cs.as_ref(), Credential::basic(b"y".to_vec()), &signer)
        .unwrap();
    let out = w.members[0]
        .commit_builder()
        .add_member(listing.key_package().clone())
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    let (joined, _) = Group::join(
        &w.provider,
        out.welcome.as_ref().unwrap(),
        &vec![listing],
        w.configs[0].clone(),
        JoinOptions::default(),
    )
    .unwrap();
    assert_eq!(
        joined.epoch_authenticator(),
        w.members[0].epoch_authenticator()
    );
}

// ---- the validation hook ----------------------------------------------------

/// Bad input: a custom proposal the hook refuses, at receipt of the
/// proposal (V-13-01), state byte-identical; the sender's own
/// `propose().custom` refuses it the same way before sending.
#[test]
fn hook_refuses_a_custom_proposal_at_receipt() {
    let r = registry();
    let mut w = world(8, &[r.clone(), r.clone()], &[true, true]);
    let before = snapshot(&w.members[1]);
    let err = w.members[1]
        .propose()
        .custom(NOTE, b"bad".to_vec())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CustomProposalRefused {
                proposal_type: NOTE,
                ..
            }))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&w.members[1]), before);
    let m = w.forge(1, FramedContentBody::Proposal(custom(NOTE, b"bad")));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            &err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CustomProposalRefused {
                proposal_type: NOTE,
                reason
            })) if reason == "a bad note"
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_01));
}

/// Bad input: a custom proposal the hook refuses, inside a Commit (V-13-01).
#[test]
fn hook_refuses_a_custom_proposal_inside_a_commit() {
    let r = registry();
    let mut w = world(9, &[r.clone(), r.clone()], &[true, true]);
    let m = w.forge_commit(0, vec![custom(RETENTION, &days(0))]);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CustomProposalRefused {
                proposal_type: RETENTION,
                ..
            }))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_01));
}

/// V-13-02: a GroupContextExtensions proposal and a custom proposal that
/// sets GroupContext extensions do not share a Commit.
#[test]
fn a_gce_and_a_custom_extension_effect_conflict() {
    let r = registry();
    let mut w = world(10, &[r.clone(), r.clone()], &[true, true]);
    let gce = Proposal::GroupContextExtensions(GroupContextExtensions {
        extensions: Vec::new(),
    });
    let m = w.forge_commit(0, vec![custom(RETENTION, &days(3)), gce]);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CustomExtensionsConflict))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_02));
}

// ---- path required ------------------------------------------------------------

/// Bad input: a Commit without path holding a custom type registered as
/// path-required (RFC 9420 §12.4, V-12.4-01), state byte-identical.
#[test]
fn a_path_required_custom_proposal_without_path_is_rejected() {
    let r = registry();
    let mut w = world(11, &[r.clone(), r.clone()], &[true, true]);
    let m = w.forge_commit(0, vec![custom(AUDIT, b"a")]);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::PathRequired))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_12_4_01));
    // Our own Commit of it carries a path.
    let out = w.members[0]
        .commit_builder()
        .custom_proposal(AUDIT, b"a".to_vec())
        .build()
        .unwrap();
    assert!(out.info.has_path);
}

// ---- unregistered and GREASE types ------------------------------------------

/// Bad input: a custom type the receiver did not register, in a Commit and
/// as a standalone proposal: a type it does not support (V-12.2-16).
#[test]
fn an_unregistered_custom_type_is_rejected() {
    let r = registry();
    let mut w = world(12, &[r.clone(), r.clone()], &[true, true]);
    for m in [
        w.forge_commit(0, vec![custom(0xf0ff, b"?")]),
        w.forge(0, FramedContentBody::Proposal(custom(0xf0ff, b"?"))),
    ] {
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(0xf0ff)))
            ),
            "{err}"
        );
        assert_eq!(err.rule(), Some(Rule::V_12_2_16));
    }
}

/// Bad input: a GREASE value as a custom proposal type (RFC 9420 §13.5):
/// it cannot be registered, so it is received like any unregistered type,
/// even by a member with a registry, and cannot be sent.
#[test]
fn a_grease_custom_proposal_type_is_refused() {
    let r = registry();
    let mut w = world(13, &[r.clone(), r.clone()], &[true, true]);
    for grease in [0x0a0au16, 0x3a3a, 0xeaea] {
        assert!(
            CustomRegistry::builder()
                .proposal_type(grease, false, Arc::new(Note))
                .is_err()
        );
        let m = w.forge_commit(0, vec![custom(grease, b"g")]);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(t))) if t == grease),
            "{err}"
        );
        let before = snapshot(&w.members[0]);
        assert!(
            w.members[0]
                .propose()
                .custom(grease, b"g".to_vec())
                .is_err()
        );
        assert_eq!(snapshot(&w.members[0]), before);
    }
}

// ---- the registry at load ---------------------------------------------------

/// The registry is not saved: a group holding a cached custom proposal
/// loads only with a registry that has its type (a typed error otherwise);
/// a pending Commit's custom proposals survive the round trip.
#[test]
fn load_needs_the_registry_of_stored_custom_proposals() {
    let r = registry();
    let mut w = world(14, &[r.clone(), r.clone()], &[true, true]);
    let message = w.members[1]
        .propose()
        .custom(NOTE, b"cached".to_vec())
        .unwrap();
    w.deliver_proposal(1, &message);
    let bytes = snapshot(&w.members[0]);
    let err =
        Group::from_bytes_with_options(&bytes, &w.provider, LoadOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::State(StateError::CustomTypeNotRegistered(NOTE))
        ),
        "{err}"
    );
    let options = LoadOptions::default().with_runtime_of(&w.configs[0]);
    let restored = Group::from_bytes_with_options(&bytes, &w.provider, options.clone()).unwrap();
    assert_eq!(snapshot(&restored), bytes);

    let out = w.members[0]
        .commit_builder()
        .custom_proposal(RETENTION, days(5))
        .build()
        .unwrap();
    let bytes = snapshot(&w.members[0]);
    let mut restored = Group::from_bytes_with_options(&bytes, &w.provider, options).unwrap();
    assert_eq!(snapshot(&restored), bytes);
    assert_eq!(
        restored.pending_commit().unwrap().custom_proposals,
        out.info.custom_proposals
    );
    restored.merge_pending_commit().unwrap();
    assert_eq!(retention_of(&restored), Some(days(5)));
}

// ---- application-defined extension types -----------------------------------

fn retention_ext(data: &[u8]) -> Extension {
    Extension {
        extension_type: ExtensionType(RETENTION_EXT),
        extension_data: VLBytes::new(data.to_vec()),
    }
}

/// Our own KeyPackages and leaves list the registered extension types in
/// their capabilities (never GREASE: GREASE cannot be registered).
#[test]
fn own_key_packages_and_leaves_advertise_registered_types() {
    let r = registry();
    let w = world(20, &[r.clone(), r.clone()], &[true, true]);
    for g in &w.members {
        let leaf = mls_treekem::TreeView::leaf(g.ratchet_tree(), g.own_leaf()).unwrap();
        let caps = &leaf.capabilities;
        assert!(caps.extensions.contains(&ExtensionType(RETENTION_EXT)));
        for t in [RETENTION, NOTE, AUDIT] {
            assert!(caps.proposals.contains(&ProposalType(t)));
        }
        let own = mls_group::grease::own_capabilities(caps);
        assert!(own.proposals.iter().all(|t| !t.is_grease()));
    }
}

/// Bad input: a registered extension in a context its registration does
/// not allow (the GroupContext-only retention extension in a leaf node and
/// in a KeyPackage), in an Add of a received Commit: V-13-03, the receiver
/// byte-identical. Our own Commit refuses the same KeyPackage.
#[test]
fn a_registered_extension_in_a_forbidden_context_is_rejected() {
    let r = registry();
    let mut w = world(21, &[r.clone(), r.clone()], &[true, true]);
    let signer = w.cs.signature_generate_key_pair().unwrap();
    let in_leaf = KeyPackageBuilder::new()
        .advertise(&r)
        .leaf_extension(retention_ext(&days(1)))
        .build(w.cs.as_ref(), Credential::basic(b"x".to_vec()), &signer)
        .unwrap();
    let m = w.forge_commit(
        0,
        vec![Proposal::from(mls_codec::Add {
            key_package: in_leaf.key_package().clone(),
        })],
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            &err,
            GroupError::Rejected(Rejection::KeyPackage(
                mls_group::KeyPackageError::LeafInvalid(
                    mls_treekem::TreeKemError::ExtensionRefused {
                        extension_type: RETENTION_EXT,
                        ..
                    }
                )
            ))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_03));
    let before = snapshot(&w.members[0]);
    assert!(
        w.members[0]
            .commit_builder()
            .add_member(in_leaf.key_package().clone())
            .build()
            .is_err()
    );
    assert_eq!(snapshot(&w.members[0]), before);

    let in_key_package = KeyPackageBuilder::new()
        .advertise(&r)
        .key_package_extension(retention_ext(&days(1)))
        .build(w.cs.as_ref(), Credential::basic(b"y".to_vec()), &signer)
        .unwrap();
    let m = w.forge_commit(
        0,
        vec![Proposal::from(mls_codec::Add {
            key_package: in_key_package.key_package().clone(),
        })],
    );
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            &err,
            GroupError::Rejected(Rejection::KeyPackage(
                mls_group::KeyPackageError::CustomExtensionRefused {
                    extension_type: RETENTION_EXT,
                    ..
                }
            ))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_03));
}

/// Bad input: a registered extension that its validation refuses, in a
/// GroupContextExtensions proposal of a Commit (V-13-03); a valid value is
/// committed and applied.
#[test]
fn a_registered_extension_its_hook_refuses_is_rejected() {
    let r = registry();
    let mut w = world(22, &[r.clone(), r.clone()], &[true, true]);
    let gce = |data: &[u8]| {
        Proposal::GroupContextExtensions(GroupContextExtensions {
            extensions: vec![retention_ext(data)],
        })
    };
    let m = w.forge_commit(0, vec![gce(b"bad")]);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            &err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CustomExtensionRefused {
                extension_type: RETENTION_EXT,
                reason
            })) if reason == "a bad retention value"
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_03));
    let out = w.members[0]
        .commit_builder()
        .group_context_extensions(vec![retention_ext(&days(2))])
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    let s = staged(&mut w.members[1], &out.commit);
    w.members[1].merge_staged_commit(s).unwrap();
    assert_eq!(retention_of(&w.members[1]), Some(days(2)));
}
