//! The HPA `behavior` arithmetic: how fast the scale-down policies let replicas go, and the
//! scale-down stabilization window. KEDA ScaledObjects embed the same `behavior` (under
//! `spec.advanced.horizontalPodAutoscalerConfig`), so nothing here assumes an HPA object:
//! callers pass the `behavior` node (absent when not written) and where to point when it is.

use crate::model::{Node, Span};
use crate::rules::common::{int_value, missing_span_in};
use std::fmt;

/// Kubernetes' scale-down policy when none is written: 100% of the replicas per 15 s.
pub const DEFAULT_POLICY_PERCENT: i64 = 100;
pub const DEFAULT_POLICY_PERIOD_SECONDS: i64 = 15;
/// Kubernetes' scale-down stabilization window when none is written.
pub const DEFAULT_SCALE_DOWN_WINDOW_SECONDS: i64 = 300;

/// `scaleDown.selectPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Select {
    /// The default: the policy allowing the biggest change wins.
    Max,
    Min,
    /// No scale-down at all.
    Disabled,
}

/// What a scale-down rate was computed from, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateOrigin {
    /// No policies written: Kubernetes' default 100% per 15 s.
    Default,
    /// `selectPolicy: Disabled`.
    Disabled,
    Percent {
        value: i64,
        period: i64,
    },
    /// A Pods policy, judged against `max_replicas`.
    Pods {
        value: i64,
        period: i64,
        max_replicas: i64,
    },
}

impl RateOrigin {
    /// For messages; `max_field` names the maximum a Pods policy is judged against
    /// (`maxReplicas`, a ScaledObject's `maxReplicaCount`).
    pub fn describe(&self, max_field: &str) -> String {
        match *self {
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
}

impl fmt::Display for RateOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe("maxReplicas"))
    }
}

/// The fastest scale-down the policies allow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScaleDownRate {
    /// Percent of the current replicas that may go per minute.
    pub percent_per_minute: f64,
    pub origin: RateOrigin,
    pub select: Select,
    /// The deciding policy's `value`, the `selectPolicy` value when Disabled, or the nearest
    /// existing ancestor when the default applies.
    pub span: Span,
}

/// How fast scale-down may go. `behavior` is the `behavior` mapping when written;
/// `anchor` is where to point when it holds no `scaleDown`: the `behavior` key, or the
/// nearest ancestor that exists. `max_replicas` (the effective maximum) turns Pods policies
/// into a percentage; without it Pods policies are not judged.
///
/// `None` when policies are written but none can be evaluated (missing or non-positive
/// `value`/`periodSeconds`, unknown `type`): the API server rejects those, and guessing a
/// rate would only add noise to that error.
pub fn scale_down_rate(
    behavior: Option<&Node>,
    max_replicas: Option<i64>,
    anchor: Span,
) -> Option<ScaleDownRate> {
    let scale_down = behavior.and_then(|b| b.get("scaleDown"));
    let select_node = scale_down.and_then(|s| s.get("selectPolicy"));
    let select = match select_node.and_then(Node::as_str) {
        Some("Min") => Select::Min,
        Some("Disabled") => Select::Disabled,
        // `Max` and anything the API would reject: judge the default.
        _ => Select::Max,
    };
    if let (Select::Disabled, Some(node)) = (select, select_node) {
        return Some(ScaleDownRate {
            percent_per_minute: 0.0,
            origin: RateOrigin::Disabled,
            select,
            span: node.span,
        });
    }
    let policies = scale_down
        .and_then(|s| s.get("policies"))
        .and_then(Node::as_seq)
        .filter(|p| !p.is_empty());
    let Some(policies) = policies else {
        // The nearest existing of `policies` (an empty list), `scaleDown`, the anchor.
        let span = behavior.map_or(anchor, |b| {
            missing_span_in(b, &["scaleDown", "policies", "-"], anchor)
        });
        return Some(ScaleDownRate {
            percent_per_minute: percent_rate(DEFAULT_POLICY_PERCENT, DEFAULT_POLICY_PERIOD_SECONDS),
            origin: RateOrigin::Default,
            select,
            span,
        });
    };
    let mut chosen: Option<(f64, RateOrigin, Span)> = None;
    for candidate in policies.iter().filter_map(|p| policy_rate(p, max_replicas)) {
        // Strict comparisons keep the first of equal policies, so output is stable.
        let better = match (&chosen, select) {
            (None, _) => true,
            (Some(c), Select::Min) => candidate.0 < c.0,
            (Some(c), _) => candidate.0 > c.0,
        };
        if better {
            chosen = Some(candidate);
        }
    }
    chosen.map(|(percent_per_minute, origin, span)| ScaleDownRate {
        percent_per_minute,
        origin,
        select,
        span,
    })
}

/// One policy's rate in percent of the replicas per minute, with its `value` span.
fn policy_rate(policy: &Node, max_replicas: Option<i64>) -> Option<(f64, RateOrigin, Span)> {
    let value_node = policy.get("value")?;
    let value = int_value(value_node).filter(|v| *v > 0)?;
    // A zero or missing period is rejected by the API; never divide by it.
    let period = policy
        .get("periodSeconds")
        .and_then(int_value)
        .filter(|p| *p > 0)?;
    match policy.get("type").and_then(Node::as_str)? {
        "Percent" => Some((
            percent_rate(value, period),
            RateOrigin::Percent { value, period },
            value_node.span,
        )),
        "Pods" => {
            let max_replicas = max_replicas.filter(|m| *m > 0)?;
            let pods_per_minute = value as f64 * 60.0 / period as f64;
            Some((
                pods_per_minute / max_replicas as f64 * 100.0,
                RateOrigin::Pods {
                    value,
                    period,
                    max_replicas,
                },
                value_node.span,
            ))
        }
        _ => None,
    }
}

fn percent_rate(percent: i64, period: i64) -> f64 {
    percent as f64 * 60.0 / period as f64
}

/// The effective scale-down stabilization window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaleDownWindow {
    pub seconds: i64,
    /// Whether `stabilizationWindowSeconds` is written (else Kubernetes' default applies).
    pub explicit: bool,
    /// The value, or the nearest existing ancestor when it is not written.
    pub span: Span,
}

/// `behavior.scaleDown.stabilizationWindowSeconds`, defaulted as Kubernetes does; `anchor` as
/// for [`scale_down_rate`]. `None` when the value is written but is not an integer.
pub fn scale_down_window(behavior: Option<&Node>, anchor: Span) -> Option<ScaleDownWindow> {
    let path = ["scaleDown", "stabilizationWindowSeconds"];
    match behavior.and_then(|b| b.path(&path)) {
        Some(node) => Some(ScaleDownWindow {
            seconds: int_value(node)?,
            explicit: true,
            span: node.span,
        }),
        None => Some(ScaleDownWindow {
            seconds: DEFAULT_SCALE_DOWN_WINDOW_SECONDS,
            explicit: false,
            span: behavior.map_or(anchor, |b| missing_span_in(b, &path, anchor)),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::common::format_number;
    use crate::sources::yaml;

    /// The `behavior` mapping of a YAML snippet, and the text it was parsed from.
    fn behavior(src: &str) -> Node {
        let parsed = yaml::parse(src, yaml::Limits::default());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let root = parsed.documents.into_iter().next().unwrap().root;
        root.get("behavior").unwrap().clone()
    }

    const ANCHOR: Span = Span::new(1000, 1004);

    fn rate(src: &str, max: Option<i64>) -> Option<ScaleDownRate> {
        let b = behavior(src);
        scale_down_rate(Some(&b), max, ANCHOR)
    }

    fn slice(src: &str, span: Span) -> &str {
        &src[span.start..span.end]
    }

    #[test]
    fn percent_policy() {
        let src = "behavior:\n  scaleDown:\n    policies:\n    - type: Percent\n      value: 10\n      periodSeconds: 60\n";
        let r = rate(src, Some(10)).unwrap();
        assert_eq!(r.percent_per_minute, 10.0);
        assert_eq!(
            r.origin,
            RateOrigin::Percent {
                value: 10,
                period: 60
            }
        );
        assert_eq!(slice(src, r.span), "10");
    }

    #[test]
    fn pods_policy_is_judged_against_max_replicas() {
        let src = "behavior:\n  scaleDown:\n    policies:\n    - type: Pods\n      value: 4\n      periodSeconds: 60\n";
        let r = rate(src, Some(10)).unwrap();
        assert_eq!(r.percent_per_minute, 40.0);
        assert_eq!(
            r.origin,
            RateOrigin::Pods {
                value: 4,
                period: 60,
                max_replicas: 10
            }
        );
        assert_eq!(slice(src, r.span), "4");
        // 1 pod per 30 s of 3 replicas: 2 pods a minute, 66.7%.
        let src = "behavior:\n  scaleDown:\n    policies:\n    - type: Pods\n      value: 1\n      periodSeconds: 30\n";
        let r = rate(src, Some(3)).unwrap();
        assert_eq!(format_number(r.percent_per_minute), "66.7");
        // Without a maxReplicas a Pods policy cannot be judged.
        assert_eq!(rate(src, None), None);
        assert_eq!(rate(src, Some(0)), None);
    }

    const TWO: &str = "behavior:\n  scaleDown:\n    SELECT\n    policies:\n    - type: Percent\n      value: 50\n      periodSeconds: 60\n    - type: Pods\n      value: 1\n      periodSeconds: 60\n";

    #[test]
    fn select_max_min_disabled() {
        let max = TWO.replace("SELECT", "selectPolicy: Max");
        let r = rate(&max, Some(20)).unwrap();
        assert_eq!(r.percent_per_minute, 50.0);
        assert_eq!(r.select, Select::Max);
        // Max is the default.
        let default = TWO.replace("SELECT", "");
        assert_eq!(rate(&default, Some(20)).unwrap().percent_per_minute, 50.0);

        let min = TWO.replace("SELECT", "selectPolicy: Min");
        let r = rate(&min, Some(20)).unwrap();
        assert_eq!(r.percent_per_minute, 5.0);
        assert_eq!(r.select, Select::Min);
        assert_eq!(slice(&min, r.span), "1");

        let disabled = TWO.replace("SELECT", "selectPolicy: Disabled");
        let r = rate(&disabled, Some(20)).unwrap();
        assert_eq!(r.percent_per_minute, 0.0);
        assert_eq!(r.origin, RateOrigin::Disabled);
        assert_eq!(slice(&disabled, r.span), "Disabled");
    }

    #[test]
    fn defaults_point_at_the_nearest_ancestor() {
        // No behavior at all: the caller's anchor.
        let r = scale_down_rate(None, Some(10), ANCHOR).unwrap();
        assert_eq!(r.percent_per_minute, 400.0);
        assert_eq!(r.origin, RateOrigin::Default);
        assert_eq!(r.span, ANCHOR);

        // behavior without scaleDown: the anchor (the caller's `behavior` key).
        let src = "behavior:\n  scaleUp:\n    stabilizationWindowSeconds: 0\n";
        assert_eq!(rate(src, Some(10)).unwrap().span, ANCHOR);

        // scaleDown without policies: the `scaleDown` key.
        let src = "behavior:\n  scaleDown:\n    stabilizationWindowSeconds: 600\n";
        let r = rate(src, Some(10)).unwrap();
        assert_eq!(r.percent_per_minute, 400.0);
        assert_eq!(slice(src, r.span), "scaleDown");

        // An empty policies list: the `policies` key.
        let src = "behavior:\n  scaleDown:\n    policies: []\n";
        assert_eq!(slice(src, rate(src, Some(10)).unwrap().span), "policies");
    }

    #[test]
    fn broken_policies_never_divide_by_zero() {
        for policy in [
            "- type: Percent\n      value: 10\n      periodSeconds: 0",
            "- type: Percent\n      value: 10",
            "- type: Percent\n      value: 10\n      periodSeconds: -60",
            "- type: Percent\n      periodSeconds: 60",
            "- type: Percent\n      value: ten\n      periodSeconds: 60",
            "- type: Replicas\n      value: 10\n      periodSeconds: 60",
            "- value: 10\n      periodSeconds: 60",
            "- type: Pods\n      value: 1\n      periodSeconds: 0",
        ] {
            let src = format!("behavior:\n  scaleDown:\n    policies:\n    {policy}\n");
            assert_eq!(rate(&src, Some(10)), None, "{policy}");
        }
        // A broken policy beside a good one: the good one decides.
        let src = "behavior:\n  scaleDown:\n    policies:\n    - type: Percent\n      value: 90\n      periodSeconds: 0\n    - type: Percent\n      value: 5\n      periodSeconds: 60\n";
        assert_eq!(rate(src, Some(10)).unwrap().percent_per_minute, 5.0);
    }

    #[test]
    fn window() {
        let src = "behavior:\n  scaleDown:\n    stabilizationWindowSeconds: 60\n";
        let b = behavior(src);
        let w = scale_down_window(Some(&b), ANCHOR).unwrap();
        assert_eq!((w.seconds, w.explicit), (60, true));
        assert_eq!(slice(src, w.span), "60");

        let w = scale_down_window(None, ANCHOR).unwrap();
        assert_eq!((w.seconds, w.explicit, w.span), (300, false, ANCHOR));

        let src = "behavior:\n  scaleDown:\n    selectPolicy: Max\n";
        let b = behavior(src);
        let w = scale_down_window(Some(&b), ANCHOR).unwrap();
        assert_eq!((w.seconds, w.explicit), (300, false));
        assert_eq!(slice(src, w.span), "scaleDown");

        let src = "behavior:\n  scaleDown:\n    stabilizationWindowSeconds: soon\n";
        let b = behavior(src);
        assert_eq!(scale_down_window(Some(&b), ANCHOR), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number(400.0), "400");
        assert_eq!(format_number(100.0 / 3.0), "33.3");
        assert_eq!(
            RateOrigin::Default.to_string(),
            "Kubernetes' default 100% per 15s"
        );
    }
}
