//! `alert-missing-summary`: an alerting rule with no `annotations.summary`.

use super::{GROUPS, alerts_missing};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use serde::Deserialize;

crate::declare_rule!(object AlertMissingSummary: "prometheus" / "alert-missing-summary");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AlertMissingSummary {}

impl ObjectRule for AlertMissingSummary {
    fn target(&self) -> Target<'_> {
        GROUPS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for (span, rule) in alerts_missing(cx.obj, "annotations", "summary") {
            let f = cx
                .finding(span, format!("{rule} has no `summary` annotation"))
                .with_label("no summary")
                .with_help("add `annotations: {summary: …}`: one line saying what is wrong, which is what a notification shows first");
            cx.emit(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;

    #[test]
    fn description_is_not_a_summary() {
        let hits = run_rule(
            NAME,
            "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      description: d\n  - alert: B\n    expr: up\n",
        );
        let at: Vec<&str> = hits.iter().map(|h| h.0.as_str()).collect();
        assert_eq!(at, ["annotations", "alert"]);
    }
}
