//! A YAML null is an absent value for Kubernetes: `minReplicas:` and `minReplicas: ~` take
//! the default exactly as a missing `minReplicas` does (issue 14, item 4). For every field a
//! rule reads with a default, the same object is linted with the field absent, empty and
//! `~`, and the findings (rule, message, line, column) must be the same.
//!
//! Each case's null field is written as the object's last line, so the absent variant's
//! positions are the same lines. Positions follow the rule for missing fields: a finding
//! about the null field itself points where it would if the field were absent (its nearest
//! existing ancestor); one about a field *below* a null mapping (`behavior: ~`) points at
//! that mapping's key, the nearest ancestor written in the file.

use crate::common::lint_texts;

/// (name, YAML with a `FIELD` line where the null goes) — `FIELD` is replaced by nothing,
/// by `key:` and by `key: ~`.
const CASES: &[(&str, &str, &str)] = &[
    (
        "hpa minReplicas",
        "minReplicas",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 10\n  FIELD\n",
    ),
    (
        "hpa behavior",
        "behavior",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  FIELD\n",
    ),
    (
        "hpa scaleDown window",
        "stabilizationWindowSeconds",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  behavior:\n    scaleDown:\n      policies: [{type: Percent, value: 10, periodSeconds: 60}]\n      FIELD\n",
    ),
    (
        "hpa scaleDown policies",
        "policies",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 300\n      FIELD\n",
    ),
    (
        "hpa selectPolicy",
        "selectPolicy",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 300\n      policies: [{type: Percent, value: 50, periodSeconds: 60}, {type: Pods, value: 1, periodSeconds: 60}]\n      FIELD\n",
    ),
    (
        "hpa metrics",
        "metrics",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  FIELD\n",
    ),
    (
        "hpa v1 target",
        "targetCPUUtilizationPercentage",
        "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  FIELD\n",
    ),
    (
        "keda minReplicaCount",
        "minReplicaCount",
        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {name: web}\n  maxReplicaCount: 10\n  FIELD\n",
    ),
    (
        "keda maxReplicaCount",
        "maxReplicaCount",
        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {name: web}\n  minReplicaCount: 2\n  FIELD\n",
    ),
    (
        "keda idleReplicaCount",
        "idleReplicaCount",
        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {name: web}\n  minReplicaCount: 2\n  maxReplicaCount: 10\n  FIELD\n",
    ),
    (
        "keda scaleTargetRef kind",
        "kind",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: web\nspec:\n  minReplicaCount: 2\n  maxReplicaCount: 10\n  scaleTargetRef:\n    name: web\n    FIELD\n",
    ),
    (
        "keda behavior",
        "behavior",
        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {name: web}\n  minReplicaCount: 2\n  maxReplicaCount: 10\n  advanced:\n    horizontalPodAutoscalerConfig:\n      FIELD\n",
    ),
    (
        "deployment replicas",
        "replicas",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n  FIELD\n",
    ),
    (
        "deployment strategy",
        "strategy",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 8\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n  FIELD\n",
    ),
    (
        "deployment strategy type",
        "type",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 8\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n  strategy:\n    rollingUpdate: {maxSurge: 1}\n    FIELD\n",
    ),
    (
        "deployment maxUnavailable",
        "maxUnavailable",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 8\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      FIELD\n",
    ),
    (
        "deployment maxSurge",
        "maxSurge",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 8\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 0\n      FIELD\n",
    ),
    (
        "container requests",
        "requests",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: app\n        resources:\n          limits: {cpu: 1, memory: 1Gi}\n          FIELD\n",
    ),
    (
        "pdb maxUnavailable beside minAvailable",
        "maxUnavailable",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  minAvailable: 2\n  FIELD\n",
    ),
    (
        "vpa updateMode",
        "updateMode",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {requests: {cpu: 1, memory: 1Gi}}}]\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  updatePolicy:\n    FIELD\n",
    ),
    (
        "vpa controlledResources",
        "controlledResources",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {requests: {cpu: 1, memory: 1Gi}}}]\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  resourcePolicy:\n    containerPolicies:\n    - containerName: '*'\n      FIELD\n",
    ),
    (
        "namespace",
        "namespace",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  FIELD\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n",
    ),
    (
        "strimzi topic partitions",
        "partitions",
        "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n  name: orders\nspec:\n  replicas: 3\n  FIELD\n",
    ),
    (
        "strimzi broker config",
        "config",
        "apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata:\n  name: events\nspec:\n  kafka:\n    replicas: 3\n    FIELD\n",
    ),
    (
        "pdb selector",
        "selector",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 0\n  FIELD\n",
    ),
    (
        "keda hpa name",
        "name",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: keda-hpa-web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {name: web}\n  advanced:\n    horizontalPodAutoscalerConfig:\n      FIELD\n",
    ),
    (
        "vpa container mode",
        "mode",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, resources: {requests: {cpu: 1, memory: 1Gi}}}]\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  resourcePolicy:\n    containerPolicies:\n    - containerName: '*'\n      FIELD\n",
    ),
    (
        "alert for",
        "for",
        "groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    labels: {severity: page}\n    annotations: {summary: down}\n    FIELD\n",
    ),
];

/// (rule, message, line, column) of every finding. schema-violation included: the API server
/// drops a null optional field, it does not reject it.
fn findings(text: &str) -> Vec<(String, String, usize, usize)> {
    let report = lint_texts(&[("case.yaml", text)]);
    let file = &report.files[0];
    report
        .findings
        .iter()
        .map(|f| {
            let lc = file.line_col(f.span.start);
            (f.rule.to_string(), f.message.clone(), lc.line, lc.column)
        })
        .collect()
}

#[test]
fn a_null_field_is_judged_as_an_absent_one() {
    let mut failures = Vec::new();
    for (name, key, template) in CASES {
        let mut absent = findings(&template.replace("FIELD\n", "\n"));
        absent.sort();
        // Where the null key is written: line and column of `FIELD`.
        let at = template.find("FIELD").unwrap();
        let line = template[..at].matches('\n').count() + 1;
        let column = at - template[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
        for null in [
            format!("{key}:"),
            format!("{key}: ~"),
            format!("{key}: null"),
        ] {
            let mut got = findings(&template.replace("FIELD", &null));
            got.sort();
            let same = got.len() == absent.len()
                && got.iter().zip(&absent).all(|(g, a)| {
                    g.0 == a.0
                        && g.1 == a.1
                        && ((g.2, g.3) == (a.2, a.3) || (g.2, g.3) == (line, column))
                });
            if !same {
                failures.push(format!(
                    "{name} with `{null}`:\n  absent: {absent:#?}\n  null:   {got:#?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
