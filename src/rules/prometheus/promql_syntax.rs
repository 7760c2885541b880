//! `promql-syntax`: an expression that is not valid PromQL, reported inside the expression.

use super::QUERIES;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::sources::prometheus::queries;
use crate::sources::promql::Checked;
use serde::Deserialize;

crate::declare_rule!(object PromqlSyntax: "prometheus" / "promql-syntax");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PromqlSyntax {}

impl ObjectRule for PromqlSyntax {
    fn target(&self) -> Target<'_> {
        QUERIES
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for q in queries(cx.obj) {
            let Some(parsed) = q.parse() else {
                continue;
            };
            let e = match &parsed.checked {
                Checked::Invalid(e) => e,
                Checked::TooLarge => {
                    let f = super::too_large(&q, cx.obj.file);
                    cx.emit(f);
                    continue;
                }
                Checked::Valid(_) => continue,
            };
            let span = parsed.span(&cx.file.text, q.node, e.start, e.end);
            let f = cx
                .finding(span, format!("{} is not valid PromQL: {}", q.owner, e.message))
                .with_label("invalid PromQL")
                .with_help(if q.grafana {
                    "fix the query; Grafana shows the panel's error instead of its data"
                } else {
                    "fix the expression; Prometheus refuses to load a rule file that holds it, and KEDA cannot scale on it"
                });
            cx.emit(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;

    #[test]
    fn every_scalar_style_points_inside_the_expression() {
        for (yaml, at) in [
            ("groups:\n- rules:\n  - alert: A\n    expr: up ==\n", ""),
            (
                "groups:\n- rules:\n  - alert: A\n    expr: 'up{a=''x''} 1'\n",
                "1",
            ),
            (
                "groups:\n- rules:\n  - record: r\n    expr: \"up{a=\\\"x\\\"} )\"\n",
                ")",
            ),
            (
                "groups:\n- rules:\n  - alert: A\n    expr: |\n      sum(rate(x[5m]))\n        by (job) > > 1\n",
                ">",
            ),
            (
                "groups:\n- rules:\n  - alert: A\n    expr: >-\n      sum(\n        rate(x[5m]) +\n      )\n",
                ")",
            ),
        ] {
            let hits = run_rule(NAME, yaml);
            assert_eq!(hits.len(), 1, "{yaml:?}: {hits:?}");
            assert_eq!(hits[0].0, at, "{yaml:?}: {hits:?}");
        }
    }

    #[test]
    fn keda_queries_are_checked() {
        let hits = run_rule(
            NAME,
            "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: s\nspec:\n  triggers:\n  - type: prometheus\n    metadata:\n      query: sum(rate(x[1m])\n",
        );
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert!(hits[0].1.starts_with("the prometheus trigger's query"));
    }
}
