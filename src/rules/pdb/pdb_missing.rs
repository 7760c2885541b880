//! `pdb-missing`: a workload that runs several pods (or is autoscaled) with no
//! PodDisruptionBudget selecting them: a node drain or cluster upgrade may evict them all at
//! once.

use super::min_pods;
use crate::engine::index::describe;
use crate::engine::rule::{IndexCtx, IndexRule};
use crate::model::Node;
use serde::Deserialize;

crate::declare_rule!(index PdbMissing: "pdb" / "pdb-missing");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PdbMissing {}

impl IndexRule for PdbMissing {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        let index = cx.index;
        for w in &index.workloads {
            if !w.pdbs.is_empty() {
                continue;
            }
            let obj = w.obj;
            let (why, label_at) = if let Some(a) = index.autoscalers_of(w).next() {
                (
                    format!("is scaled by {}", a.describe()),
                    (
                        a.obj.file,
                        a.target_span,
                        format!("scaled by {}", a.describe()),
                    ),
                )
            } else {
                let Some(m) = min_pods(index, w).filter(|m| m.value >= 2) else {
                    continue;
                };
                (
                    format!("runs {} replicas", m.value),
                    (m.file, m.span, format!("{} replicas", m.value)),
                )
            };
            // The selector's labels are the ones to copy into the budget.
            let selector: Vec<String> = obj
                .root
                .path(&["spec", "selector", "matchLabels"])
                .and_then(Node::as_map)
                .unwrap_or(&[])
                .iter()
                .filter_map(|e| Some(format!("{}: {}", e.key.text()?, e.value.text()?)))
                .collect();
            let match_labels = if selector.is_empty() {
                "`selector.matchLabels` that match its pod template's labels".to_string()
            } else {
                format!("`selector.matchLabels: {{{}}}`", selector.join(", "))
            };
            let f = cx
                .finding(
                    obj.file,
                    obj.anchor_span(),
                    format!(
                        "{} {why} but no PodDisruptionBudget in namespace `{}` selects its pods; a node drain or cluster upgrade may evict all of them at once",
                        describe(obj),
                        obj.namespace
                    ),
                )
                .with_label("no PodDisruptionBudget selects these pods")
                .with_secondary(label_at.0, label_at.1, label_at.2)
                .with_help(format!(
                    "add a PodDisruptionBudget in namespace `{}` with `maxUnavailable: 1` and {match_labels}",
                    obj.namespace
                ));
            cx.emit(f);
        }
    }
}
