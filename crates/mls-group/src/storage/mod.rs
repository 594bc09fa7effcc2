//! Group state persistence (GUIDANCE G-02..G-07): the whole state of a
//! [`crate::Group`] serialises to one versioned byte string
//! ([`crate::Group::to_bytes`], restored with [`crate::Group::from_bytes`]),
//! and a [`GroupStore`] keeps one such snapshot per group. A merged change
//! is one write of one snapshot, never a write per field, so a crash
//! leaves the stored group wholly at the old or wholly at the new epoch
//! (G-03).
//!
//! The snapshot holds secrets (private keys, epoch secrets, ratchets): it is
//! handed out in a zeroizing buffer. The store is trusted: integrity and
//! encryption at rest are the application's (G-07).

mod encode;
mod state;

use std::collections::HashMap;

use zeroize::Zeroizing;

use crate::{Group, GroupError, Result};

pub use state::STATE_VERSION;

/// Where groups are persisted: one snapshot per group id.
///
/// Contract: `write` replaces the whole snapshot atomically; `delete`
/// removes every copy (G-06).
pub trait GroupStore {
    /// Store (replace) the snapshot of `group_id`.
    fn write(&mut self, group_id: &[u8], state: &[u8]) -> Result<()>;
    /// The snapshot of `group_id`, if stored.
    fn read(&self, group_id: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>>;
    /// Forget `group_id` (e.g. after we were removed, RFC 9420 §12.4.2).
    fn delete(&mut self, group_id: &[u8]) -> Result<()>;
}

/// A [`GroupStore`] in memory (tests, short-lived clients). Snapshots are
/// zeroized when replaced or deleted.
#[derive(Default)]
pub struct InMemoryGroupStore {
    groups: HashMap<Vec<u8>, Zeroizing<Vec<u8>>>,
    writes: usize,
}

impl std::fmt::Debug for InMemoryGroupStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemoryGroupStore")
            .field("groups", &self.groups.len())
            .field("writes", &self.writes)
            .finish()
    }
}

impl InMemoryGroupStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many writes were made (tests check "one write per change").
    pub fn write_count(&self) -> usize {
        self.writes
    }

    /// How many groups are stored.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether no group is stored.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

impl GroupStore for InMemoryGroupStore {
    fn write(&mut self, group_id: &[u8], state: &[u8]) -> Result<()> {
        self.groups
            .insert(group_id.to_vec(), Zeroizing::new(state.to_vec()));
        self.writes += 1;
        Ok(())
    }

    fn read(&self, group_id: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>> {
        Ok(self.groups.get(group_id).cloned())
    }

    fn delete(&mut self, group_id: &[u8]) -> Result<()> {
        self.groups.remove(group_id);
        Ok(())
    }
}

impl Group {
    /// Write the group's snapshot to `store` (one write). Call it after
    /// every merge, and after sending (the ratchet advanced, G-04).
    pub fn save(&self, store: &mut dyn GroupStore) -> Result<()> {
        let bytes = self.to_bytes()?;
        store.write(self.group_id(), &bytes)
    }

    /// Load a group from `store`; `None` if it holds no snapshot for `group_id`.
    pub fn load(
        store: &dyn GroupStore,
        group_id: &[u8],
        provider: &dyn mls_crypto::CryptoProvider,
        config: crate::GroupConfig,
    ) -> Result<Option<Group>> {
        match store.read(group_id)? {
            Some(bytes) => {
                let group = Group::from_bytes(&bytes, provider, config)?;
                if group.group_id() != group_id {
                    return Err(GroupError::CorruptState("stored under another group id"));
                }
                Ok(Some(group))
            }
            None => Ok(None),
        }
    }
}
