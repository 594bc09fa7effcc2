//! The provider traits: what a cipher suite must be able to do (RFC 9420 §5.1).
//!
//! A [`CryptoProvider`] hands out one [`CipherSuiteProvider`] per suite it
//! implements. Every method of a suite provider works with that suite's
//! algorithms only, so callers never pass an algorithm choice around.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::{CipherSuite, Result, Secret};

/// An HPKE private key in the RFC 9180 `SerializePrivateKey` form
/// (X25519/X448: raw 32/56 bytes; P-256/P-384/P-521: big-endian scalar of
/// 32/48/66 bytes). Zeroized on drop, redacted in `Debug`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HpkePrivateKey(pub Secret);

impl HpkePrivateKey {
    /// The serialized key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl From<Vec<u8>> for HpkePrivateKey {
    fn from(v: Vec<u8>) -> Self {
        HpkePrivateKey(Secret::new(v))
    }
}

/// A signature private key: the RFC 8032 secret for EdDSA (32 or 57 bytes),
/// the big-endian scalar for ECDSA (32/48/66 bytes). Zeroized on drop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignaturePrivateKey(pub Secret);

impl SignaturePrivateKey {
    /// The serialized key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl From<Vec<u8>> for SignaturePrivateKey {
    fn from(v: Vec<u8>) -> Self {
        SignaturePrivateKey(Secret::new(v))
    }
}

/// An HPKE key pair; the public key is the RFC 9180 `SerializePublicKey` form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HpkeKeyPair {
    /// The private key.
    pub private_key: HpkePrivateKey,
    /// The serialized public key (uncompressed point for NIST curves).
    pub public_key: Vec<u8>,
}

/// A signature key pair held in memory; the public key is in the form MLS
/// puts on the wire (raw EdDSA key, uncompressed SEC1 point for ECDSA). It
/// is a [`crate::Signer`] whose private key is exportable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureKeyPair {
    /// The signature scheme of the key.
    pub scheme: crate::SignatureScheme,
    /// The private key.
    pub private_key: SignaturePrivateKey,
    /// The serialized public key.
    pub public_key: Vec<u8>,
}

/// The output of HPKE SealBase: the encapsulated key and the AEAD ciphertext
/// (the two fields of `HPKECiphertext`, RFC 9420 §5.1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HpkeCiphertext {
    /// The KEM encapsulation (`enc`).
    pub kem_output: Vec<u8>,
    /// The AEAD ciphertext with tag.
    pub ciphertext: Vec<u8>,
}

/// A borrowed [`HpkeCiphertext`]: what [`CipherSuiteProvider::hpke_open`]
/// reads, so that a ciphertext decoded from the wire (whose fields live in
/// another struct) opens without copying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HpkeCiphertextRef<'a> {
    /// The KEM encapsulation (`enc`).
    pub kem_output: &'a [u8],
    /// The AEAD ciphertext with tag.
    pub ciphertext: &'a [u8],
}

impl HpkeCiphertext {
    /// This ciphertext, borrowed.
    pub fn as_ref(&self) -> HpkeCiphertextRef<'_> {
        HpkeCiphertextRef {
            kem_output: &self.kem_output,
            ciphertext: &self.ciphertext,
        }
    }
}

impl<'a> From<&'a HpkeCiphertext> for HpkeCiphertextRef<'a> {
    fn from(ct: &'a HpkeCiphertext) -> Self {
        ct.as_ref()
    }
}

/// The seed length of [`CipherSuiteProvider::hpke_seal_with_seed`] for a
/// KEM that is not a DHKEM: 256 bits, the security level of the strongest
/// MLS suite.
pub const HPKE_SEAL_SEED_LEN: usize = 32;

/// The primitives of one cipher suite (RFC 9420 §5.1).
///
/// Implementations must validate every key and signature decoded from the
/// wire and fail with a typed [`crate::CryptoError`], never panic.
pub trait CipherSuiteProvider: Send + Sync {
    /// The suite these primitives belong to.
    fn cipher_suite(&self) -> CipherSuite;

    /// `Hash(data)` with the suite hash; output is Nh bytes.
    fn hash(&self, data: &[u8]) -> Vec<u8>;

    /// `Hash(parts[0] || parts[1] || ...)`: the hash of the concatenation,
    /// for a string that exists only in pieces (the ConfirmedTranscriptHashInput
    /// of a received Commit is two slices of its one encoding, RFC 9420 §8.2).
    /// The default concatenates; a provider with a streaming hash feeds the
    /// parts in turn and copies nothing.
    fn hash_parts(&self, parts: &[&[u8]]) -> Vec<u8> {
        self.hash(&parts.concat())
    }

    /// `MAC(key, data)`: HMAC with the suite hash; output is Nh bytes.
    fn mac(&self, key: &[u8], data: &[u8]) -> Vec<u8>;

    /// `KDF.Extract(salt, ikm)`: HKDF-Extract; output is Nh bytes.
    fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Secret;

    /// `KDF.Expand(prk, info, len)`: HKDF-Expand. Fails with
    /// `KdfOutputTooLong` when `len > 255 * Nh` and `InvalidLength` when the
    /// PRK is shorter than Nh.
    fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> Result<Secret>;

    /// AEAD encryption with an Nk-byte key and Nn-byte nonce; output is the
    /// ciphertext followed by the tag. Wrong key or nonce length is `InvalidLength`.
    fn aead_seal(&self, key: &[u8], nonce: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>>;

    /// AEAD decryption; `AeadOpenFailed` when the tag does not verify.
    fn aead_open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>>;

    /// HPKE SealBase (RFC 9180 §6.1) to `public_key`, with the suite's KEM,
    /// KDF and AEAD. An invalid public key is `InvalidHpkePublicKey`.
    fn hpke_seal(
        &self,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext>;

    /// The length of one seed of [`CipherSuiteProvider::hpke_seal_with_seed`]:
    /// for a DHKEM `Nsk`, exactly the bytes `hpke_seal` draws for its
    /// ephemeral key; otherwise [`HPKE_SEAL_SEED_LEN`].
    fn hpke_seal_seed_len(&self) -> usize {
        HPKE_SEAL_SEED_LEN
    }

    /// HPKE SealBase as [`CipherSuiteProvider::hpke_seal`], with the
    /// encapsulation's randomness taken from `seed`
    /// ([`CipherSuiteProvider::hpke_seal_seed_len`] bytes, drawn from the
    /// provider's randomness and used for this one seal) instead of drawn
    /// inside the call.
    ///
    /// Why: a caller that seals to many recipients at once (a Welcome's
    /// `EncryptedGroupSecrets`, an UpdatePath's copath resolutions) draws
    /// the seeds in order on one thread, then seals on every core; the
    /// result is the same bytes for any number of threads and any
    /// scheduling (issue 14 item 2). Security: the seed is the randomness
    /// `hpke_seal` would have drawn itself. In the RustCrypto provider a
    /// DHKEM takes it as `ikmE` of `DeriveKeyPair(ikmE)` (RFC 9180 §7.1.3,
    /// as RFC 9180's test vectors do), so the ciphertext is the one
    /// `hpke_seal` makes when the provider's generator yields those bytes;
    /// other KEMs draw from ChaCha20 keyed by the 32-byte seed (a PRG at
    /// the 256-bit level of the strongest suite). Reusing a seed reuses the
    /// ephemeral key: never do it.
    ///
    /// The default seals with fresh randomness (`seed` unused): as secure,
    /// but then the bytes depend on the order of the provider's draws.
    fn hpke_seal_with_seed(
        &self,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        seed: &[u8],
    ) -> Result<HpkeCiphertext> {
        let _ = seed;
        self.hpke_seal(public_key, info, aad, plaintext)
    }

    /// Prepare an HPKE `info` for several seals
    /// ([`CipherSuiteProvider::hpke_seal_prepared_with_seed`]): RFC 9180
    /// §5.1 uses `info` only through `info_hash`, which a provider may
    /// compute here once instead of in every seal. For the Welcome of a big
    /// Add, whose info is the whole encrypted GroupInfo for every new member
    /// (RFC 9420 §12.4.3.1), that is one hash of megabytes instead of one
    /// per member (issue 14 item 3). The default keeps `info` only.
    fn hpke_prepare_info(&self, info: Vec<u8>) -> Result<HpkeInfo> {
        Ok(HpkeInfo::new(info))
    }

    /// [`CipherSuiteProvider::hpke_seal_with_seed`] with an `info` made by
    /// [`CipherSuiteProvider::hpke_prepare_info`]: the same ciphertext for
    /// the same seed. The default seals with the kept `info`.
    fn hpke_seal_prepared_with_seed(
        &self,
        public_key: &[u8],
        info: &HpkeInfo,
        aad: &[u8],
        plaintext: &[u8],
        seed: &[u8],
    ) -> Result<HpkeCiphertext> {
        self.hpke_seal_with_seed(public_key, info.info(), aad, plaintext, seed)
    }

    /// HPKE OpenBase of what [`CipherSuiteProvider::hpke_seal`] returned,
    /// with the recipient's private key and its public key (MLS always
    /// holds both: the tree node or the KeyPackage carries the public key;
    /// passing it spares the provider a scalar multiplication). A public key
    /// that does not belong to the private key makes opening fail, never
    /// succeed (it enters the KEM context, RFC 9180 §4.1).
    /// `HpkeOpenFailed` when decapsulation or the AEAD fails.
    fn hpke_open(
        &self,
        private_key: &HpkePrivateKey,
        public_key: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: HpkeCiphertextRef<'_>,
    ) -> Result<Zeroizing<Vec<u8>>>;

    /// HPKE SetupBaseS followed by `Export(exporter_context, len)` (RFC 9180
    /// §5.3): returns the encapsulated key and the exported secret. MLS uses
    /// it for external init (RFC 9420 §8.3) with an empty `info`.
    fn hpke_export_sender(
        &self,
        public_key: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<(Vec<u8>, Secret)>;

    /// HPKE SetupBaseR followed by `Export(exporter_context, len)`; the
    /// receiver's side of [`CipherSuiteProvider::hpke_export_sender`], with
    /// the recipient's key pair as in [`CipherSuiteProvider::hpke_open`].
    fn hpke_export_receiver(
        &self,
        private_key: &HpkePrivateKey,
        public_key: &[u8],
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret>;

    /// A fresh HPKE key pair from the provider's randomness.
    fn hpke_generate_key_pair(&self) -> Result<HpkeKeyPair>;

    /// RFC 9180 `DeriveKeyPair(ikm)`: deterministic key pair from a secret
    /// (used for tree node keys and the external key, RFC 9420 §7.4, §8.3).
    fn hpke_derive_key_pair(&self, ikm: &[u8]) -> Result<HpkeKeyPair>;

    /// The public key belonging to an HPKE private key.
    fn hpke_public_key(&self, private_key: &HpkePrivateKey) -> Result<Vec<u8>>;

    /// Check that bytes decode as a public key of the suite's KEM.
    fn hpke_validate_public_key(&self, public_key: &[u8]) -> Result<()>;

    /// A fresh signature key pair from the provider's randomness.
    fn signature_generate_key_pair(&self) -> Result<SignatureKeyPair>;

    /// The public key belonging to a signature private key.
    fn signature_public_key(&self, private_key: &SignaturePrivateKey) -> Result<Vec<u8>>;

    /// Check that bytes decode as a public key of the suite's signature scheme.
    fn signature_validate_public_key(&self, public_key: &[u8]) -> Result<()>;

    /// Sign a message (ECDSA signatures are DER encoded, RFC 9420 §5.1.2).
    fn sign(&self, private_key: &SignaturePrivateKey, message: &[u8]) -> Result<Vec<u8>>;

    /// Verify a signature; `MalformedSignature` when it does not parse,
    /// `InvalidSignature` when it does not verify.
    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<()>;

    /// The other encoding of the same signature that also verifies, for a
    /// malleable scheme (ECDSA: `(r, s)` and `(r, n - s)` both verify), or
    /// `None` (EdDSA and ML-DSA signatures are not malleable, or the bytes
    /// do not parse). A joiner uses it to recognise a Welcome addressed to a
    /// KeyPackage that a relay re-encoded (RFC 9420 §5.2: the KeyPackageRef
    /// hashes the signature bytes).
    fn signature_twin(&self, signature: &[u8]) -> Option<Vec<u8>> {
        let _ = signature;
        None
    }

    /// Fill `out` with bytes from the provider's randomness source.
    fn random_fill(&self, out: &mut [u8]) -> Result<()>;

    /// `len` fresh random bytes.
    fn random_bytes(&self, len: usize) -> Result<Vec<u8>> {
        let mut out = vec![0; len];
        self.random_fill(&mut out)?;
        Ok(out)
    }
}

/// A source of crypto providers, one per supported suite.
pub trait CryptoProvider: Send + Sync {
    /// The suites this provider implements.
    fn supported_cipher_suites(&self) -> Vec<CipherSuite>;

    /// The primitives of one suite, or `None` when it is not implemented.
    fn cipher_suite_provider(&self, suite: CipherSuite) -> Option<Arc<dyn CipherSuiteProvider>>;
}

/// An HPKE `info` prepared for several seals
/// ([`CipherSuiteProvider::hpke_prepare_info`]): the info itself, and the
/// digest a provider computed from it once (RFC 9180 §5.1 `info_hash`),
/// labelled with the suite and provider that made it so that no other
/// provider takes it for its own.
#[derive(Clone)]
pub struct HpkeInfo {
    info: Vec<u8>,
    digest: Option<(CipherSuite, &'static str, Vec<u8>)>,
}

impl HpkeInfo {
    /// An info with no digest.
    pub fn new(info: Vec<u8>) -> Self {
        HpkeInfo { info, digest: None }
    }

    /// An info with the digest `provider` computed from it for `suite`.
    pub fn with_digest(
        info: Vec<u8>,
        suite: CipherSuite,
        provider: &'static str,
        digest: Vec<u8>,
    ) -> Self {
        HpkeInfo {
            info,
            digest: Some((suite, provider, digest)),
        }
    }

    /// The info.
    pub fn info(&self) -> &[u8] {
        &self.info
    }

    /// The digest `provider` made for `suite`, if this info carries one.
    pub fn digest_for(&self, suite: CipherSuite, provider: &str) -> Option<&[u8]> {
        match &self.digest {
            Some((s, p, d)) if *s == suite && *p == provider => Some(d),
            _ => None,
        }
    }
}

impl std::fmt::Debug for HpkeInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HpkeInfo")
            .field("info_len", &self.info.len())
            .field("digest", &self.digest.as_ref().map(|(s, p, _)| (s, p)))
            .finish()
    }
}
