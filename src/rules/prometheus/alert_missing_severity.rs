//! `alert-missing-severity`: an alerting rule with no `labels.severity`.

use super::{GROUPS, alert_anchor, is_set};
use crate::engine::rule::{Ctx, Rule, Target, build_rule};
use crate::sources::prometheus::rules;
use serde::Deserialize;

pub const NAME: &str = "alert-missing-severity";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertMissingSeverity {}

pub fn build(v: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    build_rule::<AlertMissingSeverity>(NAME, v)
}

impl Rule for AlertMissingSeverity {
    fn target(&self) -> Target {
        GROUPS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in rules(cx.obj) {
            if r.alert.is_none() {
                continue;
            }
            let labels = r.node.entry("labels");
            if is_set(labels.and_then(|l| l.value.get("severity"))) {
                continue;
            }
            // Point at `labels` when there is one, else at the alert.
            let span = labels.map_or(alert_anchor(&r), |l| l.key.span);
            let f = cx
                .finding(span, format!("{} has no `severity` label", r.describe()))
                .with_label("no severity")
                .with_help("add `labels: {severity: warning}` (or `critical`, …) so Alertmanager can route and silence it by urgency");
            cx.emit(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;

    #[test]
    fn empty_severity_counts_as_missing() {
        let hits = run_rule(
            NAME,
            "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      severity: \"\"\n  - alert: B\n    expr: up\n    labels: {severity: page}\n  - record: r\n    expr: up\n",
        );
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].0, "labels");
    }
}
