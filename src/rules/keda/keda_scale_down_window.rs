//! `keda-scale-down-window`: the scale-down stabilization window of the HPA a ScaledObject
//! makes (`advanced.horizontalPodAutoscalerConfig.behavior`) is too short. The same judgement
//! and code as `hpa-scale-down-window`.

use super::BEHAVIOR_PATH;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::rules::hpa::hpa_scale_down_window::judge;
use serde::Deserialize;

crate::declare_rule!(object KedaScaleDownWindow: "keda" / "keda-scale-down-window");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KedaScaleDownWindow {
    min_seconds: i64,
}

impl ObjectRule for KedaScaleDownWindow {
    fn target(&self) -> Target<'_> {
        Target::objects("keda.sh", &["ScaledObject"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        judge(
            cx,
            &BEHAVIOR_PATH,
            "advanced.horizontalPodAutoscalerConfig.behavior",
            "",
            self.min_seconds,
        );
    }
}
