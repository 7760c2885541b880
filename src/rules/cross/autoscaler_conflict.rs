//! `autoscaler-conflict`: two autoscalers (HPAs, KEDA ScaledObjects: KEDA makes its own HPA)
//! scale one workload. Each sets the replica count from its own metrics and undoes the other.

use crate::engine::index::{Autoscaler, same_object};
use crate::engine::rule::{IndexCtx, Rule, Target, build_rule};
use serde::Deserialize;

pub const NAME: &str = "autoscaler-conflict";

/// Secondary labels naming the other autoscalers, at most (the message gives the count).
const MAX_LABELS: usize = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoscalerConflict {}

pub fn build(v: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    build_rule::<AutoscalerConflict>(NAME, v)
}

impl Rule for AutoscalerConflict {
    fn target(&self) -> Target {
        Target::Index
    }

    fn check_index(&self, cx: &mut IndexCtx<'_>) {
        let index = cx.index;
        // One finding per autoscaler, at its own scaleTargetRef, so each file that holds one
        // of them shows the conflict.
        for a in &index.autoscalers {
            // Copies of one autoscaler count once, so this is how many others there are.
            let count = index.autoscaler_count(&a.target).saturating_sub(1);
            if count == 0 {
                continue;
            }
            let others: Vec<&Autoscaler<'_>> = index
                .autoscalers_near(&a.target, Some(a.obj.file))
                .into_iter()
                .filter(|o| !same_object(o.obj, a.obj))
                .take(MAX_LABELS)
                .collect();
            let Some(first) = others.first() else {
                continue;
            };
            let t = &a.target;
            let workload = format!("{} `{}`", t.kind, t.name);
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
                        "{} and {also} both scale {workload}; each sets the replica count from its own metrics and undoes the other's",
                        a.describe()
                    ),
                )
                .with_label(format!("also scaled by {also}"))
                .with_help(
                    "keep one autoscaler per workload: move the metrics into one HorizontalPodAutoscaler, \
                     or into the ScaledObject's triggers (KEDA makes its own HorizontalPodAutoscaler from them), and delete the other",
                );
            for o in &others {
                f = f.with_secondary(
                    o.obj.file,
                    o.target_span,
                    format!("{} also scales {workload}", o.describe()),
                );
            }
            if let Some(w) = index.workload_near(t, Some(a.obj.file)) {
                f = f.with_secondary(w.file, w.anchor_span(), format!("the scaled {workload}"));
            }
            cx.emit(f);
        }
    }
}
