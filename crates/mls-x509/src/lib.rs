//! X.509 credentials for MLS (RFC 9420 §5.3, §5.3.1).
//!
//! An `x509` credential is a chain of DER certificates, the member's own
//! (end-entity) certificate first and each next one signing the one before
//! it (RFC 9420 §5.3). [`X509CredentialValidator`] is a
//! [`CredentialValidator`](mls_treekem::CredentialValidator) for such
//! credentials that the group engine calls wherever RFC 9420 §5.3.1 and §7.3
//! ask for a credential check:
//!
//! - the chain is parsed with RustCrypto's `x509-cert`, after size limits
//!   that bound the work for a hostile chain ([`ChainLimits`]);
//! - each certificate is verified by the next with the signature algorithms
//!   of the seven RFC 9420 suites (ECDSA P-256/SHA-256, P-384/SHA-384,
//!   P-521/SHA-512, Ed25519, Ed448), through the application's
//!   [`CryptoProvider`](mls_crypto::CryptoProvider);
//! - the last certificate is, or is signed by, one of the application's trust
//!   anchors;
//! - validity periods are checked against a [`Clock`](mls_treekem::Clock)
//!   (give it the group's clock), basic constraints, path length constraints
//!   and key usage are enforced, and an unknown critical extension is refused
//!   (RFC 5280 §4.2, §6.1);
//! - the end-entity certificate's public key must equal the leaf node's
//!   signature key (RFC 9420 §5.3.1: the credential binds the key).
//!
//! The application maps a certificate to the identity of a client
//! ([`IdentityMapper`]: the subject, a subjectAltName, or its own callback).
//! That identity is what the engine uses for "same client" decisions: an
//! Update or a commit path that replaces a leaf's credential, and the Remove
//! of an external-commit resync, must keep it (RFC 9420 §5.3.1 "valid
//! successor"), unless the application allows the change
//! ([`X509CredentialValidatorBuilder::allow_identity_change`]).
//!
//! `docs/x509.md` in the repository describes the checks, the identity
//! mapping and what is deliberately not done (revocation, name constraints).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod algorithm;
mod chain;
mod error;
mod identity;
mod validator;

pub use chain::{ChainLimits, VerifiedChain, verify_chain};
pub use error::X509Error;
pub use identity::{IdentityMapper, SubjectAltNameIdentity, SubjectIdentity};
pub use validator::{
    IdentityChangePolicy, ValidatedCredential, X509CredentialValidator,
    X509CredentialValidatorBuilder,
};
pub use x509_cert;

/// Results of this crate.
pub type Result<T> = std::result::Result<T, X509Error>;
