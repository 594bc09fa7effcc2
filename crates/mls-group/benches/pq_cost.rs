//! What the post-quantum suites cost next to suites 1 and 2 (issue 17 item
//! 2): KeyPackage size, the size and time of one Commit adding N-1 members,
//! the size of its Welcome, and the time to join from it, for N = 10, 100,
//! 1,000. Not a criterion bench: one timed run per cell (best of three for
//! N <= 100) so all thirteen suites fit in a short run on a shared machine;
//! it prints a Markdown table.
//!
//! `cargo bench -p mls-group --features pq --bench pq_cost [-- N...]`

#[path = "support/mod.rs"]
mod support;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{adds, bundles};

use mls_codec::Credential;
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, PqSuite};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::{CreateOptions, Group, GroupConfig, JoinOptions};

/// One row of the table.
struct Cell {
    key_package: usize,
    commit: usize,
    commit_time: Duration,
    welcome: usize,
    join_time: Duration,
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (T, Duration) {
    let mut best = None;
    let mut out = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = f();
        let took = start.elapsed();
        if best.is_none_or(|b| took < b) {
            best = Some(took);
        }
        out = Some(value);
    }
    (out.expect("one run"), best.expect("one run"))
}

fn measure(suite: CipherSuite, n: usize) -> Cell {
    let provider = RustCryptoProvider::with_seed([7; 32]);
    let cs: Arc<dyn CipherSuiteProvider> = provider.cipher_suite_provider(suite).expect("suite");
    let mut all = bundles(cs.as_ref(), 0, n - 1);
    let key_package = mls_codec::encode(all[0].key_package()).expect("encode");
    let signer = cs.signature_generate_key_pair().expect("signature key");
    let mut creator = Group::create(
        cs,
        Credential::basic("creator"),
        Arc::new(signer),
        GroupConfig::default(),
        CreateOptions::default(),
    )
    .expect("create");
    let proposals = adds(&all);
    let runs = if n <= 100 { 3 } else { 1 };
    let (out, commit_time) = best_of(runs, || {
        let out = creator
            .commit_builder()
            .proposals(proposals.clone())
            .build()
            .expect("commit");
        creator.clear_pending_commit();
        out
    });
    let welcome = out.welcome.expect("welcome");
    let me = vec![all.swap_remove(0)];
    let (_, join_time) = best_of(runs, || {
        Group::join(
            &provider,
            &welcome,
            &me,
            GroupConfig::default(),
            JoinOptions::default(),
        )
        .expect("join")
    });
    Cell {
        key_package: key_package.len(),
        commit: mls_codec::encode(&out.commit).expect("encode").len(),
        commit_time,
        welcome: mls_codec::encode(&welcome).expect("encode").len(),
        join_time,
    }
}

fn kib(bytes: usize) -> String {
    if bytes < 10_000 {
        format!("{bytes} B")
    } else {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn main() {
    // `cargo bench` passes `--bench`; numbers on the command line pick N.
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10, 100, 1_000]
    } else {
        sizes
    };
    let suites = CipherSuite::RFC9420[..2]
        .iter()
        .copied()
        .chain(PqSuite::ALL.into_iter().map(CipherSuite::Pq));
    println!("| suite | N | KeyPackage | Commit (add N-1) | commit time | Welcome | join time |");
    println!("|---|---|---|---|---|---|---|");
    for suite in suites {
        let name = match suite {
            CipherSuite::Pq(pq) => format!("TBD{} {}", pq.placeholder(), pq.name()),
            other => format!("{} {other:?}", other.id()),
        };
        for &n in &sizes {
            let c = measure(suite, n);
            println!(
                "| {name} | {n} | {} | {} | {} | {} | {} |",
                kib(c.key_package),
                kib(c.commit),
                ms(c.commit_time),
                kib(c.welcome),
                ms(c.join_time)
            );
        }
    }
}
