//! The error type of the crypto layer.

use thiserror::Error;

/// Everything a cipher-suite operation can fail with.
///
/// Each variant names what was wrong with the input, so the layers above can
/// map it to the RFC rule they were checking.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptoError {
    /// RFC 9420 §5.1: the cipher suite is not one this provider implements
    /// (including the reserved value 0 and GREASE values).
    #[error("unsupported cipher suite 0x{0:04x} (RFC 9420 §5.1)")]
    UnsupportedCipherSuite(u16),
    /// An input had the wrong length for the suite's algorithm.
    #[error("{what}: wrong length {actual}, expected {expected}")]
    InvalidLength {
        /// What the input was (e.g. "AEAD key").
        what: &'static str,
        /// The length the algorithm requires.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// RFC 9420 §5.1.1: an HPKE public key does not decode for the suite's KEM
    /// (wrong size, not on the curve, identity, compressed encoding).
    #[error("invalid HPKE public key for the suite's KEM (RFC 9420 §5.1.1)")]
    InvalidHpkePublicKey,
    /// An HPKE private key does not decode for the suite's KEM.
    #[error("invalid HPKE private key for the suite's KEM")]
    InvalidHpkePrivateKey,
    /// RFC 9420 §5.1.2: a signature public key is not in the suite's format.
    #[error("invalid signature public key for the suite's scheme (RFC 9420 §5.1.2)")]
    InvalidSignaturePublicKey,
    /// A signature private key does not decode for the suite's scheme.
    #[error("invalid signature private key for the suite's scheme")]
    InvalidSignaturePrivateKey,
    /// RFC 9420 §5.1: a signer's scheme is not the signature scheme of the
    /// suite it was asked to sign for.
    #[error(
        "signer scheme 0x{signer:04x} is not the suite's signature scheme 0x{suite:04x} (RFC 9420 §5.1)"
    )]
    SignatureSchemeMismatch {
        /// The suite's scheme (TLS SignatureScheme code point).
        suite: u16,
        /// The signer's scheme.
        signer: u16,
    },
    /// RFC 9420 §5.1.2: the signature is not well formed for the scheme
    /// (for ECDSA: not DER; for EdDSA: wrong length).
    #[error("malformed signature encoding (RFC 9420 §5.1.2)")]
    MalformedSignature,
    /// RFC 9420 §5.1.2: the signature does not verify.
    #[error("signature verification failed (RFC 9420 §5.1.2)")]
    InvalidSignature,
    /// AEAD decryption failed (wrong key, nonce, AAD, or tampered ciphertext).
    #[error("AEAD decryption failed")]
    AeadOpenFailed,
    /// AEAD encryption failed (plaintext too long for the algorithm).
    #[error("AEAD encryption failed")]
    AeadSealFailed,
    /// RFC 9420 §5.1.3: HPKE decryption failed (wrong key, label, context or ciphertext).
    #[error("HPKE decryption failed (RFC 9420 §5.1.3)")]
    HpkeOpenFailed,
    /// HPKE encryption failed.
    #[error("HPKE encryption failed")]
    HpkeSealFailed,
    /// KEM key derivation from a secret failed.
    #[error("KEM DeriveKeyPair failed")]
    KeyDerivationFailed,
    /// HKDF-Expand was asked for more than 255 * Nh bytes.
    #[error("KDF output length {0} too long")]
    KdfOutputTooLong(usize),
    /// A MAC or tag did not match (compared in constant time, lengths first).
    #[error("MAC verification failed")]
    InvalidMac,
    /// The randomness source failed.
    #[error("randomness source failed: {0}")]
    Randomness(String),
    /// A labeled operation's input could not be serialized (too long for a
    /// variable-length vector).
    #[error("label or context too long to encode")]
    EncodingFailed,
}
