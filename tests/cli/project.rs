//! Project-root indexing through the real binary: when only some files are named (as
//! pre-commit does), cross-resource references resolve against the whole project, and only
//! findings in the named files are reported.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const HPA: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
        - type: Percent
          value: 10
          periodSeconds: 60
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 60
";

/// Full of problems of its own (replicas under an HPA, no resources, no PDB, a 25% rollout),
/// none of which may be reported when only the HPA is named.
const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: example/web:1.0.0
";

/// A project in a temporary folder: `marker` (`.scalelint.yaml` or `.git`) at its root,
/// `deploy/hpa.yaml` and its target in `deploy/deployment.yaml`.
fn project(marker: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    if marker == ".git" {
        std::fs::create_dir(root.join(".git")).unwrap();
    } else {
        std::fs::write(root.join(marker), "# scalelint configuration\n").unwrap();
    }
    std::fs::create_dir(root.join("deploy")).unwrap();
    std::fs::write(root.join("deploy/hpa.yaml"), HPA).unwrap();
    std::fs::write(root.join("deploy/deployment.yaml"), DEPLOYMENT).unwrap();
    dir
}

fn check(cwd: &Path, args: &[&str]) -> (Value, i32) {
    let out = Command::cargo_bin("scalelint")
        .unwrap()
        .current_dir(cwd)
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).expect("json output");
    (json, out.status.code().unwrap_or(-1))
}

fn rules_and_paths(json: &Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["path"].as_str().unwrap(),
                d["rule"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_named_file_resolves_its_target_in_a_sibling_and_reports_nothing_about_it() {
    for marker in [".scalelint.yaml", ".git"] {
        let dir = project(marker);
        let (json, code) = check(dir.path(), &["deploy/hpa.yaml"]);
        // The Deployment was found: no hpa-target-not-found; its container lacks the cpu
        // request the HPA needs, and the label points into the sibling file.
        assert_eq!(
            rules_and_paths(&json),
            ["deploy/hpa.yaml hpa-target-missing-requests"],
            "{marker}: {json:#}"
        );
        let label = &json["diagnostics"][0]["labels"][0];
        assert_eq!(label["path"], "deploy/deployment.yaml", "{json:#}");
        assert_eq!(label["start"]["line"], 16);
        // Only the named file counts as checked.
        assert_eq!(json["summary"]["files"], 1);
        assert_eq!(json["summary"]["objects"], 1);
        assert_eq!(code, 1);
    }
}

#[test]
fn the_root_is_found_from_a_subfolder_and_sibling_paths_are_relative() {
    let dir = project(".scalelint.yaml");
    std::fs::create_dir(dir.path().join("apps")).unwrap();
    std::fs::rename(
        dir.path().join("deploy/deployment.yaml"),
        dir.path().join("apps/deployment.yaml"),
    )
    .unwrap();
    let (json, _) = check(&dir.path().join("deploy"), &["hpa.yaml"]);
    assert_eq!(
        rules_and_paths(&json),
        ["hpa.yaml hpa-target-missing-requests"],
        "{json:#}"
    );
    assert_eq!(
        json["diagnostics"][0]["labels"][0]["path"],
        "../apps/deployment.yaml"
    );
}

#[test]
fn a_named_folder_is_named_in_full() {
    let dir = project(".scalelint.yaml");
    let (json, _) = check(dir.path(), &["."]);
    let found = rules_and_paths(&json);
    assert!(
        found.contains(&"deploy/deployment.yaml workload-replicas-with-autoscaler".to_string()),
        "{found:#?}"
    );
    assert!(found.contains(&"deploy/hpa.yaml hpa-target-missing-requests".to_string()));
    assert_eq!(json["summary"]["files"], 2);
    let (json, _) = check(dir.path(), &["deploy"]);
    assert_eq!(json["summary"]["files"], 2);
}

#[test]
fn a_named_folder_sets_the_scope_and_the_rest_of_the_project_is_not_read() {
    let dir = project(".scalelint.yaml");
    std::fs::create_dir(dir.path().join("other")).unwrap();
    std::fs::rename(
        dir.path().join("deploy/deployment.yaml"),
        dir.path().join("other/deployment.yaml"),
    )
    .unwrap();
    let (json, _) = check(dir.path(), &["deploy"]);
    let found = rules_and_paths(&json);
    // The Deployment outside the named folder is not looked for.
    assert!(!found.iter().any(|f| f.contains("other/")), "{found:#?}");
    assert_eq!(json["summary"]["files"], 1);
}

#[test]
fn without_a_project_only_the_named_files_are_analysed() {
    // No `.scalelint.yaml` and no `.git` up from the temporary folder: the HPA is alone,
    // and an HPA linted alone stays quiet about its target.
    // A temporary folder outside any project: the system's, or another common one.
    let in_project = |d: &Path| {
        d.ancestors()
            .any(|a| a.join(".git").exists() || a.join(".scalelint.yaml").exists())
    };
    let candidates = [
        std::env::temp_dir(),
        "/tmp".into(),
        "/var/tmp".into(),
        "/dev/shm".into(),
    ];
    let Some(base) = candidates.iter().find(|d| d.is_dir() && !in_project(d)) else {
        eprintln!(
            "skipped: every temporary folder tried ({candidates:?}) lies inside a project \
             (a .git or .scalelint.yaml above it), so a run outside any project cannot be shown"
        );
        return;
    };
    let dir = tempfile::tempdir_in(base).unwrap();
    std::fs::write(dir.path().join("hpa.yaml"), HPA).unwrap();
    std::fs::write(dir.path().join("deployment.yaml"), DEPLOYMENT).unwrap();
    assert!(!in_project(dir.path()));
    let (json, code) = check(dir.path(), &["hpa.yaml"]);
    assert_eq!(rules_and_paths(&json), Vec::<String>::new(), "{json:#}");
    assert_eq!(code, 0);
}

#[test]
fn standard_input_is_not_linted_against_the_project() {
    // Rendered manifests stand alone: the project's raw files would only duplicate them.
    let dir = project(".scalelint.yaml");
    let out = Command::cargo_bin("scalelint")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "-",
            "--stdin-filename",
            "hpa.yaml",
            "--format",
            "json",
        ])
        .write_stdin(HPA)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rules_and_paths(&json), Vec::<String>::new(), "{json:#}");
}

#[test]
fn broken_project_files_that_were_not_named_are_not_reported() {
    let dir = project(".scalelint.yaml");
    std::fs::write(
        dir.path().join("deploy/broken.yaml"),
        "kind: Deployment\na: [\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("deploy/dup.yaml"), "a: 1\na: 2\n").unwrap();
    let (json, _) = check(dir.path(), &["deploy/hpa.yaml"]);
    assert_eq!(
        rules_and_paths(&json),
        ["deploy/hpa.yaml hpa-target-missing-requests"],
        "{json:#}"
    );
}
