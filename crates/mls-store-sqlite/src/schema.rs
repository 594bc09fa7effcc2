//! The database schema and its migrations. `schema_version` holds one row,
//! the version of the tables; [`MIGRATIONS`]`[i]` brings version `i` to
//! `i + 1` (version 0: an empty file). Opening runs the missing steps in one
//! transaction; a file of a newer version than this build knows is refused
//! with [`StoreError::NewerVersion`] before anything is read or written.

use mls_group::storage::StoreError;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::backend::SqlResult;

/// Version 1: groups (current state and past epochs as separate rows),
/// KeyPackages, PSKs and the bound identity. Every row carries `row_check`
/// (`crate::row_check`). Plain rowid tables: the state rows hold large
/// blobs, which `WITHOUT ROWID` tables store badly.
const V1: &str = "
CREATE TABLE client_identity (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 0),
    identity  BLOB NOT NULL,
    row_check INTEGER NOT NULL
);
CREATE TABLE group_state (
    group_id   BLOB PRIMARY KEY NOT NULL,
    generation INTEGER NOT NULL,
    epoch      INTEGER NOT NULL,
    state      BLOB NOT NULL,
    row_check  INTEGER NOT NULL
);
CREATE TABLE past_epoch (
    group_id  BLOB NOT NULL,
    epoch     INTEGER NOT NULL,
    record    BLOB NOT NULL,
    row_check INTEGER NOT NULL,
    PRIMARY KEY (group_id, epoch)
);
CREATE TABLE key_package (
    reference   BLOB PRIMARY KEY NOT NULL,
    bundle      BLOB NOT NULL,
    last_resort INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    row_check   INTEGER NOT NULL
);
CREATE TABLE psk (
    psk_id    BLOB PRIMARY KEY NOT NULL,
    secret    BLOB NOT NULL,
    row_check INTEGER NOT NULL
);
";

/// Version 2: the ratchet tree of a group as separately written parts
/// (`mls_group::storage::TreePart`), so a save after a Commit rewrites the
/// parts it changed, not the whole tree. Groups stored by version 1 keep
/// their tree in the state record (format version 4 or older) and get
/// parts at their next save.
const V2: &str = "
CREATE TABLE tree_part (
    group_id  BLOB NOT NULL,
    part      INTEGER NOT NULL,
    record    BLOB NOT NULL,
    row_check INTEGER NOT NULL,
    PRIMARY KEY (group_id, part)
);
";

/// Version 3: client-level records by name (`crate::client_records`; the
/// entropy pool of GUIDANCE G-39), written on their own or inside a
/// group's transition.
const V3: &str = "
CREATE TABLE client_record (
    name      BLOB PRIMARY KEY NOT NULL,
    value     BLOB NOT NULL,
    row_check INTEGER NOT NULL
);
";

/// The steps from version 0 (an empty file) on.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 3;

const _: () = assert!(MIGRATIONS.len() == SCHEMA_VERSION as usize);

/// Bring the database to the newest version of `migrations`, in one
/// transaction (a crash in between leaves the old version).
pub(crate) fn migrate(conn: &mut Connection, migrations: &[&str]) -> Result<(), StoreError> {
    let supported = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .store()?;
    let found = stored_version(&tx)?;
    if found > supported {
        return Err(StoreError::NewerVersion { found, supported });
    }
    if found == 0 {
        tx.execute_batch("CREATE TABLE schema_version (version INTEGER NOT NULL);")
            .store()?;
        tx.execute("INSERT INTO schema_version (version) VALUES (0)", [])
            .store()?;
    }
    let pending = migrations.get(found as usize..).unwrap_or_default();
    for step in pending {
        tx.execute_batch(step).store()?;
    }
    if !pending.is_empty() {
        tx.execute("UPDATE schema_version SET version = ?1", [supported])
            .store()?;
    }
    tx.commit().store()
}

/// The version recorded in the file: 0 for an empty database; a database
/// with other tables but no `schema_version`, or a damaged version table,
/// is not a store of ours.
fn stored_version(conn: &Connection) -> Result<u32, StoreError> {
    let has_version_table = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
            [],
            |_| Ok(()),
        )
        .optional()
        .store()?
        .is_some();
    if !has_version_table {
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .store()?;
        return if tables == 0 {
            Ok(0)
        } else {
            Err(StoreError::Corrupt(
                "a database without a schema_version table is not an MLS store".into(),
            ))
        };
    }
    let mut stmt = conn.prepare("SELECT version FROM schema_version").store()?;
    let versions: Vec<i64> = stmt
        .query_map([], |r| r.get(0))
        .store()?
        .collect::<rusqlite::Result<_>>()
        .store()?;
    match versions.as_slice() {
        [v] => u32::try_from(*v)
            .map_err(|_| StoreError::Corrupt(format!("schema version {v} out of range"))),
        _ => Err(StoreError::Corrupt(format!(
            "schema_version holds {} rows, not one",
            versions.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const V3_TEST: &str = "ALTER TABLE psk ADD COLUMN note TEXT;";

    fn version(conn: &Connection) -> u32 {
        stored_version(conn).unwrap()
    }

    #[test]
    fn an_empty_file_gets_every_step_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(version(&conn), 0);
        migrate(&mut conn, MIGRATIONS).unwrap();
        assert_eq!(version(&conn), SCHEMA_VERSION);
        // Opening again runs nothing (a second CREATE TABLE would fail).
        migrate(&mut conn, MIGRATIONS).unwrap();
        assert_eq!(version(&conn), SCHEMA_VERSION);
    }

    #[test]
    fn version_1_migrates_to_this_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &[V1]).unwrap();
        conn.execute(
            "INSERT INTO group_state (group_id, generation, epoch, state, row_check) \
             VALUES (x'01', 1, 1, x'02', 0)",
            [],
        )
        .unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        assert_eq!(version(&conn), SCHEMA_VERSION);
        let kept: i64 = conn
            .query_row("SELECT count(*) FROM group_state", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 1);
        let parts: i64 = conn
            .query_row("SELECT count(*) FROM tree_part", [], |r| r.get(0))
            .unwrap();
        assert_eq!(parts, 0);
        let records: i64 = conn
            .query_row("SELECT count(*) FROM client_record", [], |r| r.get(0))
            .unwrap();
        assert_eq!(records, 0);
    }

    #[test]
    fn this_version_migrates_to_a_later_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        conn.execute(
            "INSERT INTO psk (psk_id, secret, row_check) VALUES (x'01', x'02', 0)",
            [],
        )
        .unwrap();
        migrate(&mut conn, &[V1, V2, V3, V3_TEST]).unwrap();
        assert_eq!(version(&conn), 4);
        // The row of version 1 survived, the new column exists.
        let note: Option<String> = conn
            .query_row("SELECT note FROM psk WHERE psk_id = x'01'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(note, None);
        // And this build (version 3) refuses the newer file.
        assert_eq!(
            migrate(&mut conn, MIGRATIONS),
            Err(StoreError::NewerVersion {
                found: 4,
                supported: 3
            })
        );
    }

    #[test]
    fn a_failed_step_leaves_the_old_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &[V1]).unwrap();
        let broken = "ALTER TABLE psk ADD COLUMN a TEXT; ALTER TABLE no_such_table ADD COLUMN b;";
        assert!(migrate(&mut conn, &[V1, broken]).is_err());
        assert_eq!(version(&conn), 1);
        // The first statement of the failed step was rolled back too.
        migrate(&mut conn, &[V1, V3_TEST]).unwrap();
        assert!(conn.prepare("SELECT a FROM psk").is_err());
    }

    #[test]
    fn a_foreign_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x);").unwrap();
        assert!(matches!(
            migrate(&mut conn, MIGRATIONS),
            Err(StoreError::Corrupt(_))
        ));
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        conn.execute("INSERT INTO schema_version VALUES (1)", [])
            .unwrap();
        assert!(matches!(
            migrate(&mut conn, MIGRATIONS),
            Err(StoreError::Corrupt(_))
        ));
    }
}
