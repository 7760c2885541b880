//! `keda-min-replicas`: a ScaledObject that may scale its workload below the replicas that
//! survive losing a pod; absent `minReplicaCount` means 0, scale to zero.

use crate::kube::Kind;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::kube::ScaledObject;
use crate::model::Applicability;
use crate::rules::common::min_replicas_fix;
use serde::Deserialize;

crate::declare_rule!(object KedaMinReplicas: "keda" / "keda-min-replicas");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KedaMinReplicas {
    min: i64,
}

impl ObjectRule for KedaMinReplicas {
    fn target(&self) -> Target<'_> {
        Target::kinds(&[Kind::ScaledObject])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let min = self.min;
        let Some(so) = ScaledObject::of(cx.obj) else {
            return;
        };
        // Non-integers are invalid; schema validation reports them.
        let Some(replicas) = so.min_replica_count() else {
            return;
        };
        let value = replicas.value;
        let max = ("maxReplicaCount", so.max_replica_count().map(|m| m.value));
        let fix = || min_replicas_fix(cx, "minReplicaCount", replicas.node, min, max);
        let f = match replicas.node {
            Some(node) => {
                if value < min {
                    let why = if value == 0 {
                        "KEDA scales the workload to zero when idle, so the next request waits for a cold start"
                    } else {
                        "one lost pod takes the service down"
                    };
                    cx.finding(
                        node.span,
                        format!("minReplicaCount is {value}: {why}; at least {min} are needed to survive losing a pod"),
                    )
                    .with_label(format!("below {min}"))
                    .with_help(format!("set `minReplicaCount: {min}` or more"))
                    .with_fix_opt(fix())
                } else if let Some(idle) = so.idle_replica_count().filter(|i| i.value < min) {
                    let idle_value = idle.value;
                    cx.finding(
                        idle.node.span,
                        format!("idleReplicaCount is {idle_value}: KEDA scales the workload below minReplicaCount {value} when no trigger is active; at least {min} are needed to survive losing a pod"),
                    )
                    .with_label(format!("below {min}"))
                    .with_secondary(cx.obj.file, node.span, format!("minReplicaCount is {value}"))
                    .with_help("remove `idleReplicaCount` so the workload keeps minReplicaCount pods when idle")
                    // Scale-to-idle was chosen on purpose, perhaps: removing it changes
                    // more than the count.
                    .with_fix_opt(cx.yaml().remove(&["spec", "idleReplicaCount"]).map(|p| {
                        p.fix(Applicability::Unsafe, "remove `idleReplicaCount`")
                    }))
                } else {
                    return;
                }
            }
            None if value < min => cx
                .finding(
                    cx.obj.missing_span(&["spec", "minReplicaCount"]),
                    format!("minReplicaCount is not set and defaults to {value}: KEDA scales the workload to zero when idle, so the next request waits for a cold start; at least {min} are needed to survive losing a pod"),
                )
                .with_label("no minReplicaCount here")
                .with_help(format!("add `minReplicaCount: {min}` or more"))
                .with_fix_opt(fix()),
            None => return,
        };
        cx.emit(f);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    const SO: &str = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    name: web\nEXTRA";

    fn run(min: i64, extra: &str) -> Vec<super::super::Hit> {
        super::super::run_rule(
            super::NAME,
            json!({ "min": min }),
            &SO.replace("EXTRA", extra),
        )
    }

    #[test]
    fn absent_means_zero_and_idle_replicas_count() {
        let found = run(2, "");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].at, "spec");
        assert!(run(0, "").is_empty());
        assert_eq!(run(1, "").len(), 1);
        assert!(run(2, "  minReplicaCount: 2\n").is_empty());
        let idle = run(2, "  minReplicaCount: 2\n  idleReplicaCount: 0\n");
        assert_eq!(idle.len(), 1);
        assert_eq!(idle[0].at, "0");
        assert!(
            idle[0].message.starts_with("idleReplicaCount is 0"),
            "{}",
            idle[0].message
        );
        // A minReplicaCount that is not a number is not judged.
        assert!(run(2, "  minReplicaCount: two\n").is_empty());
    }
}
