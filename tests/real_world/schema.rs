//! Schema validation (`schema-violation`): the embedded schemas, the kube-score, Polaris and
//! kube-linter test data of the validated kinds, the agreement of validating our tree directly
//! with validating its `to_json` copy, and a benchmark of the two.

use crate::common::lint_texts;
use crate::common::{lint_files, shared_corpus, under};
use scalelint::Report;
use scalelint::model::Object;
use scalelint::schema::{self, Lookup, SCHEMAS};
use scalelint::sources::{self, classify};
use std::collections::{BTreeMap, HashMap};
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
        assert!(s.document().is_some() && s.validator().is_some());
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

fn serde_validators() -> HashMap<&'static str, jsonschema::Validator> {
    SCHEMAS
        .iter()
        .map(|s| {
            let v = jsonschema::validator_for(s.document().unwrap()).unwrap();
            (s.file, v)
        })
        .collect()
}

fn describe(e: &jsonschema::ValidationError<'_>) -> String {
    let kind = match e.kind() {
        // serde_json's maps are sorted by key; our tree keeps the document's order.
        jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
            let mut u = unexpected.clone();
            u.sort();
            format!("AdditionalProperties {u:?}")
        }
        other => format!("{other:?}"),
    };
    format!(
        "{} {} {kind}",
        e.instance_path().as_str(),
        e.schema_path().as_str()
    )
}

/// Reading our tree through jsonschema's JSON trait is exactly validating `to_json`, for
/// every object of the copied Kubernetes corpus and the fixtures.
#[test]
fn tree_and_json_validation_agree() {
    let mut objects = objects_under(Path::new(K8S));
    objects.extend(objects_under(Path::new("fixtures")));
    assert!(objects.len() > 150, "{}", objects.len());
    let invalid = tree_and_json_agree(&objects);
    assert!(invalid > 50, "{invalid}");
}

#[test]
fn tree_and_json_validation_agree_opt_in() {
    let Some(root) = shared_corpus(
        "tree and JSON validation of the shared corpus's k8s/ and python-api-base/ (no licence)",
    ) else {
        return;
    };
    let mut objects = objects_under(&under(&root, "k8s"));
    objects.extend(objects_under(&under(&root, "python-api-base")));
    assert!(objects.len() > 150, "{}", objects.len());
    tree_and_json_agree(&objects);
}

/// Validates each object both ways and compares the errors; returns how many are invalid.
fn tree_and_json_agree(objects: &[Object]) -> usize {
    let serde = serde_validators();
    let mut invalid = 0;
    for o in objects {
        let Lookup::Validate(s) = schema::lookup(&o.api_version, &o.kind) else {
            unreachable!()
        };
        let tree = s.validator().unwrap();
        let json = o.root.to_json();
        let other = &serde[s.file];
        let mut a: Vec<String> = tree.iter_errors(&o.root).map(|e| describe(&e)).collect();
        let mut b: Vec<String> = other.iter_errors(&json).map(|e| describe(&e)).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{} {}", o.kind, o.name.as_deref().unwrap_or(""));
        assert_eq!(tree.is_valid(&o.root), other.is_valid(&json));
        invalid += usize::from(!a.is_empty());
    }
    invalid
}

/// `cargo test --release --test real_world -- --ignored --nocapture bench`, after
/// `python3 ../shared/tools/gen-corpus /tmp/bench7 -n 1000` (or SCALELINT_BENCH_DIR).
#[test]
#[ignore = "benchmark"]
fn bench_tree_vs_json() {
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
    let (tree_valid, _) =
        time(&|o, i| usize::from(schemas[i].validator().unwrap().is_valid(&o.root)));
    let (json_valid, _) = time(&|o, i| {
        let j = o.root.to_json();
        usize::from(serde[schemas[i].file].is_valid(&j))
    });
    let (to_json, _) = time(&|o, _| usize::from(o.root.to_json().is_object()));
    let (tree_errors, e1) =
        time(&|o, i| schemas[i].validator().unwrap().iter_errors(&o.root).count());
    let (json_errors, e2) = time(&|o, i| {
        let j = o.root.to_json();
        serde[schemas[i].file].iter_errors(&j).count()
    });
    let (rule, _) = time(&|o, i| schemas[i].validate(&o.root).len());
    assert_eq!(e1, e2);
    println!(
        "{} objects from {dir}, best of {rounds} rounds, µs per object:",
        objects.len()
    );
    println!(
        "  is_valid, tree (JSON trait)         {:8.2}",
        per(tree_valid)
    );
    println!(
        "  is_valid, to_json + serde_json      {:8.2}",
        per(json_valid)
    );
    println!("    of which to_json                  {:8.2}", per(to_json));
    println!(
        "  iter_errors, tree                   {:8.2}",
        per(tree_errors)
    );
    println!(
        "  iter_errors, to_json + serde_json   {:8.2}",
        per(json_errors)
    );
    println!("  KindSchema::validate (what runs)    {:8.2}", per(rule));
}
