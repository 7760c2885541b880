//! `hpa-target-not-found`: the `scaleTargetRef` of an HPA or a KEDA ScaledObject names a
//! Deployment or StatefulSet that is not in the analysed set, though that namespace's
//! workloads are (a typo, a rename, a wrong kind).

use crate::suggest;
use crate::engine::index::Key;
use crate::engine::rule::{IndexCtx, IndexRule};
use crate::model::Node;
use serde::Deserialize;

crate::declare_rule!(index HpaTargetNotFound: "hpa" / "hpa-target-not-found");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaTargetNotFound {}

impl IndexRule for HpaTargetNotFound {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        let index = cx.index;
        // Name suggestions compare against every workload of a namespace: bounded, so a
        // hostile input with thousands of dangling targets cannot go quadratic.
        let mut suggest_budget: usize = 1_000_000;
        for a in &index.autoscalers {
            let t = &a.target;
            if !matches!(t.kind.as_str(), "Deployment" | "StatefulSet") {
                continue;
            }
            // A Deployment of another API group (a CRD reusing the kind) is not ours to find.
            let group = a
                .obj
                .root
                .path(&["spec", "scaleTargetRef", "apiVersion"])
                .and_then(Node::as_str)
                .map(|v| v.rsplit_once('/').map_or("", |(g, _)| g));
            if group.is_some_and(|g| g != "apps" && g != "extensions") {
                continue;
            }
            // With none of the namespace's workloads analysed, absence proves nothing.
            if !index.workload_namespaces.contains(&t.namespace) || index.has_workload(t) {
                continue;
            }
            // Present under an older API group (extensions/v1beta1), which the index skips.
            if index.has_object(t) {
                continue;
            }
            // The same name under the other workload kind: a wrong `kind`.
            let other_kind = ["Deployment", "StatefulSet"]
                .into_iter()
                .filter(|k| *k != t.kind)
                .find(|k| {
                    index.has_workload(&Key {
                        kind: (*k).to_string(),
                        ..t.clone()
                    })
                });
            let candidates = index.workload_count_in(&t.namespace);
            let suggestion = if candidates <= suggest_budget {
                suggest_budget -= candidates;
                let same_kind: Vec<&str> = index
                    .workloads_in(&t.namespace)
                    .filter(|w| w.key.kind == t.kind)
                    .map(|w| w.key.name.as_str())
                    .collect();
                suggest::closest(&t.name, &same_kind)
            } else {
                None
            };
            let help = match (suggestion, other_kind) {
                (Some(name), _) => format!("did you mean `{name}`?"),
                (None, Some(kind)) => format!(
                    "a {kind} named `{}` exists in namespace `{}`; did you mean `kind: {kind}`?",
                    t.name, t.namespace
                ),
                (None, None) => format!(
                    "check the name, kind and namespace, or lint the {} manifest together with this {}",
                    t.kind, a.obj.kind
                ),
            };
            let f = cx
                .finding(
                    a.obj.file,
                    a.target_span,
                    format!(
                        "scaleTargetRef names {} `{}`, which is not among the analysed objects of namespace `{}`",
                        t.kind, t.name, t.namespace
                    ),
                )
                .with_label(format!("no such {}", t.kind))
                .with_help(help);
            cx.emit(f);
        }
    }
}
