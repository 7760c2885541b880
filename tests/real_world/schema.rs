//! Schema validation (`schema-violation`): the embedded schemas, the kube-score, Polaris and
//! kube-linter test data of the validated kinds, the agreement of our validator
//! (`schema::check`) with jsonschema on the corpus, the fixtures and mutations of them, and a
//! benchmark of the two.

use crate::common::lint_texts;
use crate::common::{lint_files, shared_corpus, under};
use scalelint::Report;
use scalelint::model::{Entry, Node, Object, Resolved, ScalarStyle, Span, Value as NodeValue};
use scalelint::schema::{self, Lookup, Problem, SCHEMAS, Seg, Violation};
use scalelint::sources::{self, classify};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

const K8S: &str = "tests/corpus/k8s";

fn run(paths: &[&str]) -> Report {
    run_in(Path::new(K8S), paths)
}

fn run_in(k8s: &Path, paths: &[&str]) -> Report {
    lint_files(paths.iter().map(|p| under(k8s, p)))
}

#[test]
fn every_embedded_schema_compiles() {
    for s in &SCHEMAS {
        assert_eq!(s.compile_error(), None, "{}", s.file);
        assert!(s.document().is_some());
    }
}

/// The committed schemas are what `scripts/gen-schemas` derives from the reference schemas
/// in `schemas/` beside the shared corpus (`../shared/schemas`), with `python3`.
#[test]
fn embedded_schemas_are_regenerated_opt_in() {
    let Some(corpus) = shared_corpus(
        "regenerating schemas/kinds from the reference schemas beside the shared corpus \
         (../shared/schemas) with scripts/gen-schemas --check",
    ) else {
        return;
    };
    let from = corpus.join("../schemas");
    assert!(from.is_dir(), "{} is missing", from.display());
    let out = std::process::Command::new("python3")
        .args(["scripts/gen-schemas", "--check", "--from"])
        .arg(&from)
        .output()
        .unwrap_or_else(|e| panic!("python3 scripts/gen-schemas: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// Why each listed fixture is not valid Kubernetes. The linters' test data is written for their
// own checks and often trimmed to the fields under test; the API server would reject these.
const NO_SELECTOR: &str = "apps/v1 requires spec.selector; the fixture leaves it out";
const NO_TEMPLATE: &str = "trimmed to the field under test: no spec.template (nor spec.selector)";
const NO_CONTAINERS: &str =
    "a pod template without containers (kube-linter only sets the pod field it tests)";
const STRATEGY_OTHER: &str =
    "kube-linter's bad input for no-rolling-update-strategy: strategy type `Other` does not exist";
const MISPLACED_RESOURCES: &str = "kube-linter's bad input: requests/limit directly under the container instead of under resources";
const REPLICAS_IN_POD: &str =
    "replicas indented into the pod spec (an authoring slip in the fixture)";
const NO_CONTAINER_PORT: &str = "kube-score's bad input: a port with an empty containerPort";
const OLD_API: &str = "kube-score's API-version inputs: apps/v1beta1, apps/v1beta2 and extensions/v1beta1 were removed in Kubernetes 1.16";
const OLD_PDB: &str = "a policy/v1beta1 PodDisruptionBudget (removed in Kubernetes 1.25), beside a Deployment without spec.selector";
const CORE_V1: &str = "`apiVersion: v1` for a Deployment or PodDisruptionBudget: Polaris never sends its fixtures to an API server";

/// Every kube-score, Polaris and kube-linter file with an object of a validated kind that is
/// not valid Kubernetes: why, and every `schema-violation` it produces (`line:column message`).
/// Every other such file must produce none.
const INVALID: &[(&str, &str, &[&str])] = &[
    (
        "kube-linter/stackrox-kube-linter__tests__checks__dangling-hpa.yml",
        NO_SELECTOR,
        &[
            "6:1 required field \"selector\" is missing in Deployment spec",
            "33:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__duplicate-env-var.yaml",
        NO_SELECTOR,
        &[
            "3:1 required field \"selector\" is missing in Deployment spec",
            "22:1 required field \"selector\" is missing in StatefulSet spec",
        ],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__minimum-three-replicas.yml",
        NO_TEMPLATE,
        &[
            "6:1 required field \"selector\" is missing in Deployment spec",
            "6:1 required field \"template\" is missing in Deployment spec",
            "20:1 required field \"selector\" is missing in Deployment spec",
            "20:1 required field \"template\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__no-anti-affinity.yml",
        NO_SELECTOR,
        &["57:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__no-liveness-probe.yml",
        NO_SELECTOR,
        &[
            "6:1 required field \"selector\" is missing in Deployment spec",
            "40:1 required field \"selector\" is missing in Deployment spec",
            "60:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__no-readiness-probe.yml",
        NO_SELECTOR,
        &[
            "6:1 required field \"selector\" is missing in Deployment spec",
            "40:1 required field \"selector\" is missing in Deployment spec",
            "60:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__no-rolling-update-strategy.yml",
        STRATEGY_OTHER,
        &[
            "6:1 required field \"selector\" is missing in Deployment spec",
            "6:1 required field \"template\" is missing in Deployment spec",
            "8:11 field \"type\" in Deployment spec.strategy is \"Other\", not one of \"RollingUpdate\" or \"Recreate\"",
        ],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__pdb-min-available.yaml",
        NO_TEMPLATE,
        &["18:1 required field \"template\" is missing in Deployment spec"],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__priority-class-name.yaml",
        NO_CONTAINERS,
        &[
            "6:1 required field \"selector\" is missing in Deployment spec",
            "8:5 required field \"containers\" is missing in Deployment spec.template.spec",
            "69:1 required field \"selector\" is missing in Deployment spec",
            "71:5 required field \"containers\" is missing in Deployment spec.template.spec",
        ],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__restart-policy.yaml",
        NO_CONTAINERS,
        &[
            "6:1 required field \"selector\" is missing in Deployment spec",
            "8:5 required field \"containers\" is missing in Deployment spec.template.spec",
            "69:1 required field \"selector\" is missing in Deployment spec",
            "71:5 required field \"containers\" is missing in Deployment spec.template.spec",
            "132:1 required field \"selector\" is missing in Deployment spec",
            "134:5 required field \"containers\" is missing in Deployment spec.template.spec",
        ],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__sorted-keys.yaml",
        NO_TEMPLATE,
        &[
            "26:1 required field \"selector\" is missing in Deployment spec",
            "26:1 required field \"template\" is missing in Deployment spec",
            "35:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__unset-cpu-requirements.yml",
        MISPLACED_RESOURCES,
        &[
            "6:1 required field \"selector\" is missing in Deployment spec",
            "12:9 unknown field \"requests\" in Deployment spec.template.spec.containers[0]",
        ],
    ),
    (
        "kube-linter/stackrox-kube-linter__tests__checks__unset-memory-requirements.yml",
        MISPLACED_RESOURCES,
        &[
            "6:1 required field \"selector\" is missing in Deployment spec",
            "12:9 unknown field \"limit\" in Deployment spec.template.spec.containers[0]",
        ],
    ),
    (
        "kube-score/zegl-kube-score__deployment-appsv1beta1.yaml",
        OLD_API,
        &[
            "1:13 apiVersion \"apps/v1beta1\" is not served for Deployment: removed in Kubernetes 1.16",
        ],
    ),
    (
        "kube-score/zegl-kube-score__deployment-appsv1beta2.yaml",
        OLD_API,
        &[
            "1:13 apiVersion \"apps/v1beta2\" is not served for Deployment: removed in Kubernetes 1.16",
        ],
    ),
    (
        "kube-score/zegl-kube-score__deployment-extensions-v1beta1.yaml",
        OLD_API,
        &[
            "1:13 apiVersion \"extensions/v1beta1\" is not served for Deployment: removed in Kubernetes 1.16",
        ],
    ),
    (
        "kube-score/zegl-kube-score__deployment-host-antiaffinity-1-replica.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-host-antiaffinity-not-set.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-host-antiaffinity-preffered-selector-expression.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-host-antiaffinity-preffered-selector-no-match.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-host-antiaffinity-preffered.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-host-antiaffinity-required.yaml",
        REPLICAS_IN_POD,
        &[
            "5:1 required field \"selector\" is missing in Deployment spec",
            "12:7 unknown field \"replicas\" in Deployment spec.template.spec",
        ],
    ),
    (
        "kube-score/zegl-kube-score__deployment-poddisruptionbudget-v1-different-namespace.yaml",
        NO_SELECTOR,
        &["39:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-poddisruptionbudget-v1-matches.yaml",
        NO_SELECTOR,
        &["15:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-poddisruptionbudget-v1-no-match.yaml",
        NO_SELECTOR,
        &["15:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-poddisruptionbudget-v1-no-policy.yaml",
        NO_SELECTOR,
        &["14:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-poddisruptionbudget-v1beta1-expression-matches.yaml",
        OLD_PDB,
        &[
            "1:13 apiVersion \"policy/v1beta1\" is not served for PodDisruptionBudget: removed in Kubernetes 1.25",
            "17:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-score/zegl-kube-score__deployment-poddisruptionbudget-v1beta1-expression-no-match.yaml",
        OLD_PDB,
        &[
            "1:13 apiVersion \"policy/v1beta1\" is not served for PodDisruptionBudget: removed in Kubernetes 1.25",
            "17:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-score/zegl-kube-score__deployment-poddisruptionbudget-v1beta1-matches.yaml",
        OLD_PDB,
        &[
            "1:13 apiVersion \"policy/v1beta1\" is not served for PodDisruptionBudget: removed in Kubernetes 1.25",
            "15:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-score/zegl-kube-score__deployment-poddisruptionbudget-v1beta1-no-match.yaml",
        OLD_PDB,
        &[
            "1:13 apiVersion \"policy/v1beta1\" is not served for PodDisruptionBudget: removed in Kubernetes 1.25",
            "15:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-score/zegl-kube-score__deployment-poddisruptionbudget-v1beta1-no-policy.yaml",
        OLD_PDB,
        &[
            "1:13 apiVersion \"policy/v1beta1\" is not served for PodDisruptionBudget: removed in Kubernetes 1.25",
            "14:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-score/zegl-kube-score__deployment-test-resources.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-with-hpa-has-replicas.yaml",
        NO_SELECTOR,
        &["26:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__deployment-with-hpa-not-has-replicas.yaml",
        NO_SELECTOR,
        &["26:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__hpa-autoscalingv1-targets-deployment.yaml",
        NO_SELECTOR,
        &["26:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__hpa-autoscalingv2-targets-deployment.yaml",
        NO_SELECTOR,
        &["26:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__hpa-autoscalingv2beta1-targets-deployment.yaml",
        NO_SELECTOR,
        &["24:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__hpa-autoscalingv2beta2-targets-deployment.yaml",
        NO_SELECTOR,
        &["26:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__hpa-has-no-target.yaml",
        NO_SELECTOR,
        &["26:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__hpa-min-replicas-nok.yaml",
        NO_SELECTOR,
        &["26:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__hpa-min-replicas-ok.yaml",
        NO_SELECTOR,
        &["26:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__hpa-target-deployment.yaml",
        NO_SELECTOR,
        &["26:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__linenumbers-helm.yaml",
        NO_SELECTOR,
        &[
            "7:1 required field \"selector\" is missing in Deployment spec",
            "18:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-score/zegl-kube-score__linenumbers.yaml",
        NO_SELECTOR,
        &[
            "6:1 required field \"selector\" is missing in Deployment spec",
            "16:1 required field \"selector\" is missing in Deployment spec",
        ],
    ),
    (
        "kube-score/zegl-kube-score__networkpolicy-deployment-matching.yaml",
        NO_SELECTOR,
        &["19:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__networkpolicy-deployment-not-matching-selector.yaml",
        NO_SELECTOR,
        &["19:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__networkpolicy-targets-pod-deployment.yaml",
        NO_SELECTOR,
        &["24:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__pod-container-ports-missing-containerport-annotation-optional.yaml",
        NO_CONTAINER_PORT,
        &[
            "29:11 field \"containerPort\" in Deployment spec.template.spec.containers[0].ports[1] must be an integer, found no value (null)",
        ],
    ),
    (
        "kube-score/zegl-kube-score__pod-container-ports-missing-containerport.yaml",
        NO_CONTAINER_PORT,
        &[
            "27:11 field \"containerPort\" in Deployment spec.template.spec.containers[0].ports[1] must be an integer, found no value (null)",
        ],
    ),
    (
        "kube-score/zegl-kube-score__service-not-target-deployment.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__service-target-deployment-different-namespace.yaml",
        NO_SELECTOR,
        &["6:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__service-target-deployment-not-rolling.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__service-target-deployment-replica-1.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__service-target-deployment-same-namespace.yaml",
        NO_SELECTOR,
        &["6:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__service-target-deployment-strategy-not-set.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__service-target-deployment.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "kube-score/zegl-kube-score__statefulset-appsv1beta1.yaml",
        OLD_API,
        &[
            "1:13 apiVersion \"apps/v1beta1\" is not served for StatefulSet: removed in Kubernetes 1.16",
        ],
    ),
    (
        "kube-score/zegl-kube-score__statefulset-appsv1beta2.yaml",
        OLD_API,
        &[
            "1:13 apiVersion \"apps/v1beta2\" is not served for StatefulSet: removed in Kubernetes 1.16",
        ],
    ),
    (
        "kube-score/zegl-kube-score__statefulset-host-antiaffinity-required.yaml",
        REPLICAS_IN_POD,
        &["15:7 unknown field \"replicas\" in StatefulSet spec.template.spec"],
    ),
    (
        "kube-score/zegl-kube-score__statefulset-poddisruptionbudget-v1beta1-expression-matches.yaml",
        OLD_PDB,
        &[
            "1:13 apiVersion \"policy/v1beta1\" is not served for PodDisruptionBudget: removed in Kubernetes 1.25",
        ],
    ),
    (
        "kube-score/zegl-kube-score__statefulset-poddisruptionbudget-v1beta1-expression-no-match.yaml",
        OLD_PDB,
        &[
            "1:13 apiVersion \"policy/v1beta1\" is not served for PodDisruptionBudget: removed in Kubernetes 1.25",
        ],
    ),
    (
        "kube-score/zegl-kube-score__statefulset-poddisruptionbudget-v1beta1-matches.yaml",
        OLD_PDB,
        &[
            "1:13 apiVersion \"policy/v1beta1\" is not served for PodDisruptionBudget: removed in Kubernetes 1.25",
        ],
    ),
    (
        "kube-score/zegl-kube-score__statefulset-poddisruptionbudget-v1beta1-no-match.yaml",
        OLD_PDB,
        &[
            "1:13 apiVersion \"policy/v1beta1\" is not served for PodDisruptionBudget: removed in Kubernetes 1.25",
        ],
    ),
    (
        "polaris/FairwindsOps-polaris__deploymentMissingReplicas__failure.yaml",
        CORE_V1,
        &["1:13 apiVersion \"v1\" is not served for Deployment; Kubernetes serves it as apps/v1"],
    ),
    (
        "polaris/FairwindsOps-polaris__deploymentMissingReplicas__success.yaml",
        CORE_V1,
        &["1:13 apiVersion \"v1\" is not served for Deployment; Kubernetes serves it as apps/v1"],
    ),
    (
        "polaris/FairwindsOps-polaris__missingPodDisruptionBudget__failure-bad-ns.yaml",
        NO_SELECTOR,
        &["8:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__missingPodDisruptionBudget__failure.bad-name.yaml",
        NO_SELECTOR,
        &["7:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__missingPodDisruptionBudget__failure.empty-labels.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__missingPodDisruptionBudget__failure.no-labels.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__missingPodDisruptionBudget__failure.no-metadata.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__missingPodDisruptionBudget__failure.wrong-place.yaml",
        NO_SELECTOR,
        &["8:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__missingPodDisruptionBudget__failure.yaml",
        NO_SELECTOR,
        &["7:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__missingPodDisruptionBudget__success.many.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__missingPodDisruptionBudget__success.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbDisruptionsIsZero__failure.either.yaml",
        CORE_V1,
        &[
            "1:13 apiVersion \"v1\" is not served for PodDisruptionBudget; Kubernetes serves it as policy/v1",
        ],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbDisruptionsIsZero__failure.max.yaml",
        CORE_V1,
        &[
            "1:13 apiVersion \"v1\" is not served for PodDisruptionBudget; Kubernetes serves it as policy/v1",
        ],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbDisruptionsIsZero__failure.min.yaml",
        CORE_V1,
        &[
            "1:13 apiVersion \"v1\" is not served for PodDisruptionBudget; Kubernetes serves it as policy/v1",
        ],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbDisruptionsIsZero__success.both.yaml",
        CORE_V1,
        &[
            "1:13 apiVersion \"v1\" is not served for PodDisruptionBudget; Kubernetes serves it as policy/v1",
        ],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbDisruptionsIsZero__success.max.yaml",
        CORE_V1,
        &[
            "1:13 apiVersion \"v1\" is not served for PodDisruptionBudget; Kubernetes serves it as policy/v1",
        ],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbDisruptionsIsZero__success.min.yaml",
        CORE_V1,
        &[
            "1:13 apiVersion \"v1\" is not served for PodDisruptionBudget; Kubernetes serves it as policy/v1",
        ],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbDisruptionsIsZero__success.none.yaml",
        CORE_V1,
        &[
            "1:13 apiVersion \"v1\" is not served for PodDisruptionBudget; Kubernetes serves it as policy/v1",
        ],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__failure-gt-percent.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__failure-gt-scalar.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success-lt-percent.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success-maxUnavailable.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success.equals.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success.hpa-no-match.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success.lt.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success.no-hpa.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success.no-match.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success.no-min-replicas.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success.no-pdb.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success.pdb-no-match.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success.percent-no-replica.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
    (
        "polaris/FairwindsOps-polaris__pdbMinAvailableGreaterThanHPAMinReplicas__success.yaml",
        NO_SELECTOR,
        &["5:1 required field \"selector\" is missing in Deployment spec"],
    ),
];

const KINDS_RE: &[&str] = schema::KINDS;

fn validated_kinds_in(text: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix("kind:")
            .is_some_and(|k| KINDS_RE.contains(&k.trim()))
    })
}

#[test]
fn linter_fixtures_are_valid_or_listed_with_the_reason() {
    let report = run(&["kube-score", "polaris", "kube-linter"]);
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in report
        .findings
        .iter()
        .filter(|f| f.rule == "schema-violation")
    {
        let file = &report.files[f.file];
        let at = file.line_col(f.span.start);
        let rel = file.path.trim_start_matches(K8S).trim_start_matches('/');
        found
            .entry(rel.to_string())
            .or_default()
            .push(format!("{}:{} {}", at.line, at.column, f.message));
    }
    let mut valid = 0;
    for file in &report.files {
        let rel = file.path.trim_start_matches(K8S).trim_start_matches('/');
        let got = found.remove(rel).unwrap_or_default();
        match INVALID.iter().find(|(p, _, _)| *p == rel) {
            Some((_, why, expected)) => {
                assert!(!why.is_empty());
                assert_eq!(got, *expected, "{rel}");
            }
            None => {
                assert!(got.is_empty(), "{rel} is valid Kubernetes but got {got:#?}");
                if validated_kinds_in(&file.text) {
                    valid += 1;
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    for (p, _, _) in INVALID {
        assert!(
            report.files.iter().any(|f| f.path.ends_with(p)),
            "{p} is listed but was not linted"
        );
    }
    // The valid side is exercised too: Deployments, StatefulSets, HPAs and PDBs.
    assert!(
        valid >= 30,
        "only {valid} valid files of the validated kinds"
    );
}

/// Every other Kubernetes file of the corpus: the findings are the documented ones. The
/// copy holds KEDA's samples and docs whole, and of kubernetes/examples and the VPA docs the
/// files with findings (and the duplicate keys `corpus.rs` checks).
#[test]
fn the_rest_of_the_corpus() {
    the_rest_of(&run(&["keda", "keda-docs", "vpa", "kubernetes-examples"]));
}

#[test]
fn the_rest_of_the_corpus_opt_in() {
    let Some(root) = shared_corpus(
        "schema findings over the shared corpus's whole k8s/ (kubernetes/examples, VPA, \
         microservices-demo and kube-prometheus copied only in part or not at all)",
    ) else {
        return;
    };
    the_rest_of(&run_in(
        &root.join("k8s"),
        &[
            "keda",
            "keda-docs",
            "vpa",
            "kubernetes-examples",
            "microservices-demo",
            "kube-prometheus",
        ],
    ));
}

fn the_rest_of(report: &Report) {
    let mut got: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "schema-violation")
        .map(|f| {
            let file = &report.files[f.file];
            let at = file.line_col(f.span.start);
            let name = file.path.rsplit('/').next().unwrap_or_default();
            format!("{name}:{}:{} {}", at.line, at.column, f.message)
        })
        .collect();
    got.sort();
    let expected = [
        // KEDA's documentation: trigger metadata values are strings in the CRD
        // (map[string]string), so an unquoted 1 is rejected.
        "kedacore-keda-docs__scalers__postgresql__block3.yaml:16:27 field \"targetQueryValue\" in ScaledObject spec.triggers[0].metadata must be a string, found the integer 1",
        "kedacore-keda-docs__scalers__postgresql__block4.yaml:34:27 field \"targetQueryValue\" in ScaledObject spec.triggers[0].metadata must be a string, found the integer 1",
        // scalingModifiers.target is a string in the CRD.
        "kedacore-keda-docs__scalers__rabbitmq-queue__block11.yaml:55:15 field \"target\" in ScaledObject spec.advanced.scalingModifiers must be a string, found the number 1.2",
        // VPA feature documentation shows spec fragments without targetRef.
        "kubernetes-autoscaler__vertical-pod-autoscaler__docs__features__block1.yaml:5:1 required field \"targetRef\" is missing in VerticalPodAutoscaler spec",
        "kubernetes-autoscaler__vertical-pod-autoscaler__docs__features__block2.yaml:5:1 required field \"targetRef\" is missing in VerticalPodAutoscaler spec",
        // kubernetes/examples' archived CockroachDB StatefulSet still ships a policy/v1beta1 PDB.
        "kubernetes-examples___archived__cockroachdb__cockroachdb-statefulset.yaml:57:13 apiVersion \"policy/v1beta1\" is not served for PodDisruptionBudget: removed in Kubernetes 1.25",
    ];
    // KEDA's reference page is a template with `{placeholders}` (YAML flow mappings) for values.
    got.retain(|g| !g.contains("scaledobject-spec__block1.TEMPLATE"));
    assert_eq!(got, expected);
}

#[test]
fn semantic_rules_still_run_on_objects_with_schema_problems() {
    let text = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: 1\n  maxReplicas: \"10\"\n  behaviour: {}\n";
    let report = lint_texts(&[("hpa.yaml", text)]);
    let rules: Vec<&str> = report.findings.iter().map(|f| &*f.rule).collect();
    assert_eq!(
        rules.iter().filter(|r| **r == "schema-violation").count(),
        2,
        "{rules:?}"
    );
    assert!(rules.contains(&"hpa-min-replicas"), "{rules:?}");
    assert!(rules.contains(&"hpa-scale-down-window") || rules.contains(&"hpa-scale-down-rate"));
}

#[test]
fn hostile_objects_are_validated_in_linear_time() {
    // 20,000 unknown fields, half of them with long names (YAML caps implicit keys at 1024
    // characters): one finding each, no
    // quadratic suggestion search.
    let mut text = String::from(
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  maxReplicas: 3\n  scaleTargetRef: {kind: Deployment, name: web}\n",
    );
    for i in 0..20_000 {
        if i % 2 == 0 {
            text.push_str(&format!("  f{i}{}: 1\n", "x".repeat(500)));
        } else {
            text.push_str(&format!("  minReplica{i}: 1\n"));
        }
    }
    let start = Instant::now();
    let report = lint_texts(&[("big.yaml", &text)]);
    let n = report
        .findings
        .iter()
        .filter(|f| f.rule == "schema-violation")
        .count();
    assert_eq!(n, 20_000);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

/// Objects of every file under `dir` that have a schema.
fn objects_under(dir: &Path) -> Vec<Object> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(classify::by_name(&p), Some(classify::Kind::Yaml)) {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for (id, p) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        let loaded = sources::load(id, p.display().to_string(), text, classify::named(p));
        out.extend(
            loaded
                .objects
                .into_iter()
                .filter(|o| matches!(schema::lookup(&o.api_version, &o.kind), Lookup::Validate(_))),
        );
    }
    out
}

/// jsonschema's validator of each embedded schema, with the schema document (which the
/// reference reads for suggestions), by file.
fn serde_validators() -> HashMap<&'static str, (jsonschema::Validator, Value)> {
    SCHEMAS
        .iter()
        .map(|s| {
            let document = s.document().unwrap();
            let v = jsonschema::validator_for(&document).unwrap();
            (s.file, (v, document))
        })
        .collect()
}

/// What jsonschema finds in `root`, as `KindSchema::validate` reports it: the reference our
/// own validator (`schema::check`) is held to.
fn reference(v: &jsonschema::Validator, schema: &Value, root: &Node) -> Vec<Violation> {
    use jsonschema::error::{TypeKind, ValidationErrorKind as K};
    use jsonschema::paths::{Location, LocationSegment};
    use jsonschema::types::JsonType;
    let segments = |l: &Location| -> Vec<Seg> {
        l.segments()
            .map(|s| match s {
                LocationSegment::Property(p) => Seg::Key(p.into_owned()),
                LocationSegment::Index(i) => Seg::Index(i),
            })
            .collect()
    };
    // The subschema at a keyword location, through the `$ref`s it followed.
    let schema_at = |location: &Location| -> Option<&Value> {
        location.segments().try_fold(schema, |s, seg| match seg {
            LocationSegment::Property(p) if p.as_ref() == "$ref" => {
                let name = s.get("$ref")?.as_str()?.strip_prefix("#/$defs/")?;
                schema.get("$defs")?.get(name)
            }
            LocationSegment::Property(p) => s.get(p.as_ref()),
            LocationSegment::Index(i) => s.get(i),
        })
    };
    let type_name = |t: JsonType| match t {
        JsonType::Null => None,
        JsonType::Boolean => Some("boolean"),
        JsonType::Integer => Some("integer"),
        JsonType::Number => Some("number"),
        JsonType::String => Some("string"),
        JsonType::Array => Some("array"),
        JsonType::Object => Some("object"),
    };
    let json = root.to_json();
    let mut out = Vec::new();
    for e in v.iter_errors(&json) {
        let path = segments(e.instance_path());
        let problem = match e.kind() {
            K::AdditionalProperties { unexpected } => {
                let mut parent: Vec<LocationSegment<'_>> = e.schema_path().segments().collect();
                parent.pop();
                let parent: Location = parent.into_iter().collect();
                let known: Vec<&str> = schema_at(&parent)
                    .and_then(|s| s.get("properties"))
                    .and_then(Value::as_object)
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                for name in unexpected {
                    let mut field = path.clone();
                    field.push(Seg::Key(name.clone()));
                    out.push(Violation {
                        path: field,
                        problem: Problem::UnknownField {
                            suggestion: schema::suggest(name, &known),
                            suggestion_required: false,
                        },
                    });
                }
                continue;
            }
            K::Required { property } => Problem::Required {
                field: schema::display_json(property),
            },
            K::Type { kind } => Problem::Type {
                expected: match kind {
                    TypeKind::Single(t) => type_name(*t).into_iter().collect(),
                    TypeKind::Multiple(set) => set.iter().filter_map(type_name).collect(),
                },
            },
            K::Enum { options } => {
                let options: Vec<String> = options
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter(|v| !v.is_null())
                            .map(schema::display_json)
                            .collect()
                    })
                    .unwrap_or_default();
                let found = e.instance().as_str().unwrap_or_default().to_string();
                let refs: Vec<&str> = options
                    .iter()
                    .map(String::as_str)
                    .filter(|o| !o.is_empty())
                    .collect();
                Problem::Enum {
                    suggestion: schema::suggest(&found, &refs),
                    options,
                }
            }
            K::Pattern { pattern } => Problem::Pattern {
                pattern: pattern.clone(),
            },
            K::Minimum { limit } => Problem::Minimum {
                limit: schema::display_json(limit),
                exclusive: false,
            },
            K::MinItems { limit } => Problem::MinItems { limit: *limit },
            K::MinLength { limit } => Problem::MinLength { limit: *limit },
            _ => Problem::Other {
                message: e.masked().to_string(),
            },
        };
        out.push(Violation { path, problem });
    }
    schema::fold(out)
}

fn sorted(v: &[Violation]) -> Vec<String> {
    let mut out: Vec<String> = v.iter().map(|v| format!("{v:?}")).collect();
    out.sort();
    out
}

/// Our validator finds what jsonschema finds, for every object of the copied Kubernetes
/// corpus and the fixtures.
#[test]
fn our_validator_agrees_with_jsonschema() {
    let mut objects = objects_under(Path::new(K8S));
    objects.extend(objects_under(Path::new("fixtures")));
    assert!(objects.len() > 150, "{}", objects.len());
    let invalid = agree_with_jsonschema(&objects);
    assert!(invalid > 50, "{invalid}");
}

#[test]
fn our_validator_agrees_with_jsonschema_opt_in() {
    let Some(root) = shared_corpus(
        "our validator against jsonschema on the shared corpus's k8s/ and python-api-base/ (no licence)",
    ) else {
        return;
    };
    let mut objects = objects_under(&under(&root, "k8s"));
    objects.extend(objects_under(&under(&root, "python-api-base")));
    assert!(objects.len() > 150, "{}", objects.len());
    agree_with_jsonschema(&objects);
}

/// Validates each object both ways and compares; returns how many are invalid.
fn agree_with_jsonschema(objects: &[Object]) -> usize {
    let serde = serde_validators();
    let mut invalid = 0;
    for o in objects {
        let Lookup::Validate(s) = schema::lookup(&o.api_version, &o.kind) else {
            unreachable!()
        };
        let ours = s.validate(&o.root);
        let (v, document) = &serde[s.file];
        let theirs = reference(v, document, &o.root);
        assert_eq!(
            sorted(&ours),
            sorted(&theirs),
            "{} {}",
            o.kind,
            o.name.as_deref().unwrap_or("")
        );
        invalid += usize::from(!ours.is_empty());
    }
    invalid
}

/// Values a mutation puts in place of a field's: each JSON type, and the edge cases of each
/// keyword the schemas use (integers written as floats, negatives, empty strings, quantities
/// and not-quantities, enum near-misses, non-finite floats, which Kubernetes reads as null).
fn replacements() -> Vec<Node> {
    let at = Span::default();
    let scalar = |text: &str, resolved: Resolved| {
        let style = if resolved == Resolved::Str {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::Plain
        };
        Node::scalar(at, text, style, resolved)
    };
    vec![
        scalar("null", Resolved::Null),
        scalar("true", Resolved::Bool(true)),
        scalar("0", Resolved::Int(0)),
        scalar("-1", Resolved::Int(-1)),
        scalar("3", Resolved::Int(3)),
        scalar("2.0", Resolved::Float(2.0)),
        scalar("-0.5", Resolved::Float(-0.5)),
        scalar("0.5", Resolved::Float(0.5)),
        scalar(".inf", Resolved::Float(f64::INFINITY)),
        scalar("", Resolved::Str),
        scalar("x", Resolved::Str),
        scalar("250m", Resolved::Str),
        scalar("1.5Gi", Resolved::Str),
        scalar("12Q", Resolved::Str),
        scalar("Recreat", Resolved::Str),
        scalar("rollingupdate", Resolved::Str),
        scalar("IfNotPresent", Resolved::Str),
        Node {
            span: at,
            value: NodeValue::Map(Vec::new()),
        },
        Node {
            span: at,
            value: NodeValue::Seq(Vec::new()),
        },
        Node {
            span: at,
            value: NodeValue::Seq(vec![
                scalar("x", Resolved::Str),
                scalar("1", Resolved::Int(1)),
            ]),
        },
        Node {
            span: at,
            value: NodeValue::Map(vec![Entry {
                key: scalar("nmae", Resolved::Str),
                value: scalar("x", Resolved::Str),
            }]),
        },
    ]
}

/// Every variant of `root` one mutation away, at the mapping entries and sequence items whose
/// position (in a depth-first count) is a multiple of `every`: the value replaced by each of
/// `values`, the entry removed, the key misspelt (one letter dropped, or capitalised).
fn mutations(root: &Node, values: &[Node], every: usize) -> Vec<Node> {
    fn walk(node: &Node, count: &mut usize, every: usize, values: &[Node], out: &mut Vec<Node>) {
        // Each variant rebuilt from the root: a path of child indices to the mutated place.
        match &node.value {
            NodeValue::Map(entries) => {
                for (i, e) in entries.iter().enumerate() {
                    *count += 1;
                    if (*count).is_multiple_of(every) {
                        let mut variants = Vec::new();
                        for v in values {
                            let mut changed = entries.clone();
                            changed[i].value = v.clone();
                            variants.push(changed);
                        }
                        let mut removed = entries.clone();
                        removed.remove(i);
                        variants.push(removed);
                        if let Some(k) = e.key.text().filter(|k| k.len() > 1) {
                            for key in [k[..k.len() - 1].to_string(), k.to_uppercase()] {
                                let mut renamed = entries.clone();
                                renamed[i].key = Node::string(Span::default(), key);
                                variants.push(renamed);
                            }
                        }
                        out.extend(variants.into_iter().map(|entries| Node {
                            span: node.span,
                            value: NodeValue::Map(entries),
                        }));
                    }
                    let mut inner = Vec::new();
                    walk(&e.value, count, every, values, &mut inner);
                    out.extend(inner.into_iter().map(|v| {
                        let mut changed = entries.clone();
                        changed[i].value = v;
                        Node {
                            span: node.span,
                            value: NodeValue::Map(changed),
                        }
                    }));
                }
            }
            NodeValue::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    *count += 1;
                    if (*count).is_multiple_of(every) {
                        for v in values {
                            let mut changed = items.clone();
                            changed[i] = v.clone();
                            out.push(Node {
                                span: node.span,
                                value: NodeValue::Seq(changed),
                            });
                        }
                    }
                    let mut inner = Vec::new();
                    walk(item, count, every, values, &mut inner);
                    out.extend(inner.into_iter().map(|v| {
                        let mut changed = items.clone();
                        changed[i] = v;
                        Node {
                            span: node.span,
                            value: NodeValue::Seq(changed),
                        }
                    }));
                }
            }
            NodeValue::Scalar(_) => {}
        }
    }
    let mut out = Vec::new();
    walk(root, &mut 0, every, values, &mut out);
    out
}

/// Mutations of the corpus's and fixtures' objects (wrong types, edge values, removed and
/// misspelt fields, at every depth) are judged alike by our validator and jsonschema.
#[test]
fn our_validator_agrees_with_jsonschema_on_mutations() {
    let mut objects = objects_under(Path::new(K8S));
    objects.extend(objects_under(Path::new("fixtures")));
    let serde = serde_validators();
    let values = replacements();
    let (mut checked, mut invalid) = (0, 0);
    let mut problems: HashSet<&'static str> = HashSet::new();
    // One object in five, mutated at one place in three: about 10,000 variants.
    for o in objects.iter().step_by(5) {
        let Lookup::Validate(s) = schema::lookup(&o.api_version, &o.kind) else {
            unreachable!()
        };
        for variant in mutations(&o.root, &values, 3) {
            let ours = s.validate(&variant);
            let (v, document) = &serde[s.file];
            let theirs = reference(v, document, &variant);
            assert_eq!(
                sorted(&ours),
                sorted(&theirs),
                "{} {}: {}",
                o.kind,
                o.name.as_deref().unwrap_or(""),
                variant.to_json()
            );
            checked += 1;
            invalid += usize::from(!ours.is_empty());
            problems.extend(ours.iter().map(|v| problem_name(&v.problem)));
        }
    }
    assert!(checked > 5_000, "{checked}");
    assert!(invalid > checked / 2, "{invalid} of {checked}");
    // Every kind of problem the schemas can raise was raised.
    let mut seen: Vec<&str> = problems.into_iter().collect();
    seen.sort_unstable();
    assert_eq!(
        seen,
        [
            "Enum",
            "MinItems",
            "MinLength",
            "Minimum",
            "Pattern",
            "Required",
            "Type",
            "UnknownField"
        ]
    );
}

fn problem_name(p: &Problem) -> &'static str {
    match p {
        Problem::UnknownField { .. } => "UnknownField",
        Problem::Required { .. } => "Required",
        Problem::Type { .. } => "Type",
        Problem::Enum { .. } => "Enum",
        Problem::Pattern { .. } => "Pattern",
        Problem::Minimum { .. } => "Minimum",
        Problem::Maximum { .. } => "Maximum",
        Problem::MinItems { .. } => "MinItems",
        Problem::MaxItems { .. } => "MaxItems",
        Problem::MinLength { .. } => "MinLength",
        Problem::MaxLength { .. } => "MaxLength",
        Problem::Other { .. } => "Other",
    }
}

/// `cargo test --release --test real_world -- --ignored --nocapture bench`, after
/// `python3 ../shared/tools/gen-corpus /tmp/bench7 -n 1000` (or SCALELINT_BENCH_DIR).
#[test]
#[ignore = "benchmark"]
fn bench_ours_vs_jsonschema() {
    let dir = std::env::var("SCALELINT_BENCH_DIR").unwrap_or_else(|_| "/tmp/bench7".into());
    let objects = objects_under(Path::new(&dir));
    assert!(!objects.is_empty(), "no objects under {dir}");
    let serde = serde_validators();
    let schemas: Vec<_> = objects
        .iter()
        .map(|o| match schema::lookup(&o.api_version, &o.kind) {
            Lookup::Validate(s) => s,
            _ => unreachable!(),
        })
        .collect();
    let rounds = 20;
    let time = |f: &dyn Fn(&Object, usize) -> usize| {
        let mut best = Duration::MAX;
        let mut n = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            n = objects
                .iter()
                .enumerate()
                .map(|(i, o)| f(o, i))
                .sum::<usize>();
            best = best.min(start.elapsed());
        }
        (best, n)
    };
    let per = |d: Duration| d.as_secs_f64() * 1e6 / objects.len() as f64;
    let (ours, _) = time(&|o, i| schemas[i].validate(&o.root).len());
    let (json_errors, _) = time(&|o, i| {
        let j = o.root.to_json();
        serde[schemas[i].file].0.iter_errors(&j).count()
    });
    println!(
        "{} objects from {dir}, best of {rounds} rounds, µs per object:",
        objects.len()
    );
    println!("  KindSchema::validate (what runs)    {:8.2}", per(ours));
    println!(
        "  to_json + jsonschema iter_errors    {:8.2}",
        per(json_errors)
    );
    let start = Instant::now();
    for s in &SCHEMAS {
        assert_eq!(s.compile_error(), None);
    }
    println!("compiling the six schemas: {:?}", start.elapsed());
}
