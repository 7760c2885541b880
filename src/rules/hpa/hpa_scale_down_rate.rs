//! `hpa-scale-down-rate`: scale-down policies that let too many replicas go at once.

use super::needs_v2;
use crate::kube::Kind;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::kube::Hpa;
use crate::rules::common::{Judged, judge_scale_down_rate};
use serde::Deserialize;

crate::declare_rule!(object HpaScaleDownRate: "hpa" / "hpa-scale-down-rate");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaScaleDownRate {
    max_percent_per_minute: f64,
}

impl ObjectRule for HpaScaleDownRate {
    fn target(&self) -> Target<'_> {
        Target::kinds(&[Kind::HorizontalPodAutoscaler])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(hpa) = Hpa::of(cx.obj) else { return };
        judge_scale_down_rate(
            cx,
            &hpa.effective_scale_down_behavior(),
            &Judged {
                written_as: "behavior",
                max_field: "maxReplicas",
                help_prefix: needs_v2(hpa),
                behavior_path: &["spec", "behavior"],
            },
            self.max_percent_per_minute,
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    const HPA: &str = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  maxReplicas: 10\n";

    #[test]
    fn the_limit_follows_the_parameter() {
        let run = |p| super::super::run_rule(super::NAME, p, HPA);
        let found = run(json!({}));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].at, "spec");
        assert!(
            found[0]
                .help
                .starts_with("switch to `apiVersion: autoscaling/v2` and add")
        );
        assert!(run(json!({ "max-percent-per-minute": 400 })).is_empty());
        assert_eq!(run(json!({ "max-percent-per-minute": 399.5 })).len(), 1);
    }
}
