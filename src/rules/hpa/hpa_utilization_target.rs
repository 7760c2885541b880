//! `hpa-utilization-target`: a cpu/memory utilization target outside the guide's band.

use super::metrics::{Defaulted, UtilizationTarget, utilization_targets};
use crate::engine::rule::{Ctx, ObjectRule, Target, params};
use crate::model::Level;
use crate::rules::common::Resource;
use serde::Deserialize;

crate::declare_rule!(object HpaUtilizationTarget: "hpa" / "hpa-utilization-target", build = build);

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Params {
    cpu_max: i64,
    memory_max: i64,
    cpu_min: i64,
    memory_min: i64,
}

pub struct HpaUtilizationTarget {
    p: Params,
}

fn build(v: &serde_json::Value) -> Result<HpaUtilizationTarget, String> {
    Ok(HpaUtilizationTarget {
        p: params(NAME, v)?,
    })
}

impl HpaUtilizationTarget {
    /// The guide's (scale-down line, scale-up line) for a resource.
    fn band(&self, r: Resource) -> (i64, i64) {
        match r {
            Resource::Cpu => (self.p.cpu_min, self.p.cpu_max),
            Resource::Memory => (self.p.memory_min, self.p.memory_max),
        }
    }
}

/// "cpu utilization target", "memory utilization target of container `app`".
fn subject(t: &UtilizationTarget<'_>) -> String {
    match t.container {
        Some(c) => format!("{} utilization target of container `{c}`", t.resource.key()),
        None => format!("{} utilization target", t.resource.key()),
    }
}

impl ObjectRule for HpaUtilizationTarget {
    fn target(&self) -> Target<'_> {
        Target::objects("autoscaling", &["HorizontalPodAutoscaler"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for t in utilization_targets(cx.obj) {
            let Some(percent) = t.percent else { continue };
            let (low, high) = self.band(t.resource);
            let r = t.resource.key();
            let stated = match t.defaulted {
                None => format!("{} is {percent}%", subject(&t)),
                Some(Defaulted::NoMetrics) => format!(
                    "no metrics are set, so the HorizontalPodAutoscaler scales on Kubernetes' default {percent}% {r} utilization"
                ),
                Some(Defaulted::NoV1Target) => {
                    format!("targetCPUUtilizationPercentage is not set and defaults to {percent}%")
                }
            };
            let f = if percent > high {
                let help = match t.defaulted {
                    None => format!("set the {r} target to {high}% or less"),
                    Some(Defaulted::NoMetrics) => format!(
                        "add a `metrics` entry of type Resource for {r} with `target: {{type: Utilization, averageUtilization: {high}}}` or less"
                    ),
                    Some(Defaulted::NoV1Target) => {
                        format!("set `targetCPUUtilizationPercentage: {high}` or less")
                    }
                };
                cx.finding_at(
                    Level::Warning,
                    t.value_span,
                    format!("{stated}; above {high}% leaves too little headroom for a spike while new pods start"),
                )
                .with_label(match t.defaulted {
                    None => format!("above {high}%"),
                    Some(_) => format!("defaults to {percent}% {r}, above {high}%"),
                })
                .with_help(help)
            } else if percent < low {
                cx.finding_at(
                    Level::Info,
                    t.value_span,
                    format!("{stated}; below {low}% the target sits where the guide would already scale down, so pods idle"),
                )
                .with_label(format!("below {low}%"))
                .with_help(format!("set the {r} target between {low}% and {high}%"))
            } else {
                continue;
            };
            cx.emit(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Level;
    use serde_json::json;

    const HPA: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  maxReplicas: 10\n  metrics:\n  - type: Resource\n    resource:\n      name: memory\n      target:\n        type: Utilization\n        averageUtilization: 60\n";

    #[test]
    fn the_band_follows_the_parameters() {
        let run = |p| super::super::run_rule(super::NAME, p, HPA);
        assert!(run(json!({})).is_empty());
        let found = run(json!({ "memory-max": 50 }));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].level, found[0].at.as_str()),
            (Level::Warning, "60")
        );
        let found = run(json!({ "memory-min": 65 }));
        assert_eq!((found[0].level, found[0].at.as_str()), (Level::Info, "60"));
        // cpu parameters do not move the memory band.
        assert!(run(json!({ "cpu-max": 50, "cpu-min": 65 })).is_empty());
    }

    #[test]
    fn unknown_parameters_are_rejected() {
        let meta = crate::engine::meta::builtin("hpa", super::NAME).unwrap();
        let mut p = meta.default_params();
        p["cpu_maximum"] = json!(1);
        assert!(super::build(&p).is_err());
    }
}
