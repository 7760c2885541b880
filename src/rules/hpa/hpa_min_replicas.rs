//! `hpa-min-replicas`: an HPA that may scale down to fewer pods than survive losing one.

use crate::kube::Kind;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::kube::Hpa;
use crate::rules::common::min_replicas_fix;
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
        let max = ("maxReplicas", hpa.max_replicas().map(|m| m.value));
        let fix = min_replicas_fix(cx, "minReplicas", replicas.node, min, max);
        let f = match replicas.node {
            Some(node) => cx
                .finding(
                    node.span,
                    format!("minReplicas is {value}; at least {min} are needed to survive losing a pod"),
                )
                .with_label(format!("below {min}"))
                .with_help(format!("set `minReplicas: {min}` or more"))
                .with_fix_opt(fix),
            None => cx
                .finding(
                    cx.obj.missing_span(&["spec", "minReplicas"]),
                    format!("minReplicas is not set and defaults to {value}; at least {min} are needed to survive losing a pod"),
                )
                .with_label("no minReplicas here")
                .with_help(format!("add `minReplicas: {min}` or more"))
                .with_fix_opt(fix),
        };
        cx.emit(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Applicability;

    /// The fix raises the minimum, unless the maximum would then not be above it: that
    /// would trade this finding for `hpa-max-replicas`'.
    #[test]
    fn the_fix_is_only_shown_when_the_maximum_is_not_above_the_new_minimum() {
        let hpa = |max: i64| {
            format!("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  minReplicas: 1\n  maxReplicas: {max}\n")
        };
        let fix = |max: i64| {
            let (_, found) =
                crate::rules::testing::run(super::NAME, serde_json::json!({}), "h.yaml", &hpa(max));
            found.into_iter().next().and_then(|f| f.fix).unwrap()
        };
        assert_eq!(fix(3).applicability, Applicability::Safe);
        let crowded = fix(2);
        assert_eq!(crowded.applicability, Applicability::DisplayOnly);
        assert_eq!(
            crowded.downgraded.as_deref(),
            Some("maxReplicas is 2: raise it above 2 too")
        );
    }
}
