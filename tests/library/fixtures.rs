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
