//! `hpa-api-version`: an HPA written against a removed or limited autoscaling API version.

use crate::kube::Kind;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::{Applicability, Fix, Level, Node, Resolved};
use crate::sources::edit::New;
use serde::Deserialize;

crate::declare_rule!(object HpaApiVersion: "hpa" / "hpa-api-version");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaApiVersion {}

impl ObjectRule for HpaApiVersion {
    fn target(&self) -> Target<'_> {
        Target::kinds(&[Kind::HorizontalPodAutoscaler])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(node) = cx.obj.root.get("apiVersion") else {
            return;
        };
        let version = cx.obj.api_version.as_str();
        let (level, message, label, help) = match version {
            "autoscaling/v2beta1" => (
                Level::Error,
                format!("apiVersion is {version}, which Kubernetes 1.25 removed"),
                "removed in 1.25",
                "use `apiVersion: autoscaling/v2`; move each `resource.targetAverageUtilization: N` \
                 to `resource.target: {type: Utilization, averageUtilization: N}` \
                 (and `targetAverageValue` to `target: {type: AverageValue, averageValue: …}`)",
            ),
            "autoscaling/v2beta2" => (
                Level::Error,
                format!("apiVersion is {version}, which Kubernetes 1.26 removed"),
                "removed in 1.26",
                "use `apiVersion: autoscaling/v2`; the fields are the same",
            ),
            "autoscaling/v1" => (
                Level::Warning,
                format!(
                    "apiVersion is {version}, which can scale only on cpu and cannot set a scaling behavior"
                ),
                "no memory metrics, no behavior",
                "use `apiVersion: autoscaling/v2`; replace `targetCPUUtilizationPercentage: N` with a \
                 `metrics` entry of type Resource for cpu with `target: {type: Utilization, averageUtilization: N}`",
            ),
            _ => return,
        };
        let f = cx
            .finding_at(level, node.span, message)
            .with_label(label)
            .with_help(help)
            .with_fix_opt(fix(cx, node, version));
        cx.emit(f);
    }
}

/// `autoscaling/v2`: the same fields from v2beta2 (safe); from v2beta1 and v1 the targets
/// rewritten as v2 writes them (unsafe: review the metrics). v2beta1 metrics other than
/// `resource` ones are not rewritten: the fix is then only shown.
fn fix(cx: &Ctx<'_>, node: &Node, version: &str) -> Option<Fix> {
    let spec = cx.obj.root.get("spec");
    // autoscaling/v1's field in a v2beta object: invalid there, and the fix cannot guess.
    let stray = (version != "autoscaling/v1"
        && spec.is_some_and(|s| s.entry("targetCPUUtilizationPercentage").is_some()))
    .then(|| format!("`targetCPUUtilizationPercentage` is not a field of {version}"));
    let fix = fix_to_v2(cx, node, version, spec)?;
    Some(fix.downgraded_if(stray))
}

fn fix_to_v2(cx: &Ctx<'_>, node: &Node, version: &str, spec: Option<&Node>) -> Option<Fix> {
    let doc = cx.yaml();
    let api = doc.replace(node, &New::str("autoscaling/v2"));
    match version {
        "autoscaling/v2beta2" => Some(api.fix(Applicability::Safe, "use `apiVersion: autoscaling/v2`")),
        "autoscaling/v2beta1" => {
            let mut planned = api;
            let mut rest = None;
            let metrics = spec.and_then(|s| s.get("metrics")).and_then(Node::as_seq);
            for metric in metrics.unwrap_or_default() {
                match metric.get("resource") {
                    Some(resource) => {
                        for (old, kind, new) in [
                            ("targetAverageUtilization", "Utilization", "averageUtilization"),
                            ("targetAverageValue", "AverageValue", "averageValue"),
                        ] {
                            let Some(value) = resource.get(old) else { continue };
                            let at = cx.yaml_at(resource);
                            let target = New::map([
                                ("type", New::str(kind)),
                                (new, written(value)),
                            ]);
                            planned = planned
                                .and(at.remove(&[old])?)
                                .and(at.set(&["target"], &target)?);
                        }
                    }
                    None if metric.as_map().is_some_and(|m| !m.is_empty()) => {
                        rest = Some("only `resource` metrics are rewritten; rewrite the others as v2 writes them");
                    }
                    None => {}
                }
            }
            let fix = planned.fix(
                Applicability::Unsafe,
                "use `apiVersion: autoscaling/v2`, with each `resource` target as v2 writes it",
            );
            Some(fix.downgraded_if(rest))
        }
        "autoscaling/v1" => {
            let mut planned = api;
            if let Some(spec) = spec
                && let Some(value) = spec.get("targetCPUUtilizationPercentage")
            {
                let at = cx.yaml_at(spec);
                let metric = New::map([
                    ("type", New::str("Resource")),
                    (
                        "resource",
                        New::map([
                            ("name", New::str("cpu")),
                            (
                                "target",
                                New::map([
                                    ("type", New::str("Utilization")),
                                    ("averageUtilization", written(value)),
                                ]),
                            ),
                        ]),
                    ),
                ]);
                planned = planned
                    .and(at.remove(&["targetCPUUtilizationPercentage"])?)
                    .and(at.set(&["metrics"], &New::Seq(vec![metric]))?);
            }
            Some(planned.fix(
                Applicability::Unsafe,
                "use `apiVersion: autoscaling/v2`, with the cpu target as a `metrics` entry",
            ))
        }
        _ => None,
    }
}

/// A scalar as it is written: a number stays a number, a quantity a string.
fn written(node: &Node) -> New {
    let text = node.text().unwrap_or_default().to_string();
    match node.as_scalar().map(|s| s.resolved()) {
        Some(Resolved::Int(_) | Resolved::Float(_)) => New::Raw(text),
        _ => New::Str(text),
    }
}
