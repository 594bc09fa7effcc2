//! A pure-Rust crypto provider for all seven MLS cipher suites
//! (RFC 9420 §5.1, §17.1), on RustCrypto crates and the `hpke` crate.
//!
//! RFC sections covered:
//! - RFC 9420 §5.1: hash (SHA-2), MAC (HMAC), KDF (HKDF, RFC 5869) and AEAD
//!   (AES-GCM, ChaCha20-Poly1305) of each suite (modules `hash`, `aead`);
//! - RFC 9420 §5.1.1 and §5.1.3, RFC 9180: HPKE base mode, `DeriveKeyPair`
//!   (RFC 9180 §7.1.3) and the exporter (§5.3) for DHKEM over X25519, P-256,
//!   P-384, P-521 (from the `hpke` crate) and X448 (built here on `x448`,
//!   plugged into the `hpke` crate's `Kem` trait);
//! - RFC 9420 §5.1.2: Ed25519 (strict verification), Ed448, and ECDSA over
//!   P-256/P-384/P-521 with DER signatures and uncompressed SEC1 keys;
//! - GUIDANCE G-38: one injectable randomness source per provider;
//! - with the `pq` feature, the eleven suites of
//!   draft-ietf-mls-pq-ciphersuites-06: ML-KEM-768/1024, X-Wing and the
//!   ML-KEM + P-256/P-384 hybrids of draft-ietf-hpke-pq-05 (module
//!   `hpke::pq`, on the `hpke` crate's `mlkem` feature) and ML-DSA-44/65/87
//!   (module `sig::mldsa`, on RustCrypto's `ml-dsa`).
//!
//! Keys and signatures from the wire are validated and rejected with the
//! typed [`mls_crypto::CryptoError`] variants (V-5.1.1-01, V-5.1.1-02,
//! V-5.1.2-03); nothing here panics on hostile input.
//!
//! Private keys are imported leniently in one respect only: a P-256, P-384
//! or P-521 scalar serialized in fewer bytes than the field size (leading
//! zero bytes dropped, as some implementations and the official vectors
//! write them) is left-padded, for signature and HPKE keys alike; longer
//! strings, zero and values not below the group order are refused
//! (`docs/crypto.md`).
//!
//! ```
//! use mls_crypto::{CipherSuite, CryptoProvider, labeled};
//! use mls_crypto_rustcrypto::RustCryptoProvider;
//!
//! let provider = RustCryptoProvider::with_seed([7; 32]);
//! let cs = provider
//!     .cipher_suite_provider(CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
//!     .expect("every suite is supported");
//! let keys = cs.signature_generate_key_pair().expect("key generation");
//! let sig = labeled::sign_with_label(&*cs, &keys, b"Label", b"content")
//!     .expect("signing");
//! labeled::verify_with_label(&*cs, &keys.public_key, b"Label", b"content", &sig)
//!     .expect("verifies");
//! ```

#![forbid(unsafe_code)]

mod aead;
mod dhkem;
mod hash;
mod hpke;
mod provider;
mod rng;
mod scalar;
mod sig;

pub use provider::{RustCryptoProvider, RustCryptoSuite};
