//! `keda-scale-down-rate`: the scale-down policies of the HPA a ScaledObject makes let too
//! many replicas go per minute. The same judgement and code as `hpa-scale-down-rate`, with
//! Pods policies judged against `maxReplicaCount`.

use crate::kube::Kind;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::kube::ScaledObject;
use crate::rules::common::{Judged, judge_scale_down_rate};
use serde::Deserialize;

crate::declare_rule!(object KedaScaleDownRate: "keda" / "keda-scale-down-rate");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KedaScaleDownRate {
    max_percent_per_minute: f64,
}

impl ObjectRule for KedaScaleDownRate {
    fn target(&self) -> Target<'_> {
        Target::kinds(&[Kind::ScaledObject])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(so) = ScaledObject::of(cx.obj) else {
            return;
        };
        judge_scale_down_rate(
            cx,
            &so.effective_scale_down_behavior(),
            &Judged {
                written_as: "advanced.horizontalPodAutoscalerConfig.behavior",
                max_field: "maxReplicaCount",
                help_prefix: "",
                behavior_path: &["spec", "advanced", "horizontalPodAutoscalerConfig", "behavior"],
            },
            self.max_percent_per_minute,
        );
    }
}
