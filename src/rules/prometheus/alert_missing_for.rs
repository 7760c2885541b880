//! `alert-missing-for`: an alerting rule with no `for` (or `for: 0m`) fires on one evaluation.

use super::{GROUPS, alert_anchor};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::sources::prometheus::{is_zero_duration, rules};
use serde::Deserialize;

crate::declare_rule!(object AlertMissingFor: "prometheus" / "alert-missing-for");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AlertMissingFor {}

impl ObjectRule for AlertMissingFor {
    fn target(&self) -> Target<'_> {
        GROUPS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in rules(cx.obj) {
            if r.alert.is_none() {
                continue;
            }
            let what = r.describe();
            let f = match r.node.get("for") {
                Some(v) => {
                    let Some(t) = v.text().filter(|t| is_zero_duration(t)) else {
                        continue;
                    };
                    cx.finding(
                        v.span,
                        format!(
                            "{what} has `for: {}`, so it fires on a single evaluation",
                            t.trim()
                        ),
                    )
                    .with_label("zero duration")
                }
                _ => cx
                    .finding(
                        alert_anchor(&r),
                        format!("{what} has no `for`, so it fires on a single evaluation"),
                    )
                    .with_label("no `for`"),
            };
            cx.emit(f.with_help(
                "add `for:` with how long the condition must hold before the alert fires (e.g. `for: 5m`), so one noisy scrape does not page anyone",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;
    use crate::sources::prometheus::is_zero_duration;

    #[test]
    fn zero_durations() {
        for t in ["0", "0s", "0m", " 0h0m ", "00ms", "0y0w0d"] {
            assert!(is_zero_duration(t), "{t:?}");
        }
        for t in ["", "1m", "10s", "0m30s", "five", "m"] {
            assert!(!is_zero_duration(t), "{t:?}");
        }
    }

    #[test]
    fn recording_rules_are_not_judged() {
        let hits = run_rule(
            NAME,
            "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n  - alert: A\n    expr: up\n    for: 0\n  - alert: B\n    expr: up\n    for: 1m\n  - alert: C\n    expr: up\n    for:\n",
        );
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].0, "0");
        assert_eq!(hits[1].0, "alert");
    }
}
