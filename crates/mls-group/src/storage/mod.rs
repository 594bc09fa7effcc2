//! Group state persistence (GUIDANCE G-02..G-07).
//!
//! A [`crate::Group`] is stored as records ([`crate::Group::to_records`]):
//! one current-state record and one per retained past epoch. A store
//! implements the contracts of [`traits`] ([`GroupStateStore`],
//! [`KeyPackageStore`], [`PskStore`], together [`Store`]) with owned values
//! and its own [`StoreError`]; [`InMemoryStore`] is the in-memory one.
//! A transition is ONE [`GroupWrite`] batch: the new current state, the
//! changed past epochs, pruning, consumed KeyPackages and PSK changes, so a
//! crash leaves the stored group wholly at the old or wholly at the new
//! epoch (G-03). [`crate::Group::save`] writes only the records that changed
//! since the last save ([`SaveCursor`]).
//!
//! Records hold secrets (private keys, epoch secrets, ratchets) and are
//! handed out in zeroizing buffers. Each record carries a digest, so damage
//! is detected; the store is otherwise trusted: encryption at rest is the
//! application's (G-07). The contract a third-party store must honour is in
//! `docs/storage.md`.

mod client_records;
mod encode;
mod envelope;
mod load_options;
mod memory;
mod past;
mod pending;
mod records;
mod secret_fields;
mod settings;
mod state;
pub mod traits;
mod tree_parts;

use std::collections::BTreeMap;

pub use crate::store_error::{StoreError, StoreResult};
pub use client_records::{ClientRecord, ClientRecordStore};
pub use envelope::STATE_VERSION;
pub use load_options::LoadOptions;
pub use memory::InMemoryStore;
pub use records::{EpochRecord, GroupWrite, KeyPackageRecord, PskChange, StoredGroup, TreePart};
pub use state::GroupRecords;
pub use traits::{GroupStateStore, KeyPackageStore, PskStore, Store};

use crate::{Group, Result, StateError};
use tree_parts::{TreeCursor, changed_parts};

/// What a writer knows of a group's stored records: the generation it read
/// or last wrote, a fingerprint (the trailing digest) of each past-epoch
/// record it wrote, and the stamp and hash of each tree part it wrote or
/// read, so the next save sends only the changed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveCursor {
    generation: Option<u64>,
    past: BTreeMap<u64, Vec<u8>>,
    tree: TreeCursor,
}

impl SaveCursor {
    /// A cursor for a group not stored yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A cursor for writing a wholly new state of the group over the one
    /// stored at this cursor's generation (a resync by external Commit,
    /// RFC 9420 §12.4.3.2): the next save writes every record, expects
    /// this generation, and prunes the past epochs below the new state's
    /// oldest one.
    pub fn replacing(&self) -> Self {
        SaveCursor {
            generation: self.generation,
            ..Self::default()
        }
    }

    /// The stored generation this writer is at (`None`: not stored yet).
    pub fn generation(&self) -> Option<u64> {
        self.generation
    }

    fn fingerprint(bytes: &[u8]) -> Vec<u8> {
        bytes[bytes.len().saturating_sub(16)..].to_vec()
    }
}

/// What a transition consumed besides the group state: written in the same
/// batch as the group (G-03).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SideEffects {
    /// KeyPackageRefs consumed (e.g. the one a join used).
    pub consumed_key_packages: Vec<Vec<u8>>,
    /// PSK changes.
    pub psk_changes: Vec<PskChange>,
    /// Client-level records written with the group (the entropy pool,
    /// G-39: in the transaction of the state its draws produced).
    pub client_records: Vec<ClientRecord>,
}

impl Group {
    /// The batch that brings the stored group from `cursor` to this state:
    /// the current state, the tree parts and past epochs that are new or
    /// changed since `cursor`, pruning below the oldest retained epoch, and
    /// `effects`.
    pub fn write_batch(&self, cursor: &SaveCursor, effects: SideEffects) -> Result<GroupWrite> {
        Ok(self.batch(cursor, effects)?.0)
    }

    /// [`Group::write_batch`] and the cursor after the batch is stored
    /// (its generation still the old one).
    fn batch(&self, cursor: &SaveCursor, effects: SideEffects) -> Result<(GroupWrite, SaveCursor)> {
        let (tree_parts, tree) = changed_parts(&self.tree, self.cs.as_ref(), &cursor.tree)?;
        let state = self.state_record(&tree.digest(self.cs.as_ref()))?;
        let records = self.past_records()?;
        let epoch = self.context.epoch;
        let prune_before = records.first().map_or(epoch, |p| p.epoch);
        let mut past = cursor.past.clone();
        let past_epochs: Vec<EpochRecord> = records
            .into_iter()
            .filter(|p| {
                cursor.past.get(&p.epoch).map(Vec::as_slice)
                    != Some(SaveCursor::fingerprint(&p.bytes).as_slice())
            })
            .collect();
        for p in &past_epochs {
            past.insert(p.epoch, SaveCursor::fingerprint(&p.bytes));
        }
        let past = past.split_off(&prune_before);
        let write = GroupWrite {
            group_id: self.group_id().to_vec(),
            expected_generation: cursor.generation,
            epoch,
            state,
            past_epochs,
            prune_before,
            tree_part_count: self.tree.part_count(),
            tree_parts,
            consumed_key_packages: effects.consumed_key_packages,
            psk_changes: effects.psk_changes,
            client_records: effects.client_records,
        };
        let next = SaveCursor {
            generation: cursor.generation,
            past,
            tree,
        };
        Ok((write, next))
    }

    /// Write the group to `store` as one batch ([`Group::write_batch`]) and
    /// advance `cursor`. Call it after every merge, and after sending (the
    /// ratchet advanced, G-04). On error nothing was stored and `cursor` is
    /// unchanged; the caller keeps (or returns to) the state it had before.
    pub fn save(
        &self,
        store: &dyn GroupStateStore,
        cursor: &mut SaveCursor,
        effects: SideEffects,
    ) -> Result<()> {
        let (write, mut next) = self.batch(cursor, effects)?;
        next.generation = Some(store.write_group(write)?);
        *cursor = next;
        Ok(())
    }

    /// Load a group from `store` with the settings it was saved with;
    /// `None` if it holds none for `group_id`. The returned cursor lets the
    /// next [`Group::save`] write only changes. The clock, credential
    /// validator and proposal policy are the defaults; see
    /// [`Group::load_with_options`] for a signer that is not in the
    /// snapshot and for the application's objects.
    pub fn load(
        store: &dyn GroupStateStore,
        group_id: &[u8],
        provider: &dyn mls_crypto::CryptoProvider,
    ) -> Result<Option<(Group, SaveCursor)>> {
        Self::load_with_options(store, group_id, provider, LoadOptions::default())
    }

    /// [`Group::load`] with a signer and the application's objects.
    pub fn load_with_options(
        store: &dyn GroupStateStore,
        group_id: &[u8],
        provider: &dyn mls_crypto::CryptoProvider,
        options: LoadOptions,
    ) -> Result<Option<(Group, SaveCursor)>> {
        let Some(stored) = store.read_group(group_id)? else {
            return Ok(None);
        };
        let (group, tree) = Group::restore(
            &stored.state,
            &stored.tree_parts,
            &stored.past_epochs,
            provider,
            options,
        )?;
        if group.group_id() != group_id || group.epoch() != stored.epoch {
            return Err(StateError::Corrupt("stored under another group id or epoch").into());
        }
        let cursor = SaveCursor {
            generation: Some(stored.generation),
            past: stored
                .past_epochs
                .iter()
                .map(|p| (p.epoch, SaveCursor::fingerprint(&p.bytes)))
                .collect(),
            tree,
        };
        Ok(Some((group, cursor)))
    }
}
