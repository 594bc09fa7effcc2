//! [`RustCryptoProvider`] and its per-suite [`RustCryptoSuite`]: the
//! `mls_crypto` provider traits (RFC 9420 §5.1) on the modules of this crate.

use std::convert::Infallible;
use std::sync::Arc;

use mls_crypto::{
    CipherSuite, CipherSuiteProvider, CryptoProvider, HpkeCiphertext, HpkeCiphertextRef,
    HpkeKeyPair, HpkePrivateKey, Result, Secret, SignatureKeyPair, SignaturePrivateKey,
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

    /// A provider drawing all randomness from `source`, for example an
    /// [`mls_crypto::EntropyPool`] (GUIDANCE G-39): every key generation,
    /// encapsulation and `random_fill` of every suite goes through it, and
    /// its failures are errors of the operation that drew.
    pub fn with_random_source(source: Arc<dyn mls_crypto::RandomSource>) -> Self {
        RustCryptoProvider {
            rng: Arc::new(Randomness::external(source)),
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

/// The name this provider puts on the `info_hash` it prepares
/// ([`mls_crypto::HpkeInfo`]), so it takes only its own.
const PROVIDER_NAME: &str = "mls-crypto-rustcrypto";

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

    fn hash_parts(&self, parts: &[&[u8]]) -> Vec<u8> {
        hash::hash_parts(self.suite.hash(), parts)
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

    fn hpke_seal_seed_len(&self) -> usize {
        self.hpke.seal_seed_len()
    }

    fn hpke_seal_with_seed(
        &self,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        seed: &[u8],
    ) -> Result<HpkeCiphertext> {
        self.hpke
            .seal_with_seed(seed, public_key, info, aad, plaintext)
    }

    fn hpke_prepare_info(&self, info: Vec<u8>) -> Result<mls_crypto::HpkeInfo> {
        let digest = self.hpke.info_hash(&info)?;
        Ok(mls_crypto::HpkeInfo::with_digest(
            info,
            self.suite,
            PROVIDER_NAME,
            digest,
        ))
    }

    fn hpke_seal_prepared_with_seed(
        &self,
        public_key: &[u8],
        info: &mls_crypto::HpkeInfo,
        aad: &[u8],
        plaintext: &[u8],
        seed: &[u8],
    ) -> Result<HpkeCiphertext> {
        match info.digest_for(self.suite, PROVIDER_NAME) {
            Some(info_hash) => self
                .hpke
                .seal_with_info_hash(seed, public_key, info_hash, aad, plaintext),
            None => self
                .hpke
                .seal_with_seed(seed, public_key, info.info(), aad, plaintext),
        }
    }

    fn hpke_open(
        &self,
        private_key: &HpkePrivateKey,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: HpkeCiphertextRef<'_>,
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.hpke.open(
            private_key.as_bytes(),
            public_key,
            ciphertext.kem_output,
            info,
            aad,
            ciphertext.ciphertext,
        )
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
        public_key: &[u8],
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret> {
        self.hpke.export_receiver(
            private_key.as_bytes(),
            public_key,
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
        let key = self.signature.generate(&self.rng)?;
        Ok(SignatureKeyPair {
            scheme: self.suite.signature(),
            private_key: key.private_key,
            public_key: key.public_key,
        })
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

    fn signature_twin(&self, signature: &[u8]) -> Option<Vec<u8>> {
        self.signature.twin(signature)
    }

    fn random_fill(&self, out: &mut [u8]) -> Result<()> {
        self.rng.fill(out)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use chacha20::ChaCha20Rng;
    use mls_crypto::{CryptoError, labeled};
    use rand_core::{SeedableRng, TryRng};

    use super::*;

    /// A generator that counts the bytes drawn from it (GUIDANCE G-38 test).
    struct CountingRng {
        inner: ChaCha20Rng,
        drawn: Arc<AtomicUsize>,
    }

    impl TryRng for CountingRng {
        type Error = Infallible;

        fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
            self.drawn.fetch_add(4, Ordering::SeqCst);
            self.inner.try_next_u32()
        }

        fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
            self.drawn.fetch_add(8, Ordering::SeqCst);
            self.inner.try_next_u64()
        }

        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Infallible> {
            self.drawn.fetch_add(dst.len(), Ordering::SeqCst);
            self.inner.try_fill_bytes(dst)
        }
    }

    impl TryCryptoRng for CountingRng {}

    #[test]
    fn every_suite_is_provided() {
        let provider = RustCryptoProvider::new();
        assert_eq!(
            provider.supported_cipher_suites(),
            CipherSuite::ALL.to_vec()
        );
        for suite in CipherSuite::ALL {
            let cs = provider.cipher_suite_provider(suite).expect("supported");
            assert_eq!(cs.cipher_suite(), suite);
            assert_eq!(cs.hash(b"").len(), suite.hash_len());
        }
    }

    #[test]
    fn every_random_operation_draws_from_the_injected_source() {
        let drawn = Arc::new(AtomicUsize::new(0));
        let provider = RustCryptoProvider::with_rng(CountingRng {
            inner: ChaCha20Rng::from_seed([1; 32]),
            drawn: Arc::clone(&drawn),
        });
        for suite in CipherSuite::ALL {
            let cs = provider.cipher_suite_provider(suite).expect("supported");
            let mut last = drawn.load(Ordering::SeqCst);
            let mut draws = |what: &str| {
                let now = drawn.load(Ordering::SeqCst);
                assert!(now > last, "{suite}: {what} drew no randomness");
                last = now;
            };
            let hpke = cs.hpke_generate_key_pair().expect("generate");
            draws("hpke_generate_key_pair");
            let sig = cs.signature_generate_key_pair().expect("generate");
            draws("signature_generate_key_pair");
            let a = cs
                .hpke_seal(&hpke.public_key, b"", b"", b"m")
                .expect("seal");
            draws("hpke_seal");
            let b = cs
                .hpke_seal(&hpke.public_key, b"", b"", b"m")
                .expect("seal");
            draws("hpke_seal");
            assert_ne!(a.kem_output, b.kem_output, "fresh encapsulation each time");
            cs.hpke_export_sender(&hpke.public_key, b"", b"x", 32)
                .expect("export");
            draws("hpke_export_sender");
            cs.random_bytes(16).expect("random");
            draws("random_fill");
            // Signing is deterministic (RFC 6979 / RFC 8032): no draw.
            let before = drawn.load(Ordering::SeqCst);
            cs.sign(&sig.private_key, b"m").expect("sign");
            assert_eq!(drawn.load(Ordering::SeqCst), before);
        }
    }

    #[test]
    fn a_seeded_provider_is_deterministic() {
        let run = |seed: [u8; 32]| {
            let provider = RustCryptoProvider::with_seed(seed);
            CipherSuite::ALL
                .iter()
                .map(|suite| {
                    let cs = provider.cipher_suite_provider(*suite).expect("supported");
                    let hpke = cs.hpke_generate_key_pair().expect("generate");
                    let sig = cs.signature_generate_key_pair().expect("generate");
                    let ct = cs
                        .hpke_seal(&hpke.public_key, b"i", b"a", b"p")
                        .expect("seal");
                    let bytes = cs.random_bytes(8).expect("random");
                    (hpke, sig, ct, bytes)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run([1; 32]), run([1; 32]));
        assert_ne!(run([1; 32]), run([2; 32]));
    }

    #[test]
    fn os_randomness_differs_between_draws() {
        let cs = RustCryptoProvider::default().suite(CipherSuite::ALL[0]);
        assert_ne!(
            cs.random_bytes(32).expect("random"),
            cs.random_bytes(32).expect("random")
        );
    }

    /// V-5.1.2-02 and V-5.1.3-01 through the labeled operations, all suites.
    #[test]
    fn labels_separate_signatures_and_ciphertexts() {
        let provider = RustCryptoProvider::with_seed([3; 32]);
        for suite in CipherSuite::ALL {
            let cs = provider.cipher_suite_provider(suite).expect("supported");
            let cs = &*cs;
            let sig_keys = cs.signature_generate_key_pair().expect("generate");
            let sig = labeled::sign_with_label(cs, &sig_keys, b"LeafNodeTBS", b"c").expect("sign");
            assert_eq!(
                labeled::verify_with_label(
                    cs,
                    &sig_keys.public_key,
                    b"FramedContentTBS",
                    b"c",
                    &sig
                ),
                Err(CryptoError::InvalidSignature)
            );
            let keys = cs.hpke_generate_key_pair().expect("generate");
            let ct =
                labeled::encrypt_with_label(cs, &keys.public_key, b"UpdatePathNode", b"ctx", b"m")
                    .expect("seal");
            let open = |label: &[u8], context: &[u8]| {
                labeled::decrypt_with_label(
                    cs,
                    &keys.private_key,
                    &keys.public_key,
                    label,
                    context,
                    ct.as_ref(),
                )
            };
            assert_eq!(
                open(b"Welcome", b"ctx").err(),
                Some(CryptoError::HpkeOpenFailed)
            );
            assert_eq!(
                open(b"UpdatePathNode", b"ctx2").err(),
                Some(CryptoError::HpkeOpenFailed)
            );
            assert_eq!(&open(b"UpdatePathNode", b"ctx").expect("open")[..], b"m");
        }
    }

    #[test]
    fn derived_and_stored_keys_agree() {
        let provider = RustCryptoProvider::with_seed([4; 32]);
        for suite in CipherSuite::ALL {
            let cs = provider.suite(suite);
            let kp = cs.hpke_derive_key_pair(&[7; 32]).expect("derive");
            assert_eq!(kp, cs.hpke_derive_key_pair(&[7; 32]).expect("derive"));
            assert_eq!(
                cs.hpke_public_key(&kp.private_key).expect("pk"),
                kp.public_key
            );
            assert_eq!(cs.hpke_validate_public_key(&kp.public_key), Ok(()));
            let sig = cs.signature_generate_key_pair().expect("generate");
            assert_eq!(
                cs.signature_public_key(&sig.private_key).expect("pk"),
                sig.public_key
            );
            assert_eq!(cs.signature_validate_public_key(&sig.public_key), Ok(()));
        }
    }

    #[test]
    fn debug_output_shows_no_key_material() {
        let provider = RustCryptoProvider::with_seed([5; 32]);
        let cs = provider.suite(CipherSuite::ALL[0]);
        let kp = cs.hpke_generate_key_pair().expect("generate");
        let shown = format!("{provider:?} {cs:?} {:?}", kp.private_key);
        assert!(!shown.contains(&hex::encode(kp.private_key.as_bytes())));
        assert!(shown.contains("injected"));
    }
}
