//! `cargo xtask check-dag`: the crates under `crates/` must depend on each
//! other only downward along [`LAYERS`] (ARCHITECTURE.md, "The crates and
//! their strict DAG").
//!
//! Rules, for every dependency of a crate under `crates/` on another
//! workspace member:
//! - every crate under `crates/` has a layer in [`LAYERS`];
//! - a normal or build dependency points to a strictly lower layer;
//! - a dev-dependency points to the same or a lower layer, and never to a
//!   crate that depends on the dev-depending crate, directly or transitively
//!   (through dependencies of any kind): no cycle, not even through tests;
//! - the [`DEV_ONLY`] crates (test support) are only ever dev-dependencies;
//! - nothing depends on a workspace member outside `crates/` (xtask).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The layer of every crate under `crates/`. A new crate must be added here
/// (and to the table in docs/conformance.md) before `check-dag` passes.
pub const LAYERS: &[(&str, u32)] = &[
    ("mls-treemath", 0),
    ("mls-codec", 0),
    ("mls-vectors", 0),
    ("mls-crypto", 1),
    ("mls-crypto-rustcrypto", 2),
    ("mls-keyschedule", 2),
    ("mls-treekem", 2),
    ("mls-group", 3),
    ("mls-x509", 3),
    ("mls-client", 4),
    ("mls-store-sqlite", 4),
    ("mls", 5),
    ("mls-interop", 6),
];

/// Crates that may only appear as dev-dependencies (test support).
pub const DEV_ONLY: &[&str] = &["mls-vectors"];

/// The kind of a dependency, as in Cargo.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DepKind {
    /// `[dependencies]`.
    Normal,
    /// `[build-dependencies]`.
    Build,
    /// `[dev-dependencies]`.
    Dev,
}

impl DepKind {
    fn label(self) -> &'static str {
        match self {
            DepKind::Normal => "dependency",
            DepKind::Build => "build-dependency",
            DepKind::Dev => "dev-dependency",
        }
    }
}

/// One dependency between two workspace members.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    /// The depending crate.
    pub from: String,
    /// The crate depended on.
    pub to: String,
    /// Which section of Cargo.toml declares it.
    pub kind: DepKind,
}

/// The project crates and the dependencies among workspace members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// Crates under `crates/` (the ones the rules apply to).
    pub crates: BTreeSet<String>,
    /// Other workspace members (e.g. xtask), which no crate may depend on.
    pub tools: BTreeSet<String>,
    /// Dependencies of `crates` on any workspace member.
    pub edges: Vec<Edge>,
}

/// Build the graph from `cargo metadata --format-version 1 --no-deps` output.
pub fn graph_from_metadata(metadata: &Value) -> Result<Graph, String> {
    let root = metadata["workspace_root"]
        .as_str()
        .ok_or("cargo metadata: no workspace_root")?;
    let crates_dir = Path::new(root).join("crates");
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata: no packages")?;
    let mut graph = Graph::default();
    let mut declared = Vec::new();
    for pkg in packages {
        let name = pkg["name"]
            .as_str()
            .ok_or("cargo metadata: package without name")?;
        let manifest = pkg["manifest_path"]
            .as_str()
            .ok_or("cargo metadata: package without manifest_path")?;
        if Path::new(manifest).starts_with(&crates_dir) {
            graph.crates.insert(name.to_string());
            for dep in pkg["dependencies"].as_array().into_iter().flatten() {
                let to = dep["name"]
                    .as_str()
                    .ok_or("cargo metadata: dependency without name")?;
                let kind = match dep["kind"].as_str() {
                    None => DepKind::Normal,
                    Some("dev") => DepKind::Dev,
                    Some("build") => DepKind::Build,
                    Some(other) => return Err(format!("cargo metadata: unknown kind `{other}`")),
                };
                declared.push(Edge {
                    from: name.to_string(),
                    to: to.to_string(),
                    kind,
                });
            }
        } else {
            graph.tools.insert(name.to_string());
        }
    }
    // Keep only dependencies on workspace members; deduplicate (a crate may
    // list one dependency twice, e.g. per target).
    let members: BTreeSet<&String> = graph.crates.iter().chain(&graph.tools).collect();
    let mut edges: Vec<Edge> = declared
        .into_iter()
        .filter(|e| members.contains(&e.to))
        .collect();
    edges.sort();
    edges.dedup();
    graph.edges = edges;
    Ok(graph)
}

/// Every rule the graph breaks, one sentence each; empty when it is a clean DAG.
pub fn violations(graph: &Graph, layers: &[(&str, u32)], dev_only: &[&str]) -> Vec<String> {
    let layer_of: BTreeMap<&str, u32> = layers.iter().copied().collect();
    let mut out = Vec::new();
    for name in &graph.crates {
        if !layer_of.contains_key(name.as_str()) {
            out.push(format!(
                "crate `{name}` has no layer: give it one in LAYERS in xtask/src/dag.rs \
                 and in the layer table of docs/conformance.md"
            ));
        }
    }
    for e in &graph.edges {
        let what = format!("`{}` has a {} on `{}`", e.from, e.kind.label(), e.to);
        if graph.tools.contains(&e.to) {
            out.push(format!("{what}, which is a tool, never a dependency"));
            continue;
        }
        if e.kind != DepKind::Dev && dev_only.contains(&e.to.as_str()) {
            out.push(format!("{what}: `{}` may only be a dev-dependency", e.to));
            continue;
        }
        let (Some(&from), Some(&to)) = (layer_of.get(e.from.as_str()), layer_of.get(e.to.as_str()))
        else {
            continue; // reported above as a crate without a layer
        };
        match e.kind {
            DepKind::Normal | DepKind::Build if to >= from => out.push(format!(
                "{what}: layer {from} may only depend on lower layers, `{}` is layer {to}",
                e.to
            )),
            DepKind::Dev if to > from => out.push(format!(
                "{what}: layer {from} may only dev-depend on the same or lower layers, \
                 `{}` is layer {to}",
                e.to
            )),
            // A crate's dev-dependency on itself only switches on features
            // of its own for its tests (e.g. `test-utils`); it links no
            // other crate, so it closes no cycle.
            DepKind::Dev if e.from == e.to => {}
            DepKind::Dev => {
                if let Some(path) = dependency_path(graph, &e.to, &e.from) {
                    out.push(format!(
                        "{what}, which depends on it ({}): a dev-dependency must not form a cycle",
                        path.join(" -> ")
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// A chain of dependencies of any kind from `start` to `target`, if any.
fn dependency_path(graph: &Graph, start: &str, target: &str) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut seen = BTreeSet::from([start]);
    while let Some(node) = queue.pop_front() {
        if node == target {
            let mut path = vec![node.to_string()];
            let mut cur = node;
            while let Some(&prev) = came_from.get(cur) {
                path.push(prev.to_string());
                cur = prev;
            }
            path.reverse();
            return Some(path);
        }
        for e in graph.edges.iter().filter(|e| e.from == node) {
            if seen.insert(e.to.as_str()) {
                came_from.insert(e.to.as_str(), node);
                queue.push_back(e.to.as_str());
            }
        }
    }
    None
}

/// A table of the crates with their layers and project dependencies.
pub fn render(graph: &Graph, layers: &[(&str, u32)]) -> String {
    let layer_of: BTreeMap<&str, u32> = layers.iter().copied().collect();
    let mut rows: Vec<(Option<u32>, &String)> = graph
        .crates
        .iter()
        .map(|c| (layer_of.get(c.as_str()).copied(), c))
        .collect();
    rows.sort();
    let width = rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (layer, name) in rows {
        let deps = |kind: DepKind| -> Vec<&str> {
            graph
                .edges
                .iter()
                .filter(|e| &e.from == name && e.kind == kind)
                .map(|e| e.to.as_str())
                .collect()
        };
        let layer = layer.map_or_else(|| "?".to_string(), |l| l.to_string());
        let _ = write!(out, "  {name:<width$}  layer {layer}");
        let normal = deps(DepKind::Normal);
        if !normal.is_empty() {
            let _ = write!(out, "  -> {}", normal.join(", "));
        }
        let dev = deps(DepKind::Dev);
        if !dev.is_empty() {
            let _ = write!(out, "  (dev: {})", dev.join(", "));
        }
        out.push('\n');
    }
    out
}

/// Run `cargo metadata` in the workspace at `root` and parse its output.
pub fn load_metadata(root: &Path) -> Result<Value, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata output: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TEST_LAYERS: &[(&str, u32)] = &[("a", 0), ("v", 0), ("b", 1), ("c", 2), ("d", 2)];

    fn graph(edges: &[(&str, &str, DepKind)]) -> Graph {
        Graph {
            crates: ["a", "b", "c", "d", "v"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            tools: BTreeSet::from(["xtask".to_string()]),
            edges: edges
                .iter()
                .map(|&(from, to, kind)| Edge {
                    from: from.into(),
                    to: to.into(),
                    kind,
                })
                .collect(),
        }
    }

    fn check(edges: &[(&str, &str, DepKind)]) -> Vec<String> {
        violations(&graph(edges), TEST_LAYERS, &["v"])
    }

    use DepKind::{Build, Dev, Normal};

    #[test]
    fn downward_graph_passes() {
        let v = check(&[
            ("b", "a", Normal),
            ("c", "b", Normal),
            ("c", "a", Build),
            ("d", "b", Normal),
            ("a", "v", Dev),
            ("c", "d", Dev),
            ("b", "a", Dev),
        ]);
        assert_eq!(v, Vec::<String>::new());
    }

    #[test]
    fn upward_and_sideways_normal_dependencies_fail() {
        let v = check(&[("a", "b", Normal), ("c", "d", Normal), ("b", "c", Build)]);
        assert_eq!(v.len(), 3, "{v:?}");
        assert!(v[0].contains("`a` has a dependency on `b`"));
        assert!(v[1].contains("`c` has a dependency on `d`: layer 2"));
        assert!(v[2].contains("`b` has a build-dependency on `c`"));
    }

    #[test]
    fn dev_dependency_on_itself_for_test_features_passes() {
        assert_eq!(check(&[("b", "b", Dev)]), Vec::<String>::new());
        // but a normal one is still a cycle with itself
        assert_eq!(check(&[("b", "b", Normal)]).len(), 1);
    }

    #[test]
    fn upward_dev_dependency_fails() {
        let v = check(&[("b", "c", Dev)]);
        assert_eq!(v.len(), 1);
        assert!(v[0].contains("same or lower layers"));
    }

    #[test]
    fn cycle_detection_follows_transitive_edges() {
        let g = graph(&[("b", "a", Normal), ("c", "b", Normal), ("a", "c", Dev)]);
        assert_eq!(
            dependency_path(&g, "c", "a"),
            Some(vec!["c".into(), "b".into(), "a".into()])
        );
        assert_eq!(dependency_path(&g, "a", "d"), None);
        // An upward dev-dependency that also closes a cycle is reported once, as upward.
        let v = check(&[("b", "a", Normal), ("c", "b", Normal), ("a", "c", Dev)]);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("same or lower layers"));
        // Same layer, no way back: fine.
        assert_eq!(
            check(&[("c", "a", Normal), ("d", "c", Dev), ("d", "b", Normal)]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn dev_dependency_loops_fail() {
        // Two same-layer crates dev-depending on each other.
        let v = check(&[("c", "d", Dev), ("d", "c", Dev)]);
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v.iter().all(|m| m.contains("must not form a cycle")));
    }

    #[test]
    fn same_layer_dev_cycle_is_reported() {
        // d (layer 2) dev-depends on c (layer 2) while c depends on d through
        // a normal edge: the normal edge is sideways and the dev edge a cycle.
        let v = check(&[("c", "d", Normal), ("d", "c", Dev)]);
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v[1].contains("must not form a cycle") && v[1].contains("c -> d"));
    }

    #[test]
    fn dev_only_crate_as_normal_dependency_fails() {
        let v = check(&[("b", "v", Normal)]);
        assert_eq!(v.len(), 1);
        assert!(v[0].contains("may only be a dev-dependency"));
        assert_eq!(check(&[("b", "v", Dev)]), Vec::<String>::new());
    }

    #[test]
    fn crate_without_layer_and_tool_dependency_fail() {
        let mut g = graph(&[("b", "xtask", Dev), ("new", "a", Normal)]);
        g.crates.insert("new".into());
        let v = violations(&g, TEST_LAYERS, &["v"]);
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v[0].contains("crate `new` has no layer"));
        assert!(v[1].contains("tool, never a dependency"));
    }

    #[test]
    fn metadata_is_read_into_a_graph() {
        let meta = json!({
            "workspace_root": "/w",
            "packages": [
                {"name": "a", "manifest_path": "/w/crates/a/Cargo.toml", "dependencies": [
                    {"name": "serde_json", "kind": null},
                    {"name": "v", "kind": "dev"},
                ]},
                {"name": "b", "manifest_path": "/w/crates/b/Cargo.toml", "dependencies": [
                    {"name": "a", "kind": null},
                    {"name": "a", "kind": null},
                    {"name": "a", "kind": "build"},
                ]},
                {"name": "v", "manifest_path": "/w/crates/v/Cargo.toml", "dependencies": []},
                {"name": "xtask", "manifest_path": "/w/xtask/Cargo.toml", "dependencies": [
                    {"name": "b", "kind": null},
                ]},
            ]
        });
        let g = graph_from_metadata(&meta).expect("valid metadata");
        assert_eq!(
            g.crates,
            BTreeSet::from(["a".into(), "b".into(), "v".into()])
        );
        assert_eq!(g.tools, BTreeSet::from(["xtask".into()]));
        assert_eq!(
            g.edges,
            vec![
                Edge {
                    from: "a".into(),
                    to: "v".into(),
                    kind: Dev
                },
                Edge {
                    from: "b".into(),
                    to: "a".into(),
                    kind: Normal
                },
                Edge {
                    from: "b".into(),
                    to: "a".into(),
                    kind: Build
                },
            ]
        );
        assert!(graph_from_metadata(&json!({})).is_err());
        let text = render(&g, TEST_LAYERS);
        assert!(text.contains("b  layer 1  -> a"), "{text}");
    }

    #[test]
    fn real_layer_table_is_complete_for_the_architecture() {
        let names: Vec<&str> = LAYERS.iter().map(|(n, _)| *n).collect();
        for c in [
            "mls-treemath",
            "mls-codec",
            "mls-crypto",
            "mls-crypto-rustcrypto",
            "mls-keyschedule",
            "mls-treekem",
            "mls-group",
            "mls",
            "mls-vectors",
        ] {
            assert!(names.contains(&c), "{c}");
        }
    }
}
