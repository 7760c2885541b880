//! Workload rules: Deployment and StatefulSet.

pub mod container_limit_ratio;
pub mod container_requests_exceed_limits;
pub mod container_resources_missing;
pub mod container_resources_tier;

use crate::engine::rule::Builder;
use crate::rules::common::{Container, Resource};

pub static RULES: &[(&str, Builder)] = &[
    (
        container_resources_missing::NAME,
        container_resources_missing::build,
    ),
    (
        container_requests_exceed_limits::NAME,
        container_requests_exceed_limits::build,
    ),
    (container_limit_ratio::NAME, container_limit_ratio::build),
    (
        container_resources_tier::NAME,
        container_resources_tier::build,
    ),
];

/// The kinds the per-object workload rules are dispatched on (each still checks the group).
const WORKLOAD_KINDS: &[&str] = &["Deployment", "StatefulSet"];

/// How messages name a container: init containers are told apart, since they are easy to miss.
fn describe(c: &Container<'_>) -> String {
    if c.list == "initContainers" {
        format!("init container `{}`", c.name)
    } else {
        format!("container `{}`", c.name)
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// `requests` → `request`, for messages ("no cpu request").
fn singular(section: &str) -> &'static str {
    if section == "requests" {
        "request"
    } else {
        "limit"
    }
}

/// The resource-field path below a container, for help texts.
fn field_path(section: &str, r: Resource) -> String {
    format!("resources.{section}.{}", r.key())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_lists() {
        let s = |v: &[&str]| join_and(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&[]), "");
        assert_eq!(s(&["a"]), "a");
        assert_eq!(s(&["a", "b"]), "a and b");
        assert_eq!(s(&["a", "b", "c"]), "a, b and c");
    }
}
