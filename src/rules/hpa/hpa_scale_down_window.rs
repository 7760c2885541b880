//! `hpa-scale-down-window`: a scale-down stabilization window too short to ride out a dip.

use super::needs_v2;
use crate::kube::Kind;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::kube::Hpa;
use crate::rules::common::{Judged, judge_scale_down_window};
use serde::Deserialize;

crate::declare_rule!(object HpaScaleDownWindow: "hpa" / "hpa-scale-down-window");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaScaleDownWindow {
    min_seconds: i64,
}

impl ObjectRule for HpaScaleDownWindow {
    fn target(&self) -> Target<'_> {
        Target::kinds(&[Kind::HorizontalPodAutoscaler])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(hpa) = Hpa::of(cx.obj) else { return };
        judge_scale_down_window(
            cx,
            &hpa.effective_scale_down_behavior(),
            &Judged {
                written_as: "behavior",
                max_field: "maxReplicas",
                help_prefix: needs_v2(hpa),
                behavior_path: &["spec", "behavior"],
            },
            self.min_seconds,
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    const HEAD: &str =
        "kind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  maxReplicas: 10\n";

    fn run(min_seconds: i64, text: &str) -> Vec<super::super::Hit> {
        super::super::run_rule(super::NAME, json!({ "min-seconds": min_seconds }), text)
    }

    #[test]
    fn the_default_window_is_judged_when_min_seconds_exceeds_it() {
        let no_behavior = format!("apiVersion: autoscaling/v2\n{HEAD}");
        assert!(run(300, &no_behavior).is_empty());
        let found = run(600, &no_behavior);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].at, "spec");
        assert!(
            found[0]
                .message
                .contains("not set and defaults to 300; at least 600"),
            "{}",
            found[0].message
        );

        let scale_up_only = format!(
            "{no_behavior}  behavior:\n    scaleUp:\n      stabilizationWindowSeconds: 0\n"
        );
        assert_eq!(run(600, &scale_up_only)[0].at, "behavior");
        let scale_down =
            format!("{no_behavior}  behavior:\n    scaleDown:\n      selectPolicy: Max\n");
        assert_eq!(run(600, &scale_down)[0].at, "scaleDown");
        let explicit = format!(
            "{no_behavior}  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 450\n"
        );
        assert_eq!(run(600, &explicit)[0].at, "450");
        assert!(run(450, &explicit).is_empty());
    }

    #[test]
    fn v1_is_told_to_move_to_v2() {
        let v1 = format!("apiVersion: autoscaling/v1\n{HEAD}");
        let found = run(600, &v1);
        assert_eq!(found[0].at, "spec");
        assert!(
            found[0]
                .help
                .starts_with("switch to `apiVersion: autoscaling/v2` and set"),
            "{}",
            found[0].help
        );
    }
}
