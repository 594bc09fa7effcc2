use mls_crypto::{CryptoError, MlDsa};

use super::*;

const SETS: [MlDsa; 3] = [MlDsa::MlDsa44, MlDsa::MlDsa65, MlDsa::MlDsa87];

#[test]
fn sign_verify_round_trip_with_the_fips_204_sizes() {
    let rng = Randomness::seeded([9; 32]);
    for set in SETS {
        let ops = for_parameter_set(set);
        let keys = ops.generate(&rng).expect("generate");
        assert_eq!(keys.private_key.as_bytes().len(), 32, "{set:?} seed");
        assert_eq!(keys.public_key.len(), set.public_key_len(), "{set:?}");
        let sig = ops.sign(keys.private_key.as_bytes(), b"m").expect("sign");
        assert_eq!(sig.len(), set.signature_len(), "{set:?}");
        assert_eq!(ops.verify(&keys.public_key, b"m", &sig), Ok(()));
        assert_eq!(
            ops.verify(&keys.public_key, b"n", &sig),
            Err(CryptoError::InvalidSignature)
        );
        // Deterministic signing: the same key and message, the same bytes.
        assert_eq!(ops.sign(keys.private_key.as_bytes(), b"m"), Ok(sig));
    }
}

#[test]
fn wrong_lengths_are_typed_errors() {
    let rng = Randomness::seeded([10; 32]);
    for set in SETS {
        let ops = for_parameter_set(set);
        let keys = ops.generate(&rng).expect("generate");
        let sig = ops.sign(keys.private_key.as_bytes(), b"m").expect("sign");
        for len in [0, sig.len() - 1, sig.len() + 1] {
            let mut bad = sig.clone();
            bad.resize(len, 0);
            assert_eq!(
                ops.verify(&keys.public_key, b"m", &bad),
                Err(CryptoError::MalformedSignature),
                "{set:?} signature of {len} bytes"
            );
        }
        for len in [0, keys.public_key.len() - 1, keys.public_key.len() + 1] {
            let mut bad = keys.public_key.clone();
            bad.resize(len, 0);
            assert_eq!(
                ops.validate_public_key(&bad),
                Err(CryptoError::InvalidSignaturePublicKey)
            );
            assert_eq!(
                ops.verify(&bad, b"m", &sig),
                Err(CryptoError::InvalidSignaturePublicKey)
            );
        }
        for len in [0, 31, 33, 2560] {
            assert_eq!(
                ops.sign(&vec![1; len], b"m"),
                Err(CryptoError::InvalidSignaturePrivateKey),
                "{set:?} private key of {len} bytes"
            );
        }
    }
}

#[test]
fn a_malformed_hint_is_a_malformed_signature() {
    let rng = Randomness::seeded([11; 32]);
    for set in SETS {
        let ops = for_parameter_set(set);
        let keys = ops.generate(&rng).expect("generate");
        let mut sig = ops.sign(keys.private_key.as_bytes(), b"m").expect("sign");
        // FIPS 204 HintBitUnpack: the last K bytes count the hints per row
        // and must not decrease nor exceed omega; 0xff breaks both.
        let last = sig.len() - 1;
        sig[last] = 0xff;
        sig[last - 1] = 0xff;
        assert_eq!(
            ops.verify(&keys.public_key, b"m", &sig),
            Err(CryptoError::MalformedSignature),
            "{set:?}"
        );
    }
}
