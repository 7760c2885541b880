//! Project-root indexing through the real binary: when only some files are named (as
//! pre-commit does), cross-resource references resolve against the whole project, and only
//! findings in the named files are reported.

use crate::common::age;
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

/// Each diagnostic of `json`, as `show` writes it.
fn each_diagnostic(json: &Value, show: impl Fn(&Value) -> String) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(show)
        .collect()
}

fn rules_and_paths(json: &Value) -> Vec<String> {
    each_diagnostic(json, |d| {
        format!(
            "{} {}",
            d["path"].as_str().unwrap(),
            d["rule"].as_str().unwrap()
        )
    })
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

/// A project of several namespaces and folders, built so that what relates a file to
/// another is never being side by side: namespaced objects, objects of `default` (no
/// `namespace:`), a catch-all PDB, a misspelt target, a VPA, a Redis server and its
/// sentinel in ConfigMaps.
const SPREAD: &[(&str, &str)] = &[
    (
        "apps/shop/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          resources:\n            requests: {cpu: 100m, memory: 64Mi}\n            limits: {cpu: 200m, memory: 128Mi}\n",
    ),
    (
        "scaling/shop/hpa.yaml",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n",
    ),
    (
        "policy/shop.yaml",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  maxUnavailable: 0\n  selector:\n    matchLabels: {app: web}\n",
    ),
    (
        "apps/other/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: other\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: web:1\n",
    ),
    (
        "apps/default/api.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1\n",
    ),
    (
        "apps/default/worker.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: worker\nspec:\n  replicas: 2\n  serviceName: worker\n  selector:\n    matchLabels: {app: worker}\n  template:\n    metadata:\n      labels: {app: worker}\n    spec:\n      containers:\n        - name: worker\n          image: worker:1\n",
    ),
    (
        "policy/everything.yaml",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: everything\nspec:\n  maxUnavailable: 1\n  selector: {}\n",
    ),
    (
        "scaling/default/typo.yaml",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: typo\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: apii}\n  minReplicas: 2\n  maxReplicas: 5\n",
    ),
    (
        "scaling/default/worker.yaml",
        "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n  name: worker\nspec:\n  targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: worker}\n  updatePolicy: {updateMode: Auto}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: worker\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: worker}\n  minReplicas: 2\n  maxReplicas: 4\n  metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n",
    ),
    (
        "redis/server.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis\ndata:\n  redis.conf: |\n    port 6379\n    maxmemory 1gb\n",
    ),
    (
        "redis/ha/sentinel.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sentinel\ndata:\n  sentinel.conf: |\n    sentinel monitor mymaster 10.0.0.1 6379 2\n",
    ),
];

/// Each diagnostic of `json` as `path:line:col rule message help` (labels too).
fn said(json: &Value) -> Vec<String> {
    each_diagnostic(json, |d| {
        format!(
            "{}:{}:{} {} {} {} {}",
            d["path"].as_str().unwrap(),
            d["start"]["line"],
            d["start"]["column"],
            d["rule"].as_str().unwrap(),
            d["message"],
            d["help"],
            d["labels"]
        )
    })
}

#[test]
fn a_named_file_gets_the_findings_the_whole_project_gives_it() {
    // Pre-commit parses only the project files whose bytes can matter to the named ones;
    // each file named alone (and some together) must be told what a lint of the whole
    // project says of it.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    for (path, text) in SPREAD {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let (whole, _) = check(root, &["."]);
    let whole = said(&whole);
    // A folder named: no cache (nothing else is read).
    assert!(!root.join(".scalelint_cache").exists());
    let of = |paths: &[&str]| -> Vec<String> {
        whole
            .iter()
            .filter(|d| paths.iter().any(|p| d.starts_with(&format!("{p}:"))))
            .cloned()
            .collect()
    };
    let mut named: Vec<Vec<&str>> = SPREAD.iter().map(|(p, _)| vec![*p]).collect();
    named.push(vec!["scaling/shop/hpa.yaml", "apps/default/api.yaml"]);
    named.push(vec!["policy/everything.yaml", "redis/server.yaml"]);
    // With the cache on disk too: files old enough to be kept, each case run once with what
    // the cases before it kept (their walk, the summaries, some projections), once more
    // with what it kept itself, and once with no cache.
    age(root);
    for paths in named {
        let (json, _) = check(root, &paths);
        assert_eq!(said(&json), of(&paths), "{paths:?}");
        let (json, _) = check(root, &paths);
        assert_eq!(said(&json), of(&paths), "{paths:?}, again");
        let no_cache = [paths.as_slice(), &["--no-cache"]].concat();
        let (json, _) = check(root, &no_cache);
        assert_eq!(said(&json), of(&paths), "{paths:?}, --no-cache");
    }
    assert!(root.join(".scalelint_cache/context-v1.bin").is_file());
    // The cases this is about were reached.
    for expected in [
        "scaling/default/typo.yaml:6:", // hpa-target-not-found, with "did you mean `api`?"
        "apps/default/api.yaml:",       // selected by the catch-all PDB: no pdb-missing
        "scaling/default/worker.yaml:",
    ] {
        assert!(
            whole.iter().any(|d| d.starts_with(expected)),
            "{expected} not in {whole:#?}"
        );
    }
    assert!(whole.iter().any(|d| d.contains("did you mean `api`?")));
    assert!(
        !whole.iter().any(|d| d.contains("pdb-missing")),
        "{whole:#?}"
    );
}

fn rules_said(json: &Value) -> Vec<String> {
    each_diagnostic(json, |d| {
        format!(
            "{}:{} {}",
            d["path"].as_str().unwrap(),
            d["start"]["line"],
            d["rule"].as_str().unwrap()
        )
    })
}

#[test]
fn the_cache_on_disk_sees_every_change_and_survives_damage() {
    let dir = project(".git");
    let root = dir.path();
    std::fs::create_dir(root.join("other")).unwrap();
    std::fs::write(root.join("other/unrelated.yaml"), "kind: ConfigMap\n").unwrap();
    age(root);
    let hpa_alone = |args: &[&str]| {
        let (json, _) = check(root, &[&["deploy/hpa.yaml"], args].concat());
        rules_said(&json)
    };
    let found = hpa_alone(&[]);
    assert!(
        !found.iter().any(|d| d.contains("hpa-target-not-found")),
        "{found:?}"
    );
    let cache = root.join(".scalelint_cache");
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore")).unwrap(),
        "# Automatically created by scalelint.\n*\n"
    );
    assert!(cache.join("CACHEDIR.TAG").is_file());
    age(root);
    assert_eq!(hpa_alone(&[]), found);

    // The target renamed in place (its folder's time unchanged): read again.
    let renamed = DEPLOYMENT.replace("name: web\nspec", "name: api\nspec");
    std::fs::write(root.join("deploy/deployment.yaml"), &renamed).unwrap();
    let missing = hpa_alone(&[]);
    assert!(
        missing.iter().any(|d| d.contains("hpa-target-not-found")),
        "{missing:?}"
    );
    age(root);
    assert_eq!(hpa_alone(&[]), missing);

    // A file created in a folder the walk went through: found.
    std::fs::write(root.join("other/web.yaml"), DEPLOYMENT).unwrap();
    assert_eq!(hpa_alone(&[]), found);
    age(root);
    assert_eq!(hpa_alone(&[]), found);
    // Ignored by a new .gitignore: gone again.
    std::fs::write(root.join("other/.gitignore"), "web.yaml\n").unwrap();
    assert_eq!(hpa_alone(&[]), missing);
    age(root);
    assert_eq!(hpa_alone(&[]), missing);

    // Changed behind the cache's back, keeping its length and time: the cache answers
    // (this is what it trusts), and --no-cache reads the file.
    let file = root.join("deploy/deployment.yaml");
    let time = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::fs::write(&file, renamed.replace("name: api\nspec", "name: web\nspec")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(time)
        .unwrap();
    assert_eq!(hpa_alone(&[]), missing);
    assert_eq!(hpa_alone(&["--no-cache"]), found);

    // Damaged (cut short, or bytes changed): rebuilt silently, never trusted.
    let bin = cache.join("context-v1.bin");
    let good = std::fs::read(&bin).unwrap();
    std::fs::write(&bin, &good[..good.len() / 2]).unwrap();
    assert_eq!(hpa_alone(&[]), found);
    let mut bad = std::fs::read(&bin).unwrap();
    for b in bad.iter_mut().skip(40).step_by(7) {
        *b ^= 0xa5;
    }
    std::fs::write(&bin, &bad).unwrap();
    assert_eq!(hpa_alone(&[]), found);
    std::fs::write(&bin, "not a cache").unwrap();
    assert_eq!(hpa_alone(&[]), found);

    // --no-cache neither reads nor writes it.
    std::fs::remove_dir_all(&cache).unwrap();
    assert_eq!(hpa_alone(&["--no-cache"]), found);
    assert!(!cache.exists());
}
