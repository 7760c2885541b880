//! `workload-replicas-with-autoscaler`: an autoscaled workload that also sets `spec.replicas`.
//! Every `kubectl apply` then resets the replica count the autoscaler chose, until it
//! corrects it again: a scale-down (or up) spike on each deploy.

use crate::engine::rule::{IndexCtx, IndexRule};
use crate::model::Applicability;
use crate::model::fix::{Change, Fix, Request};
use serde::Deserialize;

crate::declare_rule!(index WorkloadReplicasWithAutoscaler: "k8s" / "workload-replicas-with-autoscaler");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WorkloadReplicasWithAutoscaler {}

impl IndexRule for WorkloadReplicasWithAutoscaler {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        for w in &cx.index.workloads {
            let obj = w.obj;
            // A null `replicas` is dropped on apply, so it resets nothing.
            let Some(entry) = w.replicas_entry() else {
                continue;
            };
            let autoscalers: Vec<_> = cx.index.autoscalers_of(w).take(10).collect();
            let Some(first) = autoscalers.first() else {
                continue;
            };
            let value = entry.value.text().unwrap_or("");
            let count = w.autoscalers.len();
            let by = if count <= 1 {
                format!(
                    "{} `{}` scales",
                    first.obj.kind,
                    first.obj.name.as_deref().unwrap_or("<unnamed>")
                )
            } else {
                format!("{count} autoscalers scale")
            };
            let mut f = cx
                .finding(
                    obj.file,
                    entry.key.span,
                    format!("replicas is set to {value} while {by} this {}; every apply resets the replica count the autoscaler chose", obj.kind),
                )
                .with_label("remove this field")
                .with_help("remove `spec.replicas` and let the autoscaler own the count")
                // Unsafe: without `replicas`, a first apply (or one with the autoscaler
                // gone) starts a single pod.
                .with_fix(Fix::requested(
                    Applicability::Unsafe,
                    "remove `spec.replicas`",
                    Request {
                        object: obj.root.span,
                        changes: vec![Change::Remove(vec!["spec".into(), "replicas".into()])],
                    },
                ));
            // At most ten labels: the message gives the count.
            for a in &autoscalers {
                f = f.with_secondary(
                    a.obj.file,
                    a.obj.anchor_span(),
                    format!(
                        "scaled by {} `{}`",
                        a.obj.kind,
                        a.obj.name.as_deref().unwrap_or("<unnamed>")
                    ),
                );
            }
            cx.emit(f);
        }
    }
}
