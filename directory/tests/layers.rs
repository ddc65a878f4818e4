//! Keeps the modules of `directory` free of import cycles and in their layers: `core` (pure)
//! names nothing above it, `store` names only `core` and itself, and no two modules need each
//! other. It reads the source files, so a new `crate::…` path that points upward fails here.
//!
//! A module depends on another when its non-test code names a path under it (`crate::x::…`,
//! `super::…`, a re-export of the crate root) or calls the service view the root wires to it
//! (`dir.users()`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every module file under `dir`, by module path (`people::users`; the crate root is "").
fn modules(root: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).expect("source folder is readable");
        for entry in entries {
            let path = entry.expect("source entry is readable").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(root).expect("under the root");
            let mut segments: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
                segments.pop();
            }
            let source = std::fs::read_to_string(&path).expect("source file is readable");
            found.insert(segments.join("::"), source);
        }
    }
    found
}

/// The source without line comments and without `#[cfg(test)]` items.
fn strip(source: &str) -> String {
    let without_comments: String = source
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = without_comments.as_bytes();
    let mut kept = String::new();
    let mut from = 0;
    while let Some(found) = without_comments[from..].find("#[cfg(test)]") {
        let start = from + found;
        kept.push_str(&without_comments[from..start]);
        let mut at = start + "#[cfg(test)]".len();
        while at < bytes.len() && bytes[at] != b'{' && bytes[at] != b';' {
            at += 1;
        }
        if at < bytes.len() && bytes[at] == b'{' {
            let mut depth = 0;
            while at < bytes.len() {
                match bytes[at] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
        }
        from = (at + 1).min(bytes.len());
    }
    kept.push_str(&without_comments[from..]);
    kept
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The paths of the use-tree (or plain path) starting at `at`: `a::{b, c::d}` gives
/// `[a, b]` and `[a, c, d]`. Returns the paths and where the tree ends.
fn tree(src: &[u8], mut at: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    while at < src.len() && src[at].is_ascii_whitespace() {
        at += 1;
    }
    if at < src.len() && src[at] == b'{' {
        at += 1;
        loop {
            while at < src.len() && (src[at].is_ascii_whitespace() || src[at] == b',') {
                at += 1;
            }
            if at >= src.len() || src[at] == b'}' {
                return at + 1;
            }
            at = tree(src, at, prefix, out);
        }
    }
    let start = at;
    while at < src.len() && is_ident(src[at]) {
        at += 1;
    }
    if start == at {
        out.push(prefix.to_vec());
        return at;
    }
    let mut path = prefix.to_vec();
    path.push(String::from_utf8_lossy(&src[start..at]).into_owned());
    if src[at..].starts_with(b"::") {
        return tree(src, at + 2, &path, out);
    }
    out.push(path);
    // Skip an `as name` rename.
    let rest = &src[at..];
    let trimmed = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if rest[trimmed..].starts_with(b"as ") {
        at += trimmed + 3;
        while at < src.len() && src[at].is_ascii_whitespace() {
            at += 1;
        }
        while at < src.len() && is_ident(src[at]) {
            at += 1;
        }
    }
    at
}

/// Every path that follows `marker` (`crate::`, `super::`) in `src`.
fn paths_after(src: &str, marker: &str) -> Vec<Vec<String>> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = src[from..].find(marker) {
        let at = from + found;
        from = at + marker.len();
        if at > 0 && is_ident(bytes[at - 1]) {
            continue;
        }
        tree(bytes, from, &[], &mut out);
    }
    out
}

/// Names the crate root re-exports, mapped to the paths they stand for; `None` for names
/// from other crates (`vocab::rules`).
fn root_aliases(root: &str) -> BTreeMap<String, Option<Vec<String>>> {
    let mut aliases = BTreeMap::new();
    for path in paths_after(root, "pub use ") {
        let Some(last) = path.last() else { continue };
        let local = !matches!(path[0].as_str(), "vocab" | "std" | "sea_orm");
        aliases.insert(last.clone(), local.then(|| path.clone()));
    }
    aliases
}

/// The service views the root wires: `users` for `pub fn users(&self) -> users::Users<'_>`.
fn root_views(root: &str) -> BTreeMap<String, Vec<String>> {
    let mut views = BTreeMap::new();
    for line in root.lines() {
        let Some(rest) = line.trim().strip_prefix("pub fn ") else {
            continue;
        };
        let Some((name, tail)) = rest.split_once("(&self) -> ") else {
            continue;
        };
        let Some((path, _)) = tail.rsplit_once("::") else {
            continue;
        };
        views.insert(
            name.to_string(),
            path.split("::").map(String::from).collect(),
        );
    }
    views
}

struct Crate {
    modules: BTreeMap<String, String>,
    aliases: BTreeMap<String, Option<Vec<String>>>,
}

impl Crate {
    /// The module a path lands in: the longest prefix naming a module file.
    fn resolve(&self, path: &[String]) -> Option<String> {
        let mut path = path.to_vec();
        if let Some(alias) = path.first().and_then(|first| self.aliases.get(first)) {
            let alias = alias.as_ref()?;
            path = alias.iter().chain(&path[1..]).cloned().collect();
        }
        (0..=path.len())
            .rev()
            .map(|n| path[..n].join("::"))
            .find(|candidate| self.modules.contains_key(candidate))
    }
}

fn graph(modules: BTreeMap<String, String>) -> Graph {
    let root = strip(modules.get("").map(String::as_str).unwrap_or(""));
    let views = root_views(&root);
    let krate = Crate {
        aliases: root_aliases(&root),
        modules,
    };
    let mut edges = Graph::new();
    for (name, source) in &krate.modules {
        let deps = edges.entry(name.clone()).or_default();
        if name.is_empty() {
            // The root wires everything; what matters is that nothing depends on it.
            continue;
        }
        let src = strip(source);
        let parent: Vec<String> = name.split("::").map(String::from).collect();
        let parent = &parent[..parent.len() - 1];
        let mut targets: Vec<Vec<String>> = paths_after(&src, "crate::");
        for path in paths_after(&src, "super::") {
            targets.push(parent.iter().cloned().chain(path).collect());
        }
        for (view, path) in &views {
            if src.contains(&format!("dir.{view}()")) {
                targets.push(path.clone());
            }
        }
        for path in targets {
            if let Some(target) = krate.resolve(&path).filter(|t| t != name) {
                deps.insert(target);
            }
        }
    }
    edges
}

/// Strongly connected components with more than one module (Tarjan's algorithm).
fn cycles(edges: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a Graph,
        next: usize,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
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
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        next: 0,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

/// 0 for the pure bottom, 1 for storage, 2 for services; the root wires them all.
fn layer(module: &str) -> u8 {
    match module.split("::").next() {
        Some("core" | "entities") => 0,
        Some("store" | "migrations") => 1,
        _ => 2,
    }
}

fn describe(edges: &Graph, component: &[String]) -> String {
    component
        .iter()
        .map(|m| {
            let inside: Vec<&str> = edges[m]
                .iter()
                .filter(|t| component.contains(t))
                .map(String::as_str)
                .collect();
            format!("  {m} -> {}", inside.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn crate_graph() -> Graph {
    graph(modules(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")))
}

#[test]
fn no_module_is_part_of_an_import_cycle() {
    let edges = crate_graph();
    assert!(edges.len() > 40, "the source files were not found");
    let found = cycles(&edges);
    let report: Vec<String> = found.iter().map(|c| describe(&edges, c)).collect();
    assert!(found.is_empty(), "import cycles:\n{}", report.join("\n\n"));
}

#[test]
fn every_module_names_only_its_own_layer_or_lower_ones() {
    let edges = crate_graph();
    let upward: Vec<String> = edges
        .iter()
        .filter(|(from, _)| !from.is_empty())
        .flat_map(|(from, to)| to.iter().map(move |t| (from, t)))
        .filter(|(from, to)| to.is_empty() || layer(to) > layer(from))
        .map(|(from, to)| format!("{from} -> {}", if to.is_empty() { "<root>" } else { to }))
        .collect();
    assert!(
        upward.is_empty(),
        "upward dependencies:\n{}",
        upward.join("\n")
    );
}

/// The checker itself finds a cycle through a `use` group, a `super::` path and a service view,
/// and ignores one that exists only in tests or comments.
#[test]
fn the_checker_sees_cycles() {
    let files = [
        (
            "",
            "pub use people::users;\nimpl Directory {\n    pub fn groups(&self) -> people::groups::Groups<'_> {}\n}\n",
        ),
        ("people", "pub mod groups;\npub mod users;\n"),
        (
            "people::users",
            "use crate::{users as u, core::ids};\nfn f() { self.dir.groups().all(); }\n",
        ),
        ("people::groups", "use super::users::User;\n"),
        (
            "core::ids",
            "// crate::people::users\n#[cfg(test)]\nmod tests { use crate::users; }\n",
        ),
    ];
    let modules: BTreeMap<String, String> = files
        .iter()
        .map(|(name, src)| (name.to_string(), src.to_string()))
        .collect();
    let edges = graph(modules);
    assert_eq!(
        cycles(&edges),
        vec![vec![
            "people::groups".to_string(),
            "people::users".to_string()
        ]]
    );
    assert!(edges["core::ids"].is_empty());
    assert!(edges["people::users"].contains("core::ids"));
}
