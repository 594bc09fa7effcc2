//! Who signs: the [`Signer`] trait (RFC 9420 §5.1.2), so that a signature
//! private key can live outside the process, e.g. in an HSM or a platform
//! key store (GUIDANCE G-42), and the in-memory [`SignatureKeyPair`] that
//! implements it.
//!
//! A signer signs raw bytes: the encoded `SignContent` that
//! [`crate::labeled::sign_with_label`] builds (the label is added there, in
//! one place). The engine never needs the private key itself; it asks
//! [`Signer::exportable_private_key`] only to decide whether a saved group
//! or KeyPackage can carry the key (an HSM key returns `None` and is given
//! again when the group is loaded).

use crate::{CipherSuiteProvider, CryptoError, Result, SignatureKeyPair, SignatureScheme};
use crate::{Secret, SignaturePrivateKey};

/// A signature key: its public half, its scheme, and the signing operation.
///
/// `sign` gets the suite provider of the group or KeyPackage being signed,
/// so an in-memory key can use the provider's implementation; an HSM signer
/// may ignore it. It must fail with a typed [`CryptoError`] (never panic)
/// when it cannot sign for that suite.
pub trait Signer: Send + Sync {
    /// The public key in the form MLS puts on the wire (raw EdDSA key,
    /// uncompressed SEC1 point for ECDSA; RFC 9420 §5.1.2).
    fn public_key(&self) -> &[u8];

    /// The signature scheme of the key: it must be the scheme of every
    /// suite it signs for.
    fn signature_scheme(&self) -> SignatureScheme;

    /// Sign `message` (the encoded `SignContent`, label already applied).
    fn sign(&self, cs: &dyn CipherSuiteProvider, message: &[u8]) -> Result<Vec<u8>>;

    /// The private key, if it may leave the signer (an in-memory key); `None`
    /// for a key that never leaves its device. A group or KeyPackage saved
    /// with a non-exportable signer must be given the signer again when it
    /// is loaded.
    fn exportable_private_key(&self) -> Option<&SignaturePrivateKey>;
}

impl std::fmt::Debug for dyn Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.signature_scheme())
            .field("exportable", &self.exportable_private_key().is_some())
            .finish_non_exhaustive()
    }
}

/// Fail unless `cs` signs with `scheme` (RFC 9420 §5.1: a suite fixes its
/// signature scheme).
pub fn check_signer_scheme(cs: &dyn CipherSuiteProvider, scheme: SignatureScheme) -> Result<()> {
    let suite_scheme = cs.cipher_suite().signature();
    if suite_scheme == scheme {
        Ok(())
    } else {
        Err(CryptoError::SignatureSchemeMismatch {
            suite: suite_scheme.id(),
            signer: scheme.id(),
        })
    }
}

impl SignatureKeyPair {
    /// The key pair of `private_key` for the signature scheme of `cs`
    /// (its public key computed by the provider).
    pub fn from_private_key(
        cs: &dyn CipherSuiteProvider,
        private_key: SignaturePrivateKey,
    ) -> Result<Self> {
        let public_key = cs.signature_public_key(&private_key)?;
        Ok(SignatureKeyPair {
            scheme: cs.cipher_suite().signature(),
            private_key,
            public_key,
        })
    }

    /// [`SignatureKeyPair::from_private_key`] from the key's bytes.
    pub fn from_private_bytes(cs: &dyn CipherSuiteProvider, private_key: &[u8]) -> Result<Self> {
        Self::from_private_key(cs, SignaturePrivateKey(Secret::from_slice(private_key)))
    }
}

impl Signer for SignatureKeyPair {
    fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    fn signature_scheme(&self) -> SignatureScheme {
        self.scheme
    }

    fn sign(&self, cs: &dyn CipherSuiteProvider, message: &[u8]) -> Result<Vec<u8>> {
        check_signer_scheme(cs, self.scheme)?;
        cs.sign(&self.private_key, message)
    }

    fn exportable_private_key(&self) -> Option<&SignaturePrivateKey> {
        Some(&self.private_key)
    }
}
