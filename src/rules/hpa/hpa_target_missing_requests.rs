//! `hpa-target-missing-requests`: an HPA (or a KEDA ScaledObject's cpu/memory trigger) scales
//! on cpu/memory utilization, but a container of its target has no request for that
//! resource, so the controller cannot compute utilization.

use super::metrics::{DEFAULT_CPU_UTILIZATION, Defaulted, autoscaler_targets};
use crate::engine::index::Autoscaler;
use crate::engine::rule::{IndexCtx, IndexRule};
use crate::model::{Node, Object};
use crate::rules::common::{Container, containers, has_effective_request};
use serde::Deserialize;

crate::declare_rule!(index HpaTargetMissingRequests: "hpa" / "hpa-target-missing-requests");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaTargetMissingRequests {}

/// Whether the HPA controller sums this container's requests: every regular container, and
/// init containers that run beside them (`restartPolicy: Always`, i.e. sidecars).
fn counted(c: &Container<'_>) -> bool {
    c.list == "containers" || c.node.get("restartPolicy").and_then(Node::as_str) == Some("Always")
}

impl IndexRule for HpaTargetMissingRequests {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        let index = cx.index;
        for a in &index.autoscalers {
            // Equally near copies of the target (an HPA above `staging/` and `prod/`) are
            // judged each; the same finding twice is reported once.
            let mut reported: Vec<(usize, String)> = Vec::new();
            for target in index.workloads_at(&a.targets) {
                check(cx, a, target.obj, &mut reported);
            }
        }
    }
}

/// Report the containers of `workload` that lack a request `a` divides by.
fn check(
    cx: &mut IndexCtx<'_>,
    a: &Autoscaler<'_>,
    workload: &Object,
    reported: &mut Vec<(usize, String)>,
) {
    let pod_containers: Vec<Container<'_>> =
        containers(workload).into_iter().filter(counted).collect();
    let autoscaler = a.describe();
    // KEDA computes nothing itself: the HPA it creates divides usage by the request.
    let divider = if a.is_hpa() {
        "the HorizontalPodAutoscaler"
    } else {
        "the HorizontalPodAutoscaler that KEDA creates"
    };
    let wl = format!(
        "{} `{}`",
        workload.kind,
        workload.name.as_deref().unwrap_or("<unnamed>")
    );
    for t in autoscaler_targets(a) {
        let r = t.resource.key();
        for c in &pod_containers {
            if t.container.is_some_and(|only| only != c.name) {
                continue;
            }
            if has_effective_request(c.node, t.resource) {
                continue;
            }
            let what = if c.list == "containers" {
                "container"
            } else {
                "sidecar container"
            };
            let (scales_on, label) = match t.defaulted {
                None => (
                    format!("{r} utilization"),
                    format!("scales on {r} utilization"),
                ),
                Some(Defaulted::NoMetrics) => (
                    format!("{r} utilization (Kubernetes' default when no metric is set)"),
                    format!("no metrics: scales on {DEFAULT_CPU_UTILIZATION}% {r} by default"),
                ),
                Some(Defaulted::NoV1Target) => (
                    format!("{r} utilization (autoscaling/v1 always does)"),
                    format!("scales on {r} utilization"),
                ),
            };
            let f = cx
                        .finding(
                            a.obj.file,
                            t.resource_span,
                            format!(
                                "{autoscaler} scales on {scales_on} but {what} `{}` of {wl} has no {r} request (missing request for {r})",
                                c.name
                            ),
                        )
                        .with_label(label)
                        .with_secondary(
                            workload.file,
                            c.anchor,
                            format!("{what} `{}` has no {r} request", c.name),
                        )
                        .with_help(format!(
                            "add `resources.requests.{r}` to {what} `{}`: {divider} divides usage by the request",
                            c.name
                        ));
            let seen = (f.span.start, f.message.clone());
            if !reported.contains(&seen) {
                reported.push(seen);
                cx.emit(f);
            }
        }
    }
}
