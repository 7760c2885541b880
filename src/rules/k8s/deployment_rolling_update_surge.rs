//! `deployment-rolling-update-surge`: `maxSurge` and `maxUnavailable` both 0. The rollout can
//! neither add a pod nor remove one, so the API server rejects the Deployment.

use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::kube::{Kind, Strategy, Workload};
use crate::model::Applicability;
use crate::sources::edit::New;
use serde::Deserialize;

crate::declare_rule!(object DeploymentRollingUpdateSurge: "k8s" / "deployment-rolling-update-surge");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DeploymentRollingUpdateSurge {}

impl ObjectRule for DeploymentRollingUpdateSurge {
    fn target(&self) -> Target<'_> {
        Target::kinds(&[Kind::Deployment])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(w) = Workload::of(cx.obj) else {
            return;
        };
        if !matches!(w.strategy(), Strategy::RollingUpdate) {
            return;
        }
        // Unparseable values are invalid; schema validation reports them.
        let (Some(unavailable), Some(surge)) = (w.max_unavailable(), w.max_surge()) else {
            return;
        };
        // Either field unset defaults to 25%, which is never 0: both must be written as 0.
        let (Some(unavailable_node), Some(surge_node)) = (unavailable.node, surge.node) else {
            return;
        };
        if !unavailable.value.is_zero() || !surge.value.is_zero() {
            return;
        }
        let (unavailable, surge) = (unavailable_node, surge_node);
        let (u, s) = (unavailable.text().unwrap_or(""), surge.text().unwrap_or(""));
        let f = cx
            .finding(
                surge.span,
                format!("maxSurge is {s} while maxUnavailable is {u}; the rollout can never replace a pod, and the API server rejects it"),
            )
            .with_label("no pod may be added")
            .with_secondary(cx.obj.file, unavailable.span, "and none may be removed")
            .with_help("set `maxSurge: 1` (or 25%) and keep `maxUnavailable: 0`")
            .with_fix(
                cx.yaml()
                    .replace(surge, &New::int(1))
                    .fix(Applicability::Safe, "set `maxSurge: 1`"),
            );
        cx.emit(f);
    }
}
