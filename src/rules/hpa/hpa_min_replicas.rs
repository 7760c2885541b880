//! `hpa-min-replicas`: an HPA that may scale down to fewer pods than survive losing one.

use crate::kube::Kind;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::kube::Hpa;
use crate::model::Applicability;
use crate::sources::edit::New;
use serde::Deserialize;

crate::declare_rule!(object HpaMinReplicas: "hpa" / "hpa-min-replicas");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaMinReplicas {
    min: i64,
}

impl ObjectRule for HpaMinReplicas {
    fn target(&self) -> Target<'_> {
        Target::kinds(&[Kind::HorizontalPodAutoscaler])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let min = self.min;
        let Some(hpa) = Hpa::of(cx.obj) else { return };
        // Not an integer: invalid, schema validation reports it.
        let Some(replicas) = hpa.effective_min_replicas() else {
            return;
        };
        let value = replicas.value;
        if value >= min {
            return;
        }
        // A minimum at or above the maximum would trade this finding for hpa-max-replicas'.
        let crowded = hpa
            .max_replicas()
            .map(|m| m.value)
            .filter(|max| *max <= min)
            .map(|max| format!("maxReplicas is {max}: raise it above {min} too"));
        let f = match replicas.node {
            Some(node) => cx
                .finding(
                    node.span,
                    format!("minReplicas is {value}; at least {min} are needed to survive losing a pod"),
                )
                .with_label(format!("below {min}"))
                .with_help(format!("set `minReplicas: {min}` or more"))
                .with_fix(
                    cx.yaml()
                        .replace(node, &New::int(min))
                        .fix(Applicability::Safe, format!("set `minReplicas: {min}`"))
                        .downgraded_if(crowded),
                ),
            None => cx
                .finding(
                    cx.obj.missing_span(&["spec", "minReplicas"]),
                    format!("minReplicas is not set and defaults to {value}; at least {min} are needed to survive losing a pod"),
                )
                .with_label("no minReplicas here")
                .with_help(format!("add `minReplicas: {min}` or more"))
                .with_fix_opt(
                    cx.yaml()
                        .set(&["spec", "minReplicas"], &New::int(min))
                        .map(|p| {
                            p.fix(Applicability::Safe, format!("add `minReplicas: {min}`"))
                                .downgraded_if(crowded)
                        }),
                ),
        };
        cx.emit(f);
    }
}
