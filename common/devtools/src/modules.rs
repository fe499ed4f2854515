//! The module graph of a crate, read from its sources: which module uses
//! which of its siblings. A module depends on a sibling when any file in
//! its subtree names a path inside the sibling's (`crate::a::b`,
//! `super::b`), tests included. The graph must have no cycle among the
//! children of any module, so that each layer can be read, changed and
//! tested knowing only those below it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path from the crate root: `["scenarios", "reinit"]`.
pub type ModulePath = Vec<String>;

/// The modules of a crate, and for each parent module the edges among its
/// children.
#[derive(Debug, Default)]
pub struct Graph {
    pub modules: BTreeSet<ModulePath>,
    /// Parent → (child → the siblings it uses).
    pub edges: BTreeMap<ModulePath, BTreeMap<String, BTreeSet<String>>>,
}

/// Reads every `.rs` file under `src`.
pub fn read(src: &Path) -> std::io::Result<Graph> {
    let mut files = Vec::new();
    collect(src, &mut files)?;
    let mut graph = Graph::default();
    let mut sources = Vec::new();
    for file in files {
        let module = module_of(src, &file);
        for depth in 1..=module.len() {
            graph.modules.insert(module[..depth].to_vec());
        }
        sources.push((module, std::fs::read_to_string(&file)?));
    }
    for (module, text) in &sources {
        for target in references(module, text) {
            let target = graph.longest_module(&target);
            graph.add_edge(module, &target);
        }
    }
    Ok(graph)
}

impl Graph {
    fn longest_module(&self, path: &[String]) -> ModulePath {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| p.is_empty() || self.modules.contains(p))
            .unwrap_or_default()
    }

    /// `from` uses `to`: an edge between the two children of their
    /// deepest common ancestor through which they descend, when they are
    /// different ones.
    fn add_edge(&mut self, from: &[String], to: &[String]) {
        let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        if common >= from.len() || common >= to.len() {
            return; // one contains the other
        }
        self.edges
            .entry(from[..common].to_vec())
            .or_default()
            .entry(from[common].clone())
            .or_default()
            .insert(to[common].clone());
    }

    /// Every cycle among siblings, as `parent: a → b → a`.
    pub fn cycles(&self) -> Vec<String> {
        let mut found = Vec::new();
        for (parent, children) in &self.edges {
            for start in children.keys() {
                if let Some(path) = cycle_from(children, start) {
                    let prefix = if parent.is_empty() {
                        "crate".to_string()
                    } else {
                        parent.join("::")
                    };
                    found.push(format!("{prefix}: {}", path.join(" → ")));
                }
            }
        }
        found
    }

    /// The children of the crate root and what each uses, one line each,
    /// in an order where every module comes before those it uses (the
    /// first name of those free to go next): `- plan → process, report`.
    pub fn top_level_markdown(&self) -> String {
        let empty = BTreeMap::new();
        let children = self.edges.get(&Vec::new()).unwrap_or(&empty);
        let mut left: BTreeSet<&String> = self
            .modules
            .iter()
            .filter(|m| m.len() == 1)
            .map(|m| &m[0])
            .collect();
        let mut text = String::new();
        while !left.is_empty() {
            let unused = |name: &&String| {
                !left.iter().any(|other| {
                    children
                        .get(*other)
                        .is_some_and(|uses| uses.contains(*name))
                })
            };
            // A cycle leaves no module unused; the rest then go by name.
            let next = *left
                .iter()
                .find(|name| unused(name))
                .unwrap_or_else(|| left.first().expect("not empty"));
            left.remove(next);
            match children.get(next) {
                Some(uses) if !uses.is_empty() => {
                    let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
                    text.push_str(&format!("- `{next}` → {}\n", uses.join(", ")));
                }
                _ => text.push_str(&format!("- `{next}` (uses no other module)\n")),
            }
        }
        text
    }
}

/// A path back to `start` through the edges, if there is one.
fn cycle_from(edges: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![start.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().expect("paths are never empty");
        for next in edges.get(last).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(start.to_string());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`; `src/lib.rs` the root.
fn module_of(src: &Path, file: &Path) -> ModulePath {
    let relative = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The module paths a file names, resolved to absolute ones: `crate::x::y`
/// and `super::x` (chained `super::super::`), each identifier after them.
fn references(module: &[String], text: &str) -> Vec<ModulePath> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for (at, _) in text
        .match_indices("crate::")
        .chain(text.match_indices("super::"))
    {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':' || b == b'$')
        {
            continue;
        }
        let mut base: ModulePath = Vec::new();
        let mut rest = &text[at..];
        if let Some(after) = rest.strip_prefix("crate::") {
            rest = after;
        } else {
            base = module.to_vec();
            while let Some(after) = rest.strip_prefix("super::") {
                base.pop();
                rest = after;
            }
        }
        // `crate::{a, b::c}` and `super::{x, y}`: each item.
        let items: Vec<&str> = match rest.strip_prefix('{') {
            Some(list) => list
                .split('}')
                .next()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .collect(),
            None => vec![rest],
        };
        for item in items {
            let mut absolute = base.clone();
            absolute.extend(path_at(item));
            found.push(absolute);
        }
    }
    found
}

/// The identifiers of the path at the start of `text`: `a::b` of
/// `a::b(x)::c`.
fn path_at(text: &str) -> Vec<String> {
    let mut path = Vec::new();
    let mut rest = text;
    loop {
        let ident: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            break;
        }
        rest = &rest[ident.len()..];
        path.push(ident);
        match rest.strip_prefix("::") {
            Some(after) => rest = after,
            None => break,
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(path: &str) -> ModulePath {
        path.split("::").map(String::from).collect()
    }

    #[test]
    fn references_resolve_crate_and_super_paths() {
        let text = "use crate::verdict::{self, Context};\nuse super::records::Left;\nuse crate::{a, b::c};\nsuper::super::x::y();\nmy_crate::z;";
        let found = references(&module("scenarios::reinit::judge"), text);
        assert_eq!(
            found,
            [
                module("verdict"),
                module("a"),
                module("b::c"),
                module("scenarios::reinit::records::Left"),
                module("scenarios::x::y"),
            ]
        );
    }

    #[test]
    fn a_cycle_among_siblings_is_found_and_nesting_is_no_cycle() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path();
        std::fs::create_dir_all(src.join("a")).unwrap();
        std::fs::write(src.join("lib.rs"), "mod a; mod b; use crate::a::x;").unwrap();
        std::fs::write(src.join("a/mod.rs"), "mod x; use x::f; use crate::b::g;").unwrap();
        std::fs::write(src.join("a/x.rs"), "use super::super::b;").unwrap();
        std::fs::write(src.join("b.rs"), "fn g() {}").unwrap();
        let graph = read(src).unwrap();
        assert!(graph.cycles().is_empty(), "{:?}", graph.cycles());
        assert_eq!(
            graph.top_level_markdown(),
            "- `a` → b\n- `b` (uses no other module)\n"
        );
        std::fs::write(src.join("b.rs"), "use crate::a::x;").unwrap();
        let graph = read(src).unwrap();
        assert_eq!(graph.cycles(), ["crate: a → b → a", "crate: b → a → b"]);
    }
}
