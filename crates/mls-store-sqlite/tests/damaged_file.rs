//! A damaged store file (truncated, random bytes flipped) gives a typed
//! error at open or load: never a panic, never a silently different state.
//! Each damaged copy is opened and read in full (identity, every group
//! loaded as a `Group`, every KeyPackage, PSK and client record); either some step fails
//! with a typed error or everything read equals what was written (the
//! damage hit unused bytes).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::storage::{
    ClientRecord, ClientRecordStore, GroupStateStore, KeyPackageRecord, KeyPackageStore, PskStore,
    Store,
};
use mls_group::{Group, GroupError, SaveCursor, SideEffects, StateError};
use mls_store_sqlite::SqliteStore;
use zeroize::Zeroizing;

/// Everything a client reads back from its store, as bytes.
#[derive(PartialEq, Eq)]
struct Contents {
    groups: Vec<(Vec<u8>, Vec<u8>)>,
    key_packages: Vec<(Vec<u8>, Vec<u8>, bool, u64)>,
    psk: Option<Vec<u8>>,
    pool: Option<Vec<u8>>,
}

impl std::fmt::Debug for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let groups: Vec<_> = self
            .groups
            .iter()
            .map(|(id, s)| (id.first().copied(), s.len()))
            .collect();
        let kps: Vec<_> = self
            .key_packages
            .iter()
            .map(|(r, b, l, c)| (r.first().copied(), b.len(), *l, *c))
            .collect();
        write!(
            f,
            "groups {groups:?}, key packages {kps:?}, psk {:?}, pool {:?}",
            self.psk.is_some(),
            self.pool.is_some()
        )
    }
}

/// Open, bind, and read everything; the first failure as a typed error.
fn read_all(path: &std::path::Path, provider: &RustCryptoProvider) -> Result<Contents, GroupError> {
    let store = SqliteStore::open(path)?;
    store.bind_identity(b"alice")?;
    let mut groups = Vec::new();
    for id in store.group_ids()? {
        let Some((group, _)) = Group::load(&store, &id, provider)? else {
            return Err(GroupError::State(StateError::Corrupt(
                "a listed group is missing",
            )));
        };
        groups.push((id, snapshot(&group)));
    }
    let mut key_packages = Vec::new();
    for (reference, last_resort, created_at) in store.key_package_refs()? {
        let Some(record) = store.key_package(&reference)? else {
            return Err(GroupError::State(StateError::Corrupt(
                "a listed KeyPackage is missing",
            )));
        };
        if (record.last_resort, record.created_at) != (last_resort, created_at) {
            return Err(GroupError::State(StateError::Corrupt(
                "KeyPackage columns disagree",
            )));
        }
        key_packages.push((reference, record.bundle.to_vec(), last_resort, created_at));
    }
    let psk = store.psk(b"psk")?.map(|s| s.to_vec());
    let pool = store.client_record(b"entropy_pool")?.map(|s| s.to_vec());
    Ok(Contents {
        groups,
        key_packages,
        psk,
        pool,
    })
}

/// A store file with two groups (past epochs retained), KeyPackages, a PSK
/// and an identity, written to disk whole (no WAL left beside it).
fn healthy_file(db: &TempDb) -> (RustCryptoProvider, Vec<u8>) {
    let store = SqliteStore::open(db.path()).unwrap();
    store.bind_identity(b"alice").unwrap();
    let (provider, mut alice, mut bob) = two_members(31);
    let (_, mut carol, _) = two_members(32);
    let mut cursors = [SaveCursor::new(), SaveCursor::new()];
    for _ in 0..3 {
        let commit = commit_and_merge(&mut alice);
        process_commit(&mut bob, &commit);
        commit_and_merge(&mut carol);
        alice
            .save(&store, &mut cursors[0], SideEffects::default())
            .unwrap();
        carol
            .save(&store, &mut cursors[1], SideEffects::default())
            .unwrap();
    }
    for i in 0..3u8 {
        store
            .insert_key_package(KeyPackageRecord {
                reference: vec![i; 32],
                bundle: Zeroizing::new(vec![i ^ 0x33; 300]),
                last_resort: i == 0,
                created_at: 1_700_000_000 + u64::from(i),
            })
            .unwrap();
    }
    store.insert_psk(b"psk", b"external psk secret").unwrap();
    store
        .write_client_record(ClientRecord {
            name: b"entropy_pool".to_vec(),
            value: Zeroizing::new(vec![0x5c; 67]),
        })
        .unwrap();
    drop(store); // the last connection checkpoints and removes the WAL
    (provider, std::fs::read(db.path()).unwrap())
}

/// A small deterministic generator (xorshift64*) for the damage positions.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

#[test]
fn truncated_files_give_typed_errors() {
    let db = TempDb::new("truncate");
    let (provider, bytes) = healthy_file(&db);
    let expected = read_all(db.path(), &provider).unwrap();
    assert_eq!(expected.groups.len(), 2);
    let mut errors = 0;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut lengths: Vec<usize> = (1..=8).map(|k| k * bytes.len() / 9).collect();
    lengths.extend((0..40).map(|_| 1 + rng.below(bytes.len() - 1)));
    lengths.extend([1, 99, 100, 4096, bytes.len() - 4096, bytes.len() - 1]);
    for len in lengths {
        let copy = TempDb::new("truncated");
        std::fs::write(copy.path(), &bytes[..len]).unwrap();
        match read_all(copy.path(), &provider) {
            Err(_) => errors += 1,
            Ok(contents) => assert_eq!(contents, expected, "truncated to {len}: a different state"),
        }
    }
    // Losing the end of the file loses data: every truncation is noticed.
    assert_eq!(errors, 54);
}

#[test]
fn flipped_bytes_give_typed_errors_or_change_nothing() {
    let db = TempDb::new("flip");
    let (provider, bytes) = healthy_file(&db);
    let expected = read_all(db.path(), &provider).unwrap();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut errors, mut unchanged) = (0, 0);
    for _ in 0..300 {
        let mut damaged = bytes.clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(damaged.len());
            damaged[at] ^= 1 << rng.below(8);
        }
        let copy = TempDb::new("flipped");
        std::fs::write(copy.path(), &damaged).unwrap();
        match read_all(copy.path(), &provider) {
            Err(_) => errors += 1,
            Ok(contents) => {
                assert_eq!(contents, expected, "a flip gave a silently different state");
                unchanged += 1;
            }
        }
    }
    println!("flips: {errors} typed errors, {unchanged} in unused bytes");
    assert!(errors >= 50, "a third of the file is data: {errors}");
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let db = TempDb::new("garbage");
    std::fs::write(db.path(), vec![0x5a; 8192]).unwrap();
    assert!(matches!(
        SqliteStore::open(db.path()),
        Err(mls_group::StoreError::Corrupt(_))
    ));
}
