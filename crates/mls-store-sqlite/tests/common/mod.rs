//! Shared helpers of the store tests: real groups, temporary database
//! files, and a store that fails its n-th write.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mls_codec::{Add, Credential, MlsMessage, Proposal};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle};
use mls_group::storage::{GroupStateStore, GroupWrite, StoreError, StoreResult, StoredGroup};
use mls_group::{CreateOptions, Group, GroupConfig, JoinOptions, ProcessedMessage};

/// Suite 1.
pub const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;

/// A deterministic provider.
pub fn provider(seed: u8) -> RustCryptoProvider {
    RustCryptoProvider::with_seed([seed; 32])
}

/// The suite provider.
pub fn suite(provider: &RustCryptoProvider) -> Arc<dyn CipherSuiteProvider> {
    provider.cipher_suite_provider(SUITE).unwrap()
}

/// A fresh KeyPackage bundle for `name`.
pub fn bundle(cs: &dyn CipherSuiteProvider, name: &str) -> KeyPackageBundle {
    let signer = cs.signature_generate_key_pair().unwrap();
    KeyPackageBuilder::new()
        .build(cs, Credential::basic(name.as_bytes().to_vec()), &signer)
        .unwrap()
}

/// A new one-member group.
pub fn create(cs: &Arc<dyn CipherSuiteProvider>, name: &str) -> Group {
    let signer = cs.signature_generate_key_pair().unwrap();
    Group::create(
        cs.clone(),
        Credential::basic(name.as_bytes().to_vec()),
        Arc::new(signer),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .unwrap()
}

/// Alice and Bob in one group (Bob joined by Welcome).
pub fn two_members(seed: u8) -> (RustCryptoProvider, Group, Group) {
    let provider = provider(seed);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice");
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .proposals(vec![Proposal::from(Add {
            key_package: bob_kp.key_package().clone(),
        })])
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let bob = join(&provider, out.welcome.as_ref().unwrap(), bob_kp);
    (provider, alice, bob)
}

/// Join from a Welcome with `bundle`.
pub fn join(
    provider: &RustCryptoProvider,
    welcome: &MlsMessage,
    bundle: KeyPackageBundle,
) -> Group {
    Group::join(
        provider,
        welcome,
        &vec![bundle],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap()
    .0
}

/// An empty Commit by `group`, merged; returns the Commit message.
pub fn commit_and_merge(group: &mut Group) -> MlsMessage {
    let out = group.commit_builder().build().unwrap();
    group.merge_pending_commit().unwrap();
    out.commit
}

/// Process a Commit and merge it.
pub fn process_commit(group: &mut Group, message: &MlsMessage) {
    match group.process_message(message).unwrap() {
        ProcessedMessage::Commit(staged) => group.merge_staged_commit(staged).unwrap(),
        other => panic!("expected a commit, got {other:?}"),
    }
}

/// The whole group state (for "nothing changed" checks).
pub fn snapshot(group: &Group) -> Vec<u8> {
    group.to_bytes().unwrap().to_vec()
}

/// Load a group with the default configuration.
pub fn load(store: &dyn GroupStateStore, group: &[u8], provider: &RustCryptoProvider) -> Group {
    Group::load(store, group, provider).unwrap().unwrap().0
}

/// A database path in the temporary directory, removed (with its WAL and
/// shared-memory files) on drop.
pub struct TempDb {
    path: PathBuf,
}

impl TempDb {
    /// A fresh, not yet existing path.
    pub fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let path = std::env::temp_dir().join(format!(
            "mls-store-sqlite-{tag}-{}-{n}-{nanos}.db",
            std::process::id()
        ));
        let db = Self { path };
        db.remove();
        db
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Whether the database file or its write-ahead log holds `needle`
/// (GUIDANCE G-06: what a thief reading the files finds).
pub fn file_contains(db: &TempDb, needle: &[u8]) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        let mut p = db.path().as_os_str().to_owned();
        p.push(suffix);
        std::fs::read(p)
            .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
            .unwrap_or(false)
    })
}

/// A group store that fails its `fail_at`-th write (1 = the first) with
/// [`StoreError::Backend`] before the inner store sees it: the "disk full"
/// fault of GUIDANCE G-03.
pub struct FailingStore<'a> {
    pub inner: &'a dyn GroupStateStore,
    pub fail_at: usize,
    pub writes: AtomicUsize,
}

impl<'a> FailingStore<'a> {
    /// Fail the `fail_at`-th write.
    pub fn new(inner: &'a dyn GroupStateStore, fail_at: usize) -> Self {
        Self {
            inner,
            fail_at,
            writes: AtomicUsize::new(0),
        }
    }
}

impl GroupStateStore for FailingStore<'_> {
    fn write_group(&self, write: GroupWrite) -> StoreResult<u64> {
        if self.writes.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_at {
            return Err(StoreError::Backend("injected: disk full".into()));
        }
        self.inner.write_group(write)
    }

    fn read_group(&self, group_id: &[u8]) -> StoreResult<Option<StoredGroup>> {
        self.inner.read_group(group_id)
    }

    fn group_ids(&self) -> StoreResult<Vec<Vec<u8>>> {
        self.inner.group_ids()
    }

    fn delete_group(&self, group_id: &[u8]) -> StoreResult<()> {
        self.inner.delete_group(group_id)
    }
}
