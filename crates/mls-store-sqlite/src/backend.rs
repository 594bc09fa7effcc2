//! SQLite's errors and values as [`StoreError`]s: damage SQLite detects
//! (a malformed page, not a database, a column of the wrong type) is
//! [`StoreError::Corrupt`]; everything else (I/O, a full disk, a lock held
//! past the busy timeout) is [`StoreError::Backend`].

use mls_group::storage::StoreError;
use rusqlite::ErrorCode;

/// Map a SQLite error.
pub(crate) fn store_error(error: rusqlite::Error) -> StoreError {
    match &error {
        rusqlite::Error::SqliteFailure(e, _)
            if matches!(e.code, ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) =>
        {
            StoreError::Corrupt(format!("sqlite: {error}"))
        }
        rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => {
            StoreError::Corrupt(format!("a stored column: {error}"))
        }
        _ => StoreError::Backend(format!("sqlite: {error}")),
    }
}

/// `?` on rusqlite results inside the store.
pub(crate) trait SqlResult<T> {
    /// The result with a [`StoreError`].
    fn store(self) -> Result<T, StoreError>;
}

impl<T> SqlResult<T> for rusqlite::Result<T> {
    fn store(self) -> Result<T, StoreError> {
        self.map_err(store_error)
    }
}

/// An epoch, generation or time as a SQLite integer (signed 64 bits): the
/// values a store could never reach (2^63 and above) are refused before
/// anything is written.
pub(crate) fn to_sql_int(value: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Backend(format!("{what} {value} beyond 2^63")))
}

/// A stored integer back as `u64`; a negative one is damage.
pub(crate) fn from_sql_int(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative {what}")))
}

/// A retention count as a SQL `LIMIT`.
pub(crate) fn count_to_sql(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
