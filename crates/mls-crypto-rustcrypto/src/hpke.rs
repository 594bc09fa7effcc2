//! HPKE base mode (RFC 9180 §5.1, §6.1) for the five KEMs of MLS, on the
//! `hpke` crate (RFC 9420 §5.1.3 uses it for EncryptWithLabel, §8.3 for
//! the external init secret, §7.4 and §8 for DeriveKeyPair).
//!
//! One generic implementation, [`HpkeSuite`], is instantiated per
//! (AEAD, KDF, KEM) triple. The DHKEMs come from [`crate::dhkem`] (fewer
//! scalar multiplications than the `hpke` crate's own, and X448, which the
//! crate lacks); the post-quantum KEMs from the `hpke` crate.

use std::marker::PhantomData;

use hpke::aead::{Aead as HpkeAead, AesGcm128, AesGcm256, ChaCha20Poly1305};
use hpke::kdf::{HkdfSha256, HkdfSha384, HkdfSha512, Kdf as HpkeKdf};
use hpke::{Deserializable, HpkeError, Kem as HpkeKemTrait, OpModeR, OpModeS, Serializable};
use mls_crypto::{
    CipherSuite, CryptoError, HpkeCiphertext, HpkeKeyPair, HpkePrivateKey, Kem, Result, Secret,
};
use zeroize::{Zeroize, Zeroizing};

use crate::dhkem::{DhKem, NistP256, NistP384, NistP521, PublicKeyHint, X448, X25519};
use crate::rng::Randomness;

type X25519HkdfSha256 = DhKem<X25519>;
type DhP256HkdfSha256 = DhKem<NistP256>;
type DhP384HkdfSha384 = DhKem<NistP384>;
type DhP521HkdfSha512 = DhKem<NistP521>;
type X448HkdfSha512 = DhKem<X448>;

#[cfg(feature = "pq")]
mod pq;
mod schedule;

/// The HPKE operations of one suite, object safe so a suite provider can
/// hold a `&'static dyn HpkeOps`.
pub(crate) trait HpkeOps: Send + Sync {
    /// SealBase to `public_key`.
    fn seal(
        &self,
        rng: &Randomness,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext>;

    /// The seed length of [`HpkeOps::seal_with_seed`]: `Nsk` for a DHKEM,
    /// 32 otherwise.
    fn seal_seed_len(&self) -> usize;

    /// SealBase to `public_key` with the encapsulation's randomness from
    /// `seed`: a DHKEM's `ikmE` itself, for other KEMs the key of a
    /// ChaCha20 generator (see `CipherSuiteProvider::hpke_seal_with_seed`).
    fn seal_with_seed(
        &self,
        seed: &[u8],
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext>;

    /// RFC 9180 §5.1 `info_hash` of `info`, for
    /// [`HpkeOps::seal_with_info_hash`].
    fn info_hash(&self, info: &[u8]) -> Result<Vec<u8>>;

    /// [`HpkeOps::seal_with_seed`] given `info_hash` of its `info` instead
    /// of the info: the same ciphertext.
    fn seal_with_info_hash(
        &self,
        seed: &[u8],
        public_key: &[u8],
        info_hash: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext>;

    /// OpenBase with `private_key`, whose public key is `public_key`.
    fn open(
        &self,
        private_key: &[u8],
        public_key: &[u8],
        kem_output: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>>;

    /// SetupBaseS then `Export(exporter_context, len)` (RFC 9180 §5.3).
    fn export_sender(
        &self,
        rng: &Randomness,
        public_key: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<(Vec<u8>, Secret)>;

    /// SetupBaseR then `Export(exporter_context, len)`.
    fn export_receiver(
        &self,
        private_key: &[u8],
        public_key: &[u8],
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret>;

    /// A fresh key pair: `DeriveKeyPair(random(Nsk))`.
    fn generate(&self, rng: &Randomness) -> Result<HpkeKeyPair>;

    /// RFC 9180 §7.1.3 `DeriveKeyPair(ikm)`.
    fn derive(&self, ikm: &[u8]) -> Result<HpkeKeyPair>;

    /// The public key of a private key.
    fn public_key(&self, private_key: &[u8]) -> Result<Vec<u8>>;

    /// Check that bytes decode as a public key of the KEM.
    fn validate_public_key(&self, public_key: &[u8]) -> Result<()>;
}

/// Marks the algorithm types without owning values of them (and keeps the
/// struct `Send + Sync` whatever they are).
type Algorithms<A, F, K> = PhantomData<fn() -> (A, F, K)>;

/// HPKE with AEAD `A`, KDF `F` and KEM `K`.
pub(crate) struct HpkeSuite<A, F, K> {
    kem: Kem,
    _algorithms: Algorithms<A, F, K>,
}

impl<A, F, K> HpkeSuite<A, F, K> {
    const fn new(kem: Kem) -> Self {
        HpkeSuite {
            kem,
            _algorithms: PhantomData,
        }
    }
}

/// The HPKE operations of an MLS cipher suite (RFC 9420 §17.1 table).
pub(crate) fn for_suite(suite: CipherSuite) -> &'static dyn HpkeOps {
    static S1: HpkeSuite<AesGcm128, HkdfSha256, X25519HkdfSha256> =
        HpkeSuite::new(Kem::DhKemX25519Sha256);
    static S2: HpkeSuite<AesGcm128, HkdfSha256, DhP256HkdfSha256> =
        HpkeSuite::new(Kem::DhKemP256Sha256);
    static S3: HpkeSuite<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256> =
        HpkeSuite::new(Kem::DhKemX25519Sha256);
    static S4: HpkeSuite<AesGcm256, HkdfSha512, X448HkdfSha512> =
        HpkeSuite::new(Kem::DhKemX448Sha512);
    static S5: HpkeSuite<AesGcm256, HkdfSha512, DhP521HkdfSha512> =
        HpkeSuite::new(Kem::DhKemP521Sha512);
    static S6: HpkeSuite<ChaCha20Poly1305, HkdfSha512, X448HkdfSha512> =
        HpkeSuite::new(Kem::DhKemX448Sha512);
    static S7: HpkeSuite<AesGcm256, HkdfSha384, DhP384HkdfSha384> =
        HpkeSuite::new(Kem::DhKemP384Sha384);
    match suite {
        CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519 => &S1,
        CipherSuite::Mls128DhKemP256Aes128GcmSha256P256 => &S2,
        CipherSuite::Mls128DhKemX25519ChaCha20Poly1305Sha256Ed25519 => &S3,
        CipherSuite::Mls256DhKemX448Aes256GcmSha512Ed448 => &S4,
        CipherSuite::Mls256DhKemP521Aes256GcmSha512P521 => &S5,
        CipherSuite::Mls256DhKemX448ChaCha20Poly1305Sha512Ed448 => &S6,
        CipherSuite::Mls256DhKemP384Aes256GcmSha384P384 => &S7,
        #[cfg(feature = "pq")]
        CipherSuite::Pq(pq) => pq::for_suite(pq),
    }
}

/// Serialize a value of the `hpke` crate into a vector.
fn to_vec<T: Serializable>(value: &T) -> Vec<u8> {
    value.to_bytes().to_vec()
}

/// Serialize a private key into a zeroizing secret.
fn private_to_secret<T: Serializable>(key: &T) -> HpkePrivateKey {
    let mut bytes = key.to_bytes();
    let out = HpkePrivateKey(Secret::from_slice(&bytes));
    bytes.zeroize();
    out
}

impl<A: HpkeAead, F: HpkeKdf, K: HpkeKemTrait + PublicKeyHint> HpkeSuite<A, F, K> {
    /// Decode and validate a public key (RFC 9420 §5.1.1, V-5.1.1-01).
    fn decode_public(&self, public_key: &[u8]) -> Result<K::PublicKey> {
        let expected = self.kem.public_key_len();
        if public_key.len() != expected {
            return Err(CryptoError::InvalidHpkePublicKey);
        }
        // The DHKEMs check the encoding (uncompressed SEC1 on the curve,
        // not the identity; X25519/X448 not of small order); the `hpke`
        // crate's post-quantum decoders run the FIPS 203 encapsulation key
        // check (draft-ietf-hpke-pq-05).
        K::PublicKey::from_bytes(public_key).map_err(|_| CryptoError::InvalidHpkePublicKey)
    }

    /// Decode a private key. A NIST-curve scalar with its leading zero
    /// bytes dropped is left-padded (issue 11 item 5(b), [`crate::scalar`]);
    /// X25519, X448 and post-quantum keys are fixed-length strings, not
    /// integers.
    fn decode_private(&self, private_key: &[u8]) -> Result<K::PrivateKey> {
        self.decode_private_with(private_key, None)
    }

    /// Decode a private key whose public key the caller knows, so that
    /// Decap need not recompute it (`pk(skR)` is the costliest step of a
    /// DHKEM Decap after the DH itself; issue 14).
    fn decode_private_with(
        &self,
        private_key: &[u8],
        public_key: Option<&[u8]>,
    ) -> Result<K::PrivateKey> {
        let expected = self.kem.private_key_len();
        let wrong_length = || CryptoError::InvalidLength {
            what: "HPKE private key",
            expected,
            actual: private_key.len(),
        };
        let padded;
        let bytes = match self.kem {
            Kem::DhKemP256Sha256 | Kem::DhKemP384Sha384 | Kem::DhKemP521Sha512 => {
                padded =
                    crate::scalar::left_padded(private_key, expected).ok_or_else(wrong_length)?;
                &padded[..]
            }
            // X25519/X448 keys and post-quantum seeds: fixed-length strings.
            _ => {
                if private_key.len() != expected {
                    return Err(wrong_length());
                }
                private_key
            }
        };
        // Rejects zero and values not below the group order.
        let alone = || K::PrivateKey::from_bytes(bytes);
        match public_key {
            None => alone().map_err(|_| CryptoError::InvalidHpkePrivateKey),
            Some(pk) => K::private_with_public(bytes, pk).map_err(|_| match alone() {
                Ok(_) => CryptoError::InvalidHpkePublicKey,
                Err(_) => CryptoError::InvalidHpkePrivateKey,
            }),
        }
    }

    /// Decode the encapsulated key of a received ciphertext. A wrong length
    /// is named as such (cheapest check first, before any decapsulation);
    /// a right-sized one that does not decode is a failed open.
    fn decode_enc(&self, kem_output: &[u8]) -> Result<K::EncappedKey> {
        if kem_output.len() != self.kem.enc_len() {
            return Err(CryptoError::InvalidLength {
                what: "HPKE encapsulated key (kem_output)",
                expected: self.kem.enc_len(),
                actual: kem_output.len(),
            });
        }
        K::EncappedKey::from_bytes(kem_output).map_err(|_| CryptoError::HpkeOpenFailed)
    }

    /// Check an exporter length against `255 * Nh` (RFC 9180 §5.3).
    fn check_export_len(len: usize) -> Result<()> {
        use hpke::hybrid_array::typenum::Unsigned;
        if len > 255 * F::Nh::USIZE {
            return Err(CryptoError::KdfOutputTooLong(len));
        }
        Ok(())
    }

    /// The KDF, AEAD and `suite_id` of this HPKE suite (RFC 9180 §5.1).
    fn ids() -> Result<(mls_crypto::HashAlgorithm, mls_crypto::Aead, [u8; 10])> {
        // Every suite here is instantiated with an HKDF-SHA2 KDF and one of
        // the three AEADs of RFC 9180 (`hpke_tests` seals with each one).
        match (schedule::kdf_of(F::KDF_ID), schedule::aead_of(A::AEAD_ID)) {
            (Some(kdf), Some(aead)) => Ok((
                kdf,
                aead,
                schedule::suite_id(K::KEM_ID, F::KDF_ID, A::AEAD_ID),
            )),
            _ => Err(CryptoError::HpkeSealFailed),
        }
    }

    fn key_pair(sk: &K::PrivateKey, pk: &K::PublicKey) -> HpkeKeyPair {
        HpkeKeyPair {
            private_key: private_to_secret(sk),
            public_key: to_vec(pk),
        }
    }
}

/// Whether `kem` is one of the DHKEMs of [`crate::dhkem`] (whose Encap
/// draws exactly `Nsk` bytes: the `ikmE` of its ephemeral key).
fn is_dhkem(kem: Kem) -> bool {
    matches!(
        kem,
        Kem::DhKemX25519Sha256
            | Kem::DhKemP256Sha256
            | Kem::DhKemP384Sha384
            | Kem::DhKemP521Sha512
            | Kem::DhKemX448Sha512
    )
}

/// Map a sealing failure: a DH failure means the recipient key was bad.
fn seal_error(e: HpkeError) -> CryptoError {
    match e {
        HpkeError::EncapError | HpkeError::ValidationError => CryptoError::InvalidHpkePublicKey,
        _ => CryptoError::HpkeSealFailed,
    }
}

impl<A: HpkeAead, F: HpkeKdf, K: HpkeKemTrait + PublicKeyHint> HpkeOps for HpkeSuite<A, F, K> {
    fn seal(
        &self,
        rng: &Randomness,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext> {
        let pk = self.decode_public(public_key)?;
        let (enc, ciphertext) = rng
            .with_rng(|r| {
                hpke::single_shot_seal_with_rng::<A, F, K>(
                    &OpModeS::Base,
                    &pk,
                    info,
                    plaintext,
                    aad,
                    r,
                )
            })?
            .map_err(seal_error)?;
        Ok(HpkeCiphertext {
            kem_output: to_vec(&enc),
            ciphertext,
        })
    }

    fn seal_seed_len(&self) -> usize {
        if is_dhkem(self.kem) {
            self.kem.private_key_len()
        } else {
            mls_crypto::HPKE_SEAL_SEED_LEN
        }
    }

    fn seal_with_seed(
        &self,
        seed: &[u8],
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext> {
        self.seal_with_info_hash(seed, public_key, &self.info_hash(info)?, aad, plaintext)
    }

    fn info_hash(&self, info: &[u8]) -> Result<Vec<u8>> {
        let (kdf, _, suite_id) = Self::ids()?;
        Ok(schedule::info_hash(kdf, &suite_id, &[info]))
    }

    fn seal_with_info_hash(
        &self,
        seed: &[u8],
        public_key: &[u8],
        info_hash: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext> {
        if seed.len() != self.seal_seed_len() {
            return Err(CryptoError::InvalidLength {
                what: "HPKE seal seed",
                expected: self.seal_seed_len(),
                actual: seed.len(),
            });
        }
        let pk = self.decode_public(public_key)?;
        let encapsulated = if is_dhkem(self.kem) {
            // The DHKEM draws exactly Nsk bytes, its ikmE: the seed.
            let mut rng = crate::rng::ReplayRng::new(seed);
            let out = K::encap_with_rng(&pk, None, &mut rng);
            rng.finish()?;
            out
        } else {
            use rand_core::SeedableRng;
            let mut key = [0u8; mls_crypto::HPKE_SEAL_SEED_LEN];
            key.copy_from_slice(seed);
            // This seal's own generator, zeroized when dropped.
            let mut rng = chacha20::ChaCha20Rng::from_seed(key);
            key.zeroize();
            K::encap_with_rng(&pk, None, &mut rng)
        };
        let (shared_secret, enc) = encapsulated.map_err(seal_error)?;
        // RFC 9180 §5.1 KeySchedule, then §5.2 Seal with sequence number 0
        // (single-shot: the nonce is the base nonce).
        let (kdf, aead, suite_id) = Self::ids()?;
        let (key, nonce) =
            schedule::key_and_nonce(kdf, aead, &suite_id, &shared_secret.0, info_hash)?;
        let ciphertext = crate::aead::seal(aead, key.as_bytes(), nonce.as_bytes(), aad, plaintext)?;
        Ok(HpkeCiphertext {
            kem_output: to_vec(&enc),
            ciphertext,
        })
    }

    fn open(
        &self,
        private_key: &[u8],
        public_key: &[u8],
        kem_output: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let sk = self.decode_private_with(private_key, Some(public_key))?;
        let enc = self.decode_enc(kem_output)?;
        hpke::single_shot_open::<A, F, K>(&OpModeR::Base, &sk, &enc, info, ciphertext, aad)
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::HpkeOpenFailed)
    }

    fn export_sender(
        &self,
        rng: &Randomness,
        public_key: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<(Vec<u8>, Secret)> {
        Self::check_export_len(len)?;
        let pk = self.decode_public(public_key)?;
        let (enc, ctx) = rng
            .with_rng(|r| hpke::setup_sender_with_rng::<A, F, K>(&OpModeS::Base, &pk, info, r))?
            .map_err(seal_error)?;
        let mut out = Zeroizing::new(vec![0u8; len]);
        ctx.export(exporter_context, &mut out)
            .map_err(|_| CryptoError::KdfOutputTooLong(len))?;
        Ok((to_vec(&enc), Secret::from(out)))
    }

    fn export_receiver(
        &self,
        private_key: &[u8],
        public_key: &[u8],
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret> {
        Self::check_export_len(len)?;
        let sk = self.decode_private_with(private_key, Some(public_key))?;
        let enc = self.decode_enc(kem_output)?;
        let ctx = hpke::setup_receiver::<A, F, K>(&OpModeR::Base, &sk, &enc, info)
            .map_err(|_| CryptoError::HpkeOpenFailed)?;
        let mut out = Zeroizing::new(vec![0u8; len]);
        ctx.export(exporter_context, &mut out)
            .map_err(|_| CryptoError::KdfOutputTooLong(len))?;
        Ok(Secret::from(out))
    }

    fn generate(&self, rng: &Randomness) -> Result<HpkeKeyPair> {
        let mut ikm = Zeroizing::new(vec![0u8; self.kem.private_key_len()]);
        rng.fill(&mut ikm)?;
        self.derive(&ikm)
    }

    fn derive(&self, ikm: &[u8]) -> Result<HpkeKeyPair> {
        let (sk, pk) = K::derive_keypair(ikm);
        Ok(Self::key_pair(&sk, &pk))
    }

    fn public_key(&self, private_key: &[u8]) -> Result<Vec<u8>> {
        let sk = self.decode_private(private_key)?;
        Ok(to_vec(&K::sk_to_pk(&sk)))
    }

    fn validate_public_key(&self, public_key: &[u8]) -> Result<()> {
        self.decode_public(public_key).map(|_| ())
    }
}

#[cfg(test)]
#[path = "hpke_tests.rs"]
mod tests;
