//! Prometheus rules and PromQL queries, wherever they are written, as `Format::Prometheus`
//! objects whose nodes keep their places in the YAML:
//! - a rule file (a document with no `apiVersion`/`kind` whose root has a `groups` list);
//! - a prometheus-operator `PrometheusRule` (`monitoring.coreos.com`): its `spec.groups`;
//! - a KEDA `ScaledObject` or `ScaledJob` (`keda.sh`): its `spec.triggers`, whose
//!   `prometheus` triggers carry a PromQL `query`.

use crate::kube::Kind;
use crate::model::{Entry, FileId, Format, Node, Object, Value};

/// A plain rule file: `groups:` at the root.
pub const RULE_FILE: &str = "RuleFile";
/// The groups of a `PrometheusRule`.
pub const PROMETHEUS_RULE: &str = "PrometheusRule";
/// The triggers of a KEDA ScaledObject or ScaledJob.
pub const KEDA_TRIGGERS: &str = "KedaTriggers";

/// A document that is not a Kubernetes object but a Prometheus rule file.
pub fn rule_file(file: FileId, root: Node) -> Option<Object> {
    let groups = root.entry("groups")?;
    groups.value.as_seq()?;
    let anchor = groups.key.span;
    Some(Object {
        file,
        format: Format::Prometheus,
        api_version: String::new(),
        kind: RULE_FILE.to_string(),
        name: None,
        namespace: String::new(),
        root,
        anchor: Some(anchor),
    })
}

/// The Prometheus-format object a Kubernetes object carries, if any.
pub fn derived(obj: &Object) -> Option<Object> {
    let (kind, key) = match Kind::of(obj)? {
        Kind::PrometheusRule => (PROMETHEUS_RULE, "groups"),
        Kind::ScaledObject | Kind::ScaledJob => (KEDA_TRIGGERS, "triggers"),
        _ => return None,
    };
    let spec = obj.root.get("spec")?;
    let entry = spec.entry(key)?;
    entry.value.as_seq()?;
    // `{groups: …}` or `{triggers: …}`, the entry itself taken from the spec.
    let root = Node {
        span: spec.span,
        value: Value::Map(vec![Entry {
            key: entry.key.clone(),
            value: entry.value.clone(),
        }]),
    };
    Some(obj.derived(Format::Prometheus, kind, root, entry.key.span))
}

/// One rule of a group: alerting (`alert:`) or recording (`record:`).
pub struct RuleNode<'a> {
    pub node: &'a Node,
    /// The `alert` entry of an alerting rule.
    pub alert: Option<&'a Entry>,
    /// The `record` entry of a recording rule.
    pub record: Option<&'a Entry>,
}

impl RuleNode<'_> {
    /// `alert X` or `recording rule X`, for messages.
    pub fn describe(&self) -> String {
        match (self.alert, self.record) {
            (Some(a), _) => format!("alert {}", a.value.text().unwrap_or("<unnamed>")),
            (None, Some(r)) => format!("recording rule {}", r.value.text().unwrap_or("<unnamed>")),
            (None, None) => "rule".to_string(),
        }
    }
}

/// Every rule of every group of a rule file or PrometheusRule.
pub fn rules(obj: &Object) -> Vec<RuleNode<'_>> {
    let groups = obj.root.get("groups").and_then(Node::as_seq).unwrap_or(&[]);
    groups
        .iter()
        .flat_map(|g| g.get("rules").and_then(Node::as_seq).unwrap_or(&[]))
        .filter(|r| r.as_map().is_some())
        .map(|node| RuleNode {
            node,
            alert: node.entry("alert"),
            record: node.entry("record"),
        })
        .collect()
}

/// A PromQL expression to check, and what it belongs to (for messages).
pub struct Query<'a> {
    pub node: &'a Node,
    pub owner: String,
}

/// Every PromQL expression of an object: rules' `expr`, prometheus triggers' `query`.
pub fn queries(obj: &Object) -> Vec<Query<'_>> {
    if obj.kind == KEDA_TRIGGERS {
        let triggers = obj
            .root
            .get("triggers")
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        return triggers
            .iter()
            .filter(|t| t.get("type").and_then(Node::text) == Some("prometheus"))
            .filter_map(|t| t.path(&["metadata", "query"]))
            .filter(|q| q.as_scalar().is_some() && !q.is_null())
            .map(|node| Query {
                node,
                owner: "the prometheus trigger's query".to_string(),
            })
            .collect();
    }
    rules(obj)
        .into_iter()
        .filter_map(|r| {
            let node = r
                .node
                .get("expr")
                .filter(|e| e.as_scalar().is_some() && !e.is_null())?;
            Some(Query {
                node,
                owner: format!("the expr of {}", r.describe()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{classify::Kind, load};

    fn prometheus_objects(text: &str) -> Vec<Object> {
        load(0, "t.yaml".into(), text.into(), Kind::Yaml)
            .objects
            .into_iter()
            .filter(|o| o.format == Format::Prometheus)
            .collect()
    }

    #[test]
    fn rule_files_prometheus_rules_and_keda_triggers() {
        let objs = prometheus_objects(
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n      - record: r\n        expr: sum(up)\n",
        );
        assert_eq!(objs.len(), 1);
        assert_eq!(objs[0].kind, RULE_FILE);
        let rs = rules(&objs[0]);
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].describe(), "alert A");
        assert_eq!(rs[1].describe(), "recording rule r");
        assert_eq!(queries(&objs[0]).len(), 2);

        let objs = prometheus_objects(
            "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: p\nspec:\n  groups:\n  - name: g\n    rules:\n    - alert: B\n      expr: up\n",
        );
        assert_eq!(objs.len(), 1);
        assert_eq!(objs[0].kind, PROMETHEUS_RULE);
        assert_eq!(objs[0].name.as_deref(), Some("p"));
        assert_eq!(queries(&objs[0])[0].owner, "the expr of alert B");

        let objs = prometheus_objects(
            "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: s\nspec:\n  triggers:\n  - type: cpu\n    metadata:\n      value: \"50\"\n  - type: prometheus\n    metadata:\n      query: sum(rate(x[1m]))\n",
        );
        assert_eq!(objs[0].kind, KEDA_TRIGGERS);
        let q = queries(&objs[0]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].node.text(), Some("sum(rate(x[1m]))"));
    }

    #[test]
    fn other_documents_are_not_rules() {
        for text in [
            "groups: 3\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ngroups: []\n",
            "route:\n  receiver: x\n",
            "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: s\nspec:\n  groups: []\n",
        ] {
            assert!(prometheus_objects(text).is_empty(), "{text:?}");
        }
    }
}
