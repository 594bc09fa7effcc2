//! The eleven post-quantum cipher suites of draft-ietf-mls-pq-ciphersuites-06
//! (§2, §3.1 Tables 1 and 2), behind the `pq` feature.
//!
//! The draft leaves the code points as placeholders (`TBD1` .. `TBD11`); the
//! wire value of each suite comes from the configurable table in
//! [`super::code_points`]. The algorithms are exactly those of revision -06:
//! the KEMs of draft-ietf-hpke-pq-05 (ML-KEM-768/1024, X-Wing and the
//! ML-KEM + P-256/P-384 hybrids of draft-irtf-cfrg-concrete-hybrid-kems-04),
//! HKDF-SHA256 or HKDF-SHA384 as the MLS and HPKE KDF (revisions before -06
//! used SHAKE256 here), AES-GCM or ChaCha20-Poly1305, and Ed25519, ECDSA or
//! ML-DSA (draft-ietf-tls-mldsa-05 code points) signatures.

use super::{Aead, HashAlgorithm, SignatureScheme};

/// A post-quantum or PQ/traditional hybrid KEM of draft-ietf-hpke-pq-05.
///
/// Private keys are the seeds the KEM drafts specify as `SerializePrivateKey`
/// (64 bytes `d || z` for ML-KEM, FIPS 203 §6.1; 32 bytes for X-Wing and the
/// ML-KEM + ECDH hybrids), never the expanded decapsulation key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PqKem {
    /// ML-KEM-768, KEM id 0x0041.
    MlKem768,
    /// ML-KEM-1024, KEM id 0x0042.
    MlKem1024,
    /// MLKEM768-P256 (ML-KEM-768 + P-256 hybrid), KEM id 0x0050.
    MlKem768P256,
    /// MLKEM1024-P384 (ML-KEM-1024 + P-384 hybrid), KEM id 0x0051.
    MlKem1024P384,
    /// X-Wing (ML-KEM-768 + X25519 hybrid), KEM id 0x647a.
    XWing,
}

impl PqKem {
    /// The HPKE KEM identifier (draft-ietf-hpke-pq-05 §8).
    pub const fn id(self) -> u16 {
        match self {
            PqKem::MlKem768 => 0x0041,
            PqKem::MlKem1024 => 0x0042,
            PqKem::MlKem768P256 => 0x0050,
            PqKem::MlKem1024P384 => 0x0051,
            PqKem::XWing => 0x647a,
        }
    }

    /// Npk: the serialized public (encapsulation) key length.
    pub const fn public_key_len(self) -> usize {
        match self {
            PqKem::MlKem768 => 1184,
            PqKem::MlKem1024 => 1568,
            // ML-KEM-768 key followed by an uncompressed P-256 point.
            PqKem::MlKem768P256 => 1184 + 65,
            // ML-KEM-1024 key followed by an uncompressed P-384 point.
            PqKem::MlKem1024P384 => 1568 + 97,
            // ML-KEM-768 key followed by an X25519 key.
            PqKem::XWing => 1184 + 32,
        }
    }

    /// Nsk: the serialized private key (seed) length.
    pub const fn private_key_len(self) -> usize {
        match self {
            PqKem::MlKem768 | PqKem::MlKem1024 => 64,
            PqKem::MlKem768P256 | PqKem::MlKem1024P384 | PqKem::XWing => 32,
        }
    }

    /// Nenc: the encapsulation (ciphertext) length.
    pub const fn enc_len(self) -> usize {
        match self {
            PqKem::MlKem768 => 1088,
            PqKem::MlKem1024 => 1568,
            PqKem::MlKem768P256 => 1088 + 65,
            PqKem::MlKem1024P384 => 1568 + 97,
            PqKem::XWing => 1088 + 32,
        }
    }
}

/// An ML-DSA parameter set (FIPS 204), pure mode with an empty context, as
/// draft-ietf-tls-mldsa-05 uses it.
///
/// The private key is the 32-byte seed `xi` (FIPS 204 §6.1, the form
/// RFC 9881 recommends); public keys and signatures are the FIPS 204
/// encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MlDsa {
    /// ML-DSA-44, TLS SignatureScheme mldsa44 (0x0904).
    MlDsa44,
    /// ML-DSA-65, TLS SignatureScheme mldsa65 (0x0905).
    MlDsa65,
    /// ML-DSA-87, TLS SignatureScheme mldsa87 (0x0906).
    MlDsa87,
}

impl MlDsa {
    /// The TLS SignatureScheme code point (draft-ietf-tls-mldsa-05).
    pub const fn id(self) -> u16 {
        match self {
            MlDsa::MlDsa44 => 0x0904,
            MlDsa::MlDsa65 => 0x0905,
            MlDsa::MlDsa87 => 0x0906,
        }
    }

    /// The encoded public key length (FIPS 204 Table 2).
    pub const fn public_key_len(self) -> usize {
        match self {
            MlDsa::MlDsa44 => 1312,
            MlDsa::MlDsa65 => 1952,
            MlDsa::MlDsa87 => 2592,
        }
    }

    /// The encoded signature length (FIPS 204 Table 2).
    pub const fn signature_len(self) -> usize {
        match self {
            MlDsa::MlDsa44 => 2420,
            MlDsa::MlDsa65 => 3309,
            MlDsa::MlDsa87 => 4627,
        }
    }

    /// The private key (seed) length.
    pub const fn private_key_len(self) -> usize {
        32
    }
}

/// The eleven suites of draft-ietf-mls-pq-ciphersuites-06 §3.1, in the
/// draft's order (`TBD1` first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PqSuite {
    /// TBD1 MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519.
    Mls128MlKem768X25519Aes128GcmSha256Ed25519,
    /// TBD2 MLS_128_MLKEM768X25519_AES256GCM_SHA384_Ed25519.
    Mls128MlKem768X25519Aes256GcmSha384Ed25519,
    /// TBD3 MLS_128_MLKEM768P256_AES128GCM_SHA256_P256.
    Mls128MlKem768P256Aes128GcmSha256P256,
    /// TBD4 MLS_128_MLKEM768P256_AES256GCM_SHA384_P256.
    Mls128MlKem768P256Aes256GcmSha384P256,
    /// TBD5 MLS_192_MLKEM1024P384_AES256GCM_SHA384_P384.
    Mls192MlKem1024P384Aes256GcmSha384P384,
    /// TBD6 MLS_128_MLKEM768_AES256GCM_SHA384_Ed25519.
    Mls128MlKem768Aes256GcmSha384Ed25519,
    /// TBD7 MLS_128_MLKEM768_AES256GCM_SHA384_P256.
    Mls128MlKem768Aes256GcmSha384P256,
    /// TBD8 MLS_192_MLKEM1024_AES256GCM_SHA384_P384.
    Mls192MlKem1024Aes256GcmSha384P384,
    /// TBD9 MLS_128_MLKEM768X25519_CHACHA20POLY1305_SHA384_MLDSA44.
    Mls128MlKem768X25519ChaCha20Poly1305Sha384MlDsa44,
    /// TBD10 MLS_192_MLKEM768_AES256GCM_SHA384_MLDSA65.
    Mls192MlKem768Aes256GcmSha384MlDsa65,
    /// TBD11 MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87.
    Mls256MlKem1024Aes256GcmSha384MlDsa87,
}

impl PqSuite {
    /// The eleven suites, `TBD1` to `TBD11`.
    pub const ALL: [PqSuite; 11] = [
        PqSuite::Mls128MlKem768X25519Aes128GcmSha256Ed25519,
        PqSuite::Mls128MlKem768X25519Aes256GcmSha384Ed25519,
        PqSuite::Mls128MlKem768P256Aes128GcmSha256P256,
        PqSuite::Mls128MlKem768P256Aes256GcmSha384P256,
        PqSuite::Mls192MlKem1024P384Aes256GcmSha384P384,
        PqSuite::Mls128MlKem768Aes256GcmSha384Ed25519,
        PqSuite::Mls128MlKem768Aes256GcmSha384P256,
        PqSuite::Mls192MlKem1024Aes256GcmSha384P384,
        PqSuite::Mls128MlKem768X25519ChaCha20Poly1305Sha384MlDsa44,
        PqSuite::Mls192MlKem768Aes256GcmSha384MlDsa65,
        PqSuite::Mls256MlKem1024Aes256GcmSha384MlDsa87,
    ];

    /// The draft's placeholder number: `n` of `TBDn` (1..=11).
    pub const fn placeholder(self) -> u8 {
        match self {
            PqSuite::Mls128MlKem768X25519Aes128GcmSha256Ed25519 => 1,
            PqSuite::Mls128MlKem768X25519Aes256GcmSha384Ed25519 => 2,
            PqSuite::Mls128MlKem768P256Aes128GcmSha256P256 => 3,
            PqSuite::Mls128MlKem768P256Aes256GcmSha384P256 => 4,
            PqSuite::Mls192MlKem1024P384Aes256GcmSha384P384 => 5,
            PqSuite::Mls128MlKem768Aes256GcmSha384Ed25519 => 6,
            PqSuite::Mls128MlKem768Aes256GcmSha384P256 => 7,
            PqSuite::Mls192MlKem1024Aes256GcmSha384P384 => 8,
            PqSuite::Mls128MlKem768X25519ChaCha20Poly1305Sha384MlDsa44 => 9,
            PqSuite::Mls192MlKem768Aes256GcmSha384MlDsa65 => 10,
            PqSuite::Mls256MlKem1024Aes256GcmSha384MlDsa87 => 11,
        }
    }

    /// The suite with placeholder `TBDn`, if `n` is 1..=11.
    pub fn from_placeholder(n: u8) -> Option<PqSuite> {
        PqSuite::ALL.into_iter().find(|s| s.placeholder() == n)
    }

    /// The name the draft registers (Table 1).
    pub const fn name(self) -> &'static str {
        match self {
            PqSuite::Mls128MlKem768X25519Aes128GcmSha256Ed25519 => {
                "MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519"
            }
            PqSuite::Mls128MlKem768X25519Aes256GcmSha384Ed25519 => {
                "MLS_128_MLKEM768X25519_AES256GCM_SHA384_Ed25519"
            }
            PqSuite::Mls128MlKem768P256Aes128GcmSha256P256 => {
                "MLS_128_MLKEM768P256_AES128GCM_SHA256_P256"
            }
            PqSuite::Mls128MlKem768P256Aes256GcmSha384P256 => {
                "MLS_128_MLKEM768P256_AES256GCM_SHA384_P256"
            }
            PqSuite::Mls192MlKem1024P384Aes256GcmSha384P384 => {
                "MLS_192_MLKEM1024P384_AES256GCM_SHA384_P384"
            }
            PqSuite::Mls128MlKem768Aes256GcmSha384Ed25519 => {
                "MLS_128_MLKEM768_AES256GCM_SHA384_Ed25519"
            }
            PqSuite::Mls128MlKem768Aes256GcmSha384P256 => "MLS_128_MLKEM768_AES256GCM_SHA384_P256",
            PqSuite::Mls192MlKem1024Aes256GcmSha384P384 => {
                "MLS_192_MLKEM1024_AES256GCM_SHA384_P384"
            }
            PqSuite::Mls128MlKem768X25519ChaCha20Poly1305Sha384MlDsa44 => {
                "MLS_128_MLKEM768X25519_CHACHA20POLY1305_SHA384_MLDSA44"
            }
            PqSuite::Mls192MlKem768Aes256GcmSha384MlDsa65 => {
                "MLS_192_MLKEM768_AES256GCM_SHA384_MLDSA65"
            }
            PqSuite::Mls256MlKem1024Aes256GcmSha384MlDsa87 => {
                "MLS_256_MLKEM1024_AES256GCM_SHA384_MLDSA87"
            }
        }
    }

    /// The KEM (Table 2, column KEM).
    pub const fn kem(self) -> PqKem {
        match self {
            PqSuite::Mls128MlKem768X25519Aes128GcmSha256Ed25519
            | PqSuite::Mls128MlKem768X25519Aes256GcmSha384Ed25519
            | PqSuite::Mls128MlKem768X25519ChaCha20Poly1305Sha384MlDsa44 => PqKem::XWing,
            PqSuite::Mls128MlKem768P256Aes128GcmSha256P256
            | PqSuite::Mls128MlKem768P256Aes256GcmSha384P256 => PqKem::MlKem768P256,
            PqSuite::Mls192MlKem1024P384Aes256GcmSha384P384 => PqKem::MlKem1024P384,
            PqSuite::Mls128MlKem768Aes256GcmSha384Ed25519
            | PqSuite::Mls128MlKem768Aes256GcmSha384P256
            | PqSuite::Mls192MlKem768Aes256GcmSha384MlDsa65 => PqKem::MlKem768,
            PqSuite::Mls192MlKem1024Aes256GcmSha384P384
            | PqSuite::Mls256MlKem1024Aes256GcmSha384MlDsa87 => PqKem::MlKem1024,
        }
    }

    /// The hash, also the MLS and HPKE KDF (HKDF, Table 2 columns KDF and
    /// Hash: KDF 0x0001 is HKDF-SHA256, 0x0002 HKDF-SHA384).
    pub const fn hash(self) -> HashAlgorithm {
        match self {
            PqSuite::Mls128MlKem768X25519Aes128GcmSha256Ed25519
            | PqSuite::Mls128MlKem768P256Aes128GcmSha256P256 => HashAlgorithm::Sha256,
            _ => HashAlgorithm::Sha384,
        }
    }

    /// The AEAD (Table 2, column AEAD: 0x0001 AES-128-GCM, 0x0002
    /// AES-256-GCM, 0x0003 ChaCha20-Poly1305).
    pub const fn aead(self) -> Aead {
        match self {
            PqSuite::Mls128MlKem768X25519Aes128GcmSha256Ed25519
            | PqSuite::Mls128MlKem768P256Aes128GcmSha256P256 => Aead::Aes128Gcm,
            PqSuite::Mls128MlKem768X25519ChaCha20Poly1305Sha384MlDsa44 => Aead::ChaCha20Poly1305,
            _ => Aead::Aes256Gcm,
        }
    }

    /// The signature scheme (Table 2, column Signature).
    pub const fn signature(self) -> SignatureScheme {
        match self {
            PqSuite::Mls128MlKem768X25519Aes128GcmSha256Ed25519
            | PqSuite::Mls128MlKem768X25519Aes256GcmSha384Ed25519
            | PqSuite::Mls128MlKem768Aes256GcmSha384Ed25519 => SignatureScheme::Ed25519,
            PqSuite::Mls128MlKem768P256Aes128GcmSha256P256
            | PqSuite::Mls128MlKem768P256Aes256GcmSha384P256
            | PqSuite::Mls128MlKem768Aes256GcmSha384P256 => SignatureScheme::EcdsaP256Sha256,
            PqSuite::Mls192MlKem1024P384Aes256GcmSha384P384
            | PqSuite::Mls192MlKem1024Aes256GcmSha384P384 => SignatureScheme::EcdsaP384Sha384,
            PqSuite::Mls128MlKem768X25519ChaCha20Poly1305Sha384MlDsa44 => {
                SignatureScheme::MlDsa(MlDsa::MlDsa44)
            }
            PqSuite::Mls192MlKem768Aes256GcmSha384MlDsa65 => SignatureScheme::MlDsa(MlDsa::MlDsa65),
            PqSuite::Mls256MlKem1024Aes256GcmSha384MlDsa87 => {
                SignatureScheme::MlDsa(MlDsa::MlDsa87)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Table 2 of draft-ietf-mls-pq-ciphersuites-06, row by row: KEM id,
    /// KDF id, AEAD id, hash, signature scheme code point.
    const TABLE_2: [(u8, u16, u16, u16, HashAlgorithm, u16); 11] = [
        (1, 0x647a, 0x0001, 0x0001, HashAlgorithm::Sha256, 0x0807),
        (2, 0x647a, 0x0002, 0x0002, HashAlgorithm::Sha384, 0x0807),
        (3, 0x0050, 0x0001, 0x0001, HashAlgorithm::Sha256, 0x0403),
        (4, 0x0050, 0x0002, 0x0002, HashAlgorithm::Sha384, 0x0403),
        (5, 0x0051, 0x0002, 0x0002, HashAlgorithm::Sha384, 0x0503),
        (6, 0x0041, 0x0002, 0x0002, HashAlgorithm::Sha384, 0x0807),
        (7, 0x0041, 0x0002, 0x0002, HashAlgorithm::Sha384, 0x0403),
        (8, 0x0042, 0x0002, 0x0002, HashAlgorithm::Sha384, 0x0503),
        (9, 0x647a, 0x0002, 0x0003, HashAlgorithm::Sha384, 0x0904),
        (10, 0x0041, 0x0002, 0x0002, HashAlgorithm::Sha384, 0x0905),
        (11, 0x0042, 0x0002, 0x0002, HashAlgorithm::Sha384, 0x0906),
    ];

    fn kdf_id(hash: HashAlgorithm) -> u16 {
        match hash {
            HashAlgorithm::Sha256 => 0x0001,
            HashAlgorithm::Sha384 => 0x0002,
            HashAlgorithm::Sha512 => 0x0003,
        }
    }

    fn aead_id(aead: Aead) -> u16 {
        match aead {
            Aead::Aes128Gcm => 0x0001,
            Aead::Aes256Gcm => 0x0002,
            Aead::ChaCha20Poly1305 => 0x0003,
        }
    }

    #[test]
    fn suites_match_table_2_of_draft_06() {
        for (tbd, kem, kdf, aead, hash, sig) in TABLE_2 {
            let s = PqSuite::from_placeholder(tbd).expect("placeholder");
            assert_eq!(s.kem().id(), kem, "{}", s.name());
            assert_eq!(kdf_id(s.hash()), kdf, "{}", s.name());
            assert_eq!(aead_id(s.aead()), aead, "{}", s.name());
            assert_eq!(s.hash(), hash, "{}", s.name());
            assert_eq!(s.signature().id(), sig, "{}", s.name());
        }
        assert_eq!(PqSuite::from_placeholder(0), None);
        assert_eq!(PqSuite::from_placeholder(12), None);
    }

    #[test]
    fn names_spell_the_algorithms() {
        for s in PqSuite::ALL {
            let name = s.name();
            let kem = match s.kem() {
                PqKem::XWing => "_MLKEM768X25519_",
                PqKem::MlKem768P256 => "_MLKEM768P256_",
                PqKem::MlKem1024P384 => "_MLKEM1024P384_",
                PqKem::MlKem768 => "_MLKEM768_",
                PqKem::MlKem1024 => "_MLKEM1024_",
            };
            assert!(name.contains(kem), "{name}");
            let hash = match s.hash() {
                HashAlgorithm::Sha256 => "_SHA256_",
                _ => "_SHA384_",
            };
            assert!(name.contains(hash), "{name}");
        }
    }

    #[test]
    fn hybrid_sizes_are_the_sum_of_their_parts() {
        assert_eq!(PqKem::XWing.public_key_len(), 1216);
        assert_eq!(PqKem::XWing.enc_len(), 1120);
        assert_eq!(PqKem::MlKem768P256.public_key_len(), 1249);
        assert_eq!(PqKem::MlKem1024P384.enc_len(), 1665);
    }
}
