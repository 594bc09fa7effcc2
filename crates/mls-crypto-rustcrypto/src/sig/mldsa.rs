//! ML-DSA signatures (FIPS 204) for the post-quantum suites of
//! draft-ietf-mls-pq-ciphersuites-06, on RustCrypto's `ml-dsa`.
//!
//! As draft-ietf-tls-mldsa-05 uses it: pure ML-DSA with an empty context
//! string, the FIPS 204 encodings of public keys and signatures. The private
//! key MLS stores is the 32-byte seed `xi` (FIPS 204 Algorithm 6, the form
//! RFC 9881 §6 recommends): the expanded key is recomputed from it. Signing
//! uses the deterministic variant of ML-DSA.Sign (FIPS 204 §3.4 allows it),
//! so signing draws no randomness, like every other scheme of this provider.
//!
//! Lengths are checked before anything is decoded (V-5.1.2-03): a public
//! key or signature of the wrong size is a typed error, never a panic.

use ml_dsa::{EncodedSignature, EncodedVerifyingKey, MlDsaParams, Signature, SigningKey};
use ml_dsa::{MlDsa44, MlDsa65, MlDsa87, VerifyingKey};
use mls_crypto::{CryptoError, MlDsa, Result};
use zeroize::Zeroizing;

use super::{SignatureOps, key_pair};
use crate::rng::Randomness;

/// The implementation of one ML-DSA parameter set.
pub(crate) fn for_parameter_set(set: MlDsa) -> &'static dyn SignatureOps {
    static ML_DSA_44: MlDsaOps<MlDsa44> = MlDsaOps::new(MlDsa::MlDsa44);
    static ML_DSA_65: MlDsaOps<MlDsa65> = MlDsaOps::new(MlDsa::MlDsa65);
    static ML_DSA_87: MlDsaOps<MlDsa87> = MlDsaOps::new(MlDsa::MlDsa87);
    match set {
        MlDsa::MlDsa44 => &ML_DSA_44,
        MlDsa::MlDsa65 => &ML_DSA_65,
        MlDsa::MlDsa87 => &ML_DSA_87,
    }
}

/// ML-DSA with parameter set `P`.
struct MlDsaOps<P> {
    set: MlDsa,
    _params: std::marker::PhantomData<fn() -> P>,
}

impl<P> MlDsaOps<P> {
    const fn new(set: MlDsa) -> Self {
        MlDsaOps {
            set,
            _params: std::marker::PhantomData,
        }
    }
}

impl<P: MlDsaParams> MlDsaOps<P> {
    fn signing_key(&self, private_key: &[u8]) -> Result<SigningKey<P>> {
        if private_key.len() != self.set.private_key_len() {
            return Err(CryptoError::InvalidSignaturePrivateKey);
        }
        let seed = Zeroizing::new(
            ml_dsa::Seed::try_from(private_key)
                .map_err(|_| CryptoError::InvalidSignaturePrivateKey)?,
        );
        Ok(SigningKey::from_seed(&seed))
    }

    fn verifying_key(&self, public_key: &[u8]) -> Result<VerifyingKey<P>> {
        if public_key.len() != self.set.public_key_len() {
            return Err(CryptoError::InvalidSignaturePublicKey);
        }
        let encoded = EncodedVerifyingKey::<P>::try_from(public_key)
            .map_err(|_| CryptoError::InvalidSignaturePublicKey)?;
        Ok(VerifyingKey::decode(&encoded))
    }
}

impl<P: MlDsaParams> SignatureOps for MlDsaOps<P> {
    fn generate(&self, rng: &Randomness) -> Result<super::GeneratedKey> {
        let mut seed = Zeroizing::new(vec![0u8; self.set.private_key_len()]);
        rng.fill(&mut seed)?;
        key_pair(self, seed)
    }

    fn public_key(&self, private_key: &[u8]) -> Result<Vec<u8>> {
        use ml_dsa::Keypair;
        Ok(self
            .signing_key(private_key)?
            .verifying_key()
            .encode()
            .to_vec())
    }

    fn validate_public_key(&self, public_key: &[u8]) -> Result<()> {
        // Every string of the right length decodes (FIPS 204 pkDecode has no
        // invalid inputs); the length is the whole check.
        self.verifying_key(public_key).map(|_| ())
    }

    fn sign(&self, private_key: &[u8], message: &[u8]) -> Result<Vec<u8>> {
        use ml_dsa::{SignatureEncoding, Signer};
        let key = self.signing_key(private_key)?;
        let signature: Signature<P> = key
            .try_sign(message)
            .map_err(|_| CryptoError::InvalidSignaturePrivateKey)?;
        Ok(signature.to_vec())
    }

    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        let key = self.verifying_key(public_key)?;
        if signature.len() != self.set.signature_len() {
            return Err(CryptoError::MalformedSignature);
        }
        let encoded = EncodedSignature::<P>::try_from(signature)
            .map_err(|_| CryptoError::MalformedSignature)?;
        // FIPS 204 sigDecode fails on a malformed hint: that is a malformed
        // signature, not merely a wrong one.
        let signature = Signature::<P>::decode(&encoded).ok_or(CryptoError::MalformedSignature)?;
        if key.verify_with_context(message, &[], &signature) {
            Ok(())
        } else {
            Err(CryptoError::InvalidSignature)
        }
    }
}

#[cfg(test)]
#[path = "mldsa_tests.rs"]
mod tests;
