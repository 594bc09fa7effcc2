//! A messaging client holding 1,000 groups of 10 members in its SQLite file
//! (issue 13 target: it opens in under 1 s and touches only the groups it
//! loads; docs/storage.md):
//!
//! - `client_open/build`: `Client::builder()...build()` on the existing file
//!   (opening the database, the schema check, binding the identity);
//! - `client_open/build_and_list`: the same plus `Client::group_ids` (one
//!   query over the ids, no group state read);
//! - `client_open/build_list_and_load_one`: the same plus `Client::group` of
//!   one group (read and decode its records).
//!
//! The file is built once, untimed, through the same client: 1,000
//! `create_group` + one Commit adding 9 members each, merged (each a
//! stored write), with `Durability::Normal` to keep the setup short; the
//! measured opens use the default `Durability::Full`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use mls_client::Client;
use mls_codec::Credential;
use mls_crypto::{CipherSuite, CryptoProvider, Signer};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::KeyPackageBuilder;
use mls_store_sqlite::{Durability, SqliteOptions, SqliteStore};

const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
const GROUPS: usize = 1_000;
const MEMBERS: usize = 10;

fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

fn identity() -> (Credential, Arc<dyn Signer>) {
    let seeded = RustCryptoProvider::with_seed([7; 32]);
    let cs = seeded.cipher_suite_provider(SUITE).expect("suite");
    (
        Credential::basic("alice"),
        Arc::new(cs.signature_generate_key_pair().expect("key")),
    )
}

fn client_on(path: &Path, durability: Durability) -> Client {
    let store = SqliteStore::open_with(
        path,
        SqliteOptions {
            durability,
            ..SqliteOptions::default()
        },
    )
    .expect("open");
    let (credential, signer) = identity();
    Client::builder()
        .identity(credential, signer)
        .cipher_suite(SUITE)
        .store(store)
        .build()
        .expect("client")
}

/// The file: `GROUPS` groups of `MEMBERS`, made by the client itself.
fn build_file() -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "mls-store-sqlite-bench-client-open-{}.db",
        std::process::id()
    ));
    remove(&path);
    let client = client_on(&path, Durability::Normal);
    let provider = RustCryptoProvider::new();
    let cs = provider.cipher_suite_provider(SUITE).expect("suite");
    for g in 0..GROUPS {
        let mut group = client.create_group().expect("create");
        let key_packages: Vec<_> = (1..MEMBERS)
            .map(|m| {
                let signer = cs.signature_generate_key_pair().expect("key");
                KeyPackageBuilder::new()
                    .build(
                        cs.as_ref(),
                        Credential::basic(format!("member {g}.{m}").into_bytes()),
                        &signer,
                    )
                    .expect("key package")
                    .key_package()
                    .clone()
            })
            .collect();
        group
            .commit(|b| key_packages.into_iter().fold(b, |b, kp| b.add_member(kp)))
            .expect("add");
        group.merge_pending_commit().expect("merge");
    }
    path
}

fn benches(c: &mut Criterion) {
    let path = build_file();
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    let ids = client_on(&path, Durability::Full).group_ids().expect("ids");
    assert_eq!(ids.len(), GROUPS);
    println!(
        "client_open: {GROUPS} groups of {MEMBERS} members in {bytes} bytes ({} bytes per group)",
        bytes / GROUPS as u64
    );
    let one = ids[GROUPS / 2].clone();
    let mut group = c.benchmark_group("client_open");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("build", |b| {
        b.iter(|| black_box(client_on(&path, Durability::Full)))
    });
    group.bench_function("build_and_list", |b| {
        b.iter(|| {
            let client = client_on(&path, Durability::Full);
            black_box(client.group_ids().expect("ids"))
        })
    });
    group.bench_function("build_list_and_load_one", |b| {
        b.iter(|| {
            let client = client_on(&path, Durability::Full);
            let ids = client.group_ids().expect("ids");
            black_box(ids.len());
            black_box(client.group(&one).expect("load").expect("stored"))
        })
    });
    group.finish();
    remove(&path);
}

criterion_group!(client_open, benches);
criterion_main!(client_open);
