//! Persisting the tree-hash cache (RFC 9420 §7.8) beside a stored tree, so
//! that a group loaded from storage does not rehash its N nodes.
//!
//! Only the parent nodes' hashes are stored: with every parent hash known,
//! the root hash after a change needs the changed direct path plus at most
//! one sibling leaf hash per changed leaf, so leaf hashes are cheap to
//! recompute lazily and storing them would double the size for nothing.
//!
//! ```text
//! nh:u8 parent_slots:u32 valid_bitmap[ceil(parent_slots / 8)] hashes[nh * valid]
//! ```

use mls_treemath::NodeIndex;

use crate::hash::HashStore;
use crate::tree::RatchetTree;
use crate::{Result, TreeKemError};

impl RatchetTree {
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
}
