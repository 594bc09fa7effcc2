//! [`ClientRecordStore`] on SQLite: client-level records (the entropy pool
//! of GUIDANCE G-39) in `client_record`, written on their own or inside a
//! group's transition (`GroupWrite::client_records`). A replaced value is
//! overwritten in place (`secure_delete`); the write-ahead log keeps the
//! old page until [`crate::SqliteStore::checkpoint`].

use mls_group::storage::{ClientRecord, ClientRecordStore, StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use zeroize::Zeroizing;

use crate::SqliteStore;
use crate::backend::SqlResult;
use crate::row_check::RowCheck;

/// Client records are small: the check covers the value too.
fn record_check(name: &[u8], value: &[u8]) -> i64 {
    RowCheck::new("client_record")
        .bytes(name)
        .bytes(value)
        .value()
}

/// Store (replace) a record, on a connection or inside a transaction.
pub(crate) fn write_record(conn: &Connection, record: &ClientRecord) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO client_record (name, value, row_check) VALUES (?1, ?2, ?3) \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, row_check = excluded.row_check",
        params![
            record.name.as_slice(),
            record.value.as_slice(),
            record_check(&record.name, &record.value)
        ],
    )
    .store()?;
    Ok(())
}

impl ClientRecordStore for SqliteStore {
    fn client_record(&self, name: &[u8]) -> StoreResult<Option<Zeroizing<Vec<u8>>>> {
        let row = self
            .lock()
            .query_row(
                "SELECT value, row_check FROM client_record WHERE name = ?1",
                [name],
                |r| Ok((Zeroizing::new(r.get::<_, Vec<u8>>(0)?), r.get::<_, i64>(1)?)),
            )
            .optional()
            .store()?;
        match row {
            None => Ok(None),
            Some((value, check)) if check == record_check(name, &value) => Ok(Some(value)),
            Some(_) => Err(StoreError::Corrupt("client_record row check".into())),
        }
    }

    fn write_client_record(&self, record: ClientRecord) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .store()?;
        write_record(&tx, &record)?;
        tx.commit().store()
    }
}
