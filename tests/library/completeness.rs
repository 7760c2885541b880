//! A rule is done when it has metadata, an implementation file, and pass and fail fixtures.

use scalelint::engine::{RuleSet, meta};
use std::path::Path;

fn has_fixture(rule: &str, prefix: &str) -> bool {
    std::fs::read_dir(Path::new("fixtures").join(rule))
        .map(|rd| {
            rd.flatten().any(|e| {
                e.file_name().to_str().is_some_and(|n| {
                    n.starts_with(&format!("{prefix}.")) || n.starts_with(&format!("{prefix}-"))
                })
            })
        })
        .unwrap_or(false)
}

#[test]
fn every_rule_is_complete() {
    RuleSet::builtin().expect("every registered rule has metadata and valid default params");
    let metas = meta::all().expect("metadata parses");
    let registered: Vec<&str> = scalelint::rules::registry().map(|(n, _)| *n).collect();
    let mut problems = Vec::new();
    for m in metas {
        let name = m.name.as_str();
        if !registered.contains(&name) {
            problems.push(format!("{name}: metadata but no registry entry"));
        }
        let file = Path::new("src/rules")
            .join(&m.domain)
            .join(format!("{}.rs", name.replace('-', "_")));
        if !file.exists() {
            problems.push(format!("{name}: no implementation at {}", file.display()));
        }
        for prefix in ["pass", "fail"] {
            if !has_fixture(name, prefix) {
                problems.push(format!("{name}: no fixtures/{name}/{prefix}.*"));
            }
        }
        for text in [&m.summary, &m.why, &m.fix] {
            if text.trim().is_empty() {
                problems.push(format!("{name}: empty summary, why or fix"));
            }
        }
    }
    // Parameters are typed and closed: a stray one is an error, for every rule.
    for (name, build) in scalelint::rules::registry() {
        let Some(m) = metas.iter().find(|m| m.name == *name) else {
            continue;
        };
        let mut p = m.default_params();
        p["no_such_parameter"] = serde_json::json!(1);
        if build(&p).is_ok() {
            problems.push(format!("{name}: accepts an unknown parameter"));
        }
        for (key, param) in &m.params {
            let mut p = m.default_params();
            p[key.as_str()] = serde_json::json!({"wrong": "type"});
            if param.kind != "table" && build(&p).is_ok() {
                problems.push(format!("{name}: accepts a wrong type for `{key}`"));
            }
        }
    }
    for name in &registered {
        if !metas.iter().any(|m| m.name == *name) {
            problems.push(format!("{name}: registered but no metadata"));
        }
    }
    assert!(
        problems.is_empty(),
        "incomplete rules:\n{}",
        problems.join("\n")
    );
}
