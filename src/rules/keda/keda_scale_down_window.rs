//! `keda-scale-down-window`: the scale-down stabilization window of the HPA a ScaledObject
//! makes (`advanced.horizontalPodAutoscalerConfig.behavior`) is too short. The same judgement
//! and code as `hpa-scale-down-window`.

use crate::kube::Kind;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::kube::ScaledObject;
use crate::rules::common::{Judged, judge_scale_down_window};
use serde::Deserialize;

crate::declare_rule!(object KedaScaleDownWindow: "keda" / "keda-scale-down-window");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KedaScaleDownWindow {
    min_seconds: i64,
}

impl ObjectRule for KedaScaleDownWindow {
    fn target(&self) -> Target<'_> {
        Target::kinds(&[Kind::ScaledObject])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(so) = ScaledObject::of(cx.obj) else {
            return;
        };
        judge_scale_down_window(
            cx,
            &so.effective_scale_down_behavior(),
            &Judged {
                written_as: "advanced.horizontalPodAutoscalerConfig.behavior",
                max_field: "maxReplicaCount",
                help_prefix: "",
                behavior_path: &["spec", "advanced", "horizontalPodAutoscalerConfig", "behavior"],
            },
            self.min_seconds,
        );
    }
}
