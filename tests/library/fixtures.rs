//! Every rule against its fixtures: each `fixtures/<rule>/fail*` file must produce the rule
//! (its rendered diagnostics are snapshotted in `tests/snapshots`, pinning line and column),
//! each `pass*` file must not. Every case runs; a failure lists all the failing cases.

use crate::common::lint_files;
use scalelint::Report;
use scalelint::render::human;
use std::path::{Path, PathBuf};

/// A case is a file, or a folder (a Kustomize tree); a folder may carry the configuration it
/// is linted with (`.scalelint.yaml`, e.g. the kustomize command).
fn lint_one(path: &Path) -> Report {
    let config = path.join(".scalelint.yaml");
    if !config.is_file() {
        return lint_files([path]);
    }
    let project = scalelint::Project::load(path, Some(&config)).expect("the case's config loads");
    let opts = scalelint::engine::Options {
        paths: vec![path.to_path_buf()],
        kustomize: project.config.kustomize.clone(),
        helm: project.config.helm.clone(),
        ..Default::default()
    };
    scalelint::engine::lint(&opts, &project.rules().expect("rules load"))
}

fn only_rule(mut report: Report, rule: &str) -> Report {
    report.findings.retain(|f| f.rule == rule);
    report
}

fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .expect("fixtures/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .starts_with('.')
        })
        .collect();
    files.sort();
    files
}

/// Every `prefix*` case of every fixture folder, as (rule, file stem, path).
fn every_case(prefix: &str) -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    for dir in fixture_dirs() {
        let rule = dir.file_name().unwrap().to_str().unwrap().to_string();
        for case in cases(&dir) {
            let stem = case.file_stem().unwrap().to_str().unwrap().to_string();
            if stem.starts_with(prefix) {
                out.push((rule.clone(), stem, case));
            }
        }
    }
    out
}

/// Runs `check` on every case, catching its panic (an assertion or a snapshot mismatch, which
/// insta has already printed with its diff) so that one failing case does not hide the
/// others; then fails with the list of failing cases.
fn check_each(cases: &[(String, String, PathBuf)], check: impl Fn(&str, &str, &Path)) {
    assert!(!cases.is_empty(), "no fixture cases found");
    let failed: Vec<String> = cases
        .iter()
        .filter_map(|(rule, stem, path)| {
            let run = std::panic::AssertUnwindSafe(|| check(rule, stem, path));
            std::panic::catch_unwind(run).err().map(|panic| {
                let why = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("panicked");
                let why = why.lines().next().unwrap_or_default();
                format!("{}: {why}", path.display())
            })
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} fixture cases failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

#[test]
fn fail_fixtures_fire_and_match_snapshots() {
    check_each(&every_case("fail"), |rule, stem, case| {
        let report = only_rule(lint_one(case), rule);
        assert!(
            !report.findings.is_empty(),
            "{} should produce {rule}",
            case.display()
        );
        let rendered = human::render_findings(&report, false);
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("{rule}__{stem}"), rendered);
        });
    });
}

#[test]
fn pass_fixtures_are_silent() {
    check_each(&every_case("pass"), |rule, _, case| {
        let report = only_rule(lint_one(case), rule);
        assert!(
            report.findings.is_empty(),
            "{} should not produce {rule}:\n{}",
            case.display(),
            human::render_findings(&report, false)
        );
    });
}

#[test]
fn every_fixture_folder_names_a_rule() {
    let catalog = scalelint::builtin_catalog().expect("metadata");
    for dir in fixture_dirs() {
        let name = dir.file_name().unwrap().to_str().unwrap();
        assert!(
            catalog.find(name).is_some(),
            "fixtures/{name} does not name a rule"
        );
    }
}

/// Each fixable rule's fixes on its failing fixture files: the rule's own fixes (every
/// applicability, display-only included, so that what is only shown is pinned too) applied
/// pass after pass until none is left. The result must equal `fixtures/<rule>/fixed/<file>`
/// (no such file when nothing changes), read back without a parse error, hold no finding
/// the original did not, and use only the applicabilities the rule's metadata declares,
/// each of which some case shows. The diff is snapshotted (`fix__<rule>__<case>`).
/// `INSTA_UPDATE=always` writes the fixed files too.
#[test]
fn fixes_of_fail_fixtures_match_their_fixed_files() {
    use scalelint::engine::fix::apply_fixes;
    use scalelint::model::Fix;
    use std::collections::{BTreeMap, BTreeSet};
    let catalog = scalelint::builtin_catalog().expect("metadata");
    let fixable = |rule: &str| catalog.find(rule).is_some_and(|m| !m.autofix.is_empty());
    let cases: Vec<_> = every_case("fail")
        .into_iter()
        .filter(|(rule, _, path)| path.is_file() && fixable(rule))
        .collect();
    let update = std::env::var("INSTA_UPDATE").is_ok_and(|v| v == "always");
    let seen: std::sync::Mutex<BTreeMap<String, BTreeSet<String>>> = Default::default();
    check_each(&cases, |rule, stem, case| {
        let dir = tempfile::tempdir().unwrap();
        let name = case.file_name().unwrap();
        let path = dir.path().join(name);
        let before = std::fs::read_to_string(case).unwrap();
        // By rule and place in the object (the locator): lines move when a key is added,
        // and a message may change with a value the fix changed.
        let messages = |r: &Report| -> BTreeSet<(String, String)> {
            r.findings
                .iter()
                .map(|f| (f.rule.to_string(), f.locator.to_string()))
                .collect()
        };
        let mut text = before.clone();
        let mut first = None;
        for pass in 0.. {
            assert!(pass < 10, "the fixes do not converge");
            std::fs::write(&path, &text).unwrap();
            let report = lint_files([&path]);
            let fixes: Vec<&Fix> = report
                .findings
                .iter()
                .filter(|f| f.rule == rule)
                .filter_map(|f| f.fix.as_deref())
                .collect();
            let mut kinds = seen.lock().unwrap();
            for x in fixes.iter().filter(|x| x.downgraded.is_none()) {
                kinds
                    .entry(rule.to_string())
                    .or_default()
                    .insert(x.applicability.to_string());
            }
            drop(kinds);
            let (after, applied) = apply_fixes(&text, &fixes).expect("the edits fit the text");
            if first.is_none() {
                first = Some(messages(&report));
            }
            if applied == 0 || after == text {
                let parse_errors: Vec<&str> = report
                    .findings
                    .iter()
                    .filter(|f| f.rule == "parse-error")
                    .map(|f| f.message.as_str())
                    .collect();
                assert!(parse_errors.is_empty(), "the fixed file: {parse_errors:?}");
                let new: Vec<_> = messages(&report)
                    .difference(first.as_ref().unwrap())
                    .cloned()
                    .collect();
                assert!(new.is_empty(), "the fixes brought new findings: {new:?}");
                break;
            }
            text = after;
        }
        let fixed = case.parent().unwrap().join("fixed").join(name);
        if text == before {
            assert!(
                !fixed.exists(),
                "nothing changes, but {} exists",
                fixed.display()
            );
        } else if update {
            std::fs::create_dir_all(fixed.parent().unwrap()).unwrap();
            std::fs::write(&fixed, &text).unwrap();
        } else {
            let expected = std::fs::read_to_string(&fixed)
                .unwrap_or_else(|_| panic!("{} is missing", fixed.display()));
            assert_eq!(
                text,
                expected,
                "the fixed text differs from {}",
                fixed.display()
            );
        }
        let diff = similar::TextDiff::from_lines(&before, &text)
            .unified_diff()
            .context_radius(3)
            .header("before", "after")
            .to_string();
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("fix__{rule}__{stem}"), diff);
        });
    });
    // Every fix is of a kind the rule declares, and every kind it declares is shown.
    let seen = seen.into_inner().unwrap();
    for m in catalog.metas().filter(|m| !m.autofix.is_empty()) {
        let declared: BTreeSet<String> = m.autofix.iter().map(|a| a.to_string()).collect();
        let shown = seen.get(m.name.as_ref()).cloned().unwrap_or_default();
        assert_eq!(
            shown, declared,
            "{}: fixes seen in its fail fixtures vs declared in its metadata",
            m.name
        );
    }
}

/// A rule without `autofix` in its metadata makes no fix.
#[test]
fn only_fixable_rules_make_fixes() {
    let catalog = scalelint::builtin_catalog().expect("metadata");
    check_each(&every_case("fail"), |rule, _, case| {
        let report = lint_one(case);
        for f in &report.findings {
            let declared = catalog
                .find(&f.rule)
                .map(|m| m.autofix.clone())
                .unwrap_or_default();
            if let Some(fix) = &f.fix {
                assert!(
                    declared.contains(&fix.applicability) || fix.downgraded.is_some(),
                    "{rule}: {} made a {} fix it does not declare",
                    f.rule,
                    fix.applicability
                );
            }
        }
    });
}
