//! `keda-scale-down-window`: the scale-down stabilization window of the HPA a ScaledObject
//! makes (`advanced.horizontalPodAutoscalerConfig.behavior`) is too short. The same judgement
//! and code as `hpa-scale-down-window`.

use super::BEHAVIOR_PATH;
use crate::engine::rule::{Ctx, Rule, Target, build_rule};
use crate::rules::hpa::hpa_scale_down_window::judge;
use serde::Deserialize;

pub const NAME: &str = "keda-scale-down-window";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KedaScaleDownWindow {
    min_seconds: i64,
}

pub fn build(v: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    build_rule::<KedaScaleDownWindow>(NAME, v)
}

impl Rule for KedaScaleDownWindow {
    fn target(&self) -> Target {
        Target::Objects {
            group: "keda.sh",
            kinds: &["ScaledObject"],
        }
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
