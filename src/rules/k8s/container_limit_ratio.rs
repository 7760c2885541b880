//! `container-limit-ratio`: a limit many times the request. Pods are packed by their requests
//! and then burst far above them (noisy neighbours), and the HPA, which measures utilisation
//! against the request, sees numbers that say little about real load.

use super::{WORKLOAD_KINDS, describe, explicit_bounds};
use crate::engine::rule::{Ctx, ObjectRule, Target, params};
use crate::quantity::Quantity;
use serde::Deserialize;

crate::declare_rule!(object ContainerLimitRatio: "k8s" / "container-limit-ratio", build = build);

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Params {
    max_ratio: f64,
}

pub struct ContainerLimitRatio {
    max_ratio: f64,
    /// `max_ratio` as an exact quantity, so `limit > request × max_ratio` involves no rounding.
    max_ratio_q: Quantity,
    zero: Quantity,
}

fn build(v: &serde_json::Value) -> Result<ContainerLimitRatio, String> {
    let p: Params = params(NAME, v)?;
    // Below 1 every valid container (request ≤ limit) would be reported.
    if !p.max_ratio.is_finite() || p.max_ratio < 1.0 {
        return Err(format!(
            "rule {NAME}: max-ratio must be a number of at least 1, got {}",
            p.max_ratio
        ));
    }
    // f64's Display is the shortest exact decimal text, never exponent notation.
    let max_ratio_q = Quantity::parse(&p.max_ratio.to_string())
        .map_err(|e| format!("rule {NAME}: max-ratio: {e}"))?;
    let zero = Quantity::parse("0").map_err(|e| format!("rule {NAME}: {e}"))?;
    Ok(ContainerLimitRatio {
        max_ratio: p.max_ratio,
        max_ratio_q,
        zero,
    })
}

/// A ratio for messages: two decimals at most (`8`, `4.5`, `2.67`), more when needed to show
/// that it is above `max` (`4.001`, never a confusing "4× … above 4×").
fn show_ratio(ratio: f64, max: f64) -> String {
    for decimals in 2..=6 {
        let text = format!("{ratio:.decimals$}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if text.parse::<f64>().is_ok_and(|shown| shown > max) {
            return text.to_string();
        }
    }
    format!("just over {max}")
}

impl ObjectRule for ContainerLimitRatio {
    fn target(&self) -> Target<'_> {
        Target::objects("apps", WORKLOAD_KINDS)
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // Both explicit: a defaulted request equals its limit, a ratio of 1.
        for b in explicit_bounds(cx.obj) {
            let (rq, lq) = (&b.request_q, &b.limit_q);
            // A zero or negative request has no meaningful ratio.
            if *rq <= self.zero || *lq <= rq.mul(&self.max_ratio_q) {
                continue;
            }
            let (c, r) = (&b.container, b.resource);
            let (req, lim) = (b.request, b.limit);
            let ratio = show_ratio(lq.to_f64() / rq.to_f64(), self.max_ratio);
            let max = self.max_ratio;
            let (rt, lt) = (req.text().unwrap_or(""), lim.text().unwrap_or(""));
            let key = r.key();
            let f = cx
                .finding(
                    lim.span,
                    format!(
                        "{key} limit of {} is {ratio}× the request ({rt} → {lt}); above {max}× the node is overcommitted and HPA utilisation understates the load",
                        describe(c)
                    ),
                )
                .with_label(format!("{ratio}× the request"))
                .with_secondary(cx.obj.file, req.span, format!("{key} request {rt}"))
                .with_help(format!(
                    "raise the request or lower the limit to at most {max}× the request (the Scaling Guide's tiers use 2×)"
                ));
            cx.emit(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_show_enough_digits() {
        assert_eq!(show_ratio(8.0, 4.0), "8");
        assert_eq!(show_ratio(4.5, 4.0), "4.5");
        assert_eq!(show_ratio(4.001, 4.0), "4.001");
        assert_eq!(show_ratio(8.0 / 3.0, 2.0), "2.67");
        assert_eq!(show_ratio(4.0000001, 4.0), "just over 4");
        assert_eq!(show_ratio(2.5, 2.0), "2.5");
    }

    #[test]
    fn max_ratio_must_be_sane() {
        assert!(build(&serde_json::json!({"max-ratio": 0.5})).is_err());
        assert!(build(&serde_json::json!({"max-ratio": 2.5})).is_ok());
        assert!(build(&serde_json::json!({"max-ratio": 4, "extra": 1})).is_err());
    }
}
