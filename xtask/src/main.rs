//! Developer tasks for the MLS workspace, run as `cargo xtask <command>`:
//!
//! - `conformance`: run the official MLS test vectors (RFC 9420 interop
//!   vectors of mlswg/mls-implementations) through each layer's check and
//!   print a per-file report ([`conformance`], [`registry`]);
//! - `check-dag`: verify that crates depend on each other only downward
//!   along the layer table ([`dag`]) and that no crate has an import cycle
//!   between its modules ([`modcycle`]);
//! - `bench`: run the group-level benchmarks and print a table ([`bench`]);
//!   `bench --compare` runs the same scenarios through openmls, mls-rs and
//!   this project side by side ([`compare`], `benches/compare/`);
//! - `interop`: play the official interop scenarios against gRPC
//!   `mls_client.MLSClient` servers ([`interop`], docs/interop.md);
//! - `fuzz`: build and run the libFuzzer targets of `fuzz/` ([`fuzz`],
//!   docs/fuzzing.md).
//!
//! See docs/conformance.md for usage, output formats and how to add a file.

#![forbid(unsafe_code)]

mod bench;
mod cli;
mod compare;
mod conformance;
mod dag;
mod dag_doc;
mod fuzz;
mod fuzz_seeds;
mod interop;
mod json;
mod modcycle;
mod registry;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cli::{Command, ConformanceArgs, USAGE};

fn main() -> ExitCode {
    if let Some(code) = fuzz::wrap_rustc() {
        return code;
    }
    match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            print!(
                "{USAGE}{}{}{}{}",
                bench::USAGE,
                compare::USAGE,
                interop::args::USAGE,
                fuzz::USAGE
            );
            ExitCode::SUCCESS
        }
        Ok(Command::Conformance(args)) => run_conformance(&args),
        Ok(Command::CheckDag) => run_check_dag(),
        Ok(Command::Interop(args)) => interop::run(&args, &workspace_root()),
        Ok(Command::Bench(args)) => bench::run(&args, &workspace_root()),
        Ok(Command::BenchCompare(args)) => compare::run(&args, &workspace_root()),
        Ok(Command::Fuzz(args)) => fuzz::run(&args, &workspace_root()),
        Err(msg) => {
            eprintln!("error: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run_conformance(args: &ConformanceArgs) -> ExitCode {
    let dir = args.dir.clone().unwrap_or_else(mls_vectors::vectors_dir);
    if !dir.is_dir() {
        eprintln!("{}", vectors_missing_help(&dir));
        return ExitCode::from(2);
    }
    // Show `/a/shared/mls-test-vectors`, not `/a/main/crates/mls-vectors/../../../shared/...`.
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let entries: Vec<&registry::VectorFile> = if args.files.is_empty() {
        registry::FILES.iter().collect()
    } else {
        let mut chosen = Vec::new();
        for name in &args.files {
            match registry::find(name) {
                Some(entry) => chosen.push(entry),
                None => {
                    let known: Vec<&str> = registry::FILES.iter().map(|f| f.name).collect();
                    eprintln!(
                        "error: `{name}` is not an official vector file; known files:\n  {}",
                        known.join("\n  ")
                    );
                    return ExitCode::from(2);
                }
            }
        }
        chosen
    };
    let root = workspace_root();
    let outcomes: Vec<conformance::FileOutcome> = entries
        .into_iter()
        .map(|entry| conformance::run_one(&dir, entry, &root))
        .collect();
    if args.json {
        println!("{}", conformance::render_json(&outcomes).render());
    } else {
        print!("{}", conformance::render_text(&dir, &outcomes));
    }
    if conformance::is_failure(&outcomes) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn vectors_missing_help(dir: &Path) -> String {
    format!(
        "error: the official MLS test vectors are not at {}\n\
         Get them from https://github.com/mlswg/mls-implementations (folder test-vectors/),\n\
         then either set {}=/path/to/test-vectors, pass --dir /path/to/test-vectors,\n\
         or put them in ../shared/mls-test-vectors beside this checkout.",
        dir.display(),
        mls_vectors::VECTORS_ENV
    )
}

fn workspace_root() -> PathBuf {
    // xtask/ sits directly in the workspace root.
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}

fn run_check_dag() -> ExitCode {
    let graph =
        match dag::load_metadata(&workspace_root()).and_then(|m| dag::graph_from_metadata(&m)) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
    println!("crate layers and workspace dependencies:");
    print!("{}", dag::render(&graph, dag::LAYERS));
    let mut problems = dag::violations(&graph, dag::LAYERS, dag::DEV_ONLY);
    let root = workspace_root();
    let crate_dirs: Vec<(String, PathBuf)> = graph
        .crates
        .iter()
        .map(|name| (name.clone(), root.join("crates").join(name)))
        .collect();
    let dirs: Vec<(String, &Path)> = crate_dirs
        .iter()
        .map(|(n, d)| (n.clone(), d.as_path()))
        .collect();
    let (cycles, scan_problems) = modcycle::workspace_cycles(&dirs);
    problems.extend(scan_problems);
    let verdict = modcycle::judge(&cycles, modcycle::ALLOWED);
    for w in &verdict.warnings {
        println!("check-dag: warning: {w}");
    }
    problems.extend(verdict.errors);
    problems.extend(architecture_doc_problems(&root, &graph));
    if problems.is_empty() {
        println!(
            "check-dag: ok ({} crates, {} dependency edges, all pointing down; \
             no module cycle beyond the {} allowed)",
            graph.crates.len(),
            graph.edges.len(),
            verdict.warnings.len()
        );
        ExitCode::SUCCESS
    } else {
        for p in &problems {
            eprintln!("check-dag: {p}");
        }
        eprintln!("check-dag: {} violation(s)", problems.len());
        ExitCode::FAILURE
    }
}

/// The dependency block of docs/architecture.md against the manifests.
fn architecture_doc_problems(root: &Path, graph: &dag::Graph) -> Vec<String> {
    let path = root.join("docs/architecture.md");
    let documented = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
        .and_then(|doc| dag_doc::documented_edges(&doc));
    let mut problems = match documented {
        Ok(documented) => dag_doc::differences(&documented, &dag_doc::declared_edges(graph)),
        Err(e) => vec![format!("docs/architecture.md: {e}")],
    };
    if !problems.is_empty() {
        problems.push(format!(
            "the block after `{}` in docs/architecture.md should read:\n{}",
            dag_doc::MARKER,
            dag_doc::render_block(graph)
        ));
    }
    problems
}
