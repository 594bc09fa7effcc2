//! The client's entropy pool (GUIDANCE G-39, `docs/entropy-pool.md`),
//! opt-in ([`crate::ClientBuilder::entropy_pool`]): one
//! [`EntropyPool`] per client, the randomness of its provider, persisted as
//! the client-level record [`POOL_RECORD`] of its store.
//!
//! **When the pool is written.** Every group write of the client carries
//! the pool's current value in the same atomic batch
//! ([`mls_group::storage::GroupWrite::client_records`]): the state whose
//! randomness the draws produced (a Commit's path secrets, a new group's
//! keys, a message's reuse guard) and the pool value after those draws are
//! stored together, or neither is. A KeyPackage is not a group write: the
//! pool is written on its own first, then the KeyPackage. So the stored
//! pool is never behind a stored use of its output:
//!
//! - after a crash before the write, the stored pool is the value before
//!   the lost draws, whose outputs were never stored nor handed out; the
//!   restarted client draws again from it with fresh OS input;
//! - forward secrecy: once a write commits, the value the stored outputs
//!   came from is overwritten (the store replaces the record; SQLite's
//!   `secure_delete`, its log until a checkpoint). Between a draw and the
//!   write, the old value is still stored: that window is one operation.
//!
//! **Absorbing.** On every join from a Welcome and every merged Commit of
//! another member, the group's contribution
//! ([`Group::absorb_epoch_entropy`]) is absorbed before the write that
//! stores the new epoch, so it is persisted in that same batch. Own Commits
//! and external joins (our own Commit) add nothing the pool does not know.

use std::sync::{Arc, Mutex, MutexGuard};

use mls_crypto::entropy_pool::EntropyPool;
use mls_crypto::{CipherSuite, CryptoProvider};
use mls_group::Group;
use mls_group::storage::{ClientRecord, Store};

use crate::error::{ClientError, Result};

/// The name of the pool's client-level record.
pub const POOL_RECORD: &[u8] = b"entropy_pool";

/// The pool and the lock that orders its writes.
pub(crate) struct ClientPool {
    pub(crate) pool: Arc<EntropyPool>,
    /// Held from taking the pool's value to the end of the write that
    /// stores it, so that two writes of two groups cannot store the pool
    /// out of order (an older value over a newer one).
    writes: Mutex<()>,
}

impl ClientPool {
    /// The stored pool of the client, or a new one seeded from `fresh`'s
    /// generator (written at once) when the store holds none. A stored
    /// pool that does not verify is [`ClientError::EntropyPool`], never a
    /// fresh one.
    pub(crate) fn open(
        store: &dyn Store,
        fresh: &dyn CryptoProvider,
        suite: CipherSuite,
    ) -> Result<Self> {
        let kdf = EntropyPool::kdf_for_suites(fresh, &[suite])?;
        let pool = match store.client_record(POOL_RECORD)? {
            Some(bytes) => EntropyPool::from_bytes(kdf, &bytes)?,
            None => {
                let pool = EntropyPool::new(kdf)?;
                store.write_client_record(record(&pool)?)?;
                pool
            }
        };
        Ok(ClientPool {
            pool: Arc::new(pool),
            writes: Mutex::new(()),
        })
    }

    /// Start a write that stores the pool: the lock, and the record of the
    /// pool's value now.
    pub(crate) fn begin(&self) -> Result<(MutexGuard<'_, ()>, ClientRecord)> {
        let guard = self.writes.lock().unwrap_or_else(|p| p.into_inner());
        Ok((guard, record(&self.pool)?))
    }

    /// Write the pool on its own (before a KeyPackage made from its draws).
    pub(crate) fn write(&self, store: &dyn Store) -> Result<()> {
        let (_guard, record) = self.begin()?;
        Ok(store.write_client_record(record)?)
    }

    /// Absorb `group`'s contribution of its current epoch.
    pub(crate) fn absorb(&self, group: &Group) -> Result<()> {
        Ok(group.absorb_epoch_entropy(&self.pool)?)
    }
}

fn record(pool: &EntropyPool) -> Result<ClientRecord> {
    Ok(ClientRecord {
        name: POOL_RECORD.to_vec(),
        value: pool.to_bytes().map_err(ClientError::from)?,
    })
}
