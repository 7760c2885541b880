//! Variants in plain folders (issue 14, item 8): `deploy/staging/` and `deploy/prod/` each
//! hold a Deployment `web`, an HPA `web` and a PDB. Objects that share kind, namespace and
//! name cannot coexist in a cluster, so each reference resolves to the copy nearest the
//! referring file and never into the sibling folder. Staging's PDB (minAvailable 2, HPA
//! minReplicas 2) blocks every eviction; prod's (HPA minReplicas 4) does not. Before the
//! fix, staging's PDB was judged against prod's HPA and the finding disappeared.

use crate::common;

use serde_json::Value;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: example/web:1.0.0
          resources:
            requests: {cpu: 500m, memory: 512Mi}
            limits: {cpu: 1000m, memory: 1Gi}
";

const HPA: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: MIN
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

const PDB: &str = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: web
";

fn layout() -> tempfile::TempDir {
    let staging_hpa = HPA.replace("MIN", "2");
    let prod_hpa = HPA.replace("MIN", "4");
    common::project(&[
        ("deploy/prod/deployment.yaml", DEPLOYMENT),
        ("deploy/prod/hpa.yaml", &prod_hpa),
        ("deploy/prod/pdb.yaml", PDB),
        ("deploy/staging/deployment.yaml", DEPLOYMENT),
        ("deploy/staging/hpa.yaml", &staging_hpa),
        ("deploy/staging/pdb.yaml", PDB),
    ])
}

/// The folder of a `/`-separated path.
fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(f, _)| f)
}

/// Run `check --format json` with `args` in the layout; the findings, after checking that
/// no finding relates objects of the two folders.
fn check(args: &[&str]) -> (Vec<Value>, i32) {
    let dir = layout();
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (out, err, code) = common::run(dir.path(), &all);
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let findings = json["diagnostics"].as_array().cloned().unwrap_or_default();
    for f in &findings {
        let at = folder(f["path"].as_str().unwrap());
        for l in f["labels"].as_array().unwrap() {
            assert_eq!(
                folder(l["path"].as_str().unwrap()),
                at,
                "a finding relates objects of two folders: {f:#}"
            );
        }
    }
    (findings, code)
}

fn blocks_in_staging(findings: &[Value]) -> Vec<&Value> {
    findings
        .iter()
        .filter(|f| f["rule"] == "pdb-blocks-eviction")
        .collect()
}

fn assert_staging_blocks(findings: &[Value], code: i32) {
    let blocks = blocks_in_staging(findings);
    assert_eq!(blocks.len(), 1, "{findings:#?}");
    let f = blocks[0];
    assert_eq!(f["path"], "deploy/staging/pdb.yaml");
    assert_eq!(
        (&f["start"]["line"], &f["start"]["column"]),
        (&Value::from(6), &Value::from(17))
    );
    let labels: Vec<&str> = f["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["deploy/staging/hpa.yaml"], "{f:#}");
    assert_eq!(code, 1);
}

#[test]
fn the_whole_project() {
    let (findings, code) = check(&[]);
    assert_staging_blocks(&findings, code);
    // Nothing else: prod's budget fits its own HPA, and no Deployment is judged twice.
    assert_eq!(findings.len(), 1, "{findings:#?}");
}

#[test]
fn the_staging_folder() {
    let (findings, code) = check(&["deploy/staging"]);
    assert_staging_blocks(&findings, code);
    assert_eq!(findings.len(), 1, "{findings:#?}");
}

#[test]
fn one_named_file_resolved_against_the_project() {
    // pre-commit names the changed file; the index reads the rest of the project.
    let (findings, code) = check(&["deploy/staging/pdb.yaml"]);
    assert_staging_blocks(&findings, code);
    let (findings, code) = check(&["deploy/prod/pdb.yaml"]);
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(code, 0);
}

/// Each fixture folder holds its own `web`, `legacy`… objects: linted together, no fixture's
/// object is related to another fixture's (an HPA `legacy` to another folder's Deployment).
#[test]
fn fixture_folders_are_never_related_to_each_other() {
    let (out, err, _) = common::run(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "check",
            "fixtures",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let mut crossing = Vec::new();
    for f in json["diagnostics"].as_array().unwrap() {
        let at = folder(f["path"].as_str().unwrap());
        for l in f["labels"].as_array().unwrap() {
            if folder(l["path"].as_str().unwrap()) != at {
                crossing.push(format!("{} {} -> {}", f["rule"], f["path"], l["path"]));
            }
        }
    }
    assert!(crossing.is_empty(), "{crossing:#?}");
}
