//! Rows, totals and the text / JSON renderings of an interop run.

use std::fmt::Write as _;

use super::clients::Client;
use crate::json::Json;

/// How one run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every step and check passed and every state was freed.
    Passed,
    /// A step failed (or `Free` at the end: step = number of steps).
    Failed {
        /// The step index.
        step: usize,
        /// The step as JSON.
        step_json: String,
        /// What went wrong.
        error: String,
    },
    /// A client answered UNIMPLEMENTED.
    Unsupported {
        /// The step index.
        step: usize,
        /// The step as JSON.
        step_json: String,
        /// The RPC and the client's message.
        error: String,
    },
}

/// One run: script x suite x mode x assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The scenario file name.
    pub config: String,
    /// The script name.
    pub script: String,
    /// The cipher suite.
    pub suite: u32,
    /// Handshake messages encrypted.
    pub encrypt: bool,
    /// `(actor, client label)`, actors sorted.
    pub assignment: Vec<(String, String)>,
    /// The result.
    pub outcome: Outcome,
}

/// Counts over all rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Rows passed.
    pub passed: usize,
    /// Rows failed.
    pub failed: usize,
    /// Rows stopped by an UNIMPLEMENTED answer.
    pub unsupported: usize,
}

impl Totals {
    /// Count one outcome.
    pub fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed { .. } => self.failed += 1,
            Outcome::Unsupported { .. } => self.unsupported += 1,
        }
    }

    /// `N passed, M failed, K unsupported`.
    pub fn closing_line(&self) -> String {
        format!(
            "{} passed, {} failed, {} unsupported",
            self.passed, self.failed, self.unsupported
        )
    }
}

fn mode(encrypt: bool) -> &'static str {
    if encrypt { "private" } else { "public" }
}

/// One text row (plus an indented detail line for failures).
pub fn render_row(row: &Row) -> String {
    let status = match row.outcome {
        Outcome::Passed => "PASS",
        Outcome::Failed { .. } => "FAIL",
        Outcome::Unsupported { .. } => "UNSUP",
    };
    let assignment: Vec<String> = row
        .assignment
        .iter()
        .map(|(a, c)| format!("{a}={c}"))
        .collect();
    let mut out = format!(
        "{status:<5} {}  {}  suite {}  {:<7}  {}\n",
        row.config,
        row.script,
        row.suite,
        mode(row.encrypt),
        assignment.join(" ")
    );
    match &row.outcome {
        Outcome::Passed => {}
        Outcome::Failed {
            step,
            step_json,
            error,
        }
        | Outcome::Unsupported {
            step,
            step_json,
            error,
        } => {
            let _ = writeln!(out, "      step {step} {step_json}: {error}");
        }
    }
    out
}

/// The `--json` report: clients, one object per run, totals.
pub fn render_json(clients: &[Client], rows: &[Row], totals: &Totals) -> Json {
    let clients = clients
        .iter()
        .map(|c| {
            Json::Object(vec![
                ("label", Json::scalar(c.label.clone())),
                ("name", Json::scalar(c.name.clone())),
                ("address", Json::scalar(c.addr.clone())),
                (
                    "ciphersuites",
                    Json::Array(c.supported.iter().map(|s| Json::scalar(*s)).collect()),
                ),
            ])
        })
        .collect();
    let runs = rows
        .iter()
        .map(|r| {
            let mut fields = vec![
                ("config", Json::scalar(r.config.clone())),
                ("script", Json::scalar(r.script.clone())),
                ("cipher_suite", Json::scalar(r.suite)),
                ("encrypt_flag", Json::scalar(r.encrypt)),
                (
                    "actors",
                    Json::Array(
                        r.assignment
                            .iter()
                            .map(|(a, c)| {
                                Json::Object(vec![
                                    ("actor", Json::scalar(a.clone())),
                                    ("client", Json::scalar(c.clone())),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ];
            match &r.outcome {
                Outcome::Passed => fields.push(("status", Json::scalar("passed"))),
                Outcome::Failed {
                    step,
                    step_json,
                    error,
                }
                | Outcome::Unsupported {
                    step,
                    step_json,
                    error,
                } => {
                    let status = if matches!(r.outcome, Outcome::Failed { .. }) {
                        "failed"
                    } else {
                        "unsupported"
                    };
                    fields.push(("status", Json::scalar(status)));
                    fields.push(("failed_step", Json::scalar(*step)));
                    fields.push(("failed_step_json", Json::scalar(step_json.clone())));
                    fields.push(("error", Json::scalar(error.clone())));
                }
            }
            Json::Object(fields)
        })
        .collect();
    Json::Object(vec![
        ("clients", Json::Array(clients)),
        ("runs", Json::Array(runs)),
        ("passed", Json::scalar(totals.passed)),
        ("failed", Json::scalar(totals.failed)),
        ("unsupported", Json::scalar(totals.unsupported)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_totals() {
        let row = Row {
            config: "commit.json".into(),
            script: "empty".into(),
            suite: 1,
            encrypt: true,
            assignment: vec![("alice".into(), "#1".into()), ("bob".into(), "#2".into())],
            outcome: Outcome::Failed {
                step: 1,
                step_json: "{}".into(),
                error: "boom".into(),
            },
        };
        let text = render_row(&row);
        assert!(text.starts_with("FAIL  commit.json  empty  suite 1  private  alice=#1 bob=#2\n"));
        assert!(text.contains("step 1 {}: boom"));
        let mut t = Totals::default();
        t.add(&row.outcome);
        t.add(&Outcome::Passed);
        t.add(&Outcome::Unsupported {
            step: 0,
            step_json: String::new(),
            error: String::new(),
        });
        assert_eq!(t.closing_line(), "1 passed, 1 failed, 1 unsupported");
        let v = render_json(&[], &[row], &t).to_value();
        assert_eq!(v["runs"][0]["status"], "failed");
        assert_eq!(v["failed"], 1);
    }
}
