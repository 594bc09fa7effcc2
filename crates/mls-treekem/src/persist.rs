//! Persisting a ratchet tree in parts, and its tree-hash cache (RFC 9420
//! §7.8), so that a group loaded from storage does not rehash its N nodes
//! and a save after a Commit writes only the parts that Commit changed.
//!
//! **Parts.** The node array is cut into parts of [`TREE_PART_NODES`]
//! consecutive node indexes (part `k` holds nodes `16k .. 16k+15`, clipped
//! to the tree's width). A Commit changes a leaf and its direct path, so it
//! touches the one part holding the bottom four levels of that path and one
//! part per level above: about `log2(N) - 3` parts, each a few KiB, instead
//! of the whole tree. Each part carries its nodes and the cached tree hashes
//! of its parent nodes:
//!
//! ```text
//! part: nh:u8 { kind:u8 [opaque<V> leaf_or_parent] [optional<hash[nh]> if parent] }*
//!       kind: 0 blank, 1 LeafNode, 2 ParentNode (the node types of §7.8)
//! ```
//!
//! The tree keeps a **stamp** per part ([`RatchetTree::part_stamps`]): a
//! process-wide counter value, renewed whenever a node or a cached hash of
//! the part changes. Two trees (a tree and its clone) whose part `k` has the
//! same stamp hold the same part `k`, so a writer that remembers the stamps
//! it wrote knows exactly which parts to write again, without encoding or
//! comparing the others.
//!
//! **Hash cache.** Only the parent nodes' hashes are stored: with every
//! parent hash known, the root hash after a change needs the changed direct
//! path plus at most one sibling leaf hash per changed leaf, so leaf hashes
//! are cheap to recompute lazily and storing them would double the size for
//! nothing. The whole-tree form ([`RatchetTree::hash_cache_bytes`], state
//! format version 4) is still read:
//!
//! ```text
//! nh:u8 parent_slots:u32 valid_bitmap[ceil(parent_slots / 8)] hashes[nh * valid]
//! ```

use mls_codec::{LeafNode, ParentNode, Reader};
use mls_treemath::{NodeIndex, TreeSize};

use crate::hash::HashStore;
use crate::part_stamps::{TREE_PART_NODES, parts_of_width};
use crate::tree::{DEFAULT_MAX_NODES, HashCache, RatchetTree, TreeNodes, parent_slot};
use crate::view::TreeView;
use crate::{Result, TreeKemError};

impl RatchetTree {
    /// The number of stored parts of this tree ([`TREE_PART_NODES`] nodes
    /// each, the last one clipped to the width).
    pub fn part_count(&self) -> u32 {
        u32::try_from(parts_of_width(self.nodes.size.width().as_usize())).unwrap_or(u32::MAX)
    }

    /// The stamp of every part, in part order: a part whose stamp is the
    /// one a writer recorded when it wrote that part is unchanged since.
    pub fn part_stamps(&self) -> &[u64] {
        &self.hashes.stamps.stamps
    }

    /// The stored form of part `part` (format in the module docs): its
    /// nodes and the cached hashes of its parent nodes.
    pub fn part_bytes(&self, part: u32) -> Result<Vec<u8>> {
        let width = self.nodes.size.width().get();
        let start = part
            .checked_mul(TREE_PART_NODES)
            .filter(|&s| s < width)
            .ok_or(TreeKemError::TreePartMismatch("no such part"))?;
        let end = start.saturating_add(TREE_PART_NODES).min(width);
        let nh = self.hashes.nh;
        let mut out = Vec::with_capacity(2048);
        // The hash length, or 0 if the part holds no hash: the bytes depend
        // on the part's content only, not on the cache's history.
        out.push(0);
        let mut any_hash = false;
        for i in start..end {
            let index = NodeIndex::new(i);
            // The node type of RFC 9420 §7.8 (1 leaf, 2 parent), 0 blank.
            let encoded = match self.node(index) {
                None => None,
                Some(crate::NodeRef::Leaf(l)) => Some((1, mls_codec::encode(l)?)),
                Some(crate::NodeRef::Parent(p)) => Some((2, mls_codec::encode(p)?)),
            };
            match encoded {
                None => out.push(0),
                Some((kind, bytes)) => {
                    out.push(kind);
                    mls_codec::codec::write_opaque(&bytes, &mut out)?;
                }
            }
            if !index.is_leaf() {
                match self.hashes.get(index) {
                    Some(h) if nh > 0 => {
                        out.push(1);
                        out.extend_from_slice(h);
                        any_hash = true;
                    }
                    _ => out.push(0),
                }
            }
        }
        if any_hash && let Some(first) = out.first_mut() {
            *first = u8::try_from(nh).unwrap_or(0);
        }
        Ok(out)
    }

    /// Reassemble a tree of `leaf_count` leaves (a power of two) from its
    /// parts, in part order, with the parent hashes they carry. The parts
    /// must be exactly the tree's ([`RatchetTree::part_count`] of them,
    /// each of its full shape, no trailing bytes), else
    /// [`TreeKemError::TreePartMismatch`]; nodes at the wrong position
    /// give [`TreeKemError::WrongNodeType`]. Nothing is hashed: the caller
    /// checks the cached root against the tree hash it expects
    /// ([`RatchetTree::cached_root_hash`]). The content of the leaves is
    /// not validated (the parts come from the group's own store, G-07).
    pub fn from_parts<P: AsRef<[u8]>>(leaf_count: u32, parts: &[P]) -> Result<Self> {
        let size = TreeSize::for_leaves(leaf_count)?;
        let width = size.width().as_usize();
        if width > DEFAULT_MAX_NODES {
            return Err(TreeKemError::TreeTooLarge {
                nodes: width,
                max: DEFAULT_MAX_NODES,
            });
        }
        // Count before allocating: a wrong count costs nothing.
        if parts.len() != parts_of_width(width) {
            return Err(TreeKemError::TreePartMismatch(
                if parts.len() < parts_of_width(width) {
                    "a part is missing"
                } else {
                    "more parts than the tree has"
                },
            ));
        }
        let mismatch = TreeKemError::TreePartMismatch;
        let mut nodes = TreeNodes::with_size(size);
        let mut hashes: Vec<(NodeIndex, Vec<u8>)> = Vec::new();
        let mut tree_nh: Option<usize> = None;
        for (k, part) in parts.iter().enumerate() {
            let mut r = Reader::new(part.as_ref());
            let nh = usize::from(r.read_u8().map_err(|_| mismatch("empty part"))?);
            let start = k * TREE_PART_NODES as usize;
            let end = (start + TREE_PART_NODES as usize).min(width);
            for i in start..end {
                let index = NodeIndex::new(u32::try_from(i).map_err(|_| mismatch("index"))?);
                let kind = r.read_u8().map_err(|_| mismatch("truncated part"))?;
                if kind != 0 {
                    let body = r.read_vector().map_err(|_| mismatch("truncated node"))?;
                    match (kind, index.leaf()) {
                        (1, Some(leaf)) => {
                            let l: LeafNode = mls_codec::decode(body.rest())?;
                            nodes.set_leaf(leaf.as_usize(), Some(Box::new(l)));
                        }
                        (2, None) => {
                            let p: ParentNode = mls_codec::decode(body.rest())?;
                            if let Some(slot) = nodes.parents.get_mut(parent_slot(index)) {
                                *slot = Some(Box::new(p));
                            }
                        }
                        (1 | 2, _) => {
                            return Err(TreeKemError::WrongNodeType { node: index.get() });
                        }
                        _ => return Err(mismatch("node type")),
                    }
                }
                if !index.is_leaf() && r.read_presence().map_err(|_| mismatch("truncated part"))? {
                    if nh == 0 || tree_nh.is_some_and(|t| t != nh) {
                        return Err(mismatch("hash length"));
                    }
                    tree_nh = Some(nh);
                    let h = r.read_bytes(nh).map_err(|_| mismatch("truncated hash"))?;
                    hashes.push((index, h.to_vec()));
                }
            }
            r.finish()
                .map_err(|_| mismatch("trailing bytes in a part"))?;
        }
        let mut cache = HashCache::default();
        cache.resize(size);
        for (node, hash) in hashes {
            cache.put(node, hash);
        }
        Ok(RatchetTree::with_index(nodes, cache))
    }

    /// The cached tree hashes of the parent nodes, in the format above. The
    /// store trusts its input (GUIDANCE G-07); pair it with an integrity check.
    pub fn hash_cache_bytes(&self) -> Vec<u8> {
        let cache = &self.hashes;
        let width = cache.valid.len();
        let slots = width / 2;
        let nh = cache.nh;
        let valid = |slot: usize| nh > 0 && cache.valid.get(2 * slot + 1).copied().unwrap_or(false);
        let count = (0..slots).filter(|&s| valid(s)).count();
        let mut out = Vec::with_capacity(5 + slots.div_ceil(8) + count * nh);
        out.push(u8::try_from(nh).unwrap_or(0));
        out.extend_from_slice(&u32::try_from(slots).unwrap_or(0).to_be_bytes());
        let mut bitmap = vec![0u8; slots.div_ceil(8)];
        for slot in (0..slots).filter(|&s| valid(s)) {
            if let Some(b) = bitmap.get_mut(slot / 8) {
                *b |= 0x80 >> (slot % 8);
            }
        }
        out.extend_from_slice(&bitmap);
        for slot in (0..slots).filter(|&s| valid(s)) {
            let node = 2 * slot + 1;
            if let Some(h) = cache.bytes.get(node * nh..(node + 1) * nh) {
                out.extend_from_slice(h);
            }
        }
        out
    }

    /// Restore the parent hashes written by [`RatchetTree::hash_cache_bytes`]
    /// for this same tree. The input must fit the tree exactly (slot count,
    /// hash length, no trailing bytes), else
    /// [`TreeKemError::HashCacheMismatch`]; on error the cache is unchanged.
    pub fn restore_hash_cache(&mut self, bytes: &[u8]) -> Result<()> {
        let mismatch = TreeKemError::HashCacheMismatch;
        let (&nh, rest) = bytes.split_first().ok_or(mismatch("empty"))?;
        let nh = usize::from(nh);
        let (slots, rest) = rest
            .split_first_chunk::<4>()
            .ok_or(mismatch("truncated header"))?;
        let slots = u32::from_be_bytes(*slots) as usize;
        let width = self.nodes.size.width().as_usize();
        if slots != width / 2 {
            return Err(mismatch("parent count"));
        }
        let (bitmap, hashes) = rest
            .split_at_checked(slots.div_ceil(8))
            .ok_or(mismatch("truncated bitmap"))?;
        let is_set = |slot: usize| {
            bitmap
                .get(slot / 8)
                .is_some_and(|b| b & (0x80 >> (slot % 8)) != 0)
        };
        let count = (0..slots).filter(|&s| is_set(s)).count();
        if (count > 0 && nh == 0) || hashes.len() != count * nh {
            return Err(mismatch("hash bytes"));
        }
        if !slots.is_multiple_of(8)
            && bitmap
                .last()
                .is_some_and(|b| b & (0xff >> (slots % 8)) != 0)
        {
            return Err(mismatch("bitmap padding"));
        }
        let mut chunks = hashes.chunks_exact(nh.max(1));
        for slot in (0..slots).filter(|&s| is_set(s)) {
            let hash = chunks.next().ok_or(mismatch("hash bytes"))?;
            self.hashes
                .put(NodeIndex::new(2 * slot as u32 + 1), hash.to_vec());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use mls_codec::{Capabilities, Credential, LeafNode, LeafNodeSource, Node, VLBytes};
    use mls_crypto::{CipherSuite, CryptoProvider};
    use mls_crypto_rustcrypto::RustCryptoProvider;

    use super::*;

    fn tree(leaves: u8) -> RatchetTree {
        let leaf = |k: u8| {
            Some(Node::Leaf(LeafNode {
                encryption_key: vec![k; 32].into(),
                signature_key: vec![k; 32].into(),
                credential: Credential::basic(vec![k]),
                capabilities: Capabilities::default(),
                leaf_node_source: LeafNodeSource::Update,
                extensions: vec![],
                signature: VLBytes::new(vec![]),
            }))
        };
        let mut nodes = Vec::new();
        for k in 0..leaves {
            if k > 0 {
                nodes.push(None);
            }
            nodes.push(leaf(k));
        }
        RatchetTree::from_wire(mls_codec::RatchetTree::from_nodes(nodes)).unwrap()
    }

    #[test]
    fn restored_cache_gives_the_root_without_hashing() {
        let cs = RustCryptoProvider::new()
            .cipher_suite_provider(CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
            .unwrap();
        let mut full = tree(7);
        let root = full.tree_hash(cs.as_ref()).unwrap();
        let bytes = full.hash_cache_bytes();
        let mut fresh = tree(7);
        assert_eq!(fresh.cached_root_hash(), None);
        fresh.restore_hash_cache(&bytes).unwrap();
        assert_eq!(fresh.cached_root_hash(), Some(root.as_slice()));
        assert_eq!(fresh.tree_hash(cs.as_ref()).unwrap(), root);
    }

    #[test]
    fn rejects_truncated_foreign_and_padded_caches() {
        let cs = RustCryptoProvider::new()
            .cipher_suite_provider(CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
            .unwrap();
        let mut full = tree(7);
        full.tree_hash(cs.as_ref()).unwrap();
        let bytes = full.hash_cache_bytes();
        let mut fresh = tree(7);
        for len in 0..bytes.len() {
            assert!(matches!(
                fresh.restore_hash_cache(&bytes[..len]),
                Err(TreeKemError::HashCacheMismatch(_))
            ));
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(fresh.restore_hash_cache(&longer).is_err());
        assert!(tree(3).restore_hash_cache(&bytes).is_err());
        let mut padded = bytes.clone();
        padded[5] |= 0x01; // 7 parent slots: the bitmap's last bit is padding
        assert!(fresh.restore_hash_cache(&padded).is_err());
        assert_eq!(fresh.cached_root_hash(), None);
    }

    fn parts(t: &RatchetTree) -> Vec<Vec<u8>> {
        (0..t.part_count())
            .map(|k| t.part_bytes(k).unwrap())
            .collect()
    }

    #[test]
    fn parts_reassemble_the_tree_and_its_hashes() {
        let cs = RustCryptoProvider::new()
            .cipher_suite_provider(CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
            .unwrap();
        for leaves in [1u8, 2, 5, 9, 33] {
            let mut full = tree(leaves);
            let root = full.tree_hash(cs.as_ref()).unwrap();
            let stored = parts(&full);
            assert_eq!(stored.len() as u32, full.part_count());
            let leaf_count = full.size().leaf_count().get();
            let back = RatchetTree::from_parts(leaf_count, &stored).unwrap();
            assert_eq!(back, full);
            // A one-leaf tree's root is its leaf, whose hash is not stored.
            let expected = (leaves > 1).then_some(root.as_slice());
            assert_eq!(back.cached_root_hash(), expected);
            assert_eq!(parts(&back), stored);
        }
    }

    #[test]
    fn a_change_renews_the_stamps_of_its_parts_only() {
        let cs = RustCryptoProvider::new()
            .cipher_suite_provider(CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
            .unwrap();
        let mut t = tree(33); // 64 leaves: 127 nodes, 8 parts
        t.tree_hash(cs.as_ref()).unwrap();
        let before = t.part_stamps().to_vec();
        let bytes_before = parts(&t);
        let clone = t.clone();
        t.remove_leaf(mls_treemath::LeafIndex::new(3).unwrap())
            .unwrap();
        t.tree_hash(cs.as_ref()).unwrap();
        let bytes_after = parts(&t);
        for k in 0..t.part_count() as usize {
            let changed = bytes_before[k] != bytes_after[k];
            let restamped = before[k] != t.part_stamps()[k];
            // Every changed part is restamped (a restamped part may be
            // unchanged: a hash recomputed to the same value).
            assert!(
                !changed || restamped,
                "part {k} changed without a new stamp"
            );
        }
        // The clone kept the old stamps.
        assert_eq!(clone.part_stamps(), before.as_slice());
        // Leaf 3 is node 6 in part 0; its direct path 7, 15, 31, 63 lies in
        // parts 0, 0, 1, 3: parts 2, 4.. kept their stamps.
        assert_eq!(t.part_stamps()[2], before[2]);
        assert_eq!(t.part_stamps()[5], before[5]);
    }

    #[test]
    fn wrong_parts_are_refused() {
        let cs = RustCryptoProvider::new()
            .cipher_suite_provider(CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
            .unwrap();
        let mut full = tree(33);
        full.tree_hash(cs.as_ref()).unwrap();
        let stored = parts(&full);
        let n = full.size().leaf_count().get();
        let err = |r: Result<RatchetTree>| r.err().unwrap();
        assert!(matches!(
            err(RatchetTree::from_parts(n, &stored[1..])),
            TreeKemError::TreePartMismatch(_)
        ));
        let mut extra = stored.clone();
        extra.push(stored[0].clone());
        assert!(matches!(
            err(RatchetTree::from_parts(n, &extra)),
            TreeKemError::TreePartMismatch(_)
        ));
        assert!(RatchetTree::from_parts(3, &stored).is_err());
        for k in [0usize, 3, 7] {
            for len in 0..stored[k].len() {
                let mut cut = stored.clone();
                cut[k].truncate(len);
                assert!(
                    RatchetTree::from_parts(n, &cut).is_err(),
                    "part {k} cut at {len}"
                );
            }
            let mut longer = stored.clone();
            longer[k].push(0);
            assert!(RatchetTree::from_parts(n, &longer).is_err());
        }
        // Two parts swapped: a node lands at the wrong position.
        let mut swapped = stored.clone();
        swapped.swap(0, 1);
        assert!(RatchetTree::from_parts(n, &swapped) != Ok(full));
    }
}
