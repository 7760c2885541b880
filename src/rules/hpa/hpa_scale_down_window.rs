//! `hpa-scale-down-window`: a scale-down stabilization window too short to ride out a dip.

use super::behavior::scale_down_window;
use super::needs_v2;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::rules::common::missing_span;
use serde::Deserialize;

crate::declare_rule!(object HpaScaleDownWindow: "hpa" / "hpa-scale-down-window");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaScaleDownWindow {
    min_seconds: i64,
}

impl ObjectRule for HpaScaleDownWindow {
    fn target(&self) -> Target<'_> {
        Target::objects("autoscaling", &["HorizontalPodAutoscaler"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let help_prefix = needs_v2(cx.obj);
        judge(
            cx,
            &["spec", "behavior"],
            "behavior",
            help_prefix,
            self.min_seconds,
        );
    }
}

/// Judge the scale-down window of the `behavior` at `behavior_path` (shared with
/// `keda-scale-down-window`). `written_as` is how the help names the `behavior` field;
/// `help_prefix` comes before the help when the object must change first.
pub(crate) fn judge(
    cx: &mut Ctx<'_>,
    behavior_path: &[&str],
    written_as: &str,
    help_prefix: &str,
    min: i64,
) {
    let behavior = cx.obj.root.path(behavior_path);
    let scale_down: Vec<&str> = behavior_path.iter().copied().chain(["scaleDown"]).collect();
    let anchor = missing_span(cx.obj, &scale_down);
    let Some(window) = scale_down_window(behavior, anchor) else {
        return;
    };
    if window.seconds >= min {
        return;
    }
    let seconds = window.seconds;
    let f = if window.explicit {
        cx.finding(
            window.span,
            format!("scale-down stabilizationWindowSeconds is {seconds}; at least {min} are advised so a brief dip in load does not remove pods"),
        )
        .with_label(format!("below {min}"))
        .with_help(format!("set `stabilizationWindowSeconds: {min}` or more"))
    } else {
        cx.finding(
            window.span,
            format!("scale-down stabilizationWindowSeconds is not set and defaults to {seconds}; at least {min} are advised so a brief dip in load does not remove pods"),
        )
        .with_label("no scale-down stabilizationWindowSeconds here")
        .with_help(format!(
            "{help_prefix}set `{written_as}.scaleDown.stabilizationWindowSeconds: {min}` or more"
        ))
    };
    cx.emit(f);
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
