//! The crash test (issue 13, "Crash safety, measured"; GUIDANCE G-03): a
//! child process runs the world of `crash_world` (four `mls_client::Client`s
//! with their own SQLite files, a delivery service, groups created, members
//! joining with KeyPackages, Commits sent and received, every write made by
//! the clients themselves) and is killed with SIGKILL
//! at a random one of its writes, after a random delay of up to 2 ms (so
//! the kill lands before, inside or after the write). After each kill the
//! parent opens the files and checks them (`World::check`): every group
//! loads, at the DS's epoch or one behind, never a mix; every KeyPackage a
//! stored join consumed is deleted and every one of an unstored join is
//! still there; caught up, all members agree on the epoch authenticator.
//! Then the child is restarted on the same files and carries on; a world
//! that reaches the end of its plan is checked and started anew.

#![allow(clippy::unwrap_used)]

mod crash_world;

use std::collections::BTreeMap;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crash_world::World;

/// Kills per run of the test.
const KILLS: usize = 600;
/// Set in the child: the directory of its world.
const CHILD_ENV: &str = "MLS_STORE_SQLITE_CRASH_DIR";
/// This file's test that the child runs.
const CHILD_TEST: &str = "the_world_runs_to_its_end_and_checks";

fn temp_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "mls-store-sqlite-{tag}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Without a kill: the world runs to its end and passes the check. In the
/// child process (`CHILD_ENV` set): run the world in that directory until
/// the parent kills it or the plan ends.
#[test]
fn the_world_runs_to_its_end_and_checks() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        // libtest has printed "test <name> ... " without a newline: end it,
        // so that every announced write is a line of its own.
        println!();
        World::open(Path::new(&dir), true).run();
        println!("DONE");
        return;
    }
    let dir = temp_dir("crash-free");
    World::open(&dir, true).run();
    // Three groups of four members, all at the DS's last epoch.
    assert_eq!(World::check(&dir), 12);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A small generator (xorshift64*) for the kill points.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) % n
    }
}

enum Outcome {
    /// Killed after announcing a write of this kind.
    Killed(String),
    /// The plan ended.
    Done,
}

/// Run the child on `dir` and kill it after its `target`-th write plus
/// `delay`.
fn run_child(dir: &Path, target: u64, delay: Duration) -> Outcome {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    loop {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "the child stopped without DONE ({}); its last lines: {:?}; stderr: {}",
                out.status,
                &seen[seen.len().saturating_sub(8)..],
                String::from_utf8_lossy(&out.stderr)
            );
        };
        seen.push(line.clone());
        if line.ends_with("DONE") {
            assert!(child.wait().unwrap().success());
            return Outcome::Done;
        }
        let mut words = line.split(' ');
        if words.next() != Some("W") {
            continue;
        }
        let n: u64 = words.next().unwrap().parse().unwrap();
        if n == target {
            let kind = words.next().unwrap().to_string();
            std::thread::sleep(delay);
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            return Outcome::Killed(kind);
        }
    }
}

#[test]
fn sigkill_at_any_write_leaves_every_group_consistent() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let (mut kills, mut worlds, mut checked) = (0, 0, 0);
    let mut dir = temp_dir("crash");
    while kills < KILLS {
        let target = 1 + rng.below(16);
        let delay = match rng.below(3) {
            0 => Duration::ZERO,
            _ => Duration::from_micros(rng.below(2000)),
        };
        match run_child(&dir, target, delay) {
            Outcome::Killed(kind) => {
                kills += 1;
                *kinds.entry(kind).or_default() += 1;
                checked += World::check(&dir);
            }
            Outcome::Done => {
                assert_eq!(World::check(&dir), 12, "the finished world");
                worlds += 1;
                std::fs::remove_dir_all(&dir).unwrap();
                dir = temp_dir("crash");
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    println!(
        "crash test: {kills} SIGKILLs ({}), {worlds} worlds run to their end, \
         {checked} group members checked after the kills",
        kinds
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // Every kind of write was hit.
    for kind in ["identity", "kp", "create", "group", "join", "ds"] {
        assert!(kinds.contains_key(kind), "no kill at a {kind} write");
    }
}
