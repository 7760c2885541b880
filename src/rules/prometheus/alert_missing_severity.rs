//! `alert-missing-severity`: an alerting rule with no `labels.severity`.

use super::{GROUPS, alerts_missing};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use serde::Deserialize;

crate::declare_rule!(object AlertMissingSeverity: "prometheus" / "alert-missing-severity");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AlertMissingSeverity {}

impl ObjectRule for AlertMissingSeverity {
    fn target(&self) -> Target<'_> {
        GROUPS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for (span, rule) in alerts_missing(cx.obj, "labels", "severity") {
            let f = cx
                .finding(span, format!("{rule} has no `severity` label"))
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
