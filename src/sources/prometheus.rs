//! Prometheus rules and PromQL queries, wherever they are written, as `Format::Prometheus`
//! objects whose nodes keep their places in the YAML:
//! - a rule file (a document with no `apiVersion`/`kind` whose root has a `groups` list);
//! - a prometheus-operator `PrometheusRule` (`monitoring.coreos.com`): its `spec.groups`;
//! - a KEDA `ScaledObject` or `ScaledJob` (`keda.sh`): its `spec.triggers`, whose
//!   `prometheus` triggers carry a PromQL `query`.

use super::grafana::{self, Operand, Substituted, substitute};
use super::promql::{Checked, check};
use super::scalar_offsets::span_in;
use crate::kube::Kind;
use crate::model::{Entry, FileId, Format, Node, Object, Span, Value};

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

/// Prometheus' duration syntax (`model.ParseDuration`): `0`, or units in the order
/// y w d h m s ms, each at most once, each a run of digits.
pub fn is_duration(text: &str) -> bool {
    if text == "0" {
        return true;
    }
    const UNITS: [&str; 7] = ["y", "w", "d", "h", "m", "s", "ms"];
    let mut rest = text;
    let mut next_unit = 0;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        // `ms` before `m`: the longest unit that matches.
        let Some(i) = (next_unit..UNITS.len())
            .filter(|&i| rest.starts_with(UNITS[i]))
            .max_by_key(|&i| UNITS[i].len())
        else {
            return false;
        };
        rest = &rest[UNITS[i].len()..];
        next_unit = i + 1;
    }
    true
}

/// Whether a Prometheus duration (`0`, `0s`, `0m`, `0h0m`, …) is zero. Anything that is not
/// a duration is left to Prometheus, which rejects the file.
pub fn is_zero_duration(text: &str) -> bool {
    let t = text.trim();
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || "ywdhms".contains(c))
        && t.chars().filter(char::is_ascii_digit).all(|c| c == '0')
}

/// A PromQL expression to check, and what it belongs to (for messages).
pub struct Query<'a> {
    pub node: &'a Node,
    pub owner: String,
    /// A Grafana panel's query, whose template variables are replaced before parsing.
    pub grafana: bool,
}

/// A query as PromQL read it.
pub struct Parsed {
    pub checked: Checked,
    /// The replacements of Grafana's variables, when there were any.
    substituted: Option<Substituted>,
}

impl Parsed {
    /// Where bytes `start..end` of the parsed text are in the file `src` (`node` is the
    /// query's): inside the string as written, a replaced variable as a whole.
    pub fn span(&self, src: &str, node: &Node, start: usize, end: usize) -> Span {
        let (start, end) = match &self.substituted {
            Some(s) => s.original(start, end),
            None => (start, end),
        };
        span_in(src, node, start, end)
    }
}

impl Query<'_> {
    /// The query parsed (`None` when it is not a string). A dashboard's query is parsed with
    /// its variables replaced by numbers where their place does not say what they stand
    /// for, then by metric names if that does not parse; a syntax error at a replaced
    /// variable is then no error of the query's (what the variable holds decides) and the
    /// query counts as valid, without metrics.
    pub fn parse(&self) -> Option<Parsed> {
        let text = self.node.text()?;
        if !self.grafana || !text.contains(['$', '[']) {
            return Some(Parsed {
                checked: check(text),
                substituted: None,
            });
        }
        let numbers = substitute(text, Operand::Number);
        if numbers.is_empty() {
            return Some(Parsed {
                checked: check(text),
                substituted: None,
            });
        }
        let first = check(&numbers.text);
        let Checked::Invalid(error) = first else {
            return Some(Parsed {
                checked: first,
                substituted: Some(numbers),
            });
        };
        let names = substitute(text, Operand::Name);
        let second = check(&names.text);
        if !matches!(second, Checked::Invalid(_)) {
            return Some(Parsed {
                checked: second,
                substituted: Some(names),
            });
        }
        let checked = if numbers.touches(error.start, error.end) {
            Checked::Valid(Vec::new())
        } else {
            Checked::Invalid(error)
        };
        Some(Parsed {
            checked,
            substituted: Some(numbers),
        })
    }
}

/// Every PromQL expression of an object: rules' `expr`, prometheus triggers' `query`, a
/// dashboard's panel queries.
pub fn queries(obj: &Object) -> Vec<Query<'_>> {
    if obj.kind == grafana::DASHBOARD {
        return grafana::queries(&obj.root)
            .into_iter()
            .map(|q| Query {
                node: q.expr,
                owner: match q.title() {
                    Some(t) => format!("the query of panel `{t}`"),
                    None => "a panel's query".to_string(),
                },
                grafana: true,
            })
            .collect();
    }
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
                grafana: false,
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
                grafana: false,
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
