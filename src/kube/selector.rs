//! Label selectors, as Kubernetes evaluates them.

use crate::model::Node;
use std::collections::BTreeMap;

/// The labels of a pod: key → value, borrowed from the workload's tree (the index keeps a
/// workload's labels as long as its projection, so copies would only double them).
pub type Labels<'a> = BTreeMap<&'a str, &'a str>;

/// One requirement of a label selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// `matchLabels` entries are `In` with one value.
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl Requirement {
    fn matches(&self, labels: &Labels<'_>) -> bool {
        let among = |vs: &[String], v: &str| vs.iter().any(|x| x == v);
        match self {
            Requirement::In(k, vs) => labels.get(k.as_str()).is_some_and(|v| among(vs, v)),
            Requirement::NotIn(k, vs) => labels.get(k.as_str()).is_none_or(|v| !among(vs, v)),
            Requirement::Exists(k) => labels.contains_key(k.as_str()),
            Requirement::DoesNotExist(k) => !labels.contains_key(k.as_str()),
        }
    }
}

/// A label selector, as Kubernetes evaluates it: every requirement must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// A null or absent selector, an invalid one (the API rejects it), or an empty one where
    /// empty means no pod (policy/v1beta1): no pod.
    Nothing,
    /// An empty selector (`{}`) where empty means every pod (policy/v1): every pod of the
    /// namespace.
    Everything,
    All(Vec<Requirement>),
}

impl Selector {
    /// Parse `selector` (`matchLabels` and `matchExpressions`). `empty_matches_all` is the
    /// meaning of `{}`, which differs between API versions.
    pub fn parse(node: Option<&Node>, empty_matches_all: bool) -> Selector {
        let Some(node) = node.filter(|n| !n.is_null()) else {
            return Selector::Nothing;
        };
        if node.as_map().is_none() {
            return Selector::Nothing;
        }
        let mut reqs = Vec::new();
        if let Some(labels) = node.get("matchLabels") {
            let Some(entries) = labels.as_map() else {
                return Selector::Nothing;
            };
            for e in entries {
                let (Some(k), Some(v)) = (e.key.text(), label_value(&e.value)) else {
                    return Selector::Nothing;
                };
                reqs.push(Requirement::In(k.to_string(), vec![v]));
            }
        }
        if let Some(exprs) = node.get("matchExpressions") {
            let Some(items) = exprs.as_seq() else {
                return Selector::Nothing;
            };
            for item in items {
                match expression(item) {
                    Some(r) => reqs.push(r),
                    None => return Selector::Nothing,
                }
            }
        }
        if reqs.is_empty() {
            if empty_matches_all {
                Selector::Everything
            } else {
                Selector::Nothing
            }
        } else {
            Selector::All(reqs)
        }
    }

    pub fn matches(&self, labels: &Labels<'_>) -> bool {
        match self {
            Selector::Nothing => false,
            Selector::Everything => true,
            Selector::All(reqs) => reqs.iter().all(|r| r.matches(labels)),
        }
    }

    /// Label pairs one of which every matching pod carries (from the first `In`), to find
    /// candidates by hash instead of testing every pod; `None` when there are none.
    pub fn required_values(&self) -> Option<(&str, &[String])> {
        match self {
            Selector::All(reqs) => reqs.iter().find_map(|r| match r {
                Requirement::In(k, vs) => Some((k.as_str(), vs.as_slice())),
                _ => None,
            }),
            _ => None,
        }
    }
}

/// A label value as the API reads it: a null is the empty value.
pub(crate) fn label_value(node: &Node) -> Option<String> {
    label_text(node).map(str::to_string)
}

/// [`label_value`], borrowed.
pub(crate) fn label_text(node: &Node) -> Option<&str> {
    if node.is_null() {
        return Some("");
    }
    node.text()
}

/// One `matchExpressions` item; `None` when the API would reject it.
fn expression(item: &Node) -> Option<Requirement> {
    let key = item.get("key")?.text()?.to_string();
    let values: Vec<String> = match item.get("values") {
        Some(v) => v
            .as_seq()?
            .iter()
            .map(label_value)
            .collect::<Option<Vec<_>>>()?,
        None => Vec::new(),
    };
    match item.get("operator")?.as_str()? {
        "In" if !values.is_empty() => Some(Requirement::In(key, values)),
        "NotIn" if !values.is_empty() => Some(Requirement::NotIn(key, values)),
        "Exists" if values.is_empty() => Some(Requirement::Exists(key)),
        "DoesNotExist" if values.is_empty() => Some(Requirement::DoesNotExist(key)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels<'a>(pairs: &[(&'a str, &'a str)]) -> Labels<'a> {
        pairs.iter().copied().collect()
    }

    fn selector(yaml: &str, empty_matches_all: bool) -> Selector {
        let parsed = crate::sources::yaml::parse(yaml, crate::sources::yaml::Limits::default());
        let root = parsed.documents.into_iter().next().unwrap().root;
        Selector::parse(root.get("selector"), empty_matches_all)
    }

    #[test]
    fn label_selector_semantics() {
        let pod = labels(&[("app", "web"), ("tier", "front")]);
        let s = selector(
            "selector:\n  matchLabels: {app: web}\n  matchExpressions:\n  - {key: tier, operator: In, values: [front, back]}\n  - {key: canary, operator: DoesNotExist}\n  - {key: app, operator: Exists}\n  - {key: tier, operator: NotIn, values: [db]}\n",
            true,
        );
        assert!(s.matches(&pod));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "db")])));
        assert!(!s.matches(&labels(&[
            ("app", "web"),
            ("tier", "front"),
            ("canary", "1")
        ])));
        // NotIn holds when the key is absent.
        let s = selector(
            "selector:\n  matchExpressions: [{key: env, operator: NotIn, values: [prod]}]\n",
            true,
        );
        assert!(s.matches(&pod));
        assert!(!s.matches(&labels(&[("env", "prod")])));
    }

    #[test]
    fn empty_null_and_invalid_selectors() {
        let pod = labels(&[("app", "web")]);
        assert_eq!(selector("selector: {}\n", true), Selector::Everything);
        assert_eq!(selector("selector: {}\n", false), Selector::Nothing);
        assert_eq!(selector("selector:\n", true), Selector::Nothing);
        assert_eq!(selector("selector: ~\n", true), Selector::Nothing);
        assert_eq!(selector("other: 1\n", true), Selector::Nothing);
        assert!(selector("selector: {}\n", true).matches(&pod));
        // A null label value is the empty value.
        let s = selector("selector:\n  matchLabels: {app: ~}\n", true);
        assert!(s.matches(&labels(&[("app", "")])));
        assert!(!s.matches(&pod));
        // The API rejects these; they select nothing.
        for bad in [
            "selector:\n  matchExpressions: [{key: app, operator: In, values: []}]\n",
            "selector:\n  matchExpressions: [{key: app, operator: Exists, values: [web]}]\n",
            "selector:\n  matchExpressions: [{key: app, operator: Equals, values: [web]}]\n",
            "selector:\n  matchExpressions: [{operator: Exists}]\n",
            "selector:\n  matchLabels: [app]\n",
            "selector: web\n",
        ] {
            assert_eq!(selector(bad, true), Selector::Nothing, "{bad}");
        }
    }

    #[test]
    fn required_values_come_from_the_first_in() {
        let s = selector(
            "selector:\n  matchExpressions:\n  - {key: env, operator: Exists}\n  - {key: tier, operator: In, values: [a, b]}\n",
            true,
        );
        let (k, vs) = s.required_values().unwrap();
        assert_eq!((k, vs.len()), ("tier", 2));
        assert_eq!(selector("selector: {}\n", true).required_values(), None);
    }
}
