//! Cross-resource rules on real-world inputs: Polaris' and kube-linter's PodDisruptionBudget
//! fixtures, kube-score's selectors and KEDA's documentation examples (copied into
//! `tests/corpus`), and, opt-in, the Scaling Guide's own project (an HPA and an `Auto` VPA on
//! one Deployment; it has no licence). Fixtures of unrelated projects share names, so each is
//! linted on its own.

use crate::common::{CORPUS, corpus, lint_files, lint_texts, shared_corpus, under};
use scalelint::Report;
use std::path::Path;

fn run(paths: &[&str]) -> Report {
    lint_files(paths.iter().map(|p| corpus(p)))
}

fn run_in(root: &Path, paths: &[&str]) -> Report {
    lint_files(paths.iter().map(|p| under(root, p)))
}

/// `path:line:col message` of every finding of `rule`, paths relative to the corpus.
fn found(report: &Report, rule: &str) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            let file = &report.files[f.file];
            let at = file.line_col(f.span.start);
            let path = file.path.split("corpus/").last().unwrap_or(&file.path);
            format!("{path}:{}:{} {}", at.line, at.column, f.message)
        })
        .collect()
}

/// Where each secondary label of `rule`'s findings points: `path:line text`.
fn labels(report: &Report, rule: &str) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .flat_map(|f| &f.labels)
        .map(|l| {
            let file = &report.files[l.file];
            let path = file.path.rsplit('/').next().unwrap_or(&file.path);
            format!(
                "{path}:{} {}",
                file.line_col(l.span.start).line,
                file.slice(l.span)
            )
        })
        .collect()
}

#[test]
fn python_api_base_hpa_and_auto_vpa_conflict_opt_in() {
    let Some(root) = shared_corpus(
        "python-api-base's HPA and Auto VPA on one Deployment (the project has no licence)",
    ) else {
        return;
    };
    let run = |paths: &[&str]| run_in(&root, paths);
    for dir in [
        "python-api-base/deployments/k8s/base",
        // The whole project, with its rendered kustomize output beside the sources.
        "python-api-base",
    ] {
        let report = run(&[dir]);
        let conflicts = found(&report, "hpa-vpa-conflict");
        let base: Vec<&String> = conflicts
            .iter()
            .filter(|c| c.contains("k8s/base/"))
            .collect();
        assert_eq!(base.len(), 1, "{dir}: {conflicts:#?}");
        assert!(
            base[0].starts_with(
                "python-api-base/deployments/k8s/base/vpa.yaml:22:17 VerticalPodAutoscaler `my-api-vpa` (updateMode Auto) changes the cpu and memory requests of Deployment `my-api`, which HorizontalPodAutoscaler `my-api` scales on cpu and memory utilization"
            ),
            "{conflicts:#?}"
        );
        let replicas = found(&report, "workload-replicas-with-autoscaler");
        assert!(
            replicas.iter().any(|r| r.starts_with(
                "python-api-base/deployments/k8s/base/deployment.yaml:16:3 replicas is set to 3 while HorizontalPodAutoscaler `my-api` scales this Deployment"
            )),
            "{replicas:#?}"
        );
        // The rendered copy is judged in its own file, and its labels stay there.
        if dir == "python-api-base" {
            assert_eq!(conflicts.len(), 2, "{conflicts:#?}");
            assert!(conflicts[1].starts_with(
                "python-api-base/rendered/kustomize__deployments__k8s__base__SYNTH.yaml:372:17"
            ));
        }
    }
    // The HPA's two resources and the Deployment are labelled (the VPA is the primary place).
    let report = run(&["python-api-base/deployments/k8s/base"]);
    assert_eq!(
        labels(&report, "hpa-vpa-conflict"),
        [
            "hpa.yaml:21 cpu",
            "hpa.yaml:27 memory",
            "deployment.yaml:4 my-api"
        ]
    );
    assert_eq!(
        labels(&report, "workload-replicas-with-autoscaler"),
        ["hpa.yaml:4 my-api"]
    );
    // Its PDB (minAvailable 2) is below the HPA's minReplicas 3, and selects the pods.
    assert!(found(&report, "pdb-blocks-eviction").is_empty());
    assert!(found(&report, "pdb-missing").is_empty());
}

const POLARIS: &str = "k8s/polaris/FairwindsOps-polaris__";

#[test]
fn polaris_pdb_fixtures_that_block_eviction_are_reported() {
    // pdbDisruptionsIsZero: budgets that block every eviction whatever they select.
    for (case, at) in [
        (
            "pdbDisruptionsIsZero__failure.max",
            "8:19 maxUnavailable is 0:",
        ),
        (
            "pdbDisruptionsIsZero__failure.min",
            "8:17 minAvailable is 100%:",
        ),
        // Both fields set (the API rejects that): minAvailable 100% is judged anyway.
        (
            "pdbDisruptionsIsZero__failure.either",
            "8:17 minAvailable is 100%:",
        ),
        // 150% of the HPA's 10 replicas.
        (
            "pdbMinAvailableGreaterThanHPAMinReplicas__failure-gt-percent",
            "22:17 minAvailable is 150%:",
        ),
        (
            "pdbMinAvailableGreaterThanHPAMinReplicas__failure-gt-scalar",
            "21:17 minAvailable is 10 but Deployment `zookeeper` may run as few as 5 pods",
        ),
    ] {
        let report = run(&[&format!("{POLARIS}{case}.yaml")]);
        let f = found(&report, "pdb-blocks-eviction");
        assert_eq!(f.len(), 1, "{case}: {f:#?}");
        assert!(f[0].contains(&format!(".yaml:{at}")), "{case}: {f:#?}");
    }
}

#[test]
fn polaris_pdb_fixtures_that_allow_evictions_are_not() {
    for case in [
        "pdbDisruptionsIsZero__success.both",
        "pdbDisruptionsIsZero__success.max",
        "pdbDisruptionsIsZero__success.min",
        "pdbDisruptionsIsZero__success.none",
        "pdbMinAvailableGreaterThanHPAMinReplicas__success",
        "pdbMinAvailableGreaterThanHPAMinReplicas__success-lt-percent",
        "pdbMinAvailableGreaterThanHPAMinReplicas__success-maxUnavailable",
        "pdbMinAvailableGreaterThanHPAMinReplicas__success.lt",
        "pdbMinAvailableGreaterThanHPAMinReplicas__success.no-match",
        "pdbMinAvailableGreaterThanHPAMinReplicas__success.no-pdb",
        "pdbMinAvailableGreaterThanHPAMinReplicas__success.pdb-no-match",
        // 50% of the HPA's 5 replicas is 3 (rounded up): two may go.
        "pdbMinAvailableGreaterThanHPAMinReplicas__success.percent-no-replica",
    ] {
        let report = run(&[&format!("{POLARIS}{case}.yaml")]);
        let f = found(&report, "pdb-blocks-eviction");
        assert!(f.is_empty(), "{case}: {f:#?}");
    }
}

#[test]
fn polaris_success_fixtures_that_do_block_at_the_minimum_are_reported() {
    // Polaris only checks `minAvailable > minReplicas` of an HPA that is found and sets
    // minReplicas. Kubernetes allows an eviction only while more pods are healthy than
    // minAvailable, so equality blocks too, an HPA without minReplicas may go down to 1,
    // and a Deployment without replicas (and no autoscaler) runs 1 pod.
    for (case, pods) in [
        (
            "pdbMinAvailableGreaterThanHPAMinReplicas__success.equals",
            "5 pods",
        ),
        (
            "pdbMinAvailableGreaterThanHPAMinReplicas__success.no-min-replicas",
            "1 pod",
        ),
        (
            "pdbMinAvailableGreaterThanHPAMinReplicas__success.hpa-no-match",
            "1 pod",
        ),
        (
            "pdbMinAvailableGreaterThanHPAMinReplicas__success.no-hpa",
            "1 pod",
        ),
        ("missingPodDisruptionBudget__success", "1 pod"),
    ] {
        let report = run(&[&format!("{POLARIS}{case}.yaml")]);
        let f = found(&report, "pdb-blocks-eviction");
        assert_eq!(f.len(), 1, "{case}: {f:#?}");
        assert!(
            f[0].contains(&format!("may run as few as {pods};")),
            "{case}: {f:#?}"
        );
    }
}

#[test]
fn kube_linter_pdb_fixtures() {
    let report =
        run(&["k8s/kube-linter/stackrox-kube-linter__tests__checks__pdb-max-unavailable.yaml"]);
    let f = found(&report, "pdb-blocks-eviction");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].contains("max-unavailable.yaml:16:19 maxUnavailable is 0: PodDisruptionBudget `foo`")
    );

    // minAvailable 1 against a Deployment's replicas 1 (its pods carry the selector's
    // labels though its template is not written), an HPA's minReplicas 1 and a
    // ScaledObject's minReplicaCount 1: kube-linter reports all three.
    let report =
        run(&["k8s/kube-linter/stackrox-kube-linter__tests__checks__pdb-min-available.yaml"]);
    let f = found(&report, "pdb-blocks-eviction");
    assert_eq!(f.len(), 3, "{f:#?}");
    for (got, workload) in f.iter().zip(["foo", "foo2", "foo3"]) {
        assert!(
            got.contains(&format!(
                "minAvailable is 1 but Deployment `{workload}` may run as few as 1 pod"
            )),
            "{got}"
        );
    }

    let report = run(&[
        "k8s/kube-linter/stackrox-kube-linter__tests__checks__pdb-unhealthy-pod-eviction-policy.yaml",
    ]);
    assert!(found(&report, "pdb-blocks-eviction").is_empty());
}

#[test]
fn kube_score_pdb_selectors_match_as_kubernetes_matches() {
    // Budgets in another namespace or with non-matching labels or expressions select
    // nothing; the matching ones (matchLabels or matchExpressions) do.
    let dir = "k8s/kube-score/zegl-kube-score__";
    for (case, matches) in [
        ("deployment-poddisruptionbudget-v1-matches", true),
        (
            "deployment-poddisruptionbudget-v1beta1-expression-matches",
            true,
        ),
        (
            "statefulset-poddisruptionbudget-v1beta1-expression-matches",
            true,
        ),
        ("deployment-poddisruptionbudget-v1-no-match", false),
        (
            "deployment-poddisruptionbudget-v1-different-namespace",
            false,
        ),
        (
            "deployment-poddisruptionbudget-v1beta1-expression-no-match",
            false,
        ),
        (
            "statefulset-poddisruptionbudget-v1beta1-expression-no-match",
            false,
        ),
    ] {
        let report = run(&[&format!("{dir}{case}.yaml")]);
        // Every one of these budgets has minAvailable 2 over a single replica: it blocks
        // exactly when it selects the workload.
        let f = found(&report, "pdb-blocks-eviction");
        assert_eq!(f.len(), usize::from(matches), "{case}: {f:#?}");
    }
}

#[test]
fn keda_examples_that_scale_to_zero_get_keda_min_replicas() {
    let report = run(&["k8s/keda", "k8s/keda-docs"]);
    let found = found(&report, "keda-min-replicas");
    let mut zero = 0;
    // Files with Go-template placeholders are skipped (`template-skipped`), not linted.
    for file in report.files.iter().filter(|f| !f.text.contains("{{")) {
        for (i, line) in file.text.lines().enumerate() {
            let Some(rest) = line.trim_start().strip_prefix("minReplicaCount:") else {
                continue;
            };
            if !rest.trim_start().starts_with('0') {
                continue;
            }
            zero += 1;
            let path = file.path.split("corpus/").last().unwrap();
            let want = format!("{path}:{}:", i + 1);
            assert!(
                found.iter().any(|f| f.starts_with(&want)
                    && f.contains("minReplicaCount is 0: KEDA scales the workload to zero")),
                "{want}: {found:#?}"
            );
        }
    }
    assert!(zero >= 4, "{zero} examples with minReplicaCount: 0");
    // Examples without minReplicaCount scale to zero too (KEDA's default).
    assert!(
        found.iter().any(|f| f.contains(
            "scalers__cpu__block3.yaml:6:1 minReplicaCount is not set and defaults to 0"
        )),
        "{found:#?}"
    );
}

#[test]
fn keda_cpu_and_memory_examples_need_requests() {
    // The documentation's cpu and memory examples target `my-deployment`, which they do not
    // show. Beside a Deployment without requests, their Utilization triggers are judged like
    // HPA metrics: the one with `containerName: foo` only for that container.
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: my-deployment\n  namespace: default\nspec:\n  selector:\n    matchLabels: {app: my}\n  template:\n    metadata:\n      labels: {app: my}\n    spec:\n      containers:\n      - name: foo\n        image: example/foo\n      - name: bar\n        image: example/bar\n";
    for (example, containers) in [
        ("cpu__block3", vec!["bar", "foo"]),
        ("memory__block3", vec!["bar", "foo"]),
        ("memory__block4", vec!["foo"]),
    ] {
        let path = corpus(&format!(
            "k8s/keda-docs/kedacore-keda-docs__scalers__{example}.yaml"
        ));
        let text = std::fs::read_to_string(&path).unwrap();
        let report = lint_texts(&[
            (path.to_str().unwrap(), &text),
            ("deployment.yaml", deployment),
        ]);
        let found = found(&report, "hpa-target-missing-requests");
        assert_eq!(found.len(), containers.len(), "{example}: {found:#?}");
        for (f, c) in found.iter().zip(containers) {
            assert!(
                f.contains(&format!(
                    "ScaledObject `{}-scaledobject` scales on",
                    &example[..example.find('_').unwrap()]
                )) && f.contains(&format!("container `{c}` of Deployment `my-deployment`")),
                "{f}"
            );
        }
    }
}

/// Whatever the mixed corpus pairs up, an autoscaler never conflicts with itself or a copy
/// of itself.
fn autoscaler_conflicts_are_between_distinct_autoscalers(report: &Report) {
    let conflicts: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "autoscaler-conflict")
        .collect();
    assert!(!conflicts.is_empty(), "the corpus pairs up autoscalers");
    for f in conflicts {
        let (a, b) = f.message.split_once(" and ").unwrap();
        let b = b.split(" both scale ").next().unwrap();
        assert_ne!(a, b, "{}", f.message);
    }
}

#[test]
fn autoscaler_conflicts_in_the_corpus_are_between_distinct_autoscalers() {
    let report = run_in(Path::new(CORPUS), &["k8s"]);
    autoscaler_conflicts_are_between_distinct_autoscalers(&report);
}

#[test]
fn autoscaler_conflicts_in_the_corpus_are_between_distinct_autoscalers_opt_in() {
    let Some(root) = shared_corpus(
        "autoscaler conflicts over the shared corpus's k8s/ and python-api-base/ (no licence)",
    ) else {
        return;
    };
    let report = run_in(&root, &["k8s", "python-api-base"]);
    autoscaler_conflicts_are_between_distinct_autoscalers(&report);
}
