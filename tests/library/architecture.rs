//! The module map of ARCHITECTURE.md, checked: which top-level modules each may import (the
//! layering, so there is no cycle between them), no cycle between the modules one level
//! down (`engine::dispatch`, `rules::hpa`, …), and no rule file importing another rule file.
//!
//! Imports are read from the source text: `crate::a::b` paths and `super::x` (comments and
//! `#[cfg(test)]` code excluded: tests may use the layers above, to get the built-in rules).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may import. Lower layers first.
const LAYERS: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("suggest", &[]),
    ("kube", &["model"]),
    ("sources", &["model", "kube"]),
    ("schema", &["model", "suggest", "kube"]),
    ("engine", &["model", "suggest", "kube", "sources", "schema"]),
    (
        "rules",
        &["model", "suggest", "kube", "sources", "schema", "engine"],
    ),
    ("project", &["model", "engine", "rules"]),
    ("docs", &["model", "engine"]),
    ("render", &["model", "engine"]),
    ("server", &["model", "engine", "project", "docs", "render"]),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/engine/dispatch.rs` → `["engine", "dispatch"]`; `src/rules/hpa/mod.rs` → `["rules", "hpa"]`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix("src").unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file as compiled outside tests: comments dropped, and everything from the
/// first `#[cfg(test)]` on (test modules sit at the end of a file).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Files compiled only for tests: modules declared right after `#[cfg(test)]`.
fn test_only(files: &[PathBuf]) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let mut lines = text.lines();
        while let Some(l) = lines.next() {
            if l.trim() == "#[cfg(test)]"
                && let Some(next) = lines.next()
                && let Some(name) = next
                    .trim()
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ")
                    .strip_prefix("mod ")
                    .and_then(|n| n.strip_suffix(';'))
            {
                let mut m = module_of(f);
                m.push(name.to_string());
                out.insert(m);
            }
        }
    }
    out
}

/// Paths a file's code names: each `crate::a::b…` and `super::x…`, resolved to module paths.
fn imports(module: &[String], is_mod_rs: bool, code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let ident = |s: &str| -> Vec<String> {
        let end = s
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(s.len());
        s[..end]
            .split("::")
            .map(|p| {
                p.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|p| !p.is_empty())
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c}`
            let inner = group.split('}').next().unwrap_or("");
            for item in inner.split(',') {
                let p = ident(item.trim());
                if !p.is_empty() {
                    out.push(p);
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    // `super` of a `mod.rs` is its parent folder's module; of `x.rs`, the folder's module.
    let _ = is_mod_rs;
    let parent: Vec<String> = module[..module.len().saturating_sub(1)].to_vec();
    for (i, _) in code.match_indices("super::") {
        if i > 0 && code[..i].ends_with("::") {
            continue;
        }
        let mut p = parent.clone();
        p.extend(ident(&code[i + "super::".len()..]));
        out.push(p);
    }
    out
}

#[test]
fn modules_import_only_what_the_map_allows() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let tests = test_only(&files);
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let exists = |m: &[String]| {
        let dir = Path::new("src").join(m.join("/"));
        dir.with_extension("rs").exists() || dir.join("mod.rs").exists()
    };
    // Second-level graph: `engine::dispatch`, `rules::hpa`, `model` (a top-level file).
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    // Rule files: files that declare a rule (`declare_rule!`).
    let rule_files: BTreeSet<Vec<String>> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .contains("declare_rule!(")
                && f.starts_with("src/rules")
        })
        .map(|f| module_of(f))
        .collect();
    for f in &files {
        let module = module_of(f);
        let Some(top) = module.first().cloned() else {
            continue;
        };
        if matches!(top.as_str(), "main" | "lib" | "bin")
            || tests.iter().any(|t| module.starts_with(t))
        {
            continue;
        }
        let Some(may) = allowed.get(top.as_str()) else {
            problems.push(format!(
                "{}: top-level module `{top}` is not in ARCHITECTURE.md's map (tests/architecture.rs LAYERS)",
                f.display()
            ));
            continue;
        };
        let text = code(&std::fs::read_to_string(f).unwrap());
        let is_mod_rs = f.file_name().is_some_and(|n| n == "mod.rs");
        let node = module
            .iter()
            .take(2)
            .cloned()
            .collect::<Vec<_>>()
            .join("::");
        for path in imports(&module, is_mod_rs, &text) {
            let Some(target_top) = path.first() else {
                continue;
            };
            if !exists(&path[..1]) {
                continue; // a macro (`crate::declare_rule!`) or a re-export at the root
            }
            if *target_top != top && !may.contains(&target_top.as_str()) {
                problems.push(format!(
                    "{}: `{top}` imports `{}`, which the map does not allow",
                    f.display(),
                    path.join("::")
                ));
            }
            // The module one level down that `path` names (or the top-level module).
            let target = if path.len() >= 2 && exists(&path[..2]) {
                path[..2].join("::")
            } else {
                target_top.clone()
            };
            if target != node && !node.starts_with(&format!("{target}::")) {
                graph
                    .entry(node.clone())
                    .or_default()
                    .insert(target.clone());
            }
            // No rule file imports another rule file.
            if rule_files.contains(&module) {
                for n in 2..=path.len() {
                    let p = path[..n].to_vec();
                    if p != module && rule_files.contains(&p) {
                        problems.push(format!(
                            "{}: the rule file imports the rule file `{}`",
                            f.display(),
                            p.join("::")
                        ));
                    }
                }
            }
        }
    }
    // Cycles one level down (a depth-first search for a back edge).
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                0 => visit(m, graph, state, stack, cycles),
                1 => {
                    let from = stack.iter().position(|s| s == m).unwrap_or(0);
                    let mut c = stack[from..].to_vec();
                    c.push(m.clone());
                    cycles.push(c.join(" -> "));
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
    }
    let mut state = BTreeMap::new();
    let mut cycles = Vec::new();
    for n in graph.keys() {
        if !state.contains_key(n.as_str()) {
            visit(n, &graph, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    problems.extend(cycles.into_iter().map(|c| format!("cycle: {c}")));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
