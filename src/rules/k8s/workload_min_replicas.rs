//! `workload-min-replicas`: a workload that no autoscaler scales runs fewer pods than survive
//! losing one. (Autoscaled workloads are judged by their autoscaler's minimum instead.)

use crate::engine::rule::{IndexCtx, IndexRule};
use serde::Deserialize;

crate::declare_rule!(index WorkloadMinReplicas: "k8s" / "workload-min-replicas");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WorkloadMinReplicas {
    min: i64,
}

impl IndexRule for WorkloadMinReplicas {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        let min = self.min;
        for w in &cx.index.workloads {
            if !w.autoscalers.is_empty() {
                continue;
            }
            let obj = w.obj;
            let kind = &obj.kind;
            // Non-integers are invalid; schema validation reports them.
            let Some(replicas) = w.replicas() else {
                continue;
            };
            let value = replicas.value;
            if value >= min {
                continue;
            }
            match replicas.node {
                Some(node) => {
                    let f = cx
                        .finding(
                            obj.file,
                            node.span,
                            format!("replicas is {value} and no autoscaler scales this {kind}; at least {min} are needed to survive losing a pod"),
                        )
                        .with_label(format!("below {min}"))
                        .with_help(format!("set `replicas: {min}` or more, or scale the {kind} with a HorizontalPodAutoscaler whose minReplicas is at least {min}"));
                    cx.emit(f);
                }
                None => {
                    let f = cx
                        .finding(
                            obj.file,
                            obj.missing_span(&["spec", "replicas"]),
                            format!("replicas is not set and defaults to {value}, and no autoscaler scales this {kind}; at least {min} are needed to survive losing a pod"),
                        )
                        .with_label("no replicas here")
                        .with_help(format!("add `replicas: {min}` or more, or scale the {kind} with a HorizontalPodAutoscaler whose minReplicas is at least {min}"));
                    cx.emit(f);
                }
            }
        }
    }
}
