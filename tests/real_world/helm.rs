//! Real Helm charts paired with the renders their repositories commit: grafana/alloy's CI
//! cases and opentelemetry-collector's examples (copied, Apache-2.0), and (opt-in) every pair
//! of the shared corpus, pyroscope's, and python-api-base's chart analysed without helm.
//! Every finding on a rendered object moves into the chart: to the template line that writes
//! the key, or to the values line a template reads directly.

use crate::common::{corpus, place, rendered, shared_corpus};
use scalelint::Report;
use scalelint::engine::{Options, helm, lint};
use std::path::{Path, PathBuf};

/// `path:line:col: rule` of every finding, paths relative to `base`.
fn lines(report: &Report, base: &Path) -> Vec<String> {
    let base = base.to_string_lossy().to_string();
    report
        .findings
        .iter()
        .map(|f| {
            let (path, line, column) = place(report, f);
            let path = path
                .strip_prefix(&base)
                .map(|p| p.trim_start_matches('/'))
                .unwrap_or(path);
            format!("{path}:{line}:{column}: {}", f.rule)
        })
        .collect()
}

/// Lints the render `text` (as a file holding Helm's `# Source:` comments) with the chart
/// on disk and the values files it was made with.
fn lint_render(text: &str, chart: &Path, values: &[PathBuf]) -> (Report, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rendered.yaml");
    std::fs::write(&file, text).unwrap();
    let rules = scalelint::project::builtin_rules().unwrap();
    let opts = Options {
        paths: vec![file],
        helm: helm::Settings {
            chart: Some(chart.to_path_buf()),
            input_values: values.to_vec(),
            ..Default::default()
        },
        ..Default::default()
    };
    (lint(&opts, &rules), dir)
}

/// No finding left in the rendered file: all moved into the chart.
fn assert_in_chart(report: &Report, chart: &Path) {
    assert_in_chart_but(report, chart, &|_| false);
}

/// The same, but findings at the rendered lines `allowed` says may stay (objects whose
/// templates are not on disk).
fn assert_in_chart_but(report: &Report, chart: &Path, allowed: &dyn Fn(usize) -> bool) {
    let chart = chart.canonicalize().unwrap();
    for f in &report.findings {
        let path = Path::new(&report.files[f.file].path);
        let abs = std::env::current_dir().unwrap().join(path);
        let (_, line, _) = place(report, f);
        assert!(
            abs.canonicalize().is_ok_and(|p| p.starts_with(&chart)) || allowed(line),
            "a finding outside the chart: {} {} {}",
            path.display(),
            f.rule,
            f.message
        );
    }
}

fn alloy_case(root: &Path, case: &str) -> (Report, PathBuf, tempfile::TempDir) {
    let chart = root.join("charts/alloy");
    let values = chart.join(format!("ci/{case}-values.yaml"));
    let text = rendered(&root.join("tests").join(case));
    let (report, dir) = lint_render(&text, &chart, &[values]);
    (report, chart, dir)
}

#[test]
fn alloy_autoscaling_findings_are_at_the_values_and_template_lines() {
    let root = corpus("helm/grafana-alloy/operations/helm");
    let (report, chart, _dir) = alloy_case(&root, "create-deployment-autoscaling");
    assert_in_chart(&report, &chart);
    let got = lines(&report, &std::env::current_dir().unwrap());
    let c = "tests/corpus/helm/grafana-alloy/operations/helm/charts/alloy";
    for want in [
        format!("{c}/ci/create-deployment-autoscaling-values.yaml:13:37: hpa-scale-down-window"),
        format!("{c}/templates/controllers/deployment.yaml:16:1: workload-min-replicas"),
        format!("{c}/ci/create-deployment-autoscaling-values.yaml:10:20: hpa-scale-down-rate"),
        format!("{c}/values.yaml:405:20: hpa-min-replicas"),
    ] {
        assert!(got.contains(&want), "no {want} in {got:#?}");
    }
}

#[test]
fn alloy_pdb_findings_are_at_the_values_lines() {
    let root = corpus("helm/grafana-alloy/operations/helm");
    let (report, chart, _dir) = alloy_case(&root, "controller-deployment-pdb-min-available");
    assert_in_chart(&report, &chart);
    let got = lines(&report, &std::env::current_dir().unwrap());
    let c = "tests/corpus/helm/grafana-alloy/operations/helm/charts/alloy";
    for want in [
        format!(
            "{c}/ci/controller-deployment-pdb-min-available-values.yaml:5:19: pdb-blocks-eviction"
        ),
        format!("{c}/values.yaml:285:13: workload-min-replicas"),
    ] {
        assert!(got.contains(&want), "no {want} in {got:#?}");
    }
}

#[test]
fn opentelemetry_custom_metrics_hpa_is_traced_to_the_example_values() {
    let chart = corpus("helm/opentelemetry-collector/charts/opentelemetry-collector");
    let example = chart.join("examples/custom-metrics-hpa");
    let text = rendered(&example.join("rendered"));
    let (report, _dir) = lint_render(&text, &chart, &[example.join("values.yaml")]);
    assert_in_chart(&report, &chart);
    let got = lines(&report, &std::env::current_dir().unwrap());
    let want = "tests/corpus/helm/opentelemetry-collector/charts/opentelemetry-collector/examples/custom-metrics-hpa/values.yaml:11:18: hpa-min-replicas";
    assert!(got.iter().any(|l| l == want), "no {want} in {got:#?}");
}

#[test]
fn every_alloy_case_and_example_is_traced_into_its_chart_opt_in() {
    let Some(shared) = shared_corpus("every committed render of the shared corpus's charts") else {
        return;
    };
    let root = shared.join("helm/grafana-alloy/operations/helm");
    let mut cases = 0;
    for e in std::fs::read_dir(root.join("tests")).unwrap().flatten() {
        let case = e.file_name().to_string_lossy().to_string();
        if !root
            .join(format!("charts/alloy/ci/{case}-values.yaml"))
            .is_file()
        {
            continue;
        }
        let (report, chart, _dir) = alloy_case(&root, &case);
        assert_in_chart(&report, &chart);
        cases += 1;
    }
    assert!(cases >= 10, "only {cases} alloy cases");
    let chart = shared.join("helm/opentelemetry-collector/charts/opentelemetry-collector");
    for e in std::fs::read_dir(chart.join("examples")).unwrap().flatten() {
        if !e.path().join("rendered").is_dir() {
            continue;
        }
        let text = rendered(&e.path().join("rendered"));
        let (report, _dir) = lint_render(&text, &chart, &[e.path().join("values.yaml")]);
        assert_in_chart(&report, &chart);
    }
    // pyroscope (AGPL-3.0, read in place): 4 HPAs and 7 PDBs rendered from a values file.
    // Its subcharts (alloy, minio) are not in the repository: their objects' findings stay
    // at the rendered lines.
    let chart = shared.join("helm/pyroscope/operations/pyroscope/helm/pyroscope");
    let text =
        std::fs::read_to_string(chart.join("rendered/legacy-micro-services-hpa.yaml")).unwrap();
    let mut subchart_lines = Vec::new();
    let mut in_subchart = false;
    for (i, line) in text.lines().enumerate() {
        if line == "---" {
            in_subchart = false;
        } else if let Some(source) = line.strip_prefix("# Source: ") {
            in_subchart = source.starts_with("pyroscope/charts/");
        }
        if in_subchart {
            subchart_lines.push(i + 1);
        }
    }
    let (report, _dir) = lint_render(
        &text,
        &chart,
        &[chart.join("values-micro-services-hpa.yaml")],
    );
    assert_in_chart_but(&report, &chart, &|line| subchart_lines.contains(&line));
    // The querier HPA's 60 s scale-down window: `scaleDown: {{ toYaml . | nindent 6 }}` of a
    // merged dict, so the template line. Three HPAs without `behavior`: one finding at their
    // template's `spec:`, with each rendered place.
    let got = lines(&report, &chart);
    for want in [
        "templates/hpa.yaml:46:16: hpa-scale-down-window",
        "templates/hpa.yaml:16:1: hpa-scale-down-rate",
    ] {
        assert_eq!(
            got.iter().filter(|l| l.ends_with(want)).count(),
            1,
            "{want} in {got:#?}"
        );
    }
}

#[test]
fn python_api_base_chart_without_helm_opt_in() {
    let Some(shared) = shared_corpus("python-api-base's chart (no licence: not copied)") else {
        return;
    };
    let chart = shared.join("python-api-base/deployments/helm/api");
    let report = crate::common::lint_files([&chart]);
    let got = lines(&report, &shared);
    let c = "python-api-base/deployments/helm/api";
    // The HPA has no `behavior`: Kubernetes' default scale-down (100% per 15 s) at `spec:`;
    // the Deployment has no `strategy`: 25% of up to 10 replicas at once. Its PDB
    // (`minAvailable: 1` under `minReplicas: 3`) and resources (requests below limits) are
    // fine, and the Deployment renders without `replicas` because autoscaling is on.
    assert_eq!(
        got,
        [
            format!("{c}/templates/deployment.yaml:7:1: deployment-rolling-update"),
            format!("{c}/templates/hpa.yaml:8:1: hpa-scale-down-rate"),
        ],
        "{got:#?}"
    );
}
