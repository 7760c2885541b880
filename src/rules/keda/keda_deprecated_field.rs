//! `keda-deprecated-field`: a trigger sets `metricName`, which KEDA deprecated in 2.10 and
//! ignores since 2.12: it names each metric itself.

use crate::kube::Kind;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::kube::ScaledObject;
use crate::model::Applicability;
use serde::Deserialize;

crate::declare_rule!(object KedaDeprecatedField: "keda" / "keda-deprecated-field");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KedaDeprecatedField {}

impl ObjectRule for KedaDeprecatedField {
    fn target(&self) -> Target<'_> {
        Target::kinds(&[Kind::ScaledObject])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(so) = ScaledObject::of(cx.obj) else {
            return;
        };
        for trigger in so.triggers() {
            let Some(metadata) = trigger.get("metadata") else {
                continue;
            };
            let Some(entry) = metadata.entry("metricName") else {
                continue;
            };
            let value = entry.value.text().unwrap_or_default();
            let f = cx
                .finding(
                    entry.key.span,
                    format!("trigger sets metricName `{value}`, which KEDA deprecated in 2.10 and no longer uses: it names each metric itself"),
                )
                .with_label("deprecated")
                .with_help("remove `metricName`; to refer to the metric in a HorizontalPodAutoscaler or dashboard, use the name KEDA reports in the ScaledObject's status")
                .with_fix_opt(
                    cx.yaml_at(metadata)
                        .remove(&["metricName"])
                        .map(|p| p.fix(Applicability::Safe, "remove `metricName`")),
                );
            cx.emit(f);
        }
    }
}
