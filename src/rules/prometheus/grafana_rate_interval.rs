//! `grafana-rate-interval`: a dashboard query drawn over time takes `rate()`, `irate()` or
//! `increase()` over a hard-coded range (`[5m]`) where Grafana's `$__rate_interval` is meant.
//! Stats, gauges, tables and instant queries are left alone: one value over a fixed range is
//! what they mean to show.

use super::DASHBOARDS;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::sources::grafana::{code_bytes, last_word, queries};
use crate::sources::scalar_offsets::span_in;
use serde::Deserialize;

crate::declare_rule!(object GrafanaRateInterval: "prometheus" / "grafana-rate-interval");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GrafanaRateInterval {}

/// Functions whose range should follow the dashboard's step and the scrape interval.
const RATES: &[&str] = &["rate", "irate", "increase"];

impl ObjectRule for GrafanaRateInterval {
    fn target(&self) -> Target<'_> {
        DASHBOARDS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for q in queries(&cx.obj.root) {
            // A stat or a table of one instant sums over the range it means to.
            if !q.over_time() {
                continue;
            }
            let (expr, panel) = (q.expr, q.title());
            let Some(text) = expr.text() else { continue };
            for (function, start, end) in fixed_ranges(text) {
                let range = &text[start..end];
                let span = span_in(&cx.file.text, expr, start, end);
                let at = panel.map_or(String::new(), |t| format!(" of panel `{t}`"));
                let f = cx
                    .finding(
                        span,
                        format!("the query{at} takes `{function}()` over a fixed `{range}` range, where `$__rate_interval` adapts it to the time range and the scrape interval"),
                    )
                    .with_label("hard-coded range")
                    .with_help("write `[$__rate_interval]`: a fixed range shows gaps when the dashboard's step or the scrape interval outgrows it (fewer than two samples in the range), and hides spikes when it is much wider than the step");
                cx.emit(f);
            }
        }
    }
}

/// Each range selector with a literal duration directly inside a call of one of [`RATES`]:
/// the function and the duration's byte range.
fn fixed_ranges(text: &str) -> Vec<(&str, usize, usize)> {
    let mut out = Vec::new();
    // Per open parenthesis, the function it calls (empty for a plain group).
    let mut calls: Vec<&str> = Vec::new();
    let mut skip_to = 0;
    for (i, c) in code_bytes(text) {
        if i < skip_to {
            continue;
        }
        match c {
            b'(' => calls.push(last_word(&text[..i])),
            b')' => {
                calls.pop();
            }
            b'[' => {
                let Some(close) = text[i + 1..].find(']') else {
                    break;
                };
                let inner = &text[i + 1..i + 1 + close];
                let lead = inner.len() - inner.trim_start().len();
                let duration = inner.trim();
                if let Some(&function) = calls.last()
                    && RATES.contains(&function)
                    && crate::sources::prometheus::is_duration(duration)
                {
                    let start = i + 1 + lead;
                    out.push((function, start, start + duration.len()));
                }
                skip_to = i + close + 2;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fixed_ranges;

    #[test]
    fn literal_ranges_inside_rate_calls() {
        let q = "sum(rate(a[5m])) / sum(increase(b{x=\"[1m]\"}[ 1h ])) + rate(c[$__rate_interval]) + avg_over_time(d[5m]) + rate(e[5m:1m]) + irate(f[[[__interval]]])";
        let found: Vec<_> = fixed_ranges(q).into_iter().map(|(f, s, e)| (f, &q[s..e])).collect();
        assert_eq!(found, [("rate", "5m"), ("increase", "1h")]);
    }

    proptest::proptest! {
        #[test]
        fn any_query_is_scanned_without_panic(q in "[a-zé_(){}\\[\\]:$ \"'`0-9]{0,60}") {
            for (_, start, end) in fixed_ranges(&q) {
                proptest::prop_assert!(start <= end && end <= q.len());
            }
        }
    }
}
