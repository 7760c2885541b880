//! `hpa-min-replicas`: an HPA that may scale down to fewer pods than survive losing one.

use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::rules::common::{int_value, missing_span};
use serde::Deserialize;

crate::declare_rule!(object HpaMinReplicas: "hpa" / "hpa-min-replicas");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaMinReplicas {
    min: i64,
}

impl ObjectRule for HpaMinReplicas {
    fn target(&self) -> Target<'_> {
        Target::objects("autoscaling", &["HorizontalPodAutoscaler"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let min = self.min;
        match cx.obj.root.path(&["spec", "minReplicas"]) {
            Some(node) => {
                let Some(value) = int_value(node) else { return };
                if value < min {
                    let f = cx
                        .finding(
                            node.span,
                            format!("minReplicas is {value}; at least {min} are needed to survive losing a pod"),
                        )
                        .with_label(format!("below {min}"))
                        .with_help(format!("set `minReplicas: {min}` or more"));
                    cx.emit(f);
                }
            }
            None if min > 1 => {
                let f = cx
                    .finding(
                        missing_span(cx.obj, &["spec", "minReplicas"]),
                        format!("minReplicas is not set and defaults to 1; at least {min} are needed to survive losing a pod"),
                    )
                    .with_label("no minReplicas here")
                    .with_help(format!("add `minReplicas: {min}` or more"));
                cx.emit(f);
            }
            None => {}
        }
    }
}
