//! `cargo xtask interop`: a Rust port of the upstream interop runner
//! (mlswg/mls-implementations `interop/test-runner/main.go`). It connects to
//! `mls_client.MLSClient` servers, plays every script of the scenario files
//! for each cipher suite x handshake mode x assignment of clients to actors,
//! and prints one row per run and `N passed, M failed, K unsupported`.
//! docs/interop.md lists the upstream quirks kept and the ones fixed.

pub mod args;
mod clients;
mod config;
mod report;
mod script;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::InteropArgs;
use clients::{Client, SelfServers};
use config::script_actors;
use report::{Outcome, Row, Totals};
use script::{Run, StepError};

/// The default scenario folder: the copy vendored in this repository
/// (`interop/`, provenance in `interop/SOURCE.txt`).
fn default_config_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join("interop/configs")
}

/// The default scenario files: every `.json` in the folder except
/// `deep_random.json` (1,670 steps, meant for `--random` only).
fn default_configs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "the interop scenarios are not at {} ({e}); get interop/configs from \
             mlswg/mls-implementations and pass --config FILE (this repository \
             vendors them in interop/configs)",
            dir.display()
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| p.file_name().is_none_or(|n| n != "deep_random.json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Run the subcommand.
pub fn run(args: &InteropArgs, workspace_root: &Path) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run_async(args, workspace_root)) {
        Ok(totals) if totals.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn run_async(args: &InteropArgs, workspace_root: &Path) -> Result<Totals, String> {
    let files = if args.configs.is_empty() {
        default_configs(&default_config_dir(workspace_root))?
    } else {
        args.configs.clone()
    };
    let mut configs = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let config = config::parse_config(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        let name = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        configs.push((name, config));
    }

    let mut servers = SelfServers::default();
    let mut addrs = servers.start(args.self_count)?;
    addrs.extend(args.clients.iter().cloned());
    let mut clients = Vec::new();
    for (i, addr) in addrs.iter().enumerate() {
        clients.push(clients::connect(format!("#{}", i + 1), addr).await?);
    }
    if !args.json {
        for c in &clients {
            let suites: Vec<String> = c.supported.iter().map(u32::to_string).collect();
            println!(
                "client {} = {} at {} (suites {})",
                c.label,
                c.name,
                c.addr,
                suites.join(",")
            );
        }
    }

    let all_suites: BTreeSet<u32> = clients
        .iter()
        .flat_map(|c| c.supported.iter().copied())
        .collect();
    let suites: Vec<u32> = if args.suites.is_empty() {
        all_suites.into_iter().collect()
    } else {
        for s in &args.suites {
            if !all_suites.contains(s) {
                return Err(format!(
                    "Unsupported ciphersuite: {s} (no client supports it)"
                ));
            }
        }
        args.suites.clone()
    };

    let mut rows = Vec::new();
    let mut totals = Totals::default();
    let mut rng = Rng::from_os()?;
    'all: for (file, config) in &configs {
        for (script, steps) in &config.scripts {
            let actors = script_actors(steps);
            for &suite in &suites {
                // The clients that support this suite. Upstream indexes the
                // global client list with positions in this list (a bug when
                // clients differ in suites); this port uses this list.
                let eligible: Vec<&Client> = clients
                    .iter()
                    .filter(|c| c.supported.contains(&suite))
                    .collect();
                if eligible.is_empty() {
                    continue;
                }
                for &encrypt in &args.modes() {
                    let combos = if args.random {
                        vec![
                            (0..actors.len())
                                .map(|_| rng.below(eligible.len()))
                                .collect(),
                        ]
                    } else {
                        combinations(eligible.len(), actors.len())
                    };
                    for combo in combos {
                        let assignment: HashMap<String, &Client> = actors
                            .iter()
                            .zip(&combo)
                            .filter_map(|(a, &i)| eligible.get(i).map(|c| (a.clone(), *c)))
                            .collect();
                        let row =
                            play(file, script, steps, suite, encrypt, &actors, assignment).await;
                        totals.add(&row.outcome);
                        if !args.json {
                            print!("{}", report::render_row(&row));
                        }
                        let failed = matches!(row.outcome, Outcome::Failed { .. });
                        rows.push(row);
                        if failed && args.fail_fast {
                            break 'all;
                        }
                    }
                }
            }
        }
    }
    if args.json {
        println!("{}", report::render_json(&clients, &rows, &totals).render());
    } else {
        println!("{}", totals.closing_line());
    }
    Ok(totals)
}

async fn play(
    file: &str,
    script: &str,
    steps: &[config::Step],
    suite: u32,
    encrypt: bool,
    actors: &[String],
    assignment: HashMap<String, &Client>,
) -> Row {
    let labels: Vec<(String, String)> = actors
        .iter()
        .map(|a| {
            (
                a.clone(),
                assignment
                    .get(a)
                    .map_or_else(String::new, |c| c.label.clone()),
            )
        })
        .collect();
    let mut run = Run::new(suite, encrypt, assignment, steps.len());
    let played = run.play(steps).await;
    let freed = run.free_all().await;
    let outcome = match (played, freed) {
        (Err((i, e)), _) => Outcome::from_step(i, steps.get(i), e),
        (Ok(()), Err(e)) => Outcome::from_step(steps.len(), None, e),
        (Ok(()), Ok(())) => Outcome::Passed,
    };
    Row {
        config: file.to_string(),
        script: script.to_string(),
        suite,
        encrypt,
        assignment: labels,
        outcome,
    }
}

impl Outcome {
    fn from_step(index: usize, step: Option<&config::Step>, e: StepError) -> Outcome {
        let step_json = step
            .map(|s| serde_json::Value::Object(s.raw.clone()).to_string())
            .unwrap_or_default();
        match e {
            StepError::Failed(error) => Outcome::Failed {
                step: index,
                step_json,
                error,
            },
            StepError::Unsupported(error) => Outcome::Unsupported {
                step: index,
                step_json,
                error,
            },
        }
    }
}

/// Every tuple of `slots` values below `vals`, in lexicographic order.
fn combinations(vals: usize, slots: usize) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    for _ in 0..slots {
        out = out
            .into_iter()
            .flat_map(|t| {
                (0..vals).map(move |v| {
                    let mut t = t.clone();
                    t.push(v);
                    t
                })
            })
            .collect();
    }
    out
}

/// A small xorshift generator for `--random` (not for secrets).
struct Rng(u64);

impl Rng {
    fn from_os() -> Result<Rng, String> {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).map_err(|e| format!("randomness: {e}"))?;
        Ok(Rng(u64::from_le_bytes(seed) | 1))
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        if n == 0 {
            0
        } else {
            (self.0 % n as u64) as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_enumerate_all_tuples() {
        assert_eq!(
            combinations(2, 2),
            vec![vec![0, 0], vec![0, 1], vec![1, 0], vec![1, 1]]
        );
        assert_eq!(combinations(3, 0), vec![Vec::<usize>::new()]);
        assert_eq!(combinations(1, 3), vec![vec![0, 0, 0]]);
        assert_eq!(combinations(3, 4).len(), 81);
    }

    #[test]
    fn rng_stays_in_range() {
        let mut r = Rng(12345);
        assert!((0..1000).all(|_| r.below(3) < 3));
    }

    #[test]
    fn every_shipped_config_parses() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interop/configs");
        let files = default_configs(&dir).unwrap();
        assert!(!files.is_empty());
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let c: config::Config = config::parse_config(&text).unwrap();
            assert!(!c.scripts.is_empty(), "{}", f.display());
        }
    }
}
