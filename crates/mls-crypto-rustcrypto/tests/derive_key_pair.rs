//! DeriveKeyPair (RFC 9180 §7.1.3) known answers for every suite, read from
//! the official `key-schedule.json`: each epoch's `external_pub` is the
//! public key of `KEM.DeriveKeyPair(external_secret)` (RFC 9420 §8,
//! TEST-VECTORS.md §5). This is the only public known answer for
//! DHKEM(P-384), which the RFC 9180 vectors do not cover. The full
//! key-schedule check belongs to `mls-keyschedule`; only the KEM part is
//! checked here.

use mls_crypto::{CipherSuite, CipherSuiteProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_vectors::{Case, CaseError, CaseResult, ensure_bytes_eq};

fn check(case: &Case<'_>) -> CaseResult {
    let id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(id).map_err(|_| CaseError::UnsupportedSuite(id.into()))?;
    let cs = RustCryptoProvider::new().suite(suite);
    for epoch in case.array("epochs")? {
        let derived = cs.hpke_derive_key_pair(&epoch.bytes("external_secret")?)?;
        ensure_bytes_eq(
            "external_pub",
            &derived.public_key,
            &epoch.bytes("external_pub")?,
        )?;
        ensure_bytes_eq(
            "external_pub (from the derived private key)",
            &cs.hpke_public_key(&derived.private_key)?,
            &derived.public_key,
        )?;
    }
    Ok(())
}

#[test]
fn external_pub_of_key_schedule_json() {
    mls_vectors::assert_file_passes("key-schedule.json", check)
}
