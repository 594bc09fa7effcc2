//! Proposals from outside the group (RFC 9420 §12.1.8): what a party that
//! is not a member holds and sends.
//!
//! - [`PublicGroupState`]: the group's public state read from a GroupInfo
//!   (signature and tree verified; the tree from the `ratchet_tree`
//!   extension or given out of band, §12.4.3.3). A prospective member
//!   builds its own Add from it ([`PublicGroupState::new_member_add`],
//!   sender `new_member_proposal`, signed by the KeyPackage's leaf key,
//!   §12.1.8).
//! - [`ExternalProposer`]: an external sender of the group's
//!   `external_senders` extension (§12.1.8.1), e.g. a delivery service,
//!   holding its signature key pair, its index in that list and the
//!   group's public state; it builds and signs Add, Remove, PreSharedKey,
//!   ReInit and GroupContextExtensions proposals (sender `external`).
//!
//! Both send PublicMessages without a membership tag: a non-member has
//! neither the membership key nor the sender-data and ratchet keys of a
//! PrivateMessage (§12.1.8, §6.2, §6.3). The proposals pass the checkers
//! the members run when they receive them (`group::proposal`,
//! `framing::check_sender_proposal_type`), so a proposal the members
//! would reject is refused here.
//!
//! # Epochs
//!
//! A proposal names the epoch it is for, and members drop proposals of
//! other epochs. The public state does not follow the group's Commits: a
//! non-member can verify neither a Commit's membership tag nor its
//! confirmation tag (both need epoch secrets), so it could not tell a
//! forged Commit from a real one, and applying a Commit's proposals and
//! path to a public tree would repeat most of the engine's work for an
//! unauthenticated result. Instead it is rebuilt from the group's next
//! signed GroupInfo ([`ExternalProposer::update_group_info`]), which a
//! member signs for every epoch.
//!
//! ```
//! use mls_codec::{Credential, Extension, ExternalSender, ExternalSenders};
//! use mls_crypto::{CipherSuite, CryptoProvider};
//! use mls_crypto_rustcrypto::RustCryptoProvider;
//! use mls_group::key_package::KeyPackageBuilder;
//! use mls_group::non_member::{ExternalProposer, PublicGroupState};
//! use mls_group::{CreateOptions, Group, GroupConfig, JoinOptions, ProcessedMessage, ProposalSender};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let provider = RustCryptoProvider::new();
//! let cs = provider
//!     .cipher_suite_provider(CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
//!     .ok_or("suite 1")?;
//! // A delivery service's key, listed in the group's external_senders.
//! let ds = cs.signature_generate_key_pair()?;
//! let senders = ExternalSenders(vec![ExternalSender {
//!     signature_key: ds.public_key.clone().into(),
//!     credential: Credential::basic("ds"),
//! }]);
//! let mut alice = Group::create(
//!     cs.clone(),
//!     Credential::basic("alice"),
//!     std::sync::Arc::new(cs.signature_generate_key_pair()?),
//!     GroupConfig::default(),
//!     CreateOptions {
//!         extensions: vec![Extension::from_payload(&senders)?],
//!         ..CreateOptions::default()
//!     },
//! )?;
//! // The DS reads the group from a signed GroupInfo and proposes adding Bob.
//! let state = PublicGroupState::from_group_info(
//!     cs.clone(),
//!     &alice.export_group_info(true)?,
//!     None,
//!     GroupConfig::default(),
//! )?;
//! let ds = ExternalProposer::new(state, ds, 0)?;
//! let bob_kp = KeyPackageBuilder::new().build(
//!     cs.as_ref(),
//!     Credential::basic("bob"),
//!     &cs.signature_generate_key_pair()?,
//! )?;
//! let proposal = ds.add(bob_kp.key_package().clone())?;
//! // Alice caches it and commits it by reference; Bob joins.
//! let ProcessedMessage::Proposal(p) = alice.process_message(&proposal)? else {
//!     return Err("not a proposal".into());
//! };
//! assert_eq!(p.sender, ProposalSender::External(0));
//! let out = alice.commit_builder().build()?;
//! alice.merge_pending_commit()?;
//! let welcome = out.welcome.ok_or("an Add has a Welcome")?;
//! let (bob, _) =
//!     Group::join(&provider, &welcome, &bob_kp, GroupConfig::default(), JoinOptions::default())?;
//! assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
//! # Ok(())
//! # }
//! ```

mod proposer;
mod public_state;

pub use proposer::ExternalProposer;
pub use public_state::PublicGroupState;
