//! Prometheus rules: alerting and recording rules (rule files and PrometheusRule objects),
//! PromQL expressions (rules' `expr`, KEDA prometheus triggers' `query`, Grafana panels'
//! queries) and Grafana dashboards. The objects
//! are `Format::Prometheus` ones that `sources::prometheus` derives; alert checks look at
//! alerting rules only.

use crate::engine::rule::Target;
use crate::model::{Format, Node, Span};
use crate::sources::prometheus::{PROMETHEUS_RULE, RULE_FILE, RuleNode};

domain! {
    alert_missing_for,
    alert_missing_severity,
    alert_missing_summary,
    grafana_rate_interval,
    grafana_scaling_panels,
    prometheus_rule_duplicate,
    prometheus_rule_invalid,
    promql_deprecated_metric,
    promql_syntax,
}

/// Rule groups: rule files and PrometheusRules.
const GROUPS: Target<'static> = Target::format(Format::Prometheus, &[RULE_FILE, PROMETHEUS_RULE]);

/// Grafana dashboards (files, and JSON in ConfigMaps).
const DASHBOARDS: Target<'static> =
    Target::format(Format::Prometheus, &[crate::sources::grafana::DASHBOARD]);

/// Every PromQL expression: rule groups, KEDA triggers and dashboards' panels.
const QUERIES: Target<'static> = Target::format(Format::Prometheus, &[]);

/// The `analysis-incomplete` finding for an expression too large to parse safely: the
/// PromQL rules cannot judge it, and saying nothing would pass it silently.
fn too_large(
    q: &crate::sources::prometheus::Query<'_>,
    file: crate::model::FileId,
) -> crate::model::Finding {
    use crate::sources::promql::{MAX_DEPTH, MAX_LEN, MAX_OPS};
    crate::engine::diagnostics::analysis_incomplete::finding(
        file,
        q.node.span,
        format!(
            "{} was not parsed: it is over {} KiB, nested deeper than {MAX_DEPTH} brackets or has more than {MAX_OPS} operators, so its syntax and metrics were not checked",
            q.owner,
            MAX_LEN / 1024
        ),
    )
}

/// Where a finding about an alerting rule points: its `alert:` key.
fn alert_anchor(r: &RuleNode<'_>) -> Span {
    r.alert.map_or(r.node.span, |e| e.key.span)
}

/// A string value that is set: present, not null, not empty.
/// The alerting rules of `obj` whose `section.key` (`labels.severity`,
/// `annotations.summary`) is unset: where to point (the `section` key when there is one, else
/// the alert) and how to name the rule.
fn alerts_missing(obj: &crate::model::Object, section: &str, key: &str) -> Vec<(Span, String)> {
    crate::sources::prometheus::rules(obj)
        .into_iter()
        .filter(|r| r.alert.is_some())
        .filter_map(|r| {
            let entry = r.node.entry(section);
            if is_set(entry.and_then(|e| e.value.get(key))) {
                return None;
            }
            Some((entry.map_or(alert_anchor(&r), |e| e.key.span), r.describe()))
        })
        .collect()
}

fn is_set(node: Option<&Node>) -> bool {
    node.is_some_and(|n| n.text().is_none_or(|t| !t.trim().is_empty()))
}

/// Runs one Prometheus rule over a YAML text, for cases fixtures cannot reach.
#[cfg(test)]
pub(crate) fn run_rule(name: &str, text: &str) -> Vec<(String, String)> {
    let (source, found) = crate::rules::testing::run(name, serde_json::json!({}), "t.yaml", text);
    found
        .into_iter()
        .map(|f| (source.slice(f.span).to_string(), f.message))
        .collect()
}
