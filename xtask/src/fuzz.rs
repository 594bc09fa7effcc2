//! `cargo xtask fuzz`: build the libFuzzer targets of `fuzz/` and run each
//! for a while (issue 15 item 6, docs/fuzzing.md).
//!
//! No cargo-fuzz and no nightly: the build is a plain `cargo build` of the
//! `fuzz/` workspace with SanitizerCoverage flags (all stable `-C` options),
//! for the host target triple so that build scripts and proc macros stay
//! uninstrumented. Two departures from what cargo-fuzz would pass, both for
//! speed, measured on `group_ops` (docs/fuzzing.md, seventh campaign):
//!
//! - only this repository's crates are instrumented (this binary acts as
//!   the build's `RUSTC_WRAPPER`, [`wrap_rustc`]): the comparison hooks and
//!   counters of the registry crates (big-integer and field arithmetic,
//!   hashing) took about half of every execution and guide nothing we test;
//! - no `-sanitizer-coverage-trace-compares` unless `--trace-compares` asks
//!   for it: the comparison hooks that were left still cost 40% of the time
//!   of `group_ops`, while the values they let libFuzzer guess (tags,
//!   lengths, suites) are mostly in the seeds drawn from the official vectors
//!   and generated groups. They found `group_from_bytes`'s one bug, so the
//!   cheap decoder targets' campaigns want them.
//!
//! The targets link libFuzzer through `libfuzzer-sys`. Everything lives under
//! `target/fuzz/`: the build, the seed corpora (regenerated every run by
//! [`crate::fuzz_seeds`]), the growing corpora and crash artifacts.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::fuzz_seeds;

/// Every target of `fuzz/fuzz_targets/`, in the order they run.
pub const TARGETS: &[&str] = &[
    "decode_mls_message",
    "decode_welcome",
    "decode_group_info",
    "decode_key_package",
    "decode_ratchet_tree",
    "group_from_bytes",
    "validate_key_package",
    "validate_group_info",
    "join_welcome",
    "group_ops",
];

/// `RUSTFLAGS` of the fuzz build, for every crate: `--cfg fuzzing`, and a
/// digest of the [`coverage_flags`] as a second `--cfg`, because cargo does
/// not see the flags [`wrap_rustc`] adds and would otherwise keep binaries
/// built with other instrumentation.
fn rustflags(trace_compares: bool) -> String {
    // FNV-1a: a change detector, not a security digest.
    let digest = coverage_flags(trace_compares)
        .join(" ")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("--cfg fuzzing --cfg mls_fuzz_coverage=\"{digest:016x}\"")
}

/// The coverage instrumentation, for this repository's crates only
/// ([`wrap_rustc`]): cargo-fuzz's set for `--sanitizer none`, with
/// `-sanitizer-coverage-trace-compares` only when asked (module docs).
fn coverage_flags(trace_compares: bool) -> Vec<&'static str> {
    let mut flags = vec![
        "-Cpasses=sancov-module",
        "-Cllvm-args=-sanitizer-coverage-level=4",
        "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
        "-Cllvm-args=-sanitizer-coverage-pc-table",
        "-Cllvm-args=-sanitizer-coverage-stack-depth",
    ];
    if trace_compares {
        flags.push("-Cllvm-args=-sanitizer-coverage-trace-compares");
    }
    flags
}

/// Set (to the repository root) when cargo runs this binary as its
/// `RUSTC_WRAPPER` for the fuzz build.
const WRAPPER_ROOT: &str = "MLS_XTASK_FUZZ_ROOT";

/// Set beside [`WRAPPER_ROOT`] to the [`coverage_flags`] of the build,
/// space-separated (none contains a space).
const WRAPPER_FLAGS: &str = "MLS_XTASK_FUZZ_COVERAGE_FLAGS";

/// When cargo runs this binary as the fuzz build's `RUSTC_WRAPPER`
/// (`xtask <rustc> <args>`): run rustc, adding the build's coverage flags
/// ([`WRAPPER_FLAGS`]) when the crate being compiled lives in the repository
/// (cargo names its manifest directory). `None` when this is an ordinary `cargo xtask` run.
pub fn wrap_rustc() -> Option<ExitCode> {
    let root = std::env::var_os(WRAPPER_ROOT)?;
    let mut args = std::env::args_os().skip(1);
    let rustc = args.next()?;
    let ours = std::env::var_os("CARGO_MANIFEST_DIR")
        .is_some_and(|dir| Path::new(&dir).starts_with(&root));
    let mut cmd = Command::new(rustc);
    cmd.args(args);
    if ours {
        let flags = std::env::var(WRAPPER_FLAGS).unwrap_or_default();
        cmd.args(flags.split_whitespace());
    }
    Some(match cmd.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => ExitCode::from(u8::try_from(status.code().unwrap_or(1)).unwrap_or(1)),
        Err(e) => {
            eprintln!("xtask (rustc wrapper): {e}");
            ExitCode::from(1)
        }
    })
}

/// Options of `fuzz`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzArgs {
    /// `--target T` (repeatable); empty for every target.
    pub targets: Vec<String>,
    /// `--time S`: seconds per target.
    pub seconds: u64,
    /// `--runs N`: stop a target after N executions (if before `--time`).
    pub runs: Option<u64>,
    /// `--seeds-only`: write the seed corpora and stop.
    pub seeds_only: bool,
    /// `--workers N`: libFuzzer processes per target on its one corpus.
    pub workers: u32,
    /// `--trace-compares`: build with comparison tracing (module docs).
    pub trace_compares: bool,
}

impl Default for FuzzArgs {
    fn default() -> Self {
        FuzzArgs {
            targets: Vec::new(),
            seconds: 10,
            runs: None,
            seeds_only: false,
            workers: 1,
            trace_compares: false,
        }
    }
}

/// Usage text of `fuzz`.
pub const USAGE: &str = "\
  fuzz [--target T]... [--time S] [--runs N] [--workers W] [--trace-compares]
       [--seeds-only]
      Build the libFuzzer targets of fuzz/ (stable toolchain, no sanitizer)
      and run each for S seconds (default 10) from seed corpora generated
      from test-vectors/ and from generated groups; print executions and
      coverage per target. Fails on the first crash (the input is kept in
      target/fuzz/artifacts/T/). --runs N stops a target after N executions
      if that comes first. --workers W runs W processes per target on its
      shared corpus (each reloads what the others add) and splits --runs
      between them; the executions printed are their sum. --trace-compares
      builds with comparison tracing (slower per execution; it lets
      libFuzzer guess the values compared). --seeds-only writes the seeds
      and stops.
      Run long campaigns under `nice -n 19` (docs/fuzzing.md).
";

/// Parse the arguments after `fuzz`.
pub fn parse(mut args: impl Iterator<Item = String>) -> Result<FuzzArgs, String> {
    let mut out = FuzzArgs::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--target" => {
                let t = args.next().ok_or("--target needs a value")?;
                if !TARGETS.contains(&t.as_str()) {
                    return Err(format!(
                        "unknown fuzz target `{t}`; known: {}",
                        TARGETS.join(", ")
                    ));
                }
                out.targets.push(t);
            }
            "--time" => {
                let s = args.next().ok_or("--time needs a value")?;
                out.seconds = s.parse().ok().filter(|&s| s > 0).ok_or(format!(
                    "--time takes a positive number of seconds, got `{s}`"
                ))?;
            }
            "--runs" => {
                let n = args.next().ok_or("--runs needs a value")?;
                out.runs = Some(
                    n.parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or(format!("--runs takes a positive count, got `{n}`"))?,
                );
            }
            "--workers" => {
                let w = args.next().ok_or("--workers needs a value")?;
                out.workers = w.parse().ok().filter(|&w| w > 0).ok_or(format!(
                    "--workers takes a positive number of processes, got `{w}`"
                ))?;
            }
            "--seeds-only" => out.seeds_only = true,
            "--trace-compares" => out.trace_compares = true,
            other => return Err(format!("fuzz: unknown option `{other}`")),
        }
    }
    Ok(out)
}

/// What one run of a target printed.
#[derive(Debug, Default, PartialEq, Eq)]
struct RunStats {
    executions: u64,
    coverage: u64,
    features: u64,
    corpus: u64,
}

impl RunStats {
    /// Fold in another worker's stats: executions add up; coverage,
    /// features and corpus are each worker's view of the shared corpus, so
    /// the largest is kept.
    fn add(&mut self, other: &RunStats) {
        self.executions += other.executions;
        self.coverage = self.coverage.max(other.coverage);
        self.features = self.features.max(other.features);
        self.corpus = self.corpus.max(other.corpus);
    }
}

/// Read libFuzzer's status lines (`#N ... cov: C ft: F corp: K/...`) and
/// final `stat::number_of_executed_units`.
fn parse_stats(log: &str) -> RunStats {
    let mut stats = RunStats::default();
    let field = |line: &str, name: &str| -> Option<u64> {
        let rest = line.split(name).nth(1)?;
        let word = rest.split_whitespace().next()?;
        word.split('/').next()?.parse().ok()
    };
    for line in log.lines() {
        if let Some(status) = line.strip_prefix('#') {
            if let Some(c) = field(status, "cov: ") {
                stats.coverage = c;
            }
            if let Some(f) = field(status, "ft: ") {
                stats.features = f;
            }
            if let Some(k) = field(status, "corp: ") {
                stats.corpus = k;
            }
            if let Some(n) = status
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
            {
                stats.executions = stats.executions.max(n);
            }
        }
        if let Some(n) = field(line, "stat::number_of_executed_units: ") {
            stats.executions = n;
        }
    }
    stats
}

fn host_triple() -> Result<String, String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("rustc -vV: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .ok_or_else(|| "rustc -vV printed no host triple".into())
}

/// Build the chosen targets; returns the directory of the binaries.
fn build(root: &Path, targets: &[&str], trace_compares: bool) -> Result<PathBuf, String> {
    let triple = host_triple()?;
    let target_dir = root.join("target/fuzz");
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root.join("fuzz"))
        .args(["build", "--release", "--locked", "--target", &triple])
        .arg("--target-dir")
        .arg(&target_dir)
        .env("RUSTFLAGS", rustflags(trace_compares))
        .env(
            "RUSTC_WRAPPER",
            std::env::current_exe().map_err(|e| format!("xtask: {e}"))?,
        )
        .env(WRAPPER_ROOT, root)
        .env(WRAPPER_FLAGS, coverage_flags(trace_compares).join(" "))
        .env("CARGO_INCREMENTAL", "0");
    for t in targets {
        cmd.args(["--bin", t]);
    }
    let started = Instant::now();
    let status = cmd.status().map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("building the fuzz targets failed ({status})"));
    }
    println!(
        "built {} fuzz target(s) in {:.0} s",
        targets.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(target_dir.join(triple).join("release"))
}

/// Run one target for `seconds` in `args.workers` processes; Ok(their
/// summed stats) or Err(the failing log's tail) on a crash.
fn run_target(bin: &Path, root: &Path, target: &str, args: &FuzzArgs) -> Result<RunStats, String> {
    let fuzz_dir = root.join("target/fuzz");
    let corpus = fuzz_dir.join("corpus").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let seeds = fuzz_seeds::seed_dir(root, target);
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let workers = args.workers.max(1);
    let logs: Vec<PathBuf> = (1..=workers)
        .map(|w| match workers {
            1 => fuzz_dir.join(format!("{target}.log")),
            _ => fuzz_dir.join(format!("{target}.{w}.log")),
        })
        .collect();
    let mut children = Vec::new();
    for log in &logs {
        // Each worker's log goes straight to its file: a pipe read only
        // after another worker ends would fill and stall this one.
        let file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut cmd = Command::new(bin.join(target));
        if let Some(runs) = args.runs {
            cmd.arg(format!("-runs={}", runs.div_ceil(u64::from(workers))));
        }
        let child = cmd
            .arg(format!("-max_total_time={}", args.seconds))
            // A stuck input fails the run; the heap bound is the targets' own.
            .arg("-timeout=20")
            .arg("-rss_limit_mb=2048")
            .arg("-max_len=65536")
            .arg("-print_final_stats=1")
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .arg(&corpus)
            .arg(&seeds)
            .stdout(std::process::Stdio::null())
            .stderr(file)
            .spawn()
            .map_err(|e| format!("{target}: {e}"))?;
        children.push(child);
    }
    let mut total = RunStats::default();
    let mut failure = None;
    for (mut child, log) in children.into_iter().zip(&logs) {
        let status = child.wait().map_err(|e| format!("{target}: {e}"))?;
        let text = std::fs::read_to_string(log).map_err(|e| format!("{}: {e}", log.display()))?;
        if !status.success() {
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            failure.get_or_insert(format!("{}:\n{}", log.display(), tail.join("\n")));
            continue;
        }
        total.add(&parse_stats(&text));
    }
    match failure {
        Some(tail) => Err(tail),
        None => Ok(total),
    }
}

/// `cargo xtask fuzz`.
pub fn run(args: &FuzzArgs, root: &Path) -> ExitCode {
    let targets: Vec<&str> = if args.targets.is_empty() {
        TARGETS.to_vec()
    } else {
        args.targets.iter().map(String::as_str).collect()
    };
    match fuzz_seeds::write_all(root, TARGETS) {
        Ok(counts) => {
            for (target, n) in counts {
                println!("seeds: {target}: {n}");
            }
        }
        Err(e) => {
            eprintln!("error: writing the seed corpora: {e}");
            return ExitCode::FAILURE;
        }
    }
    if args.seeds_only {
        return ExitCode::SUCCESS;
    }
    let bin = match build(root, &targets, args.trace_compares) {
        Ok(bin) => bin,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "\n{:<22} {:>12} {:>8} {:>8} {:>8}",
        "target", "executions", "cov", "ft", "corpus"
    );
    for target in targets {
        match run_target(&bin, root, target, args) {
            Ok(s) => println!(
                "{target:<22} {:>12} {:>8} {:>8} {:>8}",
                s.executions, s.coverage, s.features, s.corpus
            ),
            Err(tail) => {
                eprintln!(
                    "{tail}\n\nerror: fuzz target {target} crashed (input in target/fuzz/artifacts/{target}/)"
                );
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<FuzzArgs, String> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn options() {
        assert_eq!(p(&[]), Ok(FuzzArgs::default()));
        let want = FuzzArgs {
            targets: vec!["group_ops".into(), "decode_welcome".into()],
            seconds: 60,
            runs: Some(1000),
            seeds_only: false,
            workers: 2,
            trace_compares: true,
        };
        assert_eq!(
            p(&[
                "--target",
                "group_ops",
                "--time",
                "60",
                "--runs",
                "1000",
                "--target",
                "decode_welcome",
                "--workers",
                "2",
                "--trace-compares"
            ]),
            Ok(want)
        );
        assert!(p(&["--target", "nope"]).is_err());
        assert!(p(&["--time", "0"]).is_err());
        assert!(p(&["--time"]).is_err());
        assert!(p(&["--runs", "x"]).is_err());
        assert!(p(&["--fast"]).is_err());
        assert!(p(&["--workers", "0"]).is_err());
    }

    #[test]
    fn the_instrumentation_is_named_in_rustflags() {
        assert!(
            !coverage_flags(false)
                .iter()
                .any(|f| f.contains("trace-compares"))
        );
        assert!(
            coverage_flags(true)
                .iter()
                .any(|f| f.contains("trace-compares"))
        );
        assert!(rustflags(false).starts_with("--cfg fuzzing --cfg mls_fuzz_coverage="));
        assert_ne!(rustflags(false), rustflags(true));
    }

    #[test]
    fn libfuzzer_stats() {
        let log = "\
INFO: Seed: 1
#2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb
#4096\tpulse  cov: 120 ft: 300 corp: 40/2Kb lim: 43 exec/s: 2048 rss: 40Mb
#8000\tNEW    cov: 125 ft: 310 corp: 41/2Kb lim: 43 exec/s: 2000 rss: 40Mb
Done 8123 runs in 4 second(s)
stat::number_of_executed_units: 8123
";
        assert_eq!(
            parse_stats(log),
            RunStats {
                executions: 8123,
                coverage: 125,
                features: 310,
                corpus: 41
            }
        );
    }

    #[test]
    fn workers_add_executions_and_keep_the_widest_view() {
        let mut total = RunStats::default();
        for (executions, coverage, features, corpus) in [(500, 90, 300, 40), (700, 95, 290, 38)] {
            total.add(&RunStats {
                executions,
                coverage,
                features,
                corpus,
            });
        }
        assert_eq!(
            total,
            RunStats {
                executions: 1200,
                coverage: 95,
                features: 300,
                corpus: 40
            }
        );
    }
}
