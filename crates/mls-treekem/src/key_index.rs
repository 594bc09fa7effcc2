//! An index of the public keys in a tree, so that the uniqueness checks of
//! RFC 9420 §7.3 (V-7.3-16/17) on one new LeafNode cost O(1), not a scan of
//! the whole tree.
//!
//! Keys are indexed by a 64-bit fingerprint under a per-index random SipHash
//! key (std `RandomState`), which keeps the index at a few bytes per node. A
//! fingerprint only selects candidates: callers compare the real key bytes.
//! Two nodes with the same fingerprint (the same key in an unvalidated tree,
//! or a fingerprint collision) are both kept, the second in an overflow list.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

/// Fingerprint -> node index, with an overflow list for shared fingerprints.
#[derive(Debug, Clone, Default)]
struct FingerprintMap {
    primary: HashMap<u64, u32>,
    overflow: Vec<(u64, u32)>,
}

impl FingerprintMap {
    fn insert(&mut self, fp: u64, node: u32) {
        if let Some(&existing) = self.primary.get(&fp) {
            if existing != node && !self.overflow.contains(&(fp, node)) {
                self.overflow.push((fp, node));
            }
        } else {
            self.primary.insert(fp, node);
        }
    }

    fn remove(&mut self, fp: u64, node: u32) {
        if self.primary.get(&fp) == Some(&node) {
            self.primary.remove(&fp);
            if let Some(pos) = self.overflow.iter().position(|&(f, _)| f == fp) {
                let (_, moved) = self.overflow.swap_remove(pos);
                self.primary.insert(fp, moved);
            }
        } else if let Some(pos) = self.overflow.iter().position(|&e| e == (fp, node)) {
            self.overflow.swap_remove(pos);
        }
    }

    fn candidates(&self, fp: u64) -> impl Iterator<Item = u32> + '_ {
        self.primary
            .get(&fp)
            .copied()
            .into_iter()
            .chain(self.overflow.iter().filter(move |e| e.0 == fp).map(|e| e.1))
    }

    fn heap_bytes(&self) -> usize {
        // hashbrown: 12 bytes of entry and 1 control byte per bucket.
        self.primary.capacity() * 13 + self.overflow.capacity() * 16
    }
}

/// Encryption keys of every node and signature keys of every leaf.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyIndex {
    state: RandomState,
    encryption: FingerprintMap,
    signature: FingerprintMap,
}

impl KeyIndex {
    fn fingerprint(&self, key: &[u8]) -> u64 {
        self.state.hash_one(key)
    }

    /// Record `node`'s encryption key (and, for a leaf, its signature key).
    pub(crate) fn insert(
        &mut self,
        node: u32,
        encryption_key: &[u8],
        signature_key: Option<&[u8]>,
    ) {
        let fp = self.fingerprint(encryption_key);
        self.encryption.insert(fp, node);
        if let Some(sig) = signature_key {
            let fp = self.fingerprint(sig);
            self.signature.insert(fp, node);
        }
    }

    /// Forget `node`'s keys.
    pub(crate) fn remove(
        &mut self,
        node: u32,
        encryption_key: &[u8],
        signature_key: Option<&[u8]>,
    ) {
        let fp = self.fingerprint(encryption_key);
        self.encryption.remove(fp, node);
        if let Some(sig) = signature_key {
            let fp = self.fingerprint(sig);
            self.signature.remove(fp, node);
        }
    }

    /// Nodes that may hold this encryption key (compare the bytes).
    pub(crate) fn encryption_candidates(&self, key: &[u8]) -> Vec<u32> {
        self.encryption.candidates(self.fingerprint(key)).collect()
    }

    /// Leaf nodes that may hold this signature key (compare the bytes).
    pub(crate) fn signature_candidates(&self, key: &[u8]) -> Vec<u32> {
        self.signature.candidates(self.fingerprint(key)).collect()
    }

    /// Bytes held by the index.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.encryption.heap_bytes() + self.signature.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_fingerprints_are_all_kept_and_removed_one_by_one() {
        let mut m = FingerprintMap::default();
        m.insert(7, 1);
        m.insert(7, 3);
        m.insert(9, 5);
        let mut got: Vec<u32> = m.candidates(7).collect();
        got.sort_unstable();
        assert_eq!(got, [1, 3]);
        m.remove(7, 1);
        assert_eq!(m.candidates(7).collect::<Vec<_>>(), [3]);
        m.remove(7, 3);
        assert_eq!(m.candidates(7).count(), 0);
        assert_eq!(m.candidates(9).collect::<Vec<_>>(), [5]);
    }

    #[test]
    fn index_finds_keys() {
        let mut idx = KeyIndex::default();
        idx.insert(0, b"enc0", Some(b"sig0"));
        idx.insert(1, b"enc1", None);
        assert_eq!(idx.encryption_candidates(b"enc1"), [1]);
        assert_eq!(idx.signature_candidates(b"sig0"), [0]);
        idx.remove(0, b"enc0", Some(b"sig0"));
        assert!(idx.encryption_candidates(b"enc0").is_empty());
        assert!(idx.signature_candidates(b"sig0").is_empty());
    }
}
