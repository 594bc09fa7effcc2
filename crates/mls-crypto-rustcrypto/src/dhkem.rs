//! DHKEM (RFC 9180 §4.1, §7.1) for the five Diffie-Hellman groups of the
//! MLS suites, implementing the `hpke` crate's public [`hpke::Kem`] trait so
//! that the crate's key schedule, AEAD contexts and exporter (RFC 9180 §5)
//! are reused unchanged.
//!
//! Why not the crate's own DHKEMs (issue 14, "the crypto floor"): its Encap
//! generates the ephemeral key pair and then derives the ephemeral public key
//! a second time, and its Decap re-derives the recipient's public key from
//! the private key, although MLS always knows it (the tree node or the
//! KeyPackage holds it). Here Encap costs one fixed-base and one
//! variable-base multiplication, and Decap one variable-base multiplication
//! when the caller passes the recipient's public key
//! ([`PublicKeyHint::private_with_public`]). The crate also ships no X448
//! KEM, which this module adds (on RustCrypto's `x448`).
//!
//! A wrong public-key hint cannot make a ciphertext open: the key enters the
//! KEM context (`kem_context = enc || pkR`), so a mismatch only derives a
//! different shared secret and the AEAD fails.

mod groups;

use std::fmt;
use std::marker::PhantomData;

use hkdf::{GenericHkdf, GenericHkdfExtract, HmacImpl};
use hpke::hybrid_array::typenum::Unsigned;
use hpke::hybrid_array::{Array, ArraySize};
use hpke::kem::SharedSecret;
use hpke::rand_core::CryptoRng;
use hpke::{Deserializable, HpkeError, Kem, Serializable};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

pub(crate) use groups::{NistP256, NistP384, NistP521, X448, X25519};

/// RFC 9180 §4: the version label of every labeled KDF call.
const VERSION_LABEL: &[u8] = b"HPKE-v1";

/// How DeriveKeyPair turns `dkp_prk` into a private key (RFC 9180 §7.1.3).
pub enum Derivation {
    /// `sk = LabeledExpand(dkp_prk, "sk", "", Nsk)` (X25519, X448).
    Direct,
    /// Rejection sampling of `LabeledExpand(dkp_prk, "candidate", counter,
    /// Nsk)` with the first byte masked (P-256, P-384: 0xff; P-521: 0x01).
    Candidates {
        /// The mask applied to the first byte of each candidate.
        bitmask: u8,
    },
}

/// One Diffie-Hellman group with its KDF: what DHKEM needs of it. Keys are
/// handled as their RFC 9180 §7.1.1-§7.1.2 serializations; every method gets
/// values this module has already validated.
pub trait DhGroup: Sized + Send + Sync + 'static {
    /// The KEM id (RFC 9180 §7.1, Table 2).
    const KEM_ID: u16;
    /// DeriveKeyPair's private-key step.
    const DERIVATION: Derivation;
    /// HMAC with the KEM's hash.
    type Mac: HmacImpl;
    /// `Npk` (= `Nenc`).
    type Npk: ArraySize;
    /// `Nsk`.
    type Nsk: ArraySize;
    /// `Nsecret`.
    type Nsecret: ArraySize;

    /// Whether `pk` (of length `Npk`) is an acceptable public key: on the
    /// curve and not the identity, or for X25519/X448 not of small order.
    fn is_valid_public(pk: &[u8]) -> bool;
    /// The private key `sk` (of length `Nsk`) in its canonical form (X25519:
    /// clamped, RFC 9180 §7.1.2), or `None` if it is not a valid scalar.
    fn canonical_private(sk: &[u8]) -> Option<Zeroizing<Vec<u8>>>;
    /// `pk(sk)`.
    fn public_of(sk: &[u8]) -> Vec<u8>;
    /// `DH(sk, pk)`, or `None` when the result must be rejected (all zero,
    /// the identity; RFC 9180 §7.1.4).
    fn dh(sk: &[u8], pk: &[u8]) -> Option<Zeroizing<Vec<u8>>>;
}

/// DHKEM over the group `G`.
pub struct DhKem<G>(PhantomData<G>);

/// A validated public key (also the encapsulated key).
pub struct PublicKey<G: DhGroup>(Array<u8, G::Npk>, PhantomData<G>);

/// A private key, with its public key when known (so Decap need not
/// recompute it).
pub struct PrivateKey<G: DhGroup> {
    secret: Zeroizing<Vec<u8>>,
    public: Option<PublicKey<G>>,
}

/// The encapsulated key: the ephemeral public key.
pub struct EncappedKey<G: DhGroup>(PublicKey<G>);

impl<G: DhGroup> Clone for PublicKey<G> {
    fn clone(&self) -> Self {
        PublicKey(self.0.clone(), PhantomData)
    }
}

impl<G: DhGroup> PartialEq for PublicKey<G> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<G: DhGroup> Eq for PublicKey<G> {}

impl<G: DhGroup> fmt::Debug for PublicKey<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PublicKey(kem {:#06x}, {} bytes)",
            G::KEM_ID,
            self.0.len()
        )
    }
}

impl<G: DhGroup> Clone for PrivateKey<G> {
    fn clone(&self) -> Self {
        PrivateKey {
            secret: self.secret.clone(),
            public: self.public.clone(),
        }
    }
}

impl<G: DhGroup> ConstantTimeEq for PrivateKey<G> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.secret.as_slice().ct_eq(other.secret.as_slice())
    }
}

impl<G: DhGroup> Clone for EncappedKey<G> {
    fn clone(&self) -> Self {
        EncappedKey(self.0.clone())
    }
}

impl<G: DhGroup> PublicKey<G> {
    fn from_valid(bytes: &[u8]) -> Self {
        // Callers pass `Npk` validated bytes; never panic on anything else.
        let mut out = Array::<u8, G::Npk>::default();
        for (dst, src) in out.iter_mut().zip(bytes) {
            *dst = *src;
        }
        PublicKey(out, PhantomData)
    }
}

impl<G: DhGroup> Serializable for PublicKey<G> {
    type OutputSize = G::Npk;

    fn write_exact(&self, buf: &mut [u8]) {
        if let Some(dst) = buf.get_mut(..self.0.len()) {
            dst.copy_from_slice(&self.0);
        }
    }
}

impl<G: DhGroup> Deserializable for PublicKey<G> {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        if encoded.len() != G::Npk::USIZE {
            return Err(HpkeError::IncorrectInputLength(
                G::Npk::USIZE,
                encoded.len(),
            ));
        }
        if !G::is_valid_public(encoded) {
            return Err(HpkeError::ValidationError);
        }
        Ok(PublicKey::from_valid(encoded))
    }
}

impl<G: DhGroup> Serializable for PrivateKey<G> {
    type OutputSize = G::Nsk;

    fn write_exact(&self, buf: &mut [u8]) {
        if let Some(dst) = buf.get_mut(..self.secret.len()) {
            dst.copy_from_slice(&self.secret);
        }
    }
}

impl<G: DhGroup> Deserializable for PrivateKey<G> {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        if encoded.len() != G::Nsk::USIZE {
            return Err(HpkeError::IncorrectInputLength(
                G::Nsk::USIZE,
                encoded.len(),
            ));
        }
        let secret = G::canonical_private(encoded).ok_or(HpkeError::ValidationError)?;
        Ok(PrivateKey {
            secret,
            public: None,
        })
    }
}

impl<G: DhGroup> Serializable for EncappedKey<G> {
    type OutputSize = G::Npk;

    fn write_exact(&self, buf: &mut [u8]) {
        self.0.write_exact(buf);
    }
}

impl<G: DhGroup> Deserializable for EncappedKey<G> {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        PublicKey::from_bytes(encoded).map(EncappedKey)
    }
}

/// `suite_id = concat("KEM", I2OSP(kem_id, 2))` (RFC 9180 §4.1).
fn suite_id<G: DhGroup>() -> [u8; 5] {
    let [hi, lo] = G::KEM_ID.to_be_bytes();
    [b'K', b'E', b'M', hi, lo]
}

/// `LabeledExtract(salt, label, ikm)` (RFC 9180 §4) with the KEM suite id.
fn labeled_extract<G: DhGroup>(salt: &[u8], label: &[u8], ikm: &[u8]) -> GenericHkdf<G::Mac> {
    let mut ctx = GenericHkdfExtract::<G::Mac>::new(Some(salt));
    ctx.input_ikm(VERSION_LABEL);
    ctx.input_ikm(&suite_id::<G>());
    ctx.input_ikm(label);
    ctx.input_ikm(ikm);
    ctx.finalize().1
}

/// `LabeledExpand(prk, label, info, L)` (RFC 9180 §4). The lengths used here
/// (at most 66) are far below `255 * Nh`, so expansion cannot fail.
fn labeled_expand<G: DhGroup>(
    prk: &GenericHkdf<G::Mac>,
    label: &[u8],
    info: &[u8],
    out: &mut [u8],
) {
    let len = u16::try_from(out.len()).unwrap_or(u16::MAX).to_be_bytes();
    let _ = prk.expand_multi_info(&[&len, VERSION_LABEL, &suite_id::<G>(), label, info], out);
}

/// `ExtractAndExpand(dh, kem_context)` with `kem_context = enc || pkR`.
fn extract_and_expand<G: DhGroup>(
    dh: &[u8],
    enc: &PublicKey<G>,
    pk_r: &PublicKey<G>,
) -> SharedSecret<DhKem<G>> {
    let mut kem_context = Vec::with_capacity(2 * G::Npk::USIZE);
    kem_context.extend_from_slice(&enc.0);
    kem_context.extend_from_slice(&pk_r.0);
    let prk = labeled_extract::<G>(b"", b"eae_prk", dh);
    let mut shared = SharedSecret::<DhKem<G>>(Array::default());
    labeled_expand::<G>(&prk, b"shared_secret", &kem_context, &mut shared.0);
    shared
}

/// The private key derived from `dkp_prk` (RFC 9180 §7.1.3).
fn derive_private<G: DhGroup>(prk: &GenericHkdf<G::Mac>) -> Zeroizing<Vec<u8>> {
    let mut candidate = Zeroizing::new(vec![0u8; G::Nsk::USIZE]);
    match G::DERIVATION {
        Derivation::Direct => {
            labeled_expand::<G>(prk, b"sk", b"", &mut candidate);
            if let Some(sk) = G::canonical_private(&candidate) {
                return sk;
            }
        }
        Derivation::Candidates { bitmask } => {
            for counter in 0u8..=255 {
                labeled_expand::<G>(prk, b"candidate", &[counter], &mut candidate);
                if let Some(first) = candidate.first_mut() {
                    *first &= bitmask;
                }
                if let Some(sk) = G::canonical_private(&candidate) {
                    return sk;
                }
            }
        }
    }
    // X25519/X448 accept every string, and 256 rejected candidates have a
    // probability below 2^-8192.
    unreachable_derivation()
}

#[cold]
fn unreachable_derivation() -> ! {
    // RFC 9180 §7.1.3 raises DeriveKeyPairError here; the `hpke` crate's
    // `Kem::derive_keypair` cannot return an error, and its own DHKEMs
    // panic in the same place.
    panic!("DeriveKeyPair: 256 candidates rejected")
}

impl<G: DhGroup> Kem for DhKem<G> {
    type PublicKey = PublicKey<G>;
    type PrivateKey = PrivateKey<G>;
    type EncappedKey = EncappedKey<G>;
    type NSecret = G::Nsecret;

    const KEM_ID: u16 = G::KEM_ID;

    fn sk_to_pk(sk: &PrivateKey<G>) -> PublicKey<G> {
        match &sk.public {
            Some(pk) => pk.clone(),
            None => PublicKey::from_valid(&G::public_of(&sk.secret)),
        }
    }

    fn derive_keypair(ikm: &[u8]) -> (PrivateKey<G>, PublicKey<G>) {
        let prk = labeled_extract::<G>(b"", b"dkp_prk", ikm);
        let secret = derive_private::<G>(&prk);
        let pk = PublicKey::from_valid(&G::public_of(&secret));
        let sk = PrivateKey {
            secret,
            public: Some(pk.clone()),
        };
        (sk, pk)
    }

    fn decap(
        sk_recip: &PrivateKey<G>,
        pk_sender_id: Option<&PublicKey<G>>,
        encapped_key: &EncappedKey<G>,
    ) -> Result<SharedSecret<Self>, HpkeError> {
        // MLS uses only the base mode; authenticated modes are not offered.
        if pk_sender_id.is_some() {
            return Err(HpkeError::DecapError);
        }
        let dh = G::dh(&sk_recip.secret, &encapped_key.0.0).ok_or(HpkeError::DecapError)?;
        let pk_r = Self::sk_to_pk(sk_recip);
        Ok(extract_and_expand(&dh, &encapped_key.0, &pk_r))
    }

    fn encap_with_rng(
        pk_recip: &PublicKey<G>,
        sender_id_keypair: Option<(&PrivateKey<G>, &PublicKey<G>)>,
        csprng: &mut impl CryptoRng,
    ) -> Result<(SharedSecret<Self>, EncappedKey<G>), HpkeError> {
        if sender_id_keypair.is_some() {
            return Err(HpkeError::EncapError);
        }
        let (sk_e, pk_e) = Self::gen_keypair_with_rng(csprng);
        let dh = G::dh(&sk_e.secret, &pk_recip.0).ok_or(HpkeError::EncapError)?;
        let shared = extract_and_expand(&dh, &pk_e, pk_recip);
        Ok((shared, EncappedKey(pk_e)))
    }
}

/// Building a private key together with its known public key. For the
/// DHKEMs of this module the public key is kept and Decap skips `pk(skR)`;
/// other KEMs (the post-quantum ones of the `hpke` crate) ignore the hint.
pub trait PublicKeyHint: Kem {
    /// The private key `sk`, with `pk` as its public key. `pk` is not
    /// checked against `sk` (a wrong one only makes opening fail).
    fn private_with_public(sk: &[u8], pk: &[u8]) -> Result<Self::PrivateKey, HpkeError> {
        let _ = pk;
        Self::PrivateKey::from_bytes(sk)
    }
}

impl<G: DhGroup> PublicKeyHint for DhKem<G> {
    fn private_with_public(sk: &[u8], pk: &[u8]) -> Result<PrivateKey<G>, HpkeError> {
        let mut key = PrivateKey::<G>::from_bytes(sk)?;
        key.public = Some(PublicKey::from_bytes(pk)?);
        Ok(key)
    }
}

#[cfg(test)]
#[path = "dhkem_tests.rs"]
mod tests;
