//! Messaging Layer Security (RFC 9420) for applications.
//!
//! This crate re-exports what an application needs from the workspace
//! crates: the group engine ([`Group`], from `mls-group`), KeyPackages, the
//! wire types ([`MlsMessage`] and friends, from `mls-codec`), cipher suites
//! and the provider traits (`mls-crypto`), and, with the default
//! `rustcrypto` feature, the [`RustCryptoProvider`].
//!
//! The flow (RFC 9420 §11-§15): every client makes KeyPackages
//! ([`KeyPackageBuilder`]); one creates a [`Group`] from its credential and
//! signature key; members change the group with Commits
//! ([`Group::commit_builder`]), which stay pending until the
//! delivery service accepts them ([`Group::merge_pending_commit`]); new
//! members join from the Welcome ([`Group::join`]); everything received goes
//! through [`Group::process_message`], and a received Commit is a
//! [`StagedCommit`] to inspect and then merge. Nothing in a group changes
//! until a merge, and a rejected message leaves it byte-identical.
//! Group state is saved with [`Group::save`] into a [`Store`] (see [`storage`]).
//!
//! ```
//! use std::sync::Arc;
//!
//! use mls::{
//!     CipherSuite, CreateOptions, Credential, CryptoProvider, Group, GroupConfig, JoinOptions,
//!     KeyPackageBuilder, ProcessedMessage, RustCryptoProvider,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let provider = RustCryptoProvider::new();
//! let suite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
//! let cs = provider.cipher_suite_provider(suite).ok_or("suite 1 is not supported")?;
//!
//! // Bob and Carol publish KeyPackages.
//! let key_package = |name: &str| {
//!     let signer = cs.signature_generate_key_pair()?;
//!     KeyPackageBuilder::new().build(cs.as_ref(), Credential::basic(name), &signer)
//! };
//! let (bob_kp, carol_kp) = (key_package("bob")?, key_package("carol")?);
//!
//! // Alice creates the group from her identity and adds Bob and Carol in one Commit.
//! let alice_signer = cs.signature_generate_key_pair()?;
//! let mut alice = Group::create(
//!     cs.clone(),
//!     Credential::basic("alice"),
//!     Arc::new(alice_signer),
//!     GroupConfig::default(),
//!     CreateOptions::default(),
//! )?;
//! let add = alice
//!     .commit_builder()
//!     .add_member(bob_kp.key_package().clone())
//!     .add_member(carol_kp.key_package().clone())
//!     .build()?;
//! alice.merge_pending_commit()?; // once the delivery service accepted the Commit
//! let welcome = add.welcome.ok_or("a Commit that adds members has a Welcome")?;
//! let (mut bob, _) = Group::join(&provider, &welcome, &bob_kp, GroupConfig::default(), JoinOptions::default())?;
//! let (mut carol, _) = Group::join(&provider, &welcome, &carol_kp, GroupConfig::default(), JoinOptions::default())?;
//!
//! // Messages both ways.
//! let msg = alice.encrypt_application_message(b"hello", b"")?;
//! let ProcessedMessage::Application(m) = bob.process_message(&msg)? else {
//!     return Err("not application data".into());
//! };
//! assert_eq!(m.data, b"hello");
//! let msg = bob.encrypt_application_message(b"hi alice", b"")?;
//! let ProcessedMessage::Application(m) = alice.process_message(&msg)? else {
//!     return Err("not application data".into());
//! };
//! assert_eq!(m.data, b"hi alice");
//!
//! // Bob updates his keys; the others process and merge his Commit.
//! let update = bob.commit_builder().build()?;
//! bob.merge_pending_commit()?;
//! for member in [&mut alice, &mut carol] {
//!     let ProcessedMessage::Commit(staged) = member.process_message(&update.commit)? else {
//!         return Err("not a Commit".into());
//!     };
//!     member.merge_staged_commit(staged)?;
//! }
//!
//! // Alice removes Carol.
//! let remove = alice.commit_builder().remove_member(carol.own_leaf()).build()?;
//! alice.merge_pending_commit()?;
//! let ProcessedMessage::Commit(staged) = bob.process_message(&remove.commit)? else {
//!     return Err("not a Commit".into());
//! };
//! assert_eq!(staged.info().removed[0].leaf_index, carol.own_leaf());
//! bob.merge_staged_commit(staged)?;
//!
//! assert_eq!(alice.member_count(), 2);
//! assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
//! # Ok(())
//! # }
//! ```
//!
//! Messages travel as bytes: [`encode_message`] and [`decode_message`].

#![forbid(unsafe_code)]

pub use mls_codec::{
    Credential, Extension, ExtensionType, KeyPackage, MlsMessage, MlsMessageBody, PreSharedKeyId,
    Proposal, Psk, RatchetTree, Welcome,
};
pub use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, SignatureKeyPair, Signer};
pub use mls_group::framing::PaddingMode;
pub use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle, KeyPackageRef};
pub use mls_group::{
    CommitBuilder, CommitError, CommitInfo, CommitOutput, CreateOptions, DEFAULT_MAX_PAST_EPOCHS,
    ExternalCommitBuilder, ExternalCommitOutput, FramingError, Group, GroupConfig,
    GroupConfigBuilder, GroupError, InMemoryStore, JoinOptions, KeyPackageError, LeafIndex,
    LoadOptions, Member, MemberChange, Misuse, ProcessedMessage, ProposalError, ProposalPolicy,
    ProposalRef, ProposalSender, Proposer, ReceivedApplicationMessage, ReceivedProposal, Rejection,
    Result, ResumptionError, Rule, SaveCursor, SideEffects, StagedCommit, StateError, Store,
    StoreError, WelcomeError, non_member, storage,
};
pub use mls_keyschedule::{InMemoryPskStore, PskStore, SecretTreeConfig};
pub use mls_treekem::{
    BasicCredentialValidator, Clock, CredentialValidator, FixedClock, SystemClock,
};

#[cfg(feature = "rustcrypto")]
pub use mls_crypto_rustcrypto::RustCryptoProvider;

/// The lower layers, for what the re-exports above do not cover.
pub use mls_codec as codec;
pub use mls_crypto as crypto;
pub use mls_group as group;
/// X.509 credentials: chain validation and identity mapping (RFC 9420 §5.3.1, `docs/x509.md`).
pub use mls_x509 as x509;

/// Serialize an MLSMessage for the wire (RFC 9420 §6).
pub fn encode_message(message: &MlsMessage) -> Result<Vec<u8>> {
    Ok(mls_codec::encode(message)?)
}

/// Parse an MLSMessage from the wire; trailing bytes are rejected.
pub fn decode_message(bytes: &[u8]) -> Result<MlsMessage> {
    Ok(mls_codec::decode(bytes)?)
}

/// The README's example, compiled and run as a doctest so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
