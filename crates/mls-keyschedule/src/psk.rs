//! Pre-shared keys: their identifiers and the PSK secret chain (RFC 9420 §8.4).
//!
//! ```text
//! psk_extracted_[i] = KDF.Extract(0, psk_[i])
//! psk_input_[i]     = ExpandWithLabel(psk_extracted_[i], "derived psk", PSKLabel, KDF.Nh)
//! psk_secret_[0]    = 0
//! psk_secret_[i]    = KDF.Extract(psk_input_[i-1], psk_secret_[i-1])
//! psk_secret        = psk_secret_[n]
//! ```
//!
//! with `PSKLabel = PreSharedKeyID id || uint16 index || uint16 count`.

use mls_crypto::labeled::expand_with_label;
use mls_crypto::{CipherSuiteProvider, Secret};
use tls_codec::{Serialize, VLByteSlice};

use crate::secrets::nh;
use crate::{KeyScheduleError, PskSecret, PskStore, Result};

/// `PSKType` (§8.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PskType {
    /// A PSK provided by the application: `external(1)`.
    External = 1,
    /// The `resumption_psk` of an earlier epoch: `resumption(2)`.
    Resumption = 2,
}

/// `ResumptionPSKUsage` (§8.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum ResumptionPskUsage {
    /// `application(1)`: resumption inside the same group.
    Application = 1,
    /// `reinit(2)`: linking a group to the one it re-initializes (§11.2).
    Reinit = 2,
    /// `branch(3)`: linking a subgroup to its parent (§11.3).
    Branch = 3,
}

impl ResumptionPskUsage {
    /// The usage for its wire value; `None` for reserved(0) and unknown values.
    pub fn from_u8(value: u8) -> Option<Self> {
        match value {
            1 => Some(Self::Application),
            2 => Some(Self::Reinit),
            3 => Some(Self::Branch),
            _ => None,
        }
    }
}

/// The PSK a [`PreSharedKeyId`] points to (the `select` part of
/// `PreSharedKeyID`, §8.4).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Psk {
    /// An external PSK, named by the application.
    External {
        /// `opaque psk_id<V>`.
        psk_id: Vec<u8>,
    },
    /// The `resumption_psk` of `psk_group_id` at `psk_epoch`.
    Resumption {
        /// `ResumptionPSKUsage usage`.
        usage: ResumptionPskUsage,
        /// `opaque psk_group_id<V>`.
        psk_group_id: Vec<u8>,
        /// `uint64 psk_epoch`.
        psk_epoch: u64,
    },
}

impl Psk {
    /// The `PSKType` of this PSK.
    pub fn psk_type(&self) -> PskType {
        match self {
            Psk::External { .. } => PskType::External,
            Psk::Resumption { .. } => PskType::Resumption,
        }
    }
}

/// `PreSharedKeyID` (§8.4): which PSK, and the nonce of this injection.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PreSharedKeyId {
    /// The PSK referred to.
    pub psk: Psk,
    /// `opaque psk_nonce<V>`: `KDF.Nh` fresh random bytes per injection.
    pub psk_nonce: Vec<u8>,
}

/// Append `opaque data<V>`.
fn push_opaque(out: &mut Vec<u8>, data: &[u8]) -> Result<()> {
    VLByteSlice(data)
        .tls_serialize(out)
        .map(|_| ())
        .map_err(|_| KeyScheduleError::PskIdEncoding)
}

impl PreSharedKeyId {
    /// An identifier with the given nonce.
    pub fn new(psk: Psk, psk_nonce: Vec<u8>) -> Self {
        PreSharedKeyId { psk, psk_nonce }
    }

    /// An identifier with a fresh random nonce of `KDF.Nh` bytes, as a sender
    /// must use for every injection (§8.4, V-8.4-03).
    pub fn with_random_nonce(cs: &dyn CipherSuiteProvider, psk: Psk) -> Result<Self> {
        Ok(PreSharedKeyId {
            psk,
            psk_nonce: cs.random_bytes(cs.cipher_suite().hash_len())?,
        })
    }

    /// Check that `psk_nonce` is `KDF.Nh` bytes long (§8.4):
    /// [`KeyScheduleError::InvalidPskNonceLength`] otherwise.
    pub fn check_nonce(&self, cs: &dyn CipherSuiteProvider) -> Result<()> {
        let expected = cs.cipher_suite().hash_len();
        if self.psk_nonce.len() == expected {
            Ok(())
        } else {
            Err(KeyScheduleError::InvalidPskNonceLength {
                expected,
                actual: self.psk_nonce.len(),
            })
        }
    }

    /// Append the RFC 9420 serialization of this `PreSharedKeyID`.
    pub fn serialize_into(&self, out: &mut Vec<u8>) -> Result<()> {
        out.push(self.psk.psk_type() as u8);
        match &self.psk {
            Psk::External { psk_id } => push_opaque(out, psk_id)?,
            Psk::Resumption {
                usage,
                psk_group_id,
                psk_epoch,
            } => {
                out.push(*usage as u8);
                push_opaque(out, psk_group_id)?;
                out.extend_from_slice(&psk_epoch.to_be_bytes());
            }
        }
        push_opaque(out, &self.psk_nonce)
    }

    /// The RFC 9420 serialization of this `PreSharedKeyID`.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.serialize_into(&mut out)?;
        Ok(out)
    }
}

impl std::fmt::Display for PreSharedKeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.psk {
            Psk::External { psk_id } => write!(f, "external PSK id {}", Hex(psk_id)),
            Psk::Resumption {
                usage,
                psk_group_id,
                psk_epoch,
            } => write!(
                f,
                "resumption PSK ({usage:?}) of group {} epoch {psk_epoch}",
                Hex(psk_group_id)
            ),
        }
    }
}

/// Lower-case hex of public identifiers, for error messages.
struct Hex<'a>(&'a [u8]);

impl std::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl PskSecret {
    /// Chain PSKs into the PSK secret (§8.4), in the order given (the order
    /// of the Commit's PreSharedKey proposals or the GroupSecrets' `psks`).
    /// Every nonce must be `KDF.Nh` bytes; at most 65535 PSKs. No PSKs give
    /// the all-zero secret.
    pub fn from_psks(
        cs: &dyn CipherSuiteProvider,
        psks: &[(&PreSharedKeyId, &Secret)],
    ) -> Result<Self> {
        let count =
            u16::try_from(psks.len()).map_err(|_| KeyScheduleError::TooManyPsks(psks.len()))?;
        for (id, _) in psks {
            id.check_nonce(cs)?;
        }
        let zero = Secret::zero(cs.cipher_suite().hash_len());
        let mut acc = zero.clone();
        for (index, (id, psk)) in (0u16..).zip(psks) {
            let extracted = cs.kdf_extract(zero.as_bytes(), psk.as_bytes());
            let mut label = Vec::with_capacity(id.psk_nonce.len() + 64);
            id.serialize_into(&mut label)?;
            label.extend_from_slice(&index.to_be_bytes());
            label.extend_from_slice(&count.to_be_bytes());
            let input =
                expand_with_label(cs, extracted.as_bytes(), b"derived psk", &label, nh(cs))?;
            acc = cs.kdf_extract(input.as_bytes(), acc.as_bytes());
        }
        Ok(PskSecret::new(acc))
    }

    /// Look every PSK up in `store` and chain them (§8.4). Fails with
    /// [`KeyScheduleError::PskNotFound`] naming the first missing PSK
    /// (V-12.4.2-06), or a nonce-length error, before deriving anything.
    pub fn resolve<S: PskStore + ?Sized>(
        cs: &dyn CipherSuiteProvider,
        ids: &[PreSharedKeyId],
        store: &S,
    ) -> Result<Self> {
        for id in ids {
            id.check_nonce(cs)?;
        }
        let secrets = ids
            .iter()
            .map(|id| {
                store
                    .get(&id.psk)
                    .ok_or_else(|| KeyScheduleError::PskNotFound(id.to_string()))
            })
            .collect::<Result<Vec<Secret>>>()?;
        let pairs: Vec<(&PreSharedKeyId, &Secret)> = ids.iter().zip(secrets.iter()).collect();
        Self::from_psks(cs, &pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_id_serialization_matches_rfc() {
        let id = PreSharedKeyId::new(
            Psk::External {
                psk_id: vec![0xaa, 0xbb],
            },
            vec![1, 2, 3],
        );
        assert_eq!(
            id.to_bytes().expect("encodes"),
            [1, 2, 0xaa, 0xbb, 3, 1, 2, 3]
        );
    }

    #[test]
    fn resumption_id_serialization_matches_rfc() {
        let id = PreSharedKeyId::new(
            Psk::Resumption {
                usage: ResumptionPskUsage::Branch,
                psk_group_id: b"g".to_vec(),
                psk_epoch: 0x0102,
            },
            vec![9],
        );
        assert_eq!(
            id.to_bytes().expect("encodes"),
            [2, 3, 1, b'g', 0, 0, 0, 0, 0, 0, 1, 2, 1, 9]
        );
    }

    #[test]
    fn usage_values() {
        assert_eq!(ResumptionPskUsage::from_u8(0), None);
        assert_eq!(
            ResumptionPskUsage::from_u8(2),
            Some(ResumptionPskUsage::Reinit)
        );
        assert_eq!(ResumptionPskUsage::from_u8(4), None);
    }
}
