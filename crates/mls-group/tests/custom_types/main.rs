//! Application-defined proposal types (RFC 9420 §13, issue 12 item 4): the
//! registry, sending and committing custom proposals, what both sides
//! report, and the bad input of the issue, each rejection leaving the
//! receiver byte-identical.

#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod committing;
mod registry;
mod validation;

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
