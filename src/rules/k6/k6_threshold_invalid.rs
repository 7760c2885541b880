//! `k6-threshold-invalid`: a threshold k6 refuses before the test starts: an expression that
//! does not parse (`agg op value`), an aggregation method the metric's type does not have
//! (`rate` only on Rate metrics, `p(N)`/`avg`/`med`/`min`/`max` on Trends, `count` on
//! Counters, `value` on Gauges), a misspelt built-in metric, a malformed tag list, or a value
//! that is not an array. Metrics the script does not declare and that are not misspelt
//! built-ins are left alone: they may come from another module.

use super::{BUILTIN, SCRIPTS, expressions, metric_name, metric_type, options, parse_expression, thresholds};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Node;
use crate::sources::scalar_offsets::span_in;
use serde::Deserialize;

crate::declare_rule!(object K6ThresholdInvalid: "k6" / "k6-threshold-invalid");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct K6ThresholdInvalid {}

const HELP: &str = "k6 refuses the script's thresholds and the test does not start; a threshold is `aggregation operator number`, e.g. `p(95)<500` on a Trend, `rate<0.01` on a Rate";

impl ObjectRule for K6ThresholdInvalid {
    fn target(&self) -> Target<'_> {
        SCRIPTS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some((_, entries)) = options(&cx.obj.root).and_then(thresholds) else {
            return;
        };
        for e in entries {
            let Some(key) = e.key.text() else { continue };
            if let Some(why) = key_problem(key) {
                let f = cx
                    .finding(e.key.span, format!("threshold key `{key}`: {why}"))
                    .with_label("malformed metric name")
                    .with_help(HELP);
                cx.emit(f);
                continue;
            }
            let name = metric_name(key);
            let ty = metric_type(&cx.obj.root, name);
            if ty.is_none() {
                let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                if let Some(meant) = crate::suggest::closest(name, &names) {
                    let f = cx
                        .finding(
                            e.key.span,
                            format!("threshold on `{name}`, a metric k6 does not have (did you mean `{meant}`?)"),
                        )
                        .with_label("no such metric")
                        .with_help(HELP);
                    cx.emit(f);
                    continue;
                }
            }
            let v = &e.value;
            if v.is_null() {
                continue;
            }
            if v.as_seq().is_none() {
                let f = cx
                    .finding(
                        v.span,
                        format!("the threshold of `{key}` must be an array of expressions, e.g. `['p(95)<500']`, not a single value"),
                    )
                    .with_label("not an array")
                    .with_help(HELP);
                cx.emit(f);
                continue;
            }
            for (node, text) in expressions(v) {
                let Some(text) = text else { continue };
                let problem = match parse_expression(text) {
                    Err(why) => Some(why),
                    Ok(x) => ty.filter(|t| !t.methods().contains(&x.method)).map(|t| {
                        format!(
                            "unsupported aggregation method {} on metric `{key}` of type {}; supported: {}",
                            x.method,
                            t.name(),
                            t.methods().join(", ")
                        )
                    }),
                };
                if let Some(why) = problem {
                    let f = cx
                        .finding(whole(&cx.file.text, node), format!("invalid threshold `{text}`: {why}"))
                        .with_label("k6 refuses this threshold")
                        .with_help(HELP);
                    cx.emit(f);
                }
            }
        }
    }
}

/// The span of a string's content (the whole node when it is not a plain string).
fn whole(src: &str, node: &Node) -> crate::model::Span {
    let len = node.text().map_or(0, str::len);
    span_in(src, node, 0, len)
}

/// Why k6 cannot split a threshold key into a metric and tags (`metrics.ParseMetricName`).
fn key_problem(key: &str) -> Option<String> {
    let (open, close) = (key.find('{'), key.rfind('}'));
    match (open, close) {
        (None, None) => None,
        (Some(_), None) | (None, Some(_)) => Some("unmatched opening/close curly brace".into()),
        (Some(o), Some(c)) if c < o => Some("closing curly brace appears before opening one".into()),
        (Some(_), Some(c)) if c + 1 != key.len() => {
            Some("lacks a closing curly brace in its last position".into())
        }
        (Some(o), Some(c)) => {
            let tags = &key[o + 1..c];
            tags.split(',')
                .find(|t| t.split_once(':').is_none_or(|(_, v)| v.trim().is_empty()))
                .map(|t| format!("tag expression {:?} is malformed (tags are `name:value`)", t.trim()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::key_problem;

    #[test]
    fn threshold_keys() {
        assert_eq!(key_problem("http_req_duration"), None);
        assert_eq!(key_problem("http_req_duration{expected_response:true}"), None);
        assert_eq!(key_problem("a{ method : GET , status:200 }"), None);
        assert!(key_problem("a{b}").is_some());
        assert!(key_problem("a{b:}").is_some());
        assert!(key_problem("a{b:c").is_some());
        assert!(key_problem("a{b:c}x").is_some());
    }
}
