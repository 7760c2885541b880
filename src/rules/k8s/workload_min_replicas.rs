//! `workload-min-replicas`: a workload that no autoscaler scales runs fewer pods than survive
//! losing one. (Autoscaled workloads are judged by their autoscaler's minimum instead.)

use crate::engine::rule::{IndexCtx, IndexRule};
use crate::kube::operators;
use serde::Deserialize;

crate::declare_rule!(index WorkloadMinReplicas: "k8s" / "workload-min-replicas");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WorkloadMinReplicas {
    min: i64,
}

impl IndexRule for WorkloadMinReplicas {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        self.check_operators(cx);
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

impl WorkloadMinReplicas {
    /// The pods PostgreSQL operators run for their resources (PGO's instance sets and
    /// PgBouncer, Zalando's cluster and pooler), with each operator's default when a count
    /// is absent (`kube::operators`).
    fn check_operators(&self, cx: &mut IndexCtx<'_>) {
        let min = self.min;
        for obj in &cx.index.objects {
            let kind = &obj.kind;
            for r in operators::replicas(obj) {
                if r.value >= min {
                    continue;
                }
                let (what, field, value) = (&r.what, r.field, r.value);
                let f = match r.node {
                    Some(node) => cx
                        .finding(
                            obj.file,
                            node.span,
                            format!("{field} of {what} is {value}; at least {min} are needed to survive losing a pod"),
                        )
                        .with_label(format!("below {min}")),
                    None => cx
                        .finding(
                            obj.file,
                            r.at,
                            format!("{field} of {what} is not set and the {kind} operator runs {value}; at least {min} are needed to survive losing a pod"),
                        )
                        .with_label(format!("{what}: {value} by default")),
                };
                cx.emit(f.with_help(format!("set `{field}: {min}` or more for {what}")));
            }
        }
    }
}
