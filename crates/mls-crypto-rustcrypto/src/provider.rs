//! [`RustCryptoProvider`] and its per-suite [`RustCryptoSuite`]: the
//! `mls_crypto` provider traits (RFC 9420 §5.1) on the modules of this crate.

use std::convert::Infallible;
use std::sync::Arc;

use mls_crypto::{
    CipherSuite, CipherSuiteProvider, CryptoProvider, HpkeCiphertext, HpkeKeyPair, HpkePrivateKey,
    Result, Secret, SignatureKeyPair, SignaturePrivateKey,
};
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::hpke::HpkeOps;
use crate::rng::Randomness;
use crate::sig::SignatureOps;
use crate::{aead, hash, hpke, sig};

/// A pure-Rust provider of all seven MLS cipher suites.
///
/// Every suite handed out shares the provider's single randomness source
/// (GUIDANCE G-38): the operating system's generator by default, or a
/// deterministic one for tests ([`RustCryptoProvider::with_seed`],
/// [`RustCryptoProvider::with_rng`]).
#[derive(Clone)]
pub struct RustCryptoProvider {
    rng: Arc<Randomness>,
}

impl std::fmt::Debug for RustCryptoProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = if self.rng.is_os() { "os" } else { "injected" };
        f.debug_struct("RustCryptoProvider")
            .field("rng", &source)
            .finish()
    }
}

impl Default for RustCryptoProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl RustCryptoProvider {
    /// A provider drawing randomness from the operating system (`getrandom`).
    pub fn new() -> Self {
        RustCryptoProvider {
            rng: Arc::new(Randomness::os()),
        }
    }

    /// A deterministic provider for tests: all randomness comes from a
    /// ChaCha20 generator seeded with `seed`. Two providers with the same
    /// seed, asked the same questions in the same order, give the same
    /// answers. Never use this outside tests.
    pub fn with_seed(seed: [u8; 32]) -> Self {
        RustCryptoProvider {
            rng: Arc::new(Randomness::seeded(seed)),
        }
    }

    /// A provider drawing all randomness from a caller-supplied
    /// cryptographically secure generator (for example a recording or
    /// replaying generator in tests).
    pub fn with_rng<R>(rng: R) -> Self
    where
        R: TryCryptoRng<Error = Infallible> + Send + 'static,
    {
        RustCryptoProvider {
            rng: Arc::new(Randomness::injected(Box::new(rng))),
        }
    }

    /// The concrete provider of one suite (the same value that
    /// [`CryptoProvider::cipher_suite_provider`] hands out as a trait object).
    pub fn suite(&self, suite: CipherSuite) -> RustCryptoSuite {
        RustCryptoSuite {
            suite,
            rng: Arc::clone(&self.rng),
            hpke: hpke::for_suite(suite),
            signature: sig::for_scheme(suite.signature()),
        }
    }
}

impl CryptoProvider for RustCryptoProvider {
    fn supported_cipher_suites(&self) -> Vec<CipherSuite> {
        CipherSuite::ALL.to_vec()
    }

    fn cipher_suite_provider(&self, suite: CipherSuite) -> Option<Arc<dyn CipherSuiteProvider>> {
        Some(Arc::new(self.suite(suite)))
    }
}

/// The primitives of one cipher suite.
pub struct RustCryptoSuite {
    suite: CipherSuite,
    rng: Arc<Randomness>,
    hpke: &'static dyn HpkeOps,
    signature: &'static dyn SignatureOps,
}

impl std::fmt::Debug for RustCryptoSuite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RustCryptoSuite")
            .field("suite", &self.suite)
            .finish()
    }
}

impl CipherSuiteProvider for RustCryptoSuite {
    fn cipher_suite(&self) -> CipherSuite {
        self.suite
    }

    fn hash(&self, data: &[u8]) -> Vec<u8> {
        hash::hash(self.suite.hash(), data)
    }

    fn mac(&self, key: &[u8], data: &[u8]) -> Vec<u8> {
        hash::mac(self.suite.hash(), key, data)
    }

    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Secret {
        hash::extract(self.suite.hash(), salt, ikm)
    }

    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret> {
        hash::expand(self.suite.hash(), prk, info, len)
    }

    fn aead_seal(&self, key: &[u8], nonce: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        aead::seal(self.suite.aead(), key, nonce, aad, plaintext)
    }

    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        aead::open(self.suite.aead(), key, nonce, aad, ciphertext)
    }

    fn hpke_seal(
        &self,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext> {
        self.hpke.seal(&self.rng, public_key, info, aad, plaintext)
    }

    fn hpke_open(
        &self,
        private_key: &HpkePrivateKey,
        kem_output: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.hpke
            .open(private_key.as_bytes(), kem_output, info, aad, ciphertext)
    }

    fn hpke_export_sender(
        &self,
        public_key: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<(Vec<u8>, Secret)> {
        self.hpke
            .export_sender(&self.rng, public_key, info, exporter_context, len)
    }

    fn hpke_export_receiver(
        &self,
        private_key: &HpkePrivateKey,
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret> {
        self.hpke.export_receiver(
            private_key.as_bytes(),
            kem_output,
            info,
            exporter_context,
            len,
        )
    }

    fn hpke_generate_key_pair(&self) -> Result<HpkeKeyPair> {
        self.hpke.generate(&self.rng)
    }

    fn hpke_derive_key_pair(&self, ikm: &[u8]) -> Result<HpkeKeyPair> {
        self.hpke.derive(ikm)
    }

    fn hpke_public_key(&self, private_key: &HpkePrivateKey) -> Result<Vec<u8>> {
        self.hpke.public_key(private_key.as_bytes())
    }

    fn hpke_validate_public_key(&self, public_key: &[u8]) -> Result<()> {
        self.hpke.validate_public_key(public_key)
    }

    fn signature_generate_key_pair(&self) -> Result<SignatureKeyPair> {
        self.signature.generate(&self.rng)
    }

    fn signature_public_key(&self, private_key: &SignaturePrivateKey) -> Result<Vec<u8>> {
        self.signature.public_key(private_key.as_bytes())
    }

    fn signature_validate_public_key(&self, public_key: &[u8]) -> Result<()> {
        self.signature.validate_public_key(public_key)
    }

    fn sign(&self, private_key: &SignaturePrivateKey, message: &[u8]) -> Result<Vec<u8>> {
        self.signature.sign(private_key.as_bytes(), message)
    }

    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()> {
        self.signature.verify(public_key, message, signature)
    }

    fn random_fill(&self, out: &mut [u8]) -> Result<()> {
        self.rng.fill(out)
    }
}
