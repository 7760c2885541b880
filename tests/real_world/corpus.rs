//! Real-world inputs: no panic, no parse-error on well-formed files, and the findings the
//! Scaling Guide's own project is known to deserve (that project has no licence, so those
//! checks are opt-in).

use crate::common::{CORPUS, copied_count, corpus, lint_files, shared_corpus, under};
use scalelint::Report;
use std::path::Path;

fn run(root: &Path, paths: &[&str]) -> Report {
    lint_files(paths.iter().map(|p| under(root, p)))
}

/// `run`, then no file may be a parse or read error.
fn parses_without_errors(root: &Path, paths: &[&str]) -> Report {
    let report = run(root, paths);
    let parse_errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "parse-error" || f.rule == "io-error")
        .map(|f| format!("{}: {}", report.files[f.file].path, f.message))
        .collect();
    assert!(parse_errors.is_empty(), "{parse_errors:#?}");
    report
}

#[test]
fn kubernetes_corpus_parses_without_errors() {
    let report = parses_without_errors(Path::new(CORPUS), &["k8s"]);
    assert_eq!(report.files.len(), copied_count("k8s/", |_| true));
    assert!(report.objects > 100, "{}", report.objects);
}

#[test]
fn kubernetes_corpus_parses_without_errors_opt_in() {
    let Some(root) = shared_corpus(
        "parsing every Kubernetes file of the shared corpus (k8s/ and python-api-base/, which \
         has no licence)",
    ) else {
        return;
    };
    let report = parses_without_errors(&root, &["k8s", "python-api-base"]);
    assert!(
        report.files.len() > 100,
        "corpus not found: {} files",
        report.files.len()
    );
    assert!(report.objects > 100);
}

#[test]
fn helm_templates_are_analysed_or_skipped_not_parse_errors_opt_in() {
    let Some(root) = shared_corpus(
        "python-api-base's Helm templates and monitoring files (the project has no licence)",
    ) else {
        return;
    };
    let report = run(&root, &["python-api-base/deployments/helm"]);
    assert!(!report.findings.iter().any(|f| f.rule == "parse-error"));
    // The chart (`api/`, with its Chart.yaml) is rendered without helm; the one template
    // outside any chart (`templates/grpc-service.yaml`) is skipped.
    let skipped: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "template-skipped")
        .map(|f| report.files[f.file].path.as_str())
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped
            .iter()
            .all(|p| p.ends_with("helm/templates/grpc-service.yaml"))
    );
    // Prometheus and Alertmanager files use `{{ }}` inside strings: they are linted.
    let report = run(&root, &["python-api-base/deployments/monitoring"]);
    assert!(!report.findings.iter().any(|f| f.rule == "template-skipped"));
}

#[test]
fn every_corpus_file_is_survived() {
    // Every format, including the ones not linted yet: nothing may panic.
    let report = run(Path::new(CORPUS), &["."]);
    // A walk reads files by extension: every copied file but PgBouncer's userlist.txt, the
    // YAML test suite's ReadMe.md and License, and the Kustomize examples' non-YAML inputs.
    // The Kustomize examples' generator inputs (`.env`, `.txt`) and notes (`.md`) have no
    // extension a walk reads.
    let unread = |f: &str| {
        f.ends_with("userlist.txt")
            || (f.starts_with("yaml-test-suite/") && !f.ends_with(".yaml"))
            || (f.starts_with("kustomize/")
                && [".env", ".txt", ".md"].iter().any(|ext| f.ends_with(ext)))
            // Helm helpers, notes and ignore files, and Alloy's own configuration language.
            || (f.starts_with("helm/")
                && [".tpl", ".txt", ".helmignore", ".alloy"]
                    .iter()
                    .any(|ext| f.ends_with(ext)))
    };
    let walked = |f: &str| !unread(f);
    // Kustomize overlays and Helm charts are also linted as rendered: those outputs are kept
    // as files where a finding's related location points into them; they are not copies. A
    // chart's `.tpl` helpers are not walked, but are kept where a finding was traced into a
    // named template they define.
    let on_disk = report
        .files
        .iter()
        .filter(|f| {
            !f.path.starts_with("<kustomize build")
                && !f.path.starts_with("<helm template")
                && !f.path.ends_with(".tpl")
        })
        .count();
    assert_eq!(on_disk, copied_count("", walked));
}

#[test]
fn every_corpus_file_is_survived_opt_in() {
    let Some(root) = shared_corpus("linting the whole shared corpus (every format)") else {
        return;
    };
    let report = run(&root, &["."]);
    assert!(report.files.len() > 150);
}

/// The archived openshift examples set `selector` twice; no other kubernetes/examples file
/// has a duplicate key.
fn duplicate_keys_in_kubernetes_examples(root: &Path) {
    let report = run(root, &["k8s/kubernetes-examples"]);
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
    assert!(
        dups.iter()
            .all(|f| report.files[f.file].path.contains("openshift-origin")),
        "{dups:#?}"
    );
}

#[test]
fn duplicate_keys_in_real_files_are_found() {
    // The copy holds the three openshift files (and the CockroachDB example).
    duplicate_keys_in_kubernetes_examples(Path::new(CORPUS));
}

#[test]
fn duplicate_keys_in_real_files_are_found_opt_in() {
    let Some(root) = shared_corpus("the duplicate-key check over all 29 kubernetes/examples files")
    else {
        return;
    };
    duplicate_keys_in_kubernetes_examples(&root);
}

#[test]
fn python_api_base_replicas_under_its_hpa_opt_in() {
    let Some(root) =
        shared_corpus("python-api-base's replicas under its HPA (the project has no licence)")
    else {
        return;
    };
    let report = run(&root, &["python-api-base/deployments/k8s/base"]);
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

#[test]
fn the_corpus_helpers_refuse_a_missing_file() {
    // `corpus` and `under` fail rather than let a test run on nothing.
    assert!(std::panic::catch_unwind(|| corpus("k8s/no-such-folder")).is_err());
    assert!(corpus("k8s/kube-score").is_dir());
}
