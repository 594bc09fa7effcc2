//! A fuzz-only provider for suite 1 whose public-key operations are hashes:
//! the stateful target (`group_ops`) explores the group state machine at
//! thousands of executions per second instead of about a hundred
//! (docs/fuzzing.md). It is deliberately insecure and lives only here.
//!
//! Why: with real X25519 and Ed25519 (instrumented with comparison tracing,
//! as every fuzzed crate is), the curve arithmetic is most of each
//! execution, and it is not what that target tests: the decoders,
//! validation and join targets run the real provider. What the engine relies
//! on is kept:
//!
//! - a signature verifies only under the key it was made with, over the
//!   bytes it was made over, so a corrupted message still fails its
//!   signature or membership check;
//! - an HPKE ciphertext opens only with the recipient's key, the same
//!   `info` and `aad`, and the real AEAD of the suite (AES-128-GCM), so a
//!   corrupted path secret or GroupSecrets fails to open;
//! - key derivation is deterministic (`DeriveKeyPair`, RFC 9420 §7.4), and
//!   a public key is always the function of its private key.
//!
//! The scheme: a public key *is* its private key (32 bytes, either kind); a
//! signature is SHA-512(`"sig"` ‖ key ‖ message) (64 bytes, the length of an
//! Ed25519 signature); the KEM's shared secret is SHA-256(`"kem"` ‖ enc ‖
//! key) for a random 32-byte `enc`, expanded with the suite's HKDF as
//! RFC 9180 does. Hash, MAC, KDF, AEAD and randomness are the RustCrypto
//! provider's.

use std::sync::{Arc, OnceLock};

use mls_crypto::{
    CipherSuite, CipherSuiteProvider, CryptoError, CryptoProvider, HpkeCiphertext,
    HpkeCiphertextRef, HpkeKeyPair, HpkePrivateKey, Result, Secret, SignatureKeyPair,
    SignaturePrivateKey,
};
use mls_crypto_rustcrypto::RustCryptoProvider;
use zeroize::Zeroizing;

/// The one suite it implements.
pub const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;

const KEY_LEN: usize = 32;
const AEAD_KEY_LEN: usize = 16;
const AEAD_NONCE_LEN: usize = 12;

/// The fuzz-only provider (module docs).
pub struct FastProvider {
    suite: Arc<dyn CipherSuiteProvider>,
}

/// The shared [`FastProvider`].
pub fn provider() -> &'static FastProvider {
    static PROVIDER: OnceLock<FastProvider> = OnceLock::new();
    PROVIDER.get_or_init(|| FastProvider {
        suite: Arc::new(FastSuite {
            real: RustCryptoProvider::new()
                .cipher_suite_provider(SUITE)
                .expect("the RustCrypto provider implements suite 1"),
        }),
    })
}

impl FastProvider {
    /// Suite 1's primitives.
    pub fn suite(&self) -> Arc<dyn CipherSuiteProvider> {
        self.suite.clone()
    }
}

impl CryptoProvider for FastProvider {
    fn supported_cipher_suites(&self) -> Vec<CipherSuite> {
        vec![SUITE]
    }

    fn cipher_suite_provider(&self, suite: CipherSuite) -> Option<Arc<dyn CipherSuiteProvider>> {
        (suite == SUITE).then(|| self.suite.clone())
    }
}

struct FastSuite {
    real: Arc<dyn CipherSuiteProvider>,
}

fn check_key(key: &[u8], error: CryptoError) -> Result<()> {
    if key.len() == KEY_LEN {
        Ok(())
    } else {
        Err(error)
    }
}

impl FastSuite {
    fn tagged_hash(&self, tag: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        let mut data = tag.to_vec();
        for part in parts {
            data.extend_from_slice(part);
        }
        self.real.hash(&data)
    }

    fn signature(&self, key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut first = self.tagged_hash(b"sig", &[key, message]);
        first.extend(self.tagged_hash(b"sig2", &[&first]));
        first
    }

    /// The context of one encapsulation: RFC 9180's KeySchedule reduced to
    /// one extract over the shared secret and `info`.
    fn context(&self, enc: &[u8], key: &[u8], info: &[u8]) -> Secret {
        let shared = self.tagged_hash(b"kem", &[enc, key]);
        self.real.kdf_extract(&shared, info)
    }

    fn aead_key_nonce(&self, context: &Secret) -> Result<(Secret, Secret)> {
        let key = self
            .real
            .kdf_expand(context.as_bytes(), b"key", AEAD_KEY_LEN)?;
        let nonce = self
            .real
            .kdf_expand(context.as_bytes(), b"base_nonce", AEAD_NONCE_LEN)?;
        Ok((key, nonce))
    }

    fn seal(
        &self,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        enc: Vec<u8>,
    ) -> Result<HpkeCiphertext> {
        check_key(public_key, CryptoError::InvalidHpkePublicKey)?;
        let (key, nonce) = self.aead_key_nonce(&self.context(&enc, public_key, info))?;
        let ciphertext = self
            .real
            .aead_seal(key.as_bytes(), nonce.as_bytes(), aad, plaintext)?;
        Ok(HpkeCiphertext {
            kem_output: enc,
            ciphertext,
        })
    }

    fn fresh_enc(&self) -> Result<Vec<u8>> {
        self.real.random_bytes(KEY_LEN)
    }
}

impl CipherSuiteProvider for FastSuite {
    fn cipher_suite(&self) -> CipherSuite {
        SUITE
    }

    fn hash(&self, data: &[u8]) -> Vec<u8> {
        self.real.hash(data)
    }

    fn mac(&self, key: &[u8], data: &[u8]) -> Vec<u8> {
        self.real.mac(key, data)
    }

    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Secret {
        self.real.kdf_extract(salt, ikm)
    }

    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret> {
        self.real.kdf_expand(prk, info, len)
    }

    fn aead_seal(&self, key: &[u8], nonce: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        self.real.aead_seal(key, nonce, aad, plaintext)
    }

    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.real.aead_open(key, nonce, aad, ciphertext)
    }

    fn hpke_seal(
        &self,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext> {
        self.seal(public_key, info, aad, plaintext, self.fresh_enc()?)
    }

    fn hpke_seal_seed_len(&self) -> usize {
        KEY_LEN
    }

    fn hpke_seal_with_seed(
        &self,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        seed: &[u8],
    ) -> Result<HpkeCiphertext> {
        let enc = self.tagged_hash(b"enc", &[seed]);
        self.seal(public_key, info, aad, plaintext, enc)
    }

    fn hpke_open(
        &self,
        private_key: &HpkePrivateKey,
        _public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: HpkeCiphertextRef<'_>,
    ) -> Result<Zeroizing<Vec<u8>>> {
        check_key(ciphertext.kem_output, CryptoError::HpkeOpenFailed)?;
        let context = self.context(ciphertext.kem_output, private_key.as_bytes(), info);
        let (key, nonce) = self.aead_key_nonce(&context)?;
        self.real
            .aead_open(key.as_bytes(), nonce.as_bytes(), aad, ciphertext.ciphertext)
            .map_err(|_| CryptoError::HpkeOpenFailed)
    }

    fn hpke_export_sender(
        &self,
        public_key: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<(Vec<u8>, Secret)> {
        check_key(public_key, CryptoError::InvalidHpkePublicKey)?;
        let enc = self.fresh_enc()?;
        let context = self.context(&enc, public_key, info);
        let secret = self
            .real
            .kdf_expand(context.as_bytes(), exporter_context, len)?;
        Ok((enc, secret))
    }

    fn hpke_export_receiver(
        &self,
        private_key: &HpkePrivateKey,
        _public_key: &[u8],
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret> {
        check_key(kem_output, CryptoError::HpkeOpenFailed)?;
        let context = self.context(kem_output, private_key.as_bytes(), info);
        self.real
            .kdf_expand(context.as_bytes(), exporter_context, len)
    }

    fn hpke_generate_key_pair(&self) -> Result<HpkeKeyPair> {
        let private = self.real.random_bytes(KEY_LEN)?;
        Ok(HpkeKeyPair {
            public_key: private.clone(),
            private_key: private.into(),
        })
    }

    fn hpke_derive_key_pair(&self, ikm: &[u8]) -> Result<HpkeKeyPair> {
        let private = self.tagged_hash(b"derive", &[ikm]);
        Ok(HpkeKeyPair {
            public_key: private.clone(),
            private_key: private.into(),
        })
    }

    fn hpke_public_key(&self, private_key: &HpkePrivateKey) -> Result<Vec<u8>> {
        check_key(private_key.as_bytes(), CryptoError::InvalidHpkePrivateKey)?;
        Ok(private_key.as_bytes().to_vec())
    }

    fn hpke_validate_public_key(&self, public_key: &[u8]) -> Result<()> {
        check_key(public_key, CryptoError::InvalidHpkePublicKey)
    }

    fn signature_generate_key_pair(&self) -> Result<SignatureKeyPair> {
        let private = self.real.random_bytes(KEY_LEN)?;
        Ok(SignatureKeyPair {
            scheme: SUITE.signature(),
            public_key: private.clone(),
            private_key: private.into(),
        })
    }

    fn signature_public_key(&self, private_key: &SignaturePrivateKey) -> Result<Vec<u8>> {
        check_key(
            private_key.as_bytes(),
            CryptoError::InvalidSignaturePrivateKey,
        )?;
        Ok(private_key.as_bytes().to_vec())
    }

    fn signature_validate_public_key(&self, public_key: &[u8]) -> Result<()> {
        check_key(public_key, CryptoError::InvalidSignaturePublicKey)
    }

    fn sign(&self, private_key: &SignaturePrivateKey, message: &[u8]) -> Result<Vec<u8>> {
        check_key(
            private_key.as_bytes(),
            CryptoError::InvalidSignaturePrivateKey,
        )?;
        Ok(self.signature(private_key.as_bytes(), message))
    }

    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        check_key(public_key, CryptoError::InvalidSignaturePublicKey)?;
        if signature.len() != 2 * KEY_LEN {
            return Err(CryptoError::MalformedSignature);
        }
        if self.signature(public_key, message) == signature {
            Ok(())
        } else {
            Err(CryptoError::InvalidSignature)
        }
    }

    fn random_fill(&self, out: &mut [u8]) -> Result<()> {
        self.real.random_fill(out)
    }
}
