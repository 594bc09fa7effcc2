//! [`PskStore`] on SQLite: external PSKs by id (RFC 9420 §8.4), also changed
//! inside a group's transition (`GroupWrite::psk_changes`).

use mls_group::storage::{PskStore, StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, params};
use zeroize::Zeroizing;

use crate::SqliteStore;
use crate::backend::SqlResult;
use crate::row_check::RowCheck;

/// PSKs are small: the check covers the secret too.
fn psk_check(id: &[u8], secret: &[u8]) -> i64 {
    RowCheck::new("psk").bytes(id).bytes(secret).value()
}

/// Store (replace) a PSK, on a connection or inside a transaction.
pub(crate) fn insert_psk(conn: &Connection, id: &[u8], secret: &[u8]) -> StoreResult<()> {
    conn.execute(
        "INSERT OR REPLACE INTO psk (psk_id, secret, row_check) VALUES (?1, ?2, ?3)",
        params![id, secret, psk_check(id, secret)],
    )
    .store()?;
    Ok(())
}

/// Delete a PSK (secure_delete overwrites it).
pub(crate) fn delete_psk(conn: &Connection, id: &[u8]) -> StoreResult<()> {
    conn.execute("DELETE FROM psk WHERE psk_id = ?1", [id])
        .store()?;
    Ok(())
}

impl PskStore for SqliteStore {
    fn insert_psk(&self, id: &[u8], secret: &[u8]) -> StoreResult<()> {
        insert_psk(&self.lock(), id, secret)
    }

    fn psk(&self, id: &[u8]) -> StoreResult<Option<Zeroizing<Vec<u8>>>> {
        let row = self
            .lock()
            .query_row(
                "SELECT secret, row_check FROM psk WHERE psk_id = ?1",
                [id],
                |r| Ok((Zeroizing::new(r.get::<_, Vec<u8>>(0)?), r.get::<_, i64>(1)?)),
            )
            .optional()
            .store()?;
        match row {
            None => Ok(None),
            Some((secret, check)) if check == psk_check(id, &secret) => Ok(Some(secret)),
            Some(_) => Err(StoreError::Corrupt("psk row check".into())),
        }
    }

    fn delete_psk(&self, id: &[u8]) -> StoreResult<()> {
        delete_psk(&self.lock(), id)
    }
}
