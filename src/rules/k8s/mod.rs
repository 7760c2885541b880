//! Workload rules: Deployment and StatefulSet.

use crate::model::{Node, Object};
use crate::quantity::Quantity;
use crate::rules::common::{Container, IntOrPercent, Resource, amount, containers};

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

/// A request and a limit of one resource, both set explicitly with valid quantities.
struct Bounds<'a> {
    container: Container<'a>,
    resource: Resource,
    request: &'a Node,
    request_q: Quantity,
    limit: &'a Node,
    limit_q: Quantity,
}

/// Every container × resource whose request and limit are both set and valid (invalid
/// quantities are not comparable; schema validation reports them).
fn explicit_bounds(obj: &Object) -> Vec<Bounds<'_>> {
    let mut out = Vec::new();
    for c in containers(obj) {
        for r in Resource::BOTH {
            let (Some(req), Some(lim)) =
                (amount(c.node, "requests", r), amount(c.node, "limits", r))
            else {
                continue;
            };
            let (Some(request_q), Some(limit_q)) = (req.quantity, lim.quantity) else {
                continue;
            };
            out.push(Bounds {
                container: c.clone(),
                resource: r,
                request: req.node,
                request_q,
                limit: lim.node,
                limit_q,
            });
        }
    }
    out
}

/// A Deployment's update strategy as Kubernetes reads it.
enum Strategy<'a> {
    /// `type: Recreate`, with the `type` value.
    Recreate(&'a Node),
    /// `type: RollingUpdate`, or no type (the default).
    RollingUpdate,
    /// Any other type: invalid, left to schema validation.
    Other,
}

fn strategy(obj: &Object) -> Strategy<'_> {
    match obj.root.path(&["spec", "strategy", "type"]) {
        None => Strategy::RollingUpdate,
        Some(t) => match t.text() {
            Some("RollingUpdate") => Strategy::RollingUpdate,
            Some("Recreate") => Strategy::Recreate(t),
            _ => Strategy::Other,
        },
    }
}

/// `spec.strategy.rollingUpdate.<field>` when set (a null value counts as unset: the
/// API server then applies the 25% default).
fn rolling_field<'a>(obj: &'a Object, field: &str) -> Option<&'a Node> {
    obj.root.path(&["spec", "strategy", "rollingUpdate", field])
}

/// `maxSurge` and `maxUnavailable` when absent: 25% each.
const ROLLING_DEFAULT: IntOrPercent = IntOrPercent::Percent(25.0);

/// One of a rolling update's two bounds, as Kubernetes reads it.
#[derive(Clone, Copy)]
struct Bound<'a> {
    value: IntOrPercent,
    /// The written value; `None` when the 25% default applies.
    node: Option<&'a Node>,
}

impl<'a> Bound<'a> {
    /// `spec.strategy.rollingUpdate.<field>`, defaulted; `None` when it is written but is
    /// neither a count nor a percentage (schema validation reports that).
    fn of(obj: &'a Object, field: &str) -> Option<Bound<'a>> {
        match rolling_field(obj, field) {
            Some(node) => Some(Bound {
                value: IntOrPercent::parse(node)?,
                node: Some(node),
            }),
            None => Some(Bound {
                value: ROLLING_DEFAULT,
                node: None,
            }),
        }
    }
}

/// What a rollout of a Deployment at `replicas` pods does, as the Deployment controller
/// computes it (`deploymentutil.ResolveFenceposts` and `MaxUnavailable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fenceposts {
    /// Pods that may be added above `replicas`: `maxSurge`, a percentage rounded up.
    surge: i64,
    /// Pods that may be out of service: `maxUnavailable`, a percentage rounded down, at
    /// most `replicas`.
    unavailable: i64,
    /// Both rounded to 0, so the controller made `unavailable` 1 to let the rollout move.
    forced: bool,
}

fn fenceposts(max_surge: IntOrPercent, max_unavailable: IntOrPercent, replicas: i64) -> Fenceposts {
    let surge = max_surge.scaled(replicas, true);
    let mut unavailable = max_unavailable.scaled(replicas, false);
    let forced = surge == 0 && unavailable == 0;
    if forced {
        unavailable = 1;
    }
    Fenceposts {
        surge,
        unavailable: unavailable.min(replicas),
        forced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenceposts_round_as_the_deployment_controller_does() {
        let pct = IntOrPercent::Percent;
        let int = IntOrPercent::Int;
        let fp = |surge, unavailable, replicas| {
            let f = fenceposts(surge, unavailable, replicas);
            (f.surge, f.unavailable, f.forced)
        };
        // 25% of 1–3 pods: 1 surge, 0 unavailable; of 4: 1 and 1; of 10: 3 and 2.
        for n in 1..=3 {
            assert_eq!(fp(pct(25.0), pct(25.0), n), (1, 0, false), "{n}");
        }
        assert_eq!(fp(pct(25.0), pct(25.0), 4), (1, 1, false));
        assert_eq!(fp(pct(25.0), pct(25.0), 10), (3, 2, false));
        assert_eq!(fp(pct(10.0), pct(10.0), 30), (3, 3, false));
        // Both rounded to 0: the controller lets one pod go.
        assert_eq!(fp(int(0), pct(10.0), 3), (0, 1, true));
        // A count above the replicas is all of them.
        assert_eq!(fp(int(1), int(5), 3), (1, 3, false));
        assert_eq!(fp(int(1), int(0), 3), (1, 0, false));
    }

    #[test]
    fn joins_lists() {
        let s = |v: &[&str]| join_and(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&[]), "");
        assert_eq!(s(&["a"]), "a");
        assert_eq!(s(&["a", "b"]), "a and b");
        assert_eq!(s(&["a", "b", "c"]), "a, b and c");
    }
}
