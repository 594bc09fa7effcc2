//! The stored form of a [`TreeChanges`]: the staged tree of a pending own
//! Commit saved as its changes against the current tree (GUIDANCE G-05),
//! so a save between `commit()` and the delivery service's answer costs
//! the changed nodes, not a copy of the whole tree.
//!
//! ```text
//! changes: leaf_count:u32 base_leaves:u32
//!          leaves<V>  = { leaf:u32 optional<LeafNode> }*   ascending
//!          parents<V> = { node:u32 optional<ParentNode> }* ascending
//! ```
//!
//! Only the nodes are stored. What a diff derives from them (the changed
//! nodes' direct paths, the key index, the leftmost-blank cursors) is
//! rebuilt, and the tree hashes are recomputed when reading: the caller
//! passes the tree hash the changed tree must have (the staged
//! GroupContext's, RFC 9420 §7.8), so changes read against another base
//! than the one they were made on, or damaged ones, fail instead of giving
//! a silently different tree. Reading costs the changed nodes' direct
//! paths in hashes (the base's cached hashes cover the rest).

use std::collections::{BTreeMap, BTreeSet};

use mls_codec::{LeafNode, ParentNode, Reader};
use mls_crypto::CipherSuiteProvider;
use mls_treemath::{NodeIndex, TreeSize};

use super::{DiffNodes, TreeChanges, TreeDiff};
use crate::key_index::KeyIndex;
use crate::tree::RatchetTree;
use crate::view::TreeView;
use crate::{Result, TreeKemError};

fn write_entries<T: mls_codec::tls_codec::Serialize>(
    entries: &BTreeMap<u32, Option<T>>,
    out: &mut Vec<u8>,
) -> Result<()> {
    let mut body = Vec::new();
    for (index, node) in entries {
        body.extend_from_slice(&index.to_be_bytes());
        match node {
            None => body.push(0),
            Some(n) => {
                body.push(1);
                mls_codec::codec::write_opaque(&mls_codec::encode(n)?, &mut body)?;
            }
        }
    }
    mls_codec::codec::write_opaque(&body, out)?;
    Ok(())
}

/// Read `{ index:u32 optional<T> }*`, indexes strictly ascending and each
/// accepted by `fits`.
fn read_entries<T: mls_codec::Decode>(
    r: &mut Reader<'_>,
    fits: impl Fn(u32) -> bool,
) -> Result<BTreeMap<u32, Option<T>>> {
    let bad = TreeKemError::TreePartMismatch;
    let mut v = r.read_vector().map_err(|_| bad("truncated changes"))?;
    let mut out = BTreeMap::new();
    let mut last: Option<u32> = None;
    while !v.is_empty() {
        let index = u32::from_be_bytes(v.read_array().map_err(|_| bad("truncated changes"))?);
        if last.is_some_and(|l| index <= l) || !fits(index) {
            return Err(bad("a changed node out of order or outside the tree"));
        }
        last = Some(index);
        let node = if v.read_presence().map_err(|_| bad("truncated changes"))? {
            let body = v.read_vector().map_err(|_| bad("truncated changed node"))?;
            Some(mls_codec::decode::<T>(body.rest())?)
        } else {
            None
        };
        out.insert(index, node);
    }
    Ok(out)
}

impl TreeChanges {
    /// The stored form of these changes (format in the module docs).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.size.leaf_count().get().to_be_bytes());
        out.extend_from_slice(&self.base_leaves.to_be_bytes());
        write_entries(&self.leaves, &mut out)?;
        write_entries(&self.parents, &mut out)?;
        Ok(out)
    }
}

impl RatchetTree {
    /// Read changes stored by [`TreeChanges::to_bytes`] that were made on
    /// this tree, and check that the changed tree has `tree_hash`.
    /// Malformed bytes give [`TreeKemError::TreePartMismatch`] (or a codec
    /// error); changes that do not give `tree_hash` over this tree (made
    /// on another base, or damaged) give [`TreeKemError::TreeHashMismatch`].
    pub fn changes_from_bytes(
        &self,
        bytes: &[u8],
        cs: &dyn CipherSuiteProvider,
        tree_hash: &[u8],
    ) -> Result<TreeChanges> {
        let bad = TreeKemError::TreePartMismatch;
        let mut r = Reader::new(bytes);
        let leaf_count = u32::from_be_bytes(r.read_array().map_err(|_| bad("truncated changes"))?);
        let base_leaves = u32::from_be_bytes(r.read_array().map_err(|_| bad("truncated changes"))?);
        let size = TreeSize::for_leaves(leaf_count).map_err(|_| bad("changed tree size"))?;
        // Tree sizes are powers of two (RFC 9420 §7.7 extends and truncates
        // by halves); a diff only hides base leaves (truncation), never adds
        // any: base_leaves is no larger than the base or the result.
        if !leaf_count.is_power_of_two()
            || !base_leaves.is_power_of_two()
            || base_leaves > self.size().leaf_count().get()
            || base_leaves > leaf_count
            || size.width().as_usize() > crate::DEFAULT_MAX_NODES
        {
            return Err(bad("changes of another base tree"));
        }
        let leaves = read_entries::<LeafNode>(&mut r, |l| l < leaf_count)?;
        let parents = read_entries::<ParentNode>(&mut r, |n| n % 2 == 1 && n < size.width().get())?;
        r.finish().map_err(|_| bad("trailing bytes in changes"))?;
        let mut diff = TreeDiff::from_nodes(self, size, base_leaves, leaves, parents)?;
        if diff.tree_hash(cs)? != tree_hash {
            return Err(TreeKemError::TreeHashMismatch);
        }
        Ok(diff.into_changes())
    }
}

impl<'a> TreeDiff<'a> {
    /// The diff over `base` that holds these nodes, with everything a diff
    /// derives from its nodes rebuilt (dirty paths, key index, cursors);
    /// no hash computed yet.
    fn from_nodes(
        base: &'a RatchetTree,
        size: TreeSize,
        base_leaves: u32,
        leaves: BTreeMap<u32, Option<LeafNode>>,
        parents: BTreeMap<u32, Option<ParentNode>>,
    ) -> Result<Self> {
        let mut keys = KeyIndex::default();
        let mut blanked = BTreeSet::new();
        let mut blank_from = base.blank_from();
        let mut changed = Vec::with_capacity(leaves.len() + parents.len());
        for (&leaf, node) in &leaves {
            let index = leaf << 1;
            changed.push(NodeIndex::new(index));
            match node {
                Some(l) => {
                    keys.insert(
                        index,
                        l.encryption_key.as_slice(),
                        Some(l.signature_key.as_slice()),
                    );
                    blank_from = blank_from.max(index + 1);
                }
                None => {
                    blanked.insert(leaf);
                }
            }
        }
        for (&node, value) in &parents {
            changed.push(NodeIndex::new(node));
            if let Some(p) = value {
                keys.insert(node, p.encryption_key.as_slice(), None);
                blank_from = blank_from.max(node + 1);
            }
        }
        let mut dirty = BTreeSet::new();
        for node in changed {
            dirty.insert(node);
            dirty.extend(size.direct_path_iter(node)?);
        }
        let mut nodes = DiffNodes {
            base,
            size,
            base_leaves,
            leaves,
            parents,
            dirty,
            blank_from,
            keys,
            blanked,
            base_cursor: 0,
            fresh_cursor: base_leaves,
        };
        nodes.advance_cursors();
        Ok(TreeDiff {
            nodes,
            memo: BTreeMap::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use mls_codec::{Capabilities, Credential, LeafNodeSource, VLBytes};
    use mls_crypto::CryptoProvider;
    use mls_crypto_rustcrypto::RustCryptoProvider;
    use mls_treemath::LeafIndex;

    use super::*;

    fn leaf_node(k: u32) -> LeafNode {
        LeafNode {
            encryption_key: k.to_be_bytes().to_vec().into(),
            signature_key: (k + 1000).to_be_bytes().to_vec().into(),
            credential: Credential::basic(k.to_be_bytes().to_vec()),
            capabilities: Capabilities::default(),
            leaf_node_source: LeafNodeSource::Update,
            extensions: vec![],
            signature: VLBytes::new(vec![]),
        }
    }

    fn tree(leaves: u32) -> RatchetTree {
        let mut tree = RatchetTree::new(leaf_node(0));
        for k in 1..leaves {
            tree.add_leaf(leaf_node(k)).unwrap();
        }
        tree
    }

    /// Changes that grow, update and remove, stored and read back against
    /// their base, merge into the same tree as the original changes.
    #[test]
    fn stored_changes_merge_like_the_originals() {
        let provider = RustCryptoProvider::new();
        let cs = provider
            .cipher_suite_provider(mls_crypto::CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
            .unwrap();
        for (leaves, remove) in [(5u32, 4u32), (8, 7), (3, 1), (17, 16)] {
            let mut base = tree(leaves);
            base.tree_hash(cs.as_ref()).unwrap();
            let mut diff = base.diff();
            diff.update_leaf(LeafIndex::new(0).unwrap(), leaf_node(500))
                .unwrap();
            diff.remove_leaf(LeafIndex::new(remove).unwrap()).unwrap();
            diff.add_leaf(leaf_node(600)).unwrap();
            diff.add_leaf(leaf_node(601)).unwrap();
            let hash = diff.tree_hash(cs.as_ref()).unwrap();
            let changes = diff.into_changes();
            let bytes = changes.to_bytes().unwrap();
            let read = base.changes_from_bytes(&bytes, cs.as_ref(), &hash).unwrap();
            assert_eq!(read.to_bytes().unwrap(), bytes);
            let mut a = base.clone();
            a.merge(changes);
            let mut b = base.clone();
            b.merge(read);
            assert_eq!(a.to_bytes().unwrap(), b.to_bytes().unwrap());
            assert_eq!(a.hash_cache_bytes(), b.hash_cache_bytes());
            assert_eq!(b.tree_hash(cs.as_ref()).unwrap(), hash);

            // Against another base, with another expected hash, truncated or
            // with a byte changed: an error, never a panic.
            // A base that differs where the changes do not reach: read over
            // it they give another tree hash. (Over a base that differs only
            // where the changes overwrite or truncate, they give the same
            // tree, and so pass.)
            let mut other = base.clone();
            let untouched = if remove == 1 { 2 } else { 1 };
            other
                .update_leaf(LeafIndex::new(untouched).unwrap(), leaf_node(700))
                .unwrap();
            assert!(matches!(
                other.changes_from_bytes(&bytes, cs.as_ref(), &hash),
                Err(TreeKemError::TreeHashMismatch)
            ));
            assert!(matches!(
                base.changes_from_bytes(&bytes, cs.as_ref(), &[0; 32]),
                Err(TreeKemError::TreeHashMismatch)
            ));
            for cut in 0..bytes.len() {
                assert!(
                    base.changes_from_bytes(&bytes[..cut], cs.as_ref(), &hash)
                        .is_err()
                );
            }
            for i in 0..bytes.len() {
                let mut flipped = bytes.clone();
                flipped[i] ^= 0x01;
                assert!(
                    base.changes_from_bytes(&flipped, cs.as_ref(), &hash)
                        .is_err(),
                    "byte {i} of {} flipped",
                    bytes.len()
                );
            }
            assert_eq!(base.size().leaf_count().get(), base.leaf_count());
        }
    }
}
