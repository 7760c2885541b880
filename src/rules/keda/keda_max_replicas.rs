//! `keda-max-replicas`: a ScaledObject without `maxReplicaCount` (KEDA's default of 100 is
//! far above what the guide sizes for), or one whose maximum leaves no room to scale.

use super::keda_min_replicas::DEFAULT_MIN_REPLICA_COUNT;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::rules::common::{int_value, missing_span};
use serde::Deserialize;

crate::declare_rule!(object KedaMaxReplicas: "keda" / "keda-max-replicas");

/// KEDA's `maxReplicaCount` when none is written.
pub const DEFAULT_MAX_REPLICA_COUNT: i64 = 100;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KedaMaxReplicas {}

impl ObjectRule for KedaMaxReplicas {
    fn target(&self) -> Target<'_> {
        Target::objects("keda.sh", &["ScaledObject"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let spec = cx.obj.root.get("spec");
        let Some(max_node) = spec.and_then(|s| s.get("maxReplicaCount")) else {
            let f = cx
                .finding(
                    missing_span(cx.obj, &["spec", "maxReplicaCount"]),
                    format!("maxReplicaCount is not set and defaults to {DEFAULT_MAX_REPLICA_COUNT}, far above the guide's 10 to 20 replicas; a runaway trigger can exhaust the cluster and what the workload depends on"),
                )
                .with_label("no maxReplicaCount here")
                .with_help("add `maxReplicaCount:` sized to what the cluster and the workload's dependencies (database connections, quotas) can carry");
            cx.emit(f);
            return;
        };
        let Some(max) = int_value(max_node) else {
            return;
        };
        let min_node = spec.and_then(|s| s.get("minReplicaCount"));
        let Some(min) = min_node.map_or(Some(DEFAULT_MIN_REPLICA_COUNT), int_value) else {
            return;
        };
        let min_text = match min_node {
            Some(_) => format!("minReplicaCount {min}"),
            None => format!("minReplicaCount (not set, so {DEFAULT_MIN_REPLICA_COUNT})"),
        };
        let mut f = if max < min {
            cx.finding(
                max_node.span,
                format!(
                    "maxReplicaCount is {max}, below {min_text}; KEDA rejects the ScaledObject"
                ),
            )
            .with_label(format!("below {min}"))
            .with_help(format!(
                "raise `maxReplicaCount` above {min}, or lower `minReplicaCount`"
            ))
        } else if max == min {
            cx.finding(
                max_node.span,
                format!("maxReplicaCount is {max}, equal to {min_text}; KEDA can never scale the workload"),
            )
            .with_label(format!("equal to minReplicaCount {min}"))
            .with_help(format!("raise `maxReplicaCount` above {min} to leave room for load"))
        } else {
            return;
        };
        if let Some(n) = min_node {
            f = f.with_secondary(cx.obj.file, n.span, format!("minReplicaCount is {min}"));
        }
        cx.emit(f);
    }
}
