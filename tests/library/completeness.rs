//! A rule is done when it has a declaration in its own file, metadata, pass and fail
//! fixtures, a snapshot of its rendered diagnostic, and parameters that reject what they do
//! not know.

use scalelint::engine::catalog::RuleImpl;
use scalelint::engine::rule::Implementation;
use std::path::Path;

fn has_fixture(rule: &str, prefix: &str) -> bool {
    std::fs::read_dir(Path::new("fixtures").join(rule))
        .map(|rd| {
            rd.flatten().any(|e| {
                // A file `fail.yaml`, `fail-x.conf`, or a folder `fail/` (a Kustomize tree).
                e.file_name().to_str().is_some_and(|n| {
                    n.starts_with(&format!("{prefix}."))
                        || n.starts_with(&format!("{prefix}-"))
                        || (n == prefix && e.path().is_dir())
                })
            })
        })
        .unwrap_or(false)
}

#[test]
fn every_rule_is_complete() {
    // Every declared rule has metadata, every metadata file a declaration, no name twice.
    let catalog = scalelint::builtin_catalog().expect("the built-in catalog builds");
    scalelint::builtin_rules().expect("every rule builds with its default params");
    let mut problems = Vec::new();
    for d in scalelint::rules::builtin() {
        let snake = d.name.replace('-', "_");
        let file = match d.implementation {
            // Declared in its own file, named after it, in its domain's folder.
            Implementation::Object(_) | Implementation::Index(_) => {
                let want = format!("src/rules/{}/{snake}.rs", d.domain);
                if d.file.replace('\\', "/") != want {
                    problems.push(format!("{}: declared in {}, not {want}", d.name, d.file));
                }
                want
            }
            // Its finding is built by the reporting module, named after it.
            Implementation::Reported => ["src/sources/diagnostics", "src/engine/diagnostics"]
                .iter()
                .map(|dir| format!("{dir}/{snake}.rs"))
                .find(|f| Path::new(f).exists())
                .unwrap_or_else(|| format!("src/*/diagnostics/{snake}.rs")),
        };
        if !Path::new(&file).exists() {
            problems.push(format!("{}: no implementation at {file}", d.name));
        }
    }
    for m in catalog.metas() {
        let name = m.name.as_ref();
        for prefix in ["pass", "fail"] {
            if !has_fixture(name, prefix) {
                problems.push(format!("{name}: no fixtures/{name}/{prefix}.*"));
            }
        }
        // The rendered diagnostic of a failing fixture, reviewed as a snapshot.
        let snapshot = std::fs::read_dir("tests/snapshots")
            .map(|rd| {
                rd.flatten().any(|e| {
                    e.file_name().to_str().is_some_and(|n| {
                        n.starts_with(&format!("{name}__fail")) && n.ends_with(".snap")
                    })
                })
            })
            .unwrap_or(false);
        if !snapshot {
            problems.push(format!("{name}: no tests/snapshots/{name}__fail*.snap"));
        }
        for text in [&m.summary, &m.why, &m.fix] {
            if text.trim().is_empty() {
                problems.push(format!("{name}: empty summary, why or fix"));
            }
        }
    }
    // Parameters are typed and closed: a stray one is an error, for every rule.
    for entry in catalog.entries() {
        let (m, RuleImpl::Builtin(implementation)) = (&entry.meta, &entry.implementation) else {
            continue;
        };
        let name = m.name.as_ref();
        let mut p = m.default_params();
        p["no_such_parameter"] = serde_json::json!(1);
        if implementation.build_check(name, &p).is_ok() {
            problems.push(format!("{name}: accepts an unknown parameter"));
        }
        for (key, param) in &m.params {
            let mut p = m.default_params();
            p[key.as_str()] = serde_json::json!({"wrong": "type"});
            if param.kind != "table" && implementation.build_check(name, &p).is_ok() {
                problems.push(format!("{name}: accepts a wrong type for `{key}`"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "incomplete rules:\n{}",
        problems.join("\n")
    );
}
