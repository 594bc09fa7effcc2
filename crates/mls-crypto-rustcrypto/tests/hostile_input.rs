//! Arbitrary bytes in every place a key, signature or ciphertext from the
//! wire goes: the provider returns errors (or, by chance, success), never
//! panics.

use mls_crypto::{
    CipherSuite, CipherSuiteProvider, HpkeCiphertextRef, HpkePrivateKey, SignaturePrivateKey,
};
use mls_crypto_rustcrypto::RustCryptoProvider;
use proptest::prelude::*;

fn any_suite() -> impl Strategy<Value = CipherSuite> {
    (0..CipherSuite::ALL.len()).prop_map(|i| CipherSuite::ALL[i])
}

/// Byte strings around the interesting sizes (0..=200 covers every key,
/// encapsulation and signature length of the seven suites).
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..=200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn decoding_never_panics(
        suite in any_suite(),
        a in bytes(),
        b in bytes(),
        c in bytes(),
    ) {
        let cs = RustCryptoProvider::with_seed([9; 32]).suite(suite);
        let _ = cs.hpke_validate_public_key(&a);
        let _ = cs.signature_validate_public_key(&a);
        let _ = cs.verify(&a, &b, &c);
        let _ = cs.hpke_seal(&a, &b, &c, b"m");
        let _ = cs.hpke_export_sender(&a, &b, &c, 32);
        let sk = HpkePrivateKey::from(a.clone());
        let _ = cs.hpke_public_key(&sk);
        let _ = cs.hpke_open(&sk, &a, b"info", b"", HpkeCiphertextRef { kem_output: &b, ciphertext: &c });
        let _ = cs.hpke_open(&sk, &c, b"info", b"", HpkeCiphertextRef { kem_output: &b, ciphertext: &a });
        let _ = cs.hpke_export_receiver(&sk, &a, &b, b"", &c, 32);
        let _ = cs.hpke_derive_key_pair(&a);
        let ssk = SignaturePrivateKey::from(a.clone());
        let _ = cs.signature_public_key(&ssk);
        let _ = cs.sign(&ssk, &b);
        let _ = cs.aead_open(&a, &b, b"", &c);
        let _ = cs.kdf_expand(&a, &b, c.len() * 40);
    }

    #[test]
    fn right_sized_garbage_never_panics(suite in any_suite(), seed in any::<[u8; 32]>()) {
        let provider = RustCryptoProvider::with_seed(seed);
        let cs = provider.suite(suite);
        let kem = suite.kem();
        let garbage = |n: usize| cs.random_bytes(n).expect("random");
        let pk = garbage(kem.public_key_len());
        let _ = cs.hpke_validate_public_key(&pk);
        let _ = cs.hpke_seal(&pk, b"", b"", b"m");
        let sk = HpkePrivateKey::from(garbage(kem.private_key_len()));
        let (enc, ct) = (garbage(kem.enc_len()), garbage(40));
        let ciphertext = HpkeCiphertextRef { kem_output: &enc, ciphertext: &ct };
        let _ = cs.hpke_open(&sk, &pk, b"", b"", ciphertext);
        let _ = cs.hpke_export_receiver(&sk, &pk, &enc, b"", b"", 32);
        let keys = cs.signature_generate_key_pair().expect("generate");
        let sig = cs.sign(&keys.private_key, b"m").expect("sign");
        let mut forged = sig.clone();
        let i = usize::from(seed[0]) % forged.len();
        forged[i] ^= seed[1] | 1;
        prop_assert!(cs.verify(&keys.public_key, b"m", &forged).is_err());
        prop_assert!(cs.verify(&keys.public_key, b"m", &sig).is_ok());
    }
}
