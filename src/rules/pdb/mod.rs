//! PodDisruptionBudget rules: workloads a node drain may empty, and budgets that block every
//! drain.

use crate::engine::index::{Index, Workload, describe};
use crate::model::Span;
use crate::rules::common::int_value;

domain! {
    pdb_blocks_eviction,
    pdb_missing,
}

/// The fewest pods a workload runs: its autoscalers' minimum (the lowest, when several
/// scale it), else `spec.replicas` (absent ⇒ 1).
#[derive(Clone, Debug, PartialEq)]
pub struct MinPods {
    pub value: i64,
    /// Where that number comes from (the written value, or the object when defaulted).
    pub file: usize,
    pub span: Span,
    /// What it is, for labels: `HorizontalPodAutoscaler `web` minReplicas 2`.
    pub source: String,
    pub autoscaled: bool,
}

/// `None` when the deciding value is not an integer.
pub fn min_pods<'a>(index: &Index<'a>, w: &Workload<'a>) -> Option<MinPods> {
    if !w.autoscalers.is_empty() {
        let autoscalers = index.autoscalers_of(w);
        let mut best: Option<MinPods> = None;
        for a in autoscalers {
            let m = a.min_replicas()?;
            let field = if a.is_hpa() {
                "minReplicas"
            } else {
                "minReplicaCount"
            };
            let (span, source) = match m.span {
                Some(span) => (span, format!("{} has {field} {}", a.describe(), m.value)),
                None => (
                    a.obj.anchor_span(),
                    format!("{} has no {field}, so {}", a.describe(), m.value),
                ),
            };
            if best.as_ref().is_none_or(|b| m.value < b.value) {
                best = Some(MinPods {
                    value: m.value,
                    file: a.obj.file,
                    span,
                    source,
                    autoscaled: true,
                });
            }
        }
        return best;
    }
    let obj = w.obj;
    match obj.root.path(&["spec", "replicas"]) {
        Some(n) => Some(MinPods {
            value: int_value(n)?,
            file: obj.file,
            span: n.span,
            source: format!("{} has replicas {}", describe(w.obj), int_value(n)?),
            autoscaled: false,
        }),
        None => Some(MinPods {
            value: 1,
            file: obj.file,
            span: obj.anchor_span(),
            source: format!("{} has no replicas, so 1", describe(w.obj)),
            autoscaled: false,
        }),
    }
}
