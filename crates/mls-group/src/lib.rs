//! The MLS group engine.
//!
//! RFC 9420 sections covered:
//! - §6 message framing and protection ([`framing`]): PublicMessage signatures
//!   and membership tags, PrivateMessage content and sender-data encryption,
//!   padding;
//! - §10 KeyPackages ([`key_package`]): creation, validation, references;
//! - §12.4.3 Welcome cryptography ([`welcome`]);
//! - §11-§14 the group lifecycle ([`Group`]): creation, proposals, commits,
//!   Welcome, joins, staged changes that the caller inspects and merges,
//!   group state storage ([`storage`]).
//!
//! # The group API
//!
//! | step | call | RFC 9420 |
//! |---|---|---|
//! | create a one-member group from a credential and a [`mls_crypto::Signer`] (in memory or in an HSM) | [`Group::create`] | §11 |
//! | propose (sent as a message, cached here) | [`Group::propose`] → [`Proposer`]: `add`, `update`, `remove`, `psk`, `group_context_extensions` | §12.1 |
//! | commit cached proposals and/or proposals by value | [`Group::commit_builder`] → [`CommitBuilder`] → [`CommitOutput`] (Commit and its bytes, Welcome, GroupInfo, tree out of band) | §12.4.1 |
//! | the delivery service accepted our Commit | [`Group::merge_pending_commit`] (or [`Group::clear_pending_commit`]) | §14 |
//! | join from the Welcome message | [`Group::join`] / [`Group::join_with_psks`] | §12.4.3.1 |
//! | join (or resync) from a published GroupInfo by external Commit | [`Group::external_commit_builder`] → [`ExternalCommitBuilder`] → the joiner's group and [`ExternalCommitOutput`] | §12.4.3.2 |
//! | receive anything | [`Group::process_message`] → [`ProcessedMessage`]: application data, a cached proposal, or a [`StagedCommit`] | §6, §12.4.2 |
//! | apply a received Commit after inspecting [`StagedCommit::info`] | [`Group::merge_staged_commit`] | §12.4.2 |
//! | send application data | [`Group::encrypt_application_message`] | §15 |
//! | compare state out of band, export keys | [`Group::epoch_authenticator`], [`Group::export_secret`] | §8.5, §8.7 |
//! | reinitialize: propose, commit, then create or join the successor | [`Proposer::reinit`], [`CommitBuilder::reinit`], [`Group::pending_reinit`], [`Group::reinit_successor`], [`Group::join_reinit_successor`] | §11.2, §12.1.5 |
//! | branch a subgroup and join it | [`Group::branch`], [`Group::join_branch`] | §11.3 |
//! | persist (the settings of the [`GroupConfig`] are saved with the group) | [`Group::save`] / [`Group::load`] with a [`Store`] (records: [`Group::to_records`]); [`Group::to_bytes`] / [`Group::from_bytes`]; a signer not in the snapshot and the application's objects: [`LoadOptions`] | G-02..G-07 |
//!
//! Policy is runtime configuration ([`GroupConfig`], built with
//! [`GroupConfig::builder`]; [`Group::set_encrypt_handshake`] and
//! [`Group::set_ratchet_tree_extension`] change a group's own): padding, the
//! out-of-order window, how many past epochs keep their secrets for late
//! messages, encrypted or plain handshake messages, ratchet tree in the
//! Welcome or out of band, forced paths, lifetime checks, credential
//! validation.
//!
//! Guarantees: nothing changes until a merge (creating a Commit leaves the
//! group as it was, except that an encrypted Commit advances our handshake
//! ratchet); a rejected message leaves the group byte-identical
//! ([`Group::to_bytes`] before and after); every error names its rule
//! ([`GroupError`]). Tracing spans `mls.create`, `mls.commit`,
//! `mls.process`, `mls.join`, `mls.merge`, `mls.propose` and `mls.encrypt`
//! carry the epoch, member count and message sizes, never a secret.
//!
//! ```
//! use mls_codec::Credential;
//! use mls_crypto::{CipherSuite, CryptoProvider};
//! use mls_crypto_rustcrypto::RustCryptoProvider;
//! use mls_group::key_package::KeyPackageBuilder;
//! use mls_group::{CreateOptions, Group, GroupConfig, JoinOptions, ProcessedMessage};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let provider = RustCryptoProvider::new();
//! let suite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
//! let cs = provider.cipher_suite_provider(suite).ok_or("suite 1")?;
//! let bob_kp = KeyPackageBuilder::new().build(
//!     cs.as_ref(),
//!     Credential::basic("bob"),
//!     &cs.signature_generate_key_pair()?,
//! )?;
//! let alice_signer = cs.signature_generate_key_pair()?;
//! let mut alice = Group::create(
//!     cs.clone(),
//!     Credential::basic("alice"),
//!     std::sync::Arc::new(alice_signer),
//!     GroupConfig::default(),
//!     CreateOptions::default(),
//! )?;
//! let out = alice.commit_builder().add_member(bob_kp.key_package().clone()).build()?;
//! alice.merge_pending_commit()?;
//! let welcome = out.welcome.ok_or("an Add has a Welcome")?;
//! let (mut bob, _used) =
//!     Group::join(&provider, &welcome, &bob_kp, GroupConfig::default(), JoinOptions::default())?;
//! let msg = alice.encrypt_application_message(b"hello", b"")?;
//! let ProcessedMessage::Application(m) = bob.process_message(&msg)? else {
//!     return Err("not application data".into());
//! };
//! assert_eq!(m.data, b"hello");
//! assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

mod commit;
mod config;
pub mod convergent;
mod error;
pub mod framing;
pub mod grease;
mod group;
pub mod key_package;
pub mod non_member;
mod proposal_sender;
mod proposals;
mod resumption;
pub mod signals;
mod staged;
pub mod storage;
mod store_error;
pub mod welcome;

pub use commit::{CommitBuilder, CommitOutput, ExternalCommitBuilder, ExternalCommitOutput};
pub use config::{DEFAULT_MAX_PAST_EPOCHS, GroupConfig, GroupConfigBuilder};
pub use error::{
    CommitError, FramingError, GroupError, KeyPackageError, Misuse, ProposalError, Rejection,
    ResumptionError, Rule, StateError, WelcomeError,
};
pub use group::{
    CreateOptions, Group, JoinOptions, Member, ProcessedMessage, Proposer,
    ReceivedApplicationMessage, ReceivedProposal,
};
pub use mls_treemath::LeafIndex;
pub use proposal_sender::ProposalSender;
pub use proposals::{OmittedProposal, ProposalPolicy, ProposalRef};
pub use resumption::{ResumptionOptions, ResumptionOutput};
pub use staged::{CommitInfo, MemberChange, StagedCommit};
pub use storage::{InMemoryStore, LoadOptions, SaveCursor, SideEffects, Store, StoreError};

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, GroupError>;
