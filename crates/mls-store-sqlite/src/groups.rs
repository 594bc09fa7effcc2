//! [`GroupStateStore`] on SQLite: the current state of each group in
//! `group_state`, the parts of its ratchet tree as rows of `tree_part`, its
//! retained past epochs (RFC 9420 §14) as rows of `past_epoch`, and the one
//! transaction per transition of GUIDANCE G-03.

use mls_group::storage::{
    EpochRecord, GroupStateStore, GroupWrite, PskChange, StoreError, StoreResult, StoredGroup,
    TreePart,
};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use zeroize::Zeroizing;

use crate::SqliteStore;
use crate::backend::{SqlResult, count_to_sql, from_sql_int, to_sql_int};
use crate::client_records::write_record;
use crate::psks::{delete_psk, insert_psk};
use crate::row_check::RowCheck;

/// The check value of a `group_state` row: every column but the state's
/// content, which the record's own digest covers.
fn state_check(group_id: &[u8], generation: i64, epoch: i64, state_len: i64) -> i64 {
    RowCheck::new("group_state")
        .bytes(group_id)
        .int(generation)
        .int(epoch)
        .int(state_len)
        .value()
}

/// The check value of a `past_epoch` row (the record's digest covers its
/// content).
fn epoch_check(group_id: &[u8], epoch: i64, record_len: i64) -> i64 {
    RowCheck::new("past_epoch")
        .bytes(group_id)
        .int(epoch)
        .int(record_len)
        .value()
}

/// The check value of a `tree_part` row (the state's parts digest covers
/// its content).
fn part_check(group_id: &[u8], part: i64, record_len: i64) -> i64 {
    RowCheck::new("tree_part")
        .bytes(group_id)
        .int(part)
        .int(record_len)
        .value()
}

fn len_of(bytes: &[u8]) -> i64 {
    count_to_sql(bytes.len())
}

/// The stored `(generation, epoch)` of `group_id`, its row check verified.
fn stored_head(tx: &Transaction<'_>, group_id: &[u8]) -> StoreResult<Option<(u64, u64)>> {
    let row = tx
        .query_row(
            "SELECT generation, epoch, length(state), row_check FROM group_state \
             WHERE group_id = ?1",
            [group_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            },
        )
        .optional()
        .store()?;
    let Some((generation, epoch, len, check)) = row else {
        return Ok(None);
    };
    if check != state_check(group_id, generation, epoch, len) {
        return Err(StoreError::Corrupt("group_state row check".into()));
    }
    Ok(Some((
        from_sql_int(generation, "generation")?,
        from_sql_int(epoch, "epoch")?,
    )))
}

impl SqliteStore {
    /// The batch inside its transaction: refused (nothing written) unless
    /// the stored generation is the one the writer read.
    fn apply(&self, tx: &Transaction<'_>, write: &GroupWrite) -> StoreResult<u64> {
        let gid = write.group_id.as_slice();
        let stored = stored_head(tx, gid)?;
        if stored.map(|(g, _)| g) != write.expected_generation {
            return Err(StoreError::Conflict {
                stored: stored.map(|(g, _)| g),
                stored_epoch: stored.map(|(_, e)| e),
                expected: write.expected_generation,
            });
        }
        let generation = stored.map_or(0, |(g, _)| g) + 1;
        let generation_sql = to_sql_int(generation, "generation")?;
        let epoch = to_sql_int(write.epoch, "epoch")?;
        tx.execute(
            "INSERT INTO group_state (group_id, generation, epoch, state, row_check) \
             VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (group_id) DO UPDATE SET generation = excluded.generation, \
             epoch = excluded.epoch, state = excluded.state, row_check = excluded.row_check",
            params![
                gid,
                generation_sql,
                epoch,
                write.state.as_slice(),
                state_check(gid, generation_sql, epoch, len_of(&write.state)),
            ],
        )
        .store()?;
        for past in &write.past_epochs {
            let e = to_sql_int(past.epoch, "past epoch")?;
            tx.execute(
                "INSERT OR REPLACE INTO past_epoch (group_id, epoch, record, row_check) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    gid,
                    e,
                    past.bytes.as_slice(),
                    epoch_check(gid, e, len_of(&past.bytes))
                ],
            )
            .store()?;
        }
        for part in &write.tree_parts {
            let k = i64::from(part.index);
            tx.execute(
                "INSERT OR REPLACE INTO tree_part (group_id, part, record, row_check) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    gid,
                    k,
                    part.bytes.as_slice(),
                    part_check(gid, k, len_of(&part.bytes))
                ],
            )
            .store()?;
        }
        tx.execute(
            "DELETE FROM tree_part WHERE group_id = ?1 AND part >= ?2",
            params![gid, i64::from(write.tree_part_count)],
        )
        .store()?;
        let prune_before = to_sql_int(write.prune_before, "prune_before")?;
        tx.execute(
            "DELETE FROM past_epoch WHERE group_id = ?1 AND epoch < ?2",
            params![gid, prune_before],
        )
        .store()?;
        if let Some(keep) = self.options().max_past_epochs {
            tx.execute(
                "DELETE FROM past_epoch WHERE group_id = ?1 AND epoch NOT IN \
                 (SELECT epoch FROM past_epoch WHERE group_id = ?1 ORDER BY epoch DESC LIMIT ?2)",
                params![gid, count_to_sql(keep)],
            )
            .store()?;
        }
        for reference in &write.consumed_key_packages {
            tx.execute("DELETE FROM key_package WHERE reference = ?1", [reference])
                .store()?;
        }
        for change in &write.psk_changes {
            match change {
                PskChange::Insert { id, secret } => insert_psk(tx, id, secret)?,
                PskChange::Delete { id } => delete_psk(tx, id)?,
            }
        }
        for record in &write.client_records {
            write_record(tx, record)?;
        }
        Ok(generation)
    }
}

impl GroupStateStore for SqliteStore {
    fn write_group(&self, write: GroupWrite) -> StoreResult<u64> {
        let mut conn = self.lock();
        // IMMEDIATE: take the write lock before reading the generation, so
        // no other process can write between the check and the update.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .store()?;
        let generation = self.apply(&tx, &write)?;
        tx.commit().store()?;
        Ok(generation)
    }

    fn read_group(&self, group_id: &[u8]) -> StoreResult<Option<StoredGroup>> {
        let mut conn = self.lock();
        // One read transaction: the state and its past epochs of one commit.
        let tx = conn.transaction().store()?;
        let row = tx
            .query_row(
                "SELECT generation, epoch, state, row_check FROM group_state WHERE group_id = ?1",
                [group_id],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        Zeroizing::new(r.get::<_, Vec<u8>>(2)?),
                        r.get::<_, i64>(3)?,
                    ))
                },
            )
            .optional()
            .store()?;
        let Some((generation, epoch, state, check)) = row else {
            return Ok(None);
        };
        if check != state_check(group_id, generation, epoch, len_of(&state)) {
            return Err(StoreError::Corrupt("group_state row check".into()));
        }
        let mut stmt = tx
            .prepare(
                "SELECT epoch, record, row_check FROM past_epoch WHERE group_id = ?1 \
                 ORDER BY epoch",
            )
            .store()?;
        let mut rows = stmt.query([group_id]).store()?;
        let mut past_epochs = Vec::new();
        while let Some(r) = rows.next().store()? {
            let e: i64 = r.get(0).store()?;
            let bytes = Zeroizing::new(r.get::<_, Vec<u8>>(1).store()?);
            let check: i64 = r.get(2).store()?;
            if check != epoch_check(group_id, e, len_of(&bytes)) {
                return Err(StoreError::Corrupt("past_epoch row check".into()));
            }
            past_epochs.push(EpochRecord {
                epoch: from_sql_int(e, "past epoch")?,
                bytes,
            });
        }
        drop(rows);
        drop(stmt);
        let mut stmt = tx
            .prepare(
                "SELECT part, record, row_check FROM tree_part WHERE group_id = ?1 \
                 ORDER BY part",
            )
            .store()?;
        let mut rows = stmt.query([group_id]).store()?;
        let mut tree_parts = Vec::new();
        while let Some(r) = rows.next().store()? {
            let k: i64 = r.get(0).store()?;
            let bytes = r.get::<_, Vec<u8>>(1).store()?;
            let check: i64 = r.get(2).store()?;
            if check != part_check(group_id, k, len_of(&bytes)) {
                return Err(StoreError::Corrupt("tree_part row check".into()));
            }
            let index =
                u32::try_from(k).map_err(|_| StoreError::Corrupt("tree part index".into()))?;
            tree_parts.push(TreePart { index, bytes });
        }
        Ok(Some(StoredGroup {
            group_id: group_id.to_vec(),
            generation: from_sql_int(generation, "generation")?,
            epoch: from_sql_int(epoch, "epoch")?,
            state,
            past_epochs,
            tree_parts,
        }))
    }

    fn group_ids(&self) -> StoreResult<Vec<Vec<u8>>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT group_id FROM group_state ORDER BY group_id")
            .store()?;
        let ids = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))
            .store()?
            .collect::<rusqlite::Result<Vec<_>>>()
            .store()?;
        Ok(ids)
    }

    fn delete_group(&self, group_id: &[u8]) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .store()?;
        tx.execute("DELETE FROM past_epoch WHERE group_id = ?1", [group_id])
            .store()?;
        tx.execute("DELETE FROM tree_part WHERE group_id = ?1", [group_id])
            .store()?;
        tx.execute("DELETE FROM group_state WHERE group_id = ?1", [group_id])
            .store()?;
        tx.commit().store()
    }
}
