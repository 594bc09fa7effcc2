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

use mls_codec::{PreSharedKeyId, Psk, PskLabel, VLBytes};
use mls_crypto::labeled::expand_with_label;
use mls_crypto::{CipherSuiteProvider, Secret};

use crate::secrets::nh;
use crate::{KeyScheduleError, PskSecret, PskStore, Result};

/// A `PreSharedKeyID` for `psk` with a fresh random nonce of `KDF.Nh` bytes,
/// as a sender must use for every injection (§8.4, V-8.4-03).
pub fn psk_id_with_random_nonce(cs: &dyn CipherSuiteProvider, psk: Psk) -> Result<PreSharedKeyId> {
    Ok(PreSharedKeyId {
        psk,
        psk_nonce: VLBytes::new(cs.random_bytes(cs.cipher_suite().hash_len())?),
    })
}

/// Check that a `psk_nonce` is `KDF.Nh` bytes long (§8.4):
/// [`KeyScheduleError::InvalidPskNonceLength`] otherwise.
pub fn check_psk_nonce(cs: &dyn CipherSuiteProvider, id: &PreSharedKeyId) -> Result<()> {
    let expected = cs.cipher_suite().hash_len();
    let actual = id.psk_nonce.as_slice().len();
    if actual == expected {
        Ok(())
    } else {
        Err(KeyScheduleError::InvalidPskNonceLength { expected, actual })
    }
}

/// A description of a PSK for error messages (ids and group ids in hex;
/// they are public identifiers, not secrets).
fn describe(psk: &Psk) -> String {
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    match psk {
        Psk::External { psk_id } => format!("external PSK id {}", hex(psk_id.as_slice())),
        Psk::Resumption {
            usage,
            psk_group_id,
            psk_epoch,
        } => format!(
            "resumption PSK ({usage:?}) of group {} epoch {psk_epoch}",
            hex(psk_group_id.as_slice())
        ),
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
            check_psk_nonce(cs, id)?;
        }
        let zero = Secret::zero(cs.cipher_suite().hash_len());
        let mut acc = zero.clone();
        for (index, (id, psk)) in (0u16..).zip(psks) {
            let extracted = cs.kdf_extract(zero.as_bytes(), psk.as_bytes());
            let label = mls_codec::encode(&PskLabel {
                id: (*id).clone(),
                index,
                count,
            })
            .map_err(|_| KeyScheduleError::PskIdEncoding)?;
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
            check_psk_nonce(cs, id)?;
        }
        let secrets = ids
            .iter()
            .map(|id| {
                store
                    .get(&id.psk)
                    .ok_or_else(|| KeyScheduleError::PskNotFound(describe(&id.psk)))
            })
            .collect::<Result<Vec<Secret>>>()?;
        let pairs: Vec<(&PreSharedKeyId, &Secret)> = ids.iter().zip(secrets.iter()).collect();
        Self::from_psks(cs, &pairs)
    }
}

#[cfg(test)]
mod tests {
    use mls_codec::ResumptionPskUsage;

    use super::*;

    #[test]
    fn psk_label_serialization_matches_rfc() {
        // PSKLabel = PreSharedKeyID || uint16 index || uint16 count (§8.4).
        let label = PskLabel {
            id: PreSharedKeyId {
                psk: Psk::Resumption {
                    usage: ResumptionPskUsage::Branch,
                    psk_group_id: VLBytes::new(b"g".to_vec()),
                    psk_epoch: 0x0102,
                },
                psk_nonce: VLBytes::new(vec![9]),
            },
            index: 1,
            count: 2,
        };
        assert_eq!(
            mls_codec::encode(&label).expect("encodes"),
            [2, 3, 1, b'g', 0, 0, 0, 0, 0, 0, 1, 2, 1, 9, 0, 1, 0, 2]
        );
    }

    #[test]
    fn description_names_the_psk() {
        let d = describe(&Psk::External {
            psk_id: VLBytes::new(vec![0xab, 0x01]),
        });
        assert_eq!(d, "external PSK id ab01");
    }
}
