//! Update cadence and idle members (GUIDANCE G-51; RFC 9420 §16.6, RFC 9750
//! §8.2.2: a member that never updates its leaf keeps post-compromise
//! security from healing, so applications force updates or remove idle
//! members). A member's own keys change when it commits with an UpdatePath,
//! when its Update proposal is committed, and when it joins.

use std::collections::BTreeMap;

use mls_treekem::LeafIndex;

use crate::{CommitInfo, Group};

/// The epoch in which each member last replaced its own leaf keys, kept up
/// to date from the [`CommitInfo`] of every merged Commit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateCadence {
    last_update: BTreeMap<u32, u64>,
}

impl UpdateCadence {
    /// Start from `group`'s current members, all counted as updated in the
    /// current epoch (the history before is unknown to this member: a
    /// joiner learns nothing about earlier updates, so this is an upper
    /// bound; the first Commits processed make it exact).
    pub fn from_group(group: &Group) -> Self {
        let epoch = group.epoch();
        UpdateCadence {
            last_update: group
                .members()
                .into_iter()
                .map(|m| (m.leaf_index.get(), epoch))
                .collect(),
        }
    }

    /// Record a merged Commit (received, or our own): in RFC 9420 §12.3
    /// order, Updates, then Removes, then Adds, then the committer's path.
    pub fn observe_commit(&mut self, info: &CommitInfo) {
        let epoch = info.new_epoch;
        for leaf in &info.updated {
            self.last_update.insert(leaf.get(), epoch);
        }
        for removed in &info.removed {
            self.last_update.remove(&removed.leaf_index.get());
        }
        for added in &info.added {
            self.last_update.insert(added.leaf_index.get(), epoch);
        }
        if info.has_path {
            self.last_update.insert(info.committer.get(), epoch);
        }
    }

    /// The epoch of `leaf`'s last own-key update, if it is a member.
    pub fn last_update(&self, leaf: LeafIndex) -> Option<u64> {
        self.last_update.get(&leaf.get()).copied()
    }

    /// Members whose last update is more than `max_idle_epochs` epochs
    /// before `current_epoch`, oldest first (candidates for a forced
    /// update or a Remove).
    pub fn idle_members(&self, current_epoch: u64, max_idle_epochs: u64) -> Vec<LeafIndex> {
        let mut idle: Vec<(u64, u32)> = self
            .last_update
            .iter()
            .filter(|(_, e)| current_epoch.saturating_sub(**e) > max_idle_epochs)
            .map(|(l, e)| (*e, *l))
            .collect();
        idle.sort_unstable();
        idle.into_iter()
            .filter_map(|(_, l)| LeafIndex::new(l).ok())
            .collect()
    }
}
