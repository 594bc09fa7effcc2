//! The base-mode key schedule of RFC 9180 §5.1, for seals whose `info` was
//! hashed once ([`info_hash`]) and then sealed to many recipients.
//!
//! Why by hand: `info` enters SealBase only through `info_hash =
//! LabeledExtract("", "info_hash", info)`, but the `hpke` crate takes `info`
//! itself on every seal and hashes it again. In MLS the info of a Welcome's
//! `EncryptWithLabel(init_key, "Welcome", encrypted_group_info, ..)` is the
//! whole encrypted GroupInfo (RFC 9420 §12.4.3.1; about 3 MB with the tree of
//! a 10,000-member group), the same for every new member: an Add of 100
//! members hashed it 100 times (issue 14 item 3). The KEM (`Encap`) and the
//! AEAD stay those of the `hpke` crate and of [`crate::aead`]; only the few
//! HKDF calls between them are here, checked byte for byte against the
//! crate's own seal by the tests (`hpke_tests.rs`).

use hkdf::{Hkdf, HkdfExtract};
use hmac::{EagerHash, Hmac, KeyInit, Mac};
use mls_crypto::{Aead, CryptoError, HashAlgorithm, Result, Secret};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use crate::hash::with_hash;

/// `"HPKE-v1"` (RFC 9180 §4).
const VERSION_LABEL: &[u8] = b"HPKE-v1";
/// `mode_base` (RFC 9180 §5.1, Table 1).
const MODE_BASE: u8 = 0x00;

/// `suite_id = concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2),
/// I2OSP(aead_id, 2))` (RFC 9180 §5.1).
pub(super) fn suite_id(kem_id: u16, kdf_id: u16, aead_id: u16) -> [u8; 10] {
    let mut id = [0u8; 10];
    id[..4].copy_from_slice(b"HPKE");
    id[4..6].copy_from_slice(&kem_id.to_be_bytes());
    id[6..8].copy_from_slice(&kdf_id.to_be_bytes());
    id[8..].copy_from_slice(&aead_id.to_be_bytes());
    id
}

/// The KDF of an HPKE KDF id (RFC 9180 §7.2, Table 3).
pub(super) fn kdf_of(kdf_id: u16) -> Option<HashAlgorithm> {
    match kdf_id {
        0x0001 => Some(HashAlgorithm::Sha256),
        0x0002 => Some(HashAlgorithm::Sha384),
        0x0003 => Some(HashAlgorithm::Sha512),
        _ => None,
    }
}

/// The AEAD of an HPKE AEAD id (RFC 9180 §7.3, Table 5).
pub(super) fn aead_of(aead_id: u16) -> Option<Aead> {
    match aead_id {
        0x0001 => Some(Aead::Aes128Gcm),
        0x0002 => Some(Aead::Aes256Gcm),
        0x0003 => Some(Aead::ChaCha20Poly1305),
        _ => None,
    }
}

/// `LabeledExtract(salt, label, ikm)` with `ikm` given in parts, so that a
/// large `info` is hashed where it lies.
fn labeled_extract(
    kdf: HashAlgorithm,
    suite_id: &[u8],
    salt: &[u8],
    label: &[u8],
    ikm: &[&[u8]],
) -> Zeroizing<Vec<u8>> {
    with_hash!(kdf, extract_parts(suite_id, salt, label, ikm))
}

fn extract_parts<H: EagerHash + Clone>(
    suite_id: &[u8],
    salt: &[u8],
    label: &[u8],
    ikm: &[&[u8]],
) -> Zeroizing<Vec<u8>>
where
    Hmac<H>: KeyInit + Mac + Clone,
{
    let mut extract = HkdfExtract::<H>::new(Some(salt));
    extract.input_ikm(VERSION_LABEL);
    extract.input_ikm(suite_id);
    extract.input_ikm(label);
    for part in ikm {
        extract.input_ikm(part);
    }
    let (prk, _) = extract.finalize();
    Zeroizing::new(prk.to_vec())
}

/// `LabeledExpand(prk, label, info, len)`.
fn labeled_expand(
    kdf: HashAlgorithm,
    suite_id: &[u8],
    prk: &[u8],
    label: &[u8],
    info: &[u8],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    with_hash!(kdf, expand_parts(suite_id, prk, label, info, len))
}

fn expand_parts<H: EagerHash + Clone>(
    suite_id: &[u8],
    prk: &[u8],
    label: &[u8],
    info: &[u8],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>>
where
    Hmac<H>: KeyInit + Mac + Clone,
{
    let length = u16::try_from(len).map_err(|_| CryptoError::KdfOutputTooLong(len))?;
    let hk = Hkdf::<H>::from_prk(prk).map_err(|_| CryptoError::InvalidLength {
        what: "HPKE PRK",
        expected: 0,
        actual: prk.len(),
    })?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    hk.expand_multi_info(
        &[&length.to_be_bytes(), VERSION_LABEL, suite_id, label, info],
        &mut out,
    )
    .map_err(|_| CryptoError::KdfOutputTooLong(len))?;
    Ok(out)
}

/// `info_hash = LabeledExtract("", "info_hash", info)` (RFC 9180 §5.1), with
/// `info` the concatenation of `info_parts`.
pub(super) fn info_hash(kdf: HashAlgorithm, suite_id: &[u8], info_parts: &[&[u8]]) -> Vec<u8> {
    labeled_extract(kdf, suite_id, &[], b"info_hash", info_parts).to_vec()
}

/// The AEAD key and base nonce of base mode (RFC 9180 §5.1 `KeySchedule`,
/// `psk = psk_id = ""`) from the KEM's shared secret and the info hash.
pub(super) fn key_and_nonce(
    kdf: HashAlgorithm,
    aead: Aead,
    suite_id: &[u8],
    shared_secret: &[u8],
    info_hash: &[u8],
) -> Result<(Secret, Secret)> {
    let psk_id_hash = labeled_extract(kdf, suite_id, &[], b"psk_id_hash", &[]);
    let mut context = Vec::with_capacity(1 + psk_id_hash.len() + info_hash.len());
    context.push(MODE_BASE);
    context.extend_from_slice(&psk_id_hash);
    context.extend_from_slice(info_hash);
    let secret = labeled_extract(kdf, suite_id, shared_secret, b"secret", &[]);
    let key = labeled_expand(kdf, suite_id, &secret, b"key", &context, aead.key_len())?;
    let nonce = labeled_expand(
        kdf,
        suite_id,
        &secret,
        b"base_nonce",
        &context,
        aead.nonce_len(),
    )?;
    Ok((Secret::from(key), Secret::from(nonce)))
}
