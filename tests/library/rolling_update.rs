//! `deployment-rolling-update` states what Kubernetes does (issue 14, item 5): a
//! `maxUnavailable` percentage is rounded down at the most replicas the Deployment can run,
//! so 25% of 3 replicas is no pod, while the same Deployment scaled by an HPA up to 10
//! replicas loses 2 pods during a rollout.

use crate::common::lint_texts;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: example/web:1.0.0
";

const HPA: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
";

/// The deployment-rolling-update messages of a run over these files.
fn rolling(files: &[(&str, &str)]) -> Vec<String> {
    lint_texts(files)
        .findings
        .into_iter()
        .filter(|f| f.rule == "deployment-rolling-update")
        .map(|f| f.message)
        .collect()
}

#[test]
fn three_replicas_without_an_autoscaler_lose_no_pod() {
    assert!(rolling(&[("web.yaml", DEPLOYMENT)]).is_empty());
}

#[test]
fn the_same_deployment_under_an_hpa_loses_two_pods_at_ten_replicas() {
    for files in [
        vec![("web.yaml", format!("{DEPLOYMENT}---\n{HPA}"))],
        vec![
            ("web.yaml", DEPLOYMENT.to_string()),
            ("hpa.yaml", HPA.to_string()),
        ],
    ] {
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let found = rolling(&files);
        assert_eq!(
            found,
            [
                "maxUnavailable is not set and defaults to 25%; 25% of up to 10 replicas: 2 pods out of service during a rollout, before their replacements are ready"
            ]
        );
    }
}

#[test]
fn percentages_and_counts_are_judged_at_the_replicas() {
    let with = |strategy: &str, replicas: &str| {
        let text = DEPLOYMENT
            .replace("replicas: 3", replicas)
            .replace("  selector:", &format!("{strategy}  selector:"));
        rolling(&[("web.yaml", &text)])
    };
    let rolling_update = |u: &str, s: &str| {
        format!("  strategy:\n    rollingUpdate:\n      maxUnavailable: {u}\n      maxSurge: {s}\n")
    };
    // 25% of 7 is 1 pod, of 8 it is 2.
    assert!(with("", "replicas: 7")[0].contains("1 pod out of service"));
    assert!(with("", "replicas: 8")[0].contains("25% of 8 replicas: 2 pods"));
    // A count is a count; above the replicas it is all of them.
    assert_eq!(
        with(&rolling_update("1", "1"), "replicas: 2"),
        [
            "maxUnavailable is 1; a rollout takes 1 pod out of service before its replacement is ready"
        ]
    );
    assert!(with(&rolling_update("5", "1"), "replicas: 2")[0].contains("all 2 pods"));
    // 0 and 0% lose nothing; both at 0 is the surge rule's (the API rejects it).
    assert!(with(&rolling_update("0", "1"), "replicas: 9").is_empty());
    assert!(with(&rolling_update("0%", "25%"), "replicas: 9").is_empty());
    assert!(with(&rolling_update("0", "0"), "replicas: 9").is_empty());
    // Both rounded to 0: the controller takes one pod anyway.
    assert!(
        with(&rolling_update("10%", "0"), "replicas: 3")[0]
            .contains("takes 1 pod out of service at a time")
    );
    // No replicas: 1, where 25% is nothing.
    assert!(with("", "").is_empty());
}
