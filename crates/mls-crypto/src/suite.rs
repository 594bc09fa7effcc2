//! The cipher-suite registry of RFC 9420 §17.1 and GREASE values (§13.5).

use crate::CryptoError;

#[cfg(feature = "pq")]
pub mod code_points;
#[cfg(feature = "pq")]
pub mod pq_suites;

#[cfg(feature = "pq")]
use code_points::CodePoints;
#[cfg(feature = "pq")]
use pq_suites::{MlDsa, PqKem, PqSuite};

/// A KEM of RFC 9180 used by an MLS cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kem {
    /// DHKEM(X25519, HKDF-SHA256), KEM id 0x0020.
    DhKemX25519Sha256,
    /// DHKEM(P-256, HKDF-SHA256), KEM id 0x0010.
    DhKemP256Sha256,
    /// DHKEM(P-384, HKDF-SHA384), KEM id 0x0011.
    DhKemP384Sha384,
    /// DHKEM(P-521, HKDF-SHA512), KEM id 0x0012.
    DhKemP521Sha512,
    /// DHKEM(X448, HKDF-SHA512), KEM id 0x0021.
    DhKemX448Sha512,
    /// A post-quantum or hybrid KEM of draft-ietf-hpke-pq (`pq` feature).
    #[cfg(feature = "pq")]
    Pq(PqKem),
}

impl Kem {
    /// The RFC 9180 KEM identifier.
    pub const fn id(self) -> u16 {
        match self {
            Kem::DhKemP256Sha256 => 0x0010,
            Kem::DhKemP384Sha384 => 0x0011,
            Kem::DhKemP521Sha512 => 0x0012,
            Kem::DhKemX25519Sha256 => 0x0020,
            Kem::DhKemX448Sha512 => 0x0021,
            #[cfg(feature = "pq")]
            Kem::Pq(k) => k.id(),
        }
    }

    /// Npk: length of a serialized public key (uncompressed points for NIST curves).
    pub const fn public_key_len(self) -> usize {
        match self {
            Kem::DhKemX25519Sha256 => 32,
            Kem::DhKemX448Sha512 => 56,
            Kem::DhKemP256Sha256 => 65,
            Kem::DhKemP384Sha384 => 97,
            Kem::DhKemP521Sha512 => 133,
            #[cfg(feature = "pq")]
            Kem::Pq(k) => k.public_key_len(),
        }
    }

    /// Nsk: length of a serialized private key.
    pub const fn private_key_len(self) -> usize {
        match self {
            Kem::DhKemX25519Sha256 => 32,
            Kem::DhKemX448Sha512 => 56,
            Kem::DhKemP256Sha256 => 32,
            Kem::DhKemP384Sha384 => 48,
            Kem::DhKemP521Sha512 => 66,
            #[cfg(feature = "pq")]
            Kem::Pq(k) => k.private_key_len(),
        }
    }

    /// Nenc: length of the encapsulated key (equals Npk for DHKEMs).
    pub const fn enc_len(self) -> usize {
        #[cfg(feature = "pq")]
        if let Kem::Pq(k) = self {
            return k.enc_len();
        }
        self.public_key_len()
    }
}

/// The hash (and HKDF/HMAC) function of a suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// Nh: output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }
}

/// The AEAD of a suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aead {
    /// AES-128-GCM.
    Aes128Gcm,
    /// AES-256-GCM.
    Aes256Gcm,
    /// ChaCha20-Poly1305.
    ChaCha20Poly1305,
}

impl Aead {
    /// Nk: key length in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            Aead::Aes128Gcm => 16,
            Aead::Aes256Gcm | Aead::ChaCha20Poly1305 => 32,
        }
    }

    /// Nn: nonce length in bytes.
    pub const fn nonce_len(self) -> usize {
        12
    }

    /// Authentication tag length in bytes.
    pub const fn tag_len(self) -> usize {
        16
    }
}

/// The signature scheme of a suite (TLS SignatureScheme names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureScheme {
    /// ed25519 (0x0807).
    Ed25519,
    /// ed448 (0x0808).
    Ed448,
    /// ecdsa_secp256r1_sha256 (0x0403), DER signatures.
    EcdsaP256Sha256,
    /// ecdsa_secp384r1_sha384 (0x0503), DER signatures.
    EcdsaP384Sha384,
    /// ecdsa_secp521r1_sha512 (0x0603), DER signatures.
    EcdsaP521Sha512,
    /// ML-DSA (draft-ietf-tls-mldsa, `pq` feature).
    #[cfg(feature = "pq")]
    MlDsa(MlDsa),
}

impl SignatureScheme {
    /// The TLS SignatureScheme code point.
    pub const fn id(self) -> u16 {
        match self {
            SignatureScheme::EcdsaP256Sha256 => 0x0403,
            SignatureScheme::EcdsaP384Sha384 => 0x0503,
            SignatureScheme::EcdsaP521Sha512 => 0x0603,
            SignatureScheme::Ed25519 => 0x0807,
            SignatureScheme::Ed448 => 0x0808,
            #[cfg(feature = "pq")]
            SignatureScheme::MlDsa(m) => m.id(),
        }
    }
}

/// The seven cipher suites of RFC 9420 §17.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CipherSuite {
    /// 0x0001 MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519.
    Mls128DhKemX25519Aes128GcmSha256Ed25519,
    /// 0x0002 MLS_128_DHKEMP256_AES128GCM_SHA256_P256.
    Mls128DhKemP256Aes128GcmSha256P256,
    /// 0x0003 MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519.
    Mls128DhKemX25519ChaCha20Poly1305Sha256Ed25519,
    /// 0x0004 MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448.
    Mls256DhKemX448Aes256GcmSha512Ed448,
    /// 0x0005 MLS_256_DHKEMP521_AES256GCM_SHA512_P521.
    Mls256DhKemP521Aes256GcmSha512P521,
    /// 0x0006 MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448.
    Mls256DhKemX448ChaCha20Poly1305Sha512Ed448,
    /// 0x0007 MLS_256_DHKEMP384_AES256GCM_SHA384_P384.
    Mls256DhKemP384Aes256GcmSha384P384,
    /// A suite of draft-ietf-mls-pq-ciphersuites-06 (`pq` feature); its wire
    /// value comes from [`CodePoints`].
    #[cfg(feature = "pq")]
    Pq(PqSuite),
}

impl CipherSuite {
    /// How many suites the registry holds (7, or 18 with the `pq` feature).
    pub const COUNT: usize = 7 + PQ_COUNT;

    /// Every suite of the registry: the seven of RFC 9420 in id order, then
    /// (with the `pq` feature) the eleven PQ suites in the draft's order.
    pub const ALL: [CipherSuite; CipherSuite::COUNT] = all_suites();

    /// The seven suites of RFC 9420 §17.1, in id order.
    pub const RFC9420: [CipherSuite; 7] = [
        CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519,
        CipherSuite::Mls128DhKemP256Aes128GcmSha256P256,
        CipherSuite::Mls128DhKemX25519ChaCha20Poly1305Sha256Ed25519,
        CipherSuite::Mls256DhKemX448Aes256GcmSha512Ed448,
        CipherSuite::Mls256DhKemP521Aes256GcmSha512P521,
        CipherSuite::Mls256DhKemX448ChaCha20Poly1305Sha512Ed448,
        CipherSuite::Mls256DhKemP384Aes256GcmSha384P384,
    ];

    /// Look a wire value up in the registry. The reserved value 0, GREASE
    /// values and unassigned values are errors.
    pub fn from_id(id: u16) -> Result<Self, CryptoError> {
        #[cfg(feature = "pq")]
        if let Some(pq) = CodePoints::current().suite(id) {
            return Ok(CipherSuite::Pq(pq));
        }
        CipherSuite::RFC9420
            .into_iter()
            .find(|s| s.id() == id)
            .ok_or(CryptoError::UnsupportedCipherSuite(id))
    }

    /// The wire value (for a PQ suite, from the installed [`CodePoints`]).
    pub fn id(self) -> u16 {
        match self {
            #[cfg(feature = "pq")]
            CipherSuite::Pq(s) => CodePoints::current().id(s),
            CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519 => 1,
            CipherSuite::Mls128DhKemP256Aes128GcmSha256P256 => 2,
            CipherSuite::Mls128DhKemX25519ChaCha20Poly1305Sha256Ed25519 => 3,
            CipherSuite::Mls256DhKemX448Aes256GcmSha512Ed448 => 4,
            CipherSuite::Mls256DhKemP521Aes256GcmSha512P521 => 5,
            CipherSuite::Mls256DhKemX448ChaCha20Poly1305Sha512Ed448 => 6,
            CipherSuite::Mls256DhKemP384Aes256GcmSha384P384 => 7,
        }
    }

    /// The suite's KEM.
    pub const fn kem(self) -> Kem {
        match self {
            CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519
            | CipherSuite::Mls128DhKemX25519ChaCha20Poly1305Sha256Ed25519 => Kem::DhKemX25519Sha256,
            CipherSuite::Mls128DhKemP256Aes128GcmSha256P256 => Kem::DhKemP256Sha256,
            CipherSuite::Mls256DhKemX448Aes256GcmSha512Ed448
            | CipherSuite::Mls256DhKemX448ChaCha20Poly1305Sha512Ed448 => Kem::DhKemX448Sha512,
            CipherSuite::Mls256DhKemP521Aes256GcmSha512P521 => Kem::DhKemP521Sha512,
            CipherSuite::Mls256DhKemP384Aes256GcmSha384P384 => Kem::DhKemP384Sha384,
            #[cfg(feature = "pq")]
            CipherSuite::Pq(s) => Kem::Pq(s.kem()),
        }
    }

    /// The suite's hash, also used for HKDF and HMAC.
    pub const fn hash(self) -> HashAlgorithm {
        match self {
            CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519
            | CipherSuite::Mls128DhKemP256Aes128GcmSha256P256
            | CipherSuite::Mls128DhKemX25519ChaCha20Poly1305Sha256Ed25519 => HashAlgorithm::Sha256,
            CipherSuite::Mls256DhKemP384Aes256GcmSha384P384 => HashAlgorithm::Sha384,
            CipherSuite::Mls256DhKemX448Aes256GcmSha512Ed448
            | CipherSuite::Mls256DhKemP521Aes256GcmSha512P521
            | CipherSuite::Mls256DhKemX448ChaCha20Poly1305Sha512Ed448 => HashAlgorithm::Sha512,
            #[cfg(feature = "pq")]
            CipherSuite::Pq(s) => s.hash(),
        }
    }

    /// The suite's AEAD.
    pub const fn aead(self) -> Aead {
        match self {
            CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519
            | CipherSuite::Mls128DhKemP256Aes128GcmSha256P256 => Aead::Aes128Gcm,
            CipherSuite::Mls128DhKemX25519ChaCha20Poly1305Sha256Ed25519
            | CipherSuite::Mls256DhKemX448ChaCha20Poly1305Sha512Ed448 => Aead::ChaCha20Poly1305,
            CipherSuite::Mls256DhKemX448Aes256GcmSha512Ed448
            | CipherSuite::Mls256DhKemP521Aes256GcmSha512P521
            | CipherSuite::Mls256DhKemP384Aes256GcmSha384P384 => Aead::Aes256Gcm,
            #[cfg(feature = "pq")]
            CipherSuite::Pq(s) => s.aead(),
        }
    }

    /// The suite's signature scheme.
    pub const fn signature(self) -> SignatureScheme {
        match self {
            CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519
            | CipherSuite::Mls128DhKemX25519ChaCha20Poly1305Sha256Ed25519 => {
                SignatureScheme::Ed25519
            }
            CipherSuite::Mls128DhKemP256Aes128GcmSha256P256 => SignatureScheme::EcdsaP256Sha256,
            CipherSuite::Mls256DhKemX448Aes256GcmSha512Ed448
            | CipherSuite::Mls256DhKemX448ChaCha20Poly1305Sha512Ed448 => SignatureScheme::Ed448,
            CipherSuite::Mls256DhKemP521Aes256GcmSha512P521 => SignatureScheme::EcdsaP521Sha512,
            CipherSuite::Mls256DhKemP384Aes256GcmSha384P384 => SignatureScheme::EcdsaP384Sha384,
            #[cfg(feature = "pq")]
            CipherSuite::Pq(s) => s.signature(),
        }
    }

    /// Nh: hash output length, also the length of every epoch secret.
    pub const fn hash_len(self) -> usize {
        self.hash().output_len()
    }

    /// Nk: AEAD key length.
    pub const fn aead_key_len(self) -> usize {
        self.aead().key_len()
    }

    /// Nn: AEAD nonce length.
    pub const fn aead_nonce_len(self) -> usize {
        self.aead().nonce_len()
    }
}

/// The number of PQ suites compiled in.
#[cfg(feature = "pq")]
const PQ_COUNT: usize = PqSuite::ALL.len();
#[cfg(not(feature = "pq"))]
const PQ_COUNT: usize = 0;

/// `CipherSuite::ALL`: the RFC 9420 suites, then the PQ suites.
const fn all_suites() -> [CipherSuite; CipherSuite::COUNT] {
    let mut all = [CipherSuite::RFC9420[0]; CipherSuite::COUNT];
    let mut i = 0;
    while i < CipherSuite::RFC9420.len() {
        all[i] = CipherSuite::RFC9420[i];
        i += 1;
    }
    #[cfg(feature = "pq")]
    while i < CipherSuite::COUNT {
        all[i] = CipherSuite::Pq(PqSuite::ALL[i - CipherSuite::RFC9420.len()]);
        i += 1;
    }
    all
}

impl TryFrom<u16> for CipherSuite {
    type Error = CryptoError;

    fn try_from(id: u16) -> Result<Self, CryptoError> {
        CipherSuite::from_id(id)
    }
}

impl std::fmt::Display for CipherSuite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        #[cfg(feature = "pq")]
        if let CipherSuite::Pq(s) = self {
            return write!(f, "0x{:04x} {}", self.id(), s.name());
        }
        write!(f, "0x{:04x} {:?}", self.id(), self)
    }
}

/// RFC 9420 §13.5: GREASE values are 0x0A0A, 0x1A1A, ..., 0xEAEA (both bytes
/// equal, low nibble 0xA, high nibble 0x0-0xE). They may appear in capability
/// lists and as extension types, never as the suite of a group.
pub const fn is_grease(value: u16) -> bool {
    let hi = (value >> 8) as u8;
    let lo = value as u8;
    hi == lo && (lo & 0x0f) == 0x0a && (lo >> 4) <= 0x0e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_round_trips_and_rejects_others() {
        for s in CipherSuite::ALL {
            assert_eq!(CipherSuite::from_id(s.id()), Ok(s));
        }
        for bad in [0u16, 8, 0x0a0a, 0xffff] {
            assert_eq!(
                CipherSuite::from_id(bad),
                Err(CryptoError::UnsupportedCipherSuite(bad))
            );
        }
    }

    #[test]
    fn sizes_match_rfc_table() {
        let s = CipherSuite::Mls256DhKemP521Aes256GcmSha512P521;
        assert_eq!(
            (s.hash_len(), s.aead_key_len(), s.aead_nonce_len()),
            (64, 32, 12)
        );
        let s = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
        assert_eq!(
            (s.hash_len(), s.aead_key_len(), s.aead_nonce_len()),
            (32, 16, 12)
        );
        assert_eq!(
            CipherSuite::Mls256DhKemP384Aes256GcmSha384P384.hash_len(),
            48
        );
    }

    #[test]
    fn grease_values_are_exactly_the_fifteen() {
        let grease: Vec<u16> = (0..=u16::MAX).filter(|v| is_grease(*v)).collect();
        assert_eq!(grease.len(), 15);
        assert_eq!(grease[0], 0x0a0a);
        assert_eq!(grease[14], 0xeaea);
    }
}
