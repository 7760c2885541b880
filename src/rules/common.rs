//! Helpers shared by rules of several domains: message text (numbers, counts, how a rate
//! came about) and the scale-down judgements HPA and KEDA rules share. What objects mean to
//! Kubernetes is `crate::kube`'s.

use crate::engine::rule::Ctx;
use crate::kube::behavior::{DEFAULT_POLICY_PERCENT, DEFAULT_POLICY_PERIOD_SECONDS};
use crate::kube::{IntOrPercent, RateOrigin, ScaleDown, Select};

/// `s` without the leading white space C's `isspace` skips (`strtol`, `atoi`), as the
/// programs whose numbers the flat-format rules read do.
pub fn trim_c_space(s: &str) -> &str {
    s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c'])
}

/// A number for messages: `400`, `33.3`.
pub fn format_number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round())
    } else {
        format!("{x:.1}")
    }
}

/// `1 pod`, `2 pods`: a count of pods for messages.
pub fn pods(n: i64) -> String {
    counted(n, "pod", "pods")
}

/// `1 replica`, `10 replicas`.
pub fn replicas(n: i64) -> String {
    counted(n, "replica", "replicas")
}

fn counted(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// An int-or-percent value as written, for messages: `2`, `25%`.
pub fn int_or_percent(v: IntOrPercent) -> String {
    match v {
        IntOrPercent::Int(i) => i.to_string(),
        IntOrPercent::Percent(p) => format!("{}%", format_number(p)),
    }
}

/// What a scale-down rate was computed from, for messages; `max_field` names the maximum a
/// Pods policy is judged against (`maxReplicas`, a ScaledObject's `maxReplicaCount`).
pub fn rate_origin(origin: RateOrigin, max_field: &str) -> String {
    match origin {
        RateOrigin::Default => format!(
            "Kubernetes' default {DEFAULT_POLICY_PERCENT}% per {DEFAULT_POLICY_PERIOD_SECONDS}s"
        ),
        RateOrigin::Disabled => "selectPolicy Disabled".to_string(),
        RateOrigin::Percent { value, period } => {
            format!("Percent policy {value}% per {period}s")
        }
        RateOrigin::Pods {
            value,
            period,
            max_replicas,
        } => format!(
            "Pods policy {value} {} per {period}s, judged against {max_field} {max_replicas}",
            if value == 1 { "pod" } else { "pods" }
        ),
    }
}

/// How the scale-down judgements name what they judge.
pub struct Judged<'p> {
    /// How the help names the `behavior` field.
    pub written_as: &'p str,
    /// The maximum's field, for messages.
    pub max_field: &'p str,
    /// Comes before a help that asks for a new field when the object must change first.
    pub help_prefix: &'p str,
}

/// Judge the fastest scale-down `scale_down` allows against `max` percent per minute
/// (`hpa-scale-down-rate`, `keda-scale-down-rate`).
pub fn judge_scale_down_rate(
    cx: &mut Ctx<'_>,
    scale_down: &ScaleDown<'_>,
    j: &Judged<'_>,
    max: f64,
) {
    let Some(rate) = scale_down.rate() else {
        return;
    };
    if rate.percent_per_minute <= max {
        return;
    }
    let (rate_text, max_text) = (format_number(rate.percent_per_minute), format_number(max));
    let origin = rate_origin(rate.origin, j.max_field);
    let origin = match (rate.select, rate.origin) {
        (Select::Min, RateOrigin::Percent { .. } | RateOrigin::Pods { .. }) => {
            format!("{origin}, chosen by selectPolicy Min")
        }
        _ => origin,
    };
    let (label, help) = match rate.origin {
        RateOrigin::Default => (
            format!("{rate_text}% per minute by default"),
            format!(
                "{}add `{}.scaleDown.policies` allowing at most {max_text}% per minute, e.g. \
                 `- {{type: Percent, value: {max_text}, periodSeconds: 60}}`",
                j.help_prefix, j.written_as
            ),
        ),
        _ => (
            format!("{rate_text}% per minute"),
            format!(
                "lower the policy's value or lengthen its periodSeconds so scale-down removes at most {max_text}% per minute, \
                 e.g. `{{type: Percent, value: {max_text}, periodSeconds: 60}}`"
            ),
        ),
    };
    let f = cx
        .finding(
            rate.span,
            format!(
                "scale-down policies allow removing {rate_text}% of the replicas per minute ({origin}); \
                 at most {max_text}% per minute is advised"
            ),
        )
        .with_label(label)
        .with_help(help);
    cx.emit(f);
}

/// Judge the scale-down stabilization window of `scale_down` against `min` seconds
/// (`hpa-scale-down-window`, `keda-scale-down-window`).
pub fn judge_scale_down_window(
    cx: &mut Ctx<'_>,
    scale_down: &ScaleDown<'_>,
    j: &Judged<'_>,
    min: i64,
) {
    let Some(window) = scale_down.window() else {
        return;
    };
    if window.seconds >= min {
        return;
    }
    let seconds = window.seconds;
    let f = if window.explicit {
        cx.finding(
            window.span,
            format!("scale-down stabilizationWindowSeconds is {seconds}; at least {min} are advised so a brief dip in load does not remove pods"),
        )
        .with_label(format!("below {min}"))
        .with_help(format!("set `stabilizationWindowSeconds: {min}` or more"))
    } else {
        cx.finding(
            window.span,
            format!("scale-down stabilizationWindowSeconds is not set and defaults to {seconds}; at least {min} are advised so a brief dip in load does not remove pods"),
        )
        .with_label("no scale-down stabilizationWindowSeconds here")
        .with_help(format!(
            "{}set `{}.scaleDown.stabilizationWindowSeconds: {min}` or more",
            j.help_prefix, j.written_as
        ))
    };
    cx.emit(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(format_number(400.0), "400");
        assert_eq!(format_number(100.0 / 3.0), "33.3");
        assert_eq!(
            rate_origin(RateOrigin::Default, "maxReplicas"),
            "Kubernetes' default 100% per 15s"
        );
        assert_eq!(
            rate_origin(
                RateOrigin::Pods {
                    value: 1,
                    period: 60,
                    max_replicas: 10
                },
                "maxReplicaCount"
            ),
            "Pods policy 1 pod per 60s, judged against maxReplicaCount 10"
        );
        assert_eq!(int_or_percent(IntOrPercent::Percent(25.0)), "25%");
        assert_eq!(int_or_percent(IntOrPercent::Percent(100.0 / 3.0)), "33.3%");
        assert_eq!(int_or_percent(IntOrPercent::Int(2)), "2");
        assert_eq!(
            (pods(1), replicas(3)),
            ("1 pod".into(), "3 replicas".into())
        );
    }
}
