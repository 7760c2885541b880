//! The HPA `behavior` arithmetic: how fast the scale-down policies let replicas go, and the
//! scale-down stabilization window, with Kubernetes' defaults. KEDA ScaledObjects embed the
//! same `behavior` (under `spec.advanced.horizontalPodAutoscalerConfig`), so nothing here
//! assumes an HPA object: [`ScaleDown`] holds the `behavior` node (absent when not written),
//! where to point when it is not, and the maximum Pods policies are judged against.

use super::values::int_value;
use crate::model::{Node, Span};

/// Kubernetes' scale-down policy when none is written: 100% of the replicas per 15 s.
pub const DEFAULT_POLICY_PERCENT: i64 = 100;
pub const DEFAULT_POLICY_PERIOD_SECONDS: i64 = 15;
/// Kubernetes' scale-down stabilization window when none is written.
pub const DEFAULT_SCALE_DOWN_WINDOW_SECONDS: i64 = 300;

/// The scale-down side of a `behavior`, as the HPA controller applies it.
#[derive(Clone, Copy, Debug)]
pub struct ScaleDown<'a> {
    /// The `behavior` mapping, when written.
    pub behavior: Option<&'a Node>,
    /// Where to point when `behavior` holds no `scaleDown`: the nearest existing ancestor
    /// of `scaleDown`.
    pub anchor: Span,
    /// The effective maximum replica count, which turns Pods policies into a percentage;
    /// without it Pods policies are not judged.
    pub max_replicas: Option<i64>,
}

/// `scaleDown.selectPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Select {
    /// The default: the policy allowing the biggest change wins.
    Max,
    Min,
    /// No scale-down at all.
    Disabled,
}

/// What a scale-down rate was computed from.
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

/// The effective scale-down stabilization window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaleDownWindow {
    pub seconds: i64,
    /// Whether `stabilizationWindowSeconds` is written (else Kubernetes' default applies).
    pub explicit: bool,
    /// The value, or the nearest existing ancestor when it is not written.
    pub span: Span,
}

impl ScaleDown<'_> {
    /// How fast scale-down may go. `None` when policies are written but none can be
    /// evaluated (missing or non-positive `value`/`periodSeconds`, unknown `type`): the API
    /// server rejects those, and guessing a rate would only add noise to that error.
    pub fn rate(&self) -> Option<ScaleDownRate> {
        let scale_down = self.behavior.and_then(|b| b.get("scaleDown"));
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
            let span = self.behavior.map_or(self.anchor, |b| {
                b.missing_span(&["scaleDown", "policies", "-"], self.anchor)
            });
            return Some(ScaleDownRate {
                percent_per_minute: percent_rate(
                    DEFAULT_POLICY_PERCENT,
                    DEFAULT_POLICY_PERIOD_SECONDS,
                ),
                origin: RateOrigin::Default,
                select,
                span,
            });
        };
        let mut chosen: Option<(f64, RateOrigin, Span)> = None;
        for candidate in policies
            .iter()
            .filter_map(|p| policy_rate(p, self.max_replicas))
        {
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

    /// `scaleDown.stabilizationWindowSeconds`, defaulted as Kubernetes does. `None` when the
    /// value is written but is not an integer.
    pub fn window(&self) -> Option<ScaleDownWindow> {
        let path = ["scaleDown", "stabilizationWindowSeconds"];
        match self.behavior.and_then(|b| b.path(&path)) {
            Some(node) => Some(ScaleDownWindow {
                seconds: int_value(node)?,
                explicit: true,
                span: node.span,
            }),
            None => Some(ScaleDownWindow {
                seconds: DEFAULT_SCALE_DOWN_WINDOW_SECONDS,
                explicit: false,
                span: self
                    .behavior
                    .map_or(self.anchor, |b| b.missing_span(&path, self.anchor)),
            }),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::yaml;

    /// The `behavior` mapping of a YAML snippet.
    fn behavior(src: &str) -> Node {
        let parsed = yaml::parse(src, yaml::Limits::default());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let root = parsed.documents.into_iter().next().unwrap().root;
        root.get("behavior").unwrap().clone()
    }

    const ANCHOR: Span = Span::new(1000, 1004);

    fn scale_down(behavior: Option<&Node>, max_replicas: Option<i64>) -> ScaleDown<'_> {
        ScaleDown {
            behavior,
            anchor: ANCHOR,
            max_replicas,
        }
    }

    fn rate(src: &str, max: Option<i64>) -> Option<ScaleDownRate> {
        let b = behavior(src);
        scale_down(Some(&b), max).rate()
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
        assert!((r.percent_per_minute - 200.0 / 3.0).abs() < 1e-9);
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
        // Max is the default, absent or null.
        for default in ["", "selectPolicy:", "selectPolicy: ~"] {
            let text = TWO.replace("SELECT", default);
            let r = rate(&text, Some(20)).unwrap();
            assert_eq!((r.percent_per_minute, r.select), (50.0, Select::Max));
        }

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
        // No behavior at all: the caller's anchor, Kubernetes' 100% per 15 s.
        let r = scale_down(None, Some(10)).rate().unwrap();
        assert_eq!(r.percent_per_minute, 400.0);
        assert_eq!(r.origin, RateOrigin::Default);
        assert_eq!(r.span, ANCHOR);

        // behavior without scaleDown: the anchor (the caller's `behavior` key).
        let src = "behavior:\n  scaleUp:\n    stabilizationWindowSeconds: 0\n";
        assert_eq!(rate(src, Some(10)).unwrap().span, ANCHOR);

        // scaleDown without policies, or with null ones: the `scaleDown` key, resp. the
        // `policies` key.
        let src = "behavior:\n  scaleDown:\n    stabilizationWindowSeconds: 600\n";
        let r = rate(src, Some(10)).unwrap();
        assert_eq!(r.percent_per_minute, 400.0);
        assert_eq!(slice(src, r.span), "scaleDown");
        let src = "behavior:\n  scaleDown:\n    policies:\n";
        let r = rate(src, Some(10)).unwrap();
        assert_eq!(
            (r.percent_per_minute, r.origin),
            (400.0, RateOrigin::Default)
        );
        assert_eq!(slice(src, r.span), "policies");

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
    fn window_absent_null_and_set() {
        let window = |src: &str| {
            let b = behavior(src);
            scale_down(Some(&b), None)
                .window()
                .map(|w| (w.seconds, w.explicit, slice(src, w.span).to_string()))
        };
        assert_eq!(
            window("behavior:\n  scaleDown:\n    stabilizationWindowSeconds: 60\n"),
            Some((60, true, "60".into()))
        );
        assert_eq!(
            scale_down(None, None).window(),
            Some(ScaleDownWindow {
                seconds: 300,
                explicit: false,
                span: ANCHOR
            })
        );
        assert_eq!(
            window("behavior:\n  scaleDown:\n    selectPolicy: Max\n"),
            Some((300, false, "scaleDown".into()))
        );
        // A null window is absent: the default, at `scaleDown` as when it is not written.
        for null in ["", " ~"] {
            let src = format!("behavior:\n  scaleDown:\n    stabilizationWindowSeconds:{null}\n");
            assert_eq!(window(&src), Some((300, false, "scaleDown".into())));
        }
        assert_eq!(
            window("behavior:\n  scaleDown:\n    stabilizationWindowSeconds: soon\n"),
            None
        );
    }
}
