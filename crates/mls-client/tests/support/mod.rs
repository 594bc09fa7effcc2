//! Shared test support: identities, clients on shared in-memory stores, a
//! settable clock and a store that counts its reads.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use mls_client::{Client, ClientGroup, DEFAULT_CIPHER_SUITE, KeyPackageSettings};
use mls_codec::Credential;
use mls_crypto::{CryptoProvider, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::storage::{
    GroupStateStore, GroupWrite, InMemoryStore, KeyPackageRecord, KeyPackageStore, PskStore, Store,
    StoreResult, StoredGroup,
};
use mls_treekem::Clock;

/// A fresh signature key of the default suite.
pub fn signer() -> Arc<SignatureKeyPair> {
    let cs = RustCryptoProvider::new()
        .cipher_suite_provider(DEFAULT_CIPHER_SUITE)
        .unwrap();
    Arc::new(cs.signature_generate_key_pair().unwrap())
}

/// A client named `name` on `store`.
pub fn client_on(name: &str, signer: Arc<SignatureKeyPair>, store: Arc<dyn Store>) -> Client {
    Client::builder()
        .identity(Credential::basic(name), signer)
        .shared_store(store)
        .build()
        .unwrap()
}

/// A client named `name` with its own in-memory store, returned with it.
pub fn client(name: &str) -> (Client, Arc<InMemoryStore>) {
    let store = Arc::new(InMemoryStore::new());
    (client_on(name, signer(), store.clone()), store)
}

/// `adder`'s group with `joiner` added (Commit merged, Welcome joined).
pub fn add(group: &mut ClientGroup, joiner: &Client) -> ClientGroup {
    let key_package = joiner.new_key_package().unwrap();
    let out = group.commit(|c| c.add_member(key_package)).unwrap();
    group.merge_pending_commit().unwrap();
    joiner.join(&out.welcome.unwrap()).unwrap()
}

/// Both handles at the same epoch with the same epoch authenticator.
pub fn agree(a: &ClientGroup, b: &ClientGroup) -> bool {
    a.epoch() == b.epoch() && a.group().epoch_authenticator() == b.group().epoch_authenticator()
}

/// A clock the test moves.
#[derive(Debug)]
pub struct TestClock(pub AtomicU64);

impl TestClock {
    /// Starting at the system time.
    pub fn now_() -> Arc<Self> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        Arc::new(TestClock(AtomicU64::new(now)))
    }

    /// Move on by `seconds`.
    pub fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A client whose groups and KeyPackages run on `clock`.
pub fn client_with_clock(
    name: &str,
    clock: Arc<TestClock>,
    settings: KeyPackageSettings,
) -> (Client, Arc<InMemoryStore>) {
    let store = Arc::new(InMemoryStore::new());
    let config = mls_group::GroupConfig {
        clock,
        ..mls_client::default_group_config()
    };
    let client = Client::builder()
        .identity(Credential::basic(name), signer())
        .shared_store(store.clone())
        .group_config(config)
        .key_packages(settings)
        .build()
        .unwrap();
    (client, store)
}

/// An in-memory store that counts the group states it reads.
#[derive(Debug, Default)]
pub struct CountingStore {
    /// The store.
    pub inner: InMemoryStore,
    /// `read_group` calls.
    pub reads: AtomicUsize,
}

impl CountingStore {
    /// The reads so far.
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }
}

impl GroupStateStore for CountingStore {
    fn write_group(&self, write: GroupWrite) -> StoreResult<u64> {
        self.inner.write_group(write)
    }
    fn read_group(&self, group_id: &[u8]) -> StoreResult<Option<StoredGroup>> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.inner.read_group(group_id)
    }
    fn group_ids(&self) -> StoreResult<Vec<Vec<u8>>> {
        self.inner.group_ids()
    }
    fn delete_group(&self, group_id: &[u8]) -> StoreResult<()> {
        self.inner.delete_group(group_id)
    }
}

impl KeyPackageStore for CountingStore {
    fn insert_key_package(&self, record: KeyPackageRecord) -> StoreResult<()> {
        self.inner.insert_key_package(record)
    }
    fn key_package(&self, reference: &[u8]) -> StoreResult<Option<KeyPackageRecord>> {
        self.inner.key_package(reference)
    }
    fn key_package_refs(&self) -> StoreResult<Vec<(Vec<u8>, bool, u64)>> {
        self.inner.key_package_refs()
    }
    fn delete_key_package(&self, reference: &[u8]) -> StoreResult<()> {
        self.inner.delete_key_package(reference)
    }
}

impl PskStore for CountingStore {
    fn insert_psk(&self, id: &[u8], secret: &[u8]) -> StoreResult<()> {
        self.inner.insert_psk(id, secret)
    }
    fn psk(&self, id: &[u8]) -> StoreResult<Option<zeroize::Zeroizing<Vec<u8>>>> {
        self.inner.psk(id)
    }
    fn delete_psk(&self, id: &[u8]) -> StoreResult<()> {
        self.inner.delete_psk(id)
    }
}

impl Store for CountingStore {
    fn bind_identity(&self, identity: &[u8]) -> StoreResult<()> {
        self.inner.bind_identity(identity)
    }
}
