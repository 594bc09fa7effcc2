//! Check of the official `psk_secret.json` (RFC 9420 §8.4): the PSK secret
//! chained over 0-10 external PSKs.

use mls_codec::VLBytes;
use mls_crypto::{CipherSuite, CryptoProvider, Secret};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_keyschedule::{PreSharedKeyId, Psk, PskSecret};
use mls_vectors::{Case, CaseError, CaseResult, ensure_bytes_eq};

/// Check one case of `psk_secret.json`.
pub fn check(case: &Case<'_>) -> CaseResult {
    let suite_id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(suite_id)
        .map_err(|_| CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let provider = RustCryptoProvider::new();
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let cs = cs.as_ref();

    let mut ids = Vec::new();
    let mut values = Vec::new();
    for p in case.array("psks")? {
        ids.push(PreSharedKeyId {
            psk: Psk::External {
                psk_id: VLBytes::new(p.bytes("psk_id")?),
            },
            psk_nonce: VLBytes::new(p.bytes("psk_nonce")?),
        });
        values.push(Secret::new(p.bytes("psk")?));
    }
    let pairs: Vec<(&PreSharedKeyId, &Secret)> = ids.iter().zip(values.iter()).collect();
    let psk_secret = PskSecret::from_psks(cs, &pairs)?;
    ensure_bytes_eq(
        "psk_secret",
        psk_secret.as_bytes(),
        &case.bytes("psk_secret")?,
    )
}
