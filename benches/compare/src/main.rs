//! Side-by-side benchmark of this project, openmls and mls-rs (issue 14
//! item 4): the same group scenarios through each library's public API,
//! every message crossing as serialized bytes, members checked to agree on
//! the epoch authenticator outside the timed regions. Basic credentials,
//! PublicMessage Commits, no padding, the ratchet tree in the Welcome.
//!
//! `cargo xtask bench --compare` builds and runs it once per thread count
//! (`RAYON_NUM_THREADS`, which all three libraries' rayon pools obey) and
//! prints the table. Run alone:
//!
//! ```text
//! mls-compare [--quick] [--n 10,100] [--suites 1,2] [--libs ours,openmls,mls-rs]
//!             [--runs 3] [--budget-secs 20]
//! ```
//!
//! Output: one tab-separated `RESULT` line per measurement (library,
//! scenario, N, suite, threads, value, unit, runs).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod harness;
mod mls_rs_lib;
mod openmls_lib;
mod ours;
mod scenario;

use std::process::ExitCode;
use std::time::Duration;

use harness::{Harness, Point};

/// The libraries, in table order.
const LIBS: [&str; 3] = ["openmls", "mls-rs", "ours"];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Args {
    ns: Vec<usize>,
    suites: Vec<u16>,
    libs: Vec<String>,
    runs: usize,
    budget_secs: u64,
}

fn list<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<Vec<T>, String> {
    let v = v.ok_or(format!("{flag} needs a value"))?;
    v.split(',')
        .map(|x| {
            x.trim()
                .parse()
                .map_err(|_| format!("{flag}: bad value `{x}`"))
        })
        .collect()
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut out = Args {
        ns: vec![10, 100, 1_000, 10_000],
        suites: vec![1, 2],
        libs: LIBS.iter().map(|s| s.to_string()).collect(),
        runs: 3,
        budget_secs: 20,
    };
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => {
                out.ns = vec![10, 100];
                out.runs = 1;
            }
            "--n" => out.ns = list("--n", args.next())?,
            "--suites" => out.suites = list("--suites", args.next())?,
            "--libs" => out.libs = list("--libs", args.next())?,
            "--runs" => out.runs = list("--runs", args.next())?.first().copied().unwrap_or(1),
            "--budget-secs" => {
                out.budget_secs = list("--budget-secs", args.next())?
                    .first()
                    .copied()
                    .unwrap_or(20)
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if out.ns.iter().any(|&n| n < 2) {
        return Err("--n: groups need at least 2 members".into());
    }
    if out.suites.iter().any(|s| !matches!(s, 1 | 2)) {
        return Err("--suites: only 1 and 2".into());
    }
    if let Some(l) = out.libs.iter().find(|l| !LIBS.contains(&l.as_str())) {
        return Err(format!("--libs: unknown library `{l}`"));
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("mls-compare: {e}");
            return ExitCode::from(2);
        }
    };
    let threads = rayon::current_num_threads();
    let mut failed = false;
    for &suite in &args.suites {
        for (i, &n) in args.ns.iter().enumerate() {
            for lib in LIBS.iter().filter(|l| args.libs.iter().any(|a| a == *l)) {
                let point = Point {
                    lib,
                    suite,
                    n,
                    threads,
                };
                let h = Harness::new(args.runs, Duration::from_secs(args.budget_secs), point);
                eprintln!("mls-compare: {lib} suite {suite} N = {n}, {threads} thread(s)");
                let started = std::time::Instant::now();
                let result = match *lib {
                    "ours" => ours::run(&h, suite, n, i == 0),
                    "openmls" => openmls_lib::run(&h, suite, n, i == 0),
                    _ => mls_rs_lib::run(&h, suite, n, i == 0),
                };
                if let Err(e) = result {
                    eprintln!("mls-compare: {lib} suite {suite} N = {n}: {e}");
                    h.skip("error", &e.to_string().replace(['\t', '\n'], " "));
                    failed = true;
                }
                eprintln!(
                    "mls-compare:   done in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: &[&str]) -> Result<Args, String> {
        parse(a.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_quick_and_lists() {
        let d = p(&[]).unwrap();
        assert_eq!(d.ns, [10, 100, 1_000, 10_000]);
        assert_eq!(d.runs, 3);
        let q = p(&["--quick"]).unwrap();
        assert_eq!((q.ns.as_slice(), q.runs), (&[10usize, 100][..], 1));
        let l = p(&["--n", "10,1000", "--suites", "2", "--libs", "ours"]).unwrap();
        assert_eq!(
            (l.ns, l.suites, l.libs),
            (vec![10, 1000], vec![2], vec!["ours".into()])
        );
        assert!(p(&["--n", "1"]).is_err());
        assert!(p(&["--suites", "3"]).is_err());
        assert!(p(&["--libs", "other"]).is_err());
        assert!(p(&["--bogus"]).is_err());
    }
}
