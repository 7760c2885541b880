//! Fixes never make a file worse: every available fix (unsafe ones too) applied to every
//! YAML, ini, conf and properties file of the corpus, each copied alone into a scratch
//! folder. The result must parse, the findings fixed must be gone (the loop converges), no
//! finding may appear that the original did not have, and a second `--fix` changes nothing.

use crate::common::{CORPUS, shared_corpus};
use scalelint::engine::{self, Options};
use scalelint::model::Applicability;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| ["yaml", "yml", "ini", "conf", "properties"].contains(&x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Findings by rule and object (a finding may move to another field of its object when a
/// fix rewrites it: autoscaling/v1's `targetCPUUtilizationPercentage` becomes a `metrics`
/// entry).
fn messages(r: &scalelint::Report) -> BTreeSet<(String, String)> {
    r.findings
        .iter()
        .map(|f| {
            let object = f.locator.split('#').nth(1).unwrap_or_default();
            (f.rule.to_string(), object.to_string())
        })
        .collect()
}

/// Findings after the fixes that were not there before. scalelint has the schema of
/// autoscaling/v2 only: an HPA moved to v2 is validated for the first time, so a
/// `schema-violation` in one that had `hpa-api-version` was there all along.
fn new_findings(before: &scalelint::Report, after: &scalelint::Report) -> Vec<(String, String)> {
    let old = messages(before);
    messages(after)
        .into_iter()
        .filter(|(rule, object)| {
            let known = old.contains(&(rule.clone(), object.clone()));
            let first_validated = rule == "schema-violation"
                && old.contains(&("hpa-api-version".to_string(), object.clone()));
            !known && !first_validated
        })
        .collect()
}

/// Applies every fix to each file under `root`; returns how many files the fixes changed.
fn never_worse(root: &Path) -> usize {
    let rules = scalelint::builtin_rules().expect("rules");
    let mut changed = 0;
    let mut failures = Vec::new();
    for file in files(root) {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join(file.file_name().unwrap());
        std::fs::copy(&file, &copy).unwrap();
        let opts = Options {
            paths: vec![copy.clone()],
            ..Default::default()
        };
        let before = engine::lint(&opts, &rules);
        let fixed = engine::fix::run(&opts, &rules, Applicability::Unsafe, |_| {});
        let shown = file.display();
        if !fixed.converged {
            failures.push(format!("{shown}: did not converge"));
            continue;
        }
        let Some(change) = fixed.changes.first() else {
            continue;
        };
        changed += 1;
        std::fs::write(&copy, &change.after).unwrap();
        let after = engine::lint(&opts, &rules);
        let parse = |r: &scalelint::Report| {
            r.findings
                .iter()
                .filter(|f| f.rule == "parse-error")
                .count()
        };
        if parse(&after) > parse(&before) {
            failures.push(format!(
                "{shown}: the fixed file does not parse:\n{}",
                change.after
            ));
        }
        let left: Vec<String> = after
            .findings
            .iter()
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|x| x.applies_at(Applicability::Unsafe))
            })
            .map(|f| format!("{} {}", f.rule, f.message))
            .collect();
        if !left.is_empty() {
            failures.push(format!("{shown}: fixable findings left: {left:?}"));
        }
        let new = new_findings(&before, &after);
        if !new.is_empty() {
            failures.push(format!(
                "{shown}: new findings {new:?}\n{}",
                change.unified_diff()
            ));
        }
        let again = engine::fix::run(&opts, &rules, Applicability::Unsafe, |_| {});
        if !again.changes.is_empty() {
            failures.push(format!("{shown}: a second --fix changes the file again"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    changed
}

#[test]
fn fixes_never_make_a_corpus_copy_worse() {
    let changed = never_worse(Path::new(CORPUS));
    // Real files with findings get fixed: the test is not vacuous.
    assert!(changed >= 10, "only {changed} files changed");
}

#[test]
fn fixes_never_make_a_shared_corpus_file_worse_opt_in() {
    let Some(root) = shared_corpus("applying every fix to every file of the shared corpus") else {
        return;
    };
    let changed = never_worse(&root);
    assert!(changed >= 10, "only {changed} files changed");
}
