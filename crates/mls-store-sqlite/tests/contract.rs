//! The store contract (docs/storage.md) run against the in-memory store and
//! against SQLite, in memory and in a file: the same cases, one suite.

#![allow(clippy::unwrap_used)]

mod common;
mod store_contract;

mod in_memory_store {
    use crate::store_contract::contract_tests;
    use mls_group::InMemoryStore;
    contract_tests!(|| (InMemoryStore::new(), ()));
}

mod sqlite_in_memory {
    use crate::store_contract::contract_tests;
    use mls_store_sqlite::SqliteStore;
    contract_tests!(|| (SqliteStore::open_in_memory().unwrap(), ()));
}

mod sqlite_file {
    use crate::common::TempDb;
    use crate::store_contract::contract_tests;
    use mls_store_sqlite::SqliteStore;
    contract_tests!(|| {
        let db = TempDb::new("contract");
        (SqliteStore::open(db.path()).unwrap(), db)
    });
}
