//! Messaging Layer Security (RFC 9420) for applications.
//!
//! Most applications need one object: a [`Client`] (from `mls-client`),
//! built once from an identity (a [`Credential`] and a [`Signer`]), a
//! crypto provider (the [`RustCryptoProvider`] with the default
//! `rustcrypto` feature), a default [`GroupConfig`] and a store ([`Store`]:
//! an [`InMemoryStore`] by default, `mls-store-sqlite` for a file). It
//! makes the KeyPackages to upload ([`Client::key_packages_to_publish`]),
//! creates groups, joins from a Welcome (finding its KeyPackage itself) or
//! by external Commit, and opens stored groups one at a time. Each group is
//! a [`ClientGroup`] that writes every transition (a merge, a join, a
//! Commit made, a message sent or received) through the store as one
//! atomic write before it returns; a failed write leaves it at the stored
//! state (RFC 9420 §10-§15; GUIDANCE G-03 to G-06).
//!
//! Underneath is the group engine ([`Group`], from `mls-group`), for
//! applications that keep state themselves: Commits ([`Group::commit_builder`])
//! stay pending until the delivery service accepts them
//! ([`Group::merge_pending_commit`]); a received Commit is a [`StagedCommit`]
//! to inspect and then merge; nothing changes until a merge, and a rejected
//! message leaves a group byte-identical; [`Group::save`] writes it into a
//! [`Store`] (see [`storage`]).
//!
//! ```
//! use mls::{Client, Credential, DEFAULT_CIPHER_SUITE, Received, generate_signer};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = |name: &str| {
//!     let signer = generate_signer(DEFAULT_CIPHER_SUITE)?;
//!     Client::builder().identity(Credential::basic(name), signer).build()
//! };
//! let (alice, bob) = (client("alice")?, client("bob")?);
//!
//! // Bob uploads KeyPackages; Alice creates a group and adds him.
//! let bob_key_package = bob.key_packages_to_publish()?.remove(0);
//! let mut group = alice.create_group()?;
//! let add = group.commit(|c| c.add_member(bob_key_package))?;
//! group.merge_pending_commit()?; // once the delivery service accepted the Commit
//! let mut bob_group = bob.join(&add.welcome.ok_or("an Add makes a Welcome")?)?;
//!
//! // Bob updates his keys; Alice merges his Commit, then writes to him.
//! let update = bob_group.self_update()?;
//! bob_group.merge_pending_commit()?;
//! let Received::Commit(info) = group.receive(&update.commit)? else {
//!     return Err("not a Commit".into());
//! };
//! assert!(!info.own_commit);
//! let message = group.encrypt_application_message(b"hello", b"")?;
//!
//! // Bob's client restarts: it opens the stored group and reads on.
//! let mut bob_group = bob.group(bob_group.group_id())?.ok_or("stored")?;
//! let Received::Application(m) = bob_group.receive(&message)? else {
//!     return Err("not application data".into());
//! };
//! assert_eq!(m.data, b"hello");
//! assert_eq!(group.group().epoch_authenticator(), bob_group.group().epoch_authenticator());
//! # Ok(())
//! # }
//! ```
//!
//! Messages travel as bytes: [`encode_message`] and [`decode_message`].

#![forbid(unsafe_code)]

#[cfg(feature = "rustcrypto")]
pub use mls_client::generate_signer;
pub use mls_client::{
    Client, ClientBuilder, ClientError, ClientErrorKind, ClientGroup, DEFAULT_CIPHER_SUITE,
    KeyPackageSettings, Received,
};

pub use mls_codec::{
    Credential, Extension, ExtensionType, KeyPackage, MlsMessage, MlsMessageBody, PreSharedKeyId,
    Proposal, Psk, RatchetTree, Welcome,
};
pub use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, SignatureKeyPair, Signer};
pub use mls_group::framing::PaddingMode;
pub use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle, KeyPackageRef};
pub use mls_group::{
    CommitBuilder, CommitInfo, CommitOutput, CreateOptions, DEFAULT_MAX_PAST_EPOCHS,
    ExternalCommitBuilder, ExternalCommitOutput, Group, GroupConfig, GroupConfigBuilder,
    GroupError, InMemoryStore, JoinOptions, LeafIndex, LoadOptions, Member, MemberChange,
    ProcessedMessage, ProposalPolicy, ProposalRef, ProposalSender, Proposer,
    ReceivedApplicationMessage, ReceivedProposal, Result, SaveCursor, SideEffects, StagedCommit,
    Store, StoreError, non_member, storage,
};
pub use mls_keyschedule::{InMemoryPskStore, PskStore, SecretTreeConfig};
pub use mls_treekem::{
    BasicCredentialValidator, Clock, CredentialValidator, FixedClock, SystemClock,
};

#[cfg(feature = "rustcrypto")]
pub use mls_crypto_rustcrypto::RustCryptoProvider;

/// The lower layers, for what the re-exports above do not cover.
pub use mls_client as client;
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
