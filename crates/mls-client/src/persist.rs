//! The one way the client writes a group: [`save`], one
//! [`mls_group::storage::GroupWrite`] per transition through
//! [`Group::save`] (GUIDANCE G-03), with the store's own error kept intact
//! so that a conflict is told apart from a failed backend.

use std::sync::Mutex;

use mls_group::storage::{GroupStateStore, GroupWrite, StoreError, StoreResult, StoredGroup};
use mls_group::{Group, SaveCursor, SideEffects};

use crate::error::{ClientError, Result};
use crate::shared::Core;

/// A view of the client's store that remembers the error of the write it
/// forwards, whatever shape the engine's error gives it.
struct Capture<'a> {
    store: &'a dyn GroupStateStore,
    error: Mutex<Option<StoreError>>,
}

impl GroupStateStore for Capture<'_> {
    fn write_group(&self, write: GroupWrite) -> StoreResult<u64> {
        self.store.write_group(write).inspect_err(|e| self.keep(e))
    }
    fn read_group(&self, group_id: &[u8]) -> StoreResult<Option<StoredGroup>> {
        self.store
            .read_group(group_id)
            .inspect_err(|e| self.keep(e))
    }
    fn group_ids(&self) -> StoreResult<Vec<Vec<u8>>> {
        self.store.group_ids()
    }
    fn delete_group(&self, group_id: &[u8]) -> StoreResult<()> {
        self.store.delete_group(group_id)
    }
}

impl<'a> Capture<'a> {
    fn new(store: &'a dyn GroupStateStore) -> Self {
        Capture {
            store,
            error: Mutex::new(None),
        }
    }

    fn keep(&self, error: &StoreError) {
        *self.error.lock().unwrap_or_else(|p| p.into_inner()) = Some(error.clone());
    }

    /// The store's error if the store failed, else the engine's.
    fn error(self, engine: mls_group::GroupError, creating: bool) -> ClientError {
        match self.error.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(store_error) => ClientError::from_store(store_error, creating),
            None => ClientError::Group(engine),
        }
    }
}

/// Write `group` through the client's store as one batch with `effects`
/// (e.g. the KeyPackage a join consumed) and advance `cursor`. On error
/// nothing was stored and `cursor` is unchanged.
pub(crate) fn save(
    core: &Core,
    group: &Group,
    cursor: &mut SaveCursor,
    mut effects: SideEffects,
) -> Result<()> {
    // G-39: the pool's value goes into the batch of the state its draws
    // produced, under the lock that orders pool writes (crate::entropy).
    let _pool_write = match &core.pool {
        Some(pool) => {
            let (guard, record) = pool.begin()?;
            effects.client_records.push(record);
            Some(guard)
        }
        None => None,
    };
    let creating = cursor.generation().is_none();
    let capture = Capture::new(core.store.as_ref());
    group
        .save(&capture, cursor, effects)
        .map_err(|e| capture.error(e, creating))
}

/// Load the group `group_id` from the client's store with the client's
/// signer and runtime objects (clock, credential validator, policy).
pub(crate) fn load(core: &Core, group_id: &[u8]) -> Result<Option<(Group, SaveCursor)>> {
    let options = mls_group::LoadOptions::default()
        .with_signer(core.signer.clone())
        .with_runtime_of(&core.config);
    let capture = Capture::new(core.store.as_ref());
    Group::load_with_options(&capture, group_id, core.provider.as_ref(), options)
        .map_err(|e| capture.error(e, false))
}
