//! `cargo xtask conformance`: run the official vectors through the checks of
//! [`crate::registry`] and report one row per file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use mls_vectors::{CaseError, FileReport, LoadError};

use crate::json::Json;

use crate::registry::VectorFile;

/// How many failing cases are printed per file.
const SHOWN_PROBLEMS: usize = 5;

/// The state of one file after a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every case passed or was skipped for an unsupported suite.
    Ok,
    /// At least one case failed, or the file could not be read as vectors.
    Failed,
    /// The file is present but no check is wired in yet.
    NotImplemented,
    /// The file is absent from the vector directory.
    Missing,
}

impl Status {
    /// The name used in JSON output.
    pub fn json_name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::NotImplemented => "not-implemented",
            Status::Missing => "missing",
        }
    }
}

/// One case that did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Position of the case in the file.
    pub index: usize,
    /// The case's cipher suite, if it has one.
    pub suite: Option<u64>,
    /// `true` for a failure, `false` for a skip (unsupported suite).
    pub failed: bool,
    /// What went wrong.
    pub message: String,
}

/// The result for one vector file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOutcome {
    /// The file name.
    pub file: String,
    /// Cases passed.
    pub passed: usize,
    /// Cases failed.
    pub failed: usize,
    /// Cases skipped for an unsupported cipher suite.
    pub skipped: usize,
    /// Overall state of the file.
    pub status: Status,
    /// Cases in the file, when it could be read.
    pub cases: Option<usize>,
    /// A file-level note (why it is missing, unreadable or not implemented).
    pub note: Option<String>,
    /// Every case that did not pass, in file order.
    pub problems: Vec<Problem>,
    /// No check is wired in, but its source file exists in the owning crate.
    pub unwired: bool,
}

impl FileOutcome {
    fn empty(file: &str, status: Status) -> Self {
        FileOutcome {
            file: file.to_string(),
            passed: 0,
            failed: 0,
            skipped: 0,
            status,
            cases: None,
            note: None,
            problems: Vec::new(),
            unwired: false,
        }
    }

    /// The outcome of a file whose check ran.
    pub fn from_report(report: &FileReport) -> Self {
        let problems: Vec<Problem> = report
            .cases
            .iter()
            .filter_map(|c| match &c.result {
                Ok(()) => None,
                Err(CaseError::Failed(m)) => Some(Problem {
                    index: c.index,
                    suite: c.cipher_suite,
                    failed: true,
                    message: m.clone(),
                }),
                Err(CaseError::UnsupportedSuite(s)) => Some(Problem {
                    index: c.index,
                    suite: c.cipher_suite,
                    failed: false,
                    message: format!("unsupported cipher suite {s}"),
                }),
            })
            .collect();
        let failed = report.failed();
        let status = if failed > 0 || report.cases.is_empty() {
            Status::Failed
        } else {
            Status::Ok
        };
        FileOutcome {
            file: report.file.clone(),
            passed: report.passed(),
            failed,
            skipped: report.skipped(),
            status,
            cases: Some(report.cases.len()),
            note: report
                .cases
                .is_empty()
                .then(|| "the file holds no cases".to_string()),
            problems,
            unwired: false,
        }
    }

    /// The outcome of a file that could not be loaded.
    pub fn from_load_error(file: &str, err: &LoadError) -> Self {
        let (status, note) = match err {
            LoadError::Missing(path) => (Status::Missing, format!("{} not found", path.display())),
            LoadError::Invalid(..) => (Status::Failed, err.to_string()),
        };
        FileOutcome {
            note: Some(note),
            ..FileOutcome::empty(file, status)
        }
    }

    /// The text in the status column, with the reason for any skip.
    fn status_text(&self) -> String {
        match self.status {
            Status::Ok if self.skipped > 0 => {
                format!("ok, skipped: {}", self.skip_reasons())
            }
            Status::Ok => "ok".into(),
            Status::Failed if self.skipped > 0 => {
                format!("FAILED, skipped: {}", self.skip_reasons())
            }
            Status::Failed => "FAILED".into(),
            Status::NotImplemented => match self.cases {
                Some(1) => "not implemented yet (1 case)".into(),
                Some(n) => format!("not implemented yet ({n} cases)"),
                None => "not implemented yet".into(),
            },
            Status::Missing => "missing".into(),
        }
    }

    /// "unsupported suite 4 (2 cases), 6 (1 case)".
    fn skip_reasons(&self) -> String {
        let mut by_suite: BTreeMap<Option<u64>, usize> = BTreeMap::new();
        for p in self.problems.iter().filter(|p| !p.failed) {
            *by_suite.entry(p.suite).or_default() += 1;
        }
        let parts: Vec<String> = by_suite
            .iter()
            .map(|(suite, n)| {
                let s = suite.map_or_else(|| "?".to_string(), |s| s.to_string());
                format!("{s} ({n} case{})", if *n == 1 { "" } else { "s" })
            })
            .collect();
        format!("unsupported suite {}", parts.join(", "))
    }
}

/// Run one file from `dir`: its check if it has one, else only count its
/// cases. `workspace` is the checkout root, used to notice a check source
/// that exists but is not wired into the registry yet.
pub fn run_one(dir: &Path, entry: &VectorFile, workspace: &Path) -> FileOutcome {
    let Some(check) = entry.check else {
        return not_implemented(dir, entry, workspace);
    };
    match mls_vectors::run_file_in(dir, entry.name, check) {
        Ok(report) => FileOutcome::from_report(&report),
        Err(e) => FileOutcome::from_load_error(entry.name, &e),
    }
}

fn not_implemented(dir: &Path, entry: &VectorFile, workspace: &Path) -> FileOutcome {
    let source = format!(
        "crates/{}/tests/conformance/{}",
        entry.owner,
        check_file_name(entry.name)
    );
    let unwired = workspace.join(&source).is_file();
    let note = if unwired {
        format!("{source} exists but is not wired into xtask/src/registry.rs yet")
    } else {
        format!("no check yet: expected in {source}")
    };
    match mls_vectors::load(dir, entry.name) {
        Ok(cases) => FileOutcome {
            cases: Some(cases.len()),
            note: Some(note),
            unwired,
            ..FileOutcome::empty(entry.name, Status::NotImplemented)
        },
        Err(e @ LoadError::Missing(_)) => FileOutcome::from_load_error(entry.name, &e),
        // Unreadable but unchecked: still not implemented; say why.
        Err(e) => FileOutcome {
            note: Some(e.to_string()),
            unwired,
            ..FileOutcome::empty(entry.name, Status::NotImplemented)
        },
    }
}

/// `foo-bar.json` -> `foo_bar.rs`, the convention for check sources.
pub fn check_file_name(file: &str) -> String {
    format!("{}.rs", file.trim_end_matches(".json").replace('-', "_"))
}

/// Case totals over all files: (passed, failed, skipped).
pub fn totals(outcomes: &[FileOutcome]) -> (usize, usize, usize) {
    outcomes.iter().fold((0, 0, 0), |(p, f, s), o| {
        (p + o.passed, f + o.failed, s + o.skipped)
    })
}

/// Whether the run must exit non-zero: a failed or missing file.
pub fn is_failure(outcomes: &[FileOutcome]) -> bool {
    outcomes
        .iter()
        .any(|o| matches!(o.status, Status::Failed | Status::Missing))
}

/// The text report: a header, one row per file, the first few problems of
/// each failing file, and the closing `N passed, M failed, K skipped` line.
pub fn render_text(dir: &Path, outcomes: &[FileOutcome]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "MLS conformance, vectors from {}", dir.display());
    let width = outcomes
        .iter()
        .map(|o| o.file.len())
        .max()
        .unwrap_or(0)
        .max("file".len());
    let _ = writeln!(
        out,
        "{:<width$}  {:>6}  {:>6}  {:>7}  status",
        "file", "passed", "failed", "skipped"
    );
    for o in outcomes {
        let counted = matches!(o.status, Status::Ok | Status::Failed) && o.cases.is_some();
        let num = |n: usize| if counted { n.to_string() } else { "-".into() };
        let _ = writeln!(
            out,
            "{:<width$}  {:>6}  {:>6}  {:>7}  {}",
            o.file,
            num(o.passed),
            num(o.failed),
            num(o.skipped),
            o.status_text()
        );
        if (matches!(o.status, Status::Failed | Status::Missing) || o.unwired)
            && let Some(note) = &o.note
        {
            let _ = writeln!(out, "    {note}");
        }
        let failures: Vec<&Problem> = o.problems.iter().filter(|p| p.failed).collect();
        for p in failures.iter().take(SHOWN_PROBLEMS) {
            let suite = p.suite.map_or_else(String::new, |s| format!(", suite {s}"));
            let _ = writeln!(out, "    case #{}{suite}: {}", p.index, p.message);
        }
        if failures.len() > SHOWN_PROBLEMS {
            let _ = writeln!(
                out,
                "    ... and {} more failing cases",
                failures.len() - SHOWN_PROBLEMS
            );
        }
    }
    let (p, f, s) = totals(outcomes);
    let _ = writeln!(out, "{p} passed, {f} failed, {s} skipped");
    out
}

/// The JSON report: `{"files": [...], "passed": N, "failed": M, "skipped": K}`.
/// A file object has `file`, `passed`, `failed`, `skipped` and `status`, plus
/// `note` and `problems` (first few, failures before skips) only when there is
/// something to say.
pub fn render_json(outcomes: &[FileOutcome]) -> Json {
    let files = outcomes.iter().map(file_json).collect();
    let (p, f, s) = totals(outcomes);
    Json::Object(vec![
        ("files", Json::Array(files)),
        ("passed", Json::scalar(p)),
        ("failed", Json::scalar(f)),
        ("skipped", Json::scalar(s)),
    ])
}

fn file_json(o: &FileOutcome) -> Json {
    let mut fields = vec![
        ("file", Json::scalar(o.file.as_str())),
        ("passed", Json::scalar(o.passed)),
        ("failed", Json::scalar(o.failed)),
        ("skipped", Json::scalar(o.skipped)),
        ("status", Json::scalar(o.status.json_name())),
    ];
    if o.status != Status::Ok
        && let Some(note) = &o.note
    {
        fields.push(("note", Json::scalar(note.as_str())));
    }
    if !o.problems.is_empty() {
        let failures = o.problems.iter().filter(|p| p.failed);
        let skips = o.problems.iter().filter(|p| !p.failed);
        let listed = failures
            .chain(skips)
            .take(SHOWN_PROBLEMS)
            .map(|p| {
                Json::Object(vec![
                    ("index", Json::scalar(p.index)),
                    ("cipher_suite", Json::scalar(p.suite)),
                    (
                        "result",
                        Json::scalar(if p.failed { "failed" } else { "skipped" }),
                    ),
                    ("message", Json::scalar(p.message.as_str())),
                ])
            })
            .collect();
        fields.push(("problems", Json::Array(listed)));
    }
    Json::Object(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mls_vectors::CaseOutcome;

    fn report(results: Vec<(Option<u64>, Result<(), CaseError>)>) -> FileReport {
        FileReport {
            file: "x.json".into(),
            cases: results
                .into_iter()
                .enumerate()
                .map(|(index, (cipher_suite, result))| CaseOutcome {
                    index,
                    cipher_suite,
                    result,
                })
                .collect(),
        }
    }

    fn sample() -> Vec<FileOutcome> {
        let ok = FileOutcome::from_report(&FileReport {
            file: "tree-math.json".into(),
            ..report(vec![(None, Ok(())); 8])
        });
        let mixed = FileOutcome::from_report(&report(vec![
            (Some(1), Ok(())),
            (Some(2), Err(CaseError::failed("bad mac"))),
            (Some(4), Err(CaseError::UnsupportedSuite(4))),
        ]));
        let missing = FileOutcome::from_load_error(
            "welcome.json",
            &LoadError::Missing("/v/welcome.json".into()),
        );
        let todo = FileOutcome {
            cases: Some(6),
            ..FileOutcome::empty("key-schedule.json", Status::NotImplemented)
        };
        vec![ok, mixed, missing, todo]
    }

    #[test]
    fn outcome_counts_and_status() {
        let s = sample();
        assert_eq!((s[0].passed, s[0].status), (8, Status::Ok));
        assert_eq!(
            (s[1].passed, s[1].failed, s[1].skipped, s[1].status),
            (1, 1, 1, Status::Failed)
        );
        assert_eq!(s[2].status, Status::Missing);
        assert_eq!(totals(&s), (9, 1, 1));
        assert!(is_failure(&s));
        assert!(!is_failure(&s[..1]));
        assert!(!is_failure(&[s[0].clone(), s[3].clone()]));
        // A file with no cases is a failure, not a silent pass.
        assert_eq!(
            FileOutcome::from_report(&report(vec![])).status,
            Status::Failed
        );
        // Only skips: ok, but the skip is shown.
        let skipped = FileOutcome::from_report(&report(vec![(
            Some(6),
            Err(CaseError::UnsupportedSuite(6)),
        )]));
        assert_eq!(skipped.status, Status::Ok);
        assert_eq!(
            skipped.status_text(),
            "ok, skipped: unsupported suite 6 (1 case)"
        );
    }

    #[test]
    fn text_report_rows_and_closing_line() {
        let text = render_text(Path::new("/v"), &sample());
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("/v"));
        assert!(lines.iter().any(|l| l.starts_with("tree-math.json") && l.ends_with("  8       0        0  ok")));
        assert!(text.contains("FAILED, skipped: unsupported suite 4 (1 case)"));
        assert!(text.contains("    case #1, suite 2: bad mac"));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("welcome.json") && l.ends_with("missing"))
        );
        assert!(text.contains("\n    /v/welcome.json not found\n"));
        assert!(text.contains("not implemented yet (6 cases)"));
        assert_eq!(lines.last(), Some(&"9 passed, 1 failed, 1 skipped"));
    }

    #[test]
    fn text_report_limits_listed_failures() {
        let many = FileOutcome::from_report(&report(
            (0..8)
                .map(|i| (None, Err(CaseError::failed(format!("no {i}")))))
                .collect(),
        ));
        let text = render_text(Path::new("/v"), &[many]);
        assert!(text.contains("case #4: no 4"));
        assert!(!text.contains("case #5"));
        assert!(text.contains("... and 3 more failing cases"));
    }

    #[test]
    fn json_report_shape() {
        let v = render_json(&sample()).to_value();
        assert_eq!(
            v["files"][0],
            serde_json::json!({"file": "tree-math.json", "passed": 8, "failed": 0, "skipped": 0, "status": "ok"})
        );
        assert_eq!(v["files"][1]["status"], "failed");
        assert_eq!(v["files"][1]["problems"][0]["index"], 1);
        assert_eq!(v["files"][1]["problems"][0]["result"], "failed");
        assert_eq!(v["files"][1]["problems"][1]["result"], "skipped");
        assert_eq!(v["files"][2]["status"], "missing");
        assert_eq!(v["files"][3]["status"], "not-implemented");
        assert_eq!(v["files"][3]["passed"], 0);
        assert_eq!(
            (
                v["passed"].clone(),
                v["failed"].clone(),
                v["skipped"].clone()
            ),
            (9.into(), 1.into(), 1.into())
        );
    }

    #[test]
    fn unwired_check_source_is_pointed_out() {
        let ws = std::env::temp_dir().join(format!("xtask-unwired-{}", std::process::id()));
        let vectors = ws.join("vectors");
        let conformance = ws.join("crates/mls-group/tests/conformance");
        std::fs::create_dir_all(&vectors).expect("temp dir");
        std::fs::create_dir_all(&conformance).expect("temp dir");
        std::fs::write(vectors.join("welcome.json"), "[{}, {}]").expect("write");
        let entry = VectorFile {
            name: "welcome.json",
            owner: "mls-group",
            check: None,
        };
        let before = run_one(&vectors, &entry, &ws);
        assert_eq!(
            (before.status, before.cases, before.unwired),
            (Status::NotImplemented, Some(2), false)
        );
        std::fs::write(conformance.join("welcome.rs"), "").expect("write");
        let after = run_one(&vectors, &entry, &ws);
        assert!(after.unwired);
        let text = render_text(&vectors, &[after]);
        assert!(
            text.contains("welcome.rs exists but is not wired into xtask/src/registry.rs"),
            "{text}"
        );
        assert!(text.ends_with("0 passed, 0 failed, 0 skipped\n"));
        let missing = run_one(&ws.join("nowhere"), &entry, &ws);
        assert_eq!(missing.status, Status::Missing);
        let _ = std::fs::remove_dir_all(&ws);
    }

    #[test]
    fn check_file_names_follow_the_convention() {
        assert_eq!(check_file_name("tree-math.json"), "tree_math.rs");
        assert_eq!(check_file_name("psk_secret.json"), "psk_secret.rs");
        assert_eq!(
            check_file_name("passive-client-handling-commit.json"),
            "passive_client_handling_commit.rs"
        );
    }
}
