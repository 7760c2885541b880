//! `hpa-api-version`: an HPA written against a removed or limited autoscaling API version.

use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Level;
use serde::Deserialize;

crate::declare_rule!(object HpaApiVersion: "hpa" / "hpa-api-version");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaApiVersion {}

impl ObjectRule for HpaApiVersion {
    fn target(&self) -> Target<'_> {
        Target::objects("autoscaling", &["HorizontalPodAutoscaler"])
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
            .with_help(help);
        cx.emit(f);
    }
}
