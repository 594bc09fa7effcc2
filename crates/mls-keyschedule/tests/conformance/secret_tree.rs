//! Check of the official `secret-tree.json` (RFC 9420 §9, §9.1, §6.3.2):
//! sender-data key/nonce from a ciphertext sample, and the handshake and
//! application keys/nonces of every leaf at the listed generations.

use mls_crypto::{CipherSuite, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_keyschedule::{
    EncryptionSecret, RatchetKind, SecretTree, SecretTreeConfig, SenderDataSecret,
};
use mls_treemath::{LeafCount, LeafIndex};
use mls_vectors::{Case, CaseError, CaseResult, ensure_bytes_eq};

/// Check one case of `secret-tree.json`.
pub fn check(case: &Case<'_>) -> CaseResult {
    let suite_id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(suite_id)
        .map_err(|_| CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let provider = RustCryptoProvider::new();
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let cs = cs.as_ref();

    // RFC 9420 §6.3.2.
    let sd = case.object("sender_data")?;
    let sender_data_secret = SenderDataSecret::from_slice(&sd.bytes("sender_data_secret")?);
    let sd_key = sender_data_secret.key_nonce(cs, &sd.bytes("ciphertext")?)?;
    ensure_bytes_eq("sender_data.key", sd_key.key.as_bytes(), &sd.bytes("key")?)?;
    ensure_bytes_eq(
        "sender_data.nonce",
        sd_key.nonce.as_bytes(),
        &sd.bytes("nonce")?,
    )?;

    // RFC 9420 §9: every listed generation, via the receiving two-step API.
    let leaves = case.array("leaves")?;
    let mut tree = SecretTree::new(
        EncryptionSecret::from_slice(&case.bytes("encryption_secret")?),
        LeafCount::from_usize(leaves.len())?,
        SecretTreeConfig::default(),
    );
    for (leaf, generations) in (0u32..).zip(leaves) {
        let leaf = LeafIndex::new(leaf)?;
        let generations = generations
            .json()
            .as_array()
            .ok_or_else(|| CaseError::failed(format!("leaves[{leaf}] is not an array")))?;
        for g in generations.iter().map(Case::new) {
            let generation = g.u32("generation")?;
            for (kind, key_field, nonce_field) in [
                (RatchetKind::Handshake, "handshake_key", "handshake_nonce"),
                (
                    RatchetKind::Application,
                    "application_key",
                    "application_nonce",
                ),
            ] {
                let (key, token) = tree.decryption_key(cs, leaf, kind, generation)?;
                let what = |f: &str| format!("leaf {leaf} generation {generation} {f}");
                ensure_bytes_eq(&what(key_field), key.key.as_bytes(), &g.bytes(key_field)?)?;
                ensure_bytes_eq(
                    &what(nonce_field),
                    key.nonce.as_bytes(),
                    &g.bytes(nonce_field)?,
                )?;
                tree.confirm(token)?;
            }
        }
    }
    Ok(())
}
