//! The store's own error type: what a backend (memory, SQLite, an
//! application's database) can report, grouped by kind.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    // ---- The backend --------------------------------------------------------
    /// The backend failed (I/O, disk full, SQL error, lock timeout). Nothing
    /// of the failed write was applied (the store contract's atomicity).
    #[error("store backend: {0}")]
    Backend(String),

    // ---- Concurrency --------------------------------------------------------
    /// Another writer changed the group since this writer read it: the write
    /// would overwrite a newer state and was refused (nothing applied).
    #[error(
        "store conflict on a group: stored generation {stored:?} (epoch {stored_epoch:?}), \
         the writer read generation {expected:?}"
    )]
    Conflict {
        /// The generation now stored (`None`: the group is not stored).
        stored: Option<u64>,
        /// The epoch now stored, if any.
        stored_epoch: Option<u64>,
        /// The generation the writer had read (`None`: it created the group).
        expected: Option<u64>,
    },

    // ---- What is stored -----------------------------------------------------
    /// Stored data is damaged (truncated, bytes flipped, inconsistent
    /// records); the text says what.
    #[error("store data corrupt: {0}")]
    Corrupt(String),
    /// The store was written by a newer schema version than this build reads.
    #[error("store schema version {found} is newer than the supported {supported}")]
    NewerVersion {
        /// The version found.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The store belongs to another client identity.
    #[error("store belongs to another client identity")]
    WrongIdentity,
}

/// Result type of store operations.
pub type StoreResult<T> = std::result::Result<T, StoreError>;
