//! Real-world inputs from `../shared/corpus`: no panic, no parse-error on well-formed files,
//! and the findings the Scaling Guide's own project is known to deserve.

use scalelint::engine::{Report, lint_paths};
use std::path::PathBuf;

const CORPUS: &str = "../shared/corpus";

fn run(paths: &[&str]) -> Report {
    lint_paths(paths.iter().map(|p| PathBuf::from(CORPUS).join(p))).expect("rules load")
}

#[test]
fn kubernetes_corpus_parses_without_errors() {
    let report = run(&["k8s", "python-api-base"]);
    assert!(
        report.files.len() > 100,
        "corpus not found: {} files",
        report.files.len()
    );
    assert!(report.objects > 100);
    let parse_errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "parse-error" || f.rule == "io-error")
        .map(|f| format!("{}: {}", report.files[f.file].path, f.message))
        .collect();
    assert!(parse_errors.is_empty(), "{parse_errors:#?}");
}

#[test]
fn helm_templates_are_skipped_not_parse_errors() {
    let report = run(&["python-api-base/deployments/helm"]);
    let skipped = report
        .findings
        .iter()
        .filter(|f| f.rule == "template-skipped")
        .count();
    assert!(skipped >= 15, "{skipped}");
    // Prometheus and Alertmanager files use `{{ }}` inside strings: they are linted.
    let report = run(&["python-api-base/deployments/monitoring"]);
    assert!(!report.findings.iter().any(|f| f.rule == "template-skipped"));
}

#[test]
fn every_corpus_file_is_survived() {
    // Every format, including the ones not linted yet: nothing may panic.
    let report = run(&["."]);
    assert!(report.files.len() > 150);
}

#[test]
fn duplicate_keys_in_real_files_are_found() {
    let report = run(&["k8s/kubernetes-examples"]);
    let dups: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "duplicate-key")
        .collect();
    assert_eq!(
        dups.len(),
        3,
        "the archived openshift examples set `selector` twice"
    );
    assert!(dups.iter().all(|f| f.labels.len() == 1));
}

#[test]
fn python_api_base_replicas_under_its_hpa() {
    let report = run(&["python-api-base/deployments/k8s/base"]);
    let found: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "workload-replicas-with-autoscaler")
        .map(|f| {
            let file = &report.files[f.file];
            let at = file.line_col(f.span.start);
            format!("{}:{}:{} {}", file.path, at.line, at.column, f.message)
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].ends_with(
            "deployments/k8s/base/deployment.yaml:16:3 replicas is set to 3 while HorizontalPodAutoscaler `my-api` scales this Deployment; every apply resets the replica count the autoscaler chose"
        ),
        "{found:#?}"
    );
}
