//! [`Store::bind_identity`] on SQLite: the file records the identity of the
//! client it belongs to (one row), so that a client opening another client's
//! file gets [`StoreError::WrongIdentity`] before it reads any state.

use mls_group::storage::{Store, StoreError, StoreResult};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::SqliteStore;
use crate::backend::SqlResult;
use crate::row_check::RowCheck;

fn identity_check(identity: &[u8]) -> i64 {
    RowCheck::new("client_identity").bytes(identity).value()
}

impl Store for SqliteStore {
    fn bind_identity(&self, identity: &[u8]) -> StoreResult<()> {
        let mut conn = self.lock();
        // IMMEDIATE: two processes binding an empty file at once cannot both
        // see it empty.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .store()?;
        let bound = tx
            .query_row(
                "SELECT identity, row_check FROM client_identity WHERE singleton = 0",
                [],
                |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()
            .store()?;
        match bound {
            Some((bound, check)) if check != identity_check(&bound) => {
                Err(StoreError::Corrupt("client_identity row check".into()))
            }
            Some((bound, _)) if bound != identity => Err(StoreError::WrongIdentity),
            Some(_) => Ok(()),
            None => {
                tx.execute(
                    "INSERT INTO client_identity (singleton, identity, row_check) \
                     VALUES (0, ?1, ?2)",
                    params![identity, identity_check(identity)],
                )
                .store()?;
                tx.commit().store()
            }
        }
    }
}
