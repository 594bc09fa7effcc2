//! The suite AEAD (RFC 9420 §5.1): AES-128-GCM, AES-256-GCM and
//! ChaCha20-Poly1305 (RFC 5116, RFC 8439), ciphertext followed by the tag.

use aes_gcm::aead::{AeadInOut, KeyInit, Nonce};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use chacha20poly1305::ChaCha20Poly1305;
use mls_crypto::{Aead, CryptoError, Result};
use zeroize::Zeroizing;

/// Dispatch a generic function over the suite's AEAD.
macro_rules! with_aead {
    ($alg:expr, $f:ident ( $($arg:expr),* )) => {
        match $alg {
            Aead::Aes128Gcm => $f::<Aes128Gcm>($($arg),*),
            Aead::Aes256Gcm => $f::<Aes256Gcm>($($arg),*),
            Aead::ChaCha20Poly1305 => $f::<ChaCha20Poly1305>($($arg),*),
        }
    };
}

/// Check the key and nonce lengths of `alg`.
fn check_lengths(alg: Aead, key: &[u8], nonce: &[u8]) -> Result<()> {
    if key.len() != alg.key_len() {
        return Err(CryptoError::InvalidLength {
            what: "AEAD key",
            expected: alg.key_len(),
            actual: key.len(),
        });
    }
    if nonce.len() != alg.nonce_len() {
        return Err(CryptoError::InvalidLength {
            what: "AEAD nonce",
            expected: alg.nonce_len(),
            actual: nonce.len(),
        });
    }
    Ok(())
}

/// AEAD encryption: ciphertext || tag.
pub(crate) fn seal(
    alg: Aead,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    check_lengths(alg, key, nonce)?;
    with_aead!(alg, seal_with(key, nonce, aad, plaintext))
}

/// AEAD decryption; `AeadOpenFailed` when the tag does not verify.
pub(crate) fn open(
    alg: Aead,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    check_lengths(alg, key, nonce)?;
    if ciphertext.len() < alg.tag_len() {
        return Err(CryptoError::AeadOpenFailed);
    }
    with_aead!(alg, open_with(key, nonce, aad, ciphertext))
}

fn cipher_and_nonce<A: AeadInOut + KeyInit>(key: &[u8], nonce: &[u8]) -> Result<(A, Nonce<A>)> {
    let cipher = A::new_from_slice(key).map_err(|_| CryptoError::InvalidLength {
        what: "AEAD key",
        expected: A::key_size(),
        actual: key.len(),
    })?;
    let nonce = Nonce::<A>::try_from(nonce).map_err(|_| CryptoError::InvalidLength {
        what: "AEAD nonce",
        expected: 12,
        actual: nonce.len(),
    })?;
    Ok((cipher, nonce))
}

fn seal_with<A: AeadInOut + KeyInit>(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    let (cipher, nonce) = cipher_and_nonce::<A>(key, nonce)?;
    let mut buffer = Vec::with_capacity(plaintext.len() + 16);
    buffer.extend_from_slice(plaintext);
    cipher
        .encrypt_in_place(&nonce, aad, &mut buffer)
        .map_err(|_| CryptoError::AeadSealFailed)?;
    Ok(buffer)
}

fn open_with<A: AeadInOut + KeyInit>(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let (cipher, nonce) = cipher_and_nonce::<A>(key, nonce)?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_in_place(&nonce, aad, &mut *buffer)
        .map_err(|_| CryptoError::AeadOpenFailed)?;
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Aead; 3] = [Aead::Aes128Gcm, Aead::Aes256Gcm, Aead::ChaCha20Poly1305];

    #[test]
    fn round_trip_and_tamper_detection() {
        for alg in ALL {
            let key = vec![7u8; alg.key_len()];
            let nonce = [9u8; 12];
            let ct = seal(alg, &key, &nonce, b"aad", b"hello").expect("seal");
            assert_eq!(ct.len(), 5 + 16);
            let pt = open(alg, &key, &nonce, b"aad", &ct).expect("open");
            assert_eq!(&pt[..], b"hello");
            for i in 0..ct.len() {
                let mut bad = ct.clone();
                bad[i] ^= 1;
                assert_eq!(
                    open(alg, &key, &nonce, b"aad", &bad).err(),
                    Some(CryptoError::AeadOpenFailed)
                );
            }
            assert_eq!(
                open(alg, &key, &nonce, b"other", &ct).err(),
                Some(CryptoError::AeadOpenFailed)
            );
            assert_eq!(
                open(alg, &key, &nonce, b"aad", &ct[..15]).err(),
                Some(CryptoError::AeadOpenFailed)
            );
        }
    }

    #[test]
    fn wrong_key_or_nonce_length_is_typed() {
        for alg in ALL {
            let key = vec![7u8; alg.key_len() + 1];
            assert!(matches!(
                seal(alg, &key, &[0; 12], b"", b""),
                Err(CryptoError::InvalidLength {
                    what: "AEAD key",
                    ..
                })
            ));
            let key = vec![7u8; alg.key_len()];
            assert!(matches!(
                open(alg, &key, &[0; 11], b"", &[0; 16]),
                Err(CryptoError::InvalidLength {
                    what: "AEAD nonce",
                    ..
                })
            ));
        }
    }

    /// RFC 8439 §2.8.2 AEAD_CHACHA20_POLY1305 test vector (tag only).
    #[test]
    fn chacha20poly1305_rfc8439_tag() {
        let key = hex::decode("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
            .expect("hex");
        let nonce = hex::decode("070000004041424344454647").expect("hex");
        let aad = hex::decode("50515253c0c1c2c3c4c5c6c7").expect("hex");
        let pt = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let ct = seal(Aead::ChaCha20Poly1305, &key, &nonce, &aad, pt).expect("seal");
        assert_eq!(
            hex::encode(&ct[ct.len() - 16..]),
            "1ae10b594f09e26a7e902ecbd0600691"
        );
    }
}
