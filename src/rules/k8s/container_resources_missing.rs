//! `container-resources-missing`: a container without cpu/memory requests and limits. The
//! scheduler cannot place it by need, the HPA cannot compute utilisation, and nothing bounds it.

use super::{WORKLOAD_KINDS, describe, field_path, join_and, singular};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::{Node, Span};
use crate::rules::common::{Container, Resource, amount, containers};
use serde::Deserialize;

crate::declare_rule!(object ContainerResourcesMissing: "k8s" / "container-resources-missing");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ContainerResourcesMissing {
    require_explicit_requests: bool,
}

/// One of the four fields a container should set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Missing {
    /// `requests` or `limits`.
    section: &'static str,
    resource: Resource,
    /// A request that is absent but would be defaulted from its limit (only reported when
    /// explicit requests are required).
    defaulted: bool,
}

impl Missing {
    fn phrase(self) -> String {
        let explicit = if self.defaulted { "explicit " } else { "" };
        format!(
            "no {explicit}{} {}",
            self.resource.key(),
            singular(self.section)
        )
    }

    fn short(self) -> String {
        format!("{} {}", self.resource.key(), singular(self.section))
    }
}

/// The fields `container` lacks, requests before limits, cpu before memory. A null value
/// counts as absent (`amount` skips it).
fn missing(container: &Node, require_explicit_requests: bool) -> Vec<Missing> {
    let mut out = Vec::new();
    for section in ["requests", "limits"] {
        for resource in Resource::BOTH {
            if amount(container, section, resource).is_some() {
                continue;
            }
            // Kubernetes copies a limit into a missing request, so the request is in force.
            let defaulted =
                section == "requests" && amount(container, "limits", resource).is_some();
            if defaulted && !require_explicit_requests {
                continue;
            }
            out.push(Missing {
                section,
                resource,
                defaulted,
            });
        }
    }
    out
}

/// The key of the deepest existing ancestor common to every missing field; the container's
/// `name` key when it has no `resources` at all.
fn position(c: &Container<'_>, missing: &[Missing]) -> Span {
    if c.node.entry("resources").is_none() {
        return c.anchor;
    }
    let section = missing.first().map(|m| m.section);
    let prefix: &[&str] = match section {
        Some(s) if missing.iter().all(|m| m.section == s) => &["resources", s],
        _ => &["resources"],
    };
    c.node
        .deepest_entry(prefix)
        .map_or(c.anchor, |e| e.key.span)
}

impl ObjectRule for ContainerResourcesMissing {
    fn target(&self) -> Target<'_> {
        Target::objects("apps", WORKLOAD_KINDS)
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for c in containers(cx.obj) {
            let missing = missing(c.node, self.require_explicit_requests);
            if missing.is_empty() {
                continue;
            }
            let what: Vec<String> = missing.iter().map(|m| m.phrase()).collect();
            let short: Vec<String> = missing.iter().map(|m| m.short()).collect();
            let fields: Vec<String> = missing
                .iter()
                .map(|m| format!("`{}`", field_path(m.section, m.resource)))
                .collect();
            let label = if c.node.entry("resources").is_none() {
                "no resources".to_string()
            } else {
                format!("missing {}", join_and(&short))
            };
            let f = cx
                .finding(
                    position(&c, &missing),
                    format!("{} has {}", describe(&c), join_and(&what)),
                )
                .with_label(label)
                .with_help(format!(
                    "set {} (requests drive scheduling and HPA utilisation, limits bound the container)",
                    join_and(&fields)
                ));
            cx.emit(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::yaml;

    fn container(text: &str) -> Node {
        let parsed = yaml::parse(text, yaml::Limits::default());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        parsed.documents.into_iter().next().unwrap().root
    }

    fn names(text: &str, explicit: bool) -> Vec<String> {
        missing(&container(text), explicit)
            .iter()
            .map(|m| m.phrase())
            .collect()
    }

    #[test]
    fn all_four_when_no_resources() {
        assert_eq!(
            names("name: app\n", false),
            [
                "no cpu request",
                "no memory request",
                "no cpu limit",
                "no memory limit"
            ]
        );
    }

    #[test]
    fn complete_container_is_fine() {
        let c = "resources:\n  requests: {cpu: 100m, memory: 128Mi}\n  limits: {cpu: 200m, memory: 256Mi}\n";
        assert!(names(c, false).is_empty());
        assert!(names(c, true).is_empty());
    }

    #[test]
    fn request_defaults_to_limit() {
        let c = "resources:\n  limits: {cpu: 200m, memory: 256Mi}\n";
        assert!(names(c, false).is_empty());
        assert_eq!(
            names(c, true),
            ["no explicit cpu request", "no explicit memory request"]
        );
    }

    #[test]
    fn null_values_count_as_missing() {
        let c = "resources:\n  requests:\n    cpu:\n    memory: 128Mi\n  limits:\n    cpu: 1\n    memory:\n";
        // The cpu request is null but its limit is set, so it is in force.
        assert_eq!(names(c, false), ["no memory limit"]);
        assert_eq!(
            names(c, true),
            ["no explicit cpu request", "no memory limit"]
        );
    }

    #[test]
    fn request_without_limit() {
        let c = "resources:\n  requests: {cpu: 100m, memory: 128Mi}\n";
        assert_eq!(names(c, false), ["no cpu limit", "no memory limit"]);
    }
}
