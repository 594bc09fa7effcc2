//! Reads one crate's source, starting at `src/lib.rs` (or `src/main.rs`),
//! following `mod x;` declarations to their files, and records for every
//! module what the resolver needs: its submodules, the names it defines, the
//! names its `use` declarations bind, and every path it mentions (in `use`
//! trees and in code: `crate::a::B`, `super::c`, `self::d`, `child::e`,
//! `$crate::f`).
//!
//! Code behind `#[cfg(test)]` is skipped: a test module is a leaf that no
//! shipped code imports, so it cannot be part of a cycle in the library.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::lex::{Tok, Token, tokenize};

/// A module path inside the crate; the crate root is the empty path.
pub type ModPath = Vec<String>;

/// What one module holds.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// The module of the file this module's source is in (itself for a file
    /// module, the enclosing file's module for an inline `mod x { .. }`).
    pub file_module: ModPath,
    /// Submodules by name.
    pub children: BTreeMap<String, ModPath>,
    /// Names of the items defined here (types, functions, constants, macros...).
    pub defs: BTreeSet<String>,
    /// `use` bindings: the bound name and the path it stands for.
    pub bindings: BTreeMap<String, ModPath>,
    /// `use path::*` imports.
    pub globs: Vec<ModPath>,
}

/// A path mentioned in a module's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRef {
    /// The module whose code mentions it (paths are relative to it).
    pub module: ModPath,
    /// The segments as written (`crate`, `super`, `self` included).
    pub segments: Vec<String>,
    /// Where: the file (relative to the crate directory) and line.
    pub file: String,
    /// The line in `file`.
    pub line: u32,
}

/// A crate's modules and the paths its code mentions.
#[derive(Debug, Clone, Default)]
pub struct CrateSource {
    /// Every module, by path.
    pub modules: BTreeMap<ModPath, Module>,
    /// The file of every file module, relative to the crate directory.
    pub files: BTreeMap<ModPath, String>,
    /// Every path mentioned outside `pub use` declarations (a re-export
    /// only names an item; it is not a use of it by the re-exporting module).
    pub refs: Vec<PathRef>,
    /// Problems found while reading (a `mod x;` without a file, unreadable files).
    pub problems: Vec<String>,
}

/// Read the crate in `crate_dir`.
pub fn scan_crate(crate_dir: &Path) -> CrateSource {
    let mut src = CrateSource::default();
    let root = ["src/lib.rs", "src/main.rs"]
        .iter()
        .map(|f| crate_dir.join(f))
        .find(|p| p.is_file());
    let Some(root_file) = root else {
        src.problems.push(format!(
            "{}: no src/lib.rs or src/main.rs",
            crate_dir.display()
        ));
        return src;
    };
    let mut scanner = Scanner {
        crate_dir,
        out: &mut src,
    };
    let dir = root_file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    scanner.scan_file(&root_file, Vec::new(), dir);
    src
}

struct Scanner<'a> {
    crate_dir: &'a Path,
    out: &'a mut CrateSource,
}

/// Attributes seen before an item.
#[derive(Default)]
struct Attrs {
    test_only: bool,
    path: Option<String>,
}

impl Scanner<'_> {
    fn rel(&self, file: &Path) -> String {
        file.strip_prefix(self.crate_dir)
            .unwrap_or(file)
            .display()
            .to_string()
    }

    /// Scan the file module `module` whose source is `file`; its `mod x;`
    /// children live in `child_dir`.
    fn scan_file(&mut self, file: &Path, module: ModPath, child_dir: PathBuf) {
        let rel = self.rel(file);
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                self.out.problems.push(format!("cannot read {rel}: {e}"));
                return;
            }
        };
        self.out.files.insert(module.clone(), rel.clone());
        let entry = self.out.modules.entry(module.clone()).or_default();
        entry.file_module = module.clone();
        let tokens = tokenize(&text);
        let ctx = Ctx {
            module: module.clone(),
            file_module: module,
            file: rel,
            file_path: file.to_path_buf(),
            child_dir,
        };
        let mut pos = 0;
        self.scan_items(&tokens, &mut pos, &ctx);
    }

    /// Scan items until the end of `tokens` or an unmatched `}`.
    fn scan_items(&mut self, t: &[Token], pos: &mut usize, ctx: &Ctx) {
        let mut attrs = Attrs::default();
        let mut public = false;
        while *pos < t.len() {
            match &t[*pos].kind {
                Tok::Close('}') => return,
                Tok::Punct('#') => {
                    self.attribute(t, pos, &mut attrs);
                    continue;
                }
                Tok::Ident(w) if w == "pub" => {
                    public = true;
                    *pos += 1;
                    if matches!(t.get(*pos).map(|x| &x.kind), Some(Tok::Open('('))) {
                        skip_group(t, pos);
                    }
                    continue;
                }
                Tok::Ident(w) if w == "use" => {
                    *pos += 1;
                    let leaves = use_tree(t, pos);
                    if !attrs.test_only {
                        self.record_use(ctx, leaves, !public);
                    }
                }
                Tok::Ident(w) if w == "mod" => {
                    *pos += 1;
                    self.module_decl(t, pos, ctx, &attrs);
                }
                Tok::Ident(w) if w == "macro_rules" => {
                    if let Some(Tok::Ident(name)) = t.get(*pos + 2).map(|x| &x.kind) {
                        self.def(ctx, name.clone());
                    }
                    self.item(t, pos, ctx, attrs.test_only);
                }
                Tok::Ident(w)
                    if w == "include"
                        && matches!(t.get(*pos + 1).map(|x| &x.kind), Some(Tok::Punct('!')))
                        && matches!(t.get(*pos + 3).map(|x| &x.kind), Some(Tok::Str(_))) =>
                {
                    // `include!("file.rs")`: the file's items are this module's.
                    if let Some(Tok::Str(name)) = t.get(*pos + 3).map(|x| &x.kind) {
                        let dir = ctx.file_path.parent().unwrap_or(Path::new(""));
                        self.include(&dir.join(name), ctx);
                    }
                    self.item(t, pos, ctx, true);
                }
                _ => {
                    if let Some(name) = item_name(t, *pos)
                        && !attrs.test_only
                    {
                        self.def(ctx, name);
                    }
                    self.item(t, pos, ctx, attrs.test_only);
                }
            }
            attrs = Attrs::default();
            public = false;
        }
    }

    fn include(&mut self, file: &Path, ctx: &Ctx) {
        let rel = self.rel(file);
        let Ok(text) = std::fs::read_to_string(file) else {
            self.out
                .problems
                .push(format!("cannot read included {rel}"));
            return;
        };
        let tokens = tokenize(&text);
        let inner = Ctx {
            file: rel,
            file_path: file.to_path_buf(),
            ..ctx.clone()
        };
        let mut pos = 0;
        self.scan_items(&tokens, &mut pos, &inner);
    }

    fn def(&mut self, ctx: &Ctx, name: String) {
        self.out
            .modules
            .entry(ctx.module.clone())
            .or_default()
            .defs
            .insert(name);
    }

    /// `#[...]` or `#![...]` at `pos`.
    fn attribute(&mut self, t: &[Token], pos: &mut usize, attrs: &mut Attrs) {
        *pos += 1;
        if matches!(t.get(*pos).map(|x| &x.kind), Some(Tok::Punct('!'))) {
            *pos += 1;
        }
        let start = *pos;
        skip_group(t, pos);
        let body = &t[start.min(t.len())..*pos];
        let words: Vec<&str> = body
            .iter()
            .filter_map(|x| match &x.kind {
                Tok::Ident(w) => Some(w.as_str()),
                _ => None,
            })
            .collect();
        if words.first() == Some(&"cfg") && words.contains(&"test") && !words.contains(&"not") {
            attrs.test_only = true;
        }
        if words.first() == Some(&"path") {
            attrs.path = body.iter().find_map(|x| match &x.kind {
                Tok::Str(s) => Some(s.clone()),
                _ => None,
            });
        }
    }

    /// After `mod`: `name;` (a file module) or `name { .. }` (inline).
    fn module_decl(&mut self, t: &[Token], pos: &mut usize, ctx: &Ctx, attrs: &Attrs) {
        let Some(Tok::Ident(name)) = t.get(*pos).map(|x| &x.kind) else {
            return;
        };
        let name = name.clone();
        *pos += 1;
        let mut child = ctx.module.clone();
        child.push(name.clone());
        match t.get(*pos).map(|x| &x.kind) {
            Some(Tok::Punct(';')) => {
                *pos += 1;
                if attrs.test_only {
                    return;
                }
                self.add_child(ctx, &name, &child);
                let (file, child_dir) = match &attrs.path {
                    Some(p) => {
                        let dir = ctx.file_path.parent().unwrap_or(Path::new(""));
                        let file = dir.join(p);
                        let child_dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
                        (file, child_dir)
                    }
                    None => {
                        let flat = ctx.child_dir.join(format!("{name}.rs"));
                        if flat.is_file() {
                            (flat, ctx.child_dir.join(&name))
                        } else {
                            let nested = ctx.child_dir.join(&name).join("mod.rs");
                            (nested, ctx.child_dir.join(&name))
                        }
                    }
                };
                if file.is_file() {
                    self.scan_file(&file, child, child_dir);
                } else {
                    let rel = self.rel(&file);
                    self.out
                        .problems
                        .push(format!("{}: `mod {name};` but no file {rel}", ctx.file));
                }
            }
            Some(Tok::Open('{')) => {
                if attrs.test_only {
                    skip_group(t, pos);
                    return;
                }
                self.add_child(ctx, &name, &child);
                self.out
                    .modules
                    .entry(child.clone())
                    .or_default()
                    .file_module = ctx.file_module.clone();
                let inner = Ctx {
                    module: child,
                    child_dir: ctx.child_dir.join(&name),
                    ..ctx.clone()
                };
                *pos += 1;
                self.scan_items(t, pos, &inner);
                *pos += 1; // the closing brace
            }
            _ => {}
        }
    }

    fn add_child(&mut self, ctx: &Ctx, name: &str, child: &ModPath) {
        self.out
            .modules
            .entry(ctx.module.clone())
            .or_default()
            .children
            .insert(name.to_string(), child.clone());
    }

    /// Record a `use` declaration's leaves: each binds a name in the module
    /// and, unless it is a re-export, is a use of the path.
    fn record_use(&mut self, ctx: &Ctx, leaves: Vec<UseLeaf>, is_use: bool) {
        for leaf in leaves {
            let module = self.out.modules.entry(ctx.module.clone()).or_default();
            match &leaf.binding {
                Binding::Glob => module.globs.push(leaf.path.clone()),
                Binding::Name(name) => {
                    module.bindings.insert(name.clone(), leaf.path.clone());
                }
                Binding::None => {}
            }
            if is_use {
                self.out.refs.push(PathRef {
                    module: ctx.module.clone(),
                    segments: leaf.path,
                    file: ctx.file.clone(),
                    line: leaf.line,
                });
            }
        }
    }

    /// Consume one item (up to its `;` or its closing `}`), recording the
    /// paths in it unless it is test-only.
    fn item(&mut self, t: &[Token], pos: &mut usize, ctx: &Ctx, skip: bool) {
        // `const X: T = T { .. };` and friends end at the `;`, not at a brace.
        let ends_at_semicolon = matches!(
            t.get(*pos).map(|x| &x.kind),
            Some(Tok::Ident(w)) if w == "const" || w == "static" || w == "type"
        ) && !matches!(t.get(*pos + 1).map(|x| &x.kind), Some(Tok::Ident(w)) if w == "fn");
        let mut depth = 0usize;
        while *pos < t.len() {
            match &t[*pos].kind {
                Tok::Open(_) => depth += 1,
                Tok::Close(c) => {
                    if depth == 0 {
                        return; // the enclosing module's brace: leave it
                    }
                    depth -= 1;
                    if depth == 0 && *c == '}' && !ends_at_semicolon {
                        *pos += 1;
                        return;
                    }
                }
                Tok::Punct(';') if depth == 0 => {
                    *pos += 1;
                    return;
                }
                Tok::Ident(w) if w == "use" && depth > 0 => {
                    // A `use` inside a function body: a use, but no module binding.
                    *pos += 1;
                    let leaves = use_tree(t, pos);
                    if !skip {
                        let leaves = leaves
                            .into_iter()
                            .map(|l| UseLeaf {
                                binding: Binding::None,
                                ..l
                            })
                            .collect();
                        self.record_use(ctx, leaves, true);
                    }
                    continue;
                }
                Tok::Ident(_) if !skip && starts_path(t, *pos) => {
                    let line = t[*pos].line;
                    let segments = path_at(t, pos);
                    if segments.len() > 1 {
                        self.out.refs.push(PathRef {
                            module: ctx.module.clone(),
                            segments,
                            file: ctx.file.clone(),
                            line,
                        });
                    }
                    continue;
                }
                _ => {}
            }
            *pos += 1;
        }
    }
}

#[derive(Clone)]
struct Ctx {
    module: ModPath,
    file_module: ModPath,
    file: String,
    file_path: PathBuf,
    child_dir: PathBuf,
}

/// Whether the identifier at `pos` starts a path `a::b` (and is not the
/// middle of one, nor `::std`-style absolute).
fn starts_path(t: &[Token], pos: usize) -> bool {
    let next_is_sep = matches!(t.get(pos + 1).map(|x| &x.kind), Some(Tok::PathSep));
    let prev_is_sep = pos > 0 && matches!(t[pos - 1].kind, Tok::PathSep);
    next_is_sep && !prev_is_sep
}

/// The segments `a::b::c` at `pos`, leaving `pos` after the last one.
fn path_at(t: &[Token], pos: &mut usize) -> Vec<String> {
    let mut segments = Vec::new();
    while let Some(Tok::Ident(w)) = t.get(*pos).map(|x| &x.kind) {
        segments.push(w.clone());
        *pos += 1;
        let sep = matches!(t.get(*pos).map(|x| &x.kind), Some(Tok::PathSep));
        let ident_after = matches!(t.get(*pos + 1).map(|x| &x.kind), Some(Tok::Ident(_)));
        if sep && ident_after {
            *pos += 1;
        } else {
            break;
        }
    }
    segments
}

/// The name an item at `pos` defines, if it is a named item.
fn item_name(t: &[Token], mut pos: usize) -> Option<String> {
    // Skip qualifiers: `const fn`, `unsafe fn`, `async fn`, `extern "C" fn`.
    while let Some(kind) = t.get(pos).map(|x| &x.kind) {
        match kind {
            Tok::Ident(w) if matches!(w.as_str(), "unsafe" | "async" | "extern" | "default") => {
                pos += 1
            }
            Tok::Str(_) => pos += 1,
            Tok::Ident(w) if w == "const" => {
                if matches!(t.get(pos + 1).map(|x| &x.kind), Some(Tok::Ident(n)) if n == "fn") {
                    pos += 1;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    let keyword = match t.get(pos).map(|x| &x.kind) {
        Some(Tok::Ident(w)) => w.as_str(),
        _ => return None,
    };
    if !matches!(
        keyword,
        "struct" | "enum" | "union" | "trait" | "fn" | "type" | "const" | "static"
    ) {
        return None;
    }
    match t.get(pos + 1).map(|x| &x.kind) {
        Some(Tok::Ident(name)) if name != "mut" => Some(name.clone()),
        Some(Tok::Ident(_)) => match t.get(pos + 2).map(|x| &x.kind) {
            Some(Tok::Ident(name)) => Some(name.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Skip a balanced group starting at the opening token at `pos`.
fn skip_group(t: &[Token], pos: &mut usize) {
    let mut depth = 0usize;
    while *pos < t.len() {
        match t[*pos].kind {
            Tok::Open(_) => depth += 1,
            Tok::Close(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    *pos += 1;
                    return;
                }
            }
            _ if depth == 0 => return,
            _ => {}
        }
        *pos += 1;
    }
}

/// How a `use` leaf binds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Binding {
    /// `a::b` or `a::b as c`: the name `b` (or `c`).
    Name(String),
    /// `a::*`.
    Glob,
    /// `a::B as _`, or a `use` inside a function.
    None,
}

/// One leaf of a `use` tree, its prefix expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UseLeaf {
    path: Vec<String>,
    binding: Binding,
    line: u32,
}

/// Parse the `use` tree at `pos` up to and including its `;`.
fn use_tree(t: &[Token], pos: &mut usize) -> Vec<UseLeaf> {
    let mut out = Vec::new();
    use_subtree(t, pos, &[], &mut out);
    while *pos < t.len() {
        let done = matches!(t[*pos].kind, Tok::Punct(';'));
        *pos += 1;
        if done {
            break;
        }
    }
    out
}

fn use_subtree(t: &[Token], pos: &mut usize, prefix: &[String], out: &mut Vec<UseLeaf>) {
    let mut path = prefix.to_vec();
    if matches!(t.get(*pos).map(|x| &x.kind), Some(Tok::PathSep)) {
        *pos += 1; // `use ::std::x`: an external crate, resolved to nothing
        path.push("::".into());
    }
    loop {
        let Some(tok) = t.get(*pos) else { return };
        match &tok.kind {
            Tok::Ident(w) => {
                let line = tok.line;
                path.push(w.clone());
                *pos += 1;
                match t.get(*pos).map(|x| &x.kind) {
                    Some(Tok::PathSep) => *pos += 1,
                    Some(Tok::Ident(kw)) if kw == "as" => {
                        let alias = match t.get(*pos + 1).map(|x| &x.kind) {
                            Some(Tok::Ident(a)) if a != "_" => Binding::Name(a.clone()),
                            _ => Binding::None,
                        };
                        *pos += 2;
                        out.push(leaf(path, alias, line));
                        return;
                    }
                    _ => {
                        let name = path.last().cloned().unwrap_or_default();
                        out.push(leaf(path, Binding::Name(name), line));
                        return;
                    }
                }
            }
            Tok::Punct('*') => {
                *pos += 1;
                out.push(leaf(path, Binding::Glob, tok.line));
                return;
            }
            Tok::Open('{') => {
                *pos += 1;
                loop {
                    match t.get(*pos).map(|x| &x.kind) {
                        None => return,
                        Some(Tok::Close('}')) => {
                            *pos += 1;
                            return;
                        }
                        Some(Tok::Punct(',')) => *pos += 1,
                        Some(_) => {
                            let before = *pos;
                            use_subtree(t, pos, &path, out);
                            if *pos == before {
                                *pos += 1; // not a use tree: do not loop forever
                            }
                        }
                    }
                }
            }
            _ => return,
        }
    }
}

/// `a::b::self` binds `b` and means `a::b`.
fn leaf(mut path: Vec<String>, binding: Binding, line: u32) -> UseLeaf {
    let binding = if path.last().is_some_and(|s| s == "self") {
        path.pop();
        match binding {
            Binding::Name(n) if n == "self" => {
                Binding::Name(path.last().cloned().unwrap_or_default())
            }
            other => other,
        }
    } else {
        binding
    };
    UseLeaf {
        path,
        binding,
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(src: &str) -> Vec<(String, Binding)> {
        let t = tokenize(src);
        let mut pos = 1; // after `use`
        use_tree(&t, &mut pos)
            .into_iter()
            .map(|l| (l.path.join("::"), l.binding))
            .collect()
    }

    #[test]
    fn use_trees_expand() {
        assert_eq!(
            leaves("use crate::{a::{self, B as C}, d::*, e::F as _};"),
            vec![
                ("crate::a".into(), Binding::Name("a".into())),
                ("crate::a::B".into(), Binding::Name("C".into())),
                ("crate::d".into(), Binding::Glob),
                ("crate::e::F".into(), Binding::None),
            ]
        );
        assert_eq!(
            leaves("use super::super::x;"),
            vec![("super::super::x".into(), Binding::Name("x".into()))]
        );
    }

    #[test]
    fn paths_and_item_names() {
        let t = tokenize("x::y::<T>::z a::b");
        let mut pos = 0;
        assert!(starts_path(&t, 0));
        assert_eq!(path_at(&t, &mut pos), vec!["x", "y"]);
        assert_eq!(
            item_name(&tokenize("pub const fn f()"), 1),
            Some("f".into())
        );
        assert_eq!(
            item_name(&tokenize("static mut X: u8"), 0),
            Some("X".into())
        );
        assert_eq!(item_name(&tokenize("impl X {}"), 0), None);
    }
}
