//! The MLS store contracts of `mls_group::storage` on SQLite.
//!
//! [`SqliteStore`] implements [`GroupStateStore`], [`KeyPackageStore`],
//! [`PskStore`] and [`Store`] on one SQLite database file (through
//! `rusqlite`, SQLite compiled in). What it persists is what RFC 9420 asks a
//! client to keep between messages: the group state of the current epoch
//! (§8, §12.4), retained past epochs for late messages (§14), KeyPackages
//! with their private keys until used (§10, §16.8) and external PSKs (§8.4).
//!
//! - **One SQL transaction per transition** (GUIDANCE G-03):
//!   [`GroupStateStore::write_group`] runs the generation check, the new
//!   current state, the changed past epochs, the pruning, the KeyPackage
//!   deletions and the PSK changes of one [`mls_group::storage::GroupWrite`]
//!   in one `BEGIN IMMEDIATE` transaction: a crash at any instant leaves the
//!   group wholly at the old or wholly at the new epoch.
//! - **Two processes on one file** serialize on SQLite's write lock (a busy
//!   timeout, [`SqliteOptions::busy_timeout`]); a writer that read an older
//!   generation than the stored one gets [`StoreError::Conflict`].
//! - **Deletion** (G-06): `PRAGMA secure_delete=ON` overwrites deleted
//!   content; [`SqliteStore::checkpoint`] also empties the write-ahead log,
//!   which still holds the page images of recent transactions.
//! - **Damage** is a typed error, never a panic or a silently different
//!   state: SQLite's own corruption reports, a check value over each row's
//!   small columns, and the records' own digests
//!   (`mls_group::Group::from_records`).
//! - **Schema**: a `schema_version` table and migrations from version 1 on
//!   ([`SCHEMA_VERSION`]); a file of a newer schema gives
//!   [`StoreError::NewerVersion`].
//!
//! `docs/storage.md` states the contract and the schema, with measured costs.
//!
//! ```
//! use mls_group::storage::{KeyPackageStore, Store};
//! use mls_store_sqlite::SqliteStore;
//!
//! let store = SqliteStore::open_in_memory()?;
//! store.bind_identity(b"alice")?;
//! assert!(store.key_package_refs()?.is_empty());
//! # Ok::<(), mls_group::storage::StoreError>(())
//! ```
//!
//! [`GroupStateStore`]: mls_group::storage::GroupStateStore
//! [`GroupStateStore::write_group`]: mls_group::storage::GroupStateStore::write_group
//! [`KeyPackageStore`]: mls_group::storage::KeyPackageStore
//! [`PskStore`]: mls_group::storage::PskStore
//! [`Store`]: mls_group::storage::Store
//! [`StoreError::Conflict`]: mls_group::storage::StoreError::Conflict
//! [`StoreError::NewerVersion`]: mls_group::storage::StoreError::NewerVersion

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod backend;
mod client_records;
mod groups;
mod identity;
mod key_packages;
mod options;
mod psks;
mod row_check;
mod schema;
mod store;

pub use options::{Durability, SqliteOptions};
pub use schema::SCHEMA_VERSION;
pub use store::SqliteStore;
