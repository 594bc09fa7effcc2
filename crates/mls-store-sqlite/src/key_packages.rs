//! [`KeyPackageStore`] on SQLite: KeyPackages with their private keys by
//! KeyPackageRef (RFC 9420 §10, §5.2), deleted when a join consumes them in
//! the joining group's own transaction (`GroupWrite::consumed_key_packages`,
//! GUIDANCE G-06).

use mls_group::storage::{KeyPackageRecord, KeyPackageStore, StoreError, StoreResult};
use rusqlite::{OptionalExtension, params};
use zeroize::Zeroizing;

use crate::SqliteStore;
use crate::backend::{SqlResult, from_sql_int, to_sql_int};
use crate::row_check::RowCheck;

/// A bundle is a few hundred bytes: the check covers every column.
fn key_package_check(reference: &[u8], bundle: &[u8], last_resort: bool, created_at: i64) -> i64 {
    RowCheck::new("key_package")
        .bytes(reference)
        .bytes(bundle)
        .int(i64::from(last_resort))
        .int(created_at)
        .value()
}

impl KeyPackageStore for SqliteStore {
    fn insert_key_package(&self, record: KeyPackageRecord) -> StoreResult<()> {
        let created_at = to_sql_int(record.created_at, "created_at")?;
        self.lock()
            .execute(
                "INSERT OR REPLACE INTO key_package \
                 (reference, bundle, last_resort, created_at, row_check) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    record.reference,
                    record.bundle.as_slice(),
                    record.last_resort,
                    created_at,
                    key_package_check(
                        &record.reference,
                        &record.bundle,
                        record.last_resort,
                        created_at
                    ),
                ],
            )
            .store()?;
        Ok(())
    }

    fn key_package(&self, reference: &[u8]) -> StoreResult<Option<KeyPackageRecord>> {
        let row = self
            .lock()
            .query_row(
                "SELECT bundle, last_resort, created_at, row_check FROM key_package \
                 WHERE reference = ?1",
                [reference],
                |r| {
                    Ok((
                        Zeroizing::new(r.get::<_, Vec<u8>>(0)?),
                        r.get::<_, bool>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                },
            )
            .optional()
            .store()?;
        let Some((bundle, last_resort, created_at, check)) = row else {
            return Ok(None);
        };
        if check != key_package_check(reference, &bundle, last_resort, created_at) {
            return Err(StoreError::Corrupt("key_package row check".into()));
        }
        Ok(Some(KeyPackageRecord {
            reference: reference.to_vec(),
            bundle,
            last_resort,
            created_at: from_sql_int(created_at, "created_at")?,
        }))
    }

    fn key_package_refs(&self) -> StoreResult<Vec<(Vec<u8>, bool, u64)>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(
                "SELECT reference, last_resort, created_at FROM key_package ORDER BY reference",
            )
            .store()?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .store()?
            .collect::<rusqlite::Result<Vec<_>>>()
            .store()?;
        rows.into_iter()
            .map(|(reference, last_resort, created_at)| {
                Ok((
                    reference,
                    last_resort,
                    from_sql_int(created_at, "created_at")?,
                ))
            })
            .collect()
    }

    fn delete_key_package(&self, reference: &[u8]) -> StoreResult<()> {
        self.lock()
            .execute("DELETE FROM key_package WHERE reference = ?1", [reference])
            .store()?;
        Ok(())
    }
}
