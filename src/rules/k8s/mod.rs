//! Workload rules: Deployment and StatefulSet.

use crate::kube::{Container, Resource};

domain! {
    container_limit_ratio,
    container_requests_exceed_limits,
    container_resources_missing,
    container_resources_tier,
    deployment_rolling_update,
    deployment_rolling_update_surge,
    workload_min_replicas,
    workload_replicas_with_autoscaler,
}

/// How messages name a container: init containers are told apart, since they are easy to miss.
fn describe(c: &Container<'_>) -> String {
    if c.is_init() {
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
