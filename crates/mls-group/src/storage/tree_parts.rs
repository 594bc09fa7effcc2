//! The ratchet tree of a stored group as separate parts (state format
//! version 5): [`mls_treekem::TREE_PART_NODES`] nodes per part, so a save
//! after a Commit writes the parts of the changed direct paths only.
//!
//! The current-state record holds the tree's leaf count and the suite's
//! hash over the concatenated hashes of every part, in part order. Loading
//! hashes each part once (O(tree bytes), what the digest of a version-4
//! record cost) and compares: a missing, extra, stale (an older version of
//! a part) or damaged part is [`StateError::Corrupt`](crate::StateError::Corrupt), never a
//! silently different tree. What a writer knows of the stored parts is a
//! [`TreeCursor`]: the stamp ([`RatchetTree::part_stamps`]) and hash of
//! each part it wrote or read, so the next save encodes and hashes only
//! the parts whose stamp changed, and the parts digest is one hash over
//! the remembered part hashes.

use mls_crypto::CipherSuiteProvider;
use mls_treekem::{RatchetTree, TREE_PART_NODES, TreeSize};

use super::records::TreePart;
use crate::{Result, StateError};

/// The stamp and hash of every stored part, in part order. Two cursors are
/// equal when they describe the same stored parts (the hashes): stamps are
/// the writer's own bookkeeping, renewed at every load.
#[derive(Debug, Clone, Default)]
pub(crate) struct TreeCursor {
    stamps: Vec<u64>,
    /// The parts' hashes, `nh` bytes each, concatenated.
    hashes: Vec<u8>,
}

impl PartialEq for TreeCursor {
    fn eq(&self, other: &Self) -> bool {
        self.hashes == other.hashes
    }
}

impl Eq for TreeCursor {}

impl TreeCursor {
    /// The parts digest the current-state record holds.
    pub(crate) fn digest(&self, cs: &dyn CipherSuiteProvider) -> Vec<u8> {
        cs.hash(&self.hashes)
    }
}

/// The parts of `tree` whose stamps differ from `known` (every part for an
/// empty cursor), encoded, and the cursor after writing them.
pub(crate) fn changed_parts(
    tree: &RatchetTree,
    cs: &dyn CipherSuiteProvider,
    known: &TreeCursor,
) -> Result<(Vec<TreePart>, TreeCursor)> {
    let nh = cs.cipher_suite().hash_len();
    let stamps = tree.part_stamps().to_vec();
    let mut hashes = Vec::with_capacity(stamps.len() * nh);
    let mut parts = Vec::new();
    for (k, &stamp) in stamps.iter().enumerate() {
        let kept = known
            .stamps
            .get(k)
            .filter(|&&s| s == stamp)
            .and_then(|_| known.hashes.get(k * nh..(k + 1) * nh));
        match kept {
            Some(hash) => hashes.extend_from_slice(hash),
            None => {
                let index = u32::try_from(k).map_err(|_| StateError::Corrupt("tree part"))?;
                let bytes = tree.part_bytes(index)?;
                hashes.extend_from_slice(&cs.hash(&bytes));
                parts.push(TreePart { index, bytes });
            }
        }
    }
    Ok((parts, TreeCursor { stamps, hashes }))
}

/// Reassemble the tree of `leaf_count` leaves from `parts` (ascending,
/// every index once) and check them against the state's `digest`; returns
/// the tree and the cursor of what is stored. No tree rehash.
pub(crate) fn restore_tree(
    leaf_count: u32,
    parts: &[TreePart],
    digest: &[u8],
    cs: &dyn CipherSuiteProvider,
) -> Result<(RatchetTree, TreeCursor)> {
    let size = TreeSize::for_leaves(leaf_count).map_err(|_| StateError::Corrupt("tree size"))?;
    let expected = size.width().as_usize().div_ceil(TREE_PART_NODES as usize);
    // Cheapest checks first: the count and the indexes, before any hashing.
    if parts.len() != expected || parts.iter().enumerate().any(|(k, p)| p.index as usize != k) {
        return Err(StateError::Corrupt("a tree part is missing or out of place").into());
    }
    let nh = cs.cipher_suite().hash_len();
    let mut hashes = Vec::with_capacity(parts.len() * nh);
    for p in parts {
        hashes.extend_from_slice(&cs.hash(&p.bytes));
    }
    if cs.hash(&hashes) != digest {
        return Err(
            StateError::Corrupt("tree parts do not match the state (stale or damaged)").into(),
        );
    }
    let bytes: Vec<&[u8]> = parts.iter().map(|p| p.bytes.as_slice()).collect();
    let tree = RatchetTree::from_parts(leaf_count, &bytes)
        .map_err(|_| StateError::Corrupt("tree parts"))?;
    // The stamps right after assembly: any later change renews them.
    let stamps = tree.part_stamps().to_vec();
    Ok((tree, TreeCursor { stamps, hashes }))
}
