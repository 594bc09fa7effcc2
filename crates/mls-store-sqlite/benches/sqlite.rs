//! The SQLite store at N = 1,000 and 10,000 members (suite 1), against the
//! same work without a database (issue 13 targets; docs/storage.md):
//!
//! - `load/decode/N`: `Group::from_stored_records` on a member's records already in
//!   memory; `load/sqlite/N`: `Group::load` of the same group from a
//!   `SqliteStore` file (read plus decode; target at most 1.5x);
//! - `commit/memory/N`: a received Commit (an empty Commit with an
//!   UpdatePath by the creator) processed and merged; `commit/sqlite/N`:
//!   the same plus `Group::save` through SQLite, `Durability::Full` (target
//!   at most 2x), and `commit/sqlite_normal/N` with `Durability::Normal`.
//!   The member processes a chain of Commits, each from the state the one
//!   before left (the store's log and checkpoints as in real use); after
//!   the chain it starts over from the stored fixture, untimed;
//! - `save/encode/N`: `Group::to_records` alone; `save/sqlite/N`: saving an
//!   unchanged group again (encode plus writing the state record);
//! - and it prints the persisted bytes per member (the file after the
//!   first save, over N).
//!
//! Each group of N is built once (one Commit adding N-1 members, one
//! join, then the chain of Commits).

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mls_codec::{Add, Credential, MlsMessage, Proposal};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::KeyPackageBuilder;
use mls_group::storage::{GroupRecords, GroupStateStore, GroupWrite};
use mls_group::{
    CreateOptions, Group, GroupConfig, JoinOptions, ProcessedMessage, SaveCursor, SideEffects,
};
use mls_store_sqlite::{Durability, SqliteOptions, SqliteStore};

const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;

/// A group of `n`: the member at leaf 1 (its records) and a Commit by the
/// creator for it to process.
struct Fixture {
    provider: RustCryptoProvider,
    records: GroupRecords,
    /// Commits by the creator, one per epoch from the member's: processed
    /// in order, each from the state the previous one left.
    chain: Vec<MlsMessage>,
}

/// Commits in a chain: the member starts over (untimed) after the last.
const CHAIN: usize = 24;

fn fixture(n: usize) -> Fixture {
    let provider = RustCryptoProvider::with_seed([9; 32]);
    let cs: Arc<dyn CipherSuiteProvider> = provider.cipher_suite_provider(SUITE).expect("suite");
    let joiners: Vec<_> = (0..n - 1)
        .map(|i| {
            let signer = cs.signature_generate_key_pair().expect("key");
            KeyPackageBuilder::new()
                .build(
                    cs.as_ref(),
                    Credential::basic(format!("member {i}")),
                    &signer,
                )
                .expect("key package")
        })
        .collect();
    let signer = cs.signature_generate_key_pair().expect("key");
    let mut creator = Group::create(
        cs.clone(),
        Credential::basic("creator"),
        Arc::new(signer),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .expect("create");
    let adds = joiners
        .iter()
        .map(|b| {
            Proposal::from(Add {
                key_package: b.key_package().clone(),
            })
        })
        .collect();
    let out = creator
        .commit_builder()
        .proposals(adds)
        .build()
        .expect("add");
    creator.merge_pending_commit().expect("merge");
    let first = joiners.into_iter().next().expect("a joiner");
    let (member, _) = Group::join(
        &provider,
        out.welcome.as_ref().expect("welcome"),
        &vec![first],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .expect("join");
    let chain = (0..CHAIN)
        .map(|_| {
            let out = creator.commit_builder().build().expect("commit");
            creator.merge_pending_commit().expect("merge");
            out.commit
        })
        .collect();
    Fixture {
        records: member.to_records().expect("records"),
        provider,
        chain,
    }
}

fn decode(f: &Fixture) -> Group {
    Group::from_stored_records(
        &f.records.state,
        &f.records.tree_parts,
        &f.records.past_epochs,
        &f.provider,
        mls_group::LoadOptions::default(),
    )
    .expect("decode")
}

fn process_and_merge(group: &mut Group, commit: &MlsMessage) {
    match group.process_message(commit).expect("process") {
        ProcessedMessage::Commit(staged) => group.merge_staged_commit(staged).expect("merge"),
        _ => panic!("not a commit"),
    }
}

/// A database file in the temporary directory, removed on drop.
struct Db {
    path: PathBuf,
    store: SqliteStore,
}

impl Db {
    fn new(tag: &str, durability: Durability) -> Self {
        let path = std::env::temp_dir().join(format!(
            "mls-store-sqlite-bench-{tag}-{}.db",
            std::process::id()
        ));
        remove(&path);
        let store = SqliteStore::open_with(
            &path,
            SqliteOptions {
                durability,
                ..SqliteOptions::default()
            },
        )
        .expect("open");
        Self { path, store }
    }

    /// Put the fixture's records back as the stored group (any generation).
    fn reset(&self, f: &Fixture, group_id: &[u8]) {
        // Forget the epochs a measured Commit left, then store the fixture.
        self.store.delete_group(group_id).expect("delete");
        let generation = None;
        let first = f.records.past_epochs.first();
        self.store
            .write_group(GroupWrite {
                group_id: group_id.to_vec(),
                expected_generation: generation,
                epoch: f.records.epoch,
                state: f.records.state.clone(),
                past_epochs: f.records.past_epochs.clone(),
                prune_before: first.map_or(f.records.epoch, |p| p.epoch),
                tree_parts: f.records.tree_parts.clone(),
                tree_part_count: u32::try_from(f.records.tree_parts.len()).expect("parts"),
                consumed_key_packages: Vec::new(),
                psk_changes: Vec::new(),
                client_records: Vec::new(),
            })
            .expect("reset");
    }

    fn load(&self, f: &Fixture, group_id: &[u8]) -> (Group, SaveCursor) {
        Group::load(&self.store, group_id, &f.provider)
            .expect("load")
            .expect("stored")
    }
}

fn remove(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        remove(&self.path);
    }
}

fn benches(c: &mut Criterion) {
    for n in [1_000usize, 10_000] {
        let f = fixture(n);
        let group_id = decode(&f).group_id().to_vec();
        let db = Db::new("full", Durability::Full);
        db.reset(&f, &group_id);
        db.store.checkpoint().expect("checkpoint");
        let file = std::fs::metadata(&db.path).expect("file").len();
        let state = f.records.state.len()
            + f.records
                .past_epochs
                .iter()
                .map(|p| p.bytes.len())
                .sum::<usize>()
            + f.records
                .tree_parts
                .iter()
                .map(|p| p.bytes.len())
                .sum::<usize>();
        println!(
            "persisted N={n}: file {file} bytes ({:.0} per member), records {state} bytes \
             ({:.0} per member)",
            file as f64 / n as f64,
            state as f64 / n as f64
        );

        let mut group = c.benchmark_group("load");
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2));
        group.bench_with_input(BenchmarkId::new("decode", n), &n, |b, _| {
            b.iter(|| black_box(decode(&f)))
        });
        group.bench_with_input(BenchmarkId::new("sqlite", n), &n, |b, _| {
            b.iter(|| black_box(db.load(&f, &group_id)))
        });
        group.finish();

        let normal = Db::new("normal", Durability::Normal);
        normal.reset(&f, &group_id);
        let mut group = c.benchmark_group("commit");
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(3));
        group.bench_with_input(BenchmarkId::new("memory", n), &n, |b, _| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut g = decode(&f);
                for i in 0..iters as usize {
                    if i > 0 && i % CHAIN == 0 {
                        g = decode(&f);
                    }
                    let start = Instant::now();
                    process_and_merge(&mut g, &f.chain[i % CHAIN]);
                    total += start.elapsed();
                    black_box(&g);
                }
                total
            })
        });
        for (name, db) in [("sqlite", &db), ("sqlite_normal", &normal)] {
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    let restart = || {
                        db.reset(&f, &group_id);
                        db.store.checkpoint().expect("checkpoint");
                        db.load(&f, &group_id)
                    };
                    let (mut g, mut cursor) = restart();
                    for i in 0..iters as usize {
                        if i > 0 && i % CHAIN == 0 {
                            (g, cursor) = restart();
                        }
                        let start = Instant::now();
                        process_and_merge(&mut g, &f.chain[i % CHAIN]);
                        g.save(&db.store, &mut cursor, SideEffects::default())
                            .expect("save");
                        total += start.elapsed();
                    }
                    total
                })
            });
        }
        group.finish();

        let mut group = c.benchmark_group("save");
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2));
        db.reset(&f, &group_id);
        let (g, mut cursor) = db.load(&f, &group_id);
        group.bench_with_input(BenchmarkId::new("encode", n), &n, |b, _| {
            b.iter(|| black_box(g.to_records().expect("records")))
        });
        group.bench_with_input(BenchmarkId::new("sqlite", n), &n, |b, _| {
            b.iter(|| {
                g.save(&db.store, &mut cursor, SideEffects::default())
                    .expect("save")
            })
        });
        group.finish();
    }
}

criterion_group!(sqlite, benches);
criterion_main!(sqlite);
