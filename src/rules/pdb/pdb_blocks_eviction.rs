//! `pdb-blocks-eviction`: a PodDisruptionBudget that can never allow an eviction:
//! `maxUnavailable` 0, `minAvailable` 100%, or a `minAvailable` at or above the fewest pods
//! the selected workloads run (their autoscalers' minimum, else `replicas`). A node drain
//! then waits on those pods forever.

use super::{MinPods, min_pods};
use crate::engine::index::{Pdb, Workload, describe};
use crate::engine::rule::{IndexCtx, IndexRule};
use crate::model::{Finding, Node};
use crate::rules::common::{IntOrPercent, pods};
use serde::Deserialize;
use std::collections::HashSet;

crate::declare_rule!(index PdbBlocksEviction: "pdb" / "pdb-blocks-eviction");

/// Secondary labels on selected workloads, at most.
const MAX_LABELS: usize = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PdbBlocksEviction {}

impl IndexRule for PdbBlocksEviction {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        let index = cx.index;
        // Each workload's minimum, computed once: catch-all budgets select the same
        // workloads, and a workload's autoscalers are many in hostile input.
        let mut mins: Vec<Option<Option<MinPods>>> = vec![None; index.workloads.len()];
        for pdb in &index.pdbs {
            // The workloads it selects, copies of one workload counted once.
            let mut seen = HashSet::new();
            let selected: Vec<(usize, &Workload<'_>)> = pdb
                .workloads
                .iter()
                .filter_map(|&i| index.workloads.get(i).map(|w| (i, w)))
                .filter(|(_, w)| seen.insert(&w.key))
                .collect();
            let spec = pdb.obj.root.get("spec");
            let field = |k: &str| spec.and_then(|s| s.get(k));
            if let Some(node) = field("maxUnavailable")
                && IntOrPercent::parse(node).is_some_and(IntOrPercent::is_zero)
            {
                let f = never(cx.finding(
                    pdb.obj.file,
                    node.span,
                    format!(
                        "maxUnavailable is {}: {} never allows an eviction, so every node drain and cluster upgrade hangs on its pods",
                        node.text().unwrap_or("0"),
                        describe(pdb.obj)
                    ),
                ), &selected)
                .with_help("set `maxUnavailable: 1` so a drain can move one pod at a time");
                cx.emit(f);
            }
            let Some(node) = field("minAvailable") else {
                continue;
            };
            let Some(min_available) = IntOrPercent::parse(node) else {
                continue;
            };
            if let IntOrPercent::Percent(p) = min_available
                && p >= 100.0
            {
                let f = never(cx.finding(
                    pdb.obj.file,
                    node.span,
                    format!(
                        "minAvailable is {}: {} never allows an eviction, so every node drain and cluster upgrade hangs on its pods",
                        min_available.written(),
                        describe(pdb.obj)
                    ),
                ), &selected)
                .with_help("set `maxUnavailable: 1` instead, so a drain can move one pod at a time");
                cx.emit(f);
                continue;
            }
            if let Some(f) = against_workloads(cx, pdb, node, min_available, &selected, &mut mins) {
                cx.emit(f);
            }
        }
    }
}

/// Labels the workloads a budget that blocks everything selects.
fn never(mut f: Finding, selected: &[(usize, &Workload<'_>)]) -> Finding {
    f = f.with_label("no pod may ever be evicted");
    for (_, w) in selected.iter().take(MAX_LABELS) {
        f = f.with_secondary(
            w.obj.file,
            w.obj.anchor_span(),
            format!("selects the pods of {}", describe(w.obj)),
        );
    }
    f
}

/// `minAvailable` against the fewest pods the selected workloads run together. Kubernetes
/// counts every selected pod and rounds a percentage up. A workload that scales to zero has
/// no pod to evict at zero; it is judged at one pod, the fewest it runs with any.
fn against_workloads(
    cx: &IndexCtx<'_>,
    pdb: &Pdb<'_>,
    node: &Node,
    min_available: IntOrPercent,
    selected: &[(usize, &Workload<'_>)],
    cache: &mut [Option<Option<MinPods>>],
) -> Option<Finding> {
    if selected.is_empty() {
        return None;
    }
    let mut mins: Vec<MinPods> = Vec::with_capacity(selected.len());
    for &(i, w) in selected {
        let m = match cache.get_mut(i) {
            Some(slot) => slot.get_or_insert_with(|| min_pods(cx.index, w)).clone(),
            None => min_pods(cx.index, w),
        };
        mins.push(m?);
    }
    let total: i64 = mins
        .iter()
        .fold(0i64, |sum, m| sum.saturating_add(m.value.max(0)));
    let fewest = total.max(1);
    let required = match min_available {
        IntOrPercent::Int(i) => i,
        IntOrPercent::Percent(p) => (p * fewest as f64 / 100.0).ceil() as i64,
    };
    if required < fewest {
        return None;
    }
    let value = match min_available {
        IntOrPercent::Int(i) => i.to_string(),
        IntOrPercent::Percent(_) => format!(
            "{} ({} of {})",
            min_available.written(),
            required,
            pods(fewest)
        ),
    };
    let few = if total == 0 {
        "a single pod (it scales to zero when idle)".to_string()
    } else {
        format!("as few as {}", pods(fewest))
    };
    let (whom, also) = match selected {
        [(_, w)] => (format!("{} may run {few}", describe(w.obj)), "workload's"),
        _ => (
            format!(
                "the {} workloads it selects may run {few} together",
                selected.len()
            ),
            "workloads'",
        ),
    };
    let mut f = cx
        .finding(
            pdb.obj.file,
            node.span,
            format!(
                "minAvailable is {value} but {whom}; then no pod can be evicted and node drains hang"
            ),
        )
        .with_label(format!("at least {}", pods(fewest)))
        .with_help(format!(
            "lower `minAvailable` below {fewest} or use `maxUnavailable: 1`, or raise the {also} minimum replicas above {}",
            required
        ));
    for m in mins.iter().take(MAX_LABELS) {
        f = f.with_secondary(m.file, m.span, m.source.clone());
    }
    Some(f)
}
