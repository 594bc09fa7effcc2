//! DHKEM(X448, HKDF-SHA512), KEM id 0x0021 (RFC 9180 §4.1, §7.1), which the
//! `hpke` crate does not ship.
//!
//! It implements the `hpke` crate's public [`hpke::Kem`] trait, so the
//! crate's key schedule, AEAD contexts and exporter (RFC 9180 §5) are reused
//! unchanged; only the KEM is written here, on RustCrypto's `x448`:
//! - `DeriveKeyPair` per RFC 9180 §7.1.3 (`dkp_prk`, then `sk`, Nsk = 56);
//! - `Encap`/`Decap` per §4.1 with `ExtractAndExpand` (`eae_prk`,
//!   `shared_secret`, Nsecret = 64);
//! - public keys are 56 bytes; low-order points are rejected when decoded
//!   and an all-zero DH output aborts (§7.1.4).
//!
//! Private keys are kept as the 56 bytes given (or derived); X448 clamps the
//! scalar at use (RFC 7748 §5), so clamped and unclamped encodings of one key
//! behave identically.

use hkdf::Hkdf;
use hpke::hybrid_array::{Array, typenum::U56, typenum::U64};
use hpke::kem::SharedSecret;
use hpke::rand_core::CryptoRng;
use hpke::{Deserializable, HpkeError, Kem, Serializable};
use sha2::Sha512;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

/// Nsk = Npk = Ndh = 56 for X448.
const N: usize = 56;

/// `suite_id = concat("KEM", I2OSP(kem_id, 2))` (RFC 9180 §4.1).
const SUITE_ID: [u8; 5] = *b"KEM\x00\x21";

/// RFC 9180 §4: the version label of every labeled KDF call.
const VERSION_LABEL: &[u8] = b"HPKE-v1";

/// DHKEM(X448, HKDF-SHA512).
pub struct X448HkdfSha512;

/// An X448 public key (u-coordinate) that is not of low order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey([u8; N]);

/// An X448 private key (56 bytes, zeroized on drop).
#[derive(Clone)]
pub struct PrivateKey(Zeroizing<[u8; N]>);

/// The encapsulated key: the ephemeral public key.
#[derive(Clone)]
pub struct EncappedKey(PublicKey);

impl ConstantTimeEq for PrivateKey {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.as_slice().ct_eq(other.0.as_slice())
    }
}

/// Copy a 56-byte value into `buf`, which the `hpke` crate sizes exactly.
fn write_56(src: &[u8; N], buf: &mut [u8]) {
    if let Some(dst) = buf.get_mut(..N) {
        dst.copy_from_slice(src);
    }
}

impl Serializable for PublicKey {
    type OutputSize = U56;

    fn write_exact(&self, buf: &mut [u8]) {
        write_56(&self.0, buf);
    }
}

impl Deserializable for PublicKey {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        if encoded.len() != N {
            return Err(HpkeError::IncorrectInputLength(N, encoded.len()));
        }
        // `from_bytes` rejects low-order points (all of which would give an
        // all-zero shared secret).
        let key = x448::PublicKey::from_bytes(encoded).ok_or(HpkeError::ValidationError)?;
        Ok(PublicKey(*key.as_bytes()))
    }
}

impl Serializable for PrivateKey {
    type OutputSize = U56;

    fn write_exact(&self, buf: &mut [u8]) {
        write_56(&self.0, buf);
    }
}

impl Deserializable for PrivateKey {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        let bytes: [u8; N] = encoded
            .try_into()
            .map_err(|_| HpkeError::IncorrectInputLength(N, encoded.len()))?;
        Ok(PrivateKey(Zeroizing::new(bytes)))
    }
}

impl Serializable for EncappedKey {
    type OutputSize = U56;

    fn write_exact(&self, buf: &mut [u8]) {
        self.0.write_exact(buf);
    }
}

impl Deserializable for EncappedKey {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        PublicKey::from_bytes(encoded).map(EncappedKey)
    }
}

/// `LabeledExtract(salt, label, ikm)` (RFC 9180 §4) with HKDF-SHA512 and the
/// KEM suite id.
fn labeled_extract(salt: &[u8], label: &[u8], ikm: &[u8]) -> Hkdf<Sha512> {
    let mut ctx = hkdf::HkdfExtract::<Sha512>::new(Some(salt));
    ctx.input_ikm(VERSION_LABEL);
    ctx.input_ikm(&SUITE_ID);
    ctx.input_ikm(label);
    ctx.input_ikm(ikm);
    ctx.finalize().1
}

/// `LabeledExpand(prk, label, info, L)` (RFC 9180 §4). The lengths used here
/// (56 and 64) are far below HKDF-SHA512's limit, so expansion cannot fail.
fn labeled_expand(prk: &Hkdf<Sha512>, label: &[u8], info: &[u8], out: &mut [u8]) {
    let len = (out.len() as u16).to_be_bytes();
    let _ = prk.expand_multi_info(&[&len, VERSION_LABEL, &SUITE_ID, label, info], out);
}

/// `DH(sk, pk)`: X448 with an all-zero output rejected (RFC 9180 §7.1.4).
fn dh(sk: &PrivateKey, pk: &PublicKey) -> Result<Zeroizing<[u8; N]>, HpkeError> {
    let out = Zeroizing::new(x448::x448(*sk.0, pk.0).ok_or(HpkeError::DecapError)?);
    if bool::from(out.as_slice().ct_eq(&[0u8; N])) {
        return Err(HpkeError::DecapError);
    }
    Ok(out)
}

/// `ExtractAndExpand(dh, kem_context)` (RFC 9180 §4.1).
fn extract_and_expand(
    dh: &[u8],
    enc: &PublicKey,
    pk_r: &PublicKey,
) -> SharedSecret<X448HkdfSha512> {
    let mut kem_context = [0u8; 2 * N];
    kem_context[..N].copy_from_slice(&enc.0);
    kem_context[N..].copy_from_slice(&pk_r.0);
    let prk = labeled_extract(b"", b"eae_prk", dh);
    let mut shared = SharedSecret::<X448HkdfSha512>(Array::default());
    labeled_expand(&prk, b"shared_secret", &kem_context, &mut shared.0);
    shared
}

/// `pk(sk)`: the scalar times the base point (never of low order).
fn public_key_of(sk: &PrivateKey) -> PublicKey {
    PublicKey(x448::x448_unchecked(*sk.0, x448::X448_BASEPOINT_BYTES))
}

impl Kem for X448HkdfSha512 {
    type PublicKey = PublicKey;
    type PrivateKey = PrivateKey;
    type EncappedKey = EncappedKey;
    type NSecret = U64;

    const KEM_ID: u16 = 0x0021;

    fn sk_to_pk(sk: &PrivateKey) -> PublicKey {
        public_key_of(sk)
    }

    /// RFC 9180 §7.1.3:
    /// `dkp_prk = LabeledExtract("", "dkp_prk", ikm)`,
    /// `sk = LabeledExpand(dkp_prk, "sk", "", Nsk)`.
    fn derive_keypair(ikm: &[u8]) -> (PrivateKey, PublicKey) {
        let prk = labeled_extract(b"", b"dkp_prk", ikm);
        let mut sk = PrivateKey(Zeroizing::new([0u8; N]));
        labeled_expand(&prk, b"sk", b"", sk.0.as_mut_slice());
        let pk = public_key_of(&sk);
        (sk, pk)
    }

    fn decap(
        sk_recip: &PrivateKey,
        pk_sender_id: Option<&PublicKey>,
        encapped_key: &EncappedKey,
    ) -> Result<SharedSecret<Self>, HpkeError> {
        // MLS uses only the base mode; authenticated modes are not offered.
        if pk_sender_id.is_some() {
            return Err(HpkeError::DecapError);
        }
        let dh = dh(sk_recip, &encapped_key.0)?;
        let pk_r = public_key_of(sk_recip);
        Ok(extract_and_expand(dh.as_slice(), &encapped_key.0, &pk_r))
    }

    fn encap_with_rng(
        pk_recip: &PublicKey,
        sender_id_keypair: Option<(&PrivateKey, &PublicKey)>,
        csprng: &mut impl CryptoRng,
    ) -> Result<(SharedSecret<Self>, EncappedKey), HpkeError> {
        if sender_id_keypair.is_some() {
            return Err(HpkeError::EncapError);
        }
        let (sk_e, pk_e) = Self::gen_keypair_with_rng(csprng);
        let dh = dh(&sk_e, pk_recip).map_err(|_| HpkeError::EncapError)?;
        let shared = extract_and_expand(dh.as_slice(), &pk_e, pk_recip);
        Ok((shared, EncappedKey(pk_e)))
    }
}
