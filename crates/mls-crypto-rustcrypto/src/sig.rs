//! The signature schemes of MLS (RFC 9420 §5.1.2): Ed25519 and Ed448
//! (RFC 8032, pure mode, empty context) and ECDSA over P-256/P-384/P-521 with
//! SHA-256/384/512 (DER-encoded signatures, uncompressed SEC1 public keys).
//!
//! Every key and signature from outside is validated before use
//! (V-5.1.1-02, V-5.1.2-03): wrong sizes, points off the curve, the
//! identity, compressed points, and raw `r || s` ECDSA signatures are all
//! rejected with typed errors.
//!
//! ECDSA malleability (issue 15 item 5): `(r, s)` and `(r, n - s)` verify
//! alike. We sign with low `s` only (the BIP 62 normal form), but keep
//! accepting both forms on receipt: RFC 9420 does not require low `s`, and
//! other implementations sign with either, so rejecting high `s` would break
//! interop. [`SignatureOps::twin`] gives the other form, so that a joiner can
//! recognise a Welcome addressed to a re-encoded copy of its KeyPackage.

use mls_crypto::{CryptoError, Result, SignaturePrivateKey, SignatureScheme};
use zeroize::Zeroizing;

use crate::rng::Randomness;

#[cfg(feature = "pq")]
mod mldsa;

/// The operations of one signature scheme, object safe.
pub(crate) trait SignatureOps: Send + Sync {
    /// A fresh key pair from `rng`: the private key and its public key
    /// (the provider adds the scheme it knows).
    fn generate(&self, rng: &Randomness) -> Result<GeneratedKey>;
    /// The public key of a private key.
    fn public_key(&self, private_key: &[u8]) -> Result<Vec<u8>>;
    /// Check that bytes decode as a public key of the scheme.
    fn validate_public_key(&self, public_key: &[u8]) -> Result<()>;
    /// Sign `message`.
    fn sign(&self, private_key: &[u8], message: &[u8]) -> Result<Vec<u8>>;
    /// Verify `signature` over `message`.
    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()>;
    /// The other encoding of `signature` that verifies too (ECDSA only:
    /// `s` replaced by `n - s`); `None` for a non-malleable scheme.
    fn twin(&self, signature: &[u8]) -> Option<Vec<u8>> {
        let _ = signature;
        None
    }
}

/// The implementation of a suite's signature scheme.
pub(crate) fn for_scheme(scheme: SignatureScheme) -> &'static dyn SignatureOps {
    match scheme {
        SignatureScheme::Ed25519 => &Ed25519,
        SignatureScheme::Ed448 => &Ed448,
        SignatureScheme::EcdsaP256Sha256 => &ecdsa_p256::EcdsaP256,
        SignatureScheme::EcdsaP384Sha384 => &ecdsa_p384::EcdsaP384,
        SignatureScheme::EcdsaP521Sha512 => &ecdsa_p521::EcdsaP521,
        #[cfg(feature = "pq")]
        SignatureScheme::MlDsa(set) => mldsa::for_parameter_set(set),
    }
}

/// Copy `bytes` into a fixed array, or fail with `err`.
fn fixed<const N: usize>(bytes: &[u8], err: CryptoError) -> Result<[u8; N]> {
    bytes.try_into().map_err(|_| err)
}

/// A generated private key and its public key.
pub(crate) struct GeneratedKey {
    pub(crate) private_key: SignaturePrivateKey,
    pub(crate) public_key: Vec<u8>,
}

/// Build a key pair from freshly drawn private key bytes.
pub(crate) fn key_pair(
    ops: &dyn SignatureOps,
    private_key: Zeroizing<Vec<u8>>,
) -> Result<GeneratedKey> {
    let public_key = ops.public_key(&private_key)?;
    Ok(GeneratedKey {
        private_key: SignaturePrivateKey(private_key.to_vec().into()),
        public_key,
    })
}

/// Ed25519 (RFC 8032 §5.1); verification is strict (canonical `S`, no
/// small-order `R` or `A`).
struct Ed25519;

impl Ed25519 {
    fn signing_key(private_key: &[u8]) -> Result<ed25519_dalek::SigningKey> {
        let seed = Zeroizing::new(fixed::<32>(
            private_key,
            CryptoError::InvalidSignaturePrivateKey,
        )?);
        Ok(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    fn verifying_key(public_key: &[u8]) -> Result<ed25519_dalek::VerifyingKey> {
        let bytes = fixed::<32>(public_key, CryptoError::InvalidSignaturePublicKey)?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map_err(|_| CryptoError::InvalidSignaturePublicKey)?;
        // A small-order key would let anyone forge signatures that a lax
        // verifier accepts; strict verification rejects it anyway.
        if key.is_weak() {
            return Err(CryptoError::InvalidSignaturePublicKey);
        }
        Ok(key)
    }
}

impl SignatureOps for Ed25519 {
    fn generate(&self, rng: &Randomness) -> Result<GeneratedKey> {
        let mut seed = Zeroizing::new(vec![0u8; 32]);
        rng.fill(&mut seed)?;
        key_pair(self, seed)
    }

    fn public_key(&self, private_key: &[u8]) -> Result<Vec<u8>> {
        Ok(Self::signing_key(private_key)?
            .verifying_key()
            .to_bytes()
            .to_vec())
    }

    fn validate_public_key(&self, public_key: &[u8]) -> Result<()> {
        Self::verifying_key(public_key).map(|_| ())
    }

    fn sign(&self, private_key: &[u8], message: &[u8]) -> Result<Vec<u8>> {
        use ed25519_dalek::Signer;
        let key = Self::signing_key(private_key)?;
        Ok(key.sign(message).to_bytes().to_vec())
    }

    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        let key = Self::verifying_key(public_key)?;
        let sig = ed25519_dalek::Signature::from_slice(signature)
            .map_err(|_| CryptoError::MalformedSignature)?;
        key.verify_strict(message, &sig)
            .map_err(|_| CryptoError::InvalidSignature)
    }
}

/// Ed448 (RFC 8032 §5.2), pure mode with an empty context.
struct Ed448;

impl Ed448 {
    fn signing_key(private_key: &[u8]) -> Result<ed448_goldilocks::SigningKey> {
        if private_key.len() != ed448_goldilocks::SECRET_KEY_LENGTH {
            return Err(CryptoError::InvalidSignaturePrivateKey);
        }
        ed448_goldilocks::SigningKey::try_from(private_key)
            .map_err(|_| CryptoError::InvalidSignaturePrivateKey)
    }

    fn verifying_key(public_key: &[u8]) -> Result<ed448_goldilocks::VerifyingKey> {
        let bytes = fixed::<57>(public_key, CryptoError::InvalidSignaturePublicKey)?;
        // Decoding rejects non-points, points with a torsion component
        // (including every point of small order) and the identity.
        ed448_goldilocks::VerifyingKey::from_bytes(&bytes)
            .map_err(|_| CryptoError::InvalidSignaturePublicKey)
    }
}

impl SignatureOps for Ed448 {
    fn generate(&self, rng: &Randomness) -> Result<GeneratedKey> {
        let mut secret = Zeroizing::new(vec![0u8; ed448_goldilocks::SECRET_KEY_LENGTH]);
        rng.fill(&mut secret)?;
        key_pair(self, secret)
    }

    fn public_key(&self, private_key: &[u8]) -> Result<Vec<u8>> {
        Ok(Self::signing_key(private_key)?
            .verifying_key()
            .as_bytes()
            .to_vec())
    }

    fn validate_public_key(&self, public_key: &[u8]) -> Result<()> {
        Self::verifying_key(public_key).map(|_| ())
    }

    fn sign(&self, private_key: &[u8], message: &[u8]) -> Result<Vec<u8>> {
        let key = Self::signing_key(private_key)?;
        Ok(key.sign_raw(message).to_bytes().to_vec())
    }

    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        let key = Self::verifying_key(public_key)?;
        let sig = ed448_goldilocks::Signature::from_slice(signature)
            .map_err(|_| CryptoError::MalformedSignature)?;
        key.verify_raw(&sig, message)
            .map_err(|_| CryptoError::InvalidSignature)
    }
}

/// ECDSA over one NIST curve with its suite hash (RFC 9420 §5.1.2: DER
/// signatures per RFC 8446 §4.2.3; uncompressed SEC1 public keys).
/// Signing is deterministic (RFC 6979), so it draws no randomness.
macro_rules! ecdsa_scheme {
    ($module:ident, $name:ident, $curve:ident, $scalar_len:expr, $top_byte_mask:expr) => {
        mod $module {
            use $curve::ecdsa::signature::{Signer, Verifier};
            use $curve::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};

            use super::*;

            /// Length of a big-endian scalar (Nsk).
            const SCALAR_LEN: usize = $scalar_len;

            pub(crate) struct $name;

            impl $name {
                fn signing_key(private_key: &[u8]) -> Result<SigningKey> {
                    // A scalar with its leading zero bytes dropped is
                    // accepted; a longer one is not (issue 11 item 5(b)).
                    let scalar = crate::scalar::left_padded(private_key, SCALAR_LEN)
                        .ok_or(CryptoError::InvalidSignaturePrivateKey)?;
                    // Rejects zero and values not below the group order.
                    SigningKey::from_slice(&scalar)
                        .map_err(|_| CryptoError::InvalidSignaturePrivateKey)
                }

                fn verifying_key(public_key: &[u8]) -> Result<VerifyingKey> {
                    // Uncompressed only: 0x04 || x || y. The length check
                    // also rejects the identity (a single 0x00 byte).
                    if public_key.len() != 1 + 2 * SCALAR_LEN || public_key.first() != Some(&0x04) {
                        return Err(CryptoError::InvalidSignaturePublicKey);
                    }
                    // Checks the point is on the curve.
                    VerifyingKey::from_sec1_bytes(public_key)
                        .map_err(|_| CryptoError::InvalidSignaturePublicKey)
                }
            }

            impl SignatureOps for $name {
                fn generate(&self, rng: &Randomness) -> Result<GeneratedKey> {
                    // Rejection sampling of a scalar in [1, n); the chance of
                    // a rejection is below 2^-32 per draw for these curves.
                    for _ in 0..64 {
                        let mut scalar = Zeroizing::new(vec![0u8; SCALAR_LEN]);
                        rng.fill(&mut scalar)?;
                        if let Some(first) = scalar.first_mut() {
                            *first &= $top_byte_mask;
                        }
                        if Self::signing_key(&scalar).is_ok() {
                            return key_pair(self, scalar);
                        }
                    }
                    Err(CryptoError::Randomness(
                        "no valid ECDSA scalar after 64 draws".into(),
                    ))
                }

                fn public_key(&self, private_key: &[u8]) -> Result<Vec<u8>> {
                    let key = Self::signing_key(private_key)?;
                    Ok(key.verifying_key().to_sec1_point(false).as_bytes().to_vec())
                }

                fn validate_public_key(&self, public_key: &[u8]) -> Result<()> {
                    Self::verifying_key(public_key).map(|_| ())
                }

                fn sign(&self, private_key: &[u8], message: &[u8]) -> Result<Vec<u8>> {
                    let key = Self::signing_key(private_key)?;
                    let sig: Signature = key
                        .try_sign(message)
                        .map_err(|_| CryptoError::InvalidSignaturePrivateKey)?;
                    // Low `s` only, so that what we sign has one encoding
                    // (see the module docs).
                    Ok(sig.normalize_s().to_der().as_bytes().to_vec())
                }

                fn twin(&self, signature: &[u8]) -> Option<Vec<u8>> {
                    let der = DerSignature::from_bytes(signature).ok()?;
                    let sig = Signature::try_from(der).ok()?;
                    let (r, s) = sig.split_scalars();
                    let flipped = Signature::from_scalars(r, -s).ok()?;
                    Some(flipped.to_der().as_bytes().to_vec())
                }

                fn verify(
                    &self,
                    public_key: &[u8],
                    message: &[u8],
                    signature: &[u8],
                ) -> Result<()> {
                    let key = Self::verifying_key(public_key)?;
                    // Strict DER: a raw r || s signature does not parse
                    // (V-5.1.2-03).
                    let sig = DerSignature::from_bytes(signature)
                        .map_err(|_| CryptoError::MalformedSignature)?;
                    key.verify(message, &sig)
                        .map_err(|_| CryptoError::InvalidSignature)
                }
            }
        }
    };
}

ecdsa_scheme!(ecdsa_p256, EcdsaP256, p256, 32, 0xff);
ecdsa_scheme!(ecdsa_p384, EcdsaP384, p384, 48, 0xff);
// P-521 scalars are 521 bits in 66 bytes: only the lowest bit of the first
// byte can be set.
ecdsa_scheme!(ecdsa_p521, EcdsaP521, p521, 66, 0x01);

#[cfg(test)]
#[path = "sig_tests.rs"]
mod tests;
