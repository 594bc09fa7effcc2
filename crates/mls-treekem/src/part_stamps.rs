//! Part stamps: which fixed-size parts of the node array changed since a
//! save (the stored form is in `persist`). Kept apart from `persist` so that
//! `tree` can bump stamps without depending on the persisted form.

use std::sync::atomic::{AtomicU64, Ordering};

use mls_treemath::NodeIndex;

/// Nodes per stored part: 16 nodes (8 leaves) are about 2 KiB with suite 1,
/// half an SQLite page, so a part is stored inline in its row.
pub const TREE_PART_NODES: u32 = 16;

/// The source of part stamps: unique in the process, so equal stamps mean
/// the same change history.
static NEXT_STAMP: AtomicU64 = AtomicU64::new(1);

fn fresh_stamp() -> u64 {
    NEXT_STAMP.fetch_add(1, Ordering::Relaxed)
}

/// The number of parts of a tree `width` nodes wide.
pub(crate) fn parts_of_width(width: usize) -> usize {
    width.div_ceil(TREE_PART_NODES as usize)
}

/// One stamp per part (see the module docs), for a tree `width` nodes wide.
#[derive(Debug, Clone, Default)]
pub(crate) struct PartStamps {
    pub(crate) stamps: Vec<u64>,
    width: usize,
}

/// Stamps are bookkeeping, not content: two caches holding the same hashes
/// are equal whatever their history.
impl PartialEq for PartStamps {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Eq for PartStamps {}

impl PartStamps {
    /// Fit a tree `width` nodes wide. The old last part and every new part
    /// change (the node count of the boundary part changes with the width).
    pub(crate) fn resize(&mut self, width: usize) {
        if width == self.width && !self.stamps.is_empty() {
            return;
        }
        self.width = width;
        let stamp = fresh_stamp();
        if let Some(last) = self.stamps.last_mut() {
            *last = stamp;
        }
        self.stamps.resize(parts_of_width(width), stamp);
        if let Some(last) = self.stamps.last_mut() {
            *last = stamp;
        }
    }

    /// The part holding `node` changed.
    pub(crate) fn touch(&mut self, node: NodeIndex) {
        let part = node.as_usize() / TREE_PART_NODES as usize;
        if let Some(s) = self.stamps.get_mut(part) {
            *s = fresh_stamp();
        }
    }

    /// Every part changed.
    pub(crate) fn touch_all(&mut self) {
        let stamp = fresh_stamp();
        self.stamps.iter_mut().for_each(|s| *s = stamp);
    }
}
