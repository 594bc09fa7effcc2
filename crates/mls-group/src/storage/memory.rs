//! A [`Store`] in memory (tests, short-lived clients), with a fault switch
//! that fails the n-th write (the "disk full" tests).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::client_records::{ClientRecord, ClientRecordStore};
use super::records::{EpochRecord, GroupWrite, KeyPackageRecord, PskChange, StoredGroup, TreePart};
use super::traits::{GroupStateStore, KeyPackageStore, PskStore, Store};
use crate::store_error::{StoreError, StoreResult};

struct GroupEntry {
    generation: u64,
    epoch: u64,
    state: Zeroizing<Vec<u8>>,
    past: BTreeMap<u64, Zeroizing<Vec<u8>>>,
    parts: BTreeMap<u32, Vec<u8>>,
}

#[derive(Default)]
struct Inner {
    groups: HashMap<Vec<u8>, GroupEntry>,
    key_packages: HashMap<Vec<u8>, KeyPackageRecord>,
    psks: HashMap<Vec<u8>, Zeroizing<Vec<u8>>>,
    client_records: HashMap<Vec<u8>, Zeroizing<Vec<u8>>>,
    identity: Option<Vec<u8>>,
    writes: usize,
    record_writes: usize,
    part_writes: usize,
    fail_write: Option<usize>,
}

/// Every record in memory; replaced and deleted values are zeroized on drop.
#[derive(Default)]
pub struct InMemoryStore {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for InMemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = self.lock();
        f.debug_struct("InMemoryStore")
            .field("groups", &i.groups.len())
            .field("key_packages", &i.key_packages.len())
            .field("writes", &i.writes)
            .finish_non_exhaustive()
    }
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-applied batch:
        // every batch is checked before anything is mutated.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many group batches were written.
    pub fn write_count(&self) -> usize {
        self.lock().writes
    }

    /// How many group records (current state plus past epochs) were written
    /// in total: a save after a commit writes the changed ones only.
    pub fn record_write_count(&self) -> usize {
        self.lock().record_writes
    }

    /// How many tree parts were written in total.
    pub fn part_write_count(&self) -> usize {
        self.lock().part_writes
    }

    /// Make the `n`-th group write from now (1 = the next) fail with
    /// [`StoreError::Backend`], applying nothing.
    pub fn fail_nth_write(&self, n: usize) {
        let mut i = self.lock();
        i.fail_write = Some(i.writes + n);
    }

    /// How many groups are stored.
    pub fn len(&self) -> usize {
        self.lock().groups.len()
    }

    /// Whether no group is stored.
    pub fn is_empty(&self) -> bool {
        self.lock().groups.is_empty()
    }
}

impl GroupStateStore for InMemoryStore {
    fn write_group(&self, write: GroupWrite) -> StoreResult<u64> {
        let mut i = self.lock();
        let stored = i.groups.get(&write.group_id);
        let stored_generation = stored.map(|g| g.generation);
        if stored_generation != write.expected_generation {
            return Err(StoreError::Conflict {
                stored: stored_generation,
                stored_epoch: stored.map(|g| g.epoch),
                expected: write.expected_generation,
            });
        }
        if i.fail_write == Some(i.writes + 1) {
            i.fail_write = None;
            i.writes += 1;
            return Err(StoreError::Backend("injected write failure".into()));
        }
        i.writes += 1;
        i.record_writes += 1 + write.past_epochs.len();
        i.part_writes += write.tree_parts.len();
        let generation = stored_generation.unwrap_or(0) + 1;
        let GroupWrite {
            group_id,
            epoch,
            state,
            past_epochs,
            prune_before,
            consumed_key_packages,
            psk_changes,
            tree_parts,
            tree_part_count,
            client_records,
            ..
        } = write;
        let entry = i.groups.entry(group_id).or_insert_with(|| GroupEntry {
            generation: 0,
            epoch,
            state: Zeroizing::new(Vec::new()),
            past: BTreeMap::new(),
            parts: BTreeMap::new(),
        });
        entry.generation = generation;
        entry.epoch = epoch;
        entry.state = state;
        for EpochRecord { epoch, bytes } in past_epochs {
            entry.past.insert(epoch, bytes);
        }
        entry.past = entry.past.split_off(&prune_before);
        for TreePart { index, bytes } in tree_parts {
            entry.parts.insert(index, bytes);
        }
        entry.parts.split_off(&tree_part_count);
        for r in consumed_key_packages {
            i.key_packages.remove(&r);
        }
        for change in psk_changes {
            match change {
                PskChange::Insert { id, secret } => {
                    i.psks.insert(id, secret);
                }
                PskChange::Delete { id } => {
                    i.psks.remove(&id);
                }
            }
        }
        for ClientRecord { name, value } in client_records {
            i.client_records.insert(name, value);
        }
        Ok(generation)
    }

    fn read_group(&self, group_id: &[u8]) -> StoreResult<Option<StoredGroup>> {
        Ok(self.lock().groups.get(group_id).map(|g| StoredGroup {
            group_id: group_id.to_vec(),
            generation: g.generation,
            epoch: g.epoch,
            state: g.state.clone(),
            past_epochs: g
                .past
                .iter()
                .map(|(&epoch, bytes)| EpochRecord {
                    epoch,
                    bytes: bytes.clone(),
                })
                .collect(),
            tree_parts: g
                .parts
                .iter()
                .map(|(&index, bytes)| TreePart {
                    index,
                    bytes: bytes.clone(),
                })
                .collect(),
        }))
    }

    fn group_ids(&self) -> StoreResult<Vec<Vec<u8>>> {
        let mut ids: Vec<Vec<u8>> = self.lock().groups.keys().cloned().collect();
        ids.sort();
        Ok(ids)
    }

    fn delete_group(&self, group_id: &[u8]) -> StoreResult<()> {
        self.lock().groups.remove(group_id);
        Ok(())
    }
}

impl KeyPackageStore for InMemoryStore {
    fn insert_key_package(&self, record: KeyPackageRecord) -> StoreResult<()> {
        self.lock()
            .key_packages
            .insert(record.reference.clone(), record);
        Ok(())
    }

    fn key_package(&self, reference: &[u8]) -> StoreResult<Option<KeyPackageRecord>> {
        Ok(self.lock().key_packages.get(reference).cloned())
    }

    fn key_package_refs(&self) -> StoreResult<Vec<(Vec<u8>, bool, u64)>> {
        let mut refs: Vec<_> = self
            .lock()
            .key_packages
            .values()
            .map(|r| (r.reference.clone(), r.last_resort, r.created_at))
            .collect();
        refs.sort();
        Ok(refs)
    }

    fn delete_key_package(&self, reference: &[u8]) -> StoreResult<()> {
        self.lock().key_packages.remove(reference);
        Ok(())
    }
}

impl PskStore for InMemoryStore {
    fn insert_psk(&self, id: &[u8], secret: &[u8]) -> StoreResult<()> {
        self.lock()
            .psks
            .insert(id.to_vec(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn psk(&self, id: &[u8]) -> StoreResult<Option<Zeroizing<Vec<u8>>>> {
        Ok(self.lock().psks.get(id).cloned())
    }

    fn delete_psk(&self, id: &[u8]) -> StoreResult<()> {
        self.lock().psks.remove(id);
        Ok(())
    }
}

impl ClientRecordStore for InMemoryStore {
    fn client_record(&self, name: &[u8]) -> StoreResult<Option<Zeroizing<Vec<u8>>>> {
        Ok(self.lock().client_records.get(name).cloned())
    }

    fn write_client_record(&self, record: ClientRecord) -> StoreResult<()> {
        self.lock().client_records.insert(record.name, record.value);
        Ok(())
    }
}

impl Store for InMemoryStore {
    fn bind_identity(&self, identity: &[u8]) -> StoreResult<()> {
        let mut i = self.lock();
        match &i.identity {
            Some(bound) if bound != identity => Err(StoreError::WrongIdentity),
            Some(_) => Ok(()),
            None => {
                i.identity = Some(identity.to_vec());
                Ok(())
            }
        }
    }
}
