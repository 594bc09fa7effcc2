//! The module half of `cargo xtask check-dag`: no import cycles between the
//! modules of one crate (issue 10 item 8).
//!
//! Granularity: the rule is applied at every level of the module tree:
//! *the children of one module, each taken together with all its
//! submodules, must not use each other in a cycle*. So `group::process` and
//! `group::proposal` (children of `group`) are two nodes, and a use of
//! `crate::framing::auth::X` from `error.rs` is a use of `framing` by
//! `error`. A module using its own parent or child is part of one unit and
//! is no edge (a submodule sees its parent's private items and `mod.rs`
//! decides what it exports). Module A uses module B when A's code mentions a
//! path (in a `use` tree or in code: `crate::..`, `super::..`, `self::..`, a
//! submodule's or a `use` binding's name followed by `::`) that resolves to
//! an item defined in B. Paths are followed through `use` bindings and
//! re-exports to the defining module, so `use crate::Result` uses the module
//! that defines `Result`, not `lib.rs` that re-exports it; a `pub use`
//! (re-export) is itself no use, nor is a `mod x;` declaration. Inline
//! modules (`mod x { .. }`) count as their file. Code behind `#[cfg(test)]`
//! is not read. A cycle is reported once per strongly connected component,
//! with one concrete loop and the file:line of each step.
//!
//! [`ALLOWED`] lists the cycles that exist today and are being broken: each
//! is printed as a warning; a cycle not listed fails, and so does a listed one
//! that no longer exists exactly as listed (remove or update its entry), so
//! the list can only shrink.

mod lex;
mod resolve;
mod scan;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

pub use resolve::{ModuleGraph, module_graph};
pub use scan::scan_crate;

/// A cycle that is known and tolerated until its issue is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowedCycle {
    /// The crate (package name).
    pub krate: &'static str,
    /// Every module of the strongly connected component (`group::process`), sorted.
    pub modules: &'static [&'static str],
    /// The issue that breaks it.
    pub issue: u32,
}

/// TEMPORARY: the module cycles on main when the check was introduced, each
/// broken under the issue named. Remove an entry when its cycle is gone
/// (check-dag fails until you do); never add one.
pub const ALLOWED: &[AllowedCycle] = &[];

/// One strongly connected component of more than one module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The crate.
    pub krate: String,
    /// Its modules, sorted.
    pub modules: Vec<String>,
    /// One loop through it: `(from, to, where from uses to)`.
    pub example: Vec<(String, String, String)>,
}

impl Cycle {
    /// `a -> b (src/a.rs:3) -> a (src/b.rs:9)`.
    pub fn describe(&self) -> String {
        let mut out = self
            .example
            .first()
            .map(|(from, _, _)| from.clone())
            .unwrap_or_default();
        for (_, to, at) in &self.example {
            out.push_str(&format!(" -> {to} ({at})"));
        }
        out
    }
}

/// The cycles of a crate's module graph.
pub fn cycles(krate: &str, graph: &ModuleGraph) -> Vec<Cycle> {
    let mut out = Vec::new();
    for component in strongly_connected(graph) {
        if component.len() < 2 {
            continue;
        }
        let members: BTreeSet<&String> = component.iter().collect();
        let start = &component[0];
        let example = shortest_loop(graph, start, &members);
        out.push(Cycle {
            krate: krate.to_string(),
            modules: component.clone(),
            example,
        });
    }
    out
}

/// Tarjan's algorithm; each component sorted, components sorted.
fn strongly_connected(graph: &ModuleGraph) -> Vec<Vec<String>> {
    struct State<'g> {
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        on_stack: BTreeSet<&'g str>,
        stack: Vec<&'g str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'g>(g: &'g ModuleGraph, v: &'g str, s: &mut State<'g>) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for (w, _) in successors(g, v) {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(g, w, s);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            component.sort();
            s.out.push(component);
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on_stack: BTreeSet::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in &graph.nodes {
        if !s.index.contains_key(v.as_str()) {
            visit(graph, v, &mut s);
        }
    }
    s.out.sort();
    s.out
}

fn successors<'g>(
    graph: &'g ModuleGraph,
    v: &str,
) -> impl Iterator<Item = (&'g String, &'g String)> {
    let v = v.to_string();
    graph
        .edges
        .range((v.clone(), String::new())..)
        .take_while(move |((from, _), _)| *from == v)
        .map(|((_, to), at)| (to, at))
}

/// The shortest loop from `start` back to itself inside `members`.
fn shortest_loop(
    graph: &ModuleGraph,
    start: &String,
    members: &BTreeSet<&String>,
) -> Vec<(String, String, String)> {
    let mut came_from: BTreeMap<&String, (&String, &String)> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for (w, at) in successors(graph, v) {
            if !members.contains(w) || came_from.contains_key(w) {
                continue;
            }
            came_from.insert(w, (v, at));
            if w == start {
                let mut steps = Vec::new();
                let mut cur = w;
                while let Some(&(prev, at)) = came_from.get(cur) {
                    steps.push((prev.clone(), cur.clone(), at.clone()));
                    cur = prev;
                    if cur == start {
                        break;
                    }
                }
                steps.reverse();
                return steps;
            }
            queue.push_back(w);
        }
    }
    Vec::new()
}

/// The outcome of comparing the cycles found with the allowlist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Allowlisted cycles that still exist (printed, not failing).
    pub warnings: Vec<String>,
    /// New cycles and stale allowlist entries (failing).
    pub errors: Vec<String>,
}

/// Compare `found` with `allowed`.
pub fn judge(found: &[Cycle], allowed: &[AllowedCycle]) -> Verdict {
    let mut verdict = Verdict::default();
    let mut used = vec![false; allowed.len()];
    for cycle in found {
        let entry = allowed
            .iter()
            .position(|a| a.krate == cycle.krate && a.modules.iter().eq(cycle.modules.iter()));
        match entry {
            Some(i) => {
                used[i] = true;
                verdict.warnings.push(format!(
                    "`{}` has a module cycle (allowed until issue {} fixes it): {}",
                    cycle.krate,
                    allowed[i].issue,
                    cycle.describe()
                ));
            }
            None => verdict.errors.push(format!(
                "`{}` has a module cycle among {}: {}",
                cycle.krate,
                cycle.modules.join(", "),
                cycle.describe()
            )),
        }
    }
    for (a, used) in allowed.iter().zip(used) {
        if !used {
            verdict.errors.push(format!(
                "the allowed module cycle of `{}` among {} (issue {}) no longer exists as listed: \
                 remove or update its entry in ALLOWED in xtask/src/modcycle/mod.rs",
                a.krate,
                a.modules.join(", "),
                a.issue
            ));
        }
    }
    verdict
}

/// Scan every crate in `crates` (name, directory) and return their cycles
/// and any problem reading them.
pub fn workspace_cycles(crates: &[(String, &Path)]) -> (Vec<Cycle>, Vec<String>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (name, dir) in crates {
        let source = scan_crate(dir);
        problems.extend(source.problems.iter().map(|p| format!("`{name}`: {p}")));
        found.extend(cycles(name, &module_graph(&source)));
    }
    (found, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &str)]) -> ModuleGraph {
        let mut g = ModuleGraph::default();
        for (i, (a, b)) in edges.iter().enumerate() {
            g.nodes.insert(a.to_string());
            g.nodes.insert(b.to_string());
            g.edges
                .insert((a.to_string(), b.to_string()), format!("src/{a}:{i}"));
        }
        g
    }

    #[test]
    fn components_and_loops() {
        let g = graph(&[
            ("a.rs", "b.rs"),
            ("b.rs", "c.rs"),
            ("c.rs", "a.rs"),
            ("c.rs", "d.rs"),
            ("d.rs", "e.rs"),
            ("e.rs", "d.rs"),
            ("f.rs", "a.rs"),
        ]);
        let found = cycles("k", &g);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].modules, vec!["a.rs", "b.rs", "c.rs"]);
        assert_eq!(
            found[0].describe(),
            "a.rs -> b.rs (src/a.rs:0) -> c.rs (src/b.rs:1) -> a.rs (src/c.rs:2)"
        );
        assert_eq!(found[1].modules, vec!["d.rs", "e.rs"]);
        assert!(cycles("k", &graph(&[("a.rs", "b.rs"), ("b.rs", "c.rs")])).is_empty());
    }

    #[test]
    fn allowlist_warns_fails_on_new_and_on_stale() {
        let found = cycles("k", &graph(&[("a.rs", "b.rs"), ("b.rs", "a.rs")]));
        let listed = AllowedCycle {
            krate: "k",
            modules: &["a.rs", "b.rs"],
            issue: 10,
        };
        let stale = AllowedCycle {
            krate: "k",
            modules: &["c.rs", "d.rs"],
            issue: 15,
        };
        let v = judge(&found, &[listed]);
        assert_eq!(v.errors, Vec::<String>::new());
        assert_eq!(v.warnings.len(), 1);
        assert!(v.warnings[0].contains("issue 10"), "{v:?}");

        let v = judge(&found, &[]);
        assert_eq!(v.errors.len(), 1);
        assert!(v.errors[0].contains("among a.rs, b.rs"), "{v:?}");

        let v = judge(&found, &[listed, stale]);
        assert_eq!(v.errors.len(), 1);
        assert!(v.errors[0].contains("no longer exists"), "{v:?}");
        // The same modules in another crate are another cycle.
        let other = AllowedCycle {
            krate: "other",
            ..listed
        };
        assert_eq!(judge(&found, &[other]).errors.len(), 2);
    }

    fn fixture(name: &str) -> Vec<Cycle> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let (found, problems) = workspace_cycles(&[(name.to_string(), dir.as_path())]);
        assert!(problems.is_empty(), "{problems:?}");
        found
    }

    #[test]
    fn rejects_the_cycles_of_the_cyclic_fixture() {
        let found = fixture("cyclic");
        let modules: Vec<Vec<String>> = found.iter().map(|c| c.modules.clone()).collect();
        assert_eq!(
            modules,
            vec![
                vec!["a".to_string(), "b".to_string(), "nested".to_string()],
                vec!["nested::inner".to_string(), "nested::leaf".to_string()],
            ]
        );
        assert_eq!(
            found[0].describe(),
            "a -> b (src/a.rs:2) -> nested (src/b.rs:2) -> a (src/nested/inner.rs:1)"
        );
        let verdict = judge(&found, &[]);
        assert_eq!(verdict.errors.len(), 2, "{verdict:?}");
    }

    #[test]
    fn missing_module_file_is_a_problem() {
        let dir = std::env::temp_dir().join(format!("modcycle-missing-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).expect("temp dir");
        std::fs::write(dir.join("src/lib.rs"), "mod gone;\n").expect("write lib.rs");
        let source = scan_crate(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(source.problems.len(), 1, "{:?}", source.problems);
        assert!(source.problems[0].contains("`mod gone;` but no file"));
    }

    #[test]
    fn accepts_the_acyclic_fixture_and_its_decoys() {
        assert_eq!(fixture("acyclic"), Vec::new());
    }
}
