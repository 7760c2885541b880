//! Findings share what does not vary between them (issue 22): a built-in rule's name and a
//! help written as a literal are borrowed from the binary, and `autoscaler-conflict` names each
//! other autoscaler with one shared label text, however many findings name it. With one
//! Deployment behind thousands of autoscalers, copies of these were most of the findings'
//! memory.

use scalelint::{Options, builtin_rules, lint};
use std::borrow::Cow;
use std::sync::Arc;

#[test]
fn findings_borrow_rule_names_and_share_label_texts() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: nginx\n",
    );
    for i in 0..30 {
        text.push_str(&format!(
            "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: hpa-{i:02}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: 2\n  maxReplicas: 8\n"
        ));
    }
    std::fs::write(dir.path().join("all.yaml"), text).unwrap();
    let rules = builtin_rules().unwrap();
    let opts = Options {
        paths: vec![dir.path().to_path_buf()],
        ..Options::default()
    };
    let report = lint(&opts, &rules);
    assert!(!report.findings.is_empty());
    for f in &report.findings {
        assert!(
            matches!(f.rule, Cow::Borrowed(_)),
            "{} copied its rule name",
            f.rule
        );
    }
    let conflicts: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "autoscaler-conflict")
        .collect();
    assert_eq!(conflicts.len(), 30);
    for f in &conflicts {
        assert!(matches!(f.help, Some(Cow::Borrowed(_))), "{:?}", f.help);
    }
    // hpa-29's finding and hpa-28's both name hpa-00 (the first of the others): one text.
    let label_of = |f: &scalelint::model::Finding, name: &str| {
        f.labels
            .iter()
            .find(|l| l.message.contains(&format!("`{name}` also scales")))
            .map(|l| l.message.clone())
    };
    let (a, b) = (
        label_of(conflicts[29], "hpa-00").unwrap(),
        label_of(conflicts[28], "hpa-00").unwrap(),
    );
    assert_eq!(
        &*a,
        "HorizontalPodAutoscaler `hpa-00` also scales Deployment `web`"
    );
    assert!(Arc::ptr_eq(&a, &b), "the label text is made once");
}
