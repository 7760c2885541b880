//! `deployment-rolling-update-surge`: `maxSurge` and `maxUnavailable` both 0. The rollout can
//! neither add a pod nor remove one, so the API server rejects the Deployment.

use super::{Strategy, rolling_field, strategy};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::rules::common::IntOrPercent;
use serde::Deserialize;

crate::declare_rule!(object DeploymentRollingUpdateSurge: "k8s" / "deployment-rolling-update-surge");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DeploymentRollingUpdateSurge {}

impl ObjectRule for DeploymentRollingUpdateSurge {
    fn target(&self) -> Target<'_> {
        Target::objects("apps", &["Deployment"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        if !matches!(strategy(cx.obj), Strategy::RollingUpdate) {
            return;
        }
        // Either field unset defaults to 25%, which is never 0: both must be written as 0.
        let (Some(unavailable), Some(surge)) = (
            rolling_field(cx.obj, "maxUnavailable"),
            rolling_field(cx.obj, "maxSurge"),
        ) else {
            return;
        };
        let zero = |n| IntOrPercent::parse(n).is_some_and(IntOrPercent::is_zero);
        if !zero(unavailable) || !zero(surge) {
            return;
        }
        let (u, s) = (unavailable.text().unwrap_or(""), surge.text().unwrap_or(""));
        let f = cx
            .finding(
                surge.span,
                format!("maxSurge is {s} while maxUnavailable is {u}; the rollout can never replace a pod, and the API server rejects it"),
            )
            .with_label("no pod may be added")
            .with_secondary(cx.obj.file, unavailable.span, "and none may be removed")
            .with_help("set `maxSurge: 1` (or 25%) and keep `maxUnavailable: 0`");
        cx.emit(f);
    }
}
