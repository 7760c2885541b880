//! Helm charts, the three ways in: rendered input with `# Source:` comments (real renders that
//! grafana/alloy commits, Apache-2.0, copied under `tests/corpus/helm`), charts in the tree
//! rendered by `helm template`, and charts analysed without helm. Findings point at the
//! template line, or at the values line a template reads directly; the rendered place is a
//! related location.
//!
//! Helm is not installable on this project's machines, so `helm template` is a test double:
//! a shell script named `helm` that records its arguments and replays a real recorded render
//! (opentelemetry-collector's committed `examples/custom-metrics-hpa/rendered/`, made by
//! `helm template example . --values examples/custom-metrics-hpa/values.yaml`).

use crate::common::{copy_dir, project, rendered};
use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn helm_corpus() -> PathBuf {
    repo().join("tests/corpus/helm")
}

fn alloy() -> PathBuf {
    helm_corpus().join("grafana-alloy/operations/helm")
}

/// Runs the binary in `dir` with `stdin` and extra `PATH` entries first: (stdout lines,
/// stderr, exit code).
fn run(
    dir: &Path,
    args: &[&str],
    stdin: &str,
    path_first: Option<&Path>,
) -> (Vec<String>, String, i32) {
    let mut cmd = Command::cargo_bin("scalelint").unwrap();
    cmd.current_dir(dir)
        .args(args)
        .write_stdin(stdin.to_string());
    if let Some(p) = path_first {
        let old = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![p.to_path_buf()];
        paths.extend(std::env::split_paths(&old));
        cmd.env("PATH", std::env::join_paths(paths).unwrap());
    }
    let out = cmd.output().unwrap();
    (
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

const AUTOSCALING_CASE: &str = "tests/create-deployment-autoscaling/alloy";

#[test]
fn rendered_input_points_at_the_template_and_values_lines() {
    let input = rendered(&alloy().join(AUTOSCALING_CASE));
    let (lines, err, code) = run(
        &alloy(),
        &[
            "check",
            "-",
            "--format",
            "compact",
            "--chart",
            "charts/alloy",
            "--values",
            "charts/alloy/ci/create-deployment-autoscaling-values.yaml",
        ],
        &input,
        None,
    );
    assert_eq!(code, 1, "{lines:#?}{err}");
    let has = |want: &str| {
        assert!(
            lines.iter().any(|l| l.starts_with(want)),
            "no line starting {want:?} in {lines:#?}"
        );
    };
    // `minReplicas: {{ .minReplicas }}` inside `with $autoscaling`, the variable set to
    // `.Values.controller.autoscaling.horizontal`: the chart's values.yaml sets it.
    has("charts/alloy/values.yaml:405:20: error[hpa-min-replicas] minReplicas is 1");
    // Set by the CI values file the render was made with.
    has(
        "charts/alloy/ci/create-deployment-autoscaling-values.yaml:13:37: error[hpa-scale-down-window]",
    );
    // `value: {{ .value }}` inside `range .policies`: that item's line in the CI values.
    has(
        "charts/alloy/ci/create-deployment-autoscaling-values.yaml:10:20: warning[hpa-scale-down-rate]",
    );
    // A missing field: the template's key it would go under.
    has("charts/alloy/templates/controllers/deployment.yaml:16:1: warning[workload-min-replicas]");
    assert!(
        lines.iter().all(|l| !l.starts_with("<stdin>")),
        "a finding left at the rendered input: {lines:#?}"
    );
}

#[test]
fn the_rendered_place_is_a_related_location() {
    let input = rendered(&alloy().join(AUTOSCALING_CASE));
    let (lines, _, _) = run(
        &alloy(),
        &["check", "-", "--chart", "charts/alloy", "--no-color"],
        &input,
        None,
    );
    let text = lines.join("\n");
    assert!(
        text.contains("--> charts/alloy/values.yaml:405:20")
            && text.contains("--> <stdin>:159:16")
            && text.contains("as rendered"),
        "{text}"
    );
}

#[test]
fn without_the_chart_on_disk_findings_stay_at_the_rendered_lines() {
    let input = rendered(&alloy().join(AUTOSCALING_CASE));
    let dir = tempfile::tempdir().unwrap();
    let (lines, err, code) = run(
        dir.path(),
        &["check", "-", "--format", "compact"],
        &input,
        None,
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("<stdin>:159:16: error[hpa-min-replicas]")),
        "{lines:#?}"
    );
}

#[test]
fn the_chart_is_found_from_source_paths_under_the_current_folder() {
    let input = rendered(&alloy().join(AUTOSCALING_CASE));
    let (lines, err, _) = run(
        &alloy().join("charts"),
        &["check", "-", "--format", "compact"],
        &input,
        None,
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("alloy/values.yaml:405:20: error[hpa-min-replicas]")),
        "{lines:#?}{err}"
    );
}

#[test]
fn a_chart_folder_without_chart_yaml_is_refused() {
    let (_, err, code) = run(&repo(), &["check", "-", "--chart", "tests"], "", None);
    assert_eq!(code, 2);
    assert!(err.contains("no Chart.yaml"), "{err}");
}

/// A scratch project holding opentelemetry-collector's chart (without its CI values) and a
/// `helm` double on `bin/` that replays the recorded custom-metrics-hpa render.
fn otel_project(config: &str) -> tempfile::TempDir {
    let p = project(&[(".scalelint.yaml", config)]);
    let chart = p.path().join("chart");
    copy_dir(
        &helm_corpus().join("opentelemetry-collector/charts/opentelemetry-collector"),
        &chart,
    );
    std::fs::remove_dir_all(chart.join("ci")).unwrap();
    let render = rendered(&chart.join("examples/custom-metrics-hpa/rendered"));
    std::fs::write(p.path().join("recorded.yaml"), render).unwrap();
    let bin = p.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\n# A stand-in for helm (not installable here): records its arguments, replays a real render.\necho \"$@\" >> {log}\ncase \"$*\" in\n  *broken-values.yaml*) echo 'Error: execution error at (opentelemetry-collector/templates/hpa.yaml:2:3): autoscaling needs a memory request' >&2; exit 1;;\nesac\ncat {render}\n",
        log = p.path().join("helm.log").display(),
        render = p.path().join("recorded.yaml").display(),
    );
    let helm = bin.join("helm");
    std::fs::write(&helm, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helm, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    p
}

#[test]
fn charts_in_the_tree_are_rendered_by_helm_and_traced_to_values() {
    let p = otel_project(
        "helm:\n  release: example\n  values: [examples/custom-metrics-hpa/values.yaml]\n",
    );
    let (lines, err, code) = run(
        p.path(),
        &["check", "chart", "--format", "compact"],
        "",
        Some(&p.path().join("bin")),
    );
    assert_eq!(code, 1, "{lines:#?}{err}");
    let log = std::fs::read_to_string(p.path().join("helm.log")).unwrap();
    let chart = p.path().join("chart");
    assert_eq!(
        log.trim(),
        format!(
            "template example {} --namespace default --values {}",
            chart.display(),
            chart
                .join("examples/custom-metrics-hpa/values.yaml")
                .display()
        )
    );
    let has = |want: &str| {
        assert!(
            lines.iter().any(|l| l.starts_with(want)),
            "no line starting {want:?} in {lines:#?}"
        );
    };
    // `autoscaling.minReplicas: 1` in the values file the render was made with.
    has(
        "chart/examples/custom-metrics-hpa/values.yaml:11:18: error[hpa-min-replicas] minReplicas is 1; at least 2 are needed to survive losing a pod (in chart render `chart`)",
    );
    assert!(
        lines.iter().all(|l| !l.starts_with("<helm")),
        "a finding left at the render: {lines:#?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| !l.contains("template-skipped") && !l.contains("parse-error")),
        "{lines:#?}"
    );
}

#[test]
fn a_failing_render_is_a_helm_error_at_chart_yaml_and_the_run_goes_on() {
    let p = otel_project("helm:\n  release: example\n");
    std::fs::create_dir_all(p.path().join("chart/ci")).unwrap();
    std::fs::write(
        p.path().join("chart/ci/broken-values.yaml"),
        "mode: deployment\n",
    )
    .unwrap();
    let (lines, err, code) = run(
        p.path(),
        &["check", "chart", "--format", "compact"],
        "",
        Some(&p.path().join("bin")),
    );
    assert_eq!(code, 1, "{lines:#?}{err}");
    assert!(
        lines.iter().any(|l| l.starts_with(
            "chart/Chart.yaml:2:7: error[helm-error] helm cannot render `chart with ci/broken-values.yaml`: Error: execution error at (opentelemetry-collector/templates/hpa.yaml:2:3): autoscaling needs a memory request"
        )),
        "{lines:#?}"
    );
    // The default render still gave its findings.
    assert!(
        lines.iter().any(|l| l.contains("[hpa-min-replicas]")),
        "{lines:#?}"
    );
}

/// A scratch project with the dnsbl-exporter chart (a `helm create` scaffold).
fn scaffold(config: &str) -> tempfile::TempDir {
    let p = project(&[(".scalelint.yaml", config)]);
    copy_dir(
        &helm_corpus().join("scaffold-dnsbl-exporter/chart"),
        &p.path().join("chart"),
    );
    p
}

#[test]
fn without_helm_the_scaffold_is_analysed_at_its_values_lines() {
    // No helm on PATH here (`.ci/run` installs none); autoscaling turned on as a user would.
    let p = scaffold("helm:\n  set: {autoscaling.enabled: true}\n");
    let (lines, err, code) = run(p.path(), &["check", ".", "--format", "compact"], "", None);
    assert_eq!(code, 1, "{lines:#?}{err}");
    let has = |want: &str| {
        assert!(
            lines.iter().any(|l| l.starts_with(want)),
            "no line starting {want:?} in {lines:#?}"
        );
    };
    has("chart/values.yaml:52:16: error[hpa-min-replicas] minReplicas is 1");
    assert!(
        lines
            .iter()
            .all(|l| !l.contains("parse-error") && !l.starts_with("<helm")),
        "{lines:#?}"
    );
}

#[test]
fn with_autoscaling_off_the_deployment_replicas_come_from_values() {
    let p = scaffold("");
    let (lines, err, _) = run(p.path(), &["check", ".", "--format", "compact"], "", None);
    assert!(
        lines.iter().any(|l| l
            .starts_with("chart/values.yaml:1:15: warning[workload-min-replicas] replicas is 1")),
        "{lines:#?}{err}"
    );
    assert!(
        lines.iter().all(|l| !l.contains("hpa-min-replicas")),
        "{lines:#?}"
    );
}

#[test]
fn pre_commit_on_a_values_file_relints_its_chart() {
    let p = scaffold("helm:\n  set: {autoscaling.enabled: true}\n");
    let (lines, err, _) = run(
        p.path(),
        &["check", "chart/values.yaml", "--format", "compact"],
        "",
        None,
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("chart/values.yaml:52:16: error[hpa-min-replicas]")),
        "{lines:#?}{err}"
    );
    // Only the named file's findings.
    assert!(
        lines.iter().all(|l| l.starts_with("chart/values.yaml")),
        "{lines:#?}"
    );
}

#[test]
fn helm_never_leaves_templates_skipped() {
    let p = scaffold("helm:\n  enabled: never\n");
    let (lines, err, _) = run(p.path(), &["check", ".", "--format", "compact"], "", None);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("chart/templates/hpa.yaml:1:1: info[template-skipped]")),
        "{lines:#?}{err}"
    );
}

#[test]
fn helm_always_without_helm_is_an_error_per_chart() {
    let p = scaffold("helm:\n  enabled: always\n");
    let (lines, err, code) = run(p.path(), &["check", ".", "--format", "compact"], "", None);
    assert_eq!(code, 1, "{err}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("chart/Chart.yaml:") && l.contains("error[helm-error]")),
        "{lines:#?}"
    );
}

#[test]
fn no_template_of_the_copied_charts_gets_a_parse_error() {
    let (lines, err, _) = run(
        &repo(),
        &["check", "tests/corpus/helm", "--format", "compact"],
        "",
        None,
    );
    assert!(
        lines
            .iter()
            .all(|l| !(l.contains("/templates/") && l.contains("parse-error"))),
        "{lines:#?}{err}"
    );
}

#[test]
fn the_same_finding_from_objects_a_range_renders_is_said_once() {
    let p = project(&[
        (
            "chart/Chart.yaml",
            "apiVersion: v2\nname: app\nversion: 1.0.0\n",
        ),
        (
            "chart/values.yaml",
            "components: [api, worker]\nreplicas: 1\n",
        ),
        (
            "chart/templates/deployments.yaml",
            "{{- range .Values.components }}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ . }}\nspec:\n  replicas: {{ $.Values.replicas }}\n  selector:\n    matchLabels: {app: {{ . }}}\n  template:\n    metadata:\n      labels: {app: {{ . }}}\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n            limits: {cpu: 200m, memory: 128Mi}\n{{- end }}\n",
        ),
    ]);
    let (lines, err, _) = run(
        p.path(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--select",
            "workload-min-replicas",
        ],
        "",
        None,
    );
    let json: serde_json::Value = serde_json::from_str(&lines.join("\n")).unwrap_or_else(|e| {
        panic!("{e}: {lines:#?}{err}");
    });
    let found = json["diagnostics"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    // `replicas: {{ $.Values.replicas }}`: the values line, once for both Deployments.
    assert_eq!(f["path"], "chart/values.yaml");
    assert_eq!(f["start"]["line"], 2);
    assert_eq!(f["start"]["column"], 11);
    let rendered: Vec<&serde_json::Value> = f["labels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| {
            l["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("as rendered")
        })
        .collect();
    assert_eq!(rendered.len(), 2, "{f:#}");
    // The same from rendered input (no render to name): once, with both rendered places.
    let doc = |name: &str| {
        format!(
            "---\n# Source: app/templates/deployments.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n"
        )
    };
    let input = doc("api") + &doc("worker");
    let (lines, err, _) = run(
        p.path(),
        &[
            "check",
            "-",
            "--chart",
            "chart",
            "--format",
            "compact",
            "--select",
            "workload-min-replicas",
        ],
        &input,
        None,
    );
    assert_eq!(
        lines,
        [
            "chart/values.yaml:2:11: warning[workload-min-replicas] replicas is 1 and no autoscaler scales this Deployment; at least 2 are needed to survive losing a pod"
        ],
        "{err}"
    );
}

#[test]
fn a_render_of_another_chart_is_not_traced_to_the_one_given() {
    let input = rendered(&alloy().join(AUTOSCALING_CASE));
    let other = helm_corpus().join("scaffold-dnsbl-exporter/chart");
    let (lines, err, _) = run(
        &repo(),
        &[
            "check",
            "-",
            "--chart",
            other.to_str().unwrap(),
            "--format",
            "compact",
        ],
        &input,
        None,
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("<stdin>:159:16: error[hpa-min-replicas]")),
        "{lines:#?}{err}"
    );
}

#[test]
fn suppressions_written_in_templates_work_where_they_render() {
    let hpa = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
  annotations:
    scalelint.io/ignore: \"hpa-utilization-target -- scales on queue length elsewhere\"
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  # scalelint-disable-next-line hpa-min-replicas -- a lab
  minReplicas: {{ .Values.min }}
  maxReplicas: 4
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
        - {type: Percent, value: 10, periodSeconds: 60}
";
    let p = project(&[
        (
            "chart/Chart.yaml",
            "apiVersion: v2\nname: app\nversion: 1.0.0\n",
        ),
        ("chart/values.yaml", "min: 1\n"),
        ("chart/templates/hpa.yaml", hpa),
    ]);
    let (lines, err, code) = run(
        p.path(),
        &[
            "check",
            ".",
            "--format",
            "compact",
            "--select",
            "hpa-min-replicas,hpa-utilization-target,suppression-unused",
        ],
        "",
        None,
    );
    assert_eq!((code, lines.len()), (0, 0), "{lines:#?}{err}");
    // Without the comment, the finding is at the values line.
    std::fs::write(
        p.path().join("chart/templates/hpa.yaml"),
        hpa.replace(
            "  # scalelint-disable-next-line hpa-min-replicas -- a lab\n",
            "",
        ),
    )
    .unwrap();
    let (lines, _, _) = run(
        p.path(),
        &[
            "check",
            ".",
            "--format",
            "compact",
            "--select",
            "hpa-min-replicas",
        ],
        "",
        None,
    );
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with("chart/values.yaml:1:6: error[hpa-min-replicas]"),
        "{lines:#?}"
    );
}

#[test]
fn a_library_chart_is_not_rendered_and_its_templates_are_not_yaml() {
    let p = project(&[
        (".scalelint.yaml", "helm:\n  enabled: always\n"),
        (
            "lib/Chart.yaml",
            "apiVersion: v2\nname: lib\ntype: library\nversion: 1.0.0\n",
        ),
        (
            "lib/templates/_deployment.yaml",
            "{{- define \"lib.deployment\" -}}\nkind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n{{- end }}\n",
        ),
    ]);
    let (lines, err, code) = run(p.path(), &["check", ".", "--format", "compact"], "", None);
    // Not even `helm-error` for a missing helm: a library is never installed.
    assert_eq!((code, lines.len()), (0, 0), "{lines:#?}{err}");
}

#[test]
fn without_helm_what_a_subchart_would_render_is_not_said_to_be_missing() {
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {{ .Release.Name }}-backend\n  minReplicas: 2\n  maxReplicas: 4\n";
    let files = |with_subchart: bool| {
        let mut f = vec![
            (
                "app/Chart.yaml",
                "apiVersion: v2\nname: app\nversion: 1.0.0\n",
            ),
            ("app/templates/hpa.yaml", hpa),
            // A workload of the parent's own, so the rule judges the namespace.
            (
                "app/templates/frontend.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: frontend\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: frontend}\n  template:\n    metadata:\n      labels: {app: frontend}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
            ),
        ];
        if with_subchart {
            f.push((
                "app/charts/backend/Chart.yaml",
                "apiVersion: v2\nname: backend\nversion: 1.0.0\n",
            ));
        }
        f
    };
    let check = |with_subchart: bool| {
        let p = project(&files(with_subchart));
        let (lines, _, _) = run(
            p.path(),
            &[
                "check",
                ".",
                "--format",
                "compact",
                "--select",
                "hpa-target-not-found",
            ],
            "",
            None,
        );
        lines
    };
    assert_eq!(check(false).len(), 1, "{:#?}", check(false));
    assert!(check(true).is_empty(), "{:#?}", check(true));
}

#[test]
fn a_subchart_value_the_parent_overrides_points_at_the_parent_values() {
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: backend\nspec:\n  replicas: {{ .Values.replicaCount }}\n";
    let p = project(&[
        (
            "app/Chart.yaml",
            "apiVersion: v2\nname: app\nversion: 1.0.0\n",
        ),
        ("app/values.yaml", "backend:\n  replicaCount: 1\n"),
        (
            "app/charts/backend/Chart.yaml",
            "apiVersion: v2\nname: backend\nversion: 1.0.0\n",
        ),
        ("app/charts/backend/values.yaml", "replicaCount: 2\n"),
        ("app/charts/backend/templates/deploy.yaml", deploy),
    ]);
    let input = "---\n# Source: app/charts/backend/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: backend\nspec:\n  replicas: 1\n";
    let (lines, err, _) = run(
        p.path(),
        &[
            "check",
            "-",
            "--chart",
            "app",
            "--format",
            "compact",
            "--select",
            "workload-min-replicas",
        ],
        input,
        None,
    );
    assert_eq!(
        lines,
        [
            "app/values.yaml:2:17: warning[workload-min-replicas] replicas is 1 and no autoscaler scales this Deployment; at least 2 are needed to survive losing a pod"
        ],
        "{err}"
    );
}
