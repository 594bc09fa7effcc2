//! `cargo xtask bench`: run the group-level criterion benchmarks of
//! `mls-group` (key packages, commits adding N-1 members, joins, self-update
//! commits and their processing, 1 KiB application messages) and print one
//! table of the results of this run.
//!
//! Criterion keeps each result in `target/criterion/<id>/new/`
//! (`benchmark.json` names it, `estimates.json` holds the statistics); the
//! table lists the ids whose estimates were written by this run.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::SystemTime;

use serde_json::Value;

/// The benches of `mls-group` that make up the group-level scenarios.
const BENCHES: &[&str] = &["key_package", "group", "framing"];

/// Options of `bench`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BenchArgs {
    /// Criterion filter (substring of benchmark ids), e.g. `suite1/`.
    pub filter: Option<String>,
    /// Shorter warm-up and measurement, for a first look.
    pub quick: bool,
}

/// Usage text of `bench`.
pub const USAGE: &str = "\
  bench [--quick] [FILTER]
      Run the group-level criterion benches of mls-group (key packages,
      commit adding N-1, join, self-update commit and its processing, 1 KiB
      application messages; suites 1 and 2) and print a table of this run's
      results. FILTER selects benchmark ids (e.g. suite1/ or commit_add).
      --quick shortens warm-up and measurement.
";

/// Parse the arguments after `bench`.
pub fn parse(args: impl Iterator<Item = String>) -> Result<BenchArgs, String> {
    let mut out = BenchArgs::default();
    for arg in args {
        match arg.as_str() {
            "--quick" => out.quick = true,
            flag if flag.starts_with("--") => {
                return Err(format!("bench: unknown option `{flag}`"));
            }
            _ if out.filter.is_some() => return Err("bench takes at most one FILTER".into()),
            _ => out.filter = Some(arg),
        }
    }
    Ok(out)
}

/// Run the benches, then print the table.
pub fn run(args: &BenchArgs, root: &Path) -> ExitCode {
    let started = SystemTime::now();
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root)
        .args(["bench", "--package", "mls-group"]);
    for bench in BENCHES {
        cmd.args(["--bench", bench]);
    }
    cmd.arg("--");
    if let Some(filter) = &args.filter {
        cmd.arg(filter);
    }
    if args.quick {
        cmd.args(["--warm-up-time", "1", "--measurement-time", "2"]);
    }
    match cmd.status() {
        Ok(status) if status.success() => {}
        Ok(status) => {
            eprintln!("bench: cargo bench failed ({status})");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("bench: could not start cargo: {e}");
            return ExitCode::FAILURE;
        }
    }
    let dir = criterion_dir(root);
    let rows = collect(&dir, started);
    if rows.is_empty() {
        eprintln!("bench: no results written under {}", dir.display());
        return ExitCode::FAILURE;
    }
    print!("{}", render(&rows));
    ExitCode::SUCCESS
}

fn criterion_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("criterion")
}

/// One benchmark result: its id and the median and mean, in nanoseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Criterion's full id, e.g. `suite1/commit_add/100`.
    pub id: String,
    /// Median time per iteration (ns).
    pub median_ns: f64,
    /// Mean time per iteration (ns).
    pub mean_ns: f64,
}

/// Every `new/` result under `dir` written at or after `since`, sorted by id.
fn collect(dir: &Path, since: SystemTime) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "estimates.json")
                && path.parent().is_some_and(|p| p.ends_with("new"))
                && modified_since(&path, since)
                && let Some(row) = read_row(&path)
            {
                rows.push(row);
            }
        }
    }
    rows.sort_by_key(|r| natural_key(&r.id));
    rows
}

fn modified_since(path: &Path, since: SystemTime) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= since)
}

fn read_row(estimates: &Path) -> Option<Row> {
    let benchmark = estimates.with_file_name("benchmark.json");
    let id = read_json(&benchmark)?.get("full_id")?.as_str()?.to_string();
    let est = read_json(estimates)?;
    let point = |name: &str| est.get(name)?.get("point_estimate")?.as_f64();
    Some(Row {
        id,
        median_ns: point("median")?,
        mean_ns: point("mean")?,
    })
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Sort `suite1/commit_add/1000` after `suite1/commit_add/100`.
fn natural_key(id: &str) -> Vec<(String, u64)> {
    id.split('/')
        .map(|part| match part.parse::<u64>() {
            Ok(n) => (String::new(), n),
            Err(_) => (part.to_string(), 0),
        })
        .collect()
}

/// A duration in the unit that keeps three significant digits readable.
pub fn format_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} us", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// The table printed after a run.
pub fn render(rows: &[Row]) -> String {
    let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(9).max(9);
    let mut out = format!(
        "\n{:<width$}  {:>12}  {:>12}\n",
        "benchmark", "median", "mean"
    );
    for r in rows {
        out.push_str(&format!(
            "{:<width$}  {:>12}  {:>12}\n",
            r.id,
            format_ns(r.median_ns),
            format_ns(r.mean_ns)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_filter_and_quick() {
        let args = parse(["--quick".to_string(), "suite1/".to_string()].into_iter()).unwrap();
        assert_eq!(
            args,
            BenchArgs {
                filter: Some("suite1/".into()),
                quick: true
            }
        );
        assert!(parse(["--bogus".to_string()].into_iter()).is_err());
        assert!(parse(["a".to_string(), "b".to_string()].into_iter()).is_err());
    }

    #[test]
    fn formats_durations() {
        assert_eq!(format_ns(512.0), "512 ns");
        assert_eq!(format_ns(1_500.0), "1.50 us");
        assert_eq!(format_ns(2_250_000.0), "2.25 ms");
        assert_eq!(format_ns(1.94e9), "1.94 s");
    }

    #[test]
    fn table_sorts_numbers_naturally_and_reads_criterion_files() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id()));
        for (n, ns) in [(1000, 2e6), (100, 2e5), (10, 2e4)] {
            let new = dir.join(format!("suite1_commit_add/{n}/new"));
            std::fs::create_dir_all(&new).unwrap();
            std::fs::write(
                new.join("benchmark.json"),
                format!(r#"{{"full_id":"suite1/commit_add/{n}"}}"#),
            )
            .unwrap();
            std::fs::write(
                new.join("estimates.json"),
                format!(
                    r#"{{"mean":{{"point_estimate":{ns}}},"median":{{"point_estimate":{ns}}}}}"#
                ),
            )
            .unwrap();
        }
        let rows = collect(&dir, SystemTime::UNIX_EPOCH);
        std::fs::remove_dir_all(&dir).unwrap();
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "suite1/commit_add/10",
                "suite1/commit_add/100",
                "suite1/commit_add/1000"
            ]
        );
        let table = render(&rows);
        assert!(table.contains("suite1/commit_add/1000") && table.contains("2.00 ms"));
    }
}
