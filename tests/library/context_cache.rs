//! A language server keeps the checks of the workspace's other files between lints
//! (`ContextCache`): each lint must still say what a lint from scratch says, after files
//! change, appear or go.

use crate::common::{HPA, place, project};
use scalelint::engine::ContextCache;
use scalelint::{Options, Project, RuleSet, lint};
use std::path::Path;
use std::sync::Arc;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
spec:
  replicas: 2
  selector:
    matchLabels: {app: NAME}
  template:
    metadata:
      labels: {app: NAME}
    spec:
      containers:
        - name: app
          image: app:1.0
";

fn deployment(name: &str) -> String {
    DEPLOYMENT.replace("NAME", name)
}

/// Every finding as `path:line:col rule message`, linting `hpa.yaml` with the rest of the
/// project at `root` as context.
fn lint_hpa(root: &Path, rules: &RuleSet, cache: Option<&Arc<ContextCache>>) -> Vec<String> {
    let opts = Options {
        paths: vec![root.join("hpa.yaml")],
        project_index: true,
        root: Some(root.to_path_buf()),
        context_cache: cache.cloned(),
        ..Options::default()
    };
    let report = lint(&opts, rules);
    report
        .findings
        .iter()
        .map(|f| {
            let (path, line, column) = place(&report, f);
            let name = path.rsplit('/').next().unwrap_or(path);
            format!("{name}:{line}:{column} {} {}", f.rule, f.message)
        })
        .collect()
}

fn has(findings: &[String], rule: &str) -> bool {
    findings.iter().any(|f| f.contains(&format!(" {rule} ")))
}

#[test]
fn kept_checks_give_what_a_lint_from_scratch_gives() {
    let dir = project(&[("hpa.yaml", HPA), ("api.yaml", &deployment("api"))]);
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let rules = Project::load(&root, None).unwrap().rules().unwrap();
    let cache = Arc::new(ContextCache::new());
    let fresh = |rules: &RuleSet| lint_hpa(&root, rules, None);

    // The namespace has workloads but not the HPA's target.
    let first = lint_hpa(&root, &rules, Some(&cache));
    assert!(has(&first, "hpa-target-not-found"), "{first:?}");
    assert_eq!(first, fresh(&rules));
    assert_eq!(cache.len(), 1, "api.yaml is kept");
    assert_eq!(lint_hpa(&root, &rules, Some(&cache)), first);

    // A context file changed on disk is read again.
    std::fs::write(root.join("api.yaml"), deployment("web")).unwrap();
    let changed = lint_hpa(&root, &rules, Some(&cache));
    assert!(!has(&changed, "hpa-target-not-found"), "{changed:?}");
    assert_eq!(changed, fresh(&rules));

    // A new file is seen once the walk is forgotten (a save, a watched file created).
    std::fs::write(root.join("api.yaml"), deployment("api")).unwrap();
    std::fs::write(root.join("web.yaml"), deployment("web")).unwrap();
    let before_walk = lint_hpa(&root, &rules, Some(&cache));
    assert!(has(&before_walk, "hpa-target-not-found"), "{before_walk:?}");
    cache.forget_files();
    let created = lint_hpa(&root, &rules, Some(&cache));
    assert!(!has(&created, "hpa-target-not-found"), "{created:?}");
    assert_eq!(created, fresh(&rules));
    assert_eq!(cache.len(), 2);

    // A deleted file is forgotten, and its objects with it.
    std::fs::remove_file(root.join("web.yaml")).unwrap();
    cache.forget_files();
    let deleted = lint_hpa(&root, &rules, Some(&cache));
    assert!(has(&deleted, "hpa-target-not-found"), "{deleted:?}");
    assert_eq!(deleted, fresh(&rules));
    assert_eq!(cache.len(), 1);
}

#[test]
fn a_watched_workspace_reads_again_only_what_the_client_reports() {
    let dir = project(&[("hpa.yaml", HPA), ("api.yaml", &deployment("api"))]);
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let rules = Project::load(&root, None).unwrap().rules().unwrap();
    let cache = Arc::new(ContextCache::new());
    cache.watched();
    assert!(has(
        &lint_hpa(&root, &rules, Some(&cache)),
        "hpa-target-not-found"
    ));
    // Not reported: the file is not looked at.
    std::fs::write(root.join("api.yaml"), deployment("web")).unwrap();
    assert!(has(
        &lint_hpa(&root, &rules, Some(&cache)),
        "hpa-target-not-found"
    ));
    // Reported changed: read again.
    cache.forget(&root.join("api.yaml"));
    let changed = lint_hpa(&root, &rules, Some(&cache));
    assert!(!has(&changed, "hpa-target-not-found"), "{changed:?}");
    assert_eq!(changed, lint_hpa(&root, &rules, None));
}
