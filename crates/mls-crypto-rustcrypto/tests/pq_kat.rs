//! Known-answer tests of the post-quantum primitives (`pq` feature), with
//! the vectors of `tests/vectors/pq/` (provenance in its SOURCE.txt):
//! X-Wing (draft-connolly-cfrg-xwing-kem: key from seed, decapsulation),
//! ML-KEM-768/1024 and ML-DSA-44/65/87 (the LAMPS example keys: public key
//! from the stored seed).
#![cfg(feature = "pq")]
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use base64::Engine;
use hpke::{Deserializable, Kem as _};
use mls_crypto::{CipherSuite, HpkePrivateKey, PqSuite, SignaturePrivateKey};
use mls_crypto_rustcrypto::RustCryptoProvider;

fn vector(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/pq")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The DER inside a PEM file.
fn pem(name: &str) -> Vec<u8> {
    let text = String::from_utf8(vector(name)).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

/// The last `n` bytes of a DER structure: the seed of a seed-only PKCS#8
/// key, the key of a SubjectPublicKeyInfo (both end with their payload).
fn tail(der: &[u8], n: usize) -> &[u8] {
    &der[der.len() - n..]
}

fn provider() -> RustCryptoProvider {
    RustCryptoProvider::with_seed([0; 32])
}

#[test]
fn ml_kem_public_keys_from_the_stored_seed() {
    for (suite, name, pk_len) in [
        (
            PqSuite::Mls128MlKem768Aes256GcmSha384Ed25519,
            "ML-KEM-768",
            1184,
        ),
        (
            PqSuite::Mls192MlKem1024Aes256GcmSha384P384,
            "ML-KEM-1024",
            1568,
        ),
    ] {
        let cs = provider().suite(CipherSuite::Pq(suite));
        let seed = pem(&format!("{name}-seed.priv"));
        let seed = tail(&seed, 64);
        assert_eq!(seed, (0u8..64).collect::<Vec<_>>(), "{name} d || z");
        let expected = pem(&format!("{name}.pub"));
        let public_key = cs
            .hpke_public_key(&HpkePrivateKey::from(seed.to_vec()))
            .unwrap();
        assert_eq!(public_key, tail(&expected, pk_len), "{name}");
        use mls_crypto::CipherSuiteProvider as _;
        cs.hpke_validate_public_key(&public_key).unwrap();
    }
}

#[test]
fn ml_dsa_public_keys_from_the_stored_seed() {
    use mls_crypto::CipherSuiteProvider as _;
    for (suite, name, pk_len) in [
        (
            PqSuite::Mls128MlKem768X25519ChaCha20Poly1305Sha384MlDsa44,
            "ML-DSA-44",
            1312,
        ),
        (
            PqSuite::Mls192MlKem768Aes256GcmSha384MlDsa65,
            "ML-DSA-65",
            1952,
        ),
        (
            PqSuite::Mls256MlKem1024Aes256GcmSha384MlDsa87,
            "ML-DSA-87",
            2592,
        ),
    ] {
        let cs = provider().suite(CipherSuite::Pq(suite));
        let seed = pem(&format!("{name}-seed.priv"));
        let seed = tail(&seed, 32);
        assert_eq!(seed, (0u8..32).collect::<Vec<_>>(), "{name} xi");
        let expected = pem(&format!("{name}.pub"));
        let private_key = SignaturePrivateKey::from(seed.to_vec());
        let public_key = cs.signature_public_key(&private_key).unwrap();
        assert_eq!(public_key, tail(&expected, pk_len), "{name}");
        let sig = cs.sign(&private_key, b"known answer").unwrap();
        cs.verify(&public_key, b"known answer", &sig).unwrap();
    }
}

#[test]
fn x_wing_keys_and_decapsulation() {
    use mls_crypto::CipherSuiteProvider as _;
    let vectors: Vec<serde_json::Value> = serde_json::from_slice(&vector("xwing.json")).unwrap();
    assert_eq!(vectors.len(), 3);
    let cs = provider().suite(CipherSuite::Pq(
        PqSuite::Mls128MlKem768X25519Aes128GcmSha256Ed25519,
    ));
    for v in vectors {
        let field = |name: &str| v[name].as_str().unwrap().to_owned();
        let sk = hex::decode(field("sk")).unwrap();
        let public_key = cs
            .hpke_public_key(&HpkePrivateKey::from(sk.clone()))
            .unwrap();
        assert_eq!(hex::encode(&public_key), field("pk"));
        // The shared secret is internal to HPKE; check it on the KEM the
        // provider uses.
        type XWing = hpke::kem::XWing;
        let sk = <XWing as hpke::Kem>::PrivateKey::from_bytes(&sk).unwrap();
        let ct = hex::decode(field("ct")).unwrap();
        let ct = <XWing as hpke::Kem>::EncappedKey::from_bytes(&ct).unwrap();
        let ss = XWing::decap(&sk, None, &ct).unwrap();
        assert_eq!(hex::encode(ss.0), field("ss"));
    }
}
