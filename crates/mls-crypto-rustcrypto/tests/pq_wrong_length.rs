//! Post-quantum keys, encapsulations and signatures of the wrong length
//! (issue 17, bad input): each is a typed error naming what is wrong,
//! before any decapsulation or verification is attempted.
#![cfg(feature = "pq")]
#![allow(clippy::unwrap_used)]

use mls_crypto::{
    CipherSuite, CipherSuiteProvider, CryptoError, HpkeCiphertextRef, Kem, SignatureScheme,
};
use mls_crypto_rustcrypto::RustCryptoProvider;

fn pq_suites() -> impl Iterator<Item = CipherSuite> {
    CipherSuite::ALL
        .into_iter()
        .filter(|s| matches!(s, CipherSuite::Pq(_)))
}

/// One byte short, one byte long, empty.
fn wrong_lengths(good: &[u8]) -> [Vec<u8>; 3] {
    [good[1..].to_vec(), [good, &[0]].concat(), Vec::new()]
}

#[test]
fn pq_public_keys_and_encapsulations_of_the_wrong_length_are_typed_errors() {
    let provider = RustCryptoProvider::with_seed([5; 32]);
    let mut checked = 0;
    for suite in pq_suites() {
        let cs = provider.suite(suite);
        let Kem::Pq(kem) = suite.kem() else {
            continue;
        };
        let pair = cs.hpke_generate_key_pair().unwrap();
        assert_eq!(pair.public_key.len(), kem.public_key_len(), "{suite:?}");
        for bad in wrong_lengths(&pair.public_key) {
            let validated = cs.hpke_validate_public_key(&bad).unwrap_err();
            assert!(
                matches!(
                    validated,
                    CryptoError::InvalidHpkePublicKey | CryptoError::InvalidLength { .. }
                ),
                "{suite:?}: {validated:?}"
            );
            let sealed = cs.hpke_seal(&bad, b"info", b"", b"m").unwrap_err();
            assert!(
                matches!(
                    sealed,
                    CryptoError::InvalidHpkePublicKey | CryptoError::InvalidLength { .. }
                ),
                "{suite:?}: {sealed:?}"
            );
        }
        let sealed = cs.hpke_seal(&pair.public_key, b"info", b"", b"m").unwrap();
        assert_eq!(sealed.kem_output.len(), kem.enc_len(), "{suite:?}");
        for bad in wrong_lengths(&sealed.kem_output) {
            let ciphertext = HpkeCiphertextRef {
                kem_output: &bad,
                ciphertext: &sealed.ciphertext,
            };
            let opened = cs
                .hpke_open(
                    &pair.private_key,
                    &pair.public_key,
                    b"info",
                    b"",
                    ciphertext,
                )
                .unwrap_err();
            assert_eq!(
                opened,
                CryptoError::InvalidLength {
                    what: "HPKE encapsulated key (kem_output)",
                    expected: kem.enc_len(),
                    actual: bad.len(),
                },
                "{suite:?}"
            );
        }
        let good = HpkeCiphertextRef {
            kem_output: &sealed.kem_output,
            ciphertext: &sealed.ciphertext,
        };
        let opened = cs.hpke_open(&pair.private_key, &pair.public_key, b"info", b"", good);
        assert_eq!(opened.unwrap().as_slice(), b"m", "{suite:?}");
        checked += 1;
    }
    assert_eq!(checked, 11);
}

#[test]
fn ml_dsa_signatures_and_keys_of_the_wrong_length_are_typed_errors() {
    let provider = RustCryptoProvider::with_seed([6; 32]);
    let mut checked = 0;
    for suite in pq_suites() {
        if !matches!(suite.signature(), SignatureScheme::MlDsa(_)) {
            continue;
        }
        let cs = provider.suite(suite);
        let pair = cs.signature_generate_key_pair().unwrap();
        let signature = cs.sign(&pair.private_key, b"m").unwrap();
        for bad in wrong_lengths(&signature) {
            assert_eq!(
                cs.verify(&pair.public_key, b"m", &bad).unwrap_err(),
                CryptoError::MalformedSignature,
                "{suite:?}"
            );
        }
        for bad in wrong_lengths(&pair.public_key) {
            assert_eq!(
                cs.verify(&bad, b"m", &signature).unwrap_err(),
                CryptoError::InvalidSignaturePublicKey,
                "{suite:?}"
            );
        }
        cs.verify(&pair.public_key, b"m", &signature).unwrap();
        checked += 1;
    }
    assert_eq!(checked, 3);
}
