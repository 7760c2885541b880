//! k6 scripts from public projects (Apache-2.0 ones copied into `tests/corpus/k6`; opt-in,
//! every script of `../shared/corpus/k6`) and the Scaling Guide's own load test: each is read
//! as a k6 script, its `options` parsed, and the findings are at exact places.

use crate::common::{CORPUS, files_with, lint_files, place, shared_corpus};
use std::path::{Path, PathBuf};

/// What a k6 script may be named.
const SCRIPTS: &[&str] = &["js", "ts", "mjs"];

fn findings(paths: &[PathBuf]) -> Vec<(String, usize, usize, String)> {
    let report = lint_files(paths);
    report
        .findings
        .iter()
        .map(|f| {
            let (file, line, column) = place(&report, f);
            (file.to_string(), line, column, f.rule.to_string())
        })
        .collect()
}

#[test]
fn the_guides_load_test_passes() {
    let found = findings(&[PathBuf::from(
        "fixtures/k6-thresholds-missing/pass-guide-load-test.js",
    )]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn copied_scripts_at_exact_places() {
    let paths = files_with(&Path::new(CORPUS).join("k6"), SCRIPTS);
    assert_eq!(paths.len(), 10);
    let found = findings(&paths);
    let short: Vec<(&str, usize, usize, &str)> = found
        .iter()
        .map(|(f, l, c, r)| (f.trim_start_matches("tests/corpus/k6/"), *l, *c, r.as_str()))
        .collect();
    assert_eq!(
        short,
        [
            (
                "grafana-k6-operator/e2e/test.js",
                5,
                3,
                "k6-thresholds-missing"
            ),
            (
                "grafana-quickpizza/k6/browser/03.thresholds.js",
                17,
                3,
                "k6-thresholds-missing"
            ),
            (
                "grafana-quickpizza/k6/foundations/02.stages.js",
                7,
                3,
                "k6-thresholds-missing"
            ),
            (
                "grafana-xk6-disruptor-demo/demos/online-boutique/scripts/test-frontend.js",
                6,
                5,
                "k6-thresholds-missing"
            ),
        ]
    );
}

#[test]
fn every_shared_script_is_read_opt_in() {
    let Some(shared) = shared_corpus("every k6 script of ../shared/corpus/k6") else {
        return;
    };
    let paths = files_with(&shared.join("k6"), SCRIPTS);
    assert!(paths.len() >= 60, "{} scripts", paths.len());
    let found = findings(&paths);
    // k6's own `k6 new` templates hold `{{ }}`: not scripts yet, not reported.
    let errors: Vec<_> = found.iter().filter(|f| f.3 == "parse-error").collect();
    assert!(errors.is_empty(), "{errors:?}");
    let rules = |r: &str| found.iter().filter(|f| f.3 == r).count();
    assert!(rules("k6-thresholds-missing") >= 10, "{found:#?}");
    assert!(rules("k6-threshold-duplicate") >= 1, "{found:#?}");
}
