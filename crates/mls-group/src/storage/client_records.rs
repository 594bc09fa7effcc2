//! Client-level records: small values that belong to the client, not to
//! one group (today the entropy pool of GUIDANCE G-39,
//! `docs/entropy-pool.md`), stored by name beside the groups. A record is
//! written either on its own ([`ClientRecordStore::write_client_record`])
//! or inside a group's transition ([`super::GroupWrite::client_records`]),
//! in the same atomic batch as the group state whose randomness consumed it.

use zeroize::Zeroizing;

use crate::store_error::StoreResult;

/// One client-level record: a name and its value (may hold secrets).
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRecord {
    /// The record's name (e.g. `b"entropy_pool"`).
    pub name: Vec<u8>,
    /// The value; replaces the stored one.
    pub value: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for ClientRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientRecord")
            .field("name", &String::from_utf8_lossy(&self.name))
            .field("len", &self.value.len())
            .finish()
    }
}

/// Client-level records by name. The store overwrites a replaced value
/// (GUIDANCE G-06: an old pool value must not stay readable).
pub trait ClientRecordStore: Send + Sync {
    /// The record `name`, if stored.
    fn client_record(&self, name: &[u8]) -> StoreResult<Option<Zeroizing<Vec<u8>>>>;
    /// Store (replace) a record on its own, atomically.
    fn write_client_record(&self, record: ClientRecord) -> StoreResult<()>;
}
