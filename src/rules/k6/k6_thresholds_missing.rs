//! `k6-thresholds-missing`: a script that generates load (`stages` or `scenarios`) without a
//! threshold on a latency percentile or on the error rate: the test cannot fail on what it
//! measures, so it proves nothing in CI.

use super::{MetricType, SCRIPTS, expressions, metric_name, metric_type, options, parse_expression, thresholds};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use serde::Deserialize;

crate::declare_rule!(object K6ThresholdsMissing: "k6" / "k6-thresholds-missing");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct K6ThresholdsMissing {}

impl ObjectRule for K6ThresholdsMissing {
    fn target(&self) -> Target<'_> {
        SCRIPTS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let root = &cx.obj.root;
        let Some(opts) = options(root) else { return };
        let load = ["stages", "scenarios"].into_iter().find_map(|k| {
            let e = opts.entry(k)?;
            let non_empty = match &e.value.value {
                crate::model::Value::Seq(s) => !s.is_empty(),
                crate::model::Value::Map(m) => !m.is_empty(),
                _ => false,
            };
            non_empty.then_some(e)
        });
        let Some(load) = load else { return };
        let (mut latency, mut errors) = (false, false);
        let anchor = match opts.entry("thresholds") {
            // Not statically known: not judged.
            Some(t) if t.value.as_map().is_none() => return,
            Some(t) => t.key.span,
            None => load.key.span,
        };
        if let Some((_, entries)) = thresholds(opts) {
            for e in entries {
                let Some(key) = e.key.text() else { continue };
                let ty = metric_type(root, metric_name(key));
                for (_, text) in expressions(&e.value) {
                    let Some(x) = text.and_then(|t| parse_expression(t).ok()) else {
                        // An expression not statically known may be either.
                        if text.is_none() {
                            latency = true;
                            errors = true;
                        }
                        continue;
                    };
                    let upper = x.operator.starts_with('<');
                    latency |= ty == Some(MetricType::Trend)
                        && x.percentile.is_some_and(|p| p >= 90.0)
                        && upper;
                    errors |= ty == Some(MetricType::Rate) && x.method == "rate";
                }
                if e.value.is_null() {
                    latency = true;
                    errors = true;
                }
            }
        }
        let missing: Vec<&str> = [
            (latency, "a latency percentile (e.g. `http_req_duration: ['p(99)<500']`)"),
            (errors, "the error rate (e.g. `http_req_failed: ['rate<0.01']`)"),
        ]
        .into_iter()
        .filter(|(has, _)| !has)
        .map(|(_, what)| what)
        .collect();
        if missing.is_empty() {
            return;
        }
        let what = load.key.text().unwrap_or("stages");
        let f = cx
            .finding(
                anchor,
                format!(
                    "the test has `{what}` but no threshold on {}: it cannot fail, so it proves nothing in CI",
                    missing.join(" or on ")
                ),
            )
            .with_label("no failing condition")
            .with_help("add `thresholds` as the Scaling Guide's load test does: `http_req_duration: ['p(99)<500']` and `http_req_failed: ['rate<0.01']`; `k6 run` then exits non-zero when they are crossed");
        cx.emit(f);
    }
}
