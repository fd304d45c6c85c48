//! The shape rules of ARCHITECTURE.md, checked on the source: no import cycles between the
//! modules of `emulator/src`, and the store free of HTTP and JSON.
//!
//! A module is a file. An edge `a → b` is a `crate::b…` or `super::b…` path in `a`. Edges
//! between a module and its own ancestors are the module tree itself (a `mod.rs` re-exporting
//! its children, a child using its parent's types) and are not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/store/group.rs` → `["store", "group"]`; `src/store/mod.rs` → `["store"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The identifier paths that follow `prefix` in `text`; a `{a, b::c}` group gives one path
/// per item, ending at the item's first segment (enough to name a module).
fn paths_after(text: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let boundary_ok = at == 0
            || !rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        rest = &rest[at + prefix.len()..];
        if !boundary_ok {
            continue;
        }
        let mut path = Vec::new();
        let mut tail = rest;
        loop {
            let ident: String = tail
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if ident.is_empty() {
                if let Some(group) = tail.strip_prefix('{') {
                    let end = group.find('}').unwrap_or(group.len());
                    for item in group[..end].split(',') {
                        let first: String = item
                            .trim()
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if !first.is_empty() && first != "self" {
                            let mut each = path.clone();
                            each.push(first);
                            found.push(each);
                        }
                    }
                }
                break;
            }
            tail = &tail[ident.len()..];
            path.push(ident);
            match tail.strip_prefix("::") {
                Some(next) => tail = next,
                None => break,
            }
        }
        if !path.is_empty() {
            found.push(path);
        }
    }
    found
}

/// The longest prefix of `path` that is a module.
fn resolve(modules: &BTreeSet<Vec<String>>, path: &[String]) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|candidate| modules.contains(candidate))
}

fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files.retain(|f| f.file_name().is_some_and(|n| n != "main.rs"));
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for file in &files {
        let from = module_of(&src, file);
        // Comments (doc links included) are not imports.
        let text: String = std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut targets = Vec::new();
        for path in paths_after(&text, "crate::") {
            targets.extend(resolve(&modules, &path));
        }
        // `super::` is relative to the module's parent (a `mod.rs` is its own directory).
        let parent: Vec<String> = from[..from.len().saturating_sub(1)].to_vec();
        for path in paths_after(&text, "super::") {
            let mut absolute = parent.clone();
            absolute.extend(path);
            targets.extend(resolve(&modules, &absolute));
        }
        let entry = edges.entry(from.clone()).or_default();
        for to in targets {
            let related = to.starts_with(&from) || from.starts_with(&to);
            if !related {
                entry.insert(to);
            }
        }
    }
    edges
}

#[test]
fn no_import_cycles_between_modules() {
    let edges = graph();
    assert!(
        edges.len() > 20,
        "the source tree was read: {} modules",
        edges.len()
    );
    // Depth-first search for a back edge, reporting the cycle it closes.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        marks: &mut BTreeMap<Vec<String>, Mark>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = stack.iter().position(|n| n == node).unwrap();
                let mut cycle = stack[start..].to_vec();
                cycle.push(node.clone());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.clone(), Mark::Open);
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks.insert(node.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, &edges, &mut marks, &mut Vec::new()) {
            let shown: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
            panic!("import cycle: {}", shown.join(" → "));
        }
    }
}

#[test]
fn the_store_knows_no_http_json_or_handlers() {
    let edges = graph();
    for (module, targets) in &edges {
        if module.first().is_some_and(|m| m == "store") {
            for target in targets {
                let name = target.join("::");
                assert!(
                    !["ops", "protocol", "server", "fixtures"].contains(&target[0].as_str()),
                    "{} uses {name}",
                    module.join("::")
                );
            }
        }
    }
}

#[test]
fn the_store_has_no_wire_types() {
    let store = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let mut files = Vec::new();
    source_files(&store, &mut files);
    assert!(files.len() > 5);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for wire in ["serde_json", "axum", "serde::", "http::"] {
            assert!(!text.contains(wire), "{} uses {wire}", file.display());
        }
    }
}

#[test]
fn the_path_reader_expands_use_groups() {
    let text = "use super::{lexer::Tok, value};\nuse crate::store::group::LogGroup;";
    let paths = paths_after(text, "super::");
    assert_eq!(
        paths,
        vec![vec!["lexer".to_owned()], vec!["value".to_owned()]]
    );
    assert_eq!(
        paths_after(text, "crate::"),
        vec![vec![
            "store".to_owned(),
            "group".to_owned(),
            "LogGroup".to_owned()
        ]]
    );
}
