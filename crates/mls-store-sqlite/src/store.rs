//! [`SqliteStore`]: one connection to one database file, its pragmas, and
//! the lock that serializes this process's callers (SQLite's own write lock
//! serializes the processes).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use mls_group::storage::StoreError;
use rusqlite::{Connection, OpenFlags};

use crate::backend::SqlResult;
use crate::options::{Durability, SqliteOptions};
use crate::schema::{MIGRATIONS, migrate};

/// The store contracts of `mls_group::storage` on one SQLite database
/// (crate documentation: transactions, deletion, damage, schema).
pub struct SqliteStore {
    conn: Mutex<Connection>,
    options: SqliteOptions,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Open (or create) the store at `path` with the default
    /// [`SqliteOptions`].
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Open (or create) the store at `path`. A file that is not a SQLite
    /// database, is damaged, or holds another schema than an MLS store's
    /// gives [`StoreError::Corrupt`]; one of a newer schema version
    /// [`StoreError::NewerVersion`].
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let path = path.as_ref();
        // SQLite reads a file shorter than its smallest page (512 bytes) as an
        // empty database: such a file is a truncated store, not a new one.
        if let Ok(meta) = std::fs::metadata(path)
            && (1..512).contains(&meta.len())
        {
            return Err(StoreError::Corrupt(format!(
                "a {}-byte file is no SQLite database (truncated?)",
                meta.len()
            )));
        }
        let conn = Connection::open_with_flags(path, flags).store()?;
        Self::configure(conn, options)
    }

    /// A store in memory (tests; nothing survives the process).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::configure(
            Connection::open_in_memory().store()?,
            SqliteOptions::default(),
        )
    }

    fn configure(conn: Connection, options: SqliteOptions) -> Result<Self, StoreError> {
        // First, so that every later statement waits for another process
        // holding the lock instead of failing at once.
        conn.busy_timeout(options.busy_timeout).store()?;
        // WAL: a write appends to the log and commits by one frame, readers
        // are not blocked; the mode is recorded in the file. (An in-memory
        // database answers "memory".)
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .store()?;
        // GUIDANCE G-06: deleted rows (consumed KeyPackages, pruned epochs)
        // are overwritten with zeros, not left in free pages.
        conn.pragma_update(None, "secure_delete", true).store()?;
        let synchronous = match options.durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        };
        conn.pragma_update(None, "synchronous", synchronous)
            .store()?;
        let store = Self {
            conn: Mutex::new(conn),
            options,
        };
        if store.options.check_on_open {
            store.check_integrity()?;
        }
        migrate(&mut store.lock(), MIGRATIONS)?;
        Ok(store)
    }

    /// SQLite's full check of the file (`PRAGMA integrity_check`: every
    /// page, every b-tree, every index against its table). Damage SQLite can
    /// see that a lookup would not (a lost page, an index entry pointing
    /// nowhere) gives [`StoreError::Corrupt`] with SQLite's first finding.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare("PRAGMA integrity_check(1)").store()?;
        let finding: String = stmt.query_row([], |r| r.get(0)).store()?;
        if finding == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!("integrity check: {finding}")))
        }
    }

    /// The settings this store was opened with.
    pub fn options(&self) -> &SqliteOptions {
        &self.options
    }

    /// Copy the write-ahead log into the database file and empty it
    /// (`wal_checkpoint(TRUNCATE)`): until then the log still holds the page
    /// images of recent transactions, deleted secrets included (G-06).
    /// Waits for other connections' readers up to the busy timeout.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let busy: i64 = self
            .lock()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .store()?;
        if busy != 0 {
            return Err(StoreError::Backend(
                "checkpoint blocked by another connection".into(),
            ));
        }
        Ok(())
    }

    /// A quota on the database's size through this connection
    /// (`PRAGMA max_page_count`; never below its current size; `None`: no
    /// quota): a write that would grow the file beyond it fails with
    /// [`StoreError::Backend`] ("database or disk is full") and applies
    /// nothing, exactly as a full disk.
    pub fn limit_size(&self, bytes: Option<u64>) -> Result<(), StoreError> {
        let conn = self.lock();
        let pages = match bytes {
            None => u64::from(u32::MAX - 1),
            Some(bytes) => {
                let page_size: i64 = conn
                    .query_row("PRAGMA page_size", [], |r| r.get(0))
                    .store()?;
                let page_size = u64::try_from(page_size).unwrap_or(4096).max(512);
                bytes.div_ceil(page_size).max(1)
            }
        };
        let _set: i64 = conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })
            .store()?;
        Ok(())
    }

    /// The connection, for one operation at a time. A panic while holding it
    /// cannot leave half a batch behind: an unfinished transaction rolls back
    /// when it is dropped.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}
