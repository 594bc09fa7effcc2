//! Cipher suites, the crypto provider traits and the labeled operations of MLS.
//!
//! RFC 9420 sections covered:
//! - §5.1 cipher suites: the registry of the seven suites in [`suite`], with
//!   their sizes and algorithms, and GREASE values recognised (§13.5); with
//!   the `pq` feature also the eleven suites of
//!   draft-ietf-mls-pq-ciphersuites-06 (`pq_suites`) and the configurable
//!   table of their wire values (`code_points`);
//! - §5.1.1-§5.1.3 the primitives a suite provides, as the
//!   [`CipherSuiteProvider`] trait (hash, MAC, KDF, AEAD, HPKE, KEM key
//!   derivation, signatures, randomness);
//! - §5.1.2, §5.1.3, §5.2, §8 the labeled operations built on them in
//!   [`labeled`]: `ExpandWithLabel`, `DeriveSecret`, `DeriveTreeSecret`,
//!   `SignWithLabel`/`VerifyWithLabel`, `EncryptWithLabel`/`DecryptWithLabel`,
//!   `RefHash`, `MakeKeyPackageRef`, `MakeProposalRef`;
//! - §5.1.2 who signs: the [`Signer`] trait (an in-memory
//!   [`SignatureKeyPair`] or a key in an HSM, GUIDANCE G-42);
//! - secret handling in [`secret`]: a [`Secret`] zeroizes on drop, never prints
//!   its bytes, and compares in constant time;
//! - the optional entropy pool of GUIDANCE G-39 in [`entropy_pool`] (a
//!   [`RandomSource`] built on the suite KDF, §5.1 and §8).
//!
//! This crate defines what a provider must do; `mls-crypto-rustcrypto`
//! implements it.

#![forbid(unsafe_code)]

pub mod entropy_pool;
mod error;
pub mod labeled;
mod provider;
pub mod secret;
mod signer;
pub mod suite;

#[cfg(feature = "pq")]
pub use code_points::{CodePointError, CodePoints};
pub use entropy_pool::{EntropyPool, EntropyPoolError, RandomSource};
pub use error::CryptoError;
#[cfg(feature = "pq")]
pub use pq_suites::{MlDsa, PqKem, PqSuite};
pub use provider::{
    CipherSuiteProvider, CryptoProvider, HPKE_SEAL_SEED_LEN, HpkeCiphertext, HpkeCiphertextRef,
    HpkeInfo, HpkeKeyPair, HpkePrivateKey, SignatureKeyPair, SignaturePrivateKey,
};
pub use secret::Secret;
pub use signer::{Signer, check_signer_scheme};
pub use suite::{Aead, CipherSuite, HashAlgorithm, Kem, SignatureScheme};
#[cfg(feature = "pq")]
pub use suite::{code_points, pq_suites};

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, CryptoError>;
