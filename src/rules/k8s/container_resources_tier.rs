//! `container-resources-tier`: a workload that declares a Scaling Guide tier
//! (`scalelint.io/tier: light|medium|heavy`) but whose containers do not use that tier's
//! requests and limits.

use super::{WORKLOAD_KINDS, describe, field_path, singular};
use crate::engine::rule::{Ctx, ObjectRule, Target, params};
use crate::model::{Node, Object};
use crate::quantity::Quantity;
use crate::rules::common::{Resource, amount, containers, missing_span_in};
use serde::Deserialize;
use std::collections::BTreeMap;

crate::declare_rule!(object ContainerResourcesTier: "k8s" / "container-resources-tier", build = build);

/// The label or annotation that declares a workload's tier.
pub const TIER_KEY: &str = "scalelint.io/tier";

/// Where a tier may be declared, first match wins: the workload's own metadata before its pod
/// template's, labels before annotations.
const TIER_PLACES: [&[&str]; 4] = [
    &["metadata", "labels"],
    &["metadata", "annotations"],
    &["spec", "template", "metadata", "labels"],
    &["spec", "template", "metadata", "annotations"],
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Params {
    tiers: BTreeMap<String, TierParams>,
    /// The tier of workloads that declare none (`null`: such workloads are not judged).
    tier: Option<String>,
}

/// One tier's values. A value left out is not judged.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct TierParams {
    // The snake_case spellings of scalelint 0.1 still read.
    #[serde(alias = "cpu_request")]
    cpu_request: Option<QuantityText>,
    #[serde(alias = "cpu_limit")]
    cpu_limit: Option<QuantityText>,
    #[serde(alias = "memory_request")]
    memory_request: Option<QuantityText>,
    #[serde(alias = "memory_limit")]
    memory_limit: Option<QuantityText>,
}

/// A quantity as configured: `500m`, or a bare number (`1`, which YAML reads as an integer).
#[derive(Deserialize)]
#[serde(untagged)]
enum QuantityText {
    Text(String),
    Number(serde_json::Number),
}

/// An expected value: the field, its exact quantity and the text to show.
#[derive(Debug)]
struct Expected {
    section: &'static str,
    resource: Resource,
    quantity: Quantity,
    text: String,
}

pub struct ContainerResourcesTier {
    tiers: BTreeMap<String, Vec<Expected>>,
    default_tier: Option<String>,
}

fn build(v: &serde_json::Value) -> Result<ContainerResourcesTier, String> {
    let p: Params = params(NAME, v)?;
    let mut tiers = BTreeMap::new();
    for (name, t) in p.tiers {
        let fields = [
            ("requests", Resource::Cpu, t.cpu_request),
            ("limits", Resource::Cpu, t.cpu_limit),
            ("requests", Resource::Memory, t.memory_request),
            ("limits", Resource::Memory, t.memory_limit),
        ];
        let mut expected = Vec::new();
        for (section, resource, value) in fields {
            let Some(value) = value else { continue };
            let text = match value {
                QuantityText::Text(s) => s,
                QuantityText::Number(n) => n.to_string(),
            };
            let quantity =
                Quantity::parse(&text).map_err(|e| format!("rule {NAME}: tier {name}: {e}"))?;
            expected.push(Expected {
                section,
                resource,
                quantity,
                text,
            });
        }
        tiers.insert(name, expected);
    }
    if let Some(t) = &p.tier
        && !tiers.contains_key(t)
    {
        return Err(format!(
            "rule {NAME}: tier `{t}` is not one of the configured tiers ({})",
            tier_names(&tiers)
        ));
    }
    Ok(ContainerResourcesTier {
        tiers,
        default_tier: p.tier,
    })
}

fn tier_names(tiers: &BTreeMap<String, Vec<Expected>>) -> String {
    tiers
        .keys()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The tier label or annotation value of a workload, if it declares one.
fn declared_tier(obj: &Object) -> Option<&Node> {
    TIER_PLACES
        .iter()
        .find_map(|path| obj.root.path(path)?.get(TIER_KEY))
}

/// How a container's field compares with the tier.
#[derive(Debug, PartialEq)]
enum Verdict<'a> {
    Matches,
    /// Set, to a different (or invalid) value.
    Differs(&'a Node),
    /// Not set. For a request whose limit is set, the limit it defaults to.
    Missing(Option<&'a Node>),
}

fn judge<'a>(container: &'a Node, e: &Expected) -> Verdict<'a> {
    match amount(container, e.section, e.resource) {
        Some(a) if a.quantity.as_ref() == Some(&e.quantity) => Verdict::Matches,
        Some(a) => Verdict::Differs(a.node),
        None => {
            // Kubernetes copies a limit into a missing request: judge the value in force.
            let limit = (e.section == "requests")
                .then(|| amount(container, "limits", e.resource))
                .flatten();
            match limit {
                Some(l) if l.quantity.as_ref() == Some(&e.quantity) => Verdict::Matches,
                Some(l) => Verdict::Missing(Some(l.node)),
                None => Verdict::Missing(None),
            }
        }
    }
}

impl ContainerResourcesTier {
    /// One finding at a tier label or annotation that names no configured tier.
    fn unknown_tier(&self, cx: &mut Ctx<'_>, node: &Node) {
        let names = tier_names(&self.tiers);
        let message = match node.text() {
            Some(name) => format!("tier `{name}` is not a known tier; use one of {names}"),
            None => format!("`{TIER_KEY}` is not a tier name; use one of {names}"),
        };
        let f = cx
            .finding(node.span, message)
            .with_label("unknown tier")
            .with_help(format!("set `{TIER_KEY}` to one of {names}"));
        cx.emit(f);
    }
}

impl ObjectRule for ContainerResourcesTier {
    fn target(&self) -> Target<'_> {
        Target::objects("apps", WORKLOAD_KINDS)
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let (tier, expected) = match declared_tier(cx.obj) {
            Some(node) => {
                let name = node.text().unwrap_or("");
                match self.tiers.get(name) {
                    Some(expected) => (name, expected),
                    None => {
                        self.unknown_tier(cx, node);
                        return;
                    }
                }
            }
            None => match self
                .default_tier
                .as_deref()
                .and_then(|t| self.tiers.get_key_value(t))
            {
                Some((name, expected)) => (name.as_str(), expected),
                None => return,
            },
        };
        for c in containers(cx.obj) {
            for e in expected {
                let field = format!("{} {}", e.resource.key(), singular(e.section));
                let want = &e.text;
                let (span, message) = match judge(c.node, e) {
                    Verdict::Matches => continue,
                    Verdict::Differs(node) => (
                        node.span,
                        format!(
                            "{field} of {} is {}; the {tier} tier sets {want}",
                            describe(&c),
                            node.text().unwrap_or("not a quantity")
                        ),
                    ),
                    Verdict::Missing(limit) => {
                        let path = ["resources", e.section, e.resource.key()];
                        let span = missing_span_in(c.node, &path, c.anchor);
                        let message = match limit.and_then(Node::text) {
                            Some(l) => format!(
                                "{} has no {field}, so it defaults to the limit {l}; the {tier} tier sets {want}",
                                describe(&c)
                            ),
                            None => format!(
                                "{} has no {field}; the {tier} tier sets {want}",
                                describe(&c)
                            ),
                        };
                        (span, message)
                    }
                };
                let f = cx
                    .finding(span, message)
                    .with_label(format!("{tier} tier: {field} {want}"))
                    .with_help(format!(
                        "set `{}: {want}`, or declare the tier this workload really belongs to with `{TIER_KEY}`",
                        field_path(e.section, e.resource)
                    ));
                cx.emit(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::yaml;

    fn node(text: &str) -> Node {
        let parsed = yaml::parse(text, yaml::Limits::default());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        parsed.documents.into_iter().next().unwrap().root
    }

    fn expected(section: &'static str, resource: Resource, text: &str) -> Expected {
        Expected {
            section,
            resource,
            quantity: Quantity::parse(text).unwrap(),
            text: text.to_string(),
        }
    }

    #[test]
    fn equal_quantities_match_whatever_their_spelling() {
        let c = node(
            "resources:\n  requests: {cpu: 1, memory: 1024Mi}\n  limits: {cpu: 2000m, memory: 2Gi}\n",
        );
        assert_eq!(
            judge(&c, &expected("requests", Resource::Cpu, "1000m")),
            Verdict::Matches
        );
        assert_eq!(
            judge(&c, &expected("requests", Resource::Memory, "1Gi")),
            Verdict::Matches
        );
        assert_eq!(
            judge(&c, &expected("limits", Resource::Cpu, "2")),
            Verdict::Matches
        );
        assert!(matches!(
            judge(&c, &expected("limits", Resource::Memory, "2G")),
            Verdict::Differs(_)
        ));
    }

    #[test]
    fn invalid_value_differs() {
        let c = node("resources:\n  requests: {cpu: lots}\n");
        assert!(matches!(
            judge(&c, &expected("requests", Resource::Cpu, "1")),
            Verdict::Differs(_)
        ));
    }

    #[test]
    fn missing_request_takes_the_limit() {
        let c = node("resources:\n  limits: {cpu: 500m, memory: 1Gi}\n");
        assert_eq!(
            judge(&c, &expected("requests", Resource::Cpu, "0.5")),
            Verdict::Matches
        );
        assert!(matches!(
            judge(&c, &expected("requests", Resource::Memory, "512Mi")),
            Verdict::Missing(Some(_))
        ));
        assert_eq!(
            judge(&node("name: a\n"), &expected("limits", Resource::Cpu, "1")),
            Verdict::Missing(None)
        );
    }

    #[test]
    fn tier_declarations() {
        let obj = |text: &str| {
            let root = node(text);
            Object {
                file: 0,
                doc: 0,
                format: crate::model::Format::Kubernetes,
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                name: None,
                namespace: "default".into(),
                root,
                anchor: None,
            }
        };
        let tier = |o: &Object| declared_tier(o).and_then(Node::text).map(str::to_string);
        let label = obj(
            "metadata:\n  labels: {scalelint.io/tier: heavy}\n  annotations: {scalelint.io/tier: light}\n",
        );
        assert_eq!(tier(&label).as_deref(), Some("heavy"));
        let ann = obj("metadata:\n  annotations: {scalelint.io/tier: light}\n");
        assert_eq!(tier(&ann).as_deref(), Some("light"));
        let template =
            obj("spec:\n  template:\n    metadata:\n      labels: {scalelint.io/tier: medium}\n");
        assert_eq!(tier(&template).as_deref(), Some("medium"));
        assert_eq!(tier(&obj("metadata:\n  labels: {app: web}\n")), None);
    }

    #[test]
    fn params_are_checked() {
        let ok = serde_json::json!({"tiers": {"a": {"cpu-request": "1", "memory-limit": 2}}, "tier": null});
        assert!(build(&ok).is_ok());
        let bad_q = serde_json::json!({"tiers": {"a": {"cpu-request": "lots"}}, "tier": null});
        assert!(build(&bad_q).is_err());
        let bad_tier = serde_json::json!({"tiers": {"a": {}}, "tier": "b"});
        assert!(build(&bad_tier).is_err());
        let unknown = serde_json::json!({"tiers": {"a": {"cpu": "1"}}, "tier": null});
        assert!(build(&unknown).is_err());
    }
}
