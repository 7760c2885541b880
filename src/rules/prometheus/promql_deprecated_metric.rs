//! `promql-deprecated-metric`: an expression selects a `kube_hpa_*` metric, which
//! kube-state-metrics 2.0 renamed `kube_horizontalpodautoscaler_*`.

use super::QUERIES;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::sources::prometheus::queries;
use crate::sources::promql::Checked;
use serde::Deserialize;

crate::declare_rule!(object PromqlDeprecatedMetric: "prometheus" / "promql-deprecated-metric");

const OLD: &str = "kube_hpa_";
const NEW: &str = "kube_horizontalpodautoscaler_";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PromqlDeprecatedMetric {}

/// The kube-state-metrics 2.x name of a 1.x `kube_hpa_*` metric. Every metric kept its name
/// after the prefix, except the experimental current-metric gauges, which 1.9.3 removed and
/// 2.x replaced by one gauge with a `metric_target_type` label.
pub fn renamed(name: &str) -> Option<String> {
    let rest = name.strip_prefix(OLD)?;
    if rest.starts_with("status_current_metrics") {
        return Some(format!("{NEW}status_target_metric"));
    }
    Some(format!("{NEW}{rest}"))
}

impl ObjectRule for PromqlDeprecatedMetric {
    fn target(&self) -> Target<'_> {
        QUERIES
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for q in queries(cx.obj) {
            let Some(parsed) = q.parse() else {
                continue;
            };
            let refs = match &parsed.checked {
                Checked::Valid(refs) => refs,
                Checked::TooLarge => {
                    let f = super::too_large(&q, cx.obj.file);
                    cx.emit(f);
                    continue;
                }
                Checked::Invalid(_) => continue,
            };
            for m in refs {
                if !m.name.starts_with(OLD) || (m.regex && m.name.contains(NEW)) {
                    continue;
                }
                let span = parsed.span(&cx.file.text, q.node, m.start, m.end);
                // Only where the name's place in the file is exact (else the span is the
                // whole query, or a variable).
                let exact = cx.file.slice(span) == m.name;
                // Unsafe: dashboards and alerts keyed on the old series change with it.
                let rename = |new: &str, message: String| {
                    exact.then(|| {
                        crate::model::Fix::unsafe_(
                            message,
                            vec![crate::model::Edit::replace(span, new)],
                        )
                    })
                };
                let f = if m.regex {
                    let new = m.name.replacen(OLD, NEW, 1);
                    cx.finding(
                        span,
                        format!(
                            "{} selects metrics matching `{}`, a prefix kube-state-metrics 2.0 renamed `{NEW}`, so it matches nothing on current clusters",
                            q.owner, m.name
                        ),
                    )
                    .with_label(format!("renamed `{NEW}*`"))
                    .with_help(format!("match `{new}` instead"))
                    .with_fix_opt(rename(&new, format!("match `{new}`")))
                } else {
                    let Some(new) = renamed(&m.name) else {
                        continue;
                    };
                    let help = if new.ends_with("status_target_metric") {
                        format!(
                            "use `{new}`, selecting the kind of value with its `metric_target_type` label (`value`, `utilization` or `average`)"
                        )
                    } else {
                        format!("use `{new}`")
                    };
                    cx.finding(
                        span,
                        format!(
                            "{} selects `{}`, which kube-state-metrics 2.0 renamed `{new}`, so it matches nothing on current clusters",
                            q.owner, m.name
                        ),
                    )
                    .with_label(format!("renamed `{new}`"))
                    .with_help(help)
                    .with_fix_opt(rename(&new, format!("use `{new}`")).map(|mut fix| {
                        // Which `metric_target_type` to select is the user's to say.
                        if new.ends_with("status_target_metric") {
                            fix.applicability = crate::model::Applicability::DisplayOnly;
                            fix.message = format!(
                                "use `{new}` with the `metric_target_type` matcher you mean"
                            );
                        }
                        fix
                    }))
                };
                cx.emit(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::{NAME, renamed};

    #[test]
    fn renames() {
        assert_eq!(
            renamed("kube_hpa_spec_max_replicas").as_deref(),
            Some("kube_horizontalpodautoscaler_spec_max_replicas")
        );
        assert_eq!(
            renamed("kube_hpa_status_current_metrics_average_utilization").as_deref(),
            Some("kube_horizontalpodautoscaler_status_target_metric")
        );
        assert_eq!(renamed("kube_deployment_spec_replicas"), None);
    }

    #[test]
    fn every_selector_of_the_old_names() {
        let hits = run_rule(
            NAME,
            "groups:\n- rules:\n  - alert: A\n    expr: \"kube_hpa_labels == on() {__name__=\\\"kube_hpa_spec_min_replicas\\\"} or {__name__=~\\\"kube_hpa_.+\\\"}\"\n    for: 1m\n  - record: r\n    expr: sum by (kube_hpa_x) (kube_horizontalpodautoscaler_labels)\n",
        );
        let at: Vec<&str> = hits.iter().map(|h| h.0.as_str()).collect();
        assert_eq!(
            at,
            [
                "kube_hpa_labels",
                "kube_hpa_spec_min_replicas",
                "kube_hpa_.+"
            ],
            "{hits:?}"
        );
    }
}
