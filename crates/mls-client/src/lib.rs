//! An MLS (RFC 9420) client for messaging applications.
//!
//! A [`Client`] holds what an application has once: an identity (a
//! credential, RFC 9420 §5.3, and a [`mls_crypto::Signer`], §5.1.2), a
//! crypto provider (the RustCrypto one by default, feature `rustcrypto`), a
//! default [`mls_group::GroupConfig`] and a store ([`mls_group::storage`]:
//! in memory by default, `mls-store-sqlite` for a file), bound to the
//! identity. It is built once by [`Client::builder`] and shared by every
//! group it opens, each a [`ClientGroup`] that persists itself.
//!
//! | what | call | RFC 9420 |
//! |---|---|---|
//! | KeyPackages to upload (single-use ones replenished below a threshold, one last-resort one rotated, expired ones deleted) | [`Client::key_packages_to_publish`] ([`KeyPackageSettings`]) | §10, §16.8 |
//! | create a group | [`Client::create_group`], [`Client::create_group_with`] | §11 |
//! | join from a Welcome (the client finds its KeyPackage by KeyPackageRef; a single-use one is deleted in the join's write) | [`Client::join`] | §12.4.3.1 |
//! | join by external Commit from a GroupInfo | [`Client::join_external`] | §12.4.3.2 |
//! | rejoin a group held but no longer followed (lost or forked state): external Commit removing the old leaf, the held state replaced in one write | [`ClientGroup::resync`] | §12.4.3.2 |
//! | open, list, delete groups (opening a client reads no group) | [`Client::group`], [`Client::group_ids`], [`Client::delete_group`] | - |
//! | commit, merge, propose, send, receive | [`ClientGroup`] | §12, §14, §15 |
//! | external PSKs, resolved by every Commit and Welcome of the client's groups | [`Client::register_external_psk`], [`Client::delete_external_psk`] | §8.4 |
//!
//! **Persistence is not the caller's job.** Every transition of a
//! [`ClientGroup`] (a merge, a join, a Commit made, a message sent or
//! received) is written through the store as one atomic
//! [`mls_group::storage::GroupWrite`] before the operation returns, with the
//! KeyPackage deletions of that transition (GUIDANCE G-03 to G-06). A
//! failed write returns [`ClientError`] and leaves the handle at the state
//! the store holds, the one before the operation; a write refused because
//! another writer advanced the group is [`ClientError::Conflict`].
//!
//! ```
//! use mls_client::{Client, DEFAULT_CIPHER_SUITE, Received, generate_signer};
//! use mls_codec::Credential;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let alice = Client::builder()
//!     .identity(Credential::basic("alice"), generate_signer(DEFAULT_CIPHER_SUITE)?)
//!     .build()?;
//! let bob = Client::builder()
//!     .identity(Credential::basic("bob"), generate_signer(DEFAULT_CIPHER_SUITE)?)
//!     .build()?;
//!
//! // Bob uploads KeyPackages; Alice adds him with one of them.
//! let bob_key_package = bob.key_packages_to_publish()?.remove(0);
//! let mut group = alice.create_group()?;
//! let commit = group.commit(|c| c.add_member(bob_key_package))?;
//! group.merge_pending_commit()?; // once the Delivery Service accepted it
//!
//! // Bob joins: the client finds the KeyPackage and deletes it in the same write.
//! let mut bob_group = bob.join(&commit.welcome.ok_or("an Add makes a Welcome")?)?;
//! let message = group.encrypt_application_message(b"hi bob", b"")?;
//! let Received::Application(m) = bob_group.receive(&message)? else {
//!     return Err("not application data".into());
//! };
//! assert_eq!(m.data, b"hi bob");
//!
//! // Reopened from the store, the group carries on.
//! let reopened = bob.group(bob_group.group_id())?.ok_or("stored")?;
//! assert_eq!(reopened.group().epoch_authenticator(), group.group().epoch_authenticator());
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod builder;
mod client;
mod entropy;
mod error;
mod external;
mod handle;
mod join;
mod key_packages;
mod persist;
mod psk;
mod settings;
mod shared;

#[cfg(feature = "rustcrypto")]
pub use builder::generate_signer;
pub use builder::{ClientBuilder, DEFAULT_CIPHER_SUITE, default_group_config};
pub use client::Client;
pub use entropy::POOL_RECORD;
pub use error::{ClientError, ClientErrorKind, Result};
pub use handle::{ClientGroup, Received};
pub use settings::KeyPackageSettings;
