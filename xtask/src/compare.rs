//! `cargo xtask bench --compare`: build and run the side-by-side benchmark
//! of `benches/compare/` (this project, openmls and mls-rs from the
//! registry; its own workspace, so `--workspace` commands never build the
//! anchors) once per thread count, and print one table with the ratio of
//! this project to the better anchor (issue 14 item 4, docs/benchmarks.md).
//!
//! The benchmark prints one tab-separated `RESULT` line per measurement;
//! this module parses them and renders the table.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use crate::bench::format_ns;

/// The benchmark's manifest, relative to the workspace root.
pub const MANIFEST: &str = "benches/compare/Cargo.toml";

/// Usage text of `bench --compare`.
pub const USAGE: &str = "\
  bench --compare [--quick] [--n 10,100,1000,10000] [--suites 1,2] [--threads 1,all]
      Build benches/compare (release profile; openmls and mls-rs from the
      registry) and run the same scenarios through all three libraries, once
      per thread count (RAYON_NUM_THREADS; `all` leaves it unset). Prints one
      table: per scenario, N, suite and threads, each library's median and
      this project's ratio to the better anchor. --quick: N = 10, 100, one run.
";

/// Options of `bench --compare`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareArgs {
    /// `--quick`: N = 10, 100 and one run, unless `--n` is given too.
    pub quick: bool,
    /// `--n`.
    pub ns: Option<String>,
    /// `--suites`.
    pub suites: Option<String>,
    /// `--threads`: `1`, `all` or a number, comma-separated.
    pub threads: Vec<Threads>,
}

/// One thread setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// `RAYON_NUM_THREADS` unset: every core.
    All,
    /// `RAYON_NUM_THREADS=n`.
    Fixed(usize),
}

impl Default for CompareArgs {
    fn default() -> Self {
        Self {
            quick: false,
            ns: None,
            suites: None,
            threads: vec![Threads::Fixed(1), Threads::All],
        }
    }
}

fn numbers(flag: &str, v: Option<String>) -> Result<String, String> {
    let v = v.ok_or(format!("{flag} needs a value"))?;
    if v.is_empty() || v.split(',').any(|x| x.trim().parse::<u64>().is_err()) {
        return Err(format!(
            "{flag}: expected numbers separated by commas, got `{v}`"
        ));
    }
    Ok(v)
}

/// Parse the arguments of `bench` that follow or surround `--compare`.
pub fn parse(args: impl Iterator<Item = String>) -> Result<CompareArgs, String> {
    let mut out = CompareArgs::default();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--compare" => {}
            "--quick" => out.quick = true,
            "--n" => out.ns = Some(numbers("--n", args.next())?),
            "--suites" => out.suites = Some(numbers("--suites", args.next())?),
            "--threads" => {
                let v = args.next().ok_or("--threads needs a value")?;
                out.threads = v
                    .split(',')
                    .map(|t| match t.trim() {
                        "all" => Ok(Threads::All),
                        n => match n.parse::<usize>() {
                            Ok(n) if n > 0 => Ok(Threads::Fixed(n)),
                            _ => Err(format!("--threads: `{t}` is not `all` or a number")),
                        },
                    })
                    .collect::<Result<_, _>>()?;
            }
            other => return Err(format!("bench --compare: unknown argument `{other}`")),
        }
    }
    Ok(out)
}

/// Build the benchmark, run it per thread setting, print the table.
pub fn run(args: &CompareArgs, root: &Path) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = root.join(MANIFEST);
    let build = Command::new(&cargo)
        .current_dir(root)
        .args(["build", "--release", "--manifest-path"])
        .arg(&manifest)
        .status();
    if !matches!(build, Ok(s) if s.success()) {
        eprintln!("bench --compare: building {MANIFEST} failed");
        return ExitCode::FAILURE;
    }
    let mut bench_args: Vec<String> = Vec::new();
    if args.quick {
        bench_args.push("--quick".into());
    }
    if let Some(n) = &args.ns {
        bench_args.extend(["--n".into(), n.clone()]);
    }
    if let Some(s) = &args.suites {
        bench_args.extend(["--suites".into(), s.clone()]);
    }
    let header = machine_header();
    eprintln!("{header}");
    let mut results = Vec::new();
    let mut ok = true;
    for threads in &args.threads {
        let mut cmd = Command::new(&cargo);
        cmd.current_dir(root)
            .args(["run", "--quiet", "--release", "--manifest-path"])
            .arg(&manifest)
            .arg("--")
            .args(&bench_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        match threads {
            Threads::All => cmd.env_remove("RAYON_NUM_THREADS"),
            Threads::Fixed(n) => cmd.env("RAYON_NUM_THREADS", n.to_string()),
        };
        match cmd.output() {
            Ok(out) => {
                ok &= out.status.success();
                results.extend(parse_results(&String::from_utf8_lossy(&out.stdout)));
            }
            Err(e) => {
                eprintln!("bench --compare: could not start cargo: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if results.is_empty() {
        eprintln!("bench --compare: no results");
        return ExitCode::FAILURE;
    }
    println!("{header}\n");
    print!("{}", render(&results));
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("bench --compare: some scenarios failed (see the `error` rows)");
        ExitCode::FAILURE
    }
}

/// Date, cores and load average, printed with the table (other builds on
/// the machine change the numbers).
fn machine_header() -> String {
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    format!("{date}, {cores} cores, load average {load}")
}

/// One measurement of one library.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// `openmls`, `mls-rs` or `ours`.
    pub lib: String,
    /// Scenario name (benches/compare/src/scenario.rs).
    pub scenario: String,
    /// Group size.
    pub n: u64,
    /// Cipher suite (1 or 2).
    pub suite: u16,
    /// Threads of the run.
    pub threads: u64,
    /// The value.
    pub value: Cell,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Median nanoseconds and the number of runs behind it.
    Ns(f64, u64),
    /// Bytes.
    Bytes(f64),
    /// Not run, with the reason.
    Skip(String),
}

impl Cell {
    fn number(&self) -> Option<f64> {
        match self {
            Cell::Ns(v, _) | Cell::Bytes(v) => Some(*v),
            Cell::Skip(_) => None,
        }
    }

    fn show(&self) -> String {
        match self {
            Cell::Ns(v, 1) => format!("{} (1 run)", format_ns(*v)),
            Cell::Ns(v, _) => format_ns(*v),
            Cell::Bytes(b) => format_bytes(*b),
            Cell::Skip(why) => format!("not run: {why}"),
        }
    }
}

fn format_bytes(b: f64) -> String {
    if b >= 1024.0 * 1024.0 {
        format!("{:.2} MiB", b / (1024.0 * 1024.0))
    } else if b >= 1024.0 {
        format!("{:.1} KiB", b / 1024.0)
    } else {
        format!("{b:.0} B")
    }
}

/// The `RESULT` lines of the benchmark's output; other lines are ignored.
pub fn parse_results(out: &str) -> Vec<Measurement> {
    out.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 7 || f[0] != "RESULT" {
                return None;
            }
            let value = match (f[6], f.get(7), f.get(8)) {
                ("skip", why, _) => Cell::Skip(why.copied().unwrap_or("").to_string()),
                (v, Some(&"ns"), runs) => Cell::Ns(
                    v.parse().ok()?,
                    runs.and_then(|r| r.parse().ok()).unwrap_or(1),
                ),
                (v, Some(&"B"), _) => Cell::Bytes(v.parse().ok()?),
                _ => return None,
            };
            Some(Measurement {
                lib: f[1].to_string(),
                scenario: f[2].to_string(),
                n: f[3].parse().ok()?,
                suite: f[4].parse().ok()?,
                threads: f[5].parse().ok()?,
                value,
            })
        })
        .collect()
}

/// Scenario order of the table (unknown names sort after these).
const ORDER: &[&str] = &[
    "key_package",
    "add_path",
    "add_nopath",
    "join",
    "self_update",
    "process_update",
    "process_update_persist",
    "app_1k_a_to_b",
    "app_1k_b_to_a",
    "heap_member",
    "persisted_values",
    "persisted_sqlite_file",
    "error",
];

/// The table: one row per scenario, N, suite and threads; the ratio is
/// this project's value over the smaller of the anchors' values.
pub fn render(results: &[Measurement]) -> String {
    type Key = (usize, String, u16, u64, u64);
    let mut rows: BTreeMap<Key, BTreeMap<String, Cell>> = BTreeMap::new();
    for m in results {
        let rank = ORDER
            .iter()
            .position(|s| *s == m.scenario)
            .unwrap_or(ORDER.len());
        rows.entry((rank, m.scenario.clone(), m.suite, m.n, m.threads))
            .or_default()
            .insert(m.lib.clone(), m.value.clone());
    }
    let mut out = String::from(
        "| scenario | N | suite | threads | openmls | mls-rs | ours | ours / better anchor |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for ((_, scenario, suite, n, threads), cells) in &rows {
        let show = |lib: &str| cells.get(lib).map_or("-".to_string(), Cell::show);
        let best = ["openmls", "mls-rs"]
            .iter()
            .filter_map(|l| cells.get(*l).and_then(Cell::number))
            .fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.min(v))));
        let ratio = match (cells.get("ours").and_then(Cell::number), best) {
            (Some(o), Some(b)) if b > 0.0 => format!("{:.2}x", o / b),
            _ => "-".to_string(),
        };
        out.push_str(&format!(
            "| {scenario} | {n} | {suite} | {threads} | {} | {} | {} | {ratio} |\n",
            show("openmls"),
            show("mls-rs"),
            show("ours")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: &[&str]) -> Result<CompareArgs, String> {
        parse(a.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_options() {
        let a = p(&[
            "--compare",
            "--quick",
            "--n",
            "10,100",
            "--suites",
            "2",
            "--threads",
            "1,all",
        ])
        .unwrap();
        assert!(a.quick);
        assert_eq!(a.ns.as_deref(), Some("10,100"));
        assert_eq!(a.suites.as_deref(), Some("2"));
        assert_eq!(a.threads, [Threads::Fixed(1), Threads::All]);
        assert_eq!(p(&["--compare"]).unwrap(), CompareArgs::default());
        assert!(p(&["--compare", "--n", "ten"]).is_err());
        assert!(p(&["--compare", "--threads", "0"]).is_err());
        assert!(p(&["--compare", "--threads"]).is_err());
        assert!(p(&["--compare", "suite1/"]).is_err());
    }

    #[test]
    fn table_has_ratio_to_the_better_anchor_and_says_what_was_not_run() {
        let out = "noise\n\
            RESULT\topenmls\tjoin\t100\t1\t1\t4000000\tns\t3\n\
            RESULT\tmls-rs\tjoin\t100\t1\t1\t2000000\tns\t3\n\
            RESULT\tours\tjoin\t100\t1\t1\t1000000\tns\t3\n\
            RESULT\tours\tkey_package\t10\t1\t1\t150000\tns\t1\n\
            RESULT\tmls-rs\tpersisted_sqlite_file\t100\t1\t1\tskip\tnot linkable\n\
            RESULT\tours\tpersisted_values\t100\t1\t1\t2048\tB\t1\n\
            RESULT\tmls-rs\tpersisted_values\t100\t1\t1\t4096\tB\t1\n";
        let results = parse_results(out);
        assert_eq!(results.len(), 7);
        let table = render(&results);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[2].starts_with("| key_package | 10 |"), "{table}");
        assert!(lines[3].contains("| join | 100 | 1 | 1 | 4.00 ms | 2.00 ms | 1.00 ms | 0.50x |"));
        assert!(table.contains("| 4.0 KiB | 2.0 KiB | 0.50x |"), "{table}");
        assert!(table.contains("not run: not linkable"));
        assert!(table.contains("150.00 us (1 run)"));
    }
}
