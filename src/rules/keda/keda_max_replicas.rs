//! `keda-max-replicas`: a ScaledObject without `maxReplicaCount` (KEDA's default of 100 is
//! far above what the guide sizes for), or one whose maximum leaves no room to scale.

use crate::kube::Kind;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::kube::ScaledObject;
use serde::Deserialize;

crate::declare_rule!(object KedaMaxReplicas: "keda" / "keda-max-replicas");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KedaMaxReplicas {}

impl ObjectRule for KedaMaxReplicas {
    fn target(&self) -> Target<'_> {
        Target::kinds(&[Kind::ScaledObject])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(so) = ScaledObject::of(cx.obj) else {
            return;
        };
        // Not an integer: invalid, schema validation reports it.
        let Some(max) = so.max_replica_count() else {
            return;
        };
        let Some(max_node) = max.node else {
            let f = cx
                .finding(
                    cx.obj.missing_span(&["spec", "maxReplicaCount"]),
                    format!("maxReplicaCount is not set and defaults to {}, far above the guide's 10 to 20 replicas; a runaway trigger can exhaust the cluster and what the workload depends on", max.value),
                )
                .with_label("no maxReplicaCount here")
                .with_help("add `maxReplicaCount:` sized to what the cluster and the workload's dependencies (database connections, quotas) can carry");
            cx.emit(f);
            return;
        };
        let max = max.value;
        let Some(min) = so.min_replica_count() else {
            return;
        };
        let (min, min_node) = (min.value, min.node);
        let min_text = match min_node {
            Some(_) => format!("minReplicaCount {min}"),
            None => format!("minReplicaCount (not set, so {min})"),
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
