//! `workload-min-replicas`: a workload that no autoscaler scales runs fewer pods than survive
//! losing one. (Autoscaled workloads are judged by their autoscaler's minimum instead.)

use crate::engine::rule::{IndexCtx, IndexRule};
use crate::rules::common::{int_value, missing_span};
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
            // A null `replicas` is dropped on apply and defaults like an absent one.
            match obj.root.path(&["spec", "replicas"]) {
                Some(node) => {
                    // Non-integers are invalid; schema validation reports them.
                    let Some(value) = int_value(node) else {
                        continue;
                    };
                    if value >= min {
                        continue;
                    }
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
                None if min > 1 => {
                    let f = cx
                        .finding(
                            obj.file,
                            missing_span(obj, &["spec", "replicas"]),
                            format!("replicas is not set and defaults to 1, and no autoscaler scales this {kind}; at least {min} are needed to survive losing a pod"),
                        )
                        .with_label("no replicas here")
                        .with_help(format!("add `replicas: {min}` or more, or scale the {kind} with a HorizontalPodAutoscaler whose minReplicas is at least {min}"));
                    cx.emit(f);
                }
                None => {}
            }
        }
    }
}
