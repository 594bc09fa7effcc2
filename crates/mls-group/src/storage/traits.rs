//! The store contracts: what a backend (memory, SQLite, an application's
//! database) must provide. Every value is owned, every method takes `&self`
//! (a backend serializes internally: a mutex, a database transaction) and
//! returns [`StoreResult`]. The full contract a third-party store must
//! honour is in `docs/storage.md`; in short:
//!
//! - **Atomicity.** [`GroupStateStore::write_group`] applies the whole
//!   [`GroupWrite`] or nothing: new current state, changed past epochs,
//!   pruning, KeyPackage deletions, PSK changes and client-level records
//!   (GUIDANCE G-03).
//! - **Ordering and conflicts.** Writes to one group are serialized; a write
//!   naming a generation other than the stored one fails with
//!   [`StoreError::Conflict`] and changes nothing.
//! - **Failure.** On any error nothing was applied; the caller's group in
//!   memory stays at the state it had before the operation, and a later write
//!   may succeed.
//! - **Deletion.** `delete_*` and consumed KeyPackages remove every copy the
//!   backend controls (GUIDANCE G-06).
//!
//! [`StoreError::Conflict`]: super::StoreError::Conflict

use super::client_records::ClientRecordStore;
use super::records::{GroupWrite, KeyPackageRecord, StoredGroup};
use crate::store_error::StoreResult;

/// Group state: the current state of each group plus its retained past
/// epochs, as separate records.
pub trait GroupStateStore: Send + Sync {
    /// Apply one transition's batch atomically; returns the new generation.
    fn write_group(&self, write: GroupWrite) -> StoreResult<u64>;
    /// The stored group `group_id`, if any.
    fn read_group(&self, group_id: &[u8]) -> StoreResult<Option<StoredGroup>>;
    /// The ids of every stored group (no state is read).
    fn group_ids(&self) -> StoreResult<Vec<Vec<u8>>>;
    /// Forget `group_id`: current state and every past epoch.
    fn delete_group(&self, group_id: &[u8]) -> StoreResult<()>;
}

/// KeyPackages with their private parts, by KeyPackageRef.
pub trait KeyPackageStore: Send + Sync {
    /// Store (replace) a KeyPackage.
    fn insert_key_package(&self, record: KeyPackageRecord) -> StoreResult<()>;
    /// The KeyPackage whose ref is `reference`, if stored.
    fn key_package(&self, reference: &[u8]) -> StoreResult<Option<KeyPackageRecord>>;
    /// Every stored KeyPackage's `(reference, last_resort, created_at)`.
    fn key_package_refs(&self) -> StoreResult<Vec<(Vec<u8>, bool, u64)>>;
    /// Delete a KeyPackage and its private keys (G-06).
    fn delete_key_package(&self, reference: &[u8]) -> StoreResult<()>;
}

/// External PSKs by id (RFC 9420 §8.4).
pub trait PskStore: Send + Sync {
    /// Store (replace) the PSK `id`.
    fn insert_psk(&self, id: &[u8], secret: &[u8]) -> StoreResult<()>;
    /// The PSK `id`, if stored.
    fn psk(&self, id: &[u8]) -> StoreResult<Option<zeroize::Zeroizing<Vec<u8>>>>;
    /// Delete the PSK `id`.
    fn delete_psk(&self, id: &[u8]) -> StoreResult<()>;
}

/// A whole client store: the record kinds behind one transaction
/// boundary (a [`GroupWrite`] touches all of them), bound to one identity.
pub trait Store: GroupStateStore + KeyPackageStore + PskStore + ClientRecordStore {
    /// Bind the store to a client identity (e.g. its credential's
    /// encoding): an empty store records it, a store bound to another one
    /// fails with [`super::StoreError::WrongIdentity`].
    fn bind_identity(&self, identity: &[u8]) -> StoreResult<()>;
}
