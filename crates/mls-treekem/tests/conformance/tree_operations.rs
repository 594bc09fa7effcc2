//! Check of the official `tree-operations.json` (RFC 9420 §7.7, §7.8,
//! §12.1.1-§12.1.3): apply one Add/Update/Remove to a tree and compare the
//! re-serialized tree (GREASE values byte-exact) and both root tree hashes.
//! Purely structural: no leaf validation policy runs.

use mls_codec::Proposal;
use mls_crypto::{CipherSuite, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_treekem::{LeafIndex, RatchetTree};
use mls_vectors::{Case, CaseError, CaseResult, ensure_bytes_eq};

/// Check one case of `tree-operations.json`.
pub fn check(case: &Case<'_>) -> CaseResult {
    let suite_id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(suite_id)
        .map_err(|_| CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let provider = RustCryptoProvider::new();
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let cs = cs.as_ref();

    let mut tree = RatchetTree::from_bytes(&case.bytes("tree_before")?)?;
    ensure_bytes_eq(
        "tree_hash_before",
        &tree.tree_hash(cs)?,
        &case.bytes("tree_hash_before")?,
    )?;

    let proposal: Proposal = mls_codec::decode(&case.bytes("proposal")?)?;
    let sender = LeafIndex::new(case.u32("proposal_sender")?)?;
    let mut diff = tree.diff();
    match proposal {
        Proposal::Add(add) => {
            diff.add_leaf(add.key_package.leaf_node)?;
        }
        Proposal::Update(update) => diff.update_leaf(sender, update.leaf_node)?,
        Proposal::Remove(remove) => diff.remove_leaf(LeafIndex::new(remove.removed)?)?,
        other => {
            return Err(CaseError::failed(format!(
                "unexpected proposal type {:?}",
                other.proposal_type()
            )));
        }
    }
    let changes = diff.into_changes();
    tree.merge(changes);

    ensure_bytes_eq("tree_after", &tree.to_bytes()?, &case.bytes("tree_after")?)?;
    ensure_bytes_eq(
        "tree_hash_after",
        &tree.tree_hash(cs)?,
        &case.bytes("tree_hash_after")?,
    )
}
