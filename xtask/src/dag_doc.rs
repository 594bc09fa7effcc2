//! The dependency drawing in `docs/architecture.md` must be the one the
//! manifests declare: `check-dag` compares the fenced block that follows
//! [`MARKER`] with the normal dependencies between the crates under
//! `crates/`, so the document cannot drift from the code.
//!
//! The block has one line per crate that has dependencies on other project
//! crates, `from -> to, to, ...`, in any order.

use std::collections::BTreeSet;

use crate::dag::{DepKind, Graph};

/// The line that introduces the checked block in docs/architecture.md.
pub const MARKER: &str = "<!-- check-dag: normal dependencies -->";

/// The normal (and build) dependencies between project crates, as pairs.
pub fn declared_edges(graph: &Graph) -> BTreeSet<(String, String)> {
    graph
        .edges
        .iter()
        .filter(|e| e.kind != DepKind::Dev && graph.crates.contains(&e.to))
        .map(|e| (e.from.clone(), e.to.clone()))
        .collect()
}

/// The pairs the document draws, or why the block cannot be read.
pub fn documented_edges(doc: &str) -> Result<BTreeSet<(String, String)>, String> {
    let after_marker = doc
        .split_once(MARKER)
        .map(|(_, rest)| rest)
        .ok_or_else(|| format!("no `{MARKER}` line"))?;
    let mut lines = after_marker.lines().skip_while(|l| l.trim().is_empty());
    if !lines
        .next()
        .is_some_and(|l| l.trim_start().starts_with("```"))
    {
        return Err(format!("`{MARKER}` is not followed by a fenced block"));
    }
    let mut edges = BTreeSet::new();
    for line in lines.by_ref() {
        let line = line.trim();
        if line.starts_with("```") {
            return Ok(edges);
        }
        if line.is_empty() {
            continue;
        }
        let (from, tos) = line
            .split_once("->")
            .ok_or_else(|| format!("line `{line}` is not `crate -> dep, dep`"))?;
        for to in tos.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            edges.insert((from.trim().to_string(), to.to_string()));
        }
    }
    Err("the dependency block is not closed".to_string())
}

/// One sentence per difference between the document and the manifests.
pub fn differences(
    documented: &BTreeSet<(String, String)>,
    declared: &BTreeSet<(String, String)>,
) -> Vec<String> {
    let missing = declared.difference(documented).map(|(f, t)| {
        format!("docs/architecture.md does not draw `{f} -> {t}`, which a manifest declares")
    });
    let extra = documented.difference(declared).map(|(f, t)| {
        format!("docs/architecture.md draws `{f} -> {t}`, which no manifest declares")
    });
    missing.chain(extra).collect()
}

/// The block as it should read for `graph` (for the error message).
pub fn render_block(graph: &Graph) -> String {
    let edges = declared_edges(graph);
    let mut out = String::new();
    for name in &graph.crates {
        let deps: Vec<&str> = edges
            .iter()
            .filter(|(f, _)| f == name)
            .map(|(_, t)| t.as_str())
            .collect();
        if !deps.is_empty() {
            out.push_str(&format!("{name} -> {}\n", deps.join(", ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(f: &str, t: &str) -> (String, String) {
        (f.to_string(), t.to_string())
    }

    #[test]
    fn reads_the_block_after_the_marker() {
        let doc =
            format!("intro\n\n{MARKER}\n\n```text\na -> b, c\n\nd -> b\n```\nmore -> ignored\n");
        let got = documented_edges(&doc).unwrap();
        assert_eq!(
            got,
            BTreeSet::from([pair("a", "b"), pair("a", "c"), pair("d", "b")])
        );
    }

    #[test]
    fn a_missing_or_malformed_block_is_an_error() {
        assert!(documented_edges("no marker here").is_err());
        assert!(documented_edges(&format!("{MARKER}\ntext\n")).is_err());
        assert!(documented_edges(&format!("{MARKER}\n```\na b\n```\n")).is_err());
        assert!(documented_edges(&format!("{MARKER}\n```\na -> b\n")).is_err());
    }

    #[test]
    fn differences_name_both_directions() {
        let documented = BTreeSet::from([pair("a", "b"), pair("x", "y")]);
        let declared = BTreeSet::from([pair("a", "b"), pair("a", "c")]);
        let diffs = differences(&documented, &declared);
        assert_eq!(diffs.len(), 2);
        assert!(diffs[0].contains("does not draw `a -> c`"));
        assert!(diffs[1].contains("draws `x -> y`"));
        assert!(differences(&declared, &declared).is_empty());
    }
}
