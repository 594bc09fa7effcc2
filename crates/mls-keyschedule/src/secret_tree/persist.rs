//! A byte encoding of the secret-tree state, for the group engine's storage
//! (GUIDANCE G-01: the state survives a restart, so no generation is ever
//! reused, V-6.3.1-09).
//!
//! ```text
//! u8  version (1)
//! u32 leaf_count, u32 out_of_order_tolerance, u32 max_forward_distance
//! u32 n; n * { u32 node, secret }                       held node secrets
//! u32 m; m * { u32 leaf, ratchet handshake, ratchet application }
//! ratchet = u32 next_generation, u32 retained_from, u8 has_secret, [secret],
//!           u32 k; k * { u32 generation, secret key, secret nonce }
//! secret  = u8 length || bytes
//! ```
//!
//! Decoding checks everything a hand-edited or corrupted record could break:
//! counts against the remaining input before allocating, indices inside the
//! tree, ascending (unique) keys, the frontier property (no held node covers
//! another held node or a leaf that has ratchets), and the ratchet
//! invariants. It never panics.

use std::collections::BTreeMap;

use mls_treemath::{LeafCount, LeafIndex, NodeIndex, TreeSize};
use zeroize::Zeroizing;

use super::bytes::{Reader, Writer, malformed};
use super::{LeafRatchets, SecretTree, SecretTreeConfig, SenderRatchet};
use crate::{Result, TreeSecret};

const VERSION: u8 = 1;

impl SecretTree {
    /// The state as bytes for storage (zeroized when dropped: it holds
    /// secrets). [`SecretTree::from_bytes`] restores an equal tree.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut w = Writer(Zeroizing::new(Vec::new()));
        w.u8(VERSION);
        w.u32(self.leaf_count.get());
        w.u32(self.config.out_of_order_tolerance);
        w.u32(self.config.max_forward_distance);
        w.count(self.nodes.len());
        for (node, secret) in &self.nodes {
            w.u32(node.get());
            w.secret(secret.as_bytes());
        }
        w.count(self.leaves.len());
        for (leaf, ratchets) in &self.leaves {
            w.u32(leaf.get());
            ratchets.handshake.encode(&mut w);
            ratchets.application.encode(&mut w);
        }
        w.0
    }

    /// Restore a state written by [`SecretTree::to_bytes`]. Any malformed or
    /// inconsistent input is [`KeyScheduleError::MalformedState`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader(bytes);
        if r.u8()? != VERSION {
            return Err(malformed("unknown version"));
        }
        let leaf_count =
            LeafCount::new(r.u32()?).map_err(|_| malformed("leaf count outside 1..=2^31"))?;
        let size = TreeSize::new(leaf_count);
        let config = SecretTreeConfig {
            out_of_order_tolerance: r.u32()?,
            max_forward_distance: r.u32()?,
        };

        let mut nodes = BTreeMap::new();
        let mut last = None;
        for _ in 0..r.count(5)? {
            let node = NodeIndex::new(r.u32()?);
            if !size.contains_node(node) {
                return Err(malformed("node outside the tree"));
            }
            if last.is_some_and(|l| l >= node) {
                return Err(malformed("node indices not ascending"));
            }
            last = Some(node);
            nodes.insert(node, r.secret()?);
        }

        let mut leaves = BTreeMap::new();
        let mut last = None;
        for _ in 0..r.count(4 + 2 * SenderRatchet::MIN_ENCODED_LEN)? {
            let leaf = LeafIndex::new(r.u32()?).map_err(|_| malformed("leaf index too large"))?;
            if leaf.get() >= leaf_count.get() {
                return Err(malformed("leaf outside the group"));
            }
            if last.is_some_and(|l| l >= leaf) {
                return Err(malformed("leaf indices not ascending"));
            }
            last = Some(leaf);
            let ratchets = LeafRatchets {
                handshake: SenderRatchet::decode(&mut r)?,
                application: SenderRatchet::decode(&mut r)?,
            };
            leaves.insert(leaf, ratchets);
        }
        if !r.0.is_empty() {
            return Err(malformed("trailing bytes"));
        }

        check_frontier(&nodes, &leaves)?;
        Ok(SecretTree {
            leaf_count,
            config,
            nodes,
            leaves,
        })
    }
}

/// No held node may cover another held node or a leaf with ratchets: the
/// held subtrees and the derived leaves are pairwise disjoint.
fn check_frontier(
    nodes: &BTreeMap<NodeIndex, TreeSecret>,
    leaves: &BTreeMap<LeafIndex, LeafRatchets>,
) -> Result<()> {
    // Ascending node order gives ascending spans when they are disjoint.
    let mut covered_up_to: Option<LeafIndex> = None;
    for node in nodes.keys() {
        let (lo, hi) = node.leaf_span().ok_or(malformed("node outside the tree"))?;
        if covered_up_to.is_some_and(|c| c >= lo) {
            return Err(malformed("held node secrets overlap"));
        }
        if leaves.range(lo..=hi).next().is_some() {
            return Err(malformed("held node covers a leaf with ratchets"));
        }
        covered_up_to = Some(hi);
    }
    Ok(())
}
