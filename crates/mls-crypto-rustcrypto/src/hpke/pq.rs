//! HPKE for the post-quantum suites of draft-ietf-mls-pq-ciphersuites-06:
//! the KEMs of draft-ietf-hpke-pq-05 from the `hpke` crate's `mlkem`
//! feature, with the suite's two-stage KDF (HKDF-SHA256 or HKDF-SHA384, as
//! revision -06 specifies) and AEAD, through the same generic
//! [`HpkeSuite`] as the RFC 9420 suites.
//!
//! All five KEMs the draft needs are in the `hpke` crate: ML-KEM-768 and
//! ML-KEM-1024 (0x0041, 0x0042), X-Wing (0x647a) and the MLKEM768-P256 and
//! MLKEM1024-P384 hybrids (0x0050, 0x0051) of
//! draft-irtf-cfrg-concrete-hybrid-kems; none is composed here.

use hpke::aead::{AesGcm128, AesGcm256, ChaCha20Poly1305};
use hpke::kdf::{HkdfSha256, HkdfSha384};
use hpke::kem::{MlKem768, MlKem768P256, MlKem1024, MlKem1024P384, XWing};
use mls_crypto::{Kem, PqKem, PqSuite};

use super::{HpkeOps, HpkeSuite};
use crate::dhkem::PublicKeyHint;

// The post-quantum KEMs recompute nothing that a public-key hint would
// save (their decapsulation keys hold the encapsulation key), so they take
// the default: the hint is ignored.
impl PublicKeyHint for XWing {}
impl PublicKeyHint for MlKem768 {}
impl PublicKeyHint for MlKem1024 {}
impl PublicKeyHint for MlKem768P256 {}
impl PublicKeyHint for MlKem1024P384 {}

/// The HPKE operations of a PQ suite (draft-06 §3.1 Table 2).
pub(crate) fn for_suite(suite: PqSuite) -> &'static dyn HpkeOps {
    const XWING: Kem = Kem::Pq(PqKem::XWing);
    const MLKEM768P256: Kem = Kem::Pq(PqKem::MlKem768P256);
    const MLKEM1024P384: Kem = Kem::Pq(PqKem::MlKem1024P384);
    const MLKEM768: Kem = Kem::Pq(PqKem::MlKem768);
    const MLKEM1024: Kem = Kem::Pq(PqKem::MlKem1024);
    static TBD1: HpkeSuite<AesGcm128, HkdfSha256, XWing> = HpkeSuite::new(XWING);
    static TBD2: HpkeSuite<AesGcm256, HkdfSha384, XWing> = HpkeSuite::new(XWING);
    static TBD3: HpkeSuite<AesGcm128, HkdfSha256, MlKem768P256> = HpkeSuite::new(MLKEM768P256);
    static TBD4: HpkeSuite<AesGcm256, HkdfSha384, MlKem768P256> = HpkeSuite::new(MLKEM768P256);
    static TBD5: HpkeSuite<AesGcm256, HkdfSha384, MlKem1024P384> = HpkeSuite::new(MLKEM1024P384);
    static TBD6_7: HpkeSuite<AesGcm256, HkdfSha384, MlKem768> = HpkeSuite::new(MLKEM768);
    static TBD8: HpkeSuite<AesGcm256, HkdfSha384, MlKem1024> = HpkeSuite::new(MLKEM1024);
    static TBD9: HpkeSuite<ChaCha20Poly1305, HkdfSha384, XWing> = HpkeSuite::new(XWING);
    match suite {
        PqSuite::Mls128MlKem768X25519Aes128GcmSha256Ed25519 => &TBD1,
        PqSuite::Mls128MlKem768X25519Aes256GcmSha384Ed25519 => &TBD2,
        PqSuite::Mls128MlKem768P256Aes128GcmSha256P256 => &TBD3,
        PqSuite::Mls128MlKem768P256Aes256GcmSha384P256 => &TBD4,
        PqSuite::Mls192MlKem1024P384Aes256GcmSha384P384 => &TBD5,
        PqSuite::Mls128MlKem768Aes256GcmSha384Ed25519
        | PqSuite::Mls128MlKem768Aes256GcmSha384P256
        | PqSuite::Mls192MlKem768Aes256GcmSha384MlDsa65 => &TBD6_7,
        PqSuite::Mls192MlKem1024Aes256GcmSha384P384
        | PqSuite::Mls256MlKem1024Aes256GcmSha384MlDsa87 => &TBD8,
        PqSuite::Mls128MlKem768X25519ChaCha20Poly1305Sha384MlDsa44 => &TBD9,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use mls_crypto::{CipherSuite, CryptoError};

    use super::*;
    use crate::rng::Randomness;

    /// Public keys of the right length that the KEM must refuse: every PQ
    /// public key starts with the ML-KEM encapsulation key, whose first
    /// 12-bit coefficient is set to 4095 >= q (FIPS 203 §7.2 modulus check).
    pub(crate) fn malformed_public_keys(pk: &[u8], check: impl Fn(&[u8])) {
        let mut k = pk.to_vec();
        k[0] = 0xff;
        k[1] |= 0x0f;
        check(&k);
    }

    fn ops(kem: PqKem) -> (PqSuite, &'static dyn HpkeOps) {
        let suite = PqSuite::ALL
            .into_iter()
            .find(|s| s.kem() == kem)
            .expect("a suite per KEM");
        (suite, for_suite(suite))
    }

    /// The ECDH half of a hybrid key must be a valid uncompressed point.
    #[test]
    fn hybrid_keys_with_a_bad_point_are_refused() {
        let rng = Randomness::seeded([21; 32]);
        for (kem, mlkem_len) in [(PqKem::MlKem768P256, 1184), (PqKem::MlKem1024P384, 1568)] {
            let (_, ops) = ops(kem);
            let pk = ops.generate(&rng).expect("generate").public_key;
            for tag in [0x00, 0x02, 0x03, 0x06] {
                let mut k = pk.clone();
                k[mlkem_len] = tag;
                assert_eq!(
                    ops.validate_public_key(&k),
                    Err(CryptoError::InvalidHpkePublicKey),
                    "{kem:?} tag {tag}"
                );
            }
            let mut off_curve = pk.clone();
            let last = off_curve.len() - 1;
            off_curve[last] ^= 1;
            assert_eq!(
                ops.validate_public_key(&off_curve),
                Err(CryptoError::InvalidHpkePublicKey),
                "{kem:?}"
            );
        }
    }

    /// Sizes as draft-ietf-hpke-pq-05 Table 2 gives them, checked against
    /// what the `hpke` crate produces.
    #[test]
    fn sizes_match_the_kem() {
        let rng = Randomness::seeded([22; 32]);
        for kem in [
            PqKem::MlKem768,
            PqKem::MlKem1024,
            PqKem::MlKem768P256,
            PqKem::MlKem1024P384,
            PqKem::XWing,
        ] {
            let (suite, ops) = ops(kem);
            let kp = ops.generate(&rng).expect("generate");
            assert_eq!(kp.public_key.len(), kem.public_key_len(), "{kem:?}");
            assert_eq!(kp.private_key.as_bytes().len(), kem.private_key_len());
            let ct = ops
                .seal(&rng, &kp.public_key, b"info", b"aad", b"plaintext")
                .expect("seal");
            assert_eq!(ct.kem_output.len(), kem.enc_len(), "{kem:?}");
            let suite = CipherSuite::Pq(suite);
            assert_eq!(
                ct.ciphertext.len(),
                b"plaintext".len() + suite.aead().tag_len()
            );
        }
    }

    /// A ciphertext whose encapsulation has the wrong length, or whose
    /// encapsulation is altered, does not open (typed error, no panic).
    #[test]
    fn wrong_length_or_altered_encapsulations_are_refused() {
        let rng = Randomness::seeded([23; 32]);
        for suite in PqSuite::ALL {
            let ops = for_suite(suite);
            let kp = ops.generate(&rng).expect("generate");
            let sk = kp.private_key.as_bytes();
            let ct = ops
                .seal(&rng, &kp.public_key, b"", b"", b"m")
                .expect("seal");
            let n = ct.kem_output.len();
            for len in [0, 32, n - 1, n + 1] {
                let mut enc = ct.kem_output.clone();
                enc.resize(len, 0);
                let wrong_length = Some(CryptoError::InvalidLength {
                    what: "HPKE encapsulated key (kem_output)",
                    expected: n,
                    actual: len,
                });
                assert_eq!(
                    ops.open(sk, &kp.public_key, &enc, b"", b"", &ct.ciphertext)
                        .err(),
                    wrong_length,
                    "{suite:?} enc of {len} bytes"
                );
                assert_eq!(
                    ops.export_receiver(sk, &kp.public_key, &enc, b"", b"x", 32)
                        .err(),
                    wrong_length
                );
            }
            // ML-KEM's implicit rejection: an altered ciphertext decapsulates
            // to an unrelated secret, so the AEAD fails.
            let mut enc = ct.kem_output.clone();
            enc[0] ^= 1;
            assert_eq!(
                ops.open(sk, &kp.public_key, &enc, b"", b"", &ct.ciphertext)
                    .err(),
                Some(CryptoError::HpkeOpenFailed),
                "{suite:?}"
            );
            assert_eq!(
                &ops.open(sk, &kp.public_key, &ct.kem_output, b"", b"", &ct.ciphertext)
                    .expect("open")[..],
                b"m"
            );
        }
    }
}
