//! `keda-scale-down-rate`: the scale-down policies of the HPA a ScaledObject makes let too
//! many replicas go per minute. The same judgement and code as `hpa-scale-down-rate`, with
//! Pods policies judged against `maxReplicaCount`.

use super::BEHAVIOR_PATH;
use super::keda_max_replicas::DEFAULT_MAX_REPLICA_COUNT;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::rules::common::int_value;
use crate::rules::hpa::hpa_scale_down_rate::{Judged, judge};
use serde::Deserialize;

crate::declare_rule!(object KedaScaleDownRate: "keda" / "keda-scale-down-rate");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KedaScaleDownRate {
    max_percent_per_minute: f64,
}

impl ObjectRule for KedaScaleDownRate {
    fn target(&self) -> Target<'_> {
        Target::objects("keda.sh", &["ScaledObject"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let max_replicas = match cx.obj.root.path(&["spec", "maxReplicaCount"]) {
            Some(n) => int_value(n),
            None => Some(DEFAULT_MAX_REPLICA_COUNT),
        };
        judge(
            cx,
            &Judged {
                behavior_path: &BEHAVIOR_PATH,
                written_as: "advanced.horizontalPodAutoscalerConfig.behavior",
                max_replicas,
                max_field: "maxReplicaCount",
                help_prefix: "",
            },
            self.max_percent_per_minute,
        );
    }
}
