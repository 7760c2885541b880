//! Prometheus rules: samber's awesome-prometheus-alerts rule files, kube-prometheus'
//! PrometheusRule objects and the KEDA docs' prometheus triggers (copied into `tests/corpus`),
//! and, opt-in, the python-api-base project's alerts (no licence). All are valid PromQL;
//! samber's `for: 0m` alerts lack a `for`.

use crate::common::{CORPUS, lint_files, shared_corpus, under};
use scalelint::Report;
use scalelint::model::Format;
use scalelint::sources::classify::Kind;
use scalelint::sources::prometheus::{PROMETHEUS_RULE, RULE_FILE, queries};
use scalelint::sources::promql::{Checked, check};
use scalelint::sources::{load, prometheus};
use std::path::{Path, PathBuf};

fn run(paths: &[&str]) -> Report {
    run_in(Path::new(CORPUS), paths)
}

fn run_in(root: &Path, paths: &[&str]) -> Report {
    lint_files(paths.iter().map(|p| under(root, p)))
}

fn files(dir: &str) -> Vec<PathBuf> {
    files_in(Path::new(CORPUS), dir)
}

fn files_in(root: &Path, dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(under(root, dir))
        .expect("corpus dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    out.sort();
    out
}

fn findings<'a>(report: &'a Report, rule: &str) -> Vec<(&'a str, String)> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            let file = &report.files[f.file];
            (file.path.as_str(), file.slice(f.span).to_string())
        })
        .collect()
}

/// Every expression of these files is valid PromQL, and each file is the kind of rule file
/// its name says; returns the rule files, PrometheusRule objects and expressions seen.
fn every_expression_is_valid_promql(paths: &[PathBuf]) -> (usize, usize, usize) {
    let mut expressions = 0;
    let mut rule_files = 0;
    let mut prometheus_rules = 0;
    for path in paths {
        let text = std::fs::read_to_string(path).unwrap();
        let loaded = load(0, path.display().to_string(), text, Kind::Yaml);
        let objs: Vec<_> = loaded
            .objects
            .iter()
            .filter(|o| o.format == Format::Prometheus)
            .collect();
        let name = path.file_name().unwrap().to_str().unwrap();
        // promtool's unit-test file (`rule_files:` and `tests:`) is not a rule file.
        if name.ends_with("-tests.yml") {
            assert!(objs.is_empty(), "{name}");
        } else if name.starts_with("prometheus-alerts") || name.starts_with("samber") {
            assert!(
                objs.iter().any(|o| o.kind == RULE_FILE),
                "{name}: not a rule file"
            );
        }
        if name.starts_with("prometheus-operator") {
            assert!(
                objs.iter().any(|o| o.kind == PROMETHEUS_RULE),
                "{name}: no PrometheusRule"
            );
        }
        rule_files += objs.iter().filter(|o| o.kind == RULE_FILE).count();
        prometheus_rules += objs.iter().filter(|o| o.kind == PROMETHEUS_RULE).count();
        for o in objs {
            for q in queries(o) {
                let expr = q.node.text().unwrap();
                expressions += 1;
                match check(expr) {
                    Checked::Valid(_) => {}
                    other => panic!("{name}: {} {expr:?}: {other:?}", q.owner),
                }
            }
        }
    }
    (rule_files, prometheus_rules, expressions)
}

#[test]
fn every_corpus_expression_is_valid_promql() {
    let (rule_files, prometheus_rules, expressions) =
        every_expression_is_valid_promql(&files("prometheus"));
    // samber's seven rule files and kube-prometheus' four PrometheusRules.
    assert_eq!(rule_files, 7);
    assert_eq!(prometheus_rules, 4);
    assert!(expressions > 250, "only {expressions} expressions");
}

#[test]
fn every_corpus_expression_is_valid_promql_opt_in() {
    let Some(root) = shared_corpus(
        "the PromQL of the shared corpus's prometheus/ and python-api-base's monitoring files \
         (no licence)",
    ) else {
        return;
    };
    let mut paths = files_in(&root, "prometheus");
    paths.extend(files_in(&root, "python-api-base/deployments/monitoring"));
    let (rule_files, prometheus_rules, expressions) = every_expression_is_valid_promql(&paths);
    assert!(rule_files >= 11, "{rule_files}");
    assert_eq!(prometheus_rules, 4);
    assert!(expressions > 300, "only {expressions} expressions");
}

/// No PromQL, parse or read error, and only the KEDA docs page that is a real template is
/// skipped.
fn rules_are_linted_not_skipped_and_parse(report: &Report) {
    for rule in ["promql-syntax", "parse-error", "io-error"] {
        let found = findings(report, rule);
        assert!(found.is_empty(), "{rule}: {found:#?}");
    }
    // `{{ $labels.x }}` in annotations is ordinary text: only the KEDA docs page that is a
    // real template is skipped.
    let skipped = findings(report, "template-skipped");
    assert!(
        skipped
            .iter()
            .all(|(p, _)| p.contains("keda-docs__scalers__prometheus__block9")),
        "{skipped:#?}"
    );
}

#[test]
fn corpus_rules_are_linted_not_skipped_and_parse() {
    let report = run(&["prometheus", "k8s/keda-docs"]);
    assert!(report.objects > 0);
    rules_are_linted_not_skipped_and_parse(&report);
    assert_eq!(findings(&report, "template-skipped").len(), 1);
}

#[test]
fn corpus_rules_are_linted_not_skipped_and_parse_opt_in() {
    let Some(root) = shared_corpus(
        "linting python-api-base's Prometheus and Alertmanager files (no licence) with the rest",
    ) else {
        return;
    };
    let report = run_in(
        &root,
        &[
            "prometheus",
            "python-api-base/deployments/monitoring",
            "k8s/keda-docs",
        ],
    );
    rules_are_linted_not_skipped_and_parse(&report);
}

#[test]
fn samber_for_0m_alerts_have_no_for() {
    let report = run(&["prometheus"]);
    let found = findings(&report, "alert-missing-for");
    let samber: Vec<_> = found
        .iter()
        .filter(|(p, _)| p.contains("samber-awesome-prometheus-alerts"))
        .collect();
    let expected: usize = files("prometheus")
        .iter()
        .filter(|p| p.to_str().unwrap().contains("samber"))
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .filter(|l| l.trim() == "for: 0m")
                .count()
        })
        .sum();
    assert_eq!(expected, 51);
    assert_eq!(samber.len(), expected, "{samber:#?}");
    assert!(samber.iter().all(|(_, at)| at == "0m"), "{samber:#?}");
    // kube-prometheus' alerts without `for` (certificate expiry, KubeJobNotCompleted) and
    // its `for: 0s` KubeNodeEviction.
    let kube_prometheus: Vec<&str> = found
        .iter()
        .filter(|(p, _)| p.contains("kube-prometheus"))
        .map(|(_, at)| at.as_str())
        .collect();
    assert_eq!(
        kube_prometheus,
        ["alert", "0s", "alert", "alert", "alert", "alert"]
    );
}

#[test]
fn corpus_uses_the_current_hpa_metric_names() {
    // kube-prometheus already uses kube_horizontalpodautoscaler_*: nothing to report.
    let report = run(&["prometheus"]);
    assert!(findings(&report, "promql-deprecated-metric").is_empty());
    // KEDA triggers are Prometheus objects too.
    let text = std::fs::read_to_string(under(
        Path::new(CORPUS),
        "k8s/keda-docs/kedacore-keda-docs__scalers__prometheus__block2.yaml",
    ))
    .unwrap();
    let loaded = load(0, "k.yaml".into(), text, Kind::Yaml);
    let keda: Vec<_> = loaded
        .objects
        .iter()
        .filter(|o| o.kind == prometheus::KEDA_TRIGGERS)
        .collect();
    assert!(keda.iter().map(|o| queries(o).len()).sum::<usize>() >= 1);
}
