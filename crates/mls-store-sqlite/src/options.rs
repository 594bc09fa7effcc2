//! The runtime settings of a [`crate::SqliteStore`]: past-epoch retention,
//! how long a writer waits for another process, and durability.

use std::time::Duration;

/// How hard a committed write is pushed to the disk (SQLite's
/// `PRAGMA synchronous` in WAL mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=FULL`: every transaction is on disk when `write_group`
    /// returns, across a power loss too. A sending ratchet position persisted
    /// before a ciphertext leaves stays persisted (GUIDANCE G-04).
    #[default]
    Full,
    /// `synchronous=NORMAL`: atomic and consistent across a process crash;
    /// a power loss may roll back the last transactions (each one wholly).
    Normal,
}

/// Settings of a [`crate::SqliteStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Keep at most this many past epochs per group (the newest ones), on
    /// top of the writer's own bound (`GroupWrite::prune_before`, from
    /// `GroupConfig::max_past_epochs`). `None`: the writer's bound alone.
    pub max_past_epochs: Option<usize>,
    /// How long a write waits for another connection or process holding the
    /// database's write lock before failing with `StoreError::Backend`.
    pub busy_timeout: Duration,
    /// See [`Durability`].
    pub durability: Durability,
    /// Run [`crate::SqliteStore::check_integrity`] when the file is opened:
    /// a truncated or damaged file is refused at once (every page is read:
    /// the cost grows with the file, see docs/storage.md).
    pub check_on_open: bool,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            max_past_epochs: None,
            busy_timeout: Duration::from_secs(5),
            durability: Durability::Full,
            check_on_open: true,
        }
    }
}
