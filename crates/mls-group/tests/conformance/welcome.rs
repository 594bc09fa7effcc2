//! Check of the official `welcome.json` (RFC 9420 §12.4.3.1, §8, §12.4.3;
//! TEST-VECTORS.md §8): find our entry by KeyPackageRef, decrypt the
//! GroupSecrets with `init_priv`, decrypt the GroupInfo with the welcome key
//! and nonce, verify its signature with `signer_pub` and its confirmation tag.

use mls_codec::{MlsMessage, decode};
use mls_crypto::labeled::make_key_package_ref;
use mls_crypto::{CipherSuite, CryptoProvider, HpkePrivateKey};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::welcome::{KeyPackageInitKey, WelcomeKeyPackage, open_welcome};
use mls_keyschedule::InMemoryPskStore;
use mls_vectors::{Case, CaseError, CaseResult, ensure, ensure_bytes_eq};

/// Check one case of `welcome.json`.
pub fn check(case: &Case<'_>) -> CaseResult {
    let suite_id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(suite_id)
        .map_err(|_| CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let provider = RustCryptoProvider::new();
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(CaseError::UnsupportedSuite(u64::from(suite_id)))?;

    let key_package_bytes = case.bytes("key_package")?;
    let key_package = decode::<MlsMessage>(&key_package_bytes)?
        .into_key_package()
        .ok_or_else(|| CaseError::failed("key_package is not an MLSMessage(KeyPackage)"))?;
    let welcome = decode::<MlsMessage>(&case.bytes("welcome")?)?
        .into_welcome()
        .ok_or_else(|| CaseError::failed("welcome is not an MLSMessage(Welcome)"))?;
    let ours = KeyPackageInitKey::new(
        &*cs,
        key_package,
        HpkePrivateKey::from(case.bytes("init_priv")?),
    )?;

    // The reference is RefHash over the KeyPackage bytes without the 4-byte
    // MLSMessage header, and names exactly one entry of the Welcome.
    let body = key_package_bytes
        .get(4..)
        .ok_or_else(|| CaseError::failed("key_package shorter than its header"))?;
    ensure_bytes_eq(
        "KeyPackageRef",
        ours.reference().as_bytes(),
        &make_key_package_ref(&*cs, body)?,
    )?;
    let matches = welcome
        .secrets
        .iter()
        .filter(|e| e.new_member.as_slice() == ours.reference().as_bytes())
        .count();
    ensure(matches == 1, || {
        format!("{matches} Welcome entries name our KeyPackage")
    })?;

    // GroupSecrets, PSKs (none), GroupInfo and the confirmation tag.
    let decrypted = open_welcome(&provider, &welcome, &[ours][..], &InMemoryPskStore::new())?;
    // The GroupInfo signature with signer_pub.
    let joined = decrypted.verify_signature(&case.bytes("signer_pub")?)?;
    ensure_bytes_eq(
        "confirmed transcript hash",
        joined.confirmed_transcript_hash.as_bytes(),
        joined
            .group_info
            .group_context
            .confirmed_transcript_hash
            .as_slice(),
    )
}
