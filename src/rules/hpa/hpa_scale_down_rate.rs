//! `hpa-scale-down-rate`: scale-down policies that let too many replicas go at once.

use super::behavior::{RateOrigin, Select, scale_down_rate};
use super::needs_v2;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::rules::common::format_number;
use crate::rules::common::{int_value, missing_span};
use serde::Deserialize;

crate::declare_rule!(object HpaScaleDownRate: "hpa" / "hpa-scale-down-rate");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaScaleDownRate {
    max_percent_per_minute: f64,
}

impl ObjectRule for HpaScaleDownRate {
    fn target(&self) -> Target<'_> {
        Target::objects("autoscaling", &["HorizontalPodAutoscaler"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let max_replicas = cx
            .obj
            .root
            .path(&["spec", "maxReplicas"])
            .and_then(int_value);
        let help_prefix = needs_v2(cx.obj);
        judge(
            cx,
            &Judged {
                behavior_path: &["spec", "behavior"],
                written_as: "behavior",
                max_replicas,
                max_field: "maxReplicas",
                help_prefix,
            },
            self.max_percent_per_minute,
        );
    }
}

/// What [`judge`] looks at (shared with `keda-scale-down-rate`).
pub(crate) struct Judged<'p> {
    /// Where the `behavior` mapping is.
    pub behavior_path: &'p [&'p str],
    /// How the help names the `behavior` field.
    pub written_as: &'p str,
    /// The effective maximum replica count, against which Pods policies are judged.
    pub max_replicas: Option<i64>,
    /// Its field's name, for messages.
    pub max_field: &'p str,
    /// Comes before the help when the object must change first.
    pub help_prefix: &'p str,
}

/// Judge the fastest scale-down the `behavior` allows against `max` percent per minute.
pub(crate) fn judge(cx: &mut Ctx<'_>, j: &Judged<'_>, max: f64) {
    let behavior = cx.obj.root.path(j.behavior_path);
    let scale_down: Vec<&str> = j
        .behavior_path
        .iter()
        .copied()
        .chain(["scaleDown"])
        .collect();
    let anchor = missing_span(cx.obj, &scale_down);
    let Some(rate) = scale_down_rate(behavior, j.max_replicas, anchor) else {
        return;
    };
    if rate.percent_per_minute <= max {
        return;
    }
    let (rate_text, max_text) = (format_number(rate.percent_per_minute), format_number(max));
    let origin = rate.origin.describe(j.max_field);
    let origin = match (rate.select, rate.origin) {
        (Select::Min, RateOrigin::Percent { .. } | RateOrigin::Pods { .. }) => {
            format!("{origin}, chosen by selectPolicy Min")
        }
        _ => origin,
    };
    let (label, help) = match rate.origin {
        RateOrigin::Default => (
            format!("{rate_text}% per minute by default"),
            format!(
                "{}add `{}.scaleDown.policies` allowing at most {max_text}% per minute, e.g. \
                 `- {{type: Percent, value: {max_text}, periodSeconds: 60}}`",
                j.help_prefix, j.written_as
            ),
        ),
        _ => (
            format!("{rate_text}% per minute"),
            format!(
                "lower the policy's value or lengthen its periodSeconds so scale-down removes at most {max_text}% per minute, \
                 e.g. `{{type: Percent, value: {max_text}, periodSeconds: 60}}`"
            ),
        ),
    };
    let f = cx
        .finding(
            rate.span,
            format!(
                "scale-down policies allow removing {rate_text}% of the replicas per minute ({origin}); \
                 at most {max_text}% per minute is advised"
            ),
        )
        .with_label(label)
        .with_help(help);
    cx.emit(f);
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
