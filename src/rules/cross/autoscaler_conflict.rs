//! `autoscaler-conflict`: two autoscalers (HPAs, KEDA ScaledObjects: KEDA makes its own HPA)
//! scale one workload. Each sets the replica count from its own metrics and undoes the other.

use crate::engine::index::Autoscaler;
use crate::engine::rule::{IndexCtx, IndexRule};
use crate::kube::same_object;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

crate::declare_rule!(index AutoscalerConflict: "cross" / "autoscaler-conflict");

/// Secondary labels naming the other autoscalers, at most (the message gives the count).
const MAX_LABELS: usize = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AutoscalerConflict {}

impl IndexRule for AutoscalerConflict {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        let index = cx.index;
        // The label naming each other autoscaler, made once: with thousands of autoscalers on
        // one workload, every finding names the same first ten.
        let mut also_scales: HashMap<*const Autoscaler<'_>, Arc<str>> = HashMap::new();
        // One finding per autoscaler, at its own scaleTargetRef, so each file that holds one
        // of them shows the conflict. The others are those scaling the copies of the target
        // it resolved to (its own variant's, never a sibling variant's), each counted once.
        for a in &index.autoscalers {
            let mut others: Vec<&Autoscaler<'_>> = Vec::new();
            let mut count = 0;
            let mut workload = None;
            for w in index.workloads_at(&a.targets) {
                // The workload's list holds one copy of `a` itself: the rest are others.
                count = count.max(w.autoscalers.len().saturating_sub(1));
                add_others(&mut others, a, index.autoscalers_of(w));
                if !others.is_empty() {
                    workload.get_or_insert(w.obj);
                }
            }
            if a.targets.is_empty() {
                // A target that is not analysed is still one workload.
                let near = a.obj.file;
                count = index
                    .autoscaler_count_of_missing(&a.target, near)
                    .saturating_sub(1);
                add_others(
                    &mut others,
                    a,
                    index.autoscalers_of_missing(&a.target, near),
                );
            }
            let Some(first) = others.first() else {
                continue;
            };
            let t = &a.target;
            let name = format!("{} `{}`", t.kind, t.name);
            let also = if count == 1 {
                first.describe()
            } else {
                format!("{count} other autoscalers")
            };
            let mut f = cx
                .finding(
                    a.obj.file,
                    a.target_span,
                    format!(
                        "{} and {also} both scale {name}; each sets the replica count from its own metrics and undoes the other's",
                        a.describe()
                    ),
                )
                .with_label(format!("also scaled by {also}"))
                .with_help(
                    "keep one autoscaler per workload: move the metrics into one HorizontalPodAutoscaler, \
                     or into the ScaledObject's triggers (KEDA makes its own HorizontalPodAutoscaler from them), and delete the other",
                );
            f.labels.reserve_exact(others.len() + 1);
            for &o in &others {
                // `o` scales what `a` scales: its target is `a`'s.
                let label = also_scales.entry(o).or_insert_with(|| {
                    let t = &o.target;
                    format!("{} also scales {} `{}`", o.describe(), t.kind, t.name).into()
                });
                f = f.with_secondary(o.obj.file, o.target_span, label.clone());
            }
            if let Some(w) = workload {
                f = f.with_secondary(w.file, w.anchor_span(), format!("the scaled {name}"));
            }
            cx.emit(f);
        }
    }
}

/// Add to `others` the candidates that are not `a` (nor already there), up to the labels shown.
fn add_others<'i, 'a>(
    others: &mut Vec<&'i Autoscaler<'a>>,
    a: &Autoscaler<'_>,
    candidates: impl Iterator<Item = &'i Autoscaler<'a>>,
) {
    for o in candidates {
        if others.len() >= MAX_LABELS {
            break;
        }
        if !same_object(o.obj, a.obj) && !others.iter().any(|x| same_object(x.obj, o.obj)) {
            others.push(o);
        }
    }
}
