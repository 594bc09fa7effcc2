//! Check of the official `tree-validation.json` (RFC 9420 §4.1.2, §7.8,
//! §7.9.2, §7.3): resolutions and tree hashes of every node of the padded
//! tree, then full validation (parent hashes, leaf signatures with group id
//! and leaf index, unmerged leaves, key uniqueness) without current-time
//! lifetime checks (the key-package leaves have expired).

use std::sync::Arc;

use mls_crypto::{CipherSuite, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_treekem::{
    LeafValidationPolicy, NodeIndex, RatchetTree, TreeView, resolution, validate_tree,
};
use mls_vectors::{Case, CaseError, CaseResult, ensure, ensure_bytes_eq};

/// Check one case of `tree-validation.json`.
pub fn check(case: &Case<'_>) -> CaseResult {
    let suite_id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(suite_id)
        .map_err(|_| CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let provider = RustCryptoProvider::new();
    let cs: Arc<dyn mls_crypto::CipherSuiteProvider> = provider
        .cipher_suite_provider(suite)
        .ok_or(CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let cs = cs.as_ref();

    let mut tree = RatchetTree::from_bytes(&case.bytes("tree")?)?;
    let group_id = case.bytes("group_id")?;
    let width = tree.size().width().get();

    let resolutions = case
        .field("resolutions")?
        .as_array()
        .ok_or_else(|| CaseError::failed("resolutions is not an array"))?;
    ensure(resolutions.len() == width as usize, || {
        format!(
            "{} resolutions for a padded width of {width}",
            resolutions.len()
        )
    })?;
    for (i, want) in resolutions.iter().enumerate() {
        let want: Vec<u32> = want
            .as_array()
            .ok_or_else(|| CaseError::failed("resolution is not an array"))?
            .iter()
            .map(|v| v.as_u64().and_then(|x| u32::try_from(x).ok()))
            .collect::<Option<_>>()
            .ok_or_else(|| CaseError::failed("resolution entry is not a u32"))?;
        let got: Vec<u32> = resolution(&tree, NodeIndex::new(i as u32))
            .iter()
            .map(|n| n.get())
            .collect();
        ensure(got == want, || {
            format!("resolution of node {i}: got {got:?}, want {want:?}")
        })?;
    }

    let hashes = case.array("tree_hashes")?;
    ensure(hashes.len() == width as usize, || {
        format!("{} tree hashes for a padded width of {width}", hashes.len())
    })?;
    for (i, want) in hashes.iter().enumerate() {
        let got = tree.node_tree_hash(cs, NodeIndex::new(i as u32))?;
        ensure_bytes_eq(&format!("tree hash of node {i}"), &got, &want.as_bytes()?)?;
    }

    let root = tree.size().root().as_usize();
    let expected_root = hashes
        .get(root)
        .ok_or_else(|| CaseError::failed("no root hash"))?
        .as_bytes()?;
    validate_tree(
        &mut tree,
        cs,
        &group_id,
        Some(&expected_root),
        &LeafValidationPolicy::without_time_checks(),
    )?;
    Ok(())
}
