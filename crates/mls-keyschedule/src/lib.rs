//! The MLS key schedule, PSK secret, transcript hashes, exporter and secret
//! tree.
//!
//! RFC 9420 sections covered:
//! - §8 the epoch key schedule ([`EpochKeys`], [`JoinerSecret`],
//!   [`MemberSecret`], [`EpochSecret`] -> [`EpochSecrets`]), with one type per
//!   secret ([`secrets`]) so secrets cannot be mixed up;
//! - §8.2 transcript hashes ([`ConfirmedTranscriptHash`],
//!   [`InterimTranscriptHash`]) and §6.1 confirmation tags
//!   ([`ConfirmationKey::tag`], [`ConfirmationKey::verify`]), §6.2 membership
//!   tags ([`MembershipKey`]);
//! - §8.3 the external key pair and external init
//!   ([`ExternalSecret::external_pub`], [`InitSecret::external_init`],
//!   [`ExternalSecret::external_init_secret`]);
//! - §8.4 pre-shared keys (the PSK secret chain [`PskSecret::from_psks`],
//!   [`PskSecret::resolve`] over the codec's [`PreSharedKeyId`], nonce
//!   checks) and a [`PskStore`] with an in-memory
//!   implementation ([`InMemoryPskStore`], §8.6 bounded retention);
//! - §8.5 the exporter ([`ExporterSecret::export`]);
//! - §9, §9.1, §9.2 the secret tree ([`SecretTree`]) with lazily derived
//!   per-sender ratchets, an out-of-order window (§15.3) and the deletion
//!   schedule; §6.3.2 sender-data keys ([`SenderDataSecret::key_nonce`]);
//! - §12.4.3.1 the Welcome key and nonce ([`WelcomeSecret::key_nonce`]).
//!
//! Wire structures are taken as their serialized bytes (the GroupContext,
//! the ConfirmedTranscriptHashInput, the AuthenticatedContentTBM), so this
//! crate does not depend on how they are built.
//!
//! ```
//! use mls_crypto::{CipherSuite, CryptoProvider};
//! use mls_crypto_rustcrypto::RustCryptoProvider;
//! use mls_keyschedule::*;
//!
//! let provider = RustCryptoProvider::new();
//! let cs = provider.cipher_suite_provider(CipherSuite::ALL[0]).expect("suite 1");
//! let cs = cs.as_ref();
//! let group_context: &[u8] = b"serialized GroupContext";
//! let keys = EpochKeys::derive(
//!     cs,
//!     InitSecret::random(cs)?,
//!     CommitSecret::zero(cs),
//!     PskSecret::zero(cs),
//!     group_context,
//! )?;
//! let secrets = keys.secrets;
//! let tag = secrets.confirmation_key.tag(cs, b"confirmed transcript hash");
//! secrets.confirmation_key.verify(cs, b"confirmed transcript hash", &tag)?;
//!
//! let leaf_count = mls_treemath::LeafCount::new(4).expect("valid count");
//! let mut tree = SecretTree::new(secrets.encryption_secret, leaf_count, SecretTreeConfig::default());
//! let me = mls_treemath::LeafIndex::new(0).expect("valid index");
//! let (generation, _key) = tree.encryption_key(cs, me, RatchetKind::Application)?;
//! assert_eq!(generation, 0);
//! # Ok::<(), KeyScheduleError>(())
//! ```

#![forbid(unsafe_code)]

mod confirmation;
mod error;
mod exporter;
mod external;
mod psk;
mod psk_store;
mod schedule;
pub mod secret_tree;
pub mod secrets;
mod sender_data;
mod transcript;

pub use error::KeyScheduleError;
pub use external::EXTERNAL_INIT_EXPORTER_CONTEXT;
pub use mls_codec::{PreSharedKeyId, Psk, ResumptionPskUsage};
pub use psk::{check_psk_nonce, psk_id_with_random_nonce};
pub use psk_store::{DEFAULT_RESUMPTION_RETENTION, InMemoryPskStore, PskStore};
pub use schedule::{EpochKeys, EpochSecrets};
pub use secret_tree::{
    ConsumeToken, LeafRatchets, RatchetKind, SecretTree, SecretTreeConfig, SenderRatchet,
};
pub use secrets::{
    AeadKey, AeadNonce, CommitSecret, ConfirmationKey, EncryptionSecret, EpochAuthenticator,
    EpochSecret, ExporterSecret, ExternalSecret, InitSecret, JoinerSecret, MemberSecret,
    MembershipKey, MessageKey, PskSecret, ResumptionPsk, SenderDataSecret, TreeSecret,
    WelcomeSecret,
};
pub use transcript::{
    ConfirmedTranscriptHash, InterimTranscriptHash, transcript_hashes_after_commit,
};

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, KeyScheduleError>;
