//! `hpa-max-replicas`: a maxReplicas the API rejects, that leaves no room to scale, or that
//! goes past the configured ceiling.

use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Level;
use crate::rules::common::int_value;
use serde::Deserialize;

crate::declare_rule!(object HpaMaxReplicas: "hpa" / "hpa-max-replicas");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaMaxReplicas {
    max: Option<i64>,
}

impl ObjectRule for HpaMaxReplicas {
    fn target(&self) -> Target<'_> {
        Target::objects("autoscaling", &["HorizontalPodAutoscaler"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(spec) = cx.obj.root.get("spec") else {
            return;
        };
        // maxReplicas is required: its absence is the schema check's to report.
        let Some(max_node) = spec.get("maxReplicas") else {
            return;
        };
        let Some(max_replicas) = int_value(max_node) else {
            return;
        };
        let min_node = spec.get("minReplicas");
        // Absent ⇒ 1; a minReplicas that is not a number cannot be compared.
        let min_replicas = min_node.map_or(Some(1), int_value);
        if let Some(min_replicas) = min_replicas {
            let min_text = match min_node {
                Some(_) => format!("minReplicas {min_replicas}"),
                None => "minReplicas (not set, so 1)".to_string(),
            };
            let finding = if max_replicas < min_replicas {
                Some(
                    cx.finding_at(
                        Level::Error,
                        max_node.span,
                        format!("maxReplicas is {max_replicas}, below {min_text}; the API server rejects the HorizontalPodAutoscaler"),
                    )
                    .with_label(format!("below {min_replicas}"))
                    .with_help(format!("raise `maxReplicas` above {min_replicas}, or lower `minReplicas`")),
                )
            } else if max_replicas == min_replicas {
                Some(
                    cx.finding_at(
                        Level::Warning,
                        max_node.span,
                        format!("maxReplicas is {max_replicas}, equal to {min_text}; the HorizontalPodAutoscaler can never scale"),
                    )
                    .with_label(format!("equal to minReplicas {min_replicas}"))
                    .with_help(format!("raise `maxReplicas` above {min_replicas} to leave room for load, or drop the HorizontalPodAutoscaler and set `replicas` on the workload")),
                )
            } else {
                None
            };
            if let Some(mut f) = finding {
                if let Some(n) = min_node {
                    f = f.with_secondary(
                        cx.obj.file,
                        n.span,
                        format!("minReplicas is {min_replicas}"),
                    );
                }
                cx.emit(f);
            }
        }
        if let Some(cap) = self.max
            && max_replicas > cap
        {
            let f = cx
                .finding_at(
                    Level::Warning,
                    max_node.span,
                    format!("maxReplicas is {max_replicas}, above the configured ceiling of {cap}"),
                )
                .with_label(format!("above {cap}"))
                .with_help(format!("set `maxReplicas: {cap}` or less, or raise the rule's `max` if the cluster has room for more"));
            cx.emit(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Level;
    use serde_json::json;

    const HPA: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  minReplicas: 2\n  maxReplicas: MAX\n";

    fn run(max_param: serde_json::Value, max_replicas: &str) -> Vec<super::super::Hit> {
        super::super::run_rule(
            super::NAME,
            json!({ "max": max_param }),
            &HPA.replace("MAX", max_replicas),
        )
    }

    #[test]
    fn ceiling_only_when_configured() {
        assert!(run(json!(null), "500").is_empty());
        let found = run(json!(20), "50");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].level, Level::Warning);
        assert_eq!(found[0].at, "50");
        assert_eq!(
            found[0].message,
            "maxReplicas is 50, above the configured ceiling of 20"
        );
        assert!(run(json!(20), "20").is_empty());
    }

    #[test]
    fn values_that_are_not_numbers_are_not_judged() {
        assert!(run(json!(20), "lots").is_empty());
        let text = HPA
            .replace("MAX", "1")
            .replace("minReplicas: 2", "minReplicas: two");
        assert!(super::super::run_rule(super::NAME, json!({}), &text).is_empty());
    }
}
