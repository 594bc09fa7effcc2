//! Resolves the paths a crate's code mentions to the file module that defines
//! what they name, following `use` bindings and re-exports, and builds the
//! graph "module A uses something defined in module B" between sibling
//! modules.

use std::collections::{BTreeMap, BTreeSet};

use super::scan::{CrateSource, ModPath, PathRef};

/// Re-exports are followed at most this deep (a `use` loop is a compile
/// error, but the scanner must not loop on it either).
const MAX_HOPS: usize = 8;

/// Dependencies between sibling modules of one crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleGraph {
    /// Every module that has a file, as a path without `crate::` (`group::process`).
    pub nodes: BTreeSet<String>,
    /// `from -> to` between two children of one module, each standing for
    /// itself and its submodules, with the first place that makes `from`
    /// use `to` (file:line).
    pub edges: BTreeMap<(String, String), String>,
}

/// What a walk down a path found.
enum Walk {
    /// The path names something defined in (or the module itself) this module.
    Found(ModPath),
    /// Not found below this module (an enum variant, a macro-made item...):
    /// the module is the best answer.
    Stopped(ModPath),
}

/// `group::process`; the crate root is `crate`.
pub fn module_name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_string()
    } else {
        module.join("::")
    }
}

/// Build the sibling-module graph of a scanned crate: a use by module `A` of
/// an item of module `B` is an edge between the two children of their
/// nearest common ancestor that contain `A` and `B`; a use between a module
/// and its own ancestor or descendant is no edge (a submodule is part of its
/// parent).
pub fn module_graph(src: &CrateSource) -> ModuleGraph {
    let file_module = |module: &ModPath| -> Option<ModPath> {
        Some(src.modules.get(module)?.file_module.clone())
    };
    let mut graph = ModuleGraph {
        nodes: src.files.keys().map(|m| module_name(m)).collect(),
        ..ModuleGraph::default()
    };
    for r in &src.refs {
        let Some(target) = resolve(src, r) else {
            continue;
        };
        let (Some(from), Some(to)) = (file_module(&r.module), file_module(&target)) else {
            continue;
        };
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        if common == from.len() || common == to.len() {
            continue; // the same module, or one contains the other
        }
        let at = format!("{}:{}", r.file, r.line);
        let key = (module_name(&from[..=common]), module_name(&to[..=common]));
        graph.edges.entry(key).or_insert(at);
    }
    graph
}

/// The module that defines what `r` names, if it is in this crate.
fn resolve(src: &CrateSource, r: &PathRef) -> Option<ModPath> {
    match resolve_from(src, &r.module, &r.segments, 0)? {
        Walk::Found(m) | Walk::Stopped(m) => Some(m),
    }
}

fn resolve_from(
    src: &CrateSource,
    ctx: &ModPath,
    segments: &[String],
    hops: usize,
) -> Option<Walk> {
    if hops > MAX_HOPS {
        return None;
    }
    let (first, rest) = segments.split_first()?;
    match first.as_str() {
        "crate" => walk(src, Vec::new(), rest, hops),
        "self" => walk(src, ctx.clone(), rest, hops),
        "super" => {
            let mut module = ctx.clone();
            module.pop()?;
            let mut rest = rest;
            while rest.first().is_some_and(|s| s == "super") {
                module.pop()?;
                rest = &rest[1..];
            }
            walk(src, module, rest, hops)
        }
        name => {
            // A relative path: a submodule or a `use` binding of this module
            // (or an external crate, which is not ours).
            let module = src.modules.get(ctx)?;
            if let Some(child) = module.children.get(name) {
                walk(src, child.clone(), rest, hops)
            } else if let Some(target) = module.bindings.get(name) {
                let mut path = target.clone();
                path.extend_from_slice(rest);
                resolve_from(src, ctx, &path, hops + 1)
            } else {
                None
            }
        }
    }
}

fn walk(src: &CrateSource, module: ModPath, rest: &[String], hops: usize) -> Option<Walk> {
    let Some((name, tail)) = rest.split_first() else {
        return Some(Walk::Found(module));
    };
    let info = src.modules.get(&module)?;
    if let Some(child) = info.children.get(name) {
        return walk(src, child.clone(), tail, hops);
    }
    if info.defs.contains(name) {
        return Some(Walk::Found(module));
    }
    if let Some(target) = info.bindings.get(name) {
        let mut path = target.clone();
        path.extend_from_slice(tail);
        // A binding that leaves the crate (`use std::..`) resolves to nothing.
        return resolve_from(src, &module, &path, hops + 1);
    }
    for glob in &info.globs {
        let mut path = glob.clone();
        path.extend_from_slice(rest);
        if let Some(Walk::Found(m)) = resolve_from(src, &module, &path, hops + 1) {
            return Some(Walk::Found(m));
        }
    }
    Some(Walk::Stopped(module))
}
