//! Grafana dashboards from public projects (copied into `tests/corpus/grafana`, and, opt-in,
//! every dashboard of `../shared/corpus/grafana`): each is recognised, each panel query is
//! parsed with its template variables substituted and none is reported as a syntax error, and
//! the findings are where they belong.

use crate::common::{CORPUS, files_with, lint_files, place, shared_corpus};
use scalelint::model::{Format, Object};
use scalelint::sources::classify::Kind;
use scalelint::sources::grafana::DASHBOARD;
use scalelint::sources::load;
use scalelint::sources::prometheus::queries;
use scalelint::sources::promql::Checked;
use std::path::Path;

/// The dashboards of a file and how many panel queries parse (none may fail).
fn dashboards(path: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let loaded = load(0, path.display().to_string(), text, Kind::Yaml);
    let boards: Vec<&Object> = loaded
        .objects
        .iter()
        .filter(|o| o.format == Format::Prometheus && o.kind == DASHBOARD)
        .collect();
    let mut parsed = 0;
    for b in &boards {
        for q in queries(b) {
            match q.parse().map(|p| p.checked) {
                Some(Checked::Valid(_)) => parsed += 1,
                Some(Checked::Invalid(e)) => panic!(
                    "{}: {} does not parse: {} ({:?})",
                    path.display(),
                    q.owner,
                    e.message,
                    q.node.text()
                ),
                _ => {}
            }
        }
    }
    (boards.len(), parsed)
}

fn sweep(dir: &Path) -> (usize, usize, usize) {
    let paths = files_with(dir, &["json", "yaml"]);
    let (mut boards, mut parsed) = (0, 0);
    for p in &paths {
        let (b, q) = dashboards(p);
        assert!(b > 0, "{}: no dashboard recognised", p.display());
        boards += b;
        parsed += q;
    }
    let report = lint_files(&paths);
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| {
            matches!(
                &*f.rule,
                "promql-syntax" | "parse-error" | "schema-violation"
            )
        })
        .map(|f| (place(&report, f), f.message.clone()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    (paths.len(), boards, parsed)
}

#[test]
fn copied_dashboards_parse_and_are_judged_in_place() {
    let dir = Path::new(CORPUS).join("grafana");
    let (files, boards, parsed) = sweep(&dir);
    // knative's ConfigMap embeds two dashboards as JSON strings.
    assert_eq!((files, boards), (5, 6));
    assert!(parsed >= 130, "only {parsed} queries parsed");

    let paths = files_with(&dir, &["json", "yaml"]);
    let report = lint_files(&paths);
    let found: Vec<(String, usize, usize, &str, String)> = report
        .findings
        .iter()
        .map(|f| {
            let (file, line, column) = place(&report, f);
            let at = report.files[f.file].slice(f.span).to_string();
            (
                file.trim_start_matches("tests/corpus/grafana/").to_string(),
                line,
                column,
                &*f.rule,
                at,
            )
        })
        .collect();
    let has = |file: &str, line: usize, column: usize, rule: &str, at: &str| {
        assert!(
            found.iter().any(|f| f.0.ends_with(file)
                && f.1 == line
                && f.2 == column
                && f.3 == rule
                && f.4 == at),
            "{file}:{line}:{column} {rule} `{at}` not in {found:#?}"
        );
    };
    has(
        "k8s-views-global.json",
        585,
        24,
        "promql-deprecated-metric",
        "kube_hpa_labels",
    );
    has("k8s-container.json", 220, 84, "grafana-rate-interval", "2m");
    has(
        "keda-dashboard.json",
        176,
        72,
        "grafana-rate-interval",
        "5m",
    );
    has(
        "keda-dashboard.json",
        996,
        12,
        "grafana-scaling-panels",
        "\"KEDA\"",
    );
    has(
        "kubernetes-autoscaling-mixin-hpa.json",
        557,
        13,
        "grafana-scaling-panels",
        "\"Kubernetes / Autoscaling / Horizontal Pod Autoscaler\"",
    );
    let count = |rule: &str| found.iter().filter(|f| f.3 == rule).count();
    assert_eq!(
        (
            count("grafana-rate-interval"),
            count("grafana-scaling-panels"),
            found.len()
        ),
        (8, 3, 12),
        "{found:#?}"
    );
}

#[test]
fn every_shared_dashboard_parses_opt_in() {
    let Some(shared) = shared_corpus("every Grafana dashboard of ../shared/corpus/grafana") else {
        return;
    };
    let (files, boards, parsed) = sweep(&shared.join("grafana"));
    assert!(
        files >= 20 && boards >= files,
        "{files} files, {boards} dashboards"
    );
    assert!(parsed > 450, "only {parsed} queries parsed");
}
