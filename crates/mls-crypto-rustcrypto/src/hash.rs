//! Hash, MAC and KDF of a suite (RFC 9420 §5.1): SHA-2, HMAC and HKDF
//! (RFC 5869) over the suite's hash.

use hkdf::Hkdf;
use hmac::{EagerHash, Hmac, KeyInit, Mac};
use mls_crypto::{CryptoError, HashAlgorithm, Result, Secret};
use sha2::{Digest, Sha256, Sha384, Sha512};
use zeroize::{Zeroize, Zeroizing};

/// Dispatch a generic function over the suite's hash.
macro_rules! with_hash {
    ($alg:expr, $f:ident ( $($arg:expr),* )) => {
        match $alg {
            HashAlgorithm::Sha256 => $f::<Sha256>($($arg),*),
            HashAlgorithm::Sha384 => $f::<Sha384>($($arg),*),
            HashAlgorithm::Sha512 => $f::<Sha512>($($arg),*),
        }
    };
}
pub(crate) use with_hash;

/// `Hash(data)`.
pub(crate) fn hash(alg: HashAlgorithm, data: &[u8]) -> Vec<u8> {
    with_hash!(alg, digest(data))
}

fn digest<H: Digest>(data: &[u8]) -> Vec<u8> {
    H::digest(data).to_vec()
}

/// `Hash(parts[0] || parts[1] || ...)`, fed in turn.
pub(crate) fn hash_parts(alg: HashAlgorithm, parts: &[&[u8]]) -> Vec<u8> {
    with_hash!(alg, digest_parts(parts))
}

fn digest_parts<H: Digest>(parts: &[&[u8]]) -> Vec<u8> {
    let mut hasher = H::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().to_vec()
}

/// `MAC(key, data)`: HMAC with the suite hash.
pub(crate) fn mac(alg: HashAlgorithm, key: &[u8], data: &[u8]) -> Vec<u8> {
    with_hash!(alg, hmac(key, data))
}

fn hmac<H: EagerHash>(key: &[u8], data: &[u8]) -> Vec<u8>
where
    Hmac<H>: KeyInit + Mac,
{
    // HMAC accepts keys of any length, so this never fails; an empty MAC is
    // what a failure would produce and it never matches a real tag.
    match <Hmac<H> as KeyInit>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// `KDF.Extract(salt, ikm)`: HKDF-Extract.
pub(crate) fn extract(alg: HashAlgorithm, salt: &[u8], ikm: &[u8]) -> Secret {
    with_hash!(alg, hkdf_extract(salt, ikm))
}

fn hkdf_extract<H: EagerHash + Clone>(salt: &[u8], ikm: &[u8]) -> Secret
where
    Hmac<H>: KeyInit + Mac + Clone,
{
    let (mut prk, _) = Hkdf::<H>::extract(Some(salt), ikm);
    let out = Secret::from_slice(&prk);
    prk.zeroize();
    out
}

/// `KDF.Expand(prk, info, len)`: HKDF-Expand, with the PRK length and the
/// output length checked first.
pub(crate) fn expand(alg: HashAlgorithm, prk: &[u8], info: &[u8], len: usize) -> Result<Secret> {
    let nh = alg.output_len();
    if prk.len() < nh {
        return Err(CryptoError::InvalidLength {
            what: "HKDF PRK",
            expected: nh,
            actual: prk.len(),
        });
    }
    if len > 255 * nh {
        return Err(CryptoError::KdfOutputTooLong(len));
    }
    with_hash!(alg, hkdf_expand(prk, info, len))
}

fn hkdf_expand<H: EagerHash + Clone>(prk: &[u8], info: &[u8], len: usize) -> Result<Secret>
where
    Hmac<H>: KeyInit + Mac + Clone,
{
    // The PRK length was checked against Nh by the caller.
    let hk = Hkdf::<H>::from_prk(prk).map_err(|_| CryptoError::InvalidLength {
        what: "HKDF PRK",
        expected: 0,
        actual: prk.len(),
    })?;
    let mut okm = Zeroizing::new(vec![0u8; len]);
    hk.expand(info, &mut okm)
        .map_err(|_| CryptoError::KdfOutputTooLong(len))?;
    Ok(Secret::from(okm))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s).expect("hex")
    }

    /// RFC 5869 Appendix A.1 (HKDF-SHA256, basic case).
    #[test]
    fn hkdf_sha256_rfc5869_case1() {
        let ikm = unhex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        let salt = unhex("000102030405060708090a0b0c");
        let info = unhex("f0f1f2f3f4f5f6f7f8f9");
        let prk = extract(HashAlgorithm::Sha256, &salt, &ikm);
        assert_eq!(
            prk.as_bytes(),
            unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
        );
        let okm = expand(HashAlgorithm::Sha256, prk.as_bytes(), &info, 42).expect("expand");
        assert_eq!(
            okm.as_bytes(),
            unhex(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
            )
        );
    }

    #[test]
    fn expand_rejects_short_prk_and_long_output() {
        let prk = [1u8; 32];
        assert!(matches!(
            expand(HashAlgorithm::Sha256, &prk[..31], b"", 32),
            Err(CryptoError::InvalidLength { .. })
        ));
        assert_eq!(
            expand(HashAlgorithm::Sha256, &prk, b"", 255 * 32 + 1).err(),
            Some(CryptoError::KdfOutputTooLong(255 * 32 + 1))
        );
        assert!(expand(HashAlgorithm::Sha256, &prk, b"", 255 * 32).is_ok());
    }

    #[test]
    fn output_sizes_follow_the_hash() {
        for (alg, n) in [
            (HashAlgorithm::Sha256, 32),
            (HashAlgorithm::Sha384, 48),
            (HashAlgorithm::Sha512, 64),
        ] {
            assert_eq!(hash(alg, b"abc").len(), n);
            assert_eq!(mac(alg, b"k", b"abc").len(), n);
            assert_eq!(extract(alg, b"", b"ikm").len(), n);
        }
    }

    /// FIPS 180-2 example: SHA-256("abc").
    #[test]
    fn sha256_abc() {
        assert_eq!(
            hash(HashAlgorithm::Sha256, b"abc"),
            unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
    }
}
